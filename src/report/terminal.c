#include "report/report.h"

#include <inttypes.h>
#include <string.h>

/* Label column and right-aligned number column of the summary table. */
#define LABEL_WIDTH  32
#define NUMBER_WIDTH 15

char *wc_report_thousands(uint64_t v, char *buf, size_t len)
{
	char digits[24];
	int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
	/* Digits before the first comma: 1..3. */
	int lead = (n - 1) % 3 + 1;
	size_t o = 0;

	if (len == 0)
		return buf;
	for (int i = 0; i < n && o + 1 < len; i++) {
		if (i > 0 && (i - lead) % 3 == 0) {
			buf[o++] = ',';
			if (o + 1 >= len)
				break;
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Names the output interval the way a reader says it: "per minute" for the
 * 60 s default, whole minutes or hours where it is a multiple of one. */
static void interval_phrase(wc_time interval, char *buf, size_t len)
{
	if (interval == 60)
		snprintf(buf, len, "per minute");
	else if (interval == 3600)
		snprintf(buf, len, "per hour");
	else if (interval == 86400)
		snprintf(buf, len, "per day");
	else if (interval > 0 && interval % 3600 == 0)
		snprintf(buf, len, "per %" PRId64 " h", interval / 3600);
	else if (interval > 0 && interval % 60 == 0)
		snprintf(buf, len, "per %" PRId64 " min", interval / 60);
	else if (interval > 0)
		snprintf(buf, len, "per %" PRId64 " s", interval);
	else
		snprintf(buf, len, "per interval");
}

static void row_text(FILE *out, const char *label, const char *value)
{
	fprintf(out, "  %-*s %s\n", LABEL_WIDTH, label, value);
}

/* A count in the number column, optionally followed by "at TIME". */
static void row_count(FILE *out, const char *label, uint64_t v, const wc_time *at)
{
	char num[32], t[32];
	wc_report_thousands(v, num, sizeof num);
	fprintf(out, "  %-*s %*s", LABEL_WIDTH, label, NUMBER_WIDTH, num);
	if (at != NULL)
		fprintf(out, "  at %s", wc_time_format(*at, t));
	fputc('\n', out);
}

static uint64_t measured_count(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)(v + 0.5);
}

void wc_report_print_summary(FILE *out, const wc_scenario *sc, const wc_run_result *res)
{
	const wc_timeline *tl = &res->timeline;
	wc_run_figures fig;
	char buf[WC_NAME_MAX + 256 + 8], t[32], num[32];

	wc_run_figures_compute(tl, &fig);

	if (sc->source[0] != '\0' && strcmp(sc->source, sc->name) != 0)
		snprintf(buf, sizeof buf, "%s (%s)", sc->name, sc->source);
	else
		snprintf(buf, sizeof buf, "%s", sc->name);
	row_text(out, "scenario", buf);
	row_text(out, "engine", wc_engine_name(res->engine));
	row_count(out, "vulnerable hosts", res->vulnerable, NULL);
	row_count(out, "probes simulated", res->probes, NULL);
	snprintf(buf, sizeof buf, "%*.2f s", NUMBER_WIDTH, res->wall_seconds);
	row_text(out, "wall time", buf);

	if (fig.rows == 0) {
		row_text(out, "timeline", "no rows: nothing was simulated");
		return;
	}

	row_text(out, "simulated until", wc_time_format(fig.final_time, t));
	row_count(out, "cumulative infected", fig.final_cumulative_infected, NULL);
	row_count(out, "infected at the end", fig.final_infected, NULL);
	row_count(out, "active at the end", fig.final_active, NULL);
	row_count(out, "telescope sources", fig.final_telescope_sources, NULL);
	if (fig.final_failed > 0)
		row_count(out, "devices failed", fig.final_failed, NULL);
	if (fig.total_blocked_probes > 0)
		row_count(out, "probes blocked by filters", fig.total_blocked_probes, NULL);

	char per[32], label[64];
	interval_phrase(fig.interval, per, sizeof per);
	snprintf(label, sizeof label, "peak new infections %s", per);
	row_count(out, label, fig.peak_new_infections, &fig.peak_new_infections_time);
	row_count(out, "peak active", fig.peak_active, &fig.peak_active_time);
	row_count(out, "peak scan packets/s", fig.peak_probe_pps, &fig.peak_probe_pps_time);
	double mbit = (double)fig.peak_probe_bps / 1e6;
	if (mbit < 100) { /* small floods of scans still deserve a figure */
		snprintf(buf, sizeof buf, "%*.1f  at %s", NUMBER_WIDTH, mbit,
			 wc_time_format(fig.peak_probe_pps_time, t));
		row_text(out, "peak scan Mbit/s", buf);
	} else {
		row_count(out, "peak scan Mbit/s", (uint64_t)(mbit + 0.5),
			  &fig.peak_probe_pps_time);
	}
	char target[16];
	snprintf(label, sizeof label, "flood bytes at %s",
		 wc_ipv4_format(sc->flood_target, target));
	row_count(out, label, fig.total_target_bytes, NULL);

	if (sc->nhistory == 0)
		return;
	fprintf(out, "  cumulative infected, measured vs simulated:\n");
	for (int i = 0; i < sc->nhistory; i++) {
		const wc_history_point *h = &sc->history[i];
		const wc_timeline_row *r = wc_timeline_row_at(tl, h->time);
		char sim[32];
		if (r != NULL)
			wc_report_thousands(r->cumulative_infected, sim, sizeof sim);
		else
			snprintf(sim, sizeof sim, "-");
		/* A lower bound or an estimate says so, as on the plot. */
		const char *mark = h->kind == WC_HISTORY_LOWER_BOUND ? "> "
				   : h->kind == WC_HISTORY_ESTIMATE  ? "~"
								     : "";
		size_t m = strlen(mark);
		snprintf(num, sizeof num, "%s", mark);
		wc_report_thousands(measured_count(h->value), num + m, sizeof num - m);
		fprintf(out, "    %-*s %*s vs %s\n", LABEL_WIDTH - 2, wc_time_format(h->time, t),
			NUMBER_WIDTH, num, sim);
	}
}
