#include "core/num.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *wc_num_status_text(wc_num_status st)
{
	switch (st) {
	case WC_NUM_OK:
		return "ok";
	case WC_NUM_EMPTY:
		return "empty";
	case WC_NUM_SYNTAX:
		return "not a number";
	case WC_NUM_RANGE:
		return "out of range";
	}
	return "?";
}

/* Digits only after an optional sign: what strtoull would wrap ("-1") or skip
 * (" 1", "+ 1") is refused before it is asked. */
static wc_num_status integer_syntax(const char *s, bool minus_ok)
{
	if (*s == '\0')
		return WC_NUM_EMPTY;
	if (*s == '+' || (*s == '-' && minus_ok))
		s++;
	if (!isdigit((unsigned char)*s))
		return WC_NUM_SYNTAX;
	while (isdigit((unsigned char)*s))
		s++;
	return *s == '\0' ? WC_NUM_OK : WC_NUM_SYNTAX;
}

wc_num_status wc_num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	wc_num_status st = integer_syntax(s, true);
	if (st != WC_NUM_OK)
		return st;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno == ERANGE || v < lo || v > hi)
		return WC_NUM_RANGE;
	*out = v;
	return WC_NUM_OK;
}

wc_num_status wc_num_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	wc_num_status st = integer_syntax(s, false);
	if (st == WC_NUM_SYNTAX && *s == '-' && integer_syntax(s, true) == WC_NUM_OK)
		return WC_NUM_RANGE; /* "-1" is a number, just not one this type holds */
	if (st != WC_NUM_OK)
		return st;
	errno = 0;
	unsigned long long v = strtoull(s, NULL, 10);
	if (errno == ERANGE || v < lo || v > hi)
		return WC_NUM_RANGE;
	*out = v;
	return WC_NUM_OK;
}

/* [sign] digits [. digits] [e [sign] digits], at least one mantissa digit:
 * the decimal subset of strtod's grammar, without inf, nan and hex. */
static wc_num_status double_syntax(const char *s)
{
	if (*s == '\0')
		return WC_NUM_EMPTY;
	if (*s == '+' || *s == '-')
		s++;
	size_t digits = strspn(s, "0123456789");
	s += digits;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		digits += frac;
		s += 1 + frac;
	}
	if (digits == 0)
		return WC_NUM_SYNTAX;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		size_t exp = strspn(s, "0123456789");
		if (exp == 0)
			return WC_NUM_SYNTAX;
		s += exp;
	}
	return *s == '\0' ? WC_NUM_OK : WC_NUM_SYNTAX;
}

wc_num_status wc_num_double(const char *s, double lo, double hi, double *out)
{
	wc_num_status st = double_syntax(s);
	if (st != WC_NUM_OK)
		return st;
	errno = 0;
	double v = strtod(s, NULL);
	if (errno == ERANGE || !isfinite(v) || !(v >= lo && v <= hi))
		return WC_NUM_RANGE;
	*out = v;
	return WC_NUM_OK;
}
