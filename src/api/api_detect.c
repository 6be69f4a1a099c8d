#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "detect/detect.h"

const char *wormcast_kind_name(wormcast_kind kind)
{
	switch (kind) {
	case WORMCAST_OTHER:
		return "other";
	case WORMCAST_CODERED:
		return "codered";
	case WORMCAST_CODERED2:
		return "codered2";
	case WORMCAST_NIMDA:
		return "nimda";
	}
	return "?";
}

/* detect's per-request kinds as the public ones: a scanner's .ida probe or
 * Nimda's exe probe by itself is a request that is not a worm's. */
static wormcast_kind public_kind(int k)
{
	switch (k) {
	case WC_KIND_CODERED:
		return WORMCAST_CODERED;
	case WC_KIND_CODERED2:
		return WORMCAST_CODERED2;
	case WC_KIND_NIMDA:
		return WORMCAST_NIMDA;
	default:
		return WORMCAST_OTHER;
	}
}

wormcast_kind wormcast_classify_target(const char *target)
{
	if (target == NULL)
		return WORMCAST_OTHER;
	/* The signatures read the path and the query apart, as IIS logs them. */
	const char *q = strchr(target, '?');
	if (q == NULL)
		return public_kind(wc_detect_classify(target, strlen(target), "", 0));
	return public_kind(wc_detect_classify(target, (size_t)(q - target), q + 1, strlen(q + 1)));
}

/* What the line's one request was, from a context that read only it: the
 * kind whose request count is 1 (read before finish, which turns a lone Nimda
 * probe's source into a scanner). */
static int request_kind(const wc_detect *d, wormcast_kind *kind, wc_error *e)
{
	const wc_detect_stats *st = wc_detect_get_stats(d);
	if (st->requests != 1 || st->bad_lines > 0) {
		size_t shown = 0;
		uint64_t total = 0;
		const char *const *p = wc_detect_problems(d, &shown, &total);
		return wc_error_set(e, WC_EXIT_USAGE, "%s",
				    shown > 0 ? p[0]
					      : "line: not a request of a log wormcast reads");
	}
	*kind = WORMCAST_OTHER;
	for (int k = 0; k < WC_KIND_COUNT; k++)
		if (st->kind_requests[k] > 0)
			*kind = public_kind(k);
	return 0;
}

/* The source address: the only source the finished context holds. */
static void source_of(wc_detect *d, char *source, size_t size, wc_error *e)
{
	if (source == NULL || size == 0)
		return;
	source[0] = '\0';
	if (wc_detect_finish(d, e) != 0)
		return;
	size_t n = 0;
	const wc_detect_source *s = wc_detect_sources(d, &n);
	if (n > 0)
		snprintf(source, size, "%s", s[0].addr);
}

int wormcast_classify_line(const char *line, wormcast_kind *kind, char *source, size_t size,
			   wormcast_error *err)
{
	wc_error e = {0};
	wc_api_clear(err);
	*kind = WORMCAST_OTHER;
	if (source != NULL && size > 0)
		source[0] = '\0';
	const char *nl = line ? strchr(line, '\n') : NULL;
	if (line == NULL || (nl != NULL && nl[1] != '\0')) {
		wc_error_set(&e, WC_EXIT_USAGE, "line: expected one log line");
		return wc_api_error(err, &e);
	}
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	/* One line: its problem, not the program's advice on whole logs. */
	opt.keep_going = true;
	wc_detect *d = wc_detect_new(&opt);
	if (wc_detect_log_buffer(d, "line", WC_FORMAT_AUTO, line, strlen(line), &e) == 0 &&
	    request_kind(d, kind, &e) == 0)
		source_of(d, source, size, &e);
	wc_detect_free(d);
	if (e.code != 0) {
		*kind = WORMCAST_OTHER;
		return wc_api_error(err, &e);
	}
	return WORMCAST_OK;
}
