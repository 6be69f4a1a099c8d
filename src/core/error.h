/*
 * error.h — how the library reports failure.
 *
 * Library functions never print and never exit: they fill a wc_error and return
 * nonzero. The CLI prints the message and maps the code to an exit status
 * (WC_EXIT_USAGE for bad input, WC_EXIT_RUNTIME otherwise). Messages follow the
 * form "FILE:LINE: key 'x': expected ..., got '...'" so a user can fix the input
 * without reading code. The exit statuses are a promise to users and scripts
 * (docs/design.md §3.2).
 */
#ifndef WC_CORE_ERROR_H
#define WC_CORE_ERROR_H

enum {
	WC_EXIT_OK = 0,
	WC_EXIT_RUNTIME = 1, /* the run failed: I/O, out of memory */
	WC_EXIT_USAGE = 2,   /* the user's input is wrong: fix and retry */
};

typedef struct wc_error {
	int code;	/* WC_EXIT_USAGE or WC_EXIT_RUNTIME; 0 while no error */
	char msg[1024]; /* complete sentence, no trailing newline */
} wc_error;

/* Records the first error only: later calls keep the original cause. Returns -1
 * so callers can write `return wc_error_set(err, ...)`. */
int wc_error_set(wc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void wc_error_clear(wc_error *err);

#endif
