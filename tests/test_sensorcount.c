/*
 * The sensor closed forms (model/sensorcount.h) against what they summarise.
 *
 * Distinct addresses: a Monte-Carlo simulation of the process itself (Poisson
 * probes, Poisson address changes, stationary start), fixed seed, 200,000
 * windows per case; the closed form must lie within 5 standard errors of the
 * sample mean (se from the sample variance). The simulation draws every probe
 * and every change, so it checks the derivation, not a re-statement of it.
 * Then the limits the header names, and the inverse (rate for a count).
 *
 * The ramp: its closed-form probe count against composite Simpson integration
 * of wc_ramp_threads() on 200,000 panels (split at the wake-up, where the
 * thread count jumps), within 1e-6 of the full-rate count over the window
 * (the kink where the ramp tops out costs Simpson its order there).
 */
#include "testutil.h"

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "model/sensorcount.h"

enum { NWINDOWS = 200000, NPANELS = 200000 };

/* Code Red v2's rate on a /16 over one hour (docs/validation.md): 5.94
 * probes/s × 2^16 / 2^32, per hour. */
#define SLASH16_HOUR (5.94 * 3600.0 / 65536.0)

/*
 * One simulated window: probes at rate lambda and address changes at rate
 * 1/lifetime (none when lifetime is 0) over [0, T]; the address in use at 0
 * has been in use for long (its remaining life is Exp by memorylessness, so
 * the first change is simply the first event of the change process). Returns
 * the number of addresses that sent at least one probe.
 */
static int simulate_window(gsl_rng *g, double lambda, double lifetime, double T)
{
	double next_change = lifetime > 0 ? gsl_ran_exponential(g, lifetime) : INFINITY;
	int epoch = 0, last_seen = -1, seen = 0;
	for (double t = gsl_ran_exponential(g, 1 / lambda); t < T;
	     t += gsl_ran_exponential(g, 1 / lambda)) {
		while (next_change <= t) {
			epoch++;
			next_change += gsl_ran_exponential(g, lifetime);
		}
		if (epoch != last_seen) {
			seen++;
			last_seen = epoch;
		}
	}
	return seen;
}

static void distinct_matches_monte_carlo(void **state)
{
	(void)state;
	static const struct {
		double lambda, lifetime, T;
	} cases[] = {
		{SLASH16_HOUR, 0, 1},	/* Reed's /16, a fixed address */
		{SLASH16_HOUR, 0.5, 1}, /* ... with half-hour leases */
		{2, 1, 3},		/* several probes per lease */
		{0.05, 0.1, 24},	/* a small sensor, fast churn, a day */
		{10, 0.2, 1},		/* nearly every lease seen */
	};
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(g);
	gsl_rng_set(g, 20010719);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		double s1 = 0, s2 = 0;
		for (int i = 0; i < NWINDOWS; i++) {
			double d =
				simulate_window(g, cases[c].lambda, cases[c].lifetime, cases[c].T);
			s1 += d;
			s2 += d * d;
		}
		double mean = s1 / NWINDOWS, se = sqrt((s2 / NWINDOWS - mean * mean) / NWINDOWS);
		double exact =
			wc_sensor_distinct_one(cases[c].lambda, cases[c].lifetime, cases[c].T);
		print_message(
			"lambda %-7.4g L %-4g T %-3g  simulated %.5f (se %.5f)  closed form %.5f\n",
			cases[c].lambda, cases[c].lifetime, cases[c].T, mean, se, exact);
		assert_true(fabs(mean - exact) <= 5 * se);
	}
	gsl_rng_free(g);
}

