/*
 * strategy.h — where a worm copy sends its next probe (worm.strategy).
 *
 * uniform and uniform-udp need no state and are drawn inline by the engines;
 * this module serves the others, one target at a time, from a copy's scan
 * state (4 bytes, reset when the host is infected):
 *
 *   local-preference  own /8 with probability local_own8, own /16 with
 *                     local_own16, else anywhere in scan_space; a draw in
 *                     127/8, 224/3 or the host's own address is drawn again
 *                     (Code Red II, reference §1). Stateless.
 *   static-seed       the k-th probe of every copy goes to the same address
 *                     A_k = hash(static_seed, k) in scan_space: a new copy walks
 *                     the addresses older copies probed first (Code Red v1).
 *                     With static_sequences = m > 1, there are m such
 *                     sequences and a copy walks the one selected by a hash
 *                     of its own address (a what-if, not documented CRv1).
 *   permutation       all copies walk one pseudo-random permutation π of
 *                     scan_space (a Feistel network, cycle-walked to its size),
 *                     each from a random point; a copy that hits an infected
 *                     host jumps to a new random point (Staniford et al. 2002).
 *   sequential        from a start address upwards, wrapping in scan_space; with
 *                     probability sequential_local the start is a random address
 *                     of the host's own /16, else anywhere (Blaster's pattern).
 *   hitlist           the seed copies share a list of hitlist_size vulnerable
 *                     addresses; a copy probes its part of the list in order,
 *                     then uniformly; an infection hands half of the infector's
 *                     remaining part to the new copy (Staniford et al. 2002).
 *
 * Everything here is read-only during a step except the scan states (one per
 * host, written only by that host's worker) and the hit-list hand-on, which
 * the engines call in their sequential part.
 */
#ifndef WC_SIM_STRATEGY_H
#define WC_SIM_STRATEGY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/rng.h"
#include "sim/population.h"
#include "sim/scenario.h"

typedef struct wc_scan_state {
	uint32_t pos; /* next index in the sequence, list or space (strategy's meaning) */
} wc_scan_state;

typedef struct wc_strategy_ctx {
	enum wc_strategy kind;
	uint32_t base, mask;	   /* scan space: base | (x & mask) */
	unsigned bits;		   /* log2 of the scan space's size */
	double own8, own16;	   /* local-preference shares */
	uint64_t static_seed;	   /* static-seed */
	uint64_t static_sequences; /* static-seed: distinct sequences (>= 1) */
	uint64_t perm_key;	   /* permutation: Feistel round keys derive from it */
	unsigned perm_half;	   /* permutation: bits per Feistel half */
	double sequential_local;   /* sequential */
	uint32_t *hitlist;	   /* hitlist: addresses, in probing order */
	uint32_t nhitlist;
	uint32_t *hitlist_end; /* hitlist: per host, end of its part of the list */
} wc_strategy_ctx;

/* Prepares the strategy of sc for population pop; `seed` is the run seed (the
 * hit-list's hosts and the permutation are the run's, not the worm's). */
void wc_strategy_init(wc_strategy_ctx *c, const wc_scenario *sc, const wc_population *pop,
		      uint64_t seed);
void wc_strategy_free(wc_strategy_ctx *c);

/* True for strategies whose targets need a scan state (not uniform, uniform-udp). */
bool wc_strategy_stateful(enum wc_strategy s);

/* A copy starts on host h (address own). seed_index/seed_count: its place
 * among the seed copies, or seed_count = 0 for a copy infected later. */
void wc_strategy_start(const wc_strategy_ctx *c, uint32_t h, uint32_t own, uint32_t seed_index,
		       uint32_t seed_count, wc_scan_state *st, wc_rng *rng);

/* The next target of the copy on host h. */
uint32_t wc_strategy_next(const wc_strategy_ctx *c, uint32_t h, uint32_t own, wc_scan_state *st,
			  wc_rng *rng);

/* The copy's last probe found an infected host (permutation: jump). */
void wc_strategy_found_infected(const wc_strategy_ctx *c, wc_scan_state *st, wc_rng *rng);

/* Host `to` was infected by host `from` (hit-list: hand on half of the list). */
void wc_strategy_hand_on(wc_strategy_ctx *c, uint32_t from, wc_scan_state *from_st, uint32_t to,
			 wc_scan_state *to_st);

/* π(i) on [0, 2^bits), exposed for its bijection test. */
uint32_t wc_strategy_permute(const wc_strategy_ctx *c, uint32_t i);

#endif
