/*
 * ABC-SMC (abc.h): priors, the transformed space, and the rounds.
 */
#include "model/abc.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "core/num.h"
#include "core/rng.h"
#include "core/xalloc.h"

/* ---- priors ---- */

static const struct {
	const char *name;
	enum wc_prior_kind kind;
} prior_names[] = {
	{"uniform", WC_PRIOR_UNIFORM},
	{"loguniform", WC_PRIOR_LOGUNIFORM},
	{"normal", WC_PRIOR_NORMAL},
	{"int-uniform", WC_PRIOR_INT_UNIFORM},
};

/* One number of "name(a,b)", blanks around it allowed. */
static int prior_number(const char *s, size_t n, double *out)
{
	char buf[64];
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return wc_num_double(buf, -INFINITY, INFINITY, out) == WC_NUM_OK ? 0 : -1;
}

static int prior_check(const char *text, wc_prior *p, wc_error *err)
{
	double a = p->a, b = p->b;
	switch (p->kind) {
	case WC_PRIOR_UNIFORM:
		if (!(a < b))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "prior '%s': uniform(a,b) needs a < b", text);
		return 0;
	case WC_PRIOR_LOGUNIFORM:
		if (!(a > 0 && a < b))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "prior '%s': loguniform(a,b) needs 0 < a < b", text);
		return 0;
	case WC_PRIOR_NORMAL:
		if (!(b > 0))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "prior '%s': normal(m,s) needs s > 0", text);
		return 0;
	case WC_PRIOR_INT_UNIFORM:
		if (a != nearbyint(a) || b != nearbyint(b) || !(a < b) || fabs(a) > 1e15 ||
		    fabs(b) > 1e15)
			return wc_error_set(
				err, WC_EXIT_USAGE,
				"prior '%s': int-uniform(a,b) needs whole numbers a < b", text);
		p->integer = true;
		return 0;
	}
	return -1;
}

int wc_prior_parse(const char *text, wc_prior *p, wc_error *err)
{
	memset(p, 0, sizeof *p);
	const char *open = strchr(text, '('), *comma = open ? strchr(open, ',') : NULL;
	const char *close = comma ? strchr(comma, ')') : NULL;
	size_t nlen = open ? (size_t)(open - text) : 0;
	int found = -1;
	for (size_t i = 0; open && i < sizeof prior_names / sizeof prior_names[0]; i++)
		if (strlen(prior_names[i].name) == nlen &&
		    strncmp(prior_names[i].name, text, nlen) == 0)
			found = (int)i;
	if (found < 0 || close == NULL || close[1] != '\0' ||
	    prior_number(open + 1, (size_t)(comma - open - 1), &p->a) != 0 ||
	    prior_number(comma + 1, (size_t)(close - comma - 1), &p->b) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "prior '%.80s': expected uniform(a,b), loguniform(a,b), "
				    "normal(m,s) or int-uniform(a,b) with plain numbers",
				    text);
	p->kind = prior_names[found].kind;
	return prior_check(text, p, err);
}

void wc_prior_format(const wc_prior *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s(%.17g,%.17g)", prior_names[p->kind].name, p->a, p->b);
}

void wc_prior_support(const wc_prior *p, double *lo, double *hi)
{
	if (p->kind == WC_PRIOR_NORMAL) {
		*lo = -INFINITY;
		*hi = INFINITY;
		return;
	}
	*lo = p->integer ? nearbyint(p->a) : p->a;
	*hi = p->integer ? nearbyint(p->b) : p->b;
}

/* 1 / (1 + e^-z), without overflow either way. */
static double logistic(double z)
{
	if (z >= 0)
		return 1 / (1 + exp(-z));
	double e = exp(z);
	return e / (1 + e);
}

double wc_prior_value(const wc_prior *p, double z)
{
	double s = logistic(z), v;
	switch (p->kind) {
	case WC_PRIOR_UNIFORM:
		v = p->a + (p->b - p->a) * s;
		break;
	case WC_PRIOR_LOGUNIFORM:
		v = exp(log(p->a) + (log(p->b) - log(p->a)) * s);
		break;
	case WC_PRIOR_INT_UNIFORM:
		v = p->a - 0.5 + (p->b - p->a + 1) * s;
		break;
	default:
		return p->integer ? nearbyint(z) : z;
	}
	if (p->integer)
		v = nearbyint(v);
	double lo, hi;
	wc_prior_support(p, &lo, &hi);
	return v < lo ? lo : v > hi ? hi : v;
}

