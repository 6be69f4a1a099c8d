/*
 * The simulator against the fitted models (docs/model.md §12.1): with uniform scanning, a
 * constant rate r and no removals, the mean of many fast-engine runs must
 * follow the random-constant-spread logistic of src/model with
 * K = r·N/2^32 — within 2% once 1% of the hosts are infected.
 *
 * 100,000 hosts in all of IPv4, r = 11.93 probes/s (K = 1.0/h), 500 seed
 * hosts so that the run-to-run shift of the curve (the random early phase,
 * sd ≈ ψ'(I0)^½/K = 0.045 h) moves the mean of 50 runs by 0.045/√50 h, a
 * relative gap of K·0.0064 h ≈ 0.6% (one sd) where 1% are infected: 2% is
 * three sd. The sanitized build runs the same 50 (about 12 s): with 10 runs one
 * sd is 1.4% and 2% would fail one run in six by chance alone.
 */
#include "testutil.h"

#include <math.h>

#include "model/models.h"
#include "sim/sim.h"

static void fast_engine_mean_follows_the_logistic(void **state)
{
	(void)state;
	const double n = 100000, i0 = 500, rate = 11.93;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	static const char *const sets[] = {
		"outbreak.start=2001-07-05T00:00:00Z",
		"outbreak.end=2001-07-05T10:00:00Z",
		"outbreak.seed_hosts=500",
		"worm.scan_space=0.0.0.0/0",
		"worm.timing=constant",
		"worm.probe_rate=11.93",
		"population.vulnerable=100000",
		"population.placement=uniform",
		"telescope.blocks=",
		"output.interval=600",
	};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		if (wc_scenario_set(&sc, sets[i], &err) != 0)
			fail_msg("%s: %s", sets[i], err.msg);
	if (wc_scenario_finish(&sc, &err) != 0)
		fail_msg("%s", err.msg);

	const int runs = 50;
	double *mean = NULL, *hours = NULL;
	size_t rows = 0;
	for (int r = 0; r < runs; r++) {
		wc_run_options opt;
		wc_run_options_init(&opt);
		opt.engine = WC_ENGINE_FAST;
		opt.seed = 1 + (uint64_t)r;
		wc_run_result res;
		if (wc_simulate(&sc, &opt, &res, &err) != 0)
			fail_msg("%s", err.msg);
		if (mean == NULL) {
			rows = res.timeline.n;
			mean = calloc(rows, sizeof *mean);
			hours = calloc(rows, sizeof *hours);
			assert_non_null(mean);
			assert_non_null(hours);
		}
		assert_int_equal(res.timeline.n, rows);
		for (size_t i = 0; i < rows; i++) {
			mean[i] += (double)res.timeline.rows[i].cumulative_infected / runs;
			hours[i] = (double)(res.timeline.rows[i].time - sc.start) / 3600;
		}
		wc_run_result_free(&res);
	}

	double k = rate * n / 4294967296.0 * 3600;
	double p[3] = {n, k, log((n - i0) / i0) / k};
	double *logistic = calloc(rows, sizeof *logistic);
	assert_non_null(logistic);
	assert_int_equal(wc_model_cumulative(WC_MODEL_RCS, p, hours, rows, 0.01, logistic), 0);
	double worst = 0;
	int compared = 0;
	for (size_t i = 0; i < rows; i++) {
		if (logistic[i] < 0.01 * n)
			continue;
		double rel = fabs(mean[i] / logistic[i] - 1);
		worst = fmax(worst, rel);
		compared++;
	}
	print_message("mean of %d fast runs vs logistic K = %.3f/h: worst relative gap %.4f over "
		      "%d rows\n",
		      runs, k, worst, compared);
	assert_true(compared >= 50);
	assert_true(worst < 0.02);
	free(mean);
	free(hours);
	free(logistic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fast_engine_mean_follows_the_logistic),
	};
	return cmocka_run_group_tests_name("agreement", tests, NULL, NULL);
}
