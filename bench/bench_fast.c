/*
 * Fast engine benchmarks (make bench).
 *
 * 1. The full codered-v2 day (360,000 hosts, 10:00 to 06:00 UTC) with the fast
 *    engine: the binary's wall time and peak memory (target: under 0.25 s), and
 *    in-process the engine's own time beside the population set-up.
 * 2. Fast and probe engines on the same scenario and window, measured in the
 *    same run: codered-v2 from 10:00 to 16:00 UTC, the growth phase up to the
 *    peak. Target: the fast engine at least 100x faster.
 * 3. A scale run: the same worm and day with 10 million vulnerable hosts placed
 *    uniformly (an IoT-sized population): wall time (target: under 10 s) and
 *    peak memory per host (target: at most 48 bytes).
 * 3b. Cost per infection: the same day with 10^5, 10^6 and 10^7 hosts placed
 *    uniformly, each probing 6·10^7/n per second (so that the outbreak has the
 *    same course at every size: only the number of hosts changes), engine
 *    time over infections (first ones and reinfections); target: 10^7 within
 *    1.5x of 10^5 (host state laid out for its accesses).
 * 4. What filters cost: the codered-v2 day's engine time with no filter (the
 *    baseline, same run), content filters on 90% of paths from 14:00 UTC, and
 *    blacklists at the edges of 90% of networks listing 40 minutes after
 *    infection (the Internet Quarantine thresholds, docs/validation.md).
 *
 * 4b. What sensors cost: the codered-v2 day's engine time without a sensor
 *    (the baseline, same run), with Reed's site (a live /16 placed at random,
 *    docs/validation.md), and with a dark /8 over the telescope's blocks
 *    (every active host seen every row).
 *
 * 5. A mean-field baseline, measured in the same run: the recurrence of ns-2's
 *    analytical-network worm model (see an_model below) against the fast
 *    engine on the same configuration, each to 90% of the vulnerable hosts.
 *
 * Every comparison is measured in the same run; nothing is quoted. Figures
 * are medians of several repetitions; `--quick` skips the probe engine's
 * window (minutes) and the scale run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchutil.h"
#include "sim/sim.h"

/* The built-in scenario builtin, or the defaults when it is NULL (one class,
 * no removal), with the assignments sets[]. */
static void load_scenario(wc_scenario *sc, const char *builtin, const char *const *sets, int nsets)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	if (builtin != NULL && wc_scenario_load_builtin(sc, builtin, &err) != 0)
		goto fail;
	for (int i = 0; i < nsets; i++)
		if (wc_scenario_set(sc, sets[i], &err) != 0)
			goto fail;
	if (wc_scenario_finish(sc, &err) == 0)
		return;
fail:
	fprintf(stderr, "bench: %s\n", err.msg);
	exit(1);
}

/* CPU seconds (user and system) this process has used: on a shared machine
 * the wall time also counts others' work. */
