#include "sim/sensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/rng.h"
#include "core/sample.h"
#include "core/vec.h"
#include "core/xalloc.h"

/* ---- where the sensors are ---- */

double wc_sensor_in(const wc_sensor *s, wc_prefix a)
{
	double n = 0;
	for (int b = 0; b < s->nblocks; b++)
		n += (double)wc_prefix_overlap(s->blocks[b], a);
	return n;
}

bool wc_sensors_dark_at(const wc_scenario *sc, uint32_t a)
{
	for (int i = 0; i < sc->nsensors; i++) {
		const wc_sensor_def *d = &sc->sensors[i];
		for (int b = 0; d->kind == WC_SENSOR_DARK && b < d->nblocks; b++)
			if (wc_prefix_contains(d->blocks[b], a))
				return true;
	}
	return false;
}

bool wc_sensors_dark_clear(const wc_scenario *sc, wc_prefix p)
{
	for (int i = 0; i < sc->ntelescope; i++)
		if (wc_prefix_overlap(sc->telescope[i], p))
			return false;
	for (int i = 0; i < sc->nsensors; i++) {
		const wc_sensor_def *d = &sc->sensors[i];
		for (int b = 0; d->kind == WC_SENSOR_DARK && b < d->nblocks; b++)
			if (wc_prefix_overlap(d->blocks[b], p))
				return false;
	}
	return true;
}

/* Whether block p may hold a live site: routable, and sharing nothing with
 * a telescope or a dark sensor. */
static bool place_ok(const wc_scenario *sc, wc_prefix p)
{
	uint32_t last = p.base + (uint32_t)(wc_prefix_size(p) - 1);
	return wc_ipv4_routable(p.base) && wc_ipv4_routable(last) && wc_sensors_dark_clear(sc, p);
}

/* A sized live sensor's block: uniform among the aligned blocks of its size
 * in the scan space that place_ok accepts (by rejection). */
static int place_sized(const wc_scenario *sc, int i, uint64_t seed, wc_prefix *out, wc_error *err)
{
	const wc_sensor_def *d = &sc->sensors[i];
	int64_t want = wc_sensor_def_size(d);
	int len = 32;
	while (((uint64_t)1 << (32 - len)) < (uint64_t)want)
		len--;
	uint64_t space = wc_prefix_size(sc->scan_space), size = (uint64_t)1 << (32 - len);
	wc_rng r = wc_rng_stream(seed, WC_STREAM_SENSOR_PLACE, (uint64_t)i, 0);
	for (int tries = 0; size <= space && tries < 10000; tries++) {
		uint64_t k = wc_rng_below(&r, space / size);
		wc_prefix p = {(uint32_t)(sc->scan_space.base + k * size), (uint8_t)len};
		if (place_ok(sc, p)) {
			*out = p;
			return 0;
		}
	}
	return wc_error_set(err, WC_EXIT_USAGE,
			    "%s: key 'sensor.%s.size': no routable block of %lld addresses in "
			    "worm.scan_space clear of telescope and dark blocks",
			    d->where, d->name, (long long)want);
}

int wc_sensors_init(wc_sensors *ss, const wc_scenario *sc, uint64_t seed, wc_error *err)
{
	memset(ss, 0, sizeof *ss);
	double space = (double)wc_prefix_size(sc->scan_space);
	for (int i = 0; i < sc->nsensors; i++) {
		const wc_sensor_def *d = &sc->sensors[i];
		wc_sensor *s = &ss->s[i];
		s->name = d->name;
		s->kind = d->kind;
		s->nblocks = d->nblocks;
		memcpy(s->blocks, d->blocks, sizeof s->blocks);
		if (wc_sensor_def_size(d) > 0) {
			if (place_sized(sc, i, seed, &s->blocks[0], err) != 0)
				return -1;
			s->nblocks = 1;
		}
		s->p = wc_sensor_in(s, sc->scan_space) / space;
		for (int b = 0; b < s->nblocks; b++) {
			wc_prefix p = s->blocks[b];
			uint32_t last = p.base + (uint32_t)(wc_prefix_size(p) - 1);
			for (uint32_t o = p.base >> 24; o <= last >> 24; o++)
				ss->mask8[o] |= (uint8_t)(1u << i);
		}
		ss->n++;
	}
	return 0;
}

/* ---- the probe engine's marks ---- */

void wc_sensor_marks_init(wc_sensor_marks *mk, int nsensors, uint32_t nhosts)
{
	mk->n = nsensors;
	mk->seen = NULL;
	mk->row = NULL;
	if (nsensors == 0)
		return;
	mk->seen = xcalloc(nhosts ? nhosts : 1, 1);
	mk->row = xcalloc((size_t)nhosts * (size_t)nsensors + 1, sizeof *mk->row);
}

void wc_sensor_marks_free(wc_sensor_marks *mk)
{
	free(mk->seen);
	free(mk->row);
	mk->seen = NULL;
	mk->row = NULL;
}

/* ---- the fast engine's tracker ---- */

#define NONE UINT32_MAX

