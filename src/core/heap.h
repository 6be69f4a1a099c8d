/*
 * heap.h — a binary min-heap over an array of any element type.
 *
 * WC_HEAP_DEFINE(name, T, less) writes name_push and name_pop for elements of
 * type T ordered by less(const T *a, const T *b) (true when a comes first).
 * They are generated per type, not called through a comparison pointer,
 * because the simulator pops millions of events and the compare must inline.
 * The array, its count and its capacity are the caller's (as in core/vec.h).
 * Ties leave in no promised order: a caller that needs one breaks them in less.
 */
#ifndef WC_CORE_HEAP_H
#define WC_CORE_HEAP_H

#include <stddef.h>

#include "core/vec.h"

#define WC_HEAP_DEFINE(name, T, less)                                                              \
	/* Adds e to the heap h of *n elements (capacity *cap), growing it. */                     \
	static inline void name##_push(T **h, size_t *n, size_t *cap, T e)                         \
	{                                                                                          \
		*h = wc_vec_reserve(*h, cap, *n + 1, sizeof **h);                                  \
		size_t i = (*n)++;                                                                 \
		while (i > 0 && less(&e, &(*h)[(i - 1) / 2])) {                                    \
			(*h)[i] = (*h)[(i - 1) / 2];                                               \
			i = (i - 1) / 2;                                                           \
		}                                                                                  \
		(*h)[i] = e;                                                                       \
	}                                                                                          \
	/* Removes and returns the least element; *n must be at least 1. */                        \
	static inline T name##_pop(T *h, size_t *n)                                                \
	{                                                                                          \
		T top = h[0], last = h[--*n];                                                      \
		size_t i = 0;                                                                      \
		for (;;) {                                                                         \
			size_t c = 2 * i + 1;                                                      \
			if (c >= *n)                                                               \
				break;                                                             \
			if (c + 1 < *n && less(&h[c + 1], &h[c]))                                  \
				c++;                                                               \
			if (!less(&h[c], &last))                                                   \
				break;                                                             \
			h[i] = h[c];                                                               \
			i = c;                                                                     \
		}                                                                                  \
		if (*n > 0)                                                                        \
			h[i] = last;                                                               \
		return top;                                                                        \
	}

#endif
