#include "core/hash.h"

#include <stdlib.h>

#include "core/xalloc.h"

static size_t pow2_at_least(size_t n)
{
	size_t c = 8;
	while (c < n) {
		if (c > SIZE_MAX / 2)
			xalloc_die(SIZE_MAX);
		c *= 2;
	}
	return c;
}

void wc_hash_init(wc_hash *t, size_t slot_size, size_t cap)
{
	t->size = slot_size;
	t->cap = pow2_at_least(cap);
	t->used = t->dead = 0;
	t->slots = xcalloc(t->cap, slot_size);
}

void wc_hash_free(wc_hash *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = t->dead = 0;
}

void wc_hash_rehash(wc_hash *t, size_t min_cap)
{
	/* Room for one more record at most half full, whatever min_cap says. */
	size_t room = t->used < SIZE_MAX / 2 - 1 ? 2 * (t->used + 1) : SIZE_MAX;
	size_t cap = pow2_at_least(min_cap > room ? min_cap : room);
	unsigned char *n = xcalloc(cap, t->size);
	for (size_t i = 0; i < t->cap; i++) {
		const unsigned char *s = wc_hash_slot(t, i);
		uint64_t h = wc_hash_slot_hash(s);
		if (h <= WC_HASH_DELETED)
			continue;
		size_t j = h & (cap - 1);
		while (wc_hash_slot_hash(n + j * t->size) != WC_HASH_EMPTY)
			j = (j + 1) & (cap - 1);
		memcpy(n + j * t->size, s, t->size);
	}
	free(t->slots);
	t->slots = n;
	t->cap = cap;
	t->dead = 0;
}

uint64_t wc_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ull);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94D049BB133111EBull;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	/* Odd, as detect's source table has always had it, and off 1. */
	return wc_hash_fix(h | 1);
}
