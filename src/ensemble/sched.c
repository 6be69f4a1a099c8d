/*
 * The ensemble scheduler (sched.h): threads in one process, batches over
 * MPI ranks, shards.
 */
#include "ensemble/sched.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/xalloc.h"

#ifdef WC_HAVE_MPI
#include "ensemble/mpicalls.h"
#endif

enum { DEFAULT_BATCH = 64 };

/* What went wrong so far: the lowest failed job, or a failed on_batch. */
struct tally {
	int64_t failed; /* lowest failed job, -1 while none */
	wc_error first; /* its error */
	wc_error sink;	/* on_batch's error */
	int stop;	/* set once anything failed: start nothing new */
	uint64_t done;
};

static void tally_init(struct tally *t)
{
	memset(t, 0, sizeof *t);
	t->failed = -1;
}

static void note_failure(struct tally *t, uint64_t job, const wc_error *e)
{
	if (t->failed < 0 || (int64_t)job < t->failed) {
		t->failed = (int64_t)job;
		t->first = *e;
	}
#pragma omp atomic write
	t->stop = 1;
}

static int tally_result(const struct tally *t, wc_error *err)
{
	if (t->sink.code != 0)
		return wc_error_set(err, t->sink.code, "%s", t->sink.msg);
	if (t->failed >= 0)
		return wc_error_set(err, t->first.code, "%s", t->first.msg);
	return 0;
}

bool wc_sched_mpi_built(void)
{
#ifdef WC_HAVE_MPI
	return true;
#else
	return false;
#endif
}

void wc_sched_opts_init(wc_sched_opts *o)
{
	memset(o, 0, sizeof *o);
	o->threads = 1;
}

static bool in_share(const wc_sched_opts *o, uint64_t j)
{
	if (o->nshards > 1 && j % o->nshards != o->shard)
		return false;
	return o->skip == NULL || o->skip[j] == 0;
}

uint64_t wc_sched_pending(const wc_sched_opts *o, uint64_t njobs)
{
	uint64_t n = 0;
	for (uint64_t j = 0; j < njobs; j++)
		n += in_share(o, j);
	return n;
}

static size_t batch_cap(const wc_sched_opts *o)
{
	return o->batch > 0 ? o->batch : DEFAULT_BATCH;
}

static int threads_of(const wc_sched_opts *o)
{
	return o->threads > 0 ? o->threads : 1;
}

/* Hands a finished group to on_batch and progress; a failing on_batch stops. */
static void deliver(const wc_sched_opts *o, struct tally *t, const uint64_t *jobs, size_t n,
		    const double *outs, uint64_t total, bool counted)
{
	if (n == 0 || t->sink.code != 0)
		return;
	if (o->on_batch != NULL && o->on_batch(o->batch_ctx, jobs, n, outs, &t->sink) != 0) {
		if (t->sink.code == 0)
			wc_error_set(&t->sink, WC_EXIT_RUNTIME, "recording finished jobs failed");
#pragma omp atomic write
		t->stop = 1;
		return;
	}
	if (counted)
		return;
	t->done += n;
	if (o->progress != NULL)
		o->progress(o->progress_ctx, t->done, total);
}

/* One process: every pending job on the threads, one at a time, finished
 * jobs grouped by `batch` for on_batch. */
static int run_local(const wc_sched_opts *o, const uint64_t *jobs, uint64_t np, size_t nout,
		     wc_sched_job_fn job, void *ctx, double *out, wc_error *err)
{
	size_t cap = batch_cap(o);
	uint64_t *bj = xmallocarray(cap, sizeof *bj);
	double *bo = xmallocarray(cap * (nout ? nout : 1), sizeof *bo);
	size_t nb = 0;
	double last = wc_clock_seconds();
	struct tally t;
	tally_init(&t);

#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_of(o))
	for (int64_t i = 0; i < (int64_t)np; i++) {
		int stop;
#pragma omp atomic read
		stop = t.stop;
		if (stop)
			continue;
		uint64_t j = jobs[i];
		wc_error e = {0};
		int rc = job(ctx, j, out + j * nout, &e);
#pragma omp critical(wc_sched_local)
		{
			if (rc != 0) {
				if (e.code == 0)
					wc_error_set(&e, WC_EXIT_RUNTIME, "job %llu failed",
						     (unsigned long long)j);
				note_failure(&t, j, &e);
			} else {
				t.done++;
				if (o->progress != NULL)
					o->progress(o->progress_ctx, t.done, np);
				bj[nb] = j;
				memcpy(bo + nb * nout, out + j * nout, nout * sizeof *bo);
				/* A group a second at least, so a kill loses little. */
				double now = wc_clock_seconds();
				if (++nb == cap || now - last >= 1.0) {
					deliver(o, &t, bj, nb, bo, np, true);
					nb = 0;
					last = now;
				}
			}
		}
	}
	/* Jobs that finished before a failure are still good: record them. */
	deliver(o, &t, bj, nb, bo, np, true);
	if (o->stats != NULL)
		*o->stats = (wc_sched_stats){.writer_jobs = t.done};
	free(bj);
	free(bo);
	return tally_result(&t, err);
}

