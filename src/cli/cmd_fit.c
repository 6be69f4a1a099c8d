#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/outdir.h"
#include "model/fit.h"
#include "model/forecast.h"
#include "model/series.h"
#include "report/fit_report.h"

static const char fit_usage[] =
	"usage: wormcast fit SERIES.csv [options]\n"
	"\n"
	"Fits epidemic models to an observed series of counts and forecasts the rest of\n"
	"the outbreak; writes DIR/fit.json and DIR/forecast.csv (docs/fit.md).\n"
	"\n"
	"options:\n"
	"  --model M        rcs (logistic), two-factor, sir or aawp; default: fit each\n"
	"                   model with enough points and keep the lowest AICc\n"
	"  --column NAME    the count column (default cumulative_infected,\n"
	"                   cumulative_sources, cumulative, else the first count column)\n"
	"  --kind NAME      rows of this kind only, where the file has a 'kind' column\n"
	"  --counts C       auto, cumulative or interval (default auto: detected, and said)\n"
	"  --forecast HOURS how far past the last point to forecast (default 24)\n"
	"  --force-forecast forecast even from a fit whose parameters are not\n"
	"                   identified (an exact solve, an interval that is missing or\n"
	"                   spans more than a factor of 100)\n"
	"  --out DIR        output directory (default fit-out)\n"
	"  --plot FILE      also draw FILE (.png, .svg or .pdf)\n"
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

/* cmd_fit less the command line, which is taken before getopt_long permutes
 * argv. */
static int fit_command(int argc, char **argv, const wc_provenance *prov)
{
	static const struct option longopts[] = {
		{"model", required_argument, NULL, 'm'},
		{"column", required_argument, NULL, 'c'},
		{"kind", required_argument, NULL, 'k'},
		{"counts", required_argument, NULL, 'C'},
		{"forecast", required_argument, NULL, 'f'},
		{"force-forecast", no_argument, NULL, 'F'},
		{"out", required_argument, NULL, 'o'},
		{"plot", required_argument, NULL, 'p'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	wc_series_options so = {NULL, NULL, WC_COUNTS_AUTO};
	const char *out_dir = "fit-out", *plot = NULL;
	double horizon = 24;
	int model = -1, quiet = 0, force = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': {
			wc_model_kind k;
			if (wc_model_parse(optarg, &k) != 0)
				return cli_fail(
					WC_EXIT_USAGE,
					"--model: expected rcs, two-factor, sir or aawp, got "
					"'%s'",
					optarg);
			model = (int)k;
			break;
		}
		case 'c':
			so.column = optarg;
			break;
		case 'k':
			so.kind = optarg;
			break;
		case 'C':
			if (strcmp(optarg, "auto") == 0)
				so.counts = WC_COUNTS_AUTO;
			else if (strcmp(optarg, "cumulative") == 0)
				so.counts = WC_COUNTS_CUMULATIVE;
			else if (strcmp(optarg, "interval") == 0)
				so.counts = WC_COUNTS_INTERVAL;
			else
				return cli_fail(
					WC_EXIT_USAGE,
					"--counts: expected auto, cumulative or interval, got "
					"'%s'",
					optarg);
			break;
		case 'f':
			if (wc_num_double(optarg, 0, WC_FORECAST_MAX_HOURS / 2, &horizon) !=
			    WC_NUM_OK)
				return cli_fail(WC_EXIT_USAGE,
						"--forecast: expected 0 to %g hours, got '%s'",
						WC_FORECAST_MAX_HOURS / 2, optarg);
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'p':
			plot = optarg;
			if (!cli_plot_format_ok(plot))
				return cli_fail(
					WC_EXIT_USAGE,
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
			fputs(fit_usage, stdout);
			return WC_EXIT_OK;
		case ':':
			return cli_fail(WC_EXIT_USAGE, "fit: option '%s' needs a value",
					argv[optind - 1]);
		default:
			return cli_fail(WC_EXIT_USAGE,
					"fit: unknown option '%s' (see `wormcast fit --help`)",
					argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_fail(WC_EXIT_USAGE,
				"fit: expected one SERIES.csv (see `wormcast fit --help`)");

	wc_error err = {0};
	wc_series s;
	if (wc_series_read(&s, argv[optind], &so, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);

	wc_fit fits[WC_MODEL_COUNT];
	memset(fits, 0, sizeof fits);
	bool ok[WC_MODEL_COUNT] = {false};
	int best;
	const char *chosen_by = "given";
	if (model >= 0) {
		ok[model] = wc_fit_model(&s, (wc_model_kind)model, &fits[model], &err) == 0;
		best = ok[model] ? model : -1;
	} else {
		best = wc_fit_all(&s, fits, ok, &err);
		chosen_by = "aicc";
	}
	/* A fit whose parameters the data do not pin down forecasts nothing
	 * unless the user insists (fit.h: identification). */
	wc_forecast fc;
	if (best < 0 ||
	    (fits[best].identified || force
		     ? wc_forecast_compute(&s, &fits[best], horizon, &fc, &err)
		     : wc_forecast_withheld(&s, &fits[best], fits[best].why_not, &fc, &err)) != 0) {
		wc_series_free(&s);
		return cli_fail(err.code ? err.code : WC_EXIT_USAGE, "%s", err.msg);
	}
	wc_fit_report rep = {&s, fits, ok, best, chosen_by, &fc, prov};

	/* The folder is made only now that there is a fit to put in it. */
	if (write_outputs(out_dir, plot, &rep, &err) != 0) {
		wc_forecast_free(&fc);
		wc_series_free(&s);
		return cli_fail(err.code, "%s", err.msg);
	}
	char warn[8][WC_REPORT_WARNING_LEN];
	int nw = wc_report_fit_warnings(&rep, warn, 8);
	for (int i = 0; i < nw; i++)
		fprintf(stderr, "wormcast: warning: %s\n", warn[i]);
	if (!quiet) {
		wc_report_print_fit(stdout, &rep);
		printf("\nwrote %s/fit.json, %s/forecast.csv%s%s\n", out_dir, out_dir,
		       plot ? ", " : "", plot ? plot : "");
	}
	wc_forecast_free(&fc);
	wc_series_free(&s);
	return WC_EXIT_OK;
}

int cmd_fit(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, fit_command);
}
