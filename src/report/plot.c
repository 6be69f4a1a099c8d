#include "report/report.h"

#include <math.h>
#include <plplot.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/atomicfile.h"
#include "core/xalloc.h"
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

static void plot_draw(const wc_scenario *sc, const wc_timeline *tl)
{
	size_t n = tl->n;
	PLFLT *x = xmallocarray(n + 1, sizeof *x);
	PLFLT *cum = xmallocarray(n + 1, sizeof *cum);
	PLFLT *act = xmallocarray(n + 1, sizeof *act);
	PLFLT *tel = xmallocarray(n + 1, sizeof *tel);
	double ymax = 0;

	for (size_t i = 0; i < n; i++) {
		const wc_timeline_row *r = &tl->rows[i];
		x[i] = (PLFLT)r->time;
		cum[i] = (PLFLT)r->cumulative_infected;
		act[i] = (PLFLT)r->active;
		tel[i] = (PLFLT)r->telescope_sources;
		ymax = fmax(ymax, fmax(cum[i], fmax(act[i], tel[i])));
	}
	for (int i = 0; i < sc->nhistory; i++)
		ymax = fmax(ymax, sc->history[i].value);
	ymax = ymax > 0 ? ymax * 1.05 : 1;

	double x0 = (double)sc->start;
	double x1 = n > 0 ? (double)tl->rows[n - 1].time : (double)sc->end;
	if (x1 <= x0)
		x1 = x0 + 3600;

	/* Within a day the date goes once into the axis label; longer runs need
	 * it on every tick. */
	char day[32], xlabel[64], title[2 * WC_NAME_MAX + 32];
	wc_time_format(sc->start, day);
	day[10] = '\0';
	bool one_day = x1 - x0 <= 86400;
	struct time_ticks ticks = plot_time_ticks(x1 - x0, one_day ? 12 : 5);
	if (one_day) {
		pltimefmt("%H:%M");
		snprintf(xlabel, sizeof xlabel, "UTC, %s", day);
	} else {
		pltimefmt(ticks.step >= 86400 ? "%m-%d" : "%m-%d %H:%M");
		snprintf(xlabel, sizeof xlabel, "UTC, from %s", day);
	}
	char name[2 * WC_NAME_MAX];
	wc_plot_escape(sc->name, name, sizeof name);
	snprintf(title, sizeof title, "%s: simulated outbreak", name);

	pladv(0);
	/* The right margin holds half of the last tick label. */
	plvpor(0.15, one_day ? 0.955 : 0.935, 0.12, 0.91);
	plwind(x0, x1, 0, ymax);
	plslabelfunc(plot_label_hosts, NULL);

	plwidth(1.0);
	plcol0(COL_GRID);
	plbox("g", ticks.step, 0, "g", 0, 0);
	plcol0(COL_FG);
	plbox("bcnstd", ticks.step, ticks.nsub, "bcnstvo", 0, 0);
	plmtex("b", 3.0, 0.5, 0.5, xlabel);
	plmtex("l", 7.0, 0.5, 0.5, "hosts");
	plschr(0, 1.25);
	plmtex("t", 1.5, 0.5, 0.5, title);
	plschr(0, 1.0);

	plwidth(2.5);
	if (n > 0) {
		plcol0(COL_CUMULATIVE);
		plline((PLINT)n, x, cum);
		plcol0(COL_ACTIVE);
		plline((PLINT)n, x, act);
		plcol0(COL_TELESCOPE);
		plline((PLINT)n, x, tel);
	}

	/* A filled circle (U+25CF): the cairo drivers draw it from the font, where
	 * Hershey's symbol set has no filled circle of a useful size. */
	static const char marker[] = "#[0x25cf]";
	if (sc->nhistory > 0) {
		PLFLT hx[WC_MAX_HISTORY], hy[WC_MAX_HISTORY];
		for (int i = 0; i < sc->nhistory; i++) {
			hx[i] = (PLFLT)sc->history[i].time;
			hy[i] = sc->history[i].value;
		}
		plcol0(COL_FG);
		plschr(0, 1.0);
		plstring(sc->nhistory, hx, hy, marker);
		plschr(0, 1.0);
	}

	const char *text[] = {"cumulative infected", "active", "telescope sources", "measured"};
	PLINT opts[] = {PL_LEGEND_LINE, PL_LEGEND_LINE, PL_LEGEND_LINE, PL_LEGEND_SYMBOL};
	PLINT colours[] = {COL_CUMULATIVE, COL_ACTIVE, COL_TELESCOPE, COL_FG};
	PLINT text_colours[] = {COL_FG, COL_FG, COL_FG, COL_FG};
	PLINT styles[] = {1, 1, 1, 1};
	PLFLT widths[] = {2.5, 2.5, 2.5, 1.0};
	PLFLT sym_scales[] = {1, 1, 1, 1};
	PLINT sym_numbers[] = {1, 1, 1, 1};
	const char *symbols[] = {"", "", "", marker};
	PLFLT lw, lh;
	plwidth(1.0);
	pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
		 PL_POSITION_TOP | PL_POSITION_LEFT | PL_POSITION_INSIDE, 0.02, 0.03, 0.07, COL_BG,
		 COL_FG, 1, 0, 0, sc->nhistory > 0 ? 4 : 3, opts, 1.0, 1.0, 1.8, 0.0, text_colours,
		 text, NULL, NULL, NULL, NULL, colours, styles, widths, colours, sym_scales,
		 sym_numbers, symbols);

	free(x);
	free(cum);
	free(act);
	free(tel);
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
