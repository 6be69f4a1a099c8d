#include "sim/strategy.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

bool wc_strategy_stateful(enum wc_strategy s)
{
	return s != WC_STRATEGY_UNIFORM && s != WC_STRATEGY_UNIFORM_UDP;
}

/* A 4-round Feistel network on 2·half bits: a bijection for any round keys. */
static uint32_t feistel(const wc_strategy_ctx *c, uint32_t x)
{
	uint32_t hmask = (1u << c->perm_half) - 1;
	uint32_t l = x >> c->perm_half & hmask, r = x & hmask;
	for (uint64_t round = 0; round < 4; round++) {
		uint32_t f = (uint32_t)wc_mix64(r ^ (c->perm_key + round * 0x9e3779b97f4a7c15ull)) &
			     hmask;
		uint32_t t = l ^ f;
		l = r;
		r = t;
	}
	return l << c->perm_half | r;
}

uint32_t wc_strategy_permute(const wc_strategy_ctx *c, uint32_t i)
{
	/* Cycle-walking: the network covers 2^(2·half) >= 2^bits values; values
	 * outside the space are mapped again until one lands inside, which keeps
	 * a bijection on the space (Black and Rogaway). */
	uint64_t size = 1ull << c->bits;
	uint32_t x = i;
	do
		x = feistel(c, x);
	while ((uint64_t)x >= size);
	return x;
}

void wc_strategy_init(wc_strategy_ctx *c, const wc_scenario *sc, const wc_population *pop,
		      uint64_t seed)
{
	memset(c, 0, sizeof *c);
	c->kind = sc->strategy;
	c->base = sc->scan_space.base;
	c->mask = ~wc_prefix_mask(sc->scan_space.len);
	c->bits = 32u - (unsigned)sc->scan_space.len;
	c->own8 = sc->local_own8;
	c->own16 = sc->local_own16;
	c->static_seed = (uint64_t)sc->static_seed;
	c->static_sequences = sc->static_sequences > 1 ? (uint64_t)sc->static_sequences : 1;
	wc_rng key = wc_rng_stream(seed, WC_STREAM_PERMUTATION, 0, 0);
	c->perm_key = wc_rng_next(&key);
	c->perm_half = (c->bits + 1) / 2;
	c->sequential_local = sc->sequential_local;
	if (c->kind == WC_STRATEGY_HITLIST && sc->hitlist_size > 0) {
		/* hitlist_size distinct hosts, by a partial Fisher-Yates shuffle */
		uint32_t n = pop->n, k = (uint32_t)sc->hitlist_size;
		uint32_t *ids = xmallocarray(n, sizeof *ids);
		for (uint32_t i = 0; i < n; i++)
			ids[i] = i;
		wc_rng r = wc_rng_stream(seed, WC_STREAM_HITLIST, 0, 0);
		c->hitlist = xmallocarray(k, sizeof *c->hitlist);
		for (uint32_t i = 0; i < k; i++) {
			uint32_t j = i + (uint32_t)wc_rng_below(&r, n - i);
			uint32_t t = ids[i];
			ids[i] = ids[j];
			ids[j] = t;
			c->hitlist[i] = pop->addr[ids[i]];
		}
		free(ids);
		c->nhitlist = k;
		c->hitlist_end = xcalloc(n, sizeof *c->hitlist_end);
	}
}

void wc_strategy_free(wc_strategy_ctx *c)
{
	free(c->hitlist);
	free(c->hitlist_end);
	memset(c, 0, sizeof *c);
}

static uint32_t in_space(const wc_strategy_ctx *c, uint64_t x)
{
	return c->base | ((uint32_t)x & c->mask);
}

