/*
 * sweep_report.h — what a sweep (sim/sweep.h) leaves behind: the outcomes of
 * each run, their means with 95% intervals and 5–95% spreads, sweep.csv, runs.csv and a plot.
 *
 * Contract: the outcomes of a run are computed from its timeline by
 * wc_run_figures_compute() (report.h), the same figures `run` reports, plus
 * the times to 50% and 90%. Every outcome is a double; NaN means "did not
 * happen in this run" (only the two time-to outcomes can be NaN). Files are
 * written atomically (core/atomicfile.h), rows in combination order, numbers
 * in a fixed, locale-free format, so the same sweep gives the same bytes for
 * any thread count.
 */
#ifndef WC_REPORT_SWEEP_REPORT_H
#define WC_REPORT_SWEEP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/provenance.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/sweep.h"

/* The outcomes of one run, in CSV column order. */
enum wc_outcome {
	WC_OUT_CUMULATIVE_INFECTED, /* distinct hosts ever infected, at the last row */
	WC_OUT_INFECTED,	    /* hosts carrying the worm at the last row */
	WC_OUT_PEAK_ACTIVE,	    /* most hosts sending (spreading or flooding) at one row */
	WC_OUT_PEAK_ACTIVE_HOURS,   /* hours from outbreak start to that row (earliest) */
	WC_OUT_PEAK_NEW_PER_MINUTE, /* most new infections in one row / row minutes */
	WC_OUT_HOURS_TO_50,	    /* hours until cumulative infected >= 50% of vulnerable */
	WC_OUT_HOURS_TO_90,	    /* the same for 90%; NaN if never */
	WC_OUT_PROBES,		    /* probes in all rows */
	WC_OUT_TELESCOPE_SOURCES,   /* distinct sources the telescope saw, at the last row */
	WC_OUT_TARGET_BYTES,	    /* flood bytes that reached the target, all rows */
	WC_OUT_BLOCKED_PROBES,	    /* probes the filters dropped, all rows */
	WC_OUT_INFECTED_SHARE,	    /* cumulative infected / vulnerable hosts */
	WC_NOUTCOMES
};

typedef struct wc_outcome_def {
	const char *name;  /* CSV column stem and --outcome value */
	const char *label; /* axis label, with unit */
	bool can_miss;	   /* NaN in runs where it did not happen */
} wc_outcome_def;

/* The table of outcomes, indexed by enum wc_outcome. */
const wc_outcome_def *wc_outcome_get(int i);
/* The outcome called name, or -1. */
int wc_outcome_find(const char *name);

/* A wc_sweep_measure_fn: fills out[0 .. WC_NOUTCOMES) for one run. ctx unused.
 * Times are measured from sc->start at row resolution (sc->interval); the
 * 50%/90% thresholds are fractions of res->vulnerable, the hosts placed. */
void wc_outcomes_measure(const wc_scenario *sc, const wc_run_result *res, double *out, void *ctx);

/* The mean of a sample and its 95% interval: mean ± t(0.975, n−1)·s/√n, s the
 * sample standard deviation (n−1 denominator), t from GSL's
 * gsl_cdf_tdist_Pinv. NaN values are left out and n counts the rest. With
 * n = 0 all three are NaN; with n = 1 the mean is the value and lo, hi are NaN
 * (one run gives no interval). */
typedef struct wc_mean_ci {
	double mean, lo, hi;
	uint64_t n; /* values that were not NaN */
} wc_mean_ci;

/* Over x[0], x[stride], ..., x[(count−1)·stride]. */
void wc_mean_ci95(const double *x, size_t count, size_t stride, wc_mean_ci *out);

/* The spread of the runs themselves, which the mean's interval is not: the
 * 5% and 95% quantiles of the non-NaN values, interpolated linearly between
 * order statistics at (n−1)·p (R's default, type 7; GSL's
 * gsl_stats_quantile_from_sorted_data). With n = 0 both are NaN; with n = 1
 * both are the value. */
typedef struct wc_spread90 {
	double p5, p95;
	uint64_t n; /* values that were not NaN */
} wc_spread90;

/* Over x[0], x[stride], ..., x[(count−1)·stride]. */
void wc_spread90_of(const double *x, size_t count, size_t stride, wc_spread90 *out);

/* Formats v for the CSV files: "" for NaN, else fixed-point with at least 10
 * significant digits and no trailing zeros ("1406", "2.5", "0.1234567891"). */
char *wc_sweep_format_number(double v, char *buf, size_t len);

/*
 * sweep.csv: a header, then one row per combination in combination order:
 * the varied keys' values (header: the key names), then for each outcome
 * NAME_mean,NAME_lo,NAME_hi (the mean and its 95% interval), NAME_p5,NAME_p95
 * (the runs' 5–95% spread; and NAME_reached, the runs it happened in, for
 * outcomes that can miss), then runs. out is laid out as wc_sweep_run makes it
 * with nout = WC_NOUTCOMES.
 */
int wc_report_write_sweep_csv(const char *path, const wc_sweep *sw, const double *out,
			      wc_error *err);

/* runs.csv: combination, the varied keys' values, seed, then every outcome:
 * one row per run, combination-major, seeds in order. Missing values empty. */
int wc_report_write_sweep_runs_csv(const char *path, const wc_sweep *sw, const double *out,
				   wc_error *err);

/* DIR/summary.json: sweep.csv's figures per combination as one JSON document,
 * with the provenance (json null where a value does not exist). */
int wc_report_write_sweep_json(const char *path, const wc_sweep *sw, const double *out,
			       const wc_provenance *prov, wc_error *err);

/*
 * Draws one outcome's mean against the first varied key, with the runs'
 * 5–95% spread (wc_spread90_of) as error bars; one line per combination of the other varied keys
 * (at most WC_SWEEP_PLOT_MAX_LINES). A numeric first key gets a numeric axis;
 * otherwise its values are evenly spaced and labelled. Format by extension,
 * as wc_report_plot_run. wc_report_plot_sweep_check tells, before any run,
 * whether the sweep can be drawn (WC_EXIT_USAGE if not).
 */
#define WC_SWEEP_PLOT_MAX_LINES 8
int wc_report_plot_sweep_check(const char *path, const wc_sweep *sw, wc_error *err);
int wc_report_plot_sweep(const char *path, const wc_sweep *sw, const double *out, int outcome,
			 wc_error *err);

#endif
