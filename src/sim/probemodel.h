/*
 * probemodel.h — what one probe does, on average: the numbers both engines share.
 *
 * A spreading host sends probes to addresses drawn uniformly from the scan
 * space S. With N vulnerable hosts (all inside S) and telescope blocks T:
 *
 *   p_vulnerable = N / |S|         a probe reaches a vulnerable host
 *   p_telescope  = |T ∩ S| / |S|   a probe lands in a telescope block
 *
 * Probe timing. The number of probes a spreading host sends in a step of Δ
 * seconds is Poisson with mean rate·Δ, independently from step to step and
 * host to host. With timing = constant, rate = probe_rate; with timing =
 * bandwidth (a datagram worm), rate = uplink_bps / (8·packet_bytes); with
 * timing = threads, each of the T threads makes one connection attempt at a time, and
 * an attempt lasts as long as its target takes to answer:
 *
 *   E[τ] = p_v·(rtt + 8·request_bytes/uplink_bps)          a web server
 *        + p_t·syn_timeout                                 the telescope (dark)
 *        + (1 − p_v − p_t)·(f·rtt + (1 − f)·syn_timeout)   anything else
 *
 * so each thread is a renewal process of rate 1/E[τ] and the host's probes
 * are the superposition of T of them, rate = T/E[τ]. By the Palm–Khintchine
 * theorem a superposition of many independent sparse renewal processes is a
 * Poisson process, and the events that matter here (hits on a given host,
 * telescope sightings) are rarer still, a thinning that brings any point
 * process closer to Poisson. The Poisson count is therefore the model itself,
 * not an engine's shortcut: the probe engine draws it per host and step and
 * then draws every probe; the fast engine uses its splitting and
 * superposition properties to skip the probes (engine_fast.c).
 *
 * On the wire (the timeline's traffic columns): a datagram worm (uniform-udp,
 * or timing = bandwidth) sends one packet of packet_bytes per probe; a TCP worm one 48-byte SYN (20
 * IP + 20 TCP
 * + 8 option bytes, as Windows 2000 sent it) to an address that answers, and
 * three (the SYN and its retries at 3 and 9 s) to one that stays dark, so
 * packets per probe = 1 + 2·P(dark).
 *
 * Host classes may set their own threads and uplink, so the rate is per class.
 * What the rates become under a rate cap or a defence is outbreak.h's policy.
 */
#ifndef WC_SIM_PROBEMODEL_H
#define WC_SIM_PROBEMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/scenario.h"

typedef struct wc_probe_model {
	double space;	     /* |S|: addresses in the scan space */
	double p_vulnerable; /* probability a probe reaches a vulnerable host */
	double p_telescope;  /* probability a probe lands in a telescope block */
	double attempt_mean; /* E[τ], seconds, for the worm's uplink (threads timing) */
	double rate;	     /* probes per second of a spreading host with the worm's settings */
	double class_rate[WC_MAX_CLASSES]; /* the same for each host class */
	double packets_per_probe;	   /* on the wire: SYN retries to dark addresses count */
	double bytes_per_packet;
} wc_probe_model;

/* The model for scenario sc with n vulnerable hosts placed in its scan space. */
void wc_probe_model_init(wc_probe_model *m, const wc_scenario *sc, uint64_t n);

/* Addresses of the scan space that lie in a telescope block. */
uint64_t wc_probe_model_telescope_size(const wc_scenario *sc);

#endif
