#include "model/models.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <string.h>

/*
 * The continuous models are integrated in fractions of N (s = S/N, ...) so that
 * every state variable is of order one whatever the population; C = N times
 * the cumulative fraction.
 *
 * two-factor (Zou, Gong, Towsley 2002), with K0 = β0 N and M = μ N:
 *     ds/dt = -K0 (1 - i)^η s i - M s (i + r)
 *     dr/dt = γ i
 *     dq/dt = M s (i + r),      i = 1 - s - r - q,   c = i + r = 1 - s - q
 * sir with patching:
 *     ds/dt = -β s i - p s,   di/dt = β s i - γ i,   dc/dt = β s i
 * The state vectors are (s, r, q) and (s, i, c).
 */

static const wc_model_info model_table[WC_MODEL_COUNT] = {
	[WC_MODEL_RCS] = {WC_MODEL_RCS,
			  "rcs",
			  "random constant spread (logistic)",
			  3,
			  {
				  {"n", "hosts", "eventual number infected", true},
				  {"k", "1/h", "spread rate K", true},
				  {"t_mid", "h", "time of half the eventual size, from the origin",
				   false},
			  }},
	[WC_MODEL_TWO_FACTOR] =
		{WC_MODEL_TWO_FACTOR,
		 "two-factor",
		 "two-factor (Zou, Gong, Towsley 2002)",
		 6,
		 {
			 {"n", "hosts", "vulnerable population N", true},
			 {"k0", "1/h", "initial spread rate beta0*N", true},
			 {"gamma", "1/h", "removal rate of infected hosts", false, true},
			 {"mu", "1/h", "patch rate of susceptible hosts mu*N", false, true},
			 {"eta", "", "congestion exponent", false, true},
			 {"i0", "hosts", "hosts infected at the origin", true},
		 }},
	[WC_MODEL_SIR] = {WC_MODEL_SIR,
			  "sir",
			  "SIR with patching",
			  5,
			  {
				  {"n", "hosts", "vulnerable population N", true},
				  {"beta", "1/h", "spread rate", true},
				  {"gamma", "1/h", "removal rate of infected hosts", false, true},
				  {"patch", "1/h", "patch rate of susceptible hosts", false, true},
				  {"i0", "hosts", "hosts infected at the origin", true},
			  }},
	[WC_MODEL_AAWP] = {WC_MODEL_AAWP,
			   "aawp",
			   "AAWP discrete time (Chen, Gao, Kwiat 2003)",
			   5,
			   {
				   {"n", "hosts", "vulnerable population N", true},
				   {"k", "1/h", "spread rate s*N/2^32 per hour", true},
				   {"death", "1/h", "death (removal) rate of infected hosts", false,
				    true},
				   {"patch", "1/h", "patch rate of all hosts", false, true},
				   {"i0", "hosts", "hosts infected at the origin", true},
			   }},
};

const wc_model_info *wc_model_describe(wc_model_kind k)
{
	return &model_table[k];
}

int wc_model_parse(const char *s, wc_model_kind *k)
{
	if (strcmp(s, "logistic") == 0) {
		*k = WC_MODEL_RCS;
		return 0;
	}
	for (int i = 0; i < WC_MODEL_COUNT; i++)
		if (strcmp(s, model_table[i].name) == 0) {
			*k = (wc_model_kind)i;
			return 0;
		}
	return -1;
}

static bool all_finite(const double *p, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(p[i]))
			return false;
	return true;
}

/* ---- rcs ---- */

static int rcs_closed(const double *p, const double *t, size_t n, double *c)
{
	double N = p[0], K = p[1], tm = p[2];
	if (!(N > 0 && K > 0))
		return -1;
	for (size_t j = 0; j < n; j++) {
		/* Written with exp of a non-positive argument on either side of
		 * the midpoint so that neither tail overflows. */
		double x = K * (t[j] - tm);
		c[j] = x >= 0 ? N / (1 + exp(-x)) : N * exp(x) / (1 + exp(x));
	}
	return 0;
}

/* ---- ODE models ---- */

struct ode_params {
	double p[WC_MODEL_MAX_PARAMS];
};

static int rhs_rcs(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	const struct ode_params *op = params;
	dydt[0] = op->p[1] * y[0] * (1 - y[0]);
	return GSL_SUCCESS;
}

