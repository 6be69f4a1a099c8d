#include "report/fit_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/atomicfile.h"
#include "core/xalloc.h"
#include "report/plcalls.h"
#include "report/plotkit.h"
#include "report/report.h"

/* The run plot's conventions (report/plot.c): white paper, black axes, Okabe
 * and Ito's colour-blind-safe palette; the band is a pale shade of the
 * curve's blue. */
enum { COL_BG = 0, COL_FG, COL_FIT, COL_BAND, COL_DATA, COL_GRID, COL_PRED };

static void fit_colours(void)
{
	plscolbg(255, 255, 255);
	plscol0(COL_BG, 255, 255, 255);
	plscol0(COL_FG, 0, 0, 0);
	plscol0(COL_FIT, 0, 114, 178);
	plscol0(COL_BAND, 165, 202, 230);
	plscol0(COL_DATA, 213, 94, 0);
	plscol0(COL_GRID, 225, 225, 225);
	plscol0(COL_PRED, 212, 230, 244); /* paler than the confidence band */
}

/* y-axis labels with thousands separators, as the run plot has them. */
static void fit_label_count(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
	(void)axis;
	(void)data;
	if (value < 0.5)
		snprintf(label, (size_t)length, "0");
	else if (value < 100 || !(value < 1e15))
		snprintf(label, (size_t)length, "%.3g", value); /* no cast of a huge value */
	else
		wc_report_thousands((uint64_t)(value + 0.5), label, (size_t)length);
}

/* Labelled time ticks on round UTC clock times, few enough not to crowd
 * (the run plot's table). */
static double fit_time_step(double span)
{
	static const double steps[] = {300,   600,   900,   1800,   3600,   7200,    10800,
				       21600, 43200, 86400, 172800, 604800, 1209600, 2592000};
	size_t n = sizeof steps / sizeof steps[0];
	for (size_t i = 0; i < n; i++)
		if (span / steps[i] <= 8)
			return steps[i];
	return steps[n - 1];
}

/* x in plot units: seconds since the epoch for ISO input (PLplot's time
 * axis), hours otherwise. */
static double xval(const wc_series *s, double t)
{
	return s->iso ? (double)wc_series_instant(s, t) : wc_series_input_hours(s, t);
}

/* A band as one polygon, upper edge forward, lower edge back; returns its
 * points (fewer than 3: nothing drawn). x and y hold 2G points. */
static size_t fill_band(const wc_series *s, const wc_forecast *fc, const double *lo,
			const double *hi, PLINT colour, PLFLT *x, PLFLT *y)
{
	size_t m = 0, G = fc->npts;
	for (size_t i = 0; i < G; i++)
		if (isfinite(hi[i])) {
			x[m] = xval(s, fc->t[i]);
			y[m++] = hi[i];
		}
	for (size_t i = G; i-- > 0;)
		if (isfinite(lo[i])) {
			x[m] = xval(s, fc->t[i]);
			y[m++] = lo[i];
		}
	if (m >= 3) {
		plcol0(colour);
		plfill((PLINT)m, x, y);
	}
	return m;
}

/* The legend says which band is which: users compare data with the
 * prediction band, not the (narrower) confidence band of the curve. */
/* entries: 2 (data, fit), 3 (and the forecast) or 5 (and the two bands). */
static void fit_legend(const wc_series *s, int entries)
{
	static const char marker[] = "#[0x25cf]";
	const char *text[] = {"data", "fit", "forecast", "95% prediction band (observations)",
			      "95% confidence band (curve)"};
	PLINT opts[] = {PL_LEGEND_SYMBOL, PL_LEGEND_LINE, PL_LEGEND_LINE, PL_LEGEND_COLOR_BOX,
			PL_LEGEND_COLOR_BOX};
	PLINT colours[] = {COL_DATA, COL_FIT, COL_FIT, COL_PRED, COL_BAND};
	PLINT text_colours[] = {COL_FG, COL_FG, COL_FG, COL_FG, COL_FG};
	PLINT styles[] = {1, 1, 3, 1, 1};
	PLFLT widths[] = {1.0, 2.5, 2.5, 1.0, 1.0};
	PLFLT scales[] = {1, 1, 1, 1, 1};
	PLINT numbers[] = {1, 1, 1, 1, 1};
	const char *symbols[] = {marker, "", "", "", ""};
	PLINT patterns[] = {0, 0, 0, 0, 0};
	PLFLT box_scales[] = {0.8, 0.8, 0.8, 0.8, 0.8};
	PLFLT box_widths[] = {1, 1, 1, 1, 1};
	PLFLT lw, lh;
	/* Cumulative curves rise to the top right, per-interval ones peak in
	 * the middle: the legend goes where the curve is not. */
	PLINT pos = s->counts == WC_COUNTS_CUMULATIVE ? PL_POSITION_BOTTOM | PL_POSITION_RIGHT
						      : PL_POSITION_TOP | PL_POSITION_RIGHT;
	pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, pos | PL_POSITION_INSIDE,
		 0.02, 0.03, 0.07, COL_BG, COL_FG, 1, 0, 0, entries, opts, 1.0, 1.0, 1.8, 0.0,
		 text_colours, text, colours, patterns, box_scales, box_widths, colours, styles,
		 widths, colours, scales, numbers, symbols);
}

