/*
 * Every enum <-> name table: each name maps back to its value, every value
 * has a name of its own, and an unknown name is refused. The tables: engines
 * (sim.h), target strategies (the worm.strategy key and wc_strategy_name),
 * the scenario's other enumerated keys, detect's kinds and formats, and the
 * fit models.
 */
#include "testutil.h"

#include <string.h>

#include "detect/detect.h"
#include "model/models.h"
#include "sim/scenario.h"
#include "sim/sim.h"

static void engines_round_trip(void **state)
{
	(void)state;
	static const struct {
		enum wc_engine e;
		const char *name;
	} t[] = {{WC_ENGINE_AUTO, "auto"}, {WC_ENGINE_PROBE, "probe"}, {WC_ENGINE_FAST, "fast"}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		enum wc_engine e = WC_ENGINE_AUTO;
		assert_string_equal(wc_engine_name(t[i].e), t[i].name);
		assert_int_equal(wc_engine_parse(t[i].name, &e), 0);
		assert_int_equal(e, t[i].e);
	}
	enum wc_engine e = WC_ENGINE_FAST;
	assert_int_equal(wc_engine_parse("Fast", &e), -1);
	assert_int_equal(wc_engine_parse("", &e), -1);
	assert_int_equal(e, WC_ENGINE_FAST);
}

/* One enumerated scenario key: its names in enum order, read back from the
 * field the key sets. */
typedef struct enum_key {
	const char *key;
	int nvalues;
	const char *names[8];
	int values[8];
} enum_key;

static int field(const wc_scenario *sc, const char *key)
{
	if (strcmp(key, "worm.strategy") == 0)
		return (int)sc->strategy;
	if (strcmp(key, "worm.timing") == 0)
		return (int)sc->timing;
	if (strcmp(key, "worm.congestion") == 0)
		return (int)sc->congestion;
	if (strcmp(key, "population.placement") == 0)
		return (int)sc->placement;
	if (strcmp(key, "defense.target.action") == 0)
		return (int)sc->target_action;
	if (strcmp(key, "defense.filter.method") == 0)
		return (int)sc->filter_method;
	if (strcmp(key, "defense.filter.deployment") == 0)
		return (int)sc->filter_deployment;
	if (strcmp(key, "defense.filter.direction") == 0)
		return (int)sc->filter_direction;
	fail_msg("no field for %s", key);
	return -1;
}

static const enum_key enum_keys[] = {
	{"worm.strategy",
	 7,
	 {"uniform", "local-preference", "static-seed", "uniform-udp", "hitlist", "permutation",
	  "sequential"},
	 {WC_STRATEGY_UNIFORM, WC_STRATEGY_LOCAL_PREFERENCE, WC_STRATEGY_STATIC_SEED,
	  WC_STRATEGY_UNIFORM_UDP, WC_STRATEGY_HITLIST, WC_STRATEGY_PERMUTATION,
	  WC_STRATEGY_SEQUENTIAL}},
	{"worm.timing",
	 3,
	 {"threads", "constant", "bandwidth"},
	 {WC_TIMING_THREADS, WC_TIMING_CONSTANT, WC_TIMING_BANDWIDTH}},
	{"worm.congestion", 2, {"hard", "smooth"}, {WC_CONGESTION_HARD, WC_CONGESTION_SMOOTH}},
	{"population.placement",
	 3,
	 {"uniform", "clustered", "file"},
	 {WC_PLACE_UNIFORM, WC_PLACE_CLUSTERED, WC_PLACE_FILE}},
	{"defense.target.action",
	 4,
	 {"none", "move", "blackhole", "filter"},
	 {WC_TARGET_NONE, WC_TARGET_MOVE, WC_TARGET_BLACKHOLE, WC_TARGET_FILTER}},
	{"defense.filter.method",
	 4,
	 {"none", "content", "blacklist", "port"},
	 {WC_FILTER_NONE, WC_FILTER_CONTENT, WC_FILTER_BLACKLIST, WC_FILTER_PORT}},
	{"defense.filter.deployment", 2, {"transit", "edge"}, {WC_DEPLOY_TRANSIT, WC_DEPLOY_EDGE}},
	{"defense.filter.direction",
	 3,
	 {"both", "ingress", "egress"},
	 {WC_DIRECTION_BOTH, WC_DIRECTION_INGRESS, WC_DIRECTION_EGRESS}},
};

