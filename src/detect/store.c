/*
 * store.c — where the readers' findings go: the source table, the per-bin
 * counts, the problems and warnings, and the merge of a worker's context.
 *
 * It sits below the orchestrator (detect.c) and the readers (logread.c,
 * pcap.c, trw.c), which all call into it and never the other way round, so
 * the files of src/detect call one another in one direction (docs/design.md §2).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "core/xalloc.h"
#include "detect/internal.h"

void wc_detect_addr_format(const wc_addr *a, char *buf)
{
	static const uint8_t v4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a->b, v4, 12) == 0)
		inet_ntop(AF_INET, a->b + 12, buf, WC_ADDR_MAX);
	else
		inet_ntop(AF_INET6, a->b, buf, WC_ADDR_MAX);
}

/* The message fmt makes, cut at 511 bytes, in new memory. */
static char *vformat(const char *fmt, va_list ap)
{
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	return xstrdup(buf);
}

void wc_detect_warning(wc_detect *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	WC_VEC_PUSH(d->warnings, d->nwarnings, d->warnings_cap, vformat(fmt, ap));
	va_end(ap);
}

void wc_detect_problem(wc_detect *d, const char *fmt, ...)
{
	d->total_problems++;
	if (d->nproblems >= WC_DETECT_MAX_PROBLEMS)
		return;
	va_list ap;
	va_start(ap, fmt);
	d->problems[d->nproblems++] = vformat(fmt, ap);
	va_end(ap);
}

/* Moves the bins into a fresh zeroed allocation of cap rows, leaving head
 * free rows before them. */
static void bins_move(wc_detect *d, size_t cap, size_t head)
{
	uint64_t(*mem)[WC_KIND_COUNT] = xcalloc(cap, sizeof *mem);
	if (d->nbins > 0)
		memcpy(mem + head, d->bins, d->nbins * sizeof *mem);
	free(d->bins_mem);
	d->bins_mem = mem;
	d->bins_cap = cap;
	d->bins_head = head;
	d->bins = mem + head;
}

/* Makes bin idx exist; false if that would make the timeline absurdly long.
 * Capacity doubles, so n bins cost O(n) copying whatever the order. */
static bool bin_reserve(wc_detect *d, int64_t idx, size_t *slot)
{
	if (d->nbins == 0) {
		if (d->bins_mem == NULL)
			bins_move(d, 64, 32);
		d->bin_base = idx;
		d->nbins = 1;
	} else if (idx < d->bin_base) {
		uint64_t grow = (uint64_t)(d->bin_base - idx);
		if (grow + d->nbins > WC_DETECT_MAX_BINS)
			return false;
		if (grow > d->bins_head) {
			size_t need = d->nbins + (size_t)grow;
			size_t cap = 2 * d->bins_cap > need ? 2 * d->bins_cap : 2 * need;
			bins_move(d, cap, cap - d->nbins - (cap - need) / 2);
		}
		d->bins_head -= (size_t)grow;
		d->bins -= grow;
		d->bin_base = idx;
		d->nbins += (size_t)grow;
	} else if ((uint64_t)(idx - d->bin_base) >= d->nbins) {
		uint64_t n = (uint64_t)(idx - d->bin_base) + 1;
		if (n > WC_DETECT_MAX_BINS)
			return false;
		if (d->bins_head + n > d->bins_cap) {
			size_t cap = 2 * d->bins_cap > n ? 2 * d->bins_cap : 2 * (size_t)n;
			bins_move(d, cap, (cap - (size_t)n) / 2);
		}
		d->nbins = (size_t)n;
	}
	*slot = (size_t)(idx - d->bin_base);
	return true;
}

static bool addr_eq(const wc_detect_source *s, const char *addr, size_t alen, int kind)
{
	return s->kind == kind && strncmp(s->addr, addr, alen) == 0 && s->addr[alen] == '\0';
}

struct src_key {
	const char *addr;
	size_t alen;
	int kind;
};

static bool src_eq(const void *slot, const void *key)
{
	const struct src_key *k = key;
	return addr_eq(&((const struct wc_src_slot *)slot)->s, k->addr, k->alen, k->kind);
}

