/*
 * cli.h — the subcommands of the wormcast program. Each parses its own flags,
 * calls the library and prints; each returns an exit status (WC_EXIT_*).
 */
#ifndef WC_CLI_CLI_H
#define WC_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "core/provenance.h"
#include "core/utc.h"
#include "sim/sim.h"

int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_scenarios(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

/* Prints "wormcast: MSG" to stderr and returns code. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True if argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* A decimal unsigned 64-bit integer, nothing else; 0 or -1. */
int cli_parse_u64(const char *s, uint64_t *out);
/* "wormcast " and the subcommand's argv (argv[0] is the subcommand) as a
 * shell would take it back (wc_command_line); allocated, free() it. */
char *cli_command_line(int argc, char **argv);
/* A command that records its invocation (provenance in its JSON output). */
typedef int (*cli_command_fn)(int argc, char **argv, const wc_provenance *prov);
/* Calls fn with argv's command line and the start time, both taken before
 * fn's getopt_long permutes argv (options first, operands last). */
int cli_with_provenance(int argc, char **argv, cli_command_fn fn);
/* wc_scenario_load, or "-": the scenario's INI text from standard input,
 * named "stdin" in messages (relative paths in it from the working folder). */
struct wc_scenario;
int cli_load_scenario(struct wc_scenario *sc, const char *arg, wc_error *err);
/* --from/--until TIME (core/utc.h's forms): WC_EXIT_OK, or the exit status
 * after saying what is wrong, naming opt. */
int cli_parse_window_time(const char *opt, const char *arg, wc_time *t);
/* --format json: copies DIR/NAME, just written, to standard output, so that
 * what is printed is byte for byte the file. Returns an exit status. */
int cli_print_output(const char *dir, const char *name);
/* True for a file name ending in .png, .svg or .pdf (any case). */
bool cli_plot_format_ok(const char *path);
/* The options several commands share, each checked as every command checks
 * it: WC_EXIT_OK, or the exit status after saying what is wrong. */
int cli_parse_threads(const char *arg, int max, int *threads);	 /* --threads 1..max */
int cli_parse_until(const char *arg, wc_time *until, bool *set); /* run's --until TIME */
int cli_parse_engine(const char *arg, enum wc_engine *engine);	 /* --engine auto|probe|fast */
int cli_parse_seed(const char *arg, uint64_t *seed);		 /* --seed N */
int cli_parse_format(const char *arg, bool *json);		 /* --format json|text */
int cli_parse_plot(const char *arg, const char **plot);		 /* --plot FILE.png|svg|pdf */

/* The Makefile's VERSION, built into core/provenance. */
#define WORMCAST_VERSION wc_version()

#endif
