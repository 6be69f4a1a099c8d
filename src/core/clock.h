/*
 * clock.h — elapsed wall time for progress lines, run times and benchmarks.
 *
 * CLOCK_MONOTONIC, never the time of day: a clock step (NTP, a suspended
 * laptop) must not make a run look negative or hours long.
 */
#ifndef WC_CORE_CLOCK_H
#define WC_CORE_CLOCK_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double wc_clock_seconds(void);

#endif
