/*
 * What-if sweeps (sweep.h): vary specs, the Cartesian product of their
 * values, and the parallel loop over (combination, seed).
 *
 * The loop's determinism rests on two facts: a run's result depends only on
 * its scenario, seed and engine (sim.h), and each run writes its own slot of
 * the output array. Threads decide only the order in which slots are filled.
 */
#include "sim/sweep.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"

/* Longest value accepted: wc_scenario_set takes values up to 511 bytes. */
#define VALUE_MAX 511

/* ---- parsing a vary spec ---- */

static char *trim_copy(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	char *out = xmalloc(n + 1);
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* A plain finite decimal number, all of s ("inf", "nan" and hex stay text:
 * no scenario key takes them). */
static bool read_number(const char *s, double *out)
{
	return wc_num_double(s, -INFINITY, INFINITY, out) == WC_NUM_OK;
}

/* Digits only: "+3" is a value's text, not a count. */
static bool read_count(const char *s, uint64_t *out)
{
	return isdigit((unsigned char)*s) && wc_num_u64(s, 0, UINT64_MAX, out) == WC_NUM_OK;
}

static void key_push(wc_sweep_key *k, char *value)
{
	WC_VEC_PUSH(k->values, k->nvalues, k->values_cap, value);
}

/* Splits a list on commas not preceded by a backslash; "\," becomes ",". */
static int parse_list(const char *spec, const char *rhs, wc_sweep_key *k, wc_error *err)
{
	size_t len = strlen(rhs);
	char *buf = xmalloc(len + 1);
	size_t n = 0;
	for (size_t i = 0;; i++) {
		if (rhs[i] == '\\' && rhs[i + 1] == ',') {
			buf[n++] = ',';
			i++;
			continue;
		}
		if (rhs[i] != ',' && rhs[i] != '\0') {
			buf[n++] = rhs[i];
			continue;
		}
		char *v = trim_copy(buf, n);
		n = 0;
		if (strlen(v) > VALUE_MAX) {
			free(v);
			free(buf);
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--vary '%.60s': a value is longer than %d characters",
					    spec, VALUE_MAX);
		}
		for (size_t j = 0; j < k->nvalues; j++)
			if (strcmp(k->values[j], v) == 0) {
				wc_error_set(err, WC_EXIT_USAGE,
					     "--vary '%.60s': value '%s' is listed twice", spec, v);
				free(v);
				free(buf);
				return -1;
			}
		if (k->nvalues == WC_SWEEP_MAX_VALUES) {
			free(v);
			free(buf);
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--vary '%.60s': more than %d values", spec,
					    WC_SWEEP_MAX_VALUES);
		}
		key_push(k, v);
		if (rhs[i] == '\0')
			break;
	}
	free(buf);
	return 0;
}

/* A:B:N → N evenly spaced values; integer keys get whole numbers or an error. */
static int parse_range(const char *spec, double a, double b, uint64_t n, wc_sweep_key *k,
		       wc_error *err)
{
	if (n < 1 || n > WC_SWEEP_MAX_VALUES)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--vary '%.60s': A:B:N needs N from 1 to %d, got %" PRIu64,
				    spec, WC_SWEEP_MAX_VALUES, n);
	if (n == 1 && a != b)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--vary '%.60s': A:B:1 is one value, so A must equal B", spec);
	int integer = wc_scenario_key_is_integer(k->key);
	for (uint64_t i = 0; i < n; i++) {
		/* The last value is B itself, not A plus a rounded sum of steps. */
		double v = i + 1 == n ? b : a + (double)i * (b - a) / (double)(n - 1);
		char text[64];
		if (integer) {
			double r = nearbyint(v);
			if (fabs(v - r) > 1e-9 * fmax(1, fabs(v)))
				return wc_error_set(err, WC_EXIT_USAGE,
						    "--vary '%.60s': %s takes whole numbers, but "
						    "%g:%g:%" PRIu64
						    " gives %.15g (choose N so that "
						    "(B-A)/(N-1) is whole, or list the values)",
						    spec, k->key, a, b, n, v);
			snprintf(text, sizeof text, "%.0f", r + 0.0); /* + 0.0: no "-0" */
		} else {
			snprintf(text, sizeof text, "%.15g", v + 0.0);
		}
		for (size_t j = 0; j < k->nvalues; j++)
			if (strcmp(k->values[j], text) == 0)
				return wc_error_set(err, WC_EXIT_USAGE,
						    "--vary '%.60s': the range repeats %s (too "
						    "many values for its width)",
						    spec, text);
		key_push(k, xstrdup(text));
	}
	return 0;
}

