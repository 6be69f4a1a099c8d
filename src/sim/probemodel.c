#include "sim/probemodel.h"

/* Two prefixes are either nested or disjoint; returns their intersection's size. */
static uint64_t overlap(wc_prefix a, wc_prefix b)
{
	if (a.len >= b.len)
		return wc_prefix_contains(b, a.base) ? wc_prefix_size(a) : 0;
	return wc_prefix_contains(a, b.base) ? wc_prefix_size(b) : 0;
}

uint64_t wc_probe_model_telescope_size(const wc_scenario *sc)
{
	uint64_t total = 0;
	for (int i = 0; i < sc->ntelescope; i++) {
		wc_prefix t = sc->telescope[i];
		/* a block inside an earlier (or equal, earlier-listed) block adds nothing */
		bool covered = false;
		for (int j = 0; j < sc->ntelescope && !covered; j++) {
			wc_prefix u = sc->telescope[j];
			if (j != i && u.len <= t.len && wc_prefix_contains(u, t.base) &&
			    (u.len < t.len || j < i))
				covered = true;
		}
		if (!covered)
			total += overlap(t, sc->scan_space);
	}
	return total;
}

void wc_probe_model_init(wc_probe_model *m, const wc_scenario *sc, uint64_t n)
{
	m->space = (double)wc_prefix_size(sc->scan_space);
	m->p_vulnerable = (double)n / m->space;
	m->p_telescope = (double)wc_probe_model_telescope_size(sc) / m->space;
	if (sc->timing == WC_TIMING_CONSTANT) {
		m->attempt_mean = 0;
		m->rate = sc->probe_rate;
		return;
	}
	double pv = m->p_vulnerable, pt = m->p_telescope, f = sc->reply_fraction;
	double web = sc->rtt + 8 * sc->request_bytes / sc->uplink_bps;
	m->attempt_mean = pv * web + pt * sc->syn_timeout +
			  (1 - pv - pt) * (f * sc->rtt + (1 - f) * sc->syn_timeout);
	m->rate = m->attempt_mean > 0 ? sc->threads / m->attempt_mean : 0;
}
