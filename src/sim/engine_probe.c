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
 * Probe timing (probemodel.h): a spreading host sends Poisson(rate·Δ) probes
 * in a step, where rate is probe_rate (timing = constant), its bandwidth over
 * the datagram size (timing = bandwidth), or threads / E[τ], the rate of
 * `threads` threads each blocked by its attempt for as long as the address
 * takes to answer (timing = threads, Code Red's own mechanism). Rates are per
 * host class; with a rate cap, all are scaled alike when their sum exceeds it.
 *
 * Targets. uniform and uniform-udp draw addresses in the pipelined hot loop
 * below. The other strategies draw each target from the host's own state
 * (strategy.h): its address (local-preference), its position in a shared
 * sequence (static-seed, permutation, sequential) or its share of a hit-list.
 *
 * What happens to a host (its fate at infection, patches, awareness, which
 * probes the filters drop, listing, churn, the wake-up ramp) and in what
 * order within a step is the outbreak model's (outbreak.h); this engine
 * carries it out probe by probe. A transit filter's coin is the top 24 bits
 * of the probe's own draw, so it costs no draw.
 *
 * Determinism. The random stream of host h in step s is wc_rng_host(seed, h, s);
 * the hosts infected in a step are a set (the union of all threads' hits; a
 * host hit several times is credited to one of its hitters, picked from a
 * stream keyed by the host and step among the hits sorted by hitter), and
 * all counters are integers summed after the parallel loop, so the timeline does
 * not depend on the number of threads or on the order of the active list.
 *
 * Memory. A step touches every active host once, in infection order, i.e.
 * at random addresses: each host's per-step state (next removal, clock offset,
 * flags) is one 16-byte record, fetched a few hosts ahead. The
 * first probes of a host are drawn when its record is
 * prepared, PIPE hosts before they run, and their address-index lines
 * prefetched then, so the index's cache misses overlap instead of queueing.
 */
#include <math.h>
#include <stddef.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/rng.h"
#include "core/vec.h"
#include "core/xalloc.h"
#include "sim/calendar.h"
#include "sim/engine.h"
#include "sim/outbreak.h"
#include "sim/strategy.h"

enum { PIPE = 8, PIPE_DRAWS = 16 };

/* A host's per-step state: 16 bytes, so the records of 360,000 hosts (5.5 MiB)
 * stay in L3 while a step walks them. */
typedef struct hostrec {
	uint32_t leave_step;  /* the step in which it reboots or is cleaned */
	int32_t clock_offset; /* copied from the population, to share the line */
	wc_scan_state scan;   /* position in the worm's target sequence */
	uint8_t flags;	      /* enum wc_host_flag */
	uint8_t class_id;     /* copied from the population */
	uint8_t pad[2];
} hostrec;
_Static_assert(sizeof(hostrec) == 16, "a host record is a quarter of a cache line");

typedef struct u32vec {
	uint32_t *v;
	size_t n, cap;
} u32vec;

/* A hit and who made it (hit-list strategy: the infector hands on its list). */
typedef struct hitpair {
	uint32_t target, from;
} hitpair;

/*
 * False sharing. Everything a worker writes during a step (its record: the
 * counters and the generator state it loads for every host; its two buffers)
 * starts on a cache line of its own and fills whole lines, so no line is
 * written by two threads. With the generator states side by side (two small
 * mallocs) every host's draw evicted the other core's line, and two threads
 * ran no faster than one.
 */
enum { LINE = WC_PROBE_CACHE_LINE };

/* count elements of `size` bytes, starting on a cache line and rounded up to
 * whole lines; dies on overflow or out of memory. */
static void *line_alloc(size_t count, size_t size)
{
	size_t bytes;
	if (__builtin_mul_overflow(count, size, &bytes) || bytes > SIZE_MAX - LINE)
		xalloc_die(SIZE_MAX);
	bytes = (bytes + LINE - 1) / LINE * LINE;
	void *p = aligned_alloc(LINE, bytes ? bytes : LINE);
	if (p == NULL)
		xalloc_die(bytes);
	return p;
}

/* Appends to a worker's buffer, still on lines of its own when it grows. */
static void u32vec_push(u32vec *a, uint32_t x)
{
	if (a->n == a->cap)
		a->v = wc_vec_grow_lines(a->v, a->n, &a->cap, a->n + 1, sizeof *a->v, LINE);
	a->v[a->n++] = x;
}

/* What one worker thread found in one step; merged in a fixed order. The
 * alignment rounds the record up to whole lines, and the array of them is
 * allocated on a line boundary (workers_alloc). */
typedef struct worker {
	/* probes that reached a susceptible host, and their sender */
	_Alignas(LINE) hitpair *pairs;
	size_t npairs, pairs_cap;
	u32vec leaving; /* infected hosts rebooted or cleaned this step */
	uint64_t probes, telescope_probes, telescope_new, blocked;
	uint64_t spreading, flooding, flood_reaching;
	uint64_t address_changes; /* infected hosts that took a new address this step */
	uint64_t sensor[WC_MAX_SENSORS][WC_SENSOR_NCOLUMNS]; /* sensor.h: this step's */
	gsl_rng gsl;	      /* draws a host's probe count from the host's own stream, */
	wc_rng gsl_rng_state; /* held here, in the worker's own lines */
} worker;
_Static_assert(sizeof(worker) % LINE == 0, "a worker fills whole cache lines");

