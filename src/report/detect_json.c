/*
 * detect_json.c — detect's JSON outputs: the alerts (one eve.json-style
 * object per line, for a SIEM) and summary.json (what the terminal summary
 * says, for programs).
 *
 * Alerts borrow Suricata's eve.json names and time format where one fits
 * (timestamp, event_type "alert", src_ip, alert.signature, alert.category,
 * alert.severity), so that tools reading eve.json take them unchanged; what
 * eve.json has no name for is under "wormcast".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/provenance.h"
#include "core/xalloc.h"
#include "report/json_provenance.h"
#include "report/detect_report.h"

/* What an alert says of each kind: the rule that decided it (docs/detect.md
 * §2), Suricata's classification text, and its severity (1 is highest). */
static const struct {
	const char *signature, *category;
	int severity;
} kind_alert[WC_KIND_COUNT] = {
	{"WORMCAST Code Red v1/v2: GET /default.ida? then 224 N then %u escapes",
	 "A Network Trojan was detected", 1},
	{"WORMCAST Code Red II: GET /default.ida? then 224 X then %u escapes",
	 "A Network Trojan was detected", 1},
	{"WORMCAST Nimda: probes for 2 or more of its cmd.exe/root.exe paths with /c+dir",
	 "A Network Trojan was detected", 1},
	{"WORMCAST .ida/.idq request that is not Code Red's", "Web Application Attack", 2},
	{"WORMCAST port scanner: failed first contacts (threshold random walk)",
	 "Detection of a Network Scan", 2},
	{"WORMCAST flood: connection attempts to one destination above --flood-rate",
	 "Attempted Denial of Service", 1},
	{"WORMCAST single Nimda path probe (root.exe backdoor or one cmd.exe traversal)",
	 "Web Application Attack", 2},
};

/* eve.json's time format: "2001-07-19T12:00:00.000000+0000". */
static void eve_time(wc_time t, char *buf, size_t len)
{
	char iso[32];
	wc_time_format(t, iso); /* "2001-07-19T12:00:00Z" */
	snprintf(buf, len, "%.19s.000000+0000", iso);
}

/* Text from the input as a JSON string: bytes that are not UTF-8 (a request
 * may hold any) are written as %XX, as a URL would carry them, so that the
 * line stays valid JSON and the bytes can still be told. */
static json_t *json_input_text(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	size_t n = strlen(s);
	char *buf = xmalloc(3 * n + 1), *o = buf;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = '\0';
	j = json_string(buf);
	free(buf);
	return j;
}

static json_t *alert_object(const wc_detect_source *s)
{
	char ts[40], first[32], last[32];
	eve_time(s->first, ts, sizeof ts);
	json_t *o = json_object();
	json_object_set_new(o, "timestamp", json_string(ts));
	json_object_set_new(o, "event_type", json_string("alert"));
	/* A flood's address is the destination that received it. */
	json_object_set_new(o, s->kind == WC_KIND_FLOOD ? "dest_ip" : "src_ip",
			    json_input_text(s->addr));
	json_t *a = json_object();
	json_object_set_new(a, "action", json_string("allowed"));
	json_object_set_new(a, "signature", json_string(kind_alert[s->kind].signature));
	json_object_set_new(a, "category", json_string(kind_alert[s->kind].category));
	json_object_set_new(a, "severity", json_integer(kind_alert[s->kind].severity));
	json_object_set_new(o, "alert", a);
	json_t *w = json_object();
	json_object_set_new(w, "kind", json_string(wc_detect_kind_name(s->kind)));
	json_object_set_new(w, "worm", json_boolean(WC_KIND_IS_WORM(s->kind)));
	json_object_set_new(w, "evidence",
			    s->evidence ? json_input_text(s->evidence) : json_null());
	json_object_set_new(w, "first_seen", json_string(wc_time_format(s->first, first)));
	json_object_set_new(w, "last_seen", json_string(wc_time_format(s->last, last)));
	json_object_set_new(w, "requests", json_integer((json_int_t)s->requests));
	json_object_set_new(o, "wormcast", w);
	return o;
}

int wc_report_detect_alert(FILE *out, const wc_detect_source *s)
{
	json_t *o = alert_object(s);
	int rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
		 fputc('\n', out) == EOF;
	json_decref(o);
	return rc == 0 && !ferror(out) ? 0 : -1;
}

