/*
 * journal.h — the record of finished jobs that lets an ensemble resume.
 *
 * File layout:
 *   "wormcast-journal 1\n"
 *   "jobs N nout K identity L\n"
 *   L bytes of identity: the caller's text naming what is being run (for a
 *   sweep: scenario, varied keys, runs, seed, engine, ...); --resume compares
 *   it byte for byte
 *   records, each 8 + 8·K + 8 bytes: the job index (uint64), its K outcomes
 *   (double), FNV-1a 64 of those 8 + 8·K bytes; host byte order (a journal
 *   is read back by the same build on the same kind of machine).
 *
 * Appends are one write(2) of whole records per batch, so a process killed at
 * any instant leaves complete records followed by at most one torn one; the
 * reader drops a torn tail (a partial record, or a last record whose checksum
 * fails) and wc_journal_open_append truncates it away. A bad checksum before
 * the last record is corruption and an error. fdatasync runs at most once a
 * second and at close: a kill loses nothing the kernel has; a power cut may
 * lose the last second.
 */
#ifndef WC_ENSEMBLE_JOURNAL_H
#define WC_ENSEMBLE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct wc_journal {
	int fd; /* open for appending; -1 when closed */
	char *path;
	size_t nout;
	uint64_t njobs;
	double last_sync; /* monotonic seconds of the last fdatasync */
} wc_journal;

/* A journal's contents as read. */
typedef struct wc_journal_data {
	uint64_t njobs;
	size_t nout;
	char *identity;	   /* NUL-terminated */
	uint8_t *done;	   /* njobs flags */
	double *out;	   /* njobs × nout; NaN where not done */
	uint64_t ndone;	   /* distinct jobs recorded */
	uint64_t good_end; /* byte offset after the last good record */
	int torn;	   /* 1 if a torn tail was dropped */
} wc_journal_data;

/* Reads path. Errors (WC_EXIT_USAGE: not a journal, corrupt, a job index out
 * of range, one job recorded twice with different outcomes) name the file
 * and the byte offset. */
int wc_journal_read(const char *path, wc_journal_data *d, wc_error *err);
void wc_journal_data_free(wc_journal_data *d);

/* Creates path afresh (replacing any file there) with the header and no
 * records. */
int wc_journal_create(wc_journal *j, const char *path, uint64_t njobs, size_t nout,
		      const char *identity, wc_error *err);

/* Opens an existing journal for appending after its last good record (the
 * torn tail, if any, is cut off); d is what wc_journal_read returned. */
int wc_journal_open_append(wc_journal *j, const char *path, const wc_journal_data *d,
			   wc_error *err);

/* Appends n records (jobs[i], outs[i·nout ..]) in one write. A
 * wc_ensemble_batch_fn with ctx = the journal. */
int wc_journal_append(void *journal, const uint64_t *jobs, size_t n, const double *outs,
		      wc_error *err);

/* fdatasync and close; 0, or -1 with err set. A no-op when closed. */
int wc_journal_close(wc_journal *j, wc_error *err);

#endif
