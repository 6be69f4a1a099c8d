#include "core/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/xalloc.h"

enum { SLOT_LOCK, SLOT_STAGE, SLOT_PLOT };

/* Names any command may leave in its folder besides its own: plots drawn
 * there, and the temporary files of an older version that was killed. */
static const char *const outdir_common[] = {"*.png", "*.svg", "*.pdf", "*.tmp.??????", NULL};

static char *outdir_concat(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = xmalloc(na + nb + 1);
	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* 0777 less the umask: what mkdir(2) would give. The umask can only be read
 * by setting it; outputs are written from one thread. */
static mode_t outdir_dir_mode(void)
{
	mode_t mask = umask(022);
	umask(mask);
	return 0777 & ~mask;
}

/* Creates the missing parents of o->path, remembering them for abort. */
static int outdir_make_parents(wc_outdir *o, wc_error *err)
{
	char *buf = xstrdup(o->path);
	int rc = 0;
	for (char *p = buf + 1; *p && rc == 0; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) == 0) {
			if (o->nmade < WC_OUTDIR_MAX_PARENTS)
				o->made[o->nmade++] = xstrdup(buf);
		} else if (errno != EEXIST) {
			rc = wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", buf,
					  strerror(errno));
		}
		*p = '/';
	}
	free(buf);
	return rc;
}

/* Takes the lock on DIR.lock without waiting. The file is removed when the
 * lock is released, so after taking it the file must still be the one this
 * process opened: if a finishing writer unlinked it meanwhile, try again. */
static int outdir_lock(wc_outdir *o, wc_error *err)
{
	o->lock_path = outdir_concat(o->path, ".lock");
	for (int tries = 0; tries < 100; tries++) {
		int fd = open(o->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s",
					    o->lock_path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;
			char pid[24] = "";
			ssize_t n = read(fd, pid, sizeof pid - 1);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			if (e != EWOULDBLOCK)
				return wc_error_set(err, WC_EXIT_RUNTIME, "cannot lock '%s': %s",
						    o->lock_path, strerror(e));
			return wc_error_set(err, WC_EXIT_RUNTIME,
					    "'%s' is being written by another wormcast%s%s "
					    "(lock '%s'); wait for it or choose another --out",
					    o->path, *pid ? ", process " : "", pid, o->lock_path);
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(o->lock_path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			char pid[24];
			int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n)
				(void)0; /* the pid is only for the message of a second writer */
			o->lock_fd = fd;
			o->cleanup_id[SLOT_LOCK] =
				wc_cleanup_register(o->lock_path, WC_CLEANUP_FILE);
			return 0;
		}
		close(fd);
	}
	return wc_error_set(err, WC_EXIT_RUNTIME, "cannot lock '%s': it keeps being replaced",
			    o->lock_path);
}

static bool outdir_name_owned(const char *name, const char *const *owned)
{
	for (int i = 0; owned != NULL && owned[i] != NULL; i++)
		if (fnmatch(owned[i], name, FNM_PERIOD) == 0)
			return true;
	for (int i = 0; outdir_common[i] != NULL; i++)
		if (fnmatch(outdir_common[i], name, FNM_PERIOD) == 0)
			return true;
	return false;
}

/* An existing DIR may be replaced only if it holds nothing but files the
 * command writes: a user's own folder given as --out is never emptied. */
