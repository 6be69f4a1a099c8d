/*
 * progress.h — a one-line progress bar on stderr when stderr is a terminal;
 * one line at the start and one at the end when it is not.
 *
 * Long runs (a full-scale probe run takes minutes) should show that they are
 * alive. On a terminal the bar redraws in place and erases itself when done.
 * In a log or a pipe a bar would be noise, but silence for minutes looks like
 * a hang, so there the start and the end get one line each
 * ("wormcast: LABEL: started", "wormcast: LABEL: done in 12.3 s"). quiet
 * prints nothing at all.
 */
#ifndef WC_CORE_PROGRESS_H
#define WC_CORE_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct wc_progress {
	bool enabled;	   /* stderr is a terminal and the user did not ask for quiet */
	bool lines;	   /* stderr is not a terminal, not quiet: start and end lines */
	double started;	   /* monotonic seconds at wc_progress_start */
	int last_permille; /* last drawn position, to redraw only on change */
	char label[48];
} wc_progress;

void wc_progress_start(wc_progress *p, const char *label, bool quiet);
/* A wc_progress_fn: done in [0, 1]. ctx is the wc_progress. */
void wc_progress_update(void *ctx, double done);
/* Counted work (an ensemble): "N/TOTAL UNIT, R UNIT/s, T left", where done
 * of todo are this process's and already were done before it started (a
 * resumed sweep), so the rate and the time left are this process's. */
void wc_progress_count(wc_progress *p, uint64_t done, uint64_t todo, uint64_t already,
		       const char *unit);
void wc_progress_finish(wc_progress *p);

#endif
