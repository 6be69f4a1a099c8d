#include "report/report.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/atomicfile.h"
#include "core/xalloc.h"
#include "report/ensemble.h"
#include "report/plcalls.h"
#include "report/plotkit.h"

/*
 * Colour map 0 as a paper figure wants it. PLplot's default is red on black;
 * index 0 is the background. The curve colours are from Okabe and Ito's
 * palette, which stays distinguishable to colour-blind readers and in grey.
 */
enum {
	COL_BG = 0,
	COL_FG = 1,
	COL_CUMULATIVE = 2,
	COL_ACTIVE = 3,
	COL_TELESCOPE = 4,
	COL_GRID = 5,
	COL_BAND = 6, /* the ensemble band: the cumulative curve's blue, pale */
};

static void plot_set_colours(void)
{
	plscolbg(255, 255, 255);
	plscol0(COL_BG, 255, 255, 255);
	plscol0(COL_FG, 0, 0, 0);
	plscol0(COL_CUMULATIVE, 0, 114, 178);
	plscol0(COL_ACTIVE, 230, 159, 0);
	plscol0(COL_TELESCOPE, 0, 158, 115);
	plscol0(COL_GRID, 225, 225, 225);
	plscol0(COL_BAND, 178, 212, 232);
}

const char *wc_plot_device(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	if (dot == NULL)
		return NULL;
	if (strcasecmp(dot, ".png") == 0)
		return "pngcairo";
	if (strcasecmp(dot, ".svg") == 0)
		return "svgcairo";
	if (strcasecmp(dot, ".pdf") == 0)
		return "pdfcairo";
	return NULL;
}

/*
 * Asked for a device it lacks, plinit() falls back to prompting on stdin for
 * another, which would hang a batch run: check the driver list first.
 */
static bool plot_have_device(const char *dev)
{
	const char *menu[128], *names[128];
	const char **pm = menu, **pn = names;
	int n = 128;

	plgDevs(&pm, &pn, &n);
	for (int i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], dev) == 0)
			return true;
	return false;
}

void wc_plot_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; *s != '\0' && o + 2 < len; s++) {
		if (*s == '#')
			buf[o++] = '#';
		buf[o++] = *s;
	}
	buf[o] = '\0';
}

/* y-axis labels with thousands separators instead of PLplot's "×10⁵". */
static void plot_label_hosts(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
	(void)axis;
	(void)data;
	if (value < 0.5)
		snprintf(label, (size_t)length, "0");
	else
		wc_report_thousands((uint64_t)(value + 0.5), label, (size_t)length);
}

/*
 * Ticks fall on multiples of the step counted from the epoch, so on round UTC
 * clock times; the step is the smallest that keeps labels from crowding.
 */
struct time_ticks {
	double step; /* seconds between labelled ticks */
	int nsub;    /* minor intervals per step */
};

static struct time_ticks plot_time_ticks(double span, int max_labels)
{
	static const struct time_ticks steps[] = {
		{300, 5},    {600, 2},	  {900, 3},	{1800, 3},     {3600, 4},
		{7200, 2},   {10800, 3},  {21600, 6},	{43200, 2},    {86400, 4},
		{172800, 2}, {604800, 7}, {1209600, 2}, {2592000, 30},
	};
	size_t n = sizeof steps / sizeof steps[0];

	for (size_t i = 0; i < n; i++)
		if (span / steps[i].step <= max_labels)
			return steps[i];
	return steps[n - 1];
}

/* A filled circle (U+25CF) and a triangle (U+25B2), drawn from the font: the
 * cairo drivers render Unicode, where Hershey's symbol set has no filled
 * circle of a useful size. */
static const char glyph_disc[] = "#[0x25cf]";
static const char glyph_head[] = "#[0x25b2]";

void wc_history_style_of(const wc_history_point *h, wc_history_style *out)
{
	switch (h->curve) {
	case WC_CURVE_ACTIVE:
		out->colour = COL_ACTIVE;
		out->curve = "active";
		break;
	case WC_CURVE_TELESCOPE:
		out->colour = COL_TELESCOPE;
		out->curve = "telescope sources";
		break;
	case WC_CURVE_CUMULATIVE:
	default:
		out->colour = COL_CUMULATIVE;
		out->curve = "cumulative infected";
		break;
	}
	out->arrow_up = h->kind == WC_HISTORY_LOWER_BOUND;
	out->hollow = h->kind == WC_HISTORY_ESTIMATE;
	out->legend = h->kind == WC_HISTORY_LOWER_BOUND ? "lower bound (>)"
		      : h->kind == WC_HISTORY_ESTIMATE	? "estimate (~)"
							: "count";
}