int wc_sweep_parse_vary(const char *spec, wc_sweep_key *k, wc_error *err)
{
	memset(k, 0, sizeof *k);
	const char *eq = strchr(spec, '=');
	if (eq == NULL)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--vary '%.60s': expected section.key=LIST or "
				    "section.key=A:B:N",
				    spec);
	k->key = trim_copy(spec, (size_t)(eq - spec));
	const char *dot = strrchr(k->key, '.');
	if (dot == NULL || dot == k->key || dot[1] == '\0' || strlen(k->key) >= 200 ||
	    strpbrk(k->key, " \t") != NULL) {
		wc_sweep_key_free(k);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--vary '%.60s': expected section.key=LIST or "
				    "section.key=A:B:N",
				    spec);
	}
	char *rhs = trim_copy(eq + 1, strlen(eq + 1));
	int rc = 0;
	if (*rhs == '\0') {
		rc = wc_error_set(err, WC_EXIT_USAGE, "--vary '%.60s': no values after '='", spec);
	} else {
		/* A range is exactly A:B:N with A and B numbers; anything else,
		 * a time like 2001-07-19T12:00:00Z among them, is a list. */
		char *c1 = strchr(rhs, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool range = false;
		double a, b;
		if (c2 != NULL && strchr(c2 + 1, ':') == NULL && strchr(rhs, ',') == NULL) {
			char *fa = trim_copy(rhs, (size_t)(c1 - rhs));
			char *fb = trim_copy(c1 + 1, (size_t)(c2 - c1 - 1));
			char *fn = trim_copy(c2 + 1, strlen(c2 + 1));
			if (read_number(fa, &a) && read_number(fb, &b)) {
				range = true;
				uint64_t n;
				if (!read_count(fn, &n))
					rc = wc_error_set(err, WC_EXIT_USAGE,
							  "--vary '%.60s': in A:B:N, N must be a "
							  "whole number, got '%s'",
							  spec, fn);
				else
					rc = parse_range(spec, a, b, n, k, err);
			}
			free(fa);
			free(fb);
			free(fn);
		}
		if (!range)
			rc = parse_list(spec, rhs, k, err);
	}
	free(rhs);
	if (rc != 0) {
		wc_sweep_key_free(k);
		return -1;
	}
	/* Numbers are kept for plots and tables; one non-number makes the key
	 * categorical (times, CIDRs, names). */
	k->numbers = xmallocarray(k->nvalues, sizeof *k->numbers);
	k->numeric = 1;
	for (size_t i = 0; i < k->nvalues && k->numeric; i++)
		k->numeric = read_number(k->values[i], &k->numbers[i]);
	if (!k->numeric) {
		free(k->numbers);
		k->numbers = NULL;
	}
	return 0;
}

void wc_sweep_key_free(wc_sweep_key *k)
{
	for (size_t i = 0; i < k->nvalues; i++)
		free(k->values[i]);
	free(k->values);
	free(k->key);
	free(k->numbers);
	memset(k, 0, sizeof *k);
}

/* ---- the sweep ---- */

void wc_sweep_init(wc_sweep *sw, const wc_scenario *base)
{
	memset(sw, 0, sizeof *sw);
	sw->base = *base;
	sw->runs = 1;
	sw->seed = 1;
}

int wc_sweep_add_vary(wc_sweep *sw, const char *spec, wc_error *err)
{
	wc_sweep_key k;
	if (wc_sweep_parse_vary(spec, &k, err) != 0)
		return -1;
	for (size_t i = 0; i < sw->nkeys; i++)
		if (strcmp(sw->keys[i].key, k.key) == 0) {
			wc_error_set(err, WC_EXIT_USAGE,
				     "--vary %s: the key is varied twice (give all its values in "
				     "one --vary)",
				     k.key);
			wc_sweep_key_free(&k);
			return -1;
		}
	if (sw->nkeys == WC_SWEEP_MAX_KEYS) {
		wc_error_set(err, WC_EXIT_USAGE, "--vary %s: at most %d keys can be varied", k.key,
			     WC_SWEEP_MAX_KEYS);
		wc_sweep_key_free(&k);
		return -1;
	}
	sw->keys[sw->nkeys++] = k;
	return 0;
}

