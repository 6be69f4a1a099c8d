#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/outdir.h"
#include "core/progress.h"
#include "report/ensemble.h"
#include "report/report.h"
#include "sim/sim.h"

static const char run_usage[] =
	"usage: wormcast run SCENARIO|FILE.ini|- [options]\n"
	"\n"
	"Simulates a worm outbreak and writes DIR/timeline.csv and DIR/summary.json.\n"
	"'-' reads the scenario (INI text) from standard input.\n"
	"\n"
	"options:\n"
	"  --seed N             random seed (default 1); same seed, same timeline.csv bytes\n"
	"  --seeds A-B          an ensemble: runs seeds A..B one after another (each as\n"
	"                       --seed N runs it) and writes DIR/quantiles.csv (time,\n"
	"                       column, quantile, value) and DIR/summary.json; at most 10000\n"
	"  --quantiles P,P,...  with --seeds: quantiles in (0, 1), increasing\n"
	"                       (default 0.05,0.5,0.95)\n"
	"  --keep-runs          with --seeds: also keep each seed's DIR/timeline-seedN.csv\n"
	"  --engine E           auto, probe or fast (default auto)\n"
	"  --threads N          worker threads (default: all cores); does not change results\n"
	"  --set SEC.KEY=VALUE  override a scenario key; repeatable (`wormcast keys` lists them)\n"
	"  --until TIME         stop at this UTC time, e.g. 2001-07-20T00:00:00Z\n"
	"  --out DIR            output directory (default wormcast-out/SCENARIO-seedN for a\n"
	"                       built-in scenario as shipped, else SCENARIO-HASH8-seedN)\n"
	"  --force              replace DIR even if it holds a run of another scenario\n"
	"  --plot FILE          also draw FILE (.png, .svg or .pdf); with --seeds, the\n"
	"                       median of cumulative infected over its 5-95% band\n"
	"  --format json        print summary.json on standard output instead of the table\n"
	"  --quiet              no progress bar and no summary table\n"
	"  -h, --help           this help\n"
	"\n"
	"example:\n"
	"  wormcast run codered-v2 --seed 7 --plot codered.png\n"
	"  wormcast run codered-v2 --set population.vulnerable=180000 --until 2001-07-20T00:00Z\n"
	"  wormcast run codered-v2 --seeds 1-20 --plot band.png\n";

/* What a run writes into its folder (core/outdir.h replaces only such a folder). */
static const char *const run_outputs[] = {"timeline.csv", "summary.json", NULL};
/* What an ensemble (--seeds) writes: its seeds' timelines are not kept, so
 * that 100 seeds leave one small file rather than a hundred. */
static const char *const ensemble_outputs[] = {"quantiles.csv", "summary.json",
					       "timeline-seed*.csv", NULL};

/* Writes the files into the staging folder, draws the plot, and puts them all
 * in place together; on any failure nothing is left and err says why. */
static int write_outputs(wc_outdir *od, const wc_scenario *sc, const wc_run_options *opt,
			 const wc_run_result *res, const wc_provenance *prov, wc_error *err)
{
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_report_write_timeline_csv(wc_outdir_file(od, "timeline.csv", path, sizeof path),
					 &res->timeline, err) == 0 &&
	    wc_report_write_summary_json(wc_outdir_file(od, "summary.json", path, sizeof path), sc,
					 opt, res, prov, err) == 0 &&
	    wc_outdir_plot_path(od) != NULL)
		wc_report_plot_run(wc_outdir_plot_path(od), sc, &res->timeline, err);
	if (err->code != 0)
		return wc_outdir_fail(od, err);
	return wc_outdir_commit(od, err);
}

/*
 * The default folder: "wormcast-out/NAME-seedN" for a built-in scenario run
 * as shipped (the README's path), "wormcast-out/NAME-HASH8-seedN" for
 * anything else (a file, any --set), HASH8 being the start of the resolved
 * scenario's hash: runs of different scenarios never share a default folder.
 */
