#include "sim/probemodel.h"

#include <math.h>

uint64_t wc_probe_model_telescope_size(const wc_scenario *sc)
{
	/* telescope blocks never overlap (wc_scenario_finish rejects that) */
	uint64_t total = 0;
	for (int i = 0; i < sc->ntelescope; i++)
		total += wc_prefix_overlap(sc->telescope[i], sc->scan_space);
	return total;
}

/* E[τ] for a host with the given uplink (threads timing). */
static double attempt_mean(const wc_probe_model *m, const wc_scenario *sc, double uplink)
{
	double pv = m->p_vulnerable, pt = m->p_telescope, f = sc->reply_fraction;
	double web = sc->rtt + 8 * sc->request_bytes / uplink;
	return pv * web + pt * sc->syn_timeout +
	       (1 - pv - pt) * (f * sc->rtt + (1 - f) * sc->syn_timeout);
}

static double host_rate(const wc_probe_model *m, const wc_scenario *sc, int threads, double uplink)
{
	switch (sc->timing) {
	case WC_TIMING_CONSTANT:
		return sc->probe_rate;
	case WC_TIMING_BANDWIDTH:
		return uplink / (8 * sc->packet_bytes);
	case WC_TIMING_THREADS:
		break;
	}
	double mean = attempt_mean(m, sc, uplink);
	return mean > 0 ? threads / mean : 0;
}

void wc_probe_model_init(wc_probe_model *m, const wc_scenario *sc, uint64_t n)
{
	m->space = (double)wc_prefix_size(sc->scan_space);
	m->p_vulnerable = (double)n / m->space;
	m->p_telescope = (double)wc_probe_model_telescope_size(sc) / m->space;
	m->attempt_mean = sc->timing == WC_TIMING_THREADS ? attempt_mean(m, sc, sc->uplink_bps) : 0;
	m->rate = host_rate(m, sc, sc->threads, sc->uplink_bps);
	if (sc->strategy == WC_STRATEGY_UNIFORM_UDP || sc->timing == WC_TIMING_BANDWIDTH) {
		m->packets_per_probe = 1;
		m->bytes_per_packet = sc->packet_bytes;
	} else {
		double dark = m->p_telescope +
			      (1 - m->p_vulnerable - m->p_telescope) * (1 - sc->reply_fraction);
		m->packets_per_probe = 1 + 2 * dark;
		m->bytes_per_packet = 48;
	}
	for (int c = 0; c < sc->nclasses && c < WC_MAX_CLASSES; c++) {
		const wc_host_class *hc = &sc->classes[c];
		m->class_rate[c] = host_rate(m, sc, hc->threads ? hc->threads : sc->threads,
					     hc->uplink_bps > 0 ? hc->uplink_bps : sc->uplink_bps);
	}
}
