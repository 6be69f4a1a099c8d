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

/* Global: Open MPI's own plugins, which it opens later, look for its
 * symbols among the process's. */
#define WC_MPI_ALL(X) WC_MPICALLS(X) WC_MPIGLOBALS(X)
WC_DYNLIB_DEFINE(mpicalls_lib, wc_mpicalls, mpicalls_table, WC_MPI_SONAME, true, WC_MPI_ALL);

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
