/*
 * outdir.h — a command's output folder, written as one unit: all of it or none.
 *
 * wc_outdir_begin() takes an exclusive lock on DIR (flock on "DIR.lock"
 * beside it; a second writer fails at once rather than mixing its files into
 * the first's), checks what DIR already holds, and makes a staging directory
 * "DIR.tmp.XXXXXX" beside it. The command writes every file into the staging
 * directory (wc_outdir_file), and the plot, if any, to wc_outdir_plot_path.
 * wc_outdir_commit() then puts everything in place: the staging directory
 * replaces DIR as a whole (an atomic exchange where the file system has one),
 * and the plot is renamed to its name. wc_outdir_abort() removes everything
 * begin made, DIR's missing parents included; a commit that fails aborts.
 *
 * An existing DIR is replaced only if everything in it is something the
 * command writes (the caller's name patterns, plots, stale temporary files):
 * a folder holding anything else is refused (WC_EXIT_USAGE), never deleted.
 *
 * Every temporary path is registered with core/cleanup.h, so SIGINT, SIGTERM
 * and running out of memory remove them too.
 */
#ifndef WC_CORE_OUTDIR_H
#define WC_CORE_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

enum {
	WC_OUTDIR_MAX_PARENTS = 16,
	/* Longest DIR accepted; a buffer of WC_OUTDIR_PATH_MAX bytes holds any
	 * wc_outdir_file() path with a name of up to 100 bytes. */
	WC_OUTDIR_DIR_MAX = 3900,
	WC_OUTDIR_PATH_MAX = 4096,
};

typedef struct wc_outdir {
	char *path;	   /* DIR, as given */
	char *stage;	   /* DIR.tmp.XXXXXX: the files are written here */
	char *lock_path;   /* DIR.lock */
	int lock_fd;	   /* holds the flock; -1 when none */
	bool existed;	   /* DIR existed at begin (and will be replaced) */
	char *plot;	   /* the plot's final path, or NULL */
	char *plot_stage;  /* where the plot is drawn; inside stage if plot is in DIR */
	bool plot_in_dir;  /* the plot goes into DIR itself */
	int cleanup_id[3]; /* registry slots: lock, stage, plot stage */
	char *made[WC_OUTDIR_MAX_PARENTS]; /* parents of DIR that begin created */
	int nmade;
} wc_outdir;

/*
 * Locks DIR and makes the staging directory (and DIR's missing parents).
 * owned: NULL-terminated fnmatch(3) patterns of the names the command writes
 * into DIR. plot: the plot's path, or NULL; its directory must exist. Returns
 * 0, or -1 with err set and nothing left behind.
 */
int wc_outdir_begin(wc_outdir *o, const char *dir, const char *const *owned, const char *plot,
		    wc_error *err);

/* Makes DIR itself now, if it is missing, for a file that must outlive an
 * interrupted run (a sweep's journal); commit then exchanges DIR as for one
 * that existed, and abort leaves DIR and that file. 0, or -1 with err set. */
int wc_outdir_make_dir(wc_outdir *o, wc_error *err);

/* The staging path of file name inside DIR ("STAGE/name"), for the writers.
 * Returns buf, or NULL if len is too small. */
const char *wc_outdir_file(const wc_outdir *o, const char *name, char *buf, size_t len);

/* The staging directory itself, for writers that take a folder. */
const char *wc_outdir_stage(const wc_outdir *o);

/* Where to draw the plot (its extension kept): NULL if begin had no plot. */
const char *wc_outdir_plot_path(const wc_outdir *o);

/* Puts the outputs in place and releases the lock; 0, or -1 with err set, DIR
 * left as it was and everything temporary removed. */
int wc_outdir_commit(wc_outdir *o, wc_error *err);

/* Removes the staging directory, the staged plot, the parents begin made and
 * the lock; DIR is left as it was. A no-op after commit or abort. */
void wc_outdir_abort(wc_outdir *o);

/* wc_outdir_abort after a writer failed: err's message, which names the
 * staging paths the writer was given, is made to name the destinations the
 * user asked for ("DIR/summary.json", the plot's path). Returns -1. */
int wc_outdir_fail(wc_outdir *o, wc_error *err);

#endif
