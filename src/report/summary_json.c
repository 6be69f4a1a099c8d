#include "report/report.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/provenance.h"
#include "report/json_provenance.h"
#include "report/json_util.h"
#include "core/xalloc.h"
#include "report/ensemble.h"

/* jansson's integers are signed 64-bit; a larger count becomes a decimal
 * string rather than a double, which would silently round it. */
static json_t *json_u64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return json_string(buf);
}

/* jansson accepts only UTF-8; a file name need not be. Bytes it refuses are
 * replaced so that the key is still written rather than silently dropped. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	char buf[256];
	size_t i;
	for (i = 0; s[i] != '\0' && i + 1 < sizeof buf; i++)
		buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *json_time(wc_time t)
{
	char buf[32];
	return json_string(wc_time_format(t, buf));
}

/* A time that exists only if the timeline has rows. */
static json_t *json_row_time(const wc_run_figures *fig, wc_time t)
{
	return fig->rows ? json_time(t) : json_null();
}

static json_t *json_peak(const wc_run_figures *fig, uint64_t value, wc_time t)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", json_u64(value));
	json_object_set_new(o, "time", json_row_time(fig, t));
	return o;
}

char *wc_report_resolved_scenario(const wc_scenario *sc, char hash[17])
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	if (fp == NULL)
		xalloc_die(4096);
	wc_scenario_write_resolved(fp, sc);
	if (fclose(fp) != 0 || text == NULL)
		xalloc_die(len);
	snprintf(hash, 17, "%016" PRIx64, wc_fnv1a64(text, len));
	return text;
}

/* How the run was made: enough to tell two runs apart and to repeat one. */
static json_t *summary_provenance(const wc_scenario *sc, const wc_provenance *prov)
{
	char hash[17];
	char *text = wc_report_resolved_scenario(sc, hash);
	json_t *o = wc_report_provenance_json(
		prov, prov && prov->command_line ? json_text(prov->command_line) : NULL);
	json_object_set_new(o, "scenario_hash", json_string(hash));
	json_object_set_new(o, "scenario", json_text(text));
	free(text);
	return o;
}

static json_t *summary_build(const wc_scenario *sc, const wc_run_options *opt,
			     const wc_run_result *res, const wc_provenance *prov)
{
	const wc_timeline *tl = &res->timeline;
	wc_run_figures fig;
	wc_run_figures_compute(tl, &fig);

	json_t *root = json_object();
	json_object_set_new(root, "scenario", json_text(sc->name));
	json_object_set_new(root, "source", json_text(sc->source));
	json_object_set_new(root, "seed", json_u64(opt->seed));
	json_object_set_new(root, "engine", json_string(wc_engine_name(res->engine)));
	json_object_set_new(root, "threads", json_integer(opt->threads));
	json_object_set_new(root, "start", json_time(sc->start));
	wc_time end = wc_run_until_given(opt) && opt->until < sc->end ? opt->until : sc->end;
	json_object_set_new(root, "end", json_time(end));
	json_object_set_new(root, "interval_seconds", json_integer(fig.interval));
	json_object_set_new(root, "rows", json_u64(fig.rows));
	json_object_set_new(root, "vulnerable", json_u64(res->vulnerable));
	json_object_set_new(root, "probes", json_u64(res->probes));
	json_object_set_new(root, "wall_seconds", json_real(res->wall_seconds));

	json_t *final = json_object();
	json_object_set_new(final, "time", json_row_time(&fig, fig.final_time));
	json_object_set_new(final, "cumulative_infected", json_u64(fig.final_cumulative_infected));
	json_object_set_new(final, "infected", json_u64(fig.final_infected));
	json_object_set_new(final, "active", json_u64(fig.final_active));
	json_object_set_new(final, "patched", json_u64(fig.final_patched));
	json_object_set_new(final, "telescope_sources", json_u64(fig.final_telescope_sources));
	json_object_set_new(final, "failed", json_u64(fig.final_failed));
	json_object_set_new(root, "final", final);

	json_t *peaks = json_object();
	json_object_set_new(peaks, "new_infections_per_interval",
			    json_peak(&fig, fig.peak_new_infections, fig.peak_new_infections_time));
	json_object_set_new(peaks, "active",
			    json_peak(&fig, fig.peak_active, fig.peak_active_time));
	json_object_set_new(peaks, "probes_per_interval",
			    json_peak(&fig, fig.peak_probes, fig.peak_probes_time));
	json_object_set_new(peaks, "probe_packets_per_second",
			    json_peak(&fig, fig.peak_probe_pps, fig.peak_probe_pps_time));
	json_object_set_new(root, "peaks", peaks);

	json_t *totals = json_object();
	json_object_set_new(totals, "probes", json_u64(fig.total_probes));
	json_object_set_new(totals, "telescope_probes", json_u64(fig.total_telescope_probes));
	json_object_set_new(totals, "target_bytes", json_u64(fig.total_target_bytes));
	json_object_set_new(totals, "blocked_probes", json_u64(fig.total_blocked_probes));
	char target[16];
	json_object_set_new(totals, "flood_target",
			    json_string(wc_ipv4_format(sc->flood_target, target)));
	json_object_set_new(totals, "reinfections", json_u64(fig.total_reinfections));
	json_object_set_new(root, "totals", totals);

	json_t *history = json_array();
	for (int i = 0; i < sc->nhistory; i++) {
		const wc_history_point *h = &sc->history[i];
		const wc_timeline_row *r = wc_timeline_row_at(tl, h->time);
		json_t *p = json_object();
		json_object_set_new(p, "time", json_time(h->time));
		json_object_set_new(p, "measured", json_real(h->value));
		json_object_set_new(p, "kind",
				    json_string(h->kind == WC_HISTORY_LOWER_BOUND ? "lower_bound"
						: h->kind == WC_HISTORY_ESTIMATE  ? "estimate"
										  : "count"));
		json_object_set_new(p, "simulated_cumulative_infected",
				    r ? json_u64(r->cumulative_infected) : json_null());
		json_array_append_new(history, p);
	}
	json_object_set_new(root, "history", history);
	json_object_set_new(root, "provenance", summary_provenance(sc, prov));
	return root;
}

