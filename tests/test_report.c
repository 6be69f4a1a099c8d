/*
 * test_report.c — the report module against a timeline small enough to check
 * by hand: figures, the CSV bytes, summary.json read back, the terminal table,
 * atomic writes and the plot formats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "detect/detect.h"
#include "report/detect_report.h"
#include "report/report.h"

/* Under AddressSanitizer: fontconfig (through cairo) and libltdl (PLplot's
 * driver loader) keep caches until exit by design; they are not our leaks. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libltdl.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

/* One directory per test run, removed (files and all) at the end. */
static char test_dir[] = "/tmp/wc_test_report.XXXXXX";

static wc_time at(const char *iso)
{
	wc_time t;
	if (wc_time_parse(iso, &t) != 0)
		fail_msg("bad time in test: %s", iso);
	return t;
}

static char *in_dir(const char *name)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", test_dir, name);
	return path;
}

/* Leftover temporary files in test_dir: what atomic writes must never leave. */
static int count_temp_files(void)
{
	DIR *d = opendir(test_dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp.") != NULL)
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

/*
 * Five one-minute rows from 10:01 to 10:05. The peaks are placed so that a
 * wrong tie rule or an off-by-one row shows: new_infections ties at 10:03 and
 * 10:04, probes at 10:03 and 10:05; the earliest must win.
 */
static void small_timeline(wc_timeline *tl)
{
	static const uint64_t newinf[] = {5, 20, 50, 50, 10};
	static const uint64_t cum[] = {5, 25, 75, 125, 135};
	static const uint64_t infected[] = {5, 25, 75, 120, 125};
	static const uint64_t active[] = {5, 24, 70, 110, 100};
	static const uint64_t patched[] = {0, 0, 0, 1, 3};
	static const uint64_t probes[] = {100, 400, 1000, 900, 1000};
	static const uint64_t tprobes[] = {1, 2, 3, 4, 5};
	static const uint64_t tsources[] = {1, 3, 6, 9, 12};
	static const uint64_t bytes[] = {0, 0, 0, 40, 2};
	static const uint64_t reinf[] = {0, 0, 1, 0, 2};
	wc_time t0 = at("2001-07-19T10:00:00Z");

	wc_timeline_init(tl);
	for (int i = 0; i < 5; i++) {
		wc_timeline_row r;
		memset(&r, 0, sizeof r);
		r.time = t0 + 60 * (i + 1);
		r.susceptible = 1000 - cum[i];
		r.infected = infected[i];
		r.active = active[i];
		r.removed = cum[i] - infected[i];
		r.patched = patched[i];
		r.new_infections = newinf[i];
		r.cumulative_infected = cum[i];
		r.probes = probes[i];
		r.telescope_probes = tprobes[i];
		r.telescope_sources = tsources[i];
		r.target_bytes = bytes[i];
		r.spreading = active[i];
		r.flooding = 0;
		r.reinfections = reinf[i];
		wc_timeline_push(tl, &r);
	}
}

static void small_scenario(wc_scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	snprintf(sc->name, sizeof sc->name, "tiny");
	snprintf(sc->source, sizeof sc->source, "builtin:tiny");
	sc->start = at("2001-07-19T10:00:00Z");
	sc->end = at("2001-07-19T10:05:00Z");
	sc->interval = 60;
	sc->nhistory = 3;
	/* Before the first row, between rows, after the last. */
	sc->history[0] = (wc_history_point){.time = at("2001-07-19T10:00:30Z"), .value = 2};
	sc->history[1] = (wc_history_point){.time = at("2001-07-19T10:03:30Z"), .value = 80};
	sc->history[2] = (wc_history_point){.time = at("2001-07-19T11:00:00Z"), .value = 1500000};
}

static void small_result(wc_run_result *res)
{
	memset(res, 0, sizeof *res);
	small_timeline(&res->timeline);
	res->engine = WC_ENGINE_FAST;
	res->probes = 1234567;
	res->vulnerable = 359000;
	res->wall_seconds = 0.25;
}

static void test_figures(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_run_figures f;

	small_timeline(&tl);
	wc_run_figures_compute(&tl, &f);
	assert_int_equal(f.rows, 5);
	assert_int_equal(f.interval, 60);
	assert_int_equal(f.final_time, at("2001-07-19T10:05:00Z"));
	assert_int_equal(f.final_cumulative_infected, 135);
	assert_int_equal(f.final_infected, 125);
	assert_int_equal(f.final_active, 100);
	assert_int_equal(f.final_patched, 3);
	assert_int_equal(f.final_telescope_sources, 12);
	assert_int_equal(f.peak_new_infections, 50);
	assert_int_equal(f.peak_new_infections_time, at("2001-07-19T10:03:00Z"));
	assert_int_equal(f.peak_active, 110);
	assert_int_equal(f.peak_active_time, at("2001-07-19T10:04:00Z"));
	assert_int_equal(f.peak_probes, 1000);
	assert_int_equal(f.peak_probes_time, at("2001-07-19T10:03:00Z"));
	assert_int_equal(f.total_probes, 3400);
	assert_int_equal(f.total_telescope_probes, 15);
	assert_int_equal(f.total_target_bytes, 42);
	assert_int_equal(f.total_reinfections, 3);
	wc_timeline_free(&tl);
}

static void test_figures_empty(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_run_figures f, zero;

	wc_timeline_init(&tl);
	memset(&f, 0xff, sizeof f);
	memset(&zero, 0, sizeof zero);
	wc_run_figures_compute(&tl, &f);
	assert_memory_equal(&f, &zero, sizeof f);
	assert_null(wc_timeline_row_at(&tl, at("2001-07-19T10:00:00Z")));
}

static void test_row_at(void **state)
{
	(void)state;
	wc_timeline tl;

	small_timeline(&tl);
	assert_null(wc_timeline_row_at(&tl, at("2001-07-19T10:00:59Z")));
	assert_ptr_equal(wc_timeline_row_at(&tl, at("2001-07-19T10:01:00Z")), &tl.rows[0]);
	assert_ptr_equal(wc_timeline_row_at(&tl, at("2001-07-19T10:03:59Z")), &tl.rows[2]);
	assert_ptr_equal(wc_timeline_row_at(&tl, at("2001-07-19T10:04:00Z")), &tl.rows[3]);
	assert_ptr_equal(wc_timeline_row_at(&tl, at("2001-07-19T10:05:00Z")), &tl.rows[4]);
	assert_ptr_equal(wc_timeline_row_at(&tl, at("2030-01-01T00:00:00Z")), &tl.rows[4]);
	wc_timeline_free(&tl);
}

static void test_thousands(void **state)
{
	(void)state;
	char buf[32];

	assert_string_equal(wc_report_thousands(0, buf, sizeof buf), "0");
	assert_string_equal(wc_report_thousands(999, buf, sizeof buf), "999");
	assert_string_equal(wc_report_thousands(1000, buf, sizeof buf), "1,000");
	assert_string_equal(wc_report_thousands(12345, buf, sizeof buf), "12,345");
	assert_string_equal(wc_report_thousands(359000, buf, sizeof buf), "359,000");
	assert_string_equal(wc_report_thousands(1234567, buf, sizeof buf), "1,234,567");
	assert_string_equal(wc_report_thousands(UINT64_MAX, buf, sizeof buf),
			    "18,446,744,073,709,551,615");
	/* A short buffer truncates but stays terminated. */
	assert_string_equal(wc_report_thousands(1234567, buf, 4), "1,2");
}

static const char expected_row0[] =
	"2001-07-19T10:01:00Z,995,5,5,0,0,5,5,100,1,1,0,5,0,0,0,0,0,0,0,0,0";
static const char expected_row4[] =
	"2001-07-19T10:05:00Z,865,125,100,10,3,10,135,1000,5,12,2,100,0,2,0,0,0,0,0,0,0";

static void test_csv_file(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_error err = {0};
	char expected[1024];

	small_timeline(&tl);
	assert_int_equal(wc_report_write_timeline_csv(in_dir("timeline.csv"), &tl, &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(count_temp_files(), 0);

	char *text = slurp(in_dir("timeline.csv"), NULL);
	assert_string_equal(
		wc_timeline_csv_header,
		"time,susceptible,infected,active,removed,patched,new_infections,"
		"cumulative_infected,probes,telescope_probes,telescope_sources,"
		"target_bytes,spreading,flooding,reinfections,target_connections,"
		"infected_same16,infected_same8,probe_pps,probe_bps,failed,blocked_probes");
	snprintf(expected, sizeof expected, "%s\n%s\n", wc_timeline_csv_header, expected_row0);
	assert_memory_equal(text, expected, strlen(expected));

	/* Five rows plus the header, each newline-terminated. */
	int lines = 0;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 6);
	char *last = text + strlen(text) - 1 - strlen(expected_row4);
	assert_memory_equal(last, expected_row4, strlen(expected_row4));
	assert_string_equal(last + strlen(expected_row4), "\n");
	free(text);
	wc_timeline_free(&tl);
}

static void test_csv_stream_empty(void **state)
{
	(void)state;
	wc_timeline tl;
	char *buf = NULL;
	size_t len = 0;
	char expected[512];

	wc_timeline_init(&tl);
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(wc_report_timeline_csv_stream(fp, &tl), 0);
	fclose(fp);
	snprintf(expected, sizeof expected, "%s\n", wc_timeline_csv_header);
	assert_string_equal(buf, expected);
	free(buf);
}

static void test_csv_unwritable(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_error err = {0};

	small_timeline(&tl);
	assert_int_equal(wc_report_write_timeline_csv(in_dir("missing/timeline.csv"), &tl, &err),
			 -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "missing/timeline.csv"));
	assert_non_null(strstr(err.msg, "No such file or directory"));
	wc_timeline_free(&tl);
}

static void test_summary_json(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_run_options opt;
	wc_run_result res;
	wc_error err = {0};
	json_error_t jerr;

	small_scenario(&sc);
	small_result(&res);
	memset(&opt, 0, sizeof opt);
	opt.seed = 42;
	opt.engine = WC_ENGINE_AUTO;
	opt.threads = 4;

	const char *path = in_dir("summary.json");
	wc_provenance prov = {"wormcast run tiny --seed 42", 995536800}; /* 2001-07-19T10:00Z */
	assert_int_equal(wc_report_write_summary_json(path, &sc, &opt, &res, &prov, &err), 0);
	assert_int_equal(count_temp_files(), 0);

	size_t len;
	char *text = slurp(in_dir("summary.json"), &len);
	assert_true(len > 2);
	assert_int_equal(text[len - 1], '\n');
	assert_int_equal(text[len - 2], '}');
	/* Indented by two and in the documented order: scenario comes first. */
	assert_memory_equal(text, "{\n  \"scenario\": \"tiny\",\n", 24);
	free(text);

	json_t *root = json_load_file(in_dir("summary.json"), 0, &jerr);
	if (root == NULL)
		fail_msg("summary.json does not parse: %s (line %d)", jerr.text, jerr.line);
	assert_string_equal(json_string_value(json_object_get(root, "scenario")), "tiny");
	assert_string_equal(json_string_value(json_object_get(root, "source")), "builtin:tiny");
	assert_int_equal(json_integer_value(json_object_get(root, "seed")), 42);
	assert_string_equal(json_string_value(json_object_get(root, "engine")), "fast");
	assert_int_equal(json_integer_value(json_object_get(root, "threads")), 4);
	assert_string_equal(json_string_value(json_object_get(root, "start")),
			    "2001-07-19T10:00:00Z");
	assert_string_equal(json_string_value(json_object_get(root, "end")),
			    "2001-07-19T10:05:00Z");
	assert_int_equal(json_integer_value(json_object_get(root, "interval_seconds")), 60);
	assert_int_equal(json_integer_value(json_object_get(root, "vulnerable")), 359000);
	assert_int_equal(json_integer_value(json_object_get(root, "probes")), 1234567);
	assert_true(json_real_value(json_object_get(root, "wall_seconds")) == 0.25);

	json_t *final = json_object_get(root, "final");
	assert_true(json_is_object(final));
	assert_string_equal(json_string_value(json_object_get(final, "time")),
			    "2001-07-19T10:05:00Z");
	assert_int_equal(json_integer_value(json_object_get(final, "cumulative_infected")), 135);
	assert_int_equal(json_integer_value(json_object_get(final, "infected")), 125);
	assert_int_equal(json_integer_value(json_object_get(final, "active")), 100);
	assert_int_equal(json_integer_value(json_object_get(final, "patched")), 3);
	assert_int_equal(json_integer_value(json_object_get(final, "telescope_sources")), 12);

	json_t *peaks = json_object_get(root, "peaks");
	json_t *pn = json_object_get(peaks, "new_infections_per_interval");
	assert_int_equal(json_integer_value(json_object_get(pn, "value")), 50);
	assert_string_equal(json_string_value(json_object_get(pn, "time")), "2001-07-19T10:03:00Z");
	json_t *pa = json_object_get(peaks, "active");
	assert_int_equal(json_integer_value(json_object_get(pa, "value")), 110);
	assert_string_equal(json_string_value(json_object_get(pa, "time")), "2001-07-19T10:04:00Z");
	json_t *pp = json_object_get(peaks, "probes_per_interval");
	assert_int_equal(json_integer_value(json_object_get(pp, "value")), 1000);
	assert_string_equal(json_string_value(json_object_get(pp, "time")), "2001-07-19T10:03:00Z");

	json_t *totals = json_object_get(root, "totals");
	assert_int_equal(json_integer_value(json_object_get(totals, "probes")), 3400);
	assert_int_equal(json_integer_value(json_object_get(totals, "telescope_probes")), 15);
	assert_int_equal(json_integer_value(json_object_get(totals, "target_bytes")), 42);
	assert_int_equal(json_integer_value(json_object_get(totals, "reinfections")), 3);

	json_t *hist = json_object_get(root, "history");
	assert_true(json_is_array(hist));
	assert_int_equal(json_array_size(hist), 3);
	json_t *h0 = json_array_get(hist, 0), *h1 = json_array_get(hist, 1);
	json_t *h2 = json_array_get(hist, 2);
	assert_string_equal(json_string_value(json_object_get(h0, "time")), "2001-07-19T10:00:30Z");
	assert_true(json_number_value(json_object_get(h0, "measured")) == 2);
	assert_true(json_is_null(json_object_get(h0, "simulated_cumulative_infected")));
	assert_true(json_number_value(json_object_get(h1, "measured")) == 80);
	assert_int_equal(json_integer_value(json_object_get(h1, "simulated_cumulative_infected")),
			 75);
	assert_int_equal(json_integer_value(json_object_get(h2, "simulated_cumulative_infected")),
			 135);

	/* Provenance: how the run was made, and the scenario it ran, by text
	 * and by hash. */
	json_t *pv = json_object_get(root, "provenance");
	assert_true(json_is_object(pv));
	assert_string_equal(json_string_value(json_object_get(pv, "wormcast_version")),
			    wc_version());
	assert_string_equal(json_string_value(json_object_get(pv, "git_commit")), wc_git_commit());
	assert_string_equal(json_string_value(json_object_get(pv, "command_line")),
			    "wormcast run tiny --seed 42");
	assert_string_equal(json_string_value(json_object_get(pv, "started_at")),
			    "2001-07-19T10:00:00Z");
	char hash[17];
	char *resolved = wc_report_resolved_scenario(&sc, hash);
	assert_string_equal(json_string_value(json_object_get(pv, "scenario")), resolved);
	assert_string_equal(json_string_value(json_object_get(pv, "scenario_hash")), hash);
	char want[17];
	snprintf(want, sizeof want, "%016" PRIx64, wc_fnv1a64(resolved, strlen(resolved)));
	assert_string_equal(hash, want);
	assert_non_null(strstr(resolved, "[outbreak]\nname = tiny\n"));
	free(resolved);
	assert_int_equal(wc_report_summary_scenario_hash(path, want), 0);
	assert_string_equal(want, hash);
	json_decref(root);
	wc_timeline_free(&res.timeline);
}

static void test_summary_json_edges(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_run_options opt;
	wc_run_result res;
	wc_error err = {0};

	/* An empty run, cut short by --until, with a seed jansson cannot hold. */
	small_scenario(&sc);
	memset(&res, 0, sizeof res);
	wc_timeline_init(&res.timeline);
	res.engine = WC_ENGINE_PROBE;
	memset(&opt, 0, sizeof opt);
	opt.seed = UINT64_MAX;
	opt.threads = 1;
	opt.until = at("2001-07-19T10:02:00Z");

	assert_int_equal(
		wc_report_write_summary_json(in_dir("empty.json"), &sc, &opt, &res, NULL, &err), 0);
	json_t *root = json_load_file(in_dir("empty.json"), 0, NULL);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "seed")),
			    "18446744073709551615");
	assert_string_equal(json_string_value(json_object_get(root, "end")),
			    "2001-07-19T10:02:00Z");
	json_t *final = json_object_get(root, "final");
	assert_true(json_is_null(json_object_get(final, "time")));
	assert_int_equal(json_integer_value(json_object_get(final, "cumulative_infected")), 0);
	json_t *pn = json_object_get(json_object_get(root, "peaks"), "new_infections_per_interval");
	assert_true(json_is_null(json_object_get(pn, "time")));
	json_t *pv = json_object_get(root, "provenance");
	assert_true(json_is_null(json_object_get(pv, "command_line")));
	assert_true(json_is_null(json_object_get(pv, "started_at")));
	assert_int_equal(strlen(json_string_value(json_object_get(pv, "scenario_hash"))), 16);
	json_decref(root);
}

