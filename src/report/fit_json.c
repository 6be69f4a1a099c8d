#include "report/json_provenance.h"
#include "report/json_util.h"
#include "report/fit_report.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "core/atomicfile.h"

/* A time in hours from the series' origin, as the input wrote times. */
static json_t *json_when(const wc_series *s, double t)
{
	if (!isfinite(t))
		return json_null();
	if (s->iso) {
		char buf[32];
		return json_string(wc_time_format(wc_series_instant(s, t), buf));
	}
	return wc_json_num9(wc_series_input_hours(s, t));
}

static json_t *json_estimate(const wc_estimate *e, const wc_series *s, bool is_time)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", is_time ? json_when(s, e->value) : wc_json_num9(e->value));
	json_object_set_new(o, "lo95", is_time ? json_when(s, e->lo) : wc_json_num9(e->lo));
	json_object_set_new(o, "hi95", is_time ? json_when(s, e->hi) : wc_json_num9(e->hi));
	return o;
}

static json_t *json_model(const wc_fit *f)
{
	const wc_model_info *mi = wc_model_describe(f->model);
	json_t *m = json_object();
	json_object_set_new(m, "model", json_string(mi->name));
	json_object_set_new(m, "title", json_string(mi->title));
	json_t *ps = json_object();
	for (int j = 0; j < mi->nparams; j++) {
		json_t *p = json_object();
		json_object_set_new(p, "value", wc_json_num9(f->param[j].value));
		json_object_set_new(p, "lo95", wc_json_num9(f->param[j].lo));
		json_object_set_new(p, "hi95", wc_json_num9(f->param[j].hi));
		json_object_set_new(p, "unit", json_string(mi->params[j].unit));
		json_object_set_new(p, "meaning", json_string(mi->params[j].meaning));
		json_object_set_new(ps, mi->params[j].name, p);
	}
	json_object_set_new(m, "parameters", ps);
	json_t *g = json_object();
	json_object_set_new(g, "points", json_integer((json_int_t)f->n));
	json_object_set_new(g, "dof", json_integer(f->dof));
	json_object_set_new(g, "rss", wc_json_num9(f->rss));
	json_object_set_new(g, "sigma", wc_json_num9(f->sigma));
	json_object_set_new(g, "r2", wc_json_num9(f->r2));
	json_object_set_new(g, "aic", wc_json_num9(f->aic));
	json_object_set_new(g, "aicc", wc_json_num9(f->aicc));
	json_object_set_new(g, "iterations", json_integer(f->iterations));
	json_object_set_new(g, "converged", json_boolean(f->converged));
	json_object_set_new(g, "intervals", json_boolean(f->cov_ok));
	json_object_set_new(g, "identified", json_boolean(f->identified));
	json_object_set_new(g, "not_identified_because",
			    f->identified ? json_null() : wc_json_text(f->why_not));
	json_object_set_new(m, "goodness", g);
	return m;
}

int wc_report_fit_warnings(const wc_fit_report *r, char w[][WC_REPORT_WARNING_LEN], int max)
{
	const wc_fit *f = &r->fits[r->best];
	const wc_forecast *fc = r->forecast;
	int n = 0;
#define WARN(...)                                                                                  \
	do {                                                                                       \
		if (n < max)                                                                       \
			snprintf(w[n++], WC_REPORT_WARNING_LEN, __VA_ARGS__);                      \
	} while (0)
	if (f->dof == 0)
		WARN("as many points as parameters: the fit is an exact solve, with no intervals");
	else if (!f->cov_ok)
		WARN("the data cannot pin down every parameter of the %s model: no intervals",
		     wc_model_describe(f->model)->name);
	if (fc->withheld)
		WARN("no forecast: %s (--force-forecast computes one anyway)", fc->withheld);
	else if (!f->identified)
		WARN("forecast forced from a fit whose parameters are not identified: %s",
		     f->why_not);
	if (!fc->withheld && f->cov_ok && isnan(fc->eventual.lo))
		WARN("only %d of %d parameter draws gave a forecast: no forecast intervals and no "
		     "band",
		     fc->draws_used, fc->draws);
	if (f->r2 < 0.9)
		WARN("the %s model explains only %.0f%% of the variance of the counts: its "
		     "forecast "
		     "is not to be trusted",
		     wc_model_describe(f->model)->name, 100 * f->r2);
	if (!f->converged)
		WARN("the fit stopped after %d iterations without meeting its tolerances",
		     f->iterations);
	if (r->series->counts == WC_COUNTS_CUMULATIVE && f->dof > 0)
		WARN("cumulative counts carry their errors forward from row to row, so these "
		     "intervals are too narrow; fit per-interval counts where the file has them");
#undef WARN
	return n;
}

/* As summary.json's provenance, less the scenario: the input is "input". */
static json_t *json_provenance(const wc_provenance *p)
{
	return wc_report_provenance_json(p, p->command_line ? wc_json_text(p->command_line) : NULL);
}