/* The viewport, the axes (UTC clock times or hours), their labels and the title. */
static void fit_frame(const wc_fit_report *r, double x0, double x1, double ymax)
{
	const wc_series *s = r->series;
	pladv(0);
	plvpor(0.14, 0.95, 0.12, 0.91);
	plwind(x0, x1, 0, ymax);
	plwidth(1.0);
	const char *xopt = "bcnst";
	char xlabel[64];
	double xstep = 0;
	if (s->iso) {
		char day[32];
		wc_time_format(wc_series_instant(s, 0), day);
		day[10] = '\0';
		xstep = fit_time_step(x1 - x0);
		pltimefmt(xstep < 86400 ? "%H:%M" : "%m-%d");
		snprintf(xlabel, sizeof xlabel, "UTC, from %s", day);
		xopt = "bcnstd";
	} else {
		snprintf(xlabel, sizeof xlabel, "hours");
	}
	plcol0(COL_GRID);
	plslabelfunc(fit_label_count, NULL);
	plbox(s->iso ? "gd" : "g", xstep, 0, "g", 0, 0);
	plcol0(COL_FG);
	plbox(xopt, xstep, 0, "bcnstvo", 0, 0);
	plmtex("b", 3.0, 0.5, 0.5, xlabel);
	plmtex("l", 7.0, 0.5, 0.5,
	       s->counts == WC_COUNTS_CUMULATIVE ? "hosts (cumulative)" : "new hosts per interval");
	char title[160];
	snprintf(title, sizeof title,
		 r->forecast->withheld ? "fit: %s; no forecast (not identified)"
				       : "fit: %s, with 95%% bands",
		 wc_model_describe(r->best)->title);
	plschr(0, 1.1);
	plmtex("t", 1.5, 0.5, 0.5, title);
	plschr(0, 1.0);
}

/* The fit solid over the data, dashed where it is forecast; x and y hold at
 * least fc->npts points. */
static void fit_curve(const wc_series *s, const wc_forecast *fc, PLFLT *x, PLFLT *y)
{
	size_t G = fc->npts;
	double tlast = s->t[s->n - 1];
	size_t a = 0, b = 0;
	for (size_t i = 0; i < G; i++) {
		x[i] = xval(s, fc->t[i]);
		y[i] = fc->fit[i];
		if (fc->t[i] <= tlast)
			a = i + 1;
	}
	b = G;
	plcol0(COL_FIT);
	plwidth(2.5);
	if (a > 1)
		plline((PLINT)a, x, y);
	if (b > a) {
		size_t from = a > 0 ? a - 1 : 0;
		pllsty(3);
		plline((PLINT)(b - from), x + from, y + from);
		pllsty(1);
	}
}

/* The observed points as dots; x and y hold at least s->n points. */
static void fit_data(const wc_series *s, PLFLT *x, PLFLT *y)
{
	for (size_t i = 0; i < s->n; i++) {
		x[i] = xval(s, s->t[i]);
		y[i] = s->y[i];
	}
	plcol0(COL_DATA);
	plwidth(1.0);
	static const char marker[] = "#[0x25cf]";
	plschr(0, 0.6);
	plstring((PLINT)s->n, x, y, marker);
	plschr(0, 1.0);
}

static void fit_draw(const wc_fit_report *r)
{
	const wc_series *s = r->series;
	const wc_forecast *fc = r->forecast;
	size_t G = fc->npts, n = s->n;
	/* One buffer serves the band polygon (2G points) and the data (n points,
	 * any number of rows): sized for the larger. */
	size_t cap = (2 * G > n ? 2 * G : n) + 1;
	PLFLT *x = xmallocarray(cap, sizeof *x), *y = xmallocarray(cap, sizeof *y);
	double ymax = 0;
	for (size_t i = 0; i < n; i++)
		ymax = fmax(ymax, s->y[i]);
	for (size_t i = 0; i < G; i++)
		ymax = fmax(ymax, fmax(fc->fit[i], isfinite(fc->phi[i]) ? fc->phi[i] : 0));
	ymax = ymax > 0 ? ymax * 1.05 : 1;
	double x0 = xval(s, 0), x1 = xval(s, fc->t_end);
	if (x1 <= x0)
		x1 = x0 + 1;
	fit_frame(r, x0, x1, ymax);
	/* The prediction band under the confidence band: observations scatter
	 * more widely than the curve is uncertain. */
	size_t m = fill_band(s, fc, fc->plo, fc->phi, COL_PRED, x, y);
	fill_band(s, fc, fc->lo, fc->hi, COL_BAND, x, y);
	fit_curve(s, fc, x, y);
	fit_data(s, x, y);
	fit_legend(s, fc->withheld ? 2 : m >= 3 ? 5 : 3);
	free(x);
	free(y);
}

static void draw_fit(void *ctx)
{
	fit_colours();
	fit_draw(ctx);
}

int wc_report_plot_fit(const char *path, const wc_fit_report *r, wc_error *err)
{
	return wc_plot_render(path, draw_fit, (void *)r, err);
}
