#include "model/dataset.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"

#define MAX_FIELDS 64

int wc_series_format_parse(const char *s, wc_series_format *f)
{
	static const char *const names[] = {"auto", "csv", "caida", "dshield"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (wc_series_format)i;
			return 0;
		}
	return -1;
}

const char *wc_series_format_name(wc_series_format f)
{
	switch (f) {
	case WC_SERIES_CSV:
		return "csv";
	case WC_SERIES_CAIDA:
		return "caida";
	case WC_SERIES_DSHIELD:
		return "dshield";
	default:
		return "auto";
	}
}

/* The whole input in memory: it is sniffed before it is read, and standard
 * input cannot be rewound. */
static int slurp(FILE *fp, const char *path, char **buf, size_t *len, wc_error *err)
{
	size_t cap = 4096, n = 0, got;
	char *b = xmalloc(cap);
	errno = 0;
	while ((got = fread(b + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap)
			b = xrealloc(b, cap *= 2);
	}
	if (ferror(fp)) {
		int e = errno;
		free(b);
		if (e == EISDIR)
			return wc_error_set(err, WC_EXIT_USAGE, "%s: is a directory, not a series",
					    path);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: read error: %s", path,
				    strerror(e ? e : EIO));
	}
	*buf = b;
	*len = n;
	return 0;
}

/* Lines of the buffer: the next one that is neither blank nor a '#'
 * comment, copied into *line without its line end. */
struct lines {
	const char *p, *end;
	int lineno;
	char *line;
	size_t cap;
};

static bool next_line(struct lines *it)
{
	while (it->p < it->end) {
		const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
		size_t n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
		if (n + 1 > it->cap)
			it->line = xrealloc(it->line, it->cap = n + 1);
		memcpy(it->line, it->p, n);
		it->line[n] = '\0';
		it->p = nl ? nl + 1 : it->end;
		it->lineno++;
		it->line[strcspn(it->line, "\r\n")] = '\0';
		const char *q = it->line;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '\0' && *q != '#')
			return true;
	}
	return false;
}

/* Splits line in place at sep; blanks and double quotes around a field are
 * dropped. Returns the number of fields (f holds the first max). */
static int split(char *line, char sep, char **f, int max)
{
	int n = 0;
	for (char *p = line;; n++) {
		char *e = strchr(p, sep);
		if (e)
			*e = '\0';
		while (isspace((unsigned char)*p))
			p++;
		size_t len = strlen(p);
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			p[--len] = '\0';
		if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
			p[len - 1] = '\0';
			p++;
		}
		if (n < max)
			f[n] = p;
		if (e == NULL)
			return n + 1;
		p = e + 1;
	}
}

static int find(char **f, int n, const char *name)
{
	for (int i = 0; i < n && i < MAX_FIELDS; i++)
		if (strcasecmp(f[i], name) == 0)
			return i;
	return -1;
}

static bool is_number(const char *s)
{
	double v;
	return wc_num_double(s, -INFINITY, INFINITY, &v) == WC_NUM_OK;
}

static const char *const dshield_counts[] = {"sources", "records", "reports", "targets"};

/* The format of a file whose first content line is line. */
static wc_series_format sniff(const char *line)
{
	char *copy = xstrdup(line), *f[MAX_FIELDS];
	wc_series_format fmt = WC_SERIES_CSV;
	bool tab = strchr(copy, '\t') != NULL;
	int n = split(copy, tab ? '\t' : ',', f, MAX_FIELDS);
	if (tab && n >= 2 &&
	    (strcasecmp(f[0], "start_time") == 0 || (is_number(f[0]) && is_number(f[1]))))
		fmt = WC_SERIES_CAIDA;
	else if (n >= 2 && strcasecmp(f[0], "date") == 0)
		for (int i = 0; i < 4; i++)
			if (find(f, n, dshield_counts[i]) >= 0)
				fmt = WC_SERIES_DSHIELD;
	free(copy);
	return fmt;
}