static int outdir_check_existing(wc_outdir *o, const char *const *owned, wc_error *err)
{
	struct stat st;
	if (lstat(o->path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return wc_error_set(err, WC_EXIT_RUNTIME, "cannot read '%s': %s", o->path,
				    strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--out '%s': exists and is not a folder (%s); choose another "
				    "--out",
				    o->path, S_ISLNK(st.st_mode) ? "a symbolic link" : "a file");
	o->existed = true;
	DIR *d = opendir(o->path);
	if (d == NULL)
		return wc_error_set(err, WC_EXIT_RUNTIME, "cannot read '%s': %s", o->path,
				    strerror(errno));
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		bool is_file = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			       S_ISREG(st.st_mode);
		if (!is_file || !outdir_name_owned(e->d_name, owned))
			rc = wc_error_set(err, WC_EXIT_USAGE,
					  "--out '%s': holds '%s', which wormcast does not write; "
					  "an output folder is replaced as a whole, so choose "
					  "another --out or move it away",
					  o->path, e->d_name);
	}
	closedir(d);
	return rc;
}

/* Staging folders of DIR that a killed writer (SIGKILL, a power cut) left
 * behind. Only the holder of DIR's lock makes them, and this process holds
 * it now, so every one found is stale. */
static void outdir_remove_stale(const wc_outdir *o)
{
	const char *slash = strrchr(o->path, '/');
	const char *base = slash ? slash + 1 : o->path;
	char *parent = slash ? strndup(o->path, (size_t)(slash - o->path + 1)) : xstrdup(".");
	if (parent == NULL)
		xalloc_die(strlen(o->path));
	size_t n = strlen(base);
	DIR *d = opendir(parent);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		struct stat st;
		if (strncmp(e->d_name, base, n) != 0 || strncmp(e->d_name + n, ".tmp.", 5) != 0 ||
		    strlen(e->d_name + n) != 11 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		char *stale = xmalloc(strlen(parent) + strlen(e->d_name) + 2);
		sprintf(stale, "%s/%s", parent, e->d_name);
		wc_cleanup_remove_dir(stale);
		free(stale);
	}
	if (d != NULL)
		closedir(d);
	free(parent);
}

static const char *outdir_skip_dot(const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

/* Whether the directory part of plot names DIR (then the plot is staged with
 * the other files and lands with them). */
static bool outdir_plot_in_dir(const wc_outdir *o, const char *plot)
{
	const char *slash = strrchr(plot, '/');
	char *pdir = slash ? strndup(plot, (size_t)(slash - plot)) : xstrdup(".");
	if (pdir == NULL)
		xalloc_die((size_t)(slash - plot) + 1);
	struct stat a, b;
	bool same;
	if (stat(pdir, &a) == 0 && stat(o->path, &b) == 0)
		same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	else /* DIR is still to be made: compare the names, "./" aside */
		same = strcmp(outdir_skip_dot(pdir), outdir_skip_dot(o->path)) == 0;
	free(pdir);
	return same;
}

/* The plot is drawn beside its destination, as "PLOT.tmp.XXXXXX.EXT" (the
 * extension picks PLplot's driver), or into the staging directory. */
static int outdir_stage_plot(wc_outdir *o, const char *plot, wc_error *err)
{
	o->plot = xstrdup(plot);
	const char *base = strrchr(plot, '/') ? strrchr(plot, '/') + 1 : plot;
	if ((o->plot_in_dir = outdir_plot_in_dir(o, plot))) {
		char *s = outdir_concat(o->stage, "/");
		o->plot_stage = outdir_concat(s, base);
		free(s);
		return 0;
	}
	const char *ext = strrchr(base, '.') ? strrchr(base, '.') : "";
	char *s = outdir_concat(plot, ".tmp.XXXXXX");
	o->plot_stage = outdir_concat(s, ext);
	free(s);
	int fd = mkstemps(o->plot_stage, (int)strlen(ext));
	if (fd < 0) {
		free(o->plot_stage);
		o->plot_stage = NULL;
		return wc_error_set(err, WC_EXIT_RUNTIME, "--plot: cannot create '%s': %s", plot,
				    strerror(errno));
	}
	close(fd);
	o->cleanup_id[SLOT_PLOT] = wc_cleanup_register(o->plot_stage, WC_CLEANUP_FILE);
	return 0;
}

static int outdir_check_name(const char *dir, wc_error *err)
{
	const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	if (strlen(dir) > WC_OUTDIR_DIR_MAX)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--out: expected a path of at most %d bytes",
				    WC_OUTDIR_DIR_MAX);
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "--out '%s': expected a folder name to create or replace, "
				    "not '.', '..' or '/'",
				    dir);
	return 0;
}

/* The empty state: nothing held, nothing registered. */
static void outdir_clear(wc_outdir *o)
{
	memset(o, 0, sizeof *o);
	o->lock_fd = -1;
	for (int i = 0; i < 3; i++)
		o->cleanup_id[i] = -1;
}

int wc_outdir_begin(wc_outdir *o, const char *dir, const char *const *owned, const char *plot,
		    wc_error *err)
{
	outdir_clear(o);
	o->path = xstrdup(dir);
	for (size_t n = strlen(o->path); n > 1 && o->path[n - 1] == '/'; n--)
		o->path[n - 1] = '\0';
	if (outdir_check_name(o->path, err) != 0 || outdir_make_parents(o, err) != 0 ||
	    outdir_lock(o, err) != 0 || outdir_check_existing(o, owned, err) != 0)
		goto fail;
	outdir_remove_stale(o);
	o->stage = outdir_concat(o->path, ".tmp.XXXXXX");
	if (mkdtemp(o->stage) == NULL) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", o->stage,
			     strerror(errno));
		free(o->stage);
		o->stage = NULL;
		goto fail;
	}
	o->cleanup_id[SLOT_STAGE] = wc_cleanup_register(o->stage, WC_CLEANUP_DIR);
	if (chmod(o->stage, outdir_dir_mode()) != 0) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", o->path,
			     strerror(errno));
		goto fail;
	}
	if (plot != NULL && outdir_stage_plot(o, plot, err) != 0)
		goto fail;
	return 0;
fail:
	wc_outdir_abort(o);
	return -1;
}

