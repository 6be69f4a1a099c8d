#include "report/json_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/atomicfile.h"

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

int wc_json_dump_file(const char *path, json_t *root, size_t flags, wc_error *err)
{
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0) {
		json_decref(root);
		return -1;
	}
	errno = 0;
	int rc = json_dumpf(root, f.fp, flags);
	json_decref(root);
	if (rc != 0 || fputc('\n', f.fp) == EOF)
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}
