/*
 * The worm catalogue: Code Red v1, Code Red II and Slammer against
 * their historical figures with fixed seeds, and the target strategies of
 * src/sim/strategy.c against their definitions (shares within binomial
 * tolerance, a shared sequence, a bijection, consecutive addresses, the
 * hit-list hand-on).
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "core/xalloc.h"
#include "report/validation.h"
#include "sim/sim.h"
#include "sim/strategy.h"

static void set(wc_scenario *sc, const char *kv)
{
	wc_error err = {0};
	if (wc_scenario_set(sc, kv, &err) != 0)
		fail_msg("%s", err.msg);
}

static void load(wc_scenario *sc, const char *name)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	if (wc_scenario_load_builtin(sc, name, &err) != 0)
		fail_msg("%s", err.msg);
}

static void finish(wc_scenario *sc)
{
	wc_error err = {0};
	if (wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s", err.msg);
}

static void run(const wc_scenario *sc, uint64_t seed, wc_run_result *res)
{
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.seed = seed;
	opt.threads = 2;
	wc_error err = {0};
	if (wc_simulate(sc, &opt, res, &err) != 0)
		fail_msg("wc_simulate: %s", err.msg);
}

/*
 * Slammer at full scale (the fast engine: ~20 ms a run). The early doubling
 * time is a random quantity of the first hundred infections: over 100 seeds
 * 90 are within 7-10 s (docs/validation.md). So the test asks what the
 * history asks of the mean, and of each figure that it holds for at least 80%
 * of the seeds (seed 3 misses one).
 */
static void slammer_matches_history(void **state)
{
	(void)state;
	wc_scenario sc;
	load(&sc, "slammer");
	finish(&sc);
	int seeds = test_sanitized() ? 5 : 20, passed[WC_MAX_CHECKS] = {0}, n = 0;
	double mean_td = 0;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run(&sc, (uint64_t)seed, &res);
		assert_int_equal(res.engine, WC_ENGINE_FAST);
		wc_check checks[WC_MAX_CHECKS];
		n = wc_validate_slammer(&res.timeline, 1, checks);
		assert_int_equal(n, 5);
		if (seed == 1)
			wc_checks_print(stderr, checks, n);
		for (int c = 0; c < n; c++)
			passed[c] += checks[c].pass;
		mean_td += wc_doubling_time(&res.timeline, 100, 5000) / seeds;
		wc_run_result_free(&res);
	}
	print_message("slammer: mean early doubling time %.2f s over %d seeds\n", mean_td, seeds);
	assert_true(mean_td >= 7 && mean_td <= 10);
	for (int c = 0; c < n; c++)
		if (passed[c] * 5 < seeds * 4)
			fail_msg("slammer figure %d within its band for %d of %d seeds", c,
				 passed[c], seeds);
}

/*
 * Code Red v1 at full scale (the probe engine, under a second: the worm never
 * grows). The static seed gives slow, linear growth; CERT's "more than
 * 13,000" is a known miss of the literal model, asserted here so that a change
 * to the model that removes it also changes docs/validation.md.
 */
static void codered_v1_grows_slowly(void **state)
{
	(void)state;
	wc_scenario sc;
	load(&sc, "codered-v1");
	finish(&sc);
	int seeds = test_sanitized() ? 1 : 3;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_run_result res;
		run(&sc, (uint64_t)seed, &res);
		wc_check checks[WC_MAX_CHECKS];
		int n = wc_validate_codered_v1(&res.timeline, 1, checks);
		assert_int_equal(n, 3);
		assert_int_equal(wc_checks_print(stderr, checks, n), 0);
		assert_true(checks[1].pass && checks[2].pass);
		/* the literal model: tens to hundreds of hosts, never 1,300 */
		const wc_timeline_row *last = &res.timeline.rows[res.timeline.n - 1];
		assert_true(last->cumulative_infected > 10);
		assert_true(last->cumulative_infected < 1300);
		assert_false(checks[0].pass);
		assert_true(checks[0].known);
		wc_run_result_free(&res);
	}
}