double wc_prior_z(const wc_prior *p, double theta)
{
	double s;
	switch (p->kind) {
	case WC_PRIOR_UNIFORM:
		s = (theta - p->a) / (p->b - p->a);
		break;
	case WC_PRIOR_LOGUNIFORM:
		s = (log(theta) - log(p->a)) / (log(p->b) - log(p->a));
		break;
	case WC_PRIOR_INT_UNIFORM:
		s = (theta - p->a + 0.5) / (p->b - p->a + 1);
		break;
	default:
		return theta;
	}
	s = s < 1e-12 ? 1e-12 : s > 1 - 1e-12 ? 1 - 1e-12 : s;
	return log(s) - log1p(-s);
}

double wc_prior_log_density_z(const wc_prior *p, double z)
{
	if (p->kind == WC_PRIOR_NORMAL) {
		double u = (z - p->a) / p->b;
		return -0.5 * u * u;
	}
	/* The standard logistic density: the image of a uniform position. */
	double az = fabs(z);
	return -az - 2 * log1p(exp(-az));
}

/* ---- checks ---- */

size_t wc_abc_min_particles(size_t d)
{
	return d * 10 > 20 ? d * 10 : 20;
}

int wc_abc_check(const wc_abc_config *cfg, wc_error *err)
{
	if (cfg->d < 1 || cfg->d > WC_ABC_MAX_PARAMS)
		return wc_error_set(err, WC_EXIT_USAGE, "calibrate: give 1 to %d priors, got %zu",
				    WC_ABC_MAX_PARAMS, cfg->d);
	if (cfg->rounds < 1 || cfg->rounds > WC_ABC_MAX_ROUNDS)
		return wc_error_set(err, WC_EXIT_USAGE, "--rounds: expected 1 to %d, got %d",
				    WC_ABC_MAX_ROUNDS, cfg->rounds);
	if (!(cfg->alpha > 0 && cfg->alpha < 1))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "calibrate: the tolerance quantile must be in (0, 1)");
	size_t minp = wc_abc_min_particles(cfg->d);
	if (cfg->particles < minp || cfg->particles > UINT32_MAX / 2)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--particles: expected at least %zu for %zu parameters "
				    "(10 a parameter, 20 at least), got %zu",
				    minp, cfg->d, cfg->particles);
	uint64_t need = (uint64_t)cfg->particles * (uint64_t)cfg->rounds;
	if (cfg->sims < need)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--sims %" PRIu64 " is too few for %d rounds of %zu particles: "
				    "each round simulates at least its %zu particles, so at least "
				    "%" PRIu64 " are needed (more, as the tolerance falls); give "
				    "more --sims, fewer --rounds or fewer --particles",
				    cfg->sims, cfg->rounds, cfg->particles, cfg->particles, need);
	return 0;
}

/* ---- rounds ---- */

/* The population a round passes on. */
struct population {
	size_t n, d;
	double *z, *w, *dist;
	gsl_matrix *chol; /* of the kernel covariance, lower triangle */
	double log_det;	  /* sum of log L_ii */
};

/* 2 x the weighted covariance of pop's z, factored; a flat direction (all
 * particles equal in it) gets a small variance so the kernel still moves. */
