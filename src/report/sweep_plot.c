/*
 * The sweep figure (sweep_report.h): one outcome's mean against the first
 * varied key, the runs' 5–95% spread as error bars, one line per combination
 * of the other varied keys.
 */
#include "report/sweep_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "report/plcalls.h"
#include "report/plotkit.h"
#include "report/report.h"

/* Okabe and Ito's palette, as in the run plot (yellow, faint on white, is
 * replaced by grey); set from index 6 up, above plotkit's fixed entries. */
static const int line_rgb[WC_SWEEP_PLOT_MAX_LINES][3] = {
	{0, 114, 178},	 {230, 159, 0},	 {0, 158, 115}, {213, 94, 0},
	{204, 121, 167}, {86, 180, 233}, {0, 0, 0},	{120, 120, 120},
};
#define COL_LINE0 6
#define COL_FG	  1
#define COL_BG	  0
#define COL_GRID  5

struct sweep_plot {
	const wc_sweep *sw;
	const double *out;
	int outcome;
	int lines;	  /* combinations of keys 2.. */
	uint64_t inner;	  /* combinations per value of the first key */
	int hosts_labels; /* y labels with thousands separators */
	const char *scenario;
};

static void label_fn(PLINT axis, PLFLT value, char *label, PLINT length, PLPointer data)
{
	const struct sweep_plot *p = data;
	if (axis == PL_X_AXIS) {
		/* Categorical first key: values at 1..n, labelled by their text. */
		const wc_sweep_key *k = &p->sw->keys[0];
		double i = nearbyint(value) - 1;
		if (fabs(value - nearbyint(value)) < 1e-6 && i >= 0 && i < (double)k->nvalues)
			snprintf(label, (size_t)length, "%s", k->values[(size_t)i]);
		else
			label[0] = '\0';
		return;
	}
	if (p->hosts_labels && value >= 0)
		wc_report_thousands((uint64_t)(value + 0.5), label, (size_t)length);
	else
		snprintf(label, (size_t)length, "%g", value);
}

/* Each line's means and 5-95% spreads at the first key's values, into ci
 * (line-major), and the y range that holds them with a margin. */
static void sweep_points(const struct sweep_plot *p, wc_mean_ci *ci, double *ymin_out,
			 double *ymax_out)
{
	const wc_sweep *sw = p->sw;
	size_t n = sw->keys[0].nvalues;
	double ymin = 0, ymax = 0;
	for (int l = 0; l < p->lines; l++)
		for (size_t i = 0; i < n; i++) {
			uint64_t c = (uint64_t)i * p->inner + (uint64_t)l;
			const double *base = p->out + (size_t)c * sw->runs * WC_NOUTCOMES;
			wc_mean_ci *m = &ci[(size_t)l * n + i];
			wc_mean_ci95(base + p->outcome, sw->runs, WC_NOUTCOMES, m);
			/* The bars show where single runs fall, not the mean's
			 * confidence interval: a reader asks what one outbreak
			 * may do. One run gives no bar. */
			wc_spread90 sp;
			wc_spread90_of(base + p->outcome, sw->runs, WC_NOUTCOMES, &sp);
			m->lo = sp.n > 1 ? sp.p5 : NAN;
			m->hi = sp.n > 1 ? sp.p95 : NAN;
			double hi = isnan(m->hi) ? m->mean : m->hi;
			double lo = isnan(m->lo) ? m->mean : m->lo;
			if (!isnan(hi))
				ymax = fmax(ymax, hi);
			if (!isnan(lo))
				ymin = fmin(ymin, lo);
		}
	if (ymax <= ymin)
		ymax = ymin + 1;
	double pad = 0.05 * (ymax - ymin);
	ymax += pad;
	if (ymin < 0)
		ymin -= pad;
	*ymin_out = ymin;
	*ymax_out = ymax;
}

/* The x range: the first key's numbers with a margin, or 1..n for text values. */
static void x_range(const wc_sweep_key *k0, double *xmin, double *xmax)
{
	size_t n = k0->nvalues;
	if (!k0->numeric) {
		*xmin = 0.5;
		*xmax = (double)n + 0.5;
		return;
	}
	*xmin = *xmax = k0->numbers[0];
	for (size_t i = 0; i < n; i++) {
		*xmin = fmin(*xmin, k0->numbers[i]);
		*xmax = fmax(*xmax, k0->numbers[i]);
	}
	double w = *xmax > *xmin ? 0.05 * (*xmax - *xmin) : fmax(1, fabs(*xmin) * 0.1);
	*xmin -= w;
	*xmax += w;
}

