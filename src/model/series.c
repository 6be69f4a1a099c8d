#include "model/series.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

/* Splits line in place at commas; trims blanks and one pair of double quotes
 * around each field. Returns the number of fields (at most max). */
static int split_csv(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		while (isspace((unsigned char)*p))
			p++;
		char *e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (e - p >= 2 && *p == '"' && e[-1] == '"') {
			e[-1] = '\0';
			p++;
		}
		if (n < max)
			f[n] = p;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

static bool parse_number(const char *s, double *v)
{
	char *end;
	errno = 0;
	if (*s == '\0')
		return false;
	*v = strtod(s, &end);
	return *end == '\0' && errno == 0 && isfinite(*v);
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

/*
 * Checks the collected points and decides cumulative or per-interval; lines[]
 * holds each point's line number for the messages. tin[] are the input times
 * in hours (iso: hours since the epoch).
 */
static int series_finish(wc_series *s, const double *tin, const int *lines, wc_counts told,
			 wc_error *err)
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

	size_t down = 0; /* first point lower than its predecessor, 0 if none */
	for (size_t i = 1; i < s->n && down == 0; i++)
		if (s->y[i] < s->y[i - 1])
			down = i;

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

	double span = tin[s->n - 1] - tin[0];
	if (span > WC_SERIES_MAX_SPAN)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': the times span %.6g %s, more than a "
				    "century; give hours, ISO 8601 UTC times or Unix epoch seconds "
				    "(in a column not named 'hours')",
				    file, lines[s->n - 1], s->time_column, span, "hours");
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

int wc_series_read_stream(wc_series *s, FILE *fp, const char *path, const wc_series_options *opt,
			  wc_error *err)
{
	series_zero(s);
	s->path = xstrdup(path);

	char *line = NULL, *header = NULL;
	size_t cap = 0, npts = 0, ptscap = 64;
	int lineno = 0, nfields = 0, tcol = -1, ccol = -1, kcol = -1, rc = -1;
	char *names[MAX_FIELDS], *f[MAX_FIELDS];
	double *tin = xmallocarray(ptscap, sizeof *tin);
	int *lines = xmallocarray(ptscap, sizeof *lines);
	s->t = xmallocarray(ptscap, sizeof *s->t);
	s->y = xmallocarray(ptscap, sizeof *s->y);
	int iso = -1; /* unknown until the first row */

	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue; /* blank lines and comments (a fixture cites its source) */
		if (header == NULL) {
			header = xstrdup(p);
			nfields = split_csv(header, names, MAX_FIELDS);
			if (nfields > MAX_FIELDS) {
				wc_error_set(err, WC_EXIT_USAGE, "%s:%d: more than %d columns",
					     path, lineno, MAX_FIELDS);
				goto out;
			}
			if (header_is_numbers(names, nfields)) {
				wc_error_set(
					err, WC_EXIT_USAGE,
					"%s:%d: the first line holds numbers, not column names: "
					"add a header line such as 'time,infected'",
					path, lineno);
				goto out;
			}
			tcol = find_column(names, nfields, "time");
			if (tcol < 0)
				tcol = find_column(names, nfields, "hours");
			if (tcol < 0)
				tcol = find_column(names, nfields, "t");
			if (tcol < 0)
				tcol = 0;
			kcol = find_column(names, nfields, "kind");
			if (opt->column) {
				ccol = find_column(names, nfields, opt->column);
				if (ccol < 0 || ccol == tcol) {
					wc_error_set(err, WC_EXIT_USAGE,
						     "%s:%d: column '%s': no such count column in "
						     "the header",
						     path, lineno, opt->column);
					goto out;
				}
			} else {
				static const char *pref[] = {"cumulative_infected",
							     "cumulative_sources", "cumulative"};
				for (int i = 0; i < 3 && ccol < 0; i++)
					ccol = find_column(names, nfields, pref[i]);
				for (int i = 0; i < nfields && ccol < 0; i++)
					if (i != tcol && i != kcol)
						ccol = i;
				if (ccol < 0) {
					wc_error_set(
						err, WC_EXIT_USAGE,
						"%s:%d: no count column: the header names only "
						"'%s'",
						path, lineno, names[tcol]);
					goto out;
				}
			}
			if (opt->kind && kcol < 0) {
				wc_error_set(err, WC_EXIT_USAGE,
					     "%s:%d: --kind %s given, but the file has no 'kind' "
					     "column",
					     path, lineno, opt->kind);
				goto out;
			}
			s->time_column = xstrdup(names[tcol]);
			s->column = xstrdup(names[ccol]);
			continue;
		}
		int nf = split_csv(p, f, MAX_FIELDS);
		if (nf != nfields) {
			wc_error_set(err, WC_EXIT_USAGE, "%s:%d: expected %d fields, got %d", path,
				     lineno, nfields, nf);
			goto out;
		}
		if (kcol >= 0) {
			if (opt->kind) {
				if (strcmp(f[kcol], opt->kind) != 0)
					continue;
			} else if (s->kind == NULL) {
				s->kind = xstrdup(f[kcol]);
			} else if (strcmp(s->kind, f[kcol]) != 0) {
				wc_error_set(err, WC_EXIT_USAGE,
					     "%s:%d: column 'kind': the file holds more than one "
					     "kind ('%s', '%s'); choose one with --kind",
					     path, lineno, s->kind, f[kcol]);
				goto out;
			}
		}
		if (f[ccol][0] == '\0')
			continue; /* a missing count is a gap */
		double tv, yv;
		wc_time inst;
		int row_iso = wc_time_parse(f[tcol], &inst) == 0;
		if (row_iso)
			tv = (double)inst / 3600.0;
		else if (!parse_number(f[tcol], &tv)) {
			wc_error_set(
				err, WC_EXIT_USAGE,
				"%s:%d: column '%s': expected an ISO 8601 UTC time or a number "
				"of hours, got '%s'",
				path, lineno, names[tcol], f[tcol]);
			goto out;
		}
		if (iso < 0)
			iso = row_iso;
		else if (iso != row_iso) {
			wc_error_set(err, WC_EXIT_USAGE,
				     "%s:%d: column '%s': '%s' mixes %s with the %s of the rows "
				     "before",
				     path, lineno, names[tcol], f[tcol],
				     row_iso ? "a UTC time" : "hours", iso ? "UTC times" : "hours");
			goto out;
		}
		if (!parse_number(f[ccol], &yv) || yv < 0) {
			wc_error_set(err, WC_EXIT_USAGE,
				     "%s:%d: column '%s': expected a non-negative count, got '%s'",
				     path, lineno, names[ccol], f[ccol]);
			goto out;
		}
		if (npts == ptscap) {
			ptscap *= 2;
			tin = xreallocarray(tin, ptscap, sizeof *tin);
			lines = xreallocarray(lines, ptscap, sizeof *lines);
			s->t = xreallocarray(s->t, ptscap, sizeof *s->t);
			s->y = xreallocarray(s->y, ptscap, sizeof *s->y);
		}
		tin[npts] = tv;
		lines[npts] = lineno;
		s->y[npts] = yv;
		npts++;
	}
	if (ferror(fp)) {
		wc_error_set(err, WC_EXIT_RUNTIME, "%s: read error", path);
		goto out;
	}
	if (header == NULL) {
		wc_error_set(err, WC_EXIT_USAGE, "%s: empty: expected a CSV header and rows", path);
		goto out;
	}
	if (opt->kind) {
		free(s->kind);
		s->kind = xstrdup(opt->kind);
	}
	s->iso = iso == 1;
	s->n = npts;
	read_time_unit(s, tin);
	rc = series_finish(s, tin, lines, opt->counts, err);
out:
	free(line);
	free(header);
	free(tin);
	free(lines);
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
