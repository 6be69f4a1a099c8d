/*
 * bench_ensemble.c — the ensemble scheduler (src/ensemble/sched.h) on one
 * sweep: runs per second on 1 MPI rank, 2 MPI ranks and 2 threads of one
 * process, the efficiency of 2 ranks against 1, and the writer's (rank 0's)
 * overhead per run, measured with near-empty jobs on 2 ranks where rank 0
 * only hands out and records (docs/sweep.md, "Clusters", turns these into a
 * scaling model).
 *
 * The parent starts each configuration as a child (under mpirun where it
 * needs ranks), which times wc_sched_run alone (not MPI's start) and prints
 * "jobs N seconds S". The sweep: reduced-scale Code Red v2 (1,406 hosts in
 * 12/8), a full day, home patch rate 0..0.5 in 10 steps (runs differ in cost
 * several-fold), SEEDS seeds each; every run recorded in a journal as a sweep
 * does. Without mpirun (or a build without MPI) the rank figures say so.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "ensemble/journal.h"
#include "ensemble/sched.h"
#include "report/sweep_report.h"
#include "sim/sweep.h"

enum { SEEDS = 30, EMPTY_JOBS = 200000 };

struct sim_ctx {
	wc_sweep sw;
	wc_run_options opt;
};

static int sim_job(void *ctx, uint64_t i, double *out, wc_error *err)
{
	struct sim_ctx *c = ctx;
	return wc_sweep_run_one(&c->sw, &c->opt, i, wc_outcomes_measure, NULL, out, err);
}

static int empty_job(void *ctx, uint64_t i, double *out, wc_error *err)
{
	(void)ctx;
	(void)err;
	for (int k = 0; k < WC_NOUTCOMES; k++)
		out[k] = (double)i + k;
	return 0;
}

static int setup_sweep(struct sim_ctx *c, wc_error *err)
{
	static const char *sets[] = {"worm.scan_space=12.0.0.0/8", "population.vulnerable=1406",
				     "telescope.blocks=12.44.0.0/16"};
	wc_scenario base;
	wc_scenario_init(&base);
	if (wc_scenario_load(&base, "codered-v2", err) != 0)
		return -1;
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		if (wc_scenario_set(&base, sets[i], err) != 0)
			return -1;
	wc_sweep_init(&c->sw, &base);
	c->sw.runs = SEEDS;
	wc_run_options_init(&c->opt);
	return wc_sweep_add_vary(&c->sw, "class.home.patch_rate=0:0.5:10", err) == 0
		       ? wc_sweep_validate(&c->sw, &c->opt, err)
		       : -1;
}

/* The child: "sim THREADS" or "empty"; prints "jobs N seconds S" on rank 0. */
static int child(const char *what, int threads)
{
	wc_sched_comm comm;
	wc_error err = {0};
	if (wc_sched_init(&comm, &err) != 0)
		return fprintf(stderr, "bench_ensemble: %s\n", err.msg), 1;
	bool empty = strcmp(what, "empty") == 0;
	struct sim_ctx c;
	uint64_t njobs = EMPTY_JOBS;
	if (!empty) {
		if (setup_sweep(&c, &err) != 0)
			return fprintf(stderr, "bench_ensemble: %s\n", err.msg), 1;
		njobs = wc_sweep_combinations(&c.sw) * c.sw.runs;
	}
	double *out = xmallocarray(njobs * WC_NOUTCOMES, sizeof *out);
	wc_journal j = {.fd = -1};
	char path[256];
	snprintf(path, sizeof path, "%s/wc-bench-journal-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	wc_sched_opts o;
	wc_sched_opts_init(&o);
	o.comm = &comm;
	o.threads = threads;
	o.dispatch_only = empty;
	wc_sched_stats st = {0};
	o.stats = &st;
	if (wc_sched_is_writer(&comm)) {
		if (wc_journal_create(&j, path, njobs, WC_NOUTCOMES, "bench\n", &err) != 0)
			return fprintf(stderr, "bench_ensemble: %s\n", err.msg), 1;
		o.on_batch = wc_journal_append;
		o.batch_ctx = &j;
	}
	double t0 = wc_clock_seconds();
	int rc = wc_sched_run(&o, njobs, WC_NOUTCOMES, empty ? empty_job : sim_job, &c, out, &err);
	double t = wc_clock_seconds() - t0;
	if (wc_sched_is_writer(&comm)) {
		wc_journal_close(&j, &err);
		unlink(path);
		if (rc == 0)
			printf("jobs %" PRIu64 " seconds %.6f busy %.6f batches %" PRIu64 "\n",
			       njobs, t, st.writer_busy_s, st.batches);
	}
	if (rc != 0)
		fprintf(stderr, "bench_ensemble: %s\n", err.msg);
	free(out);
	if (!empty)
		wc_sweep_free(&c.sw);
	wc_sched_finish(&comm);
	return rc != 0;
}

/* Runs one configuration as a child; its jobs per second, or NaN. */
static double measure(const char *self, int ranks, const char *what, const char *threads,
		      double *seconds_per_job, double *busy_per_job)
{
	char np[16], out[64];
	snprintf(np, sizeof np, "%d", ranks);
	snprintf(out, sizeof out, "/tmp/wc-bench-ensemble-%d.out", (int)getpid());
	char *mpi[] = {"mpirun",  "--allow-run-as-root", "--oversubscribe", "-n", np, (char *)self,
		       "--child", (char *)what,		 (char *)threads,   NULL};
	char *alone[] = {(char *)self, "--child", (char *)what, (char *)threads, NULL};
	double wall, rss;
	int rc = bench_run(ranks > 0 ? mpi : alone, out, &wall, &rss);
	uint64_t jobs = 0, batches = 0;
	double s = NAN, busy = NAN;
	FILE *fp = fopen(out, "r");
	if (rc == 0 && fp != NULL &&
	    fscanf(fp, "jobs %" SCNu64 " seconds %lf busy %lf batches %" SCNu64, &jobs, &s, &busy,
		   &batches) == 4 &&
	    s > 0) {
		*seconds_per_job = s / (double)jobs;
		*busy_per_job = busy / (double)jobs;
	} else {
		s = NAN;
	}
	if (fp != NULL)
		fclose(fp);
	unlink(out);
	return isnan(s) ? NAN : (double)jobs / s;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--child") == 0)
		return child(argv[2], atoi(argv[3]));
	bool mpi = wc_sched_mpi_built() && system("mpirun --version >/dev/null 2>&1") == 0;
	double per1 = NAN, per = NAN, wall_empty = NAN, busy_empty = NAN, busy = NAN;
	printf("bench_ensemble: a %d-combination reduced-scale Code Red v2 sweep x %d seeds, "
	       "every run journalled\n",
	       10, SEEDS);
	double t2 = measure(argv[0], 0, "sim", "2", &per, &busy);
	double r1 = NAN, r2 = NAN;
	if (mpi) {
		r1 = measure(argv[0], 1, "sim", "1", &per1, &busy);
		r2 = measure(argv[0], 2, "sim", "1", &per, &busy);
		measure(argv[0], 2, "empty", "1", &wall_empty, &busy_empty);
	}
	/* Baseline: the same sweep on 1 rank; the others beside it. */
	printf("  1 rank, 1 thread       %7.1f runs/s  (baseline; %.2f ms a run)\n", r1,
	       per1 * 1e3);
	printf("  2 ranks, 1 thread each %7.1f runs/s  efficiency vs 1 rank %.2f\n", r2,
	       r2 / (2 * r1));
	printf("  1 process, 2 threads   %7.1f runs/s  efficiency vs 1 rank %.2f\n", t2,
	       t2 / (2 * r1));
	printf("  2 ranks against 2 threads (the same cores, so the machine's load weighs on "
	       "both): %.2f\n",
	       r2 / t2);
	printf("  writer overhead per run, %d near-empty runs on 2 ranks (rank 0 only hands "
	       "out and journals):\n    CPU %.2f us a run (wall %.2f us a run, an upper "
	       "bound)\n",
	       EMPTY_JOBS, busy_empty * 1e6, wall_empty * 1e6);
	printf("  writer busy under 5%% up to %.0f ranks at a 0.3 s run (a full-scale Code "
	       "Red day), %.0f at this sweep's run\n",
	       0.05 * 0.3 / busy_empty, 0.05 * per1 / busy_empty);
	if (!mpi)
		printf("  (no MPI: mpirun missing or built without it; rank figures are nan)\n");
	return 0;
}