/* A historical point's marker at (x, y) in world coordinates, outlined in
 * black so that it shows on a curve of its own colour. A lower bound is a bar
 * of half-width half at y and an arrow of length len above it. */
static void plot_marker(const wc_history_style *st, PLFLT x, PLFLT y, double half, double len)
{
	if (st->arrow_up) {
		PLFLT top = y + len;
		PLFLT bx[2] = {x - half, x + half}, by[2] = {y, y};
		PLFLT sx[2] = {x, x}, sy[2] = {y, top};
		for (int pass = 0; pass < 2; pass++) {
			plcol0(pass == 0 ? COL_FG : st->colour);
			plwidth(pass == 0 ? 4.5 : 2.0);
			plline(2, bx, by);
			plline(2, sx, sy);
			plschr(0, pass == 0 ? 0.8 : 0.6);
			plstring(1, &x, &top, glyph_head);
		}
	} else {
		plschr(0, 1.0);
		plcol0(COL_FG);
		plstring(1, &x, &y, glyph_disc);
		plschr(0, 0.75);
		plcol0(st->colour);
		plstring(1, &x, &y, glyph_disc);
		if (st->hollow) {
			plschr(0, 0.4);
			plcol0(COL_BG);
			plstring(1, &x, &y, glyph_disc);
		}
	}
	plschr(0, 1.0);
	plwidth(1.0);
}

/* At most this many historical points carry their value as a label. */
#define WC_PLOT_LABELLED_POINTS 12

/* The plot's extent and time axis, shared by the steps that draw it. */
struct run_frame {
	double x0, x1, ymax;
	double arrow; /* a lower bound's arrow length, in hosts */
	bool one_day;
	struct time_ticks ticks;
};

static void plot_frame(const wc_scenario *sc, const wc_timeline *tl, struct run_frame *f)
{
	size_t n = tl->n;
	double ymax = 0, hmax = 0;
	for (size_t i = 0; i < n; i++) {
		const wc_timeline_row *r = &tl->rows[i];
		ymax = fmax(ymax, fmax((double)r->cumulative_infected,
				       fmax((double)r->active, (double)r->telescope_sources)));
	}
	for (int i = 0; i < sc->nhistory; i++)
		hmax = fmax(hmax, sc->history[i].value);
	ymax = fmax(ymax, hmax);
	ymax = ymax > 0 ? ymax : 1;
	/* Room above the highest point for its arrow and its label. */
	f->arrow = 0.08 * ymax;
	f->ymax = fmax(ymax * 1.05, hmax > 0 ? hmax + 2.6 * f->arrow : 0);

	f->x0 = (double)sc->start;
	f->x1 = n > 0 ? (double)tl->rows[n - 1].time : (double)sc->end;
	if (f->x1 <= f->x0)
		f->x1 = f->x0 + 3600;
	f->one_day = f->x1 - f->x0 <= 86400;
	f->ticks = plot_time_ticks(f->x1 - f->x0, f->one_day ? 12 : 5);
}

static void plot_axes(const wc_scenario *sc, const struct run_frame *f)
{
	/* Within a day the date goes once into the axis label; longer runs need
	 * it on every tick. */
	char day[32], xlabel[64], title[2 * WC_NAME_MAX + 32], name[2 * WC_NAME_MAX];
	wc_time_format(sc->start, day);
	day[10] = '\0';
	if (f->one_day) {
		pltimefmt("%H:%M");
		snprintf(xlabel, sizeof xlabel, "UTC, %s", day);
	} else {
		pltimefmt(f->ticks.step >= 86400 ? "%m-%d" : "%m-%d %H:%M");
		snprintf(xlabel, sizeof xlabel, "UTC, from %s", day);
	}
	wc_plot_escape(sc->name, name, sizeof name);
	snprintf(title, sizeof title, "%s: simulated outbreak", name);

	pladv(0);
	/* The right margin holds half of the last tick label; the band above
	 * the axes holds the legend, so it never covers a curve. */
	plvpor(0.15, f->one_day ? 0.955 : 0.935, 0.12, 0.80);
	plwind(f->x0, f->x1, 0, f->ymax);
	plslabelfunc(plot_label_hosts, NULL);

	plwidth(1.0);
	plcol0(COL_GRID);
	plbox("g", f->ticks.step, 0, "g", 0, 0);
	plcol0(COL_FG);
	plbox("bcnstd", f->ticks.step, f->ticks.nsub, "bcnstvo", 0, 0);
	plmtex("b", 3.0, 0.5, 0.5, xlabel);
	plmtex("l", 7.0, 0.5, 0.5, "hosts");
	plschr(0, 1.25);
	plmtex("t", 5.0, 0.5, 0.5, title);
	plschr(0, 1.0);
}

