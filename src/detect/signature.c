/*
 * signature.c — which worm, if any, sent a request.
 *
 * Code Red v1/v2 and Code Red II send one fixed request each: /default.ida?,
 * then 224 bytes of 'N' (CRv1/v2) or 'X' (CRII), then %u-escaped bytes (CERT
 * CA-2001-19, CA-2001-23; the run length is the worm's own constant). Scanners
 * that imitate them vary the path (/NULL.ida, /x.ida) or the run, so the rule
 * asks for the exact path, the exact run length and the "%u" after it; every
 * other .ida/.idq request is an ida-probe.
 *
 * Nimda probes 16 fixed URIs (CERT CA-2001-26). Servers log them in different
 * encodings (Apache the raw request, IIS once decoded), so both the logged
 * path and Nimda's list are reduced to one canonical form and compared. One
 * such request is not yet Nimda (scanners ask for Code Red II's root.exe
 * backdoor alone): the request carries the index of its canonical path, and
 * detect.c decides per source once all input is read.
 *
 * Only the last four bytes of the path are looked at for an ordinary
 * request, so classifying every line of a log costs next to nothing.
 */
#include <string.h>

#include "detect/internal.h"

#define CODERED_RUN 224

/*
 * Nimda's probe paths in canonical form (wc_detect_canonical of each of the
 * 16 URIs in docs/detect.md; test_detect checks each reduces to one of these).
 * Nine of the 16 are encodings of the same /scripts/ traversal.
 */
static const char *const nimda_canonical[] = {
	"/scripts/root.exe",
	"/msadc/root.exe",
	"/c/winnt/system32/cmd.exe",
	"/d/winnt/system32/cmd.exe",
	"/scripts/../../winnt/system32/cmd.exe",
	"/_vti_bin/../../../../../../winnt/system32/cmd.exe",
	"/_mem_bin/../../../../../../winnt/system32/cmd.exe",
	"/msadc/../../../../..//../../../../../../winnt/system32/cmd.exe",
};
#define NIMDA_N (sizeof nimda_canonical / sizeof nimda_canonical[0])

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t wc_detect_canonical(const char *in, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return (size_t)-1;
	memcpy(out, in, n);
	/* Percent-decoding shrinks or keeps the length, so it works in place.
	 * Nimda hides a backslash under at most three layers (%25%35%63). */
	for (int round = 0; round < 4; round++) {
		size_t o = 0;
		bool changed = false;
		for (size_t i = 0; i < n; i++) {
			int h, l;
			if (out[i] == '%' && i + 2 < n &&
			    (h = hexval((unsigned char)out[i + 1])) >= 0 &&
			    (l = hexval((unsigned char)out[i + 2])) >= 0) {
				out[o++] = (char)(h * 16 + l);
				i += 2;
				changed = true;
			} else {
				out[o++] = out[i];
			}
		}
		n = o;
		if (!changed)
			break;
	}
	/* Overlong two-byte UTF-8 (C0/C1 lead) for an ASCII byte: IIS decoded
	 * these to '/' or '\\', which is what the traversal relies on. */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];
		if ((c == 0xC0 || c == 0xC1) && i + 1 < n) {
			c = (unsigned char)(((c & 1) << 6) | ((unsigned char)out[i + 1] & 0x3F));
			i++;
		}
		if (c == '\\')
			c = '/';
		out[o++] = (char)lower(c);
	}
	out[o] = '\0';
	return o;
}

static bool nimda_query(const char *q, size_t qlen)
{
	return (qlen == 6 && memcmp(q, "/c+dir", 6) == 0) ||
	       (qlen == 8 && memcmp(q, "/c%20dir", 8) == 0);
}

/* Which of Nimda's canonical paths this is (0 .. NIMDA_N-1), or -1. */
static int nimda_path(const char *path, size_t plen, bool suffix)
{
	char buf[512];
	size_t n = wc_detect_canonical(path, plen, buf, sizeof buf);
	if (n == (size_t)-1)
		return -1;
	for (size_t i = 0; i < NIMDA_N; i++) {
		size_t m = strlen(nimda_canonical[i]);
		if (suffix ? (n >= m && memcmp(buf + n - m, nimda_canonical[i], m) == 0)
			   : (n == m && memcmp(buf, nimda_canonical[i], m) == 0))
			return (int)i;
	}
	return -1;
}

