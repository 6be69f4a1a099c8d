/*
 * Detect benchmarks (make bench), each next to its baseline in the same run.
 *
 * 1. Logs: a generated Apache combined log (WC_BENCH_LOG_MB, default 2048 MB):
 *    ordinary requests with about 1% Code Red, 0.2% Code Red II, 0.5% Nimda
 *    and 0.1% .ida scanner lines over 30 days, from fixed pools of clients
 *    (2,000 per worm), so a larger file has more lines, not more sources.
 *    `wormcast detect` (the real binary, classifying every kind; all cores,
 *    then one thread) against
 *    `grep -c -E 'GET /default\.ida\?[NX]{10}'` on the same file, page cache
 *    warm for both. Target: at least half grep's MB/s. The Code Red counts of
 *    the two must agree.
 * 2. Captures: a generated Ethernet pcap (WC_BENCH_PACKETS, default 4e6):
 *    short HTTP connections (SYN, SYN-ACK, request, FIN) from 16,384 clients
 *    over one day, Code Red requests split over two segments and Nimda probes
 *    (from 1,024 of the clients),
 *    unanswered SYNs from 200 scanners to random addresses.
 *    `wormcast detect` (reassembly, classification, TRW, flood) against
 *    `ngrep -q -I FILE 'default\.ida\?[NX]'` (per packet, no reassembly) on
 *    the same file, and tshark with a display filter on a prefix of it
 *    (a prefix only: tshark is far slower per packet, as its rate, measured
 *    in the same run, shows, and the whole file would take minutes).
 *    Target: at least ngrep's packets/s.
 * 3. Sensor logs (medians of at most 3 runs): the log's first
 *    WC_BENCH_SENSOR_LINES requests (default 2e6) written four ways, as an
 *    Apache log, a Zeek http.log (TSV and JSON) and a Suricata eve.json
 *    (with a "flow" event after every 8th request). `wormcast detect` on
 *    each against what an analyst would type to find the worm's requests:
 *    `grep -c -E '/default\.ida\?[NX]{10}'` (a pattern anywhere in the
 *    line), on the TSV `awk -F'\t'` matching the uri column, on the JSON
 *    `jq` selecting on the field (and on eve.json's event_type). All must
 *    count the same Code Red requests, and detect must write the same
 *    sources.csv and timeline.csv for the four forms.
 * A size of 0 (WC_BENCH_LOG_MB, WC_BENCH_PACKETS, WC_BENCH_SENSOR_LINES)
 * leaves that part out. Each rate is the median of WC_BENCH_RUNS runs
 * (default 5), detect and its baseline alternating so that both meet the
 * same load. Peak RSS of the
 * detect process (wait4) is shown for the input and for 1/8 of it: flat
 * memory means the two agree. Files go to a temporary directory under
 * $TMPDIR (or /tmp), checked for space first and removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/utc.h"

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	return s && *s ? strtol(s, NULL, 10) : def;
}

static uint64_t rng_state = 0x2001071910000000ull;
static uint64_t rnd(void)
{
	/* splitmix64: the generator's own stream, nothing to do with wc_rng. */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Runs argv with stdout to out_path (or /dev/null); wall seconds, peak RSS in
 * KiB, exit status. */