static json_t *json_input(const wc_series *s, const wc_dataset_info *ds)
{
	json_t *in = json_object();
	json_object_set_new(in, "file", wc_json_text(s->path));
	json_object_set_new(in, "format",
			    json_string(ds ? wc_series_format_name(ds->format) : "csv"));
	json_object_set_new(in, "rows", json_integer((json_int_t)(ds ? ds->rows : s->n)));
	json_object_set_new(in, "bin_seconds",
			    ds && ds->format == WC_SERIES_CAIDA ? json_integer(ds->bin)
								: json_null());
	json_object_set_new(in, "time_column", wc_json_text(s->time_column));
	json_object_set_new(in, "time_unit", wc_json_text(s->time_unit));
	json_object_set_new(in, "column", wc_json_text(s->column));
	json_object_set_new(in, "kind", wc_json_text(s->kind));
	json_object_set_new(
		in, "counts",
		json_string(s->counts == WC_COUNTS_CUMULATIVE ? "cumulative" : "per-interval"));
	json_object_set_new(in, "counts_detected", json_boolean(s->detected));
	json_object_set_new(in, "counts_note", wc_json_text(s->counts_note));
	json_object_set_new(in, "interval_hours",
			    s->counts == WC_COUNTS_INTERVAL ? wc_json_num9(s->width) : json_null());
	json_object_set_new(in, "points", json_integer((json_int_t)s->n));
	json_object_set_new(in, "origin", json_when(s, 0));
	json_object_set_new(in, "first", json_when(s, s->t[0]));
	json_object_set_new(in, "last", json_when(s, s->t[s->n - 1]));
	return in;
}

/* Model k was compared (chosen by AICc) but not fitted, with a reason. */
static bool not_fitted(const wc_fit_report *r, int k)
{
	return !r->ok[k] && r->fits[k].why_not[0] != '\0' && strcmp(r->chosen_by, "aicc") == 0;
}

static json_t *json_withheld(const wc_forecast *fc)
{
	json_t *f = json_object();
	json_object_set_new(f, "withheld", wc_json_text(fc->withheld));
	json_object_set_new(f, "force_with", json_string("--force-forecast"));
	return f;
}

static json_t *json_forecast(const wc_fit_report *r)
{
	const wc_series *s = r->series;
	const wc_forecast *fc = r->forecast;
	json_t *f = json_object();
	json_object_set_new(f, "horizon_hours", wc_json_num9(fc->horizon));
	json_object_set_new(f, "until", json_when(s, fc->t_end));
	json_object_set_new(f, "eventual_size", json_estimate(&fc->eventual, s, false));
	json_object_set_new(f, "peak_rate_per_hour", json_estimate(&fc->peak_rate, s, false));
	json_object_set_new(f, "peak_time", json_estimate(&fc->peak_time, s, true));
	json_object_set_new(f, "t50", json_estimate(&fc->t50, s, true));
	json_object_set_new(f, "t90", json_estimate(&fc->t90, s, true));
	json_t *b = json_object();
	json_object_set_new(b, "method",
			    json_string("parameter sampling from the fit's covariance"));
	json_object_set_new(b, "confidence",
			    json_string("conf_lo95, conf_hi95: where the model's curve lies"));
	json_object_set_new(b, "prediction",
			    json_string("pred_lo95, pred_hi95: where an observation would fall "
					"(curve plus the fit's noise)"));
	json_object_set_new(b, "draws", json_integer(fc->draws));
	json_object_set_new(b, "draws_used", json_integer(fc->draws_used));
	json_object_set_new(b, "seed", json_integer((json_int_t)WC_FORECAST_SEED));
	json_object_set_new(b, "file", json_string("forecast.csv"));
	json_object_set_new(f, "band", b);
	return f;
}

static json_t *fit_build(const wc_fit_report *r)
{
	const wc_series *s = r->series;
	json_t *root = json_object();
	json_object_set_new(root, "input", json_input(s, r->dataset));
	json_object_set_new(root, "model", json_string(wc_model_describe(r->best)->name));
	json_object_set_new(root, "chosen_by", json_string(r->chosen_by));
	json_t *models = json_array();
	for (int k = 0; k < WC_MODEL_COUNT; k++)
		if (r->ok[k])
			json_array_append_new(models, json_model(&r->fits[k]));
	json_object_set_new(root, "models", models);
	json_t *failed = json_array();
	for (int k = 0; k < WC_MODEL_COUNT; k++)
		if (not_fitted(r, k))
			json_array_append_new(failed, json_pack("{s:s, s:s}", "model",
								wc_model_describe(k)->name,
								"reason", r->fits[k].why_not));
	json_object_set_new(root, "not_fitted", failed);
	const wc_forecast *fc = r->forecast;
	json_object_set_new(root, "forecast", fc->withheld ? json_withheld(fc) : json_forecast(r));

	char w[8][WC_REPORT_WARNING_LEN];
	int nw = wc_report_fit_warnings(r, w, 8);
	json_t *wa = json_array();
	for (int i = 0; i < nw; i++)
		json_array_append_new(wa, json_string(w[i]));
	json_object_set_new(root, "warnings", wa);
	if (r->provenance != NULL)
		json_object_set_new(root, "provenance", json_provenance(r->provenance));
	return root;
}