static void test_print_summary(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_run_result res;
	char *buf = NULL;
	size_t len = 0;

	small_scenario(&sc);
	small_result(&res);
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	wc_report_print_summary(fp, &sc, &res);
	fclose(fp);

	assert_non_null(strstr(buf, "tiny (builtin:tiny)"));
	assert_non_null(strstr(buf, "fast"));
	assert_non_null(strstr(buf, "359,000\n"));
	assert_non_null(strstr(buf, "1,234,567\n"));
	assert_non_null(strstr(buf, "0.25 s"));
	assert_non_null(strstr(buf, "135\n"));
	const char *peak = strstr(buf, "peak new infections per minute");
	assert_non_null(peak);
	assert_non_null(strstr(peak, "50  at 2001-07-19T10:03:00Z\n"));
	assert_non_null(strstr(buf, "measured vs simulated"));
	assert_non_null(strstr(buf, "80 vs 75\n"));
	assert_non_null(strstr(buf, "1,500,000 vs 135\n"));
	assert_non_null(strstr(buf, "2 vs -\n"));

	/* Labels line up: every value starts in the same column. */
	const char *v1 = strstr(buf, "fast");
	const char *l1 = strstr(buf, "  engine");
	const char *v2 = strstr(buf, "tiny");
	assert_int_equal(v1 - l1, v2 - buf);
	free(buf);
	wc_timeline_free(&res.timeline);
}

