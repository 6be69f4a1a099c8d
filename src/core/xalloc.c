#include "core/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/error.h"

/* Running out of memory is a failure of the run, not a bug: exit status 1
 * (WC_EXIT_RUNTIME) with a message, not abort()'s 134 and core dump. The
 * temporary outputs go first; _exit, because another thread may still be
 * running and exit()'s handlers are not safe against it. */
_Noreturn void xalloc_die(size_t size)
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "wormcast: out of memory (asked for %zu bytes)\n", size);
	wc_cleanup_run();
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1))
		(void)0;
	_exit(WC_EXIT_RUNTIME);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		xalloc_die(size);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (p == NULL)
		xalloc_die(count * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (p == NULL)
		xalloc_die(size);
	return p;
}

void *xmallocarray(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	return xmalloc(count * size);
}

void *xreallocarray(void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	return xrealloc(ptr, count * size);
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

/* count·size bytes rounded up to whole huge pages, 2 MiB-aligned and advised
 * as huge; NULL below a quarter of one (512 KiB), where the rounding would
 * cost more memory than the page faults it saves are worth. */
static void *alloc_huge(size_t count, size_t size, size_t *bytes)
{
	const size_t huge = 2u << 20;
	if (size != 0 && count > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	*bytes = count * size;
	if (*bytes < huge / 4)
		return NULL;
	*bytes = (*bytes + huge - 1) / huge * huge;
	void *p = aligned_alloc(huge, *bytes);
	if (p == NULL)
		xalloc_die(*bytes);
	(void)madvise(p, *bytes, MADV_HUGEPAGE); /* advice only: fine if refused */
	return p;
}

void *xcalloc_huge(size_t count, size_t size)
{
	size_t bytes;
	void *p = alloc_huge(count, size, &bytes);
	if (p == NULL)
		return xcalloc(count, size);
	memset(p, 0, bytes);
	return p;
}

void *xmalloc_huge(size_t count, size_t size)
{
	size_t bytes;
	void *p = alloc_huge(count, size, &bytes);
	return p != NULL ? p : xmallocarray(count, size);
}
