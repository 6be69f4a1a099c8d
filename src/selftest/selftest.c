/*
 * selftest.c — the checks behind `wormcast selftest` (selftest.h).
 *
 * The simulation checks share one small world: N = 1,000 vulnerable hosts in
 * a /10 (|S| = 2^22 addresses), I0 = 100 of them infected at the start, each
 * infected host probing r = 60 uniform addresses per second, nothing removed.
 * Random constant spread then gives the logistic (Staniford et al. 2002)
 *
 *   dI/dt = K·I·(1 − I/N),  K = r·N/|S|,  t50 = ln((N − I0)/I0) / K = 153.7 s,
 *
 * the instant half the hosts are infected. Each engine's mean t50 over 16
 * seeds must lie within 5% of it (one seed's t50 spreads by about
 * 1/(ln 9·√I0) = 4.5%, 7 s, as 40 seeds confirm; the mean of 16 by 1.2%, so 5%
 * is 4 standard errors), and the two engines' samples of the infected count at
 * 120 s must agree (Welch's z below 4).
 */
#include "selftest/selftest.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "core/error.h"
#include "core/sample.h"
#include "detect/detect.h"
#include "model/fit.h"
#include "model/series.h"
#include "sim/scenario.h"
#include "sim/sim.h"

typedef struct selftest {
	FILE *out;  /* where each check's line goes */
	int passed; /* checks so far that passed */
	int failed; /* and that failed */
} selftest;

/* One line: ok or FAIL, then what was compared. */
__attribute__((format(printf, 3, 4))) static void verdict(selftest *st, bool ok, const char *fmt,
							  ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs(ok ? "ok   - " : "FAIL - ", st->out);
	vfprintf(st->out, fmt, ap);
	fputc('\n', st->out);
	va_end(ap);
	fflush(st->out);
	if (ok)
		st->passed++;
	else
		st->failed++;
}

/* ---- the logistic world, on each engine ---- */

enum { SI_SEEDS = 16, SI_N = 1000, SI_I0 = 100, SI_RATE = 60, SI_SPACE = 1 << 22, SI_AT = 120 };

typedef struct si_sample {
	double t50[SI_SEEDS]; /* seconds from the start to N/2 infected, interpolated */
	double at[SI_SEEDS];  /* hosts ever infected SI_AT seconds in */
} si_sample;

static int si_world(wc_scenario *sc, wc_error *err)
{
	static const char *const sets[] = {
		"worm.scan_space=12.0.0.0/10",
		"population.placement=uniform",
		"population.vulnerable=1000",
		"outbreak.seed_hosts=100",
		"telescope.blocks=",
		"worm.timing=constant",
		"worm.probe_rate=60",
		"output.interval=10",
		"outbreak.start=2001-07-19T10:00:00Z",
		"outbreak.end=2001-07-19T10:05:00Z",
	};
	wc_scenario_init(sc);
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
		if (wc_scenario_set(sc, sets[i], err) != 0)
			return -1;
	return wc_scenario_finish(sc, err);
}

/* t50 and the count at SI_AT from one run's timeline; NAN where not reached. */
static void si_measure(const wc_timeline *tl, wc_time start, double *t50, double *at)
{
	*t50 = NAN;
	*at = NAN;
	for (size_t i = 1; i < tl->n; i++) {
		const wc_timeline_row *a = &tl->rows[i - 1], *b = &tl->rows[i];
		if (b->time - start == SI_AT)
			*at = (double)b->cumulative_infected;
		if (isnan(*t50) && 2 * b->cumulative_infected >= SI_N) {
			double frac = (SI_N / 2.0 - (double)a->cumulative_infected) /
				      (double)(b->cumulative_infected - a->cumulative_infected);
			*t50 = (double)(a->time - start) + frac * (double)(b->time - a->time);
		}
	}
}

static int si_runs(const wc_scenario *sc, enum wc_engine engine, si_sample *s, wc_error *err)
{
	for (int k = 0; k < SI_SEEDS; k++) {
		wc_run_options opt;
		wc_run_options_init(&opt);
		opt.engine = engine;
		opt.seed = 1 + (uint64_t)k;
		opt.threads = 1;
		wc_run_result res;
		if (wc_simulate(sc, &opt, &res, err) != 0)
			return -1;
		si_measure(&res.timeline, sc->start, &s->t50[k], &s->at[k]);
		wc_run_result_free(&res);
	}
	return 0;
}

