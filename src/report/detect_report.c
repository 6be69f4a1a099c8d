#include "report/detect_report.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/atomicfile.h"
#include "core/csv.h"
#include "core/xalloc.h"
#include "report/plcalls.h"
#include "report/plotkit.h"
#include "report/report.h"

/* Column-name form of a kind: "ida-probe" → "ida_probe". */
static void column_name(int kind, char *buf, size_t len)
{
	snprintf(buf, len, "%s", wc_detect_kind_name(kind));
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

int wc_report_detect_sources_csv(FILE *out, const wc_detect *d)
{
	size_t n;
	const wc_detect_source *s = wc_detect_sources(d, &n);
	fputs("source,first_seen,last_seen,requests,kind\n", out);
	for (size_t i = 0; i < n; i++) {
		char a[24], b[24];
		/* A host name from a log could hold a comma, a quote or a CR. */
		wc_csv_write_field(out, s[i].addr);
		fprintf(out, ",%s,%s,%" PRIu64 ",%s\n", wc_time_format(s[i].first, a),
			wc_time_format(s[i].last, b), s[i].requests,
			wc_detect_kind_name(s[i].kind));
	}
	return ferror(out) ? -1 : 0;
}

int wc_report_detect_timeline_csv(FILE *out, const wc_detect *d, int kind)
{
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	fputs("time,requests,new_sources,cumulative_sources", out);
	if (kind < 0)
		for (int k = 0; k < WC_KIND_COUNT; k++) {
			char c[16];
			column_name(k, c, sizeof c);
			fprintf(out, ",%s_requests,%s_new_sources,%s_cumulative_sources", c, c, c);
		}
	fputc('\n', out);
	for (size_t i = 0; i < tl->n; i++) {
		char t[24];
		const wc_detect_bin *b = kind < 0 ? &tl->all[i] : &tl->kind[kind][i];
		fprintf(out, "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64, wc_time_format(tl->time[i], t),
			b->requests, b->new_sources, b->cumulative_sources);
		if (kind < 0)
			for (int k = 0; k < WC_KIND_COUNT; k++) {
				const wc_detect_bin *kb = &tl->kind[k][i];
				fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64, kb->requests,
					kb->new_sources, kb->cumulative_sources);
			}
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

static int write_one(const char *path, const wc_detect *d, int which, wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	int rc = which == -2 ? wc_report_detect_sources_csv(f.fp, d)
			     : wc_report_detect_timeline_csv(f.fp, d, which);
	if (rc != 0) {
		wc_atomic_abort(&f);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: write failed", path);
	}
	return wc_atomic_commit(&f, err);
}

int wc_report_detect_write(const char *dir, const wc_detect *d, wc_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/sources.csv", dir);
	if (write_one(path, d, -2, err) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/timeline.csv", dir);
	if (write_one(path, d, -1, err) != 0)
		return -1;
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	for (int k = 0; k < WC_KIND_COUNT; k++) {
		if (tl->n == 0 || tl->kind[k][tl->n - 1].cumulative_sources == 0)
			continue;
		snprintf(path, sizeof path, "%s/timeline-%s.csv", dir, wc_detect_kind_name(k));
		if (write_one(path, d, k, err) != 0)
			return -1;
	}
	return 0;
}

void wc_report_detect_print(FILE *out, const wc_detect *d)
{
	const wc_detect_stats *st = wc_detect_get_stats(d);
	wc_detect_kind_totals t;
	wc_report_detect_kind_totals(d, &t);
	char a[32], b[32];
	fprintf(out, "%-10s %14s %10s  %-20s  %-20s\n", "kind", "requests", "sources", "first seen",
		"last seen");
	for (int k = 0; k < WC_KIND_COUNT; k++) {
		if (t.sources[k] == 0) {
			fprintf(out, "%-10s %14s %10s  %-20s  %-20s\n", wc_detect_kind_name(k), "0",
				"0", "-", "-");
			continue;
		}
		char fa[24], la[24];
		wc_report_thousands(st->kind_requests[k], a, sizeof a);
		wc_report_thousands(t.sources[k], b, sizeof b);
		fprintf(out, "%-10s %14s %10s  %-20s  %-20s\n", wc_detect_kind_name(k), a, b,
			wc_time_format(t.first[k], fa), wc_time_format(t.last[k], la));
	}
	fputc('\n', out);
	if (st->lines > 0) {
		wc_report_thousands(st->lines, a, sizeof a);
		wc_report_thousands(st->bad_lines, b, sizeof b);
		fprintf(out, "log lines: %s, unparseable: %s\n", a, b);
	}
	if (st->packets > 0) {
		wc_report_thousands(st->packets, a, sizeof a);
		wc_report_thousands(st->bad_packets, b, sizeof b);
		fprintf(out, "packets: %s, undecodable: %s", a, b);
		wc_report_thousands(st->syns, a, sizeof a);
		fprintf(out, ", connection attempts: %s", a);
		fputc('\n', out);
	}
	wc_report_thousands(st->requests, a, sizeof a);
	fprintf(out, "HTTP requests: %s\n", a);
	if (st->truncated)
		fprintf(out, "inputs cut short (kept up to the cut): %" PRIu64 "\n", st->truncated);
	if (st->malformed_host)
		fprintf(out, "error-log 'malformed Host header' lines: %" PRIu64 "\n",
			st->malformed_host);
}

/* Okabe–Ito colours, one per kind; 0 is the background, 1 the axes. */
static const int kind_rgb[WC_KIND_COUNT][3] = {
	{213, 94, 0},	 {0, 114, 178},	 {0, 158, 115},	  {230, 159, 0},
	{204, 121, 167}, {86, 180, 233}, {110, 110, 110},
};

static void plot_draw(const wc_detect *d)
{
	const wc_detect_timeline *tl = wc_detect_get_timeline(d);
	size_t n = tl->n;
	PLFLT *x = xmallocarray(n + 1, sizeof *x);
	PLFLT *y = xmallocarray(n + 1, sizeof *y);
	double ymax = 1;
	for (int k = 0; k < WC_KIND_COUNT; k++)
		if (n > 0)
			ymax = fmax(ymax, (double)tl->kind[k][n - 1].cumulative_sources);
	double x0 = n > 0 ? (double)(tl->time[0] - tl->bin) : 0;
	double x1 = n > 0 ? (double)tl->time[n - 1] : 3600;
	bool one_day = x1 - x0 <= 86400;
	pltimefmt(one_day ? "%H:%M" : "%m-%d");
	pladv(0);
	plvpor(0.12, 0.95, 0.12, 0.91);
	plwind(x0, x1, 0, ymax * 1.05);
	plcol0(1);
	plwidth(1.0);
	plbox("bcnstd", 0, 0, "bcnstv", 0, 0);
	plmtex("b", 3.0, 0.5, 0.5, one_day ? "UTC (hour:minute)" : "UTC (month-day)");
	plmtex("l", 5.0, 0.5, 0.5, "distinct sources (cumulative)");
	plmtex("t", 1.5, 0.5, 0.5, "wormcast detect");
	const char *text[WC_KIND_COUNT];
	PLINT opts[WC_KIND_COUNT], colours[WC_KIND_COUNT], tcol[WC_KIND_COUNT],
		styles[WC_KIND_COUNT];
	PLFLT widths[WC_KIND_COUNT];
	int nl = 0;
	plwidth(2.5);
	for (int k = 0; k < WC_KIND_COUNT; k++) {
		if (n == 0 || tl->kind[k][n - 1].cumulative_sources == 0)
			continue;
		x[0] = x0;
		y[0] = 0;
		for (size_t i = 0; i < n; i++) {
			x[i + 1] = (PLFLT)tl->time[i];
			y[i + 1] = (PLFLT)tl->kind[k][i].cumulative_sources;
		}
		plcol0(2 + k);
		plline((PLINT)(n + 1), x, y);
		text[nl] = wc_detect_kind_name(k);
		opts[nl] = PL_LEGEND_LINE;
		colours[nl] = 2 + k;
		tcol[nl] = 1;
		styles[nl] = 1;
		widths[nl] = 2.5;
		nl++;
	}
	plwidth(1.0);
	if (nl > 0) {
		PLFLT lw, lh;
		pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
			 PL_POSITION_TOP | PL_POSITION_LEFT | PL_POSITION_INSIDE, 0.02, 0.03, 0.07,
			 0, 1, 1, 0, 0, nl, opts, 1.0, 1.0, 1.8, 0.0, tcol, text, NULL, NULL, NULL,
			 NULL, colours, styles, widths, NULL, NULL, NULL, NULL);
	}
	free(x);
	free(y);
}

/* plot_draw for wc_plot_render, with the kinds' colours (set after plinit,
 * which the shared colour map leaves white and black at 0 and 1). */
static void draw_detect(void *ctx)
{
	for (int k = 0; k < WC_KIND_COUNT; k++)
		plscol0(2 + k, kind_rgb[k][0], kind_rgb[k][1], kind_rgb[k][2]);
	plot_draw(ctx);
}

int wc_report_detect_plot(const char *path, const wc_detect *d, wc_error *err)
{
	return wc_plot_render(path, draw_detect, (void *)d, err);
}