void wc_sweep_free(wc_sweep *sw)
{
	for (size_t i = 0; i < sw->nkeys; i++)
		wc_sweep_key_free(&sw->keys[i]);
	sw->nkeys = 0;
}

uint64_t wc_sweep_combinations(const wc_sweep *sw)
{
	uint64_t n = 1;
	for (size_t i = 0; i < sw->nkeys; i++) {
		uint64_t v = sw->keys[i].nvalues;
		if (v != 0 && n > UINT64_MAX / v)
			return UINT64_MAX;
		n *= v;
	}
	return n;
}

size_t wc_sweep_value_index(const wc_sweep *sw, uint64_t c, size_t key)
{
	/* Mixed radix, last key least significant. */
	for (size_t i = sw->nkeys; i-- > key + 1;)
		c /= sw->keys[i].nvalues;
	return (size_t)(c % sw->keys[key].nvalues);
}

/* "k1=v1, k2=v2" for messages, cut to fit. */
static void describe_combination(const wc_sweep *sw, uint64_t c, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sw->nkeys && o < len; i++) {
		const wc_sweep_key *k = &sw->keys[i];
		int n = snprintf(buf + o, len - o, "%s%s=%s", i ? ", " : "", k->key,
				 k->values[wc_sweep_value_index(sw, c, i)]);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* wc_scenario_set's messages start "--set: "; under --vary that would mislead. */
static const char *strip_set_prefix(const char *msg)
{
	return strncmp(msg, "--set: ", 7) == 0 ? msg + 7 : msg;
}

static int apply_value(wc_scenario *sc, const wc_sweep_key *k, size_t v, wc_error *err)
{
	char assignment[1024];
	snprintf(assignment, sizeof assignment, "%s=%s", k->key, k->values[v]);
	return wc_scenario_set(sc, assignment, err);
}

int wc_sweep_scenario(const wc_sweep *sw, uint64_t c, wc_scenario *out, wc_error *err)
{
	wc_error e = {0};
	*out = sw->base;
	for (size_t i = 0; i < sw->nkeys && e.code == 0; i++)
		apply_value(out, &sw->keys[i], wc_sweep_value_index(sw, c, i), &e);
	if (e.code == 0)
		wc_scenario_finish(out, &e);
	if (e.code == 0)
		return 0;
	char what[512];
	describe_combination(sw, c, what, sizeof what);
	return wc_error_set(err, e.code, "--vary combination %s: %s", what,
			    strip_set_prefix(e.msg));
}

/*
 * class.NAME.key for a class the scenario lacks would add a class with share
 * 1, and the shares would no longer add up: almost always a misspelt or
 * guessed class name (class.all in a scenario with home and managed). Say so
 * plainly. Varying a new class's share is left alone: that is deliberate.
 */
static int class_missing(const wc_sweep *sw, const char *key, wc_error *err)
{
	const wc_scenario *b = &sw->base;
	const char *dot = strrchr(key, '.');
	if (strncmp(key, "class.", 6) != 0 || b->nclasses == 0 || dot <= key + 6 ||
	    strcmp(dot, ".share") == 0)
		return 0;
	size_t len = (size_t)(dot - (key + 6));
	char names[WC_MAX_CLASSES * (WC_NAME_MAX + 2)] = "";
	for (int i = 0; i < b->nclasses; i++) {
		if (strlen(b->classes[i].name) == len &&
		    strncmp(b->classes[i].name, key + 6, len) == 0)
			return 0;
		strcat(names, i ? ", " : "");
		strcat(names, b->classes[i].name);
	}
	return wc_error_set(err, WC_EXIT_USAGE,
			    "--vary %s: the scenario has no class '%.*s' (its classes: %s)", key,
			    (int)len, key + 6, names);
}

int wc_sweep_validate(const wc_sweep *sw, const wc_run_options *opt, wc_error *err)
{
	/* Size first: a mistyped N must fail at once, not after checking 10^9
	 * combinations. */
	uint64_t ncomb = wc_sweep_combinations(sw);
	if (sw->runs < 1)
		return wc_error_set(err, WC_EXIT_USAGE, "--runs: expected at least 1");
	if (ncomb > WC_SWEEP_MAX_RUNS || sw->runs > WC_SWEEP_MAX_RUNS / ncomb)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--runs: %" PRIu64 " combinations x %" PRIu64
				    " runs is more than %d runs; vary fewer values or use fewer "
				    "runs",
				    ncomb, sw->runs, WC_SWEEP_MAX_RUNS);
	if (sw->seed > UINT64_MAX - (sw->runs - 1))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--seed: seeds %" PRIu64 "..+%" PRIu64 " pass 2^64-1", sw->seed,
				    sw->runs - 1);

	wc_scenario sc = sw->base;
	wc_error e = {0};
	if (wc_scenario_finish(&sc, &e) != 0)
		return wc_error_set(err, e.code, "%s", e.msg);

	/* Each value on its own, so the message names the value, not a
	 * combination that merely contains it. */
	for (size_t i = 0; i < sw->nkeys; i++) {
		const wc_sweep_key *k = &sw->keys[i];
		if (class_missing(sw, k->key, err) != 0)
			return -1;
		for (size_t v = 0; v < k->nvalues; v++) {
			sc = sw->base;
			if (apply_value(&sc, k, v, &e) == 0)
				continue;
			const char *msg = strip_set_prefix(e.msg);
			if (strncmp(msg, "unknown ", 8) == 0)
				return wc_error_set(err, e.code, "--vary %s: %s", k->key, msg);
			return wc_error_set(err, e.code, "--vary %s: value '%s': %s", k->key,
					    k->values[v], msg);
		}
	}

	for (uint64_t c = 0; c < ncomb; c++) {
		if (wc_sweep_scenario(sw, c, &sc, err) != 0)
			return -1;
		if (wc_run_until_given(opt) && (opt->until <= sc.start || opt->until > sc.end)) {
			char what[512];
			describe_combination(sw, c, what, sizeof what);
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--until: must lie after outbreak.start and no later "
					    "than outbreak.end%s%s",
					    sw->nkeys ? ", in combination " : "", what);
		}
		if (wc_run_until_given(opt) && (opt->until - sc.start) < sc.step)
			return wc_error_set(err, WC_EXIT_USAGE, "--until: shorter than one step");
	}
	return 0;
}