/* Finds the (addr, kind) source of hash h, or makes it, and adds count
 * requests seen from first to last. The slot stays valid until the next add. */
static struct wc_src_slot *src_add(wc_detect *d, uint64_t h, const char *addr, size_t alen,
				   int kind, wc_time first, wc_time last, uint64_t count)
{
	struct src_key k = {addr, alen, kind};
	bool fresh;
	struct wc_src_slot *e = wc_hash_upsert(&d->src, h, src_eq, &k, &fresh);
	if (fresh) {
		memcpy(e->s.addr, addr, alen);
		e->s.addr[alen] = '\0';
		e->s.kind = kind;
		e->s.first = first;
		e->s.last = last;
		e->s.requests = count;
		return e;
	}
	if (first < e->s.first)
		e->s.first = first;
	if (last > e->s.last)
		e->s.last = last;
	e->s.requests += count;
	return e;
}

/* Widens the span of recorded times to t, seen in input name. On equal times
 * the smaller name wins, so the span's names do not depend on input order. */
/* Copies name into a span's name unless it is already there: in a log read
 * in time order nearly every line is a new latest time, and the copy would
 * otherwise run per line. */
static void span_name(char *dst, size_t cap, const char *name)
{
	if (strcmp(dst, name) != 0)
		snprintf(dst, cap, "%s", name);
}

static void span_note(wc_detect *d, wc_time t, const char *name)
{
	if (name == NULL)
		name = "input";
	if (!d->have_span || t < d->span_lo ||
	    (t == d->span_lo && strcmp(name, d->span_lo_name) < 0)) {
		d->span_lo = t;
		span_name(d->span_lo_name, sizeof d->span_lo_name, name);
	}
	if (!d->have_span || t > d->span_hi ||
	    (t == d->span_hi && strcmp(name, d->span_hi_name) < 0)) {
		d->span_hi = t;
		span_name(d->span_hi_name, sizeof d->span_hi_name, name);
	}
	d->have_span = true;
}

/* Adds count requests in bin to a Nimda-list source's own bin counts. */
static void bc_add(struct wc_src_slot *e, int64_t bin, uint64_t count)
{
	if (e->nbc > 0 && e->bc[e->nbc - 1].bin == bin) {
		e->bc[e->nbc - 1].count += count;
		return;
	}
	if (e->nbc == e->bc_cap) {
		e->bc_cap = e->bc_cap ? 2 * e->bc_cap : 2;
		e->bc = xreallocarray(e->bc, e->bc_cap, sizeof *e->bc);
	}
	e->bc[e->nbc].bin = bin;
	e->bc[e->nbc++].count = count;
}

void wc_detect_record(wc_detect *d, const char *addr, size_t alen, int kind, wc_time t,
		      uint64_t count)
{
	wc_detect_record_probe(d, addr, alen, kind, -1, t, count);
}

/* Keeps req as e's evidence if it was sent before the one kept, or at the
 * same second and is byte-smaller: the same whatever the order of the
 * inputs or the threads. Cut at a NUL byte and at WC_DETECT_EVIDENCE_MAX. */
static void evidence_note(struct wc_src_slot *e, wc_time t, const char *req, size_t rlen)
{
	const char *nul = memchr(req, '\0', rlen);
	if (nul != NULL)
		rlen = (size_t)(nul - req);
	if (rlen > WC_DETECT_EVIDENCE_MAX)
		rlen = WC_DETECT_EVIDENCE_MAX;
	if (e->s.evidence != NULL) {
		if (t > e->ev_time)
			return;
		if (t == e->ev_time) {
			size_t olen = strlen(e->s.evidence);
			int c = memcmp(req, e->s.evidence, rlen < olen ? rlen : olen);
			if (c > 0 || (c == 0 && rlen >= olen))
				return;
		}
	}
	char *copy = xmalloc(rlen + 1);
	memcpy(copy, req, rlen);
	copy[rlen] = '\0';
	free((char *)e->s.evidence);
	e->s.evidence = copy;
	e->ev_time = t;
}

static struct wc_src_slot *record(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
				  wc_time t, uint64_t count);

