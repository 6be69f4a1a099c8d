#include "model/forecast.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Steps of the scans for the figures: a coarse one over the whole span to
 * find the outbreak, a fine one over it (to 1/1000 of 1.25 t90). */
#define COARSE_STEPS 400
#define SCAN_STEPS   1000

enum { F_EVENTUAL, F_PEAK_RATE, F_PEAK_TIME, F_T50, F_T90, F_COUNT };

/* A step for integrating to time T: the fit's own, or coarser over long
 * spans (rk8pd stays accurate far beyond the fit's step). */
/* An integration step for a span of T hours cut into `steps` outputs: the
 * fit's own, or coarser (rk8pd stays accurate far beyond the fit's step). */
static double step_for(double h, double T, int steps)
{
	return fmax(h, T / steps);
}

/* One pass over [0, T] in `steps` steps: the largest rate and where, and
 * the first crossings of 50% and 90% of ev. */
static int scan(const wc_fit *f, const double *p, double T, int steps, double ev, double *tg,
		double *cg, double *best_out, double *tbest_out, double *t50_out, double *t90_out)
{
	for (int i = 0; i <= steps; i++)
		tg[i] = T * i / steps;
	if (wc_model_cumulative(f->model, p, tg, (size_t)steps + 1, step_for(f->h, T, steps), cg) !=
	    0)
		return -1;
	double best = -INFINITY, tbest = 0, t50 = NAN, t90 = NAN;
	for (int i = 0; i < steps; i++) {
		double rate = (cg[i + 1] - cg[i]) / (tg[i + 1] - tg[i]);
		if (rate > best) {
			best = rate;
			tbest = 0.5 * (tg[i] + tg[i + 1]);
		}
		/* First crossing, linearly interpolated within the step. */
		for (int q = 0; q < 2; q++) {
			double *tq = q ? &t90 : &t50, level = (q ? 0.9 : 0.5) * ev;
			if (isnan(*tq) && cg[i] < level && cg[i + 1] >= level)
				*tq = tg[i] +
				      (level - cg[i]) / (cg[i + 1] - cg[i]) * (tg[i + 1] - tg[i]);
			else if (isnan(*tq) && i == 0 && cg[0] >= level)
				*tq = 0;
		}
	}
	*best_out = best;
	*tbest_out = tbest;
	*t50_out = t50;
	*t90_out = t90;
	return 0;
}

/* The five figures of parameters p; -1 if p does not evaluate. */
static int figures(const wc_fit *f, const double *p, double t_end, double out[F_COUNT], double *tg,
		   double *cg)
{
	wc_model_kind k = f->model;
	double T = fmax(t_end, 1e-6), c2[2];
	for (;;) {
		double tt[2] = {T, 2 * T};
		if (wc_model_cumulative(k, p, tt, 2, step_for(f->h, 2 * T, COARSE_STEPS), c2) != 0)
			return -1;
		T *= 2;
		if (c2[1] - c2[0] <= 1e-4 * fmax(c2[0], 1) || T >= WC_FORECAST_MAX_HOURS)
			break;
	}
	double ev = k == WC_MODEL_RCS ? p[0] : c2[1];
	double best = -INFINITY, tbest = 0, t50 = NAN, t90 = NAN;
	if (scan(f, p, T, COARSE_STEPS, ev, tg, cg, &best, &tbest, &t50, &t90) != 0)
		return -1;
	if (isfinite(t90)) {
		/* The coarse t90 may be late by a step; 1.25 t90 covers it. */
		T = fmin(T, fmax(1.25 * t90 + T / COARSE_STEPS, 1e-6));
		if (scan(f, p, T, SCAN_STEPS, ev, tg, cg, &best, &tbest, &t50, &t90) != 0)
			return -1;
	}
	out[F_EVENTUAL] = ev;
	out[F_PEAK_RATE] = best;
	out[F_PEAK_TIME] = tbest;
	out[F_T50] = t50;
	out[F_T90] = t90;
	for (int i = 0; i < F_COUNT; i++)
		if (!isfinite(out[i]))
			return -1;
	/* A curve that ends below zero is no outbreak: no figures from it. */
	return ev > 0 ? 0 : -1;
}

/* Cholesky factor L (lower, row-major) of the k×k matrix a; -1 if a is not
 * positive definite. k is at most 6: no library call is worth its error
 * handler here. */
