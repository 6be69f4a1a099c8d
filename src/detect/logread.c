/*
 * logread.c — web server logs: Apache/nginx common and combined, IIS W3C
 * extended, Apache error logs; plain or gzip, files or stdin.
 *
 * The hot path is one pass of memchr over a large buffer per line and a few
 * fixed-offset reads: the client, the time (parsed only when it differs from
 * the previous line's, which in a busy log it rarely does), the request.
 * Only a request whose path ends in .ida, .idq or .exe is looked at further
 * (signature.c), so an ordinary line costs about as much as finding its end.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/xalloc.h"
#include "detect/internal.h"

#define CHUNK	       (8u << 20)
#define MAX_LINE       (1u << 26) /* a longer "line" is not a log */
#define IIS_MAX_FIELDS 40
#define PARALLEL_MIN   (256u << 10) /* smaller chunks are not worth a thread */

struct logr {
	wc_detect *d;
	const char *name;
	wc_detect_format fmt;
	const struct wc_logfmt *lf; /* --log-format: read every line with it */
	uint64_t lineno;
	char dcache[11]; /* the last Apache date text ("19/Jul/2001") and its day */
	wc_time day;
	bool dvalid;
	/* IIS: column of each field we use, -1 when absent; from #Fields:. */
	bool have_fields;
	int f_date, f_time, f_cip, f_stem, f_query, f_uri;
	int64_t hdr_day; /* days since epoch from #Date:, for logs without a date field */
	bool have_hdr_day;
	struct wc_zeek_hdr zeek; /* Zeek ASCII: separator and columns, from the header */
	/* A worker reading a later part of a chunk does not know its line numbers
	 * yet: it keeps its first problems (line within the part, why) and their
	 * count, and the main thread reports them once the parts before are read. */
	bool defer;
	size_t ndeferred;
	uint64_t deferred_total;
	struct {
		uint64_t line;
		const char *why;
	} deferred[WC_DETECT_MAX_PROBLEMS];
	const char *part; /* a worker's part of the chunk */
	size_t part_len;
	/* This file's data lines (not empty, not '#' comments or directives),
	 * those that could not be parsed, and the first of them. */
	uint64_t ndata, nbad;
	uint64_t first_bad;
	const char *first_bad_why;
};

static void bad(struct logr *r, const char *why)
{
	r->d->st.bad_lines++;
	if (r->nbad++ == 0) {
		r->first_bad = r->lineno;
		r->first_bad_why = why;
	}
	if (r->defer) {
		if (r->ndeferred < WC_DETECT_MAX_PROBLEMS) {
			r->deferred[r->ndeferred].line = r->lineno;
			r->deferred[r->ndeferred++].why = why;
		}
		r->deferred_total++;
		return;
	}
	wc_detect_problem(r->d, "%s:%llu: %s", r->name, (unsigned long long)r->lineno, why);
}

static int d2(const char *p)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

static int d4(const char *p)
{
	int a = d2(p), b = d2(p + 2);
	return a < 0 || b < 0 ? -1 : a * 100 + b;
}

static int month3(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	for (int m = 0; m < 12; m++)
		if (memcmp(p, names + 3 * m, 3) == 0)
			return m + 1;
	return -1;
}

static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static bool civil_to_time(int y, int mo, int dd, int h, int mi, int s, wc_time *t)
{
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || dd < 1 || dd > mdays[mo] || h > 23 ||
	    mi > 59 || s > 60)
		return false;
	if (mo == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*t = wc_days_from_civil(y, (unsigned)mo, (unsigned)dd) * 86400 + h * 3600 + mi * 60 + s;
	return true;
}

/* "19/Jul/2001:12:34:56 -0700" → UTC, or false if malformed. The date's day
 * count is kept from the last line: it changes once a day in a log. */
static bool apache_time(struct logr *r, const char *p, wc_time *t)
{
	if (p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' || p[17] != ':' ||
	    p[20] != ' ' || (p[21] != '+' && p[21] != '-'))
		return false;
	if (!r->dvalid || memcmp(r->dcache, p, 11) != 0) {
		int dd = d2(p), mo = month3(p + 3), y = d4(p + 7);
		wc_time day;
		if (dd < 0 || mo < 0 || y < 0 || !civil_to_time(y, mo, dd, 0, 0, 0, &day)) {
			r->dvalid = false;
			return false;
		}
		memcpy(r->dcache, p, 11);
		r->day = day;
		r->dvalid = true;
	}
	int h = d2(p + 12), mi = d2(p + 15), s = d2(p + 18), oh = d2(p + 22), om = d2(p + 24);
	if ((h | mi | s | oh | om) < 0 || h > 23 || mi > 59 || s > 60 || om > 59)
		return false;
	int64_t off = (int64_t)oh * 3600 + om * 60;
	*t = r->day + h * 3600 + mi * 60 + s - (p[21] == '+' ? off : -off);
	return true;
}

/*
 * Apache's vhost_combined puts "HOST:PORT " before the client: four words
 * before the time where common and combined have three. Then the client is
 * the second word.
 */
