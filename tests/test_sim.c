/*
 * Simulator tests: the Code Red v2 day at 1/256 scale against the historical
 * figures, determinism across thread counts, and each mechanism against its
 * closed form (probe rates, telescope share, logistic growth, patching decay,
 * the calendar and the flood). Every closed-form test runs on both engines.
 */
#include "testutil.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "report/report.h"
#include "report/validation.h"
#include "sim/engine.h"
#include "sim/population.h"
#include "sim/probemodel.h"
#include "sim/sim.h"

/* Each test runs once per engine; cmocka hands it the engine as its state. */
static enum wc_engine engine_probe = WC_ENGINE_PROBE, engine_fast = WC_ENGINE_FAST;
#define ENGINE_TEST(f, e)                                                                          \
	{                                                                                          \
#f " (" #e ")", f, NULL, NULL, &engine_##e                                         \
	}

static void run_on(enum wc_engine engine, const wc_scenario *sc, uint64_t seed, int threads,
		   wc_run_result *res)
{
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.seed = seed;
	opt.engine = engine;
	opt.threads = threads;
	wc_error err = {0};
	int rc = wc_simulate(sc, &opt, res, &err);
	if (rc != 0)
		fail_msg("wc_simulate: %s", err.msg);
}

/* The fast tier (make check) skips the probe engine's slow runs; the fast
 * engine's side of each closed-form test still runs there. */
static void skip_probe_if_quick(enum wc_engine engine)
{
	if (engine == WC_ENGINE_PROBE && test_quick())
		skip();
}

static void set(wc_scenario *sc, const char *kv)
{
	wc_error err = {0};
	if (wc_scenario_set(sc, kv, &err) != 0)
		fail_msg("%s", err.msg);
}

static void finish(wc_scenario *sc)
{
	wc_error err = {0};
	if (wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s", err.msg);
}

/* The 19 July figures (docs/validation.md) for fixed seeds: the probe engine at 1/256
 * scale, the fast engine at full scale, where a run costs it half a second. */
static void codered_v2_matches_history(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	wc_scenario sc;
	double scale = TEST_REDUCED_SCALE;
	int seeds = test_sanitized() ? 1 : 3;
	if (engine == WC_ENGINE_FAST) {
		wc_error err = {0};
		wc_scenario_init(&sc);
		assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
		finish(&sc);
		scale = 1;
		seeds = test_sanitized() || test_quick() ? 2 : 10;
	} else {
		test_reduced_codered(&sc);
	}
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run_on(engine, &sc, (uint64_t)seed, 2, &res);
		wc_check checks[WC_MAX_CHECKS];
		int n = wc_validate_codered_v2(&res.timeline, scale, checks);
		assert_int_equal(n, 8);
		if (wc_checks_print(stderr, checks, n) != 0)
			fail_msg("seed %d: a figure is outside its band", seed);
		wc_run_result_free(&res);
	}
}

/* Same seed, 1 and 2 threads: identical timelines, row by row; another seed
 * differs. Only the probe engine reads the thread count. */
static void threads_do_not_change_results(void **state)
{
	(void)state;
	TEST_SKIP_IF_QUICK();
	wc_scenario sc;
	test_reduced_codered(&sc);
	set(&sc, "outbreak.end=2001-07-19T20:00:00Z");
	wc_run_result a, b;
	run_on(WC_ENGINE_PROBE, &sc, 5, 1, &a);
	run_on(WC_ENGINE_PROBE, &sc, 5, 2, &b);
	assert_int_equal(a.timeline.n, b.timeline.n);
	assert_memory_equal(a.timeline.rows, b.timeline.rows,
			    a.timeline.n * sizeof *a.timeline.rows);
	assert_true(a.timeline.rows[a.timeline.n - 1].cumulative_infected > 100);
	wc_run_result c;
	run_on(WC_ENGINE_PROBE, &sc, 6, 2, &c); /* and the seed matters */
	assert_memory_not_equal(a.timeline.rows, c.timeline.rows,
				a.timeline.n * sizeof *a.timeline.rows);
	wc_run_result_free(&a);
	wc_run_result_free(&b);
	wc_run_result_free(&c);
}

/* The fast engine keeps its state in its run: the same seed run twice in one
 * process gives the same timeline, row by row, with every mechanism of the
 * reduced Code Red day on; another seed differs. */