static void pairs_push(worker *w, hitpair p)
{
	if (w->npairs == w->pairs_cap)
		w->pairs = wc_vec_grow_lines(w->pairs, w->npairs, &w->pairs_cap, w->npairs + 1,
					     sizeof *w->pairs, LINE);
	w->pairs[w->npairs++] = p;
}

static worker *workers_alloc(int n)
{
	worker *w = line_alloc((size_t)n, sizeof *w);
	memset(w, 0, (size_t)n * sizeof *w);
	for (int k = 0; k < n; k++)
		wc_rng_gsl_bind(&w[k].gsl, &w[k].gsl_rng_state);
	return w;
}

static void workers_free(worker *w, int n)
{
	for (int k = 0; k < n; k++) {
		free(w[k].leaving.v);
		free(w[k].pairs);
	}
	free(w);
}

int wc_engine_probe_spans(int nthreads, size_t items, wc_probe_span *spans)
{
	worker *w = workers_alloc(nthreads);
	int n = 0;
	for (int k = 0; k < nthreads; k++) {
		for (size_t i = 0; i < items; i++) {
			u32vec_push(&w[k].leaving, (uint32_t)i);
			pairs_push(&w[k], (hitpair){(uint32_t)i, 0});
		}
		const void *state = w[k].gsl.state;
		spans[n++] = (wc_probe_span){(uintptr_t)&w[k], (uintptr_t)(&w[k] + 1), k};
		spans[n++] =
			(wc_probe_span){(uintptr_t)state, (uintptr_t)state + sizeof(wc_rng), k};
		spans[n++] = (wc_probe_span){(uintptr_t)w[k].pairs,
					     (uintptr_t)(w[k].pairs + w[k].pairs_cap), k};
		spans[n++] = (wc_probe_span){(uintptr_t)w[k].leaving.v,
					     (uintptr_t)(w[k].leaving.v + w[k].leaving.cap), k};
	}
	workers_free(w, nthreads);
	return n;
}

typedef struct engine {
	const wc_scenario *sc;
	const wc_outbreak *m; /* the policy: every rule lives there */
	const wc_epoch *ep;   /* the policy epoch of the step being run */
	const wc_population *pop;
	const wc_addrindex *index;
	uint64_t seed;
	uint32_t n;

	uint8_t *state; /* enum wc_host_state; read by every hit, so kept apart */
	hostrec *recs;	/* n host records */

	uint32_t *active; /* infected hosts, any order */
	uint32_t *pos;	  /* position in active[], or UINT32_MAX */
	uint32_t nactive;

	/* the probe model, precomputed */
	uint32_t space_base, space_mask;
	double rate_scale; /* this step's rate-cap factor κ (1: no cap) */
	wc_strategy_ctx strat;
	gsl_rng *aware_gsl;
	uint32_t *list_step;  /* blacklist: the step from which host h is listed */
	bool generic;	      /* targets come from strategy.h, not the uniform hot loop */
	uint8_t tele8[256];   /* 1 if a telescope block meets this /8 */
	uint8_t sensor8[256]; /* the sensors with addresses in this /8, one bit each */
	const wc_sensors *sensors;
	wc_sensor_marks marks; /* per host: which sensors saw it, and in which row */
	uint32_t row_id;       /* the current timeline row, from 1 */

	uint64_t cumulative, patched, failed;
	uint64_t sus_class[WC_MAX_CLASSES]; /* susceptible hosts per class */

	/* address churn (outbreak.h), only when some class churns: each host's
	 * next change step and the step its last copy left */
	uint32_t *address_step, *left_step;
	uint64_t address_changes; /* new addresses of hosts already counted */

	/* the wake-up ramp (outbreak.h), only when copies wake slowly: each
	 * copy's phase at its last step, its threads while it ramps (0: full
	 * rate), the step it woke in and the step of its next thread */
	uint8_t *last_phase;
	uint16_t *ramp_threads;
	uint32_t *woke_step, *ramp_step;
} engine;

static inline hostrec *rec(const engine *e, uint32_t h)
{
	return &e->recs[h];
}

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

static inline uint32_t target_address(const engine *e, uint64_t x)
{
	return e->space_base | ((uint32_t)x & e->space_mask);
}

/* A probe from host `from` reached address a: the sensors there log it. */
static inline void note_sensors(const engine *e, uint32_t from, uint32_t a, worker *w)
{
	if (__builtin_expect(e->sensor8[a >> 24], 0)) {
		unsigned hit = wc_sensors_at(e->sensors, a);
		if (hit)
			wc_sensor_marks_note(&e->marks, from, e->row_id, hit, w->sensor);
	}
}

/* What a host's probes found in one step, kept in registers by the caller. */
typedef struct tally {
	uint64_t probes, telescope_probes;
} tally;

