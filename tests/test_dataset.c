/*
 * test_dataset.c — published data sets as fit series (model/dataset.h):
 * CAIDA's Code-Red table and DShield's daily summaries, read from the
 * hand-written fixtures to exact points, sniffed apart from CSV series, and
 * bad files refused with the file, line and field.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "model/dataset.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

/* Reads text (or the file path when text is NULL) as fmt. */
static int read_text(wc_series *s, const char *path, const char *text, wc_series_format fmt,
		     const wc_series_options *so, int bin, wc_dataset_info *info, wc_error *err)
{
	FILE *fp = text ? fmemopen((void *)text, strlen(text), "r") : fopen(path, "r");
	assert_non_null(fp);
	int rc = wc_dataset_read(s, fp, path, fmt, so, bin, info, err);
	fclose(fp);
	return rc;
}

static void assert_points(const wc_series *s, const double *t, const double *y, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(fabs(s->t[i] - t[i]) < 1e-9);
		assert_true(s->y[i] == y[i]);
	}
}

static void reads_caidas_table(void **state)
{
	(void)state;
	wc_series s;
	wc_dataset_info info;
	wc_error err = {0};
	wc_series_options so = {NULL, NULL, WC_COUNTS_AUTO};
	const char *path = FIXTURES "/caida-codered-table.txt";
	assert_int_equal(read_text(&s, path, NULL, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	assert_int_equal(info.format, WC_SERIES_CAIDA);
	assert_int_equal(info.rows, 20);
	assert_int_equal(info.first, 995536812); /* 10:00:12Z */
	assert_int_equal(info.last, 995539790);
	assert_int_equal(info.bin, 600);
	assert_string_equal(info.column, "start_time");
	/* Addresses first seen by 10:10, 10:20, ... 10:50 (the file is out of
	 * order; 10:29:59.999 counts before 10:30, 10:30:00 after). */
	const double t6[] = {0, 1 / 6.0, 2 / 6.0, 3 / 6.0, 4 / 6.0};
	const double y6[] = {3, 8, 13, 17, 20};
	assert_points(&s, t6, y6, 5);
	assert_int_equal(s.counts, WC_COUNTS_CUMULATIVE);
	assert_true(s.iso);
	char buf[32];
	assert_string_equal(wc_time_format(s.epoch0, buf), "2001-07-19T10:10:00Z");
	assert_string_equal(s.column, "start_time");
	wc_series_free(&s);

	/* Per interval, every 5 minutes: new addresses in each. */
	so.counts = WC_COUNTS_INTERVAL;
	assert_int_equal(read_text(&s, path, NULL, WC_SERIES_CAIDA, &so, 300, &info, &err), 0);
	const double y3[] = {2, 1, 2, 3, 1, 4, 1, 3, 2, 1};
	double t3[10];
	for (int i = 0; i < 10; i++)
		t3[i] = (i + 1) / 12.0;
	assert_points(&s, t3, y3, 10);
	assert_int_equal(s.counts, WC_COUNTS_INTERVAL);
	assert_true(fabs(s.width - 1 / 12.0) < 1e-9); /* hours since 1970: ~1e-10 h */
	assert_string_equal(wc_time_format(s.epoch0, buf), "2001-07-19T10:00:00Z");
	wc_series_free(&s);

	/* No header line: the eight fields as documented. */
	const char *bare = "# no header\n995536812\t995536900\tnet\tUS\t0\t0\t64496\tA\n"
			   "995537500\t995537600\tnet\tUS\t0\t0\t64496\tA\n"
			   "995538100\t995538200\tnet\tUS\t0\t0\t64496\tA B C\n";
	so.counts = WC_COUNTS_AUTO;
	assert_int_equal(read_text(&s, "bare", bare, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	const double yb[] = {1, 2, 3};
	const double tb[] = {0, 1 / 6.0, 2 / 6.0};
	assert_points(&s, tb, yb, 3);
	wc_series_free(&s);
}

static void reads_dshields_daily_summary(void **state)
{
	(void)state;
	wc_series s;
	wc_dataset_info info;
	wc_error err = {0};
	wc_series_options so = {NULL, NULL, WC_COUNTS_AUTO};
	const char *path = FIXTURES "/dshield-porthistory.csv";
	assert_int_equal(read_text(&s, path, NULL, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	assert_int_equal(info.format, WC_SERIES_DSHIELD);
	assert_int_equal(info.rows, 12);
	char buf[32];
	assert_string_equal(wc_time_format(info.first, buf), "2001-07-12T00:00:00Z");
	assert_string_equal(wc_time_format(info.last, buf), "2001-07-24T00:00:00Z");
	assert_string_equal(info.column, "sources");
	assert_string_equal(s.column, "sources");
	assert_int_equal(s.counts, WC_COUNTS_INTERVAL);
	assert_true(fabs(s.width - 24) < 1e-12);
	/* Each day's count covers that day: the origin is the first day's
	 * midnight, and 22 July, without a count, is a gap. */
	assert_string_equal(wc_time_format(s.epoch0, buf), "2001-07-12T00:00:00Z");
	const double y[] = {1200, 1350,	 1500,	1800, 2100, 2400,
			    3100, 21000, 38000, 9000, 3000, 2600};
	const double t[] = {24, 48, 72, 96, 120, 144, 168, 192, 216, 240, 288, 312};
	assert_points(&s, t, y, 12);
	wc_series_free(&s);

	so.column = "records";
	assert_int_equal(read_text(&s, path, NULL, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	assert_int_equal(s.n, 13);
	assert_true(s.y[12] == 650000);
	wc_series_free(&s);

	/* The dailysummary records, tab-separated. */
	const char *tsv = "date\treports\ttargets\tsources\n2001-07-18\t10\t5\t2\n"
			  "2001-07-19\t90\t40\t30\n2001-07-20\t200\t80\t70\n";
	so.column = NULL;
	assert_int_equal(read_text(&s, "tsv", tsv, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	assert_int_equal(info.format, WC_SERIES_DSHIELD);
	const double yt[] = {2, 30, 70};
	const double tt[] = {24, 48, 72};
	assert_points(&s, tt, yt, 3);
	wc_series_free(&s);
}

/* A CSV series is still read as series.h says. */
static void csv_series_are_sniffed_as_csv(void **state)
{
	(void)state;
	wc_series s;
	wc_dataset_info info;
	wc_error err = {0};
	wc_series_options so = {NULL, NULL, WC_COUNTS_AUTO};
	assert_int_equal(read_text(&s, FIXTURES "/detect-timeline.csv", NULL, WC_SERIES_AUTO, &so,
				   600, &info, &err),
			 0);
	assert_int_equal(info.format, WC_SERIES_CSV);
	assert_string_equal(s.column, "cumulative_sources");
	assert_int_equal(s.n, 23);
	assert_int_equal(info.rows, 23);
	wc_series_free(&s);
	const char *dated = "date,count\n2001-07-19,1\n2001-07-20,5\n2001-07-21,9\n";
	assert_int_equal(read_text(&s, "d", dated, WC_SERIES_AUTO, &so, 600, &info, &err), 0);
	assert_int_equal(info.format, WC_SERIES_CSV);
	wc_series_free(&s);
}

/* Reads text as fmt and expects the message want. */
static void refused(const char *text, wc_series_format fmt, const char *column, const char *kind,
		    const char *want)
{
	wc_series s;
	wc_error err = {0};
	wc_series_options so = {column, kind, WC_COUNTS_AUTO};
	assert_int_equal(read_text(&s, "bad", text, fmt, &so, 600, NULL, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_string_equal(err.msg, want);
	assert_null(s.t);
}

static void bad_data_sets_are_refused(void **state)
{
	(void)state;
	const char *hdr = "start_time\tend_time\ttld\n";
	refused("start_time\tend_time\n995536812\t995536900\n995536813\n", WC_SERIES_AUTO, NULL,
		NULL, "bad:3: expected 2 tab-separated fields (CAIDA's Code-Red table), got 1");
	refused("995536812\t995536900\n", WC_SERIES_AUTO, NULL, NULL,
		"bad:1: expected 8 tab-separated fields (CAIDA's Code-Red table), got 2");
	refused("start_time\tend_time\n1.5e3\t2\n", WC_SERIES_CAIDA, NULL, NULL,
		"bad:2: field 1 'start_time': expected Unix seconds (1e+08 to 1e+10), got '1.5e3' "
		"(out of range)");
	refused("first\tlast\n995536812\t995536900\n", WC_SERIES_CAIDA, NULL, NULL,
		"bad:1: header: no 'start_time' field (CAIDA's Code-Red table: start_time, "
		"end_time, ...)");
	refused(hdr, WC_SERIES_CAIDA, NULL, NULL,
		"bad: no rows: expected one line per infected address (CAIDA's Code-Red table)");
	refused(hdr, WC_SERIES_CAIDA, "end_time", NULL,
		"bad: --column end_time: CAIDA's Code-Red table gives one count, addresses by "
		"start_time");
	refused(hdr, WC_SERIES_CAIDA, NULL, "codered",
		"bad: --kind codered given, but CAIDA's Code-Red table has no 'kind' column");
	refused("start_time\tend_time\n995536812\t1\n995536813\t1\n995536814\t1\n", WC_SERIES_CAIDA,
		NULL, NULL,
		"bad: column 'start_time': 1 points; at least 3 are needed to fit a model");
	refused("date,sources\n2001-7-19,5\n", WC_SERIES_AUTO, NULL, NULL,
		"bad:2: field 1 'date': expected a date YYYY-MM-DD, got '2001-7-19'");
	refused("date,sources\n2001-07-19T12:00Z,5\n", WC_SERIES_AUTO, NULL, NULL,
		"bad:2: field 1 'date': expected a date YYYY-MM-DD, got '2001-07-19T12:00Z'");
	refused("date,sources\n2001-07-19,-5\n", WC_SERIES_AUTO, NULL, NULL,
		"bad:2: field 2 'sources': expected a non-negative count, got '-5'");
	refused("date,sources\n2001-07-19,5,6\n", WC_SERIES_AUTO, NULL, NULL,
		"bad:2: expected 2 fields, got 3");
	refused("date,sources\n2001-07-19,5\n", WC_SERIES_AUTO, "targets", NULL,
		"bad:1: column 'targets': no such count column in the header (DShield's daily "
		"summary: sources, records, reports, targets)");
	refused("day,sources\n2001-07-19,5\n", WC_SERIES_DSHIELD, NULL, NULL,
		"bad:1: header: no 'date' column (DShield's daily summary)");
	refused("date,sources\n2001-07-20,5\n2001-07-19,6\n2001-07-21,7\n", WC_SERIES_AUTO, NULL,
		NULL,
		"bad:3: column 'date': times must increase, but this row is not later than the "
		"one before");
	refused("", WC_SERIES_AUTO, NULL, NULL, "bad: empty: expected a CSV header and rows");
	refused("", WC_SERIES_DSHIELD, NULL, NULL, "bad: empty");
}

static void format_names(void **state)
{
	(void)state;
	wc_series_format f;
	assert_int_equal(wc_series_format_parse("caida", &f), 0);
	assert_int_equal(f, WC_SERIES_CAIDA);
	assert_int_equal(wc_series_format_parse("dshield", &f), 0);
	assert_int_equal(f, WC_SERIES_DSHIELD);
	assert_int_equal(wc_series_format_parse("CSV", &f), -1);
	assert_string_equal(wc_series_format_name(WC_SERIES_CSV), "csv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_caidas_table),
		cmocka_unit_test(reads_dshields_daily_summary),
		cmocka_unit_test(csv_series_are_sniffed_as_csv),
		cmocka_unit_test(bad_data_sets_are_refused),
		cmocka_unit_test(format_names),
	};
	return cmocka_run_group_tests_name("dataset", tests, NULL, NULL);
}
