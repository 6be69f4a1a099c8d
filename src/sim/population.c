/*
 * Placement draws addresses in three ways, all ending in the same step: a set
 * of distinct addresses per block, drawn uniformly among the block's usable
 * addresses (routable, inside scan_space, outside telescopes) by rejection.
 *
 * clustered: the hosts-per-/16 weights are Pareto(alpha) draws over
 * cluster_blocks random /16s, and the counts a multinomial over those weights;
 * this gives the heavy tail measured for Code Red victims (a few networks with
 * thousands of hosts, most with a handful) while keeping the total exact.
 */
#include "sim/population.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "sim/sensor.h"
#include "core/radixsort.h"
#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"

static bool usable(const wc_scenario *sc, uint32_t a)
{
	if (!wc_ipv4_routable(a) || !wc_prefix_contains(sc->scan_space, a))
		return false;
	for (int i = 0; i < sc->ntelescope; i++)
		if (wc_prefix_contains(sc->telescope[i], a))
			return false;
	return !wc_sensors_dark_at(sc, a);
}

static size_t sort_unique(uint32_t *v, size_t n)
{
	if (n == 0)
		return 0;
	wc_radix_sort_u32(v, n);
	size_t k = 1;
	for (size_t i = 1; i < n; i++)
		if (v[i] != v[k - 1])
			v[k++] = v[i];
	return k;
}

static bool sorted_has(const uint32_t *v, size_t n, uint32_t a)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == a;
}

/* v[0, sorted) is ascending without repeats and v[sorted, n) holds new
 * addresses: sorts the new ones alone and merges them in, without repeats.
 * Returns how many are left. The result is sort_unique's, without sorting
 * the whole array again for the few draws that replace repeats. */
static size_t merge_unique(uint32_t *v, size_t sorted, size_t n)
{
	if (sorted == 0)
		return sort_unique(v, n);
	size_t m = sort_unique(v + sorted, n - sorted), k = 0;
	uint32_t *add = xmallocarray(m ? m : 1, sizeof *add);
	for (size_t j = 0; j < m; j++)
		if (!sorted_has(v, sorted, v[sorted + j]))
			add[k++] = v[sorted + j];
	/* from the back: the old ones move up by at most k, into the new ones' room */
	size_t total = sorted + k, i = sorted, out = total;
	while (k > 0) {
		if (i > 0 && v[i - 1] > add[k - 1])
			v[--out] = v[--i];
		else
			v[--out] = add[--k];
	}
	free(add);
	return total;
}

/* Whether every address of `block` is usable, so that none needs the test:
 * routability is decided by the first 16 bits, the other tests by whole
 * prefixes. */
static bool block_usable(const wc_scenario *sc, wc_prefix block)
{
	return block.len >= 16 && wc_ipv4_routable(block.base) &&
	       wc_prefix_contains(sc->scan_space, block.base) && block.len >= sc->scan_space.len &&
	       wc_sensors_dark_clear(sc, block);
}

/* Writes `count` distinct usable addresses of `block`, in ascending order,
 * to tmp[0..count). Returns -1 if the block cannot hold that many. */
static int sample_block(const wc_scenario *sc, gsl_rng *r, wc_prefix block, uint64_t count,
			uint32_t *tmp)
{
	if (count == 0)
		return 0;
	uint64_t size = wc_prefix_size(block);
	size_t have = 0;
	bool all = block_usable(sc, block);
	/* Rejection needs the block to be mostly free; dense requests walk it. */
	if (count * 2 > size) {
		uint64_t usable_left = 0;
		for (uint64_t i = 0; i < size; i++)
			usable_left += all || usable(sc, block.base + (uint32_t)i);
		uint64_t need = count;
		for (uint64_t i = 0; i < size && need > 0; i++) {
			uint32_t a = block.base + (uint32_t)i;
			if (!all && !usable(sc, a))
				continue;
			/* Selection sampling: keep each with probability need/left. */
			if (wc_rng_gsl_uniform(r) * (double)usable_left < (double)need) {
				tmp[have++] = a;
				need--;
			}
			usable_left--;
		}
		if (need > 0)
			return -1;
	} else {
		int rounds = 0;
		while (have < count) {
			if (++rounds > 1000)
				return -1;
			size_t start = have;
			for (uint64_t tries = 0; have < count && tries < 4 * (count - start) + 64;
			     tries++) {
				uint32_t a = block.base +
					     (uint32_t)(wc_rng_gsl_uniform(r) * (double)size);
				if (all || usable(sc, a))
					tmp[have++] = a;
			}
			have = merge_unique(tmp, start, have);
		}
	}
	return 0;
}

static bool prefixes_overlap(wc_prefix a, wc_prefix b)
{
	return wc_prefix_contains(a, b.base) || wc_prefix_contains(b, a.base);
}

