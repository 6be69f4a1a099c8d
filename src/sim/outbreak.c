#include "sim/outbreak.h"

#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "core/xalloc.h"
#include "sim/probemodel.h"

uint64_t wc_outbreak_step_at(const wc_scenario *sc, wc_time t)
{
	wc_time d = t - sc->start;
	return d <= 0 ? 0 : (uint64_t)((d + sc->step - 1) / sc->step);
}

static bool filter_enabled(const wc_scenario *sc)
{
	return sc->filter_method != WC_FILTER_NONE && sc->filter_coverage > 0;
}

uint8_t *wc_outbreak_filter_networks(const wc_scenario *sc, uint64_t seed)
{
	if (!filter_enabled(sc) || sc->filter_deployment != WC_DEPLOY_EDGE)
		return NULL;
	uint8_t *filters = xcalloc(65536, 1);
	for (uint32_t b = 0; b < 65536; b++) {
		wc_rng r = wc_rng_stream(seed, WC_STREAM_EDGE_FILTERS, b, 0);
		wc_prefix net = {b << 16, 16};
		bool monitor = false;
		for (int i = 0; i < sc->ntelescope; i++)
			monitor |= wc_prefix_overlap(sc->telescope[i], net) > 0;
		filters[b] = !monitor && wc_rng_uniform(&r) < sc->filter_coverage;
	}
	return filters;
}

/* Which probes the filters drop (Moore et al., "Internet Quarantine", 2003):
 * in transit deployment a share `coverage` of the probes between two /16s
 * crosses a filter, whatever the networks; at the edge, a filterable sender
 * in an open network is dropped entering a filtering network (ingress), and
 * one in a filtering network is dropped leaving it (egress) and entering
 * another filtering one. */
static void filter_rule(wc_outbreak *m, const wc_scenario *sc)
{
	if (m->edge16 == NULL) {
		for (int st = WC_SENDER_FILTERABLE; st < WC_NSENDER; st++)
			m->drop[st][0] = m->drop[st][1] = sc->filter_coverage;
	} else {
		bool in = sc->filter_direction != WC_DIRECTION_EGRESS;
		bool out = sc->filter_direction != WC_DIRECTION_INGRESS;
		m->drop[WC_SENDER_FILTERABLE][0] = 0;
		m->drop[WC_SENDER_FILTERABLE][1] = in;
		m->drop[WC_SENDER_FILTERABLE_EDGE][0] = out;
		m->drop[WC_SENDER_FILTERABLE_EDGE][1] = 1;
	}
	for (int st = 0; st < WC_NSENDER; st++)
		for (int k = 0; k < 2; k++)
			m->drop24[st][k] = (uint32_t)(m->drop[st][k] * 16777216.0);
}

/* The rate rule: a class's worm rate, capped by its throttle once the
 * throttle is in force (Williamson's virus throttle). */
static double class_rate_in(const wc_outbreak *m, const wc_probe_model *pm, int c, uint64_t from)
{
	const wc_host_class *hc = &m->sc->classes[c];
	double rate = pm->class_rate[c];
	if (hc->throttle > 0 && from >= wc_outbreak_step_at(m->sc, hc->throttle_start))
		rate = fmin(rate, hc->throttle);
	return rate;
}

static void add_boundary(uint64_t *at, int *n, uint64_t step, uint64_t nsteps)
{
	if (step == 0 || step >= nsteps)
		return;
	for (int i = 0; i < *n; i++)
		if (at[i] == step)
			return;
	int i = (*n)++;
	for (; i > 0 && at[i - 1] > step; i--)
		at[i] = at[i - 1];
	at[i] = step;
}

/* Epochs: a new one wherever a scheduled defence changes what a step does
 * ([defense.filter]'s deployment, a class's throttle rollout); each runs by
 * the policy in force at its first step. */
static void epochs_build(wc_outbreak *m, const wc_scenario *sc, const wc_probe_model *pm)
{
	uint64_t at[WC_MAX_EPOCHS] = {0};
	int n = 1; /* at[0] = 0: the start */
	uint64_t filter_step = wc_outbreak_step_at(sc, sc->filter_at);
	if (m->filters)
		add_boundary(at, &n, filter_step, m->nsteps);
	for (int c = 0; c < m->nclasses; c++)
		if (sc->classes[c].throttle > 0)
			add_boundary(at, &n, wc_outbreak_step_at(sc, sc->classes[c].throttle_start),
				     m->nsteps);
	for (int e = 0; e < n; e++) {
		wc_epoch *ep = &m->epoch[e];
		ep->from = at[e];
		ep->filters = m->filters && at[e] >= filter_step;
		for (int c = 0; c < m->nclasses; c++) {
			ep->class_rate[c] = class_rate_in(m, pm, c, at[e]);
			ep->class_mean[c] = ep->class_rate[c] * sc->step;
		}
	}
	m->nepochs = n;
}

