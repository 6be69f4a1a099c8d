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
	X(blocked_probes, FLOW, "probes dropped by filters in the interval")                       \
	X(infected_addresses, GROWING, "distinct addresses infected hosts have used so far")

enum wc_column_kind { WC_COLUMN_COUNT, WC_COLUMN_FLOW, WC_COLUMN_GROWING };

/*
 * Sensors ([sensor.NAME], sensor.h): each adds three columns after the fixed
 * ones, in the order of the scenario's sections, named by wc_sensor_column_name:
 *   NAME_probes            FLOW     probes the sensor received in the interval
 *   NAME_sources           GROWING  distinct source addresses seen so far
 *   NAME_interval_sources  FLOW     distinct source addresses seen in the
 *                                   interval (per row: not additive over rows)
 */
#define WC_TIMELINE_SENSORS 8
enum { WC_SENSOR_PROBES, WC_SENSOR_SOURCES, WC_SENSOR_INTERVAL, WC_SENSOR_NCOLUMNS };
/* Column k of sensor `name` ("NAME_probes", ...), cut to len bytes. */
void wc_sensor_column_name(const char *name, int k, char *buf, size_t len);

typedef struct wc_timeline_row {
	wc_time time; /* end of the interval, UTC */
#define WC_TIMELINE_FIELD(name, kind, meaning) uint64_t name;
	WC_TIMELINE_COLUMNS(WC_TIMELINE_FIELD)
#undef WC_TIMELINE_FIELD
	uint64_t sensor[WC_TIMELINE_SENSORS][WC_SENSOR_NCOLUMNS]; /* the first nsensors */
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
	int nsensors; /* sensors whose columns follow the fixed ones */
	char sensor_name[WC_TIMELINE_SENSORS][64];
} wc_timeline;

void wc_timeline_init(wc_timeline *tl);
void wc_timeline_free(wc_timeline *tl);
void wc_timeline_push(wc_timeline *tl, const wc_timeline_row *row);

/* Adds a sensor's columns (before any row is pushed). */
void wc_timeline_add_sensor(wc_timeline *tl, const char *name);

/* Every column of tl: the fixed ones (wc_timeline_columns), then the
 * sensors'. Column c's name (cut to len bytes), kind and value in a row. */
size_t wc_timeline_width(const wc_timeline *tl);
void wc_timeline_name(const wc_timeline *tl, size_t c, char *buf, size_t len);
enum wc_column_kind wc_timeline_kind(size_t c);
uint64_t wc_timeline_value(const wc_timeline_row *row, size_t c);

/* The CSV header line (no newline) and one row, both in contract order:
 * the fixed columns only. */
extern const char wc_timeline_csv_header[];
int wc_timeline_row_csv(const wc_timeline_row *row, char *buf, size_t len);
/* The same with tl's sensor columns appended. */
int wc_timeline_header_csv(const wc_timeline *tl, char *buf, size_t len);
int wc_timeline_line_csv(const wc_timeline *tl, size_t i, char *buf, size_t len);

#endif