/* Options a data set cannot honour are refused rather than ignored. */
static int check_options(const char *path, const char *what, const wc_series_options *opt,
			 wc_error *err)
{
	if (opt->kind != NULL)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: --kind %s given, but %s has no 'kind' column", path,
				    opt->kind, what);
	return 0;
}

/* One address of CAIDA's table: its start time and input line. */
struct start {
	double t;
	int line;
};

static int cmp_start(const void *a, const void *b)
{
	const struct start *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t ? 1 : x->line - y->line;
}

struct caida {
	struct start *v;
	size_t n, cap;
	int nfields, scol;
};

/* One line of the table: a header (the first line, if it names fields) or
 * an address's row. */
static int caida_line(struct caida *c, struct lines *it, const char *path, wc_error *err)
{
	char *f[MAX_FIELDS];
	int nf = split(it->line, '\t', f, MAX_FIELDS);
	if (c->nfields == 0 && !is_number(f[0])) {
		c->nfields = nf;
		c->scol = find(f, nf, "start_time");
		if (c->scol < 0)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s:%d: header: no 'start_time' field (CAIDA's "
					    "Code-Red table: start_time, end_time, ...)",
					    path, it->lineno);
		return 0;
	}
	if (c->nfields == 0)
		c->nfields = 8;
	if (nf != c->nfields)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: expected %d tab-separated fields (CAIDA's Code-Red "
				    "table), got %d",
				    path, it->lineno, c->nfields, nf);
	double t;
	wc_num_status st = wc_num_double(f[c->scol], WC_SERIES_EPOCH_MIN, WC_SERIES_EPOCH_MAX, &t);
	if (st != WC_NUM_OK)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: field %d 'start_time': expected Unix seconds "
				    "(%.0e to %.0e), got '%.40s' (%s)",
				    path, it->lineno, c->scol + 1, WC_SERIES_EPOCH_MIN,
				    WC_SERIES_EPOCH_MAX, f[c->scol], wc_num_status_text(st));
	WC_VEC_PUSH(c->v, c->n, c->cap, ((struct start){t, it->lineno}));
	return 0;
}

/* The sorted start times as counts per interval of bin seconds: addresses
 * first seen by the end of each (cumulative) or in it (per interval). */
static int caida_series(wc_series *s, const struct caida *c, const char *path, int bin,
			wc_counts counts, wc_error *err)
{
	double origin = floor(c->v[0].t / bin) * bin;
	double k = floor((c->v[c->n - 1].t - origin) / bin) + 1;
	if (k > WC_DATASET_MAX_ROWS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: the start times span %.0f intervals of %d s, more than "
				    "%d; give a longer --bin",
				    path, k, bin, WC_DATASET_MAX_ROWS);
	size_t nk = (size_t)k, j = 0;
	wc_time *t = xmallocarray(nk, sizeof *t);
	double *y = xmallocarray(nk, sizeof *y);
	int *lines = xmallocarray(nk, sizeof *lines);
	for (size_t i = 0; i < nk; i++) {
		t[i] = (wc_time)origin + (wc_time)(i + 1) * bin;
		size_t before = j;
		while (j < c->n && c->v[j].t < (double)t[i])
			j++;
		y[i] = (double)(counts == WC_COUNTS_INTERVAL ? j - before : j);
		lines[i] = j > 0 ? c->v[j - 1].line : c->v[0].line;
	}
	int rc = wc_series_from_instants(s, path, "start_time", "start_time",
					 "Unix epoch seconds (CAIDA start_time), counted per "
					 "interval",
					 t, y, lines, nk, counts, err);
	free(t);
	free(y);
	free(lines);
	if (rc == 0)
		snprintf(s->counts_note, sizeof s->counts_note,
			 "%s: addresses first seen %s each %d s interval (CAIDA's table)",
			 counts == WC_COUNTS_INTERVAL ? "per-interval counts" : "cumulative counts",
			 counts == WC_COUNTS_INTERVAL ? "in" : "by the end of", bin);
	return rc;
}

