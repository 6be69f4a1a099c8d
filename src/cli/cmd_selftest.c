#include <stdio.h>

#include "cli/cli.h"
#include "core/error.h"
#include "selftest/selftest.h"

int cmd_selftest(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: wormcast selftest\n\nChecks this build in seconds: each engine "
		     "against "
		     "the logistic closed form,\nthe two engines against each other, the samplers, "
		     "the built-in scenarios,\ndetect on an embedded log line and a fit on a "
		     "logistic series. "
		     "One line per check;\nexit status 0 when every check passes, 1 otherwise.");
		return WC_EXIT_OK;
	}
	if (argc > 1)
		return cli_fail(WC_EXIT_USAGE, "selftest: takes no arguments");
	return wc_selftest_run(stdout) == 0 ? WC_EXIT_OK : WC_EXIT_RUNTIME;
}