const char *wc_outdir_file(const wc_outdir *o, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", o->stage, name);
	return n >= 0 && (size_t)n < len ? buf : NULL;
}

const char *wc_outdir_stage(const wc_outdir *o)
{
	return o->stage;
}

const char *wc_outdir_plot_path(const wc_outdir *o)
{
	return o->plot_stage;
}

/* Forgets the registry slots and releases the lock (unlinked first, while
 * held, so that a waiting opener notices the file was replaced). */
static void outdir_release(wc_outdir *o)
{
	for (int i = 0; i < 3; i++) {
		if (i == SLOT_LOCK && o->lock_fd >= 0)
			unlink(o->lock_path);
		wc_cleanup_forget(o->cleanup_id[i]);
		o->cleanup_id[i] = -1;
	}
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	o->lock_fd = -1;
	free(o->path);
	free(o->stage);
	free(o->lock_path);
	free(o->plot);
	free(o->plot_stage);
	for (int i = 0; i < o->nmade; i++)
		free(o->made[i]);
	outdir_clear(o);
}

void wc_outdir_abort(wc_outdir *o)
{
	if (o->path == NULL)
		return;
	if (o->plot_stage != NULL && !o->plot_in_dir)
		unlink(o->plot_stage);
	if (o->stage != NULL)
		wc_cleanup_remove_dir(o->stage);
	if (o->lock_fd >= 0) {
		unlink(o->lock_path);
		close(o->lock_fd);
		o->lock_fd = -1;
	}
	for (int i = o->nmade - 1; i >= 0; i--)
		rmdir(o->made[i]); /* succeeds only where nothing else was put */
	outdir_release(o);
}

int wc_outdir_make_dir(wc_outdir *o, wc_error *err)
{
	if (o->existed)
		return 0;
	if (mkdir(o->path, 0777) != 0 && errno != EEXIST)
		return wc_error_set(err, WC_EXIT_RUNTIME, "cannot create '%s': %s", o->path,
				    strerror(errno));
	o->existed = true;
	return 0;
}

/* Swaps the staging directory and DIR (or moves the staging directory to
 * DIR if there was none). Afterwards the old DIR, if any, is at o->stage.
 * Where the file system cannot exchange atomically, DIR is moved aside first:
 * a reader may then briefly find no DIR, never a mixed one. */
static int outdir_swap(wc_outdir *o)
{
	if (!o->existed)
		return rename(o->stage, o->path);
	if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->path, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	char *aside = outdir_concat(o->stage, ".old");
	int rc = rename(o->path, aside);
	if (rc == 0 && (rc = rename(o->stage, o->path)) != 0)
		rename(aside, o->path);
	if (rc == 0)
		rc = rename(aside, o->stage);
	free(aside);
	return rc;
}

int wc_outdir_commit(wc_outdir *o, wc_error *err)
{
	if (o->path == NULL)
		return 0;
	if (o->plot_stage != NULL) {
		struct stat st;
		if (stat(o->plot_stage, &st) != 0 || st.st_size == 0) {
			wc_error_set(err, WC_EXIT_RUNTIME, "cannot write '%s': nothing was drawn",
				     o->plot);
			wc_outdir_abort(o);
			return -1;
		}
	}
	if (outdir_swap(o) != 0) {
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot move '%s' into place as '%s': %s",
			     o->stage, o->path, strerror(errno));
		wc_outdir_abort(o);
		return -1;
	}
	if (o->plot_stage != NULL && !o->plot_in_dir && rename(o->plot_stage, o->plot) != 0) {
		int e = errno;
		/* Undo the swap, so that DIR and the plot stay as they were together. */
		if (o->existed)
			renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->path, RENAME_EXCHANGE);
		else
			rename(o->path, o->stage);
		wc_error_set(err, WC_EXIT_RUNTIME, "cannot write '%s': %s", o->plot, strerror(e));
		wc_outdir_abort(o);
		return -1;
	}
	if (o->existed)
		wc_cleanup_remove_dir(o->stage); /* the replaced DIR */
	outdir_release(o);
	return 0;
}

/* Replaces every occurrence of from in msg by to, which is no longer. */
static void outdir_rename_in(char *msg, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to);
	if (nf == 0 || nt > nf)
		return;
	for (char *p = strstr(msg, from); p != NULL; p = strstr(p + nt, from)) {
		memmove(p + nt, p + nf, strlen(p + nf) + 1);
		memcpy(p, to, nt);
	}
}

int wc_outdir_fail(wc_outdir *o, wc_error *err)
{
	if (o->path != NULL && err != NULL) {
		if (o->plot_stage != NULL && !o->plot_in_dir)
			outdir_rename_in(err->msg, o->plot_stage, o->plot);
		if (o->stage != NULL)
			outdir_rename_in(err->msg, o->stage, o->path);
	}
	wc_outdir_abort(o);
	return -1;
}