int wc_report_detect_alerts(FILE *out, const wc_detect *d)
{
	size_t n;
	const wc_detect_source *s = wc_detect_sources(d, &n);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_t *o = alert_object(&s[i]);
		rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 ||
		     fputc('\n', out) == EOF;
		json_decref(o);
	}
	return rc == 0 && !ferror(out) ? 0 : -1;
}

static json_t *json_time_or_null(bool set, wc_time t)
{
	char buf[32];
	return set ? json_string(wc_time_format(t, buf)) : json_null();
}

/* In this file rather than detect_report.c, so that the fuzz targets, which
 * link this file without the plotting code, have it. */
void wc_report_detect_kind_totals(const wc_detect *d, wc_detect_kind_totals *t)
{
	size_t n;
	const wc_detect_source *s = wc_detect_sources(d, &n);
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		int k = s[i].kind;
		if (t->sources[k] == 0 || s[i].first < t->first[k])
			t->first[k] = s[i].first;
		if (t->sources[k] == 0 || s[i].last > t->last[k])
			t->last[k] = s[i].last;
		t->sources[k]++;
	}
}

/* Per kind, as the terminal summary gives it: requests, distinct sources,
 * first and last seen. */
static json_t *json_kinds(const wc_detect *d)
{
	const wc_detect_stats *st = wc_detect_get_stats(d);
	wc_detect_kind_totals t;
	wc_report_detect_kind_totals(d, &t);
	const uint64_t *sources = t.sources;
	json_t *o = json_object();
	for (int k = 0; k < WC_KIND_COUNT; k++) {
		json_t *e = json_object();
		json_object_set_new(e, "requests", json_integer((json_int_t)st->kind_requests[k]));
		json_object_set_new(e, "sources", json_integer((json_int_t)sources[k]));
		json_object_set_new(e, "first_seen", json_time_or_null(sources[k] > 0, t.first[k]));
		json_object_set_new(e, "last_seen", json_time_or_null(sources[k] > 0, t.last[k]));
		json_object_set_new(o, wc_detect_kind_name(k), e);
	}
	return o;
}

static json_t *json_stats(const wc_detect *d)
{
	const wc_detect_stats *st = wc_detect_get_stats(d);
	size_t shown;
	uint64_t problems;
	wc_detect_problems(d, &shown, &problems);
	json_t *o = json_object();
#define N(name, v) json_object_set_new(o, name, json_integer((json_int_t)(v)))
	N("bytes", st->bytes);
	N("lines", st->lines);
	N("unparseable_lines", st->bad_lines);
	N("requests", st->requests);
	N("packets", st->packets);
	N("undecodable_packets", st->bad_packets);
	N("connection_attempts", st->syns);
	N("inputs_cut_short", st->truncated);
	N("malformed_host_lines", st->malformed_host);
	N("problems", problems);
#undef N
	return o;
}

static json_t *json_provenance(const wc_provenance *p)
{
	return wc_report_provenance_json(p, p && p->command_line ? json_input_text(p->command_line)
								 : NULL);
}

static json_t *summary_build(const wc_detect *d, const wc_detect_run_info *info)
{
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	json_t *root = json_object();
	json_object_set_new(root, "command", json_string("detect"));
	json_t *in = json_array();
	for (int i = 0; i < info->ninputs; i++)
		json_array_append_new(in, json_input_text(info->inputs[i]));
	json_object_set_new(root, "inputs", in);
	json_object_set_new(root, "bin_seconds", json_integer((json_int_t)info->bin));
	json_t *w = json_object();
	json_object_set_new(w, "from", json_time_or_null(info->has_from, info->from));
	json_object_set_new(w, "until", json_time_or_null(info->has_until, info->until));
	json_object_set_new(root, "window", w);
	json_object_set_new(
		root, "worm_sources",
		json_integer(tl->n ? (json_int_t)tl->all[tl->n - 1].cumulative_sources : 0));
	json_object_set_new(root, "kinds", json_kinds(d));
	json_object_set_new(root, "input_stats", json_stats(d));
	json_object_set_new(root, "provenance", json_provenance(info->provenance));
	return root;
}

int wc_report_detect_summary_json(const char *path, const wc_detect *d,
				  const wc_detect_run_info *info, wc_error *err)
{
	json_t *root = summary_build(d, info);
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0) {
		json_decref(root);
		return -1;
	}
	int rc = json_dumpf(root, f.fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc != 0 || fputc('\n', f.fp) == EOF) {
		wc_atomic_abort(&f);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: write failed", path);
	}
	return wc_atomic_commit(&f, err);
}
