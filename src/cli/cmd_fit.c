#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/outdir.h"
#include "model/dataset.h"
#include "model/fit.h"
#include "model/forecast.h"
#include "model/series.h"
#include "report/fit_report.h"

static const char fit_usage[] =
	"usage: wormcast fit SERIES.csv|TABLE|- [options]\n"
	"\n"
	"Fits epidemic models to an observed series of counts and forecasts the rest of\n"
	"the outbreak; writes DIR/fit.json and DIR/forecast.csv (docs/fit.md).\n"
	"'-' reads the series from standard input. Besides CSV series it reads CAIDA's\n"
	"Code-Red table of infected addresses and DShield's daily summaries (sniffed).\n"
	"\n"
	"options:\n"
	"  --model M        rcs (logistic), two-factor, sir or aawp; default: fit each\n"
	"                   model with enough points and keep the lowest AICc\n"
	"  --column NAME    the count column (default cumulative_infected,\n"
	"                   cumulative_sources, cumulative, else the first count column)\n"
	"  --kind NAME      rows of this kind only, where the file has a 'kind' column\n"
	"  --counts C       auto, cumulative or interval (default auto: detected, and said)\n"
	"  --input-format F auto, csv, caida or dshield (default auto: sniffed)\n"
	"  --bin SECONDS    CAIDA's table: the interval its addresses are counted in\n"
	"                   (default 600)\n"
	"  --forecast HOURS how far past the last point to forecast (default 24)\n"
	"  --force-forecast forecast even from a fit whose parameters are not\n"
	"                   identified (an exact solve, an interval that is missing or\n"
	"                   spans more than a factor of 100)\n"
	"  --out DIR        output directory (default fit-out)\n"
	"  --plot FILE      also draw FILE (.png, .svg or .pdf)\n"
	"  --from TIME      fit only the points at TIME or later (UTC, e.g. 2001-07-19T12:00Z)\n"
	"  --until TIME     fit only the points before TIME\n"
	"  --format json    print fit.json on standard output instead of the table\n"
	"  --quiet          no summary table\n"
	"  -h, --help       this help\n"
	"\n"
	"example:\n"
	"  wormcast fit wormcast-out/codered-v2-seed1/timeline.csv --plot fit.png\n"
	"  wormcast fit detect-out/timeline.csv --column codered_new_sources --model rcs\n";

/* What fit writes into its folder (core/outdir.h replaces only such a folder). */
static const char *const fit_outputs[] = {"fit.json", "forecast.csv", NULL};

/* Writes the files and the plot as one unit: all in place, or none. */
static int write_outputs(const char *dir, const char *plot, const wc_fit_report *rep, wc_error *err)
{
	wc_outdir od;
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_outdir_begin(&od, dir, fit_outputs, plot, err) != 0)
		return -1;
	if (wc_report_write_fit_json(wc_outdir_file(&od, "fit.json", path, sizeof path), rep,
				     err) == 0 &&
	    wc_report_write_forecast_csv(wc_outdir_file(&od, "forecast.csv", path, sizeof path),
					 rep, err) == 0 &&
	    plot != NULL)
		wc_report_plot_fit(wc_outdir_plot_path(&od), rep, err);
	if (err->code != 0)
		return wc_outdir_fail(&od, err);
	return wc_outdir_commit(&od, err);
}

/* What the command line asked for. */
struct fit_args {
	wc_series_options so;
	wc_series_format format; /* --input-format */
	int bin;		 /* --bin, seconds */
	const char *out_dir, *plot;
	double horizon;
	int model;
	bool has_from, has_until; /* --from, --until: fit only the points in [from, until) */
	wc_time from, until;
	bool quiet, force, json; /* json: fit.json on standard output, no table */
};

