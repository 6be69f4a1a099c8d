/*
 * Tests for how commands leave their outputs:
 * core/outdir (one unit, all or none; a lock; a user's folder never emptied),
 * core/cleanup (temporary paths removed on a signal), the out-of-memory
 * exit of core/xalloc; and provenance (item 16): the resolved scenario's
 * text and hash, FNV-1a, the command line.
 */
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "core/cleanup.h"
#include "core/outdir.h"
#include "core/provenance.h"
#include "core/xalloc.h"
#include "report/report.h"

static const char *const owned[] = {"timeline.csv", "summary.json", NULL};

/* A fresh, empty parent folder for one test; base receives its path. */
static void fresh_parent(char *base, size_t len)
{
	snprintf(base, len, "/tmp/wc_outputs_XXXXXX");
	assert_non_null(mkdtemp(base));
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The entries of dir, sorted and joined by spaces ("" if empty or absent). */
static void list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **names;
	out[0] = '\0';
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' || strlen(names[i]->d_name) > 2) {
			if (out[0] != '\0')
				strncat(out, " ", len - strlen(out) - 1);
			strncat(out, names[i]->d_name, len - strlen(out) - 1);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void read_text(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void remove_tree(const char *base)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

/* An existing folder of a previous run is replaced as a whole: its old plot
 * goes too, and nothing is left beside it (no lock, no staging folder). */
static void outdir_commit_replaces_folder_as_whole(void **state)
{
	(void)state;
	char base[64], dir[128], path[WC_OUTDIR_PATH_MAX], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/out", base);
	assert_int_equal(mkdir(dir, 0777), 0);
	put_file(dir, "timeline.csv", "old\n");
	put_file(dir, "old.png", "x");

	wc_outdir od;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&od, dir, owned, NULL, &err), 0);
	FILE *f = fopen(wc_outdir_file(&od, "timeline.csv", path, sizeof path), "w");
	assert_non_null(f);
	fputs("new\n", f);
	fclose(f);
	list_dir(dir, got, sizeof got); /* readers still see the old folder */
	assert_string_equal(got, "old.png timeline.csv");
	assert_int_equal(wc_outdir_commit(&od, &err), 0);

	list_dir(dir, got, sizeof got);
	assert_string_equal(got, "timeline.csv");
	snprintf(path, sizeof path, "%s/timeline.csv", dir);
	read_text(path, got, sizeof got);
	assert_string_equal(got, "new\n");
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "out");
	remove_tree(base);
}

/* A failure after some files were written (abort) leaves the previous
 * folder exactly as it was, no staged plot, and the missing parents that
 * begin made are removed again. */
static void outdir_abort_leaves_nothing(void **state)
{
	(void)state;
	char base[64], dir[128], plot[160], path[WC_OUTDIR_PATH_MAX], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/out", base);
	snprintf(plot, sizeof plot, "%s/fig.png", base);
	assert_int_equal(mkdir(dir, 0777), 0);
	put_file(dir, "summary.json", "{}\n");

	wc_outdir od;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&od, dir, owned, plot, &err), 0);
	assert_non_null(strstr(wc_outdir_plot_path(&od), ".png"));
	put_file(wc_outdir_stage(&od), "timeline.csv", "half\n");
	/* A writer's message names the paths the user gave, not the staging ones. */
	wc_error_set(&err, WC_EXIT_RUNTIME, "cannot write '%s': disk full; '%s' neither",
		     wc_outdir_file(&od, "timeline.csv", path, sizeof path),
		     wc_outdir_plot_path(&od));
	char want[512];
	snprintf(want, sizeof want, "cannot write '%s/timeline.csv': disk full; '%s' neither", dir,
		 plot);
	assert_int_equal(wc_outdir_fail(&od, &err), -1);
	assert_string_equal(err.msg, want);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "out");
	list_dir(dir, got, sizeof got);
	assert_string_equal(got, "summary.json");

	snprintf(dir, sizeof dir, "%s/a/b/out", base);
	assert_int_equal(wc_outdir_begin(&od, dir, owned, NULL, &err), 0);
	(void)wc_outdir_file(&od, "timeline.csv", path, sizeof path);
	put_file(wc_outdir_stage(&od), "timeline.csv", "x\n");
	wc_outdir_abort(&od);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "out");
	remove_tree(base);
}

/* A folder holding anything the command does not write is refused, with a
 * usage error naming the file, and left untouched. */
