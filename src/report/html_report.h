/*
 * html_report.h — `wormcast report`: one self-contained HTML page for the
 * output folders of run, sweep, detect and fit (docs/teaching.md).
 *
 * Contract: three steps, each in its own file. html_folder.c reads a folder
 * (its kind from the files it holds and summary.json's "command", then the
 * summary and the CSV tables the page plots) into one JSON object;
 * html_csv.c turns a CSV file into columns; html_page.c writes the page: the
 * embedded template (src/report/html/, built into the binary by
 * tools/embed-text.sh) with the folders' JSON inside a
 * <script type="application/json"> block. Nothing in the page refers to
 * anything outside it. Functions return 0 or an object, else -1 or NULL with
 * err set: WC_EXIT_USAGE for input that is missing, unreadable, malformed or
 * of no known kind, naming the file (and line), WC_EXIT_RUNTIME for a write
 * that failed. Nothing is printed.
 */
#ifndef WC_REPORT_HTML_REPORT_H
#define WC_REPORT_HTML_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

typedef enum wc_folder_kind {
	WC_FOLDER_RUN,	    /* run: summary.json, timeline.csv */
	WC_FOLDER_ENSEMBLE, /* run --seeds: summary.json with "ensemble", quantiles.csv */
	WC_FOLDER_SWEEP,    /* sweep: summary.json ("command": "sweep"), sweep.csv, runs.csv */
	WC_FOLDER_DETECT,   /* detect: summary.json ("command": "detect"), sources.csv, timeline.csv
			     */
	WC_FOLDER_FIT,	    /* fit: fit.json, forecast.csv */
} wc_folder_kind;

/* "run", "ensemble", "sweep", "detect", "fit". */
const char *wc_folder_kind_name(wc_folder_kind k);

/* The kind of a folder from its summary.json (NULL when it has none) and
 * whether it holds fit.json. Returns 0, or -1 when no kind fits. */
int wc_folder_kind_of(const json_t *summary, bool has_fit_json, wc_folder_kind *kind);

/* One folder as the page reads it: {"dir", "kind", "summary" (summary.json or
 * fit.json as written), "files" {NAME: bytes}, "series" {...}, "tables"
 * {...}}; the page's script (report.js) documents what each kind holds. */
json_t *wc_report_load_folder(const char *dir, wc_error *err);

/* Which columns of a CSV file to keep and how. */
typedef struct wc_csv_pick {
	const char *const *columns; /* NULL-terminated fnmatch(3) patterns; NULL keeps all */
	bool numeric;		    /* every kept field must be a number or empty */
	size_t max_points; /* > 0: keep every k-th row (and the last) so at most this many */
	size_t max_rows;   /* > 0: keep the first this many rows only */
} wc_csv_pick;

/*
 * A CSV file with a header line as columns: {"columns": [NAME...], "rows":
 * rows in the file, "kept": rows kept, "stride": k, "data": {NAME: [...]}}.
 * Lines starting with '#' before the header are comments. A column named
 * "time" holds ISO 8601 UTC times (seconds since the epoch in the JSON) or
 * plain numbers (hours; "time_hours": true); other fields become numbers
 * where they are numbers, null where empty, strings otherwise. A line with
 * the wrong number of fields, a malformed time or (numeric) a field that is
 * not a number is an error naming path, line and column.
 */
json_t *wc_report_read_csv(const char *path, const wc_csv_pick *pick, wc_error *err);

/* quantiles.csv (time,column,quantile,value) for the columns named (NULL
 * terminated): {"time": [...], "quantiles": [q...], "columns": {NAME: [[values
 * of quantile 1], ...]}}, at most max_points times (every k-th). */
json_t *wc_report_read_quantiles(const char *path, const char *const *columns, size_t max_points,
				 wc_error *err);

/* v as JSON text that is safe inside an HTML <script> element: every '<',
 * '>' and '&' written as a \u escape, so no "</script>" or "<!--" can end
 * or change the element. Allocated; free() it. */
char *wc_report_script_json(const json_t *v);

/* The page for the folders (a JSON array of wc_report_load_folder objects)
 * to fp. Returns 0, or -1 with err set (WC_EXIT_RUNTIME) when a write fails. */
int wc_report_write_html(FILE *fp, const json_t *folders, wc_error *err);

#endif
