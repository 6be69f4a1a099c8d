/*
 * dynlib.h — a shared library loaded on first use, as a table of its
 * functions.
 *
 * Loading a library costs every process that links it, whether it uses it or
 * not: PLplot (with its fonts, image and geometry libraries), libpcap (with
 * D-Bus and systemd's) and Open MPI took 6–7 ms of every start of the
 * program, a tenth of a short run, though only plots, captures and MPI ranks
 * need them. A module that calls such a library keeps a table of pointers to
 * its functions (WC_DYNLIB_DEFINE) and fills it here the first time it needs
 * one (report/plcalls.h, detect/pcap.c, ensemble/mpicalls.h).
 *
 * The table is process-wide, as the library it points into is; filling it is
 * done once, whichever thread asks first.
 */
#ifndef WC_CORE_DYNLIB_H
#define WC_CORE_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

typedef struct wc_dynlib {
	pthread_once_t once;
	const char *soname;	  /* the library's run-time name, e.g. "libpcap.so.0.8" */
	const char *const *names; /* its functions' names, in the table's order */
	void *table;		  /* a struct of function pointers, one per name */
	size_t n;
	bool global;	/* its symbols visible to libraries opened later (RTLD_GLOBAL) */
	char fail[256]; /* why loading failed; "" once it has succeeded */
} wc_dynlib;

/* Defines `static TYPE table` and `static wc_dynlib lib` to fill it from
 * soname: CALLS(X) lists the table's members in order, each a pointer whose
 * name is the library's symbol; global as in wc_dynlib. */
#define WC_DYNLIB_NAME(name) #name,
#define WC_DYNLIB_DEFINE(lib_, type_, table_, soname_, global_, calls_)                            \
	static type_ table_;                                                                       \
	static const char *const lib_##_names[] = {calls_(WC_DYNLIB_NAME)};                        \
	static wc_dynlib lib_ = {.once = PTHREAD_ONCE_INIT,                                        \
				 .soname = soname_,                                                \
				 .names = lib_##_names,                                            \
				 .table = &table_,                                                 \
				 .n = sizeof lib_##_names / sizeof *lib_##_names,                  \
				 .global = global_};                                               \
	_Static_assert(sizeof table_ ==                                                            \
			       sizeof lib_##_names / sizeof *lib_##_names * sizeof(void *),        \
		       "one pointer per name")

/* Loads lib (once for the process) and fills its table. Returns 0, or -1 with
 * err set (WC_EXIT_RUNTIME) naming the library and what went wrong, for
 * `what` (e.g. "plotting"). */
int wc_dynlib_load(wc_dynlib *lib, const char *what, wc_error *err);

#endif
