/*
 * provenance.h — what a result file says about how it was made.
 *
 * The version and git commit are fixed at build time (the Makefile writes
 * build/gen/version.h; "unknown" when built outside a git checkout, with
 * "-dirty" appended when the checkout had uncommitted changes). The hash is
 * FNV-1a 64 (Fowler, Noll, Vo): not cryptographic, but stable across machines
 * and releases, which is what naming an output folder after its inputs needs.
 */
#ifndef WC_CORE_PROVENANCE_H
#define WC_CORE_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How a result was asked for, as result files record it. */
typedef struct wc_provenance {
	const char *command_line; /* wc_command_line() of the invocation; NULL: unknown */
	time_t started;		  /* when the command started; 0: unknown */
} wc_provenance;

const char *wc_version(void);
const char *wc_git_commit(void);

/* FNV-1a 64 of n bytes. */
uint64_t wc_fnv1a64(const void *data, size_t n);

/* The command line as a shell would take it back: words joined by spaces,
 * any word with characters a shell treats specially in single quotes.
 * Allocated; free() it. */
char *wc_command_line(int argc, char *const *argv);

#endif
