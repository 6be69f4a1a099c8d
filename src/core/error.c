#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>

int wc_error_set(wc_error *err, int code, const char *fmt, ...)
{
	if (err == NULL || err->code != 0)
		return -1;
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void wc_error_clear(wc_error *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}