/*
 * The what-if of docs/validation.md: with 10 sequences chosen by the host's
 * address instead of one, the same worm with the same rates finds several
 * times as many hosts on the first day (about 10 frontiers instead of one).
 * The sequences, not the rates, set the growth. One day only: the week with
 * 100 sequences (5,724 hosts, CERT's order of magnitude) takes a minute.
 */
static void codered_v1_more_sequences_grow_faster(void **state)
{
	(void)state;
	uint64_t day1[2];
	for (int k = 0; k < 2; k++) {
		wc_scenario sc;
		load(&sc, "codered-v1");
		set(&sc, "outbreak.end=2001-07-13T12:00:00Z");
		if (k == 1)
			set(&sc, "worm.static_sequences=10");
		finish(&sc);
		wc_run_result res;
		run(&sc, 1, &res);
		day1[k] = res.timeline.rows[res.timeline.n - 1].cumulative_infected;
		wc_run_result_free(&res);
	}
	print_message("codered-v1, first day: %llu hosts with one sequence, %llu with 10\n",
		      (unsigned long long)day1[0], (unsigned long long)day1[1]);
	assert_true(day1[1] >= 4 * day1[0]);
}

/*
 * Code Red II at 1/100 scale: 1,800 hosts in 200 /16s (the same hosts per
 * /16 as the full 180,000 in 20,000), the whole address space, the first
 * hour. Checks: the Chinese-language hosts' probe rate is twice the others'
 * (two-minute runs, every host seeded, each class alone); the share of
 * infections whose infector shares the victim's /16 and /8, against uniform
 * scanning; and local preference in a clustered population outgrows uniform scanning.
 */
static void reduced_codered_ii(wc_scenario *sc)
{
	load(sc, "codered-ii");
	set(sc, "population.vulnerable=1800");
	set(sc, "population.cluster_blocks=200");
	set(sc, "outbreak.end=2001-08-04T01:00:00Z");
}

static void codered_ii_matches_history(void **state)
{
	(void)state;
	int seeds = test_sanitized() ? 1 : 2;
	for (int seed = 1; seed <= seeds; seed++) {
		wc_scenario sc, uni, zh, other;
		reduced_codered_ii(&sc);
		finish(&sc);
		/* uniform, set on the finished scenario: finish() would reject the
		 * file's local_own8/16 for it */
		uni = sc;
		uni.strategy = WC_STRATEGY_UNIFORM;
		reduced_codered_ii(&zh);
		reduced_codered_ii(&other);
		const char *common[] = {"outbreak.seed_hosts=1800",
					"outbreak.end=2001-08-04T00:02:00Z", "output.interval=60"};
		for (size_t i = 0; i < 3; i++) {
			set(&zh, common[i]);
			set(&other, common[i]);
		}
		set(&zh, "class.chinese.share=1");
		set(&zh, "class.other.share=0");
		set(&other, "class.chinese.share=0");
		set(&other, "class.other.share=1");
		finish(&zh);
		finish(&other);

		wc_run_result r, u, rz, ro;
		run(&sc, (uint64_t)seed, &r);
		run(&uni, (uint64_t)seed, &u);
		run(&zh, (uint64_t)seed, &rz);
		run(&other, (uint64_t)seed, &ro);
		double ratio = wc_probes_per_active_second(&rz.timeline) /
			       wc_probes_per_active_second(&ro.timeline);
		wc_check checks[WC_MAX_CHECKS];
		int n = wc_validate_codered_ii(&r.timeline, &u.timeline, ratio, checks);
		assert_int_equal(n, 3);
		assert_int_equal(wc_checks_print(stderr, checks, n), 0);
		assert_true(checks[2].pass);
		for (int c = 0; c < 2; c++) {
			assert_false(checks[c].skipped); /* both engines fill the columns */
			assert_true(checks[c].pass);
		}
		uint64_t lp = r.timeline.rows[r.timeline.n - 1].cumulative_infected,
			 un = u.timeline.rows[u.timeline.n - 1].cumulative_infected;
		print_message("codered-ii 1/100: %llu infected in the first hour (uniform: %llu)\n",
			      (unsigned long long)lp, (unsigned long long)un);
		assert_true(lp >= 10 * un);
		wc_run_result_free(&r);
		wc_run_result_free(&u);
		wc_run_result_free(&rz);
		wc_run_result_free(&ro);
	}
}

