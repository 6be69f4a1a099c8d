/*
 * progress.h — a one-line progress bar on stderr, only when stderr is a terminal.
 *
 * Long runs (a full-scale probe run takes minutes) should show that they are
 * alive, but logs and pipes must stay clean, so the bar draws nothing unless
 * isatty(stderr) and erases itself when done.
 */
#ifndef WC_CORE_PROGRESS_H
#define WC_CORE_PROGRESS_H

#include <stdbool.h>

typedef struct wc_progress {
	bool enabled;	   /* stderr is a terminal and the user did not ask for quiet */
	double started;	   /* monotonic seconds at wc_progress_start */
	int last_permille; /* last drawn position, to redraw only on change */
	char label[48];
} wc_progress;

void wc_progress_start(wc_progress *p, const char *label, bool quiet);
/* A wc_progress_fn: done in [0, 1]. ctx is the wc_progress. */
void wc_progress_update(void *ctx, double done);
void wc_progress_finish(wc_progress *p);

#endif
