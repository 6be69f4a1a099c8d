#define WC_PLCALLS_TABLE /* the names below are the functions, not the table's */
#include "report/plcalls.h"

#include "core/dynlib.h"

/* Set by the Makefile from the installed library; the development link name
 * is the fallback, for a build that could not read it. */
#ifndef WC_PLPLOT_SONAME
#define WC_PLPLOT_SONAME "libplplot.so"
#endif

WC_DYNLIB_DEFINE(plcalls_lib, wc_plcalls, plcalls_table, WC_PLPLOT_SONAME, false, WC_PLCALLS);

int wc_plcalls_load(wc_error *err)
{
	return wc_dynlib_load(&plcalls_lib, "plotting", err);
}

const wc_plcalls *wc_plcalls_table(void)
{
	return &plcalls_table;
}