static void default_folder(char *buf, size_t len, const wc_scenario *sc, const char *given,
			   int nsets, const char *hash, const char *seeds)
{
	bool shipped = nsets == 0 && wc_scenario_builtin_text(given) != NULL;
	snprintf(buf, len, "wormcast-out/%s%s%.*s-%s", sc->name, shipped ? "" : "-",
		 shipped ? 0 : 8, hash, seeds);
}

/* An existing folder is replaced only by a run of the same scenario (any
 * seed, engine or thread count): a run of another one, or one whose
 * scenario cannot be told (no summary.json, or an older version's), needs
 * --force. */
static int check_same_scenario(const wc_outdir *od, const char *hash, wc_error *err)
{
	if (!od->existed)
		return 0;
	char summary[WC_OUTDIR_PATH_MAX], timeline[WC_OUTDIR_PATH_MAX], old[17] = "";
	snprintf(summary, sizeof summary, "%s/summary.json", od->path);
	snprintf(timeline, sizeof timeline, "%s/timeline.csv", od->path);
	if (access(summary, F_OK) != 0 && access(timeline, F_OK) != 0)
		return 0; /* no run in it: plots at most */
	if (wc_report_summary_scenario_hash(summary, old) == 0 && strcmp(old, hash) == 0)
		return 0;
	return wc_error_set(err, WC_EXIT_USAGE,
			    "--out '%s': holds a run of another scenario (scenario_hash %s, this "
			    "run's %s); give --force to replace it, or another --out",
			    od->path, *old ? old : "unknown", hash);
}

/* What the command line asked for; sets is allocated (free it). */
struct run_args {
	wc_run_options opt;
	const char *out_dir, *plot;
	const char **sets;
	int nsets;
	bool quiet, force, json;   /* json: summary.json on standard output, no table */
	bool seed_given, ensemble; /* --seed, --seeds */
	bool keep_runs;		   /* --keep-runs */
	uint64_t first, last;	   /* --seeds A-B */
	const char *quantiles;	   /* --quantiles as given, or NULL */
	double q[WC_ENSEMBLE_MAX_QUANTILES];
	size_t nq;
};

