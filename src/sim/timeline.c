#include "sim/timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/vec.h"
#include "core/xalloc.h"

const char wc_timeline_csv_header[] =
	"time,susceptible,infected,active,removed,patched,new_infections,cumulative_infected,"
	"probes,telescope_probes,telescope_sources,target_bytes,spreading,flooding,reinfections,"
	"target_connections,infected_same16,infected_same8,probe_pps,probe_bps,failed,"
	"blocked_probes";

void wc_timeline_init(wc_timeline *tl)
{
	tl->rows = NULL;
	tl->n = tl->cap = 0;
}

void wc_timeline_free(wc_timeline *tl)
{
	free(tl->rows);
	wc_timeline_init(tl);
}

void wc_timeline_push(wc_timeline *tl, const wc_timeline_row *row)
{
	WC_VEC_PUSH(tl->rows, tl->n, tl->cap, *row);
}

int wc_timeline_row_csv(const wc_timeline_row *r, char *buf, size_t len)
{
	char t[24];
	return snprintf(buf, len,
			"%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			wc_time_format(r->time, t), r->susceptible, r->infected, r->active,
			r->removed, r->patched, r->new_infections, r->cumulative_infected,
			r->probes, r->telescope_probes, r->telescope_sources, r->target_bytes,
			r->spreading, r->flooding, r->reinfections, r->target_connections,
			r->infected_same16, r->infected_same8, r->probe_pps, r->probe_bps,
			r->failed, r->blocked_probes);
}
