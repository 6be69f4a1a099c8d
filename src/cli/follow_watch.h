/*
 * follow_watch.h — how `detect --follow` waits between two looks at its log:
 * woken by the kernel when the log or its directory changes (inotify, Linux),
 * by SIGINT or SIGTERM (signalfd), or by a timeout. The caller looks at the
 * file after every wake-up whatever woke it, so a missed or unsupported
 * event costs only the timeout: where inotify or signalfd cannot be had,
 * the wait is plain polling (sigtimedwait), as before.
 */
#ifndef WC_CLI_FOLLOW_WATCH_H
#define WC_CLI_FOLLOW_WATCH_H

#include <signal.h>
#include <stdbool.h>

typedef struct {
	int ino_fd;	  /* inotify instance, or -1: polling */
	int sig_fd;	  /* signalfd for SIGINT and SIGTERM, or -1: sigtimedwait */
	int wd_dir;	  /* the directory: the log created, renamed or removed */
	int wd_file;	  /* the log itself: written, truncated, renamed, removed */
	char *path;	  /* the log, as given */
	sigset_t set;	  /* SIGINT and SIGTERM, blocked while following */
	sigset_t old;	  /* the mask to restore */
	double last_look; /* when the last wait ended (wc_clock_seconds) */
} follow_watch;

/* Blocks SIGINT and SIGTERM and sets up the watches for path; never fails
 * (what cannot be had falls back to polling). */
void follow_watch_open(follow_watch *w, const char *path);
/* Watches the file the path names now (after it was opened or reopened). */
void follow_watch_file(follow_watch *w);
/* True when events wake the loop (the timeout is then only a safety net). */
bool follow_watch_events(const follow_watch *w);
/* Waits up to seconds; true when SIGINT or SIGTERM arrived. */
bool follow_watch_wait(follow_watch *w, double seconds);
/* Closes the watches and restores the signal mask. */
void follow_watch_close(follow_watch *w);

#endif