static void test_print_summary_interval(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_run_result res;
	char *buf = NULL;
	size_t len = 0;

	small_scenario(&sc);
	small_result(&res);
	for (size_t i = 0; i < res.timeline.n; i++)
		res.timeline.rows[i].time = sc.start + 90 * (wc_time)(i + 1);
	FILE *fp = open_memstream(&buf, &len);
	wc_report_print_summary(fp, &sc, &res);
	fclose(fp);
	assert_null(strstr(buf, "per minute"));
	assert_non_null(strstr(buf, "peak new infections per 90 s "));
	free(buf);

	for (size_t i = 0; i < res.timeline.n; i++)
		res.timeline.rows[i].time = sc.start + 600 * (wc_time)(i + 1);
	fp = open_memstream(&buf, &len);
	wc_report_print_summary(fp, &sc, &res);
	fclose(fp);
	assert_non_null(strstr(buf, "peak new infections per 10 min "));
	free(buf);
	wc_timeline_free(&res.timeline);
}

static void test_atomic_commit(void **state)
{
	(void)state;
	wc_atomic_file f;
	wc_error err = {0};
	const char *path = in_dir("atomic.txt");

	assert_int_equal(wc_atomic_open(&f, path, &err), 0);
	assert_non_null(f.fp);
	assert_int_equal(count_temp_files(), 1);
	/* Nothing at the destination until commit. */
	assert_int_equal(access(path, F_OK), -1);
	fputs("hello\n", f.fp);
	assert_int_equal(wc_atomic_commit(&f, &err), 0);
	assert_null(f.fp);
	assert_null(f.tmp_path);
	assert_int_equal(count_temp_files(), 0);
	char *text = slurp(path, NULL);
	assert_string_equal(text, "hello\n");
	free(text);

	/* The file is readable as with fopen, not private as mkstemp leaves it. */
	struct stat st;
	mode_t mask = umask(022);
	umask(mask);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0666 & ~mask);

	/* Replacing an existing file. */
	assert_int_equal(wc_atomic_open(&f, path, &err), 0);
	fputs("again\n", f.fp);
	assert_int_equal(wc_atomic_commit(&f, &err), 0);
	text = slurp(path, NULL);
	assert_string_equal(text, "again\n");
	free(text);
	assert_int_equal(count_temp_files(), 0);
}

