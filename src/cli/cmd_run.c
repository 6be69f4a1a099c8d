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
#include "report/report.h"
#include "sim/sim.h"

static const char run_usage[] =
	"usage: wormcast run SCENARIO|FILE.ini [options]\n"
	"\n"
	"Simulates a worm outbreak and writes DIR/timeline.csv and DIR/summary.json.\n"
	"\n"
	"options:\n"
	"  --seed N             random seed (default 1); same seed, same timeline.csv bytes\n"
	"  --engine E           auto, probe or fast (default auto)\n"
	"  --threads N          worker threads (default: all cores); does not change results\n"
	"  --set SEC.KEY=VALUE  override a scenario key; repeatable (`wormcast keys` lists them)\n"
	"  --until TIME         stop at this UTC time, e.g. 2001-07-20T00:00:00Z\n"
	"  --out DIR            output directory (default wormcast-out/SCENARIO-seedN for a\n"
	"                       built-in scenario as shipped, else SCENARIO-HASH8-seedN)\n"
	"  --force              replace DIR even if it holds a run of another scenario\n"
	"  --plot FILE          also draw FILE (.png, .svg or .pdf)\n"
	"  --quiet              no progress bar and no summary table\n"
	"  -h, --help           this help\n"
	"\n"
	"example:\n"
	"  wormcast run codered-v2 --seed 7 --plot codered.png\n"
	"  wormcast run codered-v2 --set population.vulnerable=180000 --until 2001-07-20T00:00Z\n";

/* What a run writes into its folder (core/outdir.h replaces only such a folder). */
static const char *const run_outputs[] = {"timeline.csv", "summary.json", NULL};

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
			   int nsets, const char *hash, uint64_t seed)
{
	bool shipped = nsets == 0 && wc_scenario_builtin_text(given) != NULL;
	snprintf(buf, len, "wormcast-out/%s%s%.*s-seed%" PRIu64, sc->name, shipped ? "" : "-",
		 shipped ? 0 : 8, hash, seed);
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

/* cmd_run less the command line, which is taken before getopt_long permutes
 * argv (options first, operands last). */
static int run_command(int argc, char **argv, wc_provenance *prov)
{
	static const struct option longopts[] = {
		{"seed", required_argument, NULL, 's'},
		{"engine", required_argument, NULL, 'e'},
		{"threads", required_argument, NULL, 't'},
		{"set", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'u'},
		{"out", required_argument, NULL, 'o'},
		{"plot", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"force", no_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	wc_run_options opt;
	wc_run_options_init(&opt);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	opt.threads = ncpu > 0 ? (int)ncpu : 1;
	const char *out_dir = NULL, *plot = NULL;
	const char **sets = calloc((size_t)argc, sizeof *sets);
	int nsets = 0, quiet = 0, force = 0, c;
	if (sets == NULL)
		return cli_fail(WC_EXIT_RUNTIME, "out of memory");
	optind = 1;
	opterr = 0;
	int rc = WC_EXIT_OK;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		uint64_t v;
		switch (c) {
		case 's':
			if (cli_parse_u64(optarg, &opt.seed) != 0)
				rc = cli_fail(WC_EXIT_USAGE,
					      "--seed: expected a non-negative "
					      "integer, got '%s'",
					      optarg);
			break;
		case 'e':
			if (wc_engine_parse(optarg, &opt.engine) != 0)
				rc = cli_fail(WC_EXIT_USAGE,
					      "--engine: expected auto, probe or fast, got '%s'",
					      optarg);
			break;
		case 't':
			if (cli_parse_u64(optarg, &v) != 0 || v < 1 || v > 1024)
				rc = cli_fail(WC_EXIT_USAGE,
					      "--threads: expected 1 to 1024, got '%s'", optarg);
			else
				opt.threads = (int)v;
			break;
		case 'S':
			sets[nsets++] = optarg;
			break;
		case 'u':
			opt.until_set = true;
			if (wc_time_parse(optarg, &opt.until) != 0)
				rc = cli_fail(WC_EXIT_USAGE,
					      "--until: expected a UTC time like "
					      "2001-07-20T00:00:00Z, got '%s'",
					      optarg);
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'p':
			plot = optarg;
			if (!cli_plot_format_ok(plot))
				rc = cli_fail(WC_EXIT_USAGE,
					      "--plot: unsupported format '%s' (use .png, .svg or "
					      ".pdf)",
					      plot);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'F':
			force = 1;
			break;
		case 'h':
			fputs(run_usage, stdout);
			free(sets);
			return WC_EXIT_OK;
		case ':':
			rc = cli_fail(WC_EXIT_USAGE, "run: option '%s' needs a value",
				      argv[optind - 1]);
			break;
		default:
			rc = cli_fail(WC_EXIT_USAGE,
				      "run: unknown option '%s' (see `wormcast run "
				      "--help`)",
				      argv[optind - 1]);
			break;
		}
		if (rc != WC_EXIT_OK) {
			free(sets);
			return rc;
		}
	}
	if (optind != argc - 1) {
		free(sets);
		return cli_fail(WC_EXIT_USAGE, "run: expected one scenario name or .ini file "
					       "(see `wormcast run --help`)");
	}

	/* Everything the user gave is checked before anything is written. */
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	if (wc_scenario_load(&sc, argv[optind], &err) == 0)
		for (int i = 0; i < nsets && err.code == 0; i++)
			wc_scenario_set(&sc, sets[i], &err);
	free(sets);
	if (err.code == 0)
		wc_scenario_finish(&sc, &err);
	if (err.code != 0)
		return cli_fail(err.code, "%s", err.msg);

	char default_out[256], hash[17];
	free(wc_report_resolved_scenario(&sc, hash));
	if (out_dir == NULL) {
		default_folder(default_out, sizeof default_out, &sc, argv[optind], nsets, hash,
			       opt.seed);
		out_dir = default_out;
	}

	/* The folder is locked and staged before the run, so that a clash with
	 * another writer or another scenario's run is reported now rather than
	 * after minutes of work. */
	wc_outdir od;
	if (wc_outdir_begin(&od, out_dir, run_outputs, plot, &err) != 0 ||
	    (!force && check_same_scenario(&od, hash, &err) != 0)) {
		wc_outdir_abort(&od);
		return cli_fail(err.code, "%s", err.msg);
	}
	char label[48];
	snprintf(label, sizeof label, "run %.40s", sc.name);
	wc_progress bar;
	wc_progress_start(&bar, label, quiet);
	opt.progress = wc_progress_update;
	opt.progress_ctx = &bar;
	wc_run_result res;
	int sim_rc = wc_simulate(&sc, &opt, &res, &err);
	wc_progress_finish(&bar);
	if (sim_rc != 0) {
		wc_outdir_abort(&od);
		return cli_fail(err.code ? err.code : WC_EXIT_RUNTIME, "%s", err.msg);
	}
	if (write_outputs(&od, &sc, &opt, &res, prov, &err) != 0) {
		wc_run_result_free(&res);
		return cli_fail(err.code, "%s", err.msg);
	}
	if (!quiet) {
		wc_report_print_summary(stdout, &sc, &res);
		printf("\nwrote %s/timeline.csv, %s/summary.json%s%s\n", out_dir, out_dir,
		       plot ? ", " : "", plot ? plot : "");
	}
	wc_run_result_free(&res);
	return WC_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	char *line = cli_command_line(argc, argv);
	wc_provenance prov = {line, time(NULL)};
	int rc = run_command(argc, argv, &prov);
	free(line);
	return rc;
}
