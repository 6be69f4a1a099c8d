/* Tests for src/sim/addrindex and src/sim/population: the address index,
 * host placement, block files and host traits. */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/ipv4.h"
#include "core/rng.h"
#include "sim/addrindex.h"
#include "sim/population.h"
#include "sim/scenario.h"

/* ---- helpers ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static uint32_t sort_unique(uint32_t *v, uint32_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_u32);
	uint32_t k = 1;
	for (uint32_t i = 1; i < n; i++)
		if (v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

/* The reference answer: binary search in the sorted array. */
static uint32_t find_by_bsearch(const uint32_t *addr, uint32_t n, uint32_t a)
{
	const uint32_t *p = bsearch(&a, addr, n, sizeof *addr, cmp_u32);
	return p ? (uint32_t)(p - addr) : WC_NO_HOST;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("expected \"%s\" to contain \"%s\"", haystack, needle);
}

/* A scenario from the defaults and a list of --set assignments, finished. */
static void scenario_with(wc_scenario *sc, const char *const *sets, size_t nsets)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	for (size_t i = 0; i < nsets; i++)
		if (wc_scenario_set(sc, sets[i], &err) != 0)
			fail_msg("%s", err.msg);
	if (wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s", err.msg);
}
#define SCENARIO(sc, ...)                                                                          \
	do {                                                                                       \
		static const char *const sets_[] = {__VA_ARGS__};                                  \
		scenario_with((sc), sets_, sizeof sets_ / sizeof sets_[0]);                        \
	} while (0)

static void build_ok(wc_population *pop, const wc_scenario *sc, uint64_t seed)
{
	wc_error err = {0};
	if (wc_population_build(pop, sc, seed, &err) != 0)
		fail_msg("wc_population_build: %s", err.msg);
	assert_int_equal(err.code, 0);
}

/* Every address sorted, distinct, routable, inside scan_space and outside
 * every telescope block. */
static void assert_placement_valid(const wc_population *pop, const wc_scenario *sc)
{
	assert_int_equal(pop->n, (uint32_t)sc->vulnerable);
	for (uint32_t i = 0; i < pop->n; i++) {
		uint32_t a = pop->addr[i];
		if (i > 0 && a <= pop->addr[i - 1])
			fail_msg("addresses not sorted and distinct at %u", i);
		if (!wc_ipv4_routable(a))
			fail_msg("host %u at unroutable address %08x", i, a);
		if (!wc_prefix_contains(sc->scan_space, a))
			fail_msg("host %u at %08x outside scan_space", i, a);
		for (int t = 0; t < sc->ntelescope; t++)
			if (wc_prefix_contains(sc->telescope[t], a))
				fail_msg("host %u at %08x inside a telescope block", i, a);
	}
}

/* ---- the address index ---- */

