/*
 * The probe engine: every probe of every infected host, one at a time.
 *
 * Model. Time advances in steps of length Δ = sc->step. In a step, each
 * infected host acts by the phase of its own clock (calendar.h): spreading
 * hosts probe, flooding hosts send flood_bytes / flood_period bytes per second
 * towards the target, dormant hosts do nothing. A probe is a target address a
 * drawn uniformly from scan_space; its fate is decided by what lives at a:
 *
 *   a vulnerable host (found in the address index)  answers; if susceptible,
 *                                                   it is infected at step end
 *   a telescope block                               recorded, never answers
 *   anything else                                   answers with probability
 *                                                   reply_fraction, else dark
 *
 * Probe timing, timing = threads (Code Red's own mechanism): each infection
 * runs `threads` threads, each doing one connection attempt at a time. An
 * attempt costs syn_timeout if dark, rtt if answered, and rtt + 8·request_bytes
 * / uplink_bps if a web server took the request. The per-host rate is then
 * threads / E[attempt time] and emerges from the address space rather than
 * being set. A thread that becomes free in step s keeps probing until its
 * attempts fill at least Δ, and is free again round(elapsed / Δ) steps later;
 * per host, a ring of R counters holds how many threads wake in each of the
 * next R steps, so a host costs O(R) bytes, not O(threads).
 * timing = constant: probe_rate·Δ probes per step, the fractional part carried
 * to the next step (a random phase at infection keeps hosts unsynchronised).
 *
 * Removal. At infection an infected host draws an Exp(reboot_rate) time to its
 * next reboot (worm cleared, host susceptible again; a re-infection is not
 * counted in cumulative_infected) and an Exp(clean_rate) time to being cleaned
 * and patched; the earlier one happens. Independently, a host is patched at its
 * population patch_at instant (clean and immune whatever its state).
 *
 * Determinism. The random stream of host h in step s is wc_rng_at(seed, h, s);
 * the hosts infected in a step are a set (the union of all threads' hits), and
 * all counters are integers summed after the parallel loop, so the timeline does
 * not depend on the number of threads or on the order of the active list.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/xalloc.h"
#include "sim/calendar.h"
#include "sim/engine.h"

enum host_state { HOST_SUSCEPTIBLE, HOST_INFECTED, HOST_PATCHED };
enum host_flag {
	FLAG_EVER = 1,         /* has been infected at least once */
	FLAG_SEEN = 2,         /* the telescope has seen it */
	FLAG_THREADS_IDLE = 4, /* threads stopped (not spreading); restart all on spreading */
	FLAG_LEAVE_CLEAN = 8,  /* at leave_at the host is cleaned and patched, not rebooted */
};
enum { STREAM_PROBE = 0, STREAM_REBOOT = 0x7e, STREAM_SEEDS = 0x5eed };

typedef struct u32vec {
	uint32_t *v;
	size_t n, cap;
} u32vec;

static void u32vec_push(u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = x;
}

/* What one worker thread found in one step; merged in a fixed order. */
typedef struct worker {
	u32vec hits;      /* susceptible hosts probed */
	u32vec leaving;   /* infected hosts rebooted or cleaned this step */
	uint64_t probes, telescope_probes, telescope_new;
	uint64_t spreading, flooding, flood_reaching;
	char pad[64];     /* keep workers' counters on separate cache lines */
} worker;

typedef struct engine {
	const wc_scenario *sc;
	const wc_population *pop;
	const wc_addrindex *index;
	uint64_t seed;
	uint32_t n;

	uint8_t *state, *flags;
	double *leave_at;    /* seconds after start: the next reboot or cleaning */
	uint16_t *ring;      /* n × R thread wake-up counters (threads timing) */
	float *carry;        /* fractional probe owed (constant timing) */
	int R;

	uint32_t *active;    /* infected hosts, any order */
	uint32_t *pos;       /* position in active[], or UINT32_MAX */
	uint32_t nactive;

	/* the probe model, precomputed */
	uint32_t space_base, space_mask;
	uint64_t reply_threshold; /* answered if the high 32 bits of a draw are below */
	double t_dark, t_answer, t_request; /* attempt durations, in steps */
	uint8_t tele8[256];       /* 1 if a telescope block meets this /8 */

	uint64_t cumulative, patched;
} engine;

