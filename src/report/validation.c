#include "report/validation.h"

#include <string.h>

#include "report/report.h"

/* Sum of new_infections over rows whose interval ends in (from, to]. */
static uint64_t new_between(const wc_timeline *tl, wc_time from, wc_time to)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < tl->n; i++)
		if (tl->rows[i].time > from && tl->rows[i].time <= to)
			sum += tl->rows[i].new_infections;
	return sum;
}

static wc_check *add(wc_check *c, int *n, const char *name, const char *hist)
{
	wc_check *k = &c[(*n)++];
	memset(k, 0, sizeof *k);
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->historical, sizeof k->historical, "%s", hist);
	return k;
}

int wc_validate_codered_v2(const wc_timeline *tl, double scale, wc_check *c)
{
	int n = 0;
	wc_time midnight, seven_pm, eleven_pm, one_am, two_pm;
	wc_time_parse("2001-07-20T00:00:00Z", &midnight);
	wc_time_parse("2001-07-19T19:00:00Z", &seven_pm);
	wc_time_parse("2001-07-19T14:00:00Z", &two_pm);
	eleven_pm = midnight - 3600;
	one_am = midnight + 3600;
	const wc_timeline_row *mid = wc_timeline_row_at(tl, midnight),
			      *seven = wc_timeline_row_at(tl, seven_pm);
	double cum = mid ? (double)mid->cumulative_infected : 0;

	wc_check *k = add(c, &n, "cumulative infected at 2001-07-20T00:00Z",
			  "359,000 (CAIDA; early count 375,000)");
	snprintf(k->simulated, sizeof k->simulated, "%.0f", cum);
	snprintf(k->band, sizeof k->band, "%.0f to %.0f", 330000 * scale, 400000 * scale);
	k->pass = mid && cum >= 330000 * scale && cum <= 400000 * scale;

	k = add(c, &n, "cumulative infected at 19:00 UTC", "> 250,000 (MS/NIPC/SANS/CERT)");
	double c19 = seven ? (double)seven->cumulative_infected : 0;
	snprintf(k->simulated, sizeof k->simulated, "%.0f", c19);
	snprintf(k->band, sizeof k->band, "> %.0f", 250000 * scale);
	k->pass = seven && c19 > 250000 * scale;

	/* Peak of new infections per minute, from rows of any interval length. */
	double peak = 0;
	wc_time peak_t = 0;
	for (size_t i = 1; i < tl->n; i++) {
		double minutes = (double)(tl->rows[i].time - tl->rows[i - 1].time) / 60;
		double rate = (double)tl->rows[i].new_infections / minutes;
		if (rate > peak) {
			peak = rate;
			peak_t = tl->rows[i].time;
		}
	}
	char ts[24];
	k = add(c, &n, "peak new infections per minute", "> 2,000 (CAIDA)");
	snprintf(k->simulated, sizeof k->simulated, "%.0f", peak);
	snprintf(k->band, sizeof k->band, "%.0f to %.0f", 2000 * scale, 3500 * scale);
	k->pass = peak >= 2000 * scale && peak <= 3500 * scale;

	k = add(c, &n, "time of the peak", "afternoon of 19 July (CAIDA's curve)");
	snprintf(k->simulated, sizeof k->simulated, "%s", wc_time_format(peak_t, ts));
	snprintf(k->band, sizeof k->band, "14:00 to 19:00 UTC");
	k->pass = peak_t >= two_pm && peak_t <= seven_pm;

	uint64_t before = new_between(tl, eleven_pm, midnight);
	uint64_t after = new_between(tl, midnight, one_am);
	k = add(c, &n, "new 00:00-01:00 / new 23:00-00:00", "spread stops at 00:00 UTC (CERT)");
	snprintf(k->simulated, sizeof k->simulated, "%llu / %llu = %.1f%%",
		 (unsigned long long)after, (unsigned long long)before,
		 before ? 100.0 * (double)after / (double)before : 0.0);
	snprintf(k->band, sizeof k->band, "<= 5%%");
	/* 0 / 0 passes: nothing spread after midnight. */
	k->pass = mid && (double)after <= 0.05 * (double)before;

	k = add(c, &n, "active / cumulative at midnight", "~half had stopped probing [S]");
	double act = mid ? (double)mid->active : 0;
	snprintf(k->simulated, sizeof k->simulated, "%.1f%%", cum > 0 ? 100 * act / cum : 0.0);
	snprintf(k->band, sizeof k->band, "<= 60%%");
	k->pass = mid && act <= 0.6 * cum;

	k = add(c, &n, "telescope sources / cumulative at midnight",
		"CAIDA counted sources seen by its /8");
	double seen = mid ? (double)mid->telescope_sources : 0;
	snprintf(k->simulated, sizeof k->simulated, "%.1f%%", cum > 0 ? 100 * seen / cum : 0.0);
	snprintf(k->band, sizeof k->band, "97%% to 103%%");
	k->pass = mid && seen >= 0.97 * cum && seen <= 1.03 * cum;

	uint64_t bytes = 0;
	for (size_t i = 0; i < tl->n; i++)
		bytes += tl->rows[i].target_bytes;
	k = add(c, &n, "flood bytes reaching the target", "none: the address moved [P]");
	snprintf(k->simulated, sizeof k->simulated, "%llu", (unsigned long long)bytes);
	snprintf(k->band, sizeof k->band, "0");
	k->pass = bytes == 0;
	return n;
}

int wc_checks_print(FILE *out, const wc_check *c, int n)
{
	int failed = 0;
	fprintf(out, "%-44s %-24s %-20s %-40s %s\n", "figure", "simulated", "accepted",
		"historical", "");
	for (int i = 0; i < n; i++) {
		fprintf(out, "%-44s %-24s %-20s %-40s %s\n", c[i].name, c[i].simulated, c[i].band,
			c[i].historical, c[i].pass ? "ok" : "FAIL");
		failed += !c[i].pass;
	}
	return failed;
}