#ifdef WC_HAVE_MPI
/*
 * Over MPI ranks. Messages: TAG_BATCH from the writer, an array of job
 * indices (empty: no more); TAG_RESULT from a worker, a result_head then the
 * batch's outcomes in the batch's order. Every rank runs the same binary, so
 * the bytes of a struct mean the same on both ends.
 */
enum { TAG_BATCH = 1, TAG_RESULT = 2, QUEUED = 2 };

struct result_head {
	int32_t code; /* 0, or the failed job's error code */
	int32_t pad;
	uint64_t job; /* the failed job */
	char msg[sizeof(((wc_error *)0)->msg)];
};

/* Runs jobs[0..n) on the threads into outs[i·nout ..]; failures into t. */
static void run_span(const wc_sched_opts *o, const uint64_t *jobs, size_t n, size_t nout,
		     wc_sched_job_fn job, void *ctx, double *outs, struct tally *t)
{
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_of(o))
	for (int64_t i = 0; i < (int64_t)n; i++) {
		int stop;
#pragma omp atomic read
		stop = t->stop;
		if (stop)
			continue;
		wc_error e = {0};
		if (job(ctx, jobs[i], outs + (size_t)i * nout, &e) != 0) {
			if (e.code == 0)
				wc_error_set(&e, WC_EXIT_RUNTIME, "job %llu failed",
					     (unsigned long long)jobs[i]);
#pragma omp critical(wc_sched_span)
			note_failure(t, jobs[i], &e);
		}
	}
}

/* A batch's outcomes with their head, in buf, ready to send; its size. */
static size_t pack_result(unsigned char *buf, const struct tally *t, size_t n, size_t nout)
{
	struct result_head h;
	memset(&h, 0, sizeof h);
	if (t->failed >= 0) {
		h.code = t->first.code;
		h.job = (uint64_t)t->failed;
		memcpy(h.msg, t->first.msg, sizeof h.msg);
	}
	memcpy(buf, &h, sizeof h);
	return sizeof h + n * nout * sizeof(double);
}

/* A worker: receives batches, runs them, sends back their outcomes. The
 * next batch is always already posted and results go out without waiting
 * (two result buffers, each reused once its send is done), so neither the
 * writer's reply nor its receipt keeps a worker from running jobs. */