/* A probe drawn as x from a filterable sender at `own` to address a: the
 * policy decides, a transit crossing by the draw's top 24 bits (the address
 * takes the low 32), so it costs no draw. */
static inline bool blocked(const engine *e, enum wc_sender st, uint64_t x, uint32_t a, uint32_t own,
			   worker *w)
{
	if (!wc_outbreak_drops(e->m, st, own, a, (uint32_t)(x >> 40)))
		return false;
	w->blocked++;
	return true;
}

/* How the filters treat host h's probes in step `step`. */
static inline enum wc_sender sender_status(const engine *e, uint32_t h, uint64_t step)
{
	bool listed = e->list_step && step >= e->list_step[h];
	return wc_outbreak_sender(e->m, e->ep->filters, listed, e->pop->addr[h]);
}

/* A probe from host `from` reached a vulnerable host: a susceptible one is
 * infected at step end. */
static inline void note_hit(const engine *e, uint32_t target, uint32_t from, worker *w)
{
	if (e->state[target] != WC_HOST_SUSCEPTIBLE)
		return;
	pairs_push(w, (hitpair){target, from});
}

/* A probe landed in the telescope; its source counts once. */
static inline void note_telescope(uint8_t *flags, tally *t, worker *w)
{
	t->telescope_probes++;
	if (!(*flags & WC_HOST_SEEN)) {
		*flags |= WC_HOST_SEEN;
		w->telescope_new++;
	}
}

/* The fate of one probe, drawn as x, whose address-index row is known:
 * records a hit in w and a telescope sighting in t and the host's flags. */
static inline __attribute__((always_inline)) void probe_fate(const engine *e, uint32_t from,
							     uint32_t own, enum wc_sender st,
							     uint64_t x, uint32_t row,
							     uint8_t *flags, tally *t, worker *w)
{
	uint32_t a = target_address(e, x);
	t->probes++;
	if (__builtin_expect(st != WC_SENDER_OPEN, 0) && blocked(e, st, x, a, own, w))
		return;
	note_sensors(e, from, a, w);
	uint32_t target = wc_addrindex_find_in_row(e->index, row, a);
	if (__builtin_expect(target != WC_NO_HOST, 0))
		note_hit(e, target, from, w);
	else if (__builtin_expect(in_telescope(e, a), 0))
		note_telescope(flags, t, w);
}

/* A probe not drawn ahead: both lookup stages at once. */
static inline __attribute__((always_inline)) void probe_next(const engine *e, uint32_t from,
							     uint32_t own, enum wc_sender st,
							     wc_rng *rng, uint8_t *flags, tally *t,
							     worker *w)
{
	uint64_t x = wc_rng_next(rng);
	probe_fate(e, from, own, st, x, wc_addrindex_row(e->index, target_address(e, x)), flags, t,
		   w);
}

/* A spreading host whose first probes are drawn and being fetched. */
typedef struct pending {
	hostrec *r;
	uint32_t h, own;   /* the host and its address */
	enum wc_sender st; /* how the filters treat its probes in this step */
	unsigned probes;   /* this step's Poisson count */
	unsigned drawn;	   /* of which drawn ahead, at most PIPE_DRAWS */
	wc_rng rng;
	uint64_t draws[PIPE_DRAWS];
	uint32_t rows[PIPE_DRAWS]; /* address-index rows of the draws (stage 1 done) */
} pending;

/* How many probes host h sends in step `step`: Poisson, from its own stream. */
static unsigned probe_count(const engine *e, uint32_t h, const hostrec *r, uint64_t step, worker *w,
			    wc_rng *rng)
{
	wc_rng_gsl_load(&w->gsl, wc_rng_host(e->seed, h, step));
	double mean = e->ep->class_mean[r->class_id] * e->rate_scale;
	if (e->ramp_threads && e->ramp_threads[h])
		mean *= wc_outbreak_thread_share(e->m, r->class_id, e->ramp_threads[h]);
	unsigned n = gsl_ran_poisson(&w->gsl, mean);
	*rng = wc_rng_gsl_state(&w->gsl);
	return n;
}

/* A host whose targets come from its strategy state: one probe at a time. */
static void run_generic(const engine *e, uint32_t h, hostrec *r, uint64_t step, worker *w)
{
	wc_rng rng;
	unsigned n = probe_count(e, h, r, step, w, &rng);
	tally t = {0, 0};
	uint32_t own = e->pop->addr[h];
	enum wc_sender st = sender_status(e, h, step);
	/* Advanced in a local copy and stored once: the records beside h's in
	 * memory belong to hosts other threads run. */
	wc_scan_state scan = r->scan;
	for (unsigned k = 0; k < n; k++) {
		uint32_t a = wc_strategy_next(&e->strat, h, own, &scan, &rng);
		t.probes++;
		if (st != WC_SENDER_OPEN && blocked(e, st, wc_rng_next(&rng), a, own, w))
			continue;
		note_sensors(e, h, a, w);
		uint32_t target = wc_addrindex_find(e->index, a);
		if (target != WC_NO_HOST) {
			note_hit(e, target, h, w);
			if (e->state[target] == WC_HOST_INFECTED)
				wc_strategy_found_infected(&e->strat, &scan, &rng);
		} else if (in_telescope(e, a)) {
			note_telescope(&r->flags, &t, w);
		}
	}
	r->scan = scan;
	w->probes += t.probes;
	w->telescope_probes += t.telescope_probes;
}

