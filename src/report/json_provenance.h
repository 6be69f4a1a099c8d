/*
 * json_provenance.h — the provenance every JSON output starts with (internal
 * to src/report): version, commit, command line and start time, in that order.
 */
#ifndef WC_REPORT_JSON_PROVENANCE_H
#define WC_REPORT_JSON_PROVENANCE_H

#include <jansson.h>

#include "core/provenance.h"

/* command_line is the caller's JSON for p's command line (each output has its
 * own rule for bytes that are not UTF-8), or NULL for null; the object takes it. */
json_t *wc_report_provenance_json(const wc_provenance *p, json_t *command_line);

#endif
