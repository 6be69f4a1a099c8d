/*
 * Observations for calibration (calib.h): reading the CSV, checking it
 * against a scenario, and the distance of a simulated timeline from it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib/calib.h"
#include "core/csv.h"
#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"

/* Fields a line may have: a whole timeline.csv, and room for more columns. */
#define MAX_FIELDS 256

/* The timeline column called name, by the table's names (so columns added
 * to the table later are found too); SIZE_MAX if none. */
static size_t timeline_column(const char *name)
{
	for (size_t i = 0; i < wc_timeline_ncolumns; i++)
		if (strcmp(wc_timeline_columns[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* Which sensor column (WC_SENSOR_*) a name ending in one of their suffixes
 * would be; -1 if none. Which sensor is settled against the scenario. */
static int sensor_suffix(const char *name)
{
	static const char *const suffix[] = {"_interval_sources", "_sources", "_probes"};
	static const int kind[] = {WC_SENSOR_INTERVAL, WC_SENSOR_SOURCES, WC_SENSOR_PROBES};
	size_t n = strlen(name);
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(suffix[k]);
		if (n > l && strcmp(name + n - l, suffix[k]) == 0)
			return kind[k];
	}
	return -1;
}

/* Which timeline column CSV column name is compared with: its --column map,
 * else its own name. */
static int map_column(wc_calib_column *col, const char *name, const char *const *maps, size_t nmaps,
		      const char *path, wc_error *err)
{
	const char *target = name;
	size_t len = strlen(name);
	for (size_t m = 0; m < nmaps; m++)
		if (strncmp(maps[m], name, len) == 0 && maps[m][len] == '=')
			target = maps[m] + len + 1;
	size_t index = timeline_column(target);
	int sk = index == SIZE_MAX ? sensor_suffix(target) : -1;
	if (index == SIZE_MAX && sk < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: line 1: column '%s' is no timeline column; map it with "
				    "--column %s=TIMELINE_COLUMN (e.g. cumulative_infected; the "
				    "list: docs/design.md §3.3)",
				    path, target, name);
	if (strlen(name) >= sizeof col->name)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: line 1: column name too long", path);
	snprintf(col->name, sizeof col->name, "%s", name);
	if (strlen(target) >= sizeof col->target)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: line 1: column '%s': name too long",
				    path, target);
	snprintf(col->target, sizeof col->target, "%s", target);
	col->index = index;
	/* a sensor column's kind is the same for every sensor: the first's */
	col->kind = wc_timeline_kind(sk < 0 ? index : wc_timeline_ncolumns + (size_t)sk);
	col->per_row = sk == WC_SENSOR_INTERVAL;
	return 0;
}

/* Is field name given a --column map? */
static bool mapped(const char *name, const char *const *maps, size_t nmaps)
{
	size_t len = strlen(name);
	for (size_t m = 0; m < nmaps; m++)
		if (strncmp(maps[m], name, len) == 0 && maps[m][len] == '=')
			return true;
	return false;
}

/* With --column maps, only the mapped columns are read (a whole
 * timeline.csv can be the observations); without, every column is. */
static int read_header(wc_observations *o, char *line, const char *const *maps, size_t nmaps,
		       int *time_field, int *field_col, wc_error *err)
{
	char *f[MAX_FIELDS];
	int nf = wc_csv_split(line, f, MAX_FIELDS, NULL);
	o->nfields = nf;
	if (nf < 2 || nf > MAX_FIELDS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: line 1: expected a header of time and 1 to %d value "
				    "columns",
				    o->path, MAX_FIELDS - 1);
	*time_field = -1;
	for (int i = 0; i < nf; i++)
		if (strcmp(f[i], "time") == 0)
			*time_field = i;
	if (*time_field < 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: line 1: no 'time' column", o->path);
	for (int i = 0; i < nf; i++) {
		field_col[i] = -1;
		if (i == *time_field || (nmaps > 0 && !mapped(f[i], maps, nmaps)))
			continue;
		if (o->ncols == WC_CALIB_MAX_COLUMNS)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: line 1: more than %d value columns (choose some "
					    "with --column)",
					    o->path, WC_CALIB_MAX_COLUMNS);
		for (size_t j = 0; j < o->ncols; j++)
			if (strcmp(o->cols[j].name, f[i]) == 0)
				return wc_error_set(err, WC_EXIT_USAGE,
						    "%s: line 1: column '%s' twice", o->path, f[i]);
		if (map_column(&o->cols[o->ncols], f[i], maps, nmaps, o->path, err) != 0)
			return -1;
		field_col[i] = (int)o->ncols++;
	}
	/* A map naming no column of the file is a mistake, not a no-op. */
	for (size_t m = 0; m < nmaps; m++) {
		const char *eq = strchr(maps[m], '=');
		bool used = false;
		for (size_t j = 0; eq && j < o->ncols; j++)
			used |= strlen(o->cols[j].name) == (size_t)(eq - maps[m]) &&
				strncmp(o->cols[j].name, maps[m], (size_t)(eq - maps[m])) == 0;
		if (!used)
			return wc_error_set(
				err, WC_EXIT_USAGE,
				"--column '%s': expected NAME=TIMELINE_COLUMN with NAME "
				"a column of %s",
				maps[m], o->path);
	}
	return 0;
}

static int read_row(wc_observations *o, char *line, long lineno, int time_field,
		    const int *field_col, wc_error *err)
{
	char *f[MAX_FIELDS];
	int nf = wc_csv_split(line, f, MAX_FIELDS, NULL);
	if (nf != o->nfields)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: line %ld: expected %d fields, got %d",
				    o->path, lineno, o->nfields, nf);
	wc_time t;
	if (wc_time_parse(f[time_field], &t) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: line %ld: time: expected a UTC time like "
				    "2001-07-19T12:00:00Z, got '%.40s'",
				    o->path, lineno, f[time_field]);
	for (int i = 0; i < nf; i++) {
		if (field_col[i] < 0)
			continue;
		size_t col = (size_t)field_col[i];
		if (*f[i] == '\0')
			continue; /* a gap */
		double v;
		if (wc_num_double(f[i], 0, 1e18, &v) != WC_NUM_OK)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: line %ld: %s: expected a count from 0 to 1e18 or "
					    "nothing, got '%.40s'",
					    o->path, lineno, o->cols[col].name, f[i]);
		if (o->n == WC_CALIB_MAX_OBS)
			return wc_error_set(err, WC_EXIT_USAGE, "%s: more than %d observations",
					    o->path, WC_CALIB_MAX_OBS);
		wc_calib_obs ob = {t, col, v};
		WC_VEC_PUSH(o->obs, o->n, o->cap, ob);
	}
	return 0;
}

/* The cadence: the smallest gap between distinct times; times must rise. */
static int set_cadence(wc_observations *o, wc_error *err)
{
	if (o->n == 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: no observations", o->path);
	o->first = o->obs[0].time;
	o->last = o->obs[0].time;
	o->width = 0;
	for (size_t i = 1; i < o->n; i++) {
		wc_time a = o->obs[i - 1].time, b = o->obs[i].time;
		if (b < a)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: times must rise from row to row", o->path);
		if (b > a && (o->width == 0 || b - a < o->width))
			o->width = b - a;
		o->last = b;
	}
	return 0;
}

int wc_observations_read(wc_observations *o, const char *path, const char *const *maps,
			 size_t nmaps, wc_error *err)
{
	memset(o, 0, sizeof *o);
	snprintf(o->path, sizeof o->path, "%s", path);
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int time_field = -1, rc = 0;
	int *field_col = xmallocarray(MAX_FIELDS, sizeof *field_col);
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strlen(line) != (size_t)len)
			rc = wc_error_set(err, WC_EXIT_USAGE, "%s: line %ld: a NUL byte", path,
					  lineno);
		else if (lineno == 1)
			rc = read_header(o, line, maps, nmaps, &time_field, field_col, err);
		else if (len > 0)
			rc = read_row(o, line, lineno, time_field, field_col, err);
	}
	free(field_col);
	free(line);
	fclose(fp);
	if (rc == 0 && lineno == 0)
		rc = wc_error_set(err, WC_EXIT_USAGE, "%s: empty file", path);
	if (rc == 0)
		rc = set_cadence(o, err);
	if (rc != 0)
		wc_observations_free(o);
	return rc;
}

