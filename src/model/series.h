/*
 * series.h — an observed outbreak as `wormcast fit` reads it: a CSV time series
 * of counts, checked, with its times in hours from an origin.
 *
 * Contract. The file is CSV with a header line; blank lines and lines that
 * start with '#' are skipped anywhere (a fixture can cite its source), and a
 * field may be wrapped in double quotes (no commas inside); at most 64
 * columns. The time column is the one named time, hours or t (any case),
 * else the first; its values are all ISO 8601 UTC instants (core/utc.h) or all
 * numbers. Numbers are hours, except that a column not named `hours` whose
 * values all lie in [WC_SERIES_EPOCH_MIN, WC_SERIES_EPOCH_MAX] holds Unix
 * epoch seconds (1973 to 2286: `date +%s`, pcap and log tools write them;
 * as hours they would put the outbreak 100,000 years on) and is read as
 * instants. time_unit says which rule read the column. A series spanning more
 * than WC_SERIES_MAX_SPAN hours (a century) is refused with a hint: its times
 * are in some other unit (milliseconds, seconds in an `hours` column).
 * The count column is the one the caller names, else the first of cumulative_infected,
 * cumulative_sources, cumulative, else the first column that is neither the
 * time nor `kind`. Where a `kind` column exists (detect's timeline), only rows
 * of the caller's kind are kept, and naming none is an error when the file
 * holds more than one. An empty count cell is a missing row (a gap); times must
 * increase strictly; gaps in time are allowed.
 *
 * Counts are cumulative (hosts ever seen, non-decreasing) or per interval
 * (new hosts in the interval ending at the row's time). The caller may say
 * which; otherwise a column named cumulative* is cumulative, one named new,
 * new_*, *requests or *probes per-interval (also after a KIND_ prefix, as in
 * detect's codered_cumulative_sources), and any other column is cumulative
 * if it never decreases and per-interval if it does: the series records which rule
 * decided, for the user to see. The interval width of per-interval counts is
 * the smallest time step between rows.
 *
 * Bad input gives -1 and err (WC_EXIT_USAGE) as "FILE:LINE: column 'x': ...":
 * fewer than WC_SERIES_MIN_POINTS rows, a count that is not a non-negative
 * number, a cumulative count that goes down or never grows, all counts zero,
 * unparseable times, rows with the wrong number of fields, a span of more
 * than a century. Nothing is fitted
 * to such input.
 */
#ifndef WC_MODEL_SERIES_H
#define WC_MODEL_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/utc.h"

#define WC_SERIES_MIN_POINTS 3
#define WC_SERIES_EPOCH_MIN  1e8
#define WC_SERIES_EPOCH_MAX  1e10
#define WC_SERIES_MAX_SPAN   876600.0 /* hours: 100 years */

typedef enum wc_counts {
	WC_COUNTS_AUTO = 0,
	WC_COUNTS_CUMULATIVE,
	WC_COUNTS_INTERVAL,
} wc_counts;

typedef struct wc_series_options {
	const char *column; /* count column; NULL: the contract's choice */
	const char *kind;   /* rows of this kind only, where a kind column exists */
	wc_counts counts;   /* WC_COUNTS_AUTO: detect, and say how in .counts_note */
} wc_series_options;

typedef struct wc_series {
	char *path;	   /* as given, for messages and fit.json */
	char *time_column; /* header names of the columns used */
	char *column;
	char *kind; /* the kind filtered on, or NULL */

	bool iso;	       /* times are instants: ISO 8601, or epoch seconds */
	const char *time_unit; /* how the times were read, for people (static) */
	wc_time epoch0;	       /* iso: the instant of t = 0 */
	double origin_h;       /* input hours (non-iso) of t = 0 */
	size_t n;	       /* points */
	double *t;	       /* hours from the origin, increasing */
	double *y;	       /* counts as read */
	wc_counts counts;      /* CUMULATIVE or INTERVAL, never AUTO */
	bool detected;	       /* counts was decided from the data, not told */
	char counts_note[160]; /* why counts is what it is, one sentence */
	double width;	       /* per-interval: hours covered by one row */
	/* The origin is the first row's time for cumulative counts and the start
	 * of the first interval for per-interval ones, so that C(0) is what was
	 * infected before the first observation. */
} wc_series;

/* Reads path as the contract says. Returns 0, or -1 with err set and s empty. */
int wc_series_read(wc_series *s, const char *path, const wc_series_options *opt, wc_error *err);

/* The same from an open stream (read to its end, not closed); path names
 * it in messages. The fuzz target reads memory through fmemopen. */
int wc_series_read_stream(wc_series *s, FILE *fp, const char *path, const wc_series_options *opt,
			  wc_error *err);

/* Builds a series from arrays (times in hours), as the tests and benchmarks
 * do; same checks as reading, messages name `name`. */
int wc_series_from_arrays(wc_series *s, const char *name, const double *t_hours, const double *y,
			  size_t n, wc_counts counts, wc_error *err);

/* Builds a series of instants (Unix seconds, increasing) from a data set
 * read by another reader (model/dataset.h): the same checks as reading a
 * CSV, messages naming path, lines[i] (the input line of point i) and the
 * column; time_unit (static) says how the times were read. */
int wc_series_from_instants(wc_series *s, const char *path, const char *time_column,
			    const char *column, const char *time_unit, const wc_time *t,
			    const double *y, const int *lines, size_t n, wc_counts counts,
			    wc_error *err);

/* Hours from the origin → the input's own time: an instant (iso) or hours. */
double wc_series_input_hours(const wc_series *s, double t);
wc_time wc_series_instant(const wc_series *s, double t);

void wc_series_free(wc_series *s);

#endif
