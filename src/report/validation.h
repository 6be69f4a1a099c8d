/*
 * validation.h — a run's figures beside the historical ones.
 *
 * Each check names a measured figure (docs/reference.md §5), the simulated
 * value, the historical value it stands for, and its accepted band: the record
 * read with its tolerance, as the interval [lo, hi] of values that count as
 * the record. `make validate` prints them at full scale; the tests assert the
 * same checks at a reduced scale (same K), so the two cannot disagree on what
 * is checked.
 *
 * Over an ensemble of seeds the question is whether the record lies inside
 * the simulated spread: a figure passes when its accepted interval meets the
 * 5-95% band of the seeds' values (for a point record, when the record lies
 * in the band), not when every seed lands in the interval. A miss the model
 * cannot avoid is marked `known`, with its reason in `why` and in
 * docs/validation.md: printed, not counted as a failure.
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
	double value;	     /* the simulated figure as a number; NaN if not measured */
	double lo, hi;	     /* accepted interval, inclusive; +-INFINITY for a bound */
	char unit[8];	     /* how `value` prints: "", "%", "s", "min", "x" or "UTC" */
	bool pass;	     /* value lies in [lo, hi] */
	bool skipped;	     /* not measurable in this run (printed "skip", not a failure) */
	bool known;	     /* a miss explained in docs/validation.md: printed, not counted */
	char why[96];	     /* the reason for a known miss */
} wc_check;

/* One figure over an ensemble of seeds. */
typedef struct wc_figure {
	double median, q05, q95; /* of the seeds' values */
	int seeds;		 /* values summarised */
	int missing;		 /* seeds where the figure was not measured (NaN) */
	int in_interval;	 /* seeds whose value lies in [lo, hi] (for information) */
	bool pass;		 /* [q05, q95] meets [lo, hi], and no seed missing */
	bool skipped;		 /* no seed could measure it */
	bool known;		 /* a documented miss (copied from the check) */
} wc_figure;

/* The p-quantile (0 <= p <= 1) of sorted[0..n), n > 0, interpolated linearly
 * between order statistics (Hyndman and Fan's type 7, R's default). */
double wc_quantile(const double *sorted, size_t n, double p);

/* Summarises one check's values over n seeds (values[] is sorted in place;
 * NaN marks a seed where it was not measured) against the check's accepted
 * interval [c->lo, c->hi]; c's known and skipped flags carry over. */
wc_figure wc_figure_summarise(const wc_check *c, double *values, size_t n);

/* Prints the ensemble table (figure, record, accepted interval, median, 5-95%
 * band, seeds in the interval, verdict); returns the number of figures that
 * failed (skipped and known misses are not counted). */
int wc_figures_print(FILE *out, const wc_check *checks, const wc_figure *figures, int n);

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
