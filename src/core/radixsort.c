#include "core/radixsort.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* 8-bit digits: the counts of every digit stay in L1, and small arrays
 * (placement sorts one per /16 block) pay little for clearing them. */
enum { DIGIT = 8, BUCKETS = 1 << DIGIT };

/* Offsets of each digit value's first slot, from the counts. */
static void prefix_sums(size_t *count)
{
	size_t sum = 0;
	for (size_t d = 0; d < BUCKETS; d++) {
		size_t c = count[d];
		count[d] = sum;
		sum += c;
	}
}

/* Below this many keys an insertion sort beats clearing and summing the
 * counts four times (placement sorts one small array per /16 block). */
enum { SMALL = 32 };

static void insertion_sort_u32(uint32_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Whether one digit value holds all n keys: the pass would move nothing. */
static bool one_digit(const size_t *count, size_t n)
{
	for (size_t d = 0; d < BUCKETS; d++)
		if (count[d] != 0)
			return count[d] == n;
	return true;
}

void wc_radix_sort_u32(uint32_t *v, size_t n)
{
	if (n < SMALL) {
		insertion_sort_u32(v, n);
		return;
	}
	enum { DIGITS = 32 / DIGIT };
	/* every digit's counts in one read of the keys, not one per pass */
	size_t(*count)[BUCKETS] = xcalloc(DIGITS, sizeof *count);
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < DIGITS; d++)
			count[d][v[i] >> (d * DIGIT) & (BUCKETS - 1)]++;
	uint32_t *tmp = xmalloc_huge(n, sizeof *tmp);
	uint32_t *src = v, *dst = tmp;
	for (int d = 0; d < DIGITS; d++) {
		if (one_digit(count[d], n))
			continue;
		prefix_sums(count[d]);
		int shift = d * DIGIT;
		for (size_t i = 0; i < n; i++)
			dst[count[d][src[i] >> shift & (BUCKETS - 1)]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(count);
	free(tmp);
}

void wc_radix_sort_u64_pairs(uint64_t *keys, uint32_t *vals, size_t n)
{
	if (n < 2)
		return;
	enum { DIGITS = 64 / DIGIT };
	size_t(*count)[BUCKETS] = xcalloc(DIGITS, sizeof *count);
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < DIGITS; d++)
			count[d][keys[i] >> (d * DIGIT) & (BUCKETS - 1)]++;
	uint64_t *tk = xmalloc_huge(n, sizeof *tk);
	uint32_t *tv = xmalloc_huge(n, sizeof *tv);
	uint64_t *sk = keys, *dk = tk;
	uint32_t *sv = vals, *dv = tv;
	for (int d = 0; d < DIGITS; d++) {
		if (one_digit(count[d], n))
			continue;
		prefix_sums(count[d]);
		int shift = d * DIGIT;
		for (size_t i = 0; i < n; i++) {
			size_t at = count[d][sk[i] >> shift & (BUCKETS - 1)]++;
			dk[at] = sk[i];
			dv[at] = sv[i];
		}
		uint64_t *t = sk;
		sk = dk;
		dk = t;
		uint32_t *u = sv;
		sv = dv;
		dv = u;
	}
	if (sk != keys) {
		memcpy(keys, sk, n * sizeof *keys);
		memcpy(vals, sv, n * sizeof *vals);
	}
	free(count);
	free(tk);
	free(tv);
}
