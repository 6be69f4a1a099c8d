/*
 * timeline.h — what a defender would have measured, one row per output interval.
 *
 * Host counts (and target_connections) are taken at the row's time; flows (new_infections, probes,
 * telescope_probes, target_bytes, reinfections) are totals over the interval
 * that ends at the row's time. cumulative_infected counts distinct hosts ever
 * infected and telescope_sources distinct sources the telescope has seen since
 * the start; both only grow. The column order is the CSV contract of
 * docs/design.md §3.3: new columns go at the end, none is renamed.
 */
#ifndef WC_SIM_TIMELINE_H
#define WC_SIM_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/utc.h"

typedef struct wc_timeline_row {
	wc_time time;		      /* end of the interval, UTC */
	uint64_t susceptible;	      /* vulnerable, not infected, not patched */
	uint64_t infected;	      /* carrying the worm now, whatever its phase */
	uint64_t active;	      /* infected and sending: spreading or flooding */
	uint64_t removed;	      /* infected once, clean now (rebooted or patched) */
	uint64_t patched;	      /* immune by patch */
	uint64_t new_infections;      /* first infections of a host in the interval */
	uint64_t cumulative_infected; /* distinct hosts ever infected */
	uint64_t probes;	      /* scanning attempts in the interval */
	uint64_t telescope_probes;    /* of which landed in telescope blocks */
	uint64_t telescope_sources;   /* distinct sources seen by the telescope so far */
	uint64_t target_bytes;	      /* flood bytes that reached the target */
	uint64_t spreading;	      /* infected hosts in their spread phase */
	uint64_t flooding;	      /* infected hosts in their flood phase */
	uint64_t reinfections;	      /* infections of hosts infected before (after a reboot) */
	uint64_t target_connections;  /* connections the flood holds open to the target */
	uint64_t infected_same16;     /* infections (new or repeat) by a host in the same /16 */
	uint64_t infected_same8;      /* ... by a host in the same /8 (the /16 ones included) */
	uint64_t probe_pps;	      /* scanning packets per second, interval mean */
	uint64_t probe_bps;	      /* the same in bits per second on the wire */
	uint64_t failed;	      /* devices knocked out by a worm request so far */
	uint64_t blocked_probes;      /* probes dropped by filters in the interval */
} wc_timeline_row;

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
