#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/outdir.h"
#include "core/progress.h"
#include "core/xalloc.h"
#include "report/report.h"
#include "report/sweep_report.h"
#include "sim/sim.h"
#include "sim/sweep.h"
#include "cli/sweep_ensemble.h"
#include "ensemble/sched.h"

static const char sweep_usage[] =
	"usage: wormcast sweep SCENARIO|FILE.ini|- --vary SEC.KEY=VALUES [options]\n"
	"\n"
	"Runs every combination of the varied keys' values with R seeds each and writes\n"
	"DIR/sweep.csv (each outcome's mean, its 95% interval and the runs' 5-95%\n"
	"spread per combination), DIR/runs.csv (every run's outcomes) and\n"
	"DIR/summary.json (sweep.csv's figures as JSON). See\n"
	"docs/sweep.md.\n"
	"\n"
	"options:\n"
	"  --vary SEC.KEY=V1,V2,...  values as the scenario file takes them (\\, inside one)\n"
	"  --vary SEC.KEY=A:B:N      N evenly spaced numbers from A to B inclusive\n"
	"                           repeatable: every combination is run\n"
	"  --runs R             seeds per combination (default 10)\n"
	"  --seed S             first seed (default 1): runs use seeds S..S+R-1\n"
	"  --threads N          runs in parallel, one thread each (default: all cores);\n"
	"                       does not change results\n"
	"  --engine E           auto, probe or fast (default auto: fast where exact)\n"
	"  --set SEC.KEY=VALUE  fixed override, as for run; repeatable\n"
	"  --until TIME         stop every run at this UTC time\n"
	"  --out DIR            output directory (default wormcast-out/sweep-SCENARIO)\n"
	"  --plot FILE          draw an outcome against the first varied key (.png/.svg/.pdf)\n"
	"  --outcome NAME       outcome to plot and print (default cumulative_infected):\n"
	"                       cumulative_infected infected peak_active peak_active_hours\n"
	"                       peak_new_per_minute hours_to_50pct hours_to_90pct probes\n"
	"                       telescope_sources target_bytes blocked_probes\n"
	"                       infected_share\n"
	"  --shard I/N          run only share I (0..N-1) of the runs (a job array) into\n"
	"                       --out's journal; `wormcast merge` joins the N folders\n"
	"  --resume             keep the runs DIR/sweep.journal holds, run only the rest\n"
	"  --format json        print summary.json on standard output instead of the table\n"
	"  --quiet              no progress bar and no table\n"
	"  -h, --help           this help\n"
	"\n"
	"example:\n"
	"  wormcast sweep codered-v2 --vary class.managed.patch_rate=0:0.2:5 \\\n"
	"      --vary outbreak.seed_hosts=1,10,100 --runs 20 --plot sweep.png\n"
	"  mpirun -n 8 wormcast sweep ...   the same files, runs spread over 8 MPI ranks\n";

/* The chosen outcome per combination, as a table for the terminal. */
static void print_table(const wc_sweep *sw, const double *out, int outcome)
{
	enum { MAX_ROWS = 40 };
	const wc_outcome_def *def = wc_outcome_get(outcome);
	uint64_t ncomb = wc_sweep_combinations(sw);
	for (size_t k = 0; k < sw->nkeys; k++)
		printf("%-*s  ", (int)(strlen(sw->keys[k].key) > 12 ? strlen(sw->keys[k].key) : 12),
		       sw->keys[k].key);
	printf("%s: mean [95%% interval of the mean; sweep.csv has the runs' 5-95%% spread]%s\n",
	       def->name, def->can_miss ? " (runs reached)" : "");
	for (uint64_t c = 0; c < ncomb && c < MAX_ROWS; c++) {
		for (size_t k = 0; k < sw->nkeys; k++) {
			int w = (int)(strlen(sw->keys[k].key) > 12 ? strlen(sw->keys[k].key) : 12);
			printf("%-*s  ", w, sw->keys[k].values[wc_sweep_value_index(sw, c, k)]);
		}
		wc_mean_ci ci;
		wc_mean_ci95(out + (size_t)c * sw->runs * WC_NOUTCOMES + outcome, sw->runs,
			     WC_NOUTCOMES, &ci);
		char m[64], lo[64], hi[64];
		wc_sweep_format_number(ci.mean, m, sizeof m);
		wc_sweep_format_number(ci.lo, lo, sizeof lo);
		wc_sweep_format_number(ci.hi, hi, sizeof hi);
		if (ci.n == 0)
			printf("never");
		else if (ci.n == 1)
			printf("%s [no interval from 1 run]", m);
		else
			printf("%s [%s, %s]", m, lo, hi);
		if (def->can_miss)
			printf(" (%" PRIu64 "/%" PRIu64 ")", ci.n, sw->runs);
		putchar('\n');
	}
	if (ncomb > MAX_ROWS)
		printf("... %" PRIu64 " more rows in sweep.csv\n", ncomb - MAX_ROWS);
}

