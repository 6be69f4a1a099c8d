/*
 * calibrate's plot (calib_report.h): per observed column, the observations,
 * the posterior predictive median and its 50% and 90% bands, and a line
 * where the forecast begins.
 */
#include "report/calib_report.h"

#include <math.h>
#include <stdlib.h>

#include "core/xalloc.h"
#include "model/wis.h"
#include "report/plcalls.h"
#include "report/plotkit.h"

enum { COL_BG = 0, COL_FG, COL_MED = 6, COL_B50, COL_B90, COL_DATA, COL_GRID = 5 };
/* Indices of the hub levels (model/wis.h) the plot draws. */
enum { Q05 = 2, Q25 = 6, Q50 = 11, Q75 = 16, Q95 = 20 };

#define MAX_PANELS 4

static void calib_colours(void)
{
	plscol0(COL_MED, 0, 114, 178);
	plscol0(COL_B50, 140, 190, 225);
	plscol0(COL_B90, 212, 230, 244);
	plscol0(COL_DATA, 213, 94, 0);
}

/* Plain counts on the y axis (no "x10^5" block to collide with the panel
 * above): whole numbers up to a million, three digits beyond. */
static void label_count(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
	(void)axis;
	(void)data;
	if (fabs(value) < 1e6)
		snprintf(label, (size_t)length, "%.0f", value + 0.0);
	else
		snprintf(label, (size_t)length, "%.3g", value);
}

static double qv(const wc_calib_predictive *p, size_t i, size_t k, int level)
{
	return p->q[(i * p->ncols + k) * WC_HUB_LEVELS + (size_t)level];
}

static void band(const wc_calib_predictive *p, size_t k, int lo, int hi, PLINT colour, PLFLT *x,
		 PLFLT *y)
{
	size_t m = 0;
	for (size_t i = 0; i < p->ntimes; i++)
		if (isfinite(qv(p, i, k, hi))) {
			x[m] = (double)p->times[i];
			y[m++] = qv(p, i, k, hi);
		}
	for (size_t i = p->ntimes; i-- > 0;)
		if (isfinite(qv(p, i, k, lo))) {
			x[m] = (double)p->times[i];
			y[m++] = qv(p, i, k, lo);
		}
	if (m >= 3) {
		plcol0(colour);
		plfill((PLINT)m, x, y);
	}
}

static void panel(const wc_calib_report *r, size_t k, size_t npanels, PLFLT *x, PLFLT *y)
{
	const wc_calib_predictive *p = r->pred;
	const wc_observations *o = r->calib->obs;
	double ymax = 1;
	for (size_t i = 0; i < p->ntimes; i++)
		if (isfinite(qv(p, i, k, Q95)))
			ymax = fmax(ymax, qv(p, i, k, Q95));
	for (size_t i = 0; i < o->n; i++)
		if (o->obs[i].col == k)
			ymax = fmax(ymax, o->obs[i].value);
	double h = 0.78 / (double)npanels, top = 0.88 - h * (double)k;
	plvpor(0.12, 0.95, top - h + 0.10, top);
	double x0 = (double)p->times[0], x1 = (double)p->times[p->ntimes - 1];
	plwind(x0, x1 > x0 ? x1 : x0 + 1, 0, ymax * 1.05);
	pltimefmt(x1 - x0 <= 86400 ? "%H:%M" : "%m-%d %H:%M");
	plslabelfunc(label_count, NULL);
	plcol0(COL_GRID);
	plbox("gd", 0, 0, "g", 0, 0);
	band(p, k, Q05, Q95, COL_B90, x, y);
	band(p, k, Q25, Q75, COL_B50, x, y);
	size_t m = 0;
	for (size_t i = 0; i < p->ntimes; i++) {
		x[m] = (double)p->times[i];
		y[m++] = qv(p, i, k, Q50);
	}
	plcol0(COL_MED);
	plwidth(2.5);
	plline((PLINT)m, x, y);
	plwidth(1.0);
	PLFLT lx[2] = {(double)o->last, (double)o->last}, ly[2] = {0, ymax * 1.05};
	plcol0(COL_FG);
	pllsty(3);
	plline(2, lx, ly);
	pllsty(1);
	m = 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->obs[i].col == k) {
			x[m] = (double)o->obs[i].time;
			y[m++] = o->obs[i].value;
		}
	plcol0(COL_DATA);
	plschr(0, 0.6);
	plstring((PLINT)m, x, y, "#[0x25cf]");
	plschr(0, 0.8);
	plcol0(COL_FG);
	plbox("bcnstd", 0, 0, "bcnstvo", 0, 0);
	char label[160], name[80];
	wc_plot_escape(o->cols[k].name, name, sizeof name);
	snprintf(label, sizeof label, "%s: observed (dots), median, 50%% and 90%% bands", name);
	plmtex("t", 0.8, 0.5, 0.5, label);
	plschr(0, 1.0);
}

static void draw_calib(void *ctx)
{
	const wc_calib_report *r = ctx;
	calib_colours();
	size_t cap = 2 * r->pred->ntimes + r->calib->obs->n + 2;
	PLFLT *x = xmallocarray(cap, sizeof *x), *y = xmallocarray(cap, sizeof *y);
	size_t np = r->pred->ncols < MAX_PANELS ? r->pred->ncols : MAX_PANELS;
	pladv(0);
	for (size_t k = 0; k < np; k++)
		panel(r, k, np, x, y);
	char title[160], name[80];
	wc_plot_escape(r->calib->base.name, name, sizeof name);
	snprintf(title, sizeof title,
		 "calibrate %s: posterior predictive, UTC; forecast right of the dotted line",
		 name);
	plvpor(0.12, 0.95, 0.1, 0.88);
	plschr(0, 1.0);
	plmtex("t", 2.5, 0.5, 0.5, title);
	free(x);
	free(y);
}

int wc_report_plot_calib(const char *path, const wc_calib_report *r, wc_error *err)
{
	return wc_plot_render(path, draw_calib, (void *)r, err);
}
