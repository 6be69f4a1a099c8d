/* CSV files as the report's columns (report/html_report.h). */
#include "report/html_report.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/num.h"
#include "core/utc.h"
#include "core/xalloc.h"

/* jansson takes UTF-8 only: a field that is not is kept with its other bytes
 * as '?', so a log's odd bytes cannot drop a row. */
static json_t *csv_text(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	char *copy = xstrdup(s);
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* A field as a JSON number (integer where it is one), or NULL if it is none. */
static json_t *csv_number(const char *s)
{
	int64_t i;
	double d;
	if (wc_num_i64(s, INT64_MIN, INT64_MAX, &i) == WC_NUM_OK)
		return json_integer((json_int_t)i);
	if (wc_num_double(s, -1e308, 1e308, &d) == WC_NUM_OK)
		return json_real(d);
	return NULL;
}

/* What one reading of a file keeps between lines. */
struct csv_reader {
	const char *path;
	const wc_csv_pick *pick;
	int ncol;	 /* fields per line (the header's) */
	int *keep;	 /* per field: its index among the kept columns, or -1 */
	json_t **arrays; /* per kept column */
	int time_col;	 /* the "time" field, or -1 */
	int time_kind;	 /* 0 unknown yet, 1 ISO times, 2 hours */
	size_t rows;
};

static bool csv_wanted(const wc_csv_pick *pick, const char *name)
{
	if (pick->columns == NULL)
		return true;
	for (const char *const *p = pick->columns; *p != NULL; p++)
		if (fnmatch(*p, name, 0) == 0)
			return true;
	return false;
}

static int csv_header(struct csv_reader *r, char *line, json_t *names, size_t lineno, wc_error *err)
{
	/* Split once to count (the split writes into its line), then for real. */
	char *copy = xstrdup(line);
	int n = wc_csv_split(copy, NULL, 0, NULL);
	free(copy);
	if (n <= 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%zu: malformed CSV header", r->path,
				    lineno);
	char **f = xmallocarray((size_t)n, sizeof *f);
	wc_csv_split(line, f, n, NULL);
	r->ncol = n;
	r->keep = xmallocarray((size_t)n, sizeof *r->keep);
	r->arrays = xcalloc((size_t)n, sizeof *r->arrays);
	r->time_col = -1;
	int kept = 0;
	for (int i = 0; i < n; i++) {
		r->keep[i] = -1;
		if (strcmp(f[i], "time") == 0)
			r->time_col = i;
		if (!csv_wanted(r->pick, f[i]) && strcmp(f[i], "time") != 0)
			continue;
		r->keep[i] = kept;
		r->arrays[kept++] = json_array();
		json_array_append_new(names, csv_text(f[i]));
	}
	free(f);
	return 0;
}

/* The time field: seconds since the epoch for an ISO time, else hours. */
static json_t *csv_time(struct csv_reader *r, const char *s, size_t lineno, wc_error *err)
{
	wc_time t;
	json_t *num;
	if (r->time_kind != 2 && wc_time_parse(s, &t) == 0) {
		r->time_kind = 1;
		return json_integer((json_int_t)t);
	}
	if (r->time_kind != 1 && (num = csv_number(s)) != NULL) {
		r->time_kind = 2;
		return num;
	}
	wc_error_set(err, WC_EXIT_USAGE,
		     "%s:%zu: column 'time': expected a UTC time like 2001-07-19T10:00:00Z%s, "
		     "got '%s'",
		     r->path, lineno, r->time_kind == 1 ? "" : " or a number of hours", s);
	return NULL;
}

static int csv_row(struct csv_reader *r, char *line, char **f, size_t lineno, wc_error *err)
{
	int bad = 0;
	int n = wc_csv_split(line, f, r->ncol, &bad);
	if (n < 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%zu: field %d: unclosed quote", r->path,
				    lineno, bad);
	if (n != r->ncol)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%zu: expected %d fields as in the header, got %d", r->path,
				    lineno, r->ncol, n);
	r->rows++;
	if (r->pick->max_rows > 0 && r->rows > r->pick->max_rows)
		return 0;
	for (int i = 0; i < n; i++) {
		if (r->keep[i] < 0)
			continue;
		json_t *v;
		if (i == r->time_col) {
			if ((v = csv_time(r, f[i], lineno, err)) == NULL)
				return -1;
		} else if (f[i][0] == '\0') {
			v = json_null();
		} else if ((v = csv_number(f[i])) == NULL) {
			if (r->pick->numeric)
				return wc_error_set(err, WC_EXIT_USAGE,
						    "%s:%zu: field %d: expected a number, got '%s'",
						    r->path, lineno, i + 1, f[i]);
			v = csv_text(f[i]);
		}
		json_array_append_new(r->arrays[r->keep[i]], v);
	}
	return 0;
}

/* Every k-th element of a (and its last), k chosen so that at most max remain. */
static json_t *csv_thin(json_t *a, size_t stride)
{
	json_t *out = json_array();
	size_t n = json_array_size(a);
	for (size_t i = 0; i < n; i += stride)
		json_array_append(out, json_array_get(a, i));
	if (n > 0 && (n - 1) % stride != 0)
		json_array_append(out, json_array_get(a, n - 1));
	json_decref(a);
	return out;
}

static size_t csv_stride(size_t rows, size_t max_points)
{
	if (max_points < 2 || rows <= max_points)
		return 1;
	return (rows - 1 + max_points - 2) / (max_points - 1);
}

