/*
 * test_outbreak.c — the outbreak model's rules (src/sim/outbreak.h), checked
 * against their definitions, and the timeline's one list of columns against
 * the docs that describe it.
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "sim/outbreak.h"
#include "sim/timeline.h"

static void set(wc_scenario *sc, const char *kv)
{
	wc_error err = {0};
	if (wc_scenario_set(sc, kv, &err) != 0)
		fail_msg("%s", err.msg);
}

static void load(wc_scenario *sc, const char *const *sets, size_t n)
{
	wc_error err = {0};
	wc_scenario_init(sc);
	assert_int_equal(wc_scenario_load_builtin(sc, "codered-v2", &err), 0);
	for (size_t i = 0; i < n; i++)
		set(sc, sets[i]);
	if (wc_scenario_finish(sc, &err) != 0)
		fail_msg("%s", err.msg);
}

/* Transit: a share `coverage` of the probes between two /16s is dropped,
 * decided by a 24-bit uniform; a probe inside its own /16 never is. */
static void transit_filters_drop_the_covered_share(void **state)
{
	(void)state;
	static const char *const sets[] = {"defense.filter.method=content",
					   "defense.filter.coverage=0.25"};
	wc_scenario sc;
	load(&sc, sets, 2);
	wc_outbreak m;
	wc_outbreak_init(&m, &sc, 1000, 3600, 1);
	uint32_t a = 0x0c000001, b = 0x0d000001, same = 0x0c00ff00;
	uint32_t dropped = 0;
	for (uint32_t u = 0; u < (1u << 24); u += 256)
		dropped += wc_outbreak_drops(&m, WC_SENDER_FILTERABLE, a, b, u);
	assert_int_equal(dropped, (1u << 16) / 4);
	assert_false(wc_outbreak_drops(&m, WC_SENDER_FILTERABLE, a, same, 0));
	assert_false(wc_outbreak_drops(&m, WC_SENDER_OPEN, a, b, 0));
	assert_true(fabs(wc_outbreak_pass(&m, WC_SENDER_FILTERABLE, 0) - 0.75) < 1e-15);
	wc_outbreak_free(&m);
}

/*
 * Edge deployment, Moore et al.'s definitions: ingress filters drop what
 * enters a filtering network, egress filters what leaves one. For each
 * direction and each pair (sender's network filters?, target's network
 * filters?), the rule must drop exactly those.
 */
static void edge_filters_follow_their_direction(void **state)
{
	(void)state;
	const char *const directions[] = {"both", "ingress", "egress"};
	for (int d = 0; d < 3; d++) {
		char kv[64];
		snprintf(kv, sizeof kv, "defense.filter.direction=%s", directions[d]);
		const char *const sets[] = {"defense.filter.method=content",
					    "defense.filter.deployment=edge",
					    "defense.filter.coverage=0.5", kv};
		wc_scenario sc;
		load(&sc, sets, 4);
		wc_outbreak m;
		wc_outbreak_init(&m, &sc, 1000, 3600, 7);
		assert_non_null(m.edge16);
		uint32_t open = 0, filtering = 0; /* a /16 of each kind */
		for (uint32_t b = 256; b < 65536 && (!open || !filtering); b++)
			*(m.edge16[b] ? &filtering : &open) = b << 16;
		bool in = d != 2, out = d != 1;
		for (int from_f = 0; from_f < 2; from_f++)
			for (int to_f = 0; to_f < 2; to_f++) {
				uint32_t src = (from_f ? filtering : open) + 1;
				uint32_t dst = (to_f ? filtering : open) + 0x10002;
				if (!!m.edge16[dst >> 16] != to_f)
					dst = (to_f ? filtering : open) + 2; /* same kind */
				if ((src >> 16) == (dst >> 16))
					continue;
				enum wc_sender st = wc_outbreak_sender(&m, true, false, src);
				bool want = (from_f && out) || (to_f && in);
				assert_int_equal(wc_outbreak_drops(&m, st, src, dst, 12345), want);
			}
		assert_int_equal(wc_outbreak_sender(&m, false, false, filtering), WC_SENDER_OPEN);
		wc_outbreak_free(&m);
	}
}

/* A copy leaves at its first removal (reboot capped by its lifetime, or
 * cleaning), in step floor(time / Δ); it leaves clean only if cleaning came
 * first. */
