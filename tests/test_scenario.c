/* Tests for src/sim/scenario: the key table, INI loading, --set, the docs. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/ipv4.h"
#include "core/utc.h"
#include "sim/scenario.h"
#include "sim/sim.h"

/* ---- helpers ---- */

/* Loads text as a scenario file and finishes it; returns the first failing
 * call's result. The temporary file is removed; its name is kept in path. */
static int load_text_file(const char *text, char *path, size_t len, wc_scenario *sc, wc_error *err)
{
	test_write_temp(path, len, text);
	wc_scenario_init(sc);
	int rc = wc_scenario_load_file(sc, path, err);
	if (rc == 0)
		rc = wc_scenario_finish(sc, err);
	unlink(path);
	return rc;
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("expected \"%s\" to contain \"%s\"", haystack, needle);
}

/* Loads text, expects a usage error whose message names the file, the line
 * (line > 0) and the key (key != NULL). Returns nothing; the message is left
 * in err for further checks. */
static void expect_file_error(const char *text, int line, const char *key, wc_error *err,
			      char *path, size_t len)
{
	wc_scenario sc;
	*err = (wc_error){0};
	assert_int_equal(load_text_file(text, path, len, &sc, err), -1);
	assert_int_equal(err->code, WC_EXIT_USAGE);
	char where[300];
	if (line > 0)
		snprintf(where, sizeof where, "%s:%d: ", path, line);
	else
		snprintf(where, sizeof where, "%s: ", path);
	/* The message starts with the location. */
	if (strncmp(err->msg, where, strlen(where)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err->msg, where);
	if (key != NULL) {
		char quoted[100];
		snprintf(quoted, sizeof quoted, "'%s'", key);
		assert_contains(err->msg, quoted);
	}
}

/* [sensor.NAME]: any number up to WC_MAX_SENSORS, in section order, each
 * written back by the resolved text. */
static void sensor_sections_load_in_order(void **state)
{
	(void)state;
	wc_error err = {0};
	char path[64];
	wc_scenario sc;
	assert_int_equal(load_text_file("[sensor.reed]\nkind = live\nsize = 65536\n"
					"[sensor.dark24]\nblocks = 45.1.2.0/24, 46.0.0.0/16\n",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.nsensors, 2);
	assert_string_equal(sc.sensors[0].name, "reed");
	assert_int_equal(sc.sensors[0].kind, WC_SENSOR_LIVE);
	assert_int_equal(sc.sensors[0].size, 65536);
	assert_string_equal(sc.sensors[1].name, "dark24");
	assert_int_equal(sc.sensors[1].kind, WC_SENSOR_DARK);
	assert_int_equal(sc.sensors[1].nblocks, 2);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	wc_scenario_write_resolved(out, &sc);
	fclose(out);
	assert_contains(text, "\n[sensor.reed]\nkind = live\nblocks =\nsize = 65536\n");
	assert_contains(text, "\n[sensor.dark24]\nkind = dark\nblocks = 45.1.2.0/24, "
			      "46.0.0.0/16\nsize = 0\n");
	free(text);
	assert_int_equal(wc_scenario_set(&sc, "sensor.reed.size=256", &err), 0);
	assert_int_equal(sc.sensors[0].size, 256);
	assert_int_equal(wc_sensor_def_size(&sc.sensors[0]), 256);
	/* prefix_length: the same block given as /N, an integer calibrate can vary */
	assert_int_equal(wc_scenario_set(&sc, "sensor.reed.size=0", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, "sensor.reed.prefix_length=18", &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	assert_int_equal(wc_sensor_def_size(&sc.sensors[0]), 16384);
	assert_int_equal(wc_sensor_def_size(&sc.sensors[1]), 0);
}

/* Bad sensor sections: file, line and key, exit 2. */
static void sensor_errors_name_file_line_and_key(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("[sensor.a]\nkind = live\n", 2, "blocks", &err, path, sizeof path);
	assert_contains(err.msg,
			"give one of the keys 'blocks', 'size' and 'prefix_length', not none");
	expect_file_error("[sensor.a]\nkind = live\nsize = 256\nblocks = 1.0.0.0/24\n", 2, "blocks",
			  &err, path, sizeof path);
	assert_contains(err.msg, "not more");
	expect_file_error("[sensor.a]\nkind = live\nsize = 256\nprefix_length = 24\n", 2,
			  "prefix_length", &err, path, sizeof path);
	assert_contains(err.msg, "not more");
	expect_file_error("[sensor.a]\nkind = live\nprefix_length = 7\n", 3,
			  "sensor.a.prefix_length", &err, path, sizeof path);
	assert_contains(err.msg, "7 is below 8");
	expect_file_error("[sensor.a]\nprefix_length = 24\n", 2, "sensor.a.prefix_length", &err,
			  path, sizeof path);
	assert_contains(err.msg, "only a live sensor");
	expect_file_error("[sensor.a]\nkind = live\nprefix_length = 33\n", 3,
			  "sensor.a.prefix_length", &err, path, sizeof path);
	expect_file_error("[sensor.a]\nsize = 256\n", 2, "sensor.a.size", &err, path, sizeof path);
	assert_contains(err.msg, "only a live sensor");
	expect_file_error("[sensor.a]\nkind = live\nsize = 300\n", 3, "sensor.a.size", &err, path,
			  sizeof path);
	assert_contains(err.msg, "300 is not a power of two");
	expect_file_error("[sensor.a]\nkind = live\nsize = 33554432\n", 3, "sensor.a.size", &err,
			  path, sizeof path);
	expect_file_error("[sensor.a]\nblocks = 1.2.3.4/8\n", 2, "sensor.a.blocks", &err, path,
			  sizeof path);
	expect_file_error("[sensor.a]\nkind = grey\n", 2, "sensor.a.kind", &err, path, sizeof path);
	expect_file_error("[sensor.a]\nblocks = 1.0.0.0/8, 1.2.0.0/16\n", 2, "sensor.a.blocks",
			  &err, path, sizeof path);
	assert_contains(err.msg, "blocks overlap");
	expect_file_error("[sensor.x/y]\nkind = dark\n", 2, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "sensor names use letters");
	expect_file_error("[sensor.a]\nbogus = 1\n", 2, "sensor.a.bogus", &err, path, sizeof path);
	/* column names collide with a fixed column, or with another sensor's */
	expect_file_error("[sensor.telescope]\nblocks = 1.0.0.0/8\n", 2, NULL, &err, path,
			  sizeof path);
	assert_contains(err.msg, "its column telescope_probes is already a timeline column");
	expect_file_error("[sensor.a]\nblocks = 1.0.0.0/8\n[sensor.a_interval]\nblocks = "
			  "2.0.0.0/8\n",
			  4, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "a_interval_sources");
	char many[1024] = "";
	for (int i = 0; i <= WC_MAX_SENSORS; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
			 "[sensor.s%d]\nblocks = %d.0.0.0/16\n", i, i + 1);
	expect_file_error(many, 2 * WC_MAX_SENSORS + 2, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "at most 8 sensors");
	expect_file_error("[defense.filter]\nmethod = content\n[sensor.a]\nblocks = "
			  "1.0.0.0/8\n",
			  4, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "not modelled together with [defense.filter]");
}

/* ---- built-ins ---- */

static void codered_v2_loads_with_documented_values(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(sc.name, "codered-v2");
	assert_string_equal(sc.source, "builtin:codered-v2");
	assert_int_equal(sc.vulnerable, 360000);
	assert_int_equal(sc.threads, 100);
	assert_int_equal(sc.timing, WC_TIMING_THREADS);
	assert_int_equal(sc.placement, WC_PLACE_CLUSTERED);
	assert_int_equal(sc.step, 1);
	assert_int_equal(sc.interval, 60);
	wc_time start, end;
	assert_int_equal(wc_time_parse("2001-07-19T10:00:00Z", &start), 0);
	assert_int_equal(wc_time_parse("2001-07-20T06:00:00Z", &end), 0);
	assert_int_equal(sc.start, start);
	assert_int_equal(sc.end, end);
	assert_int_equal(sc.scan_space.base, 0);
	assert_int_equal(sc.scan_space.len, 0);

	assert_int_equal(sc.nclasses, 2);
	assert_string_equal(sc.classes[0].name, "home");
	assert_string_equal(sc.classes[1].name, "managed");
	assert_true(sc.classes[0].share == 0.6);
	assert_true(sc.classes[1].share == 0.4);
	assert_true(sc.classes[1].patch_rate == 0.05);
	/* home has no patch_start: finish() sets it to the outbreak start. */
	assert_false(sc.classes[0].patch_start_set);
	assert_int_equal(sc.classes[0].patch_start, sc.start);
	assert_true(sc.classes[1].patch_start_set);
	assert_int_equal(sc.classes[1].patch_start, start + 6 * 3600);

	assert_int_equal(sc.ntelescope, 1);
	wc_prefix tel;
	assert_int_equal(wc_prefix_parse("44.0.0.0/8", &tel), 0);
	assert_int_equal(sc.telescope[0].base, tel.base);
	assert_int_equal(sc.telescope[0].len, 8);

	assert_int_equal(sc.nhistory, 2);
	wc_time h0;
	assert_int_equal(wc_time_parse("2001-07-19T19:00:00Z", &h0), 0);
	assert_int_equal(sc.history[0].time, h0);
	assert_true(sc.history[0].value == 250000);
	assert_true(sc.history[1].value == 359000);

	assert_int_equal(sc.spread_first, 1);
	assert_int_equal(sc.spread_last, 19);
	assert_int_equal(sc.flood_first, 20);
	assert_int_equal(sc.flood_last, 27);
	assert_int_equal(sc.target_action, WC_TARGET_MOVE);
	uint32_t target;
	assert_int_equal(wc_ipv4_parse("198.137.240.91", &target), 0);
	assert_int_equal(sc.flood_target, target);
}

static void every_builtin_loads_and_finishes(void **state)
{
	(void)state;
	int n = wc_scenario_builtin_count();
	assert_true(n >= 1);
	int found_codered = 0;
	for (int i = 0; i < n; i++) {
		const char *name = wc_scenario_builtin_name(i);
		assert_non_null(name);
		assert_non_null(wc_scenario_builtin_text(name));
		found_codered |= strcmp(name, "codered-v2") == 0;
		wc_scenario sc;
		wc_error err = {0};
		wc_scenario_init(&sc);
		if (wc_scenario_load(&sc, name, &err) != 0 || wc_scenario_finish(&sc, &err) != 0)
			fail_msg("built-in %s: %s", name, err.msg);
		char desc[256];
		wc_scenario_builtin_description(i, desc, sizeof desc);
		assert_string_equal(desc, sc.description);
		assert_true(strlen(desc) > 0); /* `wormcast scenarios` shows it */
	}
	assert_true(found_codered);
	assert_null(wc_scenario_builtin_text("no-such-scenario"));
}

/* `wormcast show NAME > x.ini` then loading x.ini gives the same scenario. */
static void builtin_text_as_file_loads_identically(void **state)
{
	(void)state;
	for (int i = 0; i < wc_scenario_builtin_count(); i++) {
		const char *name = wc_scenario_builtin_name(i);
		wc_scenario a, b;
		wc_error err = {0};
		char path[64];
		wc_scenario_init(&a);
		assert_int_equal(wc_scenario_load_builtin(&a, name, &err), 0);
		assert_int_equal(wc_scenario_finish(&a, &err), 0);
		assert_int_equal(
			load_text_file(wc_scenario_builtin_text(name), path, sizeof path, &b, &err),
			0);
		assert_string_equal(b.source, path);
		memcpy(b.source, a.source, sizeof a.source);
		/* strategy keys record where they were set, which names the file:
		 * the same keys must be set, at the same lines */
		for (int k = 0; k < WC_MAX_STRATEGY_KEYS; k++) {
			const char *la = strrchr(a.strategy_key_set[k], ':'),
				   *lb = strrchr(b.strategy_key_set[k], ':');
			assert_true((la == NULL) == (lb == NULL));
			if (la != NULL)
				assert_string_equal(la, lb);
			memcpy(b.strategy_key_set[k], a.strategy_key_set[k],
			       sizeof a.strategy_key_set[k]);
		}
		/* so do sensor sections, for their messages */
		assert_int_equal(a.nsensors, b.nsensors);
		for (int k = 0; k < a.nsensors; k++) {
			wc_sensor_def *da = &a.sensors[k], *db = &b.sensors[k];
			char *wa[] = {da->where, da->where_blocks, da->where_size};
			char *wb[] = {db->where, db->where_blocks, db->where_size};
			for (int j = 0; j < 3; j++) {
				const char *la = strrchr(wa[j], ':'), *lb = strrchr(wb[j], ':');
				assert_true((la == NULL) == (lb == NULL));
				if (la != NULL)
					assert_string_equal(la, lb);
				memcpy(wb[j], wa[j], sizeof da->where);
			}
		}
		assert_memory_equal(&a, &b, sizeof a);
	}
}

static void unknown_builtin_and_missing_file_are_usage_errors(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load(&sc, "no-such-worm", &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_contains(err.msg, "'no-such-worm'");

	err = (wc_error){0};
	assert_int_equal(wc_scenario_load_builtin(&sc, "no-such-worm", &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);

	const char *missing = "/tmp/wc_test_scenario_missing_dir/none.ini";
	err = (wc_error){0};
	assert_int_equal(wc_scenario_load(&sc, missing, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_true(strncmp(err.msg, missing, strlen(missing)) == 0);
	assert_contains(err.msg, "cannot open");
}

/* ---- file errors: file, line, key ---- */

static void unknown_key_names_file_line_and_key(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[outbreak]\nname = x\n\n[worm]\nthreads = 10\nbogus = 3\n", 6,
			  "worm.bogus", &err, path, sizeof path);
	snprintf(want, sizeof want, "%s:6: unknown key 'worm.bogus' (see docs/scenarios.md)", path);
	assert_string_equal(err.msg, want);
	/* A key of another section is unknown here. */
	expect_file_error("[worm]\nvulnerable = 10\n", 2, "worm.vulnerable", &err, path,
			  sizeof path);
}

/* A key before any [section] is an unknown key too: the message names it. */
static void key_outside_any_section_names_the_key(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("; comment\nthreads = 10\n", 2, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "threads");
}

static void unknown_section_names_file_line_and_section(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[outbreak]\nname = x\n[wrom]\nthreads = 10\n", 4, NULL, &err, path,
			  sizeof path);
	snprintf(want, sizeof want, "%s:4: unknown section [wrom] (see docs/scenarios.md)", path);
	assert_string_equal(err.msg, want);
	/* A class name with characters outside [A-Za-z0-9_-]. */
	expect_file_error("[class.a b]\nshare = 1\n", 2, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "[class.a b]");
}

static void out_of_range_value_names_key_and_range(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[worm]\nthreads = 100\nreply_fraction = 1.5   ; too much\n", 3,
			  "worm.reply_fraction", &err, path, sizeof path);
	snprintf(want, sizeof want,
		 "%s:3: key 'worm.reply_fraction': expected a number from 0 to 1, got '1.5'", path);
	assert_string_equal(err.msg, want);

	expect_file_error("[worm]\nthreads = 0\n", 2, "worm.threads", &err, path, sizeof path);
	assert_contains(err.msg, "from 1 to 10000");
	expect_file_error("[population]\nvulnerable = 12abc\n", 2, "population.vulnerable", &err,
			  path, sizeof path);
	assert_contains(err.msg, "got '12abc'");
	expect_file_error("[population]\nvulnerable = -5\n", 2, "population.vulnerable", &err, path,
			  sizeof path);
	expect_file_error("[worm]\nrtt = nan\n", 2, "worm.rtt", &err, path, sizeof path);
	expect_file_error("[class.home]\nshare = 1\nreboot_rate = -0.1\n", 3,
			  "class.home.reboot_rate", &err, path, sizeof path);
	expect_file_error("[worm]\nscan_space = 12.1.0.0/8\n", 2, "worm.scan_space", &err, path,
			  sizeof path);
	expect_file_error("[clock]\nspread_days = 19-1\n", 2, "clock.spread_days", &err, path,
			  sizeof path);
	expect_file_error("[clock]\nspread_days = 0-19\n", 2, "clock.spread_days", &err, path,
			  sizeof path);
	expect_file_error("[flood]\ntarget = 198.137.240\n", 2, "flood.target", &err, path,
			  sizeof path);
	expect_file_error("[telescope]\nblocks = 44.0.0.0/8, 45.0.0.0/33\n", 2, "telescope.blocks",
			  &err, path, sizeof path);
}

static void malformed_time_names_key(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[outbreak]\nname = x\nstart = 2001-07-19 10:00:00\n", 3,
			  "outbreak.start", &err, path, sizeof path);
	snprintf(want, sizeof want,
		 "%s:3: key 'outbreak.start': expected a UTC time like 2001-07-19T10:00:00Z, "
		 "got '2001-07-19 10:00:00'",
		 path);
	assert_string_equal(err.msg, want);
	expect_file_error("[class.x]\nshare = 1\npatch_start = yesterday\n", 3,
			  "class.x.patch_start", &err, path, sizeof path);
	expect_file_error("[history]\ncumulative_infected = 2001-07-19T19:00:00Z\n", 2,
			  "history.cumulative_infected", &err, path, sizeof path);
}

static void bad_enum_value_lists_choices(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("[population]\nplacement = random\n", 2, "population.placement", &err,
			  path, sizeof path);
	assert_contains(err.msg, "uniform|clustered|file");
	assert_contains(err.msg, "got 'random'");
	expect_file_error("[worm]\n\ntiming = Threads\n", 3, "worm.timing", &err, path,
			  sizeof path);
}

static void class_shares_must_add_up_to_one(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[class.a]\nshare = 0.5\n[class.b]\nshare = 0.4\n", 0, "class.*.share",
			  &err, path, sizeof path);
	snprintf(want, sizeof want, "%s: key 'class.*.share': the shares add up to 0.9, not 1",
		 path);
	assert_string_equal(err.msg, want);
	/* A single class keeps its default share of 1; two at the default add to 2. */
	expect_file_error("[class.a]\nreboot_rate = 1\n[class.b]\nreboot_rate = 2\n", 0,
			  "class.*.share", &err, path, sizeof path);

	wc_scenario sc;
	err = (wc_error){0};
	assert_int_equal(load_text_file("[class.a]\nshare = 0.25\n[class.b]\nshare = 0.75\n", path,
					sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.nclasses, 2);
	/* No class section: one class "all" with everything. */
	assert_int_equal(load_text_file("[worm]\nthreads = 5\n", path, sizeof path, &sc, &err), 0);
	assert_int_equal(sc.nclasses, 1);
	assert_string_equal(sc.classes[0].name, "all");
	assert_true(sc.classes[0].share == 1);
}

static void end_before_start_is_an_error(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[400];
	expect_file_error("[outbreak]\nstart = 2001-07-20T00:00:00Z\nend = 2001-07-19T00:00:00Z\n",
			  0, "outbreak.end", &err, path, sizeof path);
	snprintf(want, sizeof want, "%s: key 'outbreak.end': must be after outbreak.start", path);
	assert_string_equal(err.msg, want);
	expect_file_error("[outbreak]\nstart = 2001-07-20T00:00:00Z\nend = 2001-07-20T00:00:00Z\n",
			  0, "outbreak.end", &err, path, sizeof path);
	/* Other whole-file checks name their key too. */
	expect_file_error("[outbreak]\nstep = 7\n[output]\ninterval = 60\n", 0, "output.interval",
			  &err, path, sizeof path);
	expect_file_error("[population]\nvulnerable = 5\n[outbreak]\nseed_hosts = 6\n", 0,
			  "outbreak.seed_hosts", &err, path, sizeof path);
	expect_file_error("[population]\nplacement = file\n", 0, "population.blocks_file", &err,
			  path, sizeof path);
	expect_file_error("[clock]\nspread_days = 1-20\n", 0, "clock.flood_days", &err, path,
			  sizeof path);
	expect_file_error("[telescope]\nblocks = 44.0.0.0/8, 44.1.0.0/16\n", 0, "telescope.blocks",
			  &err, path, sizeof path);
}

static void unparseable_line_names_its_line(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("[outbreak]\nname = x\n\n; fine\nthis line has no equals sign\n", 5, NULL,
			  &err, path, sizeof path);
	assert_contains(err.msg, "cannot parse this line");
	expect_file_error("[worm]\nthreads = 10\n[unterminated\n", 3, NULL, &err, path,
			  sizeof path);
	/* No trailing newline on the bad last line. */
	expect_file_error("[worm]\nthreads = 10\nrtt", 3, NULL, &err, path, sizeof path);
}

/* Line numbers stay right after comments, blank lines and CRLF endings. */
static void line_numbers_count_every_line(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("; a\n\n# b\n[worm]\n\n\nthreads = 10\n; c\nrtt = 0.3\n\n"
			  "syn_timeout = 0\n",
			  11, "worm.syn_timeout", &err, path, sizeof path);
	expect_file_error("[worm]\r\nthreads = 10\r\n\r\nrtt = x\r\n", 4, "worm.rtt", &err, path,
			  sizeof path);
	/* Only the first error is reported. */
	expect_file_error("[worm]\nthreads = 0\nrtt = -1\n", 2, "worm.threads", &err, path,
			  sizeof path);
}

/* inih reads at most 199 characters a line. A longer comment line must not be
 * refused, or, if refused, at its own line and not as some other key. */
static void long_lines_are_reported_at_their_own_line(void **state)
{
	(void)state;
	char text[1024], path[64], where[100];
	char pad[251];
	memset(pad, 'c', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';

	snprintf(text, sizeof text, "[outbreak]\n; %s\nname = x\n", pad);
	wc_scenario sc;
	wc_error err = {0};
	if (load_text_file(text, path, sizeof path, &sc, &err) != 0) {
		snprintf(where, sizeof where, "%s:2: ", path);
		if (strncmp(err.msg, where, strlen(where)) != 0)
			fail_msg("long comment on line 2 reported as: %s", err.msg);
	}

	/* A long inline comment: the tail must not be read as a key. */
	snprintf(text, sizeof text, "[outbreak]\nname = x ; %.190s threads = 5\n", pad);
	err = (wc_error){0};
	if (load_text_file(text, path, sizeof path, &sc, &err) != 0) {
		snprintf(where, sizeof where, "%s:2: ", path);
		if (strncmp(err.msg, where, strlen(where)) != 0 || strstr(err.msg, "unknown key"))
			fail_msg("long line 2 reported as: %s", err.msg);
	} else {
		assert_string_equal(sc.name, "x");
	}
}

static void file_values_override_defaults(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	char path[64];
	assert_int_equal(load_text_file("[worm]\nthreads = 7   ; inline comment\n"
					"scan_space = 12.0.0.0/8\n"
					"[population]\nvulnerable = 1406\nplacement = uniform\n"
					"[telescope]\nblocks =\n",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.threads, 7);
	assert_int_equal(sc.scan_space.base, 12u << 24);
	assert_int_equal(sc.scan_space.len, 8);
	assert_int_equal(sc.vulnerable, 1406);
	assert_int_equal(sc.placement, WC_PLACE_UNIFORM);
	assert_int_equal(sc.ntelescope, 0);
	assert_string_equal(sc.source, path);
	/* Untouched keys keep the documented defaults. */
	assert_true(sc.reply_fraction == 0.2);
	assert_int_equal(sc.interval, 60);
}

/* ---- --set ---- */

static void set_overrides_keys(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, "population.vulnerable=20000", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, " worm.threads = 50 ", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, "telescope.blocks=12.44.0.0/16,13.0.0.0/8", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, "class.home.reboot_rate=0.3", &err), 0);
	assert_int_equal(wc_scenario_set(&sc, "class.managed.patch_start=2001-07-19T12:00Z", &err),
			 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	assert_int_equal(err.code, 0);
	assert_int_equal(sc.vulnerable, 20000);
	assert_int_equal(sc.threads, 50);
	assert_int_equal(sc.ntelescope, 2);
	assert_int_equal(sc.telescope[1].base, 13u << 24);
	assert_int_equal(sc.nclasses, 2);
	assert_true(sc.classes[0].reboot_rate == 0.3);
	assert_true(sc.classes[0].share == 0.6); /* the rest of the class is kept */
	assert_true(sc.classes[1].reboot_rate == 0.02);
	assert_int_equal(sc.classes[1].patch_start, sc.start + 2 * 3600);

	/* A class named on --set alone is created with the class defaults. */
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_set(&sc, "class.fast.patch_rate=2", &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	assert_int_equal(sc.nclasses, 1);
	assert_string_equal(sc.classes[0].name, "fast");
	assert_true(sc.classes[0].patch_rate == 2);
	assert_true(sc.classes[0].share == 1);
}

static void set_errors_start_with_set(void **state)
{
	(void)state;
	static const struct {
		const char *assignment, *needle;
	} bad[] = {
		{"worm.threads", "expected section.key=value"}, /* missing '=' */
		{"threads=5", "expected section.key=value"},	/* missing dot */
		{".threads=5", "expected section.key=value"},
		{"worm.=5", "expected section.key=value"},
		{"worm.bogus=1", "'worm.bogus'"},     /* unknown key */
		{"wrom.threads=1", "[wrom]"},	      /* unknown section */
		{"worm.threads=0", "'worm.threads'"}, /* out of range */
		{"worm.reply_fraction=1.5", "'worm.reply_fraction'"},
		{"outbreak.start=tomorrow", "'outbreak.start'"},
		{"population.placement=random", "'population.placement'"},
		{"class.home.bogus=1", "'class.home.bogus'"},
		{"class.home.reboot_rate=-1", "'class.home.reboot_rate'"},
		/* Numbers are decimal and whole (core/num.h): strtod took hex and
		 * sscanf("%d-%d") a blank inside a day range. */
		{"worm.reply_fraction=0x0.8p0", "'worm.reply_fraction'"},
		{"worm.reply_fraction=nan", "'worm.reply_fraction'"},
		{"worm.threads=1e2", "'worm.threads'"},
		{"worm.threads=99999999999999999999", "'worm.threads'"},
		{"clock.spread_days=1- 19", "'clock.spread_days'"},
		{"clock.spread_days=1-32", "'clock.spread_days'"},
		{"clock.spread_days=1-", "'clock.spread_days'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wc_scenario sc;
		wc_error err = {0};
		wc_scenario_init(&sc);
		assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
		if (wc_scenario_set(&sc, bad[i].assignment, &err) != -1)
			fail_msg("--set '%s' was accepted", bad[i].assignment);
		assert_int_equal(err.code, WC_EXIT_USAGE);
		if (strncmp(err.msg, "--set", 5) != 0)
			fail_msg("message \"%s\" does not start with --set", err.msg);
		assert_contains(err.msg, bad[i].needle);
	}
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_set(&sc, "worm.bogus=1", &err), -1);
	assert_string_equal(err.msg, "--set: unknown key 'worm.bogus' (see docs/scenarios.md)");
	err = (wc_error){0};
	assert_int_equal(wc_scenario_set(&sc, "worm.threads", &err), -1);
	assert_string_equal(err.msg, "--set 'worm.threads': expected section.key=value");
}

/* outbreak.name becomes a directory name (wormcast-out/NAME-seedN,
 * wormcast-out/sweep-NAME), so it must be a plain name that cannot leave the
 * output folder. */
static void outbreak_name_must_be_a_plain_name(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"../../escaped",
		"a/b",
		"/etc",
		".hidden",
		"..",
		".",
		"",
		"tab\there",
		"sp ace",
		"a;b",
		"x\\y",
		"\xc3\xa9t\xc3\xa9",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		wc_scenario sc;
		wc_error err = {0};
		char set[200];
		snprintf(set, sizeof set, "outbreak.name=%s", bad[i]);
		wc_scenario_init(&sc);
		if (wc_scenario_set(&sc, set, &err) != -1)
			fail_msg("--set '%s' was accepted", set);
		assert_int_equal(err.code, WC_EXIT_USAGE);
		assert_contains(err.msg, "--set: key 'outbreak.name': expected a plain name");
		assert_string_equal(sc.name, "unnamed");
	}
	static const char *const good[] = {"codered-v2", "a", "run_2.b", "A-1.2.3",
					   "012345678901234567890123456789012345678901234567890"
					   "123456789012"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		wc_scenario sc;
		wc_error err = {0};
		char set[200];
		snprintf(set, sizeof set, "outbreak.name=%s", good[i]);
		wc_scenario_init(&sc);
		if (wc_scenario_set(&sc, set, &err) != 0)
			fail_msg("--set '%s' was refused: %s", set, err.msg);
		assert_string_equal(sc.name, good[i]);
	}
	wc_error err;
	char path[64];
	expect_file_error("[outbreak]\nname = ../x\n", 2, "outbreak.name", &err, path, sizeof path);
}

/* A scenario spanning years 0 to 9999 used to run until memory ran out; the
 * span and the timeline's rows are capped, naming the key. */
static void outbreak_span_and_rows_are_capped(void **state)
{
	(void)state;
	wc_error err;
	char path[64];
	expect_file_error("[outbreak]\nstart = 0000-01-01\nend = 9999-12-31\n", 0, "outbreak.end",
			  &err, path, sizeof path);
	assert_contains(err.msg, "spans 3652424.0 days, more than the 366");
	expect_file_error("[outbreak]\nstart = 2001-01-01\nend = 2002-01-02T00:00:01Z\n", 0,
			  "outbreak.end", &err, path, sizeof path);
	/* 366 days at 1 s a row: 31,622,400 rows, 5.8 GB of timeline. */
	expect_file_error("[outbreak]\nstart = 2001-01-01\nend = 2002-01-02\n[output]\n"
			  "interval = 1\n",
			  0, "output.interval", &err, path, sizeof path);
	assert_contains(err.msg, "31622400 rows of 1 s, more than the 527040");
	/* The limits themselves are accepted: 366 days at 60 s is 527,040 rows. */
	wc_scenario sc;
	err = (wc_error){0};
	assert_int_equal(load_text_file("[outbreak]\nstart = 2001-01-01\nend = 2002-01-02\n", path,
					sizeof path, &sc, &err),
			 0);
	assert_int_equal((sc.end - sc.start) / sc.interval, WC_MAX_ROWS);
}

/* --until 1970-01-01 is instant 0, which once meant "not given"; it must be
 * checked against the window like any other instant. */
static void until_at_the_epoch_is_checked(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load_builtin(&sc, "codered-v2", &err), 0);
	assert_int_equal(wc_scenario_finish(&sc, &err), 0);
	wc_run_options opt;
	wc_run_options_init(&opt);
	opt.until_set = true;
	assert_int_equal(wc_time_parse("1970-01-01", &opt.until), 0);
	assert_int_equal(opt.until, 0);
	wc_run_result res;
	assert_int_equal(wc_simulate(&sc, &opt, &res, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	assert_string_equal(err.msg, "--until: 1970-01-01T00:00:00Z must lie after outbreak.start "
				     "(2001-07-19T10:00:00Z) and no later than outbreak.end "
				     "(2001-07-20T06:00:00Z)");
}

/* Nothing on a header line after its ']' is ignored, and an
 * unclosed header is blamed on its own line. */
static void header_lines_hold_only_the_header(void **state)
{
	(void)state;
	wc_error err;
	char path[64], want[300];
	expect_file_error("[outbreak]\nname = x\n[worm] threads = 3\n", 3, NULL, &err, path,
			  sizeof path);
	snprintf(want, sizeof want,
		 "%s:3: text after the section header [worm]: 'threads = 3' (put each key on a "
		 "line of its own)",
		 path);
	assert_string_equal(err.msg, want);
	expect_file_error("[outbreak]\nname = x\n[worm\nthreads = 5\n", 3, NULL, &err, path,
			  sizeof path);
	snprintf(want, sizeof want, "%s:3: section header '[worm' has no closing ']'", path);
	assert_string_equal(err.msg, want);
	/* A comment may follow the header. */
	wc_scenario sc;
	err = (wc_error){0};
	assert_int_equal(load_text_file("[worm]   ; the worm\nthreads = 3\n[outbreak] # x\n"
					"name = y\n",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.threads, 3);
	assert_string_equal(sc.name, "y");
}

/* A lone CR ends a line (old Mac files), as LF and CRLF do. */
static void cr_only_line_ends_are_read(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	char path[64];
	assert_int_equal(load_text_file("; old Mac\r[worm]\rthreads = 7\r\r[population]\r"
					"vulnerable = 1406 ; a comment\r",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.threads, 7);
	assert_int_equal(sc.vulnerable, 1406);
	expect_file_error("[worm]\rthreads = 7\r\rrtt = x\r", 4, "worm.rtt", &err, path,
			  sizeof path);
	/* Mixed ends: CRLF counts once, LF and CR once each. */
	expect_file_error("[worm]\r\nthreads = 7\nrtt = 0.2\r\rsyn_timeout = 0\r\n", 5,
			  "worm.syn_timeout", &err, path, sizeof path);
}

/* A directory given as a scenario is an input error (2). */
static void a_directory_is_not_a_scenario(void **state)
{
	(void)state;
	char dir[] = "/tmp/wc_test_dir_XXXXXX";
	assert_non_null(mkdtemp(dir));
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	assert_int_equal(wc_scenario_load(&sc, dir, &err), -1);
	assert_int_equal(err.code, WC_EXIT_USAGE);
	char want[200];
	snprintf(want, sizeof want, "%s: is a directory, not a scenario file", dir);
	assert_string_equal(err.msg, want);
	assert_int_equal(rmdir(dir), 0);
}

/* Indented lines continue a value (joined with a space) unless they are keys;
 * lines have no length limit; a blank line ends a value. */
static void continuation_lines_and_long_lines(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	char path[64];
	assert_int_equal(load_text_file("\xef\xbb\xbf[telescope]\nblocks = 44.0.0.0/8,\n"
					"   ; a comment inside the value\n\t45.0.0.0/8\n"
					"[worm]\n  threads = 9\n  rtt = 0.5\n",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.ntelescope, 2);
	assert_int_equal(sc.telescope[1].base, 45u << 24);
	assert_int_equal(sc.threads, 9);
	assert_true(sc.rtt == 0.5);
	/* A continuation of a number is part of the value, and so an error. */
	expect_file_error("[worm]\nthreads = 7\n  8\n", 2, "worm.threads", &err, path, sizeof path);
	assert_contains(err.msg, "got '7 8'");
	/* After a blank line an indented line continues nothing. */
	expect_file_error("[worm]\nthreads = 7\n\n  8\n", 4, NULL, &err, path, sizeof path);
	assert_contains(err.msg, "cannot parse this line");
	/* A 5,000-character line. */
	size_t n = 5000;
	char *text = malloc(n + 100);
	assert_non_null(text);
	int k = snprintf(text, n + 100, "[outbreak]\nname = long ; ");
	memset(text + k, 'c', n);
	strcpy(text + k + n, "\ndescription = d\n");
	err = (wc_error){0};
	assert_int_equal(load_text_file(text, path, sizeof path, &sc, &err), 0);
	assert_string_equal(sc.name, "long");
	assert_string_equal(sc.description, "d");
	free(text);
}

/* An inline history list may span lines and be long; a
 * continuation line used to replace the points before it. */
static void history_points_span_lines(void **state)
{
	(void)state;
	wc_scenario sc;
	wc_error err = {0};
	char path[64];
	assert_int_equal(load_text_file("[history]\ncumulative_infected = 2001-07-19T12:00Z 1000,\n"
					"    2001-07-19T13:00Z 2000,\n"
					"    2001-07-19T14:00Z 3000\n",
					path, sizeof path, &sc, &err),
			 0);
	assert_int_equal(sc.nhistory, 3);
	assert_true(sc.history[0].value == 1000 && sc.history[2].value == 3000);
	assert_int_equal(sc.history[2].time - sc.history[0].time, 7200);
	/* 100 points on one line of ~2,900 characters. */
	size_t cap = 8000, k = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	k += (size_t)snprintf(text, cap, "[history]\ncumulative_infected =");
	for (int i = 0; i < 100; i++)
		k += (size_t)snprintf(text + k, cap - k, "%s 2001-07-19T%02d:%02d:00Z %d",
				      i ? "," : "", 10 + i / 60, i % 60, 10 * i);
	snprintf(text + k, cap - k, "\n");
	err = (wc_error){0};
	assert_int_equal(load_text_file(text, path, sizeof path, &sc, &err), 0);
	assert_int_equal(sc.nhistory, 100);
	assert_true(sc.history[99].value == 990);
	free(text);
}

/* Writes text to dir/name. */
static void write_in(const char *dir, const char *name, const char *text)
{
	char p[300];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Loads dir/s.ini holding text; returns the load's result. */
static int load_in(const char *dir, const char *text, wc_scenario *sc, wc_error *err)
{
	write_in(dir, "s.ini", text);
	char p[300];
	snprintf(p, sizeof p, "%s/s.ini", dir);
	wc_scenario_init(sc);
	*err = (wc_error){0};
	return wc_scenario_load_file(sc, p, err);
}

/* history.file, relative to the scenario file's directory. */
static void history_file_is_read_beside_the_scenario(void **state)
{
	(void)state;
	char dir[] = "/tmp/wc_test_hist_XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_in(dir, "pts.csv",
		 "# CAIDA\r\ntime,cumulative_infected\r\n2001-07-19T12:00:00Z,1000\r\n\r\n"
		 "2001-07-19T13:00Z  2500.5\r\n2001-07-19T14:00:00Z , 3000\r\n");
	wc_scenario sc;
	wc_error err;
	/* Inline points first, then the file replaces them. */
	assert_int_equal(load_in(dir,
				 "[history]\ncumulative_infected = 2001-07-19T11:00Z 5\n"
				 "file = pts.csv\n",
				 &sc, &err),
			 0);
	assert_int_equal(sc.nhistory, 3);
	assert_true(sc.history[0].value == 1000 && sc.history[1].value == 2500.5);
	assert_true(sc.history[2].value == 3000);
	wc_time t;
	assert_int_equal(wc_time_parse("2001-07-19T13:00Z", &t), 0);
	assert_int_equal(sc.history[1].time, t);
	char want[300];
	snprintf(want, sizeof want, "%s/pts.csv", dir);
	assert_string_equal(sc.history_file, want);
	/* ... and inline points after the file replace those. */
	assert_int_equal(
		wc_scenario_set(&sc, "history.cumulative_infected=2001-07-19T11:00Z 5", &err), 0);
	assert_int_equal(sc.nhistory, 1);
	assert_string_equal(sc.history_file, "");
	/* --set takes an absolute path as it is. */
	char set[400];
	snprintf(set, sizeof set, "history.file=%s/pts.csv", dir);
	assert_int_equal(wc_scenario_set(&sc, set, &err), 0);
	assert_int_equal(sc.nhistory, 3);
	snprintf(want, sizeof want, "%s/pts.csv", dir);
	unlink(want);
	snprintf(want, sizeof want, "%s/s.ini", dir);
	unlink(want);
	assert_int_equal(rmdir(dir), 0);
}

/* Every line of a history file is a point, a comment, a
 * blank or the header, or the file is refused at that line. */
static void history_file_errors_name_file_and_line(void **state)
{
	(void)state;
	char dir[] = "/tmp/wc_test_hist_XXXXXX";
	assert_non_null(mkdtemp(dir));
	static const struct {
		const char *csv, *msg; /* msg follows "DIR/pts.csv" */
	} bad[] = {
		{"2001-07-19T12:00Z,1\n2001-07-19T13:00Z,2\n\n2001-07-19T14:00Z,3 4\n",
		 ":4: key 'history.file': expected `TIME,COUNT` (a UTC time like "
		 "2001-07-19T10:00:00Z, a count >= 0), got '2001-07-19T14:00Z,3 4'"},
		{"2001-07-19T12:00Z,1\ntime,count\n", ":2: key 'history.file': expected"},
		{"2001-07-19T12:00Z,-1\n", ":1: key 'history.file': expected"},
		{"2001-07-19T25:00Z,1\n", ":1: key 'history.file': expected"},
		{"2001-07-19T12:00Z\n", ":1: key 'history.file': expected"},
		{"2001-07-19T12:00Z,1 # note\n", ":1: key 'history.file': expected"},
		{"# only a comment\ntime,cumulative_infected\n",
		 ": key 'history.file': no points (expected lines of `TIME,COUNT`)"},
	};
	wc_scenario sc;
	wc_error err;
	char want[600];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_in(dir, "pts.csv", bad[i].csv);
		assert_int_equal(load_in(dir, "[history]\nfile = pts.csv\n", &sc, &err), -1);
		assert_int_equal(err.code, WC_EXIT_USAGE);
		snprintf(want, sizeof want, "%s/pts.csv%s", dir, bad[i].msg);
		if (strncmp(err.msg, want, strlen(want)) != 0)
			fail_msg("case %zu: \"%s\" does not start with \"%s\"", i, err.msg, want);
		assert_int_equal(sc.nhistory, 0); /* nothing kept from a refused file */
	}
	/* 2049 points: one too many. */
	FILE *f;
	snprintf(want, sizeof want, "%s/pts.csv", dir);
	assert_non_null(f = fopen(want, "w"));
	for (int i = 0; i <= WC_MAX_HISTORY; i++)
		fprintf(f, "2001-07-19T10:00:00Z,%d\n", i);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(load_in(dir, "[history]\nfile = pts.csv\n", &sc, &err), -1);
	snprintf(want, sizeof want, "%s/pts.csv:2049: key 'history.file': more than 2048 points",
		 dir);
	assert_string_equal(err.msg, want);
	/* A missing file and a directory are named with the scenario's line. */
	assert_int_equal(load_in(dir, "[history]\n\nfile = nope.csv\n", &sc, &err), -1);
	snprintf(want, sizeof want,
		 "%s/s.ini:3: key 'history.file': %s/nope.csv: cannot open: No such file or "
		 "directory",
		 dir, dir);
	assert_string_equal(err.msg, want);
	assert_int_equal(load_in(dir, "[history]\nfile = .\n", &sc, &err), -1);
	snprintf(want, sizeof want, "%s/s.ini:2: key 'history.file': %s/.: not a regular file", dir,
		 dir);
	assert_string_equal(err.msg, want);
	snprintf(want, sizeof want, "%s/pts.csv", dir);
	unlink(want);
	snprintf(want, sizeof want, "%s/s.ini", dir);
	unlink(want);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- documentation ---- */

static char *key_docs(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	wc_scenario_write_key_docs(f);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	return buf;
}

static void key_docs_mention_every_key(void **state)
{
	(void)state;
	char *docs = key_docs();
	static const char *const sections[] = {"outbreak", "worm",	     "population", "clock",
					       "flood",	   "defense.target", "telescope",  "output",
					       "history",  "class.NAME"};
	static const char *const keys[] = {
		"name",
		"description",
		"start",
		"end",
		"step",
		"seed_hosts",
		"strategy",
		"scan_space",
		"timing",
		"threads",
		"probe_rate",
		"syn_timeout",
		"rtt",
		"reply_fraction",
		"request_bytes",
		"uplink_bps",
		"vulnerable",
		"placement",
		"blocks_file",
		"cluster_blocks",
		"cluster_alpha",
		"spread_days",
		"flood_days",
		"wrong_fraction",
		"wrong_offset_days",
		"target",
		"connections",
		"bytes",
		"period",
		"action",
		"at",
		"blocks",
		"interval",
		"cumulative_infected",
		"share",
		"reboot_rate",
		"patch_rate",
		"clean_rate",
		"patch_start",
	};
	char needle[100];
	for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
		snprintf(needle, sizeof needle, "### [%s]\n", sections[i]);
		assert_contains(docs, needle);
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(needle, sizeof needle, "| `%s` |", keys[i]);
		assert_contains(docs, needle);
	}
	/* Units, defaults and ranges appear in the rows. */
	assert_contains(docs, "| `vulnerable` | hosts | `360000` |");
	assert_contains(docs, "| `reply_fraction` | - | `0.2` | a number from 0 to 1 |");
	assert_contains(docs,
			"| `placement` | - | `clustered` | one of uniform\\|clustered\\|file |");
	assert_contains(docs, "| `reboot_rate` | 1/h | `0` |");
	free(docs);
}

/* Every row of the reference is a key that --set accepts, and the default it
 * documents is a value that key accepts. */
static void documented_keys_accept_their_defaults(void **state)
{
	(void)state;
	char *docs = key_docs();
	char section[64] = "";
	int rows = 0;
	for (char *line = strtok(docs, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "### [%63[^]]]", section) == 1)
			continue;
		char key[64], def[200];
		if (sscanf(line, "| `%63[^`]` | %*[^|]| `%199[^`]` |", key, def) != 2)
			continue;
		char assignment[400];
		const char *sec = strcmp(section, "class.NAME") == 0	? "class.test"
				  : strcmp(section, "sensor.NAME") == 0 ? "sensor.test"
									: section;
		snprintf(assignment, sizeof assignment, "%s.%s=%s", sec, key,
			 strcmp(def, "(none)") == 0 ? "" : def);
		wc_scenario sc;
		wc_error err = {0};
		wc_scenario_init(&sc);
		if (wc_scenario_set(&sc, assignment, &err) != 0)
			fail_msg("documented default rejected: %s: %s", assignment, err.msg);
		rows++;
	}
	assert_int_equal(rows, 73);
	free(docs);
}

/* docs/scenarios.md holds the generated reference verbatim (regenerate it with
 * `build/wormcast keys` when the key table changes). Run from the repo root. */
static void docs_scenarios_md_is_current(void **state)
{
	(void)state;
	FILE *f = fopen("docs/scenarios.md", "r");
	if (f == NULL)
		fail_msg("docs/scenarios.md: cannot open (run the tests from the repository root)");
	char *text = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&text, &cap);
	assert_non_null(m);
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	char *docs = key_docs();
	if (strstr(text, docs) == NULL)
		fail_msg("docs/scenarios.md does not contain the output of `wormcast keys`: "
			 "regenerate its key reference with `build/wormcast keys`");
	free(docs);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codered_v2_loads_with_documented_values),
		cmocka_unit_test(sensor_sections_load_in_order),
		cmocka_unit_test(sensor_errors_name_file_line_and_key),
		cmocka_unit_test(every_builtin_loads_and_finishes),
		cmocka_unit_test(builtin_text_as_file_loads_identically),
		cmocka_unit_test(unknown_builtin_and_missing_file_are_usage_errors),
		cmocka_unit_test(unknown_key_names_file_line_and_key),
		cmocka_unit_test(key_outside_any_section_names_the_key),
		cmocka_unit_test(unknown_section_names_file_line_and_section),
		cmocka_unit_test(out_of_range_value_names_key_and_range),
		cmocka_unit_test(malformed_time_names_key),
		cmocka_unit_test(bad_enum_value_lists_choices),
		cmocka_unit_test(class_shares_must_add_up_to_one),
		cmocka_unit_test(end_before_start_is_an_error),
		cmocka_unit_test(unparseable_line_names_its_line),
		cmocka_unit_test(line_numbers_count_every_line),
		cmocka_unit_test(long_lines_are_reported_at_their_own_line),
		cmocka_unit_test(file_values_override_defaults),
		cmocka_unit_test(set_overrides_keys),
		cmocka_unit_test(set_errors_start_with_set),
		cmocka_unit_test(outbreak_name_must_be_a_plain_name),
		cmocka_unit_test(outbreak_span_and_rows_are_capped),
		cmocka_unit_test(until_at_the_epoch_is_checked),
		cmocka_unit_test(header_lines_hold_only_the_header),
		cmocka_unit_test(cr_only_line_ends_are_read),
		cmocka_unit_test(a_directory_is_not_a_scenario),
		cmocka_unit_test(continuation_lines_and_long_lines),
		cmocka_unit_test(history_points_span_lines),
		cmocka_unit_test(history_file_is_read_beside_the_scenario),
		cmocka_unit_test(history_file_errors_name_file_and_line),
		cmocka_unit_test(key_docs_mention_every_key),
		cmocka_unit_test(documented_keys_accept_their_defaults),
		cmocka_unit_test(docs_scenarios_md_is_current),
	};
	return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
