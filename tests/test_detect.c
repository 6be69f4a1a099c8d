/*
 * Tests for src/detect: signatures, the three log formats (fixtures in
 * tests/fixtures/detect/), gzip, the timeline, and captures written here with
 * libpcap's dump API: reassembly out of order, IPv6, TRW scanners, floods,
 * malformed and truncated captures. Every count asserted is exact.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "detect/detect.h"
#include "detect/internal.h"
#include "report/detect_report.h"

#define FIX "tests/fixtures/detect/"

static const char shellcode_escapes[] =
	"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%"
	"u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

/* "GET /default.ida?" + run × c + the worm's %u escapes (the logged request line). */
static char *codered_target(char c, int run, char *buf, size_t len)
{
	int o = snprintf(buf, len, "/default.ida?");
	for (int i = 0; i < run; i++)
		buf[o++] = c;
	snprintf(buf + o, len - (size_t)o, "%s", shellcode_escapes);
	return buf;
}

static wc_detect_kind classify_target(const char *t)
{
	const char *q = strchr(t, '?');
	if (q == NULL)
		return wc_detect_classify(t, strlen(t), "", 0);
	return wc_detect_classify(t, (size_t)(q - t), q + 1, strlen(q + 1));
}

static void signatures_tell_worms_from_scanners(void **state)
{
	(void)state;
	char b[1024];
	assert_int_equal(classify_target(codered_target('N', 224, b, sizeof b)), WC_KIND_CODERED);
	assert_int_equal(classify_target(codered_target('X', 224, b, sizeof b)), WC_KIND_CODERED2);
	/* Imitations: wrong run length, wrong path, no run, wrong case. */
	assert_int_equal(classify_target(codered_target('N', 223, b, sizeof b)), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target(codered_target('X', 225, b, sizeof b)), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target("/x.ida?xxxx"), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target("/NULL.ida"), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target("/null.IDQ"), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target("/default.ida?NNNNNNNNNN"), WC_KIND_IDA_PROBE);
	codered_target('N', 224, b, sizeof b);
	b[1] = 'D'; /* /Default.ida */
	assert_int_equal(classify_target(b), WC_KIND_IDA_PROBE);
	/* 224 N and nothing after: not the worm's request. */
	codered_target('N', 224, b, sizeof b);
	b[13 + 224] = '\0';
	assert_int_equal(classify_target(b), WC_KIND_IDA_PROBE);
	assert_int_equal(classify_target("/index.html"), WC_KIND_NONE);
	assert_int_equal(classify_target("/"), WC_KIND_NONE);
	assert_int_equal(classify_target("/scripts/root.exe"), WC_KIND_NONE); /* no ?/c+dir */
	assert_int_equal(classify_target("/scripts/root.exe?/c+dir+c:\\"), WC_KIND_NONE);
	assert_int_equal(classify_target("/setup.exe?/c+dir"), WC_KIND_NONE);
}

/* Nimda's 16 probes (CERT CA-2001-26), as Apache logs them. */
static const char *const nimda_uris[16] = {
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

static void nimda_matches_all_sixteen_in_any_encoding(void **state)
{
	(void)state;
	for (int i = 0; i < 16; i++)
		assert_int_equal(classify_target(nimda_uris[i]), WC_KIND_NIMDA);
	/* IIS logs the path once decoded. */
	assert_int_equal(classify_target("/scripts/..%5c../winnt/system32/cmd.exe?/c+dir"),
			 WC_KIND_NIMDA);
	assert_int_equal(classify_target("/scripts/..\\../winnt/system32/cmd.exe?/c+dir"),
			 WC_KIND_NIMDA);
	/* Same program, another traversal: not one of Nimda's. */
	assert_int_equal(classify_target("/scripts/../../../winnt/system32/cmd.exe?/c+dir"),
			 WC_KIND_NONE);
	assert_int_equal(classify_target("/winnt/system32/cmd.exe?/c+dir"), WC_KIND_NONE);
	char buf[128];
	size_t n = wc_detect_canonical("/A%2541%c0%af\\", 14, buf, sizeof buf);
	assert_int_equal(n, 5);
	assert_string_equal(buf, "/aa//");
	assert_int_equal(wc_detect_canonical("abc", 3, buf, 3), (size_t)-1);
}

static void request_lines_with_and_without_version(void **state)
{
	(void)state;
	char b[1024], line[1100];
	int probe;
	snprintf(line, sizeof line, "GET %s HTTP/1.0", codered_target('N', 224, b, sizeof b));
	assert_int_equal(wc_detect_classify_request_line(line, strlen(line), &probe),
			 WC_KIND_CODERED);
	snprintf(line, sizeof line, "GET %s", codered_target('X', 224, b, sizeof b));
	assert_int_equal(wc_detect_classify_request_line(line, strlen(line), &probe),
			 WC_KIND_CODERED2);
	assert_int_equal(wc_detect_classify_request_line("GET / HTTP/1.0", 14, &probe),
			 WC_KIND_NONE);
	assert_int_equal(wc_detect_classify_request_line("-", 1, &probe), -2);
	assert_int_equal(wc_detect_classify_request_line("\x16\x03\x01 x", 5, &probe), -2);
	assert_int_equal(wc_detect_classify_request_line("get / HTTP/1.0", 14, &probe), -2);
}

static wc_detect *run_files(const char *const *files, int n, wc_time bin)
{
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.bin = bin;
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	for (int i = 0; i < n; i++)
		assert_int_equal(wc_detect_file(d, files[i], WC_FORMAT_AUTO, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	return d;
}

struct kind_summary {
	uint64_t requests, sources;
	wc_time first, last;
};

static struct kind_summary summarize(const wc_detect *d, int kind)
{
	struct kind_summary s = {0, 0, 0, 0};
	size_t n;
	const wc_detect_source *src = wc_detect_sources(d, &n);
	for (size_t i = 0; i < n; i++) {
		if (src[i].kind != kind)
			continue;
		if (s.sources == 0 || src[i].first < s.first)
			s.first = src[i].first;
		if (s.sources == 0 || src[i].last > s.last)
			s.last = src[i].last;
		s.sources++;
		s.requests += src[i].requests;
	}
	return s;
}

static wc_time T(const char *iso)
{
	wc_time t;
	assert_int_equal(wc_time_parse(iso, &t), 0);
	return t;
}

static void expect_kind(const wc_detect *d, int kind, uint64_t req, uint64_t src, const char *first,
			const char *last)
{
	struct kind_summary s = summarize(d, kind);
	assert_int_equal(s.requests, req);
	assert_int_equal(s.sources, src);
	assert_int_equal(wc_detect_get_stats(d)->kind_requests[kind], req);
	if (src > 0) {
		assert_int_equal(s.first, T(first));
		assert_int_equal(s.last, T(last));
	}
}

static void apache_log_counts_per_kind(void **state)
{
	(void)state;
	const char *f[] = {FIX "access.log"};
	wc_detect *d = run_files(f, 1, 3600);
	/* -0700 and +0200 offsets come out in UTC. */
	expect_kind(d, WC_KIND_CODERED, 4, 3, "2001-07-19T17:05:00Z", "2001-08-04T01:30:00Z");
	expect_kind(d, WC_KIND_CODERED2, 1, 1, "2001-08-04T01:00:00Z", "2001-08-04T01:00:00Z");
	/* 203.0.113.5 sent three of Nimda's probes (two paths); 192.0.2.10
	 * asked for /MSADC/root.exe alone: Code Red II's backdoor, a probe. */
	expect_kind(d, WC_KIND_NIMDA, 3, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:01Z");
	expect_kind(d, WC_KIND_EXE_PROBE, 1, 1, "2001-09-18T14:00:00Z", "2001-09-18T14:00:00Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 3, 3, "2001-09-18T14:10:00Z", "2001-09-18T14:30:00Z");
	expect_kind(d, WC_KIND_SCANNER, 0, 0, NULL, NULL);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->lines, 17);
	assert_int_equal(st->bad_lines, 2);
	assert_int_equal(st->requests, 14);
	size_t shown;
	uint64_t total;
	const char *const *p = wc_detect_problems(d, &shown, &total);
	assert_int_equal(total, 2);
	assert_int_equal(shown, 2);
	assert_non_null(strstr(p[0], "access.log:15: "));
	assert_non_null(strstr(p[1], "access.log:16: "));
	wc_detect_free(d);
}

static void iis_log_counts_per_kind(void **state)
{
	(void)state;
	const char *f[] = {FIX "iis.log"};
	wc_detect *d = run_files(f, 1, 3600);
	expect_kind(d, WC_KIND_CODERED, 1, 1, "2001-08-04T05:20:00Z", "2001-08-04T05:20:00Z");
	/* The last line's #Fields: has no date: #Date: gives it. */
	expect_kind(d, WC_KIND_CODERED2, 2, 2, "2001-08-04T05:10:00Z", "2001-08-04T06:00:00Z");
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-09-18T13:05:00Z", "2001-09-18T13:05:01Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-09-18T13:07:00Z", "2001-09-18T13:07:00Z");
	assert_int_equal(wc_detect_get_stats(d)->bad_lines, 1);
	assert_int_equal(wc_detect_get_stats(d)->requests, 7);
	size_t shown;
	uint64_t total;
	const char *const *p = wc_detect_problems(d, &shown, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(p[0], "iis.log:11: "));
	wc_detect_free(d);
}

static void error_log_counts_per_kind(void **state)
{
	(void)state;
	const char *f[] = {FIX "error.log"};
	wc_detect *d = run_files(f, 1, 3600);
	expect_kind(d, WC_KIND_CODERED, 3, 3, "2001-07-19T17:05:00Z", "2001-09-18T13:00:03Z");
	expect_kind(d, WC_KIND_CODERED2, 0, 0, NULL, NULL);
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:01Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-09-18T13:00:02Z", "2001-09-18T13:00:02Z");
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->malformed_host, 1);
	assert_int_equal(st->bad_lines, 1);
	size_t n;
	const wc_detect_source *s = wc_detect_sources(d, &n);
	assert_int_equal(n, 5);
	/* Apache 2.4's "[client ADDR:PORT]" loses the port. */
	assert_string_equal(s[2].addr, "203.0.113.7");
	wc_detect_free(d);
}

/* sources.csv and timeline.csv of one input, sniffed or in format fmt, as text. */
static char *outputs_of(const char *path, wc_detect_format fmt)
{
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, path, fmt, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_sources_csv(f, d), 0);
	assert_int_equal(wc_report_detect_timeline_csv(f, d, -1), 0);
	fclose(f);
	wc_detect_free(d);
	return buf;
}

/* The Apache fixture's requests as Zeek (TSV and JSON) and Suricata logged
 * them: the same sources, kinds, times and timeline, byte for byte. */
static void sensor_logs_match_the_apache_log(void **state)
{
	(void)state;
	char *apache = outputs_of(FIX "access.log", WC_FORMAT_AUTO);
	static const char *const files[] = {FIX "zeek-http.log", FIX "zeek-http.json",
					    FIX "eve.json"};
	static const wc_detect_format fmts[] = {WC_FORMAT_ZEEK, WC_FORMAT_ZEEK_JSON, WC_FORMAT_EVE};
	for (int i = 0; i < 3; i++) {
		char *sniffed = outputs_of(files[i], WC_FORMAT_AUTO);
		char *named = outputs_of(files[i], fmts[i]);
		assert_string_equal(sniffed, apache);
		assert_string_equal(named, apache);
		free(sniffed);
		free(named);
	}
	free(apache);
	const char *f[] = {FIX "eve.json"};
	wc_detect *d = run_files(f, 1, 3600);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->lines, 20); /* 14 http, 5 alert, 1 flow */
	assert_int_equal(st->bad_lines, 0);
	assert_int_equal(st->requests, 14);
	wc_detect_free(d);
}

/* Each sensor format's bad records: named by file, line and field. */
static void sensor_log_errors_name_the_field(void **state)
{
	(void)state;
	static const struct {
		wc_detect_format fmt;
		const char *log, *why;
	} cases[] = {
		{WC_FORMAT_EVE, "{\"event_type\":\"http\",\"timestamp\":\"2001-07-19\"}\n",
		 "s:1: field timestamp: expected a time like 2001-07-19T10:05:00.000000-0700"},
		{WC_FORMAT_EVE,
		 "{\"event_type\":\"http\",\"timestamp\":\"2001-07-19T10:05:00+0000\","
		 "\"http\":{}}\n",
		 "s:1: field src_ip: expected the client's address"},
		{WC_FORMAT_EVE,
		 "{\"event_type\":\"http\",\"timestamp\":\"2001-07-19T10:05:00.5Z\","
		 "\"src_ip\":\"192.0.2.1\",\"http\":{\"url\":7}}\n",
		 "s:1: field http.url: expected a string"},
		{WC_FORMAT_EVE, "{\"timestamp\":1}\n",
		 "s:1: field event_type: expected a string (a Suricata eve.json record)"},
		{WC_FORMAT_ZEEK_JSON, "{\"ts\":\"yesterday\"}\n",
		 "s:1: field ts: expected seconds since 1970 or an ISO 8601 time"},
		{WC_FORMAT_ZEEK_JSON, "{\"ts\":995544000,\"uri\":\"/\"}\n",
		 "s:1: field id.orig_h: expected the client's address (a Zeek http.log record)"},
		{WC_FORMAT_ZEEK_JSON, "[1,2]\n", "s:1: expected one JSON object on the line"},
		{WC_FORMAT_ZEEK, "#separator \\x09\n1.0\t192.0.2.1\t/\n",
		 "s:2: a Zeek log line before any #fields header"},
		{WC_FORMAT_ZEEK, "#separator \\x09\n#fields\tts\tid.orig_h\n",
		 "s:2: #fields needs ts, id.orig_h and uri (a Zeek http.log)"},
		{WC_FORMAT_ZEEK, "#separator \\x09\n#fields\tts\tid.orig_h\turi\nx\t192.0.2.1\t/\n",
		 "s:3: field ts: expected seconds since 1970 like 995562300.123456"},
		{WC_FORMAT_ZEEK, "#separator \\x09\n#fields\tts\tid.orig_h\turi\n1.5\t192.0.2.1\n",
		 "s:3: fewer fields than the #fields header names"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		opt.keep_going = true;
		wc_detect *d = wc_detect_new(&opt);
		wc_error err = {0};
		assert_int_equal(wc_detect_log_buffer(d, "s", cases[i].fmt, cases[i].log,
						      strlen(cases[i].log), &err),
				 0);
		size_t shown;
		uint64_t total;
		const char *const *p = wc_detect_problems(d, &shown, &total);
		assert_int_equal(total, 1);
		assert_string_equal(p[0], cases[i].why);
		wc_detect_free(d);
	}
	/* Without --keep-going a log of such records is refused (exit 2). */
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "e.json", WC_FORMAT_EVE, "{}\n", 3, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "1 of 1 lines are not Suricata eve.json lines"));
	wc_detect_free(d);
}