static void fast_runs_repeat_exactly(void **state)
{
	(void)state;
	wc_scenario sc;
	test_reduced_codered(&sc);
	wc_run_result a, b, c;
	run_on(WC_ENGINE_FAST, &sc, 5, 1, &a);
	run_on(WC_ENGINE_FAST, &sc, 6, 1, &c);
	run_on(WC_ENGINE_FAST, &sc, 5, 1, &b);
	assert_int_equal(a.timeline.n, b.timeline.n);
	assert_memory_equal(a.timeline.rows, b.timeline.rows,
			    a.timeline.n * sizeof *a.timeline.rows);
	assert_true(a.timeline.rows[a.timeline.n - 1].cumulative_infected > 100);
	assert_int_equal(a.timeline.n, c.timeline.n);
	assert_memory_not_equal(a.timeline.rows, c.timeline.rows,
				a.timeline.n * sizeof *a.timeline.rows);
	wc_run_result_free(&a);
	wc_run_result_free(&b);
	wc_run_result_free(&c);
}

/* The probe engine's threads once ran no faster than one, because their
 * generator states shared a cache line. What each thread writes during a step
 * (its record, generator state and buffers, grown past their first size) must
 * start on a line and share no line with another thread's. */
static void probe_threads_share_no_cache_line(void **state)
{
	(void)state;
	enum { LINE = WC_PROBE_CACHE_LINE, MAXT = 4 };
	wc_probe_span sp[4 * MAXT];
	for (int nt = 2; nt <= MAXT; nt++) {
		int n = wc_engine_probe_spans(nt, 3000, sp);
		assert_int_equal(n, 4 * nt);
		for (int i = 0; i < n; i++) {
			assert_true(sp[i].hi > sp[i].lo);
			if (i % 4 != 1) /* allocations; the generator state may sit inside one */
				assert_int_equal(sp[i].lo % LINE, 0);
			for (int j = 0; j < n; j++)
				if (sp[i].owner != sp[j].owner)
					assert_true((sp[i].hi - 1) / LINE < sp[j].lo / LINE ||
						    (sp[j].hi - 1) / LINE < sp[i].lo / LINE);
		}
	}
}

/* A small world for closed-form checks: a /10, no removals, no telescope. */
static void small_world(wc_scenario *sc, const char *timing)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	const char *sets[] = {"worm.scan_space=12.0.0.0/10", "population.placement=uniform",
			      "telescope.blocks=", "outbreak.start=2001-07-19T10:00:00Z",
			      "outbreak.end=2001-07-19T11:00:00Z"};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		assert_int_equal(wc_scenario_set(sc, sets[i], &err), 0);
	char kv[64];
	snprintf(kv, sizeof kv, "worm.timing=%s", timing);
	set(sc, kv);
}

/*
 * Thread timing: an attempt on a web server lasts rtt + 8·request/uplink; any
 * other lasts syn_timeout with probability 1 - f and rtt with probability f, so
 * one host probes at threads / E[τ] per second: 100 / 16.84 = 5.94/s for Code
 * Red v2's parameters (Zou et al.'s 358/min). Over 3,000 hosts for 15 minutes
 * the mean must be within 0.5% (the statistical error is under 0.05%).
 */
static void thread_timing_gives_closed_form_rate(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	wc_scenario sc;
	small_world(&sc, "threads");
	set(&sc, "population.vulnerable=3000");
	set(&sc, "outbreak.seed_hosts=3000"); /* all infected: no hits change the rate */
	set(&sc, "outbreak.end=2001-07-19T10:15:00Z");
	set(&sc, "output.interval=300");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 3, 2, &res);
	double probes = 0;
	for (size_t i = 1; i < res.timeline.n; i++)
		probes += (double)res.timeline.rows[i].probes;
	double seconds = (double)(sc.end - sc.start);
	double rate = probes / 3000 / seconds;
	double f = sc.reply_fraction, pv = 3000.0 / (1 << 22);
	double web = sc.rtt + 8 * sc.request_bytes / sc.uplink_bps;
	double expect =
		sc.threads / (pv * web + (1 - pv) * ((1 - f) * sc.syn_timeout + f * sc.rtt));
	print_message("thread timing: %.4f probes/s per host, closed form %.4f\n", rate, expect);
	assert_true(fabs(rate / expect - 1) < 0.005);
	wc_run_result_free(&res);
}

/*
 * Constant timing: Poisson(probe_rate·Δ) probes per host and step, so a row of
 * 500 hosts × 60 s has Poisson(300,000) probes (within 5 standard deviations,
 * 2,739), and the telescope receives its share of the scan space: a /16 of a
 * /10 gets 1/64 of probes, binomial, within 5 standard errors.
 */
