#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calib/calib.h"
#include "cli/cli.h"
#include "core/num.h"
#include "core/outdir.h"
#include "core/progress.h"
#include "core/xalloc.h"
#include "ensemble/sched.h"
#include "model/abc.h"
#include "report/calib_report.h"

static const char calibrate_usage[] =
	"usage: wormcast calibrate SCENARIO|FILE.ini --observed FILE.csv --prior KEY=DIST ...\n"
	"                          [options]\n"
	"\n"
	"Calibrates the simulator itself to observed counts by ABC-SMC and forecasts from\n"
	"the posterior; writes DIR/posterior.csv, DIR/calibrate.json and DIR/forecast.csv\n"
	"(the forecast hubs' quantile format; docs/calibrate.md).\n"
	"\n"
	"options:\n"
	"  --observed FILE     CSV of a 'time' column (UTC) and count columns; an empty\n"
	"                      cell is a gap (required)\n"
	"  --column NAME=COL   compare CSV column NAME with timeline column COL (default:\n"
	"                      a CSV column named after a timeline column); per-interval\n"
	"                      columns (new_infections, probes...) are summed over each\n"
	"                      observation's interval\n"
	"  --until TIME        use only the observations at TIME or earlier\n"
	"  --prior KEY=DIST    a scenario key to calibrate (one --prior each); DIST is\n"
	"                      uniform(a,b), loguniform(a,b), normal(m,s) or int-uniform(a,b)\n"
	"  --sims N            simulations at most, in all (default 4000)\n"
	"  --rounds R          ABC-SMC rounds (default 5)\n"
	"  --particles P       population size (default 200; at least 10 a key, 20 in all)\n"
	"  --seed S            seed of the calibration (default 1)\n"
	"  --threads T         simulations in parallel (default: every CPU; a process's\n"
	"                      under mpirun); the output is the same bytes for any T\n"
	"                      and any number of MPI ranks\n"
	"  --engine E          auto, fast or probe (default auto)\n"
	"  --set SEC.KEY=VALUE override a scenario key first (repeatable)\n"
	"  --forecast-until T  run the posterior on to time T (default outbreak.end)\n"
	"  --out DIR           output directory (default calibrate-out)\n"
	"  --plot FILE         also draw FILE (.png, .svg or .pdf)\n"
	"  --format json       print calibrate.json on standard output instead of the table\n"
	"  --quiet             no progress and no table\n"
	"  -h, --help          this help\n"
	"\n"
	"example:\n"
	"  wormcast calibrate codered-v2 --observed seen.csv --until 2001-07-19T15:00Z \\\n"
	"      --prior 'worm.threads=loguniform(30,300)' \\\n"
	"      --prior 'population.vulnerable=loguniform(1e5,1e6)' --plot calib.png\n";

static const char *const calibrate_outputs[] = {"posterior.csv", "calibrate.json", "forecast.csv",
						NULL};

struct cal_args {
	const char *observed, *out_dir, *plot;
	const char **priors, **columns, **sets;
	size_t npriors, ncolumns, nsets;
	uint64_t sims, particles, seed;
	int rounds, threads;
	enum wc_engine engine;
	bool has_until, has_obs_until, quiet, json;
	wc_time until, obs_until;
};