static void distinct_limits(void **state)
{
	(void)state;
	/* A fixed address: the chance of at least one probe. Lifetime 0 and
	 * +inf both mean "never changes". */
	double fixed = 1 - exp(-SLASH16_HOUR);
	assert_true(fabs(wc_sensor_distinct_one(SLASH16_HOUR, 0, 1) - fixed) < 1e-15);
	assert_true(fabs(wc_sensor_distinct_one(SLASH16_HOUR, INFINITY, 1) - fixed) < 1e-15);
	assert_true(fabs(wc_sensor_distinct_one(SLASH16_HOUR, 1e12, 1) - fixed) < 1e-9);
	/* Every lease seen: 1 + T/L. */
	assert_true(fabs(wc_sensor_distinct_one(1e9, 0.25, 2) - 9.0) < 1e-6);
	assert_true(wc_sensor_distinct_one(INFINITY, 0.25, 2) == 9.0);
	/* A short window: λT, to second order. */
	double lt = wc_sensor_distinct_one(3, 0.5, 1e-6);
	assert_true(fabs(lt - 3e-6) < 1e-10);
	/* Never above min(λT, 1 + T/L): churn cannot make more addresses than
	 * probes, nor more than leases. */
	for (double L = 0.01; L < 100; L *= 3) {
		double d = wc_sensor_distinct_one(SLASH16_HOUR, L, 1);
		assert_true(d <= SLASH16_HOUR + 1e-15 && d <= 1 + 1 / L);
		assert_true(d >= fixed - 1e-15); /* and churn never lowers it */
	}
	/* N hosts are N times one; a /16 in IPv4 is 2^-16 of a host's rate. */
	assert_true(fabs(wc_sensor_distinct(1000, 0.2, 0.5, 1) -
			 1000 * wc_sensor_distinct_one(0.2, 0.5, 1)) < 1e-9);
	assert_true(wc_sensor_lambda(6, 65536, 4294967296.0) == 6.0 / 65536);
	/* Nonsense in, NaN out. */
	assert_true(isnan(wc_sensor_distinct_one(-1, 0, 1)));
	assert_true(isnan(wc_sensor_distinct_one(1, -1, 1)));
	assert_true(isnan(wc_sensor_lambda(1, 2, 1)));
}

static void rate_for_count_inverts(void **state)
{
	(void)state;
	const double S = 4294967296.0, A = 65536, N = 250000;
	static const double lifetimes[] = {0, 0.25, 2, 24};
	for (size_t i = 0; i < sizeof lifetimes / sizeof lifetimes[0]; i++)
		for (double r = 1; r <= 30; r *= 2.5) { /* probes per hour, per second × 3600 */
			double rate = r * 3600;
			double count = wc_sensor_distinct(N, wc_sensor_lambda(rate, A, S),
							  lifetimes[i], 1);
			double back = wc_sensor_rate_for_count(count, N, A, S, lifetimes[i], 1);
			assert_true(fabs(back - rate) <= 1e-9 * rate);
		}
	assert_true(wc_sensor_rate_for_count(0, N, A, S, 0, 1) == 0);
	/* More than every address of every host: no rate does it. */
	assert_true(isinf(wc_sensor_rate_for_count(N, N, A, S, 0, 1)));
	assert_true(isinf(wc_sensor_rate_for_count(3 * N, N, A, S, 0.5, 1)));
	assert_true(isfinite(wc_sensor_rate_for_count(2.9 * N, N, A, S, 0.5, 1)));
	/* Within rounding of the supremum: an answer or +inf, never a hang. */
	double r = wc_sensor_rate_for_count(3 * N * (1 - 1e-16), N, A, S, 0.5, 1);
	assert_true(r > 0);
}

/*
 * The worked estimate of docs/validation.md ("Sensors: what 2001 counted"),
 * so that the figures printed there stay what the closed form gives: Reed's
 * /16, 19:00-20:00 UTC on 19 July, with codered-v2's 256,491 active hosts at
 * 19:00 (fast engine, seed 1) at 5.94 probes/s.
 */
