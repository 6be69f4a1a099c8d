/*
 * trw.c — scan and flood detectors for captures.
 *
 * Scanners: threshold random walk (J. Jung, V. Paxson, A. W. Berger,
 * H. Balakrishnan, "Fast Portscan Detection Using Sequential Hypothesis
 * Testing", IEEE S&P 2004). A benign source's first-contact connection
 * attempts succeed with probability θ0, a scanner's with θ1 < θ0. Each outcome
 * multiplies the source's likelihood ratio Λ by θ1/θ0 (success) or
 * (1-θ1)/(1-θ0) (failure); Λ ≥ η1 = β/α declares a scanner, Λ ≤ η0 =
 * (1-β)/(1-α) a benign source, and the walk stops. We keep log Λ. With the
 * paper's θ0 = 0.8, θ1 = 0.2, α = 0.01, β = 0.99 a failure adds ln 4, so four
 * failed first contacts in a row make a scanner. "First contact" is judged
 * against the last 8 destinations a source tried, so memory per source is
 * fixed.
 *
 * Floods: connections per destination counted in aligned windows of W
 * seconds; a window with at least rate·W makes the destination a flood
 * target. Destinations share a fixed direct-mapped table: a destination keeps
 * its slot while it is busy in the current window, and a flood target is busy
 * by definition, so it is never pushed out by the scan's one-off targets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "detect/internal.h"

#define RECENT_DST  8
#define FLOOD_SLOTS (1u << 16)

enum { UNDECIDED, SCANNER, BENIGN };

struct trw_src {
	uint64_t hash; /* 0: empty */
	wc_addr addr;
	double llr;		     /* log Λ */
	uint8_t decision;	     /* UNDECIDED, SCANNER, BENIGN */
	uint8_t nrecent;	     /* destinations in recent[] */
	uint8_t next;		     /* where the next one goes */
	double first;		     /* first attempt seen */
	double last;		     /* latest attempt seen */
	uint64_t attempts;	     /* connection attempts seen */
	uint32_t recent[RECENT_DST]; /* hashes of the last destinations tried */
};

struct wc_trw {
	wc_hash t;	       /* struct trw_src by address */
	double up_fail, up_ok; /* log Λ increments */
	double eta1, eta0;     /* log thresholds */
};

struct wc_trw *wc_trw_new(const wc_detect_options *opt)
{
	struct wc_trw *t = xcalloc(1, sizeof *t);
	wc_hash_init(&t->t, sizeof(struct trw_src), 1024);
	t->up_ok = log(opt->trw_theta1 / opt->trw_theta0);
	t->up_fail = log((1 - opt->trw_theta1) / (1 - opt->trw_theta0));
	t->eta1 = log(opt->trw_beta / opt->trw_alpha);
	t->eta0 = log((1 - opt->trw_beta) / (1 - opt->trw_alpha));
	return t;
}

void wc_trw_free(struct wc_trw *t)
{
	if (t == NULL)
		return;
	wc_hash_free(&t->t);
	free(t);
}

static bool trw_eq(const void *slot, const void *key)
{
	return memcmp(&((const struct trw_src *)slot)->addr, key, sizeof(wc_addr)) == 0;
}

static struct trw_src *trw_find(struct wc_trw *t, const wc_addr *a, bool create)
{
	uint64_t h = wc_hash_fix(wc_addr_hash(a, 7));
	if (!create)
		return wc_hash_find(&t->t, h, trw_eq, a);
	bool fresh;
	struct trw_src *s = wc_hash_upsert(&t->t, h, trw_eq, a, &fresh);
	if (fresh) {
		s->addr = *a;
		s->first = -1;
	}
	return s;
}

static void record_src(wc_detect *d, const wc_addr *a, int kind, wc_time t, uint64_t count)
{
	char text[WC_ADDR_MAX + 1];
	wc_detect_addr_format(a, text);
	wc_detect_record(d, text, strlen(text), kind, t, count);
}

