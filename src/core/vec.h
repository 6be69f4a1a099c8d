/*
 * vec.h — a growable array: a typed pointer, a count and a capacity kept by the
 * caller, grown by doubling so that n pushes cost O(n) copies in all.
 *
 * The pointer stays the caller's own type (no void ** cast, no wrapper struct),
 * so a field like `double *t; size_t n, cap;` becomes growable with one call.
 * Sizes are overflow-checked and allocation goes through core/xalloc.h: a
 * request that cannot be met exits as every other one does.
 */
#ifndef WC_CORE_VEC_H
#define WC_CORE_VEC_H

#include <stddef.h>

/* Returns p, reallocated if needed to hold at least need elements of elem
 * bytes; *cap is the capacity in elements, updated. The new capacity is the
 * larger of need and twice the old one (at least WC_VEC_MIN). */
void *wc_vec_grow(void *p, size_t *cap, size_t need, size_t elem);

enum { WC_VEC_MIN = 16 };

/* The check inline, the growth out of line: pushes in a hot loop pay a compare. */
static inline void *wc_vec_reserve(void *p, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? p : wc_vec_grow(p, cap, need, elem);
}

/* The same for an array whose writers must not share cache lines with
 * anything else (one per thread): the storage starts on a `line`-byte
 * boundary (a power of two) and fills whole lines; `used` elements are kept.
 * Free with free(). */
void *wc_vec_grow_lines(void *p, size_t used, size_t *cap, size_t need, size_t elem, size_t line);

/* Room for need elements in the array p of capacity cap (lvalues, cap a size_t). */
#define WC_VEC_RESERVE(p, cap, need) ((p) = wc_vec_reserve((p), &(cap), (need), sizeof *(p)))

/* Appends v to the array p holding n elements (n and cap size_t lvalues). */
#define WC_VEC_PUSH(p, n, cap, v) (WC_VEC_RESERVE(p, cap, (n) + 1), (p)[(n)++] = (v))

#endif