static void constant_rate_and_telescope_share(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "population.vulnerable=500");
	set(&sc, "outbreak.seed_hosts=500");
	set(&sc, "worm.probe_rate=10");
	set(&sc, "telescope.blocks=12.44.0.0/16");
	set(&sc, "outbreak.end=2001-07-19T10:10:00Z");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 9, 2, &res);
	uint64_t probes = 0, tele = 0;
	for (size_t i = 1; i < res.timeline.n; i++) {
		assert_true(llabs((long long)res.timeline.rows[i].probes - 500 * 10 * 60) <= 2739);
		probes += res.timeline.rows[i].probes;
		tele += res.timeline.rows[i].telescope_probes;
	}
	double p = 1.0 / 64, mean = (double)probes * p, sd = sqrt((double)probes * p * (1 - p));
	assert_true(fabs((double)tele - mean) < 5 * sd);
	/* 500 hosts × 6,000 probes each: every host has been seen */
	assert_int_equal(res.timeline.rows[res.timeline.n - 1].telescope_sources, 500);
	wc_run_result_free(&res);
}

/*
 * Random constant spread (Staniford): with constant rate r, N hosts in a space
 * of S addresses and no removals, a(t) = 1 / (1 + ((N - I0)/I0) e^{-Kt}) with
 * K = r·N/S. The mean over seeds of the time to half the population must match
 * t50 = ln((N - I0)/I0) / K within 3%. Starting from I0 = 100 keeps the
 * run-to-run spread of t50 (the random early phase: sd ≈ ψ'(I0)^½/K, 4.5%
 * of t50 here) small enough for few seeds: 20 give a standard error of 1%,
 * the 8 run under the sanitizers 1.6%.
 */
static void constant_spread_is_logistic(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "population.vulnerable=1000");
	set(&sc, "outbreak.seed_hosts=100");
	set(&sc, "worm.probe_rate=60");
	set(&sc, "output.interval=10");
	set(&sc, "outbreak.end=2001-07-19T10:10:00Z"); /* t50 + 20 sd */
	finish(&sc);
	double K = 60.0 * 1000 / (double)(1u << 22);
	double t50 = log((1000.0 - 100) / 100) / K;
	int seeds = test_sanitized() ? 8 : 20;
	double sum = 0;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run_on(engine, &sc, (uint64_t)seed, 2, &res);
		double t = NAN;
		for (size_t i = 1; i < res.timeline.n && isnan(t); i++)
			if (res.timeline.rows[i].cumulative_infected >= 500) {
				/* interpolate inside the row */
				const wc_timeline_row *a = &res.timeline.rows[i - 1], *b = a + 1;
				double frac =
					(500.0 - (double)a->cumulative_infected) /
					(double)(b->cumulative_infected - a->cumulative_infected);
				t = (double)(a->time - sc.start) +
				    frac * (double)(b->time - a->time);
			}
		assert_false(isnan(t));
		sum += t;
		wc_run_result_free(&res);
	}
	print_message("logistic: mean t50 %.1f s, closed form %.1f s\n", sum / seeds, t50);
	assert_true(fabs(sum / seeds / t50 - 1) < 0.03);
}

/* The fast engine's event queue covers 2^20 steps at a time; a run of 14 days
 * at 1-s steps (1,209,600 steps) must go past it and still follow the
 * logistic: N = 1,000 hosts in a /10, I0 = 100, r = 0.01333 probes/s, so
 * K = r·N/2^22 = 3.18e-6/s and t50 = ln(9)/K = 8.0 days, spreading every day
 * of the month. One seed's t50
 * spreads by about 1/(ln 9·√I0) = 4.5%; the mean of 5 by 2%; 8% is 4 of those.
 * Each copy lives 300 h (1,080,000 steps, beyond the queue's first window):
 * no host may be removed before 300 h, and the first hosts' copies must end
 * before the run does, 336 h in. */
static void fast_run_past_two_to_the_twenty_steps(void **state)
{
	(void)state;
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "population.vulnerable=1000");
	set(&sc, "outbreak.seed_hosts=100");
	set(&sc, "worm.probe_rate=0.01333");
	set(&sc, "clock.spread_days=1-31"); /* spreading every day: no flood phase */
	set(&sc, "clock.flood_days=none");
	set(&sc, "outbreak.step=1");
	set(&sc, "output.interval=3600");
	set(&sc, "outbreak.end=2001-08-02T10:00:00Z");
	set(&sc, "worm.lifetime=300");
	finish(&sc);
	assert_true((sc.end - sc.start) / sc.step > (1 << 20));
	double K = 0.01333 * 1000 / (double)(1u << 22), t50 = log(9.0) / K;
	const int seeds = 5;
	double sum = 0;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run_on(WC_ENGINE_FAST, &sc, (uint64_t)seed, 1, &res);
		const wc_timeline *tl = &res.timeline;
		assert_int_equal(tl->rows[tl->n - 1].time, sc.end);
		for (size_t i = 0; i < tl->n; i++)
			if (tl->rows[i].time - sc.start < 300 * 3600)
				assert_int_equal(tl->rows[i].removed, 0);
		print_message("seed %d: %" PRIu64 " hosts removed at the end\n", seed,
			      tl->rows[tl->n - 1].removed);
		assert_true(tl->rows[tl->n - 1].removed > 0);
		double t = NAN;
		for (size_t i = 1; i < tl->n && isnan(t); i++)
			if (tl->rows[i].cumulative_infected >= 500) {
				const wc_timeline_row *a = &tl->rows[i - 1], *b = a + 1;
				double frac =
					(500.0 - (double)a->cumulative_infected) /
					(double)(b->cumulative_infected - a->cumulative_infected);
				t = (double)(a->time - sc.start) +
				    frac * (double)(b->time - a->time);
			}
		assert_false(isnan(t));
		sum += t;
		wc_run_result_free(&res);
	}
	print_message("2^20+ steps: mean t50 %.0f s, closed form %.0f s\n", sum / seeds, t50);
	assert_true(fabs(sum / seeds / t50 - 1) < 0.08);
}

