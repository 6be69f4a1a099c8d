/*
 * sweep_ensemble.h — a sweep's runs through the ensemble scheduler
 * (ensemble/sched.h): threads, MPI ranks or one shard, with the journal
 * (ensemble/journal.h) in the output folder that --resume and `merge` read.
 *
 * The journal's identity text names everything that decides the sweep's
 * numbers, one "field value" per line: the scenario's name and the FNV-1a 64
 * of its resolved text (the base, --set applied, finished), each --vary spec
 * as given, runs, seed, engine, until, the outcome columns, and the shard.
 * --resume refuses a journal whose identity differs; merge joins journals
 * whose identities differ only in the shard line.
 */
#ifndef WC_CLI_SWEEP_ENSEMBLE_H
#define WC_CLI_SWEEP_ENSEMBLE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/outdir.h"
#include "ensemble/sched.h"
#include "ensemble/journal.h"
#include "sim/sim.h"
#include "sim/sweep.h"

#define SWEEP_JOURNAL "sweep.journal"

/* The identity text (allocated), or NULL with err set when a spec holds a
 * newline. */
char *sweep_identity(const wc_sweep *sw, const char *const *varies, int nvaries,
		     const wc_run_options *opt, uint64_t shard, uint64_t nshards, wc_error *err);

/* Rebuilds, from an identity, what the output files need: sw's base name,
 * runs, seed and varied keys (sw initialised here; free with
 * wc_sweep_free), and the shard. *rest receives the identity without its
 * shard line (allocated), to compare journals of one sweep. */
int sweep_identity_parse(const char *path, const char *identity, wc_sweep *sw, uint64_t *shard,
			 uint64_t *nshards, char **rest, wc_error *err);

typedef struct sweep_exec {
	const wc_sweep *sw;
	const wc_run_options *opt;
	const wc_sched_comm *comm;
	int threads;
	uint64_t shard, nshards;
	bool resume, quiet;
	const char *identity;
	double *out;	  /* runs × WC_NOUTCOMES, NaN where not run (writer) */
	uint8_t *done;	  /* runs flags: held by the journal before this process */
	uint64_t already; /* how many */
	uint64_t ran;	  /* runs this process's ensemble ran (writer) */
	wc_journal journal;
} sweep_exec;

/* On the writer, after wc_outdir_begin: makes DIR, then starts the journal
 * afresh or (resume) reads the one there, checks its identity, loads its
 * runs into x->out and opens it for appending. */
int sweep_journal_open(sweep_exec *x, wc_outdir *od, const char *dir, wc_error *err);

/* Every rank: runs what is missing (writer: recorded in the journal as it
 * finishes; closed at the end). */
int sweep_execute(sweep_exec *x, wc_error *err);

/* On the writer before commit: the journal joins the staged files, so the
 * finished DIR keeps it (a later --resume then runs nothing). */
int sweep_journal_stage(wc_outdir *od, const char *dir, wc_error *err);

void sweep_exec_free(sweep_exec *x);

#endif
