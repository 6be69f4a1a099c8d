/*
 * detect.c — the context: source table, per-bin counts, problems, and the
 * timeline built from them at the end.
 *
 * Request counts go into bins as they arrive; new and cumulative sources are
 * computed only at the end from each source's first request, which is what
 * makes the result independent of the order in which files are given.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "detect/internal.h"

/* A timeline longer than this (30 years of hourly rows) is a wrong --bin or a
 * wild timestamp, not data; it would also cost memory that no real input needs. */
#define MAX_BINS (1u << 18)

static const char *const kind_names[WC_KIND_COUNT] = {
	"codered", "codered2", "nimda", "ida-probe", "scanner", "flood", "exe-probe",
};

const char *wc_detect_kind_name(int kind)
{
	return kind >= 0 && kind < WC_KIND_COUNT ? kind_names[kind] : "none";
}

static const char *const format_names[] = {"auto", "apache", "iis", "error", "pcap"};

int wc_detect_format_parse(const char *s, wc_detect_format *f)
{
	for (int i = 0; i < (int)(sizeof format_names / sizeof format_names[0]); i++)
		if (strcmp(s, format_names[i]) == 0) {
			*f = (wc_detect_format)i;
			return 0;
		}
	return -1;
}

const char *wc_detect_format_name(wc_detect_format f)
{
	return (unsigned)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "?";
}

void wc_detect_options_init(wc_detect_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->bin = 3600;
	opt->ports[0] = 80;
	opt->nports = 1;
	opt->trw_theta0 = 0.8;
	opt->trw_theta1 = 0.2;
	opt->trw_alpha = 0.01;
	opt->trw_beta = 0.99;
	opt->trw_timeout = 3.0;
	opt->flood_rate = 100.0;
	opt->flood_window = 10;
	opt->threads = 1;
}

uint64_t wc_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (n * 0x9E3779B97F4A7C15ull);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x94D049BB133111EBull;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return h | 1; /* 0 marks an empty slot */
}

wc_detect *wc_detect_new(const wc_detect_options *opt)
{
	wc_detect *d = xcalloc(1, sizeof *d);
	if (opt)
		d->opt = *opt;
	else
		wc_detect_options_init(&d->opt);
	if (d->opt.bin <= 0)
		d->opt.bin = 3600;
	d->src_cap = 1024;
	d->src = xcalloc(d->src_cap, sizeof *d->src);
	wc_detect_capture_init(d);
	return d;
}

int wc_detect_set_log_format(wc_detect *d, const char *spec, wc_error *err)
{
	struct wc_logfmt *f;
	if (wc_logfmt_compile(spec, &f, err) != 0)
		return -1;
	wc_logfmt_free(d->logfmt);
	d->logfmt = f;
	return 0;
}

