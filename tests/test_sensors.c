/*
 * Sensors ([sensor.NAME], sim/sensor.h) against closed forms, in both engines.
 *
 * The world: n hosts, all infected at the start (seed_hosts = vulnerable, so
 * nothing else happens), each probing uniformly at r probes/s over a space of
 * |S| addresses. A sensor of s addresses then gets Poisson(n·r·p·Δ) probes a
 * row (p = s/|S|, Δ the row's length), sees each host in a row with
 * probability q = 1 − e^{−r·p·Δ} independently (per row: Binomial(n, q)),
 * and has seen n·(1 − e^{−r·p·kΔ}) of them after k rows. With address churn
 * (lifetime L) a host's distinct addresses in a row have the mean of
 * wc_sensor_distinct (model/sensorcount.h). Each test runs one fixed seed
 * per engine and sums over the rows; the tolerance is 5 standard deviations
 * of the sum (binomial or Poisson, stated with each check), so a correct
 * engine fails it with probability below 10^-6 and a 5% error in p, r or the
 * counting rule (hundreds of standard deviations here) cannot pass.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "model/sensorcount.h"
#include "sim/sensor.h"
#include "sim/sim.h"

enum { HOSTS = 2000, ROWS = 20, INTERVAL = 60 };
static const double RATE = 10;		      /* probes/s of every host */
static const double SPACE = 1048576;	      /* 12.0.0.0/12 */
static const double LIVE = 1024, DARK = 4096; /* the two sensors' sizes */