static const struct option run_longopts[] = {
	{"seed", required_argument, NULL, 's'},
	{"engine", required_argument, NULL, 'e'},
	{"threads", required_argument, NULL, 't'},
	{"set", required_argument, NULL, 'S'},
	{"until", required_argument, NULL, 'u'},
	{"out", required_argument, NULL, 'o'},
	{"plot", required_argument, NULL, 'p'},
	{"quiet", no_argument, NULL, 'q'},
	{"force", no_argument, NULL, 'F'},
	{"format", required_argument, NULL, 'J'},
	{"seeds", required_argument, NULL, 'R'},
	{"quantiles", required_argument, NULL, 'Q'},
	{"keep-runs", no_argument, NULL, 'K'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* --seeds A-B: A <= B, at most WC_ENSEMBLE_MAX_SEEDS of them. */
static int parse_seeds(const char *arg, struct run_args *a)
{
	char first[32];
	const char *dash = strchr(arg, '-');
	size_t n = dash ? (size_t)(dash - arg) : 0;
	if (dash == NULL || n == 0 || n >= sizeof first)
		return cli_fail(WC_EXIT_USAGE,
				"--seeds: expected a range A-B such as 1-100, got '%s'", arg);
	memcpy(first, arg, n);
	first[n] = '\0';
	if (cli_parse_u64(first, &a->first) != 0 || cli_parse_u64(dash + 1, &a->last) != 0)
		return cli_fail(WC_EXIT_USAGE,
				"--seeds: expected a range A-B such as 1-100, got '%s'", arg);
	if (a->first > a->last)
		return cli_fail(WC_EXIT_USAGE, "--seeds: the range '%s' runs backwards", arg);
	if (a->last - a->first >= WC_ENSEMBLE_MAX_SEEDS)
		return cli_fail(WC_EXIT_USAGE, "--seeds: '%s' is more than %d seeds", arg,
				WC_ENSEMBLE_MAX_SEEDS);
	a->ensemble = true;
	return WC_EXIT_OK;
}

/* One option; WC_EXIT_OK, or the exit status after saying what is wrong. */
static int run_option(int c, const char *arg, struct run_args *a)
{
	switch (c) {
	case 'R':
		return parse_seeds(arg, a);
	case 'Q':
		a->quantiles = arg;
		return WC_EXIT_OK;
	case 'K':
		a->keep_runs = true;
		return WC_EXIT_OK;
	case 's':
		a->seed_given = true;
		return cli_parse_seed(arg, &a->opt.seed);
	case 'e':
		return cli_parse_engine(arg, &a->opt.engine);
	case 't':
		return cli_parse_threads(arg, 1024, &a->opt.threads);
	case 'S':
		a->sets[a->nsets++] = arg;
		return WC_EXIT_OK;
	case 'u':
		return cli_parse_until(arg, &a->opt.until, &a->opt.until_set);
	case 'o':
		a->out_dir = arg;
		return WC_EXIT_OK;
	case 'p':
		return cli_parse_plot(arg, &a->plot);
	case 'q':
		a->quiet = true;
		return WC_EXIT_OK;
	case 'F':
		a->force = true;
		return WC_EXIT_OK;
	case 'J':
		return cli_parse_format(arg, &a->json);
	default:
		return WC_EXIT_USAGE;
	}
}

/* --seeds against the rest: one seed or a range, quantiles only for a range. */
static int check_ensemble_args(struct run_args *a)
{
	if (a->ensemble && a->seed_given)
		return cli_fail(WC_EXIT_USAGE, "run: give --seed N or --seeds A-B, not both");
	if (a->quantiles != NULL && !a->ensemble)
		return cli_fail(WC_EXIT_USAGE, "--quantiles: only with --seeds A-B");
	if (a->keep_runs && !a->ensemble)
		return cli_fail(WC_EXIT_USAGE, "--keep-runs: only with --seeds A-B");
	wc_error err = {0};
	if (wc_ensemble_parse_quantiles(a->quantiles ? a->quantiles : "0.05,0.5,0.95", a->q, &a->nq,
					&err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	return WC_EXIT_OK;
}

/* Fills a from argv; -1 after --help, else an exit status (WC_EXIT_OK to go on). */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", run_longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(run_usage, stdout);
			return -1;
		}
		if (c == ':')
			return cli_fail(WC_EXIT_USAGE, "run: option '%s' needs a value",
					argv[optind - 1]);
		if (c == '?')
			return cli_fail(WC_EXIT_USAGE,
					"run: unknown option '%s' (see `wormcast run --help`)",
					argv[optind - 1]);
		if ((rc = run_option(c, optarg, a)) != WC_EXIT_OK)
			return rc;
	}
	if (optind != argc - 1)
		return cli_fail(WC_EXIT_USAGE, "run: expected one scenario name or .ini file "
					       "(see `wormcast run --help`)");
	return check_ensemble_args(a);
}

/* The scenario (a name, a file or "-") with every --set; 0, or -1 with err set.
 * Everything the user gave is checked before anything is written. */
static int load_run_scenario(wc_scenario *sc, const char *arg, const struct run_args *a,
			     wc_error *err)
{
	wc_scenario_init(sc);
	if (cli_load_scenario(sc, arg, err) == 0)
		for (int i = 0; i < a->nsets && err->code == 0; i++)
			wc_scenario_set(sc, a->sets[i], err);
	if (err->code == 0)
		wc_scenario_finish(sc, err);
	return err->code != 0 ? -1 : 0;
}

/* Simulates into the staged folder od and puts the files in place. */
static int simulate_and_write(wc_outdir *od, const wc_scenario *sc, struct run_args *a,
			      const wc_provenance *prov, wc_run_result *res, wc_error *err)
{
	char label[48];
	snprintf(label, sizeof label, "run %.40s", sc->name);
	wc_progress bar;
	wc_progress_start(&bar, label, a->quiet);
	a->opt.progress = wc_progress_update;
	a->opt.progress_ctx = &bar;
	int sim_rc = wc_simulate(sc, &a->opt, res, err);
	wc_progress_finish(&bar);
	if (sim_rc != 0) {
		wc_outdir_abort(od);
		if (err->code == 0)
			err->code = WC_EXIT_RUNTIME;
		return -1;
	}
	if (write_outputs(od, sc, &a->opt, res, prov, err) != 0) {
		wc_run_result_free(res);
		return -1;
	}
	return 0;
}

/* One seed's progress as its share of the whole ensemble's bar. */
struct seed_progress {
	wc_progress *bar;
	size_t done, n; /* seeds finished, seeds in all */
};

static void seed_progress_update(void *ctx, double done)
{
	struct seed_progress *p = ctx;
	wc_progress_update(p->bar, ((double)p->done + done) / (double)p->n);
}

/* --keep-runs: one seed's timeline, flat in DIR (core/outdir.h removes one
 * level of files, so a folder per seed could not be replaced or cleaned up). */
static int keep_run(const wc_outdir *od, uint64_t seed, const wc_timeline *tl, wc_error *err)
{
	char name[48], path[WC_OUTDIR_PATH_MAX];
	snprintf(name, sizeof name, "timeline-seed%" PRIu64 ".csv", seed);
	return wc_report_write_timeline_csv(wc_outdir_file(od, name, path, sizeof path), tl, err);
}

/* Runs the seeds one after another into e (each wc_simulate may use all the
 * threads; the seeds share nothing). The first seed's result is kept in
 * first (zeroed by the caller, who frees it either way), for summary.json.
 * 0, or -1 with err set. */

static int simulate_seeds(const wc_outdir *od, const wc_scenario *sc, struct run_args *a,
			  wc_ensemble *e, wc_run_result *first, wc_error *err)
{
	char label[48];
	/* Names are cut to fit the bar's 48 bytes, seed counts being <= 10000. */
	snprintf(label, sizeof label, "run %.16s, %u seeds", sc->name, (unsigned)e->seeds);
	wc_progress bar;
	wc_progress_start(&bar, label, a->quiet);
	struct seed_progress sp = {&bar, 0, e->seeds};
	a->opt.progress = seed_progress_update;
	a->opt.progress_ctx = &sp;
	int rc = 0;
	for (size_t i = 0; i < e->seeds && rc == 0; i++) {
		/* The bar's label says which seed is running (seeds done / total). */
		snprintf(bar.label, sizeof bar.label, "run %.16s seed %u/%u", sc->name,
			 (unsigned)(i + 1), (unsigned)e->seeds);
		sp.done = i;
		a->opt.seed = a->first + i;
		wc_run_result res;
		if (wc_simulate(sc, &a->opt, &res, err) != 0) {
			rc = -1;
			break;
		}
		rc = wc_ensemble_add(e, &res.timeline, err);
		if (rc == 0 && a->keep_runs)
			rc = keep_run(od, a->opt.seed, &res.timeline, err);
		if (i == 0)
			*first = res;
		else
			wc_run_result_free(&res);
	}
	snprintf(bar.label, sizeof bar.label, "%s", label);
	wc_progress_finish(&bar);
	a->opt.seed = a->first; /* summary.json's seed: the first seed's run */
	if (rc != 0 && err->code == 0)
		err->code = WC_EXIT_RUNTIME;
	return rc;
}

/* quantiles.csv, summary.json and the band plot, put in place together. */
static int write_ensemble(wc_outdir *od, const wc_scenario *sc, const struct run_args *a,
			  const wc_run_result *first, wc_ensemble *e, const wc_provenance *prov,
			  wc_error *err)
{
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_report_write_quantiles_csv(wc_outdir_file(od, "quantiles.csv", path, sizeof path), e,
					  a->q, a->nq, err) == 0 &&
	    wc_report_write_ensemble_summary_json(
		    wc_outdir_file(od, "summary.json", path, sizeof path), sc, &a->opt, first, prov,
		    e, a->q, a->nq, err) == 0 &&
	    wc_outdir_plot_path(od) != NULL)
		wc_report_plot_band(wc_outdir_plot_path(od), sc, e, err);
	if (err->code != 0)
		return wc_outdir_fail(od, err);
	return wc_outdir_commit(od, err);
}

