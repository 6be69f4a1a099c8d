/* The HTML report's C side (report/html_report.h): the data block's escaping,
 * a folder's kind, CSV columns and their errors, the page's assembly. The page
 * in a browser is tests/report.sh's. */
#include "testutil.h"

#include <string.h>

#include "report/html_report.h"

static char test_dir[] = "/tmp/wc_test_html.XXXXXX";

/* Writes text to test_dir/name; returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[512];
	snprintf(path, sizeof path, "%s/%s", test_dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void test_script_json_escapes(void **state)
{
	(void)state;
	const char *nasty = "</script><script>alert(1)</script><!--x-->&amp;";
	json_t *v = json_pack("{s:s, s:[i, f]}", "text", nasty, "n", 3, 0.5);
	char *out = wc_report_script_json(v);
	/* Nothing that could end or change the <script> element. */
	assert_null(strchr(out, '<'));
	assert_null(strchr(out, '>'));
	assert_null(strchr(out, '&'));
	assert_non_null(strstr(out, "\\u003c/script\\u003e"));
	/* And it reads back as the same value. */
	json_error_t je;
	json_t *back = json_loads(out, 0, &je);
	assert_non_null(back);
	assert_true(json_equal(v, back));
	assert_string_equal(json_string_value(json_object_get(back, "text")), nasty);
	json_decref(back);
	json_decref(v);
	free(out);
}

static void test_kind_of(void **state)
{
	(void)state;
	wc_folder_kind k = WC_FOLDER_FIT;
	json_t *s = json_pack("{s:s, s:{}}", "scenario", "codered-v2", "final");
	assert_int_equal(wc_folder_kind_of(s, false, &k), 0);
	assert_int_equal(k, WC_FOLDER_RUN);
	json_object_set_new(s, "ensemble", json_object());
	assert_int_equal(wc_folder_kind_of(s, false, &k), 0);
	assert_int_equal(k, WC_FOLDER_ENSEMBLE);
	json_decref(s);
	s = json_pack("{s:s}", "command", "sweep");
	assert_int_equal(wc_folder_kind_of(s, false, &k), 0);
	assert_int_equal(k, WC_FOLDER_SWEEP);
	json_object_set_new(s, "command", json_string("detect"));
	assert_int_equal(wc_folder_kind_of(s, false, &k), 0);
	assert_int_equal(k, WC_FOLDER_DETECT);
	json_object_set_new(s, "command", json_string("dance"));
	assert_int_equal(wc_folder_kind_of(s, false, &k), -1);
	json_decref(s);
	assert_int_equal(wc_folder_kind_of(NULL, true, &k), 0);
	assert_int_equal(k, WC_FOLDER_FIT);
	assert_int_equal(wc_folder_kind_of(NULL, false, &k), -1);
	assert_string_equal(wc_folder_kind_name(WC_FOLDER_ENSEMBLE), "ensemble");
}

static void test_read_csv(void **state)
{
	(void)state;
	const char *p = write_file("t.csv", "# a comment\n"
					    "time,a,b,name\n"
					    "2001-07-19T10:00:00Z,1,0.5,x\n"
					    "2001-07-19T10:01:00Z,,2,\"q,r\"\n"
					    "2001-07-19T10:02:00Z,3,-1e3,z\n");
	wc_error err = {0};
	const char *const cols[] = {"a", "n*", NULL};
	wc_csv_pick pick = {.columns = cols};
	json_t *t = wc_report_read_csv(p, &pick, &err);
	assert_non_null(t);
	/* time is always kept; b is not asked for. */
	assert_int_equal(json_array_size(json_object_get(t, "columns")), 3);
	json_t *d = json_object_get(t, "data");
	assert_null(json_object_get(d, "b"));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(d, "time"), 1)),
			 995536860);
	assert_true(json_is_null(json_array_get(json_object_get(d, "a"), 1)));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(d, "a"), 2)), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "name"), 1)),
			    "q,r");
	assert_int_equal(json_integer_value(json_object_get(t, "rows")), 3);
	json_decref(t);

	/* numeric: a text field is an error naming file, line and field. */
	wc_csv_pick num = {.numeric = true};
	assert_null(wc_report_read_csv(p, &num, &err));
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "t.csv:3: field 4: expected a number, got 'x'"));
}

