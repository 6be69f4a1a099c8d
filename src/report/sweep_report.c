/*
 * Sweep outcomes, their statistics, sweep.csv and runs.csv (sweep_report.h).
 */
#include "report/sweep_report.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/atomicfile.h"
#include "core/csv.h"
#include "core/xalloc.h"
#include "report/report.h"
#include "report/validation.h"

static const wc_outcome_def outcomes[WC_NOUTCOMES] = {
	[WC_OUT_CUMULATIVE_INFECTED] = {"cumulative_infected", "cumulative infected hosts at end",
					false},
	[WC_OUT_INFECTED] = {"infected", "infected hosts at end", false},
	[WC_OUT_PEAK_ACTIVE] = {"peak_active", "peak active hosts", false},
	[WC_OUT_PEAK_ACTIVE_HOURS] = {"peak_active_hours", "time of peak activity (hours)", false},
	[WC_OUT_PEAK_NEW_PER_MINUTE] = {"peak_new_per_minute", "peak new infections per minute",
					false},
	[WC_OUT_HOURS_TO_50] = {"hours_to_50pct", "time to 50% infected (hours)", true},
	[WC_OUT_HOURS_TO_90] = {"hours_to_90pct", "time to 90% infected (hours)", true},
	[WC_OUT_PROBES] = {"probes", "probes in all", false},
	[WC_OUT_TELESCOPE_SOURCES] = {"telescope_sources", "telescope sources at end", false},
	[WC_OUT_TARGET_BYTES] = {"target_bytes", "flood bytes at the target", false},
	[WC_OUT_BLOCKED_PROBES] = {"blocked_probes", "probes dropped by filters", false},
	[WC_OUT_INFECTED_SHARE] = {"infected_share", "share of vulnerable hosts ever infected",
				   false},
};

const wc_outcome_def *wc_outcome_get(int i)
{
	return i >= 0 && i < WC_NOUTCOMES ? &outcomes[i] : NULL;
}

int wc_outcome_find(const char *name)
{
	for (int i = 0; i < WC_NOUTCOMES; i++)
		if (strcmp(outcomes[i].name, name) == 0)
			return i;
	return -1;
}

/* Hours from the outbreak start until cumulative_infected first reaches
 * `need` at a row, or NaN. The timeline is a step function sampled at rows,
 * so the answer has the resolution of one row. */
static double hours_to(const wc_scenario *sc, const wc_timeline *tl, double need)
{
	for (size_t i = 0; i < tl->n; i++)
		if ((double)tl->rows[i].cumulative_infected >= need)
			return (double)(tl->rows[i].time - sc->start) / 3600.0;
	return NAN;
}

void wc_outcomes_measure(const wc_scenario *sc, const wc_run_result *res, double *out, void *ctx)
{
	(void)ctx;
	wc_run_figures f;
	wc_run_figures_compute(&res->timeline, &f);
	double vulnerable = (double)res->vulnerable;

	out[WC_OUT_CUMULATIVE_INFECTED] = (double)f.final_cumulative_infected;
	out[WC_OUT_INFECTED] = (double)f.final_infected;
	out[WC_OUT_PEAK_ACTIVE] = (double)f.peak_active;
	out[WC_OUT_PEAK_ACTIVE_HOURS] =
		f.rows ? (double)(f.peak_active_time - sc->start) / 3600.0 : NAN;
	/* A row's new_infections is a total over one output interval. */
	out[WC_OUT_PEAK_NEW_PER_MINUTE] = (double)f.peak_new_infections * 60.0 / sc->interval;
	out[WC_OUT_HOURS_TO_50] = hours_to(sc, &res->timeline, 0.5 * vulnerable);
	out[WC_OUT_HOURS_TO_90] = hours_to(sc, &res->timeline, 0.9 * vulnerable);
	out[WC_OUT_PROBES] = (double)f.total_probes;
	out[WC_OUT_TELESCOPE_SOURCES] = (double)f.final_telescope_sources;
	out[WC_OUT_TARGET_BYTES] = (double)f.total_target_bytes;
	out[WC_OUT_BLOCKED_PROBES] = (double)f.total_blocked_probes;
	out[WC_OUT_INFECTED_SHARE] =
		vulnerable > 0 ? (double)f.final_cumulative_infected / vulnerable : NAN;
}

void wc_mean_ci95(const double *x, size_t count, size_t stride, wc_mean_ci *out)
{
	/* Two passes (mean, then squared deviations): exact enough for counts
	 * up to 2^53 without the cancellation of the one-pass formula. */
	double sum = 0;
	uint64_t n = 0;
	for (size_t i = 0; i < count; i++) {
		double v = x[i * stride];
		if (!isnan(v)) {
			sum += v;
			n++;
		}
	}
	out->n = n;
	out->mean = out->lo = out->hi = NAN;
	if (n == 0)
		return;
	double mean = sum / (double)n;
	out->mean = mean;
	if (n < 2)
		return;
	double ss = 0;
	for (size_t i = 0; i < count; i++) {
		double v = x[i * stride];
		if (!isnan(v))
			ss += (v - mean) * (v - mean);
	}
	double sd = sqrt(ss / (double)(n - 1));
	double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
	out->lo = mean - half;
	out->hi = mean + half;
}

