/* Tests for the generic pieces of src/core: vec, hash, heap, fenwick, csv, num, clock. */
#include "testutil.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "core/bucketq.h"
#include "core/clock.h"
#include "core/csv.h"
#include "core/fenwick.h"
#include "core/hash.h"
#include "core/heap.h"
#include "core/num.h"
#include "core/vec.h"

/* ---- vec ---- */

static void vec_grows_by_doubling_and_keeps_elements(void **state)
{
	(void)state;
	int *v = NULL;
	size_t n = 0, cap = 0;
	WC_VEC_PUSH(v, n, cap, 7);
	assert_int_equal(cap, WC_VEC_MIN);
	for (int i = 1; i < 1000; i++)
		WC_VEC_PUSH(v, n, cap, 7 + i);
	assert_int_equal(n, 1000);
	assert_int_equal(cap, 1024); /* 16 doubled six times */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], 7 + i);
	/* A reservation past double the capacity takes exactly what was asked. */
	WC_VEC_RESERVE(v, cap, 5000);
	assert_int_equal(cap, 5000);
	WC_VEC_RESERVE(v, cap, 10); /* never shrinks */
	assert_int_equal(cap, 5000);
	assert_int_equal(v[999], 1006);
	free(v);
}

/* Line-aligned growth: whole lines from a line boundary, elements kept. */
static void vec_lines_stay_on_their_own_lines(void **state)
{
	(void)state;
	uint32_t *v = NULL;
	size_t n = 0, cap = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		if (n == cap)
			v = wc_vec_grow_lines(v, n, &cap, n + 1, sizeof *v, 64);
		assert_int_equal((uintptr_t)v % 64, 0);
		assert_int_equal(cap * sizeof *v % 64, 0);
		v[n++] = i;
	}
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	free(v);
}

/* Runs wc_vec_grow in a child: its exit status (-1: killed), and whether its
 * stderr says it ran out of memory. */