static void reed_hour_estimate(void **state)
{
	(void)state;
	const double S = 4294967296.0, A = 65536, N = 256491, T = 3600, rate = 5.94;
	const double reed = 115124;
	double lambda = wc_sensor_lambda(rate, A, S);
	double fixed = wc_sensor_distinct(N, lambda, 0, T);
	double churn_max = N * lambda * T; /* any lifetime, however short */
	double need = wc_sensor_rate_for_count(reed, N, A, S, 0, T);
	double need_l1h = wc_sensor_rate_for_count(reed, N, A, S, 3600, T);
	print_message("fixed addresses %.0f, with any churn at most %.0f, record %.0f\n", fixed,
		      churn_max, reed);
	print_message("rate for the record: %.2f/s fixed addresses, %.2f/s with 1-h leases, "
		      "%.2f/s at the churn limit\n",
		      need, need_l1h, reed / (N * T) * S / A);
	assert_true(fabs(fixed - 71400) < 0.01 * 71400);
	assert_true(churn_max < reed); /* churn alone cannot reach it */
	assert_true(fabs(need - 10.85) < 0.01 * 10.85);
	assert_true(need_l1h < need && need_l1h > reed / (N * T) * S / A);
}

/* Simpson's rule for the ramp's thread count over [a, b]. */
static double simpson_panels(const wc_ramp *rp, double a, double b)
{
	double h = (b - a) / NPANELS, s = wc_ramp_threads(rp, a) + wc_ramp_threads(rp, b);
	for (int i = 1; i < NPANELS; i++)
		s += (i % 2 ? 4 : 2) * wc_ramp_threads(rp, a + i * h);
	return s * h / 3;
}

/* ... split at the wake-up, where a copy that wakes with n_0 > 0 threads
 * jumps: a jump inside a panel would cost Simpson its order. The kink where
 * the ramp reaches its top stays inside, as a test of the closed form there. */
static double simpson_threads(const wc_ramp *rp, double a, double b)
{
	if (rp->wake <= a || rp->wake >= b)
		return simpson_panels(rp, a, b);
	return simpson_panels(rp, a, rp->wake) + simpson_panels(rp, rp->wake, b);
}

static void ramp_matches_integration(void **state)
{
	(void)state;
	/* CERT's laboratory in hours: 500 probes/h a thread (50,000/h over 100
	 * threads), 0.32 thread-equivalents at waking (160/h); the pace of 10
	 * threads an hour is only a test value. */
	const wc_ramp cert = {
		.wake = 2, .threads0 = 0.32, .gain = 10, .threads_max = 100, .thread_rate = 500};
	const wc_ramp flat = {
		.wake = 1, .threads0 = 3, .gain = 0, .threads_max = 100, .thread_rate = 7};
	const wc_ramp fresh = {
		.wake = 0.5, .threads0 = 100, .gain = 0, .threads_max = 100, .thread_rate = 500};
	static const double windows[][2] = {
		{0, 1},		   /* before the wake-up: nothing */
		{1, 3},		   /* across it */
		{2, 2.5}, {3, 13}, /* on the ramp, and across its top (t1 = 11.968) */
		{12, 20},	   /* at full rate */
		{0, 30},	   /* all of it */
	};
	const wc_ramp *ramps[] = {&cert, &flat, &fresh};
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++) {
			double a = windows[i][0], b = windows[i][1];
			double exact = wc_ramp_probes(ramps[k], a, b);
			double numeric = ramps[k]->thread_rate * simpson_threads(ramps[k], a, b);
			double scale = ramps[k]->thread_rate * ramps[k]->threads_max * (b - a);
			assert_true(fabs(exact - numeric) <= 1e-6 * scale);
		}
	/* CERT's two rates: 160/h at waking, 50,000/h for a fresh copy. */
	assert_true(fabs(cert.thread_rate * wc_ramp_threads(&cert, 2) - 160) < 1e-9);
	assert_true(fabs(wc_ramp_probes(&fresh, 1, 2) - 50000) < 1e-9);
	assert_true(wc_ramp_probes(&cert, 0, 2) == 0);
	assert_true(isnan(wc_ramp_probes(&cert, 2, 1)));
	/* Full rate from t1 = w + (n_max - n_0)/g on. */
	assert_true(wc_ramp_threads(&cert, 2 + 99.68 / 10 + 1e-9) == 100);
	assert_true(fabs(wc_ramp_probes(&cert, 20, 21) - 50000) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distinct_matches_monte_carlo),
		cmocka_unit_test(distinct_limits),
		cmocka_unit_test(rate_for_count_inverts),
		cmocka_unit_test(reed_hour_estimate),
		cmocka_unit_test(ramp_matches_integration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
