/*
 * addrindex.h — "which host is at this address?" for any of the 2^32 addresses.
 *
 * The probe engine asks this once per probe, and almost every answer is "none"
 * (360,000 hosts fill 1 address in 12,000), so the index is a cascade of
 * filters that answer "none" early, sized to stay in cache, backed by an exact
 * lookup:
 *
 *   occ16[]   one bit per /16: does any host live in it?        8 KiB, L1
 *   rank16[]  occupied /16s before each word of occ16             4 KiB
 *   occ24[]   for each occupied /16, one bit per /24 in it        32 B per /16
 *   base24[]  occupied /24s before each occupied /16              4 B per /16
 *   first[]   first host of each occupied /24                     4 B per /24
 *   low[]     last octet of each host, hosts sorted by address    1 B per host
 *
 * A clustered Code Red population (20,000 occupied /16s) needs 640 KiB of occ24,
 * which stays in a 1 MiB L2; a flat /24 bitmap would need 2 MiB and miss it.
 * Ranks come from popcounts, so no per-address table exists: for 10^6 hosts the
 * index is about 7 MiB, where a 2^32 bitmap would be 512 MiB. Host ids are
 * positions in the sorted address array, so the index stores no ids.
 */
#ifndef WC_SIM_ADDRINDEX_H
#define WC_SIM_ADDRINDEX_H

#include <stddef.h>
#include <stdint.h>

#define WC_NO_HOST UINT32_MAX

typedef struct wc_addrindex {
	uint64_t *occ16;      /* 2^16 bits */
	uint32_t *rank16;     /* 2^10 entries */
	uint64_t (*occ24)[4]; /* 256 bits per occupied /16, then one zero row */
	uint32_t *base24;     /* per occupied /16 */
	uint32_t *first;      /* occupied /24s + 1 entries */
	uint8_t *low;	      /* one per host */
	uint32_t nhosts, n16, n24;
} wc_addrindex;

/* Builds the index over addr[0..n), which must be sorted ascending and
 * distinct. Host i is the one at addr[i]. */
void wc_addrindex_build(wc_addrindex *ix, const uint32_t *addr, uint32_t n);
void wc_addrindex_free(wc_addrindex *ix);
size_t wc_addrindex_bytes(const wc_addrindex *ix);

static inline uint64_t wc_below_mask(unsigned bit)
{
	return (1ull << bit) - 1;
}

/*
 * A lookup in two stages, so a caller can split a batch of lookups around a
 * prefetch. Stage 1 reads only the L1-resident /16 tables and names the occ24
 * row to test: the /16's own, or row n16 (all zeros) for an empty /16. It has
 * no branch, so it runs ahead freely; stage 2 branches on its result, which by
 * then is long computed, so a mispredicted branch is found out quickly. Stage 2
 * then tests the /24 bit and only then searches the /24's hosts.
 */
static inline uint32_t wc_addrindex_row(const wc_addrindex *ix, uint32_t addr)
{
	uint64_t w16 = ix->occ16[addr >> 22];
	unsigned b16 = (addr >> 16) & 63;
	uint32_t r16 =
		ix->rank16[addr >> 22] + (uint32_t)__builtin_popcountll(w16 & wc_below_mask(b16));
	return (w16 >> b16) & 1 ? r16 : ix->n16;
}

static inline uint32_t wc_addrindex_find_in_row(const wc_addrindex *ix, uint32_t row, uint32_t addr)
{
	if (row == ix->n16)
		return WC_NO_HOST;
	const uint64_t *m = ix->occ24[row];
	unsigned b24 = (addr >> 8) & 255, q = b24 >> 6, bit = b24 & 63;
	if (__builtin_expect(!((m[q] >> bit) & 1), 1))
		return WC_NO_HOST;
	uint32_t r24 = ix->base24[row] + (uint32_t)__builtin_popcountll(m[q] & wc_below_mask(bit));
	for (unsigned k = 0; k < q; k++)
		r24 += (uint32_t)__builtin_popcountll(m[k]);
	uint8_t last = (uint8_t)addr;
	for (uint32_t i = ix->first[r24], end = ix->first[r24 + 1]; i < end; i++)
		if (ix->low[i] == last)
			return i;
	return WC_NO_HOST;
}

/* The host at addr, or WC_NO_HOST. */
static inline uint32_t wc_addrindex_find(const wc_addrindex *ix, uint32_t addr)
{
	return wc_addrindex_find_in_row(ix, wc_addrindex_row(ix, addr), addr);
}

#endif