/* Zeek's \xHH escapes (a tab, a backslash) are undone before classifying,
 * and ISO 8601 ts values (LogAscii::json_timestamps) are read. */
static void zeek_escapes_and_iso_times(void **state)
{
	(void)state;
	static const char tsv[] =
		"#separator \\x09\n"
		"#fields\tts\tid.orig_h\turi\n"
		"995544000.5\t192.0.2.1\t/scripts/..\\x5c../winnt/system32/cmd.exe?/c+dir\n"
		"995544001\t192.0.2.1\t/MSADC/root.exe?/c+dir\n"
		"995544002\t192.0.2.2\t-\n";
	static const char js[] =
		"{\"ts\":\"2001-07-19T12:00:00.250000Z\",\"id.orig_h\":\"192.0.2.3\","
		"\"uri\":\"/NULL.ida\"}\n";
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "z", WC_FORMAT_AUTO, tsv, strlen(tsv), &err), 0);
	assert_int_equal(wc_detect_log_buffer(d, "j", WC_FORMAT_AUTO, js, strlen(js), &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-07-19T12:00:00Z", "2001-07-19T12:00:01Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-07-19T12:00:00Z", "2001-07-19T12:00:00Z");
	assert_int_equal(wc_detect_get_stats(d)->requests, 3);
	assert_int_equal(wc_detect_get_stats(d)->bad_lines, 0);
	wc_detect_free(d);
}

/* --alerts: every line one JSON object with eve.json's names, in
 * sources.csv's order; the fixture's values exactly. */
static void alerts_are_eve_json_lines(void **state)
{
	(void)state;
	const char *f[] = {FIX "access.log"};
	wc_detect *d = run_files(f, 1, 3600);
	char *buf;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_alerts(fp, d), 0);
	fclose(fp);
	size_t nsrc, nlines = 0;
	const wc_detect_source *src = wc_detect_sources(d, &nsrc);
	for (char *line = buf, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		json_error_t jerr;
		json_t *o = json_loadb(line, (size_t)(nl - line), 0, &jerr);
		assert_non_null(o);
		const wc_detect_source *s = &src[nlines++];
		char ts[40], iso[32];
		snprintf(ts, sizeof ts, "%.19s.000000+0000", wc_time_format(s->first, iso));
		assert_string_equal(json_string_value(json_object_get(o, "timestamp")), ts);
		assert_string_equal(json_string_value(json_object_get(o, "event_type")), "alert");
		assert_string_equal(json_string_value(json_object_get(o, "src_ip")), s->addr);
		json_t *w = json_object_get(o, "wormcast");
		assert_string_equal(json_string_value(json_object_get(w, "kind")),
				    wc_detect_kind_name(s->kind));
		assert_int_equal(json_integer_value(json_object_get(w, "requests")), s->requests);
		assert_string_equal(json_string_value(json_object_get(w, "evidence")), s->evidence);
		json_t *a = json_object_get(o, "alert");
		assert_non_null(json_string_value(json_object_get(a, "signature")));
		assert_int_equal(json_integer_value(json_object_get(a, "severity")),
				 WC_KIND_IS_WORM(s->kind) ? 1 : 2);
		json_decref(o);
	}
	assert_int_equal(nlines, 9);
	assert_int_equal(nsrc, 9);
	/* 203.0.113.5's two probes in its first second: the byte-smaller one. */
	assert_string_equal(src[4].evidence, "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir");
	assert_string_equal(src[8].evidence, "/MSADC/root.exe?/c+dir");
	/* The first line, byte for byte: its evidence is the worm's request as logged. */
	char target[1024], first[2048];
	snprintf(first, sizeof first,
		 "{\"timestamp\":\"2001-07-19T17:05:00.000000+0000\",\"event_type\":\"alert\","
		 "\"src_ip\":\"192.0.2.10\",\"alert\":{\"action\":\"allowed\",\"signature\":"
		 "\"WORMCAST Code Red v1/v2: GET /default.ida? then 224 N then %%u escapes\","
		 "\"category\":\"A Network Trojan was detected\",\"severity\":1},\"wormcast\":"
		 "{\"kind\":\"codered\",\"worm\":true,\"evidence\":\"%s\",\"first_seen\":"
		 "\"2001-07-19T17:05:00Z\",\"last_seen\":\"2001-07-19T18:30:00Z\",\"requests\":2}}"
		 "\n",
		 codered_target('N', 224, target, sizeof target));
	assert_memory_equal(buf, first, strlen(first));
	free(buf);
	wc_detect_free(d);
	/* A request with bytes that are not UTF-8: %XX in the evidence, valid JSON. */
	static const char log[] =
		"192.0.2.1 - - [19/Jul/2001:12:00:00 +0000] \"GET /x\xff.ida HTTP/1.0\" 404 1\n";
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "u", WC_FORMAT_AUTO, log, strlen(log), &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	fp = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_alerts(fp, d), 0);
	fclose(fp);
	json_error_t jerr;
	json_t *o = json_loads(buf, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(o, "wormcast"), "evidence")),
		"/x%FF.ida");
	json_decref(o);
	free(buf);
	wc_detect_free(d);
}

/* --from/--until: only requests in [from, until) count, by kind and source;
 * a Nimda source's paths are counted within the window too. */
static void window_keeps_only_its_requests(void **state)
{
	(void)state;
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.has_from = opt.has_until = true;
	opt.from = T("2001-07-19T18:00:00Z");
	opt.until = T("2001-09-18T13:00:01Z");
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, FIX "access.log", WC_FORMAT_AUTO, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	expect_kind(d, WC_KIND_CODERED, 3, 3, "2001-07-19T18:10:00Z", "2001-08-04T01:30:00Z");
	expect_kind(d, WC_KIND_CODERED2, 1, 1, "2001-08-04T01:00:00Z", "2001-08-04T01:00:00Z");
	/* 203.0.113.5's two probes at 13:00:00 are two paths; 13:00:01 is out. */
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:00Z");
	expect_kind(d, WC_KIND_EXE_PROBE, 0, 0, NULL, NULL);
	expect_kind(d, WC_KIND_IDA_PROBE, 0, 0, NULL, NULL);
	assert_int_equal(wc_detect_get_stats(d)->requests, 14); /* all read */
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	assert_int_equal(tl->time[0], T("2001-07-19T19:00:00Z"));
	assert_int_equal(tl->all[tl->n - 1].cumulative_sources, 4);
	wc_detect_free(d);
}

