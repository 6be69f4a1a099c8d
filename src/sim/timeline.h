/*
 * timeline.h — what a defender would have measured, one row per output interval.
 *
 * The column order is the CSV contract of docs/design.md §3.3: new columns go
 * at the end of WC_TIMELINE_COLUMNS, none is renamed.
 */
#ifndef WC_SIM_TIMELINE_H
#define WC_SIM_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/utc.h"

/*
 * Every column after `time`, in contract order: X(name, kind, meaning). The
 * struct fields, the CSV header, the CSV formatter and the table in
 * docs/design.md §3 all come from this one list (a test checks the docs).
 * kind: COUNT, taken at the row's time; FLOW, the total over the interval
 * that ends at the row's time; GROWING, a count that never decreases.
 */
#define WC_TIMELINE_COLUMNS(X)                                                                     \
	X(susceptible, COUNT, "vulnerable, not infected, not patched")                             \
	X(infected, COUNT, "carrying the worm now, whatever its phase")                            \
	X(active, COUNT, "infected and sending: spreading or flooding")                            \
	X(removed, COUNT, "infected once, clean now (rebooted or patched)")                        \
	X(patched, COUNT, "immune by patch")                                                       \
	X(new_infections, FLOW, "first infections of a host in the interval")                      \
	X(cumulative_infected, GROWING, "distinct hosts ever infected")                            \
	X(probes, FLOW, "scanning attempts in the interval")                                       \
	X(telescope_probes, FLOW, "probes that landed in telescope blocks")                        \
	X(telescope_sources, GROWING, "distinct sources the telescope has seen so far")            \
	X(target_bytes, FLOW, "flood bytes that reached the target")                               \
	X(spreading, COUNT, "infected hosts in their spread phase")                                \
	X(flooding, COUNT, "infected hosts in their flood phase")                                  \
	X(reinfections, FLOW, "infections of hosts infected before (after a reboot)")              \
	X(target_connections, COUNT, "connections the flood holds open to the target")             \
	X(infected_same16, FLOW, "infections (new or repeat) by a host in the same /16")           \
	X(infected_same8, FLOW, "infections by a host in the same /8 (the /16 ones included)")     \
	X(probe_pps, FLOW, "scanning packets per second, interval mean")                           \
	X(probe_bps, FLOW, "the same in bits per second on the wire")                              \
	X(failed, GROWING, "devices knocked out by a worm request so far")                         \
	X(blocked_probes, FLOW, "probes dropped by filters in the interval")

enum wc_column_kind { WC_COLUMN_COUNT, WC_COLUMN_FLOW, WC_COLUMN_GROWING };

typedef struct wc_timeline_row {
	wc_time time; /* end of the interval, UTC */
#define WC_TIMELINE_FIELD(name, kind, meaning) uint64_t name;
	WC_TIMELINE_COLUMNS(WC_TIMELINE_FIELD)
#undef WC_TIMELINE_FIELD
} wc_timeline_row;

/* One column of the list above, for code that walks them all. */
typedef struct wc_timeline_column {
	const char *name;
	enum wc_column_kind kind;
	const char *meaning;
	size_t offset; /* of its uint64_t in wc_timeline_row */
} wc_timeline_column;
extern const wc_timeline_column wc_timeline_columns[];
extern const size_t wc_timeline_ncolumns;

typedef struct wc_timeline {
	wc_timeline_row *rows;
	size_t n, cap;
} wc_timeline;

void wc_timeline_init(wc_timeline *tl);
void wc_timeline_free(wc_timeline *tl);
void wc_timeline_push(wc_timeline *tl, const wc_timeline_row *row);

/* The CSV header line (no newline) and one row, both in contract order. */
extern const char wc_timeline_csv_header[];
int wc_timeline_row_csv(const wc_timeline_row *row, char *buf, size_t len);

#endif
