#include "core/progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"

void wc_progress_start(wc_progress *p, const char *label, bool quiet)
{
	bool tty = isatty(STDERR_FILENO);
	p->enabled = !quiet && tty;
	p->lines = !quiet && !tty;
	p->started = wc_clock_seconds();
	p->last_permille = -1;
	snprintf(p->label, sizeof p->label, "%s", label);
	if (p->lines) {
		fprintf(stderr, "wormcast: %s: started\n", p->label);
		fflush(stderr);
	}
}

void wc_progress_update(void *ctx, double done)
{
	wc_progress *p = ctx;
	int permille = (int)(done * 1000);
	if (!p->enabled || permille == p->last_permille)
		return;
	p->last_permille = permille;
	double elapsed = wc_clock_seconds() - p->started;
	char bar[31];
	int filled = (int)(done * 30);
	for (int i = 0; i < 30; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[30] = '\0';
	char eta[32] = "";
	if (done > 0.01 && done < 1) {
		int left = (int)(elapsed * (1 - done) / done);
		snprintf(eta, sizeof eta, "  %dm%02ds left", left / 60, left % 60);
	}
	fprintf(stderr, "\r%s [%s] %5.1f%%%s   ", p->label, bar, done * 100, eta);
	fflush(stderr);
}

void wc_progress_count(wc_progress *p, uint64_t done, uint64_t todo, uint64_t already,
		       const char *unit)
{
	double frac = todo > 0 ? (double)done / (double)todo : 1;
	int permille = (int)(frac * 1000);
	if (!p->enabled || (permille == p->last_permille && done < todo))
		return;
	p->last_permille = permille;
	double elapsed = wc_clock_seconds() - p->started;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char eta[32] = "";
	if (rate > 0 && done < todo) {
		long left = (long)((double)(todo - done) / rate);
		snprintf(eta, sizeof eta, ", %ldm%02lds left", left / 60, left % 60);
	}
	fprintf(stderr, "\r%s %" PRIu64 "/%" PRIu64 " %s, %.1f %s/s%s   ", p->label, already + done,
		already + todo, unit, rate, unit, eta);
	fflush(stderr);
}

void wc_progress_finish(wc_progress *p)
{
	if (p->lines) {
		fprintf(stderr, "wormcast: %s: done in %.1f s\n", p->label,
			wc_clock_seconds() - p->started);
		fflush(stderr);
	}
	if (p->enabled && p->last_permille >= 0) {
		fprintf(stderr, "\r%*s\r", (int)strlen(p->label) + 80, "");
		fflush(stderr);
	}
}