/* A log fed in pieces of every size through a stream, with snapshots taken
 * along the way, gives what reading the whole file gives. */
static void stream_in_pieces_matches_the_file(void **state)
{
	(void)state;
	char *whole = outputs_of(FIX "zeek-http.log", WC_FORMAT_AUTO);
	FILE *f = fopen(FIX "zeek-http.log", "rb");
	assert_non_null(f);
	char buf[16384];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	for (size_t piece = 1; piece <= 4096; piece *= 8) {
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		wc_detect *d = wc_detect_new(&opt);
		wc_detect_stream *st = wc_detect_stream_new(d, "z", WC_FORMAT_AUTO);
		wc_error err = {0};
		for (size_t at = 0; at < len; at += piece) {
			wc_detect_stream_feed(st, buf + at, at + piece < len ? piece : len - at);
			if ((at / piece) % 97 == 0) { /* a snapshot leaves d as it was */
				wc_detect *snap = wc_detect_snapshot(d, &err);
				assert_non_null(snap);
				wc_detect_free(snap);
			}
		}
		wc_detect *snap = wc_detect_snapshot(d, &err);
		char *out;
		size_t olen;
		FILE *m = open_memstream(&out, &olen);
		assert_int_equal(wc_report_detect_sources_csv(m, snap), 0);
		assert_int_equal(wc_report_detect_timeline_csv(m, snap, -1), 0);
		fclose(m);
		assert_string_equal(out, whole);
		free(out);
		wc_detect_free(snap);
		wc_detect_stream_free(st);
		wc_detect_free(d);
	}
	free(whole);
}

/* Regression: Nimda's probes only in a part of the log another thread read,
 * in a bin no other request fell in. Their bin was not made when the
 * thread's results were merged, and finish counted into memory past the
 * timeline (a crash with --threads 2 before). */
static void nimda_only_in_a_workers_part(void **state)
{
	(void)state;
	size_t cap = 20002 * 128, len = 0;
	char *log = malloc(cap);
	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(
			log + len, cap - len,
			"192.0.2.%d - - [19/Jul/2001:12:00:00 +0000] \"GET /index.html "
			"HTTP/1.0\" 200 5120 \"-\" \"Mozilla/4.0\"\n",
			i % 250 + 1);
	len += (size_t)snprintf(log + len, cap - len,
				"203.0.113.5 - - [18/Sep/2001:13:00:00 +0000] \"GET "
				"/scripts/root.exe?/c+dir HTTP/1.0\" 404 274\n"
				"203.0.113.5 - - [18/Sep/2001:13:00:00 +0000] \"GET "
				"/MSADC/root.exe?/c+dir HTTP/1.0\" 404 274\n");
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.threads = 2;
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "late", WC_FORMAT_APACHE, log, len, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:00Z");
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	assert_int_equal(tl->n, 1);
	assert_int_equal(tl->kind[WC_KIND_NIMDA][0].requests, 2);
	wc_detect_free(d);
	free(log);
}

static void timeline_bins_new_and_cumulative_sources(void **state)
{
	(void)state;
	const char *f[] = {FIX "access.log"};
	wc_detect *d = run_files(f, 1, 3600);
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	/* 2001-07-19T17:00Z .. 2001-09-18T15:00Z in hours: 61 days less 3 h. */
	assert_int_equal(tl->n, 61 * 24 - 3 + 1);
	assert_int_equal(tl->time[0], T("2001-07-19T18:00:00Z"));
	assert_int_equal(tl->time[tl->n - 1], T("2001-09-18T15:00:00Z"));
	assert_int_equal(tl->all[0].requests, 1);
	assert_int_equal(tl->all[0].new_sources, 1);
	assert_int_equal(tl->kind[WC_KIND_CODERED][1].requests, 2);
	assert_int_equal(tl->kind[WC_KIND_CODERED][1].new_sources, 1);
	assert_int_equal(tl->kind[WC_KIND_CODERED][1].cumulative_sources, 2);
	/* Worm sources in all: 192.0.2.10 (Code Red, then Nimda) and
	 * 198.51.100.7 (II, then v2) count once each. */
	assert_int_equal(tl->all[tl->n - 1].cumulative_sources, 4);
	assert_int_equal(tl->kind[WC_KIND_CODERED][tl->n - 1].cumulative_sources, 3);
	assert_int_equal(tl->kind[WC_KIND_NIMDA][tl->n - 1].cumulative_sources, 1);
	assert_int_equal(tl->kind[WC_KIND_EXE_PROBE][tl->n - 1].cumulative_sources, 1);
	assert_int_equal(tl->kind[WC_KIND_EXE_PROBE][tl->n - 1].requests, 1);
	assert_int_equal(tl->kind[WC_KIND_IDA_PROBE][tl->n - 1].cumulative_sources, 3);
	uint64_t req = 0, newsrc = 0;
	for (size_t i = 0; i < tl->n; i++) {
		req += tl->all[i].requests;
		newsrc += tl->all[i].new_sources;
		if (i > 0)
			assert_true(tl->all[i].cumulative_sources >=
				    tl->all[i - 1].cumulative_sources);
	}
	assert_int_equal(req, 4 + 1 + 3);
	assert_int_equal(newsrc, 4);

	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_timeline_csv(m, d, WC_KIND_CODERED), 0);
	fclose(m);
	assert_non_null(strstr(buf, "time,requests,new_sources,cumulative_sources\n"
				    "2001-07-19T18:00:00Z,1,1,1\n"
				    "2001-07-19T19:00:00Z,2,1,2\n"
				    "2001-07-19T20:00:00Z,0,0,2\n"));
	free(buf);
	wc_detect_free(d);
}

static char *sources_text(const wc_detect *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_sources_csv(m, d), 0);
	assert_int_equal(wc_report_detect_timeline_csv(m, d, -1), 0);
	fclose(m);
	return buf;
}

/* One request for Code Red II's backdoor (/scripts/root.exe?/c+dir) is a
 * scanner's probe, not Nimda (0.1 counted it as Nimda); Nimda is two or more
 * of its distinct paths from one source, wherever in the input they are. */
static void single_backdoor_probe_is_not_nimda(void **state)
{
	(void)state;
	static const char a[] =
		"192.0.2.1 - - [18/Sep/2001:13:00:00 +0000] \"GET /scripts/root.exe?/c+dir\" 404 "
		"1\n"
		"192.0.2.2 - - [18/Sep/2001:13:10:00 +0000] \"GET /MSADC/root.exe?/c+dir\" 404 1\n"
		"192.0.2.2 - - [18/Sep/2001:14:10:00 +0000] \"GET /MSADC/root.exe?/c+dir\" 404 1\n"
		"192.0.2.3 - - [18/Sep/2001:13:20:00 +0000] \"GET /scripts/root.exe?/c+dir\" 404 "
		"1\n"
		"192.0.2.3 - - [18/Sep/2001:13:20:01 +0000] \"GET /MSADC/root.exe?/c+dir\" 404 1\n";
	/* 192.0.2.4's second probe is in another log. */
	static const char b1[] = "192.0.2.4 - - [18/Sep/2001:15:00:00 +0000] \"GET "
				 "/c/winnt/system32/cmd.exe?/c+dir\" 404 1\n";
	static const char b2[] = "192.0.2.4 - - [18/Sep/2001:15:00:01 +0000] \"GET "
				 "/d/winnt/system32/cmd.exe?/c+dir\" 404 1\n";
	char *text[2];
	for (int order = 0; order < 2; order++) {
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		wc_detect *d = wc_detect_new(&opt);
		wc_error err = {0};
		const char *logs[3] = {a, b1, b2};
		for (int i = 0; i < 3; i++) {
			const char *l = logs[order ? 2 - i : i];
			assert_int_equal(
				wc_detect_log_buffer(d, "x", WC_FORMAT_AUTO, l, strlen(l), &err),
				0);
		}
		assert_int_equal(wc_detect_finish(d, &err), 0);
		expect_kind(d, WC_KIND_NIMDA, 4, 2, "2001-09-18T13:20:00Z", "2001-09-18T15:00:01Z");
		expect_kind(d, WC_KIND_EXE_PROBE, 3, 2, "2001-09-18T13:00:00Z",
			    "2001-09-18T14:10:00Z");
		/* Requests land in the bins of the kind their source turned out. */
		const wc_detect_timeline *tl = wc_detect_get_timeline(d);
		assert_int_equal(tl->n, 3);
		uint64_t want_nimda[3] = {2, 0, 2}, want_exe[3] = {2, 1, 0};
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(tl->kind[WC_KIND_NIMDA][i].requests, want_nimda[i]);
			assert_int_equal(tl->kind[WC_KIND_EXE_PROBE][i].requests, want_exe[i]);
			assert_int_equal(tl->all[i].requests, want_nimda[i]);
		}
		assert_int_equal(tl->all[2].cumulative_sources, 2);
		text[order] = sources_text(d);
		wc_detect_free(d);
	}
	assert_string_equal(text[0], text[1]);
	assert_non_null(strstr(text[0], "192.0.2.1,2001-09-18T13:00:00Z,2001-09-18T13:00:00Z,1,"
					"exe-probe\n"));
	free(text[0]);
	free(text[1]);
}

/* Reads log (one of Nimda's pairs of probes, Code Red, ...) with fmt as the
 * --log-format (NULL: sniffed) and returns sources.csv's text. */
