/*
 * fit_report.h — what `wormcast fit` leaves behind: fit.json, forecast.csv, a
 * plot, a terminal summary (docs/fit.md has the schema).
 *
 * Contract: reads finished fits and a forecast, never changes them. Files are
 * written atomically (core/atomicfile.h); functions return 0, or -1 with err
 * set (WC_EXIT_USAGE for a plot format we cannot write, WC_EXIT_RUNTIME for
 * I/O), the path named. Times are written as the input gave them: ISO 8601
 * UTC instants when the series had them, else hours on the input's own
 * scale. A NaN (an interval the data cannot give) is JSON null and an empty
 * CSV field. Numbers are printed with a fixed precision, so the same input
 * gives the same bytes (but for the provenance's command line and start).
 *
 * fits[] holds WC_MODEL_COUNT entries indexed by model, ok[] says which were
 * fitted; best is the index of the chosen model, chosen_by "aicc" or "given"
 * (the user named the model).
 */
#ifndef WC_REPORT_FIT_REPORT_H
#define WC_REPORT_FIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/provenance.h"
#include "model/dataset.h"
#include "model/fit.h"
#include "model/forecast.h"
#include "model/series.h"

typedef struct wc_fit_report {
	const wc_series *series;
	const wc_fit *fits; /* WC_MODEL_COUNT, indexed by model */
	const bool *ok;	    /* which fits exist */
	int best;	    /* the model reported and forecast */
	const char *chosen_by;
	const wc_forecast *forecast; /* of fits[best] */
	/* how the fit was asked for (fit.json's "provenance": version, commit,
	 * command line, start time); NULL leaves it out */
	const wc_provenance *provenance;
	/* what the file was and what was taken from it (fit.json's input.format,
	 * input.rows, input.bin_seconds); NULL: a CSV series, as before */
	const wc_dataset_info *dataset;
} wc_fit_report;

int wc_report_write_fit_json(const char *path, const wc_fit_report *r, wc_error *err);

/* forecast.csv: time,fit,conf_lo95,conf_hi95,pred_lo95,pred_hi95 on the
 * forecast grid, in the series' terms (cumulative, or per interval of the
 * series' width): the 95% confidence band of the curve and the 95%
 * prediction band of observations (model/forecast.h). A withheld forecast
 * has the fitted curve over the data only, every band empty. */
int wc_report_write_forecast_csv(const char *path, const wc_fit_report *r, wc_error *err);

/* The data as points, the fitted curve through the data, its continuation
 * to the forecast's end and the two 95% bands, labelled, against time (UTC clock times for
 * ISO input). Format by extension: .png, .svg, .pdf. Not thread-safe
 * (PLplot's state is process-wide). */
int wc_report_plot_fit(const char *path, const wc_fit_report *r, wc_error *err);

/* The model comparison, the chosen model's parameters with intervals and the
 * forecast, aligned for a terminal. */
void wc_report_print_fit(FILE *out, const wc_fit_report *r);

/* What a reader must know before trusting the numbers, one sentence each:
 * no intervals (an exact solve, or parameters the data cannot pin down), no
 * band (too few usable draws), a poor fit (R^2 of the chosen model below
 * 0.9), a fit that stopped before converging, and the optimism of intervals
 * from cumulative counts. Writes up to max sentences into w, returns how
 * many. fit.json lists them as "warnings"; the CLI prints them to stderr. */
#define WC_REPORT_WARNING_LEN 320
int wc_report_fit_warnings(const wc_fit_report *r, char w[][WC_REPORT_WARNING_LEN], int max);

#endif
