/*
 * make validate: runs the built-in scenarios at full scale and prints each
 * figure beside the historical one. Options: --set KEY=VALUE (repeatable),
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
	wc_scenario_init(&sc);
	if (wc_scenario_load_builtin(&sc, "codered-v2", &err) != 0)
		goto fail;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
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
			fprintf(stderr, "usage: validate [--set K=V]... [--seed N] [--threads N] "
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
		n = wc_validate_codered_v2(&res.timeline, scale, checks);
		if (k == 0) {
			printf("codered-v2, seed %llu, %s engine, %d threads: %.3g probes in %.1f "
			       "s "
			       "(%.3g probes/s)\n\n",
			       (unsigned long long)opt.seed, wc_engine_name(res.engine),
			       opt.threads, (double)res.probes, res.wall_seconds,
			       (double)res.probes / res.wall_seconds);
			int bad = wc_checks_print(stdout, checks, n);
			printf("\n%d of %d figures within the accepted band\n", n - bad, n);
		}
		for (int c = 0; c < n; c++) {
			passed[c] += checks[c].pass;
			failed += !checks[c].pass;
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