static void addrindex_finds_every_host_and_nothing_else(void **state)
{
	(void)state;
	/* Half the hosts uniform over all of IPv4 (mostly alone in their /24),
	 * half packed into 16384 /24s (about 30 each) so runs of low[] are long. */
	const uint32_t want = 1000000;
	uint32_t *addr = malloc(want * sizeof *addr);
	assert_non_null(addr);
	wc_rng r = wc_rng_host(2024, 1, 0);
	uint32_t n = 0;
	while (n < want / 2) {
		uint32_t a = (uint32_t)wc_rng_next(&r);
		if (a != 0 && a != UINT32_MAX) /* the edges are checked as misses */
			addr[n++] = a;
	}
	while (n < want) {
		uint32_t block = 0x0C000000u + ((uint32_t)wc_rng_below(&r, 16384) << 8);
		addr[n++] = block | (uint32_t)wc_rng_below(&r, 256);
	}
	n = sort_unique(addr, n);
	assert_true(n > 950000);

	wc_addrindex ix;
	wc_addrindex_build(&ix, addr, n);
	assert_int_equal(ix.nhosts, n);
	for (uint32_t i = 0; i < n; i++)
		if (wc_addrindex_find(&ix, addr[i]) != i)
			fail_msg("host %u at %08x not found", i, addr[i]);

	/* Random addresses (about 1 in 4000 of them a host), addresses in a
	 * host's /24 with another last octet, and the neighbours of hosts. */
	const uint32_t queries = test_sanitized() ? 300000 : 1000000;
	uint32_t hits = 0, same24 = 0;
	for (uint32_t q = 0; q < queries; q++) {
		uint32_t a;
		switch (q % 3) {
		case 0:
			a = (uint32_t)wc_rng_next(&r);
			break;
		case 1: {
			uint32_t h = addr[wc_rng_below(&r, n)];
			a = (h & ~0xFFu) | (uint32_t)wc_rng_below(&r, 256);
			same24 += a != h;
			break;
		}
		default:
			a = addr[wc_rng_below(&r, n)] + (q & 4 ? 1u : UINT32_MAX);
			break;
		}
		uint32_t expect = find_by_bsearch(addr, n, a);
		uint32_t got = wc_addrindex_find(&ix, a);
		if (got != expect)
			fail_msg("address %08x: index says %u, bsearch %u", a, got, expect);
		hits += got != WC_NO_HOST;
	}
	assert_true(same24 > queries / 4); /* most same-/24 probes were misses to test */
	assert_true(hits > 0 && hits < queries);
	assert_int_equal(wc_addrindex_find(&ix, 0), WC_NO_HOST);
	assert_int_equal(wc_addrindex_find(&ix, UINT32_MAX), WC_NO_HOST);

	/* 10^6 hosts in about 8 MiB; a bitmap of the space would be 512 MiB. */
	size_t bytes = wc_addrindex_bytes(&ix);
	assert_true(bytes < 10u * 1000 * 1000);
	assert_true(bytes > n); /* at least one byte per host */
	wc_addrindex_free(&ix);
	free(addr);
}

static void addrindex_handles_edges(void **state)
{
	(void)state;
	/* The first and last addresses, a full /24 and neighbouring /24s. */
	uint32_t addr[600];
	uint32_t n = 0;
	addr[n++] = 0;
	addr[n++] = 1;
	addr[n++] = 255;
	addr[n++] = 256;
	for (uint32_t i = 0; i < 256; i++)
		addr[n++] = 0x0C000100u + i;
	addr[n++] = 0x0C000200u;
	addr[n++] = 0x0C0002FFu;
	for (uint32_t i = 0; i < 64; i++) /* /24s in the last word of occupied[] */
		addr[n++] = 0xFFFFC000u + (i << 8) + i;
	addr[n++] = 0xFFFFFFFEu;
	addr[n++] = 0xFFFFFFFFu;
	n = sort_unique(addr, n);

	wc_addrindex ix;
	wc_addrindex_build(&ix, addr, n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(wc_addrindex_find(&ix, addr[i]), i);
	const uint32_t misses[] = {2,		254,	     257,	  0x0C0000FFu,
				   0x0C000201u, 0x0C0002FEu, 0x0C000300u, 0xFFFFBFFFu,
				   0xFFFFFF00u, 0xFFFFFFFDu, 0x80000000u};
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
		assert_int_equal(find_by_bsearch(addr, n, misses[i]), WC_NO_HOST);
		assert_int_equal(wc_addrindex_find(&ix, misses[i]), WC_NO_HOST);
	}
	wc_addrindex_free(&ix);

	/* An empty index answers "none" everywhere. */
	wc_addrindex_build(&ix, addr, 0);
	assert_int_equal(wc_addrindex_find(&ix, 0), WC_NO_HOST);
	assert_int_equal(wc_addrindex_find(&ix, 0x0C000100u), WC_NO_HOST);
	assert_int_equal(wc_addrindex_find(&ix, UINT32_MAX), WC_NO_HOST);
	wc_addrindex_free(&ix);
}