void wc_strategy_start(const wc_strategy_ctx *c, uint32_t h, uint32_t own, uint32_t seed_index,
		       uint32_t seed_count, wc_scan_state *st, wc_rng *rng)
{
	st->pos = 0;
	switch (c->kind) {
	case WC_STRATEGY_PERMUTATION:
		st->pos = (uint32_t)wc_rng_next(rng) & c->mask;
		break;
	case WC_STRATEGY_SEQUENTIAL:
		if (wc_rng_uniform(rng) < c->sequential_local)
			st->pos = (own & 0xffff0000u) | ((uint32_t)wc_rng_next(rng) & 0xffffu);
		else
			st->pos = in_space(c, wc_rng_next(rng));
		break;
	case WC_STRATEGY_HITLIST:
		if (seed_count > 0 && c->hitlist_end != NULL) {
			/* the seed copies split the list evenly */
			uint64_t k = c->nhitlist;
			st->pos = (uint32_t)(k * seed_index / seed_count);
			c->hitlist_end[h] = (uint32_t)(k * (seed_index + 1) / seed_count);
		} else if (c->hitlist_end != NULL) {
			c->hitlist_end[h] = 0; /* until an infector hands on a part */
		}
		break;
	default:
		break;
	}
}

static bool local_ok(uint32_t a, uint32_t own)
{
	uint32_t top = a >> 24;
	return top != 127 && top < 224 && a != own;
}

uint32_t wc_strategy_next(const wc_strategy_ctx *c, uint32_t h, uint32_t own, wc_scan_state *st,
			  wc_rng *rng)
{
	switch (c->kind) {
	case WC_STRATEGY_LOCAL_PREFERENCE:
		for (;;) {
			double u = wc_rng_uniform(rng);
			uint32_t x = (uint32_t)wc_rng_next(rng), a;
			if (u < c->own8)
				a = (own & 0xff000000u) | (x & 0x00ffffffu);
			else if (u < c->own8 + c->own16)
				a = (own & 0xffff0000u) | (x & 0x0000ffffu);
			else
				a = in_space(c, x);
			if (local_ok(a, own))
				return a;
		}
	case WC_STRATEGY_STATIC_SEED: {
		/* Sequence 0 is the one every copy walks when static_sequences = 1;
		 * with more, the copy's own address picks one, so that copies on
		 * different hosts may walk different lists but a re-infected host
		 * walks its old one again. */
		uint64_t which = 0;
		if (c->static_sequences > 1) {
			wc_rng choice =
				wc_rng_stream(c->static_seed, WC_STREAM_STATIC_CHOICE, own, 0);
			which = wc_rng_below(&choice, c->static_sequences);
		}
		wc_rng seq =
			wc_rng_stream(c->static_seed, WC_STREAM_STATIC_SEQUENCE, which, st->pos++);
		return in_space(c, wc_rng_next(&seq));
	}
	case WC_STRATEGY_PERMUTATION: {
		uint32_t i = st->pos;
		st->pos = (st->pos + 1) & c->mask;
		return c->base | wc_strategy_permute(c, i);
	}
	case WC_STRATEGY_SEQUENTIAL: {
		uint32_t a = st->pos;
		st->pos = c->base | ((st->pos + 1) & c->mask);
		return c->base | (a & c->mask);
	}
	case WC_STRATEGY_HITLIST:
		if (c->hitlist_end != NULL && st->pos < c->hitlist_end[h])
			return c->hitlist[st->pos++];
		return in_space(c, wc_rng_next(rng));
	case WC_STRATEGY_UNIFORM:
	case WC_STRATEGY_UNIFORM_UDP:
		break;
	}
	return in_space(c, wc_rng_next(rng));
}

void wc_strategy_found_infected(const wc_strategy_ctx *c, wc_scan_state *st, wc_rng *rng)
{
	if (c->kind == WC_STRATEGY_PERMUTATION)
		st->pos = (uint32_t)wc_rng_next(rng) & c->mask;
}

void wc_strategy_hand_on(wc_strategy_ctx *c, uint32_t from, wc_scan_state *from_st, uint32_t to,
			 wc_scan_state *to_st)
{
	if (c->kind != WC_STRATEGY_HITLIST || c->hitlist_end == NULL)
		return;
	uint32_t lo = from_st->pos, hi = c->hitlist_end[from];
	if (hi <= lo)
		return;
	uint32_t mid = lo + (hi - lo + 1) / 2;
	c->hitlist_end[from] = mid;
	to_st->pos = mid;
	c->hitlist_end[to] = hi;
}
