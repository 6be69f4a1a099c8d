#include "core/provenance.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/xalloc.h"
#include "version.h" /* build/gen: WC_VERSION, WC_GIT_COMMIT */

const char *wc_version(void)
{
	return WC_VERSION;
}

const char *wc_git_commit(void)
{
	return WC_GIT_COMMIT;
}

uint64_t wc_fnv1a64(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325u; /* the FNV-1a 64 offset basis */
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3u; /* the FNV 64 prime */
	}
	return h;
}

static bool word_is_plain(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w; w++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%",
			    *w))
			return false;
	return true;
}

char *wc_command_line(int argc, char *const *argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += 4 * strlen(argv[i]) + 3; /* each ' may become '\'' */
	char *s = xmalloc(len), *p = s;
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			*p++ = ' ';
		if (word_is_plain(argv[i])) {
			p = stpcpy(p, argv[i]);
			continue;
		}
		*p++ = '\'';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '\'')
				p = stpcpy(p, "'\\''"); /* close, an escaped quote, reopen */
			else
				*p++ = *c;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}