static void mean_var(const double *x, int n, double *mean, double *var)
{
	double m = 0, v = 0;
	for (int i = 0; i < n; i++)
		m += x[i] / n;
	for (int i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m) / (n - 1);
	*mean = m;
	*var = v;
}

static void check_logistic(selftest *st, const char *engine, const si_sample *s)
{
	double K = (double)SI_RATE * SI_N / SI_SPACE;
	double expect = log((double)(SI_N - SI_I0) / SI_I0) / K, mean, var;
	mean_var(s->t50, SI_SEEDS, &mean, &var);
	double rel = fabs(mean / expect - 1); /* NaN (a run that never got there) fails */
	verdict(st, rel <= 0.05,
		"%s engine, logistic spread: mean t50 %.1f s over %d seeds vs closed form "
		"ln((N-I0)/I0)/K = %.1f s (within 5%%; off by %.1f%%)",
		engine, mean, SI_SEEDS, expect, 100 * rel);
}

static void check_agreement(selftest *st, const si_sample *fast, const si_sample *probe)
{
	double mf, vf, mp, vp;
	mean_var(fast->at, SI_SEEDS, &mf, &vf);
	mean_var(probe->at, SI_SEEDS, &mp, &vp);
	double se = sqrt((vf + vp) / SI_SEEDS), diff = fabs(mf - mp);
	double z = se > 0 ? diff / se : (diff == 0 ? 0 : INFINITY);
	verdict(st, z < 4,
		"fast vs probe engine: mean infected at %d s %.1f vs %.1f over %d seeds each "
		"(Welch |z| %.2f, below 4)",
		SI_AT, mf, mp, SI_SEEDS, z);
}

static void check_engines(selftest *st)
{
	wc_scenario sc;
	wc_error err = {0};
	si_sample fast, probe;
	if (si_world(&sc, &err) != 0 || si_runs(&sc, WC_ENGINE_FAST, &fast, &err) != 0 ||
	    si_runs(&sc, WC_ENGINE_PROBE, &probe, &err) != 0) {
		verdict(st, false, "logistic world: the simulation failed: %s", err.msg);
		return;
	}
	check_logistic(st, "fast", &fast);
	check_logistic(st, "probe", &probe);
	check_agreement(st, &fast, &probe);
}

/* ---- the fast engine's samplers ---- */

/* Sample means of 10^5 fixed-seed draws against the exact means, within 5
 * standard errors (se from the exact variances). */
static void check_samplers(selftest *st)
{
	enum { NDRAWS = 100000 };
	const double nu = 1, ez = -expm1(-nu), q = 0.3, bz = 1 - pow(1 - q, 10), p = 0.01;
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	if (g == NULL) {
		verdict(st, false, "samplers: no generator (out of memory)");
		return;
	}
	gsl_rng_set(g, 7);
	double sum[3] = {0, 0, 0};
	for (int i = 0; i < NDRAWS; i++) {
		sum[0] += (double)wc_sample_poisson_positive(g, nu);
		sum[1] += (double)wc_sample_binomial_positive(g, 10, q);
		sum[2] += wc_sample_geometric(g, p);
	}
	gsl_rng_free(g);
	const double mean[3] = {nu / ez, 10 * q / bz, 1 / p};
	const double ex2[3] = {(nu + nu * nu) / ez, (10 * q * (1 - q) + 100 * q * q) / bz,
			       (1 - p) / (p * p) + 1 / (p * p)};
	static const char *const what[3] = {"Poisson(1) given >= 1", "Binomial(10, 0.3) given >= 1",
					    "Geometric(0.01)"};
	for (int k = 0; k < 3; k++) {
		double m = sum[k] / NDRAWS, se = sqrt((ex2[k] - mean[k] * mean[k]) / NDRAWS);
		verdict(st, fabs(m - mean[k]) <= 5 * se,
			"sampler %s: mean %.4f over %d draws vs exact %.4f (within 5 se = %.4f)",
			what[k], m, NDRAWS, mean[k], 5 * se);
	}
}

/* ---- the scenario reader ---- */

