#include "report/ensemble.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/xalloc.h"
#include "report/validation.h"

void wc_ensemble_init(wc_ensemble *e, uint64_t first_seed, size_t seeds)
{
	*e = (wc_ensemble){.first_seed = first_seed, .seeds = seeds};
}

void wc_ensemble_free(wc_ensemble *e)
{
	free(e->times);
	free(e->values);
	*e = (wc_ensemble){0};
}

/* The first timeline fixes the row times and sizes the store. */
static void ensemble_shape(wc_ensemble *e, const wc_timeline *tl)
{
	e->rows = tl->n;
	e->times = xmallocarray(tl->n ? tl->n : 1, sizeof *e->times);
	for (size_t i = 0; i < tl->n; i++)
		e->times[i] = tl->rows[i].time;
	/* xmallocarray checks count * size; rows * columns is checked here. */
	e->cols = wc_timeline_width(tl);
	wc_timeline_init(&e->names);
	e->names.nsensors = tl->nsensors;
	memcpy(e->names.sensor_name, tl->sensor_name, sizeof tl->sensor_name);
	size_t cells = tl->n * e->cols;
	if (tl->n != 0 && cells / tl->n != e->cols)
		xalloc_die(SIZE_MAX);
	e->values = xmallocarray(cells ? cells : 1, e->seeds * sizeof *e->values);
}

int wc_ensemble_add(wc_ensemble *e, const wc_timeline *tl, wc_error *err)
{
	if (e->added >= e->seeds || e->sorted)
		return wc_error_set(err, WC_EXIT_RUNTIME, "ensemble: more timelines than seeds");
	if (e->added == 0)
		ensemble_shape(e, tl);
	else if (tl->n != e->rows || wc_timeline_width(tl) != e->cols)
		return wc_error_set(err, WC_EXIT_RUNTIME,
				    "ensemble: a seed's timeline has %zu rows and %zu columns, the "
				    "first had %zu and %zu",
				    tl->n, wc_timeline_width(tl), e->rows, e->cols);
	size_t nc = e->cols;
	for (size_t r = 0; r < tl->n; r++) {
		if (tl->rows[r].time != e->times[r])
			return wc_error_set(err, WC_EXIT_RUNTIME,
					    "ensemble: a seed's row %zu has another time", r);
		for (size_t c = 0; c < nc; c++)
			e->values[(r * nc + c) * e->seeds + e->added] =
				(double)wc_timeline_value(&tl->rows[r], c);
	}
	e->added++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double wc_ensemble_quantile(wc_ensemble *e, size_t row, size_t col, double p)
{
	size_t nc = e->cols;
	if (!e->sorted) {
		for (size_t k = 0; k < e->rows * nc; k++)
			qsort(e->values + k * e->seeds, e->added, sizeof *e->values, cmp_double);
		e->sorted = true;
	}
	return wc_quantile(e->values + (row * nc + col) * e->seeds, e->added, p);
}

int wc_ensemble_parse_quantiles(const char *s, double *q, size_t *nq, wc_error *err)
{
	const char *p = s;
	*nq = 0;
	for (;;) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno != 0 || (*end != ',' && *end != '\0') || !(v > 0 && v < 1))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--quantiles: expected numbers strictly between 0 and "
					    "1, comma-separated, got '%s'",
					    s);
		if (*nq > 0 && !(v > q[*nq - 1]))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--quantiles: must increase, each once, got '%s'", s);
		if (*nq == WC_ENSEMBLE_MAX_QUANTILES)
			return wc_error_set(err, WC_EXIT_USAGE, "--quantiles: at most %d, got '%s'",
					    WC_ENSEMBLE_MAX_QUANTILES, s);
		q[(*nq)++] = v;
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

/* The shortest of %.15g and %.17g that reads back as v: counts stay
 * integers, and an interpolated value is not padded with noise digits. */
static void format_value(double v, char *buf, size_t len)
{
	snprintf(buf, len, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, len, "%.17g", v);
}

static int quantiles_stream(FILE *out, wc_ensemble *e, const double *q, size_t nq)
{
	if (fputs("time,column,quantile,value\n", out) == EOF)
		return -1;
	for (size_t r = 0; r < e->rows; r++) {
		char t[24], qs[40], vs[40];
		wc_time_format(e->times[r], t);
		for (size_t c = 0; c < e->cols; c++)
			for (size_t k = 0; k < nq; k++) {
				char name[128];
				wc_timeline_name(&e->names, c, name, sizeof name);
				format_value(q[k], qs, sizeof qs);
				format_value(wc_ensemble_quantile(e, r, c, q[k]), vs, sizeof vs);
				if (fprintf(out, "%s,%s,%s,%s\n", t, name, qs, vs) < 0)
					return -1;
			}
	}
	return ferror(out) ? -1 : 0;
}

int wc_report_write_quantiles_csv(const char *path, wc_ensemble *e, const double *q, size_t nq,
				  wc_error *err)
{
	wc_atomic_file f;

	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	errno = 0;
	if (quantiles_stream(f.fp, e, q, nq) != 0)
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}

int wc_timeline_column_index(const char *name)
{
	for (size_t c = 0; c < wc_timeline_ncolumns; c++)
		if (strcmp(wc_timeline_columns[c].name, name) == 0)
			return (int)c;
	return -1;
}