static void outdir_refuses_a_users_folder(void **state)
{
	(void)state;
	char base[64], dir[128], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/mine", base);
	assert_int_equal(mkdir(dir, 0777), 0);
	put_file(dir, "timeline.csv", "x\n");
	put_file(dir, "notes.txt", "precious\n");

	wc_outdir od;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&od, dir, owned, NULL, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "'notes.txt'"));
	list_dir(dir, got, sizeof got);
	assert_string_equal(got, "notes.txt timeline.csv");
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "mine");

	wc_error_clear(&err);
	assert_int_equal(wc_outdir_begin(&od, base, owned, NULL, &err) == 0 ? 0 : err.code,
			 WC_EXIT_USAGE); /* base holds the folder 'mine' */
	wc_error_clear(&err);
	assert_int_equal(wc_outdir_begin(&od, ".", owned, NULL, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	remove_tree(base);
}

/* While one writer holds a folder, a second is refused at once with a
 * message; once the first is done, the folder is free again. */
static void outdir_second_writer_is_refused(void **state)
{
	(void)state;
	char base[64], dir[128], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/out", base);

	wc_outdir first, second;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&first, dir, owned, NULL, &err), 0);
	assert_int_equal(wc_outdir_begin(&second, dir, owned, NULL, &err), -1);
	assert_int_equal(err.code, WC_EXIT_RUNTIME);
	assert_non_null(strstr(err.msg, "is being written by another wormcast"));
	put_file(wc_outdir_stage(&first), "summary.json", "{}\n");
	assert_int_equal(wc_outdir_commit(&first, &err), 0);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "out");

	wc_error_clear(&err);
	assert_int_equal(wc_outdir_begin(&second, dir, owned, NULL, &err), 0);
	wc_outdir_abort(&second);
	list_dir(dir, got, sizeof got);
	assert_string_equal(got, "summary.json");
	remove_tree(base);
}

/* A plot whose folder is the output folder is staged with the files and
 * lands with them. */
static void outdir_plot_inside_folder_lands_with_it(void **state)
{
	(void)state;
	char base[64], dir[128], plot[160], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/out", base);
	snprintf(plot, sizeof plot, "%s/out/fig.svg", base);

	wc_outdir od;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&od, dir, owned, plot, &err), 0);
	FILE *f = fopen(wc_outdir_plot_path(&od), "w");
	assert_non_null(f);
	fputs("<svg/>\n", f);
	fclose(f);
	put_file(wc_outdir_stage(&od), "timeline.csv", "x\n");
	assert_int_equal(wc_outdir_commit(&od, &err), 0);
	list_dir(dir, got, sizeof got);
	assert_string_equal(got, "fig.svg timeline.csv");
	remove_tree(base);
}

/* A staging folder that a killed writer left beside DIR is removed by the
 * next writer, which holds the lock and so knows no one else is using it. */
static void outdir_removes_stale_staging_folders(void **state)
{
	(void)state;
	char base[64], dir[128], stale[160], got[256];
	fresh_parent(base, sizeof base);
	snprintf(dir, sizeof dir, "%s/out", base);
	snprintf(stale, sizeof stale, "%s/out.tmp.AbC123", base);
	assert_int_equal(mkdir(stale, 0777), 0);
	put_file(stale, "timeline.csv", "half\n");
	assert_int_equal(mkdir(dir, 0777), 0);
	snprintf(stale, sizeof stale, "%s/other.tmp.AbC123", base); /* another folder's */
	assert_int_equal(mkdir(stale, 0777), 0);

	wc_outdir od;
	wc_error err = {0};
	assert_int_equal(wc_outdir_begin(&od, dir, owned, NULL, &err), 0);
	put_file(wc_outdir_stage(&od), "timeline.csv", "x\n");
	assert_int_equal(wc_outdir_commit(&od, &err), 0);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "other.tmp.AbC123 out");
	remove_tree(base);
}

static void cleanup_on_one_signal(int sig)
{
	char base[64], file[128], dir[128], got[256];
	fresh_parent(base, sizeof base);
	snprintf(file, sizeof file, "%s/x.tmp.ABCDEF", base);
	snprintf(dir, sizeof dir, "%s/out.tmp.ABCDEF", base);
	put_file(base, "x.tmp.ABCDEF", "half");
	put_file(base, "kept", "mine");
	assert_int_equal(mkdir(dir, 0777), 0);
	for (int i = 0; i < 300; i++) { /* more than one getdents64 buffer */
		char name[48];
		snprintf(name, sizeof name, "file-with-a-longish-name-%03d", i);
		put_file(dir, name, "x");
	}
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* a suite started in the background or under nohup inherits the
		 * signal ignored, which wc_cleanup_install() rightly keeps */
		signal(sig, SIG_DFL);
		wc_cleanup_install();
		int a = wc_cleanup_register(file, WC_CLEANUP_FILE);
		int b = wc_cleanup_register(dir, WC_CLEANUP_DIR);
		raise(a >= 0 && b >= 0 ? sig : SIGKILL);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "kept");
	remove_tree(base);
}

