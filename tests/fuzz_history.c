/*
 * libFuzzer target: the history points, as a history file (history.file) and
 * as an inline list (history.cumulative_infected, through the scenario reader).
 * Every input must be read without a crash, a leak or undefined behaviour; a
 * refused one keeps the points it had, an accepted one yields only points of
 * count >= 0.
 * Corpus: tests/corpus/history (make fuzz runs it for a bounded time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_points(const wc_scenario *sc)
{
	if (sc->nhistory < 0 || sc->nhistory > WC_MAX_HISTORY)
		abort();
	for (int i = 0; i < sc->nhistory; i++)
		if (!(sc->history[i].value >= 0))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, '\0', size) != NULL)
		return 0; /* files with NUL bytes are refused before parsing */
	static const char head[] = "[history]\ncumulative_infected = ";
	char *text = malloc(sizeof head + size);
	wc_scenario *sc = malloc(sizeof *sc);
	if (text == NULL || sc == NULL)
		abort();

	/* As a history file: all points or none. */
	wc_error err = {0};
	wc_scenario_init(sc);
	memcpy(text, data, size);
	text[size] = '\0';
	int rc = wc_scenario_history_text(sc, text, "fuzz.csv", &err);
	if ((rc == 0) != (err.code == 0) || (rc != 0 && sc->nhistory != 0) ||
	    (rc == 0 && sc->nhistory == 0))
		abort();
	check_points(sc);

	/* As the inline list, after the scenario file's header. */
	memcpy(text, head, sizeof head - 1);
	memcpy(text + sizeof head - 1, data, size);
	err = (wc_error){0};
	wc_scenario_init(sc);
	rc = wc_scenario_load_buffer(sc, "fuzz.ini", text, sizeof head - 1 + size, &err);
	if ((rc == 0) != (err.code == 0))
		abort();
	check_points(sc);
	free(text);
	free(sc);
	return 0;
}