static void check_scenarios(selftest *st)
{
	for (int i = 0; i < wc_scenario_builtin_count(); i++) {
		const char *name = wc_scenario_builtin_name(i);
		wc_scenario sc;
		wc_error err = {0};
		wc_scenario_init(&sc);
		bool ok = wc_scenario_load_builtin(&sc, name, &err) == 0 &&
			  wc_scenario_finish(&sc, &err) == 0 && sc.vulnerable > 0;
		if (ok)
			verdict(st, true,
				"scenario reader: built-in '%s' read and checked, %lld "
				"vulnerable hosts",
				name, (long long)sc.vulnerable);
		else
			verdict(st, false, "scenario reader: built-in '%s': %s", name, err.msg);
	}
}

/* ---- detect ---- */

/* An Apache log of two lines: a Code Red v2 request (224 'N' and its %u
 * escapes) and an ordinary page. */
static size_t detect_log(char *buf, size_t len)
{
	static const char escapes[] =
		"%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801"
		"%u9090%u9090%u8190%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";
	char ns[225];
	memset(ns, 'N', 224);
	ns[224] = '\0';
	int n = snprintf(buf, len,
			 "192.0.2.10 - - [19/Jul/2001:10:05:00 -0700] \"GET /default.ida?%s%s "
			 "HTTP/1.0\" 404 276 \"-\" \"-\"\n"
			 "198.51.100.7 - - [19/Jul/2001:10:06:00 -0700] \"GET /index.html "
			 "HTTP/1.0\" 200 1043 \"-\" \"Mozilla/4.0\"\n",
			 ns, escapes);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

static void check_detect(selftest *st)
{
	char log[1024];
	size_t len = detect_log(log, sizeof log);
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	size_t n = 0;
	const wc_detect_source *src = NULL;
	if (len > 0 &&
	    wc_detect_log_buffer(d, "selftest.log", WC_FORMAT_AUTO, log, len, &err) == 0 &&
	    wc_detect_finish(d, &err) == 0)
		src = wc_detect_sources(d, &n);
	const wc_detect_stats *s = wc_detect_get_stats(d);
	bool ok = src != NULL && n == 1 && src[0].kind == WC_KIND_CODERED &&
		  strcmp(src[0].addr, "192.0.2.10") == 0 && s->requests == 2 && s->bad_lines == 0;
	verdict(st, ok,
		"detect, an embedded Apache log (a Code Red v2 request, an ordinary one): %zu "
		"source(s), first %s (%s), %llu requests, %llu bad lines vs 1 codered 192.0.2.10, "
		"2, 0 (exact)%s%s",
		n, n > 0 ? src[0].addr : "-", n > 0 ? wc_detect_kind_name(src[0].kind) : "-",
		(unsigned long long)s->requests, (unsigned long long)s->bad_lines,
		err.code ? ": " : "", err.code ? err.msg : "");
	wc_detect_free(d);
}

/* ---- fit ---- */

/* A logistic day sampled hourly, rounded to whole hosts: the rcs fit must
 * give back its rate K = 1.8/h (rounding moves it by far less than 1%). */
static void check_fit(selftest *st)
{
	enum { NPTS = 25 };
	const double N = 20000, K = 1.8, tm = 12;
	double t[NPTS], y[NPTS];
	for (int i = 0; i < NPTS; i++) {
		t[i] = i;
		y[i] = round(N / (1 + exp(-K * (t[i] - tm))));
	}
	wc_series s;
	wc_fit f;
	wc_error err = {0};
	bool fitted =
		wc_series_from_arrays(&s, "selftest", t, y, NPTS, WC_COUNTS_CUMULATIVE, &err) == 0;
	if (fitted) {
		fitted = wc_fit_model(&s, WC_MODEL_RCS, &f, &err) == 0;
		wc_series_free(&s);
	}
	double k = fitted ? f.p[1] : NAN, rel = fabs(k / K - 1);
	verdict(st, rel <= 0.01,
		"fit, rcs on a logistic series (N %.0f, %d hourly points): K %.4f/h vs %.4f/h "
		"(within 1%%)%s%s",
		N, NPTS, k, K, err.code ? ": " : "", err.code ? err.msg : "");
}

int wc_selftest_run(FILE *out)
{
	selftest st = {out, 0, 0};
	check_engines(&st);
	check_samplers(&st);
	check_scenarios(&st);
	check_detect(&st);
	check_fit(&st);
	fprintf(out, "selftest: %d passed, %d failed\n", st.passed, st.failed);
	return st.failed;
}
