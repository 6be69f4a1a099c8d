/*
 * sched.h — N independent jobs, each reduced to nout doubles, run on the
 * OpenMP threads of one process, across the ranks of an MPI job, or as one
 * fixed share (shard I of N) of a job array.
 *
 * Contract:
 *   - A job is a pure function of its index: job_fn(ctx, j, out, err) writes
 *     out[0 .. nout) for job j and returns 0, or -1 with err set. It is called
 *     concurrently from several threads (and processes) and must only read
 *     ctx. Whoever runs job j, the doubles stored at out[j·nout ..] are the
 *     same, so results never depend on threads, ranks or shards.
 *   - Which jobs run: those of the shard (j mod nshards == shard when
 *     nshards > 1) not marked in skip (jobs a journal already holds).
 *   - Without MPI (or with one rank) the jobs go to `threads` OpenMP threads,
 *     dynamically, one job at a time. With MPI ranks, rank 0 is the writer: it
 *     hands out batches of job indices dynamically (guided: large first, at
 *     most `batch` jobs, smaller towards the end, since jobs differ in cost
 *     10x or more), keeps two batches queued at every worker so a worker never
 *     waits for the master, runs small batches of its own between messages,
 *     and receives every finished batch's outcomes. Workers only compute.
 *   - The writer calls on_batch (one call at a time, from the calling thread
 *     or under a lock) with every finished group of jobs, in the order they
 *     finish, so a journal can record them as they come: in one process a
 *     group is `batch` jobs or a second's worth, whichever comes first; over
 *     MPI a worker's batch or rank 0's own few. progress gets (jobs done,
 *     jobs to run) after each job (one process) or group (MPI).
 *   - Errors: after the first failure no new job is started; the call returns
 *     -1 with the error of the lowest-numbered failed job seen (its own
 *     message, unchanged). A failing on_batch stops the run the same way.
 *   - A lost MPI rank: Open MPI's runtime ends the whole job (mpirun reports
 *     the rank and its signal, status non-zero); whatever on_batch recorded
 *     stays recorded. Nothing here waits on a rank without a message pending
 *     from it except inside MPI, which the runtime aborts.
 *   - Nothing here writes a file or prints.
 */
#ifndef WC_ENSEMBLE_SCHED_H
#define WC_ENSEMBLE_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Runs job `job`, writing its nout outcomes to out. 0, or -1 with err set. */
typedef int (*wc_sched_job_fn)(void *ctx, uint64_t job, double *out, wc_error *err);

/* On the writer: n finished jobs jobs[0..n), job jobs[i]'s outcomes at
 * outs[i·nout ..]. 0, or -1 with err set to stop the run. */
typedef int (*wc_sched_batch_fn)(void *ctx, const uint64_t *jobs, size_t n, const double *outs,
				 wc_error *err);

/* On the writer: done of total jobs this call runs are finished. */
typedef void (*wc_sched_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* This process's place in the job: rank 0 of 1 without MPI. */
typedef struct wc_sched_comm {
	int rank, size;
	bool mpi; /* MPI_Init was called (wc_sched_finish calls MPI_Finalize) */
} wc_sched_comm;

/* True when this binary was built with MPI (WC_HAVE_MPI). */
bool wc_sched_mpi_built(void);

/* Joins the MPI job when the process was started by an MPI launcher (mpirun,
 * srun: the launcher's environment variables say so), else stands alone: the
 * same binary runs with and without mpirun. A process started by a launcher
 * with more than one rank in a build without MPI is an error (WC_EXIT_USAGE):
 * it would run the whole ensemble once per rank. */
int wc_sched_init(wc_sched_comm *e, wc_error *err);
/* Leaves the MPI job (a no-op without MPI). */
void wc_sched_finish(wc_sched_comm *e);
/* True on rank 0, which alone writes files. */
bool wc_sched_is_writer(const wc_sched_comm *e);
/* Rank 0's code, given to every rank (a no-op without MPI): called by all
 * ranks after the writer has checked what only it checks (its output folder),
 * so that workers give up with it instead of waiting for batches. */
int wc_sched_agree(const wc_sched_comm *e, int code);
/* Rank 0's len bytes at buf, given to every rank (a no-op without MPI): for
 * a caller whose jobs rank 0 decides between runs (a calibration's next
 * parameter sets), so that every rank's job context is the same. Every rank
 * calls it, in the same order as its other collective calls. 0, or -1 with
 * err set. */
int wc_sched_bcast(const wc_sched_comm *e, void *buf, size_t len, wc_error *err);

/* What a run did, on the writer (for benchmarks and logs). */
typedef struct wc_sched_stats {
	double writer_busy_s; /* MPI: rank 0's time handling results (receive, store,
				 on_batch, send the next batch): its thread's CPU
				 time, waits excluded */
	uint64_t batches;     /* MPI: batches handed to workers */
	uint64_t writer_jobs; /* jobs rank 0 ran itself (all of them without MPI) */
} wc_sched_stats;

typedef struct wc_sched_opts {
	const wc_sched_comm *comm; /* NULL: this process alone */
	int threads;		   /* OpenMP threads per process; < 1 means 1 */
	uint64_t shard, nshards;   /* run shard `shard` of `nshards` (nshards <= 1: all) */
	const uint8_t *skip;	   /* njobs flags, nonzero: done already; NULL: none */
	size_t batch;		   /* most jobs in one batch; 0: 64 */
	bool dispatch_only;	   /* MPI: rank 0 runs no jobs itself (very many ranks; measuring
				     its overhead) */
	wc_sched_batch_fn on_batch;
	void *batch_ctx;
	wc_sched_progress_fn progress;
	void *progress_ctx;
	wc_sched_stats *stats; /* filled on the writer when not NULL */
} wc_sched_opts;

/* Sets o to one process, one thread, all jobs, no callbacks. */
void wc_sched_opts_init(wc_sched_opts *o);

/* The jobs this process's share would run under o (shard, skip): their
 * number. */
uint64_t wc_sched_pending(const wc_sched_opts *o, uint64_t njobs);

/*
 * Runs the jobs (see the contract). Under MPI every rank calls it, the same
 * number of times and in the same order, with the same job context (see
 * wc_sched_bcast); several calls in a row are fine. On the writer, out (njobs × nout
 * doubles) receives every job run; slots of jobs not run are left alone. On
 * an MPI worker out may be NULL and is not touched; the worker returns 0 once
 * the writer has no more batches for it, and -1 only when its own MPI setup
 * fails. Every rank must call it with the same njobs, nout and batch.
 */
int wc_sched_run(const wc_sched_opts *o, uint64_t njobs, size_t nout, wc_sched_job_fn job,
		 void *ctx, double *out, wc_error *err);

#endif