static int run_worker(const wc_sched_opts *o, size_t nout, wc_sched_job_fn job, void *ctx,
		      wc_error *err)
{
	size_t cap = batch_cap(o), hb = sizeof(struct result_head);
	uint64_t *cur = xmallocarray(cap, sizeof *cur), *nxt = xmallocarray(cap, sizeof *nxt);
	unsigned char *msg[2] = {xmalloc(hb + cap * nout * sizeof(double)),
				 xmalloc(hb + cap * nout * sizeof(double))};
	MPI_Request sent[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
	MPI_Status st;
	int b = 0, count = 0,
	    rc = MPI_Recv(cur, (int)cap, MPI_UINT64_T, 0, TAG_BATCH, MPI_COMM_WORLD, &st);
	if (rc == MPI_SUCCESS)
		MPI_Get_count(&st, MPI_UINT64_T, &count);
	while (rc == MPI_SUCCESS && count > 0) {
		MPI_Request req;
		MPI_Irecv(nxt, (int)cap, MPI_UINT64_T, 0, TAG_BATCH, MPI_COMM_WORLD, &req);
		MPI_Wait(&sent[b], MPI_STATUS_IGNORE); /* msg[b] is free again */
		struct tally t;
		tally_init(&t);
		run_span(o, cur, (size_t)count, nout, job, ctx, (double *)(void *)(msg[b] + hb),
			 &t);
		size_t len = pack_result(msg[b], &t, (size_t)count, nout);
		rc = MPI_Isend(msg[b], (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &sent[b]);
		if (rc == MPI_SUCCESS)
			rc = MPI_Wait(&req, &st);
		if (rc == MPI_SUCCESS)
			MPI_Get_count(&st, MPI_UINT64_T, &count);
		uint64_t *sw = cur;
		cur = nxt;
		nxt = sw;
		b ^= 1;
	}
	if (rc == MPI_SUCCESS)
		rc = MPI_Waitall(2, sent, MPI_STATUSES_IGNORE);
	free(cur);
	free(nxt);
	free(msg[0]);
	free(msg[1]);
	if (rc != MPI_SUCCESS)
		return wc_error_set(err, WC_EXIT_RUNTIME,
				    "MPI rank %d lost the writer (MPI error %d)", o->comm->rank,
				    rc);
	return 0;
}

/* This thread's CPU time: the writer's cost, not the time a loaded machine
 * kept it waiting. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The writer's state: the pending jobs, what each worker holds. */
struct master {
	const wc_sched_opts *o;
	const uint64_t *jobs;
	uint64_t np, next, outstanding;
	size_t nout;
	double *out;
	struct tally t;
	struct queue {
		uint64_t start[QUEUED];
		size_t n[QUEUED];
		int head, count;
		bool stopped;
	} * w; /* by rank */
	unsigned char *rbuf;
	size_t rbuf_len;
	wc_sched_stats stats;
};

/* Guided: a quarter of the remaining jobs' fair share, at most batch. */
static size_t next_batch_size(const struct master *m)
{
	uint64_t left = m->np - m->next, share = left / (4 * (uint64_t)m->o->comm->size);
	size_t cap = batch_cap(m->o);
	if (share < 1)
		share = 1;
	return share < cap ? (size_t)share : cap;
}

static void send_next(struct master *m, int r)
{
	struct queue *q = &m->w[r];
	if (m->t.stop || m->next >= m->np) {
		if (!q->stopped)
			MPI_Send(NULL, 0, MPI_UINT64_T, r, TAG_BATCH, MPI_COMM_WORLD);
		q->stopped = true;
		return;
	}
	size_t n = next_batch_size(m);
	MPI_Send(m->jobs + m->next, (int)n, MPI_UINT64_T, r, TAG_BATCH, MPI_COMM_WORLD);
	int slot = (q->head + q->count) % QUEUED;
	q->start[slot] = m->next;
	q->n[slot] = n;
	q->count++;
	m->next += n;
	m->outstanding++;
	m->stats.batches++;
}

/* Stores a finished group (outcomes in the group's order) and delivers it. */
static void store(struct master *m, const uint64_t *jobs, size_t n, const double *outs)
{
	for (size_t i = 0; i < n; i++)
		memcpy(m->out + jobs[i] * m->nout, outs + i * m->nout, m->nout * sizeof(double));
	deliver(m->o, &m->t, jobs, n, outs, m->np, false);
}

/* Receives the result the probe found, and gives its worker the next batch. */
static void receive(struct master *m, const MPI_Status *probed)
{
	double t0 = cpu_seconds();
	int r = probed->MPI_SOURCE, bytes = 0;
	MPI_Get_count(probed, MPI_BYTE, &bytes);
	if ((size_t)bytes > m->rbuf_len) {
		m->rbuf = xrealloc(m->rbuf, (size_t)bytes);
		m->rbuf_len = (size_t)bytes;
	}
	MPI_Recv(m->rbuf, bytes, MPI_BYTE, r, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	struct queue *q = &m->w[r];
	uint64_t start = q->start[q->head];
	size_t n = q->n[q->head];
	q->head = (q->head + 1) % QUEUED;
	q->count--;
	m->outstanding--;
	struct result_head h;
	memcpy(&h, m->rbuf, sizeof h);
	if (h.code != 0) {
		wc_error e = {.code = h.code};
		memcpy(e.msg, h.msg, sizeof e.msg);
		e.msg[sizeof e.msg - 1] = '\0';
		note_failure(&m->t, h.job, &e);
	} else {
		store(m, m->jobs + start, n, (const double *)(void *)(m->rbuf + sizeof h));
	}
	send_next(m, r);
	m->stats.writer_busy_s += cpu_seconds() - t0;
}

/* The writer's own share: one job per thread between looks at the mail, so a
 * worker's result waits at most about one job. */
static void run_own(struct master *m, wc_sched_job_fn job, void *ctx, double *buf)
{
	size_t n = (size_t)threads_of(m->o);
	if (n > m->np - m->next)
		n = (size_t)(m->np - m->next);
	const uint64_t *jobs = m->jobs + m->next;
	m->next += n;
	m->stats.writer_jobs += n;
	struct tally t;
	tally_init(&t);
	run_span(m->o, jobs, n, m->nout, job, ctx, buf, &t);
	if (t.failed >= 0)
		note_failure(&m->t, (uint64_t)t.failed, &t.first);
	else
		store(m, jobs, n, buf);
}

static int run_master(const wc_sched_opts *o, const uint64_t *jobs, uint64_t np, size_t nout,
		      wc_sched_job_fn job, void *ctx, double *out, wc_error *err)
{
	struct master m = {.o = o, .jobs = jobs, .np = np, .nout = nout, .out = out};
	tally_init(&m.t);
	m.w = xcalloc((size_t)o->comm->size, sizeof *m.w);
	double *buf = xmallocarray((size_t)threads_of(o) * (nout ? nout : 1), sizeof *buf);
	for (int k = 0; k < QUEUED; k++)
		for (int r = 1; r < o->comm->size; r++)
			send_next(&m, r);
	while (m.outstanding > 0 || (!m.t.stop && m.next < m.np)) {
		MPI_Status st;
		int flag = 0;
		MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
		if (flag)
			receive(&m, &st);
		else if (!m.t.stop && m.next < m.np && !o->dispatch_only)
			run_own(&m, job, ctx, buf);
		else if (MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st) == MPI_SUCCESS)
			receive(&m, &st);
	}
	/* Every worker hears "no more" exactly once, even one never given work. */
	for (int r = 1; r < o->comm->size; r++)
		send_next(&m, r);
	free(buf);
	free(m.w);
	free(m.rbuf);
	if (o->stats != NULL)
		*o->stats = m.stats;
	return tally_result(&m.t, err);
}
#endif

int wc_sched_run(const wc_sched_opts *o, uint64_t njobs, size_t nout, wc_sched_job_fn job,
		 void *ctx, double *out, wc_error *err)
{
#ifdef WC_HAVE_MPI
	if (o->comm != NULL && o->comm->mpi && o->comm->size > 1 && o->comm->rank != 0)
		return run_worker(o, nout, job, ctx, err);
#endif
	uint64_t np = wc_sched_pending(o, njobs);
	uint64_t *jobs = xmallocarray(np ? np : 1, sizeof *jobs);
	for (uint64_t j = 0, k = 0; j < njobs; j++)
		if (in_share(o, j))
			jobs[k++] = j;
	int rc;
#ifdef WC_HAVE_MPI
	if (o->comm != NULL && o->comm->mpi && o->comm->size > 1)
		rc = run_master(o, jobs, np, nout, job, ctx, out, err);
	else
#endif
		rc = run_local(o, jobs, np, nout, job, ctx, out, err);
	free(jobs);
	return rc;
}

/* The launchers' environment: Open MPI's mpirun, PMIx and PMI (srun). */
static int launched_size(void)
{
	const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && *v != '\0')
			return atoi(v) > 0 ? atoi(v) : 1;
	}
	return getenv("PMIX_RANK") != NULL ? 1 : 0;
}

