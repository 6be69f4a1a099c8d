#include "model/series.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/csv.h"
#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"

#define MAX_FIELDS 64

static void series_zero(wc_series *s)
{
	memset(s, 0, sizeof *s);
}

void wc_series_free(wc_series *s)
{
	free(s->path);
	free(s->time_column);
	free(s->column);
	free(s->kind);
	free(s->t);
	free(s->y);
	series_zero(s);
}

static bool parse_number(const char *s, double *v)
{
	return wc_num_double(s, -INFINITY, INFINITY, v) == WC_NUM_OK;
}

static bool name_is(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* Name words are matched after an optional KIND_ prefix, so that detect's
 * per-kind columns (codered_cumulative_sources, codered_new_sources,
 * codered_requests) read like the plain ones. */
static bool ends_with(const char *c, const char *word)
{
	size_t n = strlen(c), m = strlen(word);
	return n >= m && strcasecmp(c + n - m, word) == 0 && (n == m || c[n - m - 1] == '_');
}

static bool is_cumulative_name(const char *c)
{
	return strncasecmp(c, "cumulative", 10) == 0 || strcasestr(c, "_cumulative") != NULL;
}

static bool is_interval_name(const char *c)
{
	return strncasecmp(c, "new_", 4) == 0 || strcasestr(c, "_new_") != NULL ||
	       name_is(c, "new") || ends_with(c, "requests") || ends_with(c, "probes");
}

/* Enough points, some of them non-zero, at increasing times. */
static int check_points(const wc_series *s, const double *tin, const int *lines, wc_error *err)
{
	const char *file = s->path, *col = s->column;
	if (s->n < WC_SERIES_MIN_POINTS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s': %zu points; at least %d are needed to fit a "
				    "model",
				    file, col, s->n, WC_SERIES_MIN_POINTS);
	bool any = false;
	for (size_t i = 0; i < s->n; i++)
		any = any || s->y[i] > 0;
	if (!any)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s': every count is zero; there is no outbreak to "
				    "fit",
				    file, col);
	for (size_t i = 1; i < s->n; i++)
		if (!(tin[i] > tin[i - 1]))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s:%d: column '%s': times must increase, but this row "
					    "is not later than the one before",
					    file, lines[i], s->time_column);
	return 0;
}

/* Cumulative or per-interval: as told, else by the column's name, else by
 * whether the values ever go down (down: the first point lower than its
 * predecessor, 0 if none). */
static void decide_counts(wc_series *s, const int *lines, wc_counts told, size_t down)
{
	const char *col = s->column;
	s->detected = told == WC_COUNTS_AUTO;
	if (told != WC_COUNTS_AUTO) {
		s->counts = told;
		snprintf(s->counts_note, sizeof s->counts_note, "%s counts, as told",
			 told == WC_COUNTS_CUMULATIVE ? "cumulative" : "per-interval");
	} else if (is_cumulative_name(col)) {
		s->counts = WC_COUNTS_CUMULATIVE;
		snprintf(s->counts_note, sizeof s->counts_note,
			 "cumulative counts: the column's name says so");
	} else if (is_interval_name(col)) {
		s->counts = WC_COUNTS_INTERVAL;
		snprintf(s->counts_note, sizeof s->counts_note,
			 "per-interval counts: the column's name says so");
	} else if (down == 0) {
		s->counts = WC_COUNTS_CUMULATIVE;
		snprintf(s->counts_note, sizeof s->counts_note,
			 "cumulative counts: detected, the values never decrease");
	} else {
		s->counts = WC_COUNTS_INTERVAL;
		snprintf(s->counts_note, sizeof s->counts_note,
			 "per-interval counts: detected, the values go down at line %d",
			 lines[down]);
	}
}

/* The fitted times: hours from an origin one interval before the first
 * point for per-interval counts (its count covers that interval), at the
 * first point for cumulative ones. */
static int set_times(wc_series *s, const double *tin, const int *lines, wc_error *err)
{
	double span = tin[s->n - 1] - tin[0];
	if (span > WC_SERIES_MAX_SPAN)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': the times span %.6g %s, more than a "
				    "century; give hours, ISO 8601 UTC times or Unix epoch seconds "
				    "(in a column not named 'hours')",
				    s->path, lines[s->n - 1], s->time_column, span, "hours");
	double width = INFINITY;
	for (size_t i = 1; i < s->n; i++)
		width = fmin(width, tin[i] - tin[i - 1]);
	s->width = s->counts == WC_COUNTS_INTERVAL ? width : 0;
	double origin = tin[0] - s->width;
	for (size_t i = 0; i < s->n; i++)
		s->t[i] = tin[i] - origin;
	if (s->iso)
		s->epoch0 = (wc_time)llround(origin * 3600.0);
	else
		s->origin_h = origin;
	return 0;
}

