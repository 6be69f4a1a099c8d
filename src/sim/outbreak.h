/*
 * outbreak.h — what an outbreak is: the model both engines run.
 *
 * This header is the manual for both engines. It says which states a host
 * goes through, in what order a step's events happen, which probes a filter
 * drops, how fast each class probes, and when the flood stops reaching its
 * target. The probe engine (engine_probe.c) carries this out probe by probe.
 * The fast engine (engine_fast.c) does it with counts and waiting times.
 * Neither engine holds a rule of its own: each keeps only its mechanics (the
 * probe engine its hot loop and address index; the fast engine its sums,
 * components and event queue). A new defence of an existing kind is then
 * four things: key rows (scenario.c), fields of wc_outbreak, one rule here,
 * and its tests.
 *
 * Host states. A vulnerable host is susceptible, infected (carrying the worm,
 * whatever its calendar phase), patched (immune for good) or failed (a device
 * that a worm request knocked out; it stays failed):
 *
 *   susceptible --hit--> infected --reboot--> susceptible (may be hit again)
 *        |                  |  \--cleaned--> patched
 *        |                  \---patch------> patched
 *        +--patch / awareness------------->  patched
 *        +--hit, class `fails`------------>  failed
 *
 * Flags travel with the host whatever its state (WC_HOST_*): ever infected,
 * seen by the telescope, leaves clean (cleaned and patched) rather than
 * rebooted, and listed by a blacklist.
 *
 * The order of a step s (start + s·Δ to start + (s+1)·Δ). Both engines keep
 * this order; the fast engine's skips are exact because nothing in it
 * changes between the instants wc_outbreak_next_fixed() names.
 *   1. Epoch. When s is the first step of a policy epoch (filters deployed, a
 *      defence's rates in force), every host is counted under the new epoch.
 *   2. Events. A copy whose leave step is s neither probes nor floods in s.
 *      Calendar phases are read by each host's clock at the step's start. A
 *      blacklisted host's address is listed from its list step on.
 *   3. Probes and floods. The rate factor κ comes from the hosts spreading in
 *      s (wc_outbreak_kappa). Each spreading host of class c sends
 *      Poisson(κ·rate_c·Δ) probes. A probe is dropped by the filters
 *      (wc_outbreak_drops), lands in the telescope, or reaches a host. Each
 *      flooding host sends its flood bytes, which reach the target before the
 *      target's cut-off.
 *   4. Awareness. Hosts susceptible at the start of s are patched with the
 *      hazard of wc_outbreak_aware_q.
 *   5. Patches. Hosts whose patch instant falls in s are patched. A
 *      susceptible host patched in s cannot be infected in s. An infected one
 *      still probed all through s.
 *   6. Leaving. A leaving copy's host is rebooted (susceptible again) or
 *      cleaned (patched) (wc_outbreak_after_leave).
 *   7. Infections. Every host susceptible at the end of s that a probe
 *      reached in s is infected once (or fails, wc_outbreak_hit_outcome). It
 *      acts from s + 1, and its fate is drawn then (wc_outbreak_fate).
 *
 * Timeline columns: see timeline.h, where each column says whether it is a
 * count at the row's time or a flow over the row's interval.
 */
#ifndef WC_SIM_OUTBREAK_H
#define WC_SIM_OUTBREAK_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/scenario.h"

enum wc_host_state { WC_HOST_SUSCEPTIBLE, WC_HOST_INFECTED, WC_HOST_PATCHED, WC_HOST_FAILED };
enum wc_host_flag {
	WC_HOST_EVER = 1,	 /* has been infected at least once */
	WC_HOST_SEEN = 2,	 /* the telescope has seen it */
	WC_HOST_LEAVE_CLEAN = 4, /* at its leave step it is cleaned and patched, not rebooted */
	WC_HOST_LISTED = 8,	 /* blacklisting: its address is listed */
};

/* How the filters treat a sender's probes to other /16 networks: not at all,
 * or as filterable from a network that does not (FILTERABLE) or does
 * (FILTERABLE_EDGE) filter at its own edge. */
enum wc_sender { WC_SENDER_OPEN, WC_SENDER_FILTERABLE, WC_SENDER_FILTERABLE_EDGE, WC_NSENDER };

/* No step: a pending event that never comes. */
#define WC_NEVER UINT32_MAX
/* At most this many policy epochs: the start, the filters' deployment, and
 * each class's throttle rollout. */
#define WC_MAX_EPOCHS (2 + WC_MAX_CLASSES)

