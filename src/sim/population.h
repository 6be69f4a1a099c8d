/*
 * population.h — the vulnerable hosts: where they are and what they are like.
 *
 * Everything here is fixed for a run and drawn from the run seed: each host's
 * address, host class, clock offset and the instant it will be patched.
 * Hosts are numbered by ascending address, so a host id is also its position
 * in the address index (addrindex.h). Addresses and classes are stored; the
 * clock offset and the patch instant are not (12 bytes a host, a fifth of
 * the fast engine's memory at 10^7 hosts): each comes from its own stream of
 * the registry (core/rng.h), keyed by the host id, so it is recomputed, the
 * same value every time, whenever it is needed.
 */
#ifndef WC_SIM_POPULATION_H
#define WC_SIM_POPULATION_H

#include <stdint.h>

#include "core/error.h"
#include "sim/scenario.h"

typedef struct wc_population {
	uint32_t n;
	uint32_t *addr;	       /* sorted ascending, distinct */
	uint8_t *class_id;     /* index into scenario classes[] */
	const wc_scenario *sc; /* what the traits are drawn from (outlives pop) */
	uint64_t seed;
	bool clocks_right; /* no wrong clocks, no late wake-ups: every offset is 0 */
} wc_population;

/* Places sc->vulnerable hosts as sc->placement says, inside the worm's
 * scan_space, in routable space and outside telescope blocks. Bad block files
 * are reported with file, line and field. */
int wc_population_build(wc_population *pop, const wc_scenario *sc, uint64_t seed, wc_error *err);
void wc_population_free(wc_population *pop);

/* Frees the addresses and classes (an engine that has copied them into its
 * own records); n and the functions below that take the class still work. */
void wc_population_drop_hosts(wc_population *pop);

/* Seconds host h's clock is ahead of UTC; c is its class. 0, without a
 * draw, when every clock is right. */
int32_t wc_population_clock_offset(const wc_population *pop, uint32_t h, int c);

/* Whether hosts of class c can ever be patched on schedule: if not, every
 * one's instant below is +inf, known without a draw. */
bool wc_population_class_patches(const wc_scenario *sc, int c);

/* The instant host h is patched, in seconds after outbreak start (+inf:
 * never); c is its class. */
double wc_population_patch_at(const wc_population *pop, uint32_t h, int c);

/* The hosts patched before `before` seconds after the start, in the order they
 * are (by patch instant, ties by host id); *count receives how many and, if
 * `at` is not NULL, *at their instants (the caller frees both arrays). Needs
 * the classes. */
uint32_t *wc_population_patch_order(const wc_population *pop, double before, uint32_t *count,
				    double **at);

/* Reads a placement file: lines "CIDR COUNT", '#' comments, blank lines. */
typedef struct wc_block_count {
	wc_prefix block;
	uint64_t count;
	int line; /* in the blocks file; 0 for generated blocks */
} wc_block_count;
int wc_blocks_file_read(const char *path, wc_block_count **blocks, int *n, wc_error *err);

#endif
