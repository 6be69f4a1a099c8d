/*
 * scenario.h — a worm outbreak, as the user describes it in an INI file.
 *
 * Contract: a wc_scenario is plain data. wc_scenario_init() fills every key with
 * its documented default; wc_scenario_load_*() and wc_scenario_set() apply
 * "section.key = value" pairs, each parsed and range-checked on arrival so an
 * error names the file, line and key; wc_scenario_finish() checks what only the
 * whole file can tell (end after start, class shares adding to one) and derives
 * nothing the engines could not derive themselves.
 *
 * Every key lives in one table (scenario.c): parsing, `wormcast show`, and
 * docs/scenarios.md are all generated from it, so they cannot drift apart.
 */
#ifndef WC_SIM_SCENARIO_H
#define WC_SIM_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/ipv4.h"
#include "core/utc.h"

#define WC_MAX_CLASSES	 8
#define WC_MAX_TELESCOPE 16
#define WC_MAX_HISTORY	 2048
#define WC_NAME_MAX	 64
/* [sensor.NAME] sections, and blocks a sensor may list. */
#define WC_MAX_SENSORS	     8
#define WC_MAX_SENSOR_BLOCKS 16
/* A live sensor given by size: at most a /8 placed at random. */
#define WC_MAX_SENSOR_SIZE (1 << 24)
/* The longest outbreak a run simulates, and the most timeline rows it keeps
 * (366 days at the default 60 s interval: ~97 MB of rows). No real outbreak
 * comes near either; without them a scenario spanning years 0 to 9999 grew
 * until memory ran out. */
#define WC_MAX_SPAN_DAYS 366
#define WC_MAX_ROWS	 527040
/* The largest population.vulnerable; the fast engine's event encoding
 * depends on it (a _Static_assert there). */
#define WC_MAX_VULNERABLE 100000000
/* The largest scenario or history file read (a scenario is a few kB). */
#define WC_MAX_FILE_BYTES (1 << 20)

enum wc_placement { WC_PLACE_UNIFORM, WC_PLACE_CLUSTERED, WC_PLACE_FILE };
enum wc_timing { WC_TIMING_THREADS, WC_TIMING_CONSTANT, WC_TIMING_BANDWIDTH };
/* Target selection; the order is the key table's (scenario.c). */
enum wc_strategy {
	WC_STRATEGY_UNIFORM,	      /* independent uniform targets (Code Red v2) */
	WC_STRATEGY_LOCAL_PREFERENCE, /* own /8, own /16 or anywhere (Code Red II) */
	WC_STRATEGY_STATIC_SEED,      /* every copy walks one fixed sequence (Code Red v1) */
	WC_STRATEGY_UNIFORM_UDP,      /* uniform, one datagram per probe (Slammer) */
	WC_STRATEGY_HITLIST,	      /* a list of vulnerable addresses first, then uniform */
	WC_STRATEGY_PERMUTATION,      /* a shared permutation, jump on hitting an infected host */
	WC_STRATEGY_SEQUENTIAL,	      /* from a start address upwards (Blaster) */
};
#define WC_MAX_STRATEGY_KEYS 8
enum wc_target_action { WC_TARGET_NONE, WC_TARGET_MOVE, WC_TARGET_BLACKHOLE, WC_TARGET_FILTER };
/* What [defense.filter] drops: every worm probe once deployed (content: by
 * signature; port: the worm's whole port), or the probes of addresses on a
 * blacklist, each listed blacklist_delay after its first infection. */
enum wc_filter_method { WC_FILTER_NONE, WC_FILTER_CONTENT, WC_FILTER_BLACKLIST, WC_FILTER_PORT };
/* Where the filters sit: on the paths between networks, or at the edges of a
 * share of the networks themselves. */
enum wc_filter_deployment { WC_DEPLOY_TRANSIT, WC_DEPLOY_EDGE };
enum wc_filter_direction { WC_DIRECTION_BOTH, WC_DIRECTION_INGRESS, WC_DIRECTION_EGRESS };
enum wc_congestion { WC_CONGESTION_HARD, WC_CONGESTION_SMOOTH };