/* A stretch of steps under one set of rates and filters. */
typedef struct wc_epoch {
	uint64_t from;			   /* its first step */
	bool filters;			   /* [defense.filter] is deployed */
	double class_rate[WC_MAX_CLASSES]; /* probes/s of a spreading host of the class */
	double class_mean[WC_MAX_CLASSES]; /* the same per step: rate·Δ */
} wc_epoch;

/* The policy: everything the scenario says about an outbreak, as numbers an
 * engine reads in its loop. Built once per run (wc_outbreak_init). */
typedef struct wc_outbreak {
	const wc_scenario *sc;
	uint32_t n;	    /* vulnerable hosts placed */
	double dt;	    /* Δ, seconds per step */
	uint64_t nsteps;    /* steps of the run */
	uint64_t per_row;   /* steps per timeline row */
	double space;	    /* |S|: addresses in the scan space */
	double p_telescope; /* share of uniform probes that land in a telescope block */
	int nclasses;

	wc_epoch epoch[WC_MAX_EPOCHS];
	int nepochs;

	/* per class: removal hazards (1/s), copy lifetime (s, +inf if none),
	 * awareness hazard (1/s), and whether a hit knocks the device out */
	double reboot_rate[WC_MAX_CLASSES], clean_rate[WC_MAX_CLASSES];
	double lifetime[WC_MAX_CLASSES], aware_rate[WC_MAX_CLASSES];
	bool fails[WC_MAX_CLASSES];
	bool aware; /* some class patches by awareness */

	uint64_t target_cutoff; /* first step whose flood no longer reaches the target */

	/* [defense.filter] */
	bool filters;	     /* configured (deployed in epochs that say so) */
	bool blacklist;	     /* only listed senders are filterable */
	uint64_t list_delay; /* steps from a host's first infection to its listing */
	uint8_t *edge16;     /* edge deployment: 1 for each /16 that filters; else NULL */
	/* drop[st][k]: probability that a probe from a sender of status st to
	 * another /16 network of kind k (1: filters at its edge) is dropped; the
	 * same as a threshold on a uniform 24-bit number */
	double drop[WC_NSENDER][2];
	uint32_t drop24[WC_NSENDER][2];
} wc_outbreak;

/* Builds the policy for sc with n hosts placed, for a run of nsteps steps;
 * edge filter networks are drawn from seed. */
void wc_outbreak_init(wc_outbreak *m, const wc_scenario *sc, uint32_t n, uint64_t nsteps,
		      uint64_t seed);
void wc_outbreak_free(wc_outbreak *m);

/* Edge deployment: which /16 networks filter, one byte each for all 65,536,
 * drawn from the run's seed with probability `coverage` (a network holding
 * a telescope block never filters). NULL for transit deployment or no filter. */
uint8_t *wc_outbreak_filter_networks(const wc_scenario *sc, uint64_t seed);

/* The seed copies, running at the start: sc->seed_hosts distinct hosts,
 * uniform over the population by the seed-picking stream, never a device that
 * fails (class_id: each host's class). Written to out[], in seeding order. */
void wc_outbreak_seeds(const wc_outbreak *m, const uint8_t *class_id, uint64_t seed, uint32_t *out);

/* The epoch that holds step s. */
int wc_outbreak_epoch_at(const wc_outbreak *m, uint64_t s);
/* The first step of the epoch after e, or nsteps. */
static inline uint64_t wc_outbreak_epoch_end(const wc_outbreak *m, int e)
{
	return e + 1 < m->nepochs ? m->epoch[e + 1].from : m->nsteps;
}

/* The first step that starts at or after instant t. */
uint64_t wc_outbreak_step_at(const wc_scenario *sc, wc_time t);

/* κ: the factor every host's rate is scaled by when the spreading hosts would
 * send `offered` probes/s in all: 1 without a cap; min(1, C/R) (hard) or
 * C/(R + C) (smooth) against worm.rate_cap C. */
static inline double wc_outbreak_kappa(const wc_scenario *sc, double offered)
{
	if (!(sc->rate_cap > 0))
		return 1;
	if (sc->congestion == WC_CONGESTION_SMOOTH)
		return sc->rate_cap / (offered + sc->rate_cap);
	return offered > sc->rate_cap ? sc->rate_cap / offered : 1;
}

/* A copy's fate, fixed when it infects its host at `now` seconds after the
 * start: the step it leaves in, and whether it leaves clean. reboot_wait and
 * clean_wait are Exp(reboot_rate) and Exp(clean_rate) waits of its class;
 * the copy's own lifetime caps the reboot. */
