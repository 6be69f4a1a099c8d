/*
 * test_sched.c — the ensemble scheduler (src/ensemble/sched.h) in one
 * process, and its journal (src/ensemble/journal.h): every job run once,
 * outcomes where they belong whatever the threads, skips and shards, the
 * lowest failure reported, a torn journal tail dropped, corruption refused.
 * Under mpirun (tests/ensemble.sh runs it on 3 ranks) test_generations also
 * goes through MPI: several runs in a row, each with parameters rank 0 picks
 * and broadcasts, as a calibration does.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "ensemble/journal.h"
#include "ensemble/sched.h"

enum { NJOBS = 200, NOUT = 2 };

struct ctx {
	int64_t fail_from; /* jobs >= this fail (-1: none) */
};

static int job(void *vctx, uint64_t j, double *out, wc_error *err)
{
	const struct ctx *c = vctx;
	if (c->fail_from >= 0 && (int64_t)j >= c->fail_from)
		return wc_error_set(err, WC_EXIT_USAGE, "job %llu refused", (unsigned long long)j);
	out[0] = 2.0 * (double)j + 1;
	out[1] = sqrt((double)j);
	return 0;
}

/* What on_batch saw: each job's count and outcomes as delivered. */
struct seen {
	int count[NJOBS];
	double out[NJOBS * NOUT];
	uint64_t progress_done, progress_total;
};

static int on_batch(void *vs, const uint64_t *jobs, size_t n, const double *outs, wc_error *err)
{
	(void)err;
	struct seen *s = vs;
	for (size_t i = 0; i < n; i++) {
		s->count[jobs[i]]++;
		memcpy(s->out + jobs[i] * NOUT, outs + i * NOUT, NOUT * sizeof(double));
	}
	return 0;
}

static void on_progress(void *vs, uint64_t done, uint64_t total)
{
	struct seen *s = vs;
	s->progress_done = done;
	s->progress_total = total;
}

/* Runs all NJOBS with the given options; checks every selected job exactly. */
static void run_and_check(int threads, uint64_t shard, uint64_t nshards, const uint8_t *skip)
{
	struct ctx c = {-1};
	static struct seen s;
	memset(&s, 0, sizeof s);
	double out[NJOBS * NOUT];
	for (size_t i = 0; i < NJOBS * NOUT; i++)
		out[i] = NAN;
	wc_sched_opts o;
	wc_sched_opts_init(&o);
	o.threads = threads;
	o.shard = shard;
	o.nshards = nshards;
	o.skip = skip;
	o.batch = 7;
	o.on_batch = on_batch;
	o.batch_ctx = &s;
	o.progress = on_progress;
	o.progress_ctx = &s;
	wc_error err = {0};
	assert_int_equal(wc_sched_run(&o, NJOBS, NOUT, job, &c, out, &err), 0);
	uint64_t expect = 0;
	for (uint64_t j = 0; j < NJOBS; j++) {
		bool mine = (nshards <= 1 || j % nshards == shard) && (skip == NULL || !skip[j]);
		expect += mine;
		assert_int_equal(s.count[j], mine ? 1 : 0);
		if (mine) {
			assert_true(out[j * NOUT] == 2.0 * (double)j + 1);
			assert_true(s.out[j * NOUT + 1] == sqrt((double)j));
		} else {
			assert_true(isnan(out[j * NOUT]));
		}
	}
	assert_int_equal(wc_sched_pending(&o, NJOBS), expect);
	assert_int_equal(s.progress_done, expect);
	assert_int_equal(s.progress_total, expect);
}

static void test_threads(void **state)
{
	(void)state;
	run_and_check(1, 0, 0, NULL);
	run_and_check(4, 0, 0, NULL);
}

static void test_shards_and_skip(void **state)
{
	(void)state;
	for (uint64_t s = 0; s < 3; s++)
		run_and_check(2, s, 3, NULL);
	uint8_t skip[NJOBS];
	for (int j = 0; j < NJOBS; j++)
		skip[j] = j % 5 == 0 || j > 150;
	run_and_check(3, 0, 0, skip);
	run_and_check(1, 1, 2, skip);
}

static void test_failure(void **state)
{
	(void)state;
	struct ctx c = {37};
	double out[NJOBS * NOUT];
	wc_sched_opts o;
	wc_sched_opts_init(&o);
	wc_error err = {0};
	assert_int_equal(wc_sched_run(&o, NJOBS, NOUT, job, &c, out, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_string_equal(err.msg, "job 37 refused");
}

static const char *journal_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/wc-test-journal-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 (int)getpid());
	return buf;
}

