/*
 * detect_report.h — what `wormcast detect` leaves behind: sources.csv,
 * timeline.csv (and one timeline-KIND.csv per kind found), a terminal
 * summary, a plot (docs/detect.md §3).
 *
 * Contract: reads a finished wc_detect (after wc_detect_finish) and never
 * changes it. Files are written atomically (core/atomicfile.h); functions
 * return 0, or -1 with err set and the path named. Times are ISO 8601 UTC.
 */
#ifndef WC_REPORT_DETECT_REPORT_H
#define WC_REPORT_DETECT_REPORT_H

#include <stdio.h>

#include "core/error.h"
#include "core/provenance.h"
#include "detect/detect.h"

/* "source,first_seen,last_seen,requests,kind", one row per (source, kind). */
int wc_report_detect_sources_csv(FILE *out, const wc_detect *d);
/* timeline.csv: time,requests,new_sources,cumulative_sources over the worm
 * kinds, then KIND_requests,KIND_new_sources,KIND_cumulative_sources for each
 * kind (ida-probe as ida_probe). kind < 0 gives that file; kind >= 0 the four
 * leading columns for that kind alone (timeline-KIND.csv). */
int wc_report_detect_timeline_csv(FILE *out, const wc_detect *d, int kind);

/* How detect was run, for summary.json. */
typedef struct wc_detect_run_info {
	const char *const *inputs; /* as given; "-" is standard input */
	int ninputs;
	wc_time bin;		  /* --bin */
	bool has_from, has_until; /* --from, --until */
	wc_time from, until;
	const wc_provenance *provenance;
} wc_detect_run_info;

/* DIR/summary.json: per kind (requests, sources, first and last seen), the
 * input counts, the window and the provenance; written whole or not at all
 * (docs/detect.md §3). */
int wc_report_detect_summary_json(const char *path, const wc_detect *d,
				  const wc_detect_run_info *info, wc_error *err);

/* One JSON object per line per (source, kind), in sources.csv's order, with
 * eve.json's names and time format (docs/detect.md §3, "--alerts"). */
int wc_report_detect_alerts(FILE *out, const wc_detect *d);
/* One such line, for one source (detect --follow, as sources are found). */
int wc_report_detect_alert(FILE *out, const wc_detect_source *s);

/* Writes DIR/sources.csv, DIR/timeline.csv and DIR/timeline-KIND.csv for every
 * kind with at least one source. DIR must exist. */
int wc_report_detect_write(const char *dir, const wc_detect *d, wc_error *err);

/* Per kind: requests, distinct sources, first and last seen; then the input
 * totals. (The problems found are the caller's to print, to stderr.) */
void wc_report_detect_print(FILE *out, const wc_detect *d);
/* Per kind: distinct sources, and when the first was first seen and the last
 * last seen (0 for a kind with none). The terminal summary and summary.json
 * both report these. */
typedef struct wc_detect_kind_totals {
	uint64_t sources[WC_KIND_COUNT];
	wc_time first[WC_KIND_COUNT], last[WC_KIND_COUNT];
} wc_detect_kind_totals;
void wc_report_detect_kind_totals(const wc_detect *d, wc_detect_kind_totals *t);

/* Cumulative distinct sources per kind against UTC time (.png, .svg, .pdf). */
int wc_report_detect_plot(const char *path, const wc_detect *d, wc_error *err);

#endif