/*
 * Patching with no infection: susceptible hosts decay as N e^{-pt}. One seed
 * host in a space of 2^22 with 2,000 hosts infects almost no one in an hour;
 * patched(t) must be N(1 - e^{-pt}) within 5 binomial standard errors.
 */
static void patching_decays_exponentially(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "worm.probe_rate=0");
	set(&sc, "population.vulnerable=20000");
	set(&sc, "worm.scan_space=12.0.0.0/8");
	set(&sc, "class.all.patch_rate=0.5");
	set(&sc, "outbreak.end=2001-07-19T12:00:00Z");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 4, 2, &res);
	for (size_t i = 0; i < res.timeline.n; i += 30) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		double hours = (double)(r->time - sc.start) / 3600;
		double p = 1 - exp(-0.5 * hours);
		double sd = sqrt(20000 * p * (1 - p)) + 1;
		assert_true(fabs((double)r->patched - 20000 * p) < 5 * sd);
		assert_int_equal(r->susceptible + r->infected + r->patched, 20000);
	}
	wc_run_result_free(&res);
}

/*
 * The calendar: on 20 July every correct clock floods instead of spreading, so
 * with no wrong clocks not one probe is sent after 00:00 UTC; the flood sends
 * bytes/period per flooding host until the target moves, then nothing arrives.
 */
static void calendar_and_flood(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "population.vulnerable=400");
	set(&sc, "outbreak.seed_hosts=400");
	set(&sc, "outbreak.start=2001-07-19T23:50:00Z");
	set(&sc, "outbreak.end=2001-07-20T00:30:00Z");
	set(&sc, "flood.bytes=1440000");
	set(&sc, "flood.period=14400"); /* 100 bytes/s per host */
	set(&sc, "defense.target.action=move");
	set(&sc, "defense.target.at=2001-07-20T00:20:00Z");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 2, 2, &res);
	wc_time midnight;
	wc_time_parse("2001-07-20T00:00:00Z", &midnight);
	for (size_t i = 1; i < res.timeline.n; i++) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		if (r->time <= midnight) {
			assert_true(r->probes > 0);
			assert_int_equal(r->target_bytes, 0);
			assert_int_equal(r->spreading, 400);
		} else {
			assert_int_equal(r->probes, 0);
			assert_int_equal(r->flooding, 400);
			assert_int_equal(r->active, 400);
			bool reaches = r->time <= midnight + 1200;
			assert_int_equal(r->target_bytes, reaches ? 400 * 100 * 60 : 0);
			assert_int_equal(r->target_connections, reaches ? 400 * 100 : 0);
		}
	}
	wc_run_result_free(&res);
}

/*
 * The rate cap and congestion: 3,000 spreading hosts offering R = 30,000
 * probes/s against C = 10,000 deliver min(R, C) = 10,000/s (hard) or
 * R·C/(R + C) = 7,500/s (smooth); over 5 minutes the Poisson total is within
 * 5 standard deviations, and the traffic columns are probes × 1 packet (a
 * datagram worm) × packet_bytes.
 */
static void rate_cap_and_congestion(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	static const char *const shapes[] = {"hard", "smooth"};
	static const double expect[] = {10000, 7500};
	for (int k = 0; k < 2; k++) {
		wc_scenario sc;
		small_world(&sc, "constant");
		set(&sc, "population.vulnerable=3000");
		set(&sc, "outbreak.seed_hosts=3000");
		set(&sc, "worm.probe_rate=10");
		set(&sc, "worm.rate_cap=10000");
		set(&sc, "worm.strategy=uniform-udp");
		set(&sc, "outbreak.end=2001-07-19T10:05:00Z");
		char kv[64];
		snprintf(kv, sizeof kv, "worm.congestion=%s", shapes[k]);
		set(&sc, kv);
		finish(&sc);
		wc_run_result res;
		run_on(engine, &sc, 11, 1, &res);
		double probes = 0;
		for (size_t i = 1; i < res.timeline.n; i++)
			probes += (double)res.timeline.rows[i].probes;
		double mean = expect[k] * 300;
		print_message("%s: %.0f probes, expected %.0f\n", shapes[k], probes, mean);
		assert_true(fabs(probes - mean) < 5 * sqrt(mean));
		const wc_timeline_row *r = &res.timeline.rows[2];
		assert_int_equal(r->probe_pps, (r->probes + 30) / 60);
		assert_int_equal(r->probe_bps, llround((double)r->probes / 60 * 404 * 8));
		wc_run_result_free(&res);
	}
}

