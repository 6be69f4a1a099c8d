#include "model/sensorcount.h"

#include <math.h>
#include <stddef.h>

/* Bisection steps for the inverse: each halves a bracket that starts within a
 * factor 2 of the answer, so 200 reach the last bit of a double long before
 * the end; the loop stops earlier at the stated tolerance. */
#define BISECT_STEPS 200
#define BISECT_RTOL  1e-12

/* μ = 1/L, with 0 and +inf both meaning an address that never changes. */
static double change_rate(double lifetime)
{
	return lifetime > 0 && isfinite(lifetime) ? 1.0 / lifetime : 0.0;
}

double wc_sensor_distinct_one(double lambda, double lifetime, double window)
{
	if (!(lambda >= 0) || !(lifetime >= 0) || !(window >= 0))
		return NAN;
	double mu = change_rate(lifetime);
	if (lambda == 0 || window == 0)
		return 0.0;
	if (isinf(lambda))
		return 1.0 + mu * window; /* every epoch that overlaps the window */
	double c = lambda + mu, q = lambda / c;
	/* −expm1 keeps 1 − e^{−cT} exact when cT is tiny (a short window, a
	 * small sensor), where the two terms are of the same order. */
	return q * mu * window + q * q * -expm1(-c * window);
}

double wc_sensor_distinct(double hosts, double lambda, double lifetime, double window)
{
	if (!(hosts >= 0))
		return NAN;
	return hosts * wc_sensor_distinct_one(lambda, lifetime, window);
}

double wc_sensor_lambda(double probe_rate, double sensor, double space)
{
	if (!(probe_rate >= 0) || !(sensor >= 0) || !(space > 0) || sensor > space)
		return NAN;
	return probe_rate * sensor / space;
}

double wc_sensor_rate_for_count(double count, double hosts, double sensor, double space,
				double lifetime, double window)
{
	if (isnan(count) || !(hosts >= 0) || !(sensor > 0) || !(space >= sensor) ||
	    !(lifetime >= 0) || !(window > 0))
		return NAN;
	if (count <= 0)
		return 0.0;
	/* The count every address of every host would give: no rate exceeds it. */
	if (count >= hosts * (1.0 + change_rate(lifetime) * window))
		return INFINITY;
	/* Bracket λ by doubling from one probe per window; the count is below
	 * its supremum, so some finite λ reaches it. */
	double lo = 0, hi = 1.0 / window;
	while (wc_sensor_distinct(hosts, hi, lifetime, window) < count) {
		/* A count within rounding of the supremum is reached by no λ
		 * a double can hold: give up instead of doubling forever. */
		if (!isfinite(hi * 2))
			return INFINITY;
		lo = hi, hi *= 2;
	}
	for (int i = 0; i < BISECT_STEPS && hi - lo > BISECT_RTOL * hi; i++) {
		double mid = 0.5 * (lo + hi);
		if (wc_sensor_distinct(hosts, mid, lifetime, window) < count)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi) * space / sensor;
}

static int ramp_ok(const wc_ramp *rp)
{
	return rp != NULL && isfinite(rp->wake) && rp->threads0 >= 0 && rp->gain >= 0 &&
	       rp->threads_max >= 0 && rp->thread_rate >= 0 && isfinite(rp->threads_max);
}

/* t_1: when the ramp reaches its full count (+inf for a ramp that never does). */
static double ramp_full_at(const wc_ramp *rp)
{
	if (rp->threads0 >= rp->threads_max)
		return rp->wake;
	if (rp->gain == 0)
		return INFINITY;
	return rp->wake + (rp->threads_max - rp->threads0) / rp->gain;
}

double wc_ramp_threads(const wc_ramp *rp, double t)
{
	if (!ramp_ok(rp) || isnan(t))
		return NAN;
	if (t < rp->wake)
		return 0.0;
	if (t >= ramp_full_at(rp))
		return rp->threads_max;
	return rp->threads0 + rp->gain * (t - rp->wake);
}

double wc_ramp_probes(const wc_ramp *rp, double a, double b)
{
	if (!ramp_ok(rp) || isnan(a) || isnan(b) || b < a)
		return NAN;
	double w = rp->wake, t1 = ramp_full_at(rp);
	double lo = fmax(a, w);
	if (b <= lo)
		return 0.0;
	double threads = 0;
	/* The ramp part [x, y] = [lo, b] ∩ [w, t1): n_0 + g(t − w) integrated. */
	double x = lo, y = fmin(b, t1);
	if (y > x)
		threads += rp->threads0 * (y - x) +
			   0.5 * rp->gain * ((y - w) * (y - w) - (x - w) * (x - w));
	/* The full part [max(lo, t1), b]. */
	double z = fmax(lo, t1);
	if (b > z)
		threads += rp->threads_max * (b - z);
	return rp->thread_rate * threads;
}
