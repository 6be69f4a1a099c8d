/*
 * json_util.h — the number and text rules that fit.json and calibrate.json
 * share (internal to src/report).
 */
#ifndef WC_REPORT_JSON_UTIL_H
#define WC_REPORT_JSON_UTIL_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

/* Nine significant digits, or null where v is not finite: far more than any
 * interval supports, few enough that rounding noise in the last bits never
 * reaches the file. */
json_t *wc_json_num9(double v);

/* A string, null for NULL, and "?" where jansson refuses the bytes (not UTF-8),
 * so that the key is still written. */
json_t *wc_json_text(const char *s);

/* Writes root to path atomically with jansson's flags and a final newline,
 * and drops root. Returns 0, or -1 with err set (the old file kept). */
int wc_json_dump_file(const char *path, json_t *root, size_t flags, wc_error *err);

#endif