static void test_read_csv_thin_and_cut(void **state)
{
	(void)state;
	char text[8192] = "time,v\n";
	for (int i = 0; i <= 100; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d\n", i, i * i);
	const char *p = write_file("h.csv", text);
	wc_error err = {0};
	wc_csv_pick pick = {.numeric = true, .max_points = 11};
	json_t *t = wc_report_read_csv(p, &pick, &err);
	assert_non_null(t);
	/* Plain numbers in "time" are hours. 101 rows, at most 11: every 10th. */
	assert_true(json_is_true(json_object_get(t, "time_hours")));
	assert_int_equal(json_integer_value(json_object_get(t, "stride")), 10);
	json_t *v = json_object_get(json_object_get(t, "data"), "v");
	assert_int_equal(json_array_size(v), 11);
	assert_int_equal(json_integer_value(json_array_get(v, 10)), 10000);
	json_decref(t);
	wc_csv_pick cut = {.max_rows = 5};
	t = wc_report_read_csv(p, &cut, &err);
	assert_int_equal(json_integer_value(json_object_get(t, "kept")), 5);
	assert_int_equal(json_integer_value(json_object_get(t, "rows")), 101);
	json_decref(t);
}

static void test_read_csv_errors(void **state)
{
	(void)state;
	wc_csv_pick pick = {0};
	struct {
		const char *text, *msg;
	} cases[] = {
		{"", "e.csv: no header line"},
		{"time,a\n2001-07-19T10:00:00Z,1,2\n",
		 "e.csv:2: expected 2 fields as in the header, got 3"},
		{"time,a\n2001-07-19T10:00:00Z,1\n12,2\n",
		 "e.csv:3: column 'time': expected a UTC time"},
		{"time,a\n\"x,1\n", "e.csv:2: field 1: unclosed quote"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *p = write_file("e.csv", cases[i].text);
		wc_error err = {0};
		assert_null(wc_report_read_csv(p, &pick, &err));
		assert_int_equal(err.code, WC_EXIT_USAGE);
		if (strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
	}
	wc_error err = {0};
	assert_null(wc_report_read_csv("/nonexistent/x.csv", &pick, &err));
	assert_non_null(strstr(err.msg, "/nonexistent/x.csv: cannot open"));
}

static void test_read_quantiles(void **state)
{
	(void)state;
	const char *p = write_file("q.csv", "time,column,quantile,value\n"
					    "2001-07-19T10:00:00Z,a,0.05,1\n"
					    "2001-07-19T10:00:00Z,a,0.5,2\n"
					    "2001-07-19T10:00:00Z,b,0.05,9\n"
					    "2001-07-19T10:00:00Z,b,0.5,9\n"
					    "2001-07-19T10:01:00Z,a,0.05,3\n"
					    "2001-07-19T10:01:00Z,a,0.5,4.5\n");
	wc_error err = {0};
	const char *const cols[] = {"a", NULL};
	json_t *q = wc_report_read_quantiles(p, cols, 0, &err);
	assert_non_null(q);
	assert_int_equal(json_array_size(json_object_get(q, "time")), 2);
	assert_int_equal(json_array_size(json_object_get(q, "quantiles")), 2);
	json_t *a = json_object_get(json_object_get(q, "columns"), "a");
	assert_null(json_object_get(json_object_get(q, "columns"), "b"));
	assert_int_equal(json_integer_value(json_array_get(json_array_get(a, 0), 1)), 3);
	assert_true(json_real_value(json_array_get(json_array_get(a, 1), 1)) == 4.5);
	json_decref(q);
	p = write_file("q.csv", "time,column,quantile,value\n2001-07-19T10:00:00Z,a,0.5\n");
	assert_null(wc_report_read_quantiles(p, cols, 0, &err));
	assert_non_null(strstr(err.msg, "q.csv:2: expected 4 fields"));
}

static void test_page(void **state)
{
	(void)state;
	json_t *folders = json_pack("[{s:s}]", "dir", "</script>@JS@");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	wc_error err = {0};
	assert_int_equal(wc_report_write_html(fp, folders, &err), 0);
	fclose(fp);
	/* One page: the template's markers filled, the data block once, escaped. */
	assert_non_null(strstr(buf, "<!DOCTYPE html>"));
	assert_null(strstr(buf, "@CSS@"));
	assert_null(strstr(buf, "@DATA@"));
	assert_non_null(strstr(buf, "<script type=\"application/json\" id=\"data\">[{\"dir\":"
				    "\"\\u003c/script\\u003e@JS@\"}]</script>"));
	assert_null(strstr(buf, "src="));
	assert_null(strstr(buf, "http"));
	const char *end = strstr(buf, "</html>");
	assert_non_null(end);
	free(buf);
	json_decref(folders);
}

static void test_load_folder_errors(void **state)
{
	(void)state;
	wc_error err = {0};
	char path[512];
	assert_null(wc_report_load_folder("/nonexistent-folder", &err));
	assert_int_equal(err.code, WC_EXIT_USAGE);
	wc_error_clear(&err);
	assert_null(wc_report_load_folder(test_dir, &err));
	assert_non_null(strstr(err.msg, "not a wormcast output folder"));
	/* A run's summary without its timeline names the missing file. */
	write_file("summary.json", "{\"scenario\": \"x\", \"final\": {}}");
	wc_error_clear(&err);
	assert_null(wc_report_load_folder(test_dir, &err));
	snprintf(path, sizeof path, "%s/timeline.csv: cannot open", test_dir);
	assert_non_null(strstr(err.msg, path));
	write_file("timeline.csv", "time,cumulative_infected,active\n2001-07-19T10:00:00Z,1,1\n");
	wc_error_clear(&err);
	json_t *f = wc_report_load_folder(test_dir, &err);
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "run");
	assert_non_null(json_object_get(json_object_get(f, "files"), "timeline.csv"));
	json_decref(f);
	write_file("summary.json", "{\"scenario\": \"x\",\n\"final\": ]");
	wc_error_clear(&err);
	assert_null(wc_report_load_folder(test_dir, &err));
	snprintf(path, sizeof path, "%s/summary.json:2: malformed JSON", test_dir);
	assert_non_null(strstr(err.msg, path));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(test_dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = {"t.csv", "h.csv", "e.csv", "q.csv", "summary.json", "timeline.csv"};
	char path[512];
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", test_dir, names[i]);
		remove(path);
	}
	return rmdir(test_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_script_json_escapes),
		cmocka_unit_test(test_kind_of),
		cmocka_unit_test(test_read_csv),
		cmocka_unit_test(test_read_csv_thin_and_cut),
		cmocka_unit_test(test_read_csv_errors),
		cmocka_unit_test(test_read_quantiles),
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_load_folder_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
