/*
 * rng.h — the simulator's random numbers: small, fast and counter-based.
 *
 * Results must not depend on the thread count, so no stream is shared: every
 * random decision is drawn from a stream named by the tuple
 * (seed, purpose, index, step), as Random123 names its generators by a key and
 * a counter. The key is the seed; the counter is two words, (purpose, index)
 * packed as purpose·2^48 + index, and the step. The packing is injective
 * (index < 2^48, checked), so two different tuples are two different
 * key/counter pairs, whatever the numbers: a host id can never name the same
 * stream as a purpose, and no value is ever combined into a seed.
 *
 * Purposes are registered once, below (WC_RNG_STREAMS). Purpose 0 is the host
 * slot, the probe engine's per-(host, step) stream; every other purpose is a
 * named stream whose index and step mean what its line says.
 *
 * wc_rng_stream() absorbs the three words in turn, x ← mix(x + word·odd), with
 * the SplitMix64 finaliser (a bijection with full avalanche): for a fixed seed
 * and (purpose, index) the state is a bijection of the step, so one stream's
 * steps never coincide; two different tuples reach the same 64-bit state only
 * by chance (2^-64 a pair), never by construction. The stream itself is wyrand:
 * a Weyl sequence s += γ passed through a 64x64→128 multiply-fold. wyrand
 * passes BigCrush and PractRand and costs one multiply per 64 bits, which is
 * what the probe loop can afford.
 *
 * Distributions come from GSL, through wc_rng_gsl_alloc() or wc_rng_gsl_bind():
 * a gsl_rng whose state is a wc_rng loaded from a registered stream.
 */
#ifndef WC_CORE_RNG_H
#define WC_CORE_RNG_H

#include <assert.h>
#include <math.h>
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

/*
 * The registry: every purpose a random stream serves, with what its index and
 * step mean. Add a purpose here (at the end, so that existing streams keep
 * their numbers and fixed-seed outputs stay as they are), never as a local
 * constant.
 */
#define WC_RNG_STREAMS(X)                                                                          \
	/* a host's probes in a step, probe engine (host id, step) */                              \
	X(HOST, "host")                                                                            \
	/* the initially infected hosts, both engines (0, 0) */                                    \
	X(SEED_HOSTS, "seed-hosts")                                                                \
	/* a host's reboot and clean waits and its strategy state at infection (host, step) */     \
	X(INFECTION, "infection")                                                                  \
	/* which hitter infected a host hit several times in a step (host, step) */                \
	X(INFECTOR, "infector")                                                                    \
	/* awareness patching of a class in a step, probe engine (class, step) */                  \
	X(AWARE, "aware")                                                                          \
	/* every draw of the fast engine, one sequence per run (0, 0) */                           \
	X(FAST, "fast")                                                                            \
	/* whether /16 network b filters at its edge (b, 0) */                                     \
	X(EDGE_FILTERS, "edge-filters")                                                            \
	/* the population's addresses, through GSL (0, 0) */                                       \
	X(PLACEMENT, "placement")                                                                  \
	/* a host's class (host, 0) */                                                             \
	X(CLASS, "class")                                                                          \
	/* a host's wrong clock and wake-up delay (host, 0) */                                     \
	X(CLOCK, "clock")                                                                          \
	/* a host's patch instant (host, 0) */                                                     \
	X(PATCH, "patch")                                                                          \
	/* the permutation strategy's cipher key (0, 0) */                                         \
	X(PERMUTATION, "permutation")                                                              \
	/* the hit-list strategy's list (0, 0) */                                                  \
	X(HITLIST, "hitlist")                                                                      \
	/* keyed by worm.static_seed: the sequence a copy at address a walks (a, 0) */             \
	X(STATIC_CHOICE, "static-choice")                                                          \
	/* keyed by worm.static_seed: probe k of static sequence j (j, k) */                       \
	X(STATIC_SEQUENCE, "static-sequence")                                                      \
	/* an infected host's next address change, probe engine (host, step) */                    \
	X(ADDRESS, "address")                                                                      \
	/* calibration: round t's proposal i (t << 32 | i, 0) */                                   \
	X(ABC, "abc")                                                                              \
	/* where a live sensor given by size lies (sensor, 0) */                                   \
	X(SENSOR_PLACE, "sensor-place")                                                            \
	/* the fast engine's sensor counts, one sequence per sensor (sensor, 0) */                 \
	X(SENSOR_COUNT, "sensor-count")

typedef enum wc_stream {
#define WC_STREAM_ENUM(id, name) WC_STREAM_##id,
	WC_RNG_STREAMS(WC_STREAM_ENUM)
#undef WC_STREAM_ENUM
		WC_STREAM_COUNT
} wc_stream;

/* The largest index a stream takes, and the purpose's place in the counter. */
#define WC_RNG_INDEX_BITS 48
#define WC_RNG_INDEX_MAX  ((UINT64_C(1) << WC_RNG_INDEX_BITS) - 1)
_Static_assert(WC_STREAM_COUNT <= (1 << (64 - WC_RNG_INDEX_BITS)),
	       "every purpose must fit above the index in the counter's first word");
_Static_assert(WC_RNG_INDEX_MAX >= UINT32_MAX, "a host id or an IPv4 address is an index");

/* The registry's name of a purpose ("host", "seed-hosts", ...); NULL outside
 * the enum. */
const char *wc_rng_stream_name(wc_stream purpose);

/* The stream for (seed, purpose, index, step); index ≤ WC_RNG_INDEX_MAX. */
static inline wc_rng wc_rng_stream(uint64_t seed, wc_stream purpose, uint64_t index, uint64_t step)
{
	assert(index <= WC_RNG_INDEX_MAX && (unsigned)purpose < WC_STREAM_COUNT);
	uint64_t word = (uint64_t)purpose << WC_RNG_INDEX_BITS | index;
	uint64_t x = wc_mix64(seed + 0x6a09e667f3bcc909ull);
	x = wc_mix64(x + word * 0x9e3779b97f4a7c15ull);
	wc_rng r;
	r.state = wc_mix64(x + step * 0xbb67ae8584caa73bull);
	return r;
}

/* Host h's stream in step `step`: the host slot. */
static inline wc_rng wc_rng_host(uint64_t seed, uint32_t host, uint64_t step)
{
	return wc_rng_stream(seed, WC_STREAM_HOST, host, step);
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

/* gsl_rng_uniform(g) for a generator of wc_rng_gsl_alloc() or
 * wc_rng_gsl_bind(), the same number without the call through GSL's table:
 * for the draws made once per host or per infection. */
static inline double wc_rng_gsl_uniform(gsl_rng *g)
{
	return wc_rng_uniform((wc_rng *)g->state);
}

/* gsl_ran_exponential(g, mu) for the same generators: GSL's own inversion,
 * −mu·log1p(−u), the same number without two calls into GSL. */
static inline double wc_rng_gsl_exponential(gsl_rng *g, double mu)
{
	return -mu * log1p(-wc_rng_gsl_uniform(g));
}

#endif
