/*
 * population.h — the vulnerable hosts: where they are and what they are like.
 *
 * Everything here is fixed for a run and drawn once from the run seed: each
 * host's address, host class, clock offset and the instant it will be patched.
 * Hosts are numbered by ascending address, so a host id is also its position
 * in the address index (addrindex.h).
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
	int32_t *clock_offset; /* seconds the host's clock is ahead of UTC */
	double *patch_at;      /* seconds after outbreak start; +inf: never */
} wc_population;

/* Places sc->vulnerable hosts as sc->placement says, inside the worm's
 * scan_space, in routable space and outside telescope blocks. Bad block files
 * are reported with file, line and field. */
int wc_population_build(wc_population *pop, const wc_scenario *sc, uint64_t seed, wc_error *err);
void wc_population_free(wc_population *pop);

/* The hosts that will be patched, in the order they are (by patch_at, ties by
 * host id); *count receives how many. The caller frees the array. */
uint32_t *wc_population_patch_order(const wc_population *pop, uint32_t *count);

/* Reads a placement file: lines "CIDR COUNT", '#' comments, blank lines. */
typedef struct wc_block_count {
	wc_prefix block;
	uint64_t count;
	int line; /* in the blocks file; 0 for generated blocks */
} wc_block_count;
int wc_blocks_file_read(const char *path, wc_block_count **blocks, int *n, wc_error *err);

#endif
