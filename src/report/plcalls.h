/*
 * plcalls.h — PLplot, loaded when the first figure is drawn (core/dynlib.h
 * says why). The files that draw include this instead of <plplot.h> and call
 * PLplot as usual: each function they use is redirected through a table that
 * wc_plcalls_load fills, which wc_plot_render calls before anything else.
 * A function newly used goes into WC_PLCALLS and gets its line below.
 */
#ifndef WC_REPORT_PLCALLS_H
#define WC_REPORT_PLCALLS_H

#include <plplot.h>

#include "core/error.h"

#define WC_PLCALLS(X)                                                                              \
	X(c_pladv)                                                                                 \
	X(c_plbox)                                                                                 \
	X(c_plcol0)                                                                                \
	X(c_plend)                                                                                 \
	X(c_plerry)                                                                                \
	X(c_plfill)                                                                                \
	X(c_plinit)                                                                                \
	X(c_pllegend)                                                                              \
	X(c_plline)                                                                                \
	X(c_pllsty)                                                                                \
	X(c_plmtex)                                                                                \
	X(c_plptex)                                                                                \
	X(c_plschr)                                                                                \
	X(c_plscol0)                                                                               \
	X(c_plscolbg)                                                                              \
	X(c_plsdev)                                                                                \
	X(c_plsfnam)                                                                               \
	X(c_plslabelfunc)                                                                          \
	X(c_plspage)                                                                               \
	X(c_plstring)                                                                              \
	X(c_pltimefmt)                                                                             \
	X(c_plvpor)                                                                                \
	X(c_plwidth)                                                                               \
	X(c_plwind)                                                                                \
	X(plgDevs)

typedef struct wc_plcalls {
#define WC_PLCALLS_MEMBER(name) __typeof__(name) *name;
	WC_PLCALLS(WC_PLCALLS_MEMBER)
#undef WC_PLCALLS_MEMBER
} wc_plcalls;

/* Loads PLplot once; 0, or -1 with err set when it cannot be loaded. */
int wc_plcalls_load(wc_error *err);
/* The table; only after wc_plcalls_load has returned 0. */
const wc_plcalls *wc_plcalls_table(void);

#ifndef WC_PLCALLS_TABLE
#define c_pladv	       (wc_plcalls_table()->c_pladv)
#define c_plbox	       (wc_plcalls_table()->c_plbox)
#define c_plcol0       (wc_plcalls_table()->c_plcol0)
#define c_plend	       (wc_plcalls_table()->c_plend)
#define c_plerry       (wc_plcalls_table()->c_plerry)
#define c_plfill       (wc_plcalls_table()->c_plfill)
#define c_plinit       (wc_plcalls_table()->c_plinit)
#define c_pllegend     (wc_plcalls_table()->c_pllegend)
#define c_plline       (wc_plcalls_table()->c_plline)
#define c_pllsty       (wc_plcalls_table()->c_pllsty)
#define c_plmtex       (wc_plcalls_table()->c_plmtex)
#define c_plptex       (wc_plcalls_table()->c_plptex)
#define c_plschr       (wc_plcalls_table()->c_plschr)
#define c_plscol0      (wc_plcalls_table()->c_plscol0)
#define c_plscolbg     (wc_plcalls_table()->c_plscolbg)
#define c_plsdev       (wc_plcalls_table()->c_plsdev)
#define c_plsfnam      (wc_plcalls_table()->c_plsfnam)
#define c_plslabelfunc (wc_plcalls_table()->c_plslabelfunc)
#define c_plspage      (wc_plcalls_table()->c_plspage)
#define c_plstring     (wc_plcalls_table()->c_plstring)
#define c_pltimefmt    (wc_plcalls_table()->c_pltimefmt)
#define c_plvpor       (wc_plcalls_table()->c_plvpor)
#define c_plwidth      (wc_plcalls_table()->c_plwidth)
#define c_plwind       (wc_plcalls_table()->c_plwind)
#define plgDevs	       (wc_plcalls_table()->plgDevs)
#endif

#endif
