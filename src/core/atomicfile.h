/*
 * atomicfile.h — write a file so that readers see the old one or the new one, never half.
 *
 * wc_atomic_open() creates "PATH.tmp.XXXXXX" beside PATH (same directory, so
 * same file system and rename(2) is atomic); the caller writes through fp, then
 * either wc_atomic_commit() renames it over PATH or wc_atomic_abort() removes
 * it. After commit or abort the struct is empty again, and both are no-ops on
 * an empty struct, so cleanup paths can call abort unconditionally. A failed
 * commit removes the temporary file too: a commit never leaves one behind.
 * The temporary file is registered with core/cleanup.h while it exists, so a
 * signal or running out of memory removes it too.
 */
#ifndef WC_CORE_ATOMICFILE_H
#define WC_CORE_ATOMICFILE_H

#include <stdio.h>

#include "core/error.h"

typedef struct wc_atomic_file {
	FILE *fp;	/* the temporary file, open for writing; NULL when empty */
	char *path;	/* where the file goes on commit */
	char *tmp_path; /* the temporary file's name, beside path */
	int cleanup_id; /* its slot in the cleanup registry, or -1 */
} wc_atomic_file;

/* Creates the temporary file for path, with the permissions a plain fopen()
 * would give (0666 less the umask). Returns 0, or -1 with err set
 * (WC_EXIT_RUNTIME, naming path) and f left empty. */
int wc_atomic_open(wc_atomic_file *f, const char *path, wc_error *err);

/* Flushes, closes and renames the temporary file over path, checking each
 * step. Returns 0, or -1 with err set and the temporary file removed. */
int wc_atomic_commit(wc_atomic_file *f, wc_error *err);

/* Closes and removes the temporary file; path is left untouched. */
void wc_atomic_abort(wc_atomic_file *f);

/* After a write through fp failed: aborts, and sets err to "cannot write
 * 'PATH': " and errno's cause (EIO where libc left none; clear errno before
 * writing). Returns -1. */
int wc_atomic_fail(wc_atomic_file *f, wc_error *err);

#endif
