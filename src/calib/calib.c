/*
 * Calibration glue (calib.h): priors on scenario keys, the batch of
 * simulations through the ensemble scheduler (threads, MPI ranks), and the
 * posterior predictive.
 */
#include "calib/calib.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "model/wis.h"

void wc_calib_init(wc_calib *c, const wc_scenario *base, const wc_observations *obs,
		   enum wc_engine engine, int threads)
{
	memset(c, 0, sizeof *c);
	c->base = *base;
	c->obs = obs;
	c->engine = engine;
	c->threads = threads < 1 ? 1 : threads;
	c->comm = NULL;
	c->until = obs ? obs->last : base->end;
}

/* "key=value" with value as the key takes it (a whole number for integer
 * keys). */
static int set_value(wc_scenario *sc, const char *key, double v, wc_error *err)
{
	char a[WC_CALIB_KEY_MAX + 64];
	if (wc_scenario_key_is_integer(key))
		snprintf(a, sizeof a, "%s=%.0f", key, nearbyint(v) + 0.0);
	else
		snprintf(a, sizeof a, "%s=%.17g", key, v + 0.0);
	return wc_scenario_set(sc, a, err);
}

/* wc_scenario_set's messages start "--set: "; here the option is --prior. */
static const char *strip_set(const char *msg)
{
	return strncmp(msg, "--set: ", 7) == 0 ? msg + 7 : msg;
}

/* The scenario with key at v must load and finish. */
static int probe(const wc_calib *c, const char *key, const char *spec, double v, wc_error *err)
{
	wc_scenario *sc = xmalloc(sizeof *sc);
	*sc = c->base;
	wc_error e = {0};
	if (set_value(sc, key, v, &e) == 0)
		wc_scenario_finish(sc, &e);
	free(sc);
	if (e.code == 0)
		return 0;
	const char *msg = strip_set(e.msg);
	if (strncmp(msg, "unknown ", 8) == 0)
		return wc_error_set(err, WC_EXIT_USAGE, "--prior %s: %s", spec, msg);
	return wc_error_set(err, WC_EXIT_USAGE,
			    "--prior %s: the prior's support reaches %.17g, outside the key's "
			    "range: %s",
			    spec, v, msg);
}

int wc_calib_add_prior(wc_calib *c, const char *spec, wc_error *err)
{
	const char *eq = strchr(spec, '=');
	size_t klen = eq ? (size_t)(eq - spec) : 0;
	if (eq == NULL || klen == 0 || klen >= WC_CALIB_KEY_MAX || memchr(spec, ' ', klen))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--prior '%.80s': expected section.key=DIST, DIST one of "
				    "uniform(a,b), loguniform(a,b), normal(m,s), int-uniform(a,b)",
				    spec);
	if (c->d == WC_ABC_MAX_PARAMS)
		return wc_error_set(err, WC_EXIT_USAGE, "--prior: at most %d", WC_ABC_MAX_PARAMS);
	char key[WC_CALIB_KEY_MAX];
	memcpy(key, spec, klen);
	key[klen] = '\0';
	for (size_t i = 0; i < c->d; i++)
		if (strcmp(c->keys[i], key) == 0)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--prior %s: the key has two priors", key);
	wc_prior p;
	wc_error e = {0};
	if (wc_prior_parse(eq + 1, &p, &e) != 0)
		return wc_error_set(err, WC_EXIT_USAGE, "--prior %s: %s", key, e.msg);
	if (wc_scenario_key_is_integer(key))
		p.integer = true;
	double lo, hi;
	wc_prior_support(&p, &lo, &hi);
	if (p.kind == WC_PRIOR_NORMAL) {
		lo = p.a - 3 * p.b;
		hi = p.a + 3 * p.b;
	}
	if (probe(c, key, spec, lo, err) != 0 || probe(c, key, spec, hi, err) != 0)
		return -1;
	snprintf(c->keys[c->d], sizeof c->keys[c->d], "%s", key);
	c->priors[c->d++] = p;
	return 0;
}

int wc_calib_scenario(const wc_calib *c, const double *theta, wc_scenario *out, wc_error *err)
{
	*out = c->base;
	for (size_t k = 0; k < c->d; k++)
		if (set_value(out, c->keys[k], theta[k], err) != 0)
			return -1;
	return wc_scenario_finish(out, err);
}

/* One batch's jobs as the scheduler sees them. */
struct calib_jobs {
	const wc_calib *c;
	const double *theta;
	const uint64_t *seeds;
	wc_time until;
	wc_calib_measure_fn measure;
	void *mctx;
	size_t nout;
};

