#include "core/cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

enum { CLEANUP_SLOTS = 32 };

/*
 * The registry (cleanup.h says why it is global). A slot's state is written
 * last when a path is registered and first when it is forgotten, so a handler
 * that sees a slot in use sees its whole path. State 0: free; 1: claimed,
 * being filled; 2 + kind: in use.
 */
static char cleanup_paths[CLEANUP_SLOTS][PATH_MAX];
static atomic_int cleanup_state[CLEANUP_SLOTS];

int wc_cleanup_register(const char *path, enum wc_cleanup_kind kind)
{
	size_t n = strlen(path);
	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int expected = 0;
		if (!atomic_compare_exchange_strong(&cleanup_state[i], &expected, 1))
			continue;
		memcpy(cleanup_paths[i], path, n + 1);
		atomic_store(&cleanup_state[i], 2 + (int)kind);
		return i;
	}
	return -1;
}

void wc_cleanup_forget(int id)
{
	if (id >= 0 && id < CLEANUP_SLOTS)
		atomic_store(&cleanup_state[id], 0);
}

/* System calls only (no opendir: it allocates, and a handler must not).
 * Unlinking while reading may skip entries, so the directory is read again
 * from the start until rmdir succeeds (a few passes at most). */
void wc_cleanup_remove_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int pass = 0; fd >= 0 && pass < 8 && rmdir(path) != 0; pass++) {
		_Alignas(struct dirent64) char buf[4096];
		ssize_t n;
		lseek(fd, 0, SEEK_SET);
		while ((n = getdents64(fd, buf, sizeof buf)) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *e = (struct dirent64 *)(void *)(buf + off);
				if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
					unlinkat(fd, e->d_name, 0);
				off += e->d_reclen;
			}
		}
	}
	if (fd >= 0)
		close(fd);
}

void wc_cleanup_run(void)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int state = atomic_load(&cleanup_state[i]);
		if (state == 2 + WC_CLEANUP_NOTE)
			continue;
		state = atomic_exchange(&cleanup_state[i], 0);
		if (state == 2 + WC_CLEANUP_FILE)
			unlink(cleanup_paths[i]);
		else if (state == 2 + WC_CLEANUP_DIR)
			wc_cleanup_remove_dir(cleanup_paths[i]);
	}
	for (int i = 0; i < CLEANUP_SLOTS; i++) {
		int expected = 2 + WC_CLEANUP_NOTE;
		if (atomic_compare_exchange_strong(&cleanup_state[i], &expected, 0)) {
			ssize_t w =
				write(STDERR_FILENO, cleanup_paths[i], strlen(cleanup_paths[i]));
			(void)w;
		}
	}
}

static void cleanup_on_signal(int sig)
{
	wc_cleanup_run();
	signal(sig, SIG_DFL);
	raise(sig);
}

void wc_cleanup_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cleanup_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		/* A signal the shell ignores (nohup, `cmd &` in a script) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}