static int cholesky(const double *a, int k, double *L)
{
	memset(L, 0, sizeof(double) * (size_t)(k * k));
	for (int i = 0; i < k; i++)
		for (int j = 0; j <= i; j++) {
			double sum = a[i * k + j];
			for (int m = 0; m < j; m++)
				sum -= L[i * k + m] * L[j * k + m];
			if (i == j) {
				if (!(sum > 0))
					return -1;
				L[i * k + i] = sqrt(sum);
			} else {
				L[i * k + j] = sum / L[j * k + j];
			}
		}
	return 0;
}

static void quantiles(double *v, size_t n, double *lo, double *hi)
{
	if (n < 2) {
		*lo = *hi = NAN;
		return;
	}
	gsl_sort(v, 1, n);
	*lo = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.025);
	*hi = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.975);
}

void wc_forecast_free(wc_forecast *fc)
{
	free(fc->t);
	free(fc->fit);
	free(fc->lo);
	free(fc->hi);
	free(fc->plo);
	free(fc->phi);
	memset(fc, 0, sizeof *fc);
}

/* The grid from the origin (per-interval: one width) to t_end, the fitted
 * curve on it, every band and figure NaN. */
static int forecast_grid(const wc_series *s, const wc_fit *f, double t_end, wc_forecast *fc)
{
	size_t G = WC_FORECAST_GRID;
	fc->t_end = t_end;
	fc->npts = G;
	fc->t = xmallocarray(G, sizeof *fc->t);
	fc->fit = xmallocarray(G, sizeof *fc->fit);
	fc->lo = xmallocarray(G, sizeof *fc->lo);
	fc->hi = xmallocarray(G, sizeof *fc->hi);
	fc->plo = xmallocarray(G, sizeof *fc->plo);
	fc->phi = xmallocarray(G, sizeof *fc->phi);
	double t0 = s->counts == WC_COUNTS_INTERVAL ? s->width : 0;
	for (size_t i = 0; i < G; i++) {
		fc->t[i] = t0 + (fc->t_end - t0) * (double)i / (double)(G - 1);
		fc->lo[i] = fc->hi[i] = fc->plo[i] = fc->phi[i] = NAN;
	}
	wc_estimate *est[F_COUNT] = {&fc->eventual, &fc->peak_rate, &fc->peak_time, &fc->t50,
				     &fc->t90};
	for (int i = 0; i < F_COUNT; i++)
		*est[i] = (wc_estimate){NAN, NAN, NAN};
	return wc_fit_observable(s, f->model, f->p, f->h, fc->t, G, fc->fit);
}

int wc_forecast_withheld(const wc_series *s, const wc_fit *f, const char *why, wc_forecast *fc,
			 wc_error *err)
{
	memset(fc, 0, sizeof *fc);
	gsl_set_error_handler_off();
	fc->withheld = why;
	if (forecast_grid(s, f, s->t[s->n - 1], fc) != 0) {
		wc_forecast_free(fc);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: the fitted %s model cannot be evaluated", s->path,
				    wc_model_describe(f->model)->name);
	}
	return 0;
}

/*
 * The draws: D parameter vectors from N(theta, cov) through the Cholesky
 * factor L; each kept draw's figures and curve (the confidence band), and the
 * curve plus one observation's noise (the prediction band). The noise is
 * the fit's own: normal, variance sigma^2 max(m, 1) for a curve value m, as
 * the weights assumed; drawn from a second stream so that the confidence
 * band does not depend on it.
 */
