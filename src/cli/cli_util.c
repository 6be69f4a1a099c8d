/* Small parsing and file-system helpers shared by the subcommands (cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/xalloc.h"
#include "sim/scenario.h"

int cli_fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("wormcast: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	return wc_num_u64(s, 0, UINT64_MAX, out) == WC_NUM_OK ? 0 : -1;
}

bool cli_plot_format_ok(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".svg") == 0 ||
		       strcasecmp(dot, ".pdf") == 0);
}

char *cli_command_line(int argc, char **argv)
{
	char *args = wc_command_line(argc, argv);
	size_t n = strlen(args);
	char *line = xmalloc(n + sizeof "wormcast ");
	memcpy(line, "wormcast ", sizeof "wormcast " - 1);
	memcpy(line + sizeof "wormcast " - 1, args, n + 1);
	free(args);
	return line;
}

int cli_with_provenance(int argc, char **argv, cli_command_fn fn)
{
	char *line = cli_command_line(argc, argv);
	wc_provenance prov = {line, time(NULL)};
	int rc = fn(argc, argv, &prov);
	free(line);
	return rc;
}

int cli_load_scenario(wc_scenario *sc, const char *arg, wc_error *err)
{
	if (strcmp(arg, "-") != 0)
		return wc_scenario_load(sc, arg, err);
	size_t cap = 1 << 16, len = 0, got;
	char *text = xmalloc(cap);
	while ((got = fread(text + len, 1, cap - len, stdin)) > 0) {
		len += got;
		if (len == cap)
			text = xrealloc(text, cap *= 2);
	}
	int rc;
	if (ferror(stdin))
		rc = wc_error_set(err, WC_EXIT_USAGE, "stdin: cannot read: %s", strerror(errno));
	else if (memchr(text, '\0', len) != NULL)
		rc = wc_error_set(err, WC_EXIT_USAGE,
				  "stdin: a NUL byte at offset %zu: not a "
				  "scenario (INI text)",
				  (size_t)((char *)memchr(text, '\0', len) - text));
	else
		rc = wc_scenario_load_buffer(sc, "stdin", text, len, err);
	free(text);
	return rc;
}

int cli_parse_threads(const char *arg, int max, int *threads)
{
	int64_t v;
	if (wc_num_i64(arg, 1, max, &v) != WC_NUM_OK)
		return cli_fail(WC_EXIT_USAGE, "--threads: expected 1 to %d, got '%s'", max, arg);
	*threads = (int)v;
	return WC_EXIT_OK;
}

int cli_parse_until(const char *arg, wc_time *until, bool *set)
{
	*set = true;
	if (wc_time_parse(arg, until) != 0)
		return cli_fail(WC_EXIT_USAGE,
				"--until: expected a UTC time like 2001-07-20T00:00:00Z, got '%s'",
				arg);
	return WC_EXIT_OK;
}

int cli_parse_plot(const char *arg, const char **plot)
{
	*plot = arg;
	if (!cli_plot_format_ok(arg))
		return cli_fail(WC_EXIT_USAGE,
				"--plot: unsupported format '%s' (use .png, .svg or .pdf)", arg);
	return WC_EXIT_OK;
}

int cli_parse_window_time(const char *opt, const char *arg, wc_time *t)
{
	if (wc_time_parse(arg, t) != 0)
		return cli_fail(WC_EXIT_USAGE,
				"%s: expected a UTC time like 2001-07-19T12:00:00Z, got '%s'", opt,
				arg);
	return WC_EXIT_OK;
}

int cli_print_output(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return cli_fail(WC_EXIT_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
	char buf[1 << 16];
	size_t n;
	int rc = WC_EXIT_OK;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		if (fwrite(buf, 1, n, stdout) != n) {
			rc = cli_fail(WC_EXIT_RUNTIME, "standard output: %s", strerror(errno));
			break;
		}
	if (ferror(f))
		rc = cli_fail(WC_EXIT_RUNTIME, "%s: cannot read: %s", path, strerror(errno));
	fclose(f);
	if (rc == WC_EXIT_OK && fflush(stdout) != 0)
		rc = cli_fail(WC_EXIT_RUNTIME, "standard output: %s", strerror(errno));
	return rc;
}

int cli_parse_format(const char *arg, bool *json)
{
	if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0)
		return cli_fail(WC_EXIT_USAGE, "--format: expected json or text, got '%s'", arg);
	*json = arg[0] == 'j';
	return WC_EXIT_OK;
}

int cli_parse_engine(const char *arg, enum wc_engine *engine)
{
	if (wc_engine_parse(arg, engine) != 0)
		return cli_fail(WC_EXIT_USAGE, "--engine: expected auto, probe or fast, got '%s'",
				arg);
	return WC_EXIT_OK;
}

int cli_parse_seed(const char *arg, uint64_t *seed)
{
	if (cli_parse_u64(arg, seed) != 0)
		return cli_fail(WC_EXIT_USAGE, "--seed: expected a non-negative integer, got '%s'",
				arg);
	return WC_EXIT_OK;
}
