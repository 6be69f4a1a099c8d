/*
 * The forecast hubs' quantile levels and the weighted interval score (wis.h).
 */
#include "model/wis.h"

#include <math.h>

void wc_hub_levels(double *levels)
{
	levels[0] = 0.01;
	levels[1] = 0.025;
	for (int i = 0; i < 19; i++)
		levels[2 + i] = (double)(i + 1) / 20; /* 0.05 .. 0.95 */
	levels[21] = 0.975;
	levels[22] = 0.99;
}

double wc_wis(const double *levels, const double *q, size_t n, double y)
{
	if (n % 2 != 1 || fabs(levels[n / 2] - 0.5) > 1e-12)
		return NAN;
	size_t K = n / 2;
	double sum = 0.5 * fabs(y - q[K]);
	for (size_t k = 0; k < K; k++) {
		double alpha = 2 * levels[k];
		if (fabs(levels[k] + levels[n - 1 - k] - 1) > 1e-12)
			return NAN;
		double l = q[k], u = q[n - 1 - k];
		double is = (u - l) + (y < l ? 2 / alpha * (l - y) : 0) +
			    (y > u ? 2 / alpha * (y - u) : 0);
		sum += alpha / 2 * is;
	}
	return sum / ((double)K + 0.5);
}