struct sweep_args {
	const char **sets, **varies;
	int nsets, nvaries;
	uint64_t runs, seed;
	int threads, quiet, outcome;
	int ranks; /* MPI ranks (1 without mpirun) */
	bool json, resume;
	uint64_t shard, nshards;
	/* --shard I/N; nshards 0 without */ /* --format json: summary.json on standard
						output, no table */
	const char *out_dir, *plot;
	wc_run_options opt;
};

/* An option with a value: WC_EXIT_OK, or the exit status after the message. */
static int value_option(int c, const char *arg, struct sweep_args *a)
{
	switch (c) {
	case 'v':
		a->varies[a->nvaries++] = arg;
		return WC_EXIT_OK;
	case 'r':
		if (cli_parse_u64(arg, &a->runs) != 0 || a->runs < 1 || a->runs > WC_SWEEP_MAX_RUNS)
			return cli_fail(WC_EXIT_USAGE, "--runs: expected 1 to %d, got '%s'",
					WC_SWEEP_MAX_RUNS, arg);
		return WC_EXIT_OK;
	case 's':
		return cli_parse_seed(arg, &a->seed);
	case 'e':
		return cli_parse_engine(arg, &a->opt.engine);
	case 't':
		return cli_parse_threads(arg, 1024, &a->threads);
	case 'S':
		a->sets[a->nsets++] = arg;
		return WC_EXIT_OK;
	case 'u':
		return cli_parse_until(arg, &a->opt.until, &a->opt.until_set);
	case 'o':
		a->out_dir = arg;
		return WC_EXIT_OK;
	case 'p':
		a->plot = arg;
		return WC_EXIT_OK;
	case 'D': {
		char *slash = strchr(arg, '/');
		if (slash == NULL || slash == arg || sscanf(arg, "%" SCNu64, &a->shard) != 1 ||
		    cli_parse_u64(slash + 1, &a->nshards) != 0 || a->nshards < 1 ||
		    a->nshards > WC_SWEEP_MAX_RUNS || a->shard >= a->nshards ||
		    strspn(arg, "0123456789") != (size_t)(slash - arg))
			return cli_fail(
				WC_EXIT_USAGE,
				"--shard: expected I/N with 0 <= I < N (e.g. 0/4), got '%s'", arg);
		return WC_EXIT_OK;
	}
	default: /* 'O' */
		a->outcome = wc_outcome_find(arg);
		if (a->outcome < 0)
			return cli_fail(WC_EXIT_USAGE,
					"--outcome: unknown outcome '%s' (see `wormcast sweep "
					"--help`)",
					arg);
		return WC_EXIT_OK;
	}
}

/* WC_EXIT_OK, -1 after --help, or the exit status after the message. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
	static const struct option longopts[] = {
		{"vary", required_argument, NULL, 'v'},
		{"runs", required_argument, NULL, 'r'},
		{"seed", required_argument, NULL, 's'},
		{"engine", required_argument, NULL, 'e'},
		{"threads", required_argument, NULL, 't'},
		{"set", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'u'},
		{"out", required_argument, NULL, 'o'},
		{"plot", required_argument, NULL, 'p'},
		{"outcome", required_argument, NULL, 'O'},
		{"quiet", no_argument, NULL, 'q'},
		{"shard", required_argument, NULL, 'D'},
		{"resume", no_argument, NULL, 'R'},
		{"format", required_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			a->quiet = 1;
			break;
		case 'R':
			a->resume = true;
			break;
		case 'J':
			if (cli_parse_format(optarg, &a->json) != WC_EXIT_OK)
				return WC_EXIT_USAGE;
			break;
		case 'h':
			fputs(sweep_usage, stdout);
			return -1;
		case ':':
			return cli_fail(WC_EXIT_USAGE, "sweep: option '%s' needs a value",
					argv[optind - 1]);
		case 'v':
		case 'r':
		case 's':
		case 'e':
		case 't':
		case 'S':
		case 'u':
		case 'o':
		case 'p':
		case 'O':
		case 'D':
			if ((rc = value_option(c, optarg, a)) != WC_EXIT_OK)
				return rc;
			break;
		default:
			return cli_fail(WC_EXIT_USAGE,
					"sweep: unknown option '%s' (see `wormcast sweep --help`)",
					argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_fail(WC_EXIT_USAGE, "sweep: expected one scenario name or .ini file "
					       "(see `wormcast sweep --help`)");
	return WC_EXIT_OK;
}

/* What sweep writes into its folder (core/outdir.h replaces only such a folder). */
static const char *const sweep_outputs[] = {"sweep.csv", "runs.csv", "summary.json", SWEEP_JOURNAL,
					    NULL};

