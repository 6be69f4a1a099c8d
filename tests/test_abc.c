/*
 * test_abc.c — the ABC-SMC core (model/abc.h) on a toy model with a known
 * posterior, and the weighted interval score (model/wis.h).
 *
 * The toy: y_1..y_m ~ Normal(mu, sigma), mu ~ uniform(-5,5), sigma ~
 * loguniform(0.2,5); the summaries are the sample mean and log standard
 * deviation. Its simulator is a few dozen Gaussian draws, so 50 replicate
 * calibrations take well under a second.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/rng.h"
#include "model/abc.h"
#include "model/wis.h"

#define TOY_M 20

struct toy {
	double mean, logsd; /* the observed summaries */
	int reverse;	    /* run the batch back to front (order must not matter) */
};

static void toy_summaries(double mu, double sigma, uint64_t seed, double *mean, double *logsd)
{
	gsl_rng *g = wc_rng_gsl_alloc();
	wc_rng_gsl_load(g, wc_rng_stream(seed, WC_STREAM_HOST, 7, 0));
	double s = 0, ss = 0;
	for (int i = 0; i < TOY_M; i++) {
		double y = mu + gsl_ran_gaussian(g, sigma);
		s += y;
		ss += y * y;
	}
	gsl_rng_free(g);
	*mean = s / TOY_M;
	*logsd = 0.5 * log((ss - s * s / TOY_M) / (TOY_M - 1));
}

static int toy_batch(void *ctx, size_t n, size_t d, const double *theta, const uint64_t *seeds,
		     double *distance, wc_error *err)
{
	(void)err;
	const struct toy *t = ctx;
	for (size_t k = 0; k < n; k++) {
		size_t j = t->reverse ? n - 1 - k : k;
		double m, l;
		toy_summaries(theta[j * d], theta[j * d + 1], seeds[j], &m, &l);
		distance[j] =
			sqrt(((m - t->mean) * (m - t->mean) + (l - t->logsd) * (l - t->logsd)) / 2);
	}
	return 0;
}

static wc_abc_config toy_config(struct toy *t, const wc_prior *priors, uint64_t seed)
{
	return (wc_abc_config){.d = 2,
			       .priors = priors,
			       .sims = 20000,
			       .rounds = 6,
			       .particles = 200,
			       .alpha = 0.5,
			       .seed = seed,
			       .batch = toy_batch,
			       .batch_ctx = t};
}

static void toy_priors(wc_prior *p)
{
	wc_error err = {0};
	assert_int_equal(wc_prior_parse("uniform(-5,5)", &p[0], &err), 0);
	assert_int_equal(wc_prior_parse("loguniform(0.2, 5)", &p[1], &err), 0);
}

/* Over 50 data sets whose truth is drawn from the prior, the 90% credible
 * intervals hold the truth 80-98% of the time (each of 2 parameters). A
 * sampler that ignored the weights, or kept too loose a tolerance, would
 * miss this band (wider intervals cover more than 98%). */
static void coverage_of_90pc_intervals(void **state)
{
	(void)state;
	wc_prior pr[2];
	toy_priors(pr);
	int hits = 0, total = 0;
	double width = 0;
	for (uint64_t rep = 0; rep < 50; rep++) {
		gsl_rng *g = wc_rng_gsl_alloc();
		wc_rng_gsl_load(g, wc_rng_stream(1000 + rep, WC_STREAM_CLOCK, 0, 0));
		double truth[2] = {wc_prior_value(&pr[0], gsl_ran_logistic(g, 1)),
				   wc_prior_value(&pr[1], gsl_ran_logistic(g, 1))};
		gsl_rng_free(g);
		struct toy t = {0};
		toy_summaries(truth[0], truth[1], 5000 + rep, &t.mean, &t.logsd);
		wc_abc_config cfg = toy_config(&t, pr, rep + 1);
		wc_abc_result res;
		wc_error err = {0};
		assert_int_equal(wc_abc_run(&cfg, &res, &err), 0);
		assert_int_equal(res.rounds, cfg.rounds);
		for (size_t k = 0; k < 2; k++) {
			double *x = malloc(res.n * sizeof *x);
			for (size_t i = 0; i < res.n; i++)
				x[i] = res.theta[i * 2 + k];
			double lo = wc_weighted_quantile(x, res.weight, res.n, 0.05);
			double hi = wc_weighted_quantile(x, res.weight, res.n, 0.95);
			free(x);
			hits += lo <= truth[k] && truth[k] <= hi;
			total++;
			if (k == 0)
				width += hi - lo;
		}
		wc_abc_result_free(&res);
	}
	double cover = (double)hits / total;
	print_message("toy coverage of 90%% intervals: %d/%d = %.2f; mean mu width %.3f\n", hits,
		      total, cover, width / 50);
	assert_true(cover >= 0.80 && cover <= 0.98);
	/* Informative: the prior's 90% interval for mu is 9 wide; the exact
	 * posterior's, about 3.3 sigma / sqrt(20) ~ 0.74 sigma. */
	assert_true(width / 50 < 3.0);
}

