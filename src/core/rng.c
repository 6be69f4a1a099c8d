#include "core/rng.h"

#include <math.h>

double wc_rng_exponential(wc_rng *r, double rate)
{
	if (!(rate > 0))
		return INFINITY;
	/* 1 - u lies in (0, 1], so the log is finite. */
	return -log1p(-wc_rng_uniform(r)) / rate;
}

unsigned long wc_rng_gsl_seed(uint64_t seed, uint64_t purpose)
{
	/* GSL's mt19937 treats seed 0 as its default seed; avoid aliasing it. */
	unsigned long s = (unsigned long)wc_mix64(seed ^ wc_mix64(purpose + 0x5eed));
	return s ? s : 1;
}
