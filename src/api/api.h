/*
 * api.h — what the public interface's files (src/api) share; private.
 *
 * src/api is the library's public face (include/wormcast/wormcast.h): thin
 * wrappers that turn opaque handles and plain arguments into calls of the
 * internal modules, so that those modules' structs can change without
 * breaking a program linked against libwormcast. It sits above every other
 * directory but cli in the layering (docs/design.md §2).
 */
#ifndef WC_API_API_H
#define WC_API_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "wormcast/wormcast.h"

/* A timeline: ncol value columns named name[], n rows of time[] and values
 * row-major in v[] (n * ncol). */
struct wormcast_timeline {
	size_t n, cap, ncol;
	char **name;
	int64_t *time;
	double *v;
};

/* Copies an internal error into the caller's (which may be NULL) and
 * returns its code (WORMCAST_ERR_RUNTIME when the code was not set). */
int wc_api_error(wormcast_error *out, const wc_error *err);
/* Clears the caller's error at the start of a call. */
void wc_api_clear(wormcast_error *out);

/* An empty timeline with ncol columns whose names are copied. */
wormcast_timeline *wc_api_timeline_new(const char *const *names, size_t ncol);
/* Appends a row: its time and ncol values. */
void wc_api_timeline_push(wormcast_timeline *tl, int64_t t, const double *v);

#endif