/* ---- per-probe work: the hot loop ---- */

static inline bool in_telescope(const engine *e, uint32_t a)
{
	if (!e->tele8[a >> 24])
		return false;
	for (int i = 0; i < e->sc->ntelescope; i++)
		if (wc_prefix_contains(e->sc->telescope[i], a))
			return true;
	return false;
}

/* What a host's probes found in one step, kept in registers by the caller. */
typedef struct tally {
	uint64_t probes, telescope_probes;
} tally;

/* One probe from host h. Returns the attempt's duration in steps (threads
 * timing); records hits in w and telescope sightings in t and the host flags. */
static inline __attribute__((always_inline)) double probe_once(const engine *e, wc_rng *r,
							       uint8_t *flags, tally *t, worker *w)
{
	uint64_t x = wc_rng_next(r);
	uint32_t a = e->space_base | ((uint32_t)x & e->space_mask);
	t->probes++;
	uint32_t target = wc_addrindex_find(e->index, a);
	if (__builtin_expect(target != WC_NO_HOST, 0)) {
		if (e->state[target] == HOST_SUSCEPTIBLE)
			u32vec_push(&w->hits, target);
		return e->t_request;
	}
	if (__builtin_expect(in_telescope(e, a), 0)) {
		t->telescope_probes++;
		if (!(*flags & FLAG_SEEN)) {
			*flags |= FLAG_SEEN;
			w->telescope_new++;
		}
		return e->t_dark;
	}
	return (x >> 32) < e->reply_threshold ? e->t_answer : e->t_dark;
}

/* `slot` is step mod R, the ring position of this step. */
static void spread_threads(engine *e, uint32_t h, uint64_t step, unsigned slot, worker *w)
{
	const unsigned R = (unsigned)e->R;
	uint16_t *ring = e->ring + (size_t)h * R;
	uint8_t *flags = &e->flags[h];
	unsigned nfree;
	if (*flags & FLAG_THREADS_IDLE) {
		memset(ring, 0, R * sizeof *ring);
		nfree = (unsigned)e->sc->threads;
		*flags &= (uint8_t)~FLAG_THREADS_IDLE;
	} else {
		nfree = ring[slot];
		ring[slot] = 0;
	}
	if (nfree == 0)
		return;
	wc_rng r = wc_rng_at(e->seed, h, step);
	tally t = {0, 0};
	for (unsigned k = 0; k < nfree; k++) {
		double elapsed = 0;
		do
			elapsed += probe_once(e, &r, flags, &t, w);
		while (elapsed < 1.0);
		/* Rounding to the nearest step keeps the mean attempt time exact;
		 * wake < R by construction of R. */
		unsigned at = slot + (unsigned)(elapsed + 0.5);
		ring[at >= R ? at - R : at]++;
	}
	w->probes += t.probes;
	w->telescope_probes += t.telescope_probes;
}

static void spread_constant(engine *e, uint32_t h, uint64_t step, worker *w)
{
	double owed = e->carry[h] + e->sc->probe_rate * e->sc->step;
	uint64_t count = (uint64_t)owed;
	e->carry[h] = (float)(owed - (double)count);
	wc_rng r = wc_rng_at(e->seed, h, step);
	tally t = {0, 0};
	for (uint64_t k = 0; k < count; k++)
		(void)probe_once(e, &r, &e->flags[h], &t, w);
	w->probes += t.probes;
	w->telescope_probes += t.telescope_probes;
}

/* ---- host lifecycle (sequential part of a step) ---- */

static void active_add(engine *e, uint32_t h)
{
	e->pos[h] = e->nactive;
	e->active[e->nactive++] = h;
}