/*
 * Checks the collected points and decides cumulative or per-interval; lines[]
 * holds each point's line number for the messages. tin[] are the input times
 * in hours (iso: hours since the epoch).
 */
static int series_finish(wc_series *s, const double *tin, const int *lines, wc_counts told,
			 wc_error *err)
{
	if (check_points(s, tin, lines, err) != 0)
		return -1;
	size_t down = 0;
	for (size_t i = 1; i < s->n && down == 0; i++)
		if (s->y[i] < s->y[i - 1])
			down = i;
	decide_counts(s, lines, told, down);
	const char *file = s->path, *col = s->column;
	if (s->counts == WC_COUNTS_CUMULATIVE && down != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': a cumulative count cannot go down (%g "
				    "after %g); give per-interval counts with --counts interval",
				    file, lines[down], col, s->y[down], s->y[down - 1]);
	if (s->counts == WC_COUNTS_CUMULATIVE && s->y[s->n - 1] == s->y[0])
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s': the cumulative count stays at %g; there is "
				    "no outbreak to fit",
				    file, col, s->y[0]);
	return set_times(s, tin, lines, err);
}

int wc_series_from_arrays(wc_series *s, const char *name, const double *t_hours, const double *y,
			  size_t n, wc_counts counts, wc_error *err)
{
	series_zero(s);
	s->path = xstrdup(name);
	s->time_column = xstrdup("hours");
	s->time_unit = "hours";
	s->column = xstrdup("count");
	s->n = n;
	s->t = xmallocarray(n + 1, sizeof *s->t);
	s->y = xmallocarray(n + 1, sizeof *s->y);
	int *lines = xmallocarray(n + 1, sizeof *lines);
	for (size_t i = 0; i < n; i++) {
		s->y[i] = y[i];
		lines[i] = (int)i + 2;
		if (!(y[i] >= 0) || !isfinite(y[i])) {
			free(lines);
			wc_error_set(
				err, WC_EXIT_USAGE,
				"%s:%zu: column 'count': expected a non-negative count, got %g",
				name, i + 2, y[i]);
			wc_series_free(s);
			return -1;
		}
	}
	int rc = series_finish(s, t_hours, lines, counts, err);
	free(lines);
	if (rc != 0)
		wc_series_free(s);
	return rc;
}

int wc_series_from_instants(wc_series *s, const char *path, const char *time_column,
			    const char *column, const char *time_unit, const wc_time *t,
			    const double *y, const int *lines, size_t n, wc_counts counts,
			    wc_error *err)
{
	series_zero(s);
	s->path = xstrdup(path);
	s->time_column = xstrdup(time_column);
	s->column = xstrdup(column);
	s->time_unit = time_unit;
	s->iso = true;
	s->n = n;
	s->t = xmallocarray(n + 1, sizeof *s->t);
	s->y = xmallocarray(n + 1, sizeof *s->y);
	double *tin = xmallocarray(n + 1, sizeof *tin);
	for (size_t i = 0; i < n; i++) {
		tin[i] = (double)t[i] / 3600.0;
		s->y[i] = y[i];
	}
	int rc = series_finish(s, tin, lines, counts, err);
	free(tin);
	if (rc != 0)
		wc_series_free(s);
	return rc;
}

/* A first line made only of numbers is a row, not a header: taking it for
 * one would drop the first point and name the columns "0" and "1" without
 * a word, so the reader asks for a header instead. */
static bool header_is_numbers(char **names, int n)
{
	for (int i = 0; i < n; i++) {
		double v;
		if (!parse_number(names[i], &v))
			return false;
	}
	return n > 0;
}

static int find_column(char **names, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (name_is(names[i], want))
			return i;
	return -1;
}

/* Decides how the time column was written (series.h): ISO instants, Unix
 * epoch seconds, or hours; epoch seconds become instants (tin in hours since
 * the epoch, as ISO times are kept). */