/* How many probes host h sends in step `step`, and its first draws. */
static void prepare(const engine *e, uint32_t h, hostrec *r, uint64_t step, worker *w, pending *p)
{
	p->r = r;
	p->h = h;
	p->own = e->pop->addr[h];
	p->st = sender_status(e, h, step);
	p->probes = probe_count(e, h, r, step, w, &p->rng);
	p->drawn = p->probes < PIPE_DRAWS ? p->probes : PIPE_DRAWS;
	for (unsigned i = 0; i < p->drawn; i++) {
		p->draws[i] = wc_rng_next(&p->rng);
		p->rows[i] = wc_addrindex_row(e->index, target_address(e, p->draws[i]));
		if (p->rows[i] != e->index->n16)
			__builtin_prefetch(e->index->occ24[p->rows[i]]);
	}
}

/*
 * The fates of a prepared host's drawn probes, as probe_fate() would give
 * them, in two passes. Whether an address lies in an occupied /16 is a coin
 * toss (30% for Code Red's population) that no branch predictor learns, so the
 * first pass only collects the draws whose /16 is occupied, without branching;
 * the second pass looks those up, where "no host in this /24" is the answer
 * nearly every time.
 */
static inline void classify_drawn(const engine *e, const pending *p, uint8_t *flags, tally *t,
				  worker *w)
{
	unsigned cand[PIPE_DRAWS], nc = 0;
	for (unsigned k = 0; k < p->drawn; k++) {
		if (__builtin_expect(p->st != WC_SENDER_OPEN, 0) &&
		    blocked(e, p->st, p->draws[k], target_address(e, p->draws[k]), p->own, w))
			continue;
		cand[nc] = k;
		nc += p->rows[k] != e->index->n16;
		note_sensors(e, p->h, target_address(e, p->draws[k]), w);
		/* telescope blocks hold no host, so this test may come first */
		if (__builtin_expect(in_telescope(e, target_address(e, p->draws[k])), 0))
			note_telescope(flags, t, w);
	}
	t->probes += p->drawn;
	for (unsigned c = 0; c < nc; c++) {
		unsigned k = cand[c];
		uint32_t target = wc_addrindex_find_in_row(e->index, p->rows[k],
							   target_address(e, p->draws[k]));
		if (__builtin_expect(target != WC_NO_HOST, 0))
			note_hit(e, target, p->h, w);
	}
}

/* Runs a prepared host's probes: the drawn ones, then the rest one by one. */
static void execute(const engine *e, pending *p, worker *w)
{
	hostrec *r = p->r;
	tally t = {0, 0};
	classify_drawn(e, p, &r->flags, &t, w);
	for (unsigned k = p->drawn; k < p->probes; k++)
		probe_next(e, p->h, p->own, p->st, &p->rng, &r->flags, &t, w);
	w->probes += t.probes;
	w->telescope_probes += t.telescope_probes;
}

/* The phase of a host's worm at t; `global` is the phase of a correct clock,
 * computed once per step since almost every clock is right. */
static inline enum wc_phase host_phase(const engine *e, const hostrec *r, wc_time t,
				       enum wc_phase global)
{
	return r->clock_offset ? wc_phase_at(e->sc, t + r->clock_offset) : global;
}

/* Infected host h takes a new address in step `step`: no sensor has seen it. */
static void change_address(const engine *e, uint32_t h, hostrec *r, uint64_t step, worker *w)
{
	w->address_changes++;
	r->flags &= (uint8_t)~WC_HOST_SEEN;
	if (e->marks.n)
		wc_sensor_marks_moved(&e->marks, h);
	wc_rng rng = wc_rng_stream(e->seed, WC_STREAM_ADDRESS, h, step);
	double wait = wc_rng_exponential(&rng, e->m->address_rate[r->class_id]);
	e->address_step[h] = wc_outbreak_next_address(e->m, r->class_id, step, wait);
}

/* One worker's share of a step: active[lo..hi). Hosts are prepared PIPE
 * places ahead of running, and their records fetched 2·PIPE places ahead. */
