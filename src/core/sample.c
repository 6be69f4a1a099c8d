#include "core/sample.h"

#include <math.h>

#include <gsl/gsl_randist.h>

uint64_t wc_sample_poisson_positive(gsl_rng *g, double nu)
{
	double p = nu / expm1(nu), cum = p, u = gsl_rng_uniform(g);
	uint64_t k = 1;
	while (u > cum && k < 100000) {
		k++;
		p *= nu / (double)k;
		cum += p;
		if (p == 0)
			break;
	}
	return k;
}

uint32_t wc_sample_binomial_positive(gsl_rng *g, uint32_t n, double q)
{
	double l1q = log1p(-q);
	double total = -expm1((double)n * l1q); /* P(at least one success) */
	double u = gsl_rng_uniform_pos(g);
	double j = ceil(log1p(-u * total) / l1q);
	if (!(j >= 1))
		j = 1;
	if (j > n)
		j = n;
	uint32_t first = (uint32_t)j;
	return 1 + gsl_ran_binomial(g, q, n - first);
}

double wc_sample_geometric(gsl_rng *g, double p)
{
	if (!(p > 0))
		return INFINITY;
	if (p >= 1)
		return 1;
	return 1 + floor(log(gsl_rng_uniform_pos(g)) / log1p(-p));
}

uint64_t wc_sample_poisson64(gsl_rng *g, double mu)
{
	uint64_t k = 0;
	const double chunk = 1e9;
	for (; mu > chunk; mu -= chunk)
		k += gsl_ran_poisson(g, chunk);
	return k + (mu > 0 ? gsl_ran_poisson(g, mu) : 0);
}
