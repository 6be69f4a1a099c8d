#include "api/api.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/num.h"
#include "core/utc.h"
#include "core/xalloc.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/timeline.h"

wormcast_timeline *wc_api_timeline_new(const char *const *names, size_t ncol)
{
	wormcast_timeline *tl = xcalloc(1, sizeof *tl);
	tl->ncol = ncol;
	tl->name = xmallocarray(ncol ? ncol : 1, sizeof *tl->name);
	for (size_t j = 0; j < ncol; j++)
		tl->name[j] = xstrdup(names[j]);
	return tl;
}

void wc_api_timeline_push(wormcast_timeline *tl, int64_t t, const double *v)
{
	if (tl->n == tl->cap) {
		tl->cap = tl->cap ? 2 * tl->cap : 64;
		tl->time = xreallocarray(tl->time, tl->cap, sizeof *tl->time);
		tl->v = xreallocarray(tl->v, tl->cap, (tl->ncol ? tl->ncol : 1) * sizeof *tl->v);
	}
	tl->time[tl->n] = t;
	if (tl->ncol > 0)
		memcpy(tl->v + tl->n * tl->ncol, v, tl->ncol * sizeof *v);
	tl->n++;
}

void wormcast_timeline_free(wormcast_timeline *tl)
{
	if (tl == NULL)
		return;
	for (size_t j = 0; j < tl->ncol; j++)
		free(tl->name[j]);
	free(tl->name);
	free(tl->time);
	free(tl->v);
	free(tl);
}

size_t wormcast_timeline_rows(const wormcast_timeline *tl)
{
	return tl ? tl->n : 0;
}

size_t wormcast_timeline_columns(const wormcast_timeline *tl)
{
	return tl ? tl->ncol : 0;
}

const char *wormcast_timeline_column_name(const wormcast_timeline *tl, size_t col)
{
	return tl && col < tl->ncol ? tl->name[col] : NULL;
}

long wormcast_timeline_find(const wormcast_timeline *tl, const char *name)
{
	for (size_t j = 0; tl && name && j < tl->ncol; j++)
		if (strcmp(tl->name[j], name) == 0)
			return (long)j;
	return -1;
}

int64_t wormcast_timeline_time(const wormcast_timeline *tl, size_t row)
{
	return tl && row < tl->n ? tl->time[row] : 0;
}

double wormcast_timeline_value(const wormcast_timeline *tl, size_t row, size_t col)
{
	if (tl == NULL || row >= tl->n || col >= tl->ncol)
		return NAN;
	return tl->v[row * tl->ncol + col];
}

/* The simulator's timeline as a public one: the columns of
 * WC_TIMELINE_COLUMNS, in their order. */
static wormcast_timeline *from_sim(const wc_timeline *st)
{
	size_t nc = wc_timeline_ncolumns;
	const char **names = xmallocarray(nc, sizeof *names);
	for (size_t j = 0; j < nc; j++)
		names[j] = wc_timeline_columns[j].name;
	wormcast_timeline *tl = wc_api_timeline_new(names, nc);
	free(names);
	double *v = xmallocarray(nc, sizeof *v);
	for (size_t i = 0; i < st->n; i++) {
		const char *row = (const char *)&st->rows[i];
		for (size_t j = 0; j < nc; j++) {
			uint64_t x;
			memcpy(&x, row + wc_timeline_columns[j].offset, sizeof x);
			v[j] = (double)x;
		}
		wc_api_timeline_push(tl, st->rows[i].time, v);
	}
	free(v);
	return tl;
}

int wormcast_run(const char *scenario, const char *const *overrides, size_t noverrides,
		 uint64_t seed, int threads, wormcast_timeline **out, wormcast_error *err)
{
	wc_error e = {0};
	wc_api_clear(err);
	*out = NULL;
	if (scenario == NULL || (noverrides > 0 && overrides == NULL) || threads < 0) {
		wc_error_set(&e, WC_EXIT_USAGE,
			     "wormcast_run: expected a scenario, overrides for noverrides > 0 "
			     "and threads >= 0");
		return wc_api_error(err, &e);
	}
	wc_scenario *sc = xmalloc(sizeof *sc);
	wc_scenario_init(sc);
	if (wc_scenario_load(sc, scenario, &e) == 0)
		for (size_t i = 0; i < noverrides && e.code == 0; i++)
			wc_scenario_set(sc, overrides[i], &e);
	if (e.code == 0)
		wc_scenario_finish(sc, &e);
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.seed = seed;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	opt.threads = threads > 0 ? threads : ncpu > 0 ? (int)ncpu : 1;
	wc_run_result res = {0};
	if (e.code == 0 && wc_simulate(sc, &opt, &res, &e) == 0) {
		*out = from_sim(&res.timeline);
		wc_run_result_free(&res);
	}
	free(sc);
	return *out != NULL ? WORMCAST_OK : wc_api_error(err, &e);
}
