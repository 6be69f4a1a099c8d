#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/atomicfile.h"
#include "report/html_report.h"

static const char report_usage[] =
	"usage: wormcast report DIR... [--out FILE.html]\n"
	"\n"
	"Writes one self-contained HTML page for the output folders of run, sweep,\n"
	"detect and fit (several side by side): the plots (drag across one to zoom on\n"
	"the time axis, double-click to zoom out, hover for values), the tables, the\n"
	"scenario and the provenance. The page needs no network: everything is inside it.\n"
	"\n"
	"options:\n"
	"  --out FILE   the page to write (default report.html)\n"
	"  --quiet      do not say what was written\n"
	"  -h, --help   this help\n"
	"\n"
	"example:\n"
	"  wormcast run codered-v2 && wormcast report wormcast-out/codered-v2-seed1\n";

static const struct option report_longopts[] = {
	{"out", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The folders as one JSON array; NULL after saying what is wrong. */
static json_t *load_folders(int n, char **dirs)
{
	json_t *all = json_array();
	for (int i = 0; i < n; i++) {
		wc_error err = {0};
		json_t *f = wc_report_load_folder(dirs[i], &err);
		if (f == NULL) {
			cli_fail(err.code, "%s", err.msg);
			json_decref(all);
			return NULL;
		}
		json_array_append_new(all, f);
	}
	return all;
}

/* The page, written whole or not at all. */
static int write_page(const char *out, const json_t *folders, bool quiet)
{
	wc_error err = {0};
	wc_atomic_file f;
	if (wc_atomic_open(&f, out, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	if (wc_report_write_html(f.fp, folders, &err) != 0) {
		wc_atomic_abort(&f);
		return cli_fail(err.code, "%s: %s", out, err.msg);
	}
	if (wc_atomic_commit(&f, &err) != 0)
		return cli_fail(err.code, "%s", err.msg);
	struct stat st;
	if (!quiet && stat(out, &st) == 0)
		printf("wrote %s (%lld bytes, %zu folder%s)\n", out, (long long)st.st_size,
		       json_array_size(folders), json_array_size(folders) == 1 ? "" : "s");
	return WC_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *out = "report.html";
	bool quiet = false;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqo:", report_longopts, NULL)) != -1) {
		if (c == 'h')
			return fputs(report_usage, stdout), WC_EXIT_OK;
		if (c == ':')
			return cli_fail(WC_EXIT_USAGE, "report: option '%s' needs a value",
					argv[optind - 1]);
		if (c == '?')
			return cli_fail(
				WC_EXIT_USAGE,
				"report: unknown option '%s' (see `wormcast report --help`)",
				argv[optind - 1]);
		if (c == 'o')
			out = optarg;
		else
			quiet = true;
	}
	if (optind >= argc)
		return cli_fail(WC_EXIT_USAGE,
				"report: expected one or more output folders (see `wormcast "
				"report --help`)");
	if (out[0] == '\0')
		return cli_fail(WC_EXIT_USAGE, "--out: expected a file name");
	json_t *folders = load_folders(argc - optind, argv + optind);
	if (folders == NULL)
		return WC_EXIT_USAGE;
	int rc = write_page(out, folders, quiet);
	json_decref(folders);
	return rc;
}