static void test_atomic_abort(void **state)
{
	(void)state;
	wc_atomic_file f;
	wc_error err = {0};
	const char *path = in_dir("atomic.txt");

	assert_int_equal(wc_atomic_open(&f, path, &err), 0);
	fputs("should not appear\n", f.fp);
	wc_atomic_abort(&f);
	assert_int_equal(count_temp_files(), 0);
	char *text = slurp(path, NULL);
	assert_string_equal(text, "again\n");
	free(text);
	/* Abort on an emptied struct is harmless. */
	wc_atomic_abort(&f);
	assert_int_equal(err.code, 0);
}

static void test_atomic_errors(void **state)
{
	(void)state;
	wc_atomic_file f;
	wc_error err = {0};

	assert_int_equal(wc_atomic_open(&f, in_dir("no/such/dir.txt"), &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "no/such/dir.txt"));
	assert_null(f.fp);

	/* rename() cannot put a file over a non-empty directory: commit must
	 * fail, say so, and still leave no temporary file. */
	wc_error_clear(&err);
	char *dir = in_dir("occupied");
	assert_int_equal(mkdir(dir, 0755), 0);
	char inner[600];
	snprintf(inner, sizeof inner, "%s/x", dir);
	FILE *fp = fopen(inner, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(wc_atomic_open(&f, in_dir("occupied"), &err), 0);
	fputs("data\n", f.fp);
	assert_int_equal(wc_atomic_commit(&f, &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "occupied"));
	assert_int_equal(count_temp_files(), 0);
	unlink(inner);
	rmdir(in_dir("occupied"));
}

/* A day-long logistic outbreak, the shape the plot is made for. */
static void outbreak_timeline(wc_timeline *tl, wc_scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	snprintf(sc->name, sizeof sc->name, "codered-#1");
	sc->start = at("2001-07-19T10:00:00Z");
	sc->end = at("2001-07-20T00:00:00Z");
	sc->interval = 60;
	const double n = 359000, k = 1.8 / 3600, mid = at("2001-07-19T17:00:00Z");
	static const char *const htimes[] = {"2001-07-19T12:00:00Z", "2001-07-19T14:00:00Z",
					     "2001-07-19T16:00:00Z", "2001-07-19T18:00:00Z",
					     "2001-07-19T20:00:00Z", "2001-07-19T22:00:00Z"};
	sc->nhistory = 6;
	for (int i = 0; i < 6; i++) {
		wc_time t = at(htimes[i]);
		sc->history[i] =
			(wc_history_point){t, 0.97 * n / (1 + exp(-k * (t - mid))),
					   (enum wc_history_kind)(i % 3), WC_CURVE_CUMULATIVE};
	}

	wc_timeline_init(tl);
	for (wc_time t = sc->start + 60; t <= sc->end; t += 60) {
		wc_timeline_row r;
		memset(&r, 0, sizeof r);
		r.time = t;
		r.cumulative_infected = (uint64_t)(n / (1 + exp(-k * (double)(t - mid))));
		double flood = t >= at("2001-07-19T20:00:00Z") ? 0.6 : 1.0;
		r.active = (uint64_t)(r.cumulative_infected * flood * 0.95);
		double seen = 0.9 * (1 - exp(-(double)(t - sc->start) / 5000));
		r.telescope_sources = (uint64_t)(r.cumulative_infected * seen);
		wc_timeline_push(tl, &r);
	}
}

static void check_magic(const char *path, const char *magic, size_t n)
{
	size_t len;
	char *data = slurp(path, &len);
	assert_true(len > 1000);
	assert_memory_equal(data, magic, n);
	free(data);
}

static void test_plot_formats(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_scenario sc;
	wc_error err = {0};

	outbreak_timeline(&tl, &sc);
	assert_int_equal(wc_report_plot_run(in_dir("run.png"), &sc, &tl, &err), 0);
	check_magic(in_dir("run.png"), "\x89PNG\r\n\x1a\n", 8);
	/* PLplot's state is global: a second session in the same process must work. */
	assert_int_equal(wc_report_plot_run(in_dir("run2.PNG"), &sc, &tl, &err), 0);
	check_magic(in_dir("run2.PNG"), "\x89PNG\r\n\x1a\n", 8);
	assert_int_equal(wc_report_plot_run(in_dir("run.pdf"), &sc, &tl, &err), 0);
	check_magic(in_dir("run.pdf"), "%PDF", 4);
	assert_int_equal(wc_report_plot_run(in_dir("run.svg"), &sc, &tl, &err), 0);
	char *svg = slurp(in_dir("run.svg"), NULL);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);
	assert_int_equal(err.code, 0);
	assert_int_equal(count_temp_files(), 0);

	/* To look at the figure: WC_TEST_KEEP_PLOT=/tmp/run.png build/tests/test_report */
	const char *keep = getenv("WC_TEST_KEEP_PLOT");
	if (keep != NULL)
		assert_int_equal(rename(in_dir("run.png"), keep), 0);
	wc_timeline_free(&tl);
}

