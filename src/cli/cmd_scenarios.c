#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/error.h"
#include "sim/scenario.h"

int cmd_scenarios(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: wormcast scenarios\n\nLists the built-in scenarios, one per line: "
		     "name and description.\nRun one with `wormcast run NAME`; copy one with "
		     "`wormcast show NAME > my.ini`.");
		return WC_EXIT_OK;
	}
	if (argc > 1)
		return cli_fail(WC_EXIT_USAGE, "scenarios: takes no arguments");
	for (int i = 0; i < wc_scenario_builtin_count(); i++) {
		char desc[256];
		printf("%-16s %s\n", wc_scenario_builtin_name(i),
		       wc_scenario_builtin_description(i, desc, sizeof desc));
	}
	return WC_EXIT_OK;
}

int cmd_show(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: wormcast show SCENARIO\n\nPrints a built-in scenario's .ini file. "
		     "Save it, edit it, and run the copy:\n  wormcast show codered-v2 > my.ini\n"
		     "  wormcast run my.ini");
		return WC_EXIT_OK;
	}
	if (argc != 2)
		return cli_fail(WC_EXIT_USAGE, "show: expected one scenario name "
					       "(`wormcast scenarios` lists them)");
	const char *text = wc_scenario_builtin_text(argv[1]);
	if (text == NULL)
		return cli_fail(WC_EXIT_USAGE,
				"show: unknown scenario '%s' (`wormcast scenarios` lists them)",
				argv[1]);
	fputs(text, stdout);
	return WC_EXIT_OK;
}

int cmd_keys(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		puts("usage: wormcast keys\n\nPrints every scenario key (section, name, unit, "
		     "default, valid values, meaning)\nas Markdown tables: the reference part "
		     "of docs/scenarios.md.");
		return WC_EXIT_OK;
	}
	if (argc > 1)
		return cli_fail(WC_EXIT_USAGE, "keys: takes no arguments");
	wc_scenario_write_key_docs(stdout);
	return WC_EXIT_OK;
}