static double self_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static wc_run_result simulate(const wc_scenario *sc, enum wc_engine engine, uint64_t seed,
			      int threads)
{
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.engine = engine;
	opt.seed = seed;
	opt.threads = threads;
	wc_run_result res;
	wc_error err = {0};
	if (wc_simulate(sc, &opt, &res, &err) != 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	return res;
}

static void full_day(const char *binary)
{
	enum { REPS = 7 };
	double wall[REPS], cpu[REPS], rss[REPS], eng[REPS], setup[REPS];
	char *argv[] = {(char *)binary,
			"run",
			"codered-v2",
			"--quiet",
			"--out",
			"build/bench/codered-v2-fast",
			NULL};
	wc_scenario sc;
	load_scenario(&sc, "codered-v2", NULL, 0);
	/* The program's runs first: a child's peak RSS counts the copy of this
	 * process it was before exec, which the in-process runs below grow. */
	for (int i = 0; i < REPS; i++)
		if (bench_run_cpu(argv, NULL, &wall[i], &cpu[i], &rss[i]) != 0) {
			fprintf(stderr, "bench: %s run codered-v2 failed\n", binary);
			exit(1);
		}
	for (int i = 0; i < REPS; i++) {
		wc_run_result res = simulate(&sc, WC_ENGINE_FAST, 1 + (uint64_t)i, 1);
		eng[i] = res.engine_seconds;
		setup[i] = res.wall_seconds - res.engine_seconds;
		wc_run_result_free(&res);
	}
	printf("codered-v2 full day, fast engine (wormcast run, 1 core): %.3f s wall (CPU %.3f s), "
	       "peak RSS %.1f MB (target < 0.25 s)\n",
	       median(wall, REPS), median(cpu, REPS), median(rss, REPS));
	printf("  in process: engine %.3f s, population set-up %.3f s (medians of %d seeds)\n",
	       median(eng, REPS), median(setup, REPS), REPS);
}

static void same_window(int threads)
{
	static const char *const window[] = {"outbreak.end=2001-07-19T16:00:00Z"};
	wc_scenario sc;
	load_scenario(&sc, "codered-v2", window, 1);
	enum { FAST_REPS = 7 };
	double fast[FAST_REPS];
	uint64_t fast_probes = 0;
	for (int i = 0; i < FAST_REPS; i++) {
		wc_run_result res = simulate(&sc, WC_ENGINE_FAST, 1, 1);
		fast[i] = res.engine_seconds;
		fast_probes = res.probes;
		wc_run_result_free(&res);
	}
	wc_run_result res = simulate(&sc, WC_ENGINE_PROBE, 1, threads);
	double probe = res.engine_seconds;
	uint64_t probe_probes = res.probes;
	wc_run_result_free(&res);
	double f = median(fast, FAST_REPS);
	printf("codered-v2 10:00-16:00 UTC, seed 1, engine time: fast %.4f s (1 core, median of "
	       "%d; %.3g probes), probe %.1f s (%d cores, one run; %.3g probes)\n",
	       f, FAST_REPS, (double)fast_probes, probe, threads, (double)probe_probes);
	printf("  fast / probe speed-up: %.0fx (target >= 100x)\n", probe / f);
}

static void scale_run(const char *binary)
{
	enum { REPS = 3 };
	double wall[REPS], cpu[REPS], rss[REPS];
	char *argv[] = {(char *)binary,
			"run",
			"codered-v2",
			"--set",
			"population.vulnerable=10000000",
			"--set",
			"population.placement=uniform",
			"--quiet",
			"--out",
			"build/bench/codered-v2-10M",
			NULL};
	for (int i = 0; i < REPS; i++)
		if (bench_run_cpu(argv, NULL, &wall[i], &cpu[i], &rss[i]) != 0) {
			fprintf(stderr, "bench: the 10M-host run failed\n");
			exit(1);
		}
	double mb = median(rss, REPS);
	printf("scale run: codered-v2 day with 10,000,000 vulnerable hosts (uniform), fast "
	       "engine: %.1f s wall, CPU %.1f s (target < 10 s), peak RSS %.0f MB = %.1f bytes per "
	       "host (target <= 48) (medians of %d)\n",
	       median(wall, REPS), median(cpu, REPS), mb, mb * 1048576 / 1e7, REPS);
}

/* Engine seconds per infection (first ones and reinfections) on the codered-v2
 * day with n hosts placed uniformly: the median over reps seeds. */
static double per_infection(int n, int reps, uint64_t *infections)
{
	char vuln[64], rate[64];
	snprintf(vuln, sizeof vuln, "population.vulnerable=%d", n);
	snprintf(rate, sizeof rate, "worm.probe_rate=%g", 6e7 / n);
	const char *sets[] = {vuln, "population.placement=uniform", "worm.timing=constant", rate};
	wc_scenario sc;
	load_scenario(&sc, "codered-v2", sets, 4);
	double cost[8];
	for (int k = 0; k < reps && k < 8; k++) {
		wc_run_result res = simulate(&sc, WC_ENGINE_FAST, 1 + (uint64_t)k, 1);
		uint64_t inf = 0;
		for (size_t i = 0; i < res.timeline.n; i++)
			inf += res.timeline.rows[i].new_infections +
			       res.timeline.rows[i].reinfections;
		cost[k] = res.engine_seconds / (double)(inf ? inf : 1);
		*infections = inf;
		wc_run_result_free(&res);
	}
	return median(cost, reps < 8 ? reps : 8);
}

/* How the cost per infection grows with the population (cache misses): 10^5,
 * 10^6 and, unless quick, 10^7 hosts. */
static void infection_cost(bool quick)
{
	const int sizes[] = {100000, 1000000, 10000000}, reps[] = {7, 5, 1};
	int nsizes = quick ? 2 : 3;
	double cost[3];
	printf("cost per infection, codered-v2 day, uniform placement, 6e7/n probes/s per host, "
	       "fast engine time / (infections + reinfections):\n");
	for (int i = 0; i < nsizes; i++) {
		uint64_t inf = 0;
		cost[i] = per_infection(sizes[i], reps[i], &inf);
		printf("  %9d hosts: %.3f us per infection (%.3g infections; median of %d seeds)\n",
		       sizes[i], cost[i] * 1e6, (double)inf, reps[i]);
	}
	printf("  ratio %d / %d hosts: %.2fx (target <= 1.5x)\n", sizes[nsizes - 1], sizes[0],
	       cost[nsizes - 1] / cost[0]);
}

/* The codered-v2 day under three sets of overrides, the first the baseline:
 * the fast engine's time, median of seven seeds, beside the first's. */
static void engine_beside_baseline(const char *what, int width, const char *const *const sets[3],
				   const int nsets[3], const char *const names[3])
{
	enum { REPS = 7 };
	double base = 0;
	for (int k = 0; k < 3; k++) {
		wc_scenario sc;
		load_scenario(&sc, "codered-v2", sets[k], nsets[k]);
		double eng[REPS];
		for (int i = 0; i < REPS; i++) {
			wc_run_result res = simulate(&sc, WC_ENGINE_FAST, 1 + (uint64_t)i, 1);
			eng[i] = res.engine_seconds;
			wc_run_result_free(&res);
		}
		double m = median(eng, REPS);
		if (k == 0)
			base = m;
		printf("codered-v2 day with %s, fast engine: %-*s engine %.3f s (%.2fx the "
		       "baseline; median of %d seeds)\n",
		       what, width, names[k], m, m / base, REPS);
	}
}

static void filters(void)
{
	static const char *const none[] = {"defense.filter.method=none"};
	static const char *const content[] = {"defense.filter.method=content",
					      "defense.filter.coverage=0.9",
					      "defense.filter.at=2001-07-19T14:00:00Z"};
	static const char *const blacklist[] = {
		"defense.filter.method=blacklist", "defense.filter.deployment=edge",
		"defense.filter.coverage=0.9", "defense.filter.blacklist_delay=2400"};
	const char *const *sets[] = {none, content, blacklist};
	const int nsets[] = {1, 3, 4};
	const char *names[] = {"no filter (baseline)", "content, transit 0.9, +4 h",
			       "blacklist, edge 0.9, 40 min"};
	engine_beside_baseline("filters", 30, sets, nsets, names);
}

static void sensors(void)
{
	static const char *const none[] = {"output.interval=60"};
	static const char *const live16[] = {"sensor.reed.kind=live", "sensor.reed.size=65536"};
	static const char *const dark8[] = {"sensor.tel.blocks=44.0.0.0/8"};
	const char *const *sets[] = {none, live16, dark8};
	const int nsets[] = {1, 2, 1};
	const char *names[] = {"no sensor (baseline)", "a live /16 (Reed's)",
			       "a dark /8 (the telescope's blocks)"};
	engine_beside_baseline("sensors", 34, sets, nsets, names);
}

/*
 * ns-2's analytical-network worm model (ns-2.35, apps/worm.cc, Tcl class
 * Application/Worm/An) is a deterministic recurrence stepped every TimeStep
 * seconds over an address range of n addresses, s_max of them vulnerable:
 *
 *   r += gamma·i;  i += beta·i·(s / s_max)·dt − gamma·i;  s = n − r − i,
 *   beta = scan_rate · s_max / 2^32            (Moore's Internet Quarantine)
 *
 * from i = 1. The same recurrence is re-implemented here (ns-2 itself is not
 * run; this is its model, not its code or its Tcl overhead) and timed in
 * process. Returns the time (s of simulated time) at which i first reaches
 * 90% of s_max; gamma = 0 below, as in the fast engine's configuration.
 */
static double an_model(double n, double s_max, double scan_rate, double gamma, double dt)
{
	double beta = scan_rate * s_max / 4294967296.0;
	double i = 1, r = n - s_max, s = s_max - 1, t = 0;
	while (i < 0.9 * s_max && t < 1e9) {
		r += gamma * i;
		i += beta * i * (s / s_max) * dt - gamma * i;
		s = n - r - i;
		t += dt;
	}
	return t;
}

/* ns-2 itself, when installed (make bench-deps): bench/ns2_worm_an.tcl to
 * `end` seconds, REPS runs; the median wall time of the whole process (start,
 * Tcl, the model and its per-step output line), its median CPU time in *cpu,
 * and the model's infected count at the end from its last "A t s i r ..."
 * line. 0 if ns is missing or fails. */
static double ns2_an(double end, double *infected, double *cpu)
{
	enum { REPS = 5 };
	if (system("command -v ns >/dev/null 2>&1") != 0)
		return 0;
	char e[32];
	snprintf(e, sizeof e, "%.1f", end);
	char *argv[] = {"ns", "bench/ns2_worm_an.tcl", "6", "360000", e, NULL};
	const char *out = "build/bench/ns2-worm-an.out";
	double wall[REPS], cpus[REPS], rss;
	for (int k = 0; k < REPS; k++)
		if (bench_run_cpu(argv, out, &wall[k], &cpus[k], &rss) != 0)
			return 0;
	*cpu = median(cpus, REPS);
	FILE *f = fopen(out, "r");
	char line[256];
	*infected = -1;
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		double t, s, i;
		if (sscanf(line, "A %lf %lf %lf", &t, &s, &i) == 3)
			*infected = i;
	}
	if (f != NULL)
		fclose(f);
	return *infected >= 0 ? median(wall, REPS) : 0;
}