static void read_time_unit(wc_series *s, double *tin)
{
	if (s->iso) {
		s->time_unit = "ISO 8601 UTC times";
		return;
	}
	bool epoch = s->n > 0 && !name_is(s->time_column, "hours");
	for (size_t i = 0; i < s->n && epoch; i++)
		epoch = tin[i] >= WC_SERIES_EPOCH_MIN && tin[i] <= WC_SERIES_EPOCH_MAX;
	if (!epoch) {
		s->time_unit = "hours";
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		tin[i] /= 3600.0;
	s->iso = true;
	s->time_unit = "Unix epoch seconds, read as UTC times";
}

int wc_series_read(wc_series *s, const char *path, const wc_series_options *opt, wc_error *err)
{
	series_zero(s);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path,
				    strerror(errno));
	/* fopen() succeeds on a directory and the first read fails, which would
	 * read as an I/O fault (exit 1) rather than the user's mistake it is. */
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return wc_error_set(err, WC_EXIT_USAGE, "%s: is a directory, not a series", path);
	}
	int rc = wc_series_read_stream(s, fp, path, opt, err);
	fclose(fp);
	return rc;
}

/* One file being read: the header's columns and the points so far. */
struct reader {
	wc_series *s;
	const char *path;
	const wc_series_options *opt;
	int lineno;
	char *header; /* the header line; names[] point into it */
	char *names[MAX_FIELDS];
	int nfields, tcol, ccol, kcol;
	int iso; /* whether the rows give UTC times; -1 until the first row */
	double *tin;
	int *lines;
	size_t npts, tin_cap, lines_cap, y_cap;
};

/* Splits a line into f, saying which field's quotes are wrong if any. */
static int split_line(const struct reader *r, char *line, char **f, wc_error *err)
{
	int bad = 0, n = wc_csv_split(line, f, MAX_FIELDS, &bad);
	if (n < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: field %d: a quoted field must end with a quote "
				    "before the next comma or the line's end",
				    r->path, r->lineno, bad);
	return n;
}

/* The count column: the one asked for, else the first of the usual names,
 * else the first column that is neither the time nor the kind. */
static int choose_count_column(struct reader *r, wc_error *err)
{
	const char *want = r->opt->column;
	if (want) {
		r->ccol = find_column(r->names, r->nfields, want);
		if (r->ccol < 0 || r->ccol == r->tcol)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s:%d: column '%s': no such count column in the "
					    "header",
					    r->path, r->lineno, want);
		return 0;
	}
	static const char *pref[] = {"cumulative_infected", "cumulative_sources", "cumulative"};
	r->ccol = -1;
	for (int i = 0; i < 3 && r->ccol < 0; i++)
		r->ccol = find_column(r->names, r->nfields, pref[i]);
	for (int i = 0; i < r->nfields && r->ccol < 0; i++)
		if (i != r->tcol && i != r->kcol)
			r->ccol = i;
	if (r->ccol < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: no count column: the header names only '%s'", r->path,
				    r->lineno, r->names[r->tcol]);
	return 0;
}

static int read_header(struct reader *r, const char *line, wc_error *err)
{
	r->header = xstrdup(line);
	r->nfields = split_line(r, r->header, r->names, err);
	if (r->nfields < 0)
		return -1;
	if (r->nfields > MAX_FIELDS)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%d: more than %d columns", r->path,
				    r->lineno, MAX_FIELDS);
	if (header_is_numbers(r->names, r->nfields))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: the first line holds numbers, not column names: "
				    "add a header line such as 'time,infected'",
				    r->path, r->lineno);
	static const char *tnames[] = {"time", "hours", "t"};
	r->tcol = -1;
	for (int i = 0; i < 3 && r->tcol < 0; i++)
		r->tcol = find_column(r->names, r->nfields, tnames[i]);
	if (r->tcol < 0)
		r->tcol = 0;
	r->kcol = find_column(r->names, r->nfields, "kind");
	if (choose_count_column(r, err) != 0)
		return -1;
	if (r->opt->kind && r->kcol < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: --kind %s given, but the file has no 'kind' column",
				    r->path, r->lineno, r->opt->kind);
	r->s->time_column = xstrdup(r->names[r->tcol]);
	r->s->column = xstrdup(r->names[r->ccol]);
	return 0;
}