static const struct option fit_longopts[] = {
	{"model", required_argument, NULL, 'm'},
	{"column", required_argument, NULL, 'c'},
	{"kind", required_argument, NULL, 'k'},
	{"counts", required_argument, NULL, 'C'},
	{"forecast", required_argument, NULL, 'f'},
	{"force-forecast", no_argument, NULL, 'F'},
	{"out", required_argument, NULL, 'o'},
	{"plot", required_argument, NULL, 'p'},
	{"quiet", no_argument, NULL, 'q'},
	{"format", required_argument, NULL, 'J'},
	{"from", required_argument, NULL, 'T'},
	{"until", required_argument, NULL, 'U'},
	{"input-format", required_argument, NULL, 'I'},
	{"bin", required_argument, NULL, 'B'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int parse_counts(const char *arg, wc_series_options *so)
{
	if (strcmp(arg, "auto") == 0)
		so->counts = WC_COUNTS_AUTO;
	else if (strcmp(arg, "cumulative") == 0)
		so->counts = WC_COUNTS_CUMULATIVE;
	else if (strcmp(arg, "interval") == 0)
		so->counts = WC_COUNTS_INTERVAL;
	else
		return cli_fail(WC_EXIT_USAGE,
				"--counts: expected auto, cumulative or interval, got '%s'", arg);
	return WC_EXIT_OK;
}

/* One option; WC_EXIT_OK, or the exit status after saying what is wrong. */
static int fit_option(int c, const char *arg, struct fit_args *a)
{
	wc_model_kind k;
	switch (c) {
	case 'm':
		if (wc_model_parse(arg, &k) != 0)
			return cli_fail(WC_EXIT_USAGE,
					"--model: expected rcs, two-factor, sir or aawp, got '%s'",
					arg);
		a->model = (int)k;
		return WC_EXIT_OK;
	case 'c':
		a->so.column = arg;
		return WC_EXIT_OK;
	case 'k':
		a->so.kind = arg;
		return WC_EXIT_OK;
	case 'C':
		return parse_counts(arg, &a->so);
	case 'I':
		if (wc_series_format_parse(arg, &a->format) != 0)
			return cli_fail(
				WC_EXIT_USAGE,
				"--input-format: expected auto, csv, caida or dshield, got '%s'",
				arg);
		return WC_EXIT_OK;
	case 'B': {
		int64_t v;
		if (wc_num_i64(arg, 1, 30 * 86400, &v) != WC_NUM_OK)
			return cli_fail(WC_EXIT_USAGE,
					"--bin: expected 1 to 2592000 seconds, got '%s'", arg);
		a->bin = (int)v;
		return WC_EXIT_OK;
	}
	case 'f':
		if (wc_num_double(arg, 0, WC_FORECAST_MAX_HOURS / 2, &a->horizon) != WC_NUM_OK)
			return cli_fail(WC_EXIT_USAGE,
					"--forecast: expected 0 to %g hours, got '%s'",
					WC_FORECAST_MAX_HOURS / 2, arg);
		return WC_EXIT_OK;
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
	case 'T':
		a->has_from = true;
		return cli_parse_window_time("--from", arg, &a->from);
	case 'U':
		a->has_until = true;
		return cli_parse_window_time("--until", arg, &a->until);
	case 'J':
		return cli_parse_format(arg, &a->json);
	default:
		return WC_EXIT_USAGE;
	}
}

/* Fills a from argv; -1 after --help, else an exit status (WC_EXIT_OK to go on). */
static int parse_fit_args(int argc, char **argv, struct fit_args *a)
{
	memset(a, 0, sizeof *a);
	a->so.counts = WC_COUNTS_AUTO;
	a->out_dir = "fit-out";
	a->format = WC_SERIES_AUTO;
	a->bin = WC_DATASET_BIN_DEFAULT;
	a->horizon = 24;
	a->model = -1;
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", fit_longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(fit_usage, stdout);
			return -1;
		}
		if (c == ':')
			return cli_fail(WC_EXIT_USAGE, "fit: option '%s' needs a value",
					argv[optind - 1]);
		if (c == '?')
			return cli_fail(WC_EXIT_USAGE,
					"fit: unknown option '%s' (see `wormcast fit --help`)",
					argv[optind - 1]);
		if ((rc = fit_option(c, optarg, a)) != WC_EXIT_OK)
			return rc;
	}
	if (optind != argc - 1)
		return cli_fail(WC_EXIT_USAGE,
				"fit: expected one SERIES.csv (see `wormcast fit --help`)");
	if (a->has_from && a->has_until && a->until <= a->from)
		return cli_fail(WC_EXIT_USAGE, "fit: --until must be later than --from");
	return WC_EXIT_OK;
}

/*
 * --from/--until: keeps the points whose instant lies in [from, until) and
 * moves the origin with the first one kept, so that the series reads as if
 * the file had held only those rows (the interval width, the data's cadence,
 * stays). A series whose times are hours, not instants, has no window.
 */
static int window_series(wc_series *s, const struct fit_args *a, wc_error *err)
{
	if (!a->has_from && !a->has_until)
		return 0;
	if (!s->iso)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s: --from/--until need UTC times, and column '%s' holds hours", s->path,
			s->time_column);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		wc_time t = wc_series_instant(s, s->t[i]);
		if ((a->has_from && t < a->from) || (a->has_until && t >= a->until))
			continue;
		s->t[k] = s->t[i];
		s->y[k++] = s->y[i];
	}
	if (k < WC_SERIES_MIN_POINTS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: %zu of %zu points lie in the --from/--until window; a fit "
				    "needs at least %d",
				    s->path, k, s->n, WC_SERIES_MIN_POINTS);
	/* The first point kept takes the place the first point had: t = 0 for
	 * cumulative counts, t = width for per-interval ones (series.h). */
	double shift = s->t[0] - (s->counts == WC_COUNTS_INTERVAL ? s->width : 0);
	for (size_t i = 0; i < k; i++)
		s->t[i] -= shift;
	s->epoch0 += (wc_time)llround(shift * 3600.0);
	s->n = k;
	return 0;
}

