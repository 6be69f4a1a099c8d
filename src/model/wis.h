/*
 * wis.h — scoring quantile forecasts: the forecast hubs' quantile levels and
 * the weighted interval score (Bracher, Ray, Gneiting and Reich 2021,
 * "Evaluating epidemic forecasts in an interval format", PLoS Comput Biol).
 */
#ifndef WC_MODEL_WIS_H
#define WC_MODEL_WIS_H

#include <stddef.h>

/* The COVID-19 Forecast Hub's 23 levels: 0.01, 0.025, 0.05, 0.1, 0.15, ...,
 * 0.9, 0.95, 0.975, 0.99. */
#define WC_HUB_LEVELS 23
void wc_hub_levels(double *levels);

/*
 * WIS of observation y against n quantiles q at levels (ascending, symmetric
 * about 0.5, 0.5 among them): (0.5 |y - median| + sum_k alpha_k/2 IS_k) /
 * (K + 0.5), IS_k the interval score of the central (1 - alpha_k) interval
 * (width, plus 2/alpha times the distance of y outside it). NaN if the
 * levels are not so paired.
 */
double wc_wis(const double *levels, const double *q, size_t n, double y);

#endif
