/*
 * sweep_json.c — sweep's summary.json: what sweep.csv says, per combination
 * (each varied key's value, each outcome's mean, 95% interval and 5-95%
 * spread), as one JSON document for programs (`sweep --format json`).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "core/atomicfile.h"
#include "core/provenance.h"
#include "report/json_provenance.h"
#include "report/sweep_report.h"

/* A number, or null where it does not exist (NaN: no run reached it). */
static json_t *json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *json_outcome(const double *base, uint64_t runs, int o)
{
	wc_mean_ci ci;
	wc_spread90 sp;
	wc_mean_ci95(base + o, runs, WC_NOUTCOMES, &ci);
	wc_spread90_of(base + o, runs, WC_NOUTCOMES, &sp);
	json_t *e = json_object();
	json_object_set_new(e, "mean", json_num(ci.mean));
	json_object_set_new(e, "lo", json_num(ci.lo));
	json_object_set_new(e, "hi", json_num(ci.hi));
	json_object_set_new(e, "p5", json_num(sp.p5));
	json_object_set_new(e, "p95", json_num(sp.p95));
	json_object_set_new(e, "runs_reached", json_integer((json_int_t)ci.n));
	return e;
}

static json_t *json_combination(const wc_sweep *sw, const double *out, uint64_t c)
{
	json_t *e = json_object(), *vary = json_object(), *outc = json_object();
	for (size_t k = 0; k < sw->nkeys; k++)
		json_object_set_new(
			vary, sw->keys[k].key,
			json_string(sw->keys[k].values[wc_sweep_value_index(sw, c, k)]));
	const double *base = out + (size_t)c * sw->runs * WC_NOUTCOMES;
	for (int o = 0; o < WC_NOUTCOMES; o++)
		json_object_set_new(outc, wc_outcome_get(o)->name, json_outcome(base, sw->runs, o));
	json_object_set_new(e, "vary", vary);
	json_object_set_new(e, "outcomes", outc);
	return e;
}

int wc_report_write_sweep_json(const char *path, const wc_sweep *sw, const double *out,
			       const wc_provenance *prov, wc_error *err)
{
	json_t *root = json_object(), *combs = json_array();
	json_object_set_new(root, "command", json_string("sweep"));
	json_object_set_new(root, "scenario", json_string(sw->base.name));
	json_object_set_new(root, "runs_per_combination", json_integer((json_int_t)sw->runs));
	json_object_set_new(root, "first_seed", json_integer((json_int_t)sw->seed));
	uint64_t ncomb = wc_sweep_combinations(sw);
	for (uint64_t c = 0; c < ncomb; c++)
		json_array_append_new(combs, json_combination(sw, out, c));
	json_object_set_new(root, "combinations", combs);
	/* json_string refuses text that is not UTF-8: then null, not a missing key. */
	json_object_set_new(
		root, "provenance",
		wc_report_provenance_json(
			prov, prov && prov->command_line ? json_string(prov->command_line) : NULL));
	wc_atomic_file f;
	int rc = wc_atomic_open(&f, path, err);
	if (rc == 0 &&
	    (json_dumpf(root, f.fp,
			JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) != 0 ||
	     fputc('\n', f.fp) == EOF)) {
		wc_atomic_abort(&f);
		rc = wc_error_set(err, WC_EXIT_RUNTIME, "%s: write failed", path);
	} else if (rc == 0) {
		rc = wc_atomic_commit(&f, err);
	}
	json_decref(root);
	return rc;
}