int wc_sched_init(wc_sched_comm *e, wc_error *err)
{
	e->rank = 0;
	e->size = 1;
	e->mpi = false;
	int launched = launched_size();
	if (launched == 0)
		return 0;
#ifdef WC_HAVE_MPI
	if (wc_mpicalls_load(err) != 0)
		return -1;
	int provided = 0;
	/* Funneled: only the thread that called this makes MPI calls; the
	 * OpenMP threads only run jobs. */
	if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return wc_error_set(err, WC_EXIT_RUNTIME, "MPI_Init_thread failed");
	e->mpi = true;
	MPI_Comm_rank(MPI_COMM_WORLD, &e->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &e->size);
	return 0;
#else
	if (launched > 1)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"started by an MPI launcher with %d ranks, but this wormcast "
			"was built without MPI (every rank would run everything); "
			"rebuild with mpicc installed (make deps; make), or use --shard",
			launched);
	return 0;
#endif
}

void wc_sched_finish(wc_sched_comm *e)
{
#ifdef WC_HAVE_MPI
	if (e->mpi)
		MPI_Finalize();
#endif
	e->mpi = false;
}

bool wc_sched_is_writer(const wc_sched_comm *e)
{
	return e == NULL || e->rank == 0;
}

int wc_sched_bcast(const wc_sched_comm *e, void *buf, size_t len, wc_error *err)
{
#ifdef WC_HAVE_MPI
	if (e == NULL || !e->mpi || e->size < 2)
		return 0;
	/* In pieces: MPI counts are ints. */
	for (size_t at = 0; at < len; at += (size_t)1 << 30) {
		size_t n = len - at < ((size_t)1 << 30) ? len - at : (size_t)1 << 30;
		if (MPI_Bcast((char *)buf + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
			return wc_error_set(err, WC_EXIT_RUNTIME, "MPI_Bcast of %zu bytes failed",
					    len);
	}
	return 0;
#else
	(void)e;
	(void)buf;
	(void)len;
	(void)err;
	return 0;
#endif
}

int wc_sched_agree(const wc_sched_comm *e, int code)
{
#ifdef WC_HAVE_MPI
	if (e != NULL && e->mpi && e->size > 1)
		MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
#else
	(void)e;
#endif
	return code;
}