/*
 * The night of 31 July (codered-aug1, full scale, fast engine): before 00:00
 * UTC only wrong-clock copies spread; the dormant copies wake over hours, not
 * at once (mean delay 2 h: at 00:30 fewer than half of those spreading at
 * 03:00); by 00:00 UTC 2 August most of the 180,000 are infected; the flood
 * never reaches the filtered target. And waking later never helps the worm:
 * mean cumulative infected at 06:00 falls as the wake delay grows.
 */
static void codered_aug1_answers_the_31_july_question(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-aug1", &err), 0);
	finish(&sc);
	wc_run_result res;
	run_on(WC_ENGINE_FAST, &sc, 1, 1, &res);
	wc_time t;
	wc_time_parse("2001-07-31T23:00:00Z", &t);
	const wc_timeline_row *before = wc_timeline_row_at(&res.timeline, t);
	wc_time_parse("2001-08-01T00:30:00Z", &t);
	const wc_timeline_row *early = wc_timeline_row_at(&res.timeline, t);
	wc_time_parse("2001-08-01T03:00:00Z", &t);
	const wc_timeline_row *later = wc_timeline_row_at(&res.timeline, t);
	const wc_timeline_row *end = &res.timeline.rows[res.timeline.n - 1];
	assert_true(before->spreading > 0 && before->spreading < 100);
	assert_true(2 * early->spreading < later->spreading);
	assert_true(end->cumulative_infected > 100000 && end->cumulative_infected < 180000);
	uint64_t bytes = 0;
	for (size_t i = 0; i < res.timeline.n; i++)
		bytes += res.timeline.rows[i].target_bytes;
	assert_int_equal(bytes, 0);
	wc_run_result_free(&res);

	double last = INFINITY;
	static const char *const delays[] = {"0", "2", "6"};
	for (int d = 0; d < 3; d++) {
		char kv[2][64];
		snprintf(kv[0], sizeof kv[0], "class.home.wake_delay=%s", delays[d]);
		snprintf(kv[1], sizeof kv[1], "class.managed.wake_delay=%s", delays[d]);
		set(&sc, kv[0]);
		set(&sc, kv[1]);
		set(&sc, "outbreak.end=2001-08-01T06:00:00Z");
		double mean = 0;
		int seeds = test_sanitized() ? 2 : 5;
		for (int seed = 1; seed <= seeds; seed++) {
			run_on(WC_ENGINE_FAST, &sc, (uint64_t)seed, 1, &res);
			mean += (double)res.timeline.rows[res.timeline.n - 1].cumulative_infected /
				seeds;
			wc_run_result_free(&res);
		}
		print_message("wake delay %s h: %.0f infected by 06:00\n", delays[d], mean);
		assert_true(mean < last);
		last = mean;
	}
}

/*
 * A patch campaign that changes pace, and a throttled class: with no
 * infection, patched(t) = N(1 - e^{-H(t)}) for the piecewise hazard H (0.5/h
 * for the first hour, 2/h after), within 5 binomial standard errors; and a
 * class throttled to 2 probes/s sends 2·3600 probes per host-hour.
 */
static void patch_campaign_and_throttle(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "worm.probe_rate=10");
	set(&sc, "population.vulnerable=20000");
	set(&sc, "outbreak.seed_hosts=1000");
	set(&sc, "worm.scan_space=0.0.0.0/0"); /* 120,000 probes find ~0.6 hosts */
	set(&sc, "class.all.patch_rate=0.5");
	set(&sc, "class.all.patch_rate_later=2");
	set(&sc, "class.all.patch_change=2001-07-19T11:00:00Z");
	set(&sc, "class.all.throttle=2");
	set(&sc, "outbreak.end=2001-07-19T12:00:00Z");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 4, 2, &res);
	for (size_t i = 30; i < res.timeline.n; i += 30) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		double hours = (double)(r->time - sc.start) / 3600;
		double hazard = hours <= 1 ? 0.5 * hours : 0.5 + 2 * (hours - 1);
		double p = 1 - exp(-hazard);
		/* the 1,000 infected seeds are patched alike */
		double sd = sqrt(20000 * p * (1 - p)) + 1;
		assert_true(fabs((double)r->patched - 20000 * p) < 5 * sd + 20);
	}
	/* first minute: 1,000 spreading hosts (less the ~8 patched) at 2/s */
	double probes = (double)res.timeline.rows[1].probes;
	print_message("throttled: %.0f probes in the first minute (at most 120,000)\n", probes);
	assert_true(probes <= 120000 + 5 * sqrt(120000));
	assert_true(probes >= 0.98 * 120000 - 5 * sqrt(120000));
	wc_run_result_free(&res);
}

