/*
 * zstdread.c — logs compressed with zstd (logrotate's `compresscmd zstd`,
 * journald exports, Zeek's and Suricata's own rotation scripts), read as a
 * stream from a descriptor: memory is libzstd's window and two buffers,
 * never the file. zlib reads .gz and plain files (logread.c); this file
 * only the zstd frames that zlib cannot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "core/xalloc.h"
#include "detect/internal.h"

struct wc_zstd_reader {
	int fd;
	ZSTD_DStream *ds;
	ZSTD_inBuffer in;
	char *buf; /* compressed bytes read from fd, in.src */
	size_t cap;
	size_t pending; /* ZSTD_decompressStream's last hint: 0 at a frame's end */
	bool eof;	/* fd has nothing more */
};

bool wc_zstd_magic(const unsigned char *b, size_t n)
{
	return n >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD;
}

struct wc_zstd_reader *wc_zstd_open(int fd)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	if (ds == NULL)
		return NULL;
	struct wc_zstd_reader *z = xcalloc(1, sizeof *z);
	z->fd = fd;
	z->ds = ds;
	z->cap = ZSTD_DStreamInSize();
	z->buf = xmalloc(z->cap);
	z->in.src = z->buf;
	ZSTD_initDStream(ds);
	return z;
}

/* Refills the compressed buffer once it is used up; -1 on a read error. */
static int refill(struct wc_zstd_reader *z)
{
	if (z->in.pos < z->in.size || z->eof)
		return 0;
	ssize_t got;
	do
		got = read(z->fd, z->buf, z->cap);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	z->in.size = (size_t)got;
	z->in.pos = 0;
	z->eof = got == 0;
	return 0;
}

long wc_zstd_read(struct wc_zstd_reader *z, char *out, size_t n, const char **why)
{
	ZSTD_outBuffer o = {out, n, 0};
	*why = NULL;
	while (o.pos == 0) {
		if (refill(z) != 0) {
			*why = strerror(errno);
			return -1;
		}
		if (z->eof && z->in.pos == z->in.size) {
			/* The input ended inside a frame: what came out is kept. */
			if (z->pending != 0)
				*why = "the input ends inside a zstd frame";
			return 0;
		}
		size_t r = ZSTD_decompressStream(z->ds, &o, &z->in);
		if (ZSTD_isError(r)) {
			*why = ZSTD_getErrorName(r);
			return 0;
		}
		z->pending = r;
	}
	return (long)o.pos;
}

void wc_zstd_close(struct wc_zstd_reader *z)
{
	if (z == NULL)
		return;
	ZSTD_freeDStream(z->ds);
	close(z->fd);
	free(z->buf);
	free(z);
}