/* Hosts whose ρ has not changed since the row began, by ρ. */
typedef struct group {
	double rho;
	uint32_t nseen;	  /* seen by the sensor: counted only */
	uint32_t *unseen; /* not seen yet: listed, to pick the ones first seen */
	size_t nunseen, cap;
} group;

/* A host that changed in the row: its exposure A so far, up to Λ = lam. */
typedef struct irregular {
	uint32_t h;
	double A, lam;
} irregular;

/* What the tracker knows of a host, in one record (one cache miss): ρ now,
 * its group (index + 1, 0: none), its place in the group's unseen list, its
 * irregular record (index + 1, 0: none), and whether its address was seen. */
typedef struct trackhost {
	double rho;
	uint32_t grp, pos, irr;
	uint8_t seen;
} trackhost;

struct wc_sensor_track {
	gsl_rng *g;
	wc_rng state;
	double lam0; /* Λ at the start of the row */
	trackhost *host;
	group *groups;
	size_t ngroups, groups_cap;
	uint32_t *slots; /* open addressing on ρ's bits: group index + 1 */
	size_t nslots;
	irregular *irregs;
	size_t nirregs, irregs_cap;
	/* the row's counts so far */
	uint64_t probes, interval, sources;
	double extra_mean; /* Σ A·W over the addresses seen in the row */
};

wc_sensor_track *wc_sensor_track_new(uint32_t nhosts, uint64_t seed, int index)
{
	wc_sensor_track *t = xcalloc(1, sizeof *t);
	size_t n = nhosts ? nhosts : 1;
	t->g = xcalloc(1, sizeof *t->g);
	wc_rng_gsl_bind(t->g, &t->state);
	wc_rng_gsl_load(t->g, wc_rng_stream(seed, WC_STREAM_SENSOR_COUNT, (uint64_t)index, 0));
	t->host = xcalloc(n, sizeof *t->host);
	t->nslots = 64;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	return t;
}

void wc_sensor_track_free(wc_sensor_track *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ngroups; i++)
		free(t->groups[i].unseen);
	free(t->groups);
	free(t->slots);
	free(t->irregs);
	free(t->host);
	free(t->g);
	free(t);
}

static size_t rho_hash(double rho, size_t nslots)
{
	uint64_t bits;
	memcpy(&bits, &rho, sizeof bits);
	return (size_t)(wc_mix64(bits) & (nslots - 1));
}

/* The group of ρ, made if new. */
static uint32_t group_of(wc_sensor_track *t, double rho)
{
	size_t i = rho_hash(rho, t->nslots);
	for (; t->slots[i]; i = (i + 1) & (t->nslots - 1))
		if (t->groups[t->slots[i] - 1].rho == rho)
			return t->slots[i] - 1;
	WC_VEC_PUSH(t->groups, t->ngroups, t->groups_cap, ((group){rho, 0, NULL, 0, 0}));
	t->slots[i] = (uint32_t)t->ngroups;
	if (2 * t->ngroups > t->nslots) { /* grow, keeping probes short */
		free(t->slots);
		t->nslots *= 2;
		t->slots = xcalloc(t->nslots, sizeof *t->slots);
		for (size_t k = 0; k < t->ngroups; k++) {
			size_t j = rho_hash(t->groups[k].rho, t->nslots);
			while (t->slots[j])
				j = (j + 1) & (t->nslots - 1);
			t->slots[j] = (uint32_t)k + 1;
		}
	}
	return (uint32_t)t->ngroups - 1;
}

static void group_join(wc_sensor_track *t, uint32_t h)
{
	uint32_t k = group_of(t, t->host[h].rho);
	group *gr = &t->groups[k];
	t->host[h].grp = k + 1;
	if (t->host[h].seen) {
		gr->nseen++;
		return;
	}
	t->host[h].pos = (uint32_t)gr->nunseen;
	WC_VEC_PUSH(gr->unseen, gr->nunseen, gr->cap, h);
}

static void unseen_remove(wc_sensor_track *t, group *gr, uint32_t h)
{
	uint32_t p = t->host[h].pos, last = gr->unseen[--gr->nunseen];
	gr->unseen[p] = last;
	t->host[last].pos = p;
	t->host[h].pos = NONE;
}

/* Host h's record for the rest of the row, its exposure brought up to lam. */
static irregular *make_irregular(wc_sensor_track *t, uint32_t h, double lam)
{
	if (t->host[h].irr) {
		irregular *x = &t->irregs[t->host[h].irr - 1];
		x->A += t->host[h].rho * (lam - x->lam);
		x->lam = lam;
		return x;
	}
	double A = 0;
	if (t->host[h].grp) { /* at the same ρ since the row began */
		group *gr = &t->groups[t->host[h].grp - 1];
		if (t->host[h].seen)
			gr->nseen--;
		else
			unseen_remove(t, gr, h);
		t->host[h].grp = 0;
		A = t->host[h].rho * (lam - t->lam0);
	}
	WC_VEC_PUSH(t->irregs, t->nirregs, t->irregs_cap, ((irregular){h, A, lam}));
	t->host[h].irr = (uint32_t)t->nirregs;
	return &t->irregs[t->nirregs - 1];
}