static void test_journal(void **state)
{
	(void)state;
	char path[512];
	journal_path(path, sizeof path);
	wc_journal j;
	wc_error err = {0};
	assert_int_equal(wc_journal_create(&j, path, 10, NOUT, "id\nline\n", &err), 0);
	uint64_t jobs[3] = {4, 0, 9};
	double outs[6] = {1, 2, 3, -0.0, 5, NAN};
	assert_int_equal(wc_journal_append(&j, jobs, 3, outs, &err), 0);
	assert_int_equal(wc_journal_close(&j, &err), 0);

	wc_journal_data d;
	assert_int_equal(wc_journal_read(path, &d, &err), 0);
	assert_string_equal(d.identity, "id\nline\n");
	assert_int_equal(d.njobs, 10);
	assert_int_equal(d.ndone, 3);
	assert_int_equal(d.torn, 0);
	assert_true(d.done[4] && d.done[0] && d.done[9] && !d.done[1]);
	assert_true(d.out[4 * NOUT + 1] == 2 && d.out[0] == 3 && signbit(d.out[1]));
	assert_true(isnan(d.out[9 * NOUT + 1]) && isnan(d.out[2]));
	uint64_t full = d.good_end;
	wc_journal_data_free(&d);

	/* A torn last record (a kill inside the write) is dropped... */
	assert_int_equal(truncate(path, (off_t)full - 5), 0);
	assert_int_equal(wc_journal_read(path, &d, &err), 0);
	assert_int_equal(d.ndone, 2);
	assert_int_equal(d.torn, 1);
	assert_false(d.done[9]);
	/* ...and cut off when appending resumes. */
	assert_int_equal(wc_journal_open_append(&j, path, &d, &err), 0);
	wc_journal_data_free(&d);
	assert_int_equal(wc_journal_append(&j, jobs + 2, 1, outs + 4, &err), 0);
	assert_int_equal(wc_journal_close(&j, &err), 0);
	assert_int_equal(wc_journal_read(path, &d, &err), 0);
	assert_int_equal(d.ndone, 3);
	assert_int_equal(d.torn, 0);
	assert_int_equal(d.good_end, full);
	wc_journal_data_free(&d);

	/* A damaged record before the last one is corruption. */
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, (long)full - 2 * 32 - 3, SEEK_SET);
	fputc('x', fp);
	fclose(fp);
	assert_int_equal(wc_journal_read(path, &d, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "corrupt record"));
	unlink(path);
}

static void test_not_a_journal(void **state)
{
	(void)state;
	char path[512];
	journal_path(path, sizeof path);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("sweep.csv,is,not,a,journal\n", fp);
	fclose(fp);
	wc_journal_data d;
	wc_error err = {0};
	assert_int_equal(wc_journal_read(path, &d, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "not a wormcast journal"));
	unlink(path);
}

/* Generations: rank 0 decides a parameter, every rank gets it, the jobs of
 * each generation (a different count each time) come back exact. */
static int gen_job(void *ctx, uint64_t j, double *out, wc_error *err)
{
	(void)err;
	const double *param = ctx;
	out[0] = param[0] * (double)j;
	out[1] = -(double)j;
	return 0;
}

static void test_generations(void **state)
{
	const wc_sched_comm *comm = *state;
	for (int gen = 0; gen < 4; gen++) {
		double param[1] = {comm->rank == 0 ? 1.5 + gen : -1};
		wc_error err = {0};
		assert_int_equal(wc_sched_bcast(comm, param, sizeof param, &err), 0);
		assert_true(param[0] == 1.5 + gen);
		uint64_t n = 50 + 37 * (uint64_t)gen;
		double out[2 * 200];
		wc_sched_opts o;
		wc_sched_opts_init(&o);
		o.comm = comm;
		o.threads = 2;
		o.batch = 5;
		assert_int_equal(wc_sched_run(&o, n, 2, gen_job, param, out, &err), 0);
		if (wc_sched_is_writer(comm))
			for (uint64_t j = 0; j < n; j++)
				assert_true(out[2 * j] == param[0] * (double)j &&
					    out[2 * j + 1] == -(double)j);
	}
}

int main(void)
{
	wc_sched_comm comm;
	wc_error err = {0};
	if (wc_sched_init(&comm, &err) != 0) {
		fprintf(stderr, "test_sched: %s\n", err.msg);
		return 1;
	}
	if (comm.size > 1) {
		const struct CMUnitTest mpi_tests[] = {
			cmocka_unit_test_prestate(test_generations, &comm),
		};
		int rc = cmocka_run_group_tests_name(comm.rank == 0 ? "sched over MPI" : "worker",
						     mpi_tests, NULL, NULL);
		wc_sched_finish(&comm);
		return rc;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_generations, &comm),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_shards_and_skip),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_journal),
		cmocka_unit_test(test_not_a_journal),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	wc_sched_finish(&comm);
	return rc;
}
