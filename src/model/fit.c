#include "model/fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* A rejected parameter set (outside the model's domain) gets residuals this
 * large, so the trust region refuses the step and shrinks. */
#define REJECT 1e12

#define MAX_STARTS 16
/* Every start runs SCREEN_ITER iterations; only the best goes on, to
 * POLISH_ITER. Starts that lose after SCREEN_ITER iterations almost never win
 * later, and running each to the end cost most of a fit's time (profile of
 * a two-factor day: three of five starts ran 200 iterations). */
#define SCREEN_ITER	40
#define POLISH_ITER	200
#define REWEIGHT_PASSES 2

void wc_fit_theta_to_params(wc_model_kind k, const double *theta, double *p)
{
	const wc_model_info *mi = wc_model_describe(k);
	for (int j = 0; j < mi->nparams; j++)
		p[j] = mi->params[j].log_scale ? exp(theta[j])
		       : mi->params[j].nonneg  ? fabs(theta[j])
					       : theta[j];
}

static void params_to_theta(wc_model_kind k, const double *p, double *theta)
{
	const wc_model_info *mi = wc_model_describe(k);
	for (int j = 0; j < mi->nparams; j++)
		theta[j] = mi->params[j].log_scale ? log(p[j]) : p[j];
}

static int cmp_time(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int wc_fit_observable(const wc_series *s, wc_model_kind k, const double *p, double h,
		      const double *t, size_t n, double *out)
{
	if (s->counts == WC_COUNTS_CUMULATIVE)
		return wc_model_cumulative(k, p, t, n, h, out);
	/* Per-interval: C at each interval's start and end. On the data the
	 * starts and ends interleave in order (width is the smallest step); on
	 * a finer grid intervals overlap, so sort all 2n times, evaluate once
	 * and read each back by binary search. */
	size_t m = 2 * n;
	double *tt = xmallocarray(m + 1, sizeof *tt);
	double *cc = xmallocarray(m + 1, sizeof *cc);
	for (size_t i = 0; i < n; i++) {
		tt[2 * i] = fmax(t[i] - s->width, 0);
		tt[2 * i + 1] = t[i];
	}
	qsort(tt, m, sizeof *tt, cmp_time);
	int rc = wc_model_cumulative(k, p, tt, m, h, cc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		double a = fmax(t[i] - s->width, 0);
		double *pa = bsearch(&a, tt, m, sizeof *tt, cmp_time);
		double *pb = bsearch(&t[i], tt, m, sizeof *tt, cmp_time);
		out[i] = cc[pb - tt] - cc[pa - tt];
	}
	free(tt);
	free(cc);
	return rc;
}

struct fit_ctx {
	const wc_series *s;
	wc_model_kind k;
	double h;
	double *m;  /* model values, n */
	double *sd; /* each point's standard deviation up to a common factor */
	double *f0; /* residuals at x0, the last point fit_residuals saw */
	double *fx; /* scratch for the Jacobian: residuals at a shifted point */
	double *fb; /* scratch for the Jacobian: residuals at the base point */
	double x0[WC_MODEL_MAX_PARAMS];
	bool have_f0;
	int gsl_status; /* the last GSL failure of a start, for the message */
};

static int fit_residuals(const gsl_vector *x, void *data, gsl_vector *f)
{
	struct fit_ctx *c = data;
	const wc_series *s = c->s;
	double p[WC_MODEL_MAX_PARAMS];
	wc_fit_theta_to_params(c->k, x->data, p);
	bool ok = wc_fit_observable(s, c->k, p, c->h, s->t, s->n, c->m) == 0;
	for (size_t i = 0; i < s->n; i++) {
		double r = ok ? (s->y[i] - c->m[i]) / c->sd[i] : REJECT;
		gsl_vector_set(f, i, r);
		c->f0[i] = r;
	}
	memcpy(c->x0, x->data, x->size * sizeof(double));
	c->have_f0 = true;
	return GSL_SUCCESS;
}

/*
 * The scale of fitted coordinate j, for finite-difference steps: GSL's own
 * step, a fraction of |x_j|, vanishes as a rate goes to its bound 0 and the
 * Jacobian column with it (then no interval). Log-scaled coordinates move
 * by relative amounts (scale 1); rates by a fraction of the spread rate
 * (parameter 1 of every model, log-scaled); rcs's midpoint by a fraction of
 * the time scale 1/K.
 */
static double coord_scale(wc_model_kind k, int j, const double *theta)
{
	const wc_model_info *mi = wc_model_describe(k);
	if (mi->params[j].log_scale)
		return 1;
	double K = exp(theta[1]);
	if (k == WC_MODEL_RCS)
		return 1 / K;
	/* A rate is per hour; an exponent (η, no unit) is of order one. */
	return strcmp(mi->params[j].unit, "1/h") == 0 ? 0.01 * K : 1;
}

/* Forward differences with steps sqrt(eps) of each coordinate's scale; f at x
 * itself is the one fit_residuals just computed (GSL asks for the Jacobian
 * at the point it last evaluated), recomputed only if not. */
static int fit_jacobian(const gsl_vector *x, void *data, gsl_matrix *J)
{
	struct fit_ctx *c = data;
	size_t n = c->s->n, np = x->size;
	gsl_vector_view fx = gsl_vector_view_array(c->fx, n);
	if (!c->have_f0 || memcmp(c->x0, x->data, np * sizeof(double)) != 0)
		fit_residuals(x, c, &fx.vector);
	double base[WC_MODEL_MAX_PARAMS], shifted[WC_MODEL_MAX_PARAMS];
	memcpy(base, x->data, np * sizeof(double));
	memcpy(c->fb, c->f0, n * sizeof *c->fb);
	gsl_vector_view xs = gsl_vector_view_array(shifted, np);
	for (size_t j = 0; j < np; j++) {
		double hj = 1.49e-8 * fmax(fabs(base[j]), coord_scale(c->k, (int)j, base));
		memcpy(shifted, base, np * sizeof(double));
		shifted[j] = base[j] + hj;
		fit_residuals(&xs.vector, c, &fx.vector);
		for (size_t i = 0; i < n; i++)
			gsl_matrix_set(J, i, j, (c->fx[i] - c->fb[i]) / hj);
	}
	/* Leave the cache describing x, where GSL stands. */
	memcpy(c->f0, c->fb, n * sizeof *c->f0);
	memcpy(c->x0, base, np * sizeof(double));
	return GSL_SUCCESS;
}

/* The counts as a cumulative curve, for starting values only. */
static void approx_cumulative(const wc_series *s, double *yc)
{
	double acc = 0;
	for (size_t i = 0; i < s->n; i++) {
		acc += s->y[i];
		yc[i] = s->counts == WC_COUNTS_CUMULATIVE ? s->y[i] : acc;
	}
}

/* rcs starts: for each guess of N, K and t_mid from the straight line through
 * logit(C/N) against t (the logistic is a line there). */
static int starts_rcs(const wc_series *s, double starts[][WC_MODEL_MAX_PARAMS])
{
	static const double nf[] = {1.02, 1.5, 3, 10};
	double *yc = xmallocarray(s->n, sizeof *yc);
	approx_cumulative(s, yc);
	double ymax = yc[s->n - 1], span = s->t[s->n - 1];
	int ns = 0;
	for (int g = 0; g < 4; g++) {
		double N = nf[g] * fmax(ymax, 1);
		double sx = 0, sy = 0, sxx = 0, sxy = 0;
		int m = 0;
		for (size_t i = 0; i < s->n; i++) {
			if (!(yc[i] > 0 && yc[i] < 0.98 * N))
				continue;
			double z = log(yc[i] / (N - yc[i]));
			sx += s->t[i];
			sy += z;
			sxx += s->t[i] * s->t[i];
			sxy += s->t[i] * z;
			m++;
		}
		double K = 0, tm = span;
		if (m >= 2 && sxx * m - sx * sx > 0) {
			K = (m * sxy - sx * sy) / (m * sxx - sx * sx);
			tm = -(sy - K * sx) / m / (K != 0 ? K : 1);
		}
		if (!(K > 0) || !isfinite(tm)) {
			K = 10 / fmax(span, 1e-6);
			tm = span;
		}
		starts[ns][0] = N;
		starts[ns][1] = K;
		starts[ns][2] = tm;
		ns++;
	}
	free(yc);
	return ns;
}

/* The other models start from the fitted logistic: its N, its K, its C(0). */
static int starts_from_rcs(wc_model_kind k, const double *rcs, double starts[][WC_MODEL_MAX_PARAMS])
{
	double N = rcs[0], K = rcs[1];
	double i0 = N / (1 + exp(K * rcs[2]));
	i0 = fmin(fmax(i0, 1e-3), 0.5 * N);
	int ns = 0;
	/* First (nearly) the logistic itself, which each model contains (no
	 * removal, no congestion), so that no model ends with a worse fit than
	 * the logistic; rates start at 0.1% of K rather than at 0, where the
	 * search creeps. Then starts with some removal. */
	switch (k) {
	case WC_MODEL_TWO_FACTOR: {
		double *p = starts[ns++];
		p[0] = N, p[1] = K, p[2] = 1e-3 * K, p[3] = 1e-3 * K, p[4] = 1e-3, p[5] = i0;
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++) {
				p = starts[ns++];
				p[0] = N * (a ? 1.5 : 1.05);
				p[1] = K * 1.2;
				p[2] = b ? 0.1 * K : 0.01 * K;
				p[3] = 0.01 * K;
				p[4] = 3; /* Zou et al.'s η */
				p[5] = i0;
			}
		break;
	}
	case WC_MODEL_SIR:
	case WC_MODEL_AAWP: {
		/* AAWP's per-minute growth 1 + K δ must match the logistic's e^{K δ}. */
		const double dl = WC_MODEL_AAWP_STEP;
		double *p = starts[ns++];
		p[0] = N, p[1] = k == WC_MODEL_AAWP ? expm1(K * dl) / dl : K;
		p[2] = 1e-3 * K, p[3] = 1e-3 * K, p[4] = i0;
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++) {
				p = starts[ns++];
				p[0] = N * (a ? 1.5 : 1.05);
				p[1] = K * 1.1;
				p[2] = b ? 0.1 * K : 0.01 * K;
				p[3] = 0.005 * K;
				p[4] = i0;
			}
		break;
	}
	default:
		break;
	}
	return ns;
}

