/*
 * detect.c — the context: its options, the readers it dispatches to, and the
 * timeline built at the end from what they recorded in the store (store.c).
 *
 * Request counts go into bins as they arrive; new and cumulative sources are
 * computed only at the end from each source's first request, which is what
 * makes the result independent of the order in which files are given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "detect/internal.h"

static const char *const kind_names[WC_KIND_COUNT] = {
	"codered", "codered2", "nimda", "ida-probe", "scanner", "flood", "exe-probe",
};

const char *wc_detect_kind_name(int kind)
{
	return kind >= 0 && kind < WC_KIND_COUNT ? kind_names[kind] : "none";
}

static const char *const format_names[] = {"auto", "apache", "iis",	  "error",
					   "pcap", "zeek",   "zeek-json", "eve"};

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

wc_detect *wc_detect_new(const wc_detect_options *opt)
{
	wc_detect *d = xcalloc(1, sizeof *d);
	if (opt)
		d->opt = *opt;
	else
		wc_detect_options_init(&d->opt);
	if (d->opt.bin <= 0)
		d->opt.bin = 3600;
	wc_hash_init(&d->src, sizeof(struct wc_src_slot), 1024);
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
	for (size_t i = 0; i < d->src.cap; i++) {
		free(wc_src_at(&d->src, i)->bc);
		free((char *)wc_src_at(&d->src, i)->s.evidence);
	}
	wc_hash_free(&d->src);
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
		size_t b = (size_t)(wc_floordiv(s->first, d->opt.bin) - d->bin_base);
		tl->kind[s->kind][b].new_sources++;
		if (WC_KIND_IS_WORM(s->kind))
			worm[nworm++] = s;
	}
	qsort(worm, nworm, sizeof *worm, cmp_addr);
	for (size_t i = 0; i < nworm; i++) {
		if (i > 0 && strcmp(worm[i]->addr, worm[i - 1]->addr) == 0)
			continue;
		size_t b = (size_t)(wc_floordiv(worm[i]->first, d->opt.bin) - d->bin_base);
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
	for (size_t i = 0; i < d->src.cap; i++) {
		struct wc_src_slot *e = wc_src_at(&d->src, i);
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
 * More than WC_DETECT_MAX_BINS bins between the earliest and the latest request: a
 * wrong --bin or a stray timestamp. Refused as a whole, never trimmed: which
 * requests a trim would keep depends on which arrived first.
 */
static int refuse_span(const wc_detect *d, wc_error *err)
{
	char lo[24], hi[24];
	int64_t nbins =
		wc_floordiv(d->span_hi, d->opt.bin) - wc_floordiv(d->span_lo, d->opt.bin) + 1;
	/* floor(hi/B) - floor(lo/B) + 1 <= (hi - lo)/B + 2 bins for any B. */
	int64_t need =
		(d->span_hi - d->span_lo + (WC_DETECT_MAX_BINS - 3)) / (WC_DETECT_MAX_BINS - 2);
	return wc_error_set(err, WC_EXIT_USAGE,
			    "requests from %s (%s) to %s (%s) make %lld timeline rows of "
			    "--bin %lld s, more than %u: give --bin %lld or more, or leave out "
			    "the lines far from the rest",
			    wc_time_format(d->span_lo, lo), d->span_lo_name,
			    wc_time_format(d->span_hi, hi), d->span_hi_name, (long long)nbins,
			    (long long)d->opt.bin, WC_DETECT_MAX_BINS,
			    (long long)(need > 1 ? need : 1));
}

int wc_detect_finish(wc_detect *d, wc_error *err)
{
	if (d->finished)
		return 0;
	d->finished = true;
	wc_detect_capture_finish(d);
	for (int i = 0; i < WC_DETECT_MAX_THREADS - 1; i++)
		if (d->workers[i] != NULL)
			wc_detect_store_merge(d, d->workers[i]);
	if (d->bin_overflow)
		return refuse_span(d, err);
	settle_nimda(d);
	d->sorted = xmallocarray(d->src.used + 1, sizeof *d->sorted);
	d->nsorted = 0;
	for (size_t i = 0; i < d->src.cap; i++)
		if (wc_hash_live(&d->src, i))
			d->sorted[d->nsorted++] = wc_src_at(&d->src, i)->s;
	qsort(d->sorted, d->nsorted, sizeof *d->sorted, cmp_output);
	build_timeline(d);
	return 0;
}

wc_detect *wc_detect_snapshot(const wc_detect *d, wc_error *err)
{
	wc_detect_options o = d->opt;
	o.threads = 1;
	wc_detect *c = wc_detect_new(&o);
	/* A merge copies a context's store; the stats are copied whole. */
	wc_detect_store_merge(c, d);
	c->st = d->st;
	for (int i = 0; i < WC_DETECT_MAX_THREADS - 1; i++)
		if (d->workers[i] != NULL)
			wc_detect_store_merge(c, d->workers[i]);
	if (wc_detect_finish(c, err) != 0) {
		wc_detect_free(c);
		return NULL;
	}
	return c;
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