/* Picks cluster_blocks distinct /16s that hold usable space, Pareto weights,
 * and a multinomial count per /16, capped at a quarter of the /16 so no
 * network is implausibly dense. */
static int place_clustered(const wc_scenario *sc, gsl_rng *r, wc_block_count **out, int *nout,
			   wc_error *err)
{
	wc_prefix space = sc->scan_space;
	if (space.len > 16)
		return -1; /* caller falls back to uniform within the space */
	uint32_t n16 = (uint32_t)(wc_prefix_size(space) >> 16);
	uint32_t *cands = xmallocarray(n16, sizeof *cands);
	uint32_t nc = 0;
	for (uint32_t i = 0; i < n16; i++) {
		uint32_t base = space.base + (i << 16);
		/* A /16 counts if its first and middle addresses are usable; the
		 * reserved ranges and telescopes are all /16-aligned or larger. */
		if (usable(sc, base | 0x100) && usable(sc, base | 0x8000))
			cands[nc++] = base;
	}
	uint32_t k = (uint32_t)sc->cluster_blocks < nc ? (uint32_t)sc->cluster_blocks : nc;
	if (k == 0) {
		free(cands);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'worm.scan_space': no routable /16 to place hosts in",
				    sc->source);
	}
	gsl_ran_shuffle(r, cands, nc, sizeof *cands);
	double *w = xmallocarray(k, sizeof *w);
	unsigned *cnt = xmallocarray(k, sizeof *cnt);
	for (uint32_t i = 0; i < k; i++)
		w[i] = gsl_ran_pareto(r, sc->cluster_alpha, 1.0);
	const uint64_t cap = 16384;
	if ((uint64_t)sc->vulnerable > cap * k) {
		free(cands);
		free(w);
		free(cnt);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'population.cluster_blocks': %u /16s cannot hold %lld "
				    "hosts at most %llu each",
				    sc->source, k, (long long)sc->vulnerable,
				    (unsigned long long)cap);
	}
	uint64_t *total = xcalloc(k, sizeof *total);
	uint64_t left = (uint64_t)sc->vulnerable;
	while (left > 0) {
		gsl_ran_multinomial(r, k, (unsigned)left, w, cnt);
		left = 0;
		for (uint32_t i = 0; i < k; i++) {
			total[i] += cnt[i];
			if (total[i] >= cap) {
				left += total[i] - cap;
				total[i] = cap;
				w[i] = 0; /* full: the overflow goes elsewhere */
			}
		}
	}
	*out = xmallocarray(k, sizeof **out);
	*nout = (int)k;
	for (uint32_t i = 0; i < k; i++) {
		(*out)[i].block.base = cands[i];
		(*out)[i].block.len = 16;
		(*out)[i].count = total[i];
		(*out)[i].line = 0;
	}
	free(total);
	free(cands);
	free(w);
	free(cnt);
	return 0;
}

int wc_blocks_file_read(const char *path, wc_block_count **blocks, int *n, wc_error *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path,
				    strerror(errno));
	char line[512];
	int lineno = 0;
	size_t count = 0, cap = 0;
	wc_block_count *v = NULL;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		static const char blanks[] = " \t\r\n\v\f";
		char *save = NULL, *cidr = strtok_r(line, blanks, &save);
		if (cidr == NULL)
			continue;
		char *num = strtok_r(NULL, blanks, &save), *extra = strtok_r(NULL, blanks, &save);
		const char *why = NULL;
		wc_prefix p;
		uint64_t c;
		if (num == NULL || extra != NULL)
			why = "expected `CIDR COUNT`";
		else if (wc_prefix_parse(cidr, &p) != 0)
			why = "field 1 (CIDR): not a block like 24.0.0.0/16";
		else if (wc_num_u64(num, 0, UINT64_MAX, &c) != WC_NUM_OK)
			why = "field 2 (COUNT): expected a whole number of hosts";
		else if (c > wc_prefix_size(p))
			why = "field 2 (COUNT): more hosts than addresses in the block";
		if (why) {
			fclose(f);
			free(v);
			return wc_error_set(err, WC_EXIT_USAGE, "%s:%d: %s", path, lineno, why);
		}
		for (size_t i = 0; i < count; i++)
			if (prefixes_overlap(v[i].block, p)) {
				fclose(f);
				free(v);
				return wc_error_set(
					err, WC_EXIT_USAGE,
					"%s:%d: field 1 (CIDR): overlaps the block on an "
					"earlier line",
					path, lineno);
			}
		WC_VEC_PUSH(v, count, cap,
			    ((wc_block_count){.block = p, .line = lineno, .count = c}));
	}
	fclose(f);
	/* Never NULL, even for a file of comments only: callers free it. */
	*blocks = v ? v : xmalloc(sizeof *v);
	*n = (int)count;
	return 0;
}

