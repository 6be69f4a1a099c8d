/*
 * Probe engine benchmarks (make bench).
 *
 * 1. probes/s on one core: the full-scale Code Red v2 population (360,000
 *    hosts in all of IPv4) with 150,000 of them infected from the start (the
 *    state of the afternoon peak, when most probes are sent), run for 3
 *    simulated minutes with one thread; next to a baseline loop that only
 *    draws the same addresses from the same per-(host, step) streams and does
 *    nothing with them. Targets: at least half the baseline, at least 1.5e8/s.
 *    For scale, the naive design: a 2^32-bit bitmap looked up per probe.
 * 2. The same run on 2 threads beside the 1-thread one, repetitions
 *    alternating so both meet the same load: the speed-up (target >= 1.8 on
 *    2 idle cores). The load average is printed with it: on a
 *    machine others are using, 2 threads cannot get 2 cores.
 * 3. the full codered-v2 day with the probe engine, all cores: wall time and
 *    peak memory (target: peak RSS under 200 MB), by running the real binary.
 * Each figure is the median of several repetitions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "core/rng.h"
#include "sim/sim.h"

/* Same stream layout as the engine: a stream per (host, step), ~6 draws each. */
static double baseline_rate(uint64_t draws)
{
	uint64_t acc = 0, done = 0;
	double t0 = wc_clock_seconds();
	for (uint64_t step = 0; done < draws; step++)
		for (uint32_t h = 0; h < 150000 && done < draws; h++) {
			wc_rng r = wc_rng_host(1, h, step);
			for (int k = 0; k < 6; k++)
				acc ^= (uint32_t)wc_rng_next(&r);
			done += 6;
		}
	double dt = wc_clock_seconds() - t0;
	if (acc == 42)
		puts(""); /* keeps the loop from being optimised away */
	return (double)done / dt;
}

/* The naive design the address index replaces: one bit per IPv4 address
 * (512 MiB), the same 360,000 addresses set, one random lookup per probe. */
static double bitmap_rate(uint64_t probes)
{
	uint64_t *bits = calloc(1u << 26, sizeof *bits);
	if (bits == NULL) {
		fprintf(stderr, "bench: no memory for the 512 MiB bitmap baseline\n");
		return 0;
	}
	/* Touch every page: untouched pages all map the kernel's one zero page,
	 * which would make the lookups cache hits. */
	memset(bits, 0, (1u << 26) * sizeof *bits);
	wc_rng r = wc_rng_host(2, 0, 0);
	for (int i = 0; i < 360000; i++) {
		uint32_t a = (uint32_t)wc_rng_next(&r);
		bits[a >> 6] |= 1ull << (a & 63);
	}
	uint64_t found = 0;
	double t0 = wc_clock_seconds();
	for (uint64_t i = 0; i < probes; i++) {
		uint32_t a = (uint32_t)wc_rng_next(&r);
		found += bits[a >> 6] >> (a & 63) & 1;
	}
	double dt = wc_clock_seconds() - t0;
	free(bits);
	if (found == 42)
		puts("");
	return (double)probes / dt;
}

static double engine_rate(int threads, uint64_t *probes)
{
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	if (wc_scenario_load_builtin(&sc, "codered-v2", &err) ||
	    wc_scenario_set(&sc, "outbreak.seed_hosts=150000", &err) ||
	    wc_scenario_finish(&sc, &err)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.engine = WC_ENGINE_PROBE;
	opt.threads = threads;
	opt.until = sc.start + 180;
	wc_run_result res;
	if (wc_simulate(&sc, &opt, &res, &err) != 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	*probes = res.probes;
	double rate = (double)res.probes / res.engine_seconds;
	wc_run_result_free(&res);
	return rate;
}

static void full_day(const char *binary)
{
	char *argv[] = {(char *)binary,
			"run",
			"codered-v2",
			"--engine",
			"probe",
			"--quiet",
			"--out",
			"build/bench/codered-v2-probe",
			NULL};
	double wall = 0, rss = 0;
	int rc = bench_run(argv, NULL, &wall, &rss);
	printf("codered-v2 full day, probe engine, %ld cores: %.1f s wall, peak RSS %.1f MB "
	       "(target < 200 MB)%s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), wall, rss, rc == 0 ? "" : "  [RUN FAILED]");
}

static void print_load(const char *when)
{
	double load[1];
	if (getloadavg(load, 1) == 1)
		printf("load average %s: %.2f on %ld cores\n", when, load[0],
		       sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
	enum { REPS = 5 };
	double base[REPS], eng[REPS], eng2[REPS], flat[REPS];
	uint64_t probes = 0, probes2 = 0;
	print_load("before");
	for (int i = 0; i < REPS; i++) {
		eng[i] = engine_rate(1, &probes);
		eng2[i] = engine_rate(2, &probes2);
		base[i] = baseline_rate(probes);
		flat[i] = bitmap_rate(probes / 4);
	}
	print_load("after");
	double b = median(base, REPS), e = median(eng, REPS), f = median(flat, REPS);
	double e2 = median(eng2, REPS);
	printf("probe engine, 1 core: %.3g probes/s (median of %d runs of %.3g probes)\n", e, REPS,
	       (double)probes);
	printf("probe engine, 1 thread %.3g probes/s | 2 threads %.3g probes/s | speed-up %.2fx "
	       "(target >= 1.8 on 2 idle cores)%s\n",
	       e, e2, e2 / e, probes == probes2 ? "" : "  [THE RUNS DIFFER: NOT DETERMINISTIC]");
	printf("baseline (draw addresses only), 1 core: %.3g draws/s\n", b);
	printf("for scale: a lookup in a 2^32-bit bitmap per probe, 1 core: %.3g probes/s\n", f);
	printf("engine / baseline = %.2f (target >= 0.5); engine / 1.5e8 = %.2f (target >= 1); "
	       "engine / bitmap loop = %.2f\n",
	       e / b, e / 1.5e8, e / f);
	if (argc > 1 && strcmp(argv[1], "--no-full") == 0)
		return 0;
	full_day("build/wormcast");
	return 0;
}