static char *read_with_format(const char *spec, const char *log)
{
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	if (spec != NULL)
		assert_int_equal(wc_detect_set_log_format(d, spec, &err), 0);
	assert_int_equal(wc_detect_log_buffer(d, "f", WC_FORMAT_AUTO, log, strlen(log), &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	assert_int_equal(wc_detect_get_stats(d)->bad_lines, 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_sources_csv(m, d), 0);
	fclose(m);
	wc_detect_free(d);
	return buf;
}

static const char nimda_pair_sources[] =
	"source,first_seen,last_seen,requests,kind\n"
	"192.0.2.4,2001-09-18T13:00:00Z,2001-09-18T13:00:01Z,2,nimda\n";

/* Apache's vhost_combined ("%v:%p %h %l %u %t ..."): 0.1 took the virtual
 * host for the client. The client is the word after HOST:PORT. */
static void vhost_combined_is_recognised(void **state)
{
	(void)state;
	static const char log[] =
		"www.example.com:80 192.0.2.4 - - [18/Sep/2001:13:00:00 +0000] \"GET "
		"/scripts/root.exe?/c+dir HTTP/1.0\" 404 274 \"-\" \"-\"\n"
		"www.example.com:443 192.0.2.4 - frank [18/Sep/2001:13:00:01 +0000] \"GET "
		"/MSADC/root.exe?/c+dir HTTP/1.0\" 404 274 \"-\" \"-\"\n"
		"shop.example.com:80 2001:db8::9 - - [18/Sep/2001:13:00:02 +0000] \"GET "
		"/index.html HTTP/1.1\" 200 1 \"-\" \"Mozilla/5.0\"\n";
	char *got = read_with_format(NULL, log);
	assert_string_equal(got, nimda_pair_sources);
	free(got);
	/* An IPv6 client without a vhost is still a client, not a HOST:PORT. */
	static const char v6[] = "2001:db8::4 - - [18/Sep/2001:13:00:00 +0000] \"GET "
				 "/NULL.ida HTTP/1.0\" 404 1\n";
	got = read_with_format(NULL, v6);
	assert_string_equal(got, "source,first_seen,last_seen,requests,kind\n"
				 "2001:db8::4,2001-09-18T13:00:00Z,2001-09-18T13:00:00Z,1,"
				 "ida-probe\n");
	free(got);
}

/* --log-format: Apache LogFormat and nginx log_format strings, each read to
 * the exact sources.csv; unknown directives refused by name. */
static void log_format_apache_and_nginx(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *log;
	} cases[] = {
		/* Apache: a quoted agent with \" inside, a field after it. */
		{"%h %t \\\"%r\\\" %>s \"%{User-agent}i\" %D",
		 "192.0.2.4 [18/Sep/2001:15:00:00 +0200] \"GET /scripts/root.exe?/c+dir "
		 "HTTP/1.0\" 404 \"Mo \\\"z\\\" illa\" 1234\n"
		 "192.0.2.4 [18/Sep/2001:15:00:01 +0200] \"GET /MSADC/root.exe?/c+dir "
		 "HTTP/1.0\" 404 \"-\" 99\n"},
		/* Apache: path and query apart, the vhost and port first. */
		{"%v:%p %a %l %u %t %m %U%q %H %>s %b %T",
		 "www:80 192.0.2.4 - - [18/Sep/2001:13:00:00 +0000] GET /scripts/root.exe"
		 "?/c+dir HTTP/1.0 404 1 0\n"
		 "www:80 192.0.2.4 - - [18/Sep/2001:13:00:01 +0000] GET /MSADC/root.exe?/c+dir "
		 "HTTP/1.0 404 1 0\n"},
		/* nginx's combined plus $request_time. */
		{"$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
		 "\"$http_referer\" \"$http_user_agent\" $request_time",
		 "192.0.2.4 - - [18/Sep/2001:06:00:00 -0700] \"GET /scripts/root.exe?/c+dir "
		 "HTTP/1.0\" 404 1 \"-\" \"-\" 0.001\n"
		 "192.0.2.4 - - [18/Sep/2001:06:00:01 -0700] \"GET /MSADC/root.exe?/c+dir "
		 "HTTP/1.0\" 404 1 \"-\" \"-\" 0.002\n"},
		/* nginx: ISO time, $uri and $args, $msec. */
		{"$time_iso8601 $remote_addr $uri $args $msec",
		 "2001-09-18T15:00:00+02:00 192.0.2.4 /scripts/root.exe /c+dir 1000818000.5\n"
		 "2001-09-18T13:00:01+00:00 192.0.2.4 /MSADC/root.exe /c+dir 1000818001.0\n"},
		{"$msec $remote_addr \"$request_uri\"",
		 "1000818000.123 192.0.2.4 \"/scripts/root.exe?/c+dir\"\n"
		 "1000818001.999 192.0.2.4 \"/MSADC/root.exe?/c+dir\"\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = read_with_format(cases[i].spec, cases[i].log);
		assert_string_equal(got, nimda_pair_sources);
		free(got);
	}
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{"%h %Z %t \"%r\"",
		 "--log-format: unknown directive '%Z' at character 4 of '%h %Z %t \"%r\"'"},
		{"$remote_addr $foo [$time_local] \"$request\"",
		 "--log-format: unknown variable '$foo' at character 14 of '$remote_addr $foo "
		 "[$time_local] \"$request\"'"},
		{"%h %l %u %>s", "--log-format: '%h %l %u %>s' needs the client (%h or "
				 "$remote_addr), the time (%t or $time_local) and the request "
				 "(%r or $request)"},
		{"%h%u %t %r", "--log-format: two fields with nothing between them cannot be "
			       "told apart in '%h%u %t %r'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wc_detect *d = wc_detect_new(NULL);
		wc_error err = {0};
		assert_int_equal(wc_detect_set_log_format(d, bad[i].spec, &err), -1);
		assert_int_equal(err.code, WC_EXIT_USAGE);
		assert_string_equal(err.msg, bad[i].msg);
		wc_detect_free(d);
	}
}

static void results_do_not_depend_on_file_order(void **state)
{
	(void)state;
	const char *ab[] = {FIX "access.log", FIX "iis.log", FIX "error.log"};
	const char *ba[] = {FIX "error.log", FIX "iis.log", FIX "access.log"};
	wc_detect *d1 = run_files(ab, 3, 600), *d2 = run_files(ba, 3, 600);
	char *s1 = sources_text(d1), *s2 = sources_text(d2);
	assert_string_equal(s1, s2);
	expect_kind(d1, WC_KIND_CODERED, 4 + 1 + 3, 3 + 1 + 2, "2001-07-19T17:05:00Z",
		    "2001-09-18T13:00:03Z");
	free(s1);
	free(s2);
	wc_detect_free(d1);
	wc_detect_free(d2);
}

static void gzip_reads_like_plain(void **state)
{
	(void)state;
	FILE *in = fopen(FIX "access.log", "rb");
	assert_non_null(in);
	char path[64];
	snprintf(path, sizeof path, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	gzFile gz = gzdopen(fd, "wb");
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(gzwrite(gz, buf, (unsigned)n), (int)n);
	fclose(in);
	assert_int_equal(gzclose(gz), Z_OK);
	const char *f[] = {path};
	wc_detect *d = run_files(f, 1, 3600);
	expect_kind(d, WC_KIND_CODERED, 4, 3, "2001-07-19T17:05:00Z", "2001-08-04T01:30:00Z");
	expect_kind(d, WC_KIND_NIMDA, 3, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:01Z");
	assert_int_equal(wc_detect_get_stats(d)->bad_lines, 2);
	wc_detect_free(d);
	unlink(path);
}

static void unreadable_file_is_a_usage_error(void **state)
{
	(void)state;
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, "/nonexistent/access_log", WC_FORMAT_AUTO, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "/nonexistent/access_log"));
	wc_error_clear(&err);
	assert_int_equal(wc_detect_file(d, FIX "access.log", WC_FORMAT_PCAP, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	wc_detect_free(d);
}

static void buffer_sniffs_each_format(void **state)
{
	(void)state;
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	static const char iis[] = "#Fields: date time c-ip cs-uri-stem cs-uri-query\n"
				  "2001-09-18 13:05:00 192.0.2.9 /MSADC/root.exe /c+dir\n";
	static const char errlog[] = "[Tue Sep 18 13:00:00 2001] [error] [client 192.0.2.8] "
				     "File does not exist: /www/NULL.ida\n";
	static const char err6[] = "[Tue Sep 18 13:00:00.5 2001] [core:info] [client "
				   "[2001:db8::7]:4242] AH00128: File does not exist: /www/x.idq\n";
	static const char apache[] = "192.0.2.7 - - [18/Sep/2001:13:00:00 +0000] \"GET "
				     "/c/winnt/system32/cmd.exe?/c+dir HTTP/1.0\" 404 1";
	assert_int_equal(wc_detect_log_buffer(d, "iis", WC_FORMAT_AUTO, iis, strlen(iis), &err), 0);
	assert_int_equal(
		wc_detect_log_buffer(d, "err", WC_FORMAT_AUTO, errlog, strlen(errlog), &err), 0);
	assert_int_equal(
		wc_detect_log_buffer(d, "apa", WC_FORMAT_AUTO, apache, strlen(apache), &err), 0);
	assert_int_equal(wc_detect_log_buffer(d, "e6", WC_FORMAT_AUTO, err6, strlen(err6), &err),
			 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	/* One Nimda probe per source: exe-probe, not Nimda. */
	expect_kind(d, WC_KIND_NIMDA, 0, 0, NULL, NULL);
	expect_kind(d, WC_KIND_EXE_PROBE, 2, 2, "2001-09-18T13:00:00Z", "2001-09-18T13:05:00Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 2, 2, "2001-09-18T13:00:00Z", "2001-09-18T13:00:00Z");
	size_t ns;
	const wc_detect_source *src = wc_detect_sources(d, &ns);
	assert_int_equal(ns, 4);
	assert_string_equal(src[1].addr, "2001:db8::7"); /* brackets and port dropped */
	assert_int_equal(wc_detect_get_stats(d)->bad_lines, 0);
	wc_detect_free(d);
}

/* Apache lines after '#' comments: 0.1 took the file for a W3C log (every
 * line "unparseable", 0 requests, exit 0). The first data line decides. */
static void commented_apache_log_is_not_w3c(void **state)
{
	(void)state;
	char cr[512], log[2048];
	codered_target('N', 224, cr, sizeof cr);
	snprintf(log, sizeof log,
		 "# access log exported by the load balancer\n#\n"
		 "192.0.2.7 - - [19/Jul/2001:13:00:00 +0000] \"GET %s HTTP/1.0\" 404 1\n"
		 "192.0.2.8 - - [19/Jul/2001:13:05:00 +0000] \"GET / HTTP/1.0\" 200 1\n",
		 cr);
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "c.log", WC_FORMAT_AUTO, log, strlen(log), &err),
			 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->lines, 4);
	assert_int_equal(st->bad_lines, 0);
	assert_int_equal(st->requests, 2);
	expect_kind(d, WC_KIND_CODERED, 1, 1, "2001-07-19T13:00:00Z", "2001-07-19T13:00:00Z");
	wc_detect_free(d);
	/* A W3C log whose #Fields: comes after other directives is still one. */
	static const char w3c[] = "#Software: Microsoft IIS 5.0\n#Version: 1.0\n"
				  "#Fields: date time c-ip cs-uri-stem cs-uri-query\n"
				  "2001-09-18 13:05:00 192.0.2.9 /x.ida -\n";
	d = wc_detect_new(NULL);
	assert_int_equal(wc_detect_log_buffer(d, "w", WC_FORMAT_AUTO, w3c, strlen(w3c), &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-09-18T13:05:00Z", "2001-09-18T13:05:00Z");
	wc_detect_free(d);
}

/* Most data lines unparseable: refused with the file, the counts and the
 * first bad line, unless keep_going, which reads it and warns. */
static void mostly_unparseable_log_is_refused(void **state)
{
	(void)state;
	static const char log[] =
		"# header\n"
		"2001-07-19 13:00:00 192.0.2.7 GET /x.ida\n"
		"2001-07-19 13:00:01 192.0.2.7 GET /y.ida\n"
		"192.0.2.8 - - [19/Jul/2001:13:05:00 +0000] \"GET /NULL.ida HTTP/1.0\" 404 1\n"
		"2001-07-19 13:00:02 192.0.2.7 GET /z.ida\n";
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	assert_int_equal(wc_detect_log_buffer(d, "m.log", WC_FORMAT_APACHE, log, strlen(log), &err),
			 -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_string_equal(
		err.msg,
		"m.log: 3 of 4 lines are not Apache/nginx access log lines (line 2: "
		"expected a time like [19/Jul/2001:12:34:56 -0700]): name the format "
		"with --input-format or --log-format, or give --keep-going to count what can "
		"be read");
	wc_detect_free(d);
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.keep_going = true;
	d = wc_detect_new(&opt);
	wc_error_clear(&err);
	assert_int_equal(wc_detect_log_buffer(d, "m.log", WC_FORMAT_APACHE, log, strlen(log), &err),
			 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-07-19T13:05:00Z", "2001-07-19T13:05:00Z");
	size_t nw;
	const char *const *w = wc_detect_warnings(d, &nw);
	assert_int_equal(nw, 1);
	assert_string_equal(w[0], "m.log: 3 of 4 lines are not Apache/nginx access log lines; "
				  "counting the rest (--keep-going)");
	wc_detect_free(d);
}

/* A log of ~3 MB per 20,000 lines: ordinary lines, Code Red every 97th, a bad
 * line every 10007th. */
static char *big_log(int nlines, size_t *len, int *nbad, int *ncodered)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	char cr[512];
	codered_target('N', 224, cr, sizeof cr);
	*nbad = *ncodered = 0;
	for (int i = 0; i < nlines; i++) {
		int sec = i % 60, min = i / 60 % 60, hour = i / 3600 % 24;
		if (i % 10007 == 5) {
			fprintf(m, "broken line %d\n", i);
			++*nbad;
		} else if (i % 97 == 3) {
			fprintf(m,
				"192.0.2.%d - - [19/Jul/2001:%02d:%02d:%02d +0000] \"GET %s "
				"HTTP/1.0\" 404 276 \"-\" \"-\"\n",
				i % 250, hour, min, sec, cr);
			++*ncodered;
		} else {
			fprintf(m,
				"198.51.100.%d - - [19/Jul/2001:%02d:%02d:%02d +0000] \"GET "
				"/news/index.html HTTP/1.1\" 200 5120 \"http://example.com/\" "
				"\"Mozilla/4.0 (compatible; MSIE 5.5; Windows 98)\"\n",
				i % 250, hour, min, sec);
		}
	}
	fclose(m);
	return buf;
}

static void threads_do_not_change_results(void **state)
{
	(void)state;
	size_t len;
	int nbad, ncr;
	char *log = big_log(20000, &len, &nbad, &ncr);
	assert_true(len > 3 * 256 * 1024); /* enough to be split */
	char *text[2];
	for (int v = 0; v < 2; v++) {
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		opt.threads = v == 0 ? 1 : 3;
		opt.bin = 600;
		wc_detect *d = wc_detect_new(&opt);
		wc_error err = {0};
		assert_int_equal(wc_detect_log_buffer(d, "big", WC_FORMAT_APACHE, log, len, &err),
				 0);
		assert_int_equal(wc_detect_finish(d, &err), 0);
		const wc_detect_stats *st = wc_detect_get_stats(d);
		assert_int_equal(st->lines, 20000);
		assert_int_equal(st->bad_lines, nbad);
		assert_int_equal(st->kind_requests[WC_KIND_CODERED], ncr);
		assert_int_equal(ncr, 207); /* i = 3, 100, ... < 20000 */
		/* 97 and 250 are coprime: every Code Red line has its own client. */
		assert_int_equal(summarize(d, WC_KIND_CODERED).sources, 207);
		size_t shown;
		uint64_t total;
		const char *const *p = wc_detect_problems(d, &shown, &total);
		assert_int_equal(total, nbad);
		/* Line numbers count from the file's start, whichever thread read it. */
		assert_non_null(strstr(p[0], "big:6: "));
		assert_non_null(strstr(p[1], "big:10013: "));
		text[v] = sources_text(d);
		wc_detect_free(d);
	}
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	free(log);
}

/* A file larger than two 8 MB read chunks, with no line end on a chunk's
 * edge: read from the file, it gives what it gives from memory. */
static void mapped_file_reads_like_memory(void **state)
{
	(void)state;
	size_t len;
	int nbad, ncr;
	char *log = big_log(130000, &len, &nbad, &ncr);
	assert_true(len > (16u << 20) + 4096);
	assert_int_not_equal(log[16u << 20], '\n');
	log[len - 1] = ' '; /* and a last line without '\n' */
	char path[64];
	snprintf(path, sizeof path, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, log, len), (ssize_t)len);
	close(fd);
	char *text[2];
	for (int v = 0; v < 2; v++) {
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		opt.threads = 2;
		wc_detect *d = wc_detect_new(&opt);
		wc_error err = {0};
		if (v == 0)
			assert_int_equal(wc_detect_file(d, path, WC_FORMAT_AUTO, &err), 0);
		else
			assert_int_equal(
				wc_detect_log_buffer(d, path, WC_FORMAT_AUTO, log, len, &err), 0);
		assert_int_equal(wc_detect_finish(d, &err), 0);
		assert_int_equal(wc_detect_get_stats(d)->lines, 130000);
		assert_int_equal(wc_detect_get_stats(d)->bad_lines, nbad);
		assert_int_equal(wc_detect_get_stats(d)->kind_requests[WC_KIND_CODERED], ncr);
		text[v] = sources_text(d);
		wc_detect_free(d);
	}
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	free(log);
	unlink(path);
}

/* 4000 Code Red lines of 19 July 2001, all of one length; the first line of
 * the second thread's part (feed_chunk cuts after the line holding the
 * middle byte) is dated 19 July 1990 instead. */
static char *stray_log(size_t *len)
{
	char *buf = NULL;
	FILE *m = open_memstream(&buf, len);
	char cr[512];
	codered_target('N', 224, cr, sizeof cr);
	for (int i = 0; i < 4000; i++)
		fprintf(m,
			"192.0.2.%03d - - [19/Jul/2001:%02d:%02d:%02d +0000] \"GET %s HTTP/1.0\" "
			"404 1\n",
			i % 250, i / 3600, i / 60 % 60, i % 60, cr);
	fclose(m);
	char *cut = memchr(buf + *len / 2, '\n', *len / 2) + 1;
	char *year = strstr(cut, "/2001:");
	assert_non_null(year);
	memcpy(year, "/1990:", 6);
	assert_true(strncmp(cut, "192.0.2.", 8) == 0);
	return buf;
}

/* One line dated 1990 among 2001 lines: kept when the timeline fits 2^18
 * bins, refused with a message naming it when not; never a crash (0.1 read
 * the source's first bin outside the bins it kept), never a dropped line. */
static void stray_old_line_is_kept_or_refused(void **state)
{
	(void)state;
	size_t len;
	char *log = stray_log(&len);
	char *text[2];
	char msg[2][1024];
	for (int threads = 2; threads >= 1; threads--) { /* 2 first: 0.1 crashed there */
		wc_detect_options opt;
		wc_detect_options_init(&opt);
		opt.threads = threads;
		opt.bin = 600; /* 11 years of 10 minutes: 578,000 rows */
		wc_detect *d = wc_detect_new(&opt);
		wc_error err = {0};
		assert_int_equal(
			wc_detect_log_buffer(d, "stray.log", WC_FORMAT_APACHE, log, len, &err), 0);
		assert_int_equal(wc_detect_finish(d, &err), -1);
		assert_int_equal(err.code, WC_EXIT_USAGE);
		/* 1325 s bins: (hi - lo)/1325 + 2 = 262,007 rows at most. */
		assert_string_equal(err.msg,
				    "requests from 1990-07-19T00:33:21Z (stray.log) to "
				    "2001-07-19T01:06:39Z (stray.log) make 578596 timeline rows of "
				    "--bin 600 s, more than 262144: give --bin 1325 or more, or "
				    "leave out the lines far from the rest");
		snprintf(msg[threads - 1], sizeof msg[0], "%s", err.msg);
		wc_detect_free(d);

		opt.bin = 3600; /* 100,000 hourly rows: kept */
		d = wc_detect_new(&opt);
		assert_int_equal(
			wc_detect_log_buffer(d, "stray.log", WC_FORMAT_APACHE, log, len, &err), 0);
		assert_int_equal(wc_detect_finish(d, &err), 0);
		assert_int_equal(wc_detect_get_stats(d)->kind_requests[WC_KIND_CODERED], 4000);
		struct kind_summary k = summarize(d, WC_KIND_CODERED);
		assert_int_equal(k.sources, 250);
		assert_int_equal(k.last, T("2001-07-19T01:06:39Z"));
		const wc_detect_timeline *tl = wc_detect_get_timeline(d);
		assert_int_equal(tl->time[0], (k.first / 3600 + 1) * 3600);
		assert_int_equal(tl->time[tl->n - 1], T("2001-07-19T02:00:00Z"));
		assert_int_equal(tl->all[tl->n - 1].cumulative_sources, 250);
		text[threads - 1] = sources_text(d);
		wc_detect_free(d);
	}
	assert_string_equal(msg[0], msg[1]);
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	free(log);
}

struct truncate_at {
	const char *path;
	off_t size;
	int calls;
};

/* after_chunk hook: the first time, cut the file as copytruncate would. */
static void truncate_once(void *arg)
{
	struct truncate_at *ta = arg;
	if (ta->calls++ == 0)
		assert_int_equal(truncate(ta->path, ta->size), 0);
}

/* A log truncated while it is read (logrotate's copytruncate): the lines
 * before the cut are read, the file is named in a warning, no SIGBUS (0.1
 * mapped the file and died on the first page past the new end). */
static void file_truncated_while_read(void **state)
{
	(void)state;
	size_t len;
	int nbad, ncr;
	char *log = big_log(130000, &len, &nbad, &ncr);
	char path[64];
	snprintf(path, sizeof path, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, log, len), (ssize_t)len);
	close(fd);
	/* Cut at the first line end after 12 MB: past the first chunk read. */
	const char *cut = memchr(log + (12u << 20), '\n', len - (12u << 20)) + 1;
	uint64_t lines = 0, codered = 0;
	for (const char *p = log; p < cut; p = strchr(p, '\n') + 1) {
		lines++;
		codered += strncmp(p, "192.0.2.", 8) == 0;
	}
	struct truncate_at ta = {path, (off_t)(cut - log), 0};
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.threads = 2;
	wc_detect *d = wc_detect_new(&opt);
	d->after_chunk = truncate_once;
	d->after_chunk_arg = &ta;
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, path, WC_FORMAT_AUTO, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	assert_true(ta.calls >= 1);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->lines, lines);
	assert_int_equal(st->kind_requests[WC_KIND_CODERED], codered);
	assert_int_equal(st->truncated, 1);
	size_t nw;
	const char *const *w = wc_detect_warnings(d, &nw);
	assert_int_equal(nw, 1);
	char want[256];
	snprintf(want, sizeof want, "%s: the file shrank from %zu to %td bytes while it was read",
		 path, len, cut - log);
	assert_non_null(strstr(w[0], want));
	wc_detect_free(d);
	free(log);
	unlink(path);
}

/* ---- captures, written with libpcap's dump API ---- */

struct cap {
	pcap_t *dead;
	pcap_dumper_t *dump;
	int linktype;
	char path[64];
};

static void cap_open(struct cap *c, int linktype)
{
	snprintf(c->path, sizeof c->path, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(c->path);
	assert_true(fd >= 0);
	close(fd);
	c->linktype = linktype;
	c->dead = pcap_open_dead(linktype, 65535);
	assert_non_null(c->dead);
	c->dump = pcap_dump_open(c->dead, c->path);
	assert_non_null(c->dump);
}

static void cap_close(struct cap *c)
{
	pcap_dump_close(c->dump);
	pcap_close(c->dead);
}

enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

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

/* One TCP segment in a frame of the link type into pkt (4096 bytes); returns
 * its length. Addresses are "a.b.c.d" or IPv6 text. */
static size_t build_frame(uint8_t *pkt, int linktype, const char *src, uint16_t sport,
			  const char *dst, uint16_t dport, uint32_t seq, uint8_t flags,
			  const char *data, size_t len)
{
	size_t o = 0;
	bool v6 = strchr(src, ':') != NULL;
	if (linktype == DLT_EN10MB) {
		memset(pkt, 0, 12);
		put16(pkt + 12, v6 ? 0x86DD : 0x0800);
		o = 14;
	}
	size_t tcp_len = 20 + len;
	if (v6) {
		memset(pkt + o, 0, 40);
		pkt[o] = 0x60;
		put16(pkt + o + 4, (unsigned)tcp_len);
		pkt[o + 6] = 6;
		pkt[o + 7] = 64;
		assert_int_equal(inet_pton(AF_INET6, src, pkt + o + 8), 1);
		assert_int_equal(inet_pton(AF_INET6, dst, pkt + o + 24), 1);
		o += 40;
	} else {
		memset(pkt + o, 0, 20);
		pkt[o] = 0x45;
		put16(pkt + o + 2, (unsigned)(20 + tcp_len));
		pkt[o + 8] = 64;
		pkt[o + 9] = 6;
		assert_int_equal(inet_pton(AF_INET, src, pkt + o + 12), 1);
		assert_int_equal(inet_pton(AF_INET, dst, pkt + o + 16), 1);
		o += 20;
	}
	memset(pkt + o, 0, 20);
	put16(pkt + o, sport);
	put16(pkt + o + 2, dport);
	put32(pkt + o + 4, seq);
	pkt[o + 12] = 5 << 4;
	pkt[o + 13] = flags;
	put16(pkt + o + 14, 65535);
	o += 20;
	assert_true(o + len <= 4096);
	memcpy(pkt + o, data, len);
	return o + len;
}

static void cap_tcp(struct cap *c, double t, const char *src, uint16_t sport, const char *dst,
		    uint16_t dport, uint32_t seq, uint8_t flags, const char *data, size_t len)
{
	uint8_t pkt[4096];
	size_t o = build_frame(pkt, c->linktype, src, sport, dst, dport, seq, flags, data, len);
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)t;
	h.ts.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6 + 0.5);
	h.caplen = h.len = (bpf_u_int32)o;
	pcap_dump((u_char *)c->dump, &h, pkt);
}

static void cap_raw(struct cap *c, double t, const uint8_t *data, size_t len)
{
	struct pcap_pkthdr h;
	h.ts.tv_sec = (time_t)t;
	h.ts.tv_usec = 0;
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)c->dump, &h, data);
}

/* A connection: SYN, and SYN-ACK when answered. Returns the client's next seq. */
static uint32_t cap_connect(struct cap *c, double t, const char *cli, uint16_t cport,
			    const char *srv, bool answer)
{
	cap_tcp(c, t, cli, cport, srv, 80, 1000, SYN, "", 0);
	if (answer)
		cap_tcp(c, t + 0.01, srv, 80, cli, cport, 5000, SYN | ACK, "", 0);
	return 1001;
}

static char *codered_request(char ch, char *buf, size_t len)
{
	char target[512];
	codered_target(ch, 224, target, sizeof target);
	assert_true((size_t)snprintf(buf, len,
				     "GET %.*s HTTP/1.0\r\nContent-type: text/xml\r\n\r\n",
				     (int)strlen(target), target) < len);
	return buf;
}

static wc_detect *run_capture(const char *path, wc_detect_options *opt)
{
	wc_detect *d = wc_detect_new(opt);
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, path, WC_FORMAT_AUTO, &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	return d;
}

static void capture_reassembles_and_classifies(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	double t0 = (double)T("2001-07-19T12:00:00Z");
	char req[1024];

	/* Code Red v1/v2, its request line in three segments out of order, one
	 * of them retransmitted. */
	uint32_t s = cap_connect(&c, t0, "192.0.2.1", 1025, "10.0.0.80", true);
	codered_request('N', req, sizeof req);
	size_t n = strlen(req);
	cap_tcp(&c, t0 + 0.1, "192.0.2.1", 1025, "10.0.0.80", 80, s + 100, ACK, req + 100, 100);
	cap_tcp(&c, t0 + 0.2, "192.0.2.1", 1025, "10.0.0.80", 80, s, ACK, req, 100);
	cap_tcp(&c, t0 + 0.3, "192.0.2.1", 1025, "10.0.0.80", 80, s + 200, ACK | PSH, req + 200,
		n - 200);
	cap_tcp(&c, t0 + 0.4, "192.0.2.1", 1025, "10.0.0.80", 80, s, ACK, req, 100);
	cap_tcp(&c, t0 + 0.5, "192.0.2.1", 1025, "10.0.0.80", 80, s + (uint32_t)n, FIN | ACK, "",
		0);

	/* Code Red II over IPv6, one segment. */
	s = cap_connect(&c, t0 + 3600, "2001:db8::2", 2000, "2001:db8::80", true);
	codered_request('X', req, sizeof req);
	cap_tcp(&c, t0 + 3600.1, "2001:db8::2", 2000, "2001:db8::80", 80, s, ACK | PSH, req,
		strlen(req));

	/* Nimda, the capture joining the connection after its SYN. */
	snprintf(req, sizeof req,
		 "GET /scripts/..%%c1%%1c../winnt/system32/cmd.exe?/c+dir HTTP/1.0\r\n\r\n");
	cap_tcp(&c, t0 + 7200, "192.0.2.3", 3000, "10.0.0.80", 80, 777, ACK | PSH, req,
		strlen(req));

	/* A scanner's .ida probe and an ordinary request. */
	s = cap_connect(&c, t0 + 7201, "192.0.2.4", 3001, "10.0.0.80", true);
	cap_tcp(&c, t0 + 7201.1, "192.0.2.4", 3001, "10.0.0.80", 80, s, ACK | PSH,
		"GET /NULL.ida HTTP/1.0\r\n\r\n", 26);
	s = cap_connect(&c, t0 + 7202, "192.0.2.6", 3002, "10.0.0.80", true);
	cap_tcp(&c, t0 + 7202.1, "192.0.2.6", 3002, "10.0.0.80", 80, s, ACK | PSH,
		"GET /index.html HTTP/1.0\r\n\r\n", 28);
	/* Not HTTP's port: ignored. */
	cap_tcp(&c, t0 + 7203, "192.0.2.7", 3003, "10.0.0.80", 443, 1, ACK | PSH,
		"GET /NULL.ida HTTP/1.0\r\n", 24);
	/* An Ethernet frame whose IP header says version 7. */
	uint8_t bad[54] = {0};
	bad[12] = 0x08;
	bad[14] = 0x75;
	cap_raw(&c, t0 + 7204, bad, sizeof bad);
	/* Nimda's next probe from the same source, on its own connection. */
	snprintf(req, sizeof req, "GET /scripts/root.exe?/c+dir HTTP/1.0\r\n\r\n");
	cap_tcp(&c, t0 + 7205, "192.0.2.3", 3004, "10.0.0.80", 80, 999, ACK | PSH, req,
		strlen(req));
	cap_close(&c);

	wc_detect *d = run_capture(c.path, NULL);
	expect_kind(d, WC_KIND_CODERED, 1, 1, "2001-07-19T12:00:00Z", "2001-07-19T12:00:00Z");
	expect_kind(d, WC_KIND_CODERED2, 1, 1, "2001-07-19T13:00:00Z", "2001-07-19T13:00:00Z");
	expect_kind(d, WC_KIND_NIMDA, 2, 1, "2001-07-19T14:00:00Z", "2001-07-19T14:00:05Z");
	expect_kind(d, WC_KIND_IDA_PROBE, 1, 1, "2001-07-19T14:00:01Z", "2001-07-19T14:00:01Z");
	expect_kind(d, WC_KIND_SCANNER, 0, 0, NULL, NULL);
	size_t ns;
	const wc_detect_source *src = wc_detect_sources(d, &ns);
	assert_string_equal(src[0].addr, "192.0.2.1");
	assert_string_equal(src[1].addr, "2001:db8::2");
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->requests, 6);
	assert_int_equal(st->syns, 4);
	assert_int_equal(st->bad_packets, 1);
	assert_int_equal(st->packets, 7 + 3 + 1 + 3 + 3 + 1 + 1 + 1);
	size_t shown;
	uint64_t total;
	const char *const *p = wc_detect_problems(d, &shown, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(p[0], ": packet 19: "));
	wc_detect_free(d);
	unlink(c.path);
}

