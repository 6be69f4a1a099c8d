#define WC_PLCALLS_TABLE /* the names below are the functions, not the table's */
#include "report/plcalls.h"

#include "core/dynlib.h"

/* Set by the Makefile from the installed library; the development link name
 * is the fallback, for a build that could not read it. */
#ifndef WC_PLPLOT_SONAME
#define WC_PLPLOT_SONAME "libplplot.so"
#endif

#define WC_PLCALLS_NAME(name) #name,
static const char *const plcalls_names[] = {WC_PLCALLS(WC_PLCALLS_NAME)};
#undef WC_PLCALLS_NAME

static wc_plcalls plcalls_table;
static wc_dynlib plcalls_lib = {
	.once = PTHREAD_ONCE_INIT,
	.soname = WC_PLPLOT_SONAME,
	.names = plcalls_names,
	.table = &plcalls_table,
	.n = sizeof plcalls_names / sizeof *plcalls_names,
};
_Static_assert(sizeof plcalls_table ==
		       sizeof plcalls_names / sizeof *plcalls_names * sizeof(void *),
	       "one pointer per name");

int wc_plcalls_load(wc_error *err)
{
	return wc_dynlib_load(&plcalls_lib, "plotting", err);
}

const wc_plcalls *wc_plcalls_table(void)
{
	return &plcalls_table;
}