/* The viewport, the axes, their labels and the title. */
static void draw_frame(struct sweep_plot *p, double xmin, double xmax, double ymin, double ymax)
{
	const wc_sweep *sw = p->sw;
	const wc_sweep_key *k0 = &sw->keys[0];
	char key[256], title[512], name[2 * WC_NAME_MAX];
	wc_plot_escape(k0->key, key, sizeof key);
	wc_plot_escape(p->scenario, name, sizeof name);
	const wc_outcome_def *def = wc_outcome_get(p->outcome);
	snprintf(title, sizeof title, "%s: mean, bars: 5#[0x2013]95%% of %llu run%s", name,
		 (unsigned long long)sw->runs, sw->runs == 1 ? "" : "s");

	pladv(0);
	/* With several lines the legend goes to the right of the plot, where it
	 * cannot cover a point. */
	plvpor(0.13, p->lines > 1 ? 0.64 : 0.95, 0.12, 0.91);
	plwind(xmin, xmax, ymin, ymax);
	plslabelfunc(label_fn, p);
	/* Categorical labels come from label_fn ("o"); numeric ones from PLplot. */
	double xtick = k0->numeric ? 0 : 1;
	plwidth(1.0);
	plcol0(COL_GRID);
	plbox("g", xtick, 0, "g", 0, 0);
	plcol0(COL_FG);
	plbox(k0->numeric ? "bcnst" : "bcnsto", xtick, 0, "bcnstvo", 0, 0);
	plmtex("b", 3.0, 0.5, 0.5, key);
	plmtex("l", 7.0, 0.5, 0.5, def->label);
	plschr(0, p->lines > 1 ? 1.0 : 1.15);
	plmtex("t", 1.5, 0.5, 0.5, title);
	plschr(0, 1.0);
}

/* Each line: its means joined and marked, its spreads as bars. */
static void draw_lines(const struct sweep_plot *p, const wc_mean_ci *ci)
{
	const wc_sweep_key *k0 = &p->sw->keys[0];
	size_t n = k0->nvalues;
	PLFLT *x = xmallocarray(n, sizeof *x), *y = xmallocarray(n, sizeof *y);
	PLFLT *ylo = xmallocarray(n, sizeof *ylo), *yhi = xmallocarray(n, sizeof *yhi);
	PLFLT *ex = xmallocarray(n, sizeof *ex);
	static const char marker[] = "#[0x25cf]";
	for (int l = 0; l < p->lines; l++) {
		plscol0(COL_LINE0 + l, line_rgb[l][0], line_rgb[l][1], line_rgb[l][2]);
		plcol0(COL_LINE0 + l);
		PLINT m = 0, e = 0;
		for (size_t i = 0; i < n; i++) {
			const wc_mean_ci *c = &ci[(size_t)l * n + i];
			double xv = k0->numeric ? k0->numbers[i] : (double)(i + 1);
			if (isnan(c->mean))
				continue; /* the outcome never happened at this value */
			x[m] = xv;
			y[m++] = c->mean;
			if (!isnan(c->lo)) {
				ex[e] = xv;
				ylo[e] = c->lo;
				yhi[e++] = c->hi;
			}
		}
		plwidth(2.0);
		if (m > 1)
			plline(m, x, y);
		plwidth(1.5);
		if (e > 0)
			plerry(e, ex, ylo, yhi);
		plschr(0, 0.6);
		if (m > 0)
			plstring(m, x, y, marker);
		plschr(0, 1.0);
	}
	free(x);
	free(y);
	free(ylo);
	free(yhi);
	free(ex);
}

/* Legend entry e's text (escaped): the heading (l < 0) names the one other
 * varied key, then each line its value; with more keys, key=value pairs. */