static void plot_curves(const wc_timeline *tl)
{
	size_t n = tl->n;
	if (n == 0)
		return;
	PLFLT *x = xmallocarray(n, sizeof *x);
	PLFLT *y = xmallocarray(n, sizeof *y);
	for (size_t i = 0; i < n; i++)
		x[i] = (PLFLT)tl->rows[i].time;

	for (int c = 0; c < 3; c++) {
		/* Cumulative infected is drawn widest, so that it still shows
		 * where active (before any removal) or the telescope's count
		 * (dashed) runs along it. */
		plwidth(c == 0 ? 4.0 : 2.0);
		for (size_t i = 0; i < n; i++) {
			const wc_timeline_row *r = &tl->rows[i];
			y[i] = (PLFLT)(c == 0	? r->cumulative_infected
				       : c == 1 ? r->active
						: r->telescope_sources);
		}
		plcol0(c == 0 ? COL_CUMULATIVE : c == 1 ? COL_ACTIVE : COL_TELESCOPE);
		pllsty(c == 2 ? 2 : 1);
		plline((PLINT)n, x, y);
	}
	pllsty(1);
	free(x);
	free(y);
}

/* How close a label centred at (x, y) comes to a curve: the least distance
 * in hosts to the three curves, sampled at x and a label's half-width either
 * side. */
static double plot_clearance(const wc_timeline *tl, const struct run_frame *f, double x, double y)
{
	double best = f->ymax, w = 0.05 * (f->x1 - f->x0);
	for (int k = -1; k <= 1; k++) {
		const wc_timeline_row *r = wc_timeline_row_at(tl, (wc_time)(x + k * w));
		if (r == NULL)
			continue;
		double v[3] = {(double)r->cumulative_infected, (double)r->active,
			       (double)r->telescope_sources};
		for (int c = 0; c < 3; c++)
			best = fmin(best, fabs(v[c] - y));
	}
	return best;
}

/* One historical point, and beside it what it says ("> 359,000"), so the
 * figure can be read without the scenario file: above the marker, or below
 * it where a curve runs through the space above. */
static void plot_history_point(const wc_history_point *h, const wc_timeline *tl,
			       const struct run_frame *f, bool label_it)
{
	wc_history_style st;
	wc_history_style_of(h, &st);
	PLFLT x = (PLFLT)h->time, y = h->value;
	plot_marker(&st, x, y, 0.006 * (f->x1 - f->x0), f->arrow);
	if (!label_it)
		return;

	char num[32], label[48];
	/* The scenario reader bounds a value below only: keep the cast defined. */
	if (h->value < 1e15)
		wc_report_thousands((uint64_t)(h->value + 0.5), num, sizeof num);
	else
		snprintf(num, sizeof num, "%.3g", h->value);
	snprintf(label, sizeof label, "%s%s",
		 h->kind == WC_HISTORY_LOWER_BOUND ? "> "
		 : h->kind == WC_HISTORY_ESTIMATE  ? "~"
						   : "",
		 num);
	double above = y + (st.arrow_up ? 1.35 : 0.45) * f->arrow, below = y - 0.5 * f->arrow;
	double ly = above;
	if (below > 0.2 * f->arrow && plot_clearance(tl, f, x, above) < 0.5 * f->arrow &&
	    plot_clearance(tl, f, x, below) > plot_clearance(tl, f, x, above))
		ly = below;
	plschr(0, 0.8);
	plcol0(COL_FG);
	plptex(x, ly, 1, 0, 0.5, label);
	plschr(0, 1.0);
}

/*
 * The legend, drawn by hand in the band between the title and the axes, so it
 * never covers a curve: the three curves on the first row, one entry per kind
 * of historical point present on the second, in fixed columns (PLplot's own
 * legend sizes its columns from text widths the cairo drivers overstate).
 */