static void step_hosts(const engine *e, uint32_t lo, uint32_t hi, wc_time t, uint64_t step,
		       enum wc_phase global, bool flood_ok, worker *w)
{
	pending pipe[PIPE];
	unsigned queued = 0, head = 0;
	for (uint32_t i = lo; i < hi || queued > 0; i++) {
		if (i + 2 * PIPE < hi)
			__builtin_prefetch(rec(e, e->active[i + 2 * PIPE]), 1, 0);
		if (i < hi) {
			uint32_t h = e->active[i];
			hostrec *r = rec(e, h);
			if (r->leave_step <= step) {
				u32vec_push(&w->leaving, h);
			} else {
				if (e->address_step && e->address_step[h] == step)
					change_address(e, h, r, step, w);
				enum wc_phase ph = host_phase(e, r, t, global);
				if (ph == WC_PHASE_SPREAD && e->generic) {
					w->spreading++;
					run_generic(e, h, r, step, w);
				} else if (ph == WC_PHASE_SPREAD) {
					w->spreading++;
					prepare(e, h, r, step, w, &pipe[(head + queued) % PIPE]);
					queued++;
				} else if (ph == WC_PHASE_FLOOD) {
					w->flooding++;
					w->flood_reaching += flood_ok;
				}
			}
		}
		if (queued == PIPE || (i >= hi && queued > 0)) {
			execute(e, &pipe[head], w);
			head = (head + 1) % PIPE;
			queued--;
		}
	}
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

/* Patches h (cleaning it if infected): immune from now on. */
static void patch_host(engine *e, uint32_t h)
{
	if (!wc_outbreak_patchable(e->state[h]))
		return;
	if (e->state[h] == WC_HOST_INFECTED)
		active_remove(e, h);
	else
		e->sus_class[rec(e, h)->class_id]--;
	e->state[h] = WC_HOST_PATCHED;
	e->patched++;
}

/* Awareness-driven patching in step `step`, among the hosts susceptible at its
 * start: each of class c is patched with probability 1 − e^{−μ_c·J/N·Δ}, J the
 * hosts ever infected, so the count is binomial and the hosts a uniform pick
 * (by rejection over host ids, from a stream keyed by class and step). */
static void aware_patches(engine *e, uint64_t step)
{
	const wc_scenario *sc = e->sc;
	for (int c = 0; c < sc->nclasses; c++) {
		double q = wc_outbreak_aware_q(e->m, c, e->cumulative);
		if (e->sus_class[c] == 0 || !(q > 0))
			continue;
		wc_rng r = wc_rng_stream(e->seed, WC_STREAM_AWARE, (uint64_t)c, step);
		gsl_rng *g = e->aware_gsl;
		wc_rng_gsl_load(g, r);
		unsigned k = gsl_ran_binomial(g, q, (unsigned)e->sus_class[c]);
		r = wc_rng_gsl_state(g);
		while (k > 0) {
			uint32_t h = (uint32_t)wc_rng_below(&r, e->n);
			if (e->state[h] == WC_HOST_SUSCEPTIBLE && rec(e, h)->class_id == c) {
				patch_host(e, h);
				k--;
			}
		}
	}
}

/* Address churn: a reinfected host may come back from a new address, which
 * no sensor has seen; then its next change is drawn. */
static void address_on_infection(engine *e, uint32_t h, hostrec *r, uint64_t step, wc_rng *rng)
{
	int c = r->class_id;
	if (!(e->m->address_rate[c] > 0))
		return;
	double gap = (double)(step - e->left_step[h]) * e->m->dt;
	if ((r->flags & WC_HOST_EVER) &&
	    wc_outbreak_new_address(e->m, c, gap, wc_rng_uniform(rng))) {
		e->address_changes++;
		r->flags &= (uint8_t)~WC_HOST_SEEN;
		if (e->marks.n)
			wc_sensor_marks_moved(&e->marks, h);
	}
	double wait = wc_rng_exponential(rng, e->m->address_rate[c]);
	e->address_step[h] = wc_outbreak_next_address(e->m, c, step, wait);
}

/* Infects h at `now` (seconds after start); returns 1 for a first infection.
 * seed_index/seed_count place a seed copy among the seeds (count 0 otherwise). */
static int infect(engine *e, uint32_t h, double now, uint64_t step, uint32_t seed_index,
		  uint32_t seed_count)
{
	hostrec *r = rec(e, h);
	e->state[h] = WC_HOST_INFECTED;
	e->sus_class[r->class_id]--;
	active_add(e, h);
	wc_rng rng = wc_rng_stream(e->seed, WC_STREAM_INFECTION, h, step);
	double reboot = wc_rng_exponential(&rng, e->m->reboot_rate[r->class_id]);
	double clean = wc_rng_exponential(&rng, e->m->clean_rate[r->class_id]);
	if (e->generic)
		wc_strategy_start(&e->strat, h, e->pop->addr[h], seed_index, seed_count, &r->scan,
				  &rng);
	wc_fate fate = wc_outbreak_fate(e->m, r->class_id, now, reboot, clean);
	if (e->ramp_threads) { /* a fresh copy runs at full rate */
		e->last_phase[h] = 0xff;
		e->ramp_threads[h] = 0;
	}
	if (e->address_step)
		address_on_infection(e, h, r, step, &rng);
	r->leave_step = fate.leave_step;
	if (fate.clean)
		r->flags |= WC_HOST_LEAVE_CLEAN;
	else
		r->flags &= (uint8_t)~WC_HOST_LEAVE_CLEAN;
	if (r->flags & WC_HOST_EVER)
		return 0;
	r->flags |= WC_HOST_EVER;
	if (e->list_step) /* listed for good, reboots or not */
		e->list_step[h] =
			(uint32_t)fmin((double)wc_outbreak_list_step(e->m, step), UINT32_MAX);
	e->cumulative++;
	return 1;
}

static int cmp_pair(const void *a, const void *b)
{
	const hitpair *x = a, *y = b;
	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return (x->from > y->from) - (x->from < y->from);
}

/* The step's hits, from all workers: each susceptible target is infected once,
 * credited to one of the hosts that reached it, picked at random from a stream
 * keyed by (target, step) among its hits sorted by sender, so that neither the
 * thread count nor the workers' order matters. The infector's place counts
 * towards infected_same16/8, and a hit-list infector hands on half its list. */
static void infect_hits(engine *e, worker *workers, int nthreads, double now, uint64_t step,
			wc_timeline_row *row)
{
	size_t total = 0;
	for (int k = 0; k < nthreads; k++)
		total += workers[k].npairs;
	if (total == 0)
		return;
	hitpair *all = xmallocarray(total, sizeof *all);
	size_t n = 0;
	for (int k = 0; k < nthreads; k++) {
		if (workers[k].npairs == 0)
			continue; /* pairs may still be NULL */
		memcpy(all + n, workers[k].pairs, workers[k].npairs * sizeof *all);
		n += workers[k].npairs;
		workers[k].npairs = 0;
	}
	qsort(all, n, sizeof *all, cmp_pair);
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t h = all[i].target;
		for (j = i + 1; j < n && all[j].target == h;)
			j++;
		if (e->state[h] != WC_HOST_SUSCEPTIBLE)
			continue; /* patched in this step */
		uint32_t from = all[i].from;
		if (j - i > 1) {
			wc_rng pick = wc_rng_stream(e->seed, WC_STREAM_INFECTOR, h, step);
			from = all[i + wc_rng_below(&pick, j - i)].from;
		}
		if (wc_outbreak_hit_outcome(e->m, rec(e, h)->class_id) == WC_HOST_FAILED) {
			e->state[h] = WC_HOST_FAILED;
			e->sus_class[rec(e, h)->class_id]--;
			e->failed++;
			continue;
		}
		if (infect(e, h, now, step, 0, 0))
			row->new_infections++;
		else
			row->reinfections++;
		uint32_t a = e->pop->addr[h], b = e->pop->addr[from];
		row->infected_same16 += (a >> 16) == (b >> 16);
		row->infected_same8 += (a >> 24) == (b >> 24);
		wc_strategy_hand_on(&e->strat, from, &rec(e, from)->scan, h, &rec(e, h)->scan);
	}
	free(all);
}

