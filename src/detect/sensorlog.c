/*
 * sensorlog.c — what network sensors log about HTTP: Zeek's http.log (its
 * tab-separated ASCII form and its JSON form) and Suricata's eve.json.
 *
 * These logs name the fields of each record, so a record is read by name,
 * not by position: Zeek's #fields header gives the columns, JSON gives the
 * keys. Only what classification needs is read: the client, the time and
 * the request target (the URI as sent, path and query). Field lists followed:
 * Zeek 6.x HTTP::Info, Suricata 7.0 EVE "http" events (docs/detect.md §1).
 *
 * Every reader returns NULL for a record read (a request or not), or a
 * static message saying why it could not be read, which logread.c reports
 * with the file and line.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "detect/internal.h"

/* A URI longer than this is classified as logged, without unescaping it. */
#define URI_MAX 8192

void wc_zeek_hdr_init(struct wc_zeek_hdr *h)
{
	memset(h, 0, sizeof *h);
	h->sep = '\t';
	h->f_ts = h->f_orig_h = h->f_uri = -1;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* "\x09" (how Zeek writes its separator) or a single character; -1 if neither. */
static int separator_char(const char *p, size_t n)
{
	if (n == 1)
		return (unsigned char)p[0];
	if (n == 4 && p[0] == '\\' && p[1] == 'x' && hexval(p[2]) >= 0 && hexval(p[3]) >= 0)
		return hexval(p[2]) * 16 + hexval(p[3]);
	return -1;
}

static bool field_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && memcmp(p, name, n) == 0;
}

/* "#fields<sep>ts<sep>uid<sep>id.orig_h<sep>...". */
static const char *zeek_fields(struct wc_zeek_hdr *h, const char *p, size_t n)
{
	h->f_ts = h->f_orig_h = h->f_uri = -1;
	h->have_fields = false;
	const char *q = p + 7, *end = p + n;
	for (int i = 0; q < end && i < WC_ZEEK_MAX_FIELDS; i++) {
		q++; /* the separator */
		const char *e = memchr(q, h->sep, (size_t)(end - q));
		if (e == NULL)
			e = end;
		size_t l = (size_t)(e - q);
		if (field_is(q, l, "ts"))
			h->f_ts = i;
		else if (field_is(q, l, "id.orig_h"))
			h->f_orig_h = i;
		else if (field_is(q, l, "uri"))
			h->f_uri = i;
		q = e;
	}
	if (h->f_ts < 0 || h->f_orig_h < 0 || h->f_uri < 0)
		return "#fields needs ts, id.orig_h and uri (a Zeek http.log)";
	h->have_fields = true;
	return NULL;
}

const char *wc_zeek_directive(struct wc_zeek_hdr *h, const char *p, size_t n)
{
	if (n > 11 && memcmp(p, "#separator ", 11) == 0) {
		int c = separator_char(p + 11, n - 11);
		if (c < 0)
			return "#separator: expected one character or \\xHH";
		h->sep = (char)c;
		return NULL;
	}
	if (n > 7 && memcmp(p, "#fields", 7) == 0 && p[7] == h->sep)
		return zeek_fields(h, p, n);
	return NULL; /* #path, #open, #types, #close, ...: nothing we need */
}

/* Zeek's "995562300.123456" (seconds since the epoch): whole seconds. */
static bool epoch_time(const char *p, size_t n, wc_time *t)
{
	wc_time v = 0;
	size_t i = 0;
	for (; i < n && i < 12 && p[i] >= '0' && p[i] <= '9'; i++)
		v = v * 10 + (p[i] - '0');
	if (i == 0 || (i < n && p[i] != '.'))
		return false;
	for (size_t j = i + (i < n); j < n; j++)
		if (p[j] < '0' || p[j] > '9')
			return false;
	*t = v;
	return true;
}

/*
 * "2001-07-19T10:05:00.000000-0700" (eve.json), "…Z" (Zeek's ISO 8601
 * timestamps), "…+00:00": the fraction is dropped and a "-0700" offset
 * given its colon, for wc_time_parse.
 */
static bool iso_time(const char *p, size_t n, wc_time *t)
{
	char buf[32];
	if (n < 20 || n > 40 || p[10] != 'T')
		return false;
	memcpy(buf, p, 19);
	size_t i = 19, o = 19;
	if (p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
	size_t rest = n - i;
	if (rest == 1 && p[i] == 'Z') {
		buf[o++] = 'Z';
	} else if (rest == 5 && (p[i] == '+' || p[i] == '-')) {
		memcpy(buf + o, p + i, 3);
		buf[o + 3] = ':';
		memcpy(buf + o + 4, p + i + 3, 2);
		o += 6;
	} else if (rest == 6 && (p[i] == '+' || p[i] == '-') && p[i + 3] == ':') {
		memcpy(buf + o, p + i, 6);
		o += 6;
	} else {
		return false;
	}
	buf[o] = '\0';
	return wc_time_parse(buf, t) == 0;
}

/* Zeek's ASCII writer escapes bytes as \xHH (the separator, and bytes that
 * are not printable); the worms' requests are classified as sent. */
static size_t zeek_unescape(const char *p, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c;
		if (p[i] == '\\' && i + 3 < n && (c = separator_char(p + i, 4)) > 0) {
			out[o++] = (char)c;
			i += 3;
		} else {
			out[o++] = p[i];
		}
	}
	return o;
}

