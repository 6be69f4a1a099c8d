#include "report/report.h"

#include <errno.h>
#include <string.h>

#include "core/atomicfile.h"

int wc_report_timeline_csv_stream(FILE *out, const wc_timeline *tl)
{
	/* The fixed columns and 8 sensors' three, at most 21 bytes each, and a
	 * timestamp. */
	char line[2048];

	int h = wc_timeline_header_csv(tl, line, sizeof line);
	if (h < 0 || (size_t)h >= sizeof line || fprintf(out, "%s\n", line) < 0)
		return -1;
	for (size_t i = 0; i < tl->n; i++) {
		int n = wc_timeline_line_csv(tl, i, line, sizeof line);
		if (n < 0 || (size_t)n >= sizeof line)
			return -1;
		if (fputs(line, out) == EOF || fputc('\n', out) == EOF)
			return -1;
	}
	return ferror(out) ? -1 : 0;
}

int wc_report_write_timeline_csv(const char *path, const wc_timeline *tl, wc_error *err)
{
	wc_atomic_file f;

	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	errno = 0;
	if (wc_report_timeline_csv_stream(f.fp, tl) != 0)
		return wc_atomic_fail(&f, err);
	return wc_atomic_commit(&f, err);
}