/* Writes the files and the plot into the staging folder od and puts them all
 * in place together; on failure nothing is left. */
static int write_outputs(wc_outdir *od, const wc_sweep *sw, const double *out,
			 const struct sweep_args *a, const wc_provenance *prov, wc_error *err)
{
	char path[WC_OUTDIR_PATH_MAX];
	if (sweep_journal_stage(od, a->out_dir, err) != 0)
		return wc_outdir_fail(od, err);
	if (a->nshards > 0) /* a shard's folder holds its journal only */
		return wc_outdir_commit(od, err);
	if (wc_report_write_sweep_csv(wc_outdir_file(od, "sweep.csv", path, sizeof path), sw, out,
				      err) == 0 &&
	    wc_report_write_sweep_runs_csv(wc_outdir_file(od, "runs.csv", path, sizeof path), sw,
					   out, err) == 0 &&
	    wc_report_write_sweep_json(wc_outdir_file(od, "summary.json", path, sizeof path), sw,
				       out, prov, err) == 0 &&
	    a->plot != NULL)
		wc_report_plot_sweep(wc_outdir_plot_path(od), sw, out, a->outcome, err);
	if (err->code != 0)
		return wc_outdir_fail(od, err);
	return wc_outdir_commit(od, err);
}

/*
 * The sweep from the scenario, each --set and each --vary, all checked
 * before anything runs or is written: the scenario, each --set, each --vary
 * value, every combination, the size of the sweep and the plot request.
 * 0, or the exit status after the message.
 */
static int sweep_setup(const char *scenario, struct sweep_args *a, wc_sweep *sw)
{
	wc_scenario base;
	wc_error err = {0};
	wc_scenario_init(&base);
	if (cli_load_scenario(&base, scenario, &err) == 0)
		for (int i = 0; i < a->nsets && err.code == 0; i++)
			wc_scenario_set(&base, a->sets[i], &err);
	wc_sweep_init(sw, &base);
	sw->runs = a->runs;
	sw->seed = a->seed;
	for (int i = 0; i < a->nvaries && err.code == 0; i++)
		wc_sweep_add_vary(sw, a->varies[i], &err);
	/* A key given to both --set and --vary takes the varied values: they
	 * are applied after the fixed overrides (sweep.h). */
	if (err.code == 0)
		wc_sweep_validate(sw, &a->opt, &err);
	if (err.code == 0 && a->plot)
		wc_report_plot_sweep_check(a->plot, sw, &err);
	if (err.code != 0) {
		wc_sweep_free(sw);
		return cli_fail(err.code, "%s", err.msg);
	}
	return 0;
}

static void print_summary(const wc_sweep *sw, const double *out, const struct sweep_args *a,
			  double elapsed)
{
	uint64_t ncomb = wc_sweep_combinations(sw);
	print_table(sw, out, a->outcome);
	printf("\n%" PRIu64 " combination%s x %" PRIu64 " run%s = %" PRIu64 " runs in %.1f s on ",
	       ncomb, ncomb == 1 ? "" : "s", sw->runs, sw->runs == 1 ? "" : "s", ncomb * sw->runs,
	       elapsed);
	if (a->ranks > 1)
		printf("%d MPI ranks x ", a->ranks);
	printf("%d thread%s\n", a->threads, a->threads == 1 ? "" : "s");
	printf("wrote %s/sweep.csv, %s/runs.csv, %s/summary.json%s%s\n", a->out_dir, a->out_dir,
	       a->out_dir, a->plot ? ", " : "", a->plot ? a->plot : "");
}

/* The writer's folder and journal, then the runs on every rank, then the
 * writer's files. 0, or the exit status after the message. */