static int calib_job(void *ctx, uint64_t j, double *slot, wc_error *err)
{
	const struct calib_jobs *x = ctx;
	const wc_calib *c = x->c;
	wc_scenario *sc = xmalloc(sizeof *sc);
	wc_error e = {0};
	if (wc_calib_scenario(c, x->theta + (size_t)j * c->d, sc, &e) != 0) {
		for (size_t k = 0; k < x->nout; k++)
			slot[k] = INFINITY; /* outside what the scenario allows */
		free(sc);
		return 0;
	}
	wc_run_options o;
	wc_run_options_init(&o);
	o.seed = x->seeds[j];
	o.engine = c->engine;
	o.threads = 1;
	o.until = x->until;
	o.until_set = true;
	wc_run_result res;
	int rc = wc_simulate(sc, &o, &res, &e);
	if (rc == 0) {
		x->measure(x->mctx, sc, &res.timeline, slot);
		wc_run_result_free(&res);
	} else {
		wc_error_set(err, e.code, "simulation %" PRIu64 " (seed %" PRIu64 "): %s", j,
			     x->seeds[j], e.msg);
	}
	free(sc);
	return rc == 0 ? 0 : -1;
}

int wc_calib_run_jobs(const wc_calib *c, size_t n, const double *theta, const uint64_t *seeds,
		      wc_time until, wc_calib_measure_fn measure, void *mctx, size_t nout,
		      double *out, wc_error *err)
{
	struct calib_jobs x = {c, theta, seeds, until, measure, mctx, nout};
	wc_sched_opts o;
	wc_sched_opts_init(&o);
	o.comm = c->comm;
	o.threads = c->threads;
	/* Jobs differ in cost (a larger population runs longer): small batches
	 * keep every rank busy to the end of a generation. */
	o.batch = 8;
	int rc = wc_sched_run(&o, n, nout, calib_job, &x, out, err);
	/* Every rank goes on with rank 0's outcome and rank 0's numbers, so the
	 * ABC algorithm takes the same steps on all of them. */
	int code = wc_sched_agree(c->comm, rc == 0 ? 0 : (err->code ? err->code : WC_EXIT_RUNTIME));
	if (code != 0) {
		if (err->code == 0)
			wc_error_set(err, code, "the simulations failed on rank 0");
		return -1;
	}
	return wc_sched_bcast(c->comm, out, n * nout * sizeof *out, err);
}

static void measure_distance(void *ctx, const wc_scenario *sc, const wc_timeline *tl, double *out)
{
	const wc_calib *c = ctx;
	*out = wc_observations_distance(c->obs, tl, sc->interval);
}

int wc_calib_batch(void *ctx, size_t n, size_t d, const double *theta, const uint64_t *seeds,
		   double *distance, wc_error *err)
{
	const wc_calib *c = ctx;
	(void)d;
	return wc_calib_run_jobs(c, n, theta, seeds, c->until, measure_distance, ctx, 1, distance,
				 err);
}

/* ---- the posterior predictive ---- */

struct grid {
	const wc_calib *c;
	size_t ntimes;
	const wc_time *times;
};

static void measure_grid(void *ctx, const wc_scenario *sc, const wc_timeline *tl, double *out)
{
	const struct grid *g = ctx;
	const wc_observations *o = g->c->obs;
	for (size_t i = 0; i < g->ntimes; i++)
		for (size_t k = 0; k < o->ncols; k++)
			out[i * o->ncols + k] =
				wc_observations_simulated(o, k, g->times[i], tl, sc->interval);
}

int wc_calib_predict(const wc_calib *c, const wc_abc_result *res, wc_time until,
		     wc_calib_predictive *pred, wc_error *err)
{
	memset(pred, 0, sizeof *pred);
	const wc_observations *o = c->obs;
	int64_t step = o->width ? o->width : c->base.interval;
	size_t nt = (size_t)((until - o->first) / step) + 1;
	pred->ntimes = nt;
	pred->ncols = o->ncols;
	pred->times = xmallocarray(nt, sizeof *pred->times);
	for (size_t i = 0; i < nt; i++)
		pred->times[i] = o->first + (wc_time)i * step;
	size_t nout = nt * o->ncols;
	double *out = xmallocarray(res->n, nout * sizeof *out);
	struct grid g = {c, nt, pred->times};
	if (wc_calib_run_jobs(c, res->n, res->theta, res->seeds, until, measure_grid, &g, nout, out,
			      err) != 0) {
		free(out);
		wc_calib_predictive_free(pred);
		return -1;
	}
	double levels[WC_HUB_LEVELS];
	wc_hub_levels(levels);
	pred->q = xmallocarray(nout, WC_HUB_LEVELS * sizeof *pred->q);
	double *x = xmallocarray(res->n, sizeof *x);
	for (size_t cell = 0; cell < nout; cell++) {
		for (size_t i = 0; i < res->n; i++)
			x[i] = out[i * nout + cell];
		for (int l = 0; l < WC_HUB_LEVELS; l++)
			pred->q[cell * WC_HUB_LEVELS + l] =
				wc_weighted_quantile(x, res->weight, res->n, levels[l]);
	}
	free(x);
	free(out);
	return 0;
}

void wc_calib_predictive_free(wc_calib_predictive *p)
{
	free(p->times);
	free(p->q);
	memset(p, 0, sizeof *p);
}
