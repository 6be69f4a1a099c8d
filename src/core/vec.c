#include "core/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void *wc_vec_grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t n = *cap <= SIZE_MAX / 2 ? *cap * 2 : need;
	if (n < need)
		n = need;
	if (n < WC_VEC_MIN)
		n = WC_VEC_MIN;
	/* xreallocarray refuses n * elem past SIZE_MAX the way it refuses any
	 * failed request, so a runaway count ends like an out-of-memory one. */
	p = xreallocarray(p, n, elem);
	*cap = n;
	return p;
}

void *wc_vec_grow_lines(void *p, size_t used, size_t *cap, size_t need, size_t elem, size_t line)
{
	if (need <= *cap)
		return p;
	size_t n = *cap <= SIZE_MAX / 2 ? *cap * 2 : need, bytes;
	if (n < need)
		n = need;
	if (n < WC_VEC_MIN)
		n = WC_VEC_MIN;
	if (__builtin_mul_overflow(n, elem, &bytes) || bytes > SIZE_MAX - line)
		xalloc_die(SIZE_MAX);
	bytes = (bytes + line - 1) / line * line;
	void *q = aligned_alloc(line, bytes);
	if (q == NULL)
		xalloc_die(bytes);
	if (used > 0)
		memcpy(q, p, used * elem);
	free(p);
	*cap = bytes / elem; /* the rest of the last line is room too */
	return q;
}
