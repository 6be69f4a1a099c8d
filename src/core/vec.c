#include "core/vec.h"

#include <stdint.h>

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
