/*
 * models.h — the epidemic models `wormcast fit` fits: what each predicts for
 * the cumulative number of hosts ever infected, C(t).
 *
 * Contract: time is in hours from the model's origin (t = 0), where C(0) is the
 * number of hosts infected then. Four models (equations and sources in
 * docs/model.md §12):
 *   rcs         random constant spread, Staniford's logistic (closed form);
 *   two-factor  Zou, Gong and Towsley's model: patching of susceptible and
 *               infected hosts, infection rate slowed by congestion;
 *   sir         SIR with a constant patch rate of susceptible hosts;
 *   aawp        Chen, Gao and Kwiat's discrete-time AAWP recursion, one step
 *               per minute.
 * The continuous models (two-factor, sir) are integrated with GSL's odeiv2
 * Runge-Kutta Prager-Dormand 8(9) stepper (rk8pd) in *fixed* steps of at most
 * the caller's size h (at most WC_MODEL_MAX_STEPS of them) from 0 to the last
 * time, and the times asked for are read off that grid by cubic Hermite
 * interpolation: a fixed discretisation makes C a smooth function of the
 * parameters, which the fit's finite-difference Jacobian needs (an adaptive
 * step would change with the parameters and put noise of the size of its
 * tolerance into every derivative), and the cost is the grid's, not a step
 * per time asked for. Callers pick h from the data (span/200), never from
 * the parameters.
 *
 * Work is bounded by the times asked for, never by the parameters: AAWP by
 * WC_MODEL_AAWP_MAX_HOURS below.
 *
 * Parameters are an array p[] in the order of wc_model_describe(k)->params.
 * Evaluating never allocates more than O(n) and never prints; a parameter set
 * outside the model's domain (a negative rate, N <= I0, ...) returns -1 and
 * leaves c[] undefined, which the fit treats as a rejected step.
 */
#ifndef WC_MODEL_MODELS_H
#define WC_MODEL_MODELS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum wc_model_kind {
	WC_MODEL_RCS = 0,
	WC_MODEL_TWO_FACTOR,
	WC_MODEL_SIR,
	WC_MODEL_AAWP,
	WC_MODEL_COUNT,
} wc_model_kind;

#define WC_MODEL_MAX_PARAMS 6

/* The most steps one evaluation of an ODE model takes: a finer h is
 * coarsened to this many steps over the span, so that work stays bounded
 * whatever the times' scale. */
#define WC_MODEL_MAX_STEPS 20000

/* The AAWP model's time step, hours (one minute). */
#define WC_MODEL_AAWP_STEP (1.0 / 60.0)

/* AAWP is stepped minute by minute from the origin, so its cost is the time
 * reached, not the number of points: it evaluates to at most a year
 * (525,600 steps; later times return -1), and the fit takes series of at
 * most WC_MODEL_AAWP_MAX_SPAN hours (fit.h). */
#define WC_MODEL_AAWP_MAX_HOURS 8760.0
#define WC_MODEL_AAWP_MAX_SPAN	2000.0

typedef struct wc_model_param {
	const char *name;    /* snake_case key in fit.json ("k", "gamma") */
	const char *unit;    /* "hosts", "1/h", "h", "" */
	const char *meaning; /* one line for --help, the terminal and docs */
	bool log_scale;	     /* fitted as its logarithm: positive, spans decades */
	bool nonneg;	     /* a rate or exponent: never below 0 */
} wc_model_param;

typedef struct wc_model_info {
	wc_model_kind kind;
	const char *name;  /* the --model spelling */
	const char *title; /* for people: "random constant spread (logistic)" */
	int nparams;
	wc_model_param params[WC_MODEL_MAX_PARAMS];
} wc_model_info;

/* The description of model k (static storage). */
const wc_model_info *wc_model_describe(wc_model_kind k);

/* Parses a --model name ("rcs", "logistic" as a synonym, "two-factor", "sir",
 * "aawp"). Returns 0, or -1 if s names no model. */
int wc_model_parse(const char *s, wc_model_kind *k);

/* Writes C(t[j]) for j < n into c. t must be non-decreasing and >= 0. h is the
 * integration step in hours for the ODE models (ignored by rcs and aawp).
 * Returns 0, or -1 if p is outside the model's domain. */
int wc_model_cumulative(wc_model_kind k, const double *p, const double *t, size_t n, double h,
			double *c);

/* The rcs model integrated as an ODE (da/dt = K a (1 - a)) with the same fixed
 * step scheme as the other continuous models instead of its closed form: the
 * benchmark's baseline and the tests' check of the integrator. */
int wc_model_rcs_ode(const double *p, const double *t, size_t n, double h, double *c);

#endif
