/*
 * calibrate's files and summary (calib_report.h).
 */
#include "report/calib_report.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/csv.h"
#include "core/xalloc.h"
#include "model/wis.h"
#include "report/json_provenance.h"
#include "report/json_util.h"

static json_t *json_time(wc_time t)
{
	char buf[32];
	return json_string(wc_time_format(t, buf));
}

/* Parameter k of every particle, for quantiles. */
static double *param_column(const wc_abc_result *res, size_t k)
{
	double *x = xmallocarray(res->n, sizeof *x);
	for (size_t i = 0; i < res->n; i++)
		x[i] = res->theta[i * res->d + k];
	return x;
}

int wc_report_write_posterior_csv(const char *path, const wc_calib_report *r, wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	const wc_abc_result *res = r->result;
	errno = 0;
	fputs("particle,weight,distance,seed", f.fp);
	for (size_t k = 0; k < res->d; k++)
		fprintf(f.fp, ",%s", r->calib->keys[k]);
	fputc('\n', f.fp);
	for (size_t i = 0; i < res->n; i++) {
		fprintf(f.fp, "%zu,%.9g,%.9g,%" PRIu64, i, res->weight[i], res->distance[i],
			res->seeds[i]);
		for (size_t k = 0; k < res->d; k++)
			fprintf(f.fp, ",%.9g", res->theta[i * res->d + k]);
		fputc('\n', f.fp);
	}
	if (ferror(f.fp))
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}

static json_t *json_parameters(const wc_calib_report *r)
{
	const wc_abc_result *res = r->result;
	static const struct {
		const char *name;
		double p;
	} qs[] = {{"q05", 0.05}, {"q25", 0.25}, {"median", 0.5}, {"q75", 0.75}, {"q95", 0.95}};
	json_t *params = json_object();
	for (size_t k = 0; k < res->d; k++) {
		json_t *o = json_object();
		char prior[128];
		wc_prior_format(&r->calib->priors[k], prior, sizeof prior);
		json_object_set_new(o, "prior", wc_json_text(prior));
		double *x = param_column(res, k), mean = 0;
		for (size_t i = 0; i < res->n; i++)
			mean += res->weight[i] * x[i];
		json_object_set_new(o, "mean", wc_json_num9(mean));
		double v[sizeof qs / sizeof qs[0]];
		for (size_t q = 0; q < sizeof qs / sizeof qs[0]; q++) {
			v[q] = wc_weighted_quantile(x, res->weight, res->n, qs[q].p);
			json_object_set_new(o, qs[q].name, wc_json_num9(v[q]));
		}
		json_t *i50 = json_array(), *i90 = json_array();
		json_array_append_new(i50, wc_json_num9(v[1]));
		json_array_append_new(i50, wc_json_num9(v[3]));
		json_array_append_new(i90, wc_json_num9(v[0]));
		json_array_append_new(i90, wc_json_num9(v[4]));
		json_object_set_new(o, "interval50", i50);
		json_object_set_new(o, "interval90", i90);
		free(x);
		json_object_set_new(params, r->calib->keys[k], o);
	}
	return params;
}

