/*
 * test_calib.c — calibration on the real simulator (calib/calib.h): the
 * observations reader, the distance, and recovery of known keys from data
 * simulated with them, at 1/256 scale.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "calib/calib.h"
#include "core/utc.h"
#include "model/abc.h"
#include "model/wis.h"

/* Code Red v2 at 1/256 scale as tests/cli.sh's SMALL sets it (the start
 * unchanged, unlike test_reduced_codered). */
static void small_codered(wc_scenario *sc)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	assert_int_equal(wc_scenario_load_builtin(sc, "codered-v2", &err), 0);
	const char *sets[] = {"worm.scan_space=12.0.0.0/8", "population.vulnerable=1406",
			      "telescope.blocks=12.44.0.0/16"};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(wc_scenario_set(sc, sets[i], &err), 0);
	assert_int_equal(wc_scenario_finish(sc, &err), 0);
}

/* One run's hourly cumulative infections and new infections per hour,
 * 11:00-15:00, as a CSV file at path (the 13:00 cumulative cell a gap). */
static void write_observed(const wc_scenario *sc, uint64_t seed, const char *path,
			   wc_timeline *keep)
{
	wc_run_options o;
	wc_run_options_init(&o);
	o.seed = seed;
	assert_int_equal(wc_time_parse("2001-07-19T15:00:00Z", &o.until), 0);
	o.until_set = true;
	wc_run_result res;
	wc_error err = {0};
	assert_int_equal(wc_simulate(sc, &o, &res, &err), 0);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("time,seen,new\n", fp);
	uint64_t flow = 0;
	for (size_t i = 1; i < res.timeline.n; i++) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		flow += r->new_infections;
		if ((r->time - sc->start) % 3600 != 0)
			continue;
		char t[32];
		wc_time_format(r->time, t);
		if (r->time == sc->start + 3 * 3600)
			fprintf(fp, "%s,,%llu\n", t, (unsigned long long)flow);
		else
			fprintf(fp, "%s,%llu,%llu\n", t, (unsigned long long)r->cumulative_infected,
				(unsigned long long)flow);
		flow = 0;
	}
	fclose(fp);
	*keep = res.timeline;
	res.timeline = (wc_timeline){0};
	wc_run_result_free(&res);
}

static const char *const maps[] = {"seen=cumulative_infected", "new=new_infections"};

/* The reader maps columns by name, keeps gaps, and the simulated values of
 * the run the file came from are the file's own: distance 0. */
static void observations_of_their_own_run(void **state)
{
	(void)state;
	wc_scenario sc;
	small_codered(&sc);
	char path[] = "/tmp/wc-test-calib-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	wc_timeline tl;
	write_observed(&sc, 99, path, &tl);
	wc_observations obs;
	wc_error err = {0};
	assert_int_equal(wc_observations_read(&obs, path, maps, 2, &err), 0);
	assert_int_equal(obs.ncols, 2);
	assert_int_equal(obs.n, 9); /* 5 hours x 2 columns less the gap */
	assert_int_equal(obs.width, 3600);
	assert_int_equal(obs.cols[1].kind, WC_COLUMN_FLOW);
	assert_int_equal(wc_observations_check(&obs, &sc, &err), 0);
	assert_true(wc_observations_distance(&obs, &tl, sc.interval) == 0);
	/* A timeline that stops short cannot be compared. */
	tl.n -= 30;
	assert_true(isinf(wc_observations_distance(&obs, &tl, sc.interval)));
	wc_timeline_free(&tl);
	/* An hour before the start is outside the window for a per-hour count. */
	sc.start += 3600;
	wc_error e2 = {0};
	assert_int_equal(wc_observations_check(&obs, &sc, &e2), -1);
	assert_int_equal(e2.code, WC_EXIT_USAGE);
	assert_non_null(strstr(e2.msg, "outside the run's window"));
	wc_observations_free(&obs);
	unlink(path);
}

/* A sensor's columns are found among the scenario's [sensor.NAME]
 * sections; its distinct sources per row need one row per observation
 * (they do not add over rows): hourly counts need output.interval=3600. */