int wc_observations_until(wc_observations *o, wc_time until, wc_error *err)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->obs[i].time <= until)
			o->obs[k++] = o->obs[i];
	o->n = k;
	if (k == 0) {
		char t[32];
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: no observation at %s or earlier (--until)", o->path,
				    wc_time_format(until, t));
	}
	return set_cadence(o, err);
}

void wc_observations_free(wc_observations *o)
{
	free(o->obs);
	o->obs = NULL;
	o->n = o->cap = 0;
}

/* A sensor column's place among the scenario's sensors' columns; and a
 * per-row count of distinct sources needs one row per observation. */
static int resolve_sensor_column(const wc_observations *o, wc_calib_column *col,
				 const wc_scenario *sc, wc_error *err)
{
	for (int i = 0; col->index == SIZE_MAX && i < sc->nsensors; i++)
		for (int k = 0; k < WC_SENSOR_NCOLUMNS; k++) {
			char name[WC_NAME_MAX + 32];
			wc_sensor_column_name(sc->sensors[i].name, k, name, sizeof name);
			if (strcmp(name, col->target) == 0)
				col->index =
					wc_timeline_ncolumns + (size_t)(i * WC_SENSOR_NCOLUMNS + k);
		}
	if (col->index == SIZE_MAX)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: line 1: column '%s' is no timeline column: no "
				    "[sensor.NAME] section of the scenario has it",
				    o->path, col->target);
	int64_t width = o->width ? o->width : sc->interval;
	if (col->per_row && width != sc->interval)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: column '%s' counts distinct sources per row, which do "
				    "not add over rows: the observations' cadence (%" PRId64
				    " s) must equal output.interval (%d s); run with --set "
				    "output.interval=%" PRId64,
				    o->path, col->target, width, sc->interval, width);
	return 0;
}