/* Same seed, same bytes, whatever order the batch runs its jobs in. */
static void same_seed_same_particles(void **state)
{
	(void)state;
	wc_prior pr[2];
	toy_priors(pr);
	struct toy a = {.mean = 1.0, .logsd = 0.0}, b = a;
	b.reverse = 1;
	wc_abc_config ca = toy_config(&a, pr, 42), cb = toy_config(&b, pr, 42);
	wc_abc_result ra, rb;
	wc_error err = {0};
	assert_int_equal(wc_abc_run(&ca, &ra, &err), 0);
	assert_int_equal(wc_abc_run(&cb, &rb, &err), 0);
	assert_int_equal(ra.n, rb.n);
	assert_memory_equal(ra.theta, rb.theta, ra.n * 2 * sizeof(double));
	assert_memory_equal(ra.weight, rb.weight, ra.n * sizeof(double));
	assert_true(ra.sims >= 6 * 200 && ra.sims % 200 == 0);
	/* The tolerance falls round by round. */
	for (int t = 1; t < ra.rounds; t++)
		assert_true(ra.round[t].tolerance <= ra.round[t - 1].tolerance);
	double sum = 0;
	for (size_t i = 0; i < ra.n; i++)
		sum += ra.weight[i];
	assert_true(fabs(sum - 1) < 1e-12);
	wc_abc_result_free(&ra);
	wc_abc_result_free(&rb);
}

static void priors_parse_and_map(void **state)
{
	(void)state;
	wc_prior p;
	wc_error err = {0};
	assert_int_equal(wc_prior_parse("int-uniform(3,7)", &p, &err), 0);
	assert_true(p.integer);
	/* Every z maps into the support, and the rounding gives each integer an
	 * equal share of the logistic mass. */
	int count[5] = {0};
	for (int i = 1; i < 1000; i++) {
		double s = i / 1000.0, z = log(s) - log1p(-s);
		double v = wc_prior_value(&p, z);
		assert_true(v >= 3 && v <= 7 && v == nearbyint(v));
		count[(int)v - 3]++;
	}
	for (int k = 0; k < 5; k++)
		assert_in_range(count[k], 198, 202);
	assert_true(wc_prior_value(&p, 1e6) == 7 && wc_prior_value(&p, -1e6) == 3);
	assert_int_equal(wc_prior_parse("loguniform(10,1000)", &p, &err), 0);
	assert_true(fabs(wc_prior_value(&p, 0) - 100) < 1e-9);
	assert_true(fabs(wc_prior_value(&p, wc_prior_z(&p, 37.5)) - 37.5) < 1e-9);
	assert_int_equal(wc_prior_parse("normal(2, 0.5)", &p, &err), 0);
	assert_true(wc_prior_value(&p, 2.25) == 2.25);
	const char *bad[] = {"uniform(2,1)",	   "loguniform(0,3)", "normal(1,0)",
			     "int-uniform(1.5,3)", "gamma(1,2)",      "uniform(1,2",
			     "uniform(1;2)",	   "uniform(1,2)x",   "uniform(a,b)",
			     "uniform(1,inf)"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wc_error e = {0};
		assert_int_equal(wc_prior_parse(bad[i], &p, &e), -1);
		assert_int_equal(e.code, WC_EXIT_USAGE);
	}
}

static void too_few_sims_refused(void **state)
{
	(void)state;
	wc_prior pr[2];
	toy_priors(pr);
	struct toy t = {0};
	wc_abc_config cfg = toy_config(&t, pr, 1);
	cfg.sims = 6 * 200 - 1;
	wc_abc_result res;
	wc_error err = {0};
	assert_int_equal(wc_abc_run(&cfg, &res, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "too few"));
	cfg.sims++;
	/* Enough to start, not to finish: the rounds the budget allows. */
	wc_error ok = {0};
	assert_int_equal(wc_abc_run(&cfg, &res, &ok), 0);
	assert_true(res.rounds >= 1 && res.rounds < 6 && res.sims <= cfg.sims);
	wc_abc_result_free(&res);
	cfg.particles = 19;
	wc_error few = {0};
	assert_int_equal(wc_abc_run(&cfg, &res, &few), -1);
	assert_int_equal(few.code, WC_EXIT_USAGE);
}

/*
 * The weighted interval score of Bracher et al. 2021, by hand: median 10,
 * the 50% interval [8, 12] and the 90% interval [5, 20], observation 22.
 * |y - m| = 12; IS_0.5 = 4 + (2/0.5)*10 = 44; IS_0.1 = 15 + (2/0.1)*2 = 55.
 * WIS = (0.5*12 + 0.25*44 + 0.05*55) / (2 + 0.5) = 19.75 / 2.5 = 7.9.
 */
static void wis_by_hand(void **state)
{
	(void)state;
	const double levels[] = {0.05, 0.25, 0.5, 0.75, 0.95};
	const double q[] = {5, 8, 10, 12, 20};
	double w = wc_wis(levels, q, 5, 22);
	assert_true(fabs(w - 7.9) < 1e-12);
	/* Inside both intervals: only the widths and |y - m| count:
	 * (0.5*1 + 0.25*4 + 0.05*15) / 2.5 = 2.25 / 2.5 = 0.9. */
	assert_true(fabs(wc_wis(levels, q, 5, 11) - 0.9) < 1e-12);
	/* The 23 levels of the forecast hubs. */
	double all[WC_HUB_LEVELS];
	wc_hub_levels(all);
	assert_true(all[0] == 0.01 && all[1] == 0.025 && all[11] == 0.5 && all[22] == 0.99);
	for (int i = 1; i < WC_HUB_LEVELS; i++)
		assert_true(all[i] > all[i - 1] && fabs(all[i] + all[22 - i] - 1) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(priors_parse_and_map),
		cmocka_unit_test(too_few_sims_refused),
		cmocka_unit_test(same_seed_same_particles),
		cmocka_unit_test(coverage_of_90pc_intervals),
		cmocka_unit_test(wis_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
