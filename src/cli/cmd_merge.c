/*
 * wormcast merge: the shards of one sweep (`sweep --shard I/N`), joined into
 * the files one unsharded run writes.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/sweep_ensemble.h"
#include "core/outdir.h"
#include "core/xalloc.h"
#include "ensemble/journal.h"
#include "report/sweep_report.h"

static const char merge_usage[] =
	"usage: wormcast merge DIR... [--out DIR] [--quiet]\n"
	"\n"
	"Joins the folders of one sweep's shards (`wormcast sweep ... --shard I/N --out DIR`,\n"
	"each holding DIR/sweep.journal) into OUT/sweep.csv, OUT/runs.csv and\n"
	"OUT/summary.json: sweep.csv and runs.csv are byte for byte what the sweep run\n"
	"whole writes. Every shard must be complete and all must belong to one sweep.\n"
	"See docs/sweep.md.\n"
	"\n"
	"options:\n"
	"  --out DIR     output directory (default wormcast-out/sweep-SCENARIO)\n"
	"  --quiet       print nothing on success\n"
	"  -h, --help    this help\n";

/* What the journals hold together. */
struct merged {
	wc_sweep sw;
	char *rest; /* the identity less its shard line */
	uint64_t nshards, njobs;
	uint8_t *done;
	double *out;
	const char **dir_of; /* by shard index: the folder given for it, or NULL */
};

/* Adds one folder's journal to m (the first one sets the sweep). */
static int merge_one(struct merged *m, const char *dir, bool first, wc_error *err)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, SWEEP_JOURNAL);
	wc_journal_data d;
	if (wc_journal_read(path, &d, err) != 0)
		return -1;
	wc_sweep sw;
	uint64_t shard, nshards;
	char *rest;
	if (sweep_identity_parse(path, d.identity, &sw, &shard, &nshards, &rest, err) != 0) {
		wc_journal_data_free(&d);
		return -1;
	}
	if (wc_sweep_combinations(&sw) * sw.runs != d.njobs || nshards > WC_SWEEP_MAX_RUNS) {
		free(rest);
		wc_sweep_free(&sw);
		wc_journal_data_free(&d);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: holds %" PRIu64 " runs, its identity says otherwise", path,
				    d.njobs);
	}
	if (first) {
		m->sw = sw;
		m->rest = rest;
		m->nshards = nshards;
		m->njobs = d.njobs;
		m->done = xcalloc_huge(d.njobs ? d.njobs : 1, 1);
		m->out = xmallocarray(d.njobs * WC_NOUTCOMES + 1, sizeof *m->out);
		memcpy(m->out, d.out, d.njobs * WC_NOUTCOMES * sizeof *m->out);
		m->dir_of = xcalloc((size_t)nshards, sizeof *m->dir_of);
	} else {
		bool same = strcmp(rest, m->rest) == 0 && nshards == m->nshards;
		free(rest);
		wc_sweep_free(&sw);
		if (!same) {
			wc_journal_data_free(&d);
			return wc_error_set(
				err, WC_EXIT_USAGE,
				"%s: a shard of a different sweep than the first folder's "
				"(scenario, --vary, runs, seed, engine or shard count differ)",
				path);
		}
	}
	m->dir_of[shard] = dir;
	for (uint64_t j = 0; j < d.njobs && err->code == 0; j++) {
		if (!d.done[j])
			continue;
		double *dst = m->out + j * WC_NOUTCOMES, *src = d.out + j * WC_NOUTCOMES;
		if (m->done[j] && memcmp(dst, src, WC_NOUTCOMES * sizeof *dst) != 0)
			wc_error_set(err, WC_EXIT_USAGE,
				     "%s: run %" PRIu64
				     " differs from the same run in another folder",
				     path, j);
		memcpy(dst, src, WC_NOUTCOMES * sizeof *dst);
		m->done[j] = 1;
	}
	wc_journal_data_free(&d);
	return err->code ? -1 : 0;
}

/* Every run present, or an error naming the first incomplete shard. */
static int merge_complete(const struct merged *m, wc_error *err)
{
	for (uint64_t j = 0; j < m->njobs; j++) {
		if (m->done[j])
			continue;
		uint64_t s = j % m->nshards, missing = 0;
		for (uint64_t k = s; k < m->njobs; k += m->nshards)
			missing += !m->done[k];
		if (m->dir_of[s] == NULL)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "no folder given for shard %" PRIu64 "/%" PRIu64
					    " (%" PRIu64 " runs missing)",
					    s, m->nshards, missing);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: shard %" PRIu64 "/%" PRIu64 " is incomplete (%" PRIu64
				    " runs missing); run it again with --resume",
				    m->dir_of[s], s, m->nshards, missing);
	}
	return 0;
}

static const char *const merge_outputs[] = {"sweep.csv", "runs.csv", "summary.json", NULL};

static int merge_write(const struct merged *m, const char *out_dir, const wc_provenance *prov,
		       wc_error *err)
{
	wc_outdir od;
	if (wc_outdir_begin(&od, out_dir, merge_outputs, NULL, err) != 0)
		return -1;
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_report_write_sweep_csv(wc_outdir_file(&od, "sweep.csv", path, sizeof path), &m->sw,
				      m->out, err) != 0 ||
	    wc_report_write_sweep_runs_csv(wc_outdir_file(&od, "runs.csv", path, sizeof path),
					   &m->sw, m->out, err) != 0 ||
	    wc_report_write_sweep_json(wc_outdir_file(&od, "summary.json", path, sizeof path),
				       &m->sw, m->out, prov, err) != 0)
		return wc_outdir_fail(&od, err);
	return wc_outdir_commit(&od, err);
}

static int merge_command(int argc, char **argv, const wc_provenance *prov)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out_dir = NULL;
	int c, quiet = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		if (c == 'h')
			return fputs(merge_usage, stdout), WC_EXIT_OK;
		if (c == 'o')
			out_dir = optarg;
		else if (c == 'q')
			quiet = 1;
		else
			return cli_fail(WC_EXIT_USAGE,
					"merge: %s option '%s' (see `wormcast merge --help`)",
					c == ':' ? "a value is missing for" : "unknown",
					argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_fail(WC_EXIT_USAGE, "merge: expected the shards' folders (see "
					       "`wormcast merge --help`)");
	struct merged m = {0};
	wc_error err = {0};
	for (int i = optind; i < argc && err.code == 0; i++)
		merge_one(&m, argv[i], i == optind, &err);
	if (err.code == 0)
		merge_complete(&m, &err);
	char default_out[256];
	if (err.code == 0 && out_dir == NULL) {
		snprintf(default_out, sizeof default_out, "wormcast-out/sweep-%s", m.sw.base.name);
		out_dir = default_out;
	}
	if (err.code == 0)
		merge_write(&m, out_dir, prov, &err);
	if (err.code == 0 && !quiet)
		printf("merged %d folder%s: %" PRIu64 " runs into %s/sweep.csv, %s/runs.csv, "
		       "%s/summary.json\n",
		       argc - optind, argc - optind == 1 ? "" : "s", m.njobs, out_dir, out_dir,
		       out_dir);
	if (m.rest != NULL)
		wc_sweep_free(&m.sw);
	free(m.rest);
	free(m.done);
	free(m.out);
	free(m.dir_of);
	return err.code ? cli_fail(err.code, "%s", err.msg) : WC_EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, merge_command);
}