void wc_detect_record_probe(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
			    wc_time t, uint64_t count)
{
	record(d, addr, alen, kind, probe, t, count);
}

void wc_detect_record_request(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
			      wc_time t, const char *req, size_t rlen)
{
	struct wc_src_slot *e = record(d, addr, alen, kind, probe, t, 1);
	if (e != NULL)
		evidence_note(e, t, req, rlen);
}

/* Counts the request and returns its source's slot (valid until the next
 * add), or NULL when it is outside the window or its bin out of range. */
static struct wc_src_slot *record(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
				  wc_time t, uint64_t count)
{
	if ((d->opt.has_from && t < d->opt.from) || (d->opt.has_until && t >= d->opt.until))
		return NULL;
	if (alen > WC_ADDR_MAX - 1)
		alen = WC_ADDR_MAX - 1;
	/* Only a new extreme costs a name copy: in a log in time order, the
	 * latest time moves, the name rarely does. */
	if (!d->have_span || t <= d->span_lo || t >= d->span_hi)
		span_note(d, t, d->cur_name);
	size_t slot;
	if (!bin_reserve(d, wc_floordiv(t, d->opt.bin), &slot)) {
		/* finish refuses the run: nothing recorded from here is shown. */
		d->bin_overflow = true;
		return NULL;
	}
	/* A Nimda-list request's bin waits in its source until finish knows
	 * the source's kind. */
	if (kind != WC_KIND_NIMDA)
		d->bins[slot][kind] += count;
	d->st.kind_requests[kind] += count;

	struct wc_src_slot *e = src_add(d, wc_hash_bytes(addr, alen, (uint64_t)kind), addr, alen,
					kind, t, t, count);
	if (kind == WC_KIND_NIMDA) {
		if (probe >= 0 && probe < WC_NIMDA_PATHS)
			e->probes |= 1u << probe;
		bc_add(e, d->bin_base + (int64_t)slot, count);
	}
	return e;
}

void wc_detect_store_merge(wc_detect *d, const wc_detect *w)
{
	for (size_t i = 0; i < w->nbins; i++) {
		size_t slot;
		bool any = false;
		for (int k = 0; k < WC_KIND_COUNT; k++)
			any |= w->bins[i][k] != 0;
		if (!any)
			continue;
		if (!bin_reserve(d, w->bin_base + (int64_t)i, &slot)) {
			d->bin_overflow = true;
			continue;
		}
		for (int k = 0; k < WC_KIND_COUNT; k++)
			d->bins[slot][k] += w->bins[i][k];
	}
	for (size_t i = 0; i < w->src.cap; i++) {
		const struct wc_src_slot *ws = wc_src_at(&w->src, i);
		const wc_detect_source *s = &ws->s;
		if (!wc_hash_live(&w->src, i))
			continue;
		struct wc_src_slot *e = src_add(d, ws->hash, s->addr, strlen(s->addr), s->kind,
						s->first, s->last, s->requests);
		e->probes |= ws->probes;
		if (s->evidence != NULL)
			evidence_note(e, ws->ev_time, s->evidence, strlen(s->evidence));
		for (uint32_t b = 0; b < ws->nbc; b++) {
			/* A bin holding only Nimda-list requests is all zeros in w's
			 * bins, skipped above; finish will count into it. */
			size_t slot;
			if (!bin_reserve(d, ws->bc[b].bin, &slot))
				d->bin_overflow = true;
			bc_add(e, ws->bc[b].bin, ws->bc[b].count);
		}
	}
	d->bin_overflow |= w->bin_overflow;
	if (w->have_span) {
		span_note(d, w->span_lo, w->span_lo_name);
		span_note(d, w->span_hi, w->span_hi_name);
	}
	const wc_detect_stats *ws = &w->st;
	d->st.lines += ws->lines;
	d->st.bad_lines += ws->bad_lines;
	d->st.requests += ws->requests;
	d->st.malformed_host += ws->malformed_host;
	for (int k = 0; k < WC_KIND_COUNT; k++)
		d->st.kind_requests[k] += ws->kind_requests[k];
	d->total_problems += w->total_problems; /* bins out of range: counted, not kept */
}
