/*
 * test_api.c — the public library interface (include/wormcast/wormcast.h):
 * the same numbers as the internal modules it wraps, errors as codes and
 * messages that name the file, line and field.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "sim/sim.h"
#include "wormcast/wormcast.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

static const char *const reduced[] = {
	"worm.scan_space=12.0.0.0/8",	 "population.vulnerable=1406",
	"telescope.blocks=12.44.0.0/16", "outbreak.start=2001-07-19T12:00:00Z",
	"outbreak.seed_hosts=1",	 "output.interval=600",
};
#define NREDUCED (sizeof reduced / sizeof reduced[0])

/* wormcast_run gives wc_simulate's timeline, every row and column, for any
 * thread count. */
static void run_is_the_simulator(void **state)
{
	(void)state;
	wc_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	test_reduced_codered(sc);
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.seed = 7;
	wc_run_result res;
	wc_error e = {0};
	assert_int_equal(wc_simulate(sc, &opt, &res, &e), 0);
	for (int threads = 1; threads <= 2; threads++) {
		wormcast_timeline *tl;
		wormcast_error err;
		assert_int_equal(
			wormcast_run("codered-v2", reduced, NREDUCED, 7, threads, &tl, &err),
			WORMCAST_OK);
		assert_int_equal(err.code, 0);
		assert_string_equal(err.message, "");
		assert_int_equal(wormcast_timeline_rows(tl), res.timeline.n);
		assert_int_equal(wormcast_timeline_columns(tl), wc_timeline_ncolumns);
		assert_string_equal(wormcast_timeline_column_name(tl, 0), "susceptible");
		assert_null(wormcast_timeline_column_name(tl, wc_timeline_ncolumns));
		long ci = wormcast_timeline_find(tl, "cumulative_infected");
		assert_int_equal(ci, 6);
		assert_int_equal(wormcast_timeline_find(tl, "nope"), -1);
		for (size_t i = 0; i < res.timeline.n; i++) {
			const wc_timeline_row *r = &res.timeline.rows[i];
			assert_int_equal(wormcast_timeline_time(tl, i), r->time);
			assert_true(wormcast_timeline_value(tl, i, (size_t)ci) ==
				    (double)r->cumulative_infected);
			assert_true(wormcast_timeline_value(tl, i, 7) == (double)r->probes);
		}
		assert_true(isnan(wormcast_timeline_value(tl, res.timeline.n, 0)));
		assert_true(wormcast_timeline_value(tl, res.timeline.n - 1, (size_t)ci) > 1000);
		wormcast_timeline_free(tl);
	}
	wc_run_result_free(&res);
	free(sc);
}

static void run_errors_name_the_fault(void **state)
{
	(void)state;
	wormcast_timeline *tl = (wormcast_timeline *)1;
	wormcast_error err;
	assert_int_equal(wormcast_run("no-such-scenario", NULL, 0, 1, 1, &tl, &err),
			 WORMCAST_ERR_USAGE);
	assert_null(tl);
	assert_int_equal(err.code, WORMCAST_ERR_USAGE);
	assert_non_null(strstr(err.message, "no-such-scenario"));
	const char *bad[] = {"population.vulnerable=lots"};
	assert_int_equal(wormcast_run("codered-v2", bad, 1, 1, 1, &tl, &err), WORMCAST_ERR_USAGE);
	assert_null(tl);
	assert_non_null(strstr(err.message, "vulnerable"));
	/* err may be NULL: the code alone. */
	assert_int_equal(wormcast_run("codered-v2", bad, 1, 1, 1, &tl, NULL), WORMCAST_ERR_USAGE);
	wormcast_timeline_free(NULL);
}

static void reads_a_timeline(void **state)
{
	(void)state;
	char path[64];
	test_write_temp(path, sizeof path,
			"# a comment\n"
			"time,cumulative_infected,probes\n"
			"2001-07-19T12:00:00Z,1,0\n"
			"995544600,3,\n"
			"\n"
			"\"2001-07-19T12:20:00Z\",7,12.5\n");
	wormcast_timeline *tl;
	wormcast_error err;
	assert_int_equal(wormcast_timeline_read(path, &tl, &err), WORMCAST_OK);
	assert_int_equal(wormcast_timeline_rows(tl), 3);
	assert_int_equal(wormcast_timeline_columns(tl), 2);
	assert_string_equal(wormcast_timeline_column_name(tl, 1), "probes");
	assert_int_equal(wormcast_timeline_time(tl, 0), 995544000);
	assert_int_equal(wormcast_timeline_time(tl, 1), 995544600);
	assert_int_equal(wormcast_timeline_time(tl, 2), 995545200);
	assert_true(wormcast_timeline_value(tl, 2, 0) == 7);
	assert_true(wormcast_timeline_value(tl, 2, 1) == 12.5);
	assert_true(isnan(wormcast_timeline_value(tl, 1, 1)));
	wormcast_timeline_free(tl);
	unlink(path);
}

