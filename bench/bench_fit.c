/*
 * Fit benchmarks (make bench).
 *
 * 1. Evaluating a model curve, the inner loop of every fit: the logistic in
 *    closed form against the same logistic integrated with the fixed-step
 *    rk8pd scheme the ODE models use (the baseline: what any continuous
 *    model costs), and the two-factor, SIR and AAWP curves, on the grid a
 *    14-hour series of 84 ten-minute bins needs (168 times).
 * 2. Whole fits, per model, on that series (Code Red sized, N = 360,000,
 *    Poisson-sized noise, seed 1): fits per second, with every starting
 *    point and the reweighting passes; and the forecast with its 200-draw
 *    band.
 * 3. Fits per second per model on the sizes a user brings: a
 *    day of one-minute rows (1,201, the timeline `wormcast run codered-v2`
 *    writes) and 10^5 rows (ten-second rows over 278 hours), cumulative
 *    counts from each model with Poisson-sized noise. Target: a day's fit of
 *    any model well under a second.
 * Each figure is the median of several repetitions. The two-factor model,
 * with six parameters and a congestion term (a pow per right-hand side), is
 * the slowest.
 */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "benchutil.h"
#include "model/fit.h"
#include "model/forecast.h"
#include "model/models.h"
#include "model/series.h"

static const double truth[WC_MODEL_COUNT][WC_MODEL_MAX_PARAMS] = {
	[WC_MODEL_RCS] = {360000, 1.8, 7},
	[WC_MODEL_TWO_FACTOR] = {360000, 1.8, 0.05, 0.06, 3, 10},
	[WC_MODEL_SIR] = {360000, 1.9, 0.1, 0.02, 10},
	[WC_MODEL_AAWP] = {360000, 1.8, 0.05, 0.02, 10},
};

#define BINS 84
#define REPS 7

static double tgrid[2 * BINS];

static void make_series(wc_series *s, wc_model_kind k)
{
	double t[BINS], y[BINS], c[2 * BINS];
	wc_model_cumulative(k, truth[k], tgrid, 2 * BINS, 0.001, c);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 1);
	for (int i = 0; i < BINS; i++) {
		double m = c[2 * i + 1] - c[2 * i];
		t[i] = tgrid[2 * i + 1];
		y[i] = fmax(0, m + gsl_ran_gaussian(r, sqrt(fmax(m, 1))));
	}
	gsl_rng_free(r);
	wc_error err = {0};
	if (wc_series_from_arrays(s, "bench", t, y, BINS, WC_COUNTS_INTERVAL, &err) != 0) {
		fprintf(stderr, "bench_fit: %s\n", err.msg);
		exit(1);
	}
}

/* Curve evaluations per second of f (a model or the ODE logistic). */
static double evals_per_s(int which)
{
	double v[REPS], c[2 * BINS], sink = 0;
	double h = 14.0 / 200; /* the fit's step for a 14-hour series */
	for (int r = 0; r < REPS; r++) {
		int n = 0;
		double t0 = wc_clock_seconds(), dt;
		do {
			for (int i = 0; i < 50; i++, n++) {
				if (which < 0)
					wc_model_rcs_ode(truth[WC_MODEL_RCS], tgrid, 2 * BINS, h,
							 c);
				else
					wc_model_cumulative((wc_model_kind)which, truth[which],
							    tgrid, 2 * BINS, h, c);
				sink += c[BINS];
			}
			dt = wc_clock_seconds() - t0;
		} while (dt < 0.05);
		v[r] = n / dt;
	}
	if (sink == 42)
		puts(""); /* keeps the loop from being optimised away */
	return median(v, REPS);
}

/* n cumulative rows of model k, w hours apart, from the origin, with
 * Poisson-sized noise on each interval's count (seed 1). */
static void make_long_series(wc_series *s, wc_model_kind k, size_t n, double w)
{
	double *t = malloc(n * sizeof *t), *y = malloc(n * sizeof *y);
	if (t == NULL || y == NULL)
		exit(1);
	for (size_t i = 0; i < n; i++)
		t[i] = (double)i * w;
	double p[WC_MODEL_MAX_PARAMS];
	for (int j = 0; j < WC_MODEL_MAX_PARAMS; j++)
		p[j] = truth[k][j];
	if (k == WC_MODEL_RCS)
		p[2] = 0.4 * t[n - 1]; /* the midpoint inside the series */
	else
		p[1] = 15 / t[n - 1]; /* the outbreak takes most of the series */
	wc_model_cumulative(k, p, t, n, t[n - 1] / 2000, y);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 1);
	double acc = y[0], prev = y[0];
	for (size_t i = 1; i < n; i++) {
		double m = fmax(y[i] - prev, 0);
		prev = y[i];
		acc += fmax(0, m + gsl_ran_gaussian(r, sqrt(fmax(m, 1))));
		y[i] = acc;
	}
	gsl_rng_free(r);
	wc_error err = {0};
	if (wc_series_from_arrays(s, "bench", t, y, n, WC_COUNTS_CUMULATIVE, &err) != 0) {
		fprintf(stderr, "bench_fit: %s\n", err.msg);
		exit(1);
	}
	free(t);
	free(y);
}