static void vhost_client(const char *p, const char *br, const char **cli, size_t *clen)
{
	const char *w[5];
	int nw = 0;
	for (const char *q = p; q < br && nw < 5;) {
		w[nw++] = q;
		const char *sp = memchr(q, ' ', (size_t)(br - q));
		if (sp == NULL)
			return;
		q = sp + 1;
	}
	if (nw != 4 || w[1] - w[0] < 3)
		return;
	const char *port = w[1] - 2; /* the first word's last character */
	while (port > w[0] && *port >= '0' && *port <= '9')
		port--;
	if (*port != ':' || port == w[1] - 2 || w[2] - w[1] < 2)
		return;
	*cli = w[1];
	*clen = (size_t)(w[2] - w[1] - 1);
}

/*
 * One line of the common or combined format:
 *   CLIENT IDENT USER [TIME] "METHOD TARGET VERSION" STATUS BYTES ["REFERER" "AGENT"]
 * Only what classification needs is read: the client, the time, and the
 * target's end.
 */
static void apache_line(struct logr *r, const char *p, size_t n)
{
	const char *end = p + n;
	const char *sp = memchr(p, ' ', n);
	if (sp == NULL || sp == p)
		return bad(r, "expected 'CLIENT IDENT USER [TIME] \"REQUEST\" ...'");
	const char *br = sp + 1;
	const char *cli = p;
	size_t clen = (size_t)(sp - p);
	if (!(end - br > 5 && br[0] == '-' && br[1] == ' ' && br[2] == '-' && br[3] == ' ' &&
	      br[4] == '[' && (br += 4))) { /* "- - [" is by far the commonest */
		br = memchr(sp, '[', (size_t)(end - sp));
		if (br != NULL)
			vhost_client(p, br, &cli, &clen);
	}
	wc_time t;
	if (br == NULL || end - br < 31 || br[27] != ']' || !apache_time(r, br + 1, &t))
		return bad(r, "expected a time like [19/Jul/2001:12:34:56 -0700]");
	if (br[28] != ' ' || br[29] != '"')
		return bad(r, "expected a quoted request after the time");
	const char *rs = br + 30;
	/* METHOD: capital letters, then one space; anything else is junk a
	 * client sent instead of a request ("-", TLS bytes), logged but no request. */
	const char *m = rs;
	while (m < end && *m >= 'A' && *m <= 'Z')
		m++;
	if (m == rs || m == end || *m != ' ')
		return;
	const char *tgt = m + 1;
	const char *te = memchr(tgt, ' ', (size_t)(end - tgt));
	if (te == NULL)
		te = end;
	/* Logged without a version, the target ends at the closing quote. */
	if (te > tgt && te[-1] == '"')
		te--;
	if (te == tgt)
		return;
	r->d->st.requests++;
	const char *q = memchr(tgt, '?', (size_t)(te - tgt));
	const char *pe = q ? q : te;
	if ((size_t)(pe - tgt) < 4)
		return;
	int probe;
	int k = q ? wc_detect_classify_probe(tgt, (size_t)(pe - tgt), q + 1, (size_t)(te - q - 1),
					     &probe)
		  : wc_detect_classify_probe(tgt, (size_t)(pe - tgt), "", 0, &probe);
	if (k >= 0)
		wc_detect_record_request(r->d, cli, clen, k, probe, t, tgt, (size_t)(te - tgt));
}

/* "2001-07-19T12:34:56+00:00" (nginx's $time_iso8601). */
static bool iso_time(const char *p, size_t n, wc_time *t)
{
	if (n != 25 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' ||
	    (p[19] != '+' && p[19] != '-') || p[22] != ':')
		return false;
	int oh = d2(p + 20), om = d2(p + 23);
	if (oh < 0 || om < 0 || om > 59 ||
	    !civil_to_time(d4(p), d2(p + 5), d2(p + 8), d2(p + 11), d2(p + 14), d2(p + 17), t))
		return false;
	int64_t off = (int64_t)oh * 3600 + om * 60;
	*t -= p[19] == '+' ? off : -off;
	return true;
}

/* "995544896.123" (nginx's $msec): whole seconds since the epoch. */
static bool msec_time(const char *p, size_t n, wc_time *t)
{
	wc_time v = 0;
	size_t i = 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9' && i < 12; i++)
		v = v * 10 + (p[i] - '0');
	if (i == 0 || (i < n && p[i] != '.'))
		return false;
	*t = v;
	return true;
}

static bool custom_time(struct logr *r, const struct wc_lf_span *sp, wc_time *t)
{
	if (sp[WC_LF_TIME_APACHE].set)
		return sp[WC_LF_TIME_APACHE].p[0] == '[' && sp[WC_LF_TIME_APACHE].p[27] == ']' &&
		       apache_time(r, sp[WC_LF_TIME_APACHE].p + 1, t);
	if (sp[WC_LF_TIME_LOCAL].set)
		return apache_time(r, sp[WC_LF_TIME_LOCAL].p, t);
	if (sp[WC_LF_TIME_ISO].set)
		return iso_time(sp[WC_LF_TIME_ISO].p, sp[WC_LF_TIME_ISO].n, t);
	return msec_time(sp[WC_LF_TIME_MSEC].p, sp[WC_LF_TIME_MSEC].n, t);
}