/* One Levenberg-Marquardt run of at most max_iter iterations from theta0; fills f's estimate, rss,
 * iterations, converged and (from the final Jacobian) cov. */
static int fit_once(struct fit_ctx *c, const double *theta0, wc_fit *f, int max_iter)
{
	const wc_series *s = c->s;
	size_t n = s->n, np = (size_t)wc_model_describe(c->k)->nparams;
	gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
	par.scale = gsl_multifit_nlinear_scale_more;

	gsl_multifit_nlinear_workspace *w =
		gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, np);
	if (w == NULL) {
		c->gsl_status = GSL_ENOMEM;
		return -1;
	}
	gsl_multifit_nlinear_fdf fdf = {fit_residuals, fit_jacobian, NULL, n, np, c, 0, 0, 0};
	c->have_f0 = false;
	gsl_vector_const_view x0 = gsl_vector_const_view_array(theta0, np);
	int info = 0;
	int st = gsl_multifit_nlinear_init(&x0.vector, &fdf, w);
	if (st == GSL_SUCCESS)
		st = gsl_multifit_nlinear_driver((size_t)max_iter, 1e-10, 1e-10, 0.0, NULL, NULL,
						 &info, w);
	/* Running out of iterations or of progress leaves a usable (if
	 * unconverged) point; anything else (a rank-deficient step the QR solver
	 * refuses, a singular matrix) ends this start. */
	if (st != GSL_SUCCESS && st != GSL_EMAXITER && st != GSL_ENOPROG) {
		c->gsl_status = st;
		gsl_multifit_nlinear_free(w);
		return -1;
	}
	gsl_vector *r = gsl_multifit_nlinear_residual(w);
	double rss;
	gsl_blas_ddot(r, r, &rss);
	gsl_vector *x = gsl_multifit_nlinear_position(w);
	for (size_t j = 0; j < np; j++)
		f->theta[j] = gsl_vector_get(x, j);
	f->rss = rss;
	f->iterations = (int)gsl_multifit_nlinear_niter(w);
	/* A run started at its optimum (a reweighting pass, an exact solve) finds
	 * no step that improves on it, which GSL's driver reports as
	 * GSL_EMAXITER after one iteration; that is convergence if the
	 * tolerances hold where it stands. */
	f->converged = st == GSL_SUCCESS ||
		       (f->iterations <= 1 &&
			gsl_multifit_nlinear_test(1e-8, 1e-8, 0.0, &info, w) == GSL_SUCCESS);
	gsl_matrix *cov = gsl_matrix_calloc(np, np);
	if (cov == NULL) {
		c->gsl_status = GSL_ENOMEM;
		gsl_multifit_nlinear_free(w);
		return -1;
	}
	f->cov_ok =
		gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov) == GSL_SUCCESS;
	for (size_t a = 0; a < np; a++)
		for (size_t b = 0; b < np; b++) {
			double v = gsl_matrix_get(cov, a, b);
			f->cov[a * np + b] = v;
			if (!isfinite(v) || (a == b && !(v > 0)))
				f->cov_ok = false;
		}
	gsl_matrix_free(cov);
	gsl_multifit_nlinear_free(w);
	return isfinite(rss) && rss < REJECT ? 0 : -1;
}

