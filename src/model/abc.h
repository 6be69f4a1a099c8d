/*
 * abc.h — approximate Bayesian computation by sequential Monte Carlo
 * (ABC-SMC, population Monte Carlo), for any simulator behind a callback.
 *
 * The algorithm (docs/calibrate.md §2): Toni et al. 2009 and Beaumont et al.
 * 2009's population Monte Carlo with P particles, the tolerance of each round
 * the alpha-quantile of the previous population's distances (Del Moral et al.
 * 2012; pyABC's median epsilon for alpha = 0.5). Round 0 keeps P draws from
 * the prior; round t draws proposals from the previous population through a
 * Gaussian kernel whose covariance is twice the population's weighted
 * covariance (Beaumont et al. 2009), simulates each once, and keeps those
 * within the tolerance until it has P, weighing each by
 * prior / sum_j w_j K(theta | theta_j). Proposals run in waves of P, so the
 * work is a fixed function of the data and the seed; the total budget is
 * capped (sims), and a round the budget cannot finish is dropped.
 *
 * The kernel works in a transformed space z where every prior's support is
 * the whole line: logit of the position in [a, b] for uniform and
 * int-uniform, logit of the position of log(theta) in [log a, log b] for
 * loguniform, z = theta for normal. So no proposal leaves the support, and
 * the prior density in z is the standard logistic one for the bounded
 * priors. int-uniform(a,b) is a uniform latent value on [a-0.5, b+0.5]
 * rounded to the nearest integer; any prior marked integer is rounded so.
 *
 * Determinism: every draw of round t, proposal i comes from the keyed stream
 * (seed, ABC, t << 32 | i) (core/rng.h), drawn before its wave runs, and the
 * simulator's seed for that proposal is another word of the same stream: the
 * result is the same bytes however the batch is spread over threads.
 *
 * The simulator is a batch callback: jobs [0, n) of (parameters, seed) in,
 * one distance per job out. It may run them in any order, on any number of
 * threads or processes; only the outputs' slots matter.
 */
#ifndef WC_MODEL_ABC_H
#define WC_MODEL_ABC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

enum wc_prior_kind {
	WC_PRIOR_UNIFORM,
	WC_PRIOR_LOGUNIFORM,
	WC_PRIOR_NORMAL,
	WC_PRIOR_INT_UNIFORM,
};

typedef struct wc_prior {
	enum wc_prior_kind kind;
	double a, b;  /* bounds, or mean and standard deviation (normal) */
	bool integer; /* values are rounded to whole numbers */
} wc_prior;

/* "uniform(a,b)", "loguniform(a,b)", "normal(m,s)", "int-uniform(a,b)";
 * 0, or -1 with err set (WC_EXIT_USAGE) naming what is wrong. */
int wc_prior_parse(const char *text, wc_prior *p, wc_error *err);
/* The prior as it was written (for messages and JSON). */
void wc_prior_format(const wc_prior *p, char *buf, size_t len);
/* The smallest and largest value the prior gives (after rounding); -inf and
 * +inf for normal. */
void wc_prior_support(const wc_prior *p, double *lo, double *hi);
/* The map from the kernel's space and back, and the prior's log density
 * there (up to a constant). */
double wc_prior_value(const wc_prior *p, double z);
double wc_prior_z(const wc_prior *p, double theta);
double wc_prior_log_density_z(const wc_prior *p, double z);

/*
 * Runs jobs [0, n): job j has parameters theta[j*d .. j*d+d) and seed
 * seeds[j], and writes its distance to distance[j] (+inf: the simulator
 * cannot run those parameters; such a proposal is never kept). Returns 0,
 * or -1 with err set, which stops the calibration.
 */
typedef int (*wc_abc_batch_fn)(void *ctx, size_t n, size_t d, const double *theta,
			       const uint64_t *seeds, double *distance, wc_error *err);

/* Called after each round with the rounds done and the rounds asked for. */
typedef void (*wc_abc_progress_fn)(void *ctx, int done, int rounds);

#define WC_ABC_MAX_PARAMS 16
#define WC_ABC_MAX_ROUNDS 64

typedef struct wc_abc_config {
	size_t d;		/* parameters, 1..WC_ABC_MAX_PARAMS */
	const wc_prior *priors; /* d of them */
	uint64_t sims;		/* the most simulations in all */
	int rounds;		/* 1..WC_ABC_MAX_ROUNDS */
	size_t particles;	/* P, at least max(20, 10 d) */
	double alpha;		/* tolerance quantile of the previous distances, (0, 1) */
	uint64_t seed;
	wc_abc_batch_fn batch;
	void *batch_ctx;
	wc_abc_progress_fn progress; /* may be NULL */
	void *progress_ctx;
} wc_abc_config;

typedef struct wc_abc_round {
	uint64_t sims;	   /* simulations run in the round */
	double tolerance;  /* the round's tolerance (round 0: the largest distance kept) */
	double acceptance; /* share of the round's simulations kept */
	double ess;	   /* effective sample size of the kept weights */
} wc_abc_round;

typedef struct wc_abc_result {
	size_t n, d;	  /* particles kept in the last round, parameters */
	double *theta;	  /* n*d values, as the simulator got them */
	double *z;	  /* n*d, in the kernel's space */
	double *weight;	  /* n, adding to 1 */
	double *distance; /* n */
	uint64_t *seeds;  /* n: the simulator seed each particle was kept with */
	int rounds;	  /* rounds completed: fewer than asked if the budget ran out */
	wc_abc_round round[WC_ABC_MAX_ROUNDS];
	uint64_t sims; /* in all, those of a dropped round included */
} wc_abc_result;

/* The fewest particles for d parameters: max(20, 10 d). */
size_t wc_abc_min_particles(size_t d);
/* Checks cfg (sizes; a budget of at least P simulations a round); 0, or -1
 * with err set (WC_EXIT_USAGE). */
int wc_abc_check(const wc_abc_config *cfg, wc_error *err);
/* Runs the calibration; 0 and res filled, or -1 with err set. */
int wc_abc_run(const wc_abc_config *cfg, wc_abc_result *res, wc_error *err);
void wc_abc_result_free(wc_abc_result *res);

/* The p-quantile of x[0..n) under weights w (adding to any positive total):
 * the smallest x whose cumulative weight reaches p of the total. */
double wc_weighted_quantile(const double *x, const double *w, size_t n, double p);

#endif
