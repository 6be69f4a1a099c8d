#include "api/api.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "model/dataset.h"
#include "model/fit.h"
#include "model/models.h"
#include "model/series.h"

struct wormcast_fit {
	wc_fit fit;
	const wc_model_info *info;
};

/* Fits s with the named model, or every model keeping the best by AICc. */
static int fit_series(const wc_series *s, const char *model, wormcast_fit **out, wc_error *e)
{
	wc_fit *fits = xcalloc(WC_MODEL_COUNT, sizeof *fits);
	int best = -1;
	if (model != NULL) {
		wc_model_kind k;
		if (wc_model_parse(model, &k) != 0)
			wc_error_set(e, WC_EXIT_USAGE,
				     "model: expected rcs, two-factor, sir or aawp, got '%.64s'",
				     model);
		else if (wc_fit_model(s, k, &fits[0], e) == 0)
			best = 0;
	} else {
		bool ok[WC_MODEL_COUNT];
		best = wc_fit_all(s, fits, ok, e);
	}
	if (best >= 0) {
		*out = xcalloc(1, sizeof **out);
		(*out)->fit = fits[best];
		(*out)->info = wc_model_describe(fits[best].model);
	}
	free(fits);
	return best >= 0 ? 0 : -1;
}

int wormcast_fit_file(const char *path, const char *column, const char *model, wormcast_fit **out,
		      wormcast_error *err)
{
	wc_error e = {0};
	wc_api_clear(err);
	*out = NULL;
	wc_series s = {0};
	wc_series_options opt = {.column = column, .kind = NULL, .counts = WC_COUNTS_AUTO};
	if (path == NULL) {
		wc_error_set(&e, WC_EXIT_USAGE, "wormcast_fit_file: no path");
		return wc_api_error(err, &e);
	}
	FILE *fp = fopen(path, "r");
	if (fp == NULL)
		wc_error_set(&e, WC_EXIT_USAGE, "%s: cannot open: %s", path, strerror(errno));
	else if (wc_dataset_read(&s, fp, path, WC_SERIES_AUTO, &opt, WC_DATASET_BIN_DEFAULT, NULL,
				 &e) == 0) {
		fit_series(&s, model, out, &e);
		wc_series_free(&s);
	}
	if (fp != NULL)
		fclose(fp);
	return *out != NULL ? WORMCAST_OK : wc_api_error(err, &e);
}

int wormcast_fit_series(const double *hours, const double *counts, size_t n, int cumulative,
			const char *model, wormcast_fit **out, wormcast_error *err)
{
	wc_error e = {0};
	wc_api_clear(err);
	*out = NULL;
	wc_series s = {0};
	if (hours == NULL || counts == NULL) {
		wc_error_set(&e, WC_EXIT_USAGE, "wormcast_fit_series: no times or counts");
		return wc_api_error(err, &e);
	}
	if (wc_series_from_arrays(&s, "series", hours, counts, n,
				  cumulative ? WC_COUNTS_CUMULATIVE : WC_COUNTS_INTERVAL,
				  &e) == 0) {
		fit_series(&s, model, out, &e);
		wc_series_free(&s);
	}
	return *out != NULL ? WORMCAST_OK : wc_api_error(err, &e);
}

const char *wormcast_fit_model(const wormcast_fit *f)
{
	return f ? f->info->name : NULL;
}

size_t wormcast_fit_points(const wormcast_fit *f)
{
	return f ? f->fit.n : 0;
}

double wormcast_fit_r2(const wormcast_fit *f)
{
	return f ? f->fit.r2 : NAN;
}

double wormcast_fit_aicc(const wormcast_fit *f)
{
	return f ? f->fit.aicc : NAN;
}

int wormcast_fit_identified(const wormcast_fit *f)
{
	return f && f->fit.identified;
}

size_t wormcast_fit_params(const wormcast_fit *f)
{
	return f ? (size_t)f->fit.np : 0;
}

const char *wormcast_fit_param_name(const wormcast_fit *f, size_t i)
{
	return f && i < (size_t)f->fit.np ? f->info->params[i].name : NULL;
}

const char *wormcast_fit_param_unit(const wormcast_fit *f, size_t i)
{
	return f && i < (size_t)f->fit.np ? f->info->params[i].unit : NULL;
}

double wormcast_fit_param(const wormcast_fit *f, size_t i, double *lo, double *hi)
{
	bool in = f && i < (size_t)f->fit.np;
	if (lo != NULL)
		*lo = in ? f->fit.param[i].lo : NAN;
	if (hi != NULL)
		*hi = in ? f->fit.param[i].hi : NAN;
	return in ? f->fit.param[i].value : NAN;
}

void wormcast_fit_free(wormcast_fit *f)
{
	free(f);
}
