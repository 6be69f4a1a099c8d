/*
 * ensemble.h — many seeds of one scenario, summarised per row time: the
 * type-7 quantiles (wc_quantile) of every timeline column over the seeds,
 * written as quantiles.csv (docs/design.md §3.3).
 *
 * The seeds' timelines are kept as doubles, [row][column][seed], so that each
 * (row, column) is one contiguous slice to sort: 100 seeds of a 500-row
 * timeline take under 10 MB. Every timeline added must have the first one's
 * row times (same scenario, same window): anything else is a bug upstream,
 * reported rather than averaged over.
 */
#ifndef WC_REPORT_ENSEMBLE_H
#define WC_REPORT_ENSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/provenance.h"
#include "core/utc.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/timeline.h"

/* More seeds than this are refused: a typo (1-1000000) would otherwise run
 * for days before saying anything. */
#define WC_ENSEMBLE_MAX_SEEDS 10000
/* Most quantiles one --quantiles list may ask for. */
#define WC_ENSEMBLE_MAX_QUANTILES 64

typedef struct wc_ensemble {
	uint64_t first_seed; /* the seeds are first_seed .. first_seed + seeds - 1 */
	size_t seeds;	     /* timelines expected */
	size_t added;	     /* timelines added so far */
	size_t rows;	     /* rows of each timeline (the first one's count) */
	wc_time *times;	     /* the rows' times */
	size_t cols;	     /* columns of each timeline (wc_timeline_width) */
	wc_timeline names;   /* the first timeline's sensor names (no rows) */
	double *values;	     /* [row][column][seed]; a slice is sorted once all are in */
	bool sorted;
} wc_ensemble;

/* An empty ensemble for seeds (1..WC_ENSEMBLE_MAX_SEEDS) timelines, those of
 * seeds first_seed on (recorded for summary.json). */
void wc_ensemble_init(wc_ensemble *e, uint64_t first_seed, size_t seeds);
void wc_ensemble_free(wc_ensemble *e);

/* Copies tl in as the next seed: 0, or -1 with err set (WC_EXIT_RUNTIME) if
 * the ensemble is full or tl's rows differ from the first timeline's. */
int wc_ensemble_add(wc_ensemble *e, const wc_timeline *tl, wc_error *err);

/* The p-quantile of column col (wc_timeline_width's order: the fixed
 * columns, then the sensors') at row
 * over the seeds added, by wc_quantile. The first call sorts every slice; add
 * nothing after it. At least one timeline must have been added. */
double wc_ensemble_quantile(wc_ensemble *e, size_t row, size_t col, double p);

/* Parses "0.05,0.5,0.95" into q[0..*nq): each in (0, 1), strictly
 * increasing, at most WC_ENSEMBLE_MAX_QUANTILES. 0, or -1 with err set
 * (WC_EXIT_USAGE) naming what is wrong. */
int wc_ensemble_parse_quantiles(const char *s, double *q, size_t *nq, wc_error *err);

/* Writes quantiles.csv to path, atomically: the header "time,column,quantile,
 * value", then per row time, per timeline column (contract order), per
 * quantile (as given) one line. Values are printed in the shortest of %.15g
 * and %.17g that reads back exactly: integers without a decimal point,
 * interpolated values to full precision. */
int wc_report_write_quantiles_csv(const char *path, wc_ensemble *e, const double *q, size_t nq,
				  wc_error *err);

/*
 * summary.json for an ensemble: the single-run file (wc_report_write_summary_json,
 * same keys, same format) of the first seed's run, res, plus one key,
 *   ensemble {first_seed, last_seed, seeds, quantiles [p...],
 *             final {time, columns {NAME: [value per quantile]}}}
 * where final holds every timeline column's quantiles at the last row.
 */
int wc_report_write_ensemble_summary_json(const char *path, const wc_scenario *sc,
					  const wc_run_options *opt, const wc_run_result *res,
					  const wc_provenance *prov, wc_ensemble *e,
					  const double *q, size_t nq, wc_error *err);

/* Draws the ensemble's cumulative_infected as a band plot: the median line
 * over the shaded 5-95 % band (whatever quantiles quantiles.csv holds), with
 * the scenario's historical points, like wc_report_plot_run. */
int wc_report_plot_band(const char *path, const wc_scenario *sc, wc_ensemble *e, wc_error *err);

/* The column index of name in wc_timeline_columns, or -1. */
int wc_timeline_column_index(const char *name);

#endif