/* ---- placement ---- */

/* Usable addresses per /8: routable and outside the telescope. Every
 * exclusion is /16-aligned, so counting /16s is exact. */
static void usable_per_8(const wc_scenario *sc, double usable[256])
{
	for (uint32_t b16 = 0; b16 < 65536; b16++) {
		uint32_t base = b16 << 16;
		int ok = wc_ipv4_routable(base) && wc_prefix_contains(sc->scan_space, base);
		for (int t = 0; ok && t < sc->ntelescope; t++)
			ok = !wc_prefix_contains(sc->telescope[t], base);
		if (ok)
			usable[base >> 24] += 65536;
	}
}

static void uniform_placement_is_uniform_over_routable_space(void **state)
{
	(void)state;
	wc_scenario sc;
	if (test_sanitized())
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=60000");
	else
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=200000");
	wc_population pop;
	build_ok(&pop, &sc, 11);
	assert_placement_valid(&pop, &sc);

	double usable[256] = {0}, total = 0;
	usable_per_8(&sc, usable);
	for (int i = 0; i < 256; i++)
		total += usable[i];
	/* 1-223 less 10/8, 127/8 and the telescope 44/8. */
	int bins = 0;
	for (int i = 0; i < 256; i++)
		bins += usable[i] > 0;
	assert_int_equal(bins, 220);

	uint32_t count[256] = {0};
	for (uint32_t i = 0; i < pop.n; i++)
		count[pop.addr[i] >> 24]++;
	double chi2 = 0;
	for (int i = 0; i < 256; i++) {
		if (usable[i] == 0) {
			assert_int_equal(count[i], 0);
			continue;
		}
		double expect = pop.n * usable[i] / total;
		chi2 += pow(count[i] - expect, 2) / expect;
	}
	/* 219 degrees of freedom: mean 219, P(chi2 > 290) ≈ 0.001
	 * (Wilson–Hilferty). The seed is fixed, so this cannot flake. */
	assert_true(chi2 < 290);
	wc_population_free(&pop);
}

