#include "core/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* pthread_once's routine takes no argument: the library being loaded is
 * handed over here, under the once-lock. */
static _Thread_local wc_dynlib *loading;

static void dynlib_open(void)
{
	wc_dynlib *lib = loading;
	void *h = dlopen(lib->soname, RTLD_NOW | (lib->global ? RTLD_GLOBAL : RTLD_LOCAL));
	if (h == NULL) {
		snprintf(lib->fail, sizeof lib->fail, "%s", dlerror());
		return;
	}
	for (size_t i = 0; i < lib->n; i++) {
		/* POSIX: a function's address is the void * that dlsym returns,
		 * copied bytewise into the table's function pointer */
		void *fn = dlsym(h, lib->names[i]);
		memcpy((char *)lib->table + i * sizeof fn, &fn, sizeof fn);
		if (fn == NULL) {
			snprintf(lib->fail, sizeof lib->fail, "%s has no %s", lib->soname,
				 lib->names[i]);
			return; /* kept open: the process may have others' symbols in it */
		}
	}
	lib->fail[0] = '\0'; /* the handle stays open for the life of the process */
}

int wc_dynlib_load(wc_dynlib *lib, const char *what, wc_error *err)
{
	loading = lib;
	pthread_once(&lib->once, dynlib_open);
	loading = NULL;
	if (lib->fail[0] == '\0')
		return 0;
	return wc_error_set(err, WC_EXIT_RUNTIME, "%s needs the shared library %s: %s", what,
			    lib->soname, lib->fail);
}