/* The wake-up ramp in step `step` (time t), before any host probes: a copy
 * whose phase turns from dormant to spread wakes with a few threads, a
 * ramping one gains those due, and one that stops spreading ends its ramp. */
static void ramp_step_hosts(engine *e, wc_time t, uint64_t step)
{
	enum wc_phase global = wc_phase_at(e->sc, t);
	for (uint32_t i = 0; i < e->nactive; i++) {
		uint32_t h = e->active[i];
		const hostrec *r = rec(e, h);
		if (r->leave_step <= step)
			continue;
		int c = r->class_id;
		enum wc_phase ph = host_phase(e, r, t, global);
		uint8_t was = e->last_phase[h];
		e->last_phase[h] = (uint8_t)ph;
		if (ph != WC_PHASE_SPREAD) {
			e->ramp_threads[h] = 0;
		} else if (was == WC_PHASE_DORMANT) {
			int n = wc_outbreak_wake_threads(e->m, c);
			e->ramp_threads[h] = (uint16_t)(n < e->m->threads[c] ? n : 0);
			e->woke_step[h] = (uint32_t)step;
			e->ramp_step[h] = wc_outbreak_ramp_next(e->m, c, step, n);
		}
		while (e->ramp_threads[h] && e->ramp_step[h] <= step) {
			int n = e->ramp_threads[h] + 1;
			e->ramp_threads[h] = (uint16_t)(n >= e->m->threads[c] ? 0 : n);
			e->ramp_step[h] = wc_outbreak_ramp_next(e->m, c, e->woke_step[h], n);
		}
	}
}

/* With a rate cap: this step's factor, from the rates of the hosts that spread
 * in it (all of them, whatever their worker). */
static double rate_scale(const engine *e, wc_time t, uint64_t step)
{
	if (!(e->sc->rate_cap > 0))
		return 1;
	enum wc_phase global = wc_phase_at(e->sc, t);
	double total = 0;
	for (uint32_t i = 0; i < e->nactive; i++) {
		const hostrec *r = rec(e, e->active[i]);
		if (r->leave_step <= step || host_phase(e, r, t, global) != WC_PHASE_SPREAD)
			continue;
		uint32_t h = e->active[i];
		double share =
			e->ramp_threads && e->ramp_threads[h]
				? wc_outbreak_thread_share(e->m, r->class_id, e->ramp_threads[h])
				: 1;
		total += e->ep->class_rate[r->class_id] * share;
	}
	return wc_outbreak_kappa(e->sc, total);
}

static void engine_free(engine *e)
{
	free(e->state);
	free(e->recs);
	free(e->active);
	free(e->pos);
	wc_strategy_free(&e->strat);
	gsl_rng_free(e->aware_gsl);
	free(e->list_step);
	free(e->address_step);
	free(e->left_step);
	free(e->last_phase);
	free(e->ramp_threads);
	free(e->woke_step);
	free(e->ramp_step);
	wc_sensor_marks_free(&e->marks);
}

