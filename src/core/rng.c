#include "core/rng.h"

#include <math.h>

#include "core/xalloc.h"

double wc_rng_exponential(wc_rng *r, double rate)
{
	if (!(rate > 0))
		return INFINITY;
	/* 1 - u lies in (0, 1], so the log is finite. */
	return -log1p(-wc_rng_uniform(r)) / rate;
}

static const char *const stream_names[] = {
#define WC_STREAM_NAME(id, name) [WC_STREAM_##id] = name,
	WC_RNG_STREAMS(WC_STREAM_NAME)
#undef WC_STREAM_NAME
};
_Static_assert(sizeof stream_names / sizeof *stream_names == WC_STREAM_COUNT,
	       "one name per registered stream");

const char *wc_rng_stream_name(wc_stream purpose)
{
	return (unsigned)purpose < WC_STREAM_COUNT ? stream_names[purpose] : NULL;
}

/* GSL asks a generator for integers in [min, max] and for doubles in [0, 1). */
static void gsl_wc_set(void *state, unsigned long seed)
{
	((wc_rng *)state)->state = wc_mix64(seed);
}

static unsigned long gsl_wc_get(void *state)
{
	return (unsigned long)(wc_rng_next(state) >> 32);
}

static double gsl_wc_get_double(void *state)
{
	return wc_rng_uniform(state);
}

static const gsl_rng_type gsl_wc_type = {
	"wormcast-wyrand", 0xffffffffUL,      0, sizeof(wc_rng), gsl_wc_set,
	gsl_wc_get,	   gsl_wc_get_double,
};

gsl_rng *wc_rng_gsl_alloc(void)
{
	gsl_rng *g = gsl_rng_alloc(&gsl_wc_type);
	if (g == NULL)
		xalloc_die(sizeof(wc_rng));
	return g;
}

void wc_rng_gsl_bind(gsl_rng *g, wc_rng *state)
{
	g->type = &gsl_wc_type;
	g->state = state;
}
