/*
 * benchutil.h — what every benchmark needs: a monotonic clock, the median of
 * repeated measurements (a median, not a mean, so that one run disturbed by
 * the machine does not move the figure), and a program run as a child.
 */
#ifndef WC_BENCH_BENCHUTIL_H
#define WC_BENCH_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v in place. */
static inline double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs a program (a path, or a name looked up in PATH) with its stdout to
 * `out` (NULL: /dev/null); sets the wall seconds, CPU seconds (user and
 * system: on a shared machine the wall time also counts others' work) and
 * peak RSS (MB) of the child; returns 0 when it exited with status 0, else -1. */
static inline int bench_run_cpu(char *const argv[], const char *out, double *wall, double *cpu,
				double *rss_mb)
{
	/* Unflushed output would be written again by the child's stdio when
	 * stdout is a pipe or a file (once per child). */
	fflush(NULL);
	double t0 = wc_clock_seconds();
	pid_t pid = fork();
	if (pid == 0) {
		if (freopen(out ? out : "/dev/null", "w", stdout) == NULL)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*wall = wc_clock_seconds() - t0;
	*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	*rss_mb = (double)ru.ru_maxrss / 1024;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The same without the CPU time. */
static inline int bench_run(char *const argv[], const char *out, double *wall, double *rss_mb)
{
	double cpu;
	return bench_run_cpu(argv, out, wall, &cpu, rss_mb);
}

#endif
