/*
 * dataset.h — published data sets as `wormcast fit` series, beside the CSV
 * series of series.h: what the file is is sniffed, or told.
 *
 * CAIDA's Code-Red table (the "Code-Red (CRv2) Worm Dataset", file
 * codered-july.table.txt and its August sibling; layout in docs/fit.md §1):
 * one line per infected address, eight tab-separated fields, start time
 * (Unix seconds, the address's first probe seen by the telescope), end time,
 * top-level domain, country, latitude, longitude, AS number, AS name; '#'
 * comment lines, and a header line naming the fields, may come first. Only
 * the start time is read: the series is the number of addresses first seen
 * by the end of each interval of `bin` seconds (cumulative), or the number
 * first seen in it (when told per-interval counts), from the interval
 * holding the earliest start to the one holding the latest.
 *
 * DShield's daily summaries (the Internet Storm Center API's dailysummary
 * and porthistory records, as CSV or tab-separated text with a header line):
 * a `date` column (YYYY-MM-DD) and counts per day among reports, records,
 * sources and targets (tcp, udp and other columns are carried, not read).
 * The count column is the one asked for, else `sources`, else the first of
 * records, reports, targets; each row is the count of its UTC day, a
 * per-interval count whose interval ends at the next midnight.
 *
 * Anything else is the CSV series of series.h. Bad input: -1 and err
 * (WC_EXIT_USAGE) as "FILE:LINE: field N 'name': ...".
 */
#ifndef WC_MODEL_DATASET_H
#define WC_MODEL_DATASET_H

#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "core/utc.h"
#include "model/series.h"

typedef enum wc_series_format {
	WC_SERIES_AUTO,
	WC_SERIES_CSV,	   /* series.h */
	WC_SERIES_CAIDA,   /* CAIDA's Code-Red table of infected addresses */
	WC_SERIES_DSHIELD, /* DShield daily summary */
} wc_series_format;

#define WC_DATASET_BIN_DEFAULT 600     /* seconds: CAIDA's table, per 10 minutes */
#define WC_DATASET_MAX_ROWS    1000000 /* intervals of a binned table */

/* What was taken from the file, for the user to see. */
typedef struct wc_dataset_info {
	wc_series_format format; /* the format read (never AUTO) */
	size_t rows;		 /* data rows read (addresses, days, CSV rows) */
	wc_time first, last;	 /* the span of the rows read (CAIDA, DShield) */
	char column[64];	 /* the field the counts come from */
	int bin;		 /* CAIDA: seconds per interval */
} wc_dataset_info;

/* "auto", "csv", "caida", "dshield" → 0, or -1. */
int wc_series_format_parse(const char *s, wc_series_format *f);
const char *wc_series_format_name(wc_series_format f);

/* Reads a whole stream (not closed) named path as fmt (AUTO: sniffed from
 * its first line that is not blank or a comment); bin is CAIDA's interval
 * in seconds (> 0). opt->counts: AUTO or CUMULATIVE gives CAIDA's
 * cumulative counts, INTERVAL new addresses per interval; DShield's are
 * per-interval unless told otherwise. Returns 0, or -1 with err set and s
 * empty. info may be NULL. */
int wc_dataset_read(wc_series *s, FILE *fp, const char *path, wc_series_format fmt,
		    const wc_series_options *opt, int bin, wc_dataset_info *info, wc_error *err);

#endif