/* A registered file and a registered folder of files are gone after SIGINT,
 * SIGTERM or SIGHUP, and the process still dies of the signal (a shell's
 * status 130, 143, 129). */
static void cleanup_removes_registered_paths_on_signal(void **state)
{
	(void)state;
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
	for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
		cleanup_on_one_signal(sigs[k]);
}

/* Out of memory: the registered temporary files go, a message, exit 1 (not
 * abort's 134). */
static void xalloc_die_exits_1_and_cleans_up(void **state)
{
	(void)state;
	char base[64], file[128], got[256];
	fresh_parent(base, sizeof base);
	snprintf(file, sizeof file, "%s/x.tmp.ABCDEF", base);
	put_file(base, "x.tmp.ABCDEF", "half");
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDERR_FILENO); /* the message is checked by tests/cli.sh */
		wc_cleanup_register(file, WC_CLEANUP_FILE);
		xalloc_die(12345);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	list_dir(base, got, sizeof got);
	assert_string_equal(got, "");
	remove_tree(base);
}

/* FNV-1a 64 against the published test vectors (Fowler/Noll/Vo). */
static void fnv1a64_matches_reference_vectors(void **state)
{
	(void)state;
	assert_true(wc_fnv1a64("", 0) == 0xcbf29ce484222325u);
	assert_true(wc_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cu);
	assert_true(wc_fnv1a64("foobar", 6) == 0x85944171f73967e8u);
}

static void command_line_quotes_for_a_shell(void **state)
{
	(void)state;
	char *argv[] = {
		"run", "my scenario.ini", "--set", "outbreak.description=it's", "--seed", "7", ""};
	char *line = wc_command_line(7, argv);
	assert_string_equal(line, "run 'my scenario.ini' --set 'outbreak.description=it'\\''s' "
				  "--seed 7 ''");
	free(line);
}

static void load_or_fail(wc_scenario *sc, const char *name, const char *set)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	if (wc_scenario_load(sc, name, &err) != 0 || (set && wc_scenario_set(sc, set, &err) != 0) ||
	    wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s: %s", name, err.msg);
}

/* Every built-in's resolved text loads back to the same text (so the text in
 * summary.json re-runs the scenario), the same scenario from a file has the
 * same hash, and any --set that changes a value changes it. */
static void resolved_scenario_round_trips(void **state)
{
	(void)state;
	for (int i = 0; i < wc_scenario_builtin_count(); i++) {
		const char *name = wc_scenario_builtin_name(i);
		wc_scenario sc, back;
		char h1[17], h2[17], path[64];
		load_or_fail(&sc, name, NULL);
		char *text = wc_report_resolved_scenario(&sc, h1);
		test_write_temp(path, sizeof path, text);
		load_or_fail(&back, path, NULL);
		unlink(path);
		char *again = wc_report_resolved_scenario(&back, h2);
		assert_string_equal(again, text);
		assert_string_equal(h1, h2);
		free(again);
		test_write_temp(path, sizeof path, wc_scenario_builtin_text(name));
		load_or_fail(&back, path, NULL);
		unlink(path);
		free(wc_report_resolved_scenario(&back, h2));
		assert_string_equal(h1, h2);
		load_or_fail(&back, name, "population.vulnerable=12345");
		free(wc_report_resolved_scenario(&back, h2));
		assert_string_not_equal(h1, h2);
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outdir_commit_replaces_folder_as_whole),
		cmocka_unit_test(outdir_abort_leaves_nothing),
		cmocka_unit_test(outdir_refuses_a_users_folder),
		cmocka_unit_test(outdir_second_writer_is_refused),
		cmocka_unit_test(outdir_plot_inside_folder_lands_with_it),
		cmocka_unit_test(outdir_removes_stale_staging_folders),
		cmocka_unit_test(cleanup_removes_registered_paths_on_signal),
		cmocka_unit_test(xalloc_die_exits_1_and_cleans_up),
		cmocka_unit_test(fnv1a64_matches_reference_vectors),
		cmocka_unit_test(command_line_quotes_for_a_shell),
		cmocka_unit_test(resolved_scenario_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