static int read_caida(wc_series *s, struct lines *it, const char *path,
		      const wc_series_options *opt, int bin, wc_dataset_info *info, wc_error *err)
{
	if (check_options(path, "CAIDA's Code-Red table", opt, err) != 0)
		return -1;
	if (opt->column != NULL && strcasecmp(opt->column, "start_time") != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: --column %s: CAIDA's Code-Red table gives one count, "
				    "addresses by start_time",
				    path, opt->column);
	struct caida c = {0};
	int rc = 0;
	while (rc == 0 && next_line(it))
		rc = caida_line(&c, it, path, err);
	if (rc == 0 && c.n == 0)
		rc = wc_error_set(err, WC_EXIT_USAGE,
				  "%s: no rows: expected one line per infected address "
				  "(CAIDA's Code-Red table)",
				  path);
	if (rc == 0) {
		qsort(c.v, c.n, sizeof *c.v, cmp_start);
		wc_counts counts = opt->counts == WC_COUNTS_INTERVAL ? WC_COUNTS_INTERVAL
								     : WC_COUNTS_CUMULATIVE;
		rc = caida_series(s, &c, path, bin, counts, err);
		info->rows = c.n;
		info->first = (wc_time)floor(c.v[0].t);
		info->last = (wc_time)floor(c.v[c.n - 1].t);
		info->bin = bin;
		snprintf(info->column, sizeof info->column, "start_time");
	}
	free(c.v);
	return rc;
}

struct dshield {
	wc_time *t;
	double *y;
	int *lines;
	size_t n, tcap, ycap, lcap;
	int nfields, dcol, ccol;
	char sep;
	char column[64];
};

/* The header: the date column and the count column. */
static int dshield_header(struct dshield *d, struct lines *it, const char *path,
			  const wc_series_options *opt, wc_error *err)
{
	char *f[MAX_FIELDS];
	d->sep = strchr(it->line, '\t') ? '\t' : ',';
	d->nfields = split(it->line, d->sep, f, MAX_FIELDS);
	if (d->nfields > MAX_FIELDS)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%d: more than %d columns", path,
				    it->lineno, MAX_FIELDS);
	d->dcol = find(f, d->nfields, "date");
	d->ccol = opt->column ? find(f, d->nfields, opt->column) : -1;
	for (int i = 0; i < 4 && opt->column == NULL && d->ccol < 0; i++)
		d->ccol = find(f, d->nfields, dshield_counts[i]);
	if (d->dcol < 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: header: no 'date' column (DShield's daily summary)",
				    path, it->lineno);
	if (d->ccol < 0 || d->ccol == d->dcol)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: column '%s': no such count column in the header "
				    "(DShield's daily summary: sources, records, reports, targets)",
				    path, it->lineno, opt->column ? opt->column : "sources");
	snprintf(d->column, sizeof d->column, "%s", f[d->ccol]);
	return 0;
}

/* One day's row; an empty count is a missing day. */
static int dshield_row(struct dshield *d, struct lines *it, const char *path, wc_error *err)
{
	char *f[MAX_FIELDS];
	int nf = split(it->line, d->sep, f, MAX_FIELDS);
	if (nf != d->nfields)
		return wc_error_set(err, WC_EXIT_USAGE, "%s:%d: expected %d fields, got %d", path,
				    it->lineno, d->nfields, nf);
	wc_time day;
	if (wc_time_parse(f[d->dcol], &day) != 0 || day % 86400 != 0 || strlen(f[d->dcol]) != 10)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s:%d: field %d 'date': expected a date YYYY-MM-DD, got '%.40s'", path,
			it->lineno, d->dcol + 1, f[d->dcol]);
	const char *v = f[d->ccol];
	if (*v == '\0')
		return 0;
	double y;
	if (wc_num_double(v, 0, 1e15, &y) != WC_NUM_OK)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: field %d '%s': expected a non-negative count, got "
				    "'%.40s'",
				    path, it->lineno, d->ccol + 1, d->column, v);
	WC_VEC_PUSH(d->t, d->n, d->tcap, day + 86400);
	WC_VEC_RESERVE(d->y, d->ycap, d->n);
	WC_VEC_RESERVE(d->lines, d->lcap, d->n);
	d->y[d->n - 1] = y;
	d->lines[d->n - 1] = it->lineno;
	return 0;
}