static const struct option cal_longopts[] = {
	{"observed", required_argument, NULL, 'O'},
	{"column", required_argument, NULL, 'c'},
	{"prior", required_argument, NULL, 'P'},
	{"sims", required_argument, NULL, 'n'},
	{"rounds", required_argument, NULL, 'r'},
	{"particles", required_argument, NULL, 'p'},
	{"seed", required_argument, NULL, 's'},
	{"threads", required_argument, NULL, 't'},
	{"engine", required_argument, NULL, 'e'},
	{"set", required_argument, NULL, 'S'},
	{"forecast-until", required_argument, NULL, 'U'},
	{"until", required_argument, NULL, 'u'},
	{"out", required_argument, NULL, 'o'},
	{"plot", required_argument, NULL, 'g'},
	{"format", required_argument, NULL, 'J'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_count(const char *opt, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (wc_num_u64(arg, lo, hi, out) != WC_NUM_OK)
		return cli_fail(WC_EXIT_USAGE,
				"%s: expected a whole number from %" PRIu64 " to %" PRIu64
				", got '%s'",
				opt, lo, hi, arg);
	return WC_EXIT_OK;
}

static int cal_option(int c, const char *arg, struct cal_args *a)
{
	uint64_t v;
	switch (c) {
	case 'O':
		a->observed = arg;
		return WC_EXIT_OK;
	case 'c':
		a->columns[a->ncolumns++] = arg;
		return WC_EXIT_OK;
	case 'P':
		a->priors[a->npriors++] = arg;
		return WC_EXIT_OK;
	case 'S':
		a->sets[a->nsets++] = arg;
		return WC_EXIT_OK;
	case 'n':
		return parse_count("--sims", arg, 1, 100000000, &a->sims);
	case 'p':
		return parse_count("--particles", arg, 1, 1000000, &a->particles);
	case 's':
		return parse_count("--seed", arg, 0, UINT64_MAX, &a->seed);
	case 'r':
		if (parse_count("--rounds", arg, 1, WC_ABC_MAX_ROUNDS, &v) != WC_EXIT_OK)
			return WC_EXIT_USAGE;
		a->rounds = (int)v;
		return WC_EXIT_OK;
	case 't':
		return cli_parse_threads(arg, 1024, &a->threads);
	case 'e':
		return cli_parse_engine(arg, &a->engine);
	case 'U':
		a->has_until = true;
		return cli_parse_window_time("--forecast-until", arg, &a->until);
	case 'u':
		a->has_obs_until = true;
		return cli_parse_window_time("--until", arg, &a->obs_until);
	case 'o':
		a->out_dir = arg;
		return WC_EXIT_OK;
	case 'g':
		return cli_parse_plot(arg, &a->plot);
	case 'q':
		a->quiet = true;
		return WC_EXIT_OK;
	case 'J':
		return cli_parse_format(arg, &a->json);
	default:
		return WC_EXIT_USAGE;
	}
}

/* -1 after --help, else an exit status (WC_EXIT_OK to go on). */
static int parse_cal_args(int argc, char **argv, struct cal_args *a)
{
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", cal_longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(calibrate_usage, stdout);
			return -1;
		}
		if (c == ':')
			return cli_fail(WC_EXIT_USAGE, "calibrate: option '%s' needs a value",
					argv[optind - 1]);
		if (c == '?')
			return cli_fail(WC_EXIT_USAGE,
					"calibrate: unknown option '%s' (see `wormcast calibrate "
					"--help`)",
					argv[optind - 1]);
		if ((rc = cal_option(c, optarg, a)) != WC_EXIT_OK)
			return rc;
	}
	if (optind != argc - 1)
		return cli_fail(
			WC_EXIT_USAGE,
			"calibrate: expected one SCENARIO (see `wormcast calibrate --help`)");
	if (a->observed == NULL)
		return cli_fail(WC_EXIT_USAGE, "calibrate: --observed FILE.csv is required");
	if (a->npriors == 0)
		return cli_fail(WC_EXIT_USAGE,
				"calibrate: give at least one --prior KEY=DIST (e.g. "
				"--prior worm.threads=loguniform(30,300))");
	return WC_EXIT_OK;
}