/* Reads text as a timeline and expects the error message want. */
static void bad_timeline(const char *text, const char *want)
{
	char path[64];
	test_write_temp(path, sizeof path, text);
	wormcast_timeline *tl = (wormcast_timeline *)1;
	wormcast_error err;
	assert_int_equal(wormcast_timeline_read(path, &tl, &err), WORMCAST_ERR_USAGE);
	assert_null(tl);
	char full[1100];
	snprintf(full, sizeof full, "%s%s", path, want);
	assert_string_equal(err.message, full);
	unlink(path);
}

static void bad_timelines_are_refused(void **state)
{
	(void)state;
	bad_timeline("", ": no header line: expected a CSV table");
	bad_timeline("time\n",
		     ":1: header: expected a time column and 1 to 511 value columns, got 1 "
		     "fields");
	bad_timeline("time,a,b\n2001-07-19,1,2\n2001-07-20,1\n",
		     ":3: expected 3 fields as the header has, got 2");
	bad_timeline("time,a\n2001-07-19,1\n19/Jul/2001,2\n",
		     ":3: column 'time': expected an ISO 8601 UTC time or Unix seconds, got "
		     "'19/Jul/2001'");
	bad_timeline("time,a,b\n2001-07-19,1,x2\n",
		     ":2: column 'b': expected a number, got 'x2' (not a number)");
	bad_timeline("time,a\n2001-07-19,\"1\n", ":2: field 2: unclosed or stray quote");
	wormcast_timeline *tl;
	wormcast_error err;
	assert_int_equal(wormcast_timeline_read("/nonexistent/t.csv", &tl, &err),
			 WORMCAST_ERR_USAGE);
	assert_string_equal(err.message,
			    "cannot open '/nonexistent/t.csv': No such file or directory");
}

#define CODERED_Q                                                                                  \
	"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN" \
	"NN"                                                                                       \
	"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN" \
	"NN"                                                                                       \
	"NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%"  \
	"u7801"                                                                                    \
	"%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%"    \
	"u00=a"

static void classifies_lines(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		wormcast_kind kind;
		const char *source;
	} cases[] = {
		{"192.0.2.10 - - [19/Jul/2001:10:05:00 -0700] \"GET /default.ida?" CODERED_Q
		 " HTTP/1.0\" 400 -\n",
		 WORMCAST_CODERED, "192.0.2.10"},
		{"203.0.113.5 - - [18/Sep/2001:13:00:00 +0000] \"GET "
		 "/scripts/..%255c../winnt/system32/cmd.exe?/c+dir HTTP/1.0\" 404 288",
		 WORMCAST_NIMDA, "203.0.113.5"},
		{"192.0.2.99 - - [18/Sep/2001:14:10:00 +0000] \"GET /x.ida?xxxx HTTP/1.0\" 404 268",
		 WORMCAST_OTHER, "192.0.2.99"},
		{"192.0.2.20 - - [18/Sep/2001:14:40:00 +0000] \"GET /index.html HTTP/1.1\" 200 "
		 "5120",
		 WORMCAST_OTHER, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wormcast_kind k;
		wormcast_error err;
		char src[64];
		assert_int_equal(wormcast_classify_line(cases[i].line, &k, src, sizeof src, &err),
				 WORMCAST_OK);
		assert_int_equal(k, cases[i].kind);
		assert_string_equal(src, cases[i].source);
	}
	wormcast_kind k;
	wormcast_error err;
	assert_int_equal(wormcast_classify_line("not a log line", &k, NULL, 0, &err),
			 WORMCAST_ERR_USAGE);
	assert_string_equal(err.message,
			    "line:1: expected a time like [19/Jul/2001:12:34:56 -0700]");
	assert_int_equal(
		wormcast_classify_line("192.0.2.21 - - [18/Sep/2001:14:41:00 +0000] \"-\" 408 -",
				       &k, NULL, 0, &err),
		WORMCAST_ERR_USAGE);
	assert_string_equal(err.message, "line: not a request of a log wormcast reads");
	assert_int_equal(wormcast_classify_line("a\nb\n", &k, NULL, 0, &err), WORMCAST_ERR_USAGE);
	assert_string_equal(err.message, "line: expected one log line");

	assert_int_equal(wormcast_classify_target("/default.ida?" CODERED_Q), WORMCAST_CODERED);
	assert_int_equal(wormcast_classify_target("/scripts/root.exe?/c+dir"), WORMCAST_NIMDA);
	assert_int_equal(wormcast_classify_target("/index.html"), WORMCAST_OTHER);
	assert_string_equal(wormcast_kind_name(WORMCAST_CODERED2), "codered2");
	assert_string_equal(wormcast_kind_name((wormcast_kind)9), "?");
}