/* Sets f->identified and why_not (fit.h). */
static void fit_identify(wc_fit *f, const wc_model_info *mi)
{
	f->identified = false;
	if (f->dof <= 0) {
		snprintf(f->why_not, sizeof f->why_not,
			 "%zu points for %d parameters: an exact solve, with no intervals", f->n,
			 mi->nparams);
		return;
	}
	for (int j = 0; j < mi->nparams; j++) {
		const wc_fit_param *pp = &f->param[j];
		if (!f->cov_ok || !isfinite(pp->lo) || !isfinite(pp->hi)) {
			snprintf(f->why_not, sizeof f->why_not,
				 "the data do not pin down %s (no finite 95%% interval)",
				 mi->params[j].name);
			return;
		}
		if (mi->params[j].log_scale && pp->hi > WC_FIT_MAX_RATIO * pp->lo) {
			snprintf(
				f->why_not, sizeof f->why_not,
				"the data do not pin down %s: its 95%% interval [%.4g, %.4g] spans "
				"more than a factor of %g",
				mi->params[j].name, pp->lo, pp->hi, WC_FIT_MAX_RATIO);
			return;
		}
	}
	f->identified = true;
	f->why_not[0] = '\0';
}

static void fit_summarise(const wc_series *s, struct fit_ctx *c, wc_fit *f)
{
	const wc_model_info *mi = wc_model_describe(f->model);
	int k = mi->nparams;
	size_t n = s->n;
	wc_fit_theta_to_params(f->model, f->theta, f->p);
	f->n = n;
	f->dof = (int)n - k;
	/* As many points as parameters is an exact solve: no residual left to
	 * estimate the noise from, so no intervals and no AIC. */
	double s2 = f->dof > 0 ? f->rss / f->dof : NAN;
	if (f->dof == 0)
		f->cov_ok = false;
	f->sigma = sqrt(s2);
	for (int a = 0; a < k * k; a++)
		f->cov[a] *= s2;
	/* A rate is fitted as a coordinate whose absolute value it is (so that
	 * the search meets no wall at 0); report the positive mirror image, the
	 * covariance's signs flipped with it. */
	for (int j = 0; j < k; j++) {
		if (!mi->params[j].nonneg || f->theta[j] >= 0)
			continue;
		f->theta[j] = -f->theta[j];
		for (int a = 0; a < k; a++)
			if (a != j) {
				f->cov[j * k + a] = -f->cov[j * k + a];
				f->cov[a * k + j] = -f->cov[a * k + j];
			}
	}
	double tq = f->dof > 0 ? gsl_cdf_tdist_Pinv(0.975, f->dof) : NAN;
	for (int j = 0; j < k; j++) {
		wc_fit_param *pp = &f->param[j];
		pp->value = f->p[j];
		pp->se_fit = f->cov_ok ? sqrt(f->cov[j * k + j]) : NAN;
		double lo = f->theta[j] - tq * pp->se_fit, hi = f->theta[j] + tq * pp->se_fit;
		pp->lo = mi->params[j].log_scale ? exp(lo) : lo;
		/* A rate's interval stops at the rate's lower bound. */
		if (mi->params[j].nonneg && isfinite(pp->lo))
			pp->lo = fmax(pp->lo, 0);
		pp->hi = mi->params[j].log_scale ? exp(hi) : hi;
	}
	fit_identify(f, mi);
	double mean = 0, sst = 0, sse = 0;
	wc_fit_observable(s, f->model, f->p, c->h, s->t, n, c->m);
	for (size_t i = 0; i < n; i++)
		mean += s->y[i] / (double)n;
	for (size_t i = 0; i < n; i++) {
		sst += (s->y[i] - mean) * (s->y[i] - mean);
		sse += (s->y[i] - c->m[i]) * (s->y[i] - c->m[i]);
	}
	f->r2 = sst > 0 ? 1 - sse / sst : NAN;
	double rssn = fmax(f->rss, 1e-300) / (double)n;
	f->aic = f->dof > 0 ? (double)n * log(rssn) + 2.0 * (k + 1) : NAN;
	f->aicc = (int)n - k - 2 > 0 ? f->aic + 2.0 * (k + 1) * (k + 2) / ((double)n - k - 2) : NAN;
}

