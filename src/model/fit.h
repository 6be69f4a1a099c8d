/*
 * fit.h — least-squares fits of the models (model/models.h) to a series
 * (model/series.h), with 95% intervals and the model comparison.
 *
 * Contract. The observable is what the series holds: C(t_i) for cumulative
 * counts, C(t_i) - C(t_i - width) for per-interval ones. Residuals are
 * weighted as counts are, r_i = (y_i - m_i) / sqrt(max(y_i, 1)) (variance
 * proportional to the count, as for Poisson counts), then twice more with
 * the variance from the fitted curve, sqrt(max(m_i, 1)) (iteratively
 * reweighted: observed weights favour points that came out low). GSL's
 * multifit_nlinear (Levenberg-Marquardt trust region) minimises sum r_i^2
 * over the parameters: log-transformed where the model says so (positive,
 * spanning decades), rates as coordinates whose absolute value they are (no
 * wall at 0), with a forward-difference Jacobian whose steps do not vanish
 * as a rate goes to 0. Several deterministic starting points are tried (one
 * of them the fitted logistic, which every model contains) and the lowest
 * residual kept, so the same series always gives the same fit.
 *
 * Intervals: cov = s^2 (J^T J)^-1 at the optimum in the fitted coordinates,
 * s^2 = RSS / (n - k); each parameter's 95% interval is its estimate
 * ± t_{0.975, n-k} · se, mapped back through exp for log-scaled parameters
 * (so those intervals are asymmetric) and cut at 0 for rates. A parameter the data cannot pin down
 * (singular or non-finite covariance) gets NaN bounds, and cov_ok is false.
 *
 * Comparison: AIC = n ln(RSS/n) + 2(k+1) (the +1 is the residual variance),
 * AICc = AIC + 2(k+1)(k+2)/(n-k-2); wc_fit_all() compares the models with
 * n >= k + 3 (so that AICc exists) and picks the lowest AICc.
 */
#ifndef WC_MODEL_FIT_H
#define WC_MODEL_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "model/models.h"
#include "model/series.h"

typedef struct wc_fit_param {
	double value;  /* estimate, in the model's units */
	double lo, hi; /* 95% interval; NaN when the data cannot pin it down */
	double se_fit; /* standard error in the fitted coordinate (log or not) */
} wc_fit_param;

typedef struct wc_fit {
	wc_model_kind model;
	int np;						       /* parameters */
	double p[WC_MODEL_MAX_PARAMS];			       /* estimates, model units */
	double theta[WC_MODEL_MAX_PARAMS];		       /* estimates, fitted coordinates */
	double cov[WC_MODEL_MAX_PARAMS * WC_MODEL_MAX_PARAMS]; /* of theta, row-major */
	bool cov_ok; /* cov is finite and positive definite */
	wc_fit_param param[WC_MODEL_MAX_PARAMS];
	size_t n;	   /* points fitted */
	int dof;	   /* n - k */
	double rss;	   /* weighted residual sum of squares */
	double sigma;	   /* sqrt(rss / dof): residual scale, 1 for Poisson counts */
	double r2;	   /* 1 - SSE/SST of the unweighted counts */
	double aic;	   /* n ln(rss/n) + 2(k+1); NaN where dof = 0 */
	double aicc;	   /* NaN where n - k - 2 <= 0 */
	int iterations;	   /* of the start that won */
	bool converged;	   /* the winning start met the tolerances */
	double h;	   /* ODE step used, hours (series span / 200) */
	bool identified;   /* the data pin down every parameter (below) */
	char why_not[160]; /* when not identified: why, one sentence */
} wc_fit;

/*
 * Identification. A fit is identified when every parameter has a finite 95%
 * interval (dof > 0, a positive definite covariance) and no log-scaled
 * parameter's interval spans more than a factor of WC_FIT_MAX_RATIO: the
 * data then say where each parameter lies, and a forecast from it means
 * something. Otherwise why_not says which parameter is not pinned down;
 * the CLI reports the fit but forecasts nothing unless asked
 * (--force-forecast). A careful R user does the same with nls: a fit
 * whose standard errors are NaN or span decades is not extrapolated.
 */
#define WC_FIT_MAX_RATIO 100.0

/* Fits model k to s. Returns 0, or -1 with err set: WC_EXIT_USAGE when the
 * series has fewer points than the model has parameters, or no start gives a
 * finite fit. With exactly as many points as parameters the fit is an exact
 * solve: dof 0, sigma, AIC and every interval NaN. */
int wc_fit_model(const wc_series *s, wc_model_kind k, wc_fit *f, wc_error *err);

/* Fits every model with at least k + 3 points (so that AICc exists); ok[i]
 * says which succeeded, and where one did not, fits[i].why_not says why (too
 * few points, or the fit's error without its file and column). Returns the index of the best by
 * AICc, or -1 with err set if none fits (WC_EXIT_USAGE naming the points needed). */
int wc_fit_all(const wc_series *s, wc_fit fits[WC_MODEL_COUNT], bool ok[WC_MODEL_COUNT],
	       wc_error *err);

/* The observable the series holds (cumulative or per-interval, width from s)
 * at times t[0..n-1] (hours from the origin, non-decreasing, each >= width
 * for per-interval), for parameters p. Returns 0, or -1 if p is outside the
 * model's domain. */
int wc_fit_observable(const wc_series *s, wc_model_kind k, const double *p, double h,
		      const double *t, size_t n, double *out);

/* Fitted coordinates theta → model parameters p (exp where log-scaled). */
void wc_fit_theta_to_params(wc_model_kind k, const double *theta, double *p);

#endif