static void engine_init(engine *e, const wc_world *w)
{
	const wc_scenario *sc = w->sc;
	memset(e, 0, sizeof *e);
	e->sc = sc;
	e->m = w->model;
	e->ep = &e->m->epoch[0];
	e->pop = w->pop;
	e->index = w->index;
	e->seed = w->opt->seed;
	e->n = w->pop->n;
	e->state = xcalloc_huge(e->n, 1);
	e->active = xmallocarray(e->n, sizeof *e->active);
	e->pos = xmallocarray(e->n, sizeof *e->pos);
	for (uint32_t h = 0; h < e->n; h++)
		e->pos[h] = UINT32_MAX;

	e->rate_scale = 1;
	wc_strategy_init(&e->strat, sc, w->pop, e->seed);
	e->generic = wc_strategy_stateful(sc->strategy);
	e->recs = xcalloc_huge(e->n, sizeof *e->recs);
	for (uint32_t h = 0; h < e->n; h++) {
		rec(e, h)->clock_offset =
			wc_population_clock_offset(w->pop, h, w->pop->class_id[h]);
		rec(e, h)->class_id = w->pop->class_id[h];
		e->sus_class[w->pop->class_id[h]]++;
	}
	e->aware_gsl = wc_rng_gsl_alloc();
	if (e->m->ramp) {
		e->last_phase = xmallocarray(e->n, sizeof *e->last_phase);
		memset(e->last_phase, 0xff, e->n);
		e->ramp_threads = xcalloc(e->n, sizeof *e->ramp_threads);
		e->woke_step = xcalloc(e->n, sizeof *e->woke_step);
		e->ramp_step = xcalloc(e->n, sizeof *e->ramp_step);
	}
	if (e->m->churn) {
		e->address_step = xmallocarray(e->n, sizeof *e->address_step);
		memset(e->address_step, 0xff, (size_t)e->n * sizeof *e->address_step);
		e->left_step = xcalloc(e->n, sizeof *e->left_step);
	}
	if (e->m->blacklist) {
		e->list_step = xmallocarray(e->n, sizeof *e->list_step);
		memset(e->list_step, 0xff, (size_t)e->n * sizeof *e->list_step);
	}

	e->sensors = w->sensors;
	memcpy(e->sensor8, w->sensors->mask8, sizeof e->sensor8);
	wc_sensor_marks_init(&e->marks, w->sensors->n, e->n);
	e->space_base = sc->scan_space.base;
	e->space_mask = ~wc_prefix_mask(sc->scan_space.len);
	for (int i = 0; i < sc->ntelescope; i++) {
		wc_prefix p = sc->telescope[i];
		uint32_t first = p.base >> 24;
		uint32_t last = (uint32_t)((p.base + (wc_prefix_size(p) - 1)) >> 24);
		for (uint32_t o = first; o <= last; o++)
			e->tele8[o] = 1;
	}
}
/* The seed copies (outbreak.h) run from the start, each told its place
 * among the seeds (a hit-list worm splits its list by it). */
static void seed_infections(engine *e)
{
	uint32_t n = (uint32_t)e->sc->seed_hosts;
	uint32_t *seeds = xmallocarray((size_t)n + 1, sizeof *seeds);
	wc_outbreak_seeds(e->m, e->pop->class_id, e->seed, seeds);
	for (uint32_t k = 0; k < n; k++)
		infect(e, seeds[k], 0, 0, k, n);
	free(seeds);
}

static void phase_counts(const engine *e, wc_time t, uint64_t *spreading, uint64_t *flooding)
{
	*spreading = *flooding = 0;
	enum wc_phase global = wc_phase_at(e->sc, t);
	for (uint32_t i = 0; i < e->nactive; i++) {
		enum wc_phase ph = host_phase(e, rec(e, e->active[i]), t, global);
		*spreading += ph == WC_PHASE_SPREAD;
		*flooding += ph == WC_PHASE_FLOOD;
	}
}

static void fill_counts(const engine *e, wc_timeline_row *row)
{
	row->infected = e->nactive;
	row->patched = e->patched;
	row->failed = e->failed;
	row->susceptible = e->n - e->nactive - e->patched - e->failed;
	row->cumulative_infected = e->cumulative;
	row->removed = e->cumulative - e->nactive;
	row->infected_addresses = e->cumulative + e->address_changes;
}

/* Adds the workers' tallies of a step to the row, in worker order (every
 * effect below is order-free), and takes the copies that left off their
 * hosts. Returns the flooding hosts whose flood reached the target. */