void wc_spread90_of(const double *x, size_t count, size_t stride, wc_spread90 *out)
{
	double *v = xmallocarray(count > 0 ? count : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < count; i++)
		if (!isnan(x[i * stride]))
			v[n++] = x[i * stride];
	out->n = n;
	out->p5 = out->p95 = NAN;
	if (n > 0) {
		gsl_sort(v, 1, n);
		out->p5 = wc_quantile(v, n, 0.05);
		out->p95 = wc_quantile(v, n, 0.95);
	}
	free(v);
}

char *wc_sweep_format_number(double v, char *buf, size_t len)
{
	if (isnan(v)) {
		snprintf(buf, len, "%s", "");
		return buf;
	}
	v += 0.0; /* no "-0" */
	double mag = fabs(v);
	int decimals = mag < 1e-300 ? 0 : 9 - (int)floor(log10(mag));
	if (decimals < 0)
		decimals = 0;
	if (decimals > 15)
		decimals = 15;
	snprintf(buf, len, "%.*f", decimals, v);
	if (strchr(buf, '.') != NULL) {
		size_t n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
	return buf;
}

static void csv_number(FILE *fp, double v)
{
	char buf[64];
	fputs(wc_sweep_format_number(v, buf, sizeof buf), fp);
}

static void csv_key_header(FILE *fp, const wc_sweep *sw)
{
	for (size_t k = 0; k < sw->nkeys; k++) {
		wc_csv_write_field(fp, sw->keys[k].key);
		fputc(',', fp);
	}
}

static void csv_key_values(FILE *fp, const wc_sweep *sw, uint64_t c)
{
	for (size_t k = 0; k < sw->nkeys; k++) {
		wc_csv_write_field(fp, sw->keys[k].values[wc_sweep_value_index(sw, c, k)]);
		fputc(',', fp);
	}
}

int wc_report_write_sweep_csv(const char *path, const wc_sweep *sw, const double *out,
			      wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	FILE *fp = f.fp;
	csv_key_header(fp, sw);
	for (int o = 0; o < WC_NOUTCOMES; o++) {
		const char *n = outcomes[o].name;
		fprintf(fp, "%s_mean,%s_lo,%s_hi,%s_p5,%s_p95,", n, n, n, n, n);
		if (outcomes[o].can_miss)
			fprintf(fp, "%s_reached,", n);
	}
	fputs("runs\n", fp);

	uint64_t ncomb = wc_sweep_combinations(sw);
	for (uint64_t c = 0; c < ncomb; c++) {
		csv_key_values(fp, sw, c);
		const double *base = out + (size_t)c * sw->runs * WC_NOUTCOMES;
		for (int o = 0; o < WC_NOUTCOMES; o++) {
			wc_mean_ci ci;
			wc_mean_ci95(base + o, sw->runs, WC_NOUTCOMES, &ci);
			csv_number(fp, ci.mean);
			fputc(',', fp);
			csv_number(fp, ci.lo);
			fputc(',', fp);
			csv_number(fp, ci.hi);
			fputc(',', fp);
			wc_spread90 sp;
			wc_spread90_of(base + o, sw->runs, WC_NOUTCOMES, &sp);
			csv_number(fp, sp.p5);
			fputc(',', fp);
			csv_number(fp, sp.p95);
			fputc(',', fp);
			if (outcomes[o].can_miss)
				fprintf(fp, "%" PRIu64 ",", ci.n);
		}
		fprintf(fp, "%" PRIu64 "\n", sw->runs);
	}
	return wc_atomic_commit(&f, err);
}

int wc_report_write_sweep_runs_csv(const char *path, const wc_sweep *sw, const double *out,
				   wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	FILE *fp = f.fp;
	fputs("combination,", fp);
	csv_key_header(fp, sw);
	fputs("seed", fp);
	for (int o = 0; o < WC_NOUTCOMES; o++)
		fprintf(fp, ",%s", outcomes[o].name);
	fputc('\n', fp);

	uint64_t ncomb = wc_sweep_combinations(sw);
	for (uint64_t c = 0; c < ncomb; c++)
		for (uint64_t r = 0; r < sw->runs; r++) {
			fprintf(fp, "%" PRIu64 ",", c);
			csv_key_values(fp, sw, c);
			fprintf(fp, "%" PRIu64, sw->seed + r);
			const double *v = out + ((size_t)c * sw->runs + r) * WC_NOUTCOMES;
			for (int o = 0; o < WC_NOUTCOMES; o++) {
				fputc(',', fp);
				csv_number(fp, v[o]);
			}
			fputc('\n', fp);
		}
	return wc_atomic_commit(&f, err);
}