/* Classifies a target "/path?query" from client addr at t and records it. */
static void record_target(wc_detect *d, const char *addr, size_t alen, const char *u, size_t ulen,
			  wc_time t)
{
	d->st.requests++;
	const char *q = memchr(u, '?', ulen);
	size_t plen = q ? (size_t)(q - u) : ulen;
	int probe;
	int k = q ? wc_detect_classify_probe(u, plen, q + 1, ulen - plen - 1, &probe)
		  : wc_detect_classify_probe(u, plen, "", 0, &probe);
	if (k >= 0)
		wc_detect_record_request(d, addr, alen, k, probe, t, u, ulen);
}

const char *wc_zeek_line(wc_detect *d, const struct wc_zeek_hdr *h, const char *p, size_t n)
{
	if (!h->have_fields)
		return "a Zeek log line before any #fields header";
	const char *f[WC_ZEEK_MAX_FIELDS];
	size_t fl[WC_ZEEK_MAX_FIELDS];
	int nf = 0;
	const char *q = p, *end = p + n;
	while (nf < WC_ZEEK_MAX_FIELDS) {
		const char *e = memchr(q, h->sep, (size_t)(end - q));
		f[nf] = q;
		fl[nf++] = (size_t)((e ? e : end) - q);
		if (e == NULL)
			break;
		q = e + 1;
	}
	if (nf <= h->f_ts || nf <= h->f_orig_h || nf <= h->f_uri)
		return "fewer fields than the #fields header names";
	wc_time t;
	if (!epoch_time(f[h->f_ts], fl[h->f_ts], &t))
		return "field ts: expected seconds since 1970 like 995562300.123456";
	if (fl[h->f_orig_h] == 0 || (fl[h->f_orig_h] == 1 && f[h->f_orig_h][0] == '-'))
		return "field id.orig_h: expected the client's address";
	const char *u = f[h->f_uri];
	size_t ul = fl[h->f_uri];
	if (ul == 0 || (ul == 1 && u[0] == '-') || (ul == 7 && memcmp(u, "(empty)", 7) == 0))
		return NULL; /* a reply without a request, as Apache logs "-" */
	char buf[URI_MAX];
	if (ul <= URI_MAX && memchr(u, '\\', ul) != NULL) {
		ul = zeek_unescape(u, ul, buf);
		u = buf;
	}
	record_target(d, f[h->f_orig_h], fl[h->f_orig_h], u, ul, t);
	return NULL;
}

/* A record's time: Zeek's ts (a number, or ISO 8601 text), eve's timestamp. */
static bool json_time(const json_t *v, wc_time *t)
{
	if (json_is_string(v))
		return iso_time(json_string_value(v), json_string_length(v), t);
	if (json_is_integer(v)) {
		*t = (wc_time)json_integer_value(v);
		return *t >= 0;
	}
	double x = json_real_value(v);
	if (!json_is_real(v) || !(x >= 0 && x < 253402300800.0)) /* before year 10000 */
		return false;
	*t = (wc_time)x;
	return true;
}

static const char *eve_record(wc_detect *d, json_t *o)
{
	const json_t *et = json_object_get(o, "event_type");
	if (!json_is_string(et))
		return "field event_type: expected a string (a Suricata eve.json record)";
	if (strcmp(json_string_value(et), "http") != 0)
		return NULL; /* flow, alert, dns, stats, ...: not an HTTP transaction */
	wc_time t;
	const json_t *src = json_object_get(o, "src_ip"), *http = json_object_get(o, "http");
	if (!json_time(json_object_get(o, "timestamp"), &t))
		return "field timestamp: expected a time like 2001-07-19T10:05:00.000000-0700";
	if (!json_is_string(src) || json_string_length(src) == 0)
		return "field src_ip: expected the client's address";
	if (!json_is_object(http))
		return "field http: expected an object";
	const json_t *url = json_object_get(http, "url");
	if (url == NULL)
		return NULL; /* a transaction logged without its request line */
	if (!json_is_string(url))
		return "field http.url: expected a string";
	if (json_string_length(url) > 0)
		record_target(d, json_string_value(src), json_string_length(src),
			      json_string_value(url), json_string_length(url), t);
	return NULL;
}

static const char *zeek_record(wc_detect *d, json_t *o)
{
	wc_time t;
	const json_t *orig = json_object_get(o, "id.orig_h"), *uri = json_object_get(o, "uri");
	if (!json_time(json_object_get(o, "ts"), &t))
		return "field ts: expected seconds since 1970 or an ISO 8601 time";
	if (!json_is_string(orig) || json_string_length(orig) == 0)
		return "field id.orig_h: expected the client's address (a Zeek http.log record)";
	if (uri == NULL)
		return NULL; /* unset: a reply without a request */
	if (!json_is_string(uri))
		return "field uri: expected a string";
	if (json_string_length(uri) > 0)
		record_target(d, json_string_value(orig), json_string_length(orig),
			      json_string_value(uri), json_string_length(uri), t);
	return NULL;
}

const char *wc_json_line(wc_detect *d, wc_detect_format fmt, const char *p, size_t n)
{
	json_error_t jerr;
	json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (!json_is_object(o)) {
		json_decref(o);
		return "expected one JSON object on the line";
	}
	const char *why = fmt == WC_FORMAT_EVE ? eve_record(d, o) : zeek_record(d, o);
	json_decref(o);
	return why;
}

wc_detect_format wc_sniff_json(const char *p, size_t n)
{
	return memmem(p, n, "\"event_type\"", 12) != NULL ? WC_FORMAT_EVE : WC_FORMAT_ZEEK_JSON;
}