static void active_remove(engine *e, uint32_t h)
{
	uint32_t p = e->pos[h], last = e->active[--e->nactive];
	e->active[p] = last;
	e->pos[last] = p;
	e->pos[h] = UINT32_MAX;
}

/* Infects h at `now` (seconds after start); returns 1 for a first infection. */
static int infect(engine *e, uint32_t h, double now, uint64_t step)
{
	e->state[h] = HOST_INFECTED;
	active_add(e, h);
	const wc_host_class *hc = &e->sc->classes[e->pop->class_id[h]];
	wc_rng r = wc_rng_at(e->seed ^ STREAM_REBOOT, h, step);
	double reboot = wc_rng_exponential(&r, hc->reboot_rate / 3600);
	double clean = wc_rng_exponential(&r, hc->clean_rate / 3600);
	e->leave_at[h] = now + fmin(reboot, clean);
	e->flags[h] |= FLAG_THREADS_IDLE;
	if (clean < reboot)
		e->flags[h] |= FLAG_LEAVE_CLEAN;
	else
		e->flags[h] &= (uint8_t)~FLAG_LEAVE_CLEAN;
	if (e->carry)
		e->carry[h] = (float)wc_rng_uniform(&r);
	if (e->flags[h] & FLAG_EVER)
		return 0;
	e->flags[h] |= FLAG_EVER;
	e->cumulative++;
	return 1;
}

static void engine_free(engine *e)
{
	free(e->state);
	free(e->flags);
	free(e->leave_at);
	free(e->ring);
	free(e->carry);
	free(e->active);
	free(e->pos);
}

static void engine_init(engine *e, const wc_world *w)
{
	const wc_scenario *sc = w->sc;
	memset(e, 0, sizeof *e);
	e->sc = sc;
	e->pop = w->pop;
	e->index = w->index;
	e->seed = w->opt->seed;
	e->n = w->pop->n;
	e->state = xcalloc(e->n, 1);
	e->flags = xcalloc(e->n, 1);
	e->leave_at = xmallocarray(e->n, sizeof *e->leave_at);
	e->active = xmallocarray(e->n, sizeof *e->active);
	e->pos = xmallocarray(e->n, sizeof *e->pos);
	for (uint32_t h = 0; h < e->n; h++)
		e->pos[h] = UINT32_MAX;

	double dt = sc->step;
	e->t_dark = sc->syn_timeout / dt;
	e->t_answer = sc->rtt / dt;
	e->t_request = (sc->rtt + 8 * sc->request_bytes / sc->uplink_bps) / dt;
	if (sc->timing == WC_TIMING_THREADS) {
		double longest = fmax(e->t_dark, e->t_request);
		e->R = (int)ceil(longest) + 3;
		e->ring = xcalloc((size_t)e->n * (size_t)e->R, sizeof *e->ring);
	} else {
		e->carry = xcalloc(e->n, sizeof *e->carry);
	}
	e->space_base = sc->scan_space.base;
	e->space_mask = ~wc_prefix_mask(sc->scan_space.len);
	e->reply_threshold = (uint64_t)(sc->reply_fraction * 4294967296.0);
	for (int i = 0; i < sc->ntelescope; i++) {
		wc_prefix p = sc->telescope[i];
		uint32_t first = p.base >> 24;
		uint32_t last = (uint32_t)((p.base + (wc_prefix_size(p) - 1)) >> 24);
		for (uint32_t o = first; o <= last; o++)
			e->tele8[o] = 1;
	}
}

static void seed_infections(engine *e)
{
	wc_rng r = wc_rng_at(e->seed, STREAM_SEEDS, 0);
	for (int k = 0; k < e->sc->seed_hosts;) {
		uint32_t h = (uint32_t)wc_rng_below(&r, e->n);
		if (e->state[h] == HOST_SUSCEPTIBLE) {
			infect(e, h, 0, 0);
			k++;
		}
	}
}

