/*
 * sweep.h — what-if sweeps: one scenario, some keys varied over lists of
 * values, every combination run with several seeds.
 *
 * Contract:
 *   - A vary spec is "section.key=LIST" or "section.key=A:B:N".
 *     LIST: comma-separated values written as the scenario file takes them
 *     (numbers, times, CIDRs, names); "\," puts a comma inside one value
 *     (telescope.blocks); surrounding blanks are dropped; a value may not
 *     repeat. A:B:N: N evenly spaced numbers from A to B inclusive,
 *     A + i·(B−A)/(N−1), written with 15 significant digits; B < A counts
 *     down; N = 1 needs A = B. For an integer key every value must be a
 *     whole number (no rounding: an error names the first fraction). A spec
 *     whose three ':' fields are not all numbers is a list of one value, so
 *     "outbreak.start=2001-07-19T12:00:00Z" is a list, not a range.
 *   - Combinations are the Cartesian product of the keys' values in the order
 *     the keys were added: the first key varies slowest, the last fastest, as
 *     in nested loops. Combination c's scenario is the base scenario (loaded,
 *     fixed overrides applied, not finished) with each varied value applied
 *     by wc_scenario_set() and then wc_scenario_finish(): varied values win
 *     over the base's, and whole-scenario checks see them.
 *   - Run r (0 ≤ r < runs) of every combination uses seed sw->seed + r: the
 *     same seeds for all combinations (common random numbers), so differences
 *     between combinations are not seed noise of different draws.
 *   - wc_sweep_run() reduces each run to nout numbers by a caller's measure
 *     function (the outcomes live in src/report, above this module) and
 *     stores them at out[((c·runs) + r)·nout + k]. Runs go to OpenMP threads,
 *     each run single-threaded; since every slot is written by exactly one
 *     run and runs are independent, out is the same for any thread count.
 *   - Nothing here writes a file or prints.
 */
#ifndef WC_SIM_SWEEP_H
#define WC_SIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "sim/scenario.h"
#include "sim/sim.h"

#define WC_SWEEP_MAX_KEYS   8	    /* varied keys in one sweep */
#define WC_SWEEP_MAX_VALUES 100000  /* values of one key */
#define WC_SWEEP_MAX_RUNS   1000000 /* combinations × runs */

/* One varied key and its values, as text. */
typedef struct wc_sweep_key {
	char *key;	/* "section.key", blanks trimmed */
	char **values;	/* the values, each as wc_scenario_set takes it */
	size_t nvalues; /* >= 1 */
	size_t values_cap;
	int numeric;	 /* 1 if every value reads as a plain number */
	double *numbers; /* the values as numbers when numeric, else NULL */
} wc_sweep_key;

typedef struct wc_sweep {
	wc_scenario base; /* loaded, --set applied, NOT finished */
	wc_sweep_key keys[WC_SWEEP_MAX_KEYS];
	size_t nkeys;
	uint64_t runs; /* seeds per combination, >= 1 */
	uint64_t seed; /* run r uses seed + r */
} wc_sweep;

/* Called from inside the run loop with (runs done, runs in all). */
typedef void (*wc_sweep_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Reduces one finished run to nout numbers (NaN where a value does not
 * exist). Called concurrently from several threads: it must only read sc and
 * res and write out. */
typedef void (*wc_sweep_measure_fn)(const wc_scenario *sc, const wc_run_result *res, double *out,
				    void *ctx);

/* Parses one vary spec into k (see the contract above). Errors name the spec
 * and are WC_EXIT_USAGE; on error k is left empty. */
int wc_sweep_parse_vary(const char *spec, wc_sweep_key *k, wc_error *err);
void wc_sweep_key_free(wc_sweep_key *k);

/* Starts a sweep of base (loaded, overrides applied, not finished): no keys,
 * runs = 1, seed = 1. */
void wc_sweep_init(wc_sweep *sw, const wc_scenario *base);
/* Parses spec and adds its key; a key varied twice is an error. */
int wc_sweep_add_vary(wc_sweep *sw, const char *spec, wc_error *err);
void wc_sweep_free(wc_sweep *sw);

/* The number of combinations (1 with no key); saturates at UINT64_MAX. */
uint64_t wc_sweep_combinations(const wc_sweep *sw);
/* Which value of key `key` combination c uses. */
size_t wc_sweep_value_index(const wc_sweep *sw, uint64_t c, size_t key);
/* Builds combination c's finished scenario into out. Errors name the
 * combination's values (WC_EXIT_USAGE). */
int wc_sweep_scenario(const wc_sweep *sw, uint64_t c, wc_scenario *out, wc_error *err);

/* Everything that can be known before running: the base alone finishes,
 * every value of every key applies (the error names "--vary" and the value),
 * every combination finishes, opt->until lies inside each combination's
 * outbreak, the seeds do not wrap, and combinations × runs ≤
 * WC_SWEEP_MAX_RUNS. Returns 0 or -1 with err set (WC_EXIT_USAGE). */
int wc_sweep_validate(const wc_sweep *sw, const wc_run_options *opt, wc_error *err);

/* Runs every (combination, seed) with opt's engine and until (opt->seed,
 * opt->threads and opt->progress are ignored: each run is single-threaded)
 * on `threads` OpenMP threads, measuring each into out (combinations × runs ×
 * nout doubles, laid out as in the contract). Call wc_sweep_validate first.
 * Returns 0, or -1 with the error of the lowest-numbered failed run, its
 * combination and seed named (after a failure, runs not yet started are
 * skipped). Progress, if given, is called under a lock from the workers. */
/* Run i (combination i / runs, seed seed + i % runs) alone, single-threaded,
 * measured into out[0 .. nout): the body of wc_sweep_run, for schedulers
 * that hand out runs themselves (src/ensemble). Safe to call concurrently.
 * 0, or -1 with the error naming the combination and seed. */
int wc_sweep_run_one(const wc_sweep *sw, const wc_run_options *opt, uint64_t i,
		     wc_sweep_measure_fn measure, void *measure_ctx, double *out, wc_error *err);

int wc_sweep_run(const wc_sweep *sw, const wc_run_options *opt, int threads,
		 wc_sweep_measure_fn measure, void *measure_ctx, size_t nout, double *out,
		 wc_sweep_progress_fn progress, void *progress_ctx, wc_error *err);

#endif