/* The world above, ending `end`. */
static void constant_world(wc_scenario *sc, const char *lifetime_h, const char *end)
{
	char life[80];
	snprintf(life, sizeof life, "class.a.address_lifetime=%s", lifetime_h);
	const char *sets[] = {
		"outbreak.start=2001-07-19T10:00:00Z",
		end,
		"outbreak.seed_hosts=2000",
		"worm.timing=constant",
		"worm.probe_rate=10",
		"worm.scan_space=12.0.0.0/12",
		"population.vulnerable=2000",
		"population.placement=uniform",
		"telescope.blocks=12.15.0.0/16",
		"sensor.site.kind=live",
		"sensor.site.size=1024",
		"sensor.dark.blocks=12.14.0.0/20",
		"class.a.share=1",
		life,
		"output.interval=60",
	};
	wc_error err = {0};
	wc_scenario_init(sc);
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		if (wc_scenario_set(sc, sets[i], &err) != 0)
			fail_msg("%s: %s", sets[i], err.msg);
	if (wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s", err.msg);
}

static void run(const wc_scenario *sc, enum wc_engine engine, uint64_t seed, int threads,
		wc_run_result *res)
{
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.engine = engine;
	opt.seed = seed;
	opt.threads = threads;
	wc_error err = {0};
	if (wc_simulate(sc, &opt, res, &err) != 0)
		fail_msg("wc_simulate: %s", err.msg);
	assert_int_equal(res->timeline.nsensors, 2);
}

static void within(const char *what, double got, double want, double sd)
{
	print_message("  %-34s %10.1f  expected %10.1f ± %.1f (5 sd)\n", what, got, want, 5 * sd);
	if (!(fabs(got - want) <= 5 * sd))
		fail_msg("%s: %.1f, expected %.1f within %.1f", what, got, want, 5 * sd);
}

/* Sensor k of size `size`: probes, sources of each row and sources so far. */
static void check_sensor(const wc_timeline *tl, int k, double size, double lifetime_s,
			 const char *label)
{
	double lambda = wc_sensor_lambda(RATE, size, SPACE), probes = 0, interval = 0;
	for (size_t i = 1; i < tl->n; i++) {
		const uint64_t *c = tl->rows[i].sensor[k];
		probes += (double)c[WC_SENSOR_PROBES];
		interval += (double)c[WC_SENSOR_INTERVAL];
		assert_true(c[WC_SENSOR_PROBES] >= c[WC_SENSOR_INTERVAL]);
		assert_true(c[WC_SENSOR_SOURCES] >= tl->rows[i - 1].sensor[k][WC_SENSOR_SOURCES]);
	}
	char what[120];
	double mp = HOSTS * lambda * INTERVAL * ROWS;
	snprintf(what, sizeof what, "%s %s probes", label, tl->sensor_name[k]);
	within(what, probes, mp, sqrt(mp));
	/* per host and row: distinct addresses D with mean d; without churn D
	 * is 0 or 1, variance d(1 − d); with churn it is bounded here by 2d (a
	 * sum of epoch Bernoullis over 1 + Poisson(T/L) epochs, T/L = 0.6) */
	double d = wc_sensor_distinct_one(lambda, lifetime_s, INTERVAL);
	double var = lifetime_s > 0 ? 2 * d : d * (1 - d);
	snprintf(what, sizeof what, "%s %s sources per row (sum)", label, tl->sensor_name[k]);
	within(what, interval, HOSTS * ROWS * d, sqrt(HOSTS * ROWS * var));
	for (int i = 1; lifetime_s == 0 && i <= 2; i++) { /* later rows have seen them all */
		double q = -expm1(-lambda * INTERVAL * i);
		snprintf(what, sizeof what, "%s %s sources after %d row%s", label,
			 tl->sensor_name[k], i, i > 1 ? "s" : "");
		within(what, (double)tl->rows[i].sensor[k][WC_SENSOR_SOURCES], HOSTS * q,
		       sqrt(HOSTS * q * (1 - q)) + 0.5);
	}
}

static void closed_form(const char *lifetime_h, double lifetime_s)
{
	wc_scenario sc;
	constant_world(&sc, lifetime_h, "outbreak.end=2001-07-19T10:20:00Z");
	const enum wc_engine engines[] = {WC_ENGINE_PROBE, WC_ENGINE_FAST};
	for (int e = 0; e < 2; e++) {
		wc_run_result res;
		run(&sc, engines[e], 11, 2, &res);
		assert_int_equal(res.timeline.n, ROWS + 1);
		const char *label = wc_engine_name(engines[e]);
		check_sensor(&res.timeline, 0, LIVE, lifetime_s, label);
		check_sensor(&res.timeline, 1, DARK, lifetime_s, label);
		wc_run_result_free(&res);
	}
}

static void sensors_match_closed_forms(void **state)
{
	(void)state;
	closed_form("0", 0);
}

/* 100-second leases: several addresses per host and row (each a new source). */
static void sensors_match_closed_forms_with_churn(void **state)
{
	(void)state;
	closed_form("0.02777777777777778", 100);
}

/* Same seed, same bytes: any thread count for the probe engine, and the fast
 * engine run twice. */
static void sensor_columns_are_deterministic(void **state)
{
	(void)state;
	wc_scenario sc;
	constant_world(&sc, "0.02777777777777778", "outbreak.end=2001-07-19T10:05:00Z");
	wc_run_result a, b;
	run(&sc, WC_ENGINE_PROBE, 5, 1, &a);
	run(&sc, WC_ENGINE_PROBE, 5, 3, &b);
	assert_memory_equal(a.timeline.rows, b.timeline.rows,
			    a.timeline.n * sizeof *a.timeline.rows);
	wc_run_result_free(&a);
	wc_run_result_free(&b);
	run(&sc, WC_ENGINE_FAST, 5, 1, &a);
	run(&sc, WC_ENGINE_FAST, 5, 1, &b);
	assert_memory_equal(a.timeline.rows, b.timeline.rows,
			    a.timeline.n * sizeof *a.timeline.rows);
	wc_run_result_free(&a);
	wc_run_result_free(&b);
}

/* A dark sensor on the telescope's own blocks, in the reduced Code Red day
 * (1,406 hosts, a /16 of a /8): the probe engine sees the same probes twice,
 * so the columns are equal; the fast engine counts them by two methods
 * (the telescope's first sightings as events, the sensor's by groups), so
 * they agree within 5 standard deviations row by row (the sources of a row
 * are at most a Binomial over the hosts infected by then: variance at most
 * cumulative/4 each, and the two draws are independent). */
static void a_sensor_on_the_telescope_counts_what_it_counts(void **state)
{
	(void)state;
	wc_scenario sc;
	test_reduced_codered(&sc);
	wc_error err = {0};
	assert_int_equal(wc_scenario_set(&sc, "sensor.tel.blocks=12.44.0.0/16", &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	const enum wc_engine engines[] = {WC_ENGINE_PROBE, WC_ENGINE_FAST};
	for (int e = 0; e < 2; e++) {
		wc_run_options opt;
		wc_run_options_init(&opt);
		opt.engine = engines[e];
		opt.seed = 3;
		opt.until = sc.start + 8 * 3600;
		wc_run_result res;
		if (wc_simulate(&sc, &opt, &res, &err) != 0)
			fail_msg("%s", err.msg);
		double probes_a = 0, probes_b = 0;
		for (size_t i = 0; i < res.timeline.n; i++) {
			const wc_timeline_row *r = &res.timeline.rows[i];
			double a = (double)r->telescope_sources;
			double b = (double)r->sensor[0][WC_SENSOR_SOURCES];
			probes_a += (double)r->telescope_probes;
			probes_b += (double)r->sensor[0][WC_SENSOR_PROBES];
			if (engines[e] == WC_ENGINE_PROBE)
				assert_true(a == b);
			else if (!(fabs(a - b) <= 5 * sqrt((double)r->cumulative_infected / 2) + 1))
				fail_msg("row %zu: telescope %.0f, sensor %.0f sources", i, a, b);
		}
		print_message("  %s: telescope %.0f probes, %.0f sources; sensor %.0f, %llu\n",
			      wc_engine_name(engines[e]), probes_a,
			      (double)res.timeline.rows[res.timeline.n - 1].telescope_sources,
			      probes_b,
			      (unsigned long long)res.timeline.rows[res.timeline.n - 1]
				      .sensor[0][WC_SENSOR_SOURCES]);
		if (engines[e] == WC_ENGINE_PROBE)
			assert_true(probes_a == probes_b);
		else
			assert_true(fabs(probes_a - probes_b) <= 5 * sqrt(2 * probes_a));
		assert_true(probes_a > 1000);
		wc_run_result_free(&res);
	}
}

/* The fast engine's W (the share of a row left after an address's first
 * probe): the moments used for large groups against a numerical integral of
 * its density A·e^{A·w}/(e^A − 1). */
static void w_moments_match_the_density(void **state)
{
	(void)state;
	const double as[] = {1e-6, 1e-3, 0.01, 0.5, 2.5, 30, 800};
	for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
		double A = as[i], m1, m2, s0 = 0, s1 = 0, s2 = 0;
		enum { N = 200000 };
		for (int k = 0; k < N; k++) {
			double w = (k + 0.5) / N, f = exp(A * (w - 1)); /* ∝ the density */
			s0 += f;
			s1 += w * f;
			s2 += w * w * f;
		}
		wc_sensor_w_moments(A, &m1, &m2);
		assert_float_equal(m1, s1 / s0, 1e-6);
		assert_float_equal(m2, s2 / s0, 1e-6);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sensors_match_closed_forms),
		cmocka_unit_test(sensors_match_closed_forms_with_churn),
		cmocka_unit_test(sensor_columns_are_deterministic),
		cmocka_unit_test(w_moments_match_the_density),
		cmocka_unit_test(a_sensor_on_the_telescope_counts_what_it_counts),
	};
	return cmocka_run_group_tests_name("sensors", tests, NULL, NULL);
}
