/*
 * sample.h — exact samplers the fast engine draws its counts and waits from,
 * on top of any gsl_rng (GSL has none of them in this form).
 *
 * Contract: each draws exactly from the distribution named, for every
 * parameter in its stated domain, and consumes an amount of randomness that
 * depends only on the draw (so a keyed stream stays reproducible). Closed
 * forms the tests check (ν, n, q, p as below):
 *
 *   Poisson(ν) given ≥ 1      mean ν/(1 − e^{−ν}),  E[X²] = (ν + ν²)/(1 − e^{−ν})
 *   Binomial(n, q) given ≥ 1  mean nq/(1 − (1−q)^n), E[X²] = (nq(1−q) + n²q²)/(1 − (1−q)^n)
 *   Geometric(p) on 1, 2, …   mean 1/p,  variance (1 − p)/p²
 *   Poisson(μ), any μ ≥ 0     mean μ,  variance μ
 */
#ifndef WC_CORE_SAMPLE_H
#define WC_CORE_SAMPLE_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Poisson(nu) conditioned on at least 1 (zero-truncated), nu > 0, by
 * inversion; capped at 100,000 (reached only for nu in the tens of
 * thousands, which the engine never asks for). */
uint64_t wc_sample_poisson_positive(gsl_rng *g, double nu);

/* Binomial(n, q) conditioned on at least 1, n >= 1 and 0 < q < 1: the first
 * success is at trial J, P(J <= j) ∝ 1 − (1 − q)^j (inverted), and the
 * trials after it add Binomial(n − J, q). */
uint32_t wc_sample_binomial_positive(gsl_rng *g, uint32_t n, double q);

/* Bernoulli(p) trials up to and including the first success, as a double so
 * that a tiny p cannot overflow: +inf for p <= 0, 1 for p >= 1. */
double wc_sample_geometric(gsl_rng *g, double p);

/* Poisson(mu) for any mean: GSL's count is an unsigned int, so a large mean
 * is drawn as a sum of independent Poisson counts of at most 10^9 each. */
uint64_t wc_sample_poisson64(gsl_rng *g, double mu);

#endif
