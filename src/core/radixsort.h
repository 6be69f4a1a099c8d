/*
 * radixsort.h — stable LSD radix sorts for the simulator's large set-up sorts.
 *
 * Placing 10^7 hosts sorts 10^7 addresses, and scheduling patches sorts the
 * hosts by patch instant; qsort's comparison calls made these the largest part
 * of a fast-engine run. Radix sorts with 8-bit digits take 4 passes for a
 * 32-bit key and 8 for a 64-bit one, with a scratch copy of the arrays.
 */
#ifndef WC_CORE_RADIXSORT_H
#define WC_CORE_RADIXSORT_H

#include <stddef.h>
#include <stdint.h>

/* Sorts v[0..n) ascending. */
void wc_radix_sort_u32(uint32_t *v, size_t n);

/* Sorts keys[0..n) ascending and applies the same permutation to vals; equal
 * keys keep their order (stable). */
void wc_radix_sort_u64_pairs(uint64_t *keys, uint32_t *vals, size_t n);

/* A 64-bit key that sorts as the double d does (for d not NaN). */
static inline uint64_t wc_radix_key_double(double d)
{
	union {
		double d;
		uint64_t u;
	} x = {d};
	return x.u >> 63 ? ~x.u : x.u | (1ull << 63);
}

/* The double whose key wc_radix_key_double gave. */
static inline double wc_radix_double_of_key(uint64_t key)
{
	union {
		uint64_t u;
		double d;
	} x = {key >> 63 ? key & ~(1ull << 63) : ~key};
	return x.d;
}

#endif
