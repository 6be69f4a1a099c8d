/*
 * make validate: runs the built-in scenarios at full scale with the probe
 * engine and prints each figure beside the historical one. Options let the
 * same program check a reduced scale: --set KEY=VALUE (repeatable), --seed N,
 * --threads N, --scale S (population / 360,000, for the count bands).
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
		} else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
			scale = atof(argv[++i]);
		} else {
			fprintf(stderr, "usage: validate [--set K=V]... [--seed N] [--threads N] "
					"[--engine E] [--scale S]\n");
			return 2;
		}
	}
	if (wc_scenario_finish(&sc, &err) != 0)
		goto fail;
	wc_run_result res;
	if (wc_simulate(&sc, &opt, &res, &err) != 0)
		goto fail;
	printf("codered-v2, seed %llu, %s engine, %d threads: %.3g probes in %.1f s "
	       "(%.3g probes/s)\n\n",
	       (unsigned long long)opt.seed, wc_engine_name(res.engine), opt.threads,
	       (double)res.probes, res.wall_seconds, (double)res.probes / res.wall_seconds);
	wc_check checks[WC_MAX_CHECKS];
	int n = wc_validate_codered_v2(&res.timeline, scale, checks);
	int failed = wc_checks_print(stdout, checks, n);
	printf("\n%d of %d figures within the accepted band\n", n - failed, n);
	wc_run_result_free(&res);
	return failed ? 1 : 0;
fail:
	fprintf(stderr, "validate: %s\n", err.msg);
	return err.code ? err.code : 1;
}
