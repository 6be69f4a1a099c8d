/*
 * num.h — strict number parsing for options, scenario values and tables.
 *
 * strtod and friends accept leading blanks, stop at the first stray character,
 * read "inf", "nan" and hex, and report overflow only through errno, so each
 * caller used to repeat its own checks, differently. Here the whole string is
 * the number or the parse fails: decimal only, an optional sign ("-" only
 * where the type is signed or a double), no blanks, nothing after, finite,
 * within [lo, hi]. The status says which rule failed, for the caller's message.
 */
#ifndef WC_CORE_NUM_H
#define WC_CORE_NUM_H

#include <stdint.h>

typedef enum wc_num_status {
	WC_NUM_OK = 0,
	WC_NUM_EMPTY,  /* "" */
	WC_NUM_SYNTAX, /* not a decimal number, or text after it ("12abc", " 1", "nan") */
	WC_NUM_RANGE,  /* a number, but outside [lo, hi] or the type ("1e999", "-1" unsigned) */
} wc_num_status;

/* A short phrase for messages: "empty", "not a number", "out of range". */
const char *wc_num_status_text(wc_num_status st);

wc_num_status wc_num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out);
wc_num_status wc_num_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* Finite doubles only; a result that underflows to a subnormal or to zero
 * ("1e-400") is out of range, as strtod's ERANGE says. */
wc_num_status wc_num_double(const char *s, double lo, double hi, double *out);

#endif