/* The request's kind from whichever fields the format has; -2 for none. */
static int custom_kind(const struct wc_lf_span *sp, int *probe)
{
	if (sp[WC_LF_REQUEST].set)
		return wc_detect_classify_request_line(sp[WC_LF_REQUEST].p, sp[WC_LF_REQUEST].n,
						       probe);
	const char *path, *q = "";
	size_t plen, qlen = 0;
	if (sp[WC_LF_REQUEST_URI].set) {
		path = sp[WC_LF_REQUEST_URI].p;
		plen = sp[WC_LF_REQUEST_URI].n;
		const char *qm = memchr(path, '?', plen);
		if (qm) {
			q = qm + 1;
			qlen = plen - (size_t)(qm + 1 - path);
			plen = (size_t)(qm - path);
		}
	} else {
		path = sp[WC_LF_PATH].p;
		plen = sp[WC_LF_PATH].n;
		const struct wc_lf_span *a =
			sp[WC_LF_QUERY].set ? &sp[WC_LF_QUERY] : &sp[WC_LF_ARGS];
		if (a->set && a->n > 0 && !(a->n == 1 && a->p[0] == '-')) {
			q = a->p + (a->p[0] == '?');
			qlen = a->n - (a->p[0] == '?');
		}
	}
	if (plen == 0 || (plen == 1 && path[0] == '-'))
		return -2;
	return wc_detect_classify_probe(path, plen, q, qlen, probe);
}

/* A line in the user's --log-format. */
static void custom_line(struct logr *r, const char *p, size_t n)
{
	struct wc_lf_span sp[WC_LF_ROLES];
	const char *why;
	if (wc_logfmt_split(r->lf, p, n, sp, &why) != 0)
		return bad(r, why);
	wc_time t;
	if (!custom_time(r, sp, &t))
		return bad(r, "expected a time in the shape --log-format gives");
	if (sp[WC_LF_CLIENT].n == 0)
		return bad(r, "an empty client address");
	int probe;
	int k = custom_kind(sp, &probe);
	if (k == -2)
		return;
	r->d->st.requests++;
	if (k >= 0) {
		const struct wc_lf_span *ev = sp[WC_LF_REQUEST].set	  ? &sp[WC_LF_REQUEST]
					      : sp[WC_LF_REQUEST_URI].set ? &sp[WC_LF_REQUEST_URI]
									  : &sp[WC_LF_PATH];
		wc_detect_record_request(r->d, sp[WC_LF_CLIENT].p, sp[WC_LF_CLIENT].n, k, probe, t,
					 ev->p, ev->n);
	}
}

/* IIS W3C: "#Fields: date time c-ip ... cs-uri-stem cs-uri-query ..." */
static void iis_directive(struct logr *r, const char *p, size_t n)
{
	if (n > 9 && memcmp(p, "#Fields:", 8) == 0) {
		r->have_fields = true;
		r->f_date = r->f_time = r->f_cip = r->f_stem = r->f_query = r->f_uri = -1;
		const char *q = p + 8, *end = p + n;
		for (int i = 0; q < end && i < IIS_MAX_FIELDS;) {
			while (q < end && *q == ' ')
				q++;
			if (q == end)
				break;
			const char *e = memchr(q, ' ', (size_t)(end - q));
			if (e == NULL)
				e = end;
			size_t l = (size_t)(e - q);
#define F(name, var)                                                                               \
	if (l == sizeof name - 1 && memcmp(q, name, l) == 0)                                       \
		r->var = i;
			F("date", f_date);
			F("time", f_time);
			F("c-ip", f_cip);
			F("cs-uri-stem", f_stem);
			F("cs-uri-query", f_query);
			F("cs-uri", f_uri);
#undef F
			i++;
			q = e;
		}
		if (r->f_time < 0 || r->f_cip < 0 || (r->f_stem < 0 && r->f_uri < 0)) {
			r->have_fields = false;
			bad(r, "#Fields: needs time, c-ip and cs-uri-stem");
		}
	} else if (n >= 17 && memcmp(p, "#Date: ", 7) == 0) { /* d2(p + 15) reads p[16] */
		int y = d4(p + 7), mo = d2(p + 12), dd = d2(p + 15);
		wc_time t;
		if (p[11] == '-' && p[14] == '-' && civil_to_time(y, mo, dd, 0, 0, 0, &t)) {
			r->hdr_day = t / 86400;
			r->have_hdr_day = true;
		}
	}
}