/* Each historical point is drawn against the curve it
 * measures, in that curve's colour (plotkit.h: 2 cumulative, 3 active, 4
 * telescope), with a marker for its kind: a lower bound is an arrow up, an
 * estimate a hollow disc, a count a disc. */
static void test_history_style(void **state)
{
	(void)state;
	static const struct {
		enum wc_history_curve curve;
		enum wc_history_kind kind;
		int colour;
		const char *name;
		bool arrow, hollow;
		const char *legend;
	} cases[] = {
		{WC_CURVE_CUMULATIVE, WC_HISTORY_LOWER_BOUND, 2, "cumulative infected", true, false,
		 "lower bound"},
		{WC_CURVE_CUMULATIVE, WC_HISTORY_COUNT, 2, "cumulative infected", false, false,
		 "count"},
		{WC_CURVE_ACTIVE, WC_HISTORY_ESTIMATE, 3, "active", false, true, "estimate"},
		{WC_CURVE_TELESCOPE, WC_HISTORY_COUNT, 4, "telescope sources", false, false,
		 "count"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wc_history_point h = {0, 1000, cases[i].kind, cases[i].curve};
		wc_history_style st;
		wc_history_style_of(&h, &st);
		assert_int_equal(st.colour, cases[i].colour);
		assert_string_equal(st.curve, cases[i].name);
		assert_int_equal(st.arrow_up, cases[i].arrow);
		assert_int_equal(st.hollow, cases[i].hollow);
		assert_non_null(strstr(st.legend, cases[i].legend));
	}
}

/* The figures the scenarios quote say what they are: Code Red v2's 250,000
 * at 19:00 and CAIDA's 359,000 are lower bounds on cumulative infected
 * ("more than"), and '~' marks an estimate. */
static void test_history_kinds_read(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
	assert_int_equal(sc.nhistory, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sc.history[i].kind, WC_HISTORY_LOWER_BOUND);
		assert_int_equal(sc.history[i].curve, WC_CURVE_CUMULATIVE);
	}
	assert_true(sc.history[0].value == 250000);
	assert_int_equal(wc_scenario_set(&sc,
					 "history.cumulative_infected=2001-07-19T12:00:00Z ~ 5000, "
					 "2001-07-19T13:00:00Z 7000, 2001-07-19T14:00:00Z >9000",
					 &err),
			 0);
	assert_int_equal(sc.nhistory, 3);
	assert_int_equal(sc.history[0].kind, WC_HISTORY_ESTIMATE);
	assert_true(sc.history[0].value == 5000);
	assert_int_equal(sc.history[1].kind, WC_HISTORY_COUNT);
	assert_int_equal(sc.history[2].kind, WC_HISTORY_LOWER_BOUND);
	assert_true(sc.history[2].value == 9000);
	assert_int_equal(
		wc_scenario_set(&sc, "history.cumulative_infected=2001-07-19T12:00:00Z >", &err),
		-1);
	/* The same marks in a history file. */
	assert_int_equal(
		wc_scenario_history_text(&sc,
					 "time,count\n2001-07-19T12:00:00Z,>500\n"
					 "2001-07-19T13:00:00Z ~600\n2001-07-19T14:00:00Z,700\n",
					 "pts.csv", &err),
		0);
	assert_int_equal(sc.nhistory, 3);
	assert_int_equal(sc.history[0].kind, WC_HISTORY_LOWER_BOUND);
	assert_true(sc.history[0].value == 500);
	assert_int_equal(sc.history[1].kind, WC_HISTORY_ESTIMATE);
	assert_int_equal(sc.history[2].kind, WC_HISTORY_COUNT);
}

