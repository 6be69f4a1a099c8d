/* The report's page: the embedded template with the folders' data (report/html_report.h). */
#include "report/html_report.h"

#include <errno.h>
#include <string.h>

#include "core/xalloc.h"

/* Built from src/report/html/ by tools/embed-text.sh (build/gen/report_assets.c). */
extern const char wc_report_html_page[];
extern const char wc_report_html_css[];
extern const char wc_report_html_js[];

char *wc_report_script_json(const json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (text == NULL)
		xalloc_die(0);
	size_t extra = 0;
	for (const char *p = text; *p != '\0'; p++)
		extra += (*p == '<' || *p == '>' || *p == '&') ? 5 : 0;
	size_t n = strlen(text);
	char *out = xmalloc(n + extra + 1), *o = out;
	/* Outside strings JSON has none of these characters, so each is inside
	 * one, where the \u escape reads back as the same character. */
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '<' || *p == '>' || *p == '&')
			o += sprintf(o, "\\u%04x", (unsigned)*p);
		else
			*o++ = *p;
	}
	*o = '\0';
	free(text);
	return out;
}

/* The template with each marker (@CSS@, @JS@, @DATA@) replaced by its text;
 * any other '@' is written as it is. */
static void write_template(FILE *fp, const char *data)
{
	const char *const marker[] = {"@CSS@", "@JS@", "@DATA@"};
	const char *const text[] = {wc_report_html_css, wc_report_html_js, data};
	const char *p = wc_report_html_page;
	const char *at;
	while ((at = strchr(p, '@')) != NULL) {
		fwrite(p, 1, (size_t)(at - p), fp);
		size_t i = 0;
		while (i < 3 && strncmp(at, marker[i], strlen(marker[i])) != 0)
			i++;
		fputs(i < 3 ? text[i] : "@", fp);
		p = at + (i < 3 ? strlen(marker[i]) : 1);
	}
	fputs(p, fp);
}

int wc_report_write_html(FILE *fp, const json_t *folders, wc_error *err)
{
	char *data = wc_report_script_json(folders);
	write_template(fp, data);
	free(data);
	if (ferror(fp))
		return wc_error_set(err, WC_EXIT_RUNTIME, "writing the report: %s",
				    strerror(errno));
	return 0;
}
