#include "sim/timeline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vec.h"
#include "core/xalloc.h"

#define HEADER_NAME(name, kind, meaning) "," #name
const char wc_timeline_csv_header[] = "time" WC_TIMELINE_COLUMNS(HEADER_NAME);
#undef HEADER_NAME

#define COLUMN_ENTRY(name, kind, meaning)                                                          \
	{#name, WC_COLUMN_##kind, meaning, offsetof(wc_timeline_row, name)},
const wc_timeline_column wc_timeline_columns[] = {WC_TIMELINE_COLUMNS(COLUMN_ENTRY)};
#undef COLUMN_ENTRY
const size_t wc_timeline_ncolumns = sizeof wc_timeline_columns / sizeof wc_timeline_columns[0];

void wc_timeline_init(wc_timeline *tl)
{
	tl->rows = NULL;
	tl->n = tl->cap = 0;
}

void wc_timeline_free(wc_timeline *tl)
{
	free(tl->rows);
	wc_timeline_init(tl);
}

void wc_timeline_push(wc_timeline *tl, const wc_timeline_row *row)
{
	WC_VEC_PUSH(tl->rows, tl->n, tl->cap, *row);
}

int wc_timeline_row_csv(const wc_timeline_row *r, char *buf, size_t len)
{
	char t[24];
	int n = snprintf(buf, len, "%s", wc_time_format(r->time, t));
	for (size_t i = 0; i < wc_timeline_ncolumns && n >= 0; i++) {
		uint64_t v;
		memcpy(&v, (const char *)r + wc_timeline_columns[i].offset, sizeof v);
		size_t used = (size_t)n < len ? (size_t)n : len;
		int k = snprintf(buf + used, len - used, ",%" PRIu64, v);
		n = k < 0 ? k : n + k;
	}
	return n;
}
