/*
 * json_util.h — the number and text rules that fit.json and calibrate.json
 * share (internal to src/report).
 */
#ifndef WC_REPORT_JSON_UTIL_H
#define WC_REPORT_JSON_UTIL_H

#include <jansson.h>

/* Nine significant digits, or null where v is not finite: far more than any
 * interval supports, few enough that rounding noise in the last bits never
 * reaches the file. */
json_t *wc_json_num9(double v);

/* A string, null for NULL, and "?" where jansson refuses the bytes (not UTF-8),
 * so that the key is still written. */
json_t *wc_json_text(const char *s);

#endif