/* ---- the strategies themselves ---- */

static void strategy_for(wc_strategy_ctx *c, const char *strategy, const char *const *sets,
			 const wc_population *pop)
{
	wc_scenario sc;
	wc_scenario_init(&sc);
	char kv[64];
	snprintf(kv, sizeof kv, "worm.strategy=%s", strategy);
	set(&sc, kv);
	for (int i = 0; sets != NULL && sets[i] != NULL; i++)
		set(&sc, sets[i]);
	finish(&sc);
	wc_strategy_init(c, &sc, pop, 42);
}

/*
 * Local preference: the shares of targets in the own /16, elsewhere in the
 * own /8, and outside it, within 5 binomial standard errors of the
 * definition. Before redraws they are 3/8 + 1/2·2^-8 + 1/8·2^-16,
 * 1/2·(1 - 2^-8) + 1/8·(2^-8 - 2^-16) and 1/8·222/256 (the 1/8 "anywhere"
 * lands in 127/8 or 224/3, 33 of 256 /8s, and is drawn again); a redraw
 * starts over, so each share is its mass over the three's sum. Never 127/8,
 * 224/3 or the own address.
 */
static void local_preference_shares(void **state)
{
	(void)state;
	wc_strategy_ctx c;
	strategy_for(&c, "local-preference", NULL, NULL);
	const uint32_t own = 0x0c2a0105u; /* 12.42.1.5 */
	wc_scan_state st;
	wc_rng rng = wc_rng_host(7, 1, 0);
	wc_strategy_start(&c, 0, own, 0, 0, &st, &rng);
	const int n = test_sanitized() ? 200000 : 1000000;
	int in16 = 0, in8 = 0;
	for (int i = 0; i < n; i++) {
		uint32_t a = wc_strategy_next(&c, 0, own, &st, &rng);
		assert_true(a >> 24 != 127 && a >> 24 < 224 && a != own);
		if ((a >> 16) == (own >> 16))
			in16++;
		else if ((a >> 24) == (own >> 24))
			in8++;
	}
	double m16 = 0.375 + 0.5 / 256 + 0.125 / 65536;
	double m8 = 0.5 * (1 - 1.0 / 256) + 0.125 * (1.0 / 256 - 1.0 / 65536);
	double mrest = 0.125 * 222 / 256, total = m16 + m8 + mrest;
	double p16 = m16 / total, p8 = m8 / total;
	double shares[2] = {(double)in16 / n, (double)in8 / n}, p[2] = {p16, p8};
	for (int k = 0; k < 2; k++) {
		double se = sqrt(p[k] * (1 - p[k]) / n);
		print_message("local-preference share %d: %.5f, expected %.5f (se %.5f)\n", k,
			      shares[k], p[k], se);
		assert_true(fabs(shares[k] - p[k]) < 5 * se);
	}
	double rest = 1 - shares[0] - shares[1];
	double pr = mrest / total;
	assert_true(fabs(rest - pr) < 5 * sqrt(pr * (1 - pr) / n));
	wc_strategy_free(&c);

	/* a host in 126/8's last /16: own /16 draws never wrap into 127/8 */
	const char *half[] = {"worm.local_own8=0", "worm.local_own16=1", NULL};
	strategy_for(&c, "local-preference", half, NULL);
	for (int i = 0; i < 1000; i++) {
		uint32_t a = wc_strategy_next(&c, 0, 0x7effff01u, &st, &rng);
		assert_int_equal(a >> 16, 0x7effu);
		assert_true(a != 0x7effff01u);
	}
	wc_strategy_free(&c);
}

/* Static seed: two copies on different hosts, started at different times,
 * walk the same address sequence from its beginning. */
