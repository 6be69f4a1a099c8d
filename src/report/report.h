/*
 * report.h — what a run leaves behind: timeline.csv, summary.json, a plot, a
 * terminal summary (docs/design.md §3.3).
 *
 * Contract: reporting reads a finished run and never changes it. Every file is
 * written to a temporary name beside its destination and renamed into place
 * (core/atomicfile.h), so an interrupted or failed write leaves the previous
 * file, or none, never a truncated one. Functions that write files return 0,
 * or -1 with err set: WC_EXIT_USAGE when the request itself is wrong (a plot
 * format we cannot write), WC_EXIT_RUNTIME for I/O failures, the path named in
 * the message. The headline numbers all outputs share come from one place,
 * wc_run_figures_compute(), so the JSON, the terminal and the plot agree.
 *
 * Timelines are read as wc_simulate() makes them: rows in increasing time,
 * evenly spaced by the scenario's output interval.
 */
#ifndef WC_REPORT_REPORT_H
#define WC_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/provenance.h"
#include "core/utc.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/timeline.h"

/* The headline figures of a run. Peaks are per row: flows are totals over one
 * output interval, so a peak of new_infections is "per interval". Where the
 * peak value occurs in several rows, the earliest row's time is kept. */
typedef struct wc_run_figures {
	size_t rows;	  /* timeline rows the figures come from */
	wc_time interval; /* seconds between the first two rows; 0 if < 2 rows */

	wc_time final_time;		    /* time of the last row */
	uint64_t final_cumulative_infected; /* distinct hosts ever infected, at the end */
	uint64_t final_infected;	    /* hosts carrying the worm at the end */
	uint64_t final_active;		    /* of which sending at the end */
	uint64_t final_patched;		    /* hosts immune by patch at the end */
	uint64_t final_telescope_sources;   /* distinct sources the telescope saw in all */
	uint64_t final_failed;		    /* devices knocked out by worm requests */

	uint64_t peak_new_infections;	  /* most first infections in one interval */
	wc_time peak_new_infections_time; /* end of that interval */
	uint64_t peak_active;		  /* most hosts sending at one row time */
	wc_time peak_active_time;
	uint64_t peak_probes; /* most probes in one interval */
	wc_time peak_probes_time;
	uint64_t peak_probe_pps; /* highest interval mean of scanning packets/s */
	uint64_t peak_probe_bps; /* its bits/s */
	wc_time peak_probe_pps_time;

	uint64_t total_probes; /* sums over all rows */
	uint64_t total_telescope_probes;
	uint64_t total_target_bytes;
	uint64_t total_reinfections;
	uint64_t total_blocked_probes;
} wc_run_figures;

/* Fills f from the timeline's rows. An empty timeline gives all zeros. */
void wc_run_figures_compute(const wc_timeline *tl, wc_run_figures *f);

/* The last row with time <= t, or NULL if every row is later (or there are
 * none): the state a measurement taken at t would have seen. */
const wc_timeline_row *wc_timeline_row_at(const wc_timeline *tl, wc_time t);

/* Writes v in decimal with ',' between groups of three digits ("1,234,567")
 * into buf and returns buf. The separator is fixed, not the locale's, so
 * output is the same on every machine. len >= 27 always suffices. */
char *wc_report_thousands(uint64_t v, char *buf, size_t len);

/* Writes the timeline as CSV to an open stream: wc_timeline_csv_header, then
 * one line per row (wc_timeline_row_csv). Returns 0, or -1 if the stream
 * reports an error. */
int wc_report_timeline_csv_stream(FILE *out, const wc_timeline *tl);

/* Writes the timeline as CSV to path, atomically. */
int wc_report_write_timeline_csv(const char *path, const wc_timeline *tl, wc_error *err);

/*
 * Writes summary.json to path, atomically: two-space indented, keys in a fixed
 * order, snake_case, a trailing newline. Top-level keys:
 *   scenario, source, seed, engine, threads, start, end (ISO 8601 UTC; end is
 *   opt->until where it cut the run short), interval_seconds, rows,
 *   vulnerable, probes, wall_seconds,
 *   final  {time, cumulative_infected, infected, active, patched, telescope_sources},
 *   peaks  {new_infections_per_interval, active, probes_per_interval}, each
 *          {value, time},
 *   totals {probes, telescope_probes, target_bytes, reinfections},
 *   history [{time, measured, kind (count, lower_bound, estimate),
 *   simulated_cumulative_infected}],
 *   provenance {wormcast_version, git_commit, command_line, started_at,
 *               scenario_hash, scenario}: scenario is the resolved scenario
 *               (wc_scenario_write_resolved), scenario_hash its FNV-1a 64 in
 *               16 hex digits; command_line and started_at come from prov
 *               (null where prov is NULL or leaves them unknown).
 * Times are ISO strings, or null where the timeline has no row to give one
 * (empty timeline; a history point before the first row). Counts are JSON
 * integers; a count above 2^63-1 (only a seed can be) is written as a decimal
 * string so that it is never rounded.
 */
int wc_report_write_summary_json(const char *path, const wc_scenario *sc, const wc_run_options *opt,
				 const wc_run_result *res, const wc_provenance *prov,
				 wc_error *err);

/* The resolved scenario's text (allocated; free() it) and, in hash, its
 * FNV-1a 64 as 16 hex digits: the scenario_hash of summary.json. */
char *wc_report_resolved_scenario(const wc_scenario *sc, char hash[17]);

/* Reads provenance.scenario_hash from the summary.json at path into hash:
 * 0, or -1 if the file cannot be read or holds none (an older version's). */
int wc_report_summary_scenario_hash(const char *path, char hash[17]);

/* Prints the run's summary as an aligned table for a person at a terminal:
 * what ran, the final and peak figures with their times, and each historical
 * measurement beside the simulated value. Numbers carry thousands separators. */
void wc_report_print_summary(FILE *out, const wc_scenario *sc, const wc_run_result *res);

/*
 * Draws the run as a paper-style figure with PLplot: cumulative infected,
 * active hosts and telescope sources against UTC clock time, the scenario's
 * historical measurements as points, a legend. The format follows path's
 * extension: .png, .svg or .pdf (case-insensitive); any other is
 * WC_EXIT_USAGE and nothing is written. Each call starts and ends its own
 * PLplot session, so it may be called any number of times, but not from two
 * threads at once: PLplot's state is process-wide.
 */
int wc_report_plot_run(const char *path, const wc_scenario *sc, const wc_timeline *tl,
		       wc_error *err);

/*
 * How the run plot draws a historical point: in the colour of the curve it
 * measures (colour-map index, plotkit.h), with a marker that says what kind
 * of figure it is: a disc for a count, a hollow disc for an estimate, a bar
 * at the value with an arrow pointing up for a lower bound.
 */
typedef struct wc_history_style {
	int colour;	    /* the measured curve's colour index */
	const char *curve;  /* that curve's legend name */
	bool arrow_up;	    /* a lower bound: bar, shaft and head */
	bool hollow;	    /* an estimate: a ring instead of a disc */
	const char *legend; /* legend text for the kind */
} wc_history_style;

void wc_history_style_of(const wc_history_point *h, wc_history_style *out);

#endif