static int read_dshield(wc_series *s, struct lines *it, const char *path,
			const wc_series_options *opt, wc_dataset_info *info, wc_error *err)
{
	if (check_options(path, "DShield's daily summary", opt, err) != 0)
		return -1;
	struct dshield d = {0};
	int rc = next_line(it) ? dshield_header(&d, it, path, opt, err)
			       : wc_error_set(err, WC_EXIT_USAGE, "%s: empty", path);
	while (rc == 0 && next_line(it))
		rc = dshield_row(&d, it, path, err);
	if (rc == 0) {
		wc_counts counts = opt->counts == WC_COUNTS_AUTO ? WC_COUNTS_INTERVAL : opt->counts;
		rc = wc_series_from_instants(s, path, "date", d.column,
					     "dates (YYYY-MM-DD), each row its UTC day", d.t, d.y,
					     d.lines, d.n, counts, err);
		if (rc == 0 && opt->counts == WC_COUNTS_AUTO)
			snprintf(s->counts_note, sizeof s->counts_note,
				 "per-interval counts: DShield's %s per UTC day", d.column);
		info->rows = d.n;
		info->first = d.n ? d.t[0] - 86400 : 0;
		info->last = d.n ? d.t[d.n - 1] - 86400 : 0;
		snprintf(info->column, sizeof info->column, "%s", d.column);
	}
	free(d.t);
	free(d.y);
	free(d.lines);
	return rc;
}

/* The CSV series of series.h, from the buffer. */
static int read_csv(wc_series *s, const char *buf, size_t len, const char *path,
		    const wc_series_options *opt, wc_dataset_info *info, wc_error *err)
{
	if (len == 0)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: empty: expected a CSV header and rows",
				    path);
	FILE *mem = fmemopen((void *)buf, len, "r");
	if (mem == NULL)
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: %s", path, strerror(errno));
	int rc = wc_series_read_stream(s, mem, path, opt, err);
	fclose(mem);
	if (rc == 0) {
		info->rows = s->n;
		info->first = s->iso ? wc_series_instant(s, s->t[0]) : 0;
		info->last = s->iso ? wc_series_instant(s, s->t[s->n - 1]) : 0;
		snprintf(info->column, sizeof info->column, "%s", s->column);
	}
	return rc;
}

int wc_dataset_read(wc_series *s, FILE *fp, const char *path, wc_series_format fmt,
		    const wc_series_options *opt, int bin, wc_dataset_info *info, wc_error *err)
{
	wc_dataset_info scratch;
	if (info == NULL)
		info = &scratch;
	memset(info, 0, sizeof *info);
	memset(s, 0, sizeof *s);
	char *buf = NULL;
	size_t len = 0;
	if (slurp(fp, path, &buf, &len, err) != 0)
		return -1;
	struct lines it = {buf, buf + len, 0, NULL, 0};
	if (fmt == WC_SERIES_AUTO) {
		struct lines peek = it;
		peek.line = NULL;
		peek.cap = 0;
		fmt = next_line(&peek) ? sniff(peek.line) : WC_SERIES_CSV;
		free(peek.line);
	}
	info->format = fmt;
	int rc;
	if (fmt == WC_SERIES_CAIDA)
		rc = bin > 0 ? read_caida(s, &it, path, opt, bin, info, err)
			     : wc_error_set(err, WC_EXIT_USAGE, "--bin: expected seconds > 0");
	else if (fmt == WC_SERIES_DSHIELD)
		rc = read_dshield(s, &it, path, opt, info, err);
	else
		rc = read_csv(s, buf, len, path, opt, info, err);
	free(it.line);
	free(buf);
	return rc;
}
