/*
 * engine.h — the contract between wc_simulate() and an engine (internal).
 *
 * wc_simulate() validates the scenario, builds the population and the address
 * index, and hands them to an engine. The engine advances time in steps of
 * sc->step seconds from sc->start to `until`, pushes one timeline row at the
 * start and one per sc->interval, and counts the probes it simulated.
 */
#ifndef WC_SIM_ENGINE_H
#define WC_SIM_ENGINE_H

#include <stdint.h>

#include "sim/addrindex.h"
#include "sim/outbreak.h"
#include "sim/population.h"
#include "sim/sensor.h"
#include "sim/sim.h"

typedef struct wc_world {
	const wc_scenario *sc;
	wc_population *pop; /* the fast engine drops its arrays once copied */
	const wc_addrindex *index;
	const wc_run_options *opt;
	const wc_outbreak *model;  /* the policy both engines follow (outbreak.h) */
	wc_time until;		   /* end of the run, a whole number of steps after sc->start */
	uint64_t nsteps;	   /* (until − start) / step */
	const wc_sensors *sensors; /* [sensor.NAME] (sensor.h) */
} wc_world;

/* Draws every probe (engine_probe.c). Needs w->index. */
int wc_engine_probe_run(const wc_world *w, wc_run_result *res, wc_error *err);
/* The probe engine keeps each thread's mutable state on cache lines of this
 * size that no other thread writes. */
#define WC_PROBE_CACHE_LINE 64

/* Bytes [lo, hi) that thread `owner` writes during a probe-engine step. */
typedef struct wc_probe_span {
	uintptr_t lo, hi;
	int owner;
} wc_probe_span;

/* For the layout test: allocates the per-thread state of `nthreads` workers
 * as a run does, grows each one's buffers to hold `items` entries, lists in
 * spans[] what each thread writes (4 spans per thread: its record, its
 * generator state, its two buffers), frees it all and returns the count. The
 * addresses are only to be compared. */
int wc_engine_probe_spans(int nthreads, size_t items, wc_probe_span *spans);

/* The same model by counts and waiting times (engine_fast.c); w->index unused. */
int wc_engine_fast_run(const wc_world *w, wc_run_result *res, wc_error *err);

#endif