static int fit_starts(const wc_series *s, wc_model_kind k, double starts[][WC_MODEL_MAX_PARAMS],
		      int ns, wc_fit *best, int *gsl_status)
{
	struct fit_ctx c = {.s = s,
			    .k = k,
			    .h = s->t[s->n - 1] / 200.0,
			    .m = xmallocarray(s->n, sizeof(double)),
			    .sd = xmallocarray(s->n, sizeof(double)),
			    .f0 = xmallocarray(s->n, sizeof(double)),
			    .fx = xmallocarray(s->n, sizeof(double)),
			    .fb = xmallocarray(s->n, sizeof(double))};
	for (size_t i = 0; i < s->n; i++)
		c.sd[i] = sqrt(fmax(s->y[i], 1));
	bool have = false;
	for (int i = 0; i < ns; i++) {
		wc_fit trial;
		memset(&trial, 0, sizeof trial);
		trial.model = k;
		trial.np = wc_model_describe(k)->nparams;
		double theta0[WC_MODEL_MAX_PARAMS];
		params_to_theta(k, starts[i], theta0);
		/* A start outside the domain would never move: skip it. */
		if (wc_fit_observable(s, k, starts[i], c.h, s->t, s->n, c.m) != 0)
			continue;
		if (fit_once(&c, theta0, &trial, SCREEN_ITER) != 0)
			continue;

		/* Prefer a lower RSS; among near-equal ones, one with intervals. */
		if (!have || trial.rss < best->rss * (1 - 1e-9) ||
		    (trial.rss <= best->rss * (1 + 1e-9) && trial.cov_ok && !best->cov_ok)) {
			*best = trial;
			have = true;
		}
	}
	if (have && !best->converged) {
		wc_fit trial = *best;
		double theta0[WC_MODEL_MAX_PARAMS];
		memcpy(theta0, best->theta, sizeof theta0);
		if (fit_once(&c, theta0, &trial, POLISH_ITER) == 0 && trial.rss <= best->rss)
			*best = trial;
	}
	/*
	 * Weights from the observed counts favour points that came out low (a
	 * low count gets a small variance), which biases the fit and narrows
	 * its intervals. So reweight: the variance of each point is taken from
	 * the fitted curve and the fit repeated from where it ended, twice
	 * (iteratively reweighted least squares; its fixed point is the
	 * Poisson quasi-likelihood estimate).
	 */
	for (int pass = 0; have && pass < REWEIGHT_PASSES; pass++) {
		double p[WC_MODEL_MAX_PARAMS];
		wc_fit_theta_to_params(k, best->theta, p);
		if (wc_fit_observable(s, k, p, c.h, s->t, s->n, c.m) != 0)
			break;
		for (size_t i = 0; i < s->n; i++)
			c.sd[i] = sqrt(fmax(c.m[i], 1));
		wc_fit trial = *best;
		double theta0[WC_MODEL_MAX_PARAMS];
		memcpy(theta0, best->theta, sizeof theta0);
		if (fit_once(&c, theta0, &trial, POLISH_ITER) != 0)
			break;
		*best = trial;
	}
	if (have) {
		best->h = c.h;
		fit_summarise(s, &c, best);
	}
	free(c.m);
	free(c.sd);
	free(c.f0);
	free(c.fx);
	free(c.fb);
	*gsl_status = c.gsl_status;
	return have ? 0 : -1;
}

