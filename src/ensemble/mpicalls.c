#ifdef WC_HAVE_MPI
#define WC_MPICALLS_TABLE /* the names below are the library's, not the table's */
#include "ensemble/mpicalls.h"

#ifdef OPEN_MPI
#include "core/dynlib.h"

/* Set by the Makefile from the installed library; the development link name
 * is the fallback, for a build that could not read it. */
#ifndef WC_MPI_SONAME
#define WC_MPI_SONAME "libmpi.so"
#endif

#define WC_MPICALLS_NAME(name) #name,
static const char *const mpicalls_names[] = {WC_MPICALLS(WC_MPICALLS_NAME)
						     WC_MPIGLOBALS(WC_MPICALLS_NAME)};
#undef WC_MPICALLS_NAME

static wc_mpicalls mpicalls_table;
/* Global: Open MPI's own plugins, which it opens later, look for its
 * symbols among the process's. */
static wc_dynlib mpicalls_lib = {
	.once = PTHREAD_ONCE_INIT,
	.soname = WC_MPI_SONAME,
	.names = mpicalls_names,
	.table = &mpicalls_table,
	.n = sizeof mpicalls_names / sizeof *mpicalls_names,
	.global = true,
};
_Static_assert(sizeof mpicalls_table ==
		       sizeof mpicalls_names / sizeof *mpicalls_names * sizeof(void *),
	       "one pointer per name");

int wc_mpicalls_load(wc_error *err)
{
	return wc_dynlib_load(&mpicalls_lib, "an MPI run", err);
}

const wc_mpicalls *wc_mpicalls_table(void)
{
	return &mpicalls_table;
}
#else
int wc_mpicalls_load(wc_error *err)
{
	(void)err;
	return 0;
}
#endif
#else
/* ISO C wants something in a translation unit; a build without MPI has
 * nothing to load. */
typedef int wc_mpicalls_unused;
#endif