/*
 * Awareness-driven patching with a fixed number J of hosts ever infected (the
 * seeds, scanning at rate 0): susceptible hosts decay as e^{−μ(J/N)t}. With
 * μ = 4/h and J/N = 0.25, S(t)/S(0) = e^{−t/h}; checked every 30 minutes
 * within 5 binomial standard errors.
 */
static void awareness_patching_decays(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "worm.probe_rate=0");
	set(&sc, "population.vulnerable=20000");
	set(&sc, "outbreak.seed_hosts=5000");
	set(&sc, "class.all.aware_rate=4");
	set(&sc, "outbreak.end=2001-07-19T12:00:00Z");
	finish(&sc);
	wc_run_result res;
	run_on(engine, &sc, 8, 2, &res);
	for (size_t i = 30; i < res.timeline.n; i += 30) {
		const wc_timeline_row *r = &res.timeline.rows[i];
		double hours = (double)(r->time - sc.start) / 3600;
		double p = exp(-hours);
		double sd = sqrt(15000 * p * (1 - p)) + 1;
		assert_true(fabs((double)r->susceptible - 15000 * p) < 5 * sd);
	}
	wc_run_result_free(&res);
}

/*
 * Content filtering in transit from the start, coverage c = 0.5: a probe to
 * another /16 is dropped half the time, so the logistic's rate is K(1 − c)
 * (the own-/16 share, 1.6% of a /10, shifts it by under 1%): the mean t50 over
 * seeds within 4% of ln((N − I0)/I0)/(K(1 − c)) (the probe engine's whole
 * steps add ~2%; 200 seed hosts keep the run-to-run spread near 3%, 1% on the
 * mean of 8 seeds); and the blocked probes are
 * c·(1 − 65,535/|S|) of all probes, within 5 standard deviations.
 */
static void content_filter_halves_the_rate(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	wc_scenario sc;
	small_world(&sc, "constant");
	set(&sc, "population.vulnerable=1000");
	set(&sc, "outbreak.seed_hosts=200");
	set(&sc, "worm.probe_rate=60");
	set(&sc, "output.interval=10");
	set(&sc, "outbreak.end=2001-07-19T10:20:00Z");
	set(&sc, "defense.filter.method=content");
	set(&sc, "defense.filter.coverage=0.5");
	set(&sc, "defense.filter.at=2001-07-19T10:00:00Z");
	finish(&sc);
	double k = 60.0 * 1000 / (double)(1u << 22) * 0.5;
	double t50 = log((1000.0 - 200) / 200) / k;
	int seeds = test_sanitized() ? 8 : 20;
	double sum = 0, probes = 0, blocked = 0;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run_on(engine, &sc, (uint64_t)seed, 2, &res);
		double t = NAN;
		for (size_t i = 1; i < res.timeline.n; i++) {
			const wc_timeline_row *r = &res.timeline.rows[i];
			if (isnan(t) && r->cumulative_infected >= 500)
				t = (double)(r->time - sc.start);
			probes += (double)r->probes;
			blocked += (double)r->blocked_probes;
		}
		assert_false(isnan(t));
		sum += t;
		wc_run_result_free(&res);
	}
	double share = 0.5 * (1 - 65535.0 / (double)(1u << 22));
	print_message("filtered: mean t50 %.1f s, closed form %.1f s; blocked %.4f of probes "
		      "(expected %.4f)\n",
		      sum / seeds, t50, blocked / probes, share);
	assert_true(fabs(sum / seeds / t50 - 1) < 0.04);
	assert_true(fabs(blocked - share * probes) < 5 * sqrt(probes * share * (1 - share)));
}

