/*
 * libFuzzer target: the log-line parsers and the request classifier.
 * The first byte picks the format (auto, apache, iis, error) and, in its
 * top two bits, a --log-format layout or none; the rest is a whole log.
 * Every input must be read without a crash, a leak or undefined behaviour,
 * and every line must be counted as parsed or unparseable.
 * Corpus: tests/corpus/logline (make fuzz runs it for a bounded time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const wc_detect_format fmts[4] = {WC_FORMAT_AUTO, WC_FORMAT_APACHE, WC_FORMAT_IIS,
						 WC_FORMAT_ERROR};
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.bin = 3600 * (1 + (data[0] >> 2));
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	/* The top two bits of the first byte: read with one of three --log-format
	 * layouts (Apache, nginx, nginx with times and the URI apart). */
	static const char *const layouts[3] = {
		"%v:%p %h %l %u %t \\\"%r\\\" %>s %b \"%{Referer}i\" \"%{User-agent}i\" %D",
		"$remote_addr - $remote_user [$time_local] \"$request\" $status $http_x",
		"$time_iso8601 $remote_addr $uri $args $msec \"$request_uri\"",
	};
	if ((data[0] >> 6) != 0 &&
	    wc_detect_set_log_format(d, layouts[(data[0] >> 6) - 1], &err) != 0)
		abort();
	/* A copy of exactly size-1 bytes, so reading past the end is caught. */
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	wc_detect_log_buffer(d, "fuzz", fmts[data[0] & 3], buf, n, &err);
	wc_detect_finish(d, &err);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	if (st->bad_lines > st->lines)
		abort();
	size_t ns;
	const wc_detect_source *s = wc_detect_sources(d, &ns);
	for (size_t i = 0; i < ns; i++)
		if (s[i].first > s[i].last || s[i].requests == 0)
			abort();
	free(buf);
	wc_detect_free(d);
	return 0;
}
