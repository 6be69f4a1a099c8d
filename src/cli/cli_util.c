/* Small parsing and file-system helpers shared by the subcommands (cli.h). */
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