static void kernel_factor(struct population *pop)
{
	size_t n = pop->n, d = pop->d;
	double mean[WC_ABC_MAX_PARAMS] = {0};
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < d; k++)
			mean[k] += pop->w[i] * pop->z[i * d + k];
	gsl_matrix *c = pop->chol;
	for (size_t k = 0; k < d; k++)
		for (size_t l = 0; l <= k; l++) {
			double s = 0;
			for (size_t i = 0; i < n; i++)
				s += pop->w[i] * (pop->z[i * d + k] - mean[k]) *
				     (pop->z[i * d + l] - mean[l]);
			gsl_matrix_set(c, k, l, 2 * s);
			gsl_matrix_set(c, l, k, 2 * s);
		}
	gsl_matrix *keep = gsl_matrix_alloc(d, d);
	if (keep == NULL)
		xalloc_die(d * d * sizeof(double));
	gsl_matrix_memcpy(keep, c);
	gsl_set_error_handler_off(); /* as in wc_fit_model: statuses, not aborts */
	for (double jitter = 1e-9; gsl_linalg_cholesky_decomp1(c) != GSL_SUCCESS; jitter *= 100) {
		gsl_matrix_memcpy(c, keep);
		for (size_t k = 0; k < d; k++)
			gsl_matrix_set(c, k, k, gsl_matrix_get(c, k, k) + jitter);
	}
	gsl_matrix_free(keep);
	pop->log_det = 0;
	for (size_t k = 0; k < d; k++)
		pop->log_det += log(gsl_matrix_get(c, k, k));
}

/* log sum_j w_j K(z | z_j), the proposal's density at z (up to the constant
 * every proposal shares). */
static double kernel_log_mix(const struct population *pop, const double *z)
{
	size_t d = pop->d;
	double best = -INFINITY, acc = 0;
	for (size_t j = 0; j < pop->n; j++) {
		double y[WC_ABC_MAX_PARAMS], q = 0;
		for (size_t k = 0; k < d; k++) {
			double s = z[k] - pop->z[j * d + k];
			for (size_t l = 0; l < k; l++)
				s -= gsl_matrix_get(pop->chol, k, l) * y[l];
			y[k] = s / gsl_matrix_get(pop->chol, k, k);
			q += y[k] * y[k];
		}
		double lv = log(pop->w[j]) - 0.5 * q;
		if (lv > best) {
			acc = acc * exp(best - lv) + 1;
			best = lv;
		} else {
			acc += exp(lv - best);
		}
	}
	return best + log(acc) - pop->log_det;
}

/* Proposal i of round t: from the prior (t = 0) or the kernel around an
 * ancestor drawn by weight; also its simulator seed. */
static void propose(const wc_abc_config *cfg, const struct population *prev, const double *cumw,
		    int t, size_t i, gsl_rng *g, double *z, uint64_t *seed)
{
	size_t d = cfg->d;
	wc_rng_gsl_load(g, wc_rng_stream(cfg->seed, WC_STREAM_ABC, (uint64_t)t << 32 | i, 0));
	if (t == 0) {
		for (size_t k = 0; k < d; k++) {
			const wc_prior *p = &cfg->priors[k];
			z[k] = p->kind == WC_PRIOR_NORMAL ? p->a + gsl_ran_gaussian(g, p->b)
							  : gsl_ran_logistic(g, 1.0);
		}
	} else {
		double u = gsl_rng_uniform(g) * cumw[prev->n - 1];
		size_t lo = 0, hi = prev->n - 1;
		while (lo < hi) { /* the first ancestor whose cumulative weight passes u */
			size_t mid = lo + (hi - lo) / 2;
			if (cumw[mid] > u)
				hi = mid;
			else
				lo = mid + 1;
		}
		double e[WC_ABC_MAX_PARAMS];
		for (size_t k = 0; k < d; k++)
			e[k] = gsl_ran_gaussian(g, 1.0);
		for (size_t k = 0; k < d; k++) {
			z[k] = prev->z[lo * d + k];
			for (size_t l = 0; l <= k; l++)
				z[k] += gsl_matrix_get(prev->chol, k, l) * e[l];
		}
	}
	wc_rng r = wc_rng_gsl_state(g);
	*seed = wc_rng_next(&r);
}

/* Scratch for one wave of P proposals. */
struct batch {
	size_t B;
	double *z, *theta, *dist;
	uint64_t *seeds;
};

