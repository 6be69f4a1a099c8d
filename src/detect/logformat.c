/*
 * logformat.c — --log-format: a log line described by Apache's LogFormat
 * string ("%h %l %u %t \"%r\" %>s %b") or nginx's log_format one
 * ("$remote_addr - $remote_user [$time_local] \"$request\" ...").
 *
 * The string is compiled once into literals and fields. A line is read by
 * matching each literal exactly; a field's value runs up to the next
 * literal (one preceded by a backslash is inside the value: Apache writes a
 * quote inside %r as \"), or to the line's end for the last field. Times
 * have a fixed shape and are measured, not searched. Only the client, the
 * time and the request are kept; every other field is skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "detect/internal.h"

/* One directive or variable, and what it holds. */
struct name_role {
	const char *name;
	enum wc_lf_role role;
};

/* Apache: %X, or %{ARG}X for these X (the argument is not looked at). */
static const struct name_role apache_plain[] = {
	{"h", WC_LF_CLIENT}, {"a", WC_LF_CLIENT}, {"t", WC_LF_TIME_APACHE}, {"r", WC_LF_REQUEST},
	{"U", WC_LF_PATH},   {"q", WC_LF_QUERY},  {">s", WC_LF_SKIP},	    {"<s", WC_LF_SKIP},
	{"s", WC_LF_SKIP},   {"l", WC_LF_SKIP},	  {"u", WC_LF_SKIP},	    {"b", WC_LF_SKIP},
	{"B", WC_LF_SKIP},   {"O", WC_LF_SKIP},	  {"I", WC_LF_SKIP},	    {"S", WC_LF_SKIP},
	{"D", WC_LF_SKIP},   {"T", WC_LF_SKIP},	  {"v", WC_LF_SKIP},	    {"V", WC_LF_SKIP},
	{"p", WC_LF_SKIP},   {"m", WC_LF_SKIP},	  {"H", WC_LF_SKIP},	    {"A", WC_LF_SKIP},
	{"f", WC_LF_SKIP},   {"k", WC_LF_SKIP},	  {"L", WC_LF_SKIP},	    {"P", WC_LF_SKIP},
	{"R", WC_LF_SKIP},   {"X", WC_LF_SKIP},	  {">D", WC_LF_SKIP},	    {">T", WC_LF_SKIP},
	{">b", WC_LF_SKIP},  {">O", WC_LF_SKIP},  {"<u", WC_LF_SKIP},	    {">u", WC_LF_SKIP},
};
static const char apache_arg[] = "iaoenCpPTx"; /* %{...}X */

/* nginx: these variables, and any beginning with these prefixes. */
static const struct name_role nginx_vars[] = {
	{"remote_addr", WC_LF_CLIENT},
	{"time_local", WC_LF_TIME_LOCAL},
	{"time_iso8601", WC_LF_TIME_ISO},
	{"msec", WC_LF_TIME_MSEC},
	{"request", WC_LF_REQUEST},
	{"uri", WC_LF_PATH},
	{"document_uri", WC_LF_PATH},
	{"request_uri", WC_LF_REQUEST_URI},
	{"args", WC_LF_ARGS},
	{"query_string", WC_LF_ARGS},
};
static const char *const nginx_skip[] = {
	"remote_user",
	"remote_port",
	"status",
	"body_bytes_sent",
	"bytes_sent",
	"request_length",
	"request_time",
	"request_method",
	"server_name",
	"server_port",
	"server_addr",
	"server_protocol",
	"host",
	"hostname",
	"scheme",
	"connection",
	"connection_requests",
	"pipe",
	"gzip_ratio",
	"pid",
	"realip_remote_addr",
	"proxy_protocol_addr",
	"ssl_protocol",
	"ssl_cipher",
	"request_id",
	"binary_remote_addr",
};
static const char *const nginx_prefix[] = {"http_", "sent_http_", "upstream_", "cookie_",
					   "arg_",  "ssl_",	  "geoip_"};

static int add_token(struct wc_logfmt *f, enum wc_lf_role role, const char *lit, size_t len)
{
	if (f->n == WC_LF_MAX_TOKENS)
		return -1;
	struct wc_lf_token *t = &f->tok[f->n++];
	t->role = role;
	t->lit = lit;
	t->len = len;
	return 0;
}