void wc_outbreak_init(wc_outbreak *m, const wc_scenario *sc, uint32_t n, uint64_t nsteps,
		      uint64_t seed)
{
	memset(m, 0, sizeof *m);
	m->sc = sc;
	m->n = n;
	m->dt = sc->step;
	m->nsteps = nsteps;
	m->per_row = (uint64_t)(sc->interval / sc->step);
	wc_probe_model pm;
	wc_probe_model_init(&pm, sc, n);
	m->space = pm.space;
	m->p_telescope = pm.p_telescope;
	m->nclasses = sc->nclasses;
	for (int c = 0; c < sc->nclasses; c++) {
		const wc_host_class *hc = &sc->classes[c];
		m->reboot_rate[c] = hc->reboot_rate / 3600;
		m->clean_rate[c] = hc->clean_rate / 3600;
		double hours = hc->lifetime > 0 ? hc->lifetime : sc->lifetime;
		m->lifetime[c] = hours > 0 ? hours * 3600 : INFINITY;
		m->aware_rate[c] = hc->aware_rate / 3600;
		m->aware |= hc->aware_rate > 0;
		m->fails[c] = hc->fails;
	}
	m->target_cutoff = sc->target_action != WC_TARGET_NONE
				   ? wc_outbreak_step_at(sc, sc->target_at)
				   : nsteps;
	m->filters = filter_enabled(sc);
	m->blacklist = m->filters && sc->filter_method == WC_FILTER_BLACKLIST;
	m->list_delay = (uint64_t)ceil(sc->blacklist_delay / sc->step);
	m->edge16 = wc_outbreak_filter_networks(sc, seed);
	filter_rule(m, sc);
	epochs_build(m, sc, &pm);
}

void wc_outbreak_free(wc_outbreak *m)
{
	free(m->edge16);
	m->edge16 = NULL;
}

void wc_outbreak_seeds(const wc_outbreak *m, const uint8_t *class_id, uint64_t seed, uint32_t *out)
{
	uint8_t *taken = xcalloc((size_t)m->n / 8 + 1, 1);
	wc_rng pick = wc_rng_stream(seed, WC_STREAM_SEED_HOSTS, 0, 0);
	for (int k = 0; k < m->sc->seed_hosts;) {
		uint32_t h = (uint32_t)wc_rng_below(&pick, m->n);
		if (taken[h / 8] & (1u << (h % 8)) ||
		    wc_outbreak_hit_outcome(m, class_id[h]) != WC_HOST_INFECTED)
			continue;
		taken[h / 8] |= (uint8_t)(1u << (h % 8));
		out[k++] = h;
	}
	free(taken);
}

int wc_outbreak_epoch_at(const wc_outbreak *m, uint64_t s)
{
	int e = 0;
	while (e + 1 < m->nepochs && m->epoch[e + 1].from <= s)
		e++;
	return e;
}

uint64_t wc_outbreak_next_fixed(const wc_outbreak *m, uint64_t s, uint64_t cumulative,
				double next_patch_at)
{
	if (m->aware && cumulative > 0)
		return s + 1; /* the awareness hazard changes with every infection */
	uint64_t stop = (s + 1) / m->per_row * m->per_row + m->per_row - 1; /* the row's last */
	if (m->nsteps - 1 < stop)
		stop = m->nsteps - 1;
	if (!isnan(next_patch_at)) {
		double at = next_patch_at / m->dt;
		uint64_t ps = at <= 0 ? s + 1 : (uint64_t)floor(at);
		if (ps <= s)
			ps = s + 1;
		if (ps < stop)
			stop = ps;
	}
	if (m->target_cutoff > s && m->target_cutoff < stop)
		stop = m->target_cutoff;
	for (int e = 1; e < m->nepochs; e++)
		if (m->epoch[e].from > s && m->epoch[e].from < stop)
			stop = m->epoch[e].from;
	return stop;
}