static void uniform_placement_respects_a_small_scan_space(void **state)
{
	(void)state;
	wc_scenario sc;
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=20000",
		 "worm.scan_space=12.0.0.0/8", "telescope.blocks=12.44.0.0/16");
	wc_population pop;
	build_ok(&pop, &sc, 3);
	assert_placement_valid(&pop, &sc);
	/* Roughly 1/256 of the hosts per /16 of the /8 (255 usable /16s). */
	uint32_t count[256] = {0};
	for (uint32_t i = 0; i < pop.n; i++)
		count[(pop.addr[i] >> 16) & 255]++;
	assert_int_equal(count[44], 0);
	double chi2 = 0, expect = pop.n / 255.0;
	for (int i = 0; i < 256; i++)
		if (i != 44)
			chi2 += pow(count[i] - expect, 2) / expect;
	assert_true(chi2 < 337); /* 254 dof, P(> 337) ≈ 0.0004 */
	wc_population_free(&pop);

	/* Rejection with many repeats: 6,000 of a /18's 16,384 draw about 1,100
	 * repeats at first, replaced over several rounds, each merged into the
	 * addresses already sorted. */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=6000",
		 "worm.scan_space=12.1.0.0/18");
	build_ok(&pop, &sc, 5);
	assert_int_equal(pop.n, 6000);
	assert_placement_valid(&pop, &sc);
	wc_population_free(&pop);

	/* A dense request: 3/4 of a /20 (walks the block rather than rejecting). */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=3072",
		 "worm.scan_space=12.1.16.0/20");
	build_ok(&pop, &sc, 3);
	assert_placement_valid(&pop, &sc);
	wc_population_free(&pop);

	/* All of it. */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=256",
		 "worm.scan_space=12.1.16.0/24");
	build_ok(&pop, &sc, 3);
	assert_placement_valid(&pop, &sc);
	for (uint32_t i = 0; i < 256; i++)
		assert_int_equal(pop.addr[i], 0x0C011000u + i);
	wc_population_free(&pop);

	/* More hosts than usable addresses is a usage error, not a hang. */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=257",
		 "worm.scan_space=12.1.16.0/24");
	wc_error err = {0};
	assert_int_equal(wc_population_build(&pop, &sc, 3, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=10",
		 "worm.scan_space=10.0.0.0/24");
	err = (wc_error){0};
	assert_int_equal(wc_population_build(&pop, &sc, 3, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Hosts per occupied /16: fills counts (sorted ascending), returns how many. */
static int hosts_per_16(const wc_population *pop, int *counts)
{
	int k = 0;
	for (uint32_t i = 0; i < pop->n; i++) {
		if (i == 0 || pop->addr[i] >> 16 != pop->addr[i - 1] >> 16)
			counts[k++] = 0;
		counts[k - 1]++;
	}
	qsort(counts, (size_t)k, sizeof *counts, cmp_int);
	return k;
}

static void clustered_placement_is_heavy_tailed(void **state)
{
	(void)state;
	wc_scenario sc;
	SCENARIO(&sc, "population.placement=clustered", "population.vulnerable=100000",
		 "population.cluster_blocks=2000", "population.cluster_alpha=1.2");
	wc_population pop;
	build_ok(&pop, &sc, 5);
	assert_placement_valid(&pop, &sc);
	int *counts = malloc(65536 * sizeof *counts);
	assert_non_null(counts);
	int k = hosts_per_16(&pop, counts);
	assert_true(k <= sc.cluster_blocks);
	assert_true(k > sc.cluster_blocks / 2);
	int median = counts[k / 2], largest = counts[k - 1];
	if (largest < 10 * median)
		fail_msg("largest /16 holds %d hosts, median %d: not heavy-tailed", largest,
			 median);
	assert_true(largest <= 16384); /* a quarter of a /16 at most */

	/* Same seed, same addresses; another seed, other addresses. */
	wc_population again, other;
	build_ok(&again, &sc, 5);
	build_ok(&other, &sc, 6);
	assert_int_equal(again.n, pop.n);
	assert_memory_equal(again.addr, pop.addr, pop.n * sizeof *pop.addr);
	assert_memory_equal(again.class_id, pop.class_id, pop.n);
	for (uint32_t i = 0; i < pop.n; i++)
		assert_int_equal(wc_population_clock_offset(&again, i, again.class_id[i]),
				 wc_population_clock_offset(&pop, i, pop.class_id[i]));
	assert_int_equal(other.n, pop.n);
	assert_memory_not_equal(other.addr, pop.addr, pop.n * sizeof *pop.addr);
	wc_population_free(&again);
	wc_population_free(&other);
	wc_population_free(&pop);

	/* Inside the reduced-scale space: the /16s are those of 12/8. */
	SCENARIO(&sc, "population.placement=clustered", "population.vulnerable=1406",
		 "worm.scan_space=12.0.0.0/8", "telescope.blocks=12.44.0.0/16");
	build_ok(&pop, &sc, 1);
	assert_placement_valid(&pop, &sc);
	k = hosts_per_16(&pop, counts);
	assert_true(k <= 255);
	wc_population_free(&pop);
	free(counts);

	/* Too few blocks for the hosts is a usage error naming the key. */
	SCENARIO(&sc, "population.placement=clustered", "population.vulnerable=20000",
		 "population.cluster_blocks=1");
	wc_error err = {0};
	assert_int_equal(wc_population_build(&pop, &sc, 1, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_contains(err.msg, "population.cluster_blocks");
}

/* ---- placement from a blocks file ---- */

static void file_placement_puts_exact_counts_in_blocks(void **state)
{
	(void)state;
	char blocks[64], set[128];
	test_write_temp(blocks, sizeof blocks,
			"# Code Red victims by network\n"
			"\n"
			"12.1.0.0/16 1000      # a cable network\n"
			"   24.2.3.0/24\t256\n"
			"# a comment line\n"
			"61.0.0.0/12 5000\n"
			"200.1.2.3/32 1\n"
			"130.1.0.0/16 0\n"
			"\n");
	wc_scenario sc;
	snprintf(set, sizeof set, "population.blocks_file=%s", blocks);
	const char *sets[] = {"population.placement=file", "population.vulnerable=6257", set};
	scenario_with(&sc, sets, 3);
	wc_population pop;
	build_ok(&pop, &sc, 9);
	assert_placement_valid(&pop, &sc);
	static const struct {
		const char *cidr;
		uint32_t count;
	} want[] = {{"12.1.0.0/16", 1000},
		    {"24.2.3.0/24", 256},
		    {"61.0.0.0/12", 5000},
		    {"200.1.2.3/32", 1},
		    {"130.1.0.0/16", 0}};
	uint32_t inside = 0;
	for (size_t b = 0; b < sizeof want / sizeof want[0]; b++) {
		wc_prefix p;
		assert_int_equal(wc_prefix_parse(want[b].cidr, &p), 0);
		uint32_t c = 0;
		for (uint32_t i = 0; i < pop.n; i++)
			c += wc_prefix_contains(p, pop.addr[i]);
		if (c != want[b].count)
			fail_msg("%s holds %u hosts, the file says %u", want[b].cidr, c,
				 want[b].count);
		inside += c;
	}
	assert_int_equal(inside, pop.n);
	wc_population_free(&pop);

	/* The reader on its own. */
	wc_block_count *v = NULL;
	int n = 0;
	wc_error err = {0};
	assert_int_equal(wc_blocks_file_read(blocks, &v, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(v[1].block.base, (24u << 24) | (2u << 16) | (3u << 8));
	assert_int_equal(v[1].block.len, 24);
	assert_int_equal(v[1].count, 256);
	free(v);
	unlink(blocks);
}

/* blocks_file is relative to the scenario file that names it. */
static void blocks_file_is_relative_to_the_scenario(void **state)
{
	(void)state;
	char dir[] = "/tmp/wc_test_population_dirXXXXXX";
	assert_non_null(mkdtemp(dir));
	char ini[128], blocks[128];
	snprintf(ini, sizeof ini, "%s/s.ini", dir);
	snprintf(blocks, sizeof blocks, "%s/blocks.txt", dir);
	FILE *f = fopen(blocks, "w");
	assert_non_null(f);
	fputs("12.1.0.0/16 300\n12.2.0.0/16 200\n", f);
	fclose(f);
	f = fopen(ini, "w");
	assert_non_null(f);
	fputs("[population]\nvulnerable = 500\nplacement = file\nblocks_file = blocks.txt\n", f);
	fclose(f);
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_file(&sc, ini, &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	assert_string_equal(sc.blocks_file, blocks);
	wc_population pop;
	build_ok(&pop, &sc, 1);
	assert_int_equal(pop.n, 500);
	wc_population_free(&pop);
	unlink(blocks);
	unlink(ini);
	rmdir(dir);
}

/* Builds with the given block-file text; expects a usage error, returns the
 * message in err and the file name in path. */
static void expect_blocks_error_at(const char *text, int64_t vulnerable, int names_file,
				   wc_error *err, char *path, size_t len)
{
	test_write_temp(path, len, text);
	char set[128], vul[64];
	snprintf(set, sizeof set, "population.blocks_file=%s", path);
	snprintf(vul, sizeof vul, "population.vulnerable=%lld", (long long)vulnerable);
	const char *sets[] = {"population.placement=file", vul, set};
	wc_scenario sc;
	scenario_with(&sc, sets, 3);
	wc_population pop;
	*err = (wc_error){0};
	assert_int_equal(wc_population_build(&pop, &sc, 1, err), -1);
	assert_int_equal(err->code, WC_EXIT_USAGE);
	if (names_file && strncmp(err->msg, path, strlen(path)) != 0)
		fail_msg("message \"%s\" does not start with the file name %s", err->msg, path);
	unlink(path);
}

static void expect_blocks_error(const char *text, int64_t vulnerable, wc_error *err, char *path,
				size_t len)
{
	expect_blocks_error_at(text, vulnerable, 1, err, path, len);
}

static void bad_blocks_files_name_file_line_and_field(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];

	expect_blocks_error("# header\n12.1.0.0/16 10\n12.2.0.1/16 10\n", 20, &err, path,
			    sizeof path);
	snprintf(want, sizeof want, "%s:3: field 1 (CIDR): not a block like 24.0.0.0/16", path);
	assert_string_equal(err.msg, want);
	expect_blocks_error("12.1.0.0/16 10\nnot-a-block 10\n", 20, &err, path, sizeof path);
	assert_contains(err.msg, ":2: field 1 (CIDR)");

	expect_blocks_error("12.1.0.0/16 10\n\n12.2.3.0/24 257\n", 267, &err, path, sizeof path);
	snprintf(want, sizeof want, "%s:3: field 2 (COUNT): more hosts than addresses in the block",
		 path);
	assert_string_equal(err.msg, want);

	expect_blocks_error("12.1.0.0/16 10\n12.2.0.0/16 10\n12.1.128.0/17 5\n", 25, &err, path,
			    sizeof path);
	snprintf(want, sizeof want, "%s:3: field 1 (CIDR): overlaps the block on an earlier line",
		 path);
	assert_string_equal(err.msg, want);
	expect_blocks_error("12.1.2.0/24 10\n12.0.0.0/8 5\n", 15, &err, path, sizeof path);
	assert_contains(err.msg, ":2: field 1 (CIDR): overlaps");

	expect_blocks_error("12.1.0.0/16 10\n12.2.0.0/16 10\n", 25, &err, path, sizeof path);
	assert_contains(err.msg, "add up to 20");
	assert_contains(err.msg, "population.vulnerable is 25");

	expect_blocks_error("12.1.0.0/16\n", 10, &err, path, sizeof path);
	assert_contains(err.msg, ":1: expected `CIDR COUNT`");
	expect_blocks_error("12.1.0.0/16 10 12\n", 10, &err, path, sizeof path);
	assert_contains(err.msg, ":1:");
	expect_blocks_error("12.1.0.0/16 ten\n", 10, &err, path, sizeof path);
	assert_contains(err.msg, ":1: field 2 (COUNT): expected a whole number of hosts");
	/* sscanf's %llu read "-5" as 2^64 - 5, more hosts than any block holds. */
	expect_blocks_error("12.1.0.0/16 -5\n", 10, &err, path, sizeof path);
	assert_contains(err.msg, ":1: field 2 (COUNT): expected a whole number of hosts");
	expect_blocks_error("12.1.0.0/16 10abc\n", 10, &err, path, sizeof path);
	assert_contains(err.msg, ":1: field 2 (COUNT): expected a whole number of hosts");
	/* A block with no routable address cannot hold hosts. */
	expect_blocks_error_at("10.1.0.0/16 10\n", 10, 0, &err, path, sizeof path);
	assert_contains(err.msg, "10.1.0.0/16");

	/* A missing file. */
	const char *sets[] = {"population.placement=file", "population.vulnerable=10",
			      "population.blocks_file=/tmp/wc_test_population_missing/b.txt"};
	wc_scenario sc;
	scenario_with(&sc, sets, 3);
	wc_population pop;
	err = (wc_error){0};
	assert_int_equal(wc_population_build(&pop, &sc, 1, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_contains(err.msg, "/tmp/wc_test_population_missing/b.txt: cannot open");
}

/* ---- host traits ---- */

static void assert_within_5se(double got, double p, uint32_t n, const char *what)
{
	double se = sqrt(p * (1 - p) / n);
	if (fabs(got - p) > 5 * se)
		fail_msg("%s: %.5f, expected %.5f ± %.5f (5 s.e.)", what, got, p, 5 * se);
}

static void class_shares_are_respected(void **state)
{
	(void)state;
	wc_scenario sc;
	if (test_sanitized())
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=40000",
			 "worm.scan_space=12.0.0.0/8", "class.a.share=0.3", "class.b.share=0.7");
	else
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=200000",
			 "worm.scan_space=12.0.0.0/8", "class.a.share=0.3", "class.b.share=0.7");
	wc_population pop;
	build_ok(&pop, &sc, 21);
	uint32_t in_a = 0;
	for (uint32_t i = 0; i < pop.n; i++) {
		assert_true(pop.class_id[i] < 2);
		in_a += pop.class_id[i] == 0;
	}
	assert_within_5se((double)in_a / pop.n, 0.3, pop.n, "share of class a");
	wc_population_free(&pop);
}

static void wrong_clocks_have_the_right_share_and_spread(void **state)
{
	(void)state;
	wc_scenario sc;
	if (test_sanitized())
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=40000",
			 "worm.scan_space=12.0.0.0/8", "clock.wrong_fraction=0.1",
			 "clock.wrong_offset_days=15");
	else
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=200000",
			 "worm.scan_space=12.0.0.0/8", "clock.wrong_fraction=0.1",
			 "clock.wrong_offset_days=15");
	wc_population pop;
	build_ok(&pop, &sc, 31);
	const double max = 15 * 86400.0;
	uint32_t wrong = 0, ahead = 0;
	double sum = 0;
	for (uint32_t i = 0; i < pop.n; i++) {
		int32_t off = wc_population_clock_offset(&pop, i, pop.class_id[i]);
		if (off == 0)
			continue;
		if (fabs((double)off) > max)
			fail_msg("host %u clock off by %d s, more than 15 days", i, off);
		wrong++;
		ahead += off > 0;
		sum += off;
	}
	assert_within_5se((double)wrong / pop.n, 0.1, pop.n, "share of wrong clocks");
	/* Offsets uniform in ±15 days: half ahead, mean 0 (sd max/sqrt(3)). */
	assert_within_5se((double)ahead / wrong, 0.5, wrong, "share of clocks ahead");
	assert_true(fabs(sum / wrong) < 5 * max / sqrt(3.0) / sqrt(wrong));
	wc_population_free(&pop);

	/* No wrong clocks by default. */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=1000",
		 "worm.scan_space=12.0.0.0/8");
	build_ok(&pop, &sc, 31);
	for (uint32_t i = 0; i < pop.n; i++)
		assert_int_equal(wc_population_clock_offset(&pop, i, pop.class_id[i]), 0);
	wc_population_free(&pop);
}

/* With no infection, patching at rate p per hour from the outbreak start
 * leaves exp(-p t) of the hosts unpatched at t. */
static void patch_times_follow_the_patch_rate(void **state)
{
	(void)state;
	wc_scenario sc;
	if (test_sanitized())
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=40000",
			 "worm.scan_space=12.0.0.0/8", "class.slow.share=0.5",
			 "class.slow.patch_rate=0.25", "class.never.share=0.5");
	else
		SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=200000",
			 "worm.scan_space=12.0.0.0/8", "class.slow.share=0.5",
			 "class.slow.patch_rate=0.25", "class.never.share=0.5");
	wc_population pop;
	build_ok(&pop, &sc, 41);
	const double p = 0.25, hours[] = {0.5, 1, 2, 4, 8, 16};
	uint32_t nslow = 0;
	for (uint32_t i = 0; i < pop.n; i++) {
		double at = wc_population_patch_at(&pop, i, pop.class_id[i]);
		if (pop.class_id[i] == 1) {
			assert_true(isinf(at) && at > 0);
			continue;
		}
		assert_true(at >= 0);
		nslow++;
	}
	for (size_t k = 0; k < sizeof hours / sizeof hours[0]; k++) {
		double t = hours[k] * 3600;
		uint32_t before = 0;
		for (uint32_t i = 0; i < pop.n; i++)
			before += pop.class_id[i] == 0 &&
				  wc_population_patch_at(&pop, i, pop.class_id[i]) < t;
		char what[64];
		snprintf(what, sizeof what, "patched by %g h", hours[k]);
		assert_within_5se((double)before / nslow, 1 - exp(-p * hours[k]), nslow, what);
	}
	wc_population_free(&pop);

	/* patch_start two hours in: nobody before it, then the same law. */
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=20000",
		 "worm.scan_space=12.0.0.0/8", "class.x.patch_rate=0.25",
		 "class.x.patch_start=2001-07-19T12:00:00Z");
	build_ok(&pop, &sc, 41);
	uint32_t by4 = 0;
	for (uint32_t i = 0; i < pop.n; i++) {
		double at = wc_population_patch_at(&pop, i, pop.class_id[i]);
		assert_true(at >= 7200);
		by4 += at < 4 * 3600;
	}
	assert_within_5se((double)by4 / pop.n, 1 - exp(-p * 2), pop.n, "patched by 4 h");
	wc_population_free(&pop);
}

/* The patch order lists exactly the hosts patched before the bound, by
 * instant then host id, with the instants the population recomputes; the
 * classes can be dropped once copied, and the instants still come. */
static void patch_order_lists_hosts_by_instant(void **state)
{
	(void)state;
	wc_scenario sc;
	SCENARIO(&sc, "population.placement=uniform", "population.vulnerable=20000",
		 "worm.scan_space=12.0.0.0/8", "class.slow.share=0.5", "class.slow.patch_rate=0.25",
		 "class.never.share=0.5");
	wc_population pop;
	build_ok(&pop, &sc, 43);
	const double bound = 3 * 3600;
	uint32_t n, expect = 0;
	double *at;
	uint32_t *order = wc_population_patch_order(&pop, bound, &n, &at);
	uint8_t *cls = malloc(pop.n);
	assert_non_null(cls);
	memcpy(cls, pop.class_id, pop.n);
	for (uint32_t h = 0; h < pop.n; h++)
		expect += wc_population_patch_at(&pop, h, cls[h]) < bound;
	assert_int_equal(n, expect);
	assert_true(n > 1000);
	wc_population_drop_hosts(&pop);
	assert_null(pop.addr);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(at[i] == wc_population_patch_at(&pop, order[i], cls[order[i]]));
		assert_true(at[i] < bound);
		if (i > 0)
			assert_true(at[i - 1] < at[i] ||
				    (at[i - 1] == at[i] && order[i - 1] < order[i]));
	}
	free(order);
	free(at);
	free(cls);
	wc_population_free(&pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addrindex_finds_every_host_and_nothing_else),
		cmocka_unit_test(addrindex_handles_edges),
		cmocka_unit_test(uniform_placement_is_uniform_over_routable_space),
		cmocka_unit_test(uniform_placement_respects_a_small_scan_space),
		cmocka_unit_test(clustered_placement_is_heavy_tailed),
		cmocka_unit_test(file_placement_puts_exact_counts_in_blocks),
		cmocka_unit_test(blocks_file_is_relative_to_the_scenario),
		cmocka_unit_test(bad_blocks_files_name_file_line_and_field),
		cmocka_unit_test(class_shares_are_respected),
		cmocka_unit_test(wrong_clocks_have_the_right_share_and_spread),
		cmocka_unit_test(patch_times_follow_the_patch_rate),
		cmocka_unit_test(patch_order_lists_hosts_by_instant),
	};
	return cmocka_run_group_tests_name("population", tests, NULL, NULL);
}
