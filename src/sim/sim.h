/*
 * sim.h — running a scenario: the simulator's single entry point.
 *
 * wc_simulate() builds the population, runs the chosen engine from the
 * scenario's start to its end (or opt->until) and returns the timeline. It
 * writes no file and prints nothing; progress, if wanted, goes through the
 * callback. The same scenario, seed and engine give the same timeline for any
 * thread count: every random decision is keyed by (seed, host, step)
 * (docs/design.md §6).
 */
#ifndef WC_SIM_SIM_H
#define WC_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "sim/scenario.h"
#include "sim/timeline.h"

enum wc_engine { WC_ENGINE_AUTO, WC_ENGINE_PROBE, WC_ENGINE_FAST };

/* Called now and then with the fraction of simulated time done (0..1). */
typedef void (*wc_progress_fn)(void *ctx, double done);

typedef struct wc_run_options {
	uint64_t seed;		 /* run seed */
	enum wc_engine engine;	 /* WC_ENGINE_AUTO picks the fastest exact engine */
	int threads;		 /* worker threads, >= 1 */
	wc_time until;		 /* stop early at this instant (see wc_run_until_given) */
	bool until_set;		 /* until was given, even as 0 (1970-01-01T00:00:00Z) */
	wc_progress_fn progress; /* may be NULL */
	void *progress_ctx;
	/* Testing only: multiplies the fast engine's per-probe hit probability, so
	 * that a test can show that the engine-equivalence test detects a wrong
	 * model. 0 (the default) or 1 leaves the model exact. */
	double fast_hit_scale;
} wc_run_options;

typedef struct wc_run_result {
	wc_timeline timeline;
	enum wc_engine engine; /* the engine that ran (never AUTO) */
	uint64_t probes;       /* probes simulated in all */
	uint64_t vulnerable;   /* population size actually placed */
	double wall_seconds;   /* set-up and engine */
	double engine_seconds; /* engine only: time stepping, without population set-up */
} wc_run_result;

void wc_run_options_init(wc_run_options *opt);
/* Whether opt asks to stop early: until_set, or an until other than 0 (callers
 * that zero the options and set only until). The CLI sets until_set, so that
 * --until 1970-01-01 is checked against the window rather than ignored. */
static inline bool wc_run_until_given(const wc_run_options *opt)
{
	return opt->until_set || opt->until != 0;
}
int wc_simulate(const wc_scenario *sc, const wc_run_options *opt, wc_run_result *res,
		wc_error *err);
void wc_run_result_free(wc_run_result *res);

/* True if the fast engine can run sc (auto then picks it). */
bool wc_engine_fast_supports(const wc_scenario *sc);
/* Why it cannot, as a phrase to follow "strategy NAME", or NULL if it can. */
const char *wc_engine_fast_refusal(const wc_scenario *sc);

const char *wc_engine_name(enum wc_engine e);
/* "auto", "probe", "fast" → 0, or -1 if unknown. */
int wc_engine_parse(const char *s, enum wc_engine *e);

#endif