static void iis_line(struct logr *r, const char *p, size_t n)
{
	if (!r->have_fields)
		return bad(r, "a W3C log line before any #Fields: header");
	const char *f[IIS_MAX_FIELDS];
	size_t fl[IIS_MAX_FIELDS];
	int nf = 0;
	const char *q = p, *end = p + n;
	while (nf < IIS_MAX_FIELDS) {
		const char *e = memchr(q, ' ', (size_t)(end - q));
		f[nf] = q;
		fl[nf++] = (size_t)((e ? e : end) - q);
		if (e == NULL)
			break;
		q = e + 1;
	}
	int need = r->f_time;
	if (r->f_date > need)
		need = r->f_date;
	if (r->f_cip > need)
		need = r->f_cip;
	if (r->f_stem > need)
		need = r->f_stem;
	if (r->f_uri > need)
		need = r->f_uri;
	if (nf <= need)
		return bad(r, "fewer fields than the #Fields: header names");
	const char *tp = f[r->f_time];
	wc_time t;
	int h, mi, s;
	if (fl[r->f_time] < 8 || (h = d2(tp)) < 0 || tp[2] != ':' || (mi = d2(tp + 3)) < 0 ||
	    tp[5] != ':' || (s = d2(tp + 6)) < 0 || h > 23 || mi > 59 || s > 60)
		return bad(r, "expected a time like 12:34:56");
	if (r->f_date >= 0) {
		const char *dp = f[r->f_date];
		if (fl[r->f_date] != 10 || dp[4] != '-' || dp[7] != '-' ||
		    !civil_to_time(d4(dp), d2(dp + 5), d2(dp + 8), h, mi, s, &t))
			return bad(r, "expected a date like 2001-07-19");
	} else if (r->have_hdr_day) {
		t = r->hdr_day * 86400 + h * 3600 + mi * 60 + s;
	} else {
		return bad(r, "no date field and no #Date: header");
	}
	const char *path, *query = "";
	size_t plen, qlen = 0;
	if (r->f_stem >= 0) {
		path = f[r->f_stem];
		plen = fl[r->f_stem];
		if (r->f_query >= 0 && r->f_query < nf &&
		    !(fl[r->f_query] == 1 && f[r->f_query][0] == '-')) {
			query = f[r->f_query];
			qlen = fl[r->f_query];
		}
	} else {
		path = f[r->f_uri];
		plen = fl[r->f_uri];
		const char *qm = memchr(path, '?', plen);
		if (qm) {
			query = qm + 1;
			qlen = plen - (size_t)(qm + 1 - path);
			plen = (size_t)(qm - path);
		}
	}
	r->d->st.requests++;
	int probe;
	int k = wc_detect_classify_probe(path, plen, query, qlen, &probe);
	if (k >= 0) {
		/* IIS logs the query apart: the evidence is the target put back together. */
		char target[WC_DETECT_EVIDENCE_MAX + 1];
		int tl = snprintf(target, sizeof target, "%.*s%s%.*s", (int)plen, path,
				  qlen ? "?" : "", (int)qlen, query);
		wc_detect_record_request(r->d, f[r->f_cip], fl[r->f_cip], k, probe, t, target,
					 tl < (int)sizeof target ? (size_t)tl : sizeof target - 1);
	}
}

/* "[Thu Jul 19 12:34:56 2001]" or, Apache 2.4, "[Thu Jul 19 12:34:56.123456 2001]".
 * Error logs carry no UTC offset: the time is taken as UTC. */
static void error_line(struct logr *r, const char *p, size_t n)
{
	const char *end = p + n;
	if (n < 26 || p[0] != '[' || p[4] != ' ' || p[8] != ' ')
		return bad(r, "expected a time like [Thu Jul 19 12:34:56 2001]");
	int mo = month3(p + 5), dd, h = d2(p + 12), mi = d2(p + 15), s = d2(p + 18);
	dd = p[9] == ' ' ? d2((const char[]){'0', p[10]}) : d2(p + 9);
	const char *yp = p + 20;
	if (*yp == '.')
		while (yp < end && *yp != ' ')
			yp++;
	wc_time t;
	if (mo < 0 || dd < 0 || h < 0 || mi < 0 || s < 0 || p[14] != ':' || p[17] != ':' ||
	    end - yp < 6 || yp[0] != ' ' || yp[5] != ']' ||
	    !civil_to_time(d4(yp + 1), mo, dd, h, mi, s, &t))
		return bad(r, "expected a time like [Thu Jul 19 12:34:56 2001]");
	const char *c = memmem(yp, (size_t)(end - yp), "[client ", 8);
	if (c == NULL)
		return; /* a server message, not about a request */
	const char *a = c + 8;
	const char *ae = memchr(a, ']', (size_t)(end - a));
	if (ae == NULL)
		return bad(r, "'[client ' without ']'");
	size_t alen = (size_t)(ae - a);
	if (a[0] == '[') { /* "[client [2001:db8::1]:51234]" */
		a++;
		alen = (size_t)(ae - a);
		ae = memchr(ae + 1, ']', (size_t)(end - ae - 1));
		if (ae == NULL)
			return bad(r, "'[client [' without ']]'");
	} else {
		/* 2.4 appends ":port" to an IPv4 client. */
		const char *colon = memchr(a, ':', alen);
		if (colon && memchr(colon + 1, ':', (size_t)(ae - colon - 1)) == NULL)
			alen = (size_t)(colon - a);
	}
	const char *m = memmem(ae, (size_t)(end - ae), "File does not exist: ", 21);
	if (m != NULL) {
		r->d->st.requests++;
		const char *path = m + 21;
		size_t plen = (size_t)(end - path);
		while (plen > 0 && (path[plen - 1] == ' ' || path[plen - 1] == '\r'))
			plen--;
		int probe;
		int k = wc_detect_classify_fspath(path, plen, &probe);
		if (k >= 0)
			wc_detect_record_request(r->d, a, alen, k, probe, t, path, plen);
	} else if (memmem(ae, (size_t)(end - ae), "Client sent malformed Host header", 33)) {
		r->d->st.malformed_host++;
	}
}

