/*
 * run_and_classify.c — libwormcast from a program of your own.
 *
 *   run_and_classify SCENARIO SEED [TIMELINE.CSV [LOG]]
 *
 * Simulates SCENARIO (a built-in name or an .ini file) with SEED and prints
 * the last row's cumulative_infected; reads TIMELINE.CSV (e.g. the one
 * `wormcast run SCENARIO --seed SEED` wrote) and fits it as `wormcast fit`
 * does; classifies each line of LOG (an Apache access log, say) as Code Red,
 * Code Red II, Nimda or other. Build it against the installed library:
 *
 *   cc run_and_classify.c $(pkg-config --cflags --libs wormcast) -o run_and_classify
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wormcast/wormcast.h>

/* The last row of tl: its time and the named column. */
static void print_last(const char *what, const wormcast_timeline *tl, const char *column)
{
	size_t n = wormcast_timeline_rows(tl);
	long col = wormcast_timeline_find(tl, column);
	if (n == 0 || col < 0) {
		printf("%s: %zu rows, no %s\n", what, n, column);
		return;
	}
	time_t t = (time_t)wormcast_timeline_time(tl, n - 1);
	struct tm tm;
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	printf("%s: %zu rows, %zu columns, last %s %s %.0f\n", what, n,
	       wormcast_timeline_columns(tl), when, column,
	       wormcast_timeline_value(tl, n - 1, (size_t)col));
}

static int simulate(const char *scenario, uint64_t seed)
{
	wormcast_timeline *tl;
	wormcast_error err;
	if (wormcast_run(scenario, NULL, 0, seed, 0, &tl, &err) != WORMCAST_OK) {
		fprintf(stderr, "run_and_classify: %s\n", err.message);
		return err.code;
	}
	char what[256];
	snprintf(what, sizeof what, "run %s seed %" PRIu64, scenario, seed);
	print_last(what, tl, "cumulative_infected");
	wormcast_timeline_free(tl);
	return 0;
}

/* Reads a timeline.csv back and fits its cumulative_infected column. */
static int read_and_fit(const char *path)
{
	wormcast_timeline *tl;
	wormcast_fit *fit;
	wormcast_error err;
	if (wormcast_timeline_read(path, &tl, &err) != WORMCAST_OK ||
	    wormcast_fit_file(path, "cumulative_infected", NULL, &fit, &err) != WORMCAST_OK) {
		fprintf(stderr, "run_and_classify: %s\n", err.message);
		return err.code;
	}
	print_last("read", tl, "cumulative_infected");
	wormcast_timeline_free(tl);
	printf("fit: model %s, %zu points, R^2 %.5f\n", wormcast_fit_model(fit),
	       wormcast_fit_points(fit), wormcast_fit_r2(fit));
	for (size_t i = 0; i < wormcast_fit_params(fit); i++) {
		double lo, hi, v = wormcast_fit_param(fit, i, &lo, &hi);
		printf("  %-6s %.5g %s, 95%% [%.5g, %.5g]\n", wormcast_fit_param_name(fit, i), v,
		       wormcast_fit_param_unit(fit, i), lo, hi);
	}
	wormcast_fit_free(fit);
	return 0;
}

/* One line per log line: its number, kind and source, or why it is not read. */
static int classify(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		perror(path);
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	while (getline(&line, &cap, fp) >= 0) {
		wormcast_kind kind;
		wormcast_error err;
		char source[64];
		if (wormcast_classify_line(line, &kind, source, sizeof source, &err) == WORMCAST_OK)
			printf("classify %ld: %s %s\n", ++lineno, wormcast_kind_name(kind), source);
		else
			printf("classify %ld: not read: %s\n", ++lineno, err.message);
	}
	free(line);
	fclose(fp);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: run_and_classify SCENARIO SEED [TIMELINE.CSV [LOG]]\n");
		return 2;
	}
	printf("libwormcast %s\n", wormcast_version());
	int rc = simulate(argv[1], strtoull(argv[2], NULL, 10));
	if (rc == 0 && argc > 3)
		rc = read_and_fit(argv[3]);
	if (rc == 0 && argc > 4)
		rc = classify(argv[4]);
	return rc;
}
