/*
 * validation.h — a run's figures beside the historical ones.
 *
 * Each check names a measured figure (reference §5), the simulated value, the
 * historical value it stands for, and the band the issue accepts. `make
 * validate` prints them at full scale; the tests assert the same checks at a
 * reduced scale (same K), so the two cannot disagree on what is checked.
 */
#ifndef WC_REPORT_VALIDATION_H
#define WC_REPORT_VALIDATION_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/timeline.h"

#define WC_MAX_CHECKS 16

typedef struct wc_check {
	char name[96];	     /* what is measured */
	char simulated[64];  /* our value, formatted */
	char historical[96]; /* the measured figure and its source */
	char band[64];	     /* what passes */
	bool pass;
} wc_check;

/* Code Red v2, 19 July 2001. `scale` is population / 360,000: counts in the
 * bands scale with it, ratios and times do not. Returns the number of checks. */
int wc_validate_codered_v2(const wc_timeline *tl, double scale, wc_check *checks);

/* Prints checks as an aligned table; returns the number that failed. */
int wc_checks_print(FILE *out, const wc_check *checks, int n);

#endif
