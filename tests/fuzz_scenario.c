/*
 * libFuzzer target: the scenario reader (the INI lines, every key's value
 * parser, --set's checks through the same path) and the whole-scenario checks.
 * The input is a scenario file. Every input must be read without a crash, a
 * leak or undefined behaviour; an accepted scenario must keep the invariants
 * the engines rely on, and a refused one must say why.
 * Corpus: tests/corpus/scenario (make fuzz runs it for a bounded time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const wc_scenario *sc)
{
	if (sc->end <= sc->start || sc->end - sc->start > (wc_time)WC_MAX_SPAN_DAYS * 86400 ||
	    (sc->end - sc->start) / sc->interval > WC_MAX_ROWS || sc->interval % sc->step != 0)
		abort();
	if (sc->nhistory < 0 || sc->nhistory > WC_MAX_HISTORY || sc->ntelescope < 0 ||
	    sc->ntelescope > WC_MAX_TELESCOPE || sc->nclasses < 1 || sc->nclasses > WC_MAX_CLASSES)
		abort();
	/* outbreak.name becomes a directory name. */
	if (sc->name[0] == '\0' || sc->name[0] == '.' || strchr(sc->name, '/') != NULL)
		abort();
	for (int i = 0; i < sc->nhistory; i++)
		if (!(sc->history[i].value >= 0))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wc_scenario *sc = malloc(sizeof *sc);
	if (sc == NULL)
		return 0;
	wc_error err = {0};
	wc_scenario_init(sc);
	int rc = wc_scenario_load_buffer(sc, "fuzz.ini", (const char *)data, size, &err);
	if (rc == 0)
		rc = wc_scenario_finish(sc, &err);
	if ((rc == 0) != (err.code == 0) || (rc != 0 && err.msg[0] == '\0'))
		abort();
	if (rc == 0)
		check_accepted(sc);
	free(sc);
	return 0;
}