int wc_report_write_fit_json(const char *path, const wc_fit_report *r, wc_error *err)
{
	return wc_json_dump_file(path, fit_build(r),
				 JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
				 err);
}

static void csv_time(FILE *fp, const wc_series *s, double t)
{
	char buf[32];
	if (s->iso)
		fputs(wc_time_format(wc_series_instant(s, t), buf), fp);
	else
		fprintf(fp, "%.6g", wc_series_input_hours(s, t));
}

static void csv_num(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, "%.9g", v);
}

int wc_report_write_forecast_csv(const char *path, const wc_fit_report *r, wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	const wc_forecast *fc = r->forecast;
	errno = 0;
	fputs("time,fit,conf_lo95,conf_hi95,pred_lo95,pred_hi95\n", f.fp);
	for (size_t i = 0; i < fc->npts; i++) {
		csv_time(f.fp, r->series, fc->t[i]);
		const double v[] = {fc->fit[i], fc->lo[i], fc->hi[i], fc->plo[i], fc->phi[i]};
		for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
			fputc(',', f.fp);
			csv_num(f.fp, v[j]);
		}
		fputc('\n', f.fp);
	}
	if (ferror(f.fp))
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}

static void print_when(FILE *out, const wc_series *s, double t)
{
	char buf[32];
	if (!isfinite(t))
		fputs("-", out);
	else if (s->iso)
		fputs(wc_time_format(wc_series_instant(s, t), buf), out);
	else
		fprintf(out, "%.3f h", wc_series_input_hours(s, t));
}

/* A number, or "-" where there is none (an interval the data cannot give). */
static void print_num(FILE *out, const char *fmt, double v)
{
	if (isfinite(v))
		fprintf(out, fmt, v);
	else
		fputs("-", out);
}

static void print_estimate(FILE *out, const char *label, const wc_estimate *e, const wc_series *s,
			   bool is_time, const char *unit)
{
	fprintf(out, "  %-22s ", label);
	if (is_time) {
		print_when(out, s, e->value);
		fputs("  [", out);
		print_when(out, s, e->lo);
		fputs(", ", out);
		print_when(out, s, e->hi);
		fputs("]\n", out);
	} else {
		print_num(out, "%.4g", e->value);
		fprintf(out, " %s  [", unit);
		print_num(out, "%.4g", e->lo);
		fputs(", ", out);
		print_num(out, "%.4g", e->hi);
		fputs("]\n", out);
	}
}

void wc_report_print_fit(FILE *out, const wc_fit_report *r)
{
	const wc_series *s = r->series;
	fprintf(out, "%s: column '%s', %zu points, %s\n", s->path, s->column, s->n, s->counts_note);
	fprintf(out, "times: column '%s', %s\n", s->time_column, s->time_unit);
	fputs("\nmodel         params    RSS         AIC        AICc       R^2\n", out);
	for (int k = 0; k < WC_MODEL_COUNT; k++) {
		const wc_fit *f = &r->fits[k];
		if (not_fitted(r, k))
			fprintf(out, "%-12s  not fitted: %s\n", wc_model_describe(k)->name,
				f->why_not);
		if (!r->ok[k])
			continue;
		fprintf(out, "%-12s  %-6d  %-10.4g  %-9.2f  %-9.2f  %.5f%s%s\n",
			wc_model_describe(f->model)->name, f->np, f->rss, f->aic, f->aicc, f->r2,
			k == r->best ? "  <- best" : "", f->identified ? "" : "  (not identified)");
	}
	const wc_fit *b = &r->fits[r->best];
	const wc_model_info *mi = wc_model_describe(b->model);
	fprintf(out, "\n%s: %s (chosen by %s)\n", mi->name, mi->title, r->chosen_by);
	for (int j = 0; j < mi->nparams; j++) {
		fprintf(out, "  %-8s %12.5g  95%% [", mi->params[j].name, b->param[j].value);
		print_num(out, "%.5g", b->param[j].lo);
		fputs(", ", out);
		print_num(out, "%.5g", b->param[j].hi);
		fprintf(out, "] %s  %s\n", mi->params[j].unit, mi->params[j].meaning);
	}
	if (!b->identified)
		fprintf(out, "  not identified: %s\n", b->why_not);
	const wc_forecast *fc = r->forecast;
	if (fc->withheld) {
		fprintf(out, "\nforecast: none, the parameters are not identified "
			     "(--force-forecast computes one anyway)\n");
		return;
	}
	fprintf(out, "\nforecast (95%% intervals from %d of %d parameter draws):\n", fc->draws_used,
		fc->draws);
	print_estimate(out, "eventual size", &fc->eventual, s, false, "hosts");
	print_estimate(out, "peak rate", &fc->peak_rate, s, false, "hosts/h");
	print_estimate(out, "peak time", &fc->peak_time, s, true, "");
	print_estimate(out, "50% of eventual", &fc->t50, s, true, "");
	print_estimate(out, "90% of eventual", &fc->t90, s, true, "");
}