/* The AN recurrence and the fast engine on one configuration: 360,000
 * vulnerable hosts placed uniformly in IPv4, 6 probes/s each, no removal, one
 * seed host, 1-s steps, to the time the recurrence reaches 90%. */
static void mean_field(void)
{
	enum { REPS = 7 };
	const double n = 4294967296.0, vuln = 360000, rate = 6;
	double an[REPS], wall[REPS], cpu[REPS], eng[REPS], t90 = 0, reached[REPS];
	for (int k = 0; k < REPS; k++) {
		double t0 = wc_clock_seconds(), dt;
		int calls = 0;
		do {
			t90 = an_model(n, vuln, rate, 0, 1);
			calls++;
			dt = wc_clock_seconds() - t0;
		} while (dt < 0.02);
		an[k] = dt / calls;
	}
	char end[80], ts[24];
	wc_time start;
	wc_time_parse("2001-07-19T10:00:00Z", &start);
	snprintf(end, sizeof end, "outbreak.end=%s",
		 wc_time_format(start + (wc_time)ceil(t90), ts));
	const char *sets[] = {"outbreak.start=2001-07-19T10:00:00Z",
			      end,
			      "outbreak.seed_hosts=1",
			      "outbreak.step=1",
			      "population.vulnerable=360000",
			      "population.placement=uniform",
			      "worm.timing=constant",
			      "worm.probe_rate=6",
			      "clock.spread_days=1-31",
			      "clock.flood_days=none",
			      "telescope.blocks="};
	wc_scenario sc;
	load_scenario(&sc, NULL, sets, (int)(sizeof sets / sizeof sets[0]));
	for (int k = 0; k < REPS; k++) {
		double cpu0 = self_cpu();
		wc_run_result res = simulate(&sc, WC_ENGINE_FAST, 1 + (uint64_t)k, 1);
		cpu[k] = self_cpu() - cpu0;
		wall[k] = res.wall_seconds;
		eng[k] = res.engine_seconds;
		reached[k] = res.timeline.n ? (double)res.timeline.rows[res.timeline.n - 1]
							      .cumulative_infected /
						      vuln
					    : 0;
		wc_run_result_free(&res);
	}
	printf("mean-field baseline, same configuration (360,000 hosts uniform in IPv4, 6 "
	       "probes/s, "
	       "no removal, 1 seed, 1-s steps), to 90%% infected (%.0f s simulated):\n",
	       t90);
	double ns_i = 0, ns_cpu = 0, ns_wall = ns2_an(t90 + 0.5, &ns_i, &ns_cpu);
	if (ns_wall > 0)
		printf("  ns-2 2.35 itself, Application/Worm/An (bench/ns2_worm_an.tcl), run here: "
		       "%.3f s wall, CPU %.3f s (medians of 5; the process, Tcl and a line per "
		       "step); its infected at the end: %.1f%%\n",
		       ns_wall, ns_cpu, 100 * ns_i / vuln);
	else
		printf("  ns-2: baseline unavailable (ns not installed or failed; make bench-deps "
		       "installs ns2)\n");
	printf("  the same recurrence re-implemented here, in process (no Tcl, no output): %.3g s "
	       "(median of %d)\n",
	       median(an, REPS), REPS);
	double all = median(wall, REPS), all_cpu = median(cpu, REPS);
	printf("  fast engine, every host: %.3f s in all (CPU %.3f s), engine %.3f s (medians of "
	       "%d seeds; infected at the end: %.1f%% median)\n",
	       all, all_cpu, median(eng, REPS), REPS, 100 * median(reached, REPS));
	if (ns_wall > 0)
		printf("  wormcast / ns-2, same run: %.2fx wall, %.2fx CPU (target <= 1x)\n",
		       all / ns_wall, all_cpu / ns_cpu);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	full_day("build/wormcast");
	filters();
	sensors();
	mean_field();
	infection_cost(quick);
	if (quick)
		return 0;
	same_window((int)sysconf(_SC_NPROCESSORS_ONLN));
	scale_run("build/wormcast");
	return 0;
}
