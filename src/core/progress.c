#include "core/progress.h"

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

void wc_progress_finish(wc_progress *p)
{
	if (p->lines) {
		fprintf(stderr, "wormcast: %s: done in %.1f s\n", p->label,
			wc_clock_seconds() - p->started);
		fflush(stderr);
	}
	if (p->enabled && p->last_permille >= 0) {
		fprintf(stderr, "\r%*s\r", (int)strlen(p->label) + 60, "");
		fflush(stderr);
	}
}