static void static_seed_same_sequence(void **state)
{
	(void)state;
	wc_strategy_ctx c;
	strategy_for(&c, "static-seed", NULL, NULL);
	wc_scan_state a, b;
	wc_rng ra = wc_rng_host(1, 2, 3), rb = wc_rng_host(4, 5, 6);
	wc_strategy_start(&c, 0, 0x01020304u, 0, 1, &a, &ra);
	wc_strategy_start(&c, 9, 0xc0a80001u, 0, 0, &b, &rb);
	uint32_t first[64];
	int distinct = 0;
	for (int i = 0; i < 64; i++) {
		first[i] = wc_strategy_next(&c, 0, 0x01020304u, &a, &ra);
		assert_int_equal(first[i], wc_strategy_next(&c, 9, 0xc0a80001u, &b, &rb));
		distinct += i > 0 && first[i] != first[i - 1];
	}
	assert_true(distinct >= 60); /* a sequence, not one address */
	/* a re-infected copy starts again at the first address */
	wc_strategy_start(&c, 9, 0xc0a80001u, 0, 0, &b, &rb);
	assert_int_equal(wc_strategy_next(&c, 9, 0xc0a80001u, &b, &rb), first[0]);
	wc_strategy_free(&c);

	/* with several sequences, hosts differ but a host's own is the same */
	const char *many[] = {"worm.static_sequences=1000", NULL};
	strategy_for(&c, "static-seed", many, NULL);
	int same = 0;
	for (uint32_t h = 0; h < 100; h++) {
		wc_strategy_start(&c, 0, 0x0a000000u + h, 0, 0, &a, &ra);
		wc_strategy_start(&c, 1, 0x0b000000u + h, 0, 0, &b, &rb);
		same += wc_strategy_next(&c, 0, 0x0a000000u + h, &a, &ra) ==
			wc_strategy_next(&c, 1, 0x0b000000u + h, &b, &rb);
	}
	assert_true(same < 5);
	wc_strategy_start(&c, 0, 0x0a000001u, 0, 0, &a, &ra);
	wc_strategy_start(&c, 1, 0x0a000001u, 0, 0, &b, &rb);
	assert_int_equal(wc_strategy_next(&c, 0, 0x0a000001u, &a, &ra),
			 wc_strategy_next(&c, 1, 0x0a000001u, &b, &rb));
	wc_strategy_free(&c);
}

/* Permutation: π is a bijection on the scan space (a /12 here, and an odd
 * number of bits, where cycle-walking is needed). */
static void permutation_is_bijection(void **state)
{
	(void)state;
	const char *spaces[] = {"worm.scan_space=12.0.0.0/12", "worm.scan_space=12.0.0.0/13"};
	for (int s = 0; s < 2; s++) {
		const char *sets[] = {spaces[s], NULL};
		wc_strategy_ctx c;
		strategy_for(&c, "permutation", sets, NULL);
		uint32_t size = 1u << c.bits;
		uint8_t *seen = xcalloc(size, 1);
		int fixed = 0;
		for (uint32_t i = 0; i < size; i++) {
			uint32_t x = wc_strategy_permute(&c, i);
			assert_true(x < size);
			assert_int_equal(seen[x], 0);
			seen[x] = 1;
			fixed += x == i;
		}
		assert_true(fixed < 16); /* not the identity */
		free(seen);
		wc_strategy_free(&c);
	}
}