static void fate_takes_the_first_removal(void **state)
{
	(void)state;
	static const char *const sets[] = {"worm.lifetime=1"};
	wc_scenario sc;
	load(&sc, sets, 1);
	wc_outbreak m;
	wc_outbreak_init(&m, &sc, 1000, 86400, 1);
	wc_fate f = wc_outbreak_fate(&m, 0, 100, 50, 70);
	assert_int_equal(f.leave_step, 150);
	assert_false(f.clean);
	f = wc_outbreak_fate(&m, 0, 100, 5000, 70.5);
	assert_int_equal(f.leave_step, 170);
	assert_true(f.clean);
	f = wc_outbreak_fate(&m, 0, 0, INFINITY, 7200); /* the lifetime (1 h) comes first */
	assert_int_equal(f.leave_step, 3600);
	assert_false(f.clean);
	m.lifetime[0] = INFINITY;
	f = wc_outbreak_fate(&m, 0, 0, INFINITY, INFINITY);
	assert_int_equal(f.leave_step, WC_NEVER);
	assert_int_equal(wc_outbreak_after_leave(WC_HOST_LEAVE_CLEAN), WC_HOST_PATCHED);
	assert_int_equal(wc_outbreak_after_leave(WC_HOST_EVER), WC_HOST_SUSCEPTIBLE);
	assert_false(wc_outbreak_patchable(WC_HOST_FAILED));
	wc_outbreak_free(&m);
}

/* Epochs: the filters' deployment and a throttle rollout each open one; a
 * throttled class probes at min(worm rate, throttle) from its rollout on, the
 * other class never. */
static void epochs_follow_the_schedule(void **state)
{
	(void)state;
	static const char *const sets[] = {
		"outbreak.step=60",
		"output.interval=7200",
		"defense.filter.method=content",
		"defense.filter.at=2001-07-19T12:00:00Z",
		"class.home.throttle=1",
		"class.home.throttle_start=2001-07-19T11:00:30Z",
	};
	wc_scenario sc;
	load(&sc, sets, 6);
	wc_outbreak m;
	wc_outbreak_init(&m, &sc, 1000, 600, 1); /* 10:00 to 20:00 */
	assert_int_equal(m.nepochs, 3);
	assert_int_equal(m.epoch[1].from, 61); /* the first step after 11:00:30 */
	assert_int_equal(m.epoch[2].from, 120);
	assert_false(m.epoch[1].filters);
	assert_true(m.epoch[2].filters);
	int home = strcmp(sc.classes[0].name, "home") == 0 ? 0 : 1;
	assert_true(m.epoch[0].class_rate[home] > 5);
	assert_true(m.epoch[1].class_rate[home] == 1 && m.epoch[2].class_rate[home] == 1);
	assert_true(m.epoch[2].class_rate[1 - home] == m.epoch[0].class_rate[1 - home]);
	assert_int_equal(wc_outbreak_epoch_at(&m, 60), 0);
	assert_int_equal(wc_outbreak_epoch_at(&m, 61), 1);
	assert_int_equal(wc_outbreak_epoch_at(&m, 599), 2);
	/* the next instant that cannot be skipped: row end, epoch, patch */
	assert_int_equal(wc_outbreak_next_fixed(&m, 50, 0, NAN), 61);
	assert_int_equal(wc_outbreak_next_fixed(&m, 0, 0, NAN), 61);
	assert_int_equal(wc_outbreak_next_fixed(&m, 61, 0, NAN), 119); /* the row's last step */
	assert_int_equal(wc_outbreak_next_fixed(&m, 61, 1, NAN), 119); /* no awareness */
	m.aware = true; /* its hazard changes with each infection: every step counts */
	assert_int_equal(wc_outbreak_next_fixed(&m, 61, 1, NAN), 62);
	assert_int_equal(wc_outbreak_next_fixed(&m, 61, 0, NAN), 119);
	assert_int_equal(wc_outbreak_next_fixed(&m, 70, 0, 75.5 * 60), 75);
	assert_int_equal(wc_outbreak_next_fixed(&m, 590, 0, NAN), 599);
	wc_outbreak_free(&m);
}

/* The docs' table of timeline columns lists every column of the one list, in
 * order, with its kind: a column added to the code must reach the docs. */
static void docs_list_every_timeline_column(void **state)
{
	(void)state;
	FILE *f = fopen("docs/design.md", "r");
	assert_non_null(f);
	static char text[1 << 17];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	static const char *const kinds[] = {"count", "flow", "growing"};
	const char *at = text;
	for (size_t i = 0; i < wc_timeline_ncolumns; i++) {
		char row[128];
		snprintf(row, sizeof row, "| `%s` | %s |", wc_timeline_columns[i].name,
			 kinds[wc_timeline_columns[i].kind]);
		const char *found = strstr(at, row);
		if (found == NULL)
			fail_msg("docs/design.md: no row starting \"%s\" after the previous column",
				 row);
		at = found;
	}
	char header[2048];
	size_t len = strlen("time");
	memcpy(header, "time", len + 1);
	for (size_t i = 0; i < wc_timeline_ncolumns; i++)
		len += (size_t)snprintf(header + len, sizeof header - len, ",%s",
					wc_timeline_columns[i].name);
	assert_string_equal(header, wc_timeline_csv_header);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transit_filters_drop_the_covered_share),
		cmocka_unit_test(edge_filters_follow_their_direction),
		cmocka_unit_test(fate_takes_the_first_removal),
		cmocka_unit_test(epochs_follow_the_schedule),
		cmocka_unit_test(docs_list_every_timeline_column),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
