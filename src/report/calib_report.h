/*
 * calib_report.h — what `wormcast calibrate` leaves behind (docs/calibrate.md
 * §4): posterior.csv, calibrate.json, forecast.csv in the forecast hubs'
 * quantile format, a plot, and a terminal summary.
 *
 * Contract: reads a finished calibration, never changes it. Files are written
 * atomically (core/atomicfile.h); functions return 0, or -1 with err set, the
 * path named. Numbers have a fixed precision, so the same inputs and seed
 * give the same bytes (but for calibrate.json's provenance).
 */
#ifndef WC_REPORT_CALIB_REPORT_H
#define WC_REPORT_CALIB_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "calib/calib.h"
#include "core/error.h"
#include "core/provenance.h"
#include "model/abc.h"

typedef struct wc_calib_report {
	const wc_calib *calib;
	const wc_abc_config *config; /* as asked: sims, rounds, particles, alpha, seed */
	const wc_abc_result *result;
	const wc_calib_predictive *pred;
	wc_time forecast_until;
	const wc_provenance *provenance; /* NULL leaves it out */
} wc_calib_report;

int wc_report_write_posterior_csv(const char *path, const wc_calib_report *r, wc_error *err);
int wc_report_write_calibrate_json(const char *path, const wc_calib_report *r, wc_error *err);
/* One row per time after the last observation, column and hub level:
 * forecast_date,target,target_end_date,location,type,quantile,value. */
int wc_report_write_calib_forecast_csv(const char *path, const wc_calib_report *r, wc_error *err);
/* Observations, posterior predictive median with 50% and 90% bands, the
 * forecast beyond the last observation; one panel per column (up to 4). */
int wc_report_plot_calib(const char *path, const wc_calib_report *r, wc_error *err);
void wc_report_print_calib(FILE *out, const wc_calib_report *r);

#endif
