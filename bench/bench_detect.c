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
 * Each rate is the median of WC_BENCH_RUNS runs (default 5), detect and its
 * baseline alternating so that both meet the same load. Peak RSS of the
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
	char ts[40], req[1024], ip[20], run[225];
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
		uint64_t r = rnd();
		unsigned k = (unsigned)(r % 1000);
		int n;
		if (k < 10 || (k >= 10 && k < 12)) {
			memset(run, k < 10 ? 'N' : 'X', 224);
			run[224] = '\0';
			client(ip, (uint32_t)(r >> 32) % 2000);
			n = fprintf(f,
				    "%s - - [%s] \"GET /default.ida?%s%s HTTP/1.0\" 404 276 \"-\" "
				    "\"-\"\n",
				    ip, ts, run, cr_escapes);
		} else if (k < 17) {
			client(ip, (uint32_t)(r >> 32) % 2000 + 20000);
			n = fprintf(f, "%s - - [%s] \"GET %s HTTP/1.0\" 404 288 \"-\" \"-\"\n", ip,
				    ts, nimda[(r >> 20) & 15]);
		} else if (k < 18) {
			client(ip, (uint32_t)(r >> 32) % 1000 + 40000);
			n = fprintf(f,
				    "%s - - [%s] \"GET /NULL.ida HTTP/1.0\" 404 270 \"-\" \"-\"\n",
				    ip, ts);
		} else {
			client(ip, (uint32_t)(r >> 32) % 65536);
			snprintf(req, sizeof req, "GET %s HTTP/1.1", pages[(r >> 16) & 7]);
			n = fprintf(
				f, "%s - - [%s] \"%s\" 200 %u \"http://www.example.com/\" \"%s\"\n",
				ip, ts, req, (unsigned)(r >> 40) % 20000, agents[(r >> 24) & 3]);
		}
		if (n < 0) {
			fclose(f);
			return -1;
		}
		written += (uint64_t)n;
		lines++;
	}
	return fclose(f) == 0 ? lines : -1;
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

int main(void)
{
	long log_mb = env_long("WC_BENCH_LOG_MB", 2048);
	long long npk = env_long("WC_BENCH_PACKETS", 4000000);
	int runs = (int)env_long("WC_BENCH_RUNS", 5);
	if (runs < 1 || runs > 15)
		runs = 3;
	const char *wc = getenv("WORMCAST") ? getenv("WORMCAST") : "build/wormcast";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	/* Log ~ log_mb (+1/8 for the small one); capture ~ 190 bytes a packet. */
	double need = (double)log_mb * 1.125 * 1048576 + (double)npk * 1.125 * 190 + 1e8;
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
	char big[600], small[600], cap[600], capsmall[600], capprefix[600], out[600], grep_out[600];
	snprintf(big, sizeof big, "%s/access_log", dir);
	snprintf(small, sizeof small, "%s/access_log.small", dir);
	snprintf(cap, sizeof cap, "%s/capture.pcap", dir);
	snprintf(capsmall, sizeof capsmall, "%s/capture.small.pcap", dir);
	snprintf(capprefix, sizeof capprefix, "%s/capture.prefix.pcap", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(grep_out, sizeof grep_out, "%s/grep.out", dir);

	double load[1] = {0};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	getloadavg(load, 1);
	printf("== detect benchmarks (%d runs each, median; %ld cores, load average %.1f at the "
	       "start)\n",
	       runs, ncpu, load[0]);
	/* ---- logs ---- */
	double g0 = wc_clock_seconds();
	long long lines = gen_log(big, log_mb);
	rng_state = 0x2001071910000000ull;
	long long lines_small = gen_log(small, log_mb / 8 > 0 ? log_mb / 8 : 1);
	if (lines < 0 || lines_small < 0) {
		printf("bench_detect: cannot write the log in %s\n", dir);
		return 1;
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
			return 1;
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

	/* ---- captures ---- */
	g0 = wc_clock_seconds();
	long long pk = gen_pcap(cap, npk);
	rng_state = 0x2001071910000000ull;
	long long pk_small = gen_pcap(capsmall, npk / 8 > 0 ? npk / 8 : 1);
	rng_state = 0x2001071910000000ull;
	long long pk_prefix = gen_pcap(capprefix, npk / 20 > 200000 ? 200000 : npk / 20 + 1);
	if (pk < 0 || pk_small < 0 || pk_prefix < 0) {
		printf("bench_detect: cannot write the capture in %s\n", dir);
		return 1;
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
			return 1;
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
	unlink(grep_out);
	remove_dir(out);
	if (rmdir(dir) != 0)
		printf("bench_detect: could not remove %s: %s\n", dir, strerror(errno));
	return 0;
}
