/*
 * sensorcount.h — what a sensor should count, in closed form: the expected
 * number of distinct source addresses a sensor sees when hosts change address,
 * and the expected probes of a copy whose threads wake a few at a time.
 *
 * Why. The 2001 records (docs/reference.md §5.1) are counts of distinct
 * source addresses per hour or per day at sensors of very different sizes,
 * not counts of hosts; and the copies that woke on 1 August did not start at
 * full rate (docs/reference.md §2). These functions give the expectation a
 * simulation's sensor columns must agree with, and let a record be read
 * backwards into the parameter it constrains (docs/model.md §15; the records
 * beside them are in docs/validation.md, "Sensors: what 2001 counted"). Pure
 * functions: no state, no simulation, no random numbers. Any time unit will do
 * as long as rates, lifetimes and windows use the same one.
 *
 * 1. Distinct addresses from one host (wc_sensor_distinct_one).
 *
 * Model. The host's probes that land on the sensor form a Poisson process of
 * rate λ. Its address changes at the events of an independent Poisson process
 * of rate μ = 1/L (L the mean address lifetime: exponential leases, DHCP
 * churn); every new address is new to the sensor. The host is active through
 * the whole window [0, T] and has been for long before it (stationary start).
 * The sensor counts an address if at least one probe from it arrives in the
 * window.
 *
 * Derivation. Split the window into address epochs. By memorylessness, the
 * epoch in progress at 0 lasts a further E ~ Exp(μ), so it overlaps the window
 * for min(E, T). Each later epoch starts at an event s of the change process
 * in (0, T) (rate μ) and overlaps the window for min(E', T − s), E' ~ Exp(μ).
 * An epoch overlapping for u is counted with probability 1 − e^{−λu}, because
 * the probe process is independent of the changes. With
 *
 *   f(u) = E[1 − e^{−λ min(E, u)}]
 *        = 1 − [∫_0^u μ e^{−μx} e^{−λx} dx + e^{−μu} e^{−λu}]
 *        = (λ/c) (1 − e^{−cu}),          c = λ + μ,
 *
 * the expected count is f(T) for the first epoch plus, by Campbell's theorem,
 * ∫_0^T μ f(T − s) ds = μ ∫_0^T f(u) du for the others:
 *
 *   E[D] = (λ/c)(1 − e^{−cT}) + μ (λ/c) [T − (1 − e^{−cT})/c]
 *        = λ μ T / c + (λ/c)^2 (1 − e^{−cT}).
 *
 * Checks: μ = 0 (a fixed address) gives 1 − e^{−λT}; λ → ∞ (every epoch seen)
 * gives 1 + μT, the epochs that overlap the window; T → 0 gives λT; and
 * E[D] ≤ min(λT, 1 + μT) always, since each counted address needs a probe
 * and an epoch. So churn can at most turn every probe on the sensor into an
 * address of its own: no lifetime, however short, lifts a count above λT
 * per host.
 *
 * 2. Many hosts, a sensor of A addresses (wc_sensor_distinct, wc_sensor_lambda).
 *
 * N such hosts give N·E[D], assuming no two of them use the same address
 * within the window (an address recycled from one infected host to another
 * would be counted once). A host scanning uniformly at r probes per unit time
 * over a space of S addresses hits a sensor of A of them at λ = r·A/S.
 *
 * 3. The wake-up ramp (wc_ramp_threads, wc_ramp_probes).
 *
 * CERT's laboratory (docs/reference.md §2): a dormant copy woke hours after
 * 00:00 UTC, probed about 160 hosts an hour at waking against more than
 * 50,000 for a fresh copy, and not all its threads woke at once. The account
 * gives no law for how the remaining threads join. The model here is the
 * simplest that reading supports: threads wake one after another at a steady
 * pace, so the running threads grow linearly, n(t) = min(n_max, n_0 + g (t − w))
 * for t ≥ w and 0 before, each running thread probing at rate r. Exponential
 * growth would need threads that start threads, which no account of the worm
 * describes; the linear pace g is an assumption (ASSUMED), to be set from a
 * sensor's curve, not from the lab. n_0 may be fractional: 160 probes an hour
 * against 500 per thread (50,000 / 100 threads) is n_0 = 0.32 thread-equivalents.
 *
 * Expected probes in [a, b]: r ∫_a^b n(t) dt. With t_1 = w + (n_max − n_0)/g
 * the instant the ramp reaches n_max (t_1 = ∞ when g = 0; t_1 = w when
 * n_0 ≥ n_max, the copy then starting at min(n_0, n_max)), clip [a, b] to
 * [w, b]; over the ramp part [x, y] = [a, b] ∩ [w, t_1] the integral is
 * n_0 (y − x) + g/2 [(y − w)^2 − (x − w)^2], over the rest [max(a, t_1), b]
 * it is n_max times its length. A fresh infection is the case n_0 = n_max.
 *
 * Without address changes, a copy's chance of being seen by a sensor of A
 * addresses in [a, b] is 1 − exp(−(A/S) · wc_ramp_probes(...)).
 *
 * Bad arguments (a negative rate or count, a window that ends before it
 * starts, NaN) give NaN.
 */
#ifndef WC_MODEL_SENSORCOUNT_H
#define WC_MODEL_SENSORCOUNT_H

/*
 * Expected distinct addresses a sensor sees from one host in a window of
 * length `window`: the host's probes reach the sensor at Poisson rate `lambda`,
 * and its address changes with mean lifetime `lifetime` (0 or +inf: never).
 */
double wc_sensor_distinct_one(double lambda, double lifetime, double window);

/* The same for `hosts` independent hosts that never share an address. */
double wc_sensor_distinct(double hosts, double lambda, double lifetime, double window);

/* The rate at which one host scanning uniformly at `probe_rate` over a space
 * of `space` addresses hits a sensor of `sensor` of them: probe_rate·sensor/space. */
double wc_sensor_lambda(double probe_rate, double sensor, double space);

/*
 * The inverse: the per-host probe rate r at which `hosts` hosts scanning a
 * space of `space` addresses give `count` expected distinct addresses at a
 * sensor of `sensor` addresses over `window` (address lifetime as above).
 * 0 for a count ≤ 0; +inf when no rate reaches the count, i.e. count ≥
 * hosts·(1 + window/lifetime), every address of every host seen.
 * Solved by bisection to a relative 1e-12 (E[D] increases with λ).
 */
double wc_sensor_rate_for_count(double count, double hosts, double sensor, double space,
				double lifetime, double window);

/* A copy's wake-up: from `wake` on, threads0 threads run, growing by `gain`
 * threads per unit time up to threads_max; each thread probes at thread_rate. */
typedef struct wc_ramp {
	double wake;	    /* w: when the copy wakes */
	double threads0;    /* n_0: threads running at waking (may be fractional) */
	double gain;	    /* g: threads added per unit time, ≥ 0 */
	double threads_max; /* n_max: the full count (100 for Code Red) */
	double thread_rate; /* r: probes per unit time of one running thread */
} wc_ramp;

/* n(t): the threads running at time t (0 before the wake-up). */
double wc_ramp_threads(const wc_ramp *ramp, double t);

/* Expected probes in [a, b]: thread_rate · ∫_a^b n(t) dt, in closed form. */
double wc_ramp_probes(const wc_ramp *ramp, double a, double b);

#endif