/* Where each block's hosts go so that all addresses come out in ascending
 * order: each block's are sorted and the blocks are disjoint, so it is their
 * order by base (a radix sort: the clustered placement has 20,000 blocks).
 * The blocks are still sampled in their own order, which fixes the draws. */
static size_t *block_starts(const wc_block_count *blocks, int nblocks)
{
	uint64_t *base = xmallocarray((size_t)nblocks + 1, sizeof *base);
	uint32_t *order = xmallocarray((size_t)nblocks + 1, sizeof *order);
	for (int i = 0; i < nblocks; i++) {
		base[i] = blocks[i].block.base;
		order[i] = (uint32_t)i;
	}
	wc_radix_sort_u64_pairs(base, order, (size_t)nblocks);
	size_t *start = xmallocarray((size_t)nblocks, sizeof *start), k = 0;
	for (int j = 0; j < nblocks; j++) {
		start[order[j]] = k;
		k += blocks[order[j]].count;
	}
	free(base);
	free(order);
	return start;
}

static void draw_classes(wc_population *pop, const wc_scenario *sc, uint64_t seed)
{
	double cum[WC_MAX_CLASSES];
	double acc = 0;
	for (int c = 0; c < sc->nclasses; c++)
		cum[c] = acc += sc->classes[c].share;
	if (sc->nclasses == 1) { /* every host's, without a draw: each has its own stream */
		memset(pop->class_id, 0, pop->n);
		return;
	}
	for (uint32_t h = 0; h < pop->n; h++) {
		wc_rng r = wc_rng_stream(seed, WC_STREAM_CLASS, h, 0);
		double u = wc_rng_uniform(&r) * acc;
		int c = 0;
		while (c < sc->nclasses - 1 && u >= cum[c])
			c++;
		pop->class_id[h] = (uint8_t)c;
	}
}

/* No wrong clocks and no late wake-ups: then every offset is 0. */
static bool clocks_right(const wc_scenario *sc)
{
	if (sc->wrong_fraction > 0)
		return false;
	for (int c = 0; c < sc->nclasses; c++)
		if (sc->classes[c].wake_delay > 0)
			return false;
	return true;
}

int32_t wc_population_clock_offset(const wc_population *pop, uint32_t h, int c)
{
	if (pop->clocks_right)
		return 0;
	const wc_scenario *sc = pop->sc;
	wc_rng rc = wc_rng_stream(pop->seed, WC_STREAM_CLOCK, h, 0);
	int32_t offset = 0;
	if (wc_rng_uniform(&rc) < sc->wrong_fraction)
		offset = (int32_t)((2 * wc_rng_uniform(&rc) - 1) * sc->wrong_offset_days * 86400);
	/* a copy that wakes d late acts as if its clock were d behind */
	double delay = sc->classes[c].wake_delay;
	double late = wc_rng_exponential(&rc, delay > 0 ? 1 / delay : 0);
	if (isfinite(late))
		offset -= (int32_t)(late * 3600);
	return offset;
}

bool wc_population_class_patches(const wc_scenario *sc, int c)
{
	return sc->classes[c].patch_rate > 0 || sc->classes[c].patch_rate_later > 0;
}

double wc_population_patch_at(const wc_population *pop, uint32_t h, int c)
{
	const wc_scenario *sc = pop->sc;
	const wc_host_class *hc = &sc->classes[c];
	wc_rng rp = wc_rng_stream(pop->seed, WC_STREAM_PATCH, h, 0);
	double at = (double)(hc->patch_start - sc->start) +
		    wc_rng_exponential(&rp, hc->patch_rate / 3600);
	/* A piecewise-constant hazard: past the change, memorylessness lets a
	 * fresh wait at the new rate start from the change instant. */
	double change = (double)(hc->patch_change - sc->start);
	if (hc->patch_change_set && hc->patch_rate_later >= 0 && at > change) {
		double from = fmax(change, (double)(hc->patch_start - sc->start));
		at = from + wc_rng_exponential(&rp, hc->patch_rate_later / 3600);
	}
	return at < 0 ? 0 : at;
}