/* CPU seconds of this process: a fit is single-threaded, so on a machine
 * shared with other jobs this is what it takes on a core of its own, where
 * the wall clock also counts the waits for one. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Fits per second of each model on n rows, the median of reps fits, by
 * CPU time (wall time beside it). */
static void fits_per_second(size_t n, double w, int reps)
{
	printf("\nfits of %zu cumulative rows (%g h apart), medians of %d, CPU time\n", n, w, reps);
	for (int k = 0; k < WC_MODEL_COUNT; k++) {
		wc_series s;
		make_long_series(&s, (wc_model_kind)k, n, w);
		double v[REPS], vw[REPS];
		wc_fit f;
		int ok = 1;
		for (int r = 0; r < reps && ok; r++) {
			wc_error err = {0};
			double t0 = wc_clock_seconds(), c0 = cpu_now();
			ok = wc_fit_model(&s, (wc_model_kind)k, &f, &err) == 0;
			v[r] = cpu_now() - c0;
			vw[r] = wc_clock_seconds() - t0;
			if (!ok)
				printf("  %-12s %s\n", wc_model_describe((wc_model_kind)k)->name,
				       err.msg);
		}
		if (ok) {
			double m = median(v, reps), mw = median(vw, reps);
			printf("  %-12s fit %9.3f s   %8.2f fits/s   (wall %.3f s, %3d "
			       "iterations)\n",
			       wc_model_describe((wc_model_kind)k)->name, m, 1 / m, mw,
			       f.iterations);
		}
		wc_series_free(&s);
	}
}

int main(void)
{
	for (int i = 0; i < BINS; i++) {
		tgrid[2 * i] = i / 6.0;
		tgrid[2 * i + 1] = (i + 1) / 6.0;
	}
	printf("bench_fit: curves on %d times (84 ten-minute bins), medians of %d runs\n", 2 * BINS,
	       REPS);
	double closed = evals_per_s(WC_MODEL_RCS), ode = evals_per_s(-1);
	printf("  %-34s %12.0f curves/s\n", "rcs, closed form", closed);
	printf("  %-34s %12.0f curves/s   (closed form is %.0fx faster)\n",
	       "rcs, rk8pd fixed step (baseline)", ode, closed / ode);
	for (int k = 1; k < WC_MODEL_COUNT; k++)
		printf("  %-34s %12.0f curves/s   (%.2fx the ODE logistic)\n",
		       wc_model_describe((wc_model_kind)k)->name, evals_per_s(k),
		       evals_per_s(k) / ode);

	printf("\nwhole fits and forecasts, Code Red sized series (N = 360,000), medians of %d\n",
	       REPS);
	for (int k = 0; k < WC_MODEL_COUNT; k++) {
		wc_series s;
		make_series(&s, (wc_model_kind)k);
		double vf[REPS], vc[REPS];
		wc_fit f;
		for (int r = 0; r < REPS; r++) {
			wc_error err = {0};
			double t0 = wc_clock_seconds();
			if (wc_fit_model(&s, (wc_model_kind)k, &f, &err) != 0) {
				fprintf(stderr, "bench_fit: %s\n", err.msg);
				return 1;
			}
			double t1 = wc_clock_seconds();
			wc_forecast fc;
			if (wc_forecast_compute(&s, &f, 24, &fc, &err) != 0) {
				fprintf(stderr, "bench_fit: %s\n", err.msg);
				return 1;
			}
			vc[r] = wc_clock_seconds() - t1;
			vf[r] = t1 - t0;
			wc_forecast_free(&fc);
		}
		double mf = median(vf, REPS), mc = median(vc, REPS);
		printf("  %-12s fit %8.2f ms (%7.1f fits/s, %3d iterations)   forecast %8.2f ms\n",
		       wc_model_describe((wc_model_kind)k)->name, mf * 1e3, 1 / mf, f.iterations,
		       mc * 1e3);
		wc_series_free(&s);
	}
	fits_per_second(1201, 1.0 / 60, 5);
	fits_per_second(100000, 1.0 / 360, 1);
	return 0;
}
