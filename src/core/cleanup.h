/*
 * cleanup.h — temporary paths removed when the process dies early.
 *
 * A command that is interrupted (SIGINT, SIGTERM, SIGHUP) or runs out of
 * memory must not leave its half-written outputs behind. Code that creates a
 * temporary file or staging directory registers it here and unregisters it
 * once it has been renamed into place or removed. wc_cleanup_install() sets
 * handlers that remove every registered path with async-signal-safe calls
 * only, then re-raise the signal with its default action, so the process dies
 * of the signal as a shell expects (status 130 for SIGINT, 143 for SIGTERM).
 *
 * The registry is the project's one piece of global mutable state: a signal
 * handler can reach nothing else. It is a fixed table (no allocation), safe to
 * update from one thread while a handler runs on any thread.
 */
#ifndef WC_CORE_CLEANUP_H
#define WC_CORE_CLEANUP_H

/* What a registered path is: a file is unlinked; a directory has its entries
 * unlinked (one level: staging directories hold only files) and is removed; a
 * note is not a path but a line written to stderr, after the removals, to say
 * what the interruption left (a sweep's journal to resume from). */
enum wc_cleanup_kind { WC_CLEANUP_FILE, WC_CLEANUP_DIR, WC_CLEANUP_NOTE };

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP. Call once, early,
 * from main(). Until then registered paths are still removed by
 * wc_cleanup_run() (the out-of-memory path). */
void wc_cleanup_install(void);

/* Registers path; returns a slot id >= 0 for wc_cleanup_forget(), or -1 when
 * the table is full or the path too long (the path is then not removed on a
 * signal; no command registers more than a handful). */
int wc_cleanup_register(const char *path, enum wc_cleanup_kind kind);

/* Forgets slot id (no-op for -1): the path is committed or already removed. */
void wc_cleanup_forget(int id);

/* Unlinks every entry of the directory at path (one level), then removes
 * it; best effort. Async-signal-safe. */
void wc_cleanup_remove_dir(const char *path);

/* Removes every registered path now and forgets them. Async-signal-safe. */
void wc_cleanup_run(void);

#endif
