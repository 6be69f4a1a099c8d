/*
 * selftest.h — checks of a built wormcast against closed forms, at a scale
 * that takes seconds: what `wormcast selftest` runs (as masscan's
 * --selftest), so that a build on another machine can be trusted before it
 * is used.
 *
 * Contract. Every check calls the library as a user's run would and compares
 * one outcome with a number known independently of the code under test (a
 * closed form, the other engine, an embedded input whose answer is known),
 * within a stated tolerance. Each prints one line to out:
 *
 *   ok   - WHAT: MEASURED vs EXPECTED (TOLERANCE)
 *   FAIL - WHAT: MEASURED vs EXPECTED (TOLERANCE)
 *
 * Seeds are fixed, so a given build prints the same lines every time; the
 * tolerances are several standard errors wide, so a correct build passes
 * whatever its random streams. Nothing is written to disk.
 */
#ifndef WC_SELFTEST_SELFTEST_H
#define WC_SELFTEST_SELFTEST_H

#include <stdio.h>

/* Runs every check, one line each to out, then a summary line. Returns the
 * number of checks that failed (0: the build is sound). */
int wc_selftest_run(FILE *out);

#endif