int wc_sweep_run_one(const wc_sweep *sw, const wc_run_options *opt, uint64_t i,
		     wc_sweep_measure_fn measure, void *measure_ctx, double *out, wc_error *err)
{
	uint64_t c = i / sw->runs, r = i % sw->runs;
	wc_scenario sc;
	wc_error e = {0};
	if (wc_sweep_scenario(sw, c, &sc, &e) == 0) {
		wc_run_options o = *opt;
		o.seed = sw->seed + r;
		o.threads = 1;
		o.progress = NULL;
		o.progress_ctx = NULL;
		wc_run_result res;
		if (wc_simulate(&sc, &o, &res, &e) == 0) {
			measure(&sc, &res, out, measure_ctx);
			wc_run_result_free(&res);
			return 0;
		}
	}
	char what[512];
	describe_combination(sw, c, what, sizeof what);
	return wc_error_set(err, e.code, "run of %s%sseed %" PRIu64 ": %s", what,
			    sw->nkeys ? ", " : "", sw->seed + r, e.msg);
}

int wc_sweep_run(const wc_sweep *sw, const wc_run_options *opt, int threads,
		 wc_sweep_measure_fn measure, void *measure_ctx, size_t nout, double *out,
		 wc_sweep_progress_fn progress, void *progress_ctx, wc_error *err)
{
	uint64_t total = wc_sweep_combinations(sw) * sw->runs;
	uint64_t done = 0;
	int64_t failed_at = -1; /* lowest index of a failed run, -1 while none */
	int stop = 0;
	wc_error first = {0};
	if (threads < 1)
		threads = 1;

		/* Dynamic scheduling: runs of different combinations differ in cost
		 * (a larger population, a longer outbreak). Which thread runs an index
		 * never changes what is stored at it. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
	for (int64_t i = 0; i < (int64_t)total; i++) {
		int skip;
#pragma omp atomic read
		skip = stop;
		if (skip)
			continue;
		wc_error e = {0};
		wc_sweep_run_one(sw, opt, (uint64_t)i, measure, measure_ctx, out + (size_t)i * nout,
				 &e);
#pragma omp critical(wc_sweep_report)
		{
			if (e.code != 0 && (failed_at < 0 || i < failed_at)) {
				failed_at = i;
				first = e;
#pragma omp atomic write
				stop = 1;
			}
			done++;
			if (progress != NULL)
				progress(progress_ctx, done, total);
		}
	}
	if (failed_at >= 0)
		return wc_error_set(err, first.code, "%s", first.msg);
	return 0;
}