static double run(char *const argv[], const char *out_path, long *rss_kb, int *status)
{
	fflush(NULL); /* so the child's copy of the buffer is empty */
	double t0 = wc_clock_seconds();
	pid_t pid = fork();
	if (pid == 0) {
		int fd =
			open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		int nul = open("/dev/null", O_WRONLY);
		dup2(nul, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	wait4(pid, &st, 0, &ru);
	double dt = wc_clock_seconds() - t0;
	if (rss_kb)
		*rss_kb = ru.ru_maxrss;
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return dt;
}

static int have_tool(const char *name)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static char *slurp_first_line(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (f) {
		if (fgets(buf, sizeof buf, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Sums the codered and codered2 request columns of a detect timeline.csv. */
static long long codered_requests(const char *dir)
{
	char path[1024], line[4096];
	snprintf(path, sizeof path, "%s/timeline.csv", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long long sum = 0;
	if (fgets(line, sizeof line, f) == NULL) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		/* columns: time, 3 totals, then codered_* (5..7), codered2_* (8..10) */
		char *p = line;
		for (int col = 1; col <= 8 && p; col++) {
			if (col == 5 || col == 8)
				sum += strtoll(p, NULL, 10);
			p = strchr(p, ',');
			if (p)
				p++;
		}
	}
	fclose(f);
	return sum;
}

/* ---------------- the log ---------------- */

static const char cr_escapes[] = "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%"
				 "ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%"
				 "u0078%u0000%u00=a";

static const char *const nimda[16] = {
	"/scripts/root.exe?/c+dir",
	"/MSADC/root.exe?/c+dir",
	"/c/winnt/system32/cmd.exe?/c+dir",
	"/d/winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%255c../winnt/system32/cmd.exe?/c+dir",
	"/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe?/c+dir",
	"/_mem_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe?/c+dir",
	"/msadc/..%255c../..%255c../..%255c/..%c1%1c../..%c1%1c../..%c1%1c../winnt/system32/"
	"cmd.exe?/c+dir",
	"/scripts/..%c1%1c../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%c0%2f../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%c0%af../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%c1%9c../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%%35%63../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%%35c../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%25%35%63../winnt/system32/cmd.exe?/c+dir",
	"/scripts/..%252f../winnt/system32/cmd.exe?/c+dir",
};

static const char *const pages[] = {
	"/",
	"/index.html",
	"/images/logo.gif",
	"/css/site.css",
	"/news/2001/07/19/story.html",
	"/cgi-bin/search?q=worm&lang=en",
	"/favicon.ico",
	"/products/list.php?page=3&sort=price",
};

static const char *const agents[] = {
	"Mozilla/4.0 (compatible; MSIE 5.5; Windows 98)",
	"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.0)",
	"Mozilla/5.0 (X11; U; Linux i686; en-US; rv:0.9.2) Gecko/20010726",
	"Googlebot/2.1 (+http://www.googlebot.com/bot.html)",
};

static void client(char *buf, uint32_t i)
{
	uint32_t a = (uint32_t)(i * 2654435761u);
	sprintf(buf, "%u.%u.%u.%u", 24 + (a >> 24) % 200, (a >> 16) & 255, (a >> 8) & 255,
		1 + (a & 253));
}

/* One request of the bench's traffic, drawn from one number of the stream:
 * about 1% Code Red (one in six of them Code Red II), 0.5% Nimda, 0.1% .ida
 * scanners, the rest ordinary pages; worms from fixed pools of clients. */
struct req {
	char ip[20];
	const char *path;  /* the target, or NULL for Code Red's (written from run) */
	char run;	   /* Code Red's filler: 'N' or 'X' */
	unsigned status;   /* 404 for the worms */
	unsigned size;	   /* response bytes */
	const char *agent; /* NULL: "-" */
};

static void draw_req(struct req *q, uint64_t r)
{
	unsigned k = (unsigned)(r % 1000);
	q->path = NULL;
	q->agent = NULL;
	q->status = 404;
	if (k < 12) {
		q->run = k < 10 ? 'N' : 'X';
		q->size = 276;
		client(q->ip, (uint32_t)(r >> 32) % 2000);
	} else if (k < 17) {
		q->size = 288;
		client(q->ip, (uint32_t)(r >> 32) % 2000 + 20000);
		q->path = nimda[(r >> 20) & 15];
	} else if (k < 18) {
		q->size = 270;
		client(q->ip, (uint32_t)(r >> 32) % 1000 + 40000);
		q->path = "/NULL.ida";
	} else {
		client(q->ip, (uint32_t)(r >> 32) % 65536);
		q->path = pages[(r >> 16) & 7];
		q->status = 200;
		q->size = (unsigned)(r >> 40) % 20000;
		q->agent = agents[(r >> 24) & 3];
	}
}

/* The request target as sent. */
static const char *req_target(const struct req *q, char *buf, size_t n)
{
	if (q->path != NULL)
		return q->path;
	char run[225];
	memset(run, q->run, 224);
	run[224] = '\0';
	snprintf(buf, n, "/default.ida?%s%s", run, cr_escapes);
	return buf;
}

static int apache_line(FILE *f, const struct req *q, const char *ts)
{
	char tb[512];
	const char *target = req_target(q, tb, sizeof tb);
	if (q->agent == NULL)
		return fprintf(f, "%s - - [%s] \"GET %s HTTP/1.0\" %u %u \"-\" \"-\"\n", q->ip, ts,
			       target, q->status, q->size);
	return fprintf(f,
		       "%s - - [%s] \"GET %s HTTP/1.1\" %u %u \"http://www.example.com/\" \"%s\"\n",
		       q->ip, ts, target, q->status, q->size, q->agent);
}

/* Writes about mb megabytes of log; returns the lines written. */
static long long gen_log(const char *path, long mb)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	static char vbuf[8 << 20];
	setvbuf(f, vbuf, _IOFBF, sizeof vbuf);
	uint64_t target = (uint64_t)mb << 20, written = 0;
	wc_time start = wc_days_from_civil(2001, 7, 1) * 86400, span = 30 * 86400, last = -1;
	char ts[40];
	long long lines = 0;
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	while (written < target) {
		wc_time t = start + (wc_time)((double)written / (double)target * (double)span);
		if (t != last) {
			int64_t y;
			unsigned m, d;
			wc_civil_from_days(t / 86400, &y, &m, &d);
			int s = (int)(t % 86400);
			snprintf(ts, sizeof ts, "%02u/%.3s/%04d:%02d:%02d:%02d +0000", d,
				 mon + 3 * (m - 1), (int)y, s / 3600, s / 60 % 60, s % 60);
			last = t;
		}
		struct req q;
		draw_req(&q, rnd());
		int n = apache_line(f, &q, ts);
		if (n < 0) {
			fclose(f);
			return -1;
		}
		written += (uint64_t)n;
		lines++;
	}
	return fclose(f) == 0 ? lines : -1;
}

/* ---------------- the sensor logs ---------------- */

/*
 * The same requests as Zeek and Suricata log them, laid out as the fixtures
 * in tests/fixtures/detect/ are (Zeek 6.x HTTP::Info, Suricata 7.0 EVE): the
 * first nreq requests of the log's stream, spread over the same 30 days,
 * written as an Apache log, a Zeek http.log (TSV and JSON) and an eve.json
 * in which every 8th request is followed by the "flow" event that ends its
 * connection, as Suricata writes both.
 */
enum { S_APACHE, S_ZEEK, S_ZEEK_JSON, S_EVE, S_N };

static const char zeek_header[] =
	"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
	"#path\thttp\n#open\t2001-07-01-00-00-00\n"
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\t"
	"uri\treferrer\tversion\tuser_agent\torigin\trequest_body_len\tresponse_body_len\t"
	"status_code\tstatus_msg\tinfo_code\tinfo_msg\ttags\tusername\tpassword\tproxied\t"
	"orig_fuids\torig_filenames\torig_mime_types\tresp_fuids\tresp_filenames\t"
	"resp_mime_types\n"
	"#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\t"
	"string\tstring\tstring\tcount\tcount\tcount\tstring\tcount\tstring\tset[enum]\tstring\t"
	"string\tset[string]\tvector[string]\tvector[string]\tvector[string]\tvector[string]\t"
	"vector[string]\tvector[string]\n";

/* One request in each of the four forms; i numbers it (uid, flow_id, port). */
static void sensor_lines(FILE *const f[S_N], const struct req *q, wc_time t, long long i)
{
	char tb[512], iso[32], ts[40];
	const char *u = req_target(q, tb, sizeof tb);
	const char *msg = q->status == 200 ? "OK" : "Not Found";
	const char *agent = q->agent ? q->agent : "-";
	unsigned port = 1024 + (unsigned)(i % 60000);
	int64_t y;
	unsigned mo, d;
	wc_civil_from_days(t / 86400, &y, &mo, &d);
	int s = (int)(t % 86400);
	snprintf(iso, sizeof iso, "%04d-%02u-%02uT%02d:%02d:%02d", (int)y, mo, d, s / 3600,
		 s / 60 % 60, s % 60);
	snprintf(ts, sizeof ts, "%02u/%.3s/%04d:%02d:%02d:%02d +0000", d,
		 "JanFebMarAprMayJunJulAugSepOctNovDec" + 3 * (mo - 1), (int)y, s / 3600,
		 s / 60 % 60, s % 60);
	apache_line(f[S_APACHE], q, ts);
	fprintf(f[S_ZEEK],
		"%lld.000000\tC%016llx\t%s\t%u\t192.0.2.1\t80\t1\tGET\twww.example.com\t%s\t-\t1.%"
		"c\t"
		"%s\t-\t0\t%u\t%u\t%s\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t-\t-\t-\n",
		(long long)t, (unsigned long long)i, q->ip, port, u, q->agent ? '1' : '0', agent,
		q->size, q->status, msg);
	fprintf(f[S_ZEEK_JSON],
		"{\"ts\":%lld.0,\"uid\":\"C%016llx\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,"
		"\"id.resp_h\":\"192.0.2.1\",\"id.resp_p\":80,\"trans_depth\":1,\"method\":\"GET\","
		"\"host\":\"www.example.com\",\"uri\":\"%s\",\"version\":\"1.%c\","
		"\"user_agent\":\"%s\",\"request_body_len\":0,\"response_body_len\":%u,"
		"\"status_code\":%u,\"status_msg\":\"%s\",\"tags\":[]}\n",
		(long long)t, (unsigned long long)i, q->ip, port, u, q->agent ? '1' : '0', agent,
		q->size, q->status, msg);
	fprintf(f[S_EVE],
		"{\"timestamp\":\"%s.000000+0000\",\"flow_id\":%lld,\"in_iface\":\"eth0\","
		"\"event_type\":\"http\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"192.0.2."
		"1\","
		"\"dest_port\":80,\"proto\":\"TCP\",\"tx_id\":0,\"http\":{\"hostname\":"
		"\"www.example.com\",\"url\":\"%s\",\"http_user_agent\":\"%s\","
		"\"http_content_type\":\"text/html\",\"http_method\":\"GET\",\"protocol\":"
		"\"HTTP/1.%c\",\"status\":%u,\"length\":%u}}\n",
		iso, 1000000 + i, q->ip, port, u, agent, q->agent ? '1' : '0', q->status, q->size);
	if (i % 8 == 7)
		fprintf(f[S_EVE],
			"{\"timestamp\":\"%s.000000+0000\",\"flow_id\":%lld,\"in_iface\":\"eth0\","
			"\"event_type\":\"flow\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":"
			"\"192.0.2.1\",\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"http\","
			"\"flow\":{\"pkts_toserver\":4,\"pkts_toclient\":3,\"bytes_toserver\":%zu,"
			"\"bytes_toclient\":%u,\"state\":\"closed\",\"reason\":\"timeout\"}}\n",
			iso, 1000000 + i, q->ip, port, 200 + strlen(u), 200 + q->size);
}

/* Writes nreq requests in the four forms to paths[]; 0, or -1. */
static int gen_sensor(char *const paths[S_N], long long nreq)
{
	FILE *f[S_N];
	static char vbuf[S_N][1 << 20];
	int rc = 0, nopen = 0;
	for (; nopen < S_N; nopen++) {
		if ((f[nopen] = fopen(paths[nopen], "w")) == NULL) {
			rc = -1;
			break;
		}
		setvbuf(f[nopen], vbuf[nopen], _IOFBF, sizeof vbuf[nopen]);
	}
	if (rc == 0) {
		wc_time start = wc_days_from_civil(2001, 7, 1) * 86400, span = 30 * 86400;
		fputs(zeek_header, f[S_ZEEK]);
		for (long long i = 0; i < nreq; i++) {
			struct req q;
			draw_req(&q, rnd());
			sensor_lines(f, &q, start + (wc_time)((double)i / (double)nreq * span), i);
		}
		fputs("#close\t2001-07-31-00-00-00\n", f[S_ZEEK]);
	}
	for (int i = 0; i < nopen; i++)
		if (fclose(f[i]) != 0)
			rc = -1;
	return rc;
}

/* ---------------- the capture ---------------- */

struct capw {
	pcap_dumper_t *dump;
	long long packets;
	double t;
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

static void seg(struct capw *c, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint32_t seq,
		uint8_t flags, const char *data, size_t len)
{
	uint8_t pkt[2048];
	memset(pkt, 0, 54);
	pkt[12] = 0x08;
	pkt[14] = 0x45;
	put16(pkt + 16, (unsigned)(40 + len));
	pkt[22] = 64;
	pkt[23] = 6;
	put32(pkt + 26, src);
	put32(pkt + 30, dst);
	put16(pkt + 34, sp);
	put16(pkt + 36, dp);
	put32(pkt + 38, seq);
	pkt[46] = 5 << 4;
	pkt[47] = flags;
	put16(pkt + 48, 65535);
	memcpy(pkt + 54, data, len);
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)c->t;
	h.ts.tv_usec = (suseconds_t)((c->t - (double)h.ts.tv_sec) * 1e6);
	h.caplen = h.len = (bpf_u_int32)(54 + len);
	pcap_dump((u_char *)c->dump, &h, pkt);
	c->packets++;
}

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static long long gen_pcap(const char *path, long long npk)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump = pcap_dump_open(dead, path);
	if (dump == NULL)
		return -1;
	struct capw c = {dump, 0, 0};
	double start = (double)(wc_days_from_civil(2001, 7, 19) * 86400), span = 86400;
	char req[1024], run[225];
	uint16_t port = 1024;
	while (c.packets < npk) {
		c.t = start + span * (double)c.packets / (double)npk;
		uint64_t r = rnd();
		unsigned k = (unsigned)(r % 100);
		uint32_t srv = 0x0A000000u | (uint32_t)((r >> 8) & 255);
		if (++port < 1024)
			port = 1024;
		if (k < 13) { /* a scanner's unanswered SYN */
			uint32_t scanner = 0x18000000u | (uint32_t)((r >> 16) % 200);
			seg(&c, scanner, (uint32_t)(r >> 32), port, 80, 1, SYN, "", 0);
			continue;
		}
		/* Browsers from 16,384 addresses, worms from 1,024 of them. */
		uint32_t cli = 0x20000000u | (uint32_t)((r >> 32) % (k < 20 ? 1024 : 16384));
		seg(&c, cli, srv, port, 80, 1000, SYN, "", 0);
		seg(&c, srv, cli, 80, port, 5000, SYN | ACK, "", 0);
		size_t n;
		if (k < 18) { /* Code Red (one in five Code Red II), in two segments */
			memset(run, k < 17 ? 'N' : 'X', 224);
			run[224] = '\0';
			n = (size_t)snprintf(req, sizeof req,
					     "GET /default.ida?%s%s HTTP/1.0\r\nContent-type: "
					     "text/xml\r\nContent-length: 3379 \r\n\r\n",
					     run, cr_escapes);
			seg(&c, cli, srv, port, 80, 1001, ACK, req, 120);
			seg(&c, cli, srv, port, 80, 1001 + 120, ACK | PSH, req + 120, n - 120);
		} else if (k < 20) {
			n = (size_t)snprintf(req, sizeof req,
					     "GET %s HTTP/1.0\r\nHost: www\r\n\r\n",
					     nimda[(r >> 20) & 15]);
			seg(&c, cli, srv, port, 80, 1001, ACK | PSH, req, n);
		} else {
			n = (size_t)snprintf(
				req, sizeof req,
				"GET %s HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: "
				"%s\r\nAccept: */*\r\n\r\n",
				pages[(r >> 16) & 7], agents[(r >> 24) & 3]);
			seg(&c, cli, srv, port, 80, 1001, ACK | PSH, req, n);
		}
		seg(&c, cli, srv, port, 80, 1001 + (uint32_t)n, FIN | ACK, "", 0);
	}
	pcap_dump_close(dump);
	pcap_close(dead);
	return c.packets;
}

static long long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	long long n = ftell(f);
	fclose(f);
	return n;
}

/* Median wall time of `wormcast detect FILE`, and its peak RSS. */
static double time_detect(const char *wc, const char *file, const char *outdir, int runs, long *rss)
{
	double t[16];
	char *argv[] = {(char *)wc, "detect",	    (char *)file, "--quiet",
			"--out",    (char *)outdir, NULL};
	*rss = 0;
	for (int i = 0; i < runs; i++) {
		long r;
		int st;
		t[i] = run(argv, NULL, &r, &st);
		if (st != 0) {
			fprintf(stderr, "bench_detect: wormcast detect %s failed (%d)\n", file, st);
			exit(1);
		}
		if (r > *rss)
			*rss = r;
	}
	return median(t, runs);
}

/* Removes dir and the plain files in it (detect's outputs). */
static void remove_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	if (dp == NULL)
		return;
	struct dirent *e;
	char path[1200];
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(dp);
	rmdir(dir);
}

/* True when DIR_A/NAME and DIR_B/NAME hold the same bytes. */
static bool same_file(const char *dir_a, const char *dir_b, const char *name)
{
	char pa[700], pb[700];
	snprintf(pa, sizeof pa, "%s/%s", dir_a, name);
	snprintf(pb, sizeof pb, "%s/%s", dir_b, name);
	FILE *a = fopen(pa, "rb"), *b = fopen(pb, "rb");
	bool same = a != NULL && b != NULL;
	int ca = 0, cb = 0;
	while (same && ca != EOF) {
		ca = getc(a);
		cb = getc(b);
		same = ca == cb;
	}
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	return same;
}

/* One command of the sensor-log comparison, and what it measured. */
struct job {
	const char *label; /* as printed */
	int file;	   /* S_APACHE ... S_EVE */
	char *argv[12];
	bool detect; /* wormcast: the count is read from its timeline.csv */
	bool ok;     /* the tool is installed */
	double t[16];
	long long count; /* Code Red and Code Red II requests found */
};

/* The jobs for files[]: detect on each, grep on each, awk on the TSV, jq on
 * the JSON forms. What each baseline does is printed beside it. */
static int sensor_jobs(struct job *j, char *const files[S_N], const char *wc, char *const out[S_N])
{
	static const char *const names[S_N] = {"Apache log", "Zeek TSV", "Zeek JSON", "eve.json"};
	static char *const jq_zeek =
		"reduce (inputs | select(.uri | test(\"^/default\\\\.ida\\\\?[NX]{10}\"))) "
		"as $r (0; . + 1)";
	static char *const jq_eve =
		"reduce (inputs | select(.event_type == \"http\" and (.http.url | "
		"test(\"^/default\\\\.ida\\\\?[NX]{10}\")))) as $r (0; . + 1)";
	int n = 0;
	bool jq = have_tool("jq"), awk = have_tool("awk"), grep = have_tool("grep");
	for (int f = 0; f < S_N; f++) {
		j[n] = (struct job){
			names[f],
			f,
			{(char *)wc, "detect", files[f], "--quiet", "--out", out[f], NULL},
			true,
			true,
			{0},
			-1};
		n++;
		j[n] = (struct job){
			"grep -c -E",
			f,
			{"grep", "-c", "-E", "/default\\.ida\\?[NX]{10}", files[f], NULL},
			false,
			grep,
			{0},
			-1};
		n++;
		if (f == S_ZEEK)
			j[n++] = (struct job){
				"awk -F'\\t' '$10 ~ ...'",
				f,
				{"awk", "-F\t",
				 "$10 ~ /^\\/default\\.ida\\?[NX]/ {n++} END {print n+0}", files[f],
				 NULL},
				false,
				awk,
				{0},
				-1};
		if (f == S_ZEEK_JSON || f == S_EVE)
			j[n++] = (struct job){
				"jq -n 'reduce ...'",
				f,
				{"jq", "-n", f == S_EVE ? jq_eve : jq_zeek, files[f], NULL},
				false,
				jq,
				{0},
				-1};
	}
	return n;
}

/* Runs every job runs times, all jobs in each round so that they meet the
 * same load; 0, or -1 when detect failed. */
static int run_jobs(struct job *j, int n, int runs, const char *count_out)
{
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++) {
			if (!j[i].ok)
				continue;
			int st;
			j[i].t[r] = run(j[i].argv, j[i].detect ? NULL : count_out, NULL, &st);
			if (j[i].detect && st != 0) {
				printf("bench_detect: wormcast detect %s failed (%d)\n",
				       j[i].argv[2], st);
				return -1;
			}
			if (r == 0)
				j[i].count = j[i].detect ? codered_requests(j[i].argv[5])
							 : atoll(slurp_first_line(count_out));
		}
	return 0;
}

/* Detect on the same requests as an Apache log, Zeek TSV and JSON, eve.json,
 * next to grep, awk and jq. */
static int bench_sensor(const char *wc, const char *dir, long long nreq, int runs)
{
	char paths[S_N][600], outs[S_N][600], count_out[600];
	static const char *const base[S_N] = {"access_log", "http.log", "http.json", "eve.json"};
	char *files[S_N], *out[S_N];
	for (int f = 0; f < S_N; f++) {
		snprintf(paths[f], sizeof paths[f], "%s/%s", dir, base[f]);
		snprintf(outs[f], sizeof outs[f], "%s/out-%d", dir, f);
		files[f] = paths[f];
		out[f] = outs[f];
	}
	snprintf(count_out, sizeof count_out, "%s/count.out", dir);
	double g0 = wc_clock_seconds();
	rng_state = 0x2001071910000000ull; /* the log's stream, from its start */
	if (gen_sensor(files, nreq) != 0) {
		printf("bench_detect: cannot write the sensor logs in %s\n", dir);
		return -1;
	}
	/* Lines as written: Zeek's 8 header lines and #close, eve's flow events. */
	long long lines[S_N] = {nreq, nreq + 9, nreq, nreq + nreq / 8};
	printf("sensor logs: the log's first %lld requests, generated in %.1f s, as\n", nreq,
	       wc_clock_seconds() - g0);
	for (int f = 0; f < S_N; f++)
		printf("  %-10s %5.0f MB, %lld lines\n", base[f], (double)file_size(files[f]) / 1e6,
		       lines[f]);
	struct job j[16];
	int n = sensor_jobs(j, files, wc, out);
	for (int f = 0; f < S_N; f++) { /* warms the page cache */
		char *cat[] = {"cat", files[f], NULL};
		run(cat, NULL, NULL, NULL);
	}
	if (run_jobs(j, n, runs, count_out) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		double bytes = (double)file_size(files[j[i].file]);
		if (j[i].detect)
			printf("  %s:\n", base[j[i].file]);
		if (!j[i].ok) {
			printf("    %-24s baseline unavailable (not installed; make bench-deps)\n",
			       j[i].argv[0]);
			continue;
		}
		double t = median(j[i].t, runs);
		printf("    %-24s %7.0f MB/s %7.2fe6 lines/s (%6.2f s)  Code Red lines %lld%s\n",
		       j[i].detect ? "wormcast detect" : j[i].label, bytes / t / 1e6,
		       (double)lines[j[i].file] / t / 1e6, t, j[i].count,
		       j[i].detect ? "" : "  baseline");
	}
	bool agree = true;
	for (int i = 1; i < n; i++)
		agree &= !j[i].ok || j[i].count == j[0].count;
	printf("  Code Red and Code Red II requests: every tool %s\n",
	       agree ? "counts the same" : "does NOT count the same");
	bool same = true;
	for (int f = 1; f < S_N; f++)
		same &= same_file(out[0], out[f], "sources.csv") &&
			same_file(out[0], out[f], "timeline.csv");
	printf("  detect's sources.csv and timeline.csv: %s for the four forms\n",
	       same ? "the same bytes" : "NOT the same");
	for (int f = 0; f < S_N; f++) {
		unlink(files[f]);
		remove_dir(out[f]);
	}
	unlink(count_out);
	return 0;
}

/* The Apache log beside grep; 0, or -1. */
static int bench_log(const char *wc, const char *dir, long log_mb, int runs)
{
	char big[600], small[600], out[600], grep_out[600];
	snprintf(big, sizeof big, "%s/access_log", dir);
	snprintf(small, sizeof small, "%s/access_log.small", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(grep_out, sizeof grep_out, "%s/grep.out", dir);
	double g0 = wc_clock_seconds();
	long long lines = gen_log(big, log_mb);
	rng_state = 0x2001071910000000ull;
	long long lines_small = gen_log(small, log_mb / 8 > 0 ? log_mb / 8 : 1);
	if (lines < 0 || lines_small < 0) {
		printf("bench_detect: cannot write the log in %s\n", dir);
		return -1;
	}
	double bytes = (double)file_size(big);
	printf("log: %.0f MB, %lld lines, generated in %.1f s\n", bytes / 1e6, lines,
	       wc_clock_seconds() - g0);

	char *grep_argv[] = {"grep", "-c", "-E", "GET /default\\.ida\\?[NX]{10}", big, NULL};
	char *det_argv[] = {(char *)wc, "detect", big, "--quiet", "--out", out, NULL};
	char *det1_argv[] = {(char *)wc, "detect", big, "--quiet", "--threads",
			     "1",	 "--out",  out, NULL};
	long rss_small, rss_big;
	time_detect(wc, small, out, 1, &rss_small);
	/* Alternate the two, so that both see the same load from other processes. */
	bool grep_ok = have_tool("grep");
	run(grep_ok ? grep_argv : det_argv, grep_out, NULL, NULL); /* warms the page cache */
	double gt[16], dt[16], d1t[16];
	rss_big = 0;
	for (int i = 0; i < runs; i++) {
		long r;
		int st;
		gt[i] = grep_ok ? run(grep_argv, grep_out, NULL, NULL) : 0;
		d1t[i] = run(det1_argv, NULL, NULL, NULL);
		dt[i] = run(det_argv, NULL, &r, &st);
		if (st != 0) {
			printf("bench_detect: wormcast detect failed (%d)\n", st);
			return -1;
		}
		rss_big = r > rss_big ? r : rss_big;
	}
	double grep_t = median(gt, runs), det_t = median(dt, runs), det1_t = median(d1t, runs);
	long long grep_count = atoll(slurp_first_line(grep_out));
	long long det_count = codered_requests(out);
	printf("  wormcast detect   %8.0f MB/s  %6.2fe6 lines/s  (%.2f s)\n", bytes / det_t / 1e6,
	       (double)lines / det_t / 1e6, det_t);
	printf("  ... --threads 1   %8.0f MB/s  %6.2fe6 lines/s  (%.2f s)\n", bytes / det1_t / 1e6,
	       (double)lines / det1_t / 1e6, det1_t);
	if (grep_ok) {
		printf("  grep -c -E        %8.0f MB/s  %6.2fe6 lines/s  (%.2f s)   baseline\n",
		       bytes / grep_t / 1e6, (double)lines / grep_t / 1e6, grep_t);
		printf("  ratio detect/grep %.2f (target >= 0.5); Code Red lines: detect %lld, "
		       "grep "
		       "%lld (%s)\n",
		       grep_t / det_t, det_count, grep_count,
		       det_count == grep_count ? "agree" : "DIFFER");
	} else {
		printf("  grep: baseline unavailable (not installed)\n");
	}
	printf("  peak RSS: %.1f MB at %.0f MB of log, %.1f MB at %.0f MB\n", rss_small / 1024.0,
	       (double)file_size(small) / 1e6, rss_big / 1024.0, bytes / 1e6);
	unlink(big);
	unlink(small);
	unlink(grep_out);
	remove_dir(out);
	return 0;
}

/* The capture beside ngrep and tshark; 0, or -1. */
static int bench_capture(const char *wc, const char *dir, long long npk, int runs)
{
	char cap[600], capsmall[600], capprefix[600], out[600];
	snprintf(cap, sizeof cap, "%s/capture.pcap", dir);
	snprintf(capsmall, sizeof capsmall, "%s/capture.small.pcap", dir);
	snprintf(capprefix, sizeof capprefix, "%s/capture.prefix.pcap", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	rng_state = 0x2001071910000000ull;
	double g0 = wc_clock_seconds();
	long long pk = gen_pcap(cap, npk);
	rng_state = 0x2001071910000000ull;
	long long pk_small = gen_pcap(capsmall, npk / 8 > 0 ? npk / 8 : 1);
	rng_state = 0x2001071910000000ull;
	long long pk_prefix = gen_pcap(capprefix, npk / 20 > 200000 ? 200000 : npk / 20 + 1);
	if (pk < 0 || pk_small < 0 || pk_prefix < 0) {
		printf("bench_detect: cannot write the capture in %s\n", dir);
		return -1;
	}
	double cbytes = (double)file_size(cap);
	printf("capture: %lld packets, %.0f MB, generated in %.1f s\n", pk, cbytes / 1e6,
	       wc_clock_seconds() - g0);
	long crss_small, crss_big = 0;
	time_detect(wc, capsmall, out, 1, &crss_small);
	char *cdet_argv[] = {(char *)wc, "detect", cap, "--quiet", "--out", out, NULL};
	char *ng[] = {"ngrep", "-q", "-I", cap, "default\\.ida\\?[NX]", NULL};
	bool ngrep = have_tool("ngrep");
	double ct[16], nt[16];
	run(cdet_argv, NULL, NULL, NULL); /* warms the page cache */
	for (int i = 0; i < runs; i++) {
		long r;
		int st;
		ct[i] = run(cdet_argv, NULL, &r, &st);
		if (st != 0) {
			printf("bench_detect: wormcast detect failed (%d)\n", st);
			return -1;
		}
		crss_big = r > crss_big ? r : crss_big;
		if (ngrep)
			nt[i] = run(ng, NULL, NULL, NULL);
	}
	double cdet_t = median(ct, runs);
	printf("  wormcast detect   %6.2fe6 packets/s  (%.2f s; reassembly, classification, TRW)\n",
	       (double)pk / cdet_t / 1e6, cdet_t);
	if (ngrep) {
		double ngrep_t = median(nt, runs);
		printf("  ngrep -q -I       %6.2fe6 packets/s  (%.2f s)   baseline\n",
		       (double)pk / ngrep_t / 1e6, ngrep_t);
		printf("  ratio detect/ngrep %.2f (target >= 1)\n", ngrep_t / cdet_t);
	} else {
		printf("  ngrep: baseline unavailable (not installed; make bench-deps)\n");
	}
	if (have_tool("tshark")) {
		char *ts[] = {"tshark",	 "-n", "-r",
			      capprefix, "-Y", "http.request.uri contains \"default.ida\"",
			      NULL};
		double tt = run(ts, NULL, NULL, NULL);
		printf("  tshark -Y         %6.2fe6 packets/s  (%.2f s on the first %lld packets)  "
		       " "
		       "baseline\n",
		       (double)pk_prefix / tt / 1e6, tt, pk_prefix);
	} else {
		printf("  tshark: baseline unavailable (not installed; make bench-deps)\n");
	}
	printf("  peak RSS: %.1f MB at %lld packets, %.1f MB at %lld packets\n",
	       crss_small / 1024.0, pk_small, crss_big / 1024.0, pk);
	unlink(cap);
	unlink(capsmall);
	unlink(capprefix);
	remove_dir(out);
	return 0;
}

int main(void)
{
	long log_mb = env_long("WC_BENCH_LOG_MB", 2048);
	long long npk = env_long("WC_BENCH_PACKETS", 4000000);
	long long nreq = env_long("WC_BENCH_SENSOR_LINES", 2000000);
	int runs = (int)env_long("WC_BENCH_RUNS", 5);
	if (runs < 1 || runs > 15)
		runs = 3;
	const char *wc = getenv("WORMCAST") ? getenv("WORMCAST") : "build/wormcast";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	/* Log ~ log_mb (+1/8 for the small one); capture ~ 190 bytes a packet. */
	double need = (double)log_mb * 1.125 * 1048576 + (double)npk * 1.125 * 190 + 1e8;
	/* The four sensor forms of a request: about 1,900 bytes together. */
	need += (double)nreq * 1900;
	struct statvfs vfs;
	if (statvfs(tmp, &vfs) == 0 && (double)vfs.f_bavail * (double)vfs.f_frsize < need) {
		printf("bench_detect: %s has %.1f GB free, needs %.1f GB: set WC_BENCH_LOG_MB / "
		       "WC_BENCH_PACKETS lower or TMPDIR elsewhere\n",
		       tmp, (double)vfs.f_bavail * (double)vfs.f_frsize / 1e9, need / 1e9);
		return 1;
	}
	char dir[512];
	snprintf(dir, sizeof dir, "%s/wc-bench-detect.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		perror("bench_detect: mkdtemp");
		return 1;
	}

	double load[1] = {0};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	getloadavg(load, 1);
	printf("== detect benchmarks (%d runs each, median; %ld cores, load average %.1f at the "
	       "start)\n",
	       runs, ncpu, load[0]);
	/* A size of 0 leaves that part out. */
	int rc = 0;
	if (log_mb > 0)
		rc |= bench_log(wc, dir, log_mb, runs);
	if (rc == 0 && npk > 0)
		rc |= bench_capture(wc, dir, npk, runs);
	/* At most 3 rounds: jq takes minutes a round on the JSON forms. */
	if (rc == 0 && nreq > 0)
		rc |= bench_sensor(wc, dir, nreq, runs < 3 ? runs : 3);
	if (rmdir(dir) != 0)
		printf("bench_detect: could not remove %s: %s\n", dir, strerror(errno));
	return rc == 0 ? 0 : 1;
}