static int grow_in_child(size_t cap, size_t need, size_t elem, bool *oom_message)
{
	char path[] = "/tmp/wc-test-kit-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd, STDERR_FILENO);
		void *p = wc_vec_grow(NULL, &cap, need, elem);
		free(p);
		_exit(99);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	char msg[256] = {0};
	ssize_t got = pread(fd, msg, sizeof msg - 1, 0);
	*oom_message = got > 0 && strstr(msg, "out of memory (asked for") != NULL;
	close(fd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void vec_size_overflow_exits_like_out_of_memory(void **state)
{
	(void)state;
	/* Small requests: the capacity is the larger of need and twice the old. */
	char *p = NULL;
	size_t cap = 0;
	p = wc_vec_grow(p, &cap, 3, 1);
	assert_int_equal(cap, WC_VEC_MIN);
	p = wc_vec_grow(p, &cap, 40, 1);
	assert_int_equal(cap, 40);
	p = wc_vec_grow(p, &cap, 41, 1);
	assert_int_equal(cap, 80);
	free(p);
	/* Doubling past SIZE_MAX / 2 would wrap to a small capacity, and n * elem
	 * past SIZE_MAX to a small allocation: either must end as an allocation
	 * failure (exit 1, WC_EXIT_RUNTIME), never return a short array. */
	bool oom;
	assert_int_equal(grow_in_child(16, SIZE_MAX / 8 + 1, 16, &oom), 1);
	assert_true(oom); /* xreallocarray's overflow check, before any allocator */
	/* The other reaches malloc with 2^63 bytes, which ASan reports itself. */
	if (test_sanitized())
		return;
	assert_int_equal(grow_in_child(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 2, 1, &oom), 1);
	assert_true(oom);
}

/* ---- hash ---- */

struct kv {
	uint64_t hash;
	uint32_t key;
	uint32_t value;
};

static bool kv_eq(const void *slot, const void *key)
{
	return ((const struct kv *)slot)->key == *(const uint32_t *)key;
}

static uint64_t kv_hash(uint32_t k)
{
	return wc_hash_bytes(&k, sizeof k, 0);
}

static void hash_finds_inserts_and_removes(void **state)
{
	(void)state;
	wc_hash t;
	wc_hash_init(&t, sizeof(struct kv), 3);
	assert_int_equal(t.cap, 8);
	bool fresh;
	for (uint32_t k = 0; k < 10000; k++) {
		struct kv *e = wc_hash_upsert(&t, kv_hash(k), kv_eq, &k, &fresh);
		assert_true(fresh);
		e->key = k;
		e->value = k * 3;
	}
	assert_int_equal(t.used, 10000);
	assert_true(t.used * 2 <= t.cap);
	for (uint32_t k = 0; k < 10000; k++) {
		struct kv *e = wc_hash_find(&t, kv_hash(k), kv_eq, &k);
		assert_non_null(e);
		assert_int_equal(e->value, k * 3);
	}
	uint32_t missing = 10000;
	assert_null(wc_hash_find(&t, kv_hash(missing), kv_eq, &missing));
	uint32_t k5 = 5;
	struct kv *e = wc_hash_upsert(&t, kv_hash(k5), kv_eq, &k5, &fresh);
	assert_false(fresh);
	assert_int_equal(e->value, 15);
	/* Every even key removed: the odd ones are still found past the graves,
	 * and a re-inserted key reuses a deleted slot. */
	for (uint32_t k = 0; k < 10000; k += 2)
		wc_hash_remove(&t, wc_hash_find(&t, kv_hash(k), kv_eq, &k));
	assert_int_equal(t.used, 5000);
	assert_int_equal(t.dead, 5000);
	for (uint32_t k = 0; k < 10000; k++)
		assert_true((wc_hash_find(&t, kv_hash(k), kv_eq, &k) != NULL) == (k % 2 == 1));
	uint32_t k4 = 4;
	e = wc_hash_upsert(&t, kv_hash(k4), kv_eq, &k4, &fresh);
	assert_true(fresh);
	assert_int_equal(e->value, 0); /* zeroed */
	e->key = 4;
	assert_int_equal(t.used, 5001);
	/* A rebuild drops the graves and may shrink; every record survives it. */
	size_t live = 0;
	wc_hash_rehash(&t, 8);
	assert_int_equal(t.dead, 0);
	assert_int_equal(t.cap, 16384); /* the least power of two holding 5002 at half */
	for (size_t i = 0; i < t.cap; i++)
		live += wc_hash_live(&t, i);
	assert_int_equal(live, 5001);
	assert_non_null(wc_hash_find(&t, kv_hash(k4), kv_eq, &k4));
	wc_hash_free(&t);
}

/* Flows come and go (pcap.c): a table with few live records but many
 * removals clears its graves instead of growing without end. */
static void hash_churn_keeps_its_size(void **state)
{
	(void)state;
	wc_hash t;
	wc_hash_init(&t, sizeof(struct kv), 64);
	bool fresh;
	for (uint32_t k = 0; k < 100000; k++) {
		struct kv *e = wc_hash_upsert(&t, kv_hash(k), kv_eq, &k, &fresh);
		assert_true(fresh);
		e->key = k;
		if (k >= 10) { /* keep ten live */
			uint32_t old = k - 10;
			wc_hash_remove(&t, wc_hash_find(&t, kv_hash(old), kv_eq, &old));
		}
		assert_true((t.used + t.dead) * 2 <= t.cap);
	}
	assert_int_equal(t.used, 10);
	assert_int_equal(t.cap, 64);
	for (uint32_t k = 99990; k < 100000; k++)
		assert_non_null(wc_hash_find(&t, kv_hash(k), kv_eq, &k));
	wc_hash_free(&t);
}

static void hash_values_avoid_the_markers(void **state)
{
	(void)state;
	assert_int_equal(wc_hash_fix(0), 2);
	assert_int_equal(wc_hash_fix(1), 3);
	assert_int_equal(wc_hash_fix(2), 2);
	assert_int_equal(wc_hash_fix(UINT64_MAX), UINT64_MAX);
	/* The byte hash is the one detect's source table has always used: odd,
	 * seeded, depending on every byte and on the length. */
	uint64_t a = wc_hash_bytes("10.0.0.1", 8, 1), b = wc_hash_bytes("10.0.0.1", 8, 2);
	uint64_t c = wc_hash_bytes("10.0.0.2", 8, 1), d = wc_hash_bytes("10.0.0.1x", 9, 1);
	assert_true(a & 1);
	assert_true(a > 1);
	assert_true(a != b && a != c && a != d);
	assert_int_equal(wc_hash_bytes("", 0, 0), wc_hash_bytes("", 0, 0));
}

/* ---- heap ---- */

struct ev {
	double at;
	int id;
};

static inline bool ev_less(const struct ev *a, const struct ev *b)
{
	return a->at < b->at;
}

WC_HEAP_DEFINE(evheap, struct ev, ev_less)

static void heap_pops_in_order(void **state)
{
	(void)state;
	struct ev *h = NULL;
	size_t n = 0, cap = 0;
	/* A fixed shuffle of 0..999 (multiplication by a unit mod 1000). */
	for (int i = 0; i < 1000; i++)
		evheap_push(&h, &n, &cap, (struct ev){(double)((i * 377) % 1000), i});
	assert_int_equal(n, 1000);
	for (int i = 0; i < 500; i++)
		assert_true(evheap_pop(h, &n).at == (double)i);
	/* Interleaved pushes below the current least come out first. */
	evheap_push(&h, &n, &cap, (struct ev){-1.0, -1});
	evheap_push(&h, &n, &cap, (struct ev){499.5, -2});
	assert_int_equal(evheap_pop(h, &n).id, -1);
	assert_int_equal(evheap_pop(h, &n).id, -2);
	for (int i = 500; i < 1000; i++)
		assert_true(evheap_pop(h, &n).at == (double)i);
	assert_int_equal(n, 0);
	evheap_push(&h, &n, &cap, (struct ev){3.0, 3});
	assert_int_equal(evheap_pop(h, &n).id, 3);
	assert_int_equal(n, 0);
	free(h);
}

/* ---- bucket queue ---- */

/* Items come back by step, in push order within a step, across chunk
 * boundaries, from the overflow list once the window moves on, and with
 * items pushed to the step being walked; walked chunks are reused. */
static void bucketq_walks_in_push_order(void **state)
{
	(void)state;
	wc_bucketq q;
	wc_bucketq_init(&q, 1000, 64); /* window: 64 steps */
	assert_int_equal(q.nbuckets, 64);
	for (uint32_t i = 0; i < 40; i++)
		wc_bucketq_push(&q, 3, i); /* three chunks */
	wc_bucketq_push(&q, 500, 7);	   /* past the window */
	wc_bucketq_push(&q, 1000, 9);	   /* past the end: dropped */
	wc_bucketq_push(&q, 10, 77);
	assert_int_equal(wc_bucketq_next(&q, 0), 3);
	assert_int_equal(wc_bucketq_next(&q, 3), 10);
	assert_int_equal(wc_bucketq_next(&q, 10), 64); /* the window moves there */
	wc_bq_cursor c = wc_bucketq_open(&q, 3);
	uint32_t item, ahead, n = 0;
	assert_true(wc_bucketq_ahead(&q, &c, WC_BQ_ITEMS, &ahead));
	assert_int_equal(ahead, WC_BQ_ITEMS);
	while (wc_bucketq_take(&q, &c, &item)) {
		assert_int_equal(item, n);
		if (n++ == 39)
			wc_bucketq_push(&q, 3, 40); /* pushed while walked: walked too */
	}
	assert_int_equal(n, 41);
	wc_bucketq_close(&q, &c);
	uint32_t used = q.fresh;
	c = wc_bucketq_open(&q, 10);
	assert_true(wc_bucketq_take(&q, &c, &item));
	assert_int_equal(item, 77);
	assert_false(wc_bucketq_take(&q, &c, &item));
	wc_bucketq_close(&q, &c);
	for (uint32_t i = 0; i < 30; i++)
		wc_bucketq_push(&q, 20, i);
	assert_int_equal(q.fresh, used); /* from the free chunks */
	c = wc_bucketq_open(&q, 20);
	for (n = 0; wc_bucketq_take(&q, &c, &item); n++)
		assert_int_equal(item, n);
	assert_int_equal(n, 30);
	wc_bucketq_close(&q, &c);
	assert_int_equal(wc_bucketq_next(&q, 20), 64);
	c = wc_bucketq_open(&q, 500);
	assert_true(wc_bucketq_take(&q, &c, &item));
	assert_int_equal(item, 7);
	assert_false(wc_bucketq_take(&q, &c, &item));
	wc_bucketq_close(&q, &c);
	assert_int_equal(wc_bucketq_next(&q, 500), 1000);
	wc_bucketq_free(&q);
}

/* ---- fenwick ---- */

static void fenwick_sums_and_finds(void **state)
{
	(void)state;
	/* 13 counts: n not a power of two, zeros between, a zero at each end. */
	const uint32_t c[13] = {0, 3, 0, 0, 5, 1, 0, 2, 7, 0, 0, 4, 0};
	wc_fenwick f, g;
	wc_fenwick_build(&f, c, 13);
	wc_fenwick_init(&g, 13);
	assert_int_equal(g.top, 8);
	for (uint32_t i = 0; i < 13; i++)
		wc_fenwick_add(&g, i, (int32_t)c[i]);
	uint32_t sum = 0;
	for (uint32_t i = 0; i <= 13; i++) {
		assert_int_equal(wc_fenwick_prefix(&f, i), sum);
		assert_int_equal(wc_fenwick_prefix(&g, i), sum);
		if (i < 13)
			sum += c[i];
	}
	assert_int_equal(sum, 22);
	/* The k-th unit: every k lands in the slot whose prefix covers it. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < 13; i++)
		for (uint32_t r = 0; r < c[i]; r++, k++) {
			uint32_t rank;
			assert_int_equal(wc_fenwick_find(&f, k, &rank), i);
			assert_int_equal(rank, r);
		}
	uint32_t rank;
	assert_int_equal(wc_fenwick_find(&f, 22, &rank), 13); /* past the total */
	/* A removal moves the later units down one slot's worth. */
	wc_fenwick_add(&f, 4, -5);
	assert_int_equal(wc_fenwick_prefix(&f, 13), 17);
	assert_int_equal(wc_fenwick_find(&f, 3, &rank), 5);
	assert_int_equal(rank, 0);
	wc_fenwick_free(&f);
	wc_fenwick_free(&g);
	wc_fenwick_init(&f, 0);
	assert_int_equal(wc_fenwick_find(&f, 0, &rank), 0);
	wc_fenwick_free(&f);
}

/* ---- csv ---- */

static char *write_field(const char *s, char *buf, size_t len)
{
	char *mem = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&mem, &n);
	assert_non_null(fp);
	wc_csv_write_field(fp, s);
	fclose(fp);
	snprintf(buf, len, "%s", mem);
	free(mem);
	return buf;
}

static void csv_quotes_by_rfc4180(void **state)
{
	(void)state;
	char b[64];
	assert_string_equal(write_field("10.0.0.1", b, sizeof b), "10.0.0.1");
	assert_string_equal(write_field("", b, sizeof b), "");
	assert_string_equal(write_field(" padded ", b, sizeof b), " padded ");
	assert_string_equal(write_field("a,b", b, sizeof b), "\"a,b\"");
	assert_string_equal(write_field("say \"hi\"", b, sizeof b), "\"say \"\"hi\"\"\"");
	/* A line break must be quoted too: detect's sources.csv quoted only
	 * commas and quotes, and a CR in a host name split its row in two. */
	assert_string_equal(write_field("a\rb", b, sizeof b), "\"a\rb\"");
	assert_string_equal(write_field("a\nb", b, sizeof b), "\"a\nb\"");
	assert_false(wc_csv_needs_quotes("class.managed.patch_rate"));
	assert_true(wc_csv_needs_quotes("\""));
}

static void csv_splits_quoted_fields(void **state)
{
	(void)state;
	char *f[8];
	char l1[] = "time, \"a,b\" ,\"say \"\"hi\"\"\",,  x y  ,\"\"";
	assert_int_equal(wc_csv_split(l1, f, 8, NULL), 6);
	assert_string_equal(f[0], "time");
	assert_string_equal(f[1], "a,b");
	assert_string_equal(f[2], "say \"hi\"");
	assert_string_equal(f[3], "");
	assert_string_equal(f[4], "x y");
	assert_string_equal(f[5], "");
	char l2[] = "";
	assert_int_equal(wc_csv_split(l2, f, 8, NULL), 1);
	assert_string_equal(f[0], "");
	char l3[] = "a,";
	assert_int_equal(wc_csv_split(l3, f, 8, NULL), 2);
	assert_string_equal(f[1], "");
	char l4[] = "1,2,3,4";
	assert_int_equal(wc_csv_split(l4, f, 2, NULL), 4); /* counted past max */
	assert_string_equal(f[1], "2");
	int bad = 0;
	char l5[] = "a,\"open";
	assert_int_equal(wc_csv_split(l5, f, 8, &bad), -1);
	assert_int_equal(bad, 2);
	char l6[] = "\"x\"y,1";
	assert_int_equal(wc_csv_split(l6, f, 8, &bad), -1);
	assert_int_equal(bad, 1);
	/* What the writer writes, the reader reads back. */
	char b[64], line[80];
	snprintf(line, sizeof line, "%s,z", write_field("q\"u,o", b, sizeof b));
	assert_int_equal(wc_csv_split(line, f, 8, NULL), 2);
	assert_string_equal(f[0], "q\"u,o");
}

/* ---- num ---- */

static void num_integers_are_strict(void **state)
{
	(void)state;
	int64_t i = 99;
	uint64_t u = 99;
	assert_int_equal(wc_num_i64("42", 0, 100, &i), WC_NUM_OK);
	assert_int_equal(i, 42);
	assert_int_equal(wc_num_i64("-0", -5, 5, &i), WC_NUM_OK);
	assert_int_equal(i, 0);
	assert_int_equal(wc_num_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &i), WC_NUM_OK);
	assert_true(i == INT64_MIN);
	assert_int_equal(wc_num_i64("9223372036854775808", INT64_MIN, INT64_MAX, &i), WC_NUM_RANGE);
	assert_int_equal(wc_num_i64("101", 0, 100, &i), WC_NUM_RANGE);
	assert_int_equal(wc_num_i64("", 0, 100, &i), WC_NUM_EMPTY);
	assert_int_equal(wc_num_i64("12abc", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_i64(" 1", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_i64("1 ", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_i64("0x10", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_i64("-", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_i64("1.5", 0, 100, &i), WC_NUM_SYNTAX);
	assert_int_equal(i, INT64_MIN); /* untouched on failure */

	assert_int_equal(wc_num_u64("18446744073709551615", 0, UINT64_MAX, &u), WC_NUM_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(wc_num_u64("18446744073709551616", 0, UINT64_MAX, &u), WC_NUM_RANGE);
	/* strtoull would read these as 2^64 - 1 and 0. */
	assert_int_equal(wc_num_u64("-1", 0, UINT64_MAX, &u), WC_NUM_RANGE);
	assert_int_equal(wc_num_u64("-0", 0, UINT64_MAX, &u), WC_NUM_RANGE);
	assert_int_equal(wc_num_u64("+7", 0, UINT64_MAX, &u), WC_NUM_OK);
	assert_int_equal(u, 7);
	assert_int_equal(wc_num_u64("0", 1, 1024, &u), WC_NUM_RANGE);
	assert_int_equal(wc_num_u64("12abc", 0, UINT64_MAX, &u), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_u64("", 0, UINT64_MAX, &u), WC_NUM_EMPTY);
	assert_string_equal(wc_num_status_text(WC_NUM_RANGE), "out of range");
}

static void num_doubles_are_finite_and_decimal(void **state)
{
	(void)state;
	double d = 0;
	assert_int_equal(wc_num_double("0.25", 0, 1, &d), WC_NUM_OK);
	assert_true(d == 0.25);
	assert_int_equal(wc_num_double("-0", -1, 1, &d), WC_NUM_OK);
	assert_true(d == 0 && signbit(d));
	assert_int_equal(wc_num_double("1e3", 0, 1e9, &d), WC_NUM_OK);
	assert_true(d == 1000);
	assert_int_equal(wc_num_double(".5", 0, 1, &d), WC_NUM_OK);
	assert_int_equal(wc_num_double("5.", 0, 10, &d), WC_NUM_OK);
	assert_int_equal(wc_num_double("+2.5E-1", 0, 1, &d), WC_NUM_OK);
	assert_true(d == 0.25);
	assert_int_equal(wc_num_double("1e999", -INFINITY, INFINITY, &d), WC_NUM_RANGE);
	assert_int_equal(wc_num_double("-1e999", -INFINITY, INFINITY, &d), WC_NUM_RANGE);
	assert_int_equal(wc_num_double("1e-400", -INFINITY, INFINITY, &d), WC_NUM_RANGE);
	assert_int_equal(wc_num_double("1.5", 0, 1, &d), WC_NUM_RANGE);
	assert_true(d == 0.25); /* untouched on failure */
	const char *bad[] = {"inf", "nan", "NaN", "infinity", "0x1p3", "12abc", " 1", "1 ",
			     ".",   "e5",  "1e",  "1e+",      "--1",   "1..2",	"+"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(wc_num_double(bad[i], -INFINITY, INFINITY, &d), WC_NUM_SYNTAX);
	assert_int_equal(wc_num_double("", 0, 1, &d), WC_NUM_EMPTY);
}

/* ---- clock ---- */

static void clock_is_monotonic(void **state)
{
	(void)state;
	double a = wc_clock_seconds();
	double b = wc_clock_seconds();
	assert_true(a > 0);
	assert_true(b >= a);
	struct timespec ts = {0, 2000000};
	nanosleep(&ts, NULL);
	assert_true(wc_clock_seconds() - a >= 0.002);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vec_grows_by_doubling_and_keeps_elements),
		cmocka_unit_test(vec_lines_stay_on_their_own_lines),
		cmocka_unit_test(vec_size_overflow_exits_like_out_of_memory),
		cmocka_unit_test(hash_finds_inserts_and_removes),
		cmocka_unit_test(hash_churn_keeps_its_size),
		cmocka_unit_test(hash_values_avoid_the_markers),
		cmocka_unit_test(heap_pops_in_order),
		cmocka_unit_test(bucketq_walks_in_push_order),
		cmocka_unit_test(fenwick_sums_and_finds),
		cmocka_unit_test(csv_quotes_by_rfc4180),
		cmocka_unit_test(csv_splits_quoted_fields),
		cmocka_unit_test(num_integers_are_strict),
		cmocka_unit_test(num_doubles_are_finite_and_decimal),
		cmocka_unit_test(clock_is_monotonic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
