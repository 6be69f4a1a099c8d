#include "api/api.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/num.h"
#include "core/utc.h"
#include "core/xalloc.h"

/* Timelines are tables of at most this many columns (the simulator's has
 * 23, detect's a few per kind). */
#define MAX_FIELDS 512

/* Reads the next line that is neither blank nor a '#' comment into *line
 * (newline removed); its number in *lineno. 0 at end of file. */
static int next_line(FILE *fp, char **line, size_t *cap, long *lineno)
{
	ssize_t len;
	while ((len = getline(line, cap, fp)) >= 0) {
		++*lineno;
		while (len > 0 && ((*line)[len - 1] == '\n' || (*line)[len - 1] == '\r'))
			(*line)[--len] = '\0';
		if (len > 0 && (*line)[0] != '#')
			return 1;
	}
	return 0;
}

/* The time cell: ISO 8601 UTC or Unix seconds. */
static int parse_time(const char *s, int64_t *t)
{
	if (wc_time_parse(s, t) == 0)
		return 0;
	return wc_num_i64(s, INT64_MIN / 2, INT64_MAX / 2, t) == WC_NUM_OK ? 0 : -1;
}

/* One data row into tl; -1 with e set naming path:lineno and the column. */
static int read_row(wormcast_timeline *tl, char *line, char **f, double *v, const char *path,
		    long lineno, wc_error *e)
{
	int bad = 0;
	int nf = wc_csv_split(line, f, MAX_FIELDS, &bad);
	if (nf < 0)
		return wc_error_set(e, WC_EXIT_USAGE, "%s:%ld: field %d: unclosed or stray quote",
				    path, lineno, bad);
	if ((size_t)nf != tl->ncol + 1)
		return wc_error_set(e, WC_EXIT_USAGE,
				    "%s:%ld: expected %zu fields as the header has, got %d", path,
				    lineno, tl->ncol + 1, nf);
	int64_t t;
	if (parse_time(f[0], &t) != 0)
		return wc_error_set(e, WC_EXIT_USAGE,
				    "%s:%ld: column 'time': expected an ISO 8601 UTC time or Unix "
				    "seconds, got '%.64s'",
				    path, lineno, f[0]);
	for (size_t j = 0; j < tl->ncol; j++) {
		const char *s = f[j + 1];
		wc_num_status st = *s ? wc_num_double(s, -DBL_MAX, DBL_MAX, &v[j]) : WC_NUM_OK;
		if (*s == '\0')
			v[j] = NAN;
		if (st != WC_NUM_OK)
			return wc_error_set(
				e, WC_EXIT_USAGE,
				"%s:%ld: column '%s': expected a number, got '%.64s' (%s)", path,
				lineno, tl->name[j], s, wc_num_status_text(st));
	}
	wc_api_timeline_push(tl, t, v);
	return 0;
}

/* The header line, then every row; *out on success. */
static int read_table(FILE *fp, const char *path, wormcast_timeline **out, wc_error *e)
{
	char *line = NULL, **f = xmallocarray(MAX_FIELDS, sizeof *f);
	size_t cap = 0;
	long lineno = 0;
	int bad = 0, nf = 0;
	if (!next_line(fp, &line, &cap, &lineno))
		wc_error_set(e, WC_EXIT_USAGE, "%s: no header line: expected a CSV table", path);
	else if ((nf = wc_csv_split(line, f, MAX_FIELDS, &bad)) < 2 || nf > MAX_FIELDS)
		wc_error_set(e, WC_EXIT_USAGE,
			     "%s:%ld: header: expected a time column and 1 to %d value columns, "
			     "got %d fields",
			     path, lineno, MAX_FIELDS - 1, nf);
	wormcast_timeline *tl = NULL;
	if (e->code == 0) {
		tl = wc_api_timeline_new((const char *const *)f + 1, (size_t)nf - 1);
		double *v = xmallocarray(tl->ncol, sizeof *v);
		while (e->code == 0 && next_line(fp, &line, &cap, &lineno))
			read_row(tl, line, f, v, path, lineno, e);
		free(v);
		if (e->code == 0 && ferror(fp))
			wc_error_set(e, WC_EXIT_RUNTIME, "%s: read error", path);
	}
	free(line);
	free(f);
	if (e->code != 0) {
		wormcast_timeline_free(tl);
		return -1;
	}
	*out = tl;
	return 0;
}

int wormcast_timeline_read(const char *path, wormcast_timeline **out, wormcast_error *err)
{
	wc_error e = {0};
	wc_api_clear(err);
	*out = NULL;
	FILE *fp = path ? fopen(path, "r") : NULL;
	if (fp == NULL) {
		wc_error_set(&e, WC_EXIT_USAGE, "cannot open '%s': %s", path ? path : "(null)",
			     path ? strerror(errno) : "no path");
		return wc_api_error(err, &e);
	}
	int rc = read_table(fp, path, out, &e);
	fclose(fp);
	return rc == 0 ? WORMCAST_OK : wc_api_error(err, &e);
}
