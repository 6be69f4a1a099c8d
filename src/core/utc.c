#include "core/utc.h"

#include <stdio.h>
#include <string.h>

/* Eras of 400 years (146097 days) make the Gregorian cycle exact; years are
 * counted from March so that the leap day is the last day of the year. */
int64_t wc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void wc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int read_digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*s)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int expect(const char **s, char c)
{
	if (**s != c)
		return -1;
	(*s)++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

int wc_time_parse(const char *s, wc_time *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (read_digits(&s, 4, &y) || expect(&s, '-') || read_digits(&s, 2, &mo) ||
	    expect(&s, '-') || read_digits(&s, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	int64_t offset = 0;
	if (*s == 'T') {
		s++;
		if (read_digits(&s, 2, &h) || expect(&s, ':') || read_digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (read_digits(&s, 2, &se))
				return -1;
		}
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		if (*s == 'Z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s == '-' ? -1 : 1, oh, om;
			s++;
			if (read_digits(&s, 2, &oh) || expect(&s, ':') || read_digits(&s, 2, &om) ||
			    oh > 23 || om > 59)
				return -1;
			offset = sign * (oh * 3600 + om * 60);
		} else {
			return -1; /* a clock time without a zone is ambiguous */
		}
	}
	if (*s != '\0')
		return -1;
	*t = wc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
	     offset;
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

char *wc_time_format(wc_time t, char *buf)
{
	int64_t days = floor_div(t, 86400), sec = t - days * 86400, y;
	unsigned m, d;
	wc_civil_from_days(days, &y, &m, &d);
	/* Years past 9999 do not fit the 20-character form; they are cut, not overrun. */
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
		 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	memcpy(buf, tmp, 20);
	buf[20] = '\0';
	return buf;
}

unsigned wc_time_mday(wc_time t)
{
	int64_t y;
	unsigned m, d;
	wc_civil_from_days(floor_div(t, 86400), &y, &m, &d);
	return d;
}

wc_time wc_time_next_midnight(wc_time t)
{
	return (floor_div(t, 86400) + 1) * 86400;
}