static void capture_finds_scanners_and_floods(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	double t0 = (double)T("2001-07-20T00:00:00Z");
	char dst[32], cli[32];
	/* A scanner: 6 first contacts, two refused, four never answered. */
	for (int i = 0; i < 6; i++) {
		snprintf(dst, sizeof dst, "10.0.1.%d", i + 1);
		cap_tcp(&c, t0 + 10 + i, "192.0.2.66", (uint16_t)(4000 + i), dst, 80, 1, SYN, "",
			0);
		if (i < 2)
			cap_tcp(&c, t0 + 10.01 + i, dst, 80, "192.0.2.66", (uint16_t)(4000 + i), 0,
				RST | ACK, "", 0);
	}
	/* A browser: four connections, all answered. */
	for (int i = 0; i < 4; i++) {
		snprintf(dst, sizeof dst, "10.0.2.%d", i + 1);
		cap_connect(&c, t0 + 11 + i, "192.0.2.77", (uint16_t)(5000 + i), dst, true);
	}
	/* The flood: 60 connections to one address in 6 s from 60 hosts. */
	for (int i = 0; i < 60; i++) {
		snprintf(cli, sizeof cli, "10.9.0.%d", i + 1);
		cap_tcp(&c, t0 + 20 + i * 0.1, cli, 1024, "198.137.240.91", 80, 1, SYN, "", 0);
	}
	/* Time passes so unanswered SYNs time out. */
	cap_tcp(&c, t0 + 40, "192.0.2.200", 1, "192.0.2.201", 25, 1, ACK, "", 0);
	cap_close(&c);

	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.flood_rate = 5; /* 50 connections in a 10 s window */
	wc_detect *d = run_capture(c.path, &opt);
	expect_kind(d, WC_KIND_SCANNER, 6, 1, "2001-07-20T00:00:10Z", "2001-07-20T00:00:15Z");
	expect_kind(d, WC_KIND_FLOOD, 60, 1, "2001-07-20T00:00:20Z", "2001-07-20T00:00:25Z");
	size_t ns;
	const wc_detect_source *src = wc_detect_sources(d, &ns);
	assert_int_equal(ns, 2);
	assert_string_equal(src[0].addr, "192.0.2.66");
	assert_string_equal(src[1].addr, "198.137.240.91");
	assert_int_equal(wc_detect_get_stats(d)->syns, 6 + 4 + 60);
	wc_detect_free(d);

	/* Raised above 60 in 10 s, the threshold finds no flood. */
	opt.flood_rate = 6.1;
	d = run_capture(c.path, &opt);
	expect_kind(d, WC_KIND_FLOOD, 0, 0, NULL, NULL);
	expect_kind(d, WC_KIND_SCANNER, 6, 1, "2001-07-20T00:00:10Z", "2001-07-20T00:00:15Z");
	wc_detect_free(d);
	unlink(c.path);
}