static json_t *csv_finish(struct csv_reader *r, json_t *names)
{
	json_t *o = json_object();
	json_t *data = json_object();
	size_t stride = csv_stride(json_array_size(r->arrays[0]), r->pick->max_points);
	size_t kept = 0;
	for (size_t i = 0; i < json_array_size(names); i++) {
		json_t *a = stride > 1 ? csv_thin(r->arrays[i], stride) : r->arrays[i];
		r->arrays[i] = NULL;
		kept = json_array_size(a);
		json_object_set_new(data, json_string_value(json_array_get(names, i)), a);
	}
	json_object_set_new(o, "columns", names);
	json_object_set_new(o, "rows", json_integer((json_int_t)r->rows));
	json_object_set_new(o, "kept", json_integer((json_int_t)kept));
	json_object_set_new(o, "stride", json_integer((json_int_t)stride));
	json_object_set_new(o, "time_hours", json_boolean(r->time_kind == 2));
	json_object_set_new(o, "data", data);
	return o;
}

static void csv_reader_free(struct csv_reader *r)
{
	for (int i = 0; r->arrays != NULL && i < r->ncol; i++)
		json_decref(r->arrays[i]);
	free(r->arrays);
	free(r->keep);
}

/* Reads the lines after the header; 0 or -1 with err set. */
static int csv_body(struct csv_reader *r, FILE *fp, size_t *lineno, wc_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	char **f = xmallocarray((size_t)r->ncol, sizeof *f);
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		++*lineno;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0)
			rc = csv_row(r, line, f, *lineno, err);
	}
	if (rc == 0 && ferror(fp))
		rc = wc_error_set(err, WC_EXIT_USAGE, "%s: read error: %s", r->path,
				  strerror(errno));
	free(f);
	free(line);
	return rc;
}

json_t *wc_report_read_csv(const char *path, const wc_csv_pick *pick, wc_error *err)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path,
				    strerror(errno)),
		       NULL;
	struct csv_reader r = {.path = path, .pick = pick};
	json_t *names = json_array();
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int rc = -1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0 && line[0] != '#') {
			rc = csv_header(&r, line, names, lineno, err);
			break;
		}
	}
	free(line);
	if (rc != 0 && err->code == 0)
		wc_error_set(err, WC_EXIT_USAGE, "%s: no header line (an empty file?)", path);
	if (rc == 0)
		rc = csv_body(&r, fp, &lineno, err);
	fclose(fp);
	json_t *out = NULL;
	if (rc == 0 && json_array_size(names) > 0)
		out = csv_finish(&r, names);
	else if (rc == 0)
		wc_error_set(err, WC_EXIT_USAGE, "%s: none of the expected columns", path);
	if (out == NULL)
		json_decref(names);
	csv_reader_free(&r);
	return out;
}

/* One quantiles.csv line into q (the columns' per-quantile arrays). */
static int quantile_line(char *line, const char *path, size_t lineno, json_t *q, json_t *times,
			 json_t *qs, wc_time *last, wc_error *err)
{
	char *f[4];
	int bad = 0;
	int n = wc_csv_split(line, f, 4, &bad);
	if (n != 4)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s:%zu: expected 4 fields (time,column,quantile,value), got %d", path,
			lineno, n);
	json_t *per = json_object_get(q, f[1]);
	if (per == NULL)
		return 0;
	wc_time t;
	double qv, v;
	if (wc_time_parse(f[0], &t) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%zu: field 1: expected a UTC time, got '%s'", path, lineno,
				    f[0]);
	if (wc_num_double(f[2], 0, 1, &qv) != WC_NUM_OK ||
	    wc_num_double(f[3], -1e308, 1e308, &v) != WC_NUM_OK)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s:%zu: expected a quantile in [0, 1] and a number, got '%s' and '%s'",
			path, lineno, f[2], f[3]);
	if (json_array_size(times) == 0 || t != *last)
		json_array_append_new(times, json_integer((json_int_t)t));
	*last = t;
	size_t qi = 0;
	while (qi < json_array_size(qs) && json_real_value(json_array_get(qs, qi)) != qv)
		qi++;
	if (qi == json_array_size(qs))
		json_array_append_new(qs, json_real(qv));
	while (json_array_size(per) <= qi)
		json_array_append_new(per, json_array());
	json_array_append_new(json_array_get(per, qi), csv_number(f[3]));
	return 0;
}

json_t *wc_report_read_quantiles(const char *path, const char *const *columns, size_t max_points,
				 wc_error *err)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path,
				    strerror(errno)),
		       NULL;
	json_t *q = json_object(), *times = json_array(), *qs = json_array();
	for (const char *const *c = columns; *c != NULL; c++)
		json_object_set_new(q, *c, json_array());
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	wc_time last = 0;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (++lineno == 1) {
			if (strcmp(line, "time,column,quantile,value") != 0)
				rc = wc_error_set(
					err, WC_EXIT_USAGE,
					"%s:1: expected the header time,column,quantile,value",
					path);
		} else if (len > 0) {
			rc = quantile_line(line, path, lineno, q, times, qs, &last, err);
		}
	}
	if (rc == 0 && lineno == 0)
		rc = wc_error_set(err, WC_EXIT_USAGE, "%s: empty file", path);
	free(line);
	fclose(fp);
	if (rc != 0) {
		json_decref(q), json_decref(times), json_decref(qs);
		return NULL;
	}
	size_t stride = csv_stride(json_array_size(times), max_points);
	if (stride > 1) {
		const char *name;
		json_t *per;
		json_object_foreach(q, name, per)
		{
			for (size_t i = 0; i < json_array_size(per); i++)
				json_array_set_new(
					per, i,
					csv_thin(json_incref(json_array_get(per, i)), stride));
		}
		times = csv_thin(times, stride);
	}
	json_t *o = json_object();
	json_object_set_new(o, "time", times);
	json_object_set_new(o, "quantiles", qs);
	json_object_set_new(o, "columns", q);
	json_object_set_new(o, "stride", json_integer((json_int_t)stride));
	return o;
}