static void log_line(struct logr *r, const char *p, size_t n)
{
	r->lineno++;
	r->d->st.lines++;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return;
	/* '#' starts a W3C directive, and a comment in the other formats (no
	 * server writes one, but people and tools prepend them). */
	const char *why;
	if (p[0] == '#') {
		if (r->fmt == WC_FORMAT_IIS)
			iis_directive(r, p, n);
		else if (r->fmt == WC_FORMAT_ZEEK && (why = wc_zeek_directive(&r->zeek, p, n))) {
			r->ndata++; /* a header it cannot use is a line judged, and bad */
			bad(r, why);
		}
		return;
	}
	r->ndata++;
	if (r->lf != NULL)
		return custom_line(r, p, n);
	switch (r->fmt) {
	case WC_FORMAT_IIS:
		iis_line(r, p, n);
		break;
	case WC_FORMAT_ZEEK:
		if ((why = wc_zeek_line(r->d, &r->zeek, p, n)) != NULL)
			bad(r, why);
		break;
	case WC_FORMAT_ZEEK_JSON:
	case WC_FORMAT_EVE:
		if ((why = wc_json_line(r->d, r->fmt, p, n)) != NULL)
			bad(r, why);
		break;
	case WC_FORMAT_ERROR:
		error_line(r, p, n);
		break;
	default:
		apache_line(r, p, n);
		break;
	}
}

static bool is_pcap_magic(const unsigned char *b, size_t n)
{
	static const unsigned char m[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, {0x4d, 0x3c, 0xb2, 0xa1},
		{0xa1, 0xb2, 0x3c, 0x4d}, {0x0a, 0x0d, 0x0d, 0x0a},
	};
	for (size_t i = 0; n >= 4 && i < sizeof m / sizeof m[0]; i++)
		if (memcmp(b, m[i], 4) == 0)
			return true;
	return false;
}

/* "2001-08-04 05:10:00 ": how a W3C data line starts. */
static bool w3c_data_line(const char *b, size_t l)
{
	return l > 20 && d4(b) >= 0 && b[4] == '-' && d2(b + 5) >= 0 && b[7] == '-' &&
	       d2(b + 8) >= 0 && b[10] == ' ' && d2(b + 11) >= 0 && b[13] == ':';
}

/*
 * The format of a log from its first bytes. Leading '#' lines are W3C
 * directives only if one of them is #Fields: (without it no W3C line can be
 * read); otherwise they are comments and the first data line decides.
 */
static wc_detect_format sniff(const char *b, size_t n)
{
	if (is_pcap_magic((const unsigned char *)b, n))
		return WC_FORMAT_PCAP;
	const char *end = b + n;
	while (b < end) {
		const char *nl = memchr(b, '\n', (size_t)(end - b));
		size_t l = (size_t)((nl ? nl : end) - b);
		if (l > 0 && b[l - 1] == '\r')
			l--;
		if (l >= 8 && memcmp(b, "#Fields:", 8) == 0)
			return WC_FORMAT_IIS;
		if (l >= 11 && memcmp(b, "#separator ", 11) == 0)
			return WC_FORMAT_ZEEK;
		if (l > 0 && b[0] == '{')
			return wc_sniff_json(b, l);
		if (l > 0 && b[0] != '#') {
			if (l > 5 && b[0] == '[' && memmem(b, l, "] [", 3) != NULL)
				return WC_FORMAT_ERROR;
			return w3c_data_line(b, l) ? WC_FORMAT_IIS : WC_FORMAT_APACHE;
		}
		if (nl == NULL)
			break;
		b = nl + 1;
	}
	return WC_FORMAT_APACHE;
}

static void logr_init(struct logr *r, wc_detect *d, const char *name, wc_detect_format fmt)
{
	memset(r, 0, sizeof *r);
	r->d = d;
	r->name = name;
	r->lf = d->logfmt;
	r->fmt = r->lf ? WC_FORMAT_APACHE : fmt; /* no state between lines */
	r->f_date = r->f_time = r->f_cip = r->f_stem = r->f_query = r->f_uri = -1;
	wc_zeek_hdr_init(&r->zeek);
}