/* A host class: hosts that share reboot and patch behaviour. */
typedef struct wc_host_class {
	char name[WC_NAME_MAX];	 /* from the section name [class.NAME] */
	double share;		 /* fraction of the vulnerable population */
	int threads;		 /* scanning threads; 0: the worm's */
	double uplink_bps;	 /* upstream bandwidth, bit/s; 0: the worm's */
	double lifetime;	 /* hours a copy spreads before it reboots; 0: the worm's */
	double wake_delay;	 /* mean hours a dormant copy wakes late (exponential) */
	double reboot_rate;	 /* reboots per hour of an infected host; clears the worm */
	double patch_rate;	 /* patches per hour of any unpatched host; makes it immune */
	double clean_rate;	 /* per hour: an infected host is found, cleaned and patched */
	wc_time patch_start;	 /* patching begins at this instant */
	bool patch_start_set;	 /* false: patching begins at outbreak start */
	double patch_rate_later; /* the patch rate from patch_change on; < 0: unchanged */
	wc_time patch_change;	 /* when patch_rate becomes patch_rate_later */
	bool patch_change_set;
	double throttle;	 /* host rate throttle, probes/s; 0: none (Williamson) */
	wc_time throttle_start;	 /* the throttle takes effect at this instant */
	bool throttle_start_set; /* false: from the outbreak start */
	double address_lifetime; /* mean hours a host keeps one address (DHCP); 0: for ever */
	int fails;		 /* 1: a device that stops working when the request reaches it */
	double aware_rate;	 /* patches/h of a susceptible host when all have been infected */
} wc_host_class;

/* What a historical figure claims: the value itself, or only that the true
 * one was larger ("more than 359,000"), or a rough figure ("~67,500"). */
enum wc_history_kind {
	WC_HISTORY_COUNT,	/* written as a plain number */
	WC_HISTORY_LOWER_BOUND, /* written ">N" */
	WC_HISTORY_ESTIMATE,	/* written "~N" */
};

/* The simulated curve a historical figure measures, so plots draw it there. */
enum wc_history_curve {
	WC_CURVE_CUMULATIVE, /* [history] cumulative_infected */
	WC_CURVE_ACTIVE,
	WC_CURVE_TELESCOPE,
};

/* A historical measurement drawn on plots beside the simulated curve. */
typedef struct wc_history_point {
	wc_time time;
	double value;
	enum wc_history_kind kind;
	enum wc_history_curve curve;
} wc_history_point;

/* What a sensor is: dark blocks that hold no host (a telescope), or a live
 * site whose addresses may hold hosts and that logs the probes it receives. */
enum wc_sensor_kind { WC_SENSOR_DARK, WC_SENSOR_LIVE };

/* One [sensor.NAME] section: either blocks, or (live only) a size in
 * addresses, a power of two, placed as one aligned block at random in the
 * scan space by the run's seed (sensor.h). */
typedef struct wc_sensor_def {
	char name[WC_NAME_MAX];
	int kind; /* enum wc_sensor_kind */
	int nblocks;
	wc_prefix blocks[WC_MAX_SENSOR_BLOCKS];
	int64_t size;	       /* 0: the blocks or prefix_length say where it is */
	int prefix_length;     /* a /N of 2^(32-N) addresses; 0: size or blocks say */
	char where[96];	       /* where the section began, for messages */
	char where_blocks[96]; /* where blocks and size were set ("" if not) */
	char where_size[96];
} wc_sensor_def;

/* A sized live sensor's addresses, from size or prefix_length; 0 when its
 * blocks say where it is. */
int64_t wc_sensor_def_size(const wc_sensor_def *d);

