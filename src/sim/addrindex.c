#include "sim/addrindex.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void wc_addrindex_build(wc_addrindex *ix, const uint32_t *addr, uint32_t n)
{
	memset(ix, 0, sizeof *ix);
	ix->nhosts = n;
	ix->occ16 = xcalloc(1024, sizeof *ix->occ16);
	ix->rank16 = xmallocarray(1024, sizeof *ix->rank16);
	ix->low = xcalloc_huge(n ? n : 1, 1);

	/* Hosts are sorted, so each occupied /16 and /24 is a run of equal
	 * prefixes: count the runs, then fill the arrays in one more pass. */
	for (uint32_t i = 0; i < n; i++) {
		if (i == 0 || addr[i] >> 16 != addr[i - 1] >> 16)
			ix->n16++;
		if (i == 0 || addr[i] >> 8 != addr[i - 1] >> 8)
			ix->n24++;
		ix->occ16[addr[i] >> 22] |= 1ull << ((addr[i] >> 16) & 63);
		ix->low[i] = (uint8_t)addr[i];
	}
	uint32_t before = 0;
	for (uint32_t w = 0; w < 1024; w++) {
		ix->rank16[w] = before;
		before += (uint32_t)__builtin_popcountll(ix->occ16[w]);
	}
	/* Row n16 stays zero: stage 1 sends addresses in empty /16s there. */
	ix->occ24 = xcalloc_huge((size_t)ix->n16 + 1, sizeof *ix->occ24);
	ix->base24 = xcalloc((size_t)ix->n16 + 1, sizeof *ix->base24);
	ix->first = xcalloc_huge((size_t)ix->n24 + 1, sizeof *ix->first);
	uint32_t r16 = 0, r24 = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0 && addr[i] >> 16 != addr[i - 1] >> 16)
			r16++;
		if (i == 0 || addr[i] >> 16 != addr[i - 1] >> 16)
			ix->base24[r16] = r24;
		if (i == 0 || addr[i] >> 8 != addr[i - 1] >> 8) {
			unsigned b24 = (addr[i] >> 8) & 255;
			ix->occ24[r16][b24 >> 6] |= 1ull << (b24 & 63);
			ix->first[r24++] = i;
		}
	}
	ix->first[r24] = n;
}

void wc_addrindex_free(wc_addrindex *ix)
{
	free(ix->occ16);
	free(ix->rank16);
	free(ix->occ24);
	free(ix->base24);
	free(ix->first);
	free(ix->low);
	memset(ix, 0, sizeof *ix);
}

size_t wc_addrindex_bytes(const wc_addrindex *ix)
{
	return 1024 * (sizeof(uint64_t) + sizeof(uint32_t)) +
	       ((size_t)ix->n16 + 1) * (sizeof *ix->occ24 + sizeof *ix->base24) +
	       ((size_t)ix->n24 + 1) * sizeof *ix->first + ix->nhosts;
}