static void plot_legend(const wc_scenario *sc, const struct run_frame *f)
{
	static const char *curves[] = {"cumulative infected", "active", "telescope sources"};
	static const int colours[] = {COL_CUMULATIVE, COL_ACTIVE, COL_TELESCOPE};
	static const enum wc_history_kind kinds[] = {WC_HISTORY_COUNT, WC_HISTORY_ESTIMATE,
						     WC_HISTORY_LOWER_BOUND};

	plvpor(0.15, f->one_day ? 0.955 : 0.935, 0.82, 0.92);
	plwind(0, 1, 0, 1);
	plschr(0, 0.85);
	for (int c = 0; c < 3; c++) {
		PLFLT x0 = 0.34 * c, lx[2] = {x0, x0 + 0.06}, ly[2] = {0.75, 0.75};
		plcol0(colours[c]);
		plwidth(c == 0 ? 4.0 : 2.0);
		pllsty(c == 2 ? 2 : 1);
		plline(2, lx, ly);
		pllsty(1);
		plcol0(COL_FG);
		plptex(x0 + 0.075, 0.75, 1, 0, 0, curves[c]);
	}
	if (sc->nhistory > 0)
		plptex(0, 0.25, 1, 0, 0, "measured:");
	int col = 0;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		for (int i = 0; i < sc->nhistory; i++) {
			if (sc->history[i].kind != kinds[k])
				continue;
			wc_history_style st;
			wc_history_style_of(&sc->history[i], &st);
			PLFLT x0 = 0.14 + 0.29 * col++;
			plot_marker(&st, x0 + 0.03, st.arrow_up ? 0.05 : 0.25, 0.01, 0.28);
			plschr(0, 0.85);
			plcol0(COL_FG);
			plptex(x0 + 0.075, 0.25, 1, 0, 0, st.legend);
			break;
		}
	plschr(0, 1.0);
	plwidth(1.0);
}

static void plot_draw(const wc_scenario *sc, const wc_timeline *tl)
{
	struct run_frame f;
	plot_frame(sc, tl, &f);
	plot_axes(sc, &f);
	plot_curves(tl);
	/* A handful of quoted figures are labelled; a measured series (a
	 * history file) would bury the curves under its labels. */
	for (int i = 0; i < sc->nhistory; i++)
		plot_history_point(&sc->history[i], tl, &f,
				   sc->nhistory <= WC_PLOT_LABELLED_POINTS);
	plot_legend(sc, &f);
}

struct run_plot {
	const wc_scenario *sc;
	const wc_timeline *tl;
};

static void plot_draw_run(void *ctx)
{
	const struct run_plot *p = ctx;
	plot_draw(p->sc, p->tl);
}

int wc_report_plot_run(const char *path, const wc_scenario *sc, const wc_timeline *tl,
		       wc_error *err)
{
	struct run_plot p = {sc, tl};
	return wc_plot_render(path, plot_draw_run, &p, err);
}

/* The band plot of an ensemble: cumulative infected, median line over the
 * 5-95 % band, against the same frame, axes and historical points as one
 * run's plot, so the two read alike. */
struct band_plot {
	const wc_scenario *sc;
	wc_timeline med; /* the medians as a timeline, for the frame and the points */
	PLFLT *x, *lo, *hi;
};

static void band_legend(const struct run_frame *f)
{
	plvpor(0.15, f->one_day ? 0.955 : 0.935, 0.82, 0.92);
	plwind(0, 1, 0, 1);
	plschr(0, 0.85);
	PLFLT bx[4] = {0.52, 0.58, 0.58, 0.52}, by[4] = {0.6, 0.6, 0.9, 0.9};
	PLFLT lx[2] = {0, 0.06}, ly[2] = {0.75, 0.75};
	plcol0(COL_CUMULATIVE);
	plwidth(4.0);
	plline(2, lx, ly);
	plcol0(COL_BAND);
	plfill(4, bx, by);
	plcol0(COL_FG);
	plptex(0.075, 0.75, 1, 0, 0, "cumulative infected, median");
	plptex(0.595, 0.75, 1, 0, 0, "5-95 % of seeds");
	plschr(0, 1.0);
	plwidth(1.0);
}