/* Feeds the complete lines of buf[0..n) and returns how many bytes were used. */
static size_t feed_lines(struct logr *r, const char *buf, size_t n)
{
	const char *p = buf, *end = buf + n;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		log_line(r, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

static void *feed_part(void *arg)
{
	struct logr *r = arg;
	feed_lines(r, r->part, r->part_len);
	return NULL;
}

/*
 * Apache and error logs have no state between lines, so a chunk's complete
 * lines are cut into one part per thread at line ends; part 0 goes to d, part
 * i to worker context i-1, merged into d by wc_detect_finish(). Line numbers
 * and the order of reported problems come out as a single thread's would.
 */
static void feed_chunk(struct logr *r, const char *buf, size_t n)
{
	wc_detect *d = r->d;
	int nt = d->opt.threads < WC_DETECT_MAX_THREADS ? d->opt.threads : WC_DETECT_MAX_THREADS;
	if (nt < 2 || n < PARALLEL_MIN || r->fmt == WC_FORMAT_IIS || r->fmt == WC_FORMAT_ZEEK ||
	    r->defer) {
		feed_lines(r, buf, n);
		return;
	}
	size_t cut[WC_DETECT_MAX_THREADS + 1];
	struct logr part[WC_DETECT_MAX_THREADS];
	cut[0] = 0;
	cut[nt] = n;
	for (int i = 1; i < nt; i++) {
		size_t c = n / (size_t)nt * (size_t)i;
		if (c < cut[i - 1])
			c = cut[i - 1];
		const char *nl = memchr(buf + c, '\n', n - c);
		cut[i] = nl ? (size_t)(nl + 1 - buf) : n;
		if (d->workers[i - 1] == NULL) {
			wc_detect_options o = d->opt;
			o.threads = 1;
			d->workers[i - 1] = wc_detect_new(&o);
		}
		d->workers[i - 1]->cur_name = d->cur_name;
		part[i] = *r;
		part[i].d = d->workers[i - 1];
		part[i].lineno = 0;
		part[i].defer = true;
		part[i].ndeferred = 0;
		part[i].deferred_total = 0;
		part[i].ndata = part[i].nbad = part[i].first_bad = 0;
	}
	/* Plain threads, not OpenMP: a waiting OpenMP thread spins, and on a
	 * machine with other work that spinning costs more than the split gains. */
	pthread_t tid[WC_DETECT_MAX_THREADS];
	bool started[WC_DETECT_MAX_THREADS] = {false};
	for (int i = 1; i < nt; i++) {
		part[i].part = buf + cut[i];
		part[i].part_len = cut[i + 1] - cut[i];
		started[i] = pthread_create(&tid[i], NULL, feed_part, &part[i]) == 0;
	}
	feed_lines(r, buf, cut[1]);
	for (int i = 1; i < nt; i++) {
		if (started[i])
			pthread_join(tid[i], NULL);
		else
			feed_part(&part[i]); /* no thread to be had: read it here */
	}
	for (int i = 1; i < nt; i++) {
		for (size_t j = 0; j < part[i].ndeferred; j++)
			wc_detect_problem(
				d, "%s:%llu: %s", r->name,
				(unsigned long long)(r->lineno + part[i].deferred[j].line),
				part[i].deferred[j].why);
		d->total_problems += part[i].deferred_total - part[i].ndeferred;
		if (r->nbad == 0 && part[i].nbad > 0) {
			r->first_bad = r->lineno + part[i].first_bad;
			r->first_bad_why = part[i].first_bad_why;
		}
		r->ndata += part[i].ndata;
		r->nbad += part[i].nbad;
		r->lineno += part[i].lineno;
	}
}

/*
 * A file most of whose data lines cannot be parsed is not in the format it
 * was read as (a W3C log read as Apache's, a custom LogFormat): its counts
 * would be a silent wrong answer. Refused unless the user asked to go on.
 */
static int check_unparseable(struct logr *r, wc_error *err)
{
	if (r->nbad == 0 || r->nbad * 2 <= r->ndata)
		return 0;
	const char *what = r->lf			   ? "--log-format"
			   : r->fmt == WC_FORMAT_IIS	   ? "IIS W3C"
			   : r->fmt == WC_FORMAT_ERROR	   ? "Apache error log"
			   : r->fmt == WC_FORMAT_ZEEK	   ? "Zeek http.log (TSV)"
			   : r->fmt == WC_FORMAT_ZEEK_JSON ? "Zeek http.log (JSON)"
			   : r->fmt == WC_FORMAT_EVE	   ? "Suricata eve.json"
							   : "Apache/nginx access log";
	unsigned long long nbad = r->nbad, ndata = r->ndata;
	if (r->d->opt.keep_going) {
		wc_detect_warning(r->d,
				  "%s: %llu of %llu lines are not %s lines; counting the rest "
				  "(--keep-going)",
				  r->name, nbad, ndata, what);
		return 0;
	}
	return wc_error_set(
		err, WC_EXIT_USAGE,
		"%s: %llu of %llu lines are not %s lines (line %llu: %s): name the "
		"format with --input-format or --log-format, or give --keep-going to count "
		"what can be read",
		r->name, nbad, ndata, what, (unsigned long long)r->first_bad, r->first_bad_why);
}

int wc_detect_log_buffer(wc_detect *d, const char *name, wc_detect_format fmt, const char *buf,
			 size_t len, wc_error *err)
{
	if (fmt == WC_FORMAT_AUTO)
		fmt = sniff(buf, len);
	if (fmt == WC_FORMAT_PCAP)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: a capture, not a log", name);
	struct logr r;
	logr_init(&r, d, name, fmt);
	d->cur_name = name;
	d->st.bytes += len;
	const char *last = len ? memrchr(buf, '\n', len) : NULL;
	size_t used = last ? (size_t)(last + 1 - buf) : 0;
	feed_chunk(&r, buf, used);
	if (used < len)
		log_line(&r, buf + used, len - used);
	d->cur_name = NULL;
	return check_unparseable(&r, err);
}

struct wc_detect_stream {
	struct logr r;
	char *name;
	bool started;
	char *carry; /* the partial last line, waiting for its end */
	size_t ncarry, cap;
};

wc_detect_stream *wc_detect_stream_new(wc_detect *d, const char *name, wc_detect_format fmt)
{
	wc_detect_stream *s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	logr_init(&s->r, d, s->name, fmt == WC_FORMAT_PCAP ? WC_FORMAT_AUTO : fmt);
	return s;
}

/* Reads the complete lines of buf[0..n), the first one completing carry. */
static void stream_lines(wc_detect_stream *s, const char *buf, size_t n)
{
	const char *nl = memchr(buf, '\n', n);
	if (nl == NULL)
		return;
	size_t head = (size_t)(nl - buf);
	if (s->ncarry + head + 1 > s->cap) {
		s->cap = 2 * (s->ncarry + head + 1);
		s->carry = xrealloc(s->carry, s->cap);
	}
	memcpy(s->carry + s->ncarry, buf, head);
	if (!s->started) {
		s->started = true;
		/* The first bytes fed are most often the whole file so far, whose
		 * leading '#' lines (W3C, Zeek) sniffing needs. */
		if (s->r.fmt == WC_FORMAT_AUTO || s->r.fmt == WC_FORMAT_PCAP)
			s->r.fmt =
				s->ncarry == 0 ? sniff(buf, n) : sniff(s->carry, s->ncarry + head);
		if (s->r.fmt == WC_FORMAT_PCAP)
			s->r.fmt = WC_FORMAT_APACHE; /* a capture does not grow by lines */
	}
	log_line(&s->r, s->carry, s->ncarry + head);
	s->ncarry = 0;
	feed_lines(&s->r, nl + 1, n - head - 1);
}

void wc_detect_stream_feed(wc_detect_stream *s, const char *buf, size_t n)
{
	s->r.d->cur_name = s->name;
	s->r.d->st.bytes += n;
	stream_lines(s, buf, n);
	const char *last = n ? memrchr(buf, '\n', n) : NULL;
	const char *rest = last ? last + 1 : buf;
	size_t nrest = (size_t)(buf + n - rest);
	if (nrest > 0 && s->ncarry + nrest <= MAX_LINE) {
		if (s->ncarry + nrest > s->cap) {
			s->cap = 2 * (s->ncarry + nrest);
			s->carry = xrealloc(s->carry, s->cap);
		}
		memcpy(s->carry + s->ncarry, rest, nrest);
		s->ncarry += nrest;
	}
	s->r.d->cur_name = NULL;
}

void wc_detect_stream_restart(wc_detect_stream *s)
{
	uint64_t lineno = s->r.lineno;
	wc_detect_format fmt = s->r.fmt;
	logr_init(&s->r, s->r.d, s->name, fmt);
	s->r.lineno = lineno;
	s->ncarry = 0;
}

void wc_detect_stream_free(wc_detect_stream *s)
{
	if (s == NULL)
		return;
	free(s->carry);
	free(s->name);
	free(s);
}

/* Compressed data cut short (rotated while being written, a partial copy):
 * what came out of it is good, as for a truncated capture. format: "gzip" or
 * "zstd". */
static void compressed_cut_short(wc_detect *d, const char *name, const char *format,
				 const char *msg)
{
	d->st.truncated++;
	wc_detect_problem(d, "%s: %s data cut short or corrupt (%s); the lines before it are kept",
			  name, format, msg);
}

/*
 * An input being read: zlib over a descriptor, plain files passed through;
 * a regular file that starts with a zstd frame through libzstd instead.
 * Files are read, not mapped: a file truncated while it is read (logrotate's
 * copytruncate does this to live logs) makes a mapping fault with SIGBUS on
 * the first page past the new end, while read(2) just returns less. The size
 * at open tells afterwards that the file shrank.
 */
struct input {
	gzFile gz; /* NULL when zs reads it */
	struct wc_zstd_reader *zs;
	const char *name;
	bool is_stdin;
	bool regular;	/* a regular file, whose size at open is known */
	uint64_t size0; /* that size */
	uint64_t got;	/* bytes that came out of zlib */
};

static int input_open(struct input *in, const char *path, wc_error *err)
{
	memset(in, 0, sizeof *in);
	in->is_stdin = strcmp(path, "-") == 0;
	in->name = in->is_stdin ? "stdin" : path;
	int fd = in->is_stdin ? dup(0) : open(path, O_RDONLY);
	if (fd < 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", in->name,
				    strerror(errno));
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		/* stdin may be a file already partly read: count from here. */
		off_t at = lseek(fd, 0, SEEK_CUR);
		in->regular = true;
		in->size0 = (uint64_t)st.st_size - (at > 0 && at <= st.st_size ? (uint64_t)at : 0);
		/* A peek, not a read: a pipe cannot be peeked at (read_lines
		 * tells zstd data on one by its first bytes). */
		unsigned char magic[4];
		if (pread(fd, magic, 4, at > 0 ? at : 0) == 4 && wc_zstd_magic(magic, 4)) {
			in->zs = wc_zstd_open(fd);
			if (in->zs != NULL)
				return 0;
			close(fd);
			return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot open: out of memory",
					    in->name);
		}
	}
	in->gz = gzdopen(fd, "rb");
	if (in->gz == NULL) {
		close(fd);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot open: out of memory",
				    in->name);
	}
	gzbuffer(in->gz, 1u << 18);
	return 0;
}