static int rhs_two_factor(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	const double *p = ((const struct ode_params *)params)->p;
	double K0 = p[1], g = p[2], M = p[3], eta = p[4];
	double s = y[0], r = y[1], q = y[2];
	double i = fmax(1 - s - r - q, 0);
	double congest = pow(fmax(1 - i, 0), eta);
	double infect = K0 * congest * s * i, patch = M * s * (i + r);
	dydt[0] = -infect - patch;
	dydt[1] = g * i;
	dydt[2] = patch;
	return GSL_SUCCESS;
}

static int rhs_sir(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	const double *p = ((const struct ode_params *)params)->p;
	double beta = p[1], g = p[2], pr = p[3];
	double infect = beta * y[0] * y[1];
	dydt[0] = -infect - pr * y[0];
	dydt[1] = infect - g * y[1];
	dydt[2] = infect;
	return GSL_SUCCESS;
}

/*
 * Integrates sys from 0 to the last of the sorted times t[] on a grid of M
 * equal steps, M = ceil(t_max / h) (at most WC_MODEL_MAX_STEPS), and reads
 * each t[j] off the grid by cubic Hermite interpolation between the nodes
 * around it, from the states and derivatives there:
 *     y(ta + u dt) = h00(u) ya + h10(u) dt fa + h01(u) yb + h11(u) dt fb,
 *     h00 = (1 + 2u)(1 - u)^2, h10 = u (1 - u)^2, h01 = u^2 (3 - 2u),
 *     h11 = u^2 (u - 1),
 * whose error is O(dt^4) (about 1e-7 N for a logistic at K dt = 0.2), far
 * below any count's noise. The grid depends on t_max and h alone, never on
 * the parameters, so C stays a smooth function of them; and the cost is M
 * steps plus O(n), not a step per row. rk8pd returns the derivative at the
 * end of each step, which is the next step's derivative at its start.
 * cfrac(y), the cumulative fraction, is linear in y, so interpolating y is
 * interpolating it.
 */
static void hermite(const double *ya, const double *fa, const double *yb, const double *fb,
		    size_t dim, double dt, double u, double *y)
{
	double v = 1 - u;
	double h00 = (1 + 2 * u) * v * v, h10 = u * v * v, h01 = u * u * (3 - 2 * u),
	       h11 = u * u * (u - 1);
	for (size_t i = 0; i < dim; i++)
		y[i] = h00 * ya[i] + h10 * dt * fa[i] + h01 * yb[i] + h11 * dt * fb[i];
}

static int ode_run(gsl_odeiv2_system *sys, double *y, double N, const double *t, size_t n, double h,
		   double (*cfrac)(const double *y), double *c)
{
	if (!(h > 0) || n == 0 || !(t[0] >= 0) || !isfinite(t[n - 1]))
		return -1;
	size_t dim = sys->dimension;
	double tmax = t[n - 1], ratio = ceil(tmax / h - 1e-9);
	size_t M = ratio < 1 ? 1 : ratio > WC_MODEL_MAX_STEPS ? WC_MODEL_MAX_STEPS : (size_t)ratio;
	double fa[3], fb[3], yb[3], yi[3], yerr[3];
	if (sys->function(0, y, fa, sys->params) != GSL_SUCCESS)
		return -1;
	size_t j = 0;
	for (; j < n && t[j] <= 0; j++)
		c[j] = N * cfrac(y);
	gsl_odeiv2_step *st = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, dim);
	if (st == NULL)
		return -1;
	int rc = 0;
	double ta = 0;
	for (size_t k = 0; k < M && j < n && rc == 0; k++) {
		double tb = k + 1 == M ? tmax : tmax * (double)(k + 1) / (double)M;
		memcpy(yb, y, dim * sizeof *y);
		if (gsl_odeiv2_step_apply(st, ta, tb - ta, yb, yerr, fa, fb, sys) != GSL_SUCCESS) {
			rc = -1;
			break;
		}
		for (; j < n && t[j] <= tb; j++) {
			if (t[j] < (j > 0 ? t[j - 1] : 0)) {
				rc = -1; /* not sorted */
				break;
			}
			hermite(y, fa, yb, fb, dim, tb - ta, (t[j] - ta) / (tb - ta), yi);
			c[j] = N * cfrac(yi);
			if (!isfinite(c[j]))
				rc = -1;
		}
		memcpy(y, yb, dim * sizeof *y);
		memcpy(fa, fb, dim * sizeof *fa);
		ta = tb;
	}
	gsl_odeiv2_step_free(st);
	return rc == 0 && j == n ? 0 : -1;
}