/* Each name sets its value (set in reverse order, so no value is left over
 * from the one before), values are distinct, and a wrong name is refused with
 * the field unchanged. */
static void scenario_enum_keys_round_trip(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof enum_keys / sizeof enum_keys[0]; k++) {
		const enum_key *ek = &enum_keys[k];
		wc_scenario sc;
		wc_scenario_init(&sc);
		for (int i = ek->nvalues - 1; i >= 0; i--) {
			char kv[96];
			wc_error err = {0};
			snprintf(kv, sizeof kv, "%s=%s", ek->key, ek->names[i]);
			if (wc_scenario_set(&sc, kv, &err) != 0)
				fail_msg("%s: %s", kv, err.msg);
			assert_int_equal(field(&sc, ek->key), ek->values[i]);
			for (int j = 0; j < i; j++)
				assert_int_not_equal(ek->values[i], ek->values[j]);
		}
		char kv[96];
		wc_error err = {0};
		snprintf(kv, sizeof kv, "%s=no-such-%s", ek->key, ek->names[0]);
		assert_int_not_equal(wc_scenario_set(&sc, kv, &err), 0);
		assert_int_equal(field(&sc, ek->key), ek->values[0]);
	}
}

/* wc_strategy_name agrees with the worm.strategy key, and says "?" past it. */
static void strategy_names_match_the_key(void **state)
{
	(void)state;
	const enum_key *ek = &enum_keys[0];
	assert_string_equal(ek->key, "worm.strategy");
	for (int i = 0; i < ek->nvalues; i++)
		assert_string_equal(wc_strategy_name((enum wc_strategy)ek->values[i]),
				    ek->names[i]);
	assert_string_equal(wc_strategy_name((enum wc_strategy)ek->nvalues), "?");
}

static void detect_kinds_and_formats_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < WC_KIND_COUNT; k++) {
		const char *name = wc_detect_kind_name(k);
		assert_true(name[0] != '\0' && strcmp(name, "none") != 0 && strcmp(name, "?") != 0);
		for (int j = 0; j < k; j++) /* distinct: the name maps back to k alone */
			assert_string_not_equal(name, wc_detect_kind_name(j));
	}
	assert_string_equal(wc_detect_kind_name(WC_KIND_NONE), "none");
	assert_string_equal(wc_detect_kind_name(WC_KIND_COUNT), "none");
	static const wc_detect_format formats[] = {
		WC_FORMAT_AUTO, WC_FORMAT_APACHE, WC_FORMAT_IIS,       WC_FORMAT_ERROR,
		WC_FORMAT_PCAP, WC_FORMAT_ZEEK,	  WC_FORMAT_ZEEK_JSON, WC_FORMAT_EVE};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		wc_detect_format f = WC_FORMAT_AUTO;
		const char *name = wc_detect_format_name(formats[i]);
		assert_string_not_equal(name, "?");
		assert_int_equal(wc_detect_format_parse(name, &f), 0);
		assert_int_equal(f, formats[i]);
	}
	wc_detect_format f = WC_FORMAT_IIS;
	assert_int_equal(wc_detect_format_parse("pcapng", &f), -1);
	assert_int_equal(f, WC_FORMAT_IIS);
	assert_string_equal(wc_detect_format_name((wc_detect_format)(WC_FORMAT_EVE + 1)), "?");
}

static void models_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < WC_MODEL_COUNT; k++) {
		const wc_model_info *m = wc_model_describe((wc_model_kind)k);
		assert_non_null(m);
		assert_int_equal(m->kind, k);
		wc_model_kind back = WC_MODEL_COUNT;
		assert_int_equal(wc_model_parse(m->name, &back), 0);
		assert_int_equal(back, k);
		assert_true(m->nparams > 0 && m->nparams <= WC_MODEL_MAX_PARAMS);
	}
	wc_model_kind k = WC_MODEL_SIR;
	assert_int_equal(wc_model_parse("logistic", &k), 0); /* the documented synonym */
	assert_int_equal(k, WC_MODEL_RCS);
	assert_int_equal(wc_model_parse("si", &k), -1);
	assert_int_equal(k, WC_MODEL_RCS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(engines_round_trip),
		cmocka_unit_test(scenario_enum_keys_round_trip),
		cmocka_unit_test(strategy_names_match_the_key),
		cmocka_unit_test(detect_kinds_and_formats_round_trip),
		cmocka_unit_test(models_round_trip),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