/* Reads up to n bytes; 0 at the end (or where a .gz is cut short, which is
 * noted), -1 with err set when the file cannot be read at all. */
static int input_read(wc_detect *d, struct input *in, char *buf, size_t n, wc_error *err)
{
	if (in->zs != NULL) {
		const char *why;
		long zgot = wc_zstd_read(in->zs, buf, n, &why);
		if (zgot < 0)
			return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot read: %s", in->name,
					    why);
		if (zgot == 0 && why != NULL)
			compressed_cut_short(d, in->name, "zstd", why);
		in->got += (uint64_t)zgot;
		return (int)zgot;
	}
	int got = gzread(in->gz, buf, (unsigned)n);
	int zerr;
	if (got < 0) {
		const char *msg = gzerror(in->gz, &zerr);
		if (zerr == Z_ERRNO)
			return wc_error_set(err, WC_EXIT_USAGE, "%s: cannot read: %s", in->name,
					    strerror(errno));
		compressed_cut_short(d, in->name, "gzip", msg);
		return 0;
	}
	if (got == 0) {
		/* zlib reports a stream cut short only through gzerror. */
		const char *msg = gzerror(in->gz, &zerr);
		if (zerr == Z_BUF_ERROR)
			compressed_cut_short(d, in->name, "gzip", msg);
	}
	in->got += (uint64_t)got;
	return got;
}

