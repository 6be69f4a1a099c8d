/*
 * testutil.h — shared by the cmocka tests: the reduced-scale Code Red v2
 * scenario, and how much work a test may do under the sanitizers.
 */
#ifndef WC_TESTS_TESTUTIL_H
#define WC_TESTS_TESTUTIL_H

#include <setjmp.h> /* cmocka needs these before its header */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/scenario.h"

/* True when the suite runs under ASan+UBSan (make test sets it), where
 * simulations are ~5x slower: tests then use fewer seeds, never looser bounds. */
static inline int test_sanitized(void)
{
	const char *s = getenv("WORMCAST_SANITIZED");
	return s != NULL && *s == '1';
}

/* True for `make check`'s fast tier (WORMCAST_QUICK=1): the slowest tests
 * then run fewer seeds or are skipped; `make test` runs them in full. */
static inline int test_quick(void)
{
	const char *s = getenv("WORMCAST_QUICK");
	return s != NULL && *s == '1';
}

/* Skips the calling cmocka test in the fast tier (it reports as skipped). */
#define TEST_SKIP_IF_QUICK()                                                                       \
	do {                                                                                       \
		if (test_quick())                                                                  \
			skip();                                                                    \
	} while (0)

/*
 * Code Red v2 at 1/256 scale: the worm scans one /8 (12.0.0.0/8) instead of
 * the whole space and the population shrinks by the same factor, so the spread
 * rate K = r·N/|space| is unchanged and a run needs 1/256 of the probes. The
 * telescope shrinks with the space (a /16 of the /8, again 1/256 of it).
 *
 * One thing does not scale: a logistic outbreak from I0 hosts reaches a given
 * fraction of N after ln(N/I0)/K' (K' = K less the removal rate, ≈ 1.63/h
 * here). The full scenario starts 10 hosts among 360,000, the reduced one can
 * start no fewer than 1 among 1,406: ln(36000/1406)/1.63 h ≈ 2.0 h less. The
 * reduced run therefore starts 2 h later, so that its curve lies on the
 * full-scale one and the same clock-time checks apply.
 */
static inline void test_reduced_codered(wc_scenario *sc)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	assert_int_equal(wc_scenario_load_builtin(sc, "codered-v2", &err), 0);
	static const char *const sets[] = {
		"worm.scan_space=12.0.0.0/8",	 "population.vulnerable=1406",
		"telescope.blocks=12.44.0.0/16", "outbreak.start=2001-07-19T12:00:00Z",
		"outbreak.seed_hosts=1",	 "output.interval=600",
	};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		assert_int_equal(wc_scenario_set(sc, sets[i], &err), 0);
	assert_int_equal(wc_scenario_finish(sc, &err), 0);
}

/* Writes text to a fresh temporary file; path (len bytes) receives its name. */
static inline void test_write_temp(char *path, size_t len, const char *text)
{
	snprintf(path, len, "/tmp/wc_test_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

#define TEST_REDUCED_SCALE (1406.0 / 360000.0)

#endif