int wc_population_build(wc_population *pop, const wc_scenario *sc, uint64_t seed, wc_error *err)
{
	memset(pop, 0, sizeof *pop);
	gsl_rng *r = wc_rng_gsl_alloc();
	wc_rng_gsl_load(r, wc_rng_stream(seed, WC_STREAM_PLACEMENT, 0, 0));

	wc_block_count *blocks = NULL;
	int nblocks = 0, rc = 0;
	if (sc->placement == WC_PLACE_FILE) {
		rc = wc_blocks_file_read(sc->blocks_file, &blocks, &nblocks, err);
		uint64_t total = 0;
		for (int i = 0; rc == 0 && i < nblocks; i++) {
			total += blocks[i].count;
			if (!wc_prefix_contains(sc->scan_space, blocks[i].block.base)) {
				char b[20];
				rc = wc_error_set(err, WC_EXIT_USAGE,
						  "%s:%d: field 1 (CIDR): block %s lies outside "
						  "worm.scan_space",
						  sc->blocks_file, blocks[i].line,
						  wc_prefix_format(blocks[i].block, b));
			}
		}
		if (rc == 0 && total != (uint64_t)sc->vulnerable)
			rc = wc_error_set(err, WC_EXIT_USAGE,
					  "%s: the counts add up to %llu hosts but "
					  "population.vulnerable is %lld",
					  sc->blocks_file, (unsigned long long)total,
					  (long long)sc->vulnerable);
	} else if (sc->placement == WC_PLACE_CLUSTERED) {
		rc = place_clustered(sc, r, &blocks, &nblocks, err);
		if (rc != 0 && err->code == 0)
			rc = 0; /* scan space below /16: uniform inside it */
	}
	if (rc == 0 && blocks == NULL) {
		blocks = xmalloc(sizeof *blocks);
		blocks[0].block = sc->scan_space;
		blocks[0].count = (uint64_t)sc->vulnerable;
		blocks[0].line = 0;
		nblocks = 1;
	}
	if (rc != 0) {
		free(blocks);
		gsl_rng_free(r);
		return -1;
	}

	pop->addr = xmalloc_huge((size_t)sc->vulnerable, sizeof *pop->addr);
	size_t n = 0, *start = block_starts(blocks, nblocks);
	for (int i = 0; i < nblocks && rc == 0; i++) {
		n += blocks[i].count;
		if (sample_block(sc, r, blocks[i].block, blocks[i].count, pop->addr + start[i]) !=
		    0) {
			char b[20], where[300];
			if (blocks[i].line > 0)
				snprintf(where, sizeof where, "%s:%d: field 2 (COUNT)",
					 sc->blocks_file, blocks[i].line);
			else
				snprintf(where, sizeof where, "%s", sc->source);
			rc = wc_error_set(
				err, WC_EXIT_USAGE,
				"%s: block %s has too few usable addresses for %llu hosts "
				"(routable, inside worm.scan_space, outside telescopes)",
				where, wc_prefix_format(blocks[i].block, b),
				(unsigned long long)blocks[i].count);
		}
	}
	free(start);
	free(blocks);
	gsl_rng_free(r);
	if (rc != 0) {
		wc_population_free(pop);
		return -1;
	}
	pop->n = (uint32_t)n;
	pop->class_id = xmalloc_huge(pop->n, 1);
	pop->sc = sc;
	pop->seed = seed;
	pop->clocks_right = clocks_right(sc);
	draw_classes(pop, sc, seed);
	return 0;
}

void wc_population_drop_hosts(wc_population *pop)
{
	free(pop->addr);
	free(pop->class_id);
	pop->addr = NULL;
	pop->class_id = NULL;
}

void wc_population_free(wc_population *pop)
{
	wc_population_drop_hosts(pop);
	memset(pop, 0, sizeof *pop);
}

uint32_t *wc_population_patch_order(const wc_population *pop, double before, uint32_t *count,
				    double **at)
{
	/* Sized for every host, filled with the patched ones only: the pages
	 * past them are never touched, so they take no memory. */
	uint32_t *order = xmalloc_huge(pop->n ? pop->n : 1, sizeof *order), k = 0;
	uint64_t *keys = xmalloc_huge(pop->n ? pop->n : 1, sizeof *keys);
	bool patches[WC_MAX_CLASSES];
	for (int c = 0; c < pop->sc->nclasses; c++)
		patches[c] = wc_population_class_patches(pop->sc, c);
	for (uint32_t h = 0; h < pop->n; h++) {
		if (!patches[pop->class_id[h]])
			continue; /* its instant is infinite: no draw to make */
		double t = wc_population_patch_at(pop, h, pop->class_id[h]);
		if (t < before) {
			keys[k] = wc_radix_key_double(t);
			order[k++] = h;
		}
	}
	wc_radix_sort_u64_pairs(keys, order, k);
	if (at != NULL) {
		*at = xmallocarray(k ? k : 1, sizeof **at);
		for (uint32_t i = 0; i < k; i++)
			(*at)[i] = wc_radix_double_of_key(keys[i]);
	}
	free(keys);
	*count = k;
	return xreallocarray(order, k ? k : 1, sizeof *order);
}