static uint64_t merge_workers(engine *e, worker *workers, int nthreads, uint64_t step,
			      wc_timeline_row *row)
{
	uint64_t flood_reaching = 0, spreading = 0, flooding = 0;
	for (int k = 0; k < nthreads; k++) {
		worker *wk = &workers[k];
		row->probes += wk->probes;
		row->telescope_probes += wk->telescope_probes;
		row->telescope_sources += wk->telescope_new;
		row->blocked_probes += wk->blocked;
		spreading += wk->spreading;
		flooding += wk->flooding;
		flood_reaching += wk->flood_reaching;
		e->address_changes += wk->address_changes;
		wk->address_changes = 0;
		for (int i = 0; i < e->marks.n; i++)
			for (int c = 0; c < WC_SENSOR_NCOLUMNS; c++)
				row->sensor[i][c] += wk->sensor[i][c];
		memset(wk->sensor, 0, sizeof wk->sensor);
		for (size_t i = 0; i < wk->leaving.n; i++) {
			uint32_t h = wk->leaving.v[i];
			if (wc_outbreak_after_leave(rec(e, h)->flags) == WC_HOST_PATCHED) {
				patch_host(e, h);
			} else {
				active_remove(e, h);
				if (e->left_step)
					e->left_step[h] = (uint32_t)(step + 1);
				e->state[h] = WC_HOST_SUSCEPTIBLE;
				e->sus_class[rec(e, h)->class_id]++;
			}
		}
		wk->probes = wk->telescope_probes = wk->telescope_new = wk->blocked = 0;
		wk->spreading = wk->flooding = wk->flood_reaching = 0;
		wk->leaving.n = 0;
	}
	row->spreading = spreading; /* host counts are taken at the row's time */
	row->flooding = flooding;
	return flood_reaching;
}

/* Every spreading and flooding host's step s (at time t), in parallel. A
 * parallel step costs a barrier; below a few hundred hosts per thread it
 * costs more than it saves. Results do not depend on it. */
static void run_hosts(engine *e, worker *workers, int nthreads, wc_time t, uint64_t s)
{
	enum wc_phase global = wc_phase_at(e->sc, t);
	bool flood_ok = wc_outbreak_flood_reaches(e->m, s);
	uint32_t nact = e->nactive;
	int team = nact >= 512u * (unsigned)nthreads ? nthreads : 1;
#pragma omp parallel num_threads(team)
	{
		int id = omp_get_thread_num(), nt = omp_get_num_threads();
		uint32_t lo = (uint32_t)((uint64_t)nact * (uint64_t)id / (uint64_t)nt);
		uint32_t hi = (uint32_t)((uint64_t)nact * (uint64_t)(id + 1) / (uint64_t)nt);
		step_hosts(e, lo, hi, t, s, global, flood_ok, &workers[id]);
	}
}

static void first_row(const engine *e, wc_timeline *tl)
{
	wc_timeline_row row = {0};
	row.time = e->sc->start;
	fill_counts(e, &row);
	phase_counts(e, e->sc->start, &row.spreading, &row.flooding);
	row.active = row.spreading + row.flooding;
	wc_timeline_push(tl, &row);
}

int wc_engine_probe_run(const wc_world *w, wc_run_result *res, wc_error *err)
{
	(void)err;
	const wc_scenario *sc = w->sc;
	engine e;
	engine_init(&e, w);
	seed_infections(&e);
	int nthreads = w->opt->threads;
	worker *workers = workers_alloc(nthreads);
	uint32_t npatch, next_patch = 0;
	double *patch_at;
	uint32_t *patches = wc_population_patch_order(w->pop, INFINITY, &npatch, &patch_at);
	uint64_t nsteps = w->nsteps, progress_every = nsteps / 200 + 1;
	first_row(&e, &res->timeline);

	wc_timeline_row row = {0};
	for (uint64_t s = 0; s < nsteps; s++) {
		wc_time t = sc->start + (wc_time)(s * (uint64_t)sc->step);
		double next = (double)(t - sc->start) + sc->step;
		e.ep = &e.m->epoch[wc_outbreak_epoch_at(e.m, s)];
		e.row_id = (uint32_t)(s / e.m->per_row + 1);
		if (e.ramp_threads)
			ramp_step_hosts(&e, t, s);
		e.rate_scale = rate_scale(&e, t, s);
		run_hosts(&e, workers, nthreads, t, s);
		if (e.m->aware)
			aware_patches(&e, s);
		uint64_t reaching = merge_workers(&e, workers, nthreads, s, &row);
		row.target_connections = reaching * (uint64_t)sc->flood_connections;
		row.target_bytes += wc_outbreak_flood_bytes(e.m, reaching);
		while (next_patch < npatch && patch_at[next_patch] < next)
			patch_host(&e, patches[next_patch++]);
		infect_hits(&e, workers, nthreads, next, s + 1, &row);

		if ((s + 1) % e.m->per_row == 0 || s + 1 == nsteps) {
			uint64_t seen = res->timeline.rows[res->timeline.n - 1].telescope_sources;
			row.time = t + sc->step;
			row.telescope_sources += seen;
			for (int i = 0; i < e.marks.n; i++)
				row.sensor[i][WC_SENSOR_SOURCES] +=
					res->timeline.rows[res->timeline.n - 1]
						.sensor[i][WC_SENSOR_SOURCES];
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

	workers_free(workers, nthreads);
	free(patches);
	free(patch_at);
	engine_free(&e);
	return 0;
}