/* The scenario, the observations and the priors, each checked. */
static int cal_setup(const char *scenario, struct cal_args *a, wc_scenario *sc,
		     wc_observations *obs, wc_calib *cal, wc_error *err)
{
	wc_scenario_init(sc);
	if (cli_load_scenario(sc, scenario, err) != 0)
		return -1;
	for (size_t i = 0; i < a->nsets; i++)
		if (wc_scenario_set(sc, a->sets[i], err) != 0)
			return -1;
	if (wc_scenario_finish(sc, err) != 0)
		return -1;
	if (wc_observations_read(obs, a->observed, a->columns, a->ncolumns, err) != 0)
		return -1;
	if (a->has_obs_until && wc_observations_until(obs, a->obs_until, err) != 0)
		return -1;
	if (wc_observations_check(obs, sc, err) != 0)
		return -1;
	if (!a->has_until)
		a->until = sc->end;
	char t0[32], t1[32];
	if (a->until < obs->last || a->until > sc->end)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--forecast-until: must lie from the last observation (%s) to "
				    "outbreak.end (%s)",
				    wc_time_format(obs->last, t0), wc_time_format(sc->end, t1));
	/* The forecast keeps every particle's values on the observations'
	 * cadence: refuse a grid that would not fit in memory (2 GB) now, not
	 * after the calibration. */
	int64_t step = obs->width ? obs->width : sc->interval;
	double cells = ((double)(a->until - obs->first) / (double)step + 1) * (double)obs->ncols;
	if (cells * ((double)a->particles + 23) * 8 > 2e9)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"--forecast-until: %.0f forecast values a particle (every %" PRId64
			" s, the observations' cadence) would not fit in memory; "
			"forecast less far or observe at a coarser cadence",
			cells, step);
	wc_calib_init(cal, sc, obs, a->engine, a->threads);
	for (size_t i = 0; i < a->npriors; i++)
		if (wc_calib_add_prior(cal, a->priors[i], err) != 0)
			return -1;
	return 0;
}

static void cal_progress(void *ctx, int done, int rounds)
{
	wc_progress_update(ctx, (double)done / (double)rounds);
}

static int write_outputs(const struct cal_args *a, const wc_calib_report *rep, wc_error *err)
{
	wc_outdir od;
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_outdir_begin(&od, a->out_dir, calibrate_outputs, a->plot, err) != 0)
		return -1;
	if (wc_report_write_posterior_csv(wc_outdir_file(&od, "posterior.csv", path, sizeof path),
					  rep, err) == 0 &&
	    wc_report_write_calibrate_json(wc_outdir_file(&od, "calibrate.json", path, sizeof path),
					   rep, err) == 0 &&
	    wc_report_write_calib_forecast_csv(
		    wc_outdir_file(&od, "forecast.csv", path, sizeof path), rep, err) == 0 &&
	    a->plot != NULL)
		wc_report_plot_calib(wc_outdir_plot_path(&od), rep, err);
	if (err->code != 0)
		return wc_outdir_fail(&od, err);
	return wc_outdir_commit(&od, err);
}

/* Calibrates, forecasts, writes; an exit status. */
static int cal_run(struct cal_args *a, wc_calib *cal, const wc_provenance *prov, wc_error *err)
{
	wc_abc_config cfg = {.d = cal->d,
			     .priors = cal->priors,
			     .sims = a->sims,
			     .rounds = a->rounds,
			     .particles = (size_t)a->particles,
			     .alpha = 0.5,
			     .seed = a->seed,
			     .batch = wc_calib_batch,
			     .batch_ctx = cal};
	if (wc_abc_check(&cfg, err) != 0)
		return cli_fail(err->code, "%s", err->msg);
	wc_progress bar;
	wc_progress_start(&bar, "calibrate", a->quiet || a->json);
	cfg.progress = cal_progress;
	cfg.progress_ctx = &bar;
	wc_abc_result res;
	int rc = wc_abc_run(&cfg, &res, err);
	wc_progress_finish(&bar);
	if (rc != 0)
		return cli_fail(err->code, "%s", err->msg);
	wc_calib_predictive pred;
	if (wc_calib_predict(cal, &res, a->until, &pred, err) != 0) {
		wc_abc_result_free(&res);
		return cli_fail(err->code, "%s", err->msg);
	}
	wc_calib_report rep = {cal, &cfg, &res, &pred, a->until, prov};
	rc = WC_EXIT_OK;
	if (!wc_sched_is_writer(cal->comm)) {
		/* The same numbers as rank 0's, which alone writes them. */
		wc_calib_predictive_free(&pred);
		wc_abc_result_free(&res);
		return WC_EXIT_OK;
	}
	if (write_outputs(a, &rep, err) != 0)
		rc = cli_fail(err->code, "%s", err->msg);
	else if (res.rounds < a->rounds)
		fprintf(stderr,
			"wormcast: warning: the budget of %" PRIu64 " simulations ran out after %d "
			"of %d rounds (give more --sims)\n",
			a->sims, res.rounds, a->rounds);
	if (rc == WC_EXIT_OK && a->json)
		rc = cli_print_output(a->out_dir, "calibrate.json");
	else if (rc == WC_EXIT_OK && !a->quiet) {
		wc_report_print_calib(stdout, &rep);
		printf("\nwrote %s/posterior.csv, %s/calibrate.json, %s/forecast.csv%s%s\n",
		       a->out_dir, a->out_dir, a->out_dir, a->plot ? ", " : "",
		       a->plot ? a->plot : "");
	}
	wc_calib_predictive_free(&pred);
	wc_abc_result_free(&res);
	return rc;
}

