#include "sim/sim.h"

#include <math.h>
#include <string.h>

#include "core/clock.h"
#include "sim/addrindex.h"
#include "sim/engine.h"
#include "sim/probemodel.h"
#include "sim/strategy.h"
#include "sim/population.h"
#include "sim/sensor.h"

void wc_run_options_init(wc_run_options *opt)
{
	memset(opt, 0, sizeof *opt);
	opt->seed = 1;
	opt->engine = WC_ENGINE_AUTO;
	opt->threads = 1;
}

const char *wc_engine_name(enum wc_engine e)
{
	switch (e) {
	case WC_ENGINE_AUTO:
		return "auto";
	case WC_ENGINE_PROBE:
		return "probe";
	case WC_ENGINE_FAST:
		return "fast";
	}
	return "?";
}

int wc_engine_parse(const char *s, enum wc_engine *e)
{
	for (enum wc_engine k = WC_ENGINE_AUTO; k <= WC_ENGINE_FAST; k++)
		if (strcmp(s, wc_engine_name(k)) == 0) {
			*e = k;
			return 0;
		}
	return -1;
}

/* The traffic columns: each row's probes as packets and bits per second. */
static void add_traffic(const wc_scenario *sc, const wc_population *pop, wc_timeline *tl)
{
	wc_probe_model m;
	wc_probe_model_init(&m, sc, pop->n);
	for (size_t i = 1; i < tl->n; i++) {
		wc_timeline_row *r = &tl->rows[i];
		double seconds = (double)(r->time - tl->rows[i - 1].time);
		double pps = (double)r->probes * m.packets_per_probe / seconds;
		r->probe_pps = (uint64_t)llround(pps);
		r->probe_bps = (uint64_t)llround(pps * m.bytes_per_packet * 8);
	}
}

int wc_simulate(const wc_scenario *sc, const wc_run_options *opt, wc_run_result *res, wc_error *err)
{
	memset(res, 0, sizeof *res);
	wc_timeline_init(&res->timeline);
	if (opt->threads < 1 || opt->threads > 1024)
		return wc_error_set(err, WC_EXIT_USAGE, "--threads: expected 1 to 1024, got %d",
				    opt->threads);
	wc_time until = sc->end;
	if (wc_run_until_given(opt)) {
		char t[3][32];
		if (opt->until <= sc->start || opt->until > sc->end)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--until: %s must lie after outbreak.start (%s) and no "
					    "later than outbreak.end (%s)",
					    wc_time_format(opt->until, t[0]),
					    wc_time_format(sc->start, t[1]),
					    wc_time_format(sc->end, t[2]));
		until = opt->until;
	}
	/* Whole steps only: the last partial step would bias the final row. */
	until = sc->start + (until - sc->start) / sc->step * sc->step;
	if (until <= sc->start)
		return wc_error_set(err, WC_EXIT_USAGE, "--until: shorter than one step");

	/* The fast engine needs targets that are uniform over the scan space;
	 * strategies with per-copy state (a sequence position, a hit-list) run on
	 * the probe engine only. */
	bool fast_ok = wc_engine_fast_supports(sc);
	enum wc_engine engine = opt->engine;
	if (engine == WC_ENGINE_AUTO)
		engine = fast_ok ? WC_ENGINE_FAST : WC_ENGINE_PROBE;
	if (engine == WC_ENGINE_FAST && !fast_ok)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--engine fast: the fast engine cannot run strategy %s %s; "
				    "use --engine probe or auto",
				    wc_strategy_name(sc->strategy), wc_engine_fast_refusal(sc));

	double t0 = wc_clock_seconds();
	wc_sensors sensors;
	if (wc_sensors_init(&sensors, sc, opt->seed, err) != 0)
		return -1;
	for (int i = 0; i < sensors.n; i++)
		wc_timeline_add_sensor(&res->timeline, sensors.s[i].name);
	wc_population pop;
	if (wc_population_build(&pop, sc, opt->seed, err) != 0)
		return -1;
	/* Only the probe engine looks addresses up. */
	wc_addrindex index = {0};
	if (engine == WC_ENGINE_PROBE)
		wc_addrindex_build(&index, pop.addr, pop.n);

	uint64_t nsteps = (uint64_t)(until - sc->start) / (uint64_t)sc->step;
	wc_outbreak model;
	wc_outbreak_init(&model, sc, pop.n, nsteps, opt->seed);
	wc_world world = {sc,	  &pop,	   engine == WC_ENGINE_PROBE ? &index : NULL,
			  opt,	  &model,  until,
			  nsteps, &sensors};
	res->engine = engine;
	res->vulnerable = pop.n;
	double t1 = wc_clock_seconds();
	int rc = engine == WC_ENGINE_PROBE ? wc_engine_probe_run(&world, res, err)
					   : wc_engine_fast_run(&world, res, err);
	double t2 = wc_clock_seconds();
	res->engine_seconds = t2 - t1;
	res->wall_seconds = t2 - t0;

	wc_outbreak_free(&model);
	if (engine == WC_ENGINE_PROBE)
		wc_addrindex_free(&index);
	if (rc == 0)
		add_traffic(sc, &pop, &res->timeline);
	wc_population_free(&pop);
	if (rc != 0)
		wc_run_result_free(res);
	return rc;
}

const char *wc_engine_fast_refusal(const wc_scenario *sc)
{
	if (wc_strategy_stateful(sc->strategy) && sc->strategy != WC_STRATEGY_LOCAL_PREFERENCE)
		return "(its targets depend on each copy's state)";
	return NULL;
}

bool wc_engine_fast_supports(const wc_scenario *sc)
{
	return wc_engine_fast_refusal(sc) == NULL;
}

void wc_run_result_free(wc_run_result *res)
{
	wc_timeline_free(&res->timeline);
}