/*
 * Blacklisting with full transit coverage: a host spreads only in its first
 * L = ⌈delay/step⌉ steps, so each infects Poisson(R0) others, R0 = r·L·N/|S|
 * while almost all are susceptible, and the outbreak is a branching process.
 * Below R0 = 1 it dies out, and its total progeny from I0 seeds has mean
 * I0/(1 − R0) and variance I0·R0/(1 − R0)^3 (the Borel distribution). 225,000
 * hosts in a /4 probing at 10/s (r·N/|S| = 0.0084/s); delays of 0, 30 and 60 s
 * give R0 = 0, 0.25 and 0.50. Probes within a host's own /16 pass every
 * filter, for the whole run T: at most r·T·N·2^16/|S|^2 = 0.0018 more
 * offspring per host, added to R0 (with delay 0 they are the only ones: a
 * seed is listed before its first probe). The mean over 4 runs must lie
 * within 4 of its standard deviations, and a faster reaction never gives
 * more infections.
 */
static void blacklisting_is_a_branching_process(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	const int delays[] = {0, 30, 60}, runs = 4, seeds = 500;
	double previous = 0;
	for (size_t d = 0; d < sizeof delays / sizeof delays[0]; d++) {
		wc_scenario sc;
		small_world(&sc, "constant");
		set(&sc, "worm.scan_space=16.0.0.0/4");
		set(&sc, "population.vulnerable=225000");
		set(&sc, "outbreak.seed_hosts=500");
		set(&sc, "worm.probe_rate=10");
		set(&sc, "output.interval=60");
		set(&sc, "outbreak.end=2001-07-19T10:15:00Z");
		set(&sc, "defense.filter.method=blacklist");
		set(&sc, "defense.filter.coverage=1");
		set(&sc, "defense.filter.at=2001-07-19T10:00:00Z");
		char kv[64];
		snprintf(kv, sizeof kv, "defense.filter.blacklist_delay=%d", delays[d]);
		set(&sc, kv);
		finish(&sc);
		double space = 0x1p28, own16 = 10.0 * 900 * 225000 * 0x1p16 / (space * space);
		double r0 = 10.0 * delays[d] * 225000 / space + own16;
		double mean = seeds / (1 - r0), var = seeds * r0 / pow(1 - r0, 3);
		double sum = 0;
		for (int run = 1; run <= runs; run++) {
			wc_run_result res;
			run_on(engine, &sc, (uint64_t)run, 2, &res);
			sum += (double)res.timeline.rows[res.timeline.n - 1].cumulative_infected;
			wc_run_result_free(&res);
		}
		double got = sum / runs, sd = sqrt(var / runs);
		print_message("blacklist delay %d s: R0 %.3f, mean infected %.1f, closed form %.1f "
			      "± %.1f\n",
			      delays[d], r0, got, mean, sd);
		assert_true(fabs(got - mean) < 4 * sd);
		assert_true(got >= previous);
		previous = got;
	}
}

/*
 * Edge filtering of worm requests from the start, at half the /16 networks of
 * a /10. With ingress filters (direction both or ingress) no probe enters a
 * filtering network from outside, so the outbreak ends having infected
 * exactly the hosts of open networks (all of them, the run being long enough
 * for the logistic to saturate there) and the seeds that fell in filtering
 * networks, plus the few those reach in their own /16. With egress filters
 * only, hosts of filtering networks are infected but infect no one outside,
 * and everyone ends infected (but for the last few, whose wait grows long).
 * The open networks' hosts are counted from the run's own population and
 * filter table.
 */
static void edge_filters_close_networks(void **state)
{
	enum wc_engine engine = *(enum wc_engine *)*state;
	skip_probe_if_quick(engine);
	const char *const directions[] = {"both", "ingress", "egress"};
	for (size_t d = 0; d < 3; d++) {
		wc_scenario sc;
		small_world(&sc, "constant");
		set(&sc, "population.vulnerable=1000");
		set(&sc, "outbreak.seed_hosts=10");
		set(&sc, "worm.probe_rate=60");
		set(&sc, "output.interval=60");
		set(&sc, "outbreak.end=2001-07-19T10:40:00Z");
		set(&sc, "defense.filter.method=content");
		set(&sc, "defense.filter.deployment=edge");
		set(&sc, "defense.filter.coverage=0.5");
		set(&sc, "defense.filter.at=2001-07-19T10:00:00Z");
		char kv[64];
		snprintf(kv, sizeof kv, "defense.filter.direction=%s", directions[d]);
		set(&sc, kv);
		finish(&sc);
		const uint64_t seed = 3;
		wc_population pop;
		wc_error err = {0};
		assert_int_equal(wc_population_build(&pop, &sc, seed, &err), 0);
		uint8_t *filters = wc_outbreak_filter_networks(&sc, seed);
		assert_non_null(filters);
		uint32_t open = 0;
		for (uint32_t h = 0; h < pop.n; h++)
			open += !filters[pop.addr[h] >> 16];
		free(filters);
		wc_population_free(&pop);

		wc_run_result res;
		run_on(engine, &sc, seed, 2, &res);
		uint64_t got = res.timeline.rows[res.timeline.n - 1].cumulative_infected;
		wc_run_result_free(&res);
		print_message("edge filters (%s): %" PRIu64 " infected, %u hosts in open networks "
			      "of 1000\n",
			      directions[d], got, open);
		assert_true(open > 300 && open < 700);
		if (d < 2) {
			assert_true(got >= open);
			assert_true(got <= open + 10 + 5);
		} else {
			assert_true(got >= 990);
		}
	}
}