static void capture_raw_ip_and_other_ports(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_RAW);
	double t0 = (double)T("2001-08-04T10:00:00Z");
	char req[1024];
	codered_request('X', req, sizeof req);
	cap_tcp(&c, t0, "192.0.2.30", 1111, "10.0.0.1", 8080, 1, ACK | PSH, req, strlen(req));
	cap_tcp(&c, t0 + 1, "192.0.2.31", 1111, "10.0.0.1", 80, 1, ACK | PSH, req, strlen(req));
	cap_close(&c);
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.ports[0] = 8080;
	wc_detect *d = run_capture(c.path, &opt);
	expect_kind(d, WC_KIND_CODERED2, 1, 1, "2001-08-04T10:00:00Z", "2001-08-04T10:00:00Z");
	size_t ns;
	assert_string_equal(wc_detect_sources(d, &ns)[0].addr, "192.0.2.30");
	wc_detect_free(d);
	unlink(c.path);
}

static void truncated_capture_keeps_what_came_before(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	double t0 = (double)T("2001-08-04T10:00:00Z");
	char req[1024];
	codered_request('N', req, sizeof req);
	cap_tcp(&c, t0, "192.0.2.40", 1111, "10.0.0.1", 80, 1, ACK | PSH, req, strlen(req));
	cap_tcp(&c, t0 + 1, "192.0.2.41", 1111, "10.0.0.1", 80, 1, ACK | PSH, req, strlen(req));
	cap_close(&c);
	FILE *f = fopen(c.path, "rb");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(c.path, size - 100), 0);
	wc_detect *d = run_capture(c.path, NULL);
	expect_kind(d, WC_KIND_CODERED, 1, 1, "2001-08-04T10:00:00Z", "2001-08-04T10:00:00Z");
	assert_int_equal(wc_detect_get_stats(d)->truncated, 1);
	assert_int_equal(wc_detect_get_stats(d)->packets, 1);
	wc_detect_free(d);
	unlink(c.path);
}

