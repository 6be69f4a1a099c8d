/*
 * libFuzzer target: the sensor-log readers (Zeek http.log, TSV and JSON;
 * Suricata eve.json) and the --alerts and summary writers over what they
 * found. The first byte picks the format (auto, zeek, zeek-json, eve); the
 * rest is a whole log. Every input must be read without a crash, a leak or
 * undefined behaviour, every line counted as read or unparseable, and every
 * alert line must be valid JSON.
 * Corpus: tests/corpus/sensorlog (make fuzz runs it for a bounded time).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "report/detect_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each alert line parses as one JSON object. */
static void check_alerts(const wc_detect *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL || wc_report_detect_alerts(f, d) != 0)
		abort();
	fclose(f);
	for (char *line = buf, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		json_error_t jerr;
		json_t *o = json_loadb(line, (size_t)(nl - line), 0, &jerr);
		if (!json_is_object(o))
			abort();
		json_decref(o);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const wc_detect_format fmts[4] = {WC_FORMAT_AUTO, WC_FORMAT_ZEEK,
						 WC_FORMAT_ZEEK_JSON, WC_FORMAT_EVE};
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.bin = 3600 * (1 + (data[0] >> 2));
	opt.keep_going = true;
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	/* A copy of exactly size-1 bytes, so reading past the end is caught. */
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	wc_detect_log_buffer(d, "fuzz", fmts[data[0] & 3], buf, n, &err);
	if (wc_detect_finish(d, &err) == 0) {
		const wc_detect_stats *st = wc_detect_get_stats(d);
		if (st->bad_lines > st->lines)
			abort();
		size_t ns;
		const wc_detect_source *s = wc_detect_sources(d, &ns);
		for (size_t i = 0; i < ns; i++)
			if (s[i].first > s[i].last || s[i].requests == 0)
				abort();
		check_alerts(d);
	}
	free(buf);
	wc_detect_free(d);
	return 0;
}