static double cfrac_rcs(const double *y)
{
	return y[0];
}
static double cfrac_two_factor(const double *y)
{
	return 1 - y[0] - y[2];
}
static double cfrac_sir(const double *y)
{
	return y[2];
}

int wc_model_rcs_ode(const double *p, const double *t, size_t n, double h, double *c)
{
	if (!all_finite(p, 3) || !(p[0] > 0 && p[1] > 0))
		return -1;
	struct ode_params op;
	memcpy(op.p, p, 3 * sizeof *p);
	gsl_odeiv2_system sys = {rhs_rcs, NULL, 1, &op};
	double y[1] = {1 / (1 + exp(p[1] * p[2]))};
	return ode_run(&sys, y, p[0], t, n, h, cfrac_rcs, c);
}

static int two_factor(const double *p, const double *t, size_t n, double h, double *c)
{
	double N = p[0], i0 = p[5];
	if (!(N > 0 && p[1] > 0 && p[2] >= 0 && p[3] >= 0 && p[4] >= 0 && i0 > 0 && i0 < N))
		return -1;
	struct ode_params op;
	memcpy(op.p, p, 6 * sizeof *p);
	gsl_odeiv2_system sys = {rhs_two_factor, NULL, 3, &op};
	double y[3] = {1 - i0 / N, 0, 0};
	return ode_run(&sys, y, N, t, n, h, cfrac_two_factor, c);
}

static int sir(const double *p, const double *t, size_t n, double h, double *c)
{
	double N = p[0], i0 = p[4];
	if (!(N > 0 && p[1] > 0 && p[2] >= 0 && p[3] >= 0 && i0 > 0 && i0 < N))
		return -1;
	struct ode_params op;
	memcpy(op.p, p, 5 * sizeof *p);
	gsl_odeiv2_system sys = {rhs_sir, NULL, 3, &op};
	double y[3] = {1 - i0 / N, i0 / N, i0 / N};
	return ode_run(&sys, y, N, t, n, h, cfrac_sir, c);
}

/* ---- aawp ---- */

/*
 * One step of δ = 1 minute. With s = K δ 2^32 / N scans per infected host per
 * step, a susceptible host escapes all s·n scans with probability
 * (1 - 2^-32)^(s n); new infections are u (1 - that). Hosts never infected and
 * not yet patched, u, are the susceptible pool, so C counts distinct hosts
 * (the paper's pool (1-p)^k N - n_k would let removed hosts back in; see
 * docs/model.md §12.4).
 */
static int aawp(const double *p, const double *t, size_t n, double *c)
{
	double N = p[0], K = p[1], d = p[2], pr = p[3], i0 = p[4];
	const double dl = WC_MODEL_AAWP_STEP;
	if (!(N > 0 && K > 0 && d >= 0 && pr >= 0 && i0 > 0 && i0 < N && (d + pr) * dl < 1))
		return -1;
	double s_log = K * dl * 4294967296.0 / N * log1p(-1.0 / 4294967296.0);
	double u = N - i0, inf = i0, cum = i0, prev = i0;
	size_t k = 0;
	for (size_t j = 0; j < n; j++) {
		/* Checked before the cast below: a time past the bound (or NaN)
		 * would make it overflow, and would cost a step per minute. */
		if (!(t[j] >= 0 && t[j] <= WC_MODEL_AAWP_MAX_HOURS))
			return -1;
		double pos = t[j] / dl;
		size_t want = (size_t)floor(pos);
		while (k <= want) {
			double fresh = u * -expm1(s_log * inf);
			prev = cum;
			u = (1 - pr * dl) * u - fresh;
			inf = (1 - d * dl - pr * dl) * inf + fresh;
			cum += fresh;
			k++;
		}
		/* prev is C at step want, cum at step want + 1. */
		double frac = pos - (double)want;
		c[j] = prev + frac * (cum - prev);
		if (!isfinite(c[j]))
			return -1;
	}
	return 0;
}

int wc_model_cumulative(wc_model_kind k, const double *p, const double *t, size_t n, double h,
			double *c)
{
	if (!all_finite(p, model_table[k].nparams))
		return -1;
	switch (k) {
	case WC_MODEL_RCS:
		return rcs_closed(p, t, n, c);
	case WC_MODEL_TWO_FACTOR:
		return two_factor(p, t, n, h, c);
	case WC_MODEL_SIR:
		return sir(p, t, n, h, c);
	case WC_MODEL_AAWP:
		return aawp(p, t, n, c);
	default:
		return -1;
	}
}
