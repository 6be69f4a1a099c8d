/* Tests for src/core: rng, ipv4, utc, error. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/dynlib.h"
#include "core/error.h"
#include "core/ipv4.h"
#include "core/radixsort.h"
#include "core/rng.h"
#include "core/utc.h"

static void rng_is_keyed_and_repeatable(void **state)
{
	(void)state;
	wc_rng a = wc_rng_host(1, 2, 3), b = wc_rng_host(1, 2, 3), c = wc_rng_host(1, 2, 4);
	wc_rng d = wc_rng_host(2, 2, 3), e = wc_rng_host(1, 3, 3);
	uint64_t x = wc_rng_next(&a);
	assert_int_equal(x, wc_rng_next(&b));
	assert_int_not_equal(x, wc_rng_next(&c));
	assert_int_not_equal(x, wc_rng_next(&d));
	assert_int_not_equal(x, wc_rng_next(&e));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Every registered stream, for seeds, indices and steps chosen where the old
 * layout collided (host ids equal to purpose constants, seeds 1, 5 and 7 whose
 * XOR with small purposes coincided) and at the ends of each range: the first
 * four outputs of all of them are 64-bit words no two of which are equal, so
 * no stream equals or overlaps another at a shift of up to three draws. */
static void rng_streams_never_collide(void **state)
{
	(void)state;
	const uint64_t seeds[] = {0, 1, 2, 5, 7, UINT64_MAX};
	const uint64_t index[] = {0, 1, 2, 3, 22439, 24301, 60830, UINT32_MAX, WC_RNG_INDEX_MAX};
	const uint64_t steps[] = {0, 1, 2, 3, 0x5eed, 60830, UINT32_MAX, UINT64_MAX};
	enum { NS = 6, NI = 9, NT = 8, DRAWS = 4 };
	size_t n = (size_t)NS * WC_STREAM_COUNT * NI * NT * DRAWS, k = 0;
	uint64_t *out = malloc(n * sizeof *out);
	assert_non_null(out);
	for (int a = 0; a < NS; a++)
		for (int p = 0; p < WC_STREAM_COUNT; p++)
			for (int i = 0; i < NI; i++)
				for (int t = 0; t < NT; t++) {
					wc_rng r = wc_rng_stream(seeds[a], (wc_stream)p, index[i],
								 steps[t]);
					for (int d = 0; d < DRAWS; d++)
						out[k++] = wc_rng_next(&r);
				}
	assert_int_equal(k, n);
	qsort(out, n, sizeof *out, cmp_u64);
	size_t equal = 0;
	for (size_t j = 1; j < n; j++)
		equal += out[j] == out[j - 1];
	assert_int_equal(equal, 0);
	free(out);

	/* The same tuple is the same stream; the host slot is purpose HOST. */
	wc_rng x = wc_rng_stream(7, WC_STREAM_CLASS, 24301, 0), y = x;
	assert_int_equal(wc_rng_next(&x), wc_rng_next(&y));
	x = wc_rng_host(3, 60830, 9);
	y = wc_rng_stream(3, WC_STREAM_HOST, 60830, 9);
	assert_int_equal(wc_rng_next(&x), wc_rng_next(&y));
}

/* The name table covers the enum: a distinct, non-empty name per purpose. */
static void rng_stream_names_cover_the_registry(void **state)
{
	(void)state;
	assert_string_equal(wc_rng_stream_name(WC_STREAM_HOST), "host");
	assert_string_equal(wc_rng_stream_name(WC_STREAM_SEED_HOSTS), "seed-hosts");
	for (int p = 0; p < WC_STREAM_COUNT; p++) {
		const char *name = wc_rng_stream_name((wc_stream)p);
		assert_non_null(name);
		assert_true(name[0] != '\0');
		for (int q = 0; q < p; q++)
			assert_string_not_equal(name, wc_rng_stream_name((wc_stream)q));
	}
	assert_null(wc_rng_stream_name(WC_STREAM_COUNT));
}

