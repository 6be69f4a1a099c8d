/*
 * test_sweep.c — what-if sweeps: vary-spec parsing, the combinations and their
 * order, validation before any run, the 95% interval on a sample worked by
 * hand, the CSV layout, a real reduced-scale sweep with an effect far larger
 * than its noise, and the same bytes for any thread count.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"
#include "report/sweep_report.h"
#include "sim/sweep.h"

/* Under AddressSanitizer: fontconfig (through cairo) and libltdl (PLplot's
 * driver loader) keep caches until exit by design; they are not our leaks. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libltdl.so\n";
}

/* The 1/256-scale Code Red of testutil.h, left unfinished as a sweep's base
 * must be; 10 seed hosts so that no run dies out early and the noise stays
 * small beside the patching effect. */
static void reduced_base(wc_scenario *sc)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	assert_int_equal(wc_scenario_load_builtin(sc, "codered-v2", &err), 0);
	static const char *const sets[] = {
		"worm.scan_space=12.0.0.0/8",	 "population.vulnerable=1406",
		"telescope.blocks=12.44.0.0/16", "outbreak.seed_hosts=10",
		"output.interval=600",
	};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		assert_int_equal(wc_scenario_set(sc, sets[i], &err), 0);
}

static char *slurp(const char *path);
static int count_lines(const char *s);

static void parse_ok(const char *spec, wc_sweep_key *k)
{
	wc_error err = {0};
	if (wc_sweep_parse_vary(spec, k, &err) != 0)
		fail_msg("'%s' should parse: %s", spec, err.msg);
}

/* Parses spec expecting an error whose message contains `want`. */
static void parse_bad(const char *spec, const char *want)
{
	wc_sweep_key k;
	wc_error err = {0};
	if (wc_sweep_parse_vary(spec, &k, &err) == 0)
		fail_msg("'%s' should not parse", spec);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, want);
	assert_null(k.values);
	assert_null(k.key);
}

static void test_parse_lists(void **state)
{
	(void)state;
	wc_sweep_key k;
	parse_ok(" class.home.patch_rate = 0, 0.1 ,2 ", &k);
	assert_string_equal(k.key, "class.home.patch_rate");
	assert_int_equal(k.nvalues, 3);
	assert_string_equal(k.values[0], "0");
	assert_string_equal(k.values[1], "0.1");
	assert_string_equal(k.values[2], "2");
	assert_true(k.numeric);
	assert_true(k.numbers[1] == 0.1);
	wc_sweep_key_free(&k);

	/* Times hold ':' yet are values, not ranges. */
	parse_ok("outbreak.start=2001-07-19T10:00:00Z,2001-07-19T12:00:00Z", &k);
	assert_int_equal(k.nvalues, 2);
	assert_string_equal(k.values[1], "2001-07-19T12:00:00Z");
	assert_false(k.numeric);
	assert_null(k.numbers);
	wc_sweep_key_free(&k);
	parse_ok("outbreak.start=2001-07-19T10:00:00Z", &k);
	assert_int_equal(k.nvalues, 1);
	wc_sweep_key_free(&k);

	/* "\," keeps a comma inside one value: two telescopes, then one. */
	parse_ok("telescope.blocks=44.0.0.0/8\\,12.44.0.0/16,44.0.0.0/8", &k);
	assert_int_equal(k.nvalues, 2);
	assert_string_equal(k.values[0], "44.0.0.0/8,12.44.0.0/16");
	assert_string_equal(k.values[1], "44.0.0.0/8");
	wc_sweep_key_free(&k);
}

