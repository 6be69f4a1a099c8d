/*
 * forecast.h — what a fitted model says about the rest of the outbreak:
 * eventual size, peak rate and its time, times to 50% and 90% of the eventual
 * size, and the fitted curve continued past the data with a 95% band.
 *
 * Contract. Figures come from the curve C(t) of the fitted parameters:
 * eventual = lim C (rcs: N; the others: C at a time T doubled from the end of
 * the forecast until C grows by less than 1e-4 of itself, at most
 * WC_FORECAST_MAX_HOURS), peak = the largest dC/dt on a scan of [0, T] in
 * 400 steps refined by one of [0, 1.25 t90] in 1000, t50 and t90 = first
 * times C reaches 50% and 90% of eventual (linearly interpolated).
 *
 * Uncertainty is by parameter sampling, not the delta method: WC_FORECAST_DRAWS
 * parameter vectors are drawn from the normal distribution of the fit's
 * estimate and covariance (in the fitted coordinates, so log-scaled
 * parameters stay positive), with GSL's MT19937 generator seeded with
 * WC_FORECAST_SEED: the same fit always gives the same band. Draws whose
 * figures cannot be computed (outside a model's domain; an outbreak that does
 * not reach 90% within WC_FORECAST_MAX_HOURS) are dropped and counted. Each
 * figure's interval, and the band at each grid time, are the 2.5% and 97.5%
 * quantiles over the kept draws. The bounds are NaN without a usable
 * covariance (fit->cov_ok false) and when fewer than WC_FORECAST_MIN_USED of
 * the draws were kept: the dropped ones are not a random subset, and
 * quantiles of the rest would be biased.
 *
 * Two bands. The confidence band (lo, hi) is where the model's curve lies:
 * the quantiles of the drawn curves. The prediction band (plo, phi) is
 * where an observation (a row of the series) would fall: each drawn curve
 * plus one draw of the fit's noise, normal with variance sigma^2 max(m, 1)
 * (the weights' assumption, sigma the fit's residual scale), cut at 0,
 * from its own generator seeded WC_FORECAST_SEED + 1. The prediction band
 * is the one to compare data with; the confidence band is narrower.
 *
 * The bands are of the observable the series holds (cumulative, or counts per
 * interval of the series' width), on WC_FORECAST_GRID times from the origin
 * (per-interval: from one width) to the last data time plus the horizon.
 * Times are hours from the series' origin.
 */
#ifndef WC_MODEL_FORECAST_H
#define WC_MODEL_FORECAST_H

#include <stddef.h>

#include "core/error.h"
#include "model/fit.h"
#include "model/series.h"

#define WC_FORECAST_DRAWS     200
#define WC_FORECAST_SEED      20010719UL
#define WC_FORECAST_GRID      300
#define WC_FORECAST_MAX_HOURS 2000.0
#define WC_FORECAST_MIN_USED  0.9

typedef struct wc_estimate {
	double value;  /* from the fitted parameters */
	double lo, hi; /* 95% interval from the draws; NaN without one */
} wc_estimate;

typedef struct wc_forecast {
	double horizon;	       /* hours forecast past the last data time */
	double t_end;	       /* last data time + horizon, hours from the origin */
	wc_estimate eventual;  /* hosts ever infected, in the end */
	wc_estimate peak_rate; /* new infections per hour at the peak */
	wc_estimate peak_time; /* hours from the origin */
	wc_estimate t50, t90;  /* hours from the origin */
	size_t npts;	       /* band grid */
	double *t;	       /* grid times */
	double *fit;	       /* observable of the fitted parameters */
	double *lo, *hi;       /* 95% confidence band of the curve; NaN without one */
	double *plo, *phi;     /* 95% prediction band of observations; NaN likewise */
	const char *withheld;  /* NULL, or why there is no forecast (the fit's why_not) */
	int draws;	       /* parameter vectors drawn */
	int draws_used;	       /* of which inside the model's domain */
} wc_forecast;

/* Computes fc for fit f of series s, horizon hours past the last point.
 * Returns 0, or -1 with err (WC_EXIT_USAGE: a negative or absurd horizon, or
 * fitted parameters that do not evaluate). Free with wc_forecast_free. */
int wc_forecast_compute(const wc_series *s, const wc_fit *f, double horizon, wc_forecast *fc,
			wc_error *err);

/* No forecast, for a fit that is not identified (fit.h): the fitted curve
 * over the data only (grid to the last data time), every figure and band
 * NaN, withheld = why (kept as a pointer: it must outlive fc). Returns 0, or
 * -1 with err if the fitted parameters do not evaluate. */
int wc_forecast_withheld(const wc_series *s, const wc_fit *f, const char *why, wc_forecast *fc,
			 wc_error *err);

void wc_forecast_free(wc_forecast *fc);

#endif