/* Moments of 10^6 draws against their exact values, at 5 standard errors. */
static void rng_distributions_have_right_moments(void **state)
{
	(void)state;
	const int n = 1000000;
	wc_rng r = wc_rng_host(42, 0, 0);
	double sum = 0, sumexp = 0;
	uint64_t bins[10] = {0};
	for (int i = 0; i < n; i++) {
		sum += wc_rng_uniform(&r);
		sumexp += wc_rng_exponential(&r, 4.0);
		bins[wc_rng_below(&r, 10)]++;
	}
	assert_true(fabs(sum / n - 0.5) < 5 * sqrt(1.0 / 12 / n));
	assert_true(fabs(sumexp / n - 0.25) < 5 * 0.25 / sqrt(n));
	/* Chi-square with 9 degrees of freedom: P(> 27.9) = 0.001. */
	double chi2 = 0;
	for (int k = 0; k < 10; k++)
		chi2 += pow((double)bins[k] - n / 10.0, 2) / (n / 10.0);
	assert_true(chi2 < 27.9);
	assert_true(isinf(wc_rng_exponential(&r, 0)));
}

/* Low 32 bits are what the probe engine uses as an address: each octet of
 * the address must be uniform. */
static void rng_low_bits_are_uniform_addresses(void **state)
{
	(void)state;
	const int n = 256 * 4000;
	uint32_t counts[4][256] = {{0}};
	wc_rng r = wc_rng_host(7, 1, 1);
	for (int i = 0; i < n; i++) {
		uint32_t a = (uint32_t)wc_rng_next(&r);
		for (int o = 0; o < 4; o++)
			counts[o][(a >> (8 * o)) & 255]++;
	}
	for (int o = 0; o < 4; o++) {
		double chi2 = 0;
		for (int k = 0; k < 256; k++)
			chi2 += pow(counts[o][k] - 4000.0, 2) / 4000.0;
		assert_true(chi2 < 347); /* 255 dof, P(> 347) ≈ 0.0001 */
	}
}

