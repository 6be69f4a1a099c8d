/*
 * validation.h — a run's figures beside the historical ones.
 *
 * Each check names a measured figure (reference §5), the simulated value, the
 * historical value it stands for, and the band the issue accepts. `make
 * validate` prints them at full scale; the tests assert the same checks at a
 * reduced scale (same K), so the two cannot disagree on what is checked.
 */
#ifndef WC_REPORT_VALIDATION_H
#define WC_REPORT_VALIDATION_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/timeline.h"

#define WC_MAX_CHECKS 16

typedef struct wc_check {
	char name[96];	     /* what is measured */
	char simulated[64];  /* our value, formatted */
	char historical[96]; /* the measured figure and its source */
	char band[64];	     /* what passes */
	bool pass;
	bool skipped; /* not measurable in this run (printed "skip", not a failure) */
	bool known;   /* a miss explained in docs/validation.md: printed, not counted */
} wc_check;

/* Code Red v2, 19 July 2001. `scale` is population / 360,000: counts in the
 * bands scale with it, ratios and times do not. Returns the number of checks. */
int wc_validate_codered_v2(const wc_timeline *tl, double scale, wc_check *checks);

/* Code Red v1, 12-19 July 2001 (static seed). `scale` as for v2 (population
 * / 360,000). The CERT count is a known miss of the literal model: see
 * docs/validation.md. */
int wc_validate_codered_v1(const wc_timeline *tl, double scale, wc_check *checks);

/* Code Red II, 4 August 2001. tl: the scenario's run; uniform: the same run
 * with worm.strategy = uniform (what the /16 share would be without local
 * preference); rate_ratio: per-host probe rate of a Chinese-language host over
 * another's (wc_probes_per_active_second of two runs). The locality checks
 * are skipped while the infector-locality columns are all zero. */
int wc_validate_codered_ii(const wc_timeline *tl, const wc_timeline *uniform, double rate_ratio,
			   wc_check *checks);

/* Slammer, 25 January 2003. `scale` is population / 75,000 (the counts and
 * the aggregate rate scale with it; times and shares do not). Needs rows of
 * a few seconds at most. */
int wc_validate_slammer(const wc_timeline *tl, double scale, wc_check *checks);

/* Early doubling time in seconds: ln 2 over the least-squares slope of
 * ln(cumulative infected) against time, over the rows whose cumulative count
 * lies in [lo, hi]. 0 if fewer than 3 rows do. */
double wc_doubling_time(const wc_timeline *tl, double lo, double hi);

/* Probes per active host per second over the whole timeline: the sum of
 * probes over the sum of (active hosts at a row's start x its length). */
double wc_probes_per_active_second(const wc_timeline *tl);

/* Share of the infections in tl whose infector was in the same /16 (same8
 * false) or /8 (true); -1 if the locality columns are all zero. */
double wc_infector_share(const wc_timeline *tl, bool same8);

/* Prints checks as an aligned table; returns the number that failed
 * (skipped and known misses are not counted). */
int wc_checks_print(FILE *out, const wc_check *checks, int n);

#endif