void wc_sensor_w_moments(double A, double *m1, double *m2)
{
	if (A < 1e-3) {
		*m1 = 0.5 + A / 12;
		*m2 = 1.0 / 3 + A / 12;
		return;
	}
	double q = -expm1(-A), ea = exp(-A);
	*m1 = 1 / q - 1 / A;
	*m2 = (1 - 2 / A + 2 / (A * A) - 2 * ea / (A * A)) / q;
}

/* Σ W over k addresses seen in the row with exposure A each. */
static double w_sum(wc_sensor_track *t, uint64_t k, double A)
{
	if (k <= 32) {
		double s = 0, q = -expm1(-A);
		for (uint64_t i = 0; i < k; i++) /* inversion of P(W ≤ w) */
			s += 1 + log1p(-(1 - gsl_rng_uniform(t->g)) * q) / A;
		return s;
	}
	double m1, m2;
	wc_sensor_w_moments(A, &m1, &m2);
	double var = fmax(0, m2 - m1 * m1) * (double)k;
	double s = (double)k * m1 + gsl_ran_gaussian(t->g, sqrt(var));
	return fmin(fmax(s, 0), (double)k);
}

/* k addresses seen in the row with exposure A each, `fresh` of them for the
 * first time. */
static void count_seen(wc_sensor_track *t, uint64_t k, uint64_t fresh, double A)
{
	if (k == 0)
		return;
	t->interval += k;
	t->sources += fresh;
	t->probes += k;
	t->extra_mean += A * w_sum(t, k, A);
}

/* An address of h exposed to A in the row: seen or not, counted. Returns
 * whether it was seen. */
static bool draw_address(wc_sensor_track *t, uint32_t h, double A)
{
	if (!(A > 0) || !(gsl_rng_uniform(t->g) < -expm1(-A)))
		return false;
	count_seen(t, 1, !t->host[h].seen, A);
	return true;
}

void wc_sensor_track_prefetch(const wc_sensor_track *t, uint32_t h)
{
	__builtin_prefetch(&t->host[h], 1);
}

void wc_sensor_track_rate(wc_sensor_track *t, uint32_t h, double rho, double lam)
{
	if (t->host[h].rho == rho && !t->host[h].irr)
		return;
	make_irregular(t, h, lam);
	t->host[h].rho = rho;
}

void wc_sensor_track_moved(wc_sensor_track *t, uint32_t h, double lam)
{
	if (t->host[h].rho == 0 && !t->host[h].irr) {
		t->host[h].seen = 0;
		return;
	}
	irregular *x = make_irregular(t, h, lam);
	draw_address(t, h, x->A);
	t->host[h].seen = 0;
	x->A = 0;
}

/* The row's hosts that kept their ρ, group by group. */
static void row_groups(wc_sensor_track *t, double dlam)
{
	for (size_t k = 0; k < t->ngroups; k++) {
		group *gr = &t->groups[k];
		double A = gr->rho * dlam;
		if (!(A > 0))
			continue;
		double q = -expm1(-A);
		uint64_t again = gr->nseen ? gsl_ran_binomial(t->g, q, gr->nseen) : 0;
		uint64_t fresh = gr->nunseen ? gsl_ran_binomial(t->g, q, (unsigned)gr->nunseen) : 0;
		for (uint64_t i = 0; i < fresh; i++) { /* a uniform subset, one at a time */
			uint32_t h = gr->unseen[gsl_rng_uniform_int(t->g, gr->nunseen)];
			unseen_remove(t, gr, h);
			t->host[h].seen = 1;
			gr->nseen++;
		}
		count_seen(t, again + fresh, fresh, A);
	}
}

void wc_sensor_track_row(wc_sensor_track *t, double lam, uint64_t out[WC_SENSOR_NCOLUMNS])
{
	row_groups(t, lam - t->lam0);
	for (size_t i = 0; i < t->nirregs; i++) {
		irregular *x = &t->irregs[i];
		uint32_t h = x->h;
		if (i + 8 < t->nirregs) /* the hosts are scattered: fetch ahead */
			__builtin_prefetch(&t->host[t->irregs[i + 8].h]);
		if (draw_address(t, h, x->A + t->host[h].rho * (lam - x->lam)))
			t->host[h].seen = 1;
		t->host[h].irr = 0;
		if (t->host[h].rho > 0)
			group_join(t, h);
	}
	t->nirregs = 0;
	/* 64-bit: a /8 over an hour of a fast worm passes 2^32 */
	uint64_t extra = t->extra_mean > 0 ? wc_sample_poisson64(t->g, t->extra_mean) : 0;
	out[WC_SENSOR_PROBES] += t->probes + extra;
	out[WC_SENSOR_INTERVAL] += t->interval;
	t->probes = t->interval = 0;
	t->extra_mean = 0;
	out[WC_SENSOR_SOURCES] = t->sources;
	t->lam0 = lam;
}