typedef struct wc_scenario {
	char source[256]; /* file name, or "builtin:NAME", for messages */

	/* [outbreak] */
	char name[WC_NAME_MAX];
	char description[200];
	wc_time start, end; /* simulated interval, UTC */
	int step;	    /* seconds per engine step */
	int seed_hosts;	    /* hosts infected at start */

	/* [worm] */
	enum wc_strategy strategy;
	wc_prefix scan_space; /* targets are uniform over this prefix */
	enum wc_timing timing;
	int threads;		       /* scanning threads per infection */
	int wake_threads;	       /* threads a dormant copy wakes with; 0: all of them */
	double wake_gain;	       /* threads a woken copy gains per hour */
	double probe_rate;	       /* probes per second per host (timing = constant) */
	double syn_timeout;	       /* seconds a thread waits on an address that never answers */
	double rtt;		       /* seconds for an answered attempt */
	double reply_fraction;	       /* share of non-vulnerable addresses that answer at once */
	double request_bytes;	       /* size of the infecting request */
	double uplink_bps;	       /* infected host's upstream bandwidth, bits per second */
	double packet_bytes;	       /* bytes of one probe datagram (timing = bandwidth) */
	double rate_cap;	       /* aggregate probes/s the network carries; 0: no cap */
	enum wc_congestion congestion; /* how the rate falls against rate_cap */
	double lifetime;	  /* hours a copy spreads before the host reboots; 0: forever */
	double local_own8;	  /* local-preference: share of probes in the own /8 */
	double local_own16;	  /* local-preference: share of probes in the own /16 */
	int64_t static_seed;	  /* static-seed: the seed every copy uses */
	int64_t static_sequences; /* static-seed: sequences, one chosen by the copy's address */
	int64_t hitlist_size;	  /* hitlist: vulnerable addresses the seed copies carry */
	double sequential_local;  /* sequential: share of copies starting near their own address */
	/* where each strategy-specific key was set ("" if not), for finish()'s check */
	char strategy_key_set[WC_MAX_STRATEGY_KEYS][96];

	/* [population] */
	int64_t vulnerable;
	enum wc_placement placement;
	char blocks_file[256];
	int cluster_blocks;   /* /16 blocks holding hosts (clustered) */
	double cluster_alpha; /* Pareto shape of hosts per /16 (clustered) */
	int nclasses;
	wc_host_class classes[WC_MAX_CLASSES];

	/* [clock] */
	int spread_first, spread_last; /* days of month the worm spreads */
	int flood_first, flood_last;   /* days of month it floods the target */
	double wrong_fraction;	       /* hosts whose clock is off */
	double wrong_offset_days;      /* wrong offsets are uniform in ±this */

	/* [flood] */
	uint32_t flood_target;
	int flood_connections;
	double flood_bytes;  /* bytes one host sends per flood period */
	double flood_period; /* seconds */

	/* [defense.target] */
	enum wc_target_action target_action;
	wc_time target_at;

	/* [defense.filter] */
	enum wc_filter_method filter_method;
	enum wc_filter_deployment filter_deployment;
	enum wc_filter_direction filter_direction; /* edge only */
	double filter_coverage; /* transit: share of paths filtered; edge: share of /16s */
	wc_time filter_at;	/* when the filters are deployed */
	double blacklist_delay; /* seconds from a host's first infection to its listing */

	/* [telescope] */
	int ntelescope;
	wc_prefix telescope[WC_MAX_TELESCOPE];

	/* [sensor.NAME], in the order the sections first appear */
	int nsensors;
	wc_sensor_def sensors[WC_MAX_SENSORS];

	/* [output] */
	int interval; /* seconds per timeline row */

	/* [history] */
	int nhistory;
	wc_history_point history[WC_MAX_HISTORY]; /* cumulative infected, measured */
	char history_file[256]; /* where they were read from, resolved; "" if inline */
} wc_scenario;

void wc_scenario_init(wc_scenario *sc);

/* Loads an INI file on top of the defaults. */
int wc_scenario_load_file(wc_scenario *sc, const char *path, wc_error *err);
/* Loads a built-in scenario by name (see wc_scenario_builtin_*). */
int wc_scenario_load_builtin(wc_scenario *sc, const char *name, wc_error *err);
/* Loads NAME if it is built in, else treats it as a file path. */
int wc_scenario_load(wc_scenario *sc, const char *name_or_path, wc_error *err);
/* Loads a scenario from len bytes of INI text (no NUL byte among them); file
 * names it in messages and is the base of relative paths in it. */
int wc_scenario_load_buffer(wc_scenario *sc, const char *file, const char *text, size_t len,
			    wc_error *err);
/* Replaces sc's history points with those of a history file's text (lines of
 * TIME,COUNT; docs/scenarios.md), read as file. */
int wc_scenario_history_text(wc_scenario *sc, const char *text, const char *file, wc_error *err);
/* Applies one "section.key=value" override (from --set). */
int wc_scenario_set(wc_scenario *sc, const char *assignment, wc_error *err);
/* Whether "section.key" (or "class.NAME.key") names a key that takes an
 * integer: 1 if so, 0 for any other key, known or not. For callers that
 * generate values rather than read them (`sweep` ranges): they must not hand
 * such a key a fraction. Unknown keys are left to wc_scenario_set to report. */
int wc_scenario_key_is_integer(const char *key);
/* Whole-scenario checks; call after all loads and overrides. */
int wc_scenario_finish(wc_scenario *sc, wc_error *err);

/* Built-in scenarios, embedded at build time from the scenarios folder (one .ini each). */
int wc_scenario_builtin_count(void);
const char *wc_scenario_builtin_name(int i);
const char *wc_scenario_builtin_text(const char *name); /* NULL if unknown */
/* The one-line description of a built-in scenario ([outbreak] description). */
const char *wc_scenario_builtin_description(int i, char *buf, size_t len);

/* "uniform", "local-preference", ... as in scenario files. */
const char *wc_strategy_name(enum wc_strategy s);

/* Writes the resolved scenario (defaults, file and overrides applied) as an
 * INI file that loads back to the same scenario: every key of the table in
 * its order, each class, doubles in their shortest exact form. The same
 * scenario always gives the same bytes, whatever file or --set it came from
 * (the source name is not part of it), so the text is the scenario's identity
 * in summary.json and its hash names output folders. */
void wc_scenario_write_resolved(FILE *out, const wc_scenario *sc);

/* Writes docs/scenarios.md's key reference (Markdown) from the key table. */
void wc_scenario_write_key_docs(FILE *out);

#endif