/* A logistic C(t) = K / (1 + e^{-k (t - t0)}) sampled exactly is fitted back
 * to its parameters (rcs: n = K, k, t_mid). */
static void fits_a_logistic(void **state)
{
	(void)state;
	double t[40], y[40];
	for (int i = 0; i < 40; i++) {
		t[i] = 0.5 * i;
		y[i] = 10000.0 / (1 + exp(-0.8 * (t[i] - 10)));
	}
	wormcast_fit *f;
	wormcast_error err;
	assert_int_equal(wormcast_fit_series(t, y, 40, 1, "rcs", &f, &err), WORMCAST_OK);
	assert_string_equal(wormcast_fit_model(f), "rcs");
	assert_int_equal(wormcast_fit_points(f), 40);
	assert_int_equal(wormcast_fit_params(f), 3);
	assert_string_equal(wormcast_fit_param_name(f, 0), "n");
	assert_string_equal(wormcast_fit_param_unit(f, 1), "1/h");
	double lo, hi;
	assert_true(fabs(wormcast_fit_param(f, 0, &lo, &hi) - 10000) < 1);
	assert_true(lo <= hi);
	assert_true(fabs(wormcast_fit_param(f, 1, NULL, NULL) - 0.8) < 1e-3);
	assert_true(isnan(wormcast_fit_param(f, 3, &lo, &hi)) && isnan(lo) && isnan(hi));
	assert_null(wormcast_fit_param_name(f, 3));
	assert_true(wormcast_fit_r2(f) > 0.9999);
	wormcast_fit_free(f);

	/* No model named: every model, the best by AICc, as `wormcast fit` does. */
	assert_int_equal(wormcast_fit_series(t, y, 40, 1, NULL, &f, &err), WORMCAST_OK);
	assert_true(isfinite(wormcast_fit_aicc(f)));
	wormcast_fit_free(f);

	assert_int_equal(wormcast_fit_series(t, y, 40, 1, "gompertz", &f, &err),
			 WORMCAST_ERR_USAGE);
	assert_null(f);
	assert_string_equal(err.message,
			    "model: expected rcs, two-factor, sir or aawp, got 'gompertz'");
	/* A published data set, sniffed as `wormcast fit` sniffs it. */
	assert_int_equal(
		wormcast_fit_file(FIXTURES "/dshield-porthistory.csv", NULL, "rcs", &f, &err),
		WORMCAST_OK);
	assert_int_equal(wormcast_fit_points(f), 12);
	wormcast_fit_free(f);
	assert_int_equal(wormcast_fit_file("/nonexistent/s.csv", NULL, NULL, &f, &err),
			 WORMCAST_ERR_USAGE);
	assert_null(f);
	assert_non_null(strstr(err.message, "/nonexistent/s.csv"));
}

static void version_is_the_programs(void **state)
{
	(void)state;
	const char *v = wormcast_version();
	assert_true(v[0] >= '0' && v[0] <= '9');
	assert_non_null(strchr(v, '.'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_is_the_simulator),
		cmocka_unit_test(run_errors_name_the_fault),
		cmocka_unit_test(reads_a_timeline),
		cmocka_unit_test(bad_timelines_are_refused),
		cmocka_unit_test(classifies_lines),
		cmocka_unit_test(fits_a_logistic),
		cmocka_unit_test(version_is_the_programs),
	};
	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