/* 15 significant digits print wall_seconds and measured values as written
 * (0.25, not 0.25000000000000001). */
static int summary_dump(const char *path, json_t *root, wc_error *err)
{
	return wc_json_dump_file(
		path, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15), err);
}

int wc_report_write_summary_json(const char *path, const wc_scenario *sc, const wc_run_options *opt,
				 const wc_run_result *res, const wc_provenance *prov, wc_error *err)
{
	return summary_dump(path, summary_build(sc, opt, res, prov), err);
}

/* The ensemble key: which seeds, which quantiles, and every column's
 * quantiles at the last row (the figures a reader wants first). */
static json_t *summary_ensemble(wc_ensemble *e, const double *q, size_t nq)
{
	json_t *o = json_object();
	json_object_set_new(o, "first_seed", json_u64(e->first_seed));
	json_object_set_new(o, "last_seed", json_u64(e->first_seed + e->seeds - 1));
	json_object_set_new(o, "seeds", json_u64(e->added));
	json_t *qs = json_array();
	for (size_t k = 0; k < nq; k++)
		json_array_append_new(qs, json_real(q[k]));
	json_object_set_new(o, "quantiles", qs);
	json_t *final = json_object();
	json_object_set_new(final, "time",
			    e->rows ? json_time(e->times[e->rows - 1]) : json_null());
	json_t *cols = json_object();
	for (size_t c = 0; c < e->cols && e->rows > 0; c++) {
		json_t *v = json_array();
		char name[128];
		wc_timeline_name(&e->names, c, name, sizeof name);
		for (size_t k = 0; k < nq; k++)
			json_array_append_new(
				v, json_real(wc_ensemble_quantile(e, e->rows - 1, c, q[k])));
		json_object_set_new(cols, name, v);
	}
	json_object_set_new(final, "columns", cols);
	json_object_set_new(o, "final", final);
	return o;
}

int wc_report_write_ensemble_summary_json(const char *path, const wc_scenario *sc,
					  const wc_run_options *opt, const wc_run_result *res,
					  const wc_provenance *prov, wc_ensemble *e,
					  const double *q, size_t nq, wc_error *err)
{
	json_t *root = summary_build(sc, opt, res, prov);
	json_object_set_new(root, "ensemble", summary_ensemble(e, q, nq));
	return summary_dump(path, root, err);
}

int wc_report_summary_scenario_hash(const char *path, char hash[17])
{
	json_t *root = json_load_file(path, 0, NULL);
	const char *h = json_string_value(
		json_object_get(json_object_get(root, "provenance"), "scenario_hash"));
	int rc = h != NULL && strlen(h) == 16 ? 0 : -1;
	if (rc == 0)
		memcpy(hash, h, 17);
	json_decref(root);
	return rc;
}