void wc_trw_attempt(wc_detect *d, const wc_addr *src, double t)
{
	struct trw_src *s = trw_find(d->trw, src, true);
	if (s->decision == BENIGN)
		return;
	if (s->first < 0)
		s->first = t;
	if (t > s->last)
		s->last = t;
	s->attempts++;
	if (s->decision == SCANNER)
		record_src(d, src, WC_KIND_SCANNER, (wc_time)floor(t), 1);
}

void wc_trw_outcome(wc_detect *d, const wc_addr *src, const wc_addr *dst, bool success)
{
	struct wc_trw *w = d->trw;
	struct trw_src *s = trw_find(w, src, false);
	if (s == NULL || s->decision != UNDECIDED)
		return;
	uint32_t dh = (uint32_t)wc_addr_hash(dst, 11);
	for (int i = 0; i < s->nrecent; i++)
		if (s->recent[i] == dh)
			return; /* not a first contact: says nothing about scanning */
	s->recent[s->next] = dh;
	s->next = (uint8_t)((s->next + 1) % RECENT_DST);
	if (s->nrecent < RECENT_DST)
		s->nrecent++;
	s->llr += success ? w->up_ok : w->up_fail;
	if (s->llr >= w->eta1) {
		s->decision = SCANNER;
		/* Attempts before the decision count from the first one on. */
		wc_time first = (wc_time)floor(s->first), last = (wc_time)floor(s->last);
		record_src(d, src, WC_KIND_SCANNER, first, 1);
		if (s->attempts > 1)
			record_src(d, src, WC_KIND_SCANNER, last, s->attempts - 1);
	} else if (s->llr <= w->eta0) {
		s->decision = BENIGN;
	}
}

struct flood_slot {
	wc_addr addr;
	bool used;
	bool flooding;	/* the current window has reached the threshold */
	int64_t window; /* index of the window counted */
	uint64_t count; /* connections in that window */
};

struct wc_flood {
	struct flood_slot *slot; /* FLOOD_SLOTS, direct-mapped by address; made on first use */
	uint64_t threshold;	 /* connections per window */
	int64_t w;		 /* window, seconds */
};

struct wc_flood *wc_flood_new(const wc_detect_options *opt)
{
	struct wc_flood *f = xcalloc(1, sizeof *f);
	f->w = opt->flood_window > 0 ? opt->flood_window : 10;
	double th = ceil(opt->flood_rate * (double)f->w);
	f->threshold = th < 1 ? 1 : (uint64_t)th;
	return f;
}

void wc_flood_free(struct wc_flood *f)
{
	if (f == NULL)
		return;
	free(f->slot);
	free(f);
}

void wc_flood_connection(wc_detect *d, const wc_addr *dst, double t)
{
	struct wc_flood *f = d->flood;
	if (f->slot == NULL)
		f->slot = xcalloc(FLOOD_SLOTS, sizeof *f->slot);
	int64_t ts = (int64_t)floor(t);
	int64_t win = ts >= 0 ? ts / f->w : (ts - f->w + 1) / f->w;
	struct flood_slot *s = &f->slot[wc_addr_hash(dst, 13) & (FLOOD_SLOTS - 1)];
	if (!s->used || memcmp(&s->addr, dst, sizeof *dst) != 0) {
		/* Another destination holds the slot: take it only if that one is
		 * idle in this window, or nearly so. */
		if (s->used && s->window == win && s->count > 1)
			return;
		s->used = true;
		s->addr = *dst;
		s->window = win;
		s->count = 0;
		s->flooding = false;
	}
	if (s->window != win) {
		s->window = win;
		s->count = 0;
		s->flooding = false;
	}
	s->count++;
	if (s->flooding) {
		record_src(d, dst, WC_KIND_FLOOD, ts, 1);
	} else if (s->count >= f->threshold) {
		s->flooding = true;
		record_src(d, dst, WC_KIND_FLOOD, win * f->w, s->count - 1);
		record_src(d, dst, WC_KIND_FLOOD, ts, 1);
	}
}