/* Draws and simulates the proposals first .. first + B - 1 of round t. */
static int run_wave(const wc_abc_config *cfg, const struct population *prev, const double *cumw,
		    int t, size_t first, struct batch *b, gsl_rng *g, wc_error *err)
{
	size_t d = cfg->d;
	for (size_t i = 0; i < b->B; i++) {
		propose(cfg, prev, cumw, t, first + i, g, b->z + i * d, &b->seeds[i]);
		for (size_t k = 0; k < d; k++)
			b->theta[i * d + k] = wc_prior_value(&cfg->priors[k], b->z[i * d + k]);
		b->dist[i] = INFINITY;
	}
	return cfg->batch(cfg->batch_ctx, b->B, d, b->theta, b->seeds, b->dist, err);
}

/* Weights prior / proposal density, normalised; returns the ESS. */
static double weigh(const wc_abc_config *cfg, const struct population *prev, int t,
		    struct population *next)
{
	size_t d = cfg->d, n = next->n;
	for (size_t r = 0; r < n; r++) {
		double lw = 0;
		for (size_t k = 0; k < d; k++)
			lw += wc_prior_log_density_z(&cfg->priors[k], next->z[r * d + k]);
		next->w[r] = t == 0 ? 0 : lw - kernel_log_mix(prev, next->z + r * d);
	}
	double top = -INFINITY, sum = 0, sq = 0;
	for (size_t r = 0; r < n; r++)
		top = next->w[r] > top ? next->w[r] : top;
	for (size_t r = 0; r < n; r++)
		sum += next->w[r] = exp(next->w[r] - top);
	for (size_t r = 0; r < n; r++) {
		next->w[r] /= sum;
		sq += next->w[r] * next->w[r];
	}
	return 1 / sq;
}

/*
 * Round t: waves of P proposals until P lie within the tolerance, the first
 * P in proposal order kept. Returns 1 when done, 0 when the budget ran out
 * first (the round is dropped), -1 on error.
 */
static int run_round(const wc_abc_config *cfg, struct population *prev, int t,
		     struct population *next, struct batch *b, wc_abc_result *res, wc_error *err)
{
	size_t d = cfg->d, P = cfg->particles;
	double eps = INFINITY, *cumw = NULL;
	if (t > 0) {
		eps = wc_weighted_quantile(prev->dist, prev->w, prev->n, cfg->alpha);
		cumw = xmallocarray(prev->n, sizeof *cumw);
		double c = 0;
		for (size_t j = 0; j < prev->n; j++)
			cumw[j] = c += prev->w[j];
	}
	gsl_rng *g = wc_rng_gsl_alloc();
	uint64_t used = 0;
	int rc = 0;
	next->n = 0;
	for (size_t first = 0; next->n < P; first += P) {
		if (res->sims + P > cfg->sims || first + P > UINT32_MAX) {
			rc = 0;
			break;
		}
		if ((rc = run_wave(cfg, prev, cumw, t, first, b, g, err)) != 0)
			break;
		res->sims += P;
		used += P;
		for (size_t i = 0; i < P && next->n < P; i++) {
			if (!(b->dist[i] <= eps) || !isfinite(b->dist[i]))
				continue;
			size_t r = next->n++;
			memcpy(next->z + r * d, b->z + i * d, d * sizeof *next->z);
			memcpy(res->theta + r * d, b->theta + i * d, d * sizeof *res->theta);
			res->seeds[r] = b->seeds[i];
			next->dist[r] = b->dist[i];
		}
		rc = next->n == P;
	}
	gsl_rng_free(g);
	free(cumw);
	if (rc != 1)
		return rc;
	double top = 0;
	for (size_t r = 0; r < P; r++)
		top = next->dist[r] > top ? next->dist[r] : top;
	res->round[t] = (wc_abc_round){
		.sims = used,
		.tolerance = t == 0 ? top : eps,
		.acceptance = (double)P / (double)used,
		.ess = weigh(cfg, prev, t, next),
	};
	return 1;
}

static void population_alloc(struct population *p, size_t n, size_t d)
{
	p->n = 0;
	p->d = d;
	p->z = xmallocarray(n * d, sizeof *p->z);
	p->w = xmallocarray(n, sizeof *p->w);
	p->dist = xmallocarray(n, sizeof *p->dist);
	p->chol = gsl_matrix_alloc(d, d);
	if (p->chol == NULL)
		xalloc_die(d * d * sizeof(double));
}

