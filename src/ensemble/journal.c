/*
 * The journal of finished jobs (journal.h).
 */
#include "ensemble/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/provenance.h"
#include "core/xalloc.h"

#define MAGIC "wormcast-journal 1\n"

static size_t record_size(size_t nout)
{
	return 8 + 8 * nout + 8;
}

/* Reads the whole file into a buffer. */
static int slurp(const char *path, char **buf, size_t *len, wc_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return wc_error_set(err, errno == ENOENT ? WC_EXIT_USAGE : WC_EXIT_RUNTIME,
				    "%s: cannot open: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0;
	char *b = xmalloc(cap);
	size_t got;
	while ((got = fread(b + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap)
			b = xrealloc(b, cap *= 2);
	}
	int bad = ferror(fp);
	fclose(fp);
	if (bad) {
		free(b);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: read error", path);
	}
	*buf = b;
	*len = n;
	return 0;
}

/* The two header lines and the identity; the records' offset in *pos. */
static int parse_header(const char *path, const char *b, size_t len, wc_journal_data *d,
			size_t *pos, wc_error *err)
{
	size_t ml = strlen(MAGIC);
	if (len < ml || memcmp(b, MAGIC, ml) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: not a wormcast journal (first line is not '%.*s')", path,
				    (int)ml - 1, MAGIC);
	const char *nl = memchr(b + ml, '\n', len - ml);
	char line[128];
	size_t ll = nl ? (size_t)(nl - (b + ml)) : 0;
	uint64_t njobs, nout, idlen;
	int used = 0;
	if (nl == NULL || ll >= sizeof line)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: line 2: header cut short", path);
	memcpy(line, b + ml, ll);
	line[ll] = '\0';
	if (sscanf(line, "jobs %" SCNu64 " nout %" SCNu64 " identity %" SCNu64 "%n", &njobs, &nout,
		   &idlen, &used) != 3 ||
	    line[used] != '\0' || nout > 4096 || njobs > UINT64_C(100000000))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: line 2: expected 'jobs N nout K identity L', got '%s'",
				    path, line);
	size_t at = ml + ll + 1;
	if (idlen > len - at)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: identity cut short (file of %zu bytes)", path, len);
	d->njobs = njobs;
	d->nout = (size_t)nout;
	d->identity = xmalloc((size_t)idlen + 1);
	memcpy(d->identity, b + at, (size_t)idlen);
	d->identity[idlen] = '\0';
	*pos = at + (size_t)idlen;
	return 0;
}

/* One record at r (offset off): 0 stored, 1 torn (only allowed last), -1 error. */
static int take_record(const char *path, const char *r, size_t off, bool last, wc_journal_data *d,
		       wc_error *err)
{
	size_t body = 8 + 8 * d->nout;
	uint64_t sum, job;
	memcpy(&sum, r + body, 8);
	if (sum != wc_fnv1a64(r, body)) {
		if (last)
			return 1;
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: byte %zu: corrupt record (checksum) before the last one",
				    path, off);
	}
	memcpy(&job, r, 8);
	if (job >= d->njobs)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: byte %zu: job %" PRIu64 " out of range (%" PRIu64 " jobs)",
				    path, off, job, d->njobs);
	double *dst = d->out + job * d->nout;
	if (d->done[job] && memcmp(dst, r + 8, 8 * d->nout) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: byte %zu: job %" PRIu64
				    " recorded twice with different outcomes",
				    path, off, job);
	memcpy(dst, r + 8, 8 * d->nout);
	d->ndone += !d->done[job];
	d->done[job] = 1;
	return 0;
}