/* Joins the MPI job (if any), sets up on every rank, calibrates; an exit
 * status. Every rank reads the same files and so takes the same steps; only
 * rank 0 speaks and writes. */
static int cal_main(const char *scenario, struct cal_args *a, wc_scenario *sc, wc_observations *obs,
		    wc_calib *cal, const wc_provenance *prov)
{
	wc_sched_comm comm;
	wc_error err = {0};
	if (wc_sched_init(&comm, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	int rc = WC_EXIT_OK;
	/* One rank speaks: the others would repeat every line. */
	if (!wc_sched_is_writer(&comm)) {
		a->quiet = true;
		a->json = false;
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			rc = WC_EXIT_RUNTIME;
	}
	if (rc == WC_EXIT_OK && comm.size > 1 && strcmp(scenario, "-") == 0)
		rc = cli_fail(WC_EXIT_USAGE, "calibrate: under MPI the scenario cannot come from "
					     "standard input (only rank 0 reads it); give a file");
	if (rc == WC_EXIT_OK && cal_setup(scenario, a, sc, obs, cal, &err) != 0)
		rc = cli_fail(err.code, "%s", err.msg);
	/* Workers stop with rank 0 instead of waiting for its batches. */
	int agreed = wc_sched_agree(&comm, rc);
	if (agreed == WC_EXIT_OK && rc != WC_EXIT_OK) {
		/* Only this worker failed (its files differ from rank 0's): leave
		 * without MPI_Finalize, so that mpirun ends the whole job rather
		 * than rank 0 waiting for this rank. */
		return rc;
	}
	if (agreed == WC_EXIT_OK) {
		cal->comm = &comm;
		rc = cal_run(a, cal, prov, &err);
		cal->comm = NULL;
	} else {
		rc = agreed;
	}
	wc_sched_finish(&comm);
	return rc;
}

static int calibrate_command(int argc, char **argv, const wc_provenance *prov)
{
	struct cal_args a = {.out_dir = "calibrate-out",
			     .sims = 4000,
			     .particles = 200,
			     .seed = 1,
			     .rounds = 5,
			     .engine = WC_ENGINE_AUTO};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	a.threads = ncpu > 0 ? (int)ncpu : 1;
	a.priors = xcalloc((size_t)argc, sizeof *a.priors);
	a.columns = xcalloc((size_t)argc, sizeof *a.columns);
	a.sets = xcalloc((size_t)argc, sizeof *a.sets);
	int rc = parse_cal_args(argc, argv, &a);
	wc_scenario *sc = xmalloc(sizeof *sc);
	wc_calib *cal = xmalloc(sizeof *cal);
	wc_observations obs = {0};
	if (rc == WC_EXIT_OK)
		rc = cal_main(argv[optind], &a, sc, &obs, cal, prov);
	wc_observations_free(&obs);
	free(cal);
	free(sc);
	free(a.priors);
	free(a.columns);
	free(a.sets);
	return rc < 0 ? WC_EXIT_OK : rc;
}

int cmd_calibrate(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, calibrate_command);
}
