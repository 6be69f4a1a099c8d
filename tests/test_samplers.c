/*
 * The fast engine's samplers (core/sample.h) against their closed-form
 * moments. Each case draws n values from a fixed-seed GSL generator and
 * checks the sample mean within 5 standard errors of the exact mean (se from
 * the exact variance) and the sample second moment within 5 of its own
 * (se from the sample fourth moment). The values drawn are never pinned, so
 * a change of generator leaves the test valid.
 */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_rng.h>

#include "core/sample.h"

enum { NDRAWS = 200000 };

typedef struct moments {
	double m1, m2, m4; /* sums of X, X², X⁴; sample moments once divided by n */
} moments;

static void add(moments *s, double x)
{
	s->m1 += x;
	s->m2 += x * x;
	s->m4 += x * x * x * x;
}

/* Mean and second moment of the sample against mean and ex2, 5 standard errors. */
static void expect_moments(const char *what, const moments *sum, int n, double mean, double ex2)
{
	moments m = {sum->m1 / n, sum->m2 / n, sum->m4 / n}, *s = &m;
	double var = ex2 - mean * mean;
	double se1 = sqrt(var / n), se2 = sqrt(fmax(s->m4 - s->m2 * s->m2, 0) / n);
	print_message("%-36s mean %.6g (exact %.6g, se %.2g)  E[X^2] %.6g (exact %.6g, se %.2g)\n",
		      what, s->m1, mean, se1, s->m2, ex2, se2);
	assert_true(fabs(s->m1 - mean) <= 5 * se1 + 1e-12 * fabs(mean));
	assert_true(fabs(s->m2 - ex2) <= 5 * se2 + 1e-12 * fabs(ex2));
}

static gsl_rng *generator(unsigned long seed)
{
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(g);
	gsl_rng_set(g, seed);
	return g;
}

static void truncated_poisson_moments(void **state)
{
	(void)state;
	static const double nus[] = {1e-3, 0.3, 1, 5, 40};
	gsl_rng *g = generator(11);
	for (size_t c = 0; c < sizeof nus / sizeof nus[0]; c++) {
		double nu = nus[c], z = -expm1(-nu); /* P(Poisson(nu) >= 1) */
		moments s = {0};
		uint64_t ones = 0;
		for (int i = 0; i < NDRAWS; i++) {
			uint64_t k = wc_sample_poisson_positive(g, nu);
			assert_true(k >= 1);
			ones += k == 1;
			add(&s, (double)k);
		}
		char what[64];
		snprintf(what, sizeof what, "Poisson(%g) | >= 1", nu);
		expect_moments(what, &s, NDRAWS, nu / z, (nu + nu * nu) / z);
		/* and the mass at 1, nu e^{-nu} / (1 - e^{-nu}), within 5 se */
		double p1 = nu * exp(-nu) / z, f1 = (double)ones / NDRAWS;
		assert_true(fabs(f1 - p1) <= 5 * sqrt(p1 * (1 - p1) / NDRAWS) + 1e-12);
	}
	gsl_rng_free(g);
}

static void positive_binomial_moments(void **state)
{
	(void)state;
	static const struct {
		uint32_t n;
		double q;
	} cases[] = {{1, 0.5}, {10, 0.3}, {1000, 1e-4}, {50000, 0.01}, {4000000, 1e-9}};
	gsl_rng *g = generator(12);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		uint32_t n = cases[c].n;
		double q = cases[c].q, z = -expm1((double)n * log1p(-q)); /* P(>= 1) */
		moments s = {0};
		for (int i = 0; i < NDRAWS; i++) {
			uint32_t k = wc_sample_binomial_positive(g, n, q);
			assert_true(k >= 1 && k <= n);
			add(&s, (double)k);
		}
		char what[64];
		snprintf(what, sizeof what, "Binomial(%u, %g) | >= 1", n, q);
		double nq = (double)n * q;
		expect_moments(what, &s, NDRAWS, nq / z, (nq * (1 - q) + nq * nq) / z);
	}
	gsl_rng_free(g);
}

static void geometric_moments(void **state)
{
	(void)state;
	static const double ps[] = {0.9, 0.5, 0.01, 1e-7};
	gsl_rng *g = generator(13);
	for (size_t c = 0; c < sizeof ps / sizeof ps[0]; c++) {
		double p = ps[c];
		moments s = {0};
		for (int i = 0; i < NDRAWS; i++) {
			double k = wc_sample_geometric(g, p);
			assert_true(k >= 1 && k == floor(k));
			add(&s, k);
		}
		char what[64];
		snprintf(what, sizeof what, "Geometric(%g)", p);
		double mean = 1 / p;
		expect_moments(what, &s, NDRAWS, mean, (1 - p) / (p * p) + mean * mean);
	}
	/* The edges: never, and at once. */
	assert_true(isinf(wc_sample_geometric(g, 0)));
	assert_true(isinf(wc_sample_geometric(g, -1)));
	assert_true(wc_sample_geometric(g, 1) == 1);
	gsl_rng_free(g);
}

/* Means beyond GSL's unsigned count are drawn in chunks of 10^9: the sum
 * must still be Poisson (mean = variance = mu). */
static void poisson64_moments(void **state)
{
	(void)state;
	static const double mus[] = {0, 2.5, 3.7e9, 1.2e10};
	gsl_rng *g = generator(14);
	for (size_t c = 0; c < sizeof mus / sizeof mus[0]; c++) {
		double mu = mus[c];
		int n = NDRAWS / 10;
		moments s = {0};
		for (int i = 0; i < n; i++)
			add(&s, (double)wc_sample_poisson64(g, mu));
		char what[64];
		snprintf(what, sizeof what, "Poisson(%g)", mu);
		expect_moments(what, &s, n, mu, mu + mu * mu);
	}
	assert_int_equal(wc_sample_poisson64(g, 0), 0);
	gsl_rng_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(truncated_poisson_moments),
		cmocka_unit_test(positive_binomial_moments),
		cmocka_unit_test(geometric_moments),
		cmocka_unit_test(poisson64_moments),
	};
	return cmocka_run_group_tests_name("samplers", tests, NULL, NULL);
}