int wc_observations_check(wc_observations *o, const wc_scenario *sc, wc_error *err)
{
	char a[32], b[32], t[32];
	for (size_t c = 0; c < o->ncols; c++)
		if ((o->cols[c].index == SIZE_MAX || o->cols[c].per_row) &&
		    resolve_sensor_column(o, &o->cols[c], sc, err) != 0)
			return -1;
	for (size_t i = 0; i < o->n; i++) {
		const wc_calib_obs *ob = &o->obs[i];
		bool flow = o->cols[ob->col].kind == WC_COLUMN_FLOW;
		wc_time from = flow ? ob->time - (o->width ? o->width : sc->interval) : ob->time;
		if (ob->time < sc->start || ob->time > sc->end || (flow && from < sc->start))
			return wc_error_set(
				err, WC_EXIT_USAGE,
				"%s: observation at %s (%s) lies outside the run's "
				"window %s to %s%s",
				o->path, wc_time_format(ob->time, t), o->cols[ob->col].name,
				wc_time_format(sc->start, a), wc_time_format(sc->end, b),
				flow ? " (a per-interval count's whole interval must)" : "");
		if ((ob->time - sc->start) % sc->interval != 0)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: observation at %s is not on the timeline's grid "
					    "(every %d s from %s)",
					    o->path, wc_time_format(ob->time, t), sc->interval,
					    wc_time_format(sc->start, a));
	}
	if (o->last <= sc->start)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s: every observation is at outbreak.start; nothing to compare", o->path);
	if (o->width % sc->interval != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: the observations' cadence, %" PRId64
				    " s, is not a multiple of output.interval (%d s)",
				    o->path, o->width, sc->interval);
	return 0;
}

/* Row i's value of column c (wc_timeline_value's numbering). */
static double cell(const wc_timeline *tl, size_t i, size_t c)
{
	return (double)wc_timeline_value(&tl->rows[i], c);
}

/* The index of the row at time t, or (size_t)-1. */
static size_t row_at(const wc_timeline *tl, wc_time t, int interval)
{
	if (tl->n == 0 || t < tl->rows[0].time)
		return (size_t)-1;
	size_t i = (size_t)((t - tl->rows[0].time) / interval);
	if (i < tl->n && tl->rows[i].time == t)
		return i;
	for (i = 0; i < tl->n; i++) /* an irregular last row: search */
		if (tl->rows[i].time == t)
			return i;
	return (size_t)-1;
}

double wc_observations_simulated(const wc_observations *o, size_t c, wc_time t,
				 const wc_timeline *tl, int interval)
{
	const wc_calib_column *col = &o->cols[c];
	size_t i = row_at(tl, t, interval);
	if (i == (size_t)-1)
		return NAN;
	if (col->kind != WC_COLUMN_FLOW)
		return cell(tl, i, col->index);
	wc_time from = t - (o->width ? o->width : interval);
	double s = 0;
	for (; i > 0 && tl->rows[i].time > from; i--)
		s += cell(tl, i, col->index);
	return s;
}

double wc_observations_distance(const wc_observations *o, const wc_timeline *tl, int interval)
{
	double ss = 0;
	for (size_t k = 0; k < o->n; k++) {
		const wc_calib_obs *ob = &o->obs[k];
		double sim = wc_observations_simulated(o, ob->col, ob->time, tl, interval);
		if (isnan(sim))
			return INFINITY;
		double r = log1p(sim) - log1p(ob->value);
		ss += r * r;
	}
	return sqrt(ss / (double)o->n);
}