typedef struct wc_fate {
	uint32_t leave_step;
	bool clean;
} wc_fate;
static inline wc_fate wc_outbreak_fate(const wc_outbreak *m, int c, double now, double reboot_wait,
				       double clean_wait)
{
	double reboot = fmin(reboot_wait, m->lifetime[c]);
	/* leaving at x seconds after start happens in step floor(x / Δ) */
	double leave = (now + fmin(reboot, clean_wait)) / m->dt;
	return (wc_fate){leave < (double)UINT32_MAX ? (uint32_t)leave : WC_NEVER,
			 clean_wait < reboot};
}

/* What a host leaving its copy becomes. */
static inline enum wc_host_state wc_outbreak_after_leave(uint8_t flags)
{
	return flags & WC_HOST_LEAVE_CLEAN ? WC_HOST_PATCHED : WC_HOST_SUSCEPTIBLE;
}

/* What a susceptible host of class c reached by a probe becomes. */
static inline enum wc_host_state wc_outbreak_hit_outcome(const wc_outbreak *m, int c)
{
	return m->fails[c] ? WC_HOST_FAILED : WC_HOST_INFECTED;
}

/* Whether a patch changes a host in this state (a failed device stays failed). */
static inline bool wc_outbreak_patchable(enum wc_host_state st)
{
	return st == WC_HOST_SUSCEPTIBLE || st == WC_HOST_INFECTED;
}

/* Blacklisting: the step from which a host first infected so as to act from
 * step s is listed (for good, reboots or not). */
static inline uint64_t wc_outbreak_list_step(const wc_outbreak *m, uint64_t s)
{
	return s + m->list_delay;
}

/* How the filters treat the probes of a sender at address addr: deployed
 * says whether the current epoch has them, listed whether its address is
 * listed. */
static inline enum wc_sender wc_outbreak_sender(const wc_outbreak *m, bool deployed, bool listed,
						uint32_t addr)
{
	if (!deployed || (m->blacklist && !listed))
		return WC_SENDER_OPEN;
	return m->edge16 && m->edge16[addr >> 16] ? WC_SENDER_FILTERABLE_EDGE
						  : WC_SENDER_FILTERABLE;
}

/* The kind of the network holding address a: 1 if it filters at its edge. */
static inline int wc_outbreak_net_kind(const wc_outbreak *m, uint32_t a)
{
	return m->edge16 ? m->edge16[a >> 16] : 0;
}

/* Whether a probe from src (of status st) to dst is dropped; u24 is a uniform
 * 24-bit number that decides a transit crossing. A probe within its sender's
 * own /16 network meets no filter. */
static inline bool wc_outbreak_drops(const wc_outbreak *m, enum wc_sender st, uint32_t src,
				     uint32_t dst, uint32_t u24)
{
	if ((src >> 16) == (dst >> 16))
		return false;
	return u24 < m->drop24[st][wc_outbreak_net_kind(m, dst)];
}

/* The probability that such a probe passes (the fast engine's factor). */
static inline double wc_outbreak_pass(const wc_outbreak *m, enum wc_sender st, int kind)
{
	return 1 - m->drop[st][kind];
}

/* Awareness: the probability that a susceptible host of class c is patched
 * in a step, with `cumulative` hosts ever infected (0 if it cannot be). */
static inline double wc_outbreak_aware_q(const wc_outbreak *m, int c, uint64_t cumulative)
{
	double mu = m->aware_rate[c];
	if (!(mu > 0) || cumulative == 0)
		return 0;
	return -expm1(-mu * (double)cumulative / m->n * m->dt);
}

/* Whether the flood sent in step s reaches the target: it needs a completed
 * connection, which a moved or blackholed address never gives. */
static inline bool wc_outbreak_flood_reaches(const wc_outbreak *m, uint64_t s)
{
	return s < m->target_cutoff;
}

/* Flood bytes that `reaching` flooding hosts deliver in one step. */
static inline uint64_t wc_outbreak_flood_bytes(const wc_outbreak *m, uint64_t reaching)
{
	const wc_scenario *sc = m->sc;
	return (uint64_t)llround((double)reaching * sc->flood_bytes / sc->flood_period * m->dt);
}

/* The first step after s in which the policy changes what a step does (an
 * epoch starts, the flood stops reaching, a timeline row ends, a patch
 * instant, awareness while any host has been infected), or the last step.
 * next_patch_at: the next scheduled patch instant (seconds after the start),
 * or NAN when none is left. Engines that skip steps may skip up to it. */
uint64_t wc_outbreak_next_fixed(const wc_outbreak *m, uint64_t s, uint64_t cumulative,
				double next_patch_at);

#endif
