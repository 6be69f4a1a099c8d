/*
 * sensor.h — the [sensor.NAME] sections: where each sensor is, and what it
 * counts, for both engines.
 *
 * A sensor is a set K of addresses. Dark: blocks that hold no host (the
 * population avoids them, as it avoids [telescope] blocks). Live: a site whose
 * addresses may hold hosts; a probe to it still reaches the host there, and
 * the site logs it too. A live sensor given by size is one aligned block of
 * that many addresses, drawn per run (stream sensor-place) among the blocks of
 * worm.scan_space that are routable and hold no telescope or dark block.
 *
 * What it counts, per timeline row (timeline.h): the probes that landed in K,
 * the distinct source addresses seen in the row, and those seen so far. A
 * source is an address, not a host: a host that changes address
 * (class.address_lifetime, outbreak.h) is a new source to every sensor, and
 * one seen in a row, then moved, then seen again from its new address counts
 * twice in that row. Nothing a sensor sees feeds back into the outbreak.
 *
 * The probe engine tests each probe's address (wc_sensors_at) and keeps per
 * host a seen bit per sensor and the last row each sensor saw it in
 * (wc_sensor_marks). The fast engine draws the same counts without probes,
 * per sensor with a wc_sensor_track (see below).
 */
#ifndef WC_SIM_SENSOR_H
#define WC_SIM_SENSOR_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "core/ipv4.h"
#include "sim/scenario.h"
#include "sim/timeline.h"

_Static_assert(WC_MAX_SENSORS == WC_TIMELINE_SENSORS, "every sensor has timeline columns");
_Static_assert(WC_MAX_SENSORS <= 8, "a host's seen bits fit in one byte");

typedef struct wc_sensor {
	const char *name; /* the scenario's */
	int kind;	  /* enum wc_sensor_kind */
	int nblocks;
	wc_prefix blocks[WC_MAX_SENSOR_BLOCKS];
	double p; /* share of uniform probes over the scan space that land in it */
} wc_sensor;

typedef struct wc_sensors {
	int n;
	wc_sensor s[WC_MAX_SENSORS];
	uint8_t mask8[256]; /* bit i: sensor i has addresses in this /8 */
} wc_sensors;

/* The sensors of sc for the run with this seed. 0, or -1 with err set when a
 * sized sensor finds no place (exit 2). */
int wc_sensors_init(wc_sensors *ss, const wc_scenario *sc, uint64_t seed, wc_error *err);

/* Which sensors hold address a, one bit each. */
static inline unsigned wc_sensors_at(const wc_sensors *ss, uint32_t a)
{
	unsigned m = ss->mask8[a >> 24], hit = 0;
	for (int i = 0; m; i++, m >>= 1) {
		if (!(m & 1))
			continue;
		for (int b = 0; b < ss->s[i].nblocks; b++)
			if (wc_prefix_contains(ss->s[i].blocks[b], a)) {
				hit |= 1u << i;
				break;
			}
	}
	return hit;
}

/* Addresses of sensor s inside prefix a. */
double wc_sensor_in(const wc_sensor *s, wc_prefix a);

/* Whether a lies in a dark sensor's block (no host may be placed there). */
bool wc_sensors_dark_at(const wc_scenario *sc, uint32_t a);

/* Whether block p shares no address with a telescope or a dark sensor. */
bool wc_sensors_dark_clear(const wc_scenario *sc, wc_prefix p);

/* ---- the probe engine: marks per host ---- */

/* A host's sensor marks: seen[h] has bit i when sensor i has seen h's
 * current address; row[h·n + i] is the last row (from 1) in which sensor i
 * saw that address, 0 if none. */
typedef struct wc_sensor_marks {
	int n;
	uint8_t *seen;
	uint32_t *row;
} wc_sensor_marks;

void wc_sensor_marks_init(wc_sensor_marks *mk, int nsensors, uint32_t nhosts);
void wc_sensor_marks_free(wc_sensor_marks *mk);

/* Host h took a new address: no sensor has seen it. */
static inline void wc_sensor_marks_moved(const wc_sensor_marks *mk, uint32_t h)
{
	mk->seen[h] = 0;
	for (int i = 0; i < mk->n; i++)
		mk->row[(uint64_t)h * (uint64_t)mk->n + (uint64_t)i] = 0;
}