/* Last four bytes of the path, lower-cased, as one word. */
static uint32_t tail4(const char *p, size_t n)
{
	return (uint32_t)lower((unsigned char)p[n - 4]) << 24 |
	       (uint32_t)lower((unsigned char)p[n - 3]) << 16 |
	       (uint32_t)lower((unsigned char)p[n - 2]) << 8 |
	       (uint32_t)lower((unsigned char)p[n - 1]);
}

#define TAIL(a, b, c, d)                                                                           \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

wc_detect_kind wc_detect_classify(const char *path, size_t plen, const char *query, size_t qlen)
{
	int probe;
	return wc_detect_classify_probe(path, plen, query, qlen, &probe);
}

wc_detect_kind wc_detect_classify_probe(const char *path, size_t plen, const char *query,
					size_t qlen, int *probe)
{
	*probe = -1;
	if (plen < 4)
		return WC_KIND_NONE;
	uint32_t t = tail4(path, plen);
	if (t == TAIL('.', 'i', 'd', 'a') || t == TAIL('.', 'i', 'd', 'q')) {
		if (plen == 12 && memcmp(path, "/default.ida", 12) == 0 &&
		    qlen >= CODERED_RUN + 2 && (query[0] == 'N' || query[0] == 'X')) {
			char c = query[0];
			size_t run = 1;
			while (run < qlen && query[run] == c)
				run++;
			if (run == CODERED_RUN && run + 1 < qlen && query[run] == '%' &&
			    query[run + 1] == 'u')
				return c == 'N' ? WC_KIND_CODERED : WC_KIND_CODERED2;
		}
		return WC_KIND_IDA_PROBE;
	}
	if (t == TAIL('.', 'e', 'x', 'e') && nimda_query(query, qlen) &&
	    (*probe = nimda_path(path, plen, false)) >= 0)
		return WC_KIND_NIMDA;
	return WC_KIND_NONE;
}

wc_detect_kind wc_detect_classify_fspath(const char *path, size_t plen, int *probe)
{
	*probe = -1;
	if (plen < 4)
		return WC_KIND_NONE;
	uint32_t t = tail4(path, plen);
	if (t == TAIL('.', 'i', 'd', 'a') || t == TAIL('.', 'i', 'd', 'q')) {
		/* The query is not in the error log: /default.ida is Code Red's
		 * path (v1/v2 and II alike), any other name a scanner's. */
		if (plen >= 12 && memcmp(path + plen - 12, "/default.ida", 12) == 0)
			return WC_KIND_CODERED;
		return WC_KIND_IDA_PROBE;
	}
	if (t == TAIL('.', 'e', 'x', 'e') && (*probe = nimda_path(path, plen, true)) >= 0)
		return WC_KIND_NIMDA;
	return WC_KIND_NONE;
}

int wc_detect_classify_request_line(const char *line, size_t len, int *probe)
{
	*probe = -1;
	const char *end = line + len;
	const char *sp = memchr(line, ' ', len);
	if (sp == NULL || sp == line)
		return -2;
	for (const char *m = line; m < sp; m++)
		if (*m < 'A' || *m > 'Z')
			return -2;
	const char *target = sp + 1;
	const char *tend = memchr(target, ' ', (size_t)(end - target));
	if (tend == NULL)
		tend = end; /* logged without an HTTP version */
	if (tend == target)
		return -2;
	const char *q = memchr(target, '?', (size_t)(tend - target));
	if (q == NULL)
		return wc_detect_classify_probe(target, (size_t)(tend - target), "", 0, probe);
	return wc_detect_classify_probe(target, (size_t)(q - target), q + 1, (size_t)(tend - q - 1),
					probe);
}
