/*
 * plotkit.h — the PLplot plumbing every wormcast figure shares (plot.c):
 * choosing the cairo device by file extension, the paper-style colour map,
 * and rendering atomically into the destination. Internal to src/report.
 *
 * Colour map 0 as wc_plot_render leaves it: 0 white background, 1 black
 * foreground, 5 light grey grid; 2-4 are the run plot's curve colours. A
 * figure may set indices from 6 up for its own curves.
 */
#ifndef WC_REPORT_PLOTKIT_H
#define WC_REPORT_PLOTKIT_H

#include <stddef.h>

#include "core/error.h"

/* The PLplot device for path's extension (.png, .svg, .pdf), or NULL. */
const char *wc_plot_device(const char *path);

/* '#' starts a PLplot text escape; copies s with each '#' doubled so that
 * names are shown literally. */
void wc_plot_escape(const char *s, char *buf, size_t len);

/* Opens a 1000×650 page for path's format with the colour map above, calls
 * draw(ctx) between plinit and plend, and renames the result into place.
 * Returns 0, or -1 with err set (WC_EXIT_USAGE for an unknown format,
 * WC_EXIT_RUNTIME otherwise). PLplot's state is process-wide: one thread. */
int wc_plot_render(const char *path, void (*draw)(void *ctx), void *ctx, wc_error *err);

#endif