static void phase_counts(const engine *e, wc_time t, uint64_t *spreading, uint64_t *flooding)
{
	*spreading = *flooding = 0;
	for (uint32_t i = 0; i < e->nactive; i++) {
		uint32_t h = e->active[i];
		enum wc_phase ph = wc_phase_at(e->sc, t + e->pop->clock_offset[h]);
		*spreading += ph == WC_PHASE_SPREAD;
		*flooding += ph == WC_PHASE_FLOOD;
	}
}

static void fill_counts(const engine *e, wc_timeline_row *row)
{
	row->infected = e->nactive;
	row->patched = e->patched;
	row->susceptible = e->n - e->nactive - e->patched;
	row->cumulative_infected = e->cumulative;
	row->removed = e->cumulative - e->nactive;
}

static int cmp_patch(const void *a, const void *b, void *ctx)
{
	const double *at = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (at[x] != at[y])
		return at[x] < at[y] ? -1 : 1;
	return (x > y) - (x < y);
}

/* Hosts with a finite patch time, in the order they are patched. */
static uint32_t *patch_schedule(const wc_population *pop, uint32_t *count)
{
	uint32_t *order = xmallocarray(pop->n, sizeof *order), k = 0;
	for (uint32_t h = 0; h < pop->n; h++)
		if (isfinite(pop->patch_at[h]))
			order[k++] = h;
	qsort_r(order, k, sizeof *order, cmp_patch, pop->patch_at);
	*count = k;
	return order;
}

