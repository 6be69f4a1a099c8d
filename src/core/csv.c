#include "core/csv.h"

#include <ctype.h>
#include <string.h>

bool wc_csv_needs_quotes(const char *s)
{
	return strpbrk(s, ",\"\r\n") != NULL;
}

void wc_csv_write_field(FILE *fp, const char *s)
{
	if (!wc_csv_needs_quotes(s)) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static char *skip_blanks(char *p)
{
	while (*p != '\0' && *p != ',' && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads the quoted field at p (just past its opening quote), unquoting it in
 * place. Returns where the field's text ends (after the closing quote and any
 * blanks), or NULL when the quote is not closed. */
static char *unquote(char *p)
{
	char *w = p;
	for (;;) {
		if (*p == '\0')
			return NULL;
		if (*p == '"') {
			if (p[1] != '"')
				break;
			p++; /* a doubled quote stands for one */
		}
		*w++ = *p++;
	}
	char *end = skip_blanks(p + 1);
	*w = '\0';
	return end;
}

int wc_csv_split(char *line, char **f, int max, int *bad_field)
{
	int n = 0;
	char *p = line;
	for (;;) {
		p = skip_blanks(p);
		char *field = p, *end;
		if (*p == '"') {
			field = p + 1;
			end = unquote(field);
			if (end == NULL || (*end != ',' && *end != '\0')) {
				if (bad_field)
					*bad_field = n + 1;
				return -1;
			}
		} else {
			end = p + strcspn(p, ",");
		}
		char sep = *end; /* read before the trim below may write over it */
		if (field == p) {
			char *e = end;
			while (e > p && isspace((unsigned char)e[-1]))
				e--;
			*e = '\0';
		}
		if (n < max)
			f[n] = field;
		n++;
		if (sep == '\0')
			return n;
		p = end + 1;
	}
}