/* The text between directives, with \" and \\ as Apache's config writes them. */
static int add_literal(struct wc_logfmt *f, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	char *lit = xmalloc(n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		lit[o++] = s[i];
	}
	lit[o] = '\0';
	if (f->n > 0 && f->tok[f->n - 1].role == WC_LF_LITERAL) { /* "%%" split one */
		struct wc_lf_token *t = &f->tok[f->n - 1];
		char *both = xmalloc(t->len + o + 1);
		memcpy(both, t->lit, t->len);
		memcpy(both + t->len, lit, o + 1);
		free((char *)t->lit);
		free(lit);
		t->lit = both;
		t->len += o;
		return 0;
	}
	return add_token(f, WC_LF_LITERAL, lit, o);
}

/* One Apache directive at s (after '%'); its length in *len, or -1. */
static int apache_directive(const char *s, size_t *len, enum wc_lf_role *role)
{
	size_t i = 0;
	if (s[0] == '{') {
		const char *close = strchr(s, '}');
		if (close == NULL || close[1] == '\0' || strchr(apache_arg, close[1]) == NULL)
			return -1;
		*len = (size_t)(close + 2 - s);
		*role = close[1] == 'a' ? WC_LF_CLIENT : WC_LF_SKIP;
		return 0;
	}
	while (s[i] >= '0' && s[i] <= '9') /* status conditions: %400,501{...}i */
		i++;
	for (size_t k = 0; k < sizeof apache_plain / sizeof apache_plain[0]; k++) {
		size_t l = strlen(apache_plain[k].name);
		if (strncmp(s + i, apache_plain[k].name, l) == 0) {
			*len = i + l;
			*role = apache_plain[k].role;
			return 0;
		}
	}
	return -1;
}

static int nginx_variable(const char *s, size_t *len, enum wc_lf_role *role)
{
	size_t l = 0;
	bool brace = s[0] == '{';
	const char *v = s + brace;
	while ((v[l] >= 'a' && v[l] <= 'z') || (v[l] >= '0' && v[l] <= '9') || v[l] == '_' ||
	       (v[l] >= 'A' && v[l] <= 'Z'))
		l++;
	if (l == 0 || (brace && v[l] != '}'))
		return -1;
	*len = l + (brace ? 2 : 0);
	for (size_t k = 0; k < sizeof nginx_vars / sizeof nginx_vars[0]; k++)
		if (strlen(nginx_vars[k].name) == l && strncmp(v, nginx_vars[k].name, l) == 0) {
			*role = nginx_vars[k].role;
			return 0;
		}
	*role = WC_LF_SKIP;
	for (size_t k = 0; k < sizeof nginx_skip / sizeof nginx_skip[0]; k++)
		if (strlen(nginx_skip[k]) == l && strncmp(v, nginx_skip[k], l) == 0)
			return 0;
	for (size_t k = 0; k < sizeof nginx_prefix / sizeof nginx_prefix[0]; k++)
		if (strncmp(v, nginx_prefix[k], strlen(nginx_prefix[k])) == 0)
			return 0;
	return -1;
}

static int bad_spec(wc_error *err, const char *spec, const char *at, const char *why)
{
	return wc_error_set(err, WC_EXIT_USAGE, "--log-format: %s '%.*s' at character %zu of '%s'",
			    why, (int)strcspn(at, " \"[]"), at, (size_t)(at - spec) + 1, spec);
}

/* Every field must end where a literal begins, except %U before %q. */
static int check_fields(const struct wc_logfmt *f, const char *spec, wc_error *err)
{
	bool client = false, time = false, request = false;
	for (int i = 0; i < f->n; i++) {
		enum wc_lf_role r = f->tok[i].role;
		client |= r == WC_LF_CLIENT;
		time |= r == WC_LF_TIME_APACHE || r == WC_LF_TIME_LOCAL || r == WC_LF_TIME_ISO ||
			r == WC_LF_TIME_MSEC;
		request |= r == WC_LF_REQUEST || r == WC_LF_PATH || r == WC_LF_REQUEST_URI;
		if (r != WC_LF_LITERAL && i + 1 < f->n && f->tok[i + 1].role != WC_LF_LITERAL &&
		    !(r == WC_LF_PATH && (f->tok[i + 1].role == WC_LF_QUERY)))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "--log-format: two fields with nothing between them "
					    "cannot be told apart in '%s'",
					    spec);
	}
	if (!client || !time || !request)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--log-format: '%s' needs the client (%%h or $remote_addr), "
				    "the time (%%t or $time_local) and the request (%%r or "
				    "$request)",
				    spec);
	return 0;
}