static void sensor_columns_resolve_per_row(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
	const char *sets[] = {"worm.scan_space=12.0.0.0/8",    "population.vulnerable=1406",
			      "telescope.blocks=12.44.0.0/16", "sensor.site.kind=live",
			      "sensor.site.prefix_length=22",  "output.interval=3600"};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(wc_scenario_set(&sc, sets[i], &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	wc_run_options o;
	wc_run_options_init(&o);
	o.seed = 5;
	assert_int_equal(wc_time_parse("2001-07-19T15:00:00Z", &o.until), 0);
	o.until_set = true;
	wc_run_result res;
	assert_int_equal(wc_simulate(&sc, &o, &res, &err), 0);
	char path[] = "/tmp/wc-test-calib-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("time,hourly,sofar\n", fp);
	uint64_t total = 0;
	for (size_t i = 1; i < res.timeline.n; i++) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		char t[32];
		fprintf(fp, "%s,%llu,%llu\n", wc_time_format(r->time, t),
			(unsigned long long)r->sensor[0][WC_SENSOR_INTERVAL],
			(unsigned long long)r->sensor[0][WC_SENSOR_SOURCES]);
		total += r->sensor[0][WC_SENSOR_INTERVAL];
	}
	fclose(fp);
	assert_true(total > 0);
	const char *smaps[] = {"hourly=site_interval_sources", "sofar=site_sources"};
	wc_observations obs;
	assert_int_equal(wc_observations_read(&obs, path, smaps, 2, &err), 0);
	assert_true(obs.cols[0].index == SIZE_MAX);
	assert_int_equal(wc_observations_check(&obs, &sc, &err), 0);
	assert_int_equal(obs.cols[0].index, wc_timeline_ncolumns + WC_SENSOR_INTERVAL);
	assert_int_equal(obs.cols[0].kind, WC_COLUMN_FLOW);
	assert_int_equal(obs.cols[1].index, wc_timeline_ncolumns + WC_SENSOR_SOURCES);
	assert_int_equal(obs.cols[1].kind, WC_COLUMN_GROWING);
	assert_true(wc_observations_distance(&obs, &res.timeline, sc.interval) == 0);
	/* minute rows: summing per-minute distinct counts would be wrong */
	wc_scenario fine = sc;
	fine.interval = 60;
	wc_error e2 = {0};
	assert_int_equal(wc_observations_check(&obs, &fine, &e2), -1);
	assert_int_equal(e2.code, WC_EXIT_USAGE);
	assert_non_null(strstr(e2.msg, "do not add over rows"));
	assert_non_null(strstr(e2.msg, "--set output.interval=3600"));
	wc_observations_free(&obs);
	/* a sensor the scenario does not have */
	const char *bad[] = {"hourly=gold_interval_sources"};
	assert_int_equal(wc_observations_read(&obs, path, bad, 1, &err), 0);
	wc_error e3 = {0};
	assert_int_equal(wc_observations_check(&obs, &sc, &e3), -1);
	assert_non_null(strstr(e3.msg, "no [sensor.NAME] section of the scenario has it"));
	wc_observations_free(&obs);
	wc_run_result_free(&res);
	unlink(path);
}

/*
 * Recovery: data from worm.threads = 100 and population.vulnerable = 1406
 * (seed 99); loguniform priors a factor of 10 wide. The posterior's 90%
 * interval holds each truth, its median is within 35% of it, and the
 * interval is narrower than the prior's (a factor of 7.9 for the central
 * 90% of loguniform(a, 10a)).
 */
static void recovers_rate_and_vulnerable(void **state)
{
	(void)state;
	TEST_SKIP_IF_QUICK();
	wc_scenario sc;
	small_codered(&sc);
	char path[] = "/tmp/wc-test-calib-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	wc_timeline tl;
	write_observed(&sc, 99, path, &tl);
	wc_timeline_free(&tl);
	wc_observations obs;
	wc_error err = {0};
	assert_int_equal(wc_observations_read(&obs, path, maps, 2, &err), 0);
	unlink(path);
	wc_calib *cal = malloc(sizeof *cal);
	assert_non_null(cal);
	wc_calib_init(cal, &sc, &obs, WC_ENGINE_AUTO, 2);
	assert_int_equal(wc_calib_add_prior(cal, "worm.threads=loguniform(30,300)", &err), 0);
	assert_int_equal(
		wc_calib_add_prior(cal, "population.vulnerable=loguniform(500,5000)", &err), 0);
	wc_abc_config cfg = {.d = 2,
			     .priors = cal->priors,
			     .sims = 2400,
			     .rounds = 4,
			     .particles = 60,
			     .alpha = 0.5,
			     .seed = 3,
			     .batch = wc_calib_batch,
			     .batch_ctx = cal};
	wc_abc_result res;
	assert_int_equal(wc_abc_run(&cfg, &res, &err), 0);
	assert_int_equal(res.rounds, 4);
	const double truth[2] = {100, 1406};
	for (size_t k = 0; k < 2; k++) {
		double x[60];
		for (size_t i = 0; i < res.n; i++)
			x[i] = res.theta[i * 2 + k];
		double lo = wc_weighted_quantile(x, res.weight, res.n, 0.05);
		double med = wc_weighted_quantile(x, res.weight, res.n, 0.5);
		double hi = wc_weighted_quantile(x, res.weight, res.n, 0.95);
		print_message("%s: median %g, 90%% [%g, %g], truth %g\n", cal->keys[k], med, lo, hi,
			      truth[k]);
		assert_true(lo <= truth[k] && truth[k] <= hi);
		assert_true(fabs(med / truth[k] - 1) < 0.35);
		assert_true(hi / lo < 7.9);
	}
	/* The forecast runs each particle on with its seed: the quantiles at
	 * the hub levels rise with the level. */
	wc_calib_predictive pred;
	wc_time until;
	assert_int_equal(wc_time_parse("2001-07-19T18:00:00Z", &until), 0);
	assert_int_equal(wc_calib_predict(cal, &res, until, &pred, &err), 0);
	assert_int_equal(pred.ntimes, 8);
	for (size_t i = 0; i < pred.ntimes * pred.ncols; i++)
		for (int l = 1; l < WC_HUB_LEVELS; l++)
			assert_true(pred.q[i * WC_HUB_LEVELS + l] >=
				    pred.q[i * WC_HUB_LEVELS + l - 1]);
	wc_calib_predictive_free(&pred);
	wc_abc_result_free(&res);
	wc_observations_free(&obs);
	free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(observations_of_their_own_run),
		cmocka_unit_test(sensor_columns_resolve_per_row),
		cmocka_unit_test(recovers_rate_and_vulnerable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