/* Whether the row of kind k is read: 1 yes, 0 skipped (another kind than
 * --kind), -1 a second kind in a file read without --kind. */
static int row_kind(struct reader *r, const char *k, wc_error *err)
{
	wc_series *s = r->s;
	if (r->opt->kind)
		return strcmp(k, r->opt->kind) == 0;
	if (s->kind == NULL)
		s->kind = xstrdup(k);
	else if (strcmp(s->kind, k) != 0)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s:%d: column 'kind': the file holds more than one kind ('%s', "
			"'%s'); choose one with --kind",
			r->path, r->lineno, s->kind, k);
	return 1;
}

/* The row's time in hours (since the epoch for a UTC time), in the same
 * form as the rows before. */
static int row_time(struct reader *r, const char *v, double *tv, wc_error *err)
{
	const char *name = r->names[r->tcol];
	wc_time inst;
	int row_iso = wc_time_parse(v, &inst) == 0;
	if (row_iso)
		*tv = (double)inst / 3600.0;
	else if (!parse_number(v, tv))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': expected an ISO 8601 UTC time or a number "
				    "of hours, got '%s'",
				    r->path, r->lineno, name, v);
	if (r->iso < 0)
		r->iso = row_iso;
	else if (r->iso != row_iso)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': '%s' mixes %s with the %s of the rows "
				    "before",
				    r->path, r->lineno, name, v, row_iso ? "a UTC time" : "hours",
				    r->iso ? "UTC times" : "hours");
	return 0;
}

static int read_row(struct reader *r, char *line, wc_error *err)
{
	char *f[MAX_FIELDS];
	int nf = split_line(r, line, f, err);
	if (nf < 0)
		return -1;
	if (nf != r->nfields)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%d: expected %d fields, got %d",
				    r->path, r->lineno, r->nfields, nf);
	if (r->kcol >= 0) {
		int take = row_kind(r, f[r->kcol], err);
		if (take <= 0)
			return take;
	}
	const char *count = f[r->ccol];
	if (count[0] == '\0')
		return 0; /* a missing count is a gap */
	double tv, yv;
	if (row_time(r, f[r->tcol], &tv, err) != 0)
		return -1;
	if (!parse_number(count, &yv) || yv < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': expected a non-negative count, got '%s'",
				    r->path, r->lineno, r->names[r->ccol], count);
	wc_series *s = r->s;
	WC_VEC_PUSH(r->tin, r->npts, r->tin_cap, tv);
	WC_VEC_RESERVE(r->lines, r->lines_cap, r->npts);
	WC_VEC_RESERVE(s->y, r->y_cap, r->npts);
	r->lines[r->npts - 1] = r->lineno;
	s->y[r->npts - 1] = yv;
	return 0;
}

/* The header, then the rows; blank lines and # comments (a fixture cites
 * its source) anywhere. */
static int read_lines(struct reader *r, FILE *fp, wc_error *err)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, fp) != -1) {
		r->lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		rc = r->header == NULL ? read_header(r, p, err) : read_row(r, p, err);
	}
	free(line);
	if (rc != 0)
		return rc;
	if (ferror(fp))
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: read error", r->path);
	if (r->header == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: empty: expected a CSV header and rows",
				    r->path);
	return 0;
}

int wc_series_read_stream(wc_series *s, FILE *fp, const char *path, const wc_series_options *opt,
			  wc_error *err)
{
	series_zero(s);
	s->path = xstrdup(path);
	struct reader r = {.s = s, .path = path, .opt = opt, .iso = -1};
	int rc = read_lines(&r, fp, err);
	if (rc == 0) {
		if (opt->kind) {
			free(s->kind);
			s->kind = xstrdup(opt->kind);
		}
		s->iso = r.iso == 1;
		s->n = r.npts;
		s->t = xmallocarray(r.npts + 1, sizeof *s->t);
		read_time_unit(s, r.tin);
		rc = series_finish(s, r.tin, r.lines, opt->counts, err);
	}
	free(r.header);
	free(r.tin);
	free(r.lines);
	if (rc != 0)
		wc_series_free(s);
	return rc;
}

double wc_series_input_hours(const wc_series *s, double t)
{
	return s->iso ? (double)s->epoch0 / 3600.0 + t : s->origin_h + t;
}

wc_time wc_series_instant(const wc_series *s, double t)
{
	return s->epoch0 + (wc_time)llround(t * 3600.0);
}
