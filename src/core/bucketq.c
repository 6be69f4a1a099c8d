#include "core/bucketq.h"

#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "core/xalloc.h"

enum { SLAB_CHUNKS = 1u << WC_BQ_SLAB_BITS };
_Static_assert(sizeof(wc_bq_chunk) == 64, "a chunk is one cache line");

void wc_bucketq_init(wc_bucketq *q, uint64_t end, uint32_t window)
{
	memset(q, 0, sizeof *q);
	q->end = end;
	uint64_t nb = (end + 63) / 64 * 64;
	window = window / 64 * 64 > 0 ? window / 64 * 64 : 64;
	q->nbuckets = (uint32_t)(nb < window ? (nb > 0 ? nb : 64) : window);
	q->bucket = xmalloc_huge(q->nbuckets, sizeof *q->bucket);
	for (uint32_t i = 0; i < q->nbuckets; i++)
		q->bucket[i] = (wc_bq_bucket){WC_BQ_NONE, WC_BQ_NONE, 0};
	q->nonempty = xcalloc(q->nbuckets / 64, sizeof *q->nonempty);
	q->free = WC_BQ_NONE;
}

void wc_bucketq_free(wc_bucketq *q)
{
	for (size_t i = 0; i < q->nslab; i++)
		free(q->slab[i]);
	free(q->slab);
	free(q->bucket);
	free(q->nonempty);
	free(q->far);
	memset(q, 0, sizeof *q);
}

/* A chunk off the free chain, or a fresh one (a new slab when needed). */
static uint32_t chunk_get(wc_bucketq *q)
{
	uint32_t c = q->free;
	if (c != WC_BQ_NONE) {
		q->free = wc_bq_chunk_at(q, c)->next;
		return c;
	}
	if (q->fresh == (uint32_t)q->nslab * SLAB_CHUNKS) {
		if (q->nslab >= ((size_t)1 << (32 - WC_BQ_SLAB_BITS)) - 1)
			xalloc_die(SIZE_MAX); /* chunk ids would reach WC_BQ_NONE */
		WC_VEC_PUSH(q->slab, q->nslab, q->slab_cap,
			    xcalloc_huge(SLAB_CHUNKS, sizeof(wc_bq_chunk)));
	}
	return q->fresh++;
}

static void bucket_append(wc_bucketq *q, uint32_t i, uint32_t item)
{
	wc_bq_bucket *b = &q->bucket[i];
	if (b->tail == WC_BQ_NONE) {
		b->head = b->tail = chunk_get(q);
		b->tail_n = 0;
		q->nonempty[i / 64] |= 1ull << (i % 64);
		q->nbusy++;
	} else if (b->tail_n == WC_BQ_ITEMS) {
		uint32_t c = chunk_get(q);
		wc_bq_chunk_at(q, b->tail)->next = c;
		b->tail = c;
		b->tail_n = 0;
	}
	wc_bq_chunk_at(q, b->tail)->item[b->tail_n++] = item;
}

void wc_bucketq_push(wc_bucketq *q, uint64_t step, uint32_t item)
{
	if (step >= q->end)
		return;
	if (step - q->base < q->nbuckets) {
		bucket_append(q, (uint32_t)(step - q->base), item);
		return;
	}
	WC_VEC_PUSH(q->far, q->nfar, q->far_cap, ((wc_bq_far){step, item}));
}

uint64_t wc_bucketq_next(const wc_bucketq *q, uint64_t s)
{
	uint64_t end = q->base + q->nbuckets;
	for (uint64_t t = s + 1; q->nbusy > 0 && t < end && t < q->end;) {
		uint32_t i = (uint32_t)(t - q->base);
		uint64_t word = q->nonempty[i / 64] >> (i % 64);
		if (word) {
			uint64_t at = t + (uint64_t)__builtin_ctzll(word);
			return at < q->end ? at : q->end;
		}
		t += 64 - i % 64;
	}
	if (q->nfar > 0 && end < q->end)
		return end;
	return q->end;
}

/* Moves the window on to start at step s (every earlier bucket walked): the
 * overflow items now inside it enter their buckets in the order they came. */
static void advance_window(wc_bucketq *q, uint64_t s)
{
	q->base = s;
	size_t kept = 0;
	for (size_t i = 0; i < q->nfar; i++) {
		wc_bq_far fe = q->far[i];
		if (fe.step - q->base < q->nbuckets)
			bucket_append(q, (uint32_t)(fe.step - q->base), fe.item);
		else
			q->far[kept++] = fe;
	}
	q->nfar = kept;
}

wc_bq_cursor wc_bucketq_open(wc_bucketq *q, uint64_t s)
{
	if (s >= q->base + q->nbuckets)
		advance_window(q, s);
	uint32_t b = (uint32_t)(s - q->base);
	return (wc_bq_cursor){b, q->bucket[b].head, 0};
}

void wc_bucketq_close(wc_bucketq *q, const wc_bq_cursor *c)
{
	wc_bq_bucket *b = &q->bucket[c->b];
	if (b->head != WC_BQ_NONE) { /* the whole chain onto the free one */
		wc_bq_chunk_at(q, b->tail)->next = q->free;
		q->free = b->head;
		q->nbusy--;
	}
	*b = (wc_bq_bucket){WC_BQ_NONE, WC_BQ_NONE, 0};
	q->nonempty[c->b / 64] &= ~(1ull << (c->b % 64));
}