/* pcapng, written by hand (libpcap writes only pcap): a section header, an
 * Ethernet interface, two enhanced packet blocks. */
static void le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	assert_int_equal(fwrite(b, 1, 4, f), 4);
}

static void pcapng_packet(FILE *f, double t, const uint8_t *pkt, size_t n)
{
	size_t pad = (4 - n % 4) % 4;
	uint64_t us = (uint64_t)(t * 1e6 + 0.5);
	le32(f, 6);
	le32(f, (uint32_t)(32 + n + pad));
	le32(f, 0);
	le32(f, (uint32_t)(us >> 32));
	le32(f, (uint32_t)us);
	le32(f, (uint32_t)n);
	le32(f, (uint32_t)n);
	assert_int_equal(fwrite(pkt, 1, n, f), n);
	static const uint8_t zero[3] = {0, 0, 0};
	assert_int_equal(fwrite(zero, 1, pad, f), pad);
	le32(f, (uint32_t)(32 + n + pad));
}

/* A section header block and one interface description block. */
static void pcapng_header(FILE *f, int linktype)
{
	le32(f, 0x0A0D0D0A); /* section header block */
	le32(f, 28);
	le32(f, 0x1A2B3C4D);
	le32(f, 1); /* version 1.0 */
	le32(f, 0xFFFFFFFF);
	le32(f, 0xFFFFFFFF); /* section length unknown */
	le32(f, 28);
	le32(f, 1); /* interface description block */
	le32(f, 20);
	le32(f, (uint32_t)linktype);
	le32(f, 65535);
	le32(f, 20);
}

static void pcapng_is_read(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof path, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	pcapng_header(f, DLT_EN10MB);
	double t0 = (double)T("2001-08-04T10:00:00Z");
	uint8_t pkt[4096];
	char req[1024];
	codered_request('X', req, sizeof req);
	size_t n = build_frame(pkt, DLT_EN10MB, "192.0.2.60", 1111, "10.0.0.1", 80, 1, ACK | PSH,
			       req, 150);
	pcapng_packet(f, t0, pkt, n);
	n = build_frame(pkt, DLT_EN10MB, "192.0.2.60", 1111, "10.0.0.1", 80, 151, ACK | PSH,
			req + 150, strlen(req) - 150);
	pcapng_packet(f, t0 + 1.5, pkt, n);
	assert_int_equal(fclose(f), 0);
	wc_detect *d = run_capture(path, NULL);
	expect_kind(d, WC_KIND_CODERED2, 1, 1, "2001-08-04T10:00:01Z", "2001-08-04T10:00:01Z");
	assert_int_equal(wc_detect_get_stats(d)->packets, 2);
	/* A capture's evidence is the request line, reassembled. */
	size_t ns;
	const wc_detect_source *src = wc_detect_sources(d, &ns);
	assert_int_equal(ns, 1);
	assert_int_equal(strncmp(src[0].evidence, req, strcspn(req, "\r\n")), 0);
	assert_int_equal(strlen(src[0].evidence), strcspn(req, "\r\n"));
	wc_detect_free(d);
	unlink(path);
}

/* One request of an Apache log line: the client, the time, the request line. */
struct logreq {
	wc_time t;
	int line;
	char addr[64];
	char req[1024];
};

/* "1.2.3.4 - - [19/Jul/2001:10:05:00 -0700] \"GET ... HTTP/1.0\" ..." into q;
 * false for a line that is not one such request. */
static bool parse_log_request(const char *s, struct logreq *q)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char m[4], sign;
	int d, y, hh, mm, ss, zh, zm, used = 0;
	if (sscanf(s, "%63s - - [%d/%3s/%d:%d:%d:%d %c%2d%2d] \"%n", q->addr, &d, m, &y, &hh, &mm,
		   &ss, &sign, &zh, &zm, &used) != 10 ||
	    used == 0 || strstr(mon, m) == NULL || d < 1 || d > 31)
		return false;
	const char *r = s + used, *e = strstr(r, "\" ");
	if (e == NULL || memchr(r, '\\', (size_t)(e - r)) != NULL || e - r < 4 ||
	    (size_t)(e - r) >= sizeof q->req)
		return false;
	memcpy(q->req, r, (size_t)(e - r));
	q->req[e - r] = '\0';
	int zone = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
	q->t = wc_days_from_civil(y, (unsigned)((strstr(mon, m) - mon) / 3 + 1), (unsigned)d) *
		       86400 +
	       hh * 3600 + mm * 60 + ss - zone;
	return true;
}

static int logreq_cmp(const void *a, const void *b)
{
	const struct logreq *x = a, *y = b;
	return x->t != y->t ? (x->t > y->t) - (x->t < y->t) : x->line - y->line;
}

/* The Apache fixture's requests as a sensor on the wire saw them: one
 * answered connection per request line, in time order; written to c. */
static void capture_of_the_log(struct cap *c)
{
	FILE *f = fopen(FIX "access.log", "r");
	assert_non_null(f);
	struct logreq q[64];
	int n = 0;
	char line[2048];
	for (int ln = 1; fgets(line, sizeof line, f) != NULL && n < 64; ln++)
		if (parse_log_request(line, &q[n]))
			q[n++].line = ln;
	fclose(f);
	assert_int_equal(n, 13); /* all but the "-", the bad, the misdated, the quoted */
	qsort(q, (size_t)n, sizeof *q, logreq_cmp);
	for (int i = 0; i < n; i++) {
		double t = (double)q[i].t;
		uint16_t port = (uint16_t)(2000 + i);
		uint32_t s = cap_connect(c, t, q[i].addr, port, "10.0.0.80", true);
		char data[1100];
		int len = snprintf(data, sizeof data, "%s\r\nHost: www\r\n\r\n", q[i].req);
		cap_tcp(c, t + 0.02, q[i].addr, port, "10.0.0.80", 80, s, ACK | PSH, data,
			(size_t)len);
		cap_tcp(c, t + 0.03, q[i].addr, port, "10.0.0.80", 80, s + (uint32_t)len, FIN | ACK,
			"", 0);
	}
}

