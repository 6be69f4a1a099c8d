#include "report/json_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

json_t *wc_json_num9(double v)
{
	if (!isfinite(v))
		return json_null();
	char buf[32];
	snprintf(buf, sizeof buf, "%.9g", v);
	return json_real(strtod(buf, NULL));
}

json_t *wc_json_text(const char *s)
{
	json_t *j = s ? json_string(s) : json_null();
	return j ? j : json_string("?");
}
