#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "core/provenance.h"

const char *wormcast_version(void)
{
	return wc_version();
}

void wc_api_clear(wormcast_error *out)
{
	if (out != NULL) {
		out->code = WORMCAST_OK;
		out->message[0] = '\0';
	}
}

int wc_api_error(wormcast_error *out, const wc_error *err)
{
	int code = err->code == WC_EXIT_USAGE ? WORMCAST_ERR_USAGE : WORMCAST_ERR_RUNTIME;
	if (out != NULL) {
		out->code = code;
		snprintf(out->message, sizeof out->message, "%s", err->msg);
	}
	return code;
}
