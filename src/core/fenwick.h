/*
 * fenwick.h — a Fenwick (binary indexed) tree over n uint32 counts: change one
 * count, sum a prefix, or find which slot holds the k-th unit, each in
 * O(log n). The simulator draws a susceptible host uniformly this way: the
 * k-th of all remaining hosts, by block, without scanning the blocks.
 *
 * Counts and sums are uint32 and wrap like uint32: the caller keeps every
 * count and the total below 2^32 (the IPv4 space fits).
 */
#ifndef WC_CORE_FENWICK_H
#define WC_CORE_FENWICK_H

#include <stdint.h>

typedef struct wc_fenwick {
	uint32_t *t;  /* t[1..n]; t[0] unused; t[n+1..2·top) UINT32_MAX (see find) */
	uint32_t n;   /* counts */
	uint32_t top; /* the largest power of two <= n (0 when n is 0) */
} wc_fenwick;

/* n counts, all zero. */
void wc_fenwick_init(wc_fenwick *f, uint32_t n);
/* n counts set to counts[0..n-1], in O(n). */
void wc_fenwick_build(wc_fenwick *f, const uint32_t *counts, uint32_t n);
void wc_fenwick_free(wc_fenwick *f);

/* count[i] += delta (i < n). */
static inline void wc_fenwick_add(wc_fenwick *f, uint32_t i, int32_t delta)
{
	for (uint32_t j = i + 1; j <= f->n; j += j & -j)
		f->t[j] += (uint32_t)delta;
}

/* count[0] + ... + count[i-1] (i <= n). */
static inline uint32_t wc_fenwick_prefix(const wc_fenwick *f, uint32_t i)
{
	uint32_t sum = 0;
	for (uint32_t j = i; j > 0; j -= j & -j)
		sum += f->t[j];
	return sum;
}

/* The slot holding the k-th unit (0-based) in slot order, and that unit's
 * rank inside its slot; n when k is not below the total (k < UINT32_MAX).
 * Without branches: whether the descent goes right is a coin toss for the
 * predictor, and a draw pays ~log2(n) mispredictions with them. The nodes
 * past n read as UINT32_MAX, more than any k, so no bound test is needed. */
static inline uint32_t wc_fenwick_find(const wc_fenwick *f, uint32_t k, uint32_t *rank)
{
	uint32_t pos = 0;
	for (uint32_t step = f->top; step > 0; step >>= 1) {
		uint32_t v = f->t[pos + step];
		uint32_t right = v <= k;
		pos += step & -right;
		k -= v & -right;
	}
	*rank = k;
	return pos;
}

#endif