/* Sequential: consecutive addresses, wrapping inside the scan space. */
static void sequential_is_consecutive(void **state)
{
	(void)state;
	const char *sets[] = {"worm.scan_space=12.0.0.0/20", "worm.sequential_local=0", NULL};
	wc_strategy_ctx c;
	strategy_for(&c, "sequential", sets, NULL);
	wc_scan_state st;
	wc_rng rng = wc_rng_host(3, 3, 3);
	wc_strategy_start(&c, 0, 0x0c000001u, 0, 0, &st, &rng);
	uint32_t prev = wc_strategy_next(&c, 0, 0x0c000001u, &st, &rng);
	assert_int_equal(prev >> 12, 0x0c000u);
	for (int i = 0; i < 5000; i++) { /* through a wrap of the /20 */
		uint32_t a = wc_strategy_next(&c, 0, 0x0c000001u, &st, &rng);
		assert_int_equal(a, 0x0c000000u | ((prev + 1) & 0xfffu));
		prev = a;
	}
	wc_strategy_free(&c);

	/* sequential_local = 1: every copy starts in its own /16 */
	const char *local[] = {"worm.sequential_local=1", NULL};
	strategy_for(&c, "sequential", local, NULL);
	for (int i = 0; i < 100; i++) {
		wc_strategy_start(&c, 0, 0x51020304u, 0, 0, &st, &rng);
		assert_int_equal(wc_strategy_next(&c, 0, 0x51020304u, &st, &rng) >> 16, 0x5102u);
	}
	wc_strategy_free(&c);
}

/* Hit-list: the seed copies split the list; an infection hands on half of
 * the infector's remaining part, which the infector then no longer probes. */
static void hitlist_hand_on_halves(void **state)
{
	(void)state;
	wc_population pop = {0};
	pop.n = 1000;
	pop.addr = xmallocarray(pop.n, sizeof *pop.addr);
	for (uint32_t i = 0; i < pop.n; i++)
		pop.addr[i] = 0x0a000000u + 7 * i;
	const char *sets[] = {"population.vulnerable=1000", "worm.hitlist_size=100", NULL};
	wc_strategy_ctx c;
	strategy_for(&c, "hitlist", sets, &pop);
	assert_int_equal(c.nhitlist, 100);
	wc_scan_state s0, s1, s2;
	wc_rng rng = wc_rng_host(9, 9, 9);
	wc_strategy_start(&c, 0, pop.addr[0], 0, 2, &s0, &rng);
	wc_strategy_start(&c, 1, pop.addr[1], 1, 2, &s1, &rng);
	assert_int_equal(s0.pos, 0);
	assert_int_equal(c.hitlist_end[0], 50);
	assert_int_equal(s1.pos, 50);
	assert_int_equal(c.hitlist_end[1], 100);
	for (int i = 0; i < 10; i++) /* copy 0 probes 10 of its 50 */
		assert_int_equal(wc_strategy_next(&c, 0, pop.addr[0], &s0, &rng), c.hitlist[i]);
	wc_strategy_start(&c, 2, pop.addr[2], 0, 0, &s2, &rng);
	wc_strategy_hand_on(&c, 0, &s0, 2, &s2);
	/* 40 left: copy 0 keeps [10, 30), copy 2 gets [30, 50) */
	assert_int_equal(c.hitlist_end[0], 30);
	assert_int_equal(s2.pos, 30);
	assert_int_equal(c.hitlist_end[2], 50);
	assert_int_equal(wc_strategy_next(&c, 2, pop.addr[2], &s2, &rng), c.hitlist[30]);
	for (int i = 10; i < 30; i++)
		assert_int_equal(wc_strategy_next(&c, 0, pop.addr[0], &s0, &rng), c.hitlist[i]);
	/* its part done, copy 0 scans uniformly: no more list addresses in order */
	assert_true(wc_strategy_next(&c, 0, pop.addr[0], &s0, &rng) != c.hitlist[30]);
	/* list entries are distinct population addresses */
	for (uint32_t i = 0; i < c.nhitlist; i++)
		for (uint32_t j = i + 1; j < c.nhitlist; j++)
			assert_true(c.hitlist[i] != c.hitlist[j]);
	wc_strategy_free(&c);
	free(pop.addr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(local_preference_shares),
		cmocka_unit_test(static_seed_same_sequence),
		cmocka_unit_test(permutation_is_bijection),
		cmocka_unit_test(sequential_is_consecutive),
		cmocka_unit_test(hitlist_hand_on_halves),
		cmocka_unit_test(slammer_matches_history),
		cmocka_unit_test(codered_v1_grows_slowly),
		cmocka_unit_test(codered_v1_more_sequences_grow_faster),
		cmocka_unit_test(codered_ii_matches_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
