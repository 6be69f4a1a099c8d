/*
 * utc.h — UTC instants as seconds since 1970-01-01T00:00:00Z, without time zones.
 *
 * The worm's calendar runs on each host's idea of the UTC date, so the
 * simulator needs day-of-month arithmetic that is exact, fast and independent
 * of the machine's TZ setting: the civil-date algorithms here are the
 * proleptic-Gregorian day counts (after H. Hinnant's derivation), not libc's.
 */
#ifndef WC_CORE_UTC_H
#define WC_CORE_UTC_H

#include <stdint.h>

typedef int64_t wc_time; /* seconds since the Unix epoch, UTC */

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12, d 1..31). */
int64_t wc_days_from_civil(int64_t y, unsigned m, unsigned d);
/* Inverse of wc_days_from_civil. */
void wc_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Parses "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DDTHH:MMZ", "YYYY-MM-DD" or an
 * explicit offset "…+HH:MM"/"…-HH:MM" (converted to UTC). Returns 0, or -1 if
 * malformed or out of range (month 13, 30 February, hour 24, …). */
int wc_time_parse(const char *s, wc_time *t);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). Returns buf. */
char *wc_time_format(wc_time t, char *buf);

/* Day of the month (1..31) of the UTC date at instant t. */
unsigned wc_time_mday(wc_time t);

/* The first UTC midnight strictly after t. */
wc_time wc_time_next_midnight(wc_time t);

#endif