/* A plain file that gave fewer bytes than it had when opened was cut while
 * read: what came before the cut is kept, and the user told. */
static void input_check_shrunk(wc_detect *d, const struct input *in)
{
	if (!in->regular || in->zs != NULL || !gzdirect(in->gz) || in->got >= in->size0)
		return;
	d->st.truncated++;
	wc_detect_warning(d,
			  "%s: the file shrank from %llu to %llu bytes while it was read "
			  "(truncated by log rotation?); the lines before the cut are kept",
			  in->name, (unsigned long long)in->size0, (unsigned long long)in->got);
}

/* The first bytes read were a capture's: hand the file to libpcap. */
static int input_is_capture(wc_detect *d, struct input *in, const char *path, wc_error *err)
{
	if (in->zs != NULL || !gzdirect(in->gz))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: a capture compressed with %s: libpcap reads it only "
				    "uncompressed (%s it first)",
				    in->name, in->zs ? "zstd" : "gzip",
				    in->zs ? "unzstd" : "gunzip");
	if (in->is_stdin) /* the sniffed bytes are gone from the pipe */
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: a capture on stdin needs --input-format pcap", in->name);
	return wc_detect_pcap_file(d, path, err);
}

/* Reads lines chunk by chunk; a chunk is cut at its last line end and the
 * rest carried into the next. Returns 0, 1 for a capture, or -1. */
static int read_lines(wc_detect *d, struct input *in, wc_detect_format fmt, wc_error *err)
{
	size_t cap = CHUNK, have = 0;
	char *buf = xmalloc(cap + 1);
	struct logr r;
	bool started = false;
	int rc = 0;
	for (;;) {
		if (have == cap) {
			if (cap >= MAX_LINE) {
				rc = wc_error_set(err, WC_EXIT_USAGE,
						  "%s: a line longer than %u bytes: not a log",
						  in->name, MAX_LINE);
				break;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		int got = input_read(d, in, buf + have, cap - have, err);
		if (got < 0) {
			rc = -1;
			break;
		}
		if (!started) {
			started = true;
			if (in->zs == NULL && wc_zstd_magic((unsigned char *)buf, (size_t)got)) {
				rc = wc_error_set(err, WC_EXIT_USAGE,
						  "%s: zstd data read through a pipe (or inside "
						  "gzip): give the .zst file itself, or "
						  "decompress it first (zstd -dc)",
						  in->name);
				break;
			}
			if (fmt == WC_FORMAT_AUTO)
				fmt = sniff(buf, (size_t)got);
			if (fmt == WC_FORMAT_PCAP) {
				rc = 1;
				break;
			}
			logr_init(&r, d, in->name, fmt);
		}
		d->st.bytes += (uint64_t)got;
		if (got == 0) {
			if (have > 0)
				log_line(&r, buf, have);
			break;
		}
		have += (size_t)got;
		const char *last = memrchr(buf, '\n', have);
		size_t used = last ? (size_t)(last + 1 - buf) : 0;
		feed_chunk(&r, buf, used);
		memmove(buf, buf + used, have - used);
		have -= used;
		if (d->after_chunk)
			d->after_chunk(d->after_chunk_arg);
	}
	free(buf);
	if (rc == 0 && started)
		rc = check_unparseable(&r, err);
	return rc;
}

int wc_detect_file(wc_detect *d, const char *path, wc_detect_format fmt, wc_error *err)
{
	if (fmt == WC_FORMAT_PCAP)
		return wc_detect_pcap_file(d, path, err);
	struct input in;
	if (input_open(&in, path, err) != 0)
		return -1;
	d->cur_name = in.name;
	int rc = read_lines(d, &in, fmt, err);
	d->cur_name = NULL;
	if (rc == 1)
		rc = input_is_capture(d, &in, path, err);
	else if (rc == 0)
		input_check_shrunk(d, &in);
	if (in.zs != NULL)
		wc_zstd_close(in.zs);
	else
		gzclose(in.gz);
	return rc;
}
