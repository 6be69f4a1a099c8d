/*
 * calib.h — calibrating a scenario to observed counts: the glue between the
 * ABC-SMC core (model/abc.h) and the simulator (sim/sim.h).
 *
 * Observations are a CSV file: a `time` column (UTC) and value columns, each
 * mapped by name to a timeline column (sim/timeline.h; any column the table
 * lists, found by name, so columns added to it later need nothing here).
 * A GROWING or COUNT column is compared with the simulated row at the same
 * time; a FLOW column's value is the total over the interval that ends at its
 * time, one cadence long (the smallest gap between the file's times), and is
 * compared with the sum of the simulated rows in it. Empty cells are gaps.
 *
 * The distance (docs/calibrate.md §3): the root mean square over all
 * observations of log(1 + simulated) - log(1 + observed), so that counts
 * spanning orders of magnitude weigh alike.
 *
 * Simulations run as batches of independent jobs (wc_calib_run_jobs): job j
 * is (parameters, seed) in, nout numbers out, through the ensemble scheduler
 * (ensemble/sched.h): OpenMP threads, and the ranks of an MPI job when comm
 * is set. Each job writes only its own slot and rank 0 gives its outputs to
 * every rank after each batch, so every rank takes the same (deterministic)
 * ABC steps and the outputs are the same bytes for any thread or rank count.
 */
#ifndef WC_CALIB_CALIB_H
#define WC_CALIB_CALIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "ensemble/sched.h"
#include "model/abc.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "sim/timeline.h"

#define WC_CALIB_MAX_COLUMNS 16
#define WC_CALIB_KEY_MAX     128
#define WC_CALIB_MAX_OBS     100000

typedef struct wc_calib_column {
	char name[64];	 /* the CSV header's name */
	char target[64]; /* the timeline column it is compared with */
	size_t index;	 /* wc_timeline_value's column; SIZE_MAX: a sensor's, until
			    wc_observations_check finds it in the scenario */
	enum wc_column_kind kind;
	bool per_row; /* distinct sources per row: not additive over rows */
} wc_calib_column;

typedef struct wc_calib_obs {
	wc_time time;
	size_t col; /* index into columns */
	double value;
} wc_calib_obs;

typedef struct wc_observations {
	char path[256];
	int nfields; /* of the file's header */
	size_t ncols;
	wc_calib_column cols[WC_CALIB_MAX_COLUMNS];
	wc_calib_obs *obs;
	size_t n, cap;
	wc_time first, last; /* the earliest and latest observation */
	int64_t width;	     /* seconds: the cadence, a FLOW value's interval */
} wc_observations;

/*
 * Reads path. maps: "NAME=TIMELINE_COLUMN" (from --column; "c=c" for a
 * column already named after its timeline column). With maps, only the
 * mapped columns are read, so a whole timeline.csv can be the observations;
 * without, every column but time must be a timeline column's name. 0, or -1 with err set
 * (WC_EXIT_USAGE) naming the file, line and field.
 */
int wc_observations_read(wc_observations *o, const char *path, const char *const *maps,
			 size_t nmaps, wc_error *err);
void wc_observations_free(wc_observations *o);
/* Keeps the observations at until or earlier: what was known by then. */
int wc_observations_until(wc_observations *o, wc_time until, wc_error *err);
/* Checks the observations against the scenario's window and output grid. */
int wc_observations_check(wc_observations *o, const wc_scenario *sc, wc_error *err);
/* The value column c would have been observed as at time t, from tl
 * (NAN if tl does not reach t). */
double wc_observations_simulated(const wc_observations *o, size_t c, wc_time t,
				 const wc_timeline *tl, int interval);
double wc_observations_distance(const wc_observations *o, const wc_timeline *tl, int interval);

/* What is calibrated: the scenario and the keys with their priors. */
typedef struct wc_calib {
	wc_scenario base; /* finished; every job starts from a copy */
	size_t d;
	char keys[WC_ABC_MAX_PARAMS][WC_CALIB_KEY_MAX];
	wc_prior priors[WC_ABC_MAX_PARAMS];
	const wc_observations *obs;
	enum wc_engine engine;
	int threads;
	const wc_sched_comm *comm; /* the MPI job the batches run across; NULL: this process */
	wc_time until;		   /* where the calibrating runs stop: the last observation */
} wc_calib;

void wc_calib_init(wc_calib *c, const wc_scenario *base, const wc_observations *obs,
		   enum wc_engine engine, int threads);
/* "KEY=DIST" (from --prior): the key must exist, take numbers, and accept
 * every value of the prior's support (a normal prior: mean +- 3 sd). */
int wc_calib_add_prior(wc_calib *c, const char *spec, wc_error *err);
/* The scenario for parameters theta; -1 with err set if it cannot run. */
int wc_calib_scenario(const wc_calib *c, const double *theta, wc_scenario *out, wc_error *err);

/* What one job's timeline becomes: nout numbers at out. */
typedef void (*wc_calib_measure_fn)(void *ctx, const wc_scenario *sc, const wc_timeline *tl,
				    double *out);
/*
 * Runs jobs [0, n): scenario of theta[j*d..], seed seeds[j], until `until`,
 * then measure into out[j*nout..]. A job whose scenario cannot run gets
 * +inf in all its outputs. Under MPI every rank calls it in the same order
 * with the same arguments, and every rank's out gets rank 0's numbers. 0, or
 * -1 with err set (a failed job's, on rank 0; every rank fails alike).
 */
int wc_calib_run_jobs(const wc_calib *c, size_t n, const double *theta, const uint64_t *seeds,
		      wc_time until, wc_calib_measure_fn measure, void *mctx, size_t nout,
		      double *out, wc_error *err);
/* The ABC batch callback (model/abc.h) on a wc_calib: distance per job. */
int wc_calib_batch(void *ctx, size_t n, size_t d, const double *theta, const uint64_t *seeds,
		   double *distance, wc_error *err);

/* The posterior predictive: each particle run on to `until` with the seed
 * it was kept with, sampled on the grid first + k * width; quantiles at the
 * hub levels (model/wis.h) under the particles' weights. */
typedef struct wc_calib_predictive {
	size_t ntimes, ncols;
	wc_time *times;
	double *q; /* [time][col][level], WC_HUB_LEVELS levels */
} wc_calib_predictive;

int wc_calib_predict(const wc_calib *c, const wc_abc_result *res, wc_time until,
		     wc_calib_predictive *pred, wc_error *err);
void wc_calib_predictive_free(wc_calib_predictive *p);

#endif