/* A model that cannot be fitted to the data is an input error: the data do
 * not determine it (too few points, rank-deficient steps). */
static int fit_failed(const wc_series *s, const wc_model_info *mi, const char *why, int gst,
		      wc_error *err)
{
	return wc_error_set(err, WC_EXIT_USAGE,
			    "%s: column '%s': the %s model cannot be fitted to these counts: "
			    "%s%s%s%s",
			    s->path, s->column, mi->name, why, gst != 0 ? " (GSL: " : "",
			    gst != 0 ? gsl_strerror(gst) : "", gst != 0 ? ")" : "");
}

int wc_fit_model(const wc_series *s, wc_model_kind k, wc_fit *f, wc_error *err)
{
	const wc_model_info *mi = wc_model_describe(k);
	memset(f, 0, sizeof *f);
	f->model = k;
	f->np = mi->nparams;
	if (s->n < (size_t)mi->nparams)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s': %zu points are too few for the %s model "
				    "(%d parameters; at least %d points)",
				    s->path, s->column, s->n, mi->name, mi->nparams, mi->nparams);
	if (k == WC_MODEL_AAWP && s->t[s->n - 1] > WC_MODEL_AAWP_MAX_SPAN)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s': the series spans %.6g hours; the aawp model "
				    "steps once a minute and fits series of at most %g hours: "
				    "use rcs, sir or two-factor",
				    s->path, s->column, s->t[s->n - 1], WC_MODEL_AAWP_MAX_SPAN);
	/* GSL reports failure through a handler that aborts by default; a
	 * library must return it instead, so the handler is off from here on
	 * and every status is checked. */
	gsl_set_error_handler_off();
	double starts[MAX_STARTS][WC_MODEL_MAX_PARAMS];
	wc_fit rcs;
	memset(&rcs, 0, sizeof rcs);
	int ns = starts_rcs(s, starts), gst = 0;
	if (fit_starts(s, WC_MODEL_RCS, starts, ns, &rcs, &gst) != 0)
		return fit_failed(s, mi,
				  "no logistic curve fits these counts; is this an outbreak?", gst,
				  err);
	if (k == WC_MODEL_RCS) {
		*f = rcs;
		return 0;
	}
	ns = starts_from_rcs(k, rcs.p, starts);
	if (fit_starts(s, k, starts, ns, f, &gst) != 0)
		return fit_failed(s, mi, "no start of the search reached a finite fit", gst, err);
	return 0;
}

