/*
 * The benchmarks' own plumbing (bench/benchutil.h), which `make bench` cannot
 * check by itself: bench_fast once printed each line three times
 * when its output went to a file or a pipe, because the children it forks
 * inherited the unflushed stdio buffer and wrote it again.
 */
#include "testutil.h"

#include <fcntl.h>
#include <string.h>

#include "../bench/benchutil.h"

/* Output written before bench_run() children appears once in the file that
 * stdout goes to, however many children run. */
static void children_do_not_repeat_output(void **state)
{
	(void)state;
	char path[] = "/tmp/wormcast-test-bench-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	/* No newline yet: the text stays in the buffer whatever its mode. */
	printf("a bench line");
	char *argv[] = {"true", NULL};
	double wall, rss;
	int rc = 0;
	for (int i = 0; i < 3; i++)
		rc |= bench_run(argv, NULL, &wall, &rss);
	printf("\n");
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	assert_int_equal(rc, 0);
	char buf[256] = {0};
	assert_true(lseek(fd, 0, SEEK_SET) == 0);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	assert_string_equal(buf, "a bench line\n");
}

/* A child's stdout goes where it is asked to, and its status comes back. */
static void child_output_and_status(void **state)
{
	(void)state;
	char path[] = "/tmp/wormcast-test-bench-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char *echo[] = {"echo", "from the child", NULL}, *no[] = {"false", NULL};
	double wall, rss;
	assert_int_equal(bench_run(echo, path, &wall, &rss), 0);
	assert_true(wall >= 0);
	char buf[64] = {0};
	assert_true(read(fd, buf, sizeof buf - 1) > 0);
	assert_string_equal(buf, "from the child\n");
	assert_int_equal(bench_run(no, NULL, &wall, &rss), -1);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(children_do_not_repeat_output),
		cmocka_unit_test(child_output_and_status),
	};
	return cmocka_run_group_tests_name("bench", tests, NULL, NULL);
}