static json_t *json_rounds(const wc_abc_result *res)
{
	json_t *a = json_array();
	for (int t = 0; t < res->rounds; t++) {
		const wc_abc_round *rd = &res->round[t];
		json_t *o = json_object();
		json_object_set_new(o, "round", json_integer(t));
		json_object_set_new(o, "simulations", json_integer((json_int_t)rd->sims));
		json_object_set_new(o, "tolerance", wc_json_num9(rd->tolerance));
		json_object_set_new(o, "acceptance", wc_json_num9(rd->acceptance));
		json_object_set_new(o, "ess", wc_json_num9(rd->ess));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_observations(const wc_calib *c)
{
	const wc_observations *o = c->obs;
	json_t *j = json_object();
	json_object_set_new(j, "file", wc_json_text(o->path));
	json_object_set_new(j, "count", json_integer((json_int_t)o->n));
	json_object_set_new(j, "first", json_time(o->first));
	json_object_set_new(j, "last", json_time(o->last));
	json_object_set_new(j, "cadence_seconds", json_integer(o->width));
	json_t *cols = json_object();
	for (size_t k = 0; k < o->ncols; k++) {
		static const char *const kinds[] = {"count", "per interval", "cumulative"};
		char what[96];
		snprintf(what, sizeof what, "%s (%s)", o->cols[k].target, kinds[o->cols[k].kind]);
		json_object_set_new(cols, o->cols[k].name, wc_json_text(what));
	}
	json_object_set_new(j, "columns", cols);
	return j;
}

static json_t *calib_build(const wc_calib_report *r)
{
	const wc_abc_result *res = r->result;
	const wc_abc_config *cfg = r->config;
	json_t *root = json_object();
	json_object_set_new(root, "scenario", wc_json_text(r->calib->base.name));
	json_object_set_new(root, "observations", json_observations(r->calib));
	json_object_set_new(root, "distance",
			    wc_json_text("rms of log(1+simulated) - log(1+observed)"));
	json_t *s = json_object();
	json_object_set_new(s, "simulations_asked", json_integer((json_int_t)cfg->sims));
	json_object_set_new(s, "rounds_asked", json_integer(cfg->rounds));
	json_object_set_new(s, "particles", json_integer((json_int_t)cfg->particles));
	json_object_set_new(s, "tolerance_quantile", wc_json_num9(cfg->alpha));
	json_object_set_new(s, "seed", json_integer((json_int_t)cfg->seed));
	json_object_set_new(s, "engine", wc_json_text(wc_engine_name(r->calib->engine)));
	json_object_set_new(root, "settings", s);
	json_object_set_new(root, "simulations_used", json_integer((json_int_t)res->sims));
	json_object_set_new(root, "rounds_completed", json_integer(res->rounds));
	json_object_set_new(root, "effective_sample_size",
			    wc_json_num9(res->rounds ? res->round[res->rounds - 1].ess : NAN));
	json_object_set_new(root, "parameters", json_parameters(r));
	json_object_set_new(root, "rounds", json_rounds(res));
	json_t *fc = json_object();
	json_object_set_new(fc, "from", json_time(r->calib->obs->last));
	json_object_set_new(fc, "until", json_time(r->forecast_until));
	json_object_set_new(fc, "file", wc_json_text("forecast.csv"));
	json_object_set_new(root, "forecast", fc);
	if (r->provenance != NULL) {
		const wc_provenance *p = r->provenance;
		json_object_set_new(
			root, "provenance",
			wc_report_provenance_json(p, p->command_line ? wc_json_text(p->command_line)
								     : NULL));
	}
	return root;
}

int wc_report_write_calibrate_json(const char *path, const wc_calib_report *r, wc_error *err)
{
	return wc_json_dump_file(path, calib_build(r),
				 JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
				 err);
}

int wc_report_write_calib_forecast_csv(const char *path, const wc_calib_report *r, wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	const wc_calib_predictive *p = r->pred;
	const wc_observations *o = r->calib->obs;
	double levels[WC_HUB_LEVELS];
	wc_hub_levels(levels);
	char from[32], to[32];
	wc_time_format(o->last, from);
	errno = 0;
	fputs("forecast_date,target,target_end_date,location,type,quantile,value\n", f.fp);
	for (size_t i = 0; i < p->ntimes; i++) {
		if (p->times[i] <= o->last)
			continue;
		wc_time_format(p->times[i], to);
		double h = (double)(p->times[i] - o->last) / 3600;
		for (size_t k = 0; k < p->ncols; k++) {
			const double *q = p->q + (i * p->ncols + k) * WC_HUB_LEVELS;
			for (int l = 0; l < WC_HUB_LEVELS; l++) {
				fprintf(f.fp, "%s,%.6g h ahead %s,%s,", from, h, o->cols[k].name,
					to);
				wc_csv_write_field(f.fp, r->calib->base.name);
				fprintf(f.fp, ",quantile,%.3g,%.9g\n", levels[l], q[l]);
			}
		}
	}
	if (ferror(f.fp))
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}

void wc_report_print_calib(FILE *out, const wc_calib_report *r)
{
	const wc_abc_result *res = r->result;
	fprintf(out,
		"calibrated %s to %zu observations in %s: %" PRIu64
		" simulations, %d of %d rounds\n",
		r->calib->base.name, r->calib->obs->n, r->calib->obs->path, res->sims, res->rounds,
		r->config->rounds);
	fprintf(out, "%-6s %12s %12s %10s\n", "round", "simulations", "tolerance", "ESS");
	for (int t = 0; t < res->rounds; t++)
		fprintf(out, "%-6d %12" PRIu64 " %12.4g %10.1f\n", t, res->round[t].sims,
			res->round[t].tolerance, res->round[t].ess);
	fprintf(out, "\n%-32s %12s %12s %12s %12s %12s\n", "key", "5%", "25%", "median", "75%",
		"95%");
	for (size_t k = 0; k < res->d; k++) {
		double *x = param_column(res, k);
		fprintf(out, "%-32s", r->calib->keys[k]);
		const double ps[] = {0.05, 0.25, 0.5, 0.75, 0.95};
		for (int q = 0; q < 5; q++)
			fprintf(out, " %12.5g",
				wc_weighted_quantile(x, res->weight, res->n, ps[q]));
		fputc('\n', out);
		free(x);
	}
}
