/*
 * hash.h — an open-addressing hash table (linear probing, power-of-two sizes)
 * over slots of any struct type whose first member is `uint64_t hash`.
 *
 * The slots hold the records themselves, not pointers to them: detect's source
 * table is probed once per log line, and a probe that lands on the record
 * costs one cache miss, not two. The caller hashes its key (wc_hash_bytes, or
 * its own mixer passed through wc_hash_fix) and compares keys in an eq function;
 * find and upsert are inline so that the compare inlines at each call site.
 *
 * A slot's hash is WC_HASH_EMPTY, WC_HASH_DELETED (a removed record, skipped
 * by probes until the next rehash) or the key's hash, which is never 0 or 1.
 * The table keeps at most half its slots used or deleted. Slot pointers stay
 * valid until the next upsert or rehash.
 */
#ifndef WC_CORE_HASH_H
#define WC_CORE_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { WC_HASH_EMPTY = 0, WC_HASH_DELETED = 1 };

typedef struct wc_hash {
	unsigned char *slots;
	size_t size;	   /* bytes per slot */
	size_t cap;	   /* slots, a power of two */
	size_t used, dead; /* live records; deleted slots */
} wc_hash;

/* Compares the record in slot with the caller's key. */
typedef bool (*wc_hash_eq)(const void *slot, const void *key);

/* An empty table of cap slots (rounded up to a power of two, at least 8) of
 * slot_size bytes each. */
void wc_hash_init(wc_hash *t, size_t slot_size, size_t cap);
/* Frees the slots; what the records point to stays the caller's. */
void wc_hash_free(wc_hash *t);
/* Moves the live records into a fresh array of the smallest power of two
 * slots that is at least min_cap and leaves room for one more record at most
 * half full, dropping the deleted slots (it may shrink the table). */
void wc_hash_rehash(wc_hash *t, size_t min_cap);

/* A 64-bit hash of n bytes with a seed, never 0 or 1. */
uint64_t wc_hash_bytes(const void *p, size_t n, uint64_t seed);

/* Moves a hash off the two reserved values. */
static inline uint64_t wc_hash_fix(uint64_t h)
{
	return h < 2 ? h + 2 : h;
}

/* Slot i, live or not: wc_hash_live tells. */
static inline void *wc_hash_slot(const wc_hash *t, size_t i)
{
	return t->slots + i * t->size;
}

static inline uint64_t wc_hash_slot_hash(const void *slot)
{
	uint64_t h;
	memcpy(&h, slot, sizeof h);
	return h;
}

/* Whether slot i holds a live record (for walks over every slot). */
static inline bool wc_hash_live(const wc_hash *t, size_t i)
{
	return wc_hash_slot_hash(wc_hash_slot(t, i)) > WC_HASH_DELETED;
}

/* The record of key (hash h), or NULL. */
static inline void *wc_hash_find(const wc_hash *t, uint64_t h, wc_hash_eq eq, const void *key)
{
	size_t mask = t->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		void *s = wc_hash_slot(t, i);
		uint64_t sh = wc_hash_slot_hash(s);
		if (sh == WC_HASH_EMPTY)
			return NULL;
		if (sh == h && eq(s, key))
			return s;
	}
}

/* The record of key (hash h); when there is none, a new zeroed slot with its
 * hash set, *fresh true, for the caller to fill. Grows the table first when
 * one more record would fill more than half of it. */
static inline void *wc_hash_upsert(wc_hash *t, uint64_t h, wc_hash_eq eq, const void *key,
				   bool *fresh)
{
	/* Doubles when the records fill the table; only clears the deleted
	 * slots when they are what fills it. */
	if ((t->used + t->dead + 1) * 2 > t->cap)
		wc_hash_rehash(t, (t->used + 1) * 4 > t->cap ? 2 * t->cap : t->cap);
	size_t mask = t->cap - 1;
	void *grave = NULL; /* the first deleted slot passed: reused for a new record */
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		void *s = wc_hash_slot(t, i);
		uint64_t sh = wc_hash_slot_hash(s);
		if (sh == h && eq(s, key)) {
			*fresh = false;
			return s;
		}
		if (sh == WC_HASH_DELETED && grave == NULL)
			grave = s;
		if (sh == WC_HASH_EMPTY) {
			if (grave != NULL) {
				s = grave;
				t->dead--;
			}
			memset(s, 0, t->size);
			memcpy(s, &h, sizeof h);
			t->used++;
			*fresh = true;
			return s;
		}
	}
}

/* Removes the record in slot (found by find or upsert); the slot reads as
 * deleted until the next rehash. */
static inline void wc_hash_remove(wc_hash *t, void *slot)
{
	uint64_t h = WC_HASH_DELETED;
	memcpy(slot, &h, sizeof h);
	t->used--;
	t->dead++;
}

#endif