/* The series from path, "-" being standard input, in the format given or
 * sniffed; info says what was taken from it. */
static int read_series(wc_series *s, const char *path, const struct fit_args *a,
		       wc_dataset_info *info, wc_error *err)
{
	if (strcmp(path, "-") == 0)
		return wc_dataset_read(s, stdin, "stdin", a->format, &a->so, a->bin, info, err);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path,
				    strerror(errno));
	int rc = wc_dataset_read(s, fp, path, a->format, &a->so, a->bin, info, err);
	fclose(fp);
	return rc;
}

/* What a published data set gave: its rows, their span, the field read. */
static void print_input(const wc_series *s, const wc_dataset_info *info)
{
	char t0[24], t1[24];
	wc_time_format(info->first, t0);
	wc_time_format(info->last, t1);
	if (info->format == WC_SERIES_CAIDA)
		printf("%s: CAIDA Code-Red table: %zu addresses, start_time %s to %s, counted per "
		       "%d s: %zu points\n",
		       s->path, info->rows, t0, t1, info->bin, s->n);
	else if (info->format == WC_SERIES_DSHIELD)
		printf("%s: DShield daily summary: %zu days, %.10s to %.10s, column '%s'\n",
		       s->path, info->rows, t0, t1, info->column);
}

/* Fits the model asked for, or each one, and forecasts from the best unless
 * its parameters are not identified (fit.h) and the user did not insist.
 * Returns the best model, or -1 with err set. */
static int fit_and_forecast(const wc_series *s, const struct fit_args *a, wc_fit *fits, bool *ok,
			    wc_forecast *fc, wc_error *err)
{
	int best;
	if (a->model >= 0) {
		ok[a->model] = wc_fit_model(s, (wc_model_kind)a->model, &fits[a->model], err) == 0;
		best = ok[a->model] ? a->model : -1;
	} else {
		best = wc_fit_all(s, fits, ok, err);
	}
	if (best < 0)
		return -1;
	int rc = fits[best].identified || a->force
			 ? wc_forecast_compute(s, &fits[best], a->horizon, fc, err)
			 : wc_forecast_withheld(s, &fits[best], fits[best].why_not, fc, err);
	return rc == 0 ? best : -1;
}

/* cmd_fit less the command line, which is taken before getopt_long permutes
 * argv. */
static int fit_command(int argc, char **argv, const wc_provenance *prov)
{
	struct fit_args a;
	int rc = parse_fit_args(argc, argv, &a);
	if (rc != WC_EXIT_OK)
		return rc < 0 ? WC_EXIT_OK : rc;
	wc_error err = {0};
	wc_series s;
	wc_dataset_info info;
	if (read_series(&s, argv[optind], &a, &info, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	if (window_series(&s, &a, &err) != 0) {
		wc_series_free(&s);
		return cli_fail(err.code, "%s", err.msg);
	}
	wc_fit fits[WC_MODEL_COUNT];
	memset(fits, 0, sizeof fits);
	bool ok[WC_MODEL_COUNT] = {false};
	wc_forecast fc;
	int best = fit_and_forecast(&s, &a, fits, ok, &fc, &err);
	if (best < 0) {
		wc_series_free(&s);
		return cli_fail(err.code ? err.code : WC_EXIT_USAGE, "%s", err.msg);
	}
	wc_fit_report rep = {&s, fits, ok, best, a.model >= 0 ? "given" : "aicc", &fc, prov, &info};
	/* The folder is made only now that there is a fit to put in it. */
	if (write_outputs(a.out_dir, a.plot, &rep, &err) != 0) {
		wc_forecast_free(&fc);
		wc_series_free(&s);
		return cli_fail(err.code, "%s", err.msg);
	}
	char warn[8][WC_REPORT_WARNING_LEN];
	int nw = wc_report_fit_warnings(&rep, warn, 8);
	for (int i = 0; i < nw; i++)
		fprintf(stderr, "wormcast: warning: %s\n", warn[i]);
	if (a.json)
		rc = cli_print_output(a.out_dir, "fit.json");
	else if (!a.quiet) {
		print_input(&s, &info);
		wc_report_print_fit(stdout, &rep);
		printf("\nwrote %s/fit.json, %s/forecast.csv%s%s\n", a.out_dir, a.out_dir,
		       a.plot ? ", " : "", a.plot ? a.plot : "");
	}
	wc_forecast_free(&fc);
	wc_series_free(&s);
	return rc;
}

int cmd_fit(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, fit_command);
}
