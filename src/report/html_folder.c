/* An output folder as the report reads it (report/html_report.h). */
#include "report/html_report.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xalloc.h"

/* A plotted series keeps at most this many points (every k-th row beyond),
 * and a table this many rows, so the page stays small whatever the run. */
enum { SERIES_POINTS = 2000, TABLE_ROWS = 500 };

static const char *const kind_names[] = {"run", "ensemble", "sweep", "detect", "fit"};

const char *wc_folder_kind_name(wc_folder_kind k)
{
	return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

int wc_folder_kind_of(const json_t *summary, bool has_fit_json, wc_folder_kind *kind)
{
	if (json_is_object(summary)) {
		const char *cmd = json_string_value(json_object_get(summary, "command"));
		if (cmd != NULL && strcmp(cmd, "sweep") == 0)
			return *kind = WC_FOLDER_SWEEP, 0;
		if (cmd != NULL && strcmp(cmd, "detect") == 0)
			return *kind = WC_FOLDER_DETECT, 0;
		if (cmd == NULL && json_is_string(json_object_get(summary, "scenario")) &&
		    json_is_object(json_object_get(summary, "final"))) {
			bool ens = json_is_object(json_object_get(summary, "ensemble"));
			return *kind = ens ? WC_FOLDER_ENSEMBLE : WC_FOLDER_RUN, 0;
		}
		return -1;
	}
	if (has_fit_json)
		return *kind = WC_FOLDER_FIT, 0;
	return -1;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static bool is_file(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* DIR/NAME as JSON, or NULL with err naming the file and the line. */
static json_t *load_json(const char *dir, const char *name, wc_error *err)
{
	char *p = join(dir, name);
	json_error_t je;
	json_t *j = json_load_file(p, 0, &je);
	if (j == NULL && je.line > 0)
		wc_error_set(err, WC_EXIT_USAGE, "%s:%d: malformed JSON: %s", p, je.line, je.text);
	else if (j == NULL)
		wc_error_set(err, WC_EXIT_USAGE, "%s: %s", p, je.text);
	else if (!json_is_object(j)) {
		wc_error_set(err, WC_EXIT_USAGE, "%s: expected a JSON object", p);
		json_decref(j), j = NULL;
	}
	free(p);
	return j;
}

/* {NAME: bytes} for the folder's plain files, by name. */
static json_t *list_files(const char *dir)
{
	json_t *files = json_object();
	struct dirent **ents = NULL;
	int n = scandir(dir, &ents, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char *p = join(dir, ents[i]->d_name);
		struct stat st;
		if (ents[i]->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			json_object_set_new(files, ents[i]->d_name,
					    json_integer((json_int_t)st.st_size));
		free(p);
		free(ents[i]);
	}
	free(ents);
	return files;
}

/* Reads DIR/NAME into into[key]; 0, or -1 with err set. */
static int add_csv(json_t *into, const char *key, const char *dir, const char *name,
		   const wc_csv_pick *pick, wc_error *err)
{
	char *p = join(dir, name);
	json_t *t = wc_report_read_csv(p, pick, err);
	free(p);
	if (t == NULL)
		return -1;
	json_object_set_new(into, key, t);
	return 0;
}

static const char *const run_columns[] = {
	"cumulative_infected", "infected",	 "active",    "patched",      "removed",
	"telescope_sources",   "new_infections", "probe_pps", "target_bytes", NULL};
static const char *const detect_columns[] = {"requests", "new_sources", "cumulative_sources",
					     "*_cumulative_sources", NULL};
static const char *const ensemble_columns[] = {"cumulative_infected", "infected", "active",
					       "telescope_sources", NULL};

static int load_run(json_t *f, const char *dir, wc_error *err)
{
	wc_csv_pick pick = {.columns = run_columns, .numeric = true, .max_points = SERIES_POINTS};
	return add_csv(json_object_get(f, "series"), "timeline", dir, "timeline.csv", &pick, err);
}

static int load_ensemble(json_t *f, const char *dir, wc_error *err)
{
	char *p = join(dir, "quantiles.csv");
	json_t *q = wc_report_read_quantiles(p, ensemble_columns, SERIES_POINTS, err);
	free(p);
	if (q == NULL)
		return -1;
	json_object_set_new(json_object_get(f, "series"), "quantiles", q);
	return 0;
}

static int load_sweep(json_t *f, const char *dir, wc_error *err)
{
	wc_csv_pick pick = {.max_rows = TABLE_ROWS};
	json_t *tables = json_object_get(f, "tables");
	if (add_csv(tables, "sweep", dir, "sweep.csv", &pick, err) != 0)
		return -1;
	return add_csv(tables, "runs", dir, "runs.csv", &pick, err);
}

static int load_detect(json_t *f, const char *dir, wc_error *err)
{
	wc_csv_pick series = {
		.columns = detect_columns, .numeric = true, .max_points = SERIES_POINTS};
	wc_csv_pick table = {.max_rows = TABLE_ROWS};
	if (add_csv(json_object_get(f, "series"), "timeline", dir, "timeline.csv", &series, err))
		return -1;
	return add_csv(json_object_get(f, "tables"), "sources", dir, "sources.csv", &table, err);
}

/* The series the fit was made from, drawn beside the curve when it is still
 * where fit.json says (a path as given to fit, so relative to where fit ran)
 * and reads as a plain time column; else the page says it is not there. It is
 * not part of the folder, so its absence or a fault in it is no error. */
static void load_fit_input(json_t *f)
{
	json_t *in = json_object_get(json_object_get(f, "summary"), "input");
	const char *file = json_string_value(json_object_get(in, "file"));
	const char *column = json_string_value(json_object_get(in, "column"));
	const char *tcol = json_string_value(json_object_get(in, "time_column"));
	struct stat st;
	if (file == NULL || column == NULL || tcol == NULL || strcmp(tcol, "time") != 0 ||
	    !json_is_null(json_object_get(in, "kind")) || stat(file, &st) != 0 ||
	    !S_ISREG(st.st_mode))
		return;
	const char *const cols[] = {column, NULL};
	wc_csv_pick pick = {.columns = cols, .numeric = true, .max_points = SERIES_POINTS};
	wc_error err = {0};
	json_t *t = wc_report_read_csv(file, &pick, &err);
	if (t != NULL && json_object_get(json_object_get(t, "data"), column) != NULL)
		json_object_set_new(json_object_get(f, "series"), "observed", t);
	else
		json_decref(t);
}

static int load_fit(json_t *f, const char *dir, wc_error *err)
{
	wc_csv_pick pick = {.numeric = true, .max_points = SERIES_POINTS};
	if (add_csv(json_object_get(f, "series"), "forecast", dir, "forecast.csv", &pick, err))
		return -1;
	load_fit_input(f);
	return 0;
}

/* The summary and the kind; NULL with err set when the folder is of none. */
static json_t *load_summary(const char *dir, wc_folder_kind *kind, wc_error *err)
{
	bool has_summary = is_file(dir, "summary.json"), has_fit = is_file(dir, "fit.json");
	if (!has_summary && !has_fit)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: not a wormcast output folder: no summary.json (run, "
				    "sweep, detect) and no fit.json (fit)",
				    dir),
		       NULL;
	json_t *s = load_json(dir, has_summary ? "summary.json" : "fit.json", err);
	if (s == NULL)
		return NULL;
	if (wc_folder_kind_of(has_summary ? s : NULL, has_fit, kind) != 0) {
		wc_error_set(err, WC_EXIT_USAGE,
			     "%s/summary.json: not the summary of a run, sweep or detect "
			     "(no \"command\" or \"scenario\" and \"final\" keys)",
			     dir);
		json_decref(s);
		return NULL;
	}
	return s;
}

json_t *wc_report_load_folder(const char *dir, wc_error *err)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: %s", dir, strerror(errno)), NULL;
	if (!S_ISDIR(st.st_mode))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: not a folder (give the output folder of run, sweep, "
				    "detect or fit)",
				    dir),
		       NULL;
	wc_folder_kind kind;
	json_t *summary = load_summary(dir, &kind, err);
	if (summary == NULL)
		return NULL;
	json_t *f = json_object();
	json_t *name = json_string(dir);
	json_object_set_new(f, "dir", name != NULL ? name : json_string("(a name not in UTF-8)"));
	json_object_set_new(f, "kind", json_string(wc_folder_kind_name(kind)));
	json_object_set_new(f, "summary", summary);
	json_object_set_new(f, "files", list_files(dir));
	json_object_set_new(f, "series", json_object());
	json_object_set_new(f, "tables", json_object());
	static int (*const load[])(json_t *, const char *, wc_error *) = {
		[WC_FOLDER_RUN] = load_run,	[WC_FOLDER_ENSEMBLE] = load_ensemble,
		[WC_FOLDER_SWEEP] = load_sweep, [WC_FOLDER_DETECT] = load_detect,
		[WC_FOLDER_FIT] = load_fit,
	};
	if (load[kind](f, dir, err) != 0) {
		json_decref(f);
		return NULL;
	}
	return f;
}