static void plot_draw_band(void *ctx)
{
	struct band_plot *p = ctx;
	size_t n = p->med.n;
	struct run_frame f;
	plot_frame(p->sc, &p->med, &f);
	for (size_t i = 0; i < n; i++)
		f.ymax = fmax(f.ymax, 1.05 * p->hi[i]);
	plot_axes(p->sc, &f);
	if (n > 0) {
		/* The band as one polygon: along the upper edge, back along the lower. */
		PLFLT *px = xmallocarray(2 * n, sizeof *px), *py = xmallocarray(2 * n, sizeof *py);
		for (size_t i = 0; i < n; i++) {
			px[i] = p->x[i], py[i] = p->hi[i];
			px[2 * n - 1 - i] = p->x[i], py[2 * n - 1 - i] = p->lo[i];
		}
		plcol0(COL_BAND);
		plfill((PLINT)(2 * n), px, py);
		free(px);
		free(py);
		PLFLT *y = xmallocarray(n, sizeof *y);
		for (size_t i = 0; i < n; i++)
			y[i] = (PLFLT)p->med.rows[i].cumulative_infected;
		plcol0(COL_CUMULATIVE);
		plwidth(4.0);
		plline((PLINT)n, p->x, y);
		plwidth(1.0);
		free(y);
	}
	for (int i = 0; i < p->sc->nhistory; i++)
		plot_history_point(&p->sc->history[i], &p->med, &f,
				   p->sc->nhistory <= WC_PLOT_LABELLED_POINTS);
	band_legend(&f);
}

int wc_report_plot_band(const char *path, const wc_scenario *sc, wc_ensemble *e, wc_error *err)
{
	struct band_plot p = {.sc = sc};
	size_t n = e->rows, col = (size_t)wc_timeline_column_index("cumulative_infected");
	wc_timeline_init(&p.med);
	p.x = xmallocarray(n ? n : 1, sizeof *p.x);
	p.lo = xmallocarray(n ? n : 1, sizeof *p.lo);
	p.hi = xmallocarray(n ? n : 1, sizeof *p.hi);
	for (size_t i = 0; i < n; i++) {
		/* Every column's median, so that the history labels dodge the
		 * median curves as they dodge a run's curves. */
		wc_timeline_row r = {.time = e->times[i]};
		for (size_t c = 0; c < wc_timeline_ncolumns; c++) {
			uint64_t v = (uint64_t)llround(wc_ensemble_quantile(e, i, c, 0.5));
			memcpy((char *)&r + wc_timeline_columns[c].offset, &v, sizeof v);
		}
		wc_timeline_push(&p.med, &r);
		p.x[i] = (PLFLT)e->times[i];
		p.lo[i] = wc_ensemble_quantile(e, i, col, 0.05);
		p.hi[i] = wc_ensemble_quantile(e, i, col, 0.95);
	}
	int rc = wc_plot_render(path, plot_draw_band, &p, err);
	wc_timeline_free(&p.med);
	free(p.x);
	free(p.lo);
	free(p.hi);
	return rc;
}

int wc_plot_render(const char *path, void (*draw)(void *ctx), void *ctx, wc_error *err)
{
	const char *dev = wc_plot_device(path);
	if (dev == NULL) {
		const char *slash = strrchr(path, '/');
		const char *dot = strrchr(slash ? slash : path, '.');
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: unsupported plot format '%s' (use .png, .svg or .pdf)",
				    path, dot ? dot : "");
	}
	if (wc_plcalls_load(err) != 0)
		return -1;
	if (!plot_have_device(dev))
		return wc_error_set(err, WC_EXIT_RUNTIME,
				    "%s: PLplot has no '%s' driver (install PLplot's cairo driver)",
				    path, dev);

	/* PLplot opens the file by name, so it renders into the temporary file
	 * wc_atomic_open made; having made it ourselves also proves the directory
	 * writable before plinit(), which on an unopenable file would retry and
	 * then exit the process. */
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;

	plsdev(dev);
	plsfnam(f.tmp_path);
	plspage(0, 0, 1000, 650, 0, 0);
	plot_set_colours();
	plinit();
	draw(ctx);
	plend();

	struct stat st;
	if (stat(f.tmp_path, &st) != 0 || st.st_size == 0) {
		wc_atomic_abort(&f);
		return wc_error_set(err, WC_EXIT_RUNTIME, "cannot write '%s': PLplot wrote nothing",
				    path);
	}
	return wc_atomic_commit(&f, err);
}
