/*
 * rng.h — the simulator's random numbers: small, fast and counter-based.
 *
 * Results must not depend on the thread count, so no stream is shared: every
 * random decision is drawn from a stream keyed by (seed, stream id, counter),
 * e.g. (run seed, host id, step). wc_rng_at() hashes the key into a 64-bit state
 * with the SplitMix64 finaliser (a bijection with full avalanche), and the
 * stream itself is wyrand: a Weyl sequence s += γ passed through a 64x64→128
 * multiply-fold. wyrand passes BigCrush and PractRand and costs one multiply
 * per 64 bits, which is what the probe loop can afford.
 *
 * Distributions come from GSL: set-up draws (placement, Pareto, multinomial)
 * use GSL's own generators seeded by wc_rng_gsl_seed(); draws that must come
 * from a keyed stream (a host's Poisson probe count in a step) go through
 * wc_rng_gsl_alloc(), a gsl_rng whose state is a wc_rng.
 */
#ifndef WC_CORE_RNG_H
#define WC_CORE_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef struct wc_rng {
	uint64_t state; /* Weyl counter; the output is a mix of it */
} wc_rng;

/* SplitMix64's finaliser: a fixed bijection on 64-bit words. */
static inline uint64_t wc_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* The stream for one key. Distinct keys give unrelated streams. */
static inline wc_rng wc_rng_at(uint64_t seed, uint64_t stream, uint64_t counter)
{
	wc_rng r;
	r.state = wc_mix64(seed ^ wc_mix64(stream * 0x9e3779b97f4a7c15ull + wc_mix64(counter)));
	return r;
}

static inline uint64_t wc_rng_next(wc_rng *r)
{
	r->state += 0xa0761d6478bd642full;
	__uint128_t t = (__uint128_t)r->state * (r->state ^ 0xe7037ed1a0b428dbull);
	return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double wc_rng_uniform(wc_rng *r)
{
	return (double)(wc_rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n) by Lemire's multiply-shift; the bias is below
 * n / 2^64, far under anything a run can detect. */
static inline uint64_t wc_rng_below(wc_rng *r, uint64_t n)
{
	return (uint64_t)(((__uint128_t)wc_rng_next(r) * n) >> 64);
}

/* Exponential waiting time with the given rate (events per unit); +inf when the
 * rate is zero. */
double wc_rng_exponential(wc_rng *r, double rate);

/* A GSL seed (unsigned long) derived from the run seed and a purpose tag, so the
 * set-up draws (placement, classes) are independent of the per-step streams. */
unsigned long wc_rng_gsl_seed(uint64_t seed, uint64_t purpose);

/* A gsl_rng that draws from a wc_rng, so GSL's distributions can use keyed
 * streams. Load a stream with wc_rng_gsl_load(), draw with any gsl_ran_*()
 * function, and take the advanced stream back with wc_rng_gsl_state() if it is
 * used again. Free with gsl_rng_free(); NULL never returned (dies on OOM). */
gsl_rng *wc_rng_gsl_alloc(void);

/* The same generator without an allocation: g and *state both belong to the
 * caller, who decides where they sit in memory (the probe engine puts each
 * thread's on cache lines of its own, so that one thread's draws do not evict
 * the other's line). g draws from *state until state is released; nothing to
 * free. */
void wc_rng_gsl_bind(gsl_rng *g, wc_rng *state);

static inline void wc_rng_gsl_load(gsl_rng *g, wc_rng r)
{
	*(wc_rng *)g->state = r;
}

static inline wc_rng wc_rng_gsl_state(const gsl_rng *g)
{
	return *(const wc_rng *)g->state;
}

#endif
