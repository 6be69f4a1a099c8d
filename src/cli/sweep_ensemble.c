/*
 * A sweep through the ensemble scheduler, with its journal
 * (sweep_ensemble.h).
 */
#include "cli/sweep_ensemble.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/progress.h"
#include "core/provenance.h"
#include "core/xalloc.h"
#include "report/sweep_report.h"

/* FNV-1a 64 of the base's resolved text: the scenario as run, whatever file
 * or --set it came from. */
static uint64_t base_hash(const wc_sweep *sw)
{
	wc_scenario sc = sw->base;
	wc_error e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (fp == NULL)
		return 0;
	if (wc_scenario_finish(&sc, &e) == 0)
		wc_scenario_write_resolved(fp, &sc);
	fclose(fp);
	uint64_t h = wc_fnv1a64(text, len);
	free(text);
	return h;
}

char *sweep_identity(const wc_sweep *sw, const char *const *varies, int nvaries,
		     const wc_run_options *opt, uint64_t shard, uint64_t nshards, wc_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (fp == NULL) {
		wc_error_set(err, WC_EXIT_RUNTIME, "out of memory");
		return NULL;
	}
	fprintf(fp, "sweep\nscenario %s\nscenario_fnv %016" PRIx64 "\n", sw->base.name,
		base_hash(sw));
	int bad = strchr(sw->base.name, '\n') != NULL;
	for (int i = 0; i < nvaries; i++) {
		fprintf(fp, "vary %s\n", varies[i]);
		bad |= strchr(varies[i], '\n') != NULL;
	}
	fprintf(fp, "runs %" PRIu64 "\nseed %" PRIu64 "\nengine %s\n", sw->runs, sw->seed,
		wc_engine_name(opt->engine));
	if (wc_run_until_given(opt))
		fprintf(fp, "until %" PRId64 "\n", (int64_t)opt->until);
	else
		fputs("until -\n", fp);
	fputs("outcomes", fp);
	for (int o = 0; o < WC_NOUTCOMES; o++)
		fprintf(fp, "%c%s", o ? ',' : ' ', wc_outcome_get(o)->name);
	fprintf(fp, "\nshard %" PRIu64 "/%" PRIu64 "\n", shard, nshards);
	fclose(fp);
	if (bad) {
		free(text);
		wc_error_set(err, WC_EXIT_USAGE, "--vary: a value holds a newline");
		return NULL;
	}
	return text;
}

/* One identity line "field value": the field, its value in *v. */
static int identity_line(const char *path, char *line, wc_sweep *sw, uint64_t *shard,
			 uint64_t *nshards, wc_error *err)
{
	char *v = strchr(line, ' ');
	if (v == NULL)
		return strcmp(line, "sweep") == 0
			       ? 0
			       : wc_error_set(err, WC_EXIT_USAGE,
					      "%s: identity line '%s' not understood", path, line);
	*v++ = '\0';
	if (strcmp(line, "scenario") == 0)
		snprintf(sw->base.name, sizeof sw->base.name, "%s", v);
	else if (strcmp(line, "vary") == 0)
		return wc_sweep_add_vary(sw, v, err);
	else if (strcmp(line, "runs") == 0)
		return sscanf(v, "%" SCNu64, &sw->runs) == 1
			       ? 0
			       : wc_error_set(err, WC_EXIT_USAGE, "%s: runs '%s'", path, v);
	else if (strcmp(line, "seed") == 0)
		return sscanf(v, "%" SCNu64, &sw->seed) == 1
			       ? 0
			       : wc_error_set(err, WC_EXIT_USAGE, "%s: seed '%s'", path, v);
	else if (strcmp(line, "shard") == 0)
		return sscanf(v, "%" SCNu64 "/%" SCNu64, shard, nshards) == 2
			       ? 0
			       : wc_error_set(err, WC_EXIT_USAGE, "%s: shard '%s'", path, v);
	return 0;
}

int sweep_identity_parse(const char *path, const char *identity, wc_sweep *sw, uint64_t *shard,
			 uint64_t *nshards, char **rest, wc_error *err)
{
	wc_scenario base;
	wc_scenario_init(&base);
	wc_sweep_init(sw, &base);
	*shard = 0;
	*nshards = 1;
	char *copy = xstrdup(identity);
	*rest = xcalloc(strlen(identity) + 1, 1);
	if (strncmp(identity, "sweep\n", 6) != 0)
		wc_error_set(err, WC_EXIT_USAGE, "%s: not the journal of a sweep", path);
	for (char *line = copy, *nl; err->code == 0 && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (strncmp(line, "shard ", 6) != 0) {
			strcat(*rest, line);
			strcat(*rest, "\n");
		}
		identity_line(path, line, sw, shard, nshards, err);
	}
	free(copy);
	if (err->code == 0 && (*nshards < 1 || *shard >= *nshards))
		wc_error_set(err, WC_EXIT_USAGE, "%s: shard %" PRIu64 "/%" PRIu64 " out of range",
			     path, *shard, *nshards);
	if (err->code != 0) {
		free(*rest);
		*rest = NULL;
		wc_sweep_free(sw);
		return -1;
	}
	return 0;
}