static void population_free(struct population *p)
{
	free(p->z);
	free(p->w);
	free(p->dist);
	if (p->chol)
		gsl_matrix_free(p->chol);
}

static void batch_alloc(struct batch *b, size_t B, size_t d)
{
	b->B = B;
	b->z = xmallocarray(B * d, sizeof *b->z);
	b->theta = xmallocarray(B * d, sizeof *b->theta);
	b->dist = xmallocarray(B, sizeof *b->dist);
	b->seeds = xmallocarray(B, sizeof *b->seeds);
}

static void batch_free(struct batch *b)
{
	free(b->z);
	free(b->theta);
	free(b->dist);
	free(b->seeds);
}

int wc_abc_run(const wc_abc_config *cfg, wc_abc_result *res, wc_error *err)
{
	memset(res, 0, sizeof *res);
	if (wc_abc_check(cfg, err) != 0)
		return -1;
	size_t d = cfg->d, P = cfg->particles;
	res->d = d;
	/* theta and seeds are written in place by each round: the last complete
	 * round's are kept in the spare arrays below. */
	double *theta[2] = {xmallocarray(P * d, sizeof(double)),
			    xmallocarray(P * d, sizeof(double))};
	uint64_t *seeds[2] = {xmallocarray(P, sizeof(uint64_t)), xmallocarray(P, sizeof(uint64_t))};
	struct population pop[2];
	population_alloc(&pop[0], P, d);
	population_alloc(&pop[1], P, d);
	struct batch b;
	batch_alloc(&b, P, d);
	int rc = 1, cur = 0;
	for (int t = 0; t < cfg->rounds && rc == 1; t++) {
		struct population *prev = &pop[cur], *next = &pop[1 - cur];
		if (t > 0)
			kernel_factor(prev);
		res->theta = theta[1 - cur];
		res->seeds = seeds[1 - cur];
		rc = run_round(cfg, prev, t, next, &b, res, err);
		if (rc == 1) {
			cur = 1 - cur;
			res->rounds = t + 1;
			if (cfg->progress)
				cfg->progress(cfg->progress_ctx, t + 1, cfg->rounds);
		}
	}
	batch_free(&b);
	if (rc >= 0 && res->rounds == 0)
		rc = wc_error_set(err, WC_EXIT_RUNTIME,
				  "calibrate: %" PRIu64
				  " simulations gave fewer than %zu that could "
				  "run (the others' parameters failed)",
				  res->sims, P);
	struct population *last = &pop[cur];
	if (rc >= 0) {
		res->n = last->n;
		res->z = last->z;
		res->weight = last->w;
		res->distance = last->dist;
		res->theta = theta[cur];
		res->seeds = seeds[cur];
		last->z = last->w = last->dist = NULL;
		free(theta[1 - cur]);
		free(seeds[1 - cur]);
	} else {
		res->theta = NULL;
		res->seeds = NULL;
		free(theta[0]);
		free(theta[1]);
		free(seeds[0]);
		free(seeds[1]);
	}
	population_free(&pop[0]);
	population_free(&pop[1]);
	if (rc < 0) {
		wc_abc_result_free(res);
		return -1;
	}
	return 0;
}

void wc_abc_result_free(wc_abc_result *res)
{
	free(res->theta);
	free(res->z);
	free(res->weight);
	free(res->distance);
	free(res->seeds);
	memset(res, 0, sizeof *res);
}

struct wq {
	double x, w;
};
static int by_value(const void *a, const void *b)
{
	double x = ((const struct wq *)a)->x, y = ((const struct wq *)b)->x;
	return (x > y) - (x < y);
}

double wc_weighted_quantile(const double *x, const double *w, size_t n, double p)
{
	if (n == 0)
		return NAN;
	struct wq *v = xmallocarray(n, sizeof *v);
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct wq){x[i], w[i]};
		total += w[i];
	}
	qsort(v, n, sizeof *v, by_value);
	double c = 0, q = v[n - 1].x;
	for (size_t i = 0; i < n; i++) {
		c += v[i].w;
		if (c >= p * total * (1 - 1e-12)) {
			q = v[i].x;
			break;
		}
	}
	free(v);
	return q;
}
