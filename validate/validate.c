/*
 * make validate: runs the built-in scenarios at full scale and prints each
 * figure beside the historical one. Options: --scenario NAME (codered-v2,
 * codered-v1, codered-ii or slammer; default codered-v2), --set KEY=VALUE (repeatable),
 * --seed N, --threads N, --engine auto|probe|fast, --scale S (population /
 * 360,000, for the count bands), --seeds N (N seeds from --seed on: the table
 * of the first, then how many seeds pass each figure).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/validation.h"
#include "sim/sim.h"

/* Runs a copy of sc with the assignments sets[] (NULL-terminated). */
static int run_variant(const wc_scenario *sc, const char *const *sets, const wc_run_options *opt,
		       wc_run_result *res, wc_error *err)
{
	wc_scenario v = *sc;
	for (int i = 0; sets[i] != NULL; i++)
		if (wc_scenario_set(&v, sets[i], err) != 0)
			return -1;
	if (wc_scenario_finish(&v, err) != 0)
		return -1;
	return wc_simulate(&v, opt, res, err);
}

/*
 * Code Red II's checks need three more runs beside the scenario's own: the
 * same outbreak with uniform scanning (the /16 share without local
 * preference), and two two-minute runs with 1,000 seed copies all in one class
 * (the Chinese-language hosts, then the others) for the per-host probe rate.
 */
static int validate_codered_ii(const wc_scenario *sc, const wc_run_options *opt,
			       const wc_run_result *res, wc_check *checks, wc_error *err)
{
	wc_run_options o = *opt;
	o.engine = WC_ENGINE_AUTO; /* uniform: the fast engine, exact for it */
	wc_run_result uni, zh, other;
	/* Set on the finished scenario, not by --set: the file sets local_own8
	 * and local_own16, which finish() would reject for uniform. */
	wc_scenario u = *sc;
	u.strategy = WC_STRATEGY_UNIFORM;
	if (wc_simulate(&u, &o, &uni, err) != 0)
		return -1;
	char end[64], t[24];
	snprintf(end, sizeof end, "outbreak.end=%s", wc_time_format(sc->start + 120, t));
	const char *zh_sets[] = {"class.chinese.share=1",    "class.other.share=0",
				 "outbreak.seed_hosts=1000", end,
				 "output.interval=60",	     NULL};
	const char *other_sets[] = {"class.chinese.share=0",	"class.other.share=1",
				    "outbreak.seed_hosts=1000", end,
				    "output.interval=60",	NULL};
	if (run_variant(sc, zh_sets, opt, &zh, err) != 0 ||
	    run_variant(sc, other_sets, opt, &other, err) != 0)
		return -1;
	double rz = wc_probes_per_active_second(&zh.timeline),
	       ro = wc_probes_per_active_second(&other.timeline);
	int n = wc_validate_codered_ii(&res->timeline, &uni.timeline, ro > 0 ? rz / ro : 0, checks);
	printf("codered-ii: per-host probe rate %.2f/s (Chinese-language) and %.2f/s (other); "
	       "same-/16 share %.4f (uniform %.4f; -1: columns not filled)\n",
	       rz, ro, wc_infector_share(&res->timeline, false),
	       wc_infector_share(&uni.timeline, false));
	wc_run_result_free(&uni);
	wc_run_result_free(&zh);
	wc_run_result_free(&other);
	return n;
}

int main(int argc, char **argv)
{
	wc_scenario sc;
	wc_error err = {0};
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.engine = WC_ENGINE_PROBE;
	opt.threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	double scale = 1;
	int nseeds = 1;
	const char *name = "codered-v2";
	/* --scenario first: the other options apply to the scenario it loads. */
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--scenario") == 0)
			name = argv[i + 1];
	if (strcmp(name, "codered-v2") != 0 && strcmp(name, "codered-v1") != 0 &&
	    strcmp(name, "codered-ii") != 0 && strcmp(name, "slammer") != 0) {
		fprintf(stderr,
			"validate: --scenario: no checks for '%s' (codered-v2, codered-v1, "
			"codered-ii, slammer)\n",
			name);
		return 2;
	}
	/* codered-v2's default is the probe engine (docs/validation.md); the
	 * others take the engine auto picks: Slammer's 5e10 probes need the fast one. */
	if (strcmp(name, "codered-v2") != 0)
		opt.engine = WC_ENGINE_AUTO;
	wc_scenario_init(&sc);
	if (wc_scenario_load_builtin(&sc, name, &err) != 0)
		goto fail;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc) {
			i++; /* read above */
		} else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			if (wc_scenario_set(&sc, argv[++i], &err) != 0)
				goto fail;
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			opt.seed = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			opt.threads = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc) {
			if (wc_engine_parse(argv[++i], &opt.engine) != 0) {
				fprintf(stderr, "validate: --engine: auto, probe or fast\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
			nseeds = atoi(argv[++i]);
			if (nseeds < 1) {
				fprintf(stderr, "validate: --seeds: expected a positive count\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
			scale = atof(argv[++i]);
		} else {
			fprintf(stderr, "usage: validate [--scenario NAME] [--set K=V]... [--seed "
					"N] [--threads N] "
					"[--engine E] [--scale S] [--seeds N]\n");
			return 2;
		}
	}
	if (wc_scenario_finish(&sc, &err) != 0)
		goto fail;
	int passed[WC_MAX_CHECKS] = {0}, failed = 0, n = 0;
	wc_check checks[WC_MAX_CHECKS];
	uint64_t first = opt.seed;
	for (int k = 0; k < nseeds; k++) {
		opt.seed = first + (uint64_t)k;
		wc_run_result res;
		if (wc_simulate(&sc, &opt, &res, &err) != 0)
			goto fail;
		if (strcmp(name, "codered-v1") == 0)
			n = wc_validate_codered_v1(&res.timeline, scale, checks);
		else if (strcmp(name, "slammer") == 0)
			n = wc_validate_slammer(&res.timeline, scale, checks);
		else if (strcmp(name, "codered-ii") == 0)
			n = validate_codered_ii(&sc, &opt, &res, checks, &err);
		else
			n = wc_validate_codered_v2(&res.timeline, scale, checks);
		if (n < 0) {
			wc_run_result_free(&res);
			goto fail;
		}
		if (k == 0) {
			printf("%s, seed %llu, %s engine, %d threads: %.3g probes in %.1f "
			       "s "
			       "(%.3g probes/s)\n\n",
			       name, (unsigned long long)opt.seed, wc_engine_name(res.engine),
			       opt.threads, (double)res.probes, res.wall_seconds,
			       (double)res.probes / res.wall_seconds);
			wc_checks_print(stdout, checks, n);
			int ok = 0;
			for (int c = 0; c < n; c++)
				ok += checks[c].pass;
			printf("\n%d of %d figures within the accepted band\n", ok, n);
		}
		for (int c = 0; c < n; c++) {
			passed[c] += checks[c].pass;
			failed += !checks[c].pass && !checks[c].skipped && !checks[c].known;
		}
		wc_run_result_free(&res);
	}
	if (nseeds > 1) {
		printf("\nseeds %llu to %llu: seeds within the band, per figure\n",
		       (unsigned long long)first,
		       (unsigned long long)(first + (uint64_t)nseeds - 1));
		for (int c = 0; c < n; c++)
			printf("  %-44s %d of %d\n", checks[c].name, passed[c], nseeds);
	}
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "validate: %s\n", err.msg);
	return err.code ? err.code : 1;
}
