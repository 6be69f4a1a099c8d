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
	memset(tl, 0, sizeof *tl);
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

void wc_sensor_column_name(const char *name, int k, char *buf, size_t len)
{
	static const char *const suffix[WC_SENSOR_NCOLUMNS] = {"probes", "sources",
							       "interval_sources"};
	snprintf(buf, len, "%s_%s", name, suffix[k]);
}

void wc_timeline_add_sensor(wc_timeline *tl, const char *name)
{
	if (tl->nsensors < WC_TIMELINE_SENSORS)
		snprintf(tl->sensor_name[tl->nsensors++], sizeof tl->sensor_name[0], "%s", name);
}

size_t wc_timeline_width(const wc_timeline *tl)
{
	return wc_timeline_ncolumns + (size_t)tl->nsensors * WC_SENSOR_NCOLUMNS;
}

void wc_timeline_name(const wc_timeline *tl, size_t c, char *buf, size_t len)
{
	if (c < wc_timeline_ncolumns) {
		snprintf(buf, len, "%s", wc_timeline_columns[c].name);
		return;
	}
	c -= wc_timeline_ncolumns;
	wc_sensor_column_name(tl->sensor_name[c / WC_SENSOR_NCOLUMNS],
			      (int)(c % WC_SENSOR_NCOLUMNS), buf, len);
}

enum wc_column_kind wc_timeline_kind(size_t c)
{
	if (c < wc_timeline_ncolumns)
		return wc_timeline_columns[c].kind;
	return (c - wc_timeline_ncolumns) % WC_SENSOR_NCOLUMNS == WC_SENSOR_SOURCES
		       ? WC_COLUMN_GROWING
		       : WC_COLUMN_FLOW;
}

uint64_t wc_timeline_value(const wc_timeline_row *row, size_t c)
{
	uint64_t v;
	if (c < wc_timeline_ncolumns) {
		memcpy(&v, (const char *)row + wc_timeline_columns[c].offset, sizeof v);
		return v;
	}
	c -= wc_timeline_ncolumns;
	return row->sensor[c / WC_SENSOR_NCOLUMNS][c % WC_SENSOR_NCOLUMNS];
}

int wc_timeline_header_csv(const wc_timeline *tl, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", wc_timeline_csv_header);
	for (size_t c = wc_timeline_ncolumns; c < wc_timeline_width(tl) && n >= 0; c++) {
		char name[128];
		wc_timeline_name(tl, c, name, sizeof name);
		size_t used = (size_t)n < len ? (size_t)n : len;
		int k = snprintf(buf + used, len - used, ",%s", name);
		n = k < 0 ? k : n + k;
	}
	return n;
}

int wc_timeline_line_csv(const wc_timeline *tl, size_t i, char *buf, size_t len)
{
	const wc_timeline_row *r = &tl->rows[i];
	int n = wc_timeline_row_csv(r, buf, len);
	for (size_t c = wc_timeline_ncolumns; c < wc_timeline_width(tl) && n >= 0; c++) {
		size_t used = (size_t)n < len ? (size_t)n : len;
		int k = snprintf(buf + used, len - used, ",%" PRIu64, wc_timeline_value(r, c));
		n = k < 0 ? k : n + k;
	}
	return n;
}