static int sweep_main(struct sweep_args *a, wc_sweep *sw, const wc_sched_comm *comm,
		      const wc_provenance *prov)
{
	bool writer = wc_sched_is_writer(comm);
	wc_error err = {0};
	char *identity = sweep_identity(sw, a->varies, a->nvaries, &a->opt, a->shard,
					a->nshards ? a->nshards : 1, &err);
	size_t njobs = (size_t)(wc_sweep_combinations(sw) * sw->runs);
	sweep_exec x = {.sw = sw,
			.opt = &a->opt,
			.comm = comm,
			.threads = a->threads,
			.shard = a->shard,
			.nshards = a->nshards,
			.resume = a->resume,
			.quiet = a->quiet != 0,
			.identity = identity};
	x.journal.fd = -1;
	wc_outdir od = {0};
	bool od_begun = false;
	if (writer && identity != NULL) {
		x.out = xmallocarray(njobs * WC_NOUTCOMES, sizeof *x.out);
		for (size_t i = 0; i < njobs * WC_NOUTCOMES; i++)
			x.out[i] = NAN;
		x.done = xcalloc_huge(njobs, 1);
		/* Locked and staged before the runs: a clash is reported now. */
		od_begun = wc_outdir_begin(&od, a->out_dir, sweep_outputs,
					   a->nshards ? NULL : a->plot, &err) == 0;
		if (od_begun)
			sweep_journal_open(&x, &od, a->out_dir, &err);
	}
	/* Workers learn whether the writer could start, instead of waiting. */
	int rc = wc_sched_agree(comm, err.code);
	double t0 = wc_clock_seconds();
	if (rc == 0)
		rc = sweep_execute(&x, &err) == 0 ? 0 : err.code;
	double elapsed = wc_clock_seconds() - t0;
	free(identity);
	if (!writer) {
		sweep_exec_free(&x);
		return rc;
	}
	if (rc == 0)
		write_outputs(&od, sw, x.out, a, prov, &err);
	else if (od_begun)
		wc_outdir_abort(&od);
	wc_journal_close(&x.journal, &err);
	if (err.code != 0) {
		sweep_exec_free(&x);
		return cli_fail(err.code, "%s", err.msg);
	}
	if (a->nshards > 0) {
		if (!a->quiet)
			printf("shard %" PRIu64 "/%" PRIu64 ": %" PRIu64 " runs (%" PRIu64
			       " run now) in %s/%s; join the shards with `wormcast merge`\n",
			       a->shard, a->nshards,
			       wc_sched_pending(
				       &(wc_sched_opts){.shard = a->shard, .nshards = a->nshards},
				       njobs),
			       x.ran, a->out_dir, SWEEP_JOURNAL);
	} else if (a->json) {
		rc = cli_print_output(a->out_dir, "summary.json");
	} else if (!a->quiet) {
		print_summary(sw, x.out, a, elapsed);
		if (x.already > 0)
			printf("(%" PRIu64 " runs came from %s/%s; %" PRIu64 " ran now)\n",
			       x.already, a->out_dir, SWEEP_JOURNAL, x.ran);
	}
	sweep_exec_free(&x);
	return rc;
}

/* cmd_sweep less the command line, which is taken before getopt_long
 * permutes argv. */
static int sweep_command(int argc, char **argv, const wc_provenance *prov)
{
	struct sweep_args a = {0};
	a.sets = xcalloc((size_t)argc, sizeof *a.sets);
	a.varies = xcalloc((size_t)argc, sizeof *a.varies);
	a.runs = 10;
	a.seed = 1;
	a.outcome = WC_OUT_CUMULATIVE_INFECTED;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	a.threads = ncpu > 0 ? (int)ncpu : 1;
	wc_run_options_init(&a.opt);

	int rc = parse_args(argc, argv, &a);
	if (rc != WC_EXIT_OK) {
		free(a.sets);
		free(a.varies);
		return rc < 0 ? WC_EXIT_OK : rc;
	}
	wc_sched_comm comm;
	wc_error err = {0};
	if (wc_sched_init(&comm, &err) != 0) {
		free(a.sets);
		free(a.varies);
		return cli_fail(err.code, "%s", err.msg);
	}
	a.ranks = comm.size;
	/* One rank speaks: the others would repeat every line. */
	if (!wc_sched_is_writer(&comm)) {
		a.quiet = 1;
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			rc = WC_EXIT_RUNTIME;
	}
	if (rc == 0 && comm.size > 1 && strcmp(argv[optind], "-") == 0)
		rc = cli_fail(WC_EXIT_USAGE, "sweep: under MPI the scenario cannot come from "
					     "standard input (only rank 0 reads it); give a file");
	wc_sweep sw;
	if (rc == 0 && (rc = sweep_setup(argv[optind], &a, &sw)) == 0) {
		char default_out[256];
		if (a.out_dir == NULL) {
			snprintf(default_out, sizeof default_out, "wormcast-out/sweep-%s",
				 sw.base.name);
			a.out_dir = default_out;
		}
		rc = sweep_main(&a, &sw, &comm, prov);
		wc_sweep_free(&sw);
	}
	free(a.sets);
	free(a.varies);
	wc_sched_finish(&comm);
	return rc;
}

int cmd_sweep(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, sweep_command);
}