/* Copies a pcap file into pcapng blocks (what Wireshark and dumpcap write). */
static void pcap_to_pcapng(const char *in, const char *out)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(in, errbuf);
	assert_non_null(p);
	FILE *f = fopen(out, "wb");
	assert_non_null(f);
	pcapng_header(f, pcap_datalink(p));
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(p, &h, &data) == 1)
		pcapng_packet(f, (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6, data,
			      h->caplen);
	assert_int_equal(fclose(f), 0);
	pcap_close(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each line of s, sorted, as one string (a capture's sources come in time
 * order, a log's in line order). */
static char *sorted_lines(const char *s)
{
	char *copy = strdup(s), *lines[256], *save = NULL;
	size_t n = 0, len = strlen(s);
	assert_non_null(copy);
	for (char *l = strtok_r(copy, "\n", &save); l != NULL && n < 256;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof *lines, cmp_str);
	char *out = malloc(len + 2), *o = out;
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		o += sprintf(o, "%s\n", lines[i]);
	free(copy);
	return out;
}

/* The input matrix for captures: the Apache fixture's requests as a pcap and
 * as a pcapng give the log's sources and timeline; pcap and pcapng the same
 * bytes. */
static void capture_and_pcapng_match_the_apache_log(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	capture_of_the_log(&c);
	cap_close(&c);
	char ng[64];
	snprintf(ng, sizeof ng, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(ng);
	assert_true(fd >= 0);
	close(fd);
	pcap_to_pcapng(c.path, ng);
	char *apache = outputs_of(FIX "access.log", WC_FORMAT_AUTO);
	char *pcap = outputs_of(c.path, WC_FORMAT_AUTO);
	char *pcapng = outputs_of(ng, WC_FORMAT_AUTO);
	assert_string_equal(pcapng, pcap);
	char *a = sorted_lines(apache), *p = sorted_lines(pcap);
	assert_string_equal(p, a);
	free(a);
	free(p);
	free(apache);
	free(pcap);
	free(pcapng);
	unlink(c.path);
	unlink(ng);
}

/* eve.json's time format, character by character: "2001-07-19T12:00:00.000000+0000". */
static bool is_eve_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.000000+0000";
	if (s == NULL || strlen(s) != strlen(shape))
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != shape[i])
			return false;
	return true;
}

/* One alert line as a SIEM reading eve.json expects it: src is its source. */
static void expect_eve_alert(const char *line, size_t len, const wc_detect_source *src)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, len, 0, &jerr);
	assert_non_null(o);
	assert_true(json_is_object(o));
	assert_true(is_eve_time(json_string_value(json_object_get(o, "timestamp"))));
	assert_string_equal(json_string_value(json_object_get(o, "event_type")), "alert");
	assert_string_equal(json_string_value(json_object_get(o, "src_ip")), src->addr);
	uint8_t a[16];
	assert_true(inet_pton(strchr(src->addr, ':') ? AF_INET6 : AF_INET, src->addr, a) == 1);
	json_t *al = json_object_get(o, "alert");
	assert_string_equal(json_string_value(json_object_get(al, "action")), "allowed");
	assert_int_equal(
		strncmp(json_string_value(json_object_get(al, "signature")), "WORMCAST ", 9), 0);
	assert_non_null(json_string_value(json_object_get(al, "category")));
	json_int_t sev = json_integer_value(json_object_get(al, "severity"));
	assert_true(json_is_integer(json_object_get(al, "severity")) && sev >= 1 && sev <= 3);
	json_t *w = json_object_get(o, "wormcast");
	assert_string_equal(json_string_value(json_object_get(w, "kind")),
			    wc_detect_kind_name(src->kind));
	assert_true(json_is_boolean(json_object_get(w, "worm")));
	assert_int_equal(json_integer_value(json_object_get(w, "requests")), src->requests);
	json_decref(o);
}

/* The alerts of every input format, parsed back with jansson line by line:
 * one object per source, eve.json's names and time format; what --follow
 * writes a source at a time is the same bytes. */
static void alerts_of_every_input_are_eve_json(void **state)
{
	(void)state;
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	capture_of_the_log(&c);
	cap_close(&c);
	const char *const files[] = {
		FIX "access.log",     FIX "iis.log",  FIX "error.log", FIX "zeek-http.log",
		FIX "zeek-http.json", FIX "eve.json", c.path};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		const char *f[] = {files[i]};
		wc_detect *d = run_files(f, 1, 3600);
		char *buf, *one;
		size_t len, len1, nsrc, nlines = 0;
		FILE *fp = open_memstream(&buf, &len), *fp1 = open_memstream(&one, &len1);
		assert_int_equal(wc_report_detect_alerts(fp, d), 0);
		const wc_detect_source *src = wc_detect_sources(d, &nsrc);
		for (size_t k = 0; k < nsrc; k++)
			assert_int_equal(wc_report_detect_alert(fp1, &src[k]), 0);
		fclose(fp);
		fclose(fp1);
		assert_string_equal(one, buf);
		for (char *line = buf, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			assert_true(nlines < nsrc);
			expect_eve_alert(line, (size_t)(nl - line), &src[nlines++]);
		}
		assert_int_equal(nlines, nsrc);
		assert_true(nsrc >= 4);
		free(buf);
		free(one);
		wc_detect_free(d);
	}
	unlink(c.path);
}

/* Writes data[0..n) as zstd into a new temporary file, as two frames split at
 * byte cut (a rotated log's frames concatenated), the second frame's
 * compressed bytes shortened by drop; its path into path. */
static void write_zstd(char *path, const char *data, size_t n, size_t cut, size_t drop)
{
	snprintf(path, 64, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	size_t parts[2][2] = {{0, cut}, {cut, n - cut}};
	for (int i = 0; i < 2; i++) {
		size_t bound = ZSTD_compressBound(parts[i][1]);
		char *z = malloc(bound);
		assert_non_null(z);
		size_t zn = ZSTD_compress(z, bound, data + parts[i][0], parts[i][1], 3);
		assert_false(ZSTD_isError(zn));
		if (i == 1)
			zn -= drop < zn ? drop : zn;
		assert_int_equal(fwrite(z, 1, zn, f), zn);
		free(z);
	}
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* .zst: every log format compressed with zstd (in two frames) gives the
 * plain file's outputs; a second frame cut short keeps the first frame's
 * lines and says so; a compressed capture is refused, naming the tool. */
static void zstd_reads_like_plain(void **state)
{
	(void)state;
	static const char *const files[] = {FIX "access.log", FIX "zeek-http.log",
					    FIX "zeek-http.json", FIX "eve.json"};
	char path[64];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		size_t n;
		char *data = slurp(files[i], &n);
		write_zstd(path, data, n, n / 3, 0);
		char *z = outputs_of(path, WC_FORMAT_AUTO),
		     *plain = outputs_of(files[i], WC_FORMAT_AUTO);
		assert_string_equal(z, plain);
		free(z);
		free(plain);
		free(data);
		unlink(path);
	}
	/* The first 8 lines of access.log in the first frame, the rest cut. */
	size_t n;
	char *data = slurp(FIX "access.log", &n);
	const char *p = data;
	for (int k = 0; k < 8; k++)
		p = strchr(p, '\n') + 1;
	write_zstd(path, data, n, (size_t)(p - data), 10);
	const char *f[] = {path};
	wc_detect *d = run_files(f, 1, 3600);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	assert_int_equal(st->truncated, 1);
	assert_int_equal(st->requests, 8);
	expect_kind(d, WC_KIND_NIMDA, 3, 1, "2001-09-18T13:00:00Z", "2001-09-18T13:00:01Z");
	size_t shown;
	uint64_t total;
	const char *const *probs = wc_detect_problems(d, &shown, &total);
	assert_int_equal(total, 1);
	assert_non_null(strstr(probs[0], "zstd data cut short or corrupt"));
	wc_detect_free(d);
	unlink(path);
	free(data);
	/* A capture in zstd: refused with what to do. */
	struct cap c;
	cap_open(&c, DLT_EN10MB);
	capture_of_the_log(&c);
	cap_close(&c);
	data = slurp(c.path, &n);
	write_zstd(path, data, n, n / 2, 0);
	d = wc_detect_new(NULL);
	wc_error err = {0};
	assert_int_equal(wc_detect_file(d, path, WC_FORMAT_AUTO, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "a capture compressed with zstd"));
	wc_detect_free(d);
	free(data);
	unlink(path);
	unlink(c.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signatures_tell_worms_from_scanners),
		cmocka_unit_test(nimda_matches_all_sixteen_in_any_encoding),
		cmocka_unit_test(request_lines_with_and_without_version),
		cmocka_unit_test(apache_log_counts_per_kind),
		cmocka_unit_test(iis_log_counts_per_kind),
		cmocka_unit_test(error_log_counts_per_kind),
		cmocka_unit_test(sensor_logs_match_the_apache_log),
		cmocka_unit_test(sensor_log_errors_name_the_field),
		cmocka_unit_test(zeek_escapes_and_iso_times),
		cmocka_unit_test(alerts_are_eve_json_lines),
		cmocka_unit_test(window_keeps_only_its_requests),
		cmocka_unit_test(stream_in_pieces_matches_the_file),
		cmocka_unit_test(nimda_only_in_a_workers_part),
		cmocka_unit_test(timeline_bins_new_and_cumulative_sources),
		cmocka_unit_test(results_do_not_depend_on_file_order),
		cmocka_unit_test(single_backdoor_probe_is_not_nimda),
		cmocka_unit_test(vhost_combined_is_recognised),
		cmocka_unit_test(log_format_apache_and_nginx),
		cmocka_unit_test(gzip_reads_like_plain),
		cmocka_unit_test(unreadable_file_is_a_usage_error),
		cmocka_unit_test(buffer_sniffs_each_format),
		cmocka_unit_test(commented_apache_log_is_not_w3c),
		cmocka_unit_test(mostly_unparseable_log_is_refused),
		cmocka_unit_test(threads_do_not_change_results),
		cmocka_unit_test(mapped_file_reads_like_memory),
		cmocka_unit_test(stray_old_line_is_kept_or_refused),
		cmocka_unit_test(file_truncated_while_read),
		cmocka_unit_test(capture_reassembles_and_classifies),
		cmocka_unit_test(capture_finds_scanners_and_floods),
		cmocka_unit_test(capture_raw_ip_and_other_ports),
		cmocka_unit_test(truncated_capture_keeps_what_came_before),
		cmocka_unit_test(pcapng_is_read),
		cmocka_unit_test(capture_and_pcapng_match_the_apache_log),
		cmocka_unit_test(alerts_of_every_input_are_eve_json),
		cmocka_unit_test(zstd_reads_like_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