/* run --seeds A-B into the staged folder od; returns the exit status. */
static int run_ensemble(wc_outdir *od, const wc_scenario *sc, struct run_args *a,
			const wc_provenance *prov)
{
	wc_error err = {0};
	wc_ensemble e;
	wc_ensemble_init(&e, a->first, (size_t)(a->last - a->first + 1));
	wc_run_result first = {0};
	int rc = simulate_seeds(od, sc, a, &e, &first, &err);
	if (rc != 0)
		wc_outdir_abort(od);
	else
		rc = write_ensemble(od, sc, a, &first, &e, prov, &err);
	wc_run_result_free(&first);
	size_t n = e.added;
	wc_ensemble_free(&e);
	if (rc != 0)
		return cli_fail(err.code, "%s", err.msg);
	if (a->json)
		return cli_print_output(a->out_dir, "summary.json");
	if (!a->quiet)
		printf("%zu seeds; wrote %s/quantiles.csv, %s/summary.json%s%s\n", n, a->out_dir,
		       a->out_dir, a->plot ? ", " : "", a->plot ? a->plot : "");
	return WC_EXIT_OK;
}

/* cmd_run less the command line, which is taken before getopt_long permutes
 * argv (options first, operands last). */
static int run_command(int argc, char **argv, const wc_provenance *prov)
{
	struct run_args a = {.sets = calloc((size_t)argc, sizeof *a.sets)};
	if (a.sets == NULL)
		return cli_fail(WC_EXIT_RUNTIME, "out of memory");
	wc_run_options_init(&a.opt);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	a.opt.threads = ncpu > 0 ? (int)ncpu : 1;
	int rc = parse_run_args(argc, argv, &a);
	wc_scenario sc;
	wc_error err = {0};
	if (rc == WC_EXIT_OK && load_run_scenario(&sc, argv[optind], &a, &err) != 0)
		rc = cli_fail(err.code, "%s", err.msg);
	free(a.sets);
	if (rc != WC_EXIT_OK)
		return rc < 0 ? WC_EXIT_OK : rc;

	char default_out[256], hash[17], seeds[64];
	free(wc_report_resolved_scenario(&sc, hash));
	if (a.out_dir == NULL) {
		if (a.ensemble)
			snprintf(seeds, sizeof seeds, "seeds%" PRIu64 "-%" PRIu64, a.first, a.last);
		else
			snprintf(seeds, sizeof seeds, "seed%" PRIu64, a.opt.seed);
		default_folder(default_out, sizeof default_out, &sc, argv[optind], a.nsets, hash,
			       seeds);
		a.out_dir = default_out;
	}
	/* The folder is locked and staged before the run, so that a clash with
	 * another writer or another scenario's run is reported now rather than
	 * after minutes of work. */
	wc_outdir od;
	if (wc_outdir_begin(&od, a.out_dir, a.ensemble ? ensemble_outputs : run_outputs, a.plot,
			    &err) != 0 ||
	    (!a.force && check_same_scenario(&od, hash, &err) != 0)) {
		wc_outdir_abort(&od);
		return cli_fail(err.code, "%s", err.msg);
	}
	if (a.ensemble)
		return run_ensemble(&od, &sc, &a, prov);
	wc_run_result res;
	if (simulate_and_write(&od, &sc, &a, prov, &res, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	if (a.json) {
		wc_run_result_free(&res);
		return cli_print_output(a.out_dir, "summary.json");
	}
	if (!a.quiet) {
		wc_report_print_summary(stdout, &sc, &res);
		printf("\nwrote %s/timeline.csv, %s/summary.json%s%s\n", a.out_dir, a.out_dir,
		       a.plot ? ", " : "", a.plot ? a.plot : "");
	}
	wc_run_result_free(&res);
	return WC_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, run_command);
}