static void test_parse_ranges(void **state)
{
	(void)state;
	wc_sweep_key k;
	parse_ok("class.home.patch_rate=0:1:5", &k);
	assert_int_equal(k.nvalues, 5);
	const char *want[] = {"0", "0.25", "0.5", "0.75", "1"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(k.values[i], want[i]);
	wc_sweep_key_free(&k);

	/* Decimal steps print as written, not as their binary rounding. */
	parse_ok("worm.rtt=0:0.3:4", &k);
	assert_string_equal(k.values[1], "0.1");
	assert_string_equal(k.values[3], "0.3");
	wc_sweep_key_free(&k);

	parse_ok("population.vulnerable=2000:1000:3", &k); /* counting down */
	assert_string_equal(k.values[0], "2000");
	assert_string_equal(k.values[1], "1500");
	assert_string_equal(k.values[2], "1000");
	wc_sweep_key_free(&k);

	parse_ok("outbreak.seed_hosts=5:5:1", &k);
	assert_int_equal(k.nvalues, 1);
	assert_string_equal(k.values[0], "5");
	wc_sweep_key_free(&k);

	/* Integer keys take whole numbers only; no silent rounding. */
	parse_bad("outbreak.seed_hosts=1:10:3", "takes whole numbers");
	parse_bad("outbreak.seed_hosts=1:10:3", "5.5");
	parse_bad("class.home.patch_rate=0:1:0", "N from 1");
	parse_bad("class.home.patch_rate=0:1:1", "A must equal B");
	parse_bad("class.home.patch_rate=0:1:2.5", "whole number");
}

static void test_parse_bad(void **state)
{
	(void)state;
	parse_bad("class.home.patch_rate", "expected section.key=");
	parse_bad("patch_rate=1,2", "expected section.key=");
	parse_bad("population.vulnerable=", "no values");
	parse_bad("population.vulnerable= ", "no values");
	parse_bad("population.vulnerable=100,200,100", "'100' is listed twice");

	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	assert_int_equal(wc_sweep_add_vary(&sw, "population.vulnerable=1000,1406", &err), 0);
	assert_int_equal(wc_sweep_add_vary(&sw, "population.vulnerable=500", &err), -1);
	assert_non_null(strstr(err.msg, "varied twice"));
	wc_sweep_free(&sw);
}

static void test_combinations(void **state)
{
	(void)state;
	wc_scenario base, sc;
	wc_sweep sw;
	wc_error err = {0};
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	assert_int_equal(wc_sweep_combinations(&sw), 1); /* no key: one combination */
	assert_int_equal(wc_sweep_add_vary(&sw, "population.vulnerable=1000:1400:3", &err), 0);
	assert_int_equal(wc_sweep_add_vary(&sw, "outbreak.seed_hosts=1,7", &err), 0);
	assert_int_equal(wc_sweep_combinations(&sw), 6);

	/* First key slowest, last fastest, as nested loops. */
	static const int64_t vuln[] = {1000, 1000, 1200, 1200, 1400, 1400};
	static const int seeds[] = {1, 7, 1, 7, 1, 7};
	for (uint64_t c = 0; c < 6; c++) {
		assert_int_equal(wc_sweep_value_index(&sw, c, 0), c / 2);
		assert_int_equal(wc_sweep_value_index(&sw, c, 1), c % 2);
		assert_int_equal(wc_sweep_scenario(&sw, c, &sc, &err), 0);
		assert_int_equal(sc.vulnerable, vuln[c]);
		assert_int_equal(sc.seed_hosts, seeds[c]);
		assert_int_equal(sc.scan_space.len, 8); /* the base's overrides stay */
	}
	/* The base itself is untouched. */
	assert_int_equal(sw.base.vulnerable, 1406);
	wc_sweep_free(&sw);
}

static void validate_bad(const char *spec, uint64_t runs, const char *want)
{
	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	wc_run_options opt;
	wc_run_options_init(&opt);
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	sw.runs = runs;
	assert_int_equal(wc_sweep_add_vary(&sw, spec, &err), 0);
	assert_int_equal(wc_sweep_validate(&sw, &opt, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	if (strstr(err.msg, want) == NULL)
		fail_msg("'%s': message '%s' lacks '%s'", spec, err.msg, want);
	wc_sweep_free(&sw);
}

static void test_validate(void **state)
{
	(void)state;
	validate_bad("class.home.patch_rate=0.1,-1", 1,
		     "--vary class.home.patch_rate: value '-1': key 'class.home.patch_rate': "
		     "expected a number");
	validate_bad("worm.no_such_key=1,2", 1, "--vary worm.no_such_key: unknown key");
	validate_bad("class.all.patch_rate=0,1", 1,
		     "--vary class.all.patch_rate: the scenario has no class 'all' (its classes: "
		     "home, managed)");
	validate_bad("telescope.blocks=44.0.0.0/8,banana", 1, "value 'banana'");
	/* Each value is fine alone; the combination is not. */
	validate_bad("outbreak.seed_hosts=10,2000", 1,
		     "--vary combination outbreak.seed_hosts=2000");
	validate_bad("class.home.patch_rate=0:1:1001", 1000, "more than 1000000 runs");

	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	wc_run_options opt;
	wc_run_options_init(&opt);
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	assert_int_equal(wc_sweep_add_vary(&sw,
					   "outbreak.start=2001-07-19T10:00:00Z,"
					   "2001-07-19T13:00:00Z",
					   &err),
			 0);
	assert_int_equal(wc_time_parse("2001-07-19T12:00:00Z", &opt.until), 0);
	assert_int_equal(wc_sweep_validate(&sw, &opt, &err), -1);
	assert_non_null(strstr(err.msg, "--until"));
	assert_non_null(strstr(err.msg, "outbreak.start=2001-07-19T13:00:00Z"));
	wc_sweep_free(&sw);
}

/* The plot's bars are the spread of the runs, their 5% and
 * 95% quantiles (type 7: order statistics interpolated at (n−1)·p), not the
 * mean's interval, which narrows as runs are added. */
static void test_spread(void **state)
{
	(void)state;
	/* 20 runs 1..20 (shuffled, NaN between): (n−1)·p = 0.95 and 18.05, so
	 * p5 = 1 + 0.95 = 1.95 and p95 = 19 + 0.05 = 19.05. */
	double x[40];
	for (int i = 0; i < 20; i++) {
		x[2 * i] = (double)((i * 7) % 20 + 1);
		x[2 * i + 1] = NAN;
	}
	wc_spread90 sp;
	wc_spread90_of(x, 20, 2, &sp);
	assert_int_equal(sp.n, 20);
	assert_true(fabs(sp.p5 - 1.95) < 1e-12);
	assert_true(fabs(sp.p95 - 19.05) < 1e-12);
	/* The spread holds most runs; the mean's 95% interval does not. */
	wc_mean_ci ci;
	wc_mean_ci95(x, 20, 2, &ci);
	assert_true(ci.hi - ci.lo < 0.5 * (sp.p95 - sp.p5));

	wc_spread90_of(x + 1, 20, 2, &sp); /* all NaN */
	assert_int_equal(sp.n, 0);
	assert_true(isnan(sp.p5) && isnan(sp.p95));
	double one[] = {7};
	wc_spread90_of(one, 1, 1, &sp);
	assert_true(sp.n == 1 && sp.p5 == 7 && sp.p95 == 7);
}

static void test_interval(void **state)
{
	(void)state;
	/* 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.7764451052; the values sit
	 * at stride 2 with NaN between, which must be skipped and not counted. */
	double x[] = {1, NAN, 2, NAN, 3, NAN, 4, NAN, 5, NAN};
	wc_mean_ci ci;
	wc_mean_ci95(x, 5, 2, &ci);
	double half = 2.7764451052 * sqrt(2.5) / sqrt(5.0);
	assert_int_equal(ci.n, 5);
	assert_true(fabs(ci.mean - 3) < 1e-12);
	assert_true(fabs(ci.lo - (3 - half)) < 1e-8);
	assert_true(fabs(ci.hi - (3 + half)) < 1e-8);

	wc_mean_ci95(x + 1, 5, 2, &ci); /* all NaN */
	assert_int_equal(ci.n, 0);
	assert_true(isnan(ci.mean) && isnan(ci.lo) && isnan(ci.hi));

	double one[] = {7};
	wc_mean_ci95(one, 1, 1, &ci); /* one run: a mean, no interval */
	assert_int_equal(ci.n, 1);
	assert_true(ci.mean == 7 && isnan(ci.lo) && isnan(ci.hi));

	double same[] = {4, 4, 4};
	wc_mean_ci95(same, 3, 1, &ci);
	assert_true(ci.lo == 4 && ci.hi == 4);

	char buf[64];
	assert_string_equal(wc_sweep_format_number(1406, buf, sizeof buf), "1406");
	assert_string_equal(wc_sweep_format_number(2.5, buf, sizeof buf), "2.5");
	assert_string_equal(wc_sweep_format_number(-0.0, buf, sizeof buf), "0");
	assert_string_equal(wc_sweep_format_number(NAN, buf, sizeof buf), "");
	assert_string_equal(wc_sweep_format_number(1.0 / 3, buf, sizeof buf), "0.3333333333");
	assert_string_equal(wc_sweep_format_number(123456789012.0, buf, sizeof buf),
			    "123456789012");
}

/* sweep.csv from outcomes set by hand: quoting of a value with a comma, the
 * interval's numbers, an outcome reached in one run of two (a mean, no
 * interval) and in none (all empty). */
static void test_csv_by_hand(void **state)
{
	(void)state;
	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	sw.runs = 2;
	assert_int_equal(
		wc_sweep_add_vary(&sw, "telescope.blocks=12.44.0.0/16\\,12.45.0.0/16,12.44.0.0/16",
				  &err),
		0);
	double out[2 * 2 * WC_NOUTCOMES];
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++)
		out[i] = (double)(i % WC_NOUTCOMES); /* run-independent: sd 0 */
	/* Combination 0: cumulative_infected 10 and 20 → mean 15, s = 7.0711,
	 * t(0.975, 1) = 12.7062047, half-width 63.531. 50% reached once, 90%
	 * never. */
	out[WC_OUT_CUMULATIVE_INFECTED] = 10;
	out[WC_NOUTCOMES + WC_OUT_CUMULATIVE_INFECTED] = 20;
	out[WC_OUT_HOURS_TO_50] = 3.5;
	out[WC_NOUTCOMES + WC_OUT_HOURS_TO_50] = NAN;
	out[WC_OUT_HOURS_TO_90] = out[WC_NOUTCOMES + WC_OUT_HOURS_TO_90] = NAN;

	char dir[] = "/tmp/wc_test_sweep.XXXXXX", path[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	assert_int_equal(wc_report_write_sweep_csv(path, &sw, out, &err), 0);
	char *csv = slurp(path);
	assert_int_equal(count_lines(csv), 3);
	const char *row1 = strchr(csv, '\n') + 1;
	/* The spread of 10 and 20: p5 = 10 + 0.05 × 10, p95 = 10 + 0.95 × 10. */
	const char *want =
		"\"12.44.0.0/16,12.45.0.0/16\",15,-48.53102368,78.53102368,10.5,19.5,1,1,1,1,1,";
	assert_true(strncmp(row1, want, strlen(want)) == 0);
	assert_non_null(strstr(
		row1, ",3.5,,,3.5,3.5,1,,,,,,0,7,7,7,7,7,8,8,8,8,8,9,9,9,9,9,10,10,10,10,10,11,11,"
		      "11,11,11,2\n12.44.0.0/16,0,0,0,0,0,"));
	free(csv);
	unlink(path);
	rmdir(dir);
	wc_sweep_free(&sw);
}

/* Runs sw on `threads` threads and returns its outcome array. */
static double *run_sweep(const wc_sweep *sw, int threads)
{
	wc_run_options opt;
	wc_error err = {0};
	wc_run_options_init(&opt);
	assert_int_equal(wc_sweep_validate(sw, &opt, &err), 0);
	size_t n = (size_t)(wc_sweep_combinations(sw) * sw->runs) * WC_NOUTCOMES;
	double *out = malloc(n * sizeof *out);
	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		out[i] = NAN;
	if (wc_sweep_run(sw, &opt, threads, wc_outcomes_measure, NULL, WC_NOUTCOMES, out, NULL,
			 NULL, &err) != 0)
		fail_msg("sweep failed: %s", err.msg);
	return out;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * Patching the home class (60% of hosts) at 0, 0.5 and 2 per hour from the
 * start: at 2/h a home host is patched in half an hour on average, long
 * before the worm reaches it, so the final count falls from all 1,406 to
 * little more than the managed 40%. The differences are hundreds of hosts;
 * the seed noise (10 seed hosts) a few tens. Means must fall strictly, for
 * every run count we use.
 */
static void test_real_sweep(void **state)
{
	(void)state;
	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	reduced_base(&base);
	wc_sweep_init(&sw, &base);
	sw.runs = test_sanitized() ? 2 : 4;
	sw.seed = 11;
	assert_int_equal(wc_sweep_add_vary(&sw, "class.home.patch_rate=0,0.5,2", &err), 0);
	double *out = run_sweep(&sw, 2);

	double prev = INFINITY;
	for (uint64_t c = 0; c < 3; c++) {
		wc_mean_ci ci;
		wc_mean_ci95(out + c * sw.runs * WC_NOUTCOMES + WC_OUT_CUMULATIVE_INFECTED, sw.runs,
			     WC_NOUTCOMES, &ci);
		assert_int_equal(ci.n, sw.runs);
		if (!(ci.mean < prev - 100))
			fail_msg("patch rate %s: mean %g, not 100 below %g", sw.keys[0].values[c],
				 ci.mean, prev);
		prev = ci.mean;
	}
	/* Without patching every host is infected, and the 50% time exists. */
	for (uint64_t r = 0; r < sw.runs; r++) {
		const double *v = out + r * WC_NOUTCOMES;
		assert_true(v[WC_OUT_CUMULATIVE_INFECTED] == 1406);
		assert_true(v[WC_OUT_HOURS_TO_50] > 0 && v[WC_OUT_HOURS_TO_50] < 20);
		assert_true(v[WC_OUT_HOURS_TO_90] >= v[WC_OUT_HOURS_TO_50]);
		assert_true(v[WC_OUT_PEAK_ACTIVE] > 0 && v[WC_OUT_PROBES] > 0);
		assert_true(v[WC_OUT_PEAK_NEW_PER_MINUTE] > 0);
	}
	/* At 2/h at most 40% + a few are infected: 90% is never reached. */
	for (uint64_t r = 0; r < sw.runs; r++)
		assert_true(isnan(out[(2 * sw.runs + r) * WC_NOUTCOMES + WC_OUT_HOURS_TO_90]));

	/* The files: header, one row per combination (sweep.csv) or run. */
	char dir[] = "/tmp/wc_test_sweep.XXXXXX", path[256], runs_path[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	snprintf(runs_path, sizeof runs_path, "%s/runs.csv", dir);
	assert_int_equal(wc_report_write_sweep_csv(path, &sw, out, &err), 0);
	assert_int_equal(wc_report_write_sweep_runs_csv(runs_path, &sw, out, &err), 0);
	char *csv = slurp(path), *runs = slurp(runs_path);
	assert_int_equal(count_lines(csv), 1 + 3);
	assert_int_equal(count_lines(runs), 1 + 3 * (int)sw.runs);
	assert_true(strncmp(csv,
			    "class.home.patch_rate,cumulative_infected_mean,cumulative_infected_lo,"
			    "cumulative_infected_hi,cumulative_infected_p5,cumulative_infected_p95,"
			    "infected_mean,",
			    147) == 0);
	assert_non_null(strstr(
		csv,
		",hours_to_90pct_hi,hours_to_90pct_p5,hours_to_90pct_p95,hours_to_90pct_reached,"
		"probes_mean,"));
	assert_non_null(strstr(csv, ",target_bytes_p95,blocked_probes_mean,"));
	assert_non_null(strstr(csv, ",infected_share_p95,runs\n0,1406,1406,1406,1406,1406,"));
	assert_true(strncmp(runs, "combination,class.home.patch_rate,seed,cumulative_infected,",
			    59) == 0);
	assert_non_null(strstr(runs, "\n0,0,11,1406,"));
	/* The last row: combination 2, its last seed, 90% never reached (empty). */
	char tail[64];
	snprintf(tail, sizeof tail, "\n2,2,%d,", (int)(11 + sw.runs - 1));
	assert_non_null(strstr(runs, tail));

	if (!test_sanitized()) {
		/* The plot: categorical and numeric keys both draw. */
		snprintf(path, sizeof path, "%s/sweep.png", dir);
		assert_int_equal(wc_report_plot_sweep(path, &sw, out, WC_OUT_HOURS_TO_90, &err), 0);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size > 1000);
		unlink(path);
	}
	free(csv);
	free(runs);
	unlink(runs_path);
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	unlink(path);
	rmdir(dir);
	free(out);
	wc_sweep_free(&sw);
}

/* The same sweep on 1 and 2 threads: the same numbers, bit for bit, and so
 * the same CSV bytes. Two keys, so that combinations interleave on threads. */
static void test_threads_identical(void **state)
{
	(void)state;
	wc_scenario base;
	wc_sweep sw;
	wc_error err = {0};
	reduced_base(&base);
	assert_int_equal(wc_scenario_set(&base, "outbreak.end=2001-07-19T18:00:00Z", &err), 0);
	wc_sweep_init(&sw, &base);
	sw.runs = 3;
	assert_int_equal(wc_sweep_add_vary(&sw, "class.home.patch_rate=0,0.3", &err), 0);
	assert_int_equal(wc_sweep_add_vary(&sw, "outbreak.seed_hosts=2:10:2", &err), 0);
	double *a = run_sweep(&sw, 1), *b = run_sweep(&sw, 2);
	size_t n = 4 * 3 * WC_NOUTCOMES;
	assert_memory_equal(a, b, n * sizeof *a);
	/* Different seeds do give different runs (the test is not vacuous). */
	assert_true(a[WC_OUT_PROBES] != a[WC_NOUTCOMES + WC_OUT_PROBES]);
	free(a);
	free(b);
	wc_sweep_free(&sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lists), cmocka_unit_test(test_parse_ranges),
		cmocka_unit_test(test_parse_bad),   cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_validate),    cmocka_unit_test(test_interval),
		cmocka_unit_test(test_spread),	    cmocka_unit_test(test_csv_by_hand),
		cmocka_unit_test(test_real_sweep),  cmocka_unit_test(test_threads_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