static void test_plot_empty(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_scenario sc;
	wc_error err = {0};

	small_scenario(&sc);
	sc.nhistory = 0;
	wc_timeline_init(&tl);
	assert_int_equal(wc_report_plot_run(in_dir("empty.png"), &sc, &tl, &err), 0);
	check_magic(in_dir("empty.png"), "\x89PNG\r\n\x1a\n", 8);
}

static void test_plot_errors(void **state)
{
	(void)state;
	wc_timeline tl;
	wc_scenario sc;
	wc_error err = {0};

	small_scenario(&sc);
	small_timeline(&tl);
	assert_int_equal(wc_report_plot_run(in_dir("run.gif"), &sc, &tl, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "unsupported plot format '.gif'"));
	assert_non_null(strstr(err.msg, "(use .png, .svg or .pdf)"));
	assert_int_equal(access(in_dir("run.gif"), F_OK), -1);

	wc_error_clear(&err);
	assert_int_equal(wc_report_plot_run(in_dir("noextension"), &sc, &tl, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);

	/* A dot in a directory name is not an extension. */
	wc_error_clear(&err);
	assert_int_equal(wc_report_plot_run("/tmp/x.png/plot", &sc, &tl, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);

	/* An unwritable destination is an error, not PLplot exiting the process. */
	wc_error_clear(&err);
	assert_int_equal(wc_report_plot_run(in_dir("missing/run.png"), &sc, &tl, &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "missing/run.png"));
	assert_int_equal(count_temp_files(), 0);
	wc_timeline_free(&tl);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(test_dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(test_dir);
	struct dirent *e;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(in_dir(e->d_name));
	closedir(d);
	return rmdir(test_dir);
}

/* sources.csv quotes a source by RFC 4180 (core/csv.h), as sweep.csv always
 * did: a CR in a log's host field is quoted now. Before, only a comma or a
 * quote was, and "a\rb" went out bare, splitting its row for a CSV reader. */
static void test_detect_sources_quote_by_rfc4180(void **state)
{
	(void)state;
	const char log[] = "a\rb [18/Sep/2001:15:00:00 +0200] \"GET /scripts/root.exe?/c+dir "
			   "HTTP/1.0\"\n"
			   "x,\"y\" [18/Sep/2001:15:00:01 +0200] \"GET /default.ida?NNNN "
			   "HTTP/1.0\"\n";
	wc_detect *d = wc_detect_new(NULL);
	wc_error err = {0};
	assert_int_equal(wc_detect_set_log_format(d, "%h %t \"%r\"", &err), 0);
	assert_int_equal(wc_detect_log_buffer(d, "f", WC_FORMAT_AUTO, log, strlen(log), &err), 0);
	assert_int_equal(wc_detect_finish(d, &err), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_int_equal(wc_report_detect_sources_csv(m, d), 0);
	fclose(m);
	assert_string_equal(buf,
			    "source,first_seen,last_seen,requests,kind\n"
			    "\"x,\"\"y\"\"\",2001-09-18T13:00:01Z,2001-09-18T13:00:01Z,1,"
			    "ida-probe\n"
			    "\"a\rb\",2001-09-18T13:00:00Z,2001-09-18T13:00:00Z,1,exe-probe\n");
	free(buf);
	wc_detect_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_sources_quote_by_rfc4180),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_figures_empty),
		cmocka_unit_test(test_row_at),
		cmocka_unit_test(test_thousands),
		cmocka_unit_test(test_csv_file),
		cmocka_unit_test(test_csv_stream_empty),
		cmocka_unit_test(test_csv_unwritable),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_summary_json_edges),
		cmocka_unit_test(test_print_summary),
		cmocka_unit_test(test_print_summary_interval),
		cmocka_unit_test(test_atomic_commit),
		cmocka_unit_test(test_atomic_abort),
		cmocka_unit_test(test_atomic_errors),
		cmocka_unit_test(test_plot_formats),
		cmocka_unit_test(test_plot_empty),
		cmocka_unit_test(test_history_style),
		cmocka_unit_test(test_history_kinds_read),
		cmocka_unit_test(test_plot_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
