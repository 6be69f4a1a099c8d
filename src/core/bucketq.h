/*
 * bucketq.h — a bucket queue: 32-bit items keyed by a step that only moves
 * forward, for an event loop that handles one step at a time.
 *
 * Push an item for any step from the current one on; walk a step's items in
 * the order they were pushed (items pushed to that step while it is walked
 * come too); find the next step that has items. Buckets cover a window of
 * steps; items for steps past it wait in an overflow list and enter, in
 * order, when the window moves on.
 *
 * A bucket is a chain of 64-byte chunks (15 items and a link) from one pool,
 * and a walked bucket's chunks go back to it at once. The pool grows in 2 MiB
 * slabs of huge pages and is never copied: with 10^7 hosts and tens of
 * millions of pending events, arrays grown by doubling held up to twice the
 * events, moved them on every growth, and touched a fresh page every 4 KiB.
 */
#ifndef WC_CORE_BUCKETQ_H
#define WC_CORE_BUCKETQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { WC_BQ_ITEMS = 15, WC_BQ_SLAB_BITS = 15 };
#define WC_BQ_NONE UINT32_MAX

typedef struct wc_bq_chunk {
	uint32_t item[WC_BQ_ITEMS];
	uint32_t next; /* the next chunk of the chain, or a free one's successor */
} wc_bq_chunk;

typedef struct wc_bq_bucket {
	uint32_t head, tail; /* chunks, WC_BQ_NONE when empty */
	uint32_t tail_n;     /* items in the tail chunk */
} wc_bq_bucket;

typedef struct wc_bq_far {
	uint64_t step;
	uint32_t item;
} wc_bq_far;

typedef struct wc_bucketq {
	uint64_t base;	   /* the window's first step */
	uint64_t end;	   /* steps from here on never come (pushes are dropped) */
	uint32_t nbuckets; /* the window's width, a multiple of 64 */
	wc_bq_bucket *bucket;
	uint64_t *nonempty; /* one bit per bucket */
	uint32_t nbusy;	    /* buckets with items: none, and next need not look */
	wc_bq_chunk **slab; /* chunk c is slab[c >> WC_BQ_SLAB_BITS][c & mask] */
	size_t nslab, slab_cap;
	uint32_t free;	/* the free chunks' chain */
	uint32_t fresh; /* chunks ever handed out */
	wc_bq_far *far;
	size_t nfar, far_cap;
} wc_bucketq;

/* A queue for steps [0, end), with a window of at most `window` steps. */
void wc_bucketq_init(wc_bucketq *q, uint64_t end, uint32_t window);
void wc_bucketq_free(wc_bucketq *q);

/* Appends item to step `step` (at least the step being walked, if any). */
void wc_bucketq_push(wc_bucketq *q, uint64_t step, uint32_t item);

/* The first step after s that has items, or where the window must move on
 * to find more; end if none. */
uint64_t wc_bucketq_next(const wc_bucketq *q, uint64_t s);

/* Walking step s: open it (moving the window on if s lies past it), take its
 * items with wc_bucketq_take, then close it, which empties it. */
typedef struct wc_bq_cursor {
	uint32_t b;	/* the bucket */
	uint32_t chunk; /* the chunk being read, and the next item in it */
	uint32_t i;
} wc_bq_cursor;
wc_bq_cursor wc_bucketq_open(wc_bucketq *q, uint64_t s);
void wc_bucketq_close(wc_bucketq *q, const wc_bq_cursor *c);

static inline wc_bq_chunk *wc_bq_chunk_at(const wc_bucketq *q, uint32_t c)
{
	return &q->slab[c >> WC_BQ_SLAB_BITS][c & ((1u << WC_BQ_SLAB_BITS) - 1)];
}

/* Items in chunk c of bucket b (whole chunks but the tail). */
static inline uint32_t wc_bq_used(const wc_bucketq *q, uint32_t b, uint32_t c)
{
	return c == q->bucket[b].tail ? q->bucket[b].tail_n : WC_BQ_ITEMS;
}

/* The next item of the open step into *item; false when none is left. */
static inline bool wc_bucketq_take(const wc_bucketq *q, wc_bq_cursor *c, uint32_t *item)
{
	while (c->chunk != WC_BQ_NONE) {
		if (c->i < wc_bq_used(q, c->b, c->chunk)) {
			*item = wc_bq_chunk_at(q, c->chunk)->item[c->i++];
			return true;
		}
		if (c->chunk == q->bucket[c->b].tail)
			return false;
		c->chunk = wc_bq_chunk_at(q, c->chunk)->next;
		c->i = 0;
	}
	return false;
}

/* The item d places after the next one to take, if it has been pushed: for
 * fetching ahead what it names. */
static inline bool wc_bucketq_ahead(const wc_bucketq *q, const wc_bq_cursor *c, uint32_t d,
				    uint32_t *item)
{
	if (c->chunk == WC_BQ_NONE)
		return false;
	uint32_t i = c->i + d, chunk = c->chunk;
	while (i >= WC_BQ_ITEMS) {
		if (chunk == q->bucket[c->b].tail)
			return false;
		chunk = wc_bq_chunk_at(q, chunk)->next;
		i -= WC_BQ_ITEMS;
	}
	if (i >= wc_bq_used(q, c->b, chunk))
		return false;
	*item = wc_bq_chunk_at(q, chunk)->item[i];
	return true;
}

/* Fetching ahead for a push to `step` in the window: its bucket's record
 * first, then (once that has arrived) the place in its tail chunk. Inlined
 * by force: GCC takes a function of prefetches alone for one without effect
 * and drops its calls. */
__attribute__((always_inline)) static inline void wc_bucketq_prefetch_bucket(const wc_bucketq *q,
									     uint64_t step)
{
	if (step - q->base < q->nbuckets)
		__builtin_prefetch(&q->bucket[step - q->base]);
}

__attribute__((always_inline)) static inline void wc_bucketq_prefetch_tail(const wc_bucketq *q,
									   uint64_t step)
{
	if (step - q->base >= q->nbuckets)
		return;
	const wc_bq_bucket *b = &q->bucket[step - q->base];
	if (b->tail != WC_BQ_NONE && b->tail_n < WC_BQ_ITEMS)
		__builtin_prefetch(&wc_bq_chunk_at(q, b->tail)->item[b->tail_n], 1);
}

#endif