static void legend_text(const wc_sweep *sw, int l, bool heading, char *out, size_t len)
{
	char raw[200];
	size_t o = 0;
	raw[0] = '\0';
	if (l < 0)
		snprintf(raw, sizeof raw, "%s:", sw->keys[1].key);
	for (size_t kk = 1; l >= 0 && kk < sw->nkeys && o < sizeof raw; kk++) {
		const char *value = sw->keys[kk].values[wc_sweep_value_index(sw, (uint64_t)l, kk)];
		int w = heading ? snprintf(raw, sizeof raw, "%s", value)
				: snprintf(raw + o, sizeof raw - o, "%s%s=%s", kk > 1 ? ", " : "",
					   sw->keys[kk].key, value);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	wc_plot_escape(raw, out, len);
}

static void draw_legend(const struct sweep_plot *p)
{
	const wc_sweep *sw = p->sw;
	/* With one other varied key the legend names it once, in a heading
	 * entry without a line, and each line by its value alone: long
	 * values (times, prefix lists) then still fit beside the plot. */
	bool heading = sw->nkeys == 2;
	int entries = p->lines + heading;
	const char **text = xmallocarray((size_t)entries, sizeof *text);
	char(*buf)[200] = xmallocarray((size_t)entries, sizeof *buf);
	PLINT *opts = xmallocarray((size_t)entries, sizeof *opts);
	PLINT *colours = xmallocarray((size_t)entries, sizeof *colours);
	PLINT *text_colours = xmallocarray((size_t)entries, sizeof *text_colours);
	PLINT *styles = xmallocarray((size_t)entries, sizeof *styles);
	PLFLT *widths = xmallocarray((size_t)entries, sizeof *widths);
	for (int e = 0; e < entries; e++) {
		int l = e - heading;
		legend_text(sw, l, heading, buf[e], sizeof buf[e]);
		text[e] = buf[e];
		opts[e] = l < 0 ? PL_LEGEND_NONE : PL_LEGEND_LINE;
		colours[e] = l < 0 ? COL_FG : COL_LINE0 + l;
		text_colours[e] = COL_FG;
		styles[e] = 1;
		widths[e] = 2.0;
	}
	PLFLT lw, lh;
	plwidth(1.0);
	plschr(0, 0.75);
	pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
		 PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.05, COL_BG, COL_FG, 1, 0, 0,
		 entries, opts, 1.0, 1.0, 1.8, 0.0, text_colours, text, NULL, NULL, NULL, NULL,
		 colours, styles, widths, NULL, NULL, NULL, NULL);
	plschr(0, 1.0);
	free(text);
	free(buf);
	free(opts);
	free(colours);
	free(text_colours);
	free(styles);
	free(widths);
}

static void sweep_draw(void *ctx)
{
	struct sweep_plot *p = ctx;
	size_t npts = p->sw->keys[0].nvalues * (size_t)p->lines;
	wc_mean_ci *ci = xmallocarray(npts, sizeof *ci); /* lo, hi: the spread */
	double xmin, xmax, ymin, ymax;
	sweep_points(p, ci, &ymin, &ymax);
	x_range(&p->sw->keys[0], &xmin, &xmax);
	draw_frame(p, xmin, xmax, ymin, ymax);
	draw_lines(p, ci);
	if (p->lines > 1)
		draw_legend(p);
	free(ci);
}

int wc_report_plot_sweep_check(const char *path, const wc_sweep *sw, wc_error *err)
{
	if (wc_plot_device(path) == NULL) {
		const char *slash = strrchr(path, '/');
		const char *dot = strrchr(slash ? slash : path, '.');
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--plot: unsupported format '%s' (use .png, .svg or .pdf)",
				    dot ? dot : path);
	}
	if (sw->nkeys == 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--plot: draws an outcome against a varied key; give --vary");
	uint64_t lines = wc_sweep_combinations(sw) / sw->keys[0].nvalues;
	if (lines > WC_SWEEP_PLOT_MAX_LINES)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--plot: the keys after %s give %llu lines, more than %d can "
				    "be told apart; vary fewer values or plot from sweep.csv",
				    sw->keys[0].key, (unsigned long long)lines,
				    WC_SWEEP_PLOT_MAX_LINES);
	return 0;
}

int wc_report_plot_sweep(const char *path, const wc_sweep *sw, const double *out, int outcome,
			 wc_error *err)
{
	if (wc_report_plot_sweep_check(path, sw, err) != 0)
		return -1;
	if (wc_outcome_get(outcome) == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "--outcome: unknown outcome");
	struct sweep_plot p = {0};
	p.sw = sw;
	p.out = out;
	p.outcome = outcome;
	p.inner = wc_sweep_combinations(sw) / sw->keys[0].nvalues;
	p.lines = (int)p.inner;
	p.scenario = sw->base.name;
	/* Host counts read best as "250,000"; hours, bytes and probe totals in
	 * PLplot's own notation. */
	p.hosts_labels = outcome == WC_OUT_CUMULATIVE_INFECTED || outcome == WC_OUT_INFECTED ||
			 outcome == WC_OUT_PEAK_ACTIVE || outcome == WC_OUT_TELESCOPE_SOURCES;
	return wc_plot_render(path, sweep_draw, &p, err);
}