static void forecast_draws(const wc_series *s, const wc_fit *f, const double *L, wc_forecast *fc,
			   double *tg, double *cg, gsl_rng *rng, gsl_rng *noise)
{
	int k = f->np, D = WC_FORECAST_DRAWS;
	size_t G = fc->npts;
	double *band = xmallocarray((size_t)D * G, sizeof *band);
	double *pred = xmallocarray((size_t)D * G, sizeof *pred);
	double *figs = xmallocarray((size_t)D * F_COUNT, sizeof *figs);
	double *obs = xmallocarray(G, sizeof *obs);
	int used = 0;
	for (int d = 0; d < D; d++) {
		double z[WC_MODEL_MAX_PARAMS], th[WC_MODEL_MAX_PARAMS], p[WC_MODEL_MAX_PARAMS];
		for (int j = 0; j < k; j++)
			z[j] = gsl_ran_gaussian_ziggurat(rng, 1.0);
		for (int i = 0; i < k; i++) {
			th[i] = f->theta[i];
			for (int j = 0; j <= i; j++)
				th[i] += L[i * k + j] * z[j];
		}
		wc_fit_theta_to_params(f->model, th, p);
		double fd[F_COUNT];
		if (figures(f, p, fc->t_end, fd, tg, cg) != 0 ||
		    wc_fit_observable(s, f->model, p, f->h, fc->t, G, obs) != 0)
			continue;
		/* Stored point-major, so each grid time's draws are contiguous. */
		for (size_t i = 0; i < G; i++) {
			double e =
				gsl_ran_gaussian_ziggurat(noise, f->sigma * sqrt(fmax(obs[i], 1)));
			band[i * (size_t)D + (size_t)used] = obs[i];
			pred[i * (size_t)D + (size_t)used] = fmax(obs[i] + e, 0);
		}
		for (int i = 0; i < F_COUNT; i++)
			figs[i * D + used] = fd[i];
		used++;
	}
	fc->draws = D;
	fc->draws_used = used;
	/* Draws that do not evaluate (an outbreak that never reaches 90% within
	 * WC_FORECAST_MAX_HOURS, say) are not a random subset: quantiles of the
	 * rest would be biased, so with many of them there is no band at all. */
	if (used >= WC_FORECAST_MIN_USED * D) {
		wc_estimate *est[F_COUNT] = {&fc->eventual, &fc->peak_rate, &fc->peak_time,
					     &fc->t50, &fc->t90};
		for (size_t i = 0; i < G; i++) {
			quantiles(band + i * (size_t)D, (size_t)used, &fc->lo[i], &fc->hi[i]);
			quantiles(pred + i * (size_t)D, (size_t)used, &fc->plo[i], &fc->phi[i]);
		}
		for (int i = 0; i < F_COUNT; i++)
			quantiles(figs + i * D, (size_t)used, &est[i]->lo, &est[i]->hi);
	}
	free(obs);
	free(band);
	free(pred);
	free(figs);
}

int wc_forecast_compute(const wc_series *s, const wc_fit *f, double horizon, wc_forecast *fc,
			wc_error *err)
{
	memset(fc, 0, sizeof *fc);
	gsl_set_error_handler_off(); /* as in wc_fit_model: statuses, not aborts */
	if (!(horizon >= 0 && horizon <= WC_FORECAST_MAX_HOURS / 2))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--forecast: expected 0 to %g hours, got %g",
				    WC_FORECAST_MAX_HOURS / 2, horizon);
	fc->horizon = horizon;
	double *tg = xmallocarray(SCAN_STEPS + 1, sizeof *tg);
	double *cg = xmallocarray(SCAN_STEPS + 1, sizeof *cg);
	double fig[F_COUNT], L[WC_MODEL_MAX_PARAMS * WC_MODEL_MAX_PARAMS];
	int rc = 0;
	if (forecast_grid(s, f, s->t[s->n - 1] + horizon, fc) != 0 ||
	    figures(f, f->p, fc->t_end, fig, tg, cg) != 0) {
		rc = wc_error_set(err, WC_EXIT_USAGE,
				  "%s: the fitted %s model cannot be evaluated for a forecast",
				  s->path, wc_model_describe(f->model)->name);
		goto out;
	}
	wc_estimate *est[F_COUNT] = {&fc->eventual, &fc->peak_rate, &fc->peak_time, &fc->t50,
				     &fc->t90};
	for (int i = 0; i < F_COUNT; i++)
		est[i]->value = fig[i];
	if (!f->cov_ok || cholesky(f->cov, f->np, L) != 0)
		goto out;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937), *noise = gsl_rng_alloc(gsl_rng_mt19937);
	if (rng != NULL && noise != NULL) {
		gsl_rng_set(rng, WC_FORECAST_SEED);
		gsl_rng_set(noise, WC_FORECAST_SEED + 1);
		forecast_draws(s, f, L, fc, tg, cg, rng, noise);
	} else {
		rc = wc_error_set(err, WC_EXIT_RUNTIME, "out of memory for the forecast's draws");
	}
	if (rng)
		gsl_rng_free(rng);
	if (noise)
		gsl_rng_free(noise);
out:
	free(tg);
	free(cg);
	if (rc != 0)
		wc_forecast_free(fc);
	return rc;
}
