#include "report/report.h"

#include <string.h>

void wc_run_figures_compute(const wc_timeline *tl, wc_run_figures *f)
{
	memset(f, 0, sizeof *f);
	f->rows = tl->n;
	if (tl->n == 0)
		return;

	const wc_timeline_row *last = &tl->rows[tl->n - 1];
	f->interval = tl->n >= 2 ? tl->rows[1].time - tl->rows[0].time : 0;
	f->final_time = last->time;
	f->final_cumulative_infected = last->cumulative_infected;
	f->final_infected = last->infected;
	f->final_active = last->active;
	f->final_patched = last->patched;
	f->final_telescope_sources = last->telescope_sources;
	f->final_failed = last->failed;

	/* Seeding the peaks from the first row makes a flat-zero series report the
	 * first row's time rather than the epoch; '>' keeps the earliest of ties. */
	const wc_timeline_row *first = &tl->rows[0];
	f->peak_new_infections_time = first->time;
	f->peak_active_time = first->time;
	f->peak_probes_time = first->time;
	f->peak_probe_pps_time = first->time;

	for (size_t i = 0; i < tl->n; i++) {
		const wc_timeline_row *r = &tl->rows[i];
		if (i == 0 || r->new_infections > f->peak_new_infections) {
			f->peak_new_infections = r->new_infections;
			f->peak_new_infections_time = r->time;
		}
		if (i == 0 || r->active > f->peak_active) {
			f->peak_active = r->active;
			f->peak_active_time = r->time;
		}
		if (i == 0 || r->probes > f->peak_probes) {
			f->peak_probes = r->probes;
			f->peak_probes_time = r->time;
		}
		if (i == 0 || r->probe_pps > f->peak_probe_pps) {
			f->peak_probe_pps = r->probe_pps;
			f->peak_probe_bps = r->probe_bps;
			f->peak_probe_pps_time = r->time;
		}
		f->total_probes += r->probes;
		f->total_telescope_probes += r->telescope_probes;
		f->total_target_bytes += r->target_bytes;
		f->total_reinfections += r->reinfections;
		f->total_blocked_probes += r->blocked_probes;
	}
}

const wc_timeline_row *wc_timeline_row_at(const wc_timeline *tl, wc_time t)
{
	/* Rows are in increasing time: find the first row after t by bisection;
	 * the one before it is the answer. */
	size_t lo = 0, hi = tl->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->rows[mid].time <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? NULL : &tl->rows[lo - 1];
}