/* A probe from host h in row `row` landed in the sensors of `hit`: counts
 * each one's probe, new source and source of the row into c[sensor][column]. */
static inline void wc_sensor_marks_note(const wc_sensor_marks *mk, uint32_t h, uint32_t row,
					unsigned hit, uint64_t (*c)[WC_SENSOR_NCOLUMNS])
{
	for (int i = 0; hit; i++, hit >>= 1) {
		if (!(hit & 1))
			continue;
		c[i][WC_SENSOR_PROBES]++;
		if (!(mk->seen[h] & (1u << i))) {
			mk->seen[h] |= (uint8_t)(1u << i);
			c[i][WC_SENSOR_SOURCES]++;
		}
		uint32_t *last = &mk->row[(uint64_t)h * (uint64_t)mk->n + (uint64_t)i];
		if (*last != row) {
			*last = row;
			c[i][WC_SENSOR_INTERVAL]++;
		}
	}
}

/* ---- the fast engine: one tracker per sensor ----
 *
 * A host sending at rate ρ(t) (probes per second into the sensor: its rate
 * times the sensor's share p) hits the sensor as a Poisson process, so over
 * a row it sends the sensor Poisson(A) probes with A = ∫ρ, and an address is
 * seen in the row with probability 1 − e^{−A}, independently of every other
 * host and of the outbreak (Poisson splitting, engine_fast.c). With a rate
 * cap, ρ = κ(t)·r·p and A is r·p times the growth of the scaled time Λ.
 *
 * The engine gives ρ: r times p, where p is the sensor's share of the
 * host's probes (wc_sensor.p for uniform targets; per sender /16 under local
 * preference, which engine_fast.c computes as it does the telescope's).
 *
 * Exact and cheap: hosts whose ρ has not changed since the row began sit in
 * groups by ρ, split into those whose address the sensor has seen (a count)
 * and those it has not (a list). At the row's end, with A = ρ·ΔΛ for the
 * whole row, a group's seen hosts give Binomial(count, 1 − e^{−A}) sources
 * of the row; of its unseen ones Binomial(len, 1 − e^{−A}) are seen for the
 * first time, a uniform subset (it is a uniform subset, each host being
 * independent), moved to the seen count. A host whose ρ or address changes
 * in the row leaves its group for the rest of the row, with its own A summed
 * piece by piece; a finished address (it moved) is drawn as it moves, the
 * current one at the row's end, where the host rejoins the group of its ρ.
 * The cost per row is the groups plus the hosts that changed, not the hosts
 * seen: a /8 that sees every active host every row costs what a /24 does.
 *
 * Probes: an address seen in the row sent it 1 + Poisson(A·W) probes, W the
 * share of the row left after its first one (density ∝ e^{A·w} on [0, 1],
 * drawn by inversion): the row's probes are the sources of the row plus one
 * Poisson draw of Σ A·W. A group of k > 32 seen addresses takes Σ W as a
 * normal of the exact mean and variance (a sum of k bounded terms), the only
 * place the law is approximated.
 */
typedef struct wc_sensor_track wc_sensor_track;

/* A tracker for nhosts hosts, drawing from stream sensor-count (index). */
wc_sensor_track *wc_sensor_track_new(uint32_t nhosts, uint64_t seed, int index);
void wc_sensor_track_free(wc_sensor_track *t);

/* Host h sends the sensor rho probes per unit of Λ from Λ = lam on (0: none). */
void wc_sensor_track_rate(wc_sensor_track *t, uint32_t h, double rho, double lam);
/* Starts fetching host h's record (an engine that is about to change h). */
void wc_sensor_track_prefetch(const wc_sensor_track *t, uint32_t h);
/* Host h takes a new address at Λ = lam: unseen by the sensor. */
void wc_sensor_track_moved(wc_sensor_track *t, uint32_t h, double lam);
/* The row that ends at Λ = lam: adds its probes and sources of the row to
 * out[], and sets the sources seen so far. */
void wc_sensor_track_row(wc_sensor_track *t, double lam, uint64_t out[WC_SENSOR_NCOLUMNS]);

/* The mean and second moment of W for a row exposure A (exposed for tests). */
void wc_sensor_w_moments(double A, double *m1, double *m2);

#endif
