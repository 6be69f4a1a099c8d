#include "core/fenwick.h"

#include <stddef.h>
#include <stdlib.h>

#include "core/xalloc.h"

void wc_fenwick_init(wc_fenwick *f, uint32_t n)
{
	f->n = n;
	f->top = 0;
	for (uint32_t s = 1; s != 0 && s <= n; s <<= 1)
		f->top = s;
	/* find reads up to t[2·top − 1]; the nodes past n stop its descent */
	size_t size = (size_t)2 * f->top > (size_t)n + 1 ? (size_t)2 * f->top : (size_t)n + 1;
	f->t = xcalloc(size, sizeof *f->t);
	for (size_t i = (size_t)n + 1; i < size; i++)
		f->t[i] = UINT32_MAX;
}

void wc_fenwick_build(wc_fenwick *f, const uint32_t *counts, uint32_t n)
{
	wc_fenwick_init(f, n);
	/* Each node passes its sum to its parent once: linear, not n log n. */
	for (uint32_t i = 1; i <= n; i++) {
		f->t[i] += counts[i - 1];
		uint64_t up = (uint64_t)i + (i & -i);
		if (up <= n)
			f->t[up] += f->t[i];
	}
}

void wc_fenwick_free(wc_fenwick *f)
{
	free(f->t);
	f->t = NULL;
	f->n = f->top = 0;
}