int wc_fit_all(const wc_series *s, wc_fit fits[WC_MODEL_COUNT], bool ok[WC_MODEL_COUNT],
	       wc_error *err)
{
	wc_error first = {0};
	int best = -1;
	for (int k = 0; k < WC_MODEL_COUNT; k++) {
		ok[k] = false;
		memset(&fits[k], 0, sizeof fits[k]);
		fits[k].model = (wc_model_kind)k;
		/* AICc needs n - k - 2 > 0: a model with fewer points is not
		 * compared (plain AIC would favour it, overfitted). */
		int np = wc_model_describe((wc_model_kind)k)->nparams;
		if (s->n < (size_t)np + 3) {
			snprintf(fits[k].why_not, sizeof fits[k].why_not,
				 "%zu points; comparing it needs %d", s->n, np + 3);
			if (first.code == 0)
				wc_error_set(
					&first, WC_EXIT_USAGE,
					"%s: column '%s': %zu points are too few to compare "
					"models (the %s model needs %d); name one with --model",
					s->path, s->column, s->n, wc_model_describe(k)->name,
					np + 3);
			continue;
		}
		wc_error e = {0};
		ok[k] = wc_fit_model(s, (wc_model_kind)k, &fits[k], &e) == 0;
		if (!ok[k]) {
			/* Kept for the report: the model is marked failed, the
			 * others compared. The message without its file and column. */
			const char *why = strstr(e.msg, "': ");
			snprintf(fits[k].why_not, sizeof fits[k].why_not, "%.150s",
				 why ? why + 3 : e.msg);
		}
		if (!ok[k] && first.code == 0)
			first = e;
		if (ok[k] && (best < 0 || fits[k].aicc < fits[best].aicc))
			best = k;
	}
	if (best < 0) {
		wc_error_set(err, first.code ? first.code : WC_EXIT_USAGE, "%s", first.msg);
		return -1;
	}
	return best;
}
