/*
 * follow_watch.c — the wait of `detect --follow` (follow_watch.h).
 *
 * Two watches make rotation visible at once: the directory's, for the path
 * being renamed away, removed or created again (logrotate's default, or a
 * writer that re-creates its log), and the file's, for appends and for
 * copytruncate (a truncation is an IN_MODIFY). Events are not interpreted:
 * any of them only ends the wait, and the caller's look at the file (fstat,
 * stat of the path) decides what happened, as it does after a timeout. So a
 * busy directory costs a few extra looks, never a wrong reading.
 *
 * A log written to many times a second would wake the loop as often, and each
 * look with something new costs a snapshot of the store (for the alerts): so
 * looks woken by events are at least MIN_GAP apart, the events that come in
 * between taken together. Signals are still taken at once.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/follow_watch.h"
#include "core/clock.h"
#include "core/xalloc.h"

#ifdef __linux__
#include <sys/inotify.h>
#include <sys/signalfd.h>
#define HAVE_INOTIFY 1
#else
#define HAVE_INOTIFY 0
#endif

#define MIN_GAP 0.1 /* seconds between two looks woken by events */

void follow_watch_open(follow_watch *w, const char *path)
{
	memset(w, 0, sizeof *w);
	w->ino_fd = w->sig_fd = w->wd_dir = w->wd_file = -1;
	w->path = xstrdup(path);
	sigemptyset(&w->set);
	sigaddset(&w->set, SIGINT);
	sigaddset(&w->set, SIGTERM);
	sigprocmask(SIG_BLOCK, &w->set, &w->old);
#if HAVE_INOTIFY
	w->sig_fd = signalfd(-1, &w->set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (w->sig_fd < 0)
		return; /* inotify alone could not end a wait on a signal */
	w->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ino_fd < 0)
		return;
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0'; /* "/LOG": the root */
	else if (slash != NULL)
		*slash = '\0';
	w->wd_dir = inotify_add_watch(w->ino_fd, slash ? dir : ".",
				      IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
	free(dir);
	if (w->wd_dir < 0) {
		close(w->ino_fd);
		w->ino_fd = -1;
		return;
	}
	follow_watch_file(w);
#endif
}

void follow_watch_file(follow_watch *w)
{
#if HAVE_INOTIFY
	if (w->ino_fd < 0)
		return;
	int wd = inotify_add_watch(w->ino_fd, w->path,
				   IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVE_SELF |
					   IN_DELETE_SELF);
	/* The file rotated away: its watch would only wake the loop for writes
	 * nobody follows any more. (A removed file's watch is gone already.) */
	if (w->wd_file >= 0 && wd != w->wd_file)
		inotify_rm_watch(w->ino_fd, w->wd_file);
	w->wd_file = wd;
#else
	(void)w;
#endif
}

bool follow_watch_events(const follow_watch *w)
{
	return w->ino_fd >= 0;
}

/* Reads whatever is queued on a non-blocking descriptor. */
static void drain(int fd)
{
	char buf[4096];
	while (read(fd, buf, sizeof buf) > 0)
		;
}

bool follow_watch_wait(follow_watch *w, double seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (w->sig_fd < 0) {
		struct timespec ts = {(time_t)seconds,
				      (long)((seconds - (double)(time_t)seconds) * 1e9)};
		int sig = sigtimedwait(&w->set, NULL, &ts);
		return sig == SIGINT || sig == SIGTERM;
	}
	struct pollfd p[2] = {{w->sig_fd, POLLIN, 0}, {w->ino_fd, POLLIN, 0}};
	int n = poll(p, w->ino_fd >= 0 ? 2 : 1, (int)(seconds * 1000 + 0.5));
	if (n > 0 && !(p[0].revents & POLLIN) && w->ino_fd >= 0 && (p[1].revents & POLLIN)) {
		/* Woken by a change: not sooner than MIN_GAP after the last look,
		 * still woken by a signal while waiting for it. */
		double gap = MIN_GAP - (wc_clock_seconds() - w->last_look);
		if (gap > 0)
			poll(p, 1, (int)(gap * 1000 + 0.5));
		drain(w->ino_fd);
	}
	w->last_look = wc_clock_seconds();
	if (n > 0 && (p[0].revents & POLLIN)) {
		drain(w->sig_fd);
		return true;
	}
	return false; /* a change, a timeout, or EINTR from a signal not ours */
}

void follow_watch_close(follow_watch *w)
{
	if (w->ino_fd >= 0)
		close(w->ino_fd);
	if (w->sig_fd >= 0)
		close(w->sig_fd);
	/* A signal that came after the last wait stays pending while blocked:
	 * taken here, it must not kill the process once unblocked. */
	struct timespec zero = {0, 0};
	while (sigtimedwait(&w->set, NULL, &zero) > 0)
		;
	sigprocmask(SIG_SETMASK, &w->old, NULL);
	free(w->path);
	w->path = NULL;
}
