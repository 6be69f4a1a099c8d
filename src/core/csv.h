/*
 * csv.h — CSV fields as RFC 4180 writes them, and lines split the same way.
 *
 * Writing: a field is quoted when it holds a comma, a double quote, a CR or a
 * LF, and a quote inside is doubled; every other field is written as it is,
 * so plain numbers and names stay unquoted.
 * Reading: one line is split at the commas outside quotes; a quoted field may
 * hold commas and doubled quotes. Blanks around a field (outside its quotes)
 * are dropped, as hand-edited tables have them. A line break inside quotes is
 * not read: the caller reads line by line.
 */
#ifndef WC_CORE_CSV_H
#define WC_CORE_CSV_H

#include <stdbool.h>
#include <stdio.h>

/* Whether s must be quoted to stay one field. */
bool wc_csv_needs_quotes(const char *s);
/* Writes s as one field (no separator). */
void wc_csv_write_field(FILE *fp, const char *s);

/* Splits line in place into fields; f[i] points into line for the first max
 * fields. Returns the number of fields (which may exceed max), or -1 when a
 * quoted field is not closed or text follows its closing quote, with
 * *bad_field (if not NULL) the 1-based number of that field. */
int wc_csv_split(char *line, char **f, int max, int *bad_field);

#endif