void wc_detect_free(wc_detect *d)
{
	if (d == NULL)
		return;
	wc_logfmt_free(d->logfmt);
	wc_detect_capture_free(d);
	for (int i = 0; i < WC_DETECT_MAX_THREADS - 1; i++)
		wc_detect_free(d->workers[i]);
	for (size_t i = 0; i < d->src_cap; i++)
		free(d->src[i].bc);
	free(d->src);
	free(d->bins_mem);
	for (size_t i = 0; i < d->nproblems; i++)
		free(d->problems[i]);
	for (size_t i = 0; i < d->nwarnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	free(d->sorted);
	free(d->tl.time);
	free(d->tl.all);
	for (int k = 0; k < WC_KIND_COUNT; k++)
		free(d->tl.kind[k]);
	free(d);
}

void wc_detect_warning(wc_detect *d, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	d->warnings = xreallocarray(d->warnings, d->nwarnings + 1, sizeof *d->warnings);
	d->warnings[d->nwarnings++] = xstrdup(buf);
}

void wc_detect_problem(wc_detect *d, const char *fmt, ...)
{
	d->total_problems++;
	if (d->nproblems >= WC_DETECT_MAX_PROBLEMS)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	d->problems[d->nproblems++] = xstrdup(buf);
}

static int64_t floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
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
		if (grow + d->nbins > MAX_BINS)
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
		if (n > MAX_BINS)
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

static void src_grow(wc_detect *d)
{
	size_t cap = d->src_cap * 2;
	struct wc_src_slot *t = xcalloc(cap, sizeof *t);
	for (size_t i = 0; i < d->src_cap; i++) {
		if (d->src[i].hash == 0)
			continue;
		size_t j = d->src[i].hash & (cap - 1);
		while (t[j].hash != 0)
			j = (j + 1) & (cap - 1);
		t[j] = d->src[i];
	}
	free(d->src);
	d->src = t;
	d->src_cap = cap;
}

/* Widens the span of recorded times to t, seen in input name. On equal times
 * the smaller name wins, so the span's names do not depend on input order. */
static void span_note(wc_detect *d, wc_time t, const char *name)
{
	if (name == NULL)
		name = "input";
	if (!d->have_span || t < d->span_lo ||
	    (t == d->span_lo && strcmp(name, d->span_lo_name) < 0)) {
		d->span_lo = t;
		snprintf(d->span_lo_name, sizeof d->span_lo_name, "%s", name);
	}
	if (!d->have_span || t > d->span_hi ||
	    (t == d->span_hi && strcmp(name, d->span_hi_name) < 0)) {
		d->span_hi = t;
		snprintf(d->span_hi_name, sizeof d->span_hi_name, "%s", name);
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

void wc_detect_record_probe(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
			    wc_time t, uint64_t count)
{
	if (alen > WC_ADDR_MAX - 1)
		alen = WC_ADDR_MAX - 1;
	/* Only a new extreme costs a name copy: in a log in time order, the
	 * latest time moves, the name rarely does. */
	if (!d->have_span || t <= d->span_lo || t >= d->span_hi)
		span_note(d, t, d->cur_name);
	size_t slot;
	if (!bin_reserve(d, floordiv(t, d->opt.bin), &slot)) {
		/* finish refuses the run: nothing recorded from here is shown. */
		d->bin_overflow = true;
		return;
	}
	/* A Nimda-list request's bin waits in its source until finish knows
	 * the source's kind. */
	if (kind != WC_KIND_NIMDA)
		d->bins[slot][kind] += count;
	d->st.kind_requests[kind] += count;

	uint64_t h = wc_hash_bytes(addr, alen, (uint64_t)kind);
	size_t i = h & (d->src_cap - 1);
	struct wc_src_slot *e;
	for (;;) {
		e = &d->src[i];
		if (e->hash == 0) {
			e->hash = h;
			memcpy(e->s.addr, addr, alen);
			e->s.addr[alen] = '\0';
			e->s.kind = kind;
			e->s.first = e->s.last = t;
			e->s.requests = count;
			d->src_n++;
			break;
		}
		if (e->hash == h && addr_eq(&e->s, addr, alen, kind)) {
			if (t < e->s.first)
				e->s.first = t;
			if (t > e->s.last)
				e->s.last = t;
			e->s.requests += count;
			break;
		}
		i = (i + 1) & (d->src_cap - 1);
	}
	if (kind == WC_KIND_NIMDA) {
		if (probe >= 0 && probe < WC_NIMDA_PATHS)
			e->probes |= 1u << probe;
		bc_add(e, d->bin_base + (int64_t)slot, count);
	}
	if (d->src_n * 2 > d->src_cap)
		src_grow(d);
}

/* Adds a worker's sources, bins and counts to d. */
static void merge_worker(wc_detect *d, const wc_detect *w)
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
	for (size_t i = 0; i < w->src_cap; i++) {
		const wc_detect_source *s = &w->src[i].s;
		if (w->src[i].hash == 0)
			continue;
		size_t alen = strlen(s->addr);
		uint64_t h = w->src[i].hash;
		size_t j = h & (d->src_cap - 1);
		for (;;) {
			struct wc_src_slot *e = &d->src[j];
			if (e->hash == 0) {
				e->hash = h;
				e->s = *s;
				d->src_n++;
				break;
			}
			if (e->hash == h && addr_eq(&e->s, s->addr, alen, s->kind)) {
				if (s->first < e->s.first)
					e->s.first = s->first;
				if (s->last > e->s.last)
					e->s.last = s->last;
				e->s.requests += s->requests;
				break;
			}
			j = (j + 1) & (d->src_cap - 1);
		}
		struct wc_src_slot *e = &d->src[j];
		e->probes |= w->src[i].probes;
		for (uint32_t b = 0; b < w->src[i].nbc; b++)
			bc_add(e, w->src[i].bc[b].bin, w->src[i].bc[b].count);
		if (d->src_n * 2 > d->src_cap)
			src_grow(d);
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

static int cmp_output(const void *a, const void *b)
{
	const wc_detect_source *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

static int cmp_addr(const void *a, const void *b)
{
	const wc_detect_source *const *x = a, *const *y = b;
	int c = strcmp((*x)->addr, (*y)->addr);
	if (c != 0)
		return c;
	return ((*x)->first > (*y)->first) - ((*x)->first < (*y)->first);
}

static void build_timeline(wc_detect *d)
{
	wc_detect_timeline *tl = &d->tl;
	size_t n = d->nbins;
	tl->n = n;
	tl->bin = d->opt.bin;
	if (n == 0)
		return;
	tl->time = xmallocarray(n, sizeof *tl->time);
	tl->all = xcalloc(n, sizeof *tl->all);
	for (int k = 0; k < WC_KIND_COUNT; k++)
		tl->kind[k] = xcalloc(n, sizeof *tl->kind[k]);
	for (size_t i = 0; i < n; i++) {
		tl->time[i] = (d->bin_base + (int64_t)i + 1) * d->opt.bin;
		for (int k = 0; k < WC_KIND_COUNT; k++) {
			tl->kind[k][i].requests = d->bins[i][k];
			if (WC_KIND_IS_WORM(k))
				tl->all[i].requests += d->bins[i][k];
		}
	}
	/* A source's first worm request, whatever the worm, counts once in
	 * "all": group the worm rows by address, earliest first. */
	const wc_detect_source **worm = xmallocarray(d->nsorted + 1, sizeof *worm);
	size_t nworm = 0;
	for (size_t i = 0; i < d->nsorted; i++) {
		const wc_detect_source *s = &d->sorted[i];
		size_t b = (size_t)(floordiv(s->first, d->opt.bin) - d->bin_base);
		tl->kind[s->kind][b].new_sources++;
		if (WC_KIND_IS_WORM(s->kind))
			worm[nworm++] = s;
	}
	qsort(worm, nworm, sizeof *worm, cmp_addr);
	for (size_t i = 0; i < nworm; i++) {
		if (i > 0 && strcmp(worm[i]->addr, worm[i - 1]->addr) == 0)
			continue;
		size_t b = (size_t)(floordiv(worm[i]->first, d->opt.bin) - d->bin_base);
		tl->all[b].new_sources++;
	}
	free(worm);
	uint64_t cum = 0, ck[WC_KIND_COUNT] = {0};
	for (size_t i = 0; i < n; i++) {
		cum += tl->all[i].new_sources;
		tl->all[i].cumulative_sources = cum;
		for (int k = 0; k < WC_KIND_COUNT; k++) {
			ck[k] += tl->kind[k][i].new_sources;
			tl->kind[k][i].cumulative_sources = ck[k];
		}
	}
}

/*
 * Nimda asks for all 16 of its URIs (8 distinct paths once decoded) within
 * seconds; a scanner checking for Code Red II's root.exe backdoor, or for one
 * traversal, asks for one. So a source is nimda when it asked for at least 2
 * distinct paths over all the input, and exe-probe otherwise. Its requests
 * go into the bins of the kind it turned out to be.
 */
static void settle_nimda(wc_detect *d)
{
	for (size_t i = 0; i < d->src_cap; i++) {
		struct wc_src_slot *e = &d->src[i];
		if (e->hash == 0 || e->s.kind != WC_KIND_NIMDA)
			continue;
		if (__builtin_popcount(e->probes) < 2) {
			e->s.kind = WC_KIND_EXE_PROBE;
			d->st.kind_requests[WC_KIND_NIMDA] -= e->s.requests;
			d->st.kind_requests[WC_KIND_EXE_PROBE] += e->s.requests;
		}
		for (uint32_t b = 0; b < e->nbc; b++)
			d->bins[e->bc[b].bin - d->bin_base][e->s.kind] += e->bc[b].count;
		free(e->bc);
		e->bc = NULL;
		e->nbc = e->bc_cap = 0;
	}
}

/*
 * More than MAX_BINS bins between the earliest and the latest request: a
 * wrong --bin or a stray timestamp. Refused as a whole, never trimmed: which
 * requests a trim would keep depends on which arrived first.
 */
static int refuse_span(const wc_detect *d, wc_error *err)
{
	char lo[24], hi[24];
	int64_t nbins = floordiv(d->span_hi, d->opt.bin) - floordiv(d->span_lo, d->opt.bin) + 1;
	/* floor(hi/B) - floor(lo/B) + 1 <= (hi - lo)/B + 2 bins for any B. */
	int64_t need = (d->span_hi - d->span_lo + (MAX_BINS - 3)) / (MAX_BINS - 2);
	return wc_error_set(err, WC_EXIT_USAGE,
			    "requests from %s (%s) to %s (%s) make %lld timeline rows of "
			    "--bin %lld s, more than %u: give --bin %lld or more, or leave out "
			    "the lines far from the rest",
			    wc_time_format(d->span_lo, lo), d->span_lo_name,
			    wc_time_format(d->span_hi, hi), d->span_hi_name, (long long)nbins,
			    (long long)d->opt.bin, MAX_BINS, (long long)(need > 1 ? need : 1));
}

int wc_detect_finish(wc_detect *d, wc_error *err)
{
	if (d->finished)
		return 0;
	d->finished = true;
	wc_detect_capture_finish(d);
	for (int i = 0; i < WC_DETECT_MAX_THREADS - 1; i++)
		if (d->workers[i] != NULL)
			merge_worker(d, d->workers[i]);
	if (d->bin_overflow)
		return refuse_span(d, err);
	settle_nimda(d);
	d->sorted = xmallocarray(d->src_n + 1, sizeof *d->sorted);
	d->nsorted = 0;
	for (size_t i = 0; i < d->src_cap; i++)
		if (d->src[i].hash != 0)
			d->sorted[d->nsorted++] = d->src[i].s;
	qsort(d->sorted, d->nsorted, sizeof *d->sorted, cmp_output);
	build_timeline(d);
	return 0;
}

const wc_detect_stats *wc_detect_get_stats(const wc_detect *d)
{
	return &d->st;
}

const wc_detect_source *wc_detect_sources(const wc_detect *d, size_t *n)
{
	*n = d->nsorted;
	return d->sorted;
}

const wc_detect_timeline *wc_detect_get_timeline(const wc_detect *d)
{
	return &d->tl;
}

const char *const *wc_detect_warnings(const wc_detect *d, size_t *n)
{
	*n = d->nwarnings;
	return (const char *const *)d->warnings;
}

const char *const *wc_detect_problems(const wc_detect *d, size_t *shown, uint64_t *total)
{
	*shown = d->nproblems;
	*total = d->total_problems;
	return (const char *const *)d->problems;
}