/* The first line where two identities differ, for the refusal. */
static void first_difference(const char *a, const char *b, char *buf, size_t len)
{
	while (*a && *a == *b) {
		const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
		if (na == NULL || nb == NULL || na - a != nb - b || strncmp(a, b, (size_t)(na - a)))
			break;
		a = na + 1;
		b = nb + 1;
	}
	int la = (int)strcspn(a, "\n"), lb = (int)strcspn(b, "\n");
	snprintf(buf, len, "'%.*s' there, '%.*s' here", la, a, lb, b);
}

static int journal_resume(sweep_exec *x, const char *path, uint64_t njobs, wc_error *err)
{
	wc_journal_data d;
	if (wc_journal_read(path, &d, err) != 0)
		return -1;
	if (strcmp(d.identity, x->identity) != 0 || d.njobs != njobs || d.nout != WC_NOUTCOMES) {
		char diff[512];
		first_difference(d.identity, x->identity, diff, sizeof diff);
		wc_journal_data_free(&d);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--resume: %s belongs to a different sweep (%s); run without "
				    "--resume to start afresh, or give another --out",
				    path, diff);
	}
	for (uint64_t j = 0; j < njobs; j++)
		if (d.done[j]) {
			memcpy(x->out + j * WC_NOUTCOMES, d.out + j * WC_NOUTCOMES,
			       WC_NOUTCOMES * sizeof(double));
			x->done[j] = 1;
		}
	x->already = d.ndone;
	int rc = wc_journal_open_append(&x->journal, path, &d, err);
	wc_journal_data_free(&d);
	return rc;
}

int sweep_journal_open(sweep_exec *x, wc_outdir *od, const char *dir, wc_error *err)
{
	uint64_t njobs = wc_sweep_combinations(x->sw) * x->sw->runs;
	x->journal.fd = -1;
	if (wc_outdir_make_dir(od, err) != 0)
		return -1;
	char path[WC_OUTDIR_PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
	if (x->resume && access(path, F_OK) == 0)
		return journal_resume(x, path, njobs, err);
	return wc_journal_create(&x->journal, path, njobs, WC_NOUTCOMES, x->identity, err);
}

static int sweep_job(void *ctx, uint64_t i, double *out, wc_error *err)
{
	const sweep_exec *x = ctx;
	return wc_sweep_run_one(x->sw, x->opt, i, wc_outcomes_measure, NULL, out, err);
}

struct sweep_progress {
	wc_progress bar;
	uint64_t already;
};

static void sweep_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct sweep_progress *p = ctx;
	wc_progress_count(&p->bar, done, total, p->already, "runs");
}

int sweep_execute(sweep_exec *x, wc_error *err)
{
	uint64_t njobs = wc_sweep_combinations(x->sw) * x->sw->runs;
	bool writer = wc_sched_is_writer(x->comm);
	wc_sched_opts o;
	wc_sched_opts_init(&o);
	o.comm = x->comm;
	o.threads = x->threads;
	o.shard = x->shard;
	o.nshards = x->nshards;
	o.skip = x->done;
	struct sweep_progress p = {.already = x->already};
	if (writer) {
		o.on_batch = wc_journal_append;
		o.batch_ctx = &x->journal;
		o.progress = sweep_progress;
		o.progress_ctx = &p;
		x->ran = wc_sched_pending(&o, njobs);
		char label[48];
		snprintf(label, sizeof label, "sweep %.40s", x->sw->base.name);
		wc_progress_start(&p.bar, label, x->quiet);
	}
	/* Killed now (SIGINT, SIGTERM; mpirun ending the job after a lost rank),
	 * the sweep says what is left and how to go on. */
	int note = -1;
	if (writer) {
		char line[WC_OUTDIR_PATH_MAX + 200];
		snprintf(line, sizeof line,
			 "\nwormcast: sweep interrupted: %s keeps every run recorded so far; the "
			 "same command with --resume runs only the rest\n",
			 x->journal.path ? x->journal.path : SWEEP_JOURNAL);
		note = wc_cleanup_register(line, WC_CLEANUP_NOTE);
	}
	int rc = wc_sched_run(&o, njobs, WC_NOUTCOMES, sweep_job, x, x->out, err);
	wc_cleanup_forget(note);
	if (writer) {
		wc_progress_finish(&p.bar);
		if (wc_journal_close(&x->journal, err) != 0)
			rc = -1;
	}
	return rc;
}

int sweep_journal_stage(wc_outdir *od, const char *dir, wc_error *err)
{
	char from[WC_OUTDIR_PATH_MAX], to[WC_OUTDIR_PATH_MAX];
	snprintf(from, sizeof from, "%s/%s", dir, SWEEP_JOURNAL);
	if (wc_outdir_file(od, SWEEP_JOURNAL, to, sizeof to) == NULL || link(from, to) != 0)
		return wc_error_set(err, WC_EXIT_RUNTIME, "cannot keep %s: %s", from,
				    strerror(errno));
	return 0;
}

void sweep_exec_free(sweep_exec *x)
{
	free(x->out);
	free(x->done);
	x->out = NULL;
	x->done = NULL;
}
