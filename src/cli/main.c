#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/cleanup.h"
#include "core/error.h"
#include "ensemble/sched.h"

static const char usage[] =
	"usage: wormcast COMMAND [ARGS]\n"
	"\n"
	"Simulate Internet worm outbreaks at full IPv4 scale (Code Red and others).\n"
	"\n"
	"commands:\n"
	"  run SCENARIO|FILE.ini   simulate an outbreak; writes timeline.csv, summary.json\n"
	"  sweep SCENARIO --vary SEC.KEY=VALUES [--vary ...] --runs R\n"
	"                          run every combination R times; writes sweep.csv, runs.csv\n"
	"                          (under mpirun: across the ranks; --shard I/N: one share)\n"
	"  merge DIR... --out DIR  join the folders of a sweep's shards into its files\n"
	"  scenarios               list the built-in scenarios\n"
	"  show SCENARIO           print a built-in scenario's .ini, to copy and edit\n"
	"  keys                    every scenario key with unit, default and range (Markdown)\n"
	"  detect FILE...          find Code Red, Code Red II and Nimda in web logs and captures;\n"
	"                          writes sources.csv, timeline.csv\n"
	"  fit SERIES.csv          fit epidemic models to a series; forecast; writes fit.json\n"
	"  calibrate SCENARIO --observed FILE.csv --prior KEY=DIST ...\n"
	"                          calibrate the simulator to observations (ABC-SMC) and\n"
	"                          forecast; writes posterior.csv, calibrate.json, forecast.csv\n"
	"  report DIR...           one self-contained HTML page for run, sweep, detect and\n"
	"                          fit output folders: plots, tables, scenario, provenance\n"
	"  selftest                check this build against closed forms, in seconds\n"
	"\n"
	"  wormcast COMMAND --help  for a command's options; `man wormcast` for the manual.\n"
	"  wormcast --version\n";

int main(int argc, char **argv)
{
	if (argc < 2)
		return fputs(usage, stderr), WC_EXIT_USAGE;
	/* Temporary outputs are removed on SIGINT, SIGTERM, SIGHUP (core/cleanup.h). */
	wc_cleanup_install();
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
		return fputs(usage, stdout), WC_EXIT_OK;
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
		return printf("wormcast %s (%s)\n", WORMCAST_VERSION,
			      wc_sched_mpi_built() ? "with MPI" : "without MPI"),
		       WC_EXIT_OK;
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_sweep(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "scenarios") == 0)
		return cmd_scenarios(argc - 1, argv + 1);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(cmd, "keys") == 0)
		return cmd_keys(argc - 1, argv + 1);
	if (strcmp(cmd, "detect") == 0)
		return cmd_detect(argc - 1, argv + 1);
	if (strcmp(cmd, "fit") == 0)
		return cmd_fit(argc - 1, argv + 1);
	if (strcmp(cmd, "calibrate") == 0)
		return cmd_calibrate(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "selftest") == 0)
		return cmd_selftest(argc - 1, argv + 1);
	return cli_fail(WC_EXIT_USAGE, "unknown command '%s' (try `wormcast --help`)", cmd);
}
