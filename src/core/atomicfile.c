#include "core/atomicfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/xalloc.h"

static void atomic_reset(wc_atomic_file *f)
{
	wc_cleanup_forget(f->cleanup_id);
	f->cleanup_id = -1;
	free(f->path);
	free(f->tmp_path);
	f->fp = NULL;
	f->path = NULL;
	f->tmp_path = NULL;
}

/*
 * mkstemp() creates files 0600, which would make every report private to its
 * owner; users expect what fopen() gives. The umask can only be read by
 * setting it, so it is swapped and restored at once: reports are written from
 * one thread, after the simulation's workers have finished.
 */
static mode_t atomic_default_mode(void)
{
	mode_t mask = umask(022);
	umask(mask);
	return 0666 & ~mask;
}

int wc_atomic_open(wc_atomic_file *f, const char *path, wc_error *err)
{
	static const char suffix[] = ".tmp.XXXXXX";
	size_t n = strlen(path);

	f->fp = NULL;
	f->cleanup_id = -1;
	f->path = xstrdup(path);
	f->tmp_path = xmalloc(n + sizeof suffix);
	memcpy(f->tmp_path, path, n);
	memcpy(f->tmp_path + n, suffix, sizeof suffix);

	int fd = mkstemp(f->tmp_path);
	if (fd < 0) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", path, strerror(errno));
		atomic_reset(f);
		return -1;
	}
	f->cleanup_id = wc_cleanup_register(f->tmp_path, WC_CLEANUP_FILE);
	if (fchmod(fd, atomic_default_mode()) != 0 || (f->fp = fdopen(fd, "w")) == NULL) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", path, strerror(errno));
		close(fd);
		unlink(f->tmp_path);
		atomic_reset(f);
		return -1;
	}
	return 0;
}

int wc_atomic_commit(wc_atomic_file *f, wc_error *err)
{
	if (f->fp == NULL)
		return 0;

	/* fflush and ferror catch a write that failed earlier (disk full) and was
	 * only buffered; fclose can still fail on the last block. saved holds the
	 * first cause, EIO where libc left none. */
	int saved = 0;
	if (fflush(f->fp) != 0)
		saved = errno ? errno : EIO;
	else if (ferror(f->fp))
		saved = EIO;
	if (fclose(f->fp) != 0 && saved == 0)
		saved = errno ? errno : EIO;
	f->fp = NULL;
	if (saved == 0 && rename(f->tmp_path, f->path) != 0)
		saved = errno ? errno : EIO;
	if (saved != 0) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot write '%s': %s", f->path,
			     strerror(saved));
		unlink(f->tmp_path);
		atomic_reset(f);
		return -1;
	}
	atomic_reset(f);
	return 0;
}

void wc_atomic_abort(wc_atomic_file *f)
{
	if (f->fp == NULL && f->tmp_path == NULL)
		return;
	if (f->fp != NULL)
		fclose(f->fp);
	unlink(f->tmp_path);
	atomic_reset(f);
}

int wc_atomic_fail(wc_atomic_file *f, wc_error *err)
{
	int cause = errno ? errno : EIO;
	wc_error_set(err, WC_EXIT_RUNTIME, "cannot write '%s': %s", f->path ? f->path : "?",
		     strerror(cause));
	wc_atomic_abort(f);
	return -1;
}