static void ipv4_parses_strictly(void **state)
{
	(void)state;
	uint32_t a;
	wc_prefix p;
	char buf[20];
	assert_int_equal(wc_ipv4_parse("198.137.240.91", &a), 0);
	assert_int_equal(a, 0xC689F05B);
	assert_string_equal(wc_ipv4_format(a, buf), "198.137.240.91");
	const char *bad[] = {"1.2.3",	"1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "01.2.3.4",
			     "a.b.c.d", "",	     "1..2.3",	  "-1.2.3.4"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(wc_ipv4_parse(bad[i], &a), -1);
	assert_int_equal(wc_prefix_parse("44.0.0.0/8", &p), 0);
	assert_int_equal(p.base, 44u << 24);
	assert_int_equal(p.len, 8);
	assert_string_equal(wc_prefix_format(p, buf), "44.0.0.0/8");
	assert_int_equal(wc_prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(wc_prefix_size(p), 1ull << 32);
	assert_int_equal(wc_prefix_parse("10.1.2.3", &p), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(wc_prefix_parse("44.1.0.0/8", &p), -1); /* host bits set */
	assert_int_equal(wc_prefix_parse("44.0.0.0/33", &p), -1);
	assert_int_equal(wc_prefix_parse("44.0.0.0/", &p), -1);
	assert_true(wc_prefix_contains((wc_prefix){44u << 24, 8}, (44u << 24) | 12345));
	assert_false(wc_prefix_contains((wc_prefix){44u << 24, 8}, 45u << 24));
}

static void ipv4_routable_excludes_reserved_space(void **state)
{
	(void)state;
	uint32_t a;
	const char *no[] = {"0.1.2.3",	   "10.0.0.1",	 "127.0.0.1",
			    "169.254.1.1", "172.16.0.1", "172.31.255.255",
			    "192.168.1.1", "224.0.0.1",	 "255.255.255.255"};
	const char *yes[] = {"1.0.0.1",	   "12.0.0.1",	     "172.15.0.1",
			     "172.32.0.1", "198.137.240.91", "223.255.255.254"};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		wc_ipv4_parse(no[i], &a);
		assert_false(wc_ipv4_routable(a));
	}
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		wc_ipv4_parse(yes[i], &a);
		assert_true(wc_ipv4_routable(a));
	}
}

static void utc_parses_and_formats(void **state)
{
	(void)state;
	wc_time t;
	char buf[24];
	assert_int_equal(wc_time_parse("2001-07-19T10:00:00Z", &t), 0);
	assert_int_equal(t, 995536800);
	assert_string_equal(wc_time_format(t, buf), "2001-07-19T10:00:00Z");
	assert_int_equal(wc_time_parse("2001-07-19T10:00Z", &t), 0);
	assert_int_equal(t, 995536800);
	assert_int_equal(wc_time_parse("2001-07-19T06:00:00-04:00", &t), 0); /* EDT */
	assert_int_equal(t, 995536800);
	assert_int_equal(wc_time_parse("2001-07-19", &t), 0);
	assert_int_equal(t, 995500800);
	const char *bad[] = {"2001-02-29T00:00:00Z",
			     "2001-13-01",
			     "2001-07-19T24:00:00Z",
			     "2001-07-19T10:00:00",
			     "2001-07-19 10:00:00Z",
			     "19/07/2001",
			     "",
			     "2001-07-19T10:00:00Zjunk"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(wc_time_parse(bad[i], &t), -1);
	assert_int_equal(wc_time_parse("2000-02-29", &t), 0); /* leap year */
	assert_int_equal(wc_time_parse("1969-12-31T23:59:59Z", &t), 0);
	assert_int_equal(t, -1);
	assert_string_equal(wc_time_format(-1, buf), "1969-12-31T23:59:59Z");
}

static void utc_calendar_is_exact(void **state)
{
	(void)state;
	/* Every day from 1900 to 2100 round-trips through the civil date. */
	for (int64_t d = wc_days_from_civil(1900, 1, 1); d < wc_days_from_civil(2100, 1, 1); d++) {
		int64_t y;
		unsigned m, day;
		wc_civil_from_days(d, &y, &m, &day);
		assert_int_equal(wc_days_from_civil(y, m, day), d);
	}
	wc_time t;
	wc_time_parse("2001-07-19T23:59:59Z", &t);
	assert_int_equal(wc_time_mday(t), 19);
	assert_int_equal(wc_time_mday(t + 1), 20);
	assert_int_equal(wc_time_next_midnight(t), t + 1);
	assert_int_equal(wc_time_next_midnight(t + 1), t + 1 + 86400);
}

static void error_keeps_first_cause(void **state)
{
	(void)state;
	wc_error err = {0};
	assert_int_equal(wc_error_set(&err, WC_EXIT_USAGE, "first %d", 1), -1);
	wc_error_set(&err, WC_EXIT_RUNTIME, "second");
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_string_equal(err.msg, "first 1");
	wc_error_clear(&err);
	assert_int_equal(err.code, 0);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Radix sorts against qsort: random 32-bit keys; doubles of both signs with
 * many ties, where the permutation must be stable (ties keep input order). */
static void radix_sorts_match_qsort(void **state)
{
	(void)state;
	enum { N = 100003 };
	uint32_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b), *vals = malloc(N * 4);
	uint64_t *keys = malloc(N * sizeof *keys);
	double *d = malloc(N * sizeof *d);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(vals);
	assert_non_null(keys);
	assert_non_null(d);
	wc_rng r = wc_rng_host(7, 7, 7);
	for (int i = 0; i < N; i++)
		a[i] = b[i] = (uint32_t)wc_rng_next(&r);
	wc_radix_sort_u32(a, N);
	qsort(b, N, sizeof *b, cmp_u32);
	assert_memory_equal(a, b, N * sizeof *a);
	/* small arrays (insertion sort), and keys sharing their top bytes (passes
	 * skipped, an odd number left) */
	for (int n = 0; n < 70; n++)
		for (int shared = 0; shared < 2; shared++) {
			for (int i = 0; i < n; i++)
				a[i] = b[i] = shared ? 0x0a0b0000u | (uint32_t)wc_rng_below(&r, 300)
						     : (uint32_t)wc_rng_next(&r);
			wc_radix_sort_u32(a, (size_t)n);
			qsort(b, (size_t)n, sizeof *b, cmp_u32);
			if (n > 0)
				assert_memory_equal(a, b, (size_t)n * sizeof *a);
		}

	for (int i = 0; i < N; i++) {
		d[i] = (double)((int)wc_rng_below(&r, 2001) - 1000) / 8; /* -125 .. 125, ties */
		keys[i] = wc_radix_key_double(d[i]);
		vals[i] = (uint32_t)i;
	}
	d[0] = -0.0;
	keys[0] = wc_radix_key_double(-0.0);
	wc_radix_sort_u64_pairs(keys, vals, N);
	for (int i = 1; i < N; i++) {
		double x = d[vals[i - 1]], y = d[vals[i]];
		assert_true(x <= y);
		if (x == y && !(x == 0 && signbit(x) != signbit(y)))
			assert_true(vals[i - 1] < vals[i]); /* stable */
	}
	free(a);
	free(b);
	free(vals);
	free(keys);
	free(d);
}

/* The shortcuts around GSL's call table draw exactly what GSL draws, from
 * the same stream: fixed-seed outputs depend on it. */
static void rng_gsl_shortcuts_match_gsl(void **state)
{
	(void)state;
	gsl_rng *a = wc_rng_gsl_alloc(), *b = wc_rng_gsl_alloc();
	wc_rng_gsl_load(a, wc_rng_stream(7, WC_STREAM_FAST, 0, 0));
	wc_rng_gsl_load(b, wc_rng_stream(7, WC_STREAM_FAST, 0, 0));
	for (int i = 0; i < 200000; i++) {
		double mu = 1 / (1e-4 * (i % 977 + 1));
		if (i % 2)
			assert_true(gsl_ran_exponential(a, mu) == wc_rng_gsl_exponential(b, mu));
		else
			assert_true(gsl_rng_uniform(a) == wc_rng_gsl_uniform(b));
	}
	gsl_rng_free(a);
	gsl_rng_free(b);
}

/* A library loaded on first use: its functions are the library's own, a
 * second load is the same table, and a library or a function that is not
 * there is an error that names it, with the status of a failed run. */
static void dynlib_loads_once_and_names_what_is_missing(void **state)
{
	(void)state;
	typedef struct {
		double (*cos)(double);
		double (*sqrt)(double);
	} libm_calls;
	static const char *const names[] = {"cos", "sqrt"};
	libm_calls calls = {0};
	wc_dynlib libm = {.once = PTHREAD_ONCE_INIT,
			  .soname = "libm.so.6",
			  .names = names,
			  .table = &calls,
			  .n = 2};
	wc_error err = {0};
	assert_int_equal(wc_dynlib_load(&libm, "a test", &err), 0);
	assert_true(calls.cos(0) == 1 && calls.sqrt(16) == 4);
	assert_int_equal(wc_dynlib_load(&libm, "a test", &err), 0);
	assert_int_equal(err.code, 0);

	libm_calls none = {0};
	wc_dynlib absent = {.once = PTHREAD_ONCE_INIT,
			    .soname = "libwormcast-no-such-library.so.9",
			    .names = names,
			    .table = &none,
			    .n = 2};
	assert_int_equal(wc_dynlib_load(&absent, "plotting", &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "plotting needs the shared library "
					"libwormcast-no-such-library.so.9"));

	static const char *const wrong[] = {"cos", "no_such_function_here"};
	wc_dynlib partial = {.once = PTHREAD_ONCE_INIT,
			     .soname = "libm.so.6",
			     .names = wrong,
			     .table = &none,
			     .n = 2};
	wc_error err2 = {0};
	assert_int_equal(wc_dynlib_load(&partial, "a test", &err2), -1);
	assert_non_null(strstr(err2.msg, "libm.so.6 has no no_such_function_here"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rng_is_keyed_and_repeatable),
		cmocka_unit_test(rng_streams_never_collide),
		cmocka_unit_test(rng_stream_names_cover_the_registry),
		cmocka_unit_test(rng_distributions_have_right_moments),
		cmocka_unit_test(rng_low_bits_are_uniform_addresses),
		cmocka_unit_test(ipv4_parses_strictly),
		cmocka_unit_test(ipv4_routable_excludes_reserved_space),
		cmocka_unit_test(utc_parses_and_formats),
		cmocka_unit_test(utc_calendar_is_exact),
		cmocka_unit_test(error_keeps_first_cause),
		cmocka_unit_test(radix_sorts_match_qsort),
		cmocka_unit_test(rng_gsl_shortcuts_match_gsl),
		cmocka_unit_test(dynlib_loads_once_and_names_what_is_missing),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