int wc_logfmt_compile(const char *spec, struct wc_logfmt **out, wc_error *err)
{
	struct wc_logfmt *f = xcalloc(1, sizeof *f);
	/* Apache's directives start with '%', nginx's variables with '$'. */
	const bool nginx = strchr(spec, '%') == NULL;
	const char mark = nginx ? '$' : '%';
	const char *s = spec, *lit = spec;
	int rc = 0;
	while (rc == 0 && *s != '\0') {
		if (*s != mark) {
			s++;
			continue;
		}
		rc = add_literal(f, lit, (size_t)(s - lit));
		if (!nginx && s[1] == '%') {
			rc = rc ? rc : add_literal(f, "%", 1);
			s += 2;
			lit = s;
			continue;
		}
		size_t len = 0;
		enum wc_lf_role role = WC_LF_SKIP;
		if (rc != 0)
			break;
		if ((nginx ? nginx_variable(s + 1, &len, &role)
			   : apache_directive(s + 1, &len, &role)) != 0)
			rc = bad_spec(err, spec, s,
				      nginx ? "unknown variable" : "unknown directive");
		else if (add_token(f, role, NULL, 0) != 0)
			rc = wc_error_set(err, WC_EXIT_USAGE, "--log-format: more than %d fields",
					  WC_LF_MAX_TOKENS / 2);
		s += 1 + len;
		lit = s;
	}
	if (rc == 0)
		rc = add_literal(f, lit, (size_t)(s - lit));
	if (rc != 0 && err->code == 0) /* add_literal found no room */
		wc_error_set(err, WC_EXIT_USAGE, "--log-format: more than %d fields",
			     WC_LF_MAX_TOKENS / 2);
	if (rc == 0)
		rc = check_fields(f, spec, err);
	if (rc != 0) {
		wc_logfmt_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

void wc_logfmt_free(struct wc_logfmt *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->n; i++)
		free((char *)f->tok[i].lit);
	free(f);
}

/* Where a field that starts at p ends: at the next literal lit (not one
 * escaped with a backslash), or at end when there is none. */
static const char *field_end(const char *p, const char *end, const struct wc_lf_token *next)
{
	if (next == NULL)
		return end;
	const char *q = p;
	for (;;) {
		q = memmem(q, (size_t)(end - q), next->lit, next->len);
		if (q == NULL || q == p || q[-1] != '\\')
			return q;
		q++;
	}
}

/* Fixed-shape times: how many bytes one takes. */
static size_t time_width(enum wc_lf_role r, const char *p, const char *end)
{
	switch (r) {
	case WC_LF_TIME_APACHE:
		return 28; /* [19/Jul/2001:12:34:56 -0700] */
	case WC_LF_TIME_LOCAL:
		return 26; /* 19/Jul/2001:12:34:56 -0700 */
	case WC_LF_TIME_ISO:
		return 25; /* 2001-07-19T12:34:56+00:00 */
	default: {	   /* msec: 995544896.123 */
		const char *q = p;
		while (q < end && ((*q >= '0' && *q <= '9') || *q == '.'))
			q++;
		return (size_t)(q - p);
	}
	}
}

int wc_logfmt_split(const struct wc_logfmt *f, const char *p, size_t n,
		    struct wc_lf_span span[WC_LF_ROLES], const char **why)
{
	const char *end = p + n;
	memset(span, 0, sizeof(struct wc_lf_span) * WC_LF_ROLES);
	for (int i = 0; i < f->n; i++) {
		const struct wc_lf_token *t = &f->tok[i];
		if (t->role == WC_LF_LITERAL) {
			if ((size_t)(end - p) < t->len || memcmp(p, t->lit, t->len) != 0) {
				*why = "the line does not match --log-format";
				return -1;
			}
			p += t->len;
			continue;
		}
		const struct wc_lf_token *next = i + 1 < f->n ? &f->tok[i + 1] : NULL;
		const char *e;
		if (t->role >= WC_LF_TIME_APACHE && t->role <= WC_LF_TIME_MSEC) {
			size_t w = time_width(t->role, p, end);
			e = (size_t)(end - p) >= w ? p + w : NULL;
		} else if (t->role == WC_LF_PATH && next && next->role == WC_LF_QUERY) {
			const struct wc_lf_token *after = i + 2 < f->n ? &f->tok[i + 2] : NULL;
			const char *qe = field_end(p, end, after);
			e = qe ? memchr(p, '?', (size_t)(qe - p)) : NULL;
			if (qe && e == NULL)
				e = qe;
		} else {
			e = field_end(p, end, next);
		}
		if (e == NULL) {
			*why = "the line does not match --log-format";
			return -1;
		}
		span[t->role].p = p;
		span[t->role].n = (size_t)(e - p);
		span[t->role].set = true;
		p = e;
	}
	return 0;
}
