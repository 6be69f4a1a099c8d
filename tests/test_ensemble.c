/*
 * test_ensemble.c — report/ensemble.h against seeds small enough to check by
 * hand: the quantiles per (row, column), timelines that do not match, the
 * --quantiles parser, and the bytes of quantiles.csv.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "report/ensemble.h"

/* A two-row timeline whose every column holds base + row (so columns are
 * told apart by the offset), with cumulative_infected set to ci[row]. */
static void make_timeline(wc_timeline *tl, uint64_t base, const uint64_t ci[2])
{
	wc_timeline_init(tl);
	for (int r = 0; r < 2; r++) {
		wc_timeline_row row = {.time = 995536800 + 600 * r};
		for (size_t c = 0; c < wc_timeline_ncolumns; c++) {
			uint64_t v = base + (uint64_t)r;
			memcpy((char *)&row + wc_timeline_columns[c].offset, &v, sizeof v);
		}
		row.cumulative_infected = ci[r];
		wc_timeline_push(tl, &row);
	}
}

/* Seeds added out of order: 30, 10, 20 at the last row. */
static void make_ensemble(wc_ensemble *e)
{
	static const uint64_t ci[3][2] = {{3, 30}, {1, 10}, {2, 20}};
	wc_ensemble_init(e, 7, 3);
	for (int s = 0; s < 3; s++) {
		wc_timeline tl;
		wc_error err = {0};
		make_timeline(&tl, 100 * (uint64_t)(s + 1), ci[s]);
		assert_int_equal(wc_ensemble_add(e, &tl, &err), 0);
		wc_timeline_free(&tl);
	}
}

static void test_quantiles_by_hand(void **state)
{
	(void)state;
	wc_ensemble e;
	make_ensemble(&e);
	int ci = wc_timeline_column_index("cumulative_infected");
	assert_true(ci >= 0);
	assert_int_equal(wc_timeline_column_index("no_such_column"), -1);
	/* type 7: h = 2p; p = 0.05 lies a tenth of the way from 10 to 20 */
	assert_true(wc_ensemble_quantile(&e, 1, (size_t)ci, 0.5) == 20);
	assert_true(fabs(wc_ensemble_quantile(&e, 1, (size_t)ci, 0.05) - 11) < 1e-12);
	assert_true(fabs(wc_ensemble_quantile(&e, 1, (size_t)ci, 0.95) - 29) < 1e-12);
	assert_true(wc_ensemble_quantile(&e, 0, (size_t)ci, 0.5) == 2);
	/* the other columns: 101, 201, 301 at row 1 */
	assert_true(wc_ensemble_quantile(&e, 1, 0, 0.5) == 201);
	wc_ensemble_free(&e);
}

static void test_mismatch(void **state)
{
	(void)state;
	static const uint64_t ci[2] = {1, 2};
	wc_ensemble e;
	wc_ensemble_init(&e, 1, 3);
	wc_timeline tl;
	wc_error err = {0};
	make_timeline(&tl, 0, ci);
	assert_int_equal(wc_ensemble_add(&e, &tl, &err), 0);
	tl.rows[1].time += 1; /* another window */
	assert_int_equal(wc_ensemble_add(&e, &tl, &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	tl.rows[1].time -= 1;
	tl.n = 1; /* fewer rows */
	err = (wc_error){0};
	assert_int_equal(wc_ensemble_add(&e, &tl, &err), -1);
	assert_non_null(strstr(err.msg, "1 rows"));
	wc_timeline_free(&tl);
	wc_ensemble_free(&e);
}

static void test_parse_quantiles(void **state)
{
	(void)state;
	double q[WC_ENSEMBLE_MAX_QUANTILES];
	size_t nq;
	wc_error err = {0};
	assert_int_equal(wc_ensemble_parse_quantiles("0.05,0.5,0.95", q, &nq, &err), 0);
	assert_int_equal(nq, 3);
	assert_true(q[0] == 0.05 && q[1] == 0.5 && q[2] == 0.95);
	static const char *bad[] = {"",	    "0",       "1",	  "0.5,", "0.5,,0.6", "x",
				    "0.5x", "0.6,0.5", "0.5,0.5", "-0.1", "nan",      "inf"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = (wc_error){0};
		assert_int_equal(wc_ensemble_parse_quantiles(bad[i], q, &nq, &err), -1);
		assert_int_equal(err.code, WC_EXIT_USAGE);
	}
}

static void test_csv_bytes(void **state)
{
	(void)state;
	char dir[] = "/tmp/wc_test_ens_XXXXXX", path[64], line[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/quantiles.csv", dir);
	wc_ensemble e;
	make_ensemble(&e);
	const double q[] = {0.05, 0.5};
	wc_error err = {0};
	assert_int_equal(wc_report_write_quantiles_csv(path, &e, q, 2, &err), 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = 0;
	int found = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (n++ == 0)
			assert_string_equal(line, "time,column,quantile,value\n");
		found += strcmp(line, "2001-07-19T10:10:00Z,cumulative_infected,0.05,11\n") == 0;
		found += strcmp(line, "2001-07-19T10:10:00Z,cumulative_infected,0.5,20\n") == 0;
		found += strcmp(line, "2001-07-19T10:00:00Z,susceptible,0.05,110\n") == 0;
	}
	fclose(f);
	assert_int_equal(n, 1 + 2 * wc_timeline_ncolumns * 2);
	assert_int_equal(found, 3);
	wc_ensemble_free(&e);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantiles_by_hand),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_parse_quantiles),
		cmocka_unit_test(test_csv_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
