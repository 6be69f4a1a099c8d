/*
 * calendar.h — what a Code Red copy does today, by its own clock.
 *
 * The worm reads the host's clock and acts on the day of the month: spread on
 * days spread_first..spread_last, flood on flood_first..flood_last, sleep on
 * the others (CERT CA-2001-19; reference §2). A host whose clock is off by
 * `offset` seconds lives its calendar shifted by that much.
 */
#ifndef WC_SIM_CALENDAR_H
#define WC_SIM_CALENDAR_H

#include "core/utc.h"
#include "sim/scenario.h"

enum wc_phase { WC_PHASE_SPREAD, WC_PHASE_FLOOD, WC_PHASE_DORMANT };

static inline enum wc_phase wc_phase_at(const wc_scenario *sc, wc_time host_clock)
{
	int d = (int)wc_time_mday(host_clock);
	if (d >= sc->spread_first && d <= sc->spread_last)
		return WC_PHASE_SPREAD;
	if (d >= sc->flood_first && d <= sc->flood_last)
		return WC_PHASE_FLOOD;
	return WC_PHASE_DORMANT;
}

#endif