int wc_journal_read(const char *path, wc_journal_data *d, wc_error *err)
{
	memset(d, 0, sizeof *d);
	char *b = NULL;
	size_t len = 0, pos = 0;
	if (slurp(path, &b, &len, err) != 0)
		return -1;
	if (parse_header(path, b, len, d, &pos, err) != 0) {
		free(b);
		wc_journal_data_free(d);
		return -1;
	}
	d->done = xcalloc_huge(d->njobs ? d->njobs : 1, 1);
	d->out = xmallocarray(d->njobs * d->nout + 1, sizeof *d->out);
	for (size_t i = 0; i < d->njobs * d->nout; i++)
		d->out[i] = NAN;
	size_t rs = record_size(d->nout);
	while (pos + rs <= len) {
		int rc = take_record(path, b + pos, pos, pos + rs > len - rs, d, err);
		if (rc < 0) {
			free(b);
			wc_journal_data_free(d);
			return -1;
		}
		if (rc > 0)
			break;
		pos += rs;
	}
	d->good_end = pos;
	d->torn = pos != len;
	free(b);
	return 0;
}

void wc_journal_data_free(wc_journal_data *d)
{
	free(d->identity);
	free(d->done);
	free(d->out);
	memset(d, 0, sizeof *d);
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int wc_journal_create(wc_journal *j, const char *path, uint64_t njobs, size_t nout,
		      const char *identity, wc_error *err)
{
	j->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (j->fd < 0)
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot create: %s", path,
				    strerror(errno));
	char head[160];
	int hl = snprintf(head, sizeof head, MAGIC "jobs %" PRIu64 " nout %zu identity %zu\n",
			  njobs, nout, strlen(identity));
	if (write_all(j->fd, head, (size_t)hl) != 0 ||
	    write_all(j->fd, identity, strlen(identity)) != 0 || fdatasync(j->fd) != 0) {
		int e = errno;
		close(j->fd);
		j->fd = -1;
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot write: %s", path,
				    strerror(e));
	}
	j->path = xstrdup(path);
	j->nout = nout;
	j->njobs = njobs;
	j->last_sync = wc_clock_seconds();
	return 0;
}

int wc_journal_open_append(wc_journal *j, const char *path, const wc_journal_data *d, wc_error *err)
{
	j->fd = open(path, O_WRONLY | O_CLOEXEC);
	if (j->fd < 0)
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot open: %s", path,
				    strerror(errno));
	if (ftruncate(j->fd, (off_t)d->good_end) != 0 ||
	    lseek(j->fd, (off_t)d->good_end, SEEK_SET) < 0) {
		int e = errno;
		close(j->fd);
		j->fd = -1;
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot cut the torn tail: %s", path,
				    strerror(e));
	}
	j->path = xstrdup(path);
	j->nout = d->nout;
	j->njobs = d->njobs;
	j->last_sync = wc_clock_seconds();
	return 0;
}

int wc_journal_append(void *journal, const uint64_t *jobs, size_t n, const double *outs,
		      wc_error *err)
{
	wc_journal *j = journal;
	size_t rs = record_size(j->nout), body = rs - 8;
	char *buf = xmallocarray(n ? n : 1, rs);
	for (size_t i = 0; i < n; i++) {
		char *r = buf + i * rs;
		memcpy(r, &jobs[i], 8);
		memcpy(r + 8, outs + i * j->nout, 8 * j->nout);
		uint64_t sum = wc_fnv1a64(r, body);
		memcpy(r + body, &sum, 8);
	}
	int rc = write_all(j->fd, buf, n * rs);
	free(buf);
	if (rc != 0)
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot append: %s", j->path,
				    strerror(errno));
	double now = wc_clock_seconds();
	if (now - j->last_sync >= 1.0) {
		if (fdatasync(j->fd) != 0)
			return wc_error_set(err, WC_EXIT_RUNTIME, "%s: fdatasync: %s", j->path,
					    strerror(errno));
		j->last_sync = now;
	}
	return 0;
}

int wc_journal_close(wc_journal *j, wc_error *err)
{
	if (j->fd < 0)
		return 0;
	int rc = fdatasync(j->fd);
	int e = errno;
	if (close(j->fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	j->fd = -1;
	if (rc != 0)
		wc_error_set(err, WC_EXIT_RUNTIME, "%s: cannot finish: %s", j->path, strerror(e));
	free(j->path);
	j->path = NULL;
	return rc;
}