/*
 * A faster reaction never gives more infections: codered-v2 at full scale on
 * the fast engine, mean cumulative infected at 06:00 over fixed seeds, for
 * content filters on 90% of paths deployed 2 to 6 hours after 10:00 UTC, and
 * blacklists at the edges of 90% of networks listing 10 to 120 minutes after
 * infection. Each mean must not fall as the reaction slows, and the slowest
 * must exceed the fastest by far (the reaction times span the knee).
 */
static void slower_reaction_never_helps(void **state)
{
	(void)state;
	TEST_SKIP_IF_QUICK();
	static const char *const content[] = {"defense.filter.at=2001-07-19T12:00:00Z",
					      "defense.filter.at=2001-07-19T14:00:00Z",
					      "defense.filter.at=2001-07-19T16:00:00Z"};
	static const char *const blacklist[] = {"defense.filter.blacklist_delay=600",
						"defense.filter.blacklist_delay=2400",
						"defense.filter.blacklist_delay=7200"};
	const char *const *reactions[2] = {content, blacklist};
	int seeds = test_sanitized() ? 2 : 5;
	for (int m = 0; m < 2; m++) {
		double previous = -1, first = 0;
		for (int r = 0; r < 3; r++) {
			wc_scenario sc;
			wc_error err = {0};
			wc_scenario_init(&sc);
			assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
			set(&sc, m == 0 ? "defense.filter.method=content"
					: "defense.filter.method=blacklist");
			if (m == 1)
				set(&sc, "defense.filter.deployment=edge");
			set(&sc, "defense.filter.coverage=0.9");
			set(&sc, reactions[m][r]);
			finish(&sc);
			double sum = 0;
			for (int seed = 1; seed <= seeds; seed++) {
				wc_run_result res;
				run_on(WC_ENGINE_FAST, &sc, (uint64_t)seed, 1, &res);
				sum += (double)res.timeline.rows[res.timeline.n - 1]
					       .cumulative_infected;
				wc_run_result_free(&res);
			}
			double mean = sum / seeds;
			print_message("%s: mean infected %.0f\n", reactions[m][r], mean);
			assert_true(mean >= previous);
			if (r == 0)
				first = mean;
			previous = mean;
		}
		assert_true(previous > 10 * first);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ENGINE_TEST(codered_v2_matches_history, probe),
		ENGINE_TEST(codered_v2_matches_history, fast),
		cmocka_unit_test(threads_do_not_change_results),
		cmocka_unit_test(fast_runs_repeat_exactly),
		cmocka_unit_test(probe_threads_share_no_cache_line),
		ENGINE_TEST(thread_timing_gives_closed_form_rate, probe),
		ENGINE_TEST(thread_timing_gives_closed_form_rate, fast),
		ENGINE_TEST(constant_rate_and_telescope_share, probe),
		ENGINE_TEST(constant_rate_and_telescope_share, fast),
		ENGINE_TEST(constant_spread_is_logistic, probe),
		ENGINE_TEST(constant_spread_is_logistic, fast),
		cmocka_unit_test(fast_run_past_two_to_the_twenty_steps),
		ENGINE_TEST(patching_decays_exponentially, probe),
		ENGINE_TEST(patching_decays_exponentially, fast),
		ENGINE_TEST(calendar_and_flood, probe),
		ENGINE_TEST(calendar_and_flood, fast),
		ENGINE_TEST(rate_cap_and_congestion, probe),
		ENGINE_TEST(rate_cap_and_congestion, fast),
		ENGINE_TEST(patch_campaign_and_throttle, probe),
		ENGINE_TEST(patch_campaign_and_throttle, fast),
		ENGINE_TEST(awareness_patching_decays, probe),
		ENGINE_TEST(awareness_patching_decays, fast),
		ENGINE_TEST(content_filter_halves_the_rate, probe),
		ENGINE_TEST(content_filter_halves_the_rate, fast),
		ENGINE_TEST(blacklisting_is_a_branching_process, probe),
		ENGINE_TEST(blacklisting_is_a_branching_process, fast),
		ENGINE_TEST(edge_filters_close_networks, probe),
		ENGINE_TEST(edge_filters_close_networks, fast),
		cmocka_unit_test(codered_aug1_answers_the_31_july_question),
		cmocka_unit_test(slower_reaction_never_helps),
	};
	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