int wc_engine_probe_run(const wc_world *w, wc_run_result *res, wc_error *err)
{
	(void)err;
	const wc_scenario *sc = w->sc;
	engine e;
	engine_init(&e, w);
	seed_infections(&e);

	int nthreads = w->opt->threads;
	worker *workers = xcalloc((size_t)nthreads, sizeof *workers);
	uint32_t npatch, next_patch = 0;
	uint32_t *patches = patch_schedule(w->pop, &npatch);

	uint64_t nsteps = (uint64_t)(w->until - sc->start) / (uint64_t)sc->step;
	uint64_t steps_per_row = (uint64_t)(sc->interval / sc->step);
	uint64_t progress_every = nsteps / 200 + 1;

	wc_timeline_row row = {0};
	row.time = sc->start;
	fill_counts(&e, &row);
	phase_counts(&e, sc->start, &row.spreading, &row.flooding);
	row.active = row.spreading + row.flooding;
	wc_timeline_push(&res->timeline, &row);
	memset(&row, 0, sizeof row);

	for (uint64_t s = 0; s < nsteps; s++) {
		wc_time t = sc->start + (wc_time)(s * (uint64_t)sc->step);
		double now = (double)(t - sc->start);
		double next = now + sc->step;
		enum wc_phase global = wc_phase_at(sc, t);
		unsigned slot = e.R ? (unsigned)(s % (unsigned)e.R) : 0;
		uint32_t nact = e.nactive;

		/* A parallel step costs a barrier; below a few hundred hosts per
		 * thread it costs more than it saves. Results do not depend on it. */
		int team = nact >= 512u * (unsigned)nthreads ? nthreads : 1;
#pragma omp parallel num_threads(team)
		{
			int id = omp_get_thread_num(), nt = omp_get_num_threads();
			worker *wk = &workers[id];
			uint32_t lo = (uint32_t)((uint64_t)nact * (uint64_t)id / (uint64_t)nt);
			uint32_t hi = (uint32_t)((uint64_t)nact * (uint64_t)(id + 1) / (uint64_t)nt);
			for (uint32_t i = lo; i < hi; i++) {
				uint32_t h = e.active[i];
				/* Hosts come in infection order, scattered in memory:
				 * fetch the state of the next ones while this one runs. */
				if (i + 4 < hi) {
					uint32_t ahead = e.active[i + 4];
					__builtin_prefetch(&e.leave_at[ahead]);
					__builtin_prefetch(&e.flags[ahead]);
					__builtin_prefetch(&e.pop->clock_offset[ahead]);
					if (e.ring)
						__builtin_prefetch(&e.ring[(size_t)ahead * (unsigned)e.R + slot]);
				}
				if (e.leave_at[h] < next) {
					u32vec_push(&wk->leaving, h);
					continue;
				}
				int32_t off = e.pop->clock_offset[h];
				enum wc_phase ph = off ? wc_phase_at(sc, t + off) : global;
				if (ph == WC_PHASE_SPREAD) {
					wk->spreading++;
					if (e.ring)
						spread_threads(&e, h, s, slot, wk);
					else
						spread_constant(&e, h, s, wk);
				} else {
					e.flags[h] |= FLAG_THREADS_IDLE;
					if (ph == WC_PHASE_FLOOD) {
						wk->flooding++;
						wk->flood_reaching += wc_target_reachable(sc, t);
					}
				}
			}
		}

		/* Merge in worker order; every effect below is order-free. */
		uint64_t flood_reaching = 0, spreading = 0, flooding = 0;
		for (int k = 0; k < nthreads; k++) {
			worker *wk = &workers[k];
			row.probes += wk->probes;
			row.telescope_probes += wk->telescope_probes;
			row.telescope_sources += wk->telescope_new;
			spreading += wk->spreading;
			flooding += wk->flooding;
			flood_reaching += wk->flood_reaching;
			for (size_t i = 0; i < wk->leaving.n; i++) {
				uint32_t h = wk->leaving.v[i];
				active_remove(&e, h);
				if (e.flags[h] & FLAG_LEAVE_CLEAN) {
					e.state[h] = HOST_PATCHED;
					e.patched++;
				} else {
					e.state[h] = HOST_SUSCEPTIBLE;
				}
			}
			wk->probes = wk->telescope_probes = wk->telescope_new = 0;
			wk->spreading = wk->flooding = wk->flood_reaching = 0;
			wk->leaving.n = 0;
		}
		row.spreading = spreading; /* host counts are taken at the row's time */
		row.flooding = flooding;
		row.target_bytes += (uint64_t)llround((double)flood_reaching * sc->flood_bytes /
						      sc->flood_period * sc->step);
		while (next_patch < npatch && w->pop->patch_at[patches[next_patch]] < next) {
			uint32_t h = patches[next_patch++];
			if (e.state[h] == HOST_PATCHED)
				continue;
			if (e.state[h] == HOST_INFECTED)
				active_remove(&e, h);
			e.state[h] = HOST_PATCHED;
			e.patched++;
		}
		for (int k = 0; k < nthreads; k++) {
			worker *wk = &workers[k];
			for (size_t i = 0; i < wk->hits.n; i++) {
				uint32_t h = wk->hits.v[i];
				if (e.state[h] != HOST_SUSCEPTIBLE)
					continue; /* hit twice this step, or patched */
				if (infect(&e, h, next, s + 1))
					row.new_infections++;
				else
					row.reinfections++;
			}
			wk->hits.n = 0;
		}

		if ((s + 1) % steps_per_row == 0 || s + 1 == nsteps) {
			uint64_t seen = res->timeline.rows[res->timeline.n - 1].telescope_sources;
			row.time = t + sc->step;
			row.telescope_sources += seen;
			row.active = row.spreading + row.flooding;
			fill_counts(&e, &row);
			wc_timeline_push(&res->timeline, &row);
			memset(&row, 0, sizeof row);
		}
		if (w->opt->progress && (s % progress_every == 0 || s + 1 == nsteps))
			w->opt->progress(w->opt->progress_ctx, (double)(s + 1) / (double)nsteps);
	}
	for (size_t i = 0; i < res->timeline.n; i++)
		res->probes += res->timeline.rows[i].probes;

	for (int k = 0; k < nthreads; k++) {
		free(workers[k].hits.v);
		free(workers[k].leaving.v);
	}
	free(workers);
	free(patches);
	engine_free(&e);
	return 0;
}
