/*
 * Calibration benchmark (make bench): simulations per second of
 * `wormcast calibrate` on codered-aug1, beside the baseline measured in the
 * same run: the same simulations one after another through wc_simulate, as
 * `wormcast run` makes them.
 *
 * The data: codered-aug1 (seed 1) up to 04:00 UTC on 1 August, hourly
 * cumulative infections and telescope sources from 19:00 on 31 July. The
 * calibration: worm.wake_gain ~ loguniform(5,50) and population.vulnerable
 * ~ loguniform(1e5,4e5), 20 particles, 2 rounds, on every CPU. The baseline:
 * 10 runs of the scenario to the same instant, on one thread (calibrate's
 * jobs run one thread each, the parallelism is across jobs). The ratio of
 * the two is the parallel speed-up less the ABC's own cost (proposals,
 * weights: microseconds beside a run). CPU seconds per simulation are
 * printed too: on a shared machine they move less than the wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "calib/calib.h"
#include "core/utc.h"
#include "model/abc.h"

#define BASE_RUNS 10

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int load(wc_scenario *sc)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	if (wc_scenario_load_builtin(sc, "codered-aug1", &err) != 0 ||
	    wc_scenario_finish(sc, &err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Writes the observations; returns the seconds of each baseline run and
 * sets its CPU seconds. */
static double baseline(const wc_scenario *sc, wc_time until, const char *path, double *cpu)
{
	double c0 = cpu_seconds();
	wc_run_options o;
	wc_run_options_init(&o);
	o.until = until;
	o.until_set = true;
	double t0 = wc_clock_seconds();
	for (int i = 0; i < BASE_RUNS; i++) {
		o.seed = (uint64_t)i + 1;
		wc_run_result res;
		wc_error err = {0};
		if (wc_simulate(sc, &o, &res, &err) != 0) {
			fprintf(stderr, "bench_calibrate: %s\n", err.msg);
			return -1;
		}
		if (i == 0) {
			FILE *fp = fopen(path, "w");
			if (fp == NULL)
				return -1;
			fputs("time,cumulative_infected,telescope_sources\n", fp);
			for (size_t r = 0; r < res.timeline.n; r++) {
				const wc_timeline_row *row = &res.timeline.rows[r];
				if (row->time <= sc->start || (row->time - sc->start) % 3600 != 0)
					continue;
				char t[32];
				fprintf(fp, "%s,%llu,%llu\n", wc_time_format(row->time, t),
					(unsigned long long)row->cumulative_infected,
					(unsigned long long)row->telescope_sources);
			}
			fclose(fp);
		}
		wc_run_result_free(&res);
	}
	*cpu = (cpu_seconds() - c0) / BASE_RUNS;
	return (wc_clock_seconds() - t0) / BASE_RUNS;
}

int main(void)
{
	wc_scenario *sc = malloc(sizeof *sc);
	wc_calib *cal = malloc(sizeof *cal);
	if (sc == NULL || cal == NULL || load(sc) != 0)
		return 1;
	wc_time until;
	wc_time_parse("2001-08-01T04:00:00Z", &until);
	char path[] = "/tmp/wc-bench-calibrate-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	double base_cpu;
	double per_run = baseline(sc, until, path, &base_cpu);
	if (per_run < 0)
		return 1;
	wc_observations obs;
	wc_error err = {0};
	if (wc_observations_read(&obs, path, NULL, 0, &err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err.msg);
		return 1;
	}
	unlink(path);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = ncpu > 0 ? (int)ncpu : 1;
	wc_calib_init(cal, sc, &obs, WC_ENGINE_AUTO, threads);
	if (wc_calib_add_prior(cal, "worm.wake_gain=loguniform(5,50)", &err) != 0 ||
	    wc_calib_add_prior(cal, "population.vulnerable=loguniform(1e5,4e5)", &err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err.msg);
		return 1;
	}
	wc_abc_config cfg = {.d = 2,
			     .priors = cal->priors,
			     .sims = 200,
			     .rounds = 2,
			     .particles = 20,
			     .alpha = 0.5,
			     .seed = 1,
			     .batch = wc_calib_batch,
			     .batch_ctx = cal};
	wc_abc_result res;
	double t0 = wc_clock_seconds(), c0 = cpu_seconds();
	if (wc_abc_run(&cfg, &res, &err) != 0) {
		fprintf(stderr, "bench_calibrate: %s\n", err.msg);
		return 1;
	}
	double wall = wc_clock_seconds() - t0, cpu = cpu_seconds() - c0;
	printf("calibrate, codered-aug1 to 2001-08-01T04:00Z, 2 keys, %d rounds of %zu "
	       "particles, %d threads:\n",
	       res.rounds, cfg.particles, threads);
	printf("  %-40s %8.2f sims/s (%llu simulations in %.1f s; %.3f CPU s each)\n",
	       "calibrate (ABC-SMC)", (double)res.sims / wall, (unsigned long long)res.sims, wall,
	       cpu / (double)res.sims);
	printf("  %-40s %8.2f sims/s (%.3f s a run; %.3f CPU s each)\n",
	       "baseline: wc_simulate in turn, 1 thread", 1 / per_run, per_run, base_cpu);
	printf("  ratio %.2f (the parallel speed-up on %d threads less the ABC's own cost)\n",
	       (double)res.sims / wall * per_run, threads);
	wc_abc_result_free(&res);
	wc_observations_free(&obs);
	free(cal);
	free(sc);
	return 0;
}
