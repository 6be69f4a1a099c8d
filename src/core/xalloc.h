/*
 * xalloc.h — the project's one allocation policy.
 *
 * Running out of memory in a simulation or a parser leaves nothing sensible to
 * recover, so these wrappers remove the registered temporary outputs
 * (core/cleanup.h), print what was asked for and exit with status 1. Every
 * allocation in the library goes through them; none returns NULL.
 */
#ifndef WC_CORE_XALLOC_H
#define WC_CORE_XALLOC_H

#include <stddef.h>

/* Reports the failed request on stderr and exits 1: the one out-of-memory policy,
 * for wrappers of other allocators too. */
_Noreturn void xalloc_die(size_t size);
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Overflow-checked count * size for arrays. */
void *xmallocarray(size_t count, size_t size);
void *xreallocarray(void *ptr, size_t count, size_t size);
char *xstrdup(const char *s);
/* Zeroed, 2 MiB-aligned memory for large arrays read at random (the
 * simulator's host records): asks the kernel for transparent huge pages, so
 * random access does not pay a page walk per touch. From 512 KiB up; smaller
 * arrays come from calloc. Free with free(). */
void *xcalloc_huge(size_t count, size_t size);
/* The same without the zeroing, for large arrays written before they are
 * read: in huge pages, a fresh 2 MiB costs one page fault instead of 512. */
void *xmalloc_huge(size_t count, size_t size);

#endif
