/*
 * The scenario key table and the INI reader built on it.
 *
 * Each key is one row: where it lives in wc_scenario, its type and range, its
 * default (as text, parsed by the same code as user input, so the documented
 * default is the applied one), its unit and one line of documentation.
 */
#include "sim/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/num.h"
#include "core/vec.h"
#include "core/xalloc.h"
#include "sim/timeline.h"

enum key_type {
	KT_INT,	     /* int */
	KT_INT64,    /* int64_t */
	KT_DOUBLE,   /* double */
	KT_TIME,     /* wc_time, ISO 8601 UTC */
	KT_ENUM,     /* int-sized enum, names in key_def.choices */
	KT_STRING,   /* char array of key_def.max bytes */
	KT_NAME,     /* KT_STRING that becomes part of a path: a plain name only */
	KT_PREFIX,   /* wc_prefix */
	KT_ADDR,     /* uint32_t address */
	KT_DAYS,     /* "A-B": two ints, days of the month */
	KT_PREFIXES, /* comma-separated prefixes into telescope[] */
	KT_BLOCKS,   /* comma-separated prefixes into a wc_sensor_def's blocks[] */
	KT_HISTORY,  /* "TIME VALUE, TIME VALUE, ..." into history[] */
	KT_HISTFILE, /* KT_STRING naming a file of history points, read on arrival */
	KT_FLAG_TIME /* wc_time, and sets the bool that follows it in the struct */
};

struct key_def {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;
	double min, max;
	const char *def;
	const char *unit;
	const char *choices; /* KT_ENUM: "a|b|c", in enum order */
	const char *doc;
};

#define SC(field) offsetof(wc_scenario, field)
#define HC(field) offsetof(wc_host_class, field)
#define SD(field) offsetof(wc_sensor_def, field)

static const struct key_def scenario_keys[] = {
	{"outbreak", "name", KT_NAME, SC(name), 0, WC_NAME_MAX, "unnamed", "", NULL,
	 "Short name, used in output directory names and plot titles."},
	{"outbreak", "description", KT_STRING, SC(description), 0, 200, "", "", NULL,
	 "One line shown by `wormcast scenarios`."},
	{"outbreak", "start", KT_TIME, SC(start), 0, 0, "2001-07-19T10:00:00Z", "UTC", NULL,
	 "First simulated instant; the seed hosts are infected then."},
	{"outbreak", "end", KT_TIME, SC(end), 0, 0, "2001-07-20T06:00:00Z", "UTC", NULL,
	 "Last simulated instant (exclusive of later steps)."},
	{"outbreak", "step", KT_INT, SC(step), 1, 3600, "1", "s", NULL,
	 "Engine step; infections found in a step take effect at its end."},
	{"outbreak", "seed_hosts", KT_INT, SC(seed_hosts), 1, 1000000, "1", "hosts", NULL,
	 "Vulnerable hosts infected at the start, chosen at random."},

	{"worm", "strategy", KT_ENUM, SC(strategy), 0, 0, "uniform", "",
	 "uniform|local-preference|static-seed|uniform-udp|hitlist|permutation|sequential",
	 "Target selection. uniform: independent uniform addresses in scan_space (Code Red v2); "
	 "local-preference: local_own8 of probes in the host's /8, local_own16 in its /16, the "
	 "rest anywhere, never 127/8, 224/3 or itself (Code Red II); static-seed: every copy "
	 "walks the same address sequence from its start (Code Red v1); uniform-udp: uniform, "
	 "one datagram per probe, rate set by bandwidth (Slammer); hitlist: the seed copies "
	 "carry hitlist_size vulnerable addresses, halved at each infection, then uniform; "
	 "permutation: all copies walk one shared permutation of scan_space, each from a random "
	 "point, jumping to a new one on hitting an infected host (Staniford); sequential: "
	 "upwards from a start address (Blaster). Only uniform, uniform-udp and local-preference "
	 "run on the fast engine."},
	{"worm", "scan_space", KT_PREFIX, SC(scan_space), 0, 0, "0.0.0.0/0", "CIDR", NULL,
	 "Address block the worm draws targets from; 0.0.0.0/0 is all of IPv4. A smaller "
	 "block with a proportionally smaller population keeps the spread rate K and runs "
	 "faster (reduced-scale tests)."},
	{"worm", "timing", KT_ENUM, SC(timing), 0, 0, "threads", "", "threads|constant|bandwidth",
	 "threads: each of `threads` threads waits for its attempt to finish, so the probe "
	 "rate emerges from the address space; constant: `probe_rate` probes per second; "
	 "bandwidth: uplink_bps / (8 packet_bytes) datagrams per second (uniform-udp)."},
	{"worm", "threads", KT_INT, SC(threads), 1, 10000, "100", "threads", NULL,
	 "Scanning threads started by one infection (timing = threads)."},
	{"worm", "wake_threads", KT_INT, SC(wake_threads), 0, 10000, "0", "threads", NULL,
	 "Threads a dormant copy wakes with (CERT's lab saw a woken copy start slowly, about "
	 "160 probes an hour, not all threads at once); it gains wake_gain an hour up to its "
	 "full count. A copy infected while spreading starts at full rate. 0: a woken copy "
	 "starts at full rate."},
	{"worm", "wake_gain", KT_DOUBLE, SC(wake_gain), 0, 1e6, "0", "threads/h", NULL,
	 "Threads a woken copy gains per hour, one at a time, after waking with wake_threads."},
	{"worm", "probe_rate", KT_DOUBLE, SC(probe_rate), 0, 1e7, "6", "probes/s", NULL,
	 "Probes per second per infected host (timing = constant)."},
	{"worm", "syn_timeout", KT_DOUBLE, SC(syn_timeout), 0.001, 600, "21", "s", NULL,
	 "Time a thread is blocked by an address that never answers (the SYN retries)."},
	{"worm", "rtt", KT_DOUBLE, SC(rtt), 0, 60, "0.2", "s", NULL,
	 "Round-trip time of an answered attempt (SYN-ACK, RST or ICMP unreachable)."},
	{"worm", "reply_fraction", KT_DOUBLE, SC(reply_fraction), 0, 1, "0.2", "", NULL,
	 "Share of probes to non-vulnerable addresses that are answered at once; the rest "
	 "block a thread for syn_timeout. Telescope blocks never answer."},
	{"worm", "request_bytes", KT_DOUBLE, SC(request_bytes), 0, 1e9, "4000", "bytes", NULL,
	 "Size of the infecting request sent to a web server that answers."},
	{"worm", "uplink_bps", KT_DOUBLE, SC(uplink_bps), 1e3, 1e12, "256000", "bit/s", NULL,
	 "Upstream bandwidth of an infected host; sets how long sending the request takes, "
	 "and the probe rate with timing = bandwidth. A class may set its own."},
	{"worm", "packet_bytes", KT_DOUBLE, SC(packet_bytes), 1, 65535, "404", "bytes", NULL,
	 "Size of one probe datagram on the wire (timing = bandwidth; Slammer's was 404)."},
	{"worm", "rate_cap", KT_DOUBLE, SC(rate_cap), 0, 1e12, "0", "probes/s", NULL,
	 "Aggregate probes per second the network carries (backbone saturation); when the "
	 "spreading hosts would send more, each host's rate is scaled down alike. 0: no cap."},
	{"worm", "congestion", KT_ENUM, SC(congestion), 0, 0, "hard", "", "hard|smooth",
	 "How the network carries an offered load R against rate_cap C: hard delivers "
	 "min(R, C) (a saturated backbone, Slammer); smooth delivers R·C/(R + C), a rate that "
	 "falls gradually as traffic rises (congestion, the two-factor model's falling beta)."},
	{"worm", "lifetime", KT_DOUBLE, SC(lifetime), 0, 1e6, "0", "h", NULL,
	 "Hours a copy spreads before it reboots its host (clearing itself; Code Red II: 24). "
	 "0: no limit. A class may set its own."},
	{"worm", "local_own8", KT_DOUBLE, SC(local_own8), 0, 1, "0.5", "", NULL,
	 "local-preference only: share of probes to the host's own /8."},
	{"worm", "local_own16", KT_DOUBLE, SC(local_own16), 0, 1, "0.375", "", NULL,
	 "local-preference only: share of probes to the host's own /16; the rest go anywhere."},
	{"worm", "static_seed", KT_INT64, SC(static_seed), 0, 4611686018427387904.0, "1", "", NULL,
	 "static-seed only: the seed of the one address sequence every copy walks."},
	{"worm", "static_sequences", KT_INT64, SC(static_sequences), 1, 1000000, "1", "sequences",
	 NULL,
	 "static-seed only: distinct address sequences derived from static_seed; a copy walks the "
	 "one its own address selects. 1 (the default): every copy walks the same sequence, as "
	 "Code Red v1 is documented to; more is a what-if (docs/validation.md)."},
	{"worm", "hitlist_size", KT_INT64, SC(hitlist_size), 0, 100000000, "0", "hosts", NULL,
	 "hitlist only: vulnerable addresses known in advance; the seed copies share them, and "
	 "each infection hands half of the infector's remaining list to the new copy."},
	{"worm", "sequential_local", KT_DOUBLE, SC(sequential_local), 0, 1, "0.4", "", NULL,
	 "sequential only: share of copies that start in their own /16 (the rest start at a "
	 "random address), then scan upwards."},

	{"population", "vulnerable", KT_INT64, SC(vulnerable), 1, WC_MAX_VULNERABLE, "360000",
	 "hosts", NULL, "Vulnerable hosts placed in routable space inside scan_space."},
	{"population", "placement", KT_ENUM, SC(placement), 0, 0, "clustered", "",
	 "uniform|clustered|file",
	 "uniform: addresses uniform over routable space; clustered: a heavy-tailed number of "
	 "hosts per /16; file: CIDR blocks with host counts from blocks_file."},
	{"population", "blocks_file", KT_STRING, SC(blocks_file), 0, 256, "", "path", NULL,
	 "placement = file: lines `CIDR COUNT` (# comments); relative to the scenario file."},
	{"population", "cluster_blocks", KT_INT, SC(cluster_blocks), 1, 65536, "20000", "/16s",
	 NULL, "placement = clustered: number of /16 blocks that hold hosts."},
	{"population", "cluster_alpha", KT_DOUBLE, SC(cluster_alpha), 0.1, 10, "1.2", "", NULL,
	 "placement = clustered: Pareto shape of the hosts-per-/16 weights; smaller is more "
	 "concentrated."},

	{"clock", "spread_days", KT_DAYS, SC(spread_first), 1, 31, "1-19", "days", NULL,
	 "Days of the month (by the host's own clock) on which the worm spreads."},
	{"clock", "flood_days", KT_DAYS, SC(flood_first), 1, 31, "20-27", "days", NULL,
	 "Days of the month on which it floods the target; other days it sleeps. none: "
	 "it never floods."},
	{"clock", "wrong_fraction", KT_DOUBLE, SC(wrong_fraction), 0, 1, "0", "", NULL,
	 "Share of hosts whose clock is wrong."},
	{"clock", "wrong_offset_days", KT_DOUBLE, SC(wrong_offset_days), 0, 3650, "15", "days",
	 NULL, "A wrong clock is off by an amount uniform in ±this."},

	{"flood", "target", KT_ADDR, SC(flood_target), 0, 0, "198.137.240.91", "address", NULL,
	 "Address the worm floods on flood days."},
	{"flood", "connections", KT_INT, SC(flood_connections), 1, 100000, "100", "connections",
	 NULL,
	 "Connections each flooding host holds open to the target (timeline column "
	 "target_connections)."},
	{"flood", "bytes", KT_DOUBLE, SC(flood_bytes), 0, 1e12, "400e6", "bytes", NULL,
	 "Bytes one flooding host sends to the target per flood_period."},
	{"flood", "period", KT_DOUBLE, SC(flood_period), 1, 1e7, "14400", "s", NULL,
	 "Period over which `bytes` are sent."},

	{"defense.target", "action", KT_ENUM, SC(target_action), 0, 0, "none", "",
	 "none|move|blackhole|filter",
	 "What the target's owner does at `at`: move (the address no longer answers), "
	 "blackhole (upstream drops it) or filter (upstream drops the worm's port-80 "
	 "traffic to it); any of them stops the flood, which needs a completed connection."},
	{"defense.filter", "method", KT_ENUM, SC(filter_method), 0, 0, "none", "",
	 "none|content|blacklist|port",
	 "What the filters drop from `at` on (Moore et al. 2003): content, every worm request "
	 "(by its signature); port, everything to the worm's port (the same for the worm's "
	 "probes); blacklist, the probes of each infected address once it is listed, "
	 "`blacklist_delay` after its first infection. A probe within its sender's own /16 "
	 "network passes no filter. Blocked probes are counted (timeline blocked_probes)."},
	{"defense.filter", "deployment", KT_ENUM, SC(filter_deployment), 0, 0, "transit", "",
	 "transit|edge",
	 "transit: filters sit on the paths between networks, and a share `coverage` of the "
	 "probes between two /16s crosses one; edge: a share `coverage` of the /16 networks "
	 "filter at their own border (see `direction`). Networks holding a telescope block "
	 "never filter."},
	{"defense.filter", "direction", KT_ENUM, SC(filter_direction), 0, 0, "both", "",
	 "both|ingress|egress",
	 "Edge filters only: drop what enters the network (ingress), what leaves it (egress) "
	 "or both."},
	{"defense.filter", "coverage", KT_DOUBLE, SC(filter_coverage), 0, 1, "1", "", NULL,
	 "The deployment's reach: the share of probes between /16 networks that cross a "
	 "filtering transit network, or the share of /16 networks filtering at their edge."},
	{"defense.filter", "at", KT_TIME, SC(filter_at), 0, 0, "2001-07-19T00:00:00Z", "UTC", NULL,
	 "When the filters start: for content and port filtering, the outbreak's start plus "
	 "the reaction time; blacklists drop listed addresses from then on."},
	{"defense.filter", "blacklist_delay", KT_DOUBLE, SC(blacklist_delay), 0, 1e7, "0", "s",
	 NULL,
	 "Blacklisting's reaction time: an address is listed this long after its first "
	 "infection (rounded up to whole steps) and stays listed, through reboots."},
	{"defense.target", "at", KT_TIME, SC(target_at), 0, 0, "2001-07-19T00:00:00Z", "UTC", NULL,
	 "When the target action takes effect."},

	{"telescope", "blocks", KT_PREFIXES, SC(telescope), 0, WC_MAX_TELESCOPE, "44.0.0.0/8",
	 "CIDR list", NULL,
	 "Monitored dark blocks (comma-separated); they record probes and distinct sources "
	 "and never answer. Empty for none."},

	{"output", "interval", KT_INT, SC(interval), 1, 86400, "60", "s", NULL,
	 "Seconds per timeline row; a multiple of outbreak.step."},

	{"history", "cumulative_infected", KT_HISTORY, SC(history), 0, WC_MAX_HISTORY, "", "", NULL,
	 "Measured cumulative infected hosts `TIME COUNT, ...` (`>N`: more than N; `~N`: about "
	 "N) drawn on the cumulative curve and reported beside the run; indented lines "
	 "continue the list."},
	{"history", "file", KT_HISTFILE, SC(history_file), 0, 256, "", "path", NULL,
	 "A file of measured points, one `TIME,COUNT` a line (COUNT as in cumulative_infected; "
	 "see History files); replaces "
	 "cumulative_infected, as that replaces it. A relative path is taken from the "
	 "scenario file's directory; given with --set or in a built-in scenario, from the "
	 "current directory."},
};

static const struct key_def class_keys[] = {
	{"class.*", "share", KT_DOUBLE, HC(share), 0, 1, "1", "", NULL,
	 "Fraction of the vulnerable population in this class; shares add up to 1."},
	{"class.*", "threads", KT_INT, HC(threads), 0, 10000, "0", "threads", NULL,
	 "Scanning threads of an infection in this class (Code Red II: 600 on Chinese-language "
	 "systems); 0: worm.threads."},
	{"class.*", "uplink_bps", KT_DOUBLE, HC(uplink_bps), 0, 1e12, "0", "bit/s", NULL,
	 "Upstream bandwidth of hosts in this class; 0: worm.uplink_bps."},
	{"class.*", "wake_delay", KT_DOUBLE, HC(wake_delay), 0, 1e4, "0", "h", NULL,
	 "Mean of an exponential delay with which the copy on a host of this class acts on "
	 "each calendar change (dormant copies woke hours after 00:00 UTC on 1 August, CERT); "
	 "modelled as that host's clock running that much behind. 0: on time."},
	{"class.*", "lifetime", KT_DOUBLE, HC(lifetime), 0, 1e6, "0", "h", NULL,
	 "Hours a copy spreads before rebooting its host (Code Red II: 48 on Chinese-language "
	 "systems); 0: worm.lifetime."},
	{"class.*", "reboot_rate", KT_DOUBLE, HC(reboot_rate), 0, 1000, "0", "1/h", NULL,
	 "Rate at which an infected host reboots (or is powered off and on); a reboot clears "
	 "the worm and leaves the host vulnerable."},
	{"class.*", "patch_rate", KT_DOUBLE, HC(patch_rate), 0, 1000, "0", "1/h", NULL,
	 "Rate at which an unpatched host is patched (MS01-033), infected or not; a patched "
	 "host is clean and immune."},
	{"class.*", "clean_rate", KT_DOUBLE, HC(clean_rate), 0, 1000, "0", "1/h", NULL,
	 "Rate at which an infected host is noticed, cleaned and patched (the removal of "
	 "infected hosts, gamma in the two-factor model); it is then immune."},
	{"class.*", "patch_rate_later", KT_DOUBLE, HC(patch_rate_later), -1, 1000, "-1", "1/h",
	 NULL,
	 "The patch rate from patch_change on (a campaign that speeds up, or fades); -1: "
	 "patch_rate throughout."},
	{"class.*", "patch_change", KT_FLAG_TIME, HC(patch_change), 0, 0, "", "UTC", NULL,
	 "When patch_rate_later takes over (default: never)."},
	{"class.*", "aware_rate", KT_DOUBLE, HC(aware_rate), 0, 1000, "0", "1/h", NULL,
	 "Awareness-driven patching (the two-factor model's mu·S·(I+R)): a susceptible host "
	 "is patched at aware_rate × (hosts ever infected / population) per hour."},
	{"class.*", "fails", KT_ENUM, HC(fails), 0, 0, "no", "", "no|yes",
	 "yes: hosts of this class are devices with a web interface that stop working when a "
	 "worm request reaches them (Cisco 600-series DSL routers, HP print servers): counted "
	 "in the timeline's failed column, never infected, never seeds."},
	{"class.*", "throttle", KT_DOUBLE, HC(throttle), 0, 1e7, "0", "probes/s", NULL,
	 "Host rate throttle (Williamson's virus throttle): hosts of this class send at most "
	 "this many probes per second, whatever the worm would; 0: no throttle."},
	{"class.*", "address_lifetime", KT_DOUBLE, HC(address_lifetime), 0, 1e6, "0", "h", NULL,
	 "Mean hours a host keeps one address (DHCP lease churn; exponential). The host keeps "
	 "its infection, but sensors see it from a new address, in the same /16 network. "
	 "Timeline infected_addresses counts the addresses infected hosts used; 0: never "
	 "changes."},
	{"class.*", "throttle_start", KT_FLAG_TIME, HC(throttle_start), 0, 0, "", "UTC", NULL,
	 "The throttle takes effect at this instant, as when it ships in an update that hosts "
	 "install during the outbreak (default: outbreak start)."},
	{"class.*", "patch_start", KT_FLAG_TIME, HC(patch_start), 0, 0, "", "UTC", NULL,
	 "Patching begins at this instant (default: outbreak start)."},
};

static const struct key_def sensor_keys[] = {
	{"sensor.*", "kind", KT_ENUM, SD(kind), 0, 0, "dark", "", "dark|live",
	 "dark: blocks that hold no host and answer nothing (a telescope); live: a site whose "
	 "addresses may hold hosts and that logs the SYNs it receives (an IDS in front of a "
	 "firewall)."},
	{"sensor.*", "blocks", KT_BLOCKS, SD(blocks), 0, WC_MAX_SENSOR_BLOCKS, "", "", NULL,
	 "Where the sensor is: comma-separated CIDR blocks. Give one of blocks, size and "
	 "prefix_length."},
	{"sensor.*", "size", KT_INT64, SD(size), 0, WC_MAX_SENSOR_SIZE, "0", "addresses", NULL,
	 "Live sensors only: the sensor is one aligned block of this many addresses (a power "
	 "of two), placed at random in worm.scan_space by the run's seed, where the site's "
	 "location is not known; 0: blocks say where it is."},
	{"sensor.*", "prefix_length", KT_INT, SD(prefix_length), 0, 32, "0", "bits", NULL,
	 "Live sensors only: as size, given as a prefix length N (a /N block of 2^(32-N) "
	 "addresses, N from 8 to 32), so that calibrate can put a prior on a size that must be "
	 "a power of two (int-uniform(16,24)); 0: size or blocks say. Give one of blocks, size "
	 "and prefix_length."},
};

#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

/* Keys that only one target strategy takes: setting one for another strategy
 * is an error (finish() reports it with where it was set). */
static const struct {
	const char *key; /* "section.name" */
	enum wc_strategy strategy;
} strategy_keys[] = {
	{"worm.local_own8", WC_STRATEGY_LOCAL_PREFERENCE},
	{"worm.local_own16", WC_STRATEGY_LOCAL_PREFERENCE},
	{"worm.static_seed", WC_STRATEGY_STATIC_SEED},
	{"worm.static_sequences", WC_STRATEGY_STATIC_SEED},
	{"worm.hitlist_size", WC_STRATEGY_HITLIST},
	{"worm.sequential_local", WC_STRATEGY_SEQUENTIAL},
};
_Static_assert(NKEYS(strategy_keys) <= WC_MAX_STRATEGY_KEYS, "room for every strategy key");
/* The row limit's message names the days it allows at the default interval. */
_Static_assert(WC_MAX_ROWS == WC_MAX_SPAN_DAYS * 1440, "the longest run fits at 60 s a row");

const char *wc_strategy_name(enum wc_strategy s)
{
	static const char *const names[] = {"uniform",	   "local-preference", "static-seed",
					    "uniform-udp", "hitlist",	       "permutation",
					    "sequential"};
	return (unsigned)s < NKEYS(names) ? names[s] : "?";
}

/* ---- value parsers: each returns 0 or -1 with *expect describing the form ---- */

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	size_t i = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

/* Describes the expected form of a key's value, for error messages. */
static void describe(const struct key_def *k, char *buf, size_t len)
{
	switch (k->type) {
	case KT_INT:
	case KT_INT64:
		snprintf(buf, len, "an integer (%s) from %.15g to %.15g", k->unit, k->min, k->max);
		break;
	case KT_DOUBLE:
		snprintf(buf, len, "a number%s%s%s from %g to %g", *k->unit ? " (" : "", k->unit,
			 *k->unit ? ")" : "", k->min, k->max);
		break;
	case KT_TIME:
	case KT_FLAG_TIME:
		snprintf(buf, len, "a UTC time like 2001-07-19T10:00:00Z");
		break;
	case KT_ENUM:
		snprintf(buf, len, "one of %s", k->choices);
		break;
	case KT_STRING:
		snprintf(buf, len, "text of at most %d characters", (int)k->max - 1);
		break;
	case KT_NAME:
		snprintf(buf, len,
			 "a plain name of 1 to %d letters, digits, '-', '_' or '.', not starting "
			 "with '.'",
			 (int)k->max - 1);
		break;
	case KT_PREFIX:
		snprintf(buf, len, "a CIDR block like 44.0.0.0/8");
		break;
	case KT_ADDR:
		snprintf(buf, len, "an IPv4 address like 198.137.240.91");
		break;
	case KT_DAYS:
		snprintf(buf, len, "a day range like 1-19 (days 1 to 31), or none");
		break;
	case KT_PREFIXES:
	case KT_BLOCKS:
		snprintf(buf, len, "comma-separated CIDR blocks (at most %d)", (int)k->max);
		break;
	case KT_HISTORY:
		snprintf(buf, len,
			 "comma-separated `TIME COUNT` pairs, COUNT `>N` for a lower bound or `~N` "
			 "for an estimate (at most %d)",
			 (int)k->max);
		break;
	case KT_HISTFILE:
		snprintf(buf, len, "a file name of at most %d characters", (int)k->max - 1);
		break;
	}
}

/* A leading '>' marks a lower bound and '~' an estimate; *num is moved past
 * the mark and the blanks after it. */
static enum wc_history_kind history_kind(char **num)
{
	enum wc_history_kind kind = WC_HISTORY_COUNT;
	if (**num == '>')
		kind = WC_HISTORY_LOWER_BOUND;
	else if (**num == '~')
		kind = WC_HISTORY_ESTIMATE;
	if (kind != WC_HISTORY_COUNT) {
		(*num)++;
		trim(*num);
	}
	return kind;
}

/* One measured point: when is its time, count its (trimmed) COUNT with an
 * optional mark. Returns 0, or -1 if either is malformed or the count < 0. */
static int history_point(const char *when, char *count, wc_history_point *pt)
{
	enum wc_history_kind kind = history_kind(&count);
	double value;
	if (wc_time_parse(when, &pt->time) != 0 ||
	    wc_num_double(count, 0, INFINITY, &value) != WC_NUM_OK)
		return -1;
	pt->value = value;
	pt->kind = kind;
	pt->curve = WC_CURVE_CUMULATIVE;
	return 0;
}

static int parse_history(const char *v, wc_history_point *pts, int max, int *n)
{
	char *copy = xstrdup(v), *save = NULL;
	int count = 0, rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		trim(tok);
		char *sp = strpbrk(tok, " \t");
		if (sp == NULL || count == max) {
			rc = -1;
			break;
		}
		*sp = '\0';
		char *num = sp + 1;
		trim(num);
		if (history_point(tok, num, &pts[count]) != 0) {
			rc = -1;
			break;
		}
		count++;
	}
	free(copy);
	if (rc == 0)
		*n = count;
	return rc;
}

static int parse_prefixes(const char *v, wc_prefix *out, int max, int *n)
{
	char *copy = xstrdup(v), *save = NULL;
	int count = 0, rc = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		trim(tok);
		if (*tok == '\0')
			continue;
		if (count == max || wc_prefix_parse(tok, &out[count]) != 0) {
			rc = -1;
			break;
		}
		count++;
	}
	free(copy);
	if (rc == 0)
		*n = count;
	return rc;
}

/* Whether s may become one component of a path: no separator, no "." or
 * "..", nothing hidden, nothing a shell would need quoted. */
static bool plain_name(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max || s[0] == '.')
		return false;
	for (; *s; s++) {
		char c = *s; /* ASCII only, whatever the locale */
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		if (!ok)
			return false;
	}
	return true;
}

/* FIRST-LAST, days of the month with FIRST <= LAST, or "none" (0-0: no day
 * matches). */
static int parse_days(const char *v, int days[2])
{
	if (strcmp(v, "none") == 0) {
		days[0] = days[1] = 0;
		return 0;
	}
	char first[8];
	size_t n = strcspn(v, "-");
	int64_t a, b;
	if (n >= sizeof first || v[n] != '-')
		return -1;
	memcpy(first, v, n);
	first[n] = '\0';
	if (wc_num_i64(first, 1, 31, &a) != WC_NUM_OK ||
	    wc_num_i64(v + n + 1, a, 31, &b) != WC_NUM_OK)
		return -1;
	days[0] = (int)a;
	days[1] = (int)b;
	return 0;
}

/* Parses value v into the field of key k at base. */
static int apply_value(const struct key_def *k, void *base, wc_scenario *sc, const char *v)
{
	char *field = (char *)base + k->offset;
	switch (k->type) {
	case KT_INT:
	case KT_INT64: {
		int64_t n;
		if (wc_num_i64(v, (int64_t)k->min, (int64_t)k->max, &n) != WC_NUM_OK)
			return -1;
		if (k->type == KT_INT)
			*(int *)field = (int)n;
		else
			*(int64_t *)field = n;
		return 0;
	}
	case KT_DOUBLE: {
		double d;
		if (wc_num_double(v, k->min, k->max, &d) != WC_NUM_OK)
			return -1;
		*(double *)field = d;
		return 0;
	}
	case KT_TIME:
		return wc_time_parse(v, (wc_time *)field);
	case KT_FLAG_TIME: {
		bool *flag = (bool *)(field + sizeof(wc_time));
		if (*v == '\0') {
			*flag = false;
			return 0;
		}
		if (wc_time_parse(v, (wc_time *)field) != 0)
			return -1;
		*flag = true;
		return 0;
	}
	case KT_ENUM: {
		const char *c = k->choices;
		for (int i = 0; *c; i++) {
			size_t len = strcspn(c, "|");
			if (strlen(v) == len && strncmp(v, c, len) == 0) {
				*(int *)field = i;
				return 0;
			}
			c += len + (c[len] == '|');
		}
		return -1;
	}
	case KT_STRING:
	case KT_NAME:
	case KT_HISTFILE: /* the file is read by set_key, which knows where v came from */
		if (strlen(v) >= (size_t)k->max || (k->type == KT_NAME && !plain_name(v, k->max)))
			return -1;
		strcpy(field, v);
		return 0;
	case KT_PREFIX:
		return wc_prefix_parse(v, (wc_prefix *)field);
	case KT_ADDR:
		return wc_ipv4_parse(v, (uint32_t *)field);
	case KT_DAYS:
		return parse_days(v, (int *)field);
	case KT_PREFIXES:
		return parse_prefixes(v, (wc_prefix *)field, (int)k->max, &sc->ntelescope);
	case KT_BLOCKS:
		return parse_prefixes(v, (wc_prefix *)field, (int)k->max,
				      &((wc_sensor_def *)base)->nblocks);
	case KT_HISTORY:
		if (parse_history(v, (wc_history_point *)field, (int)k->max, &sc->nhistory) != 0)
			return -1;
		sc->history_file[0] = '\0'; /* the points are inline now */
		return 0;
	}
	return -1;
}

static void class_defaults(wc_host_class *hc, const char *name)
{
	memset(hc, 0, sizeof *hc);
	snprintf(hc->name, sizeof hc->name, "%s", name);
	for (size_t i = 0; i < NKEYS(class_keys); i++)
		if (apply_value(&class_keys[i], hc, NULL, class_keys[i].def) != 0)
			abort(); /* a default that does not parse is a bug in the table */
}

void wc_scenario_init(wc_scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	snprintf(sc->source, sizeof sc->source, "(defaults)");
	for (size_t i = 0; i < NKEYS(scenario_keys); i++)
		if (apply_value(&scenario_keys[i], sc, sc, scenario_keys[i].def) != 0)
			abort();
}

/* ---- applying "section.key = value" with a location for messages ---- */

static bool valid_class_name(const char *s)
{
	if (*s == '\0' || strlen(s) >= WC_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

static wc_host_class *find_or_add_class(wc_scenario *sc, const char *name)
{
	for (int i = 0; i < sc->nclasses; i++)
		if (strcmp(sc->classes[i].name, name) == 0)
			return &sc->classes[i];
	if (sc->nclasses == WC_MAX_CLASSES)
		return NULL;
	wc_host_class *hc = &sc->classes[sc->nclasses++];
	class_defaults(hc, name);
	return hc;
}

/* The sensor named name, added with its defaults (and where it was first
 * set, for messages) if it is new; NULL when all WC_MAX_SENSORS are taken. */
static wc_sensor_def *find_or_add_sensor(wc_scenario *sc, const char *name, const char *where)
{
	for (int i = 0; i < sc->nsensors; i++)
		if (strcmp(sc->sensors[i].name, name) == 0)
			return &sc->sensors[i];
	if (sc->nsensors == WC_MAX_SENSORS)
		return NULL;
	wc_sensor_def *d = &sc->sensors[sc->nsensors++];
	memset(d, 0, sizeof *d);
	snprintf(d->name, sizeof d->name, "%s", name);
	snprintf(d->where, sizeof d->where, "%s", where);
	for (size_t i = 0; i < NKEYS(sensor_keys); i++)
		if (apply_value(&sensor_keys[i], d, sc, sensor_keys[i].def) != 0)
			abort();
	return d;
}

static int history_from_file(wc_scenario *sc, const char *file, const char *where, wc_error *err);

/* The key table and the record a section's keys go to: the main table and
 * sc itself, or a class's or a sensor's (added on first use). */
static int section_table(wc_scenario *sc, const char *where, const char *section,
			 const struct key_def **table, size_t *nkeys, void **base, wc_error *err)
{
	bool cls = strncmp(section, "class.", 6) == 0, sen = strncmp(section, "sensor.", 7) == 0;
	if (!cls && !sen)
		return 0;
	const char *name = section + (cls ? 6 : 7);
	if (!valid_class_name(name))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: section [%s]: %s names use letters, digits, "
				    "'_' and '-' (at most %d characters)",
				    where, section, cls ? "class" : "sensor", WC_NAME_MAX - 1);
	if (cls) {
		*base = find_or_add_class(sc, name);
		*table = class_keys;
		*nkeys = NKEYS(class_keys);
	} else {
		*base = find_or_add_sensor(sc, name, where);
		*table = sensor_keys;
		*nkeys = NKEYS(sensor_keys);
	}
	if (*base == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: section [%s]: at most %d %s", where,
				    section, cls ? WC_MAX_CLASSES : WC_MAX_SENSORS,
				    cls ? "host classes" : "sensors");
	return 0;
}

/* set_key with v trimmed. */
static int set_key_value(wc_scenario *sc, const char *file, const char *where, const char *section,
			 const char *name, const char *v, wc_error *err)
{
	const struct key_def *table = scenario_keys;
	size_t nkeys = NKEYS(scenario_keys);
	void *base = sc;
	if (section_table(sc, where, section, &table, &nkeys, &base, err) != 0)
		return -1;
	bool section_known = base != (void *)sc;
	for (size_t i = 0; i < nkeys; i++) {
		const struct key_def *k = &table[i];
		if (base == (void *)sc && strcmp(k->section, section) != 0)
			continue;
		section_known = true;
		if (strcmp(k->name, name) != 0)
			continue;
		if (apply_value(k, base, sc, v) != 0) {
			char expect[160];
			describe(k, expect, sizeof expect);
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: key '%s.%s': expected %s, got '%s'", where,
					    section, name, expect, v);
		}
		if (k->type == KT_HISTFILE)
			return history_from_file(sc, file, where, err);
		if (table == sensor_keys && strcmp(name, "kind") != 0) {
			wc_sensor_def *d = base;
			char *at = strcmp(name, "blocks") == 0 ? d->where_blocks : d->where_size;
			snprintf(at, sizeof d->where_size, "%s", where);
		}
		for (size_t j = 0; base == (void *)sc && j < NKEYS(strategy_keys); j++) {
			size_t sl = strlen(section);
			const char *key = strategy_keys[j].key;
			if (strncmp(key, section, sl) == 0 && key[sl] == '.' &&
			    strcmp(key + sl + 1, name) == 0)
				snprintf(sc->strategy_key_set[j], sizeof sc->strategy_key_set[j],
					 "%s", where);
		}
		return 0;
	}
	if (!section_known)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: unknown section [%s] (see docs/scenarios.md)", where,
				    section);
	return wc_error_set(err, WC_EXIT_USAGE, "%s: unknown key '%s.%s' (see docs/scenarios.md)",
			    where, section, name);
}

/* Applies one key; file is the scenario file it is written in (NULL: --set),
 * where its location for messages. */
static int set_key(wc_scenario *sc, const char *file, const char *where, const char *section,
		   const char *name, const char *value, wc_error *err)
{
	char *v = xstrdup(value);
	trim(v);
	int rc = set_key_value(sc, file, where, section, name, v, err);
	free(v);
	return rc;
}

/* ---- the INI reader ----
 *
 * A scenario file, line by line (a line ends at LF, CRLF or a lone CR):
 *   blank                    ends the value of the key above it
 *   ';' or '#' first         a comment
 *   [section]                a header; only a comment may follow its ']'
 *   name = value             a key ('=' or ':'; the name starts with a letter);
 *                            a ';' at the value's start or after a blank
 *                            starts a comment
 *   indented other text      continues the value of the key above it, joined
 *                            to it with one space (long history lists)
 * Written here rather than taken from inih because Debian's inih passes no
 * line numbers, stops at 199 characters a line, takes a lone CR for no line
 * end, ignores text after a header's ']', and hands each continuation line
 * over as a new value of the same key, so a list kept only its last line.
 */
struct ini_reader {
	wc_scenario *sc;
	wc_error *err;
	const char *file;
	char section[128]; /* the current section; "" before the first header */
	char *key;	   /* the key whose value is being read, or NULL */
	char *value;	   /* its value so far */
	size_t vlen, vcap;
	int key_line; /* where that key was */
};

/* Copies the line at text into *buf (grown as needed) and returns the start of
 * the next one. LF, CRLF and a lone CR each end a line. */
static const char *next_line(const char *text, char **buf, size_t *cap)
{
	size_t len = strcspn(text, "\r\n");
	WC_VEC_RESERVE(*buf, *cap, len + 1);
	memcpy(*buf, text, len);
	(*buf)[len] = '\0';
	text += len;
	return text + (text[0] == '\r' && text[1] == '\n' ? 2 : text[0] != '\0');
}

/* Cuts s at an inline comment and trims it. */
static void strip_comment(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == ';' && (c == s || *(c - 1) == ' ' || *(c - 1) == '\t')) {
			*c = '\0';
			break;
		}
	trim(s);
}

/* The length of the key name s starts with when s is "name = ..." or
 * "name : ..." (name as above), else 0. */
static size_t key_name_length(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
	size_t sp = strspn(s + n, " \t");
	return s[n + sp] == '=' || s[n + sp] == ':' ? n : 0;
}

static void value_append(struct ini_reader *r, const char *s)
{
	size_t n = strlen(s);
	WC_VEC_RESERVE(r->value, r->vcap, r->vlen + n + 2);
	if (r->vlen > 0 && n > 0)
		r->value[r->vlen++] = ' ';
	memcpy(r->value + r->vlen, s, n + 1);
	r->vlen += n;
}

/* Applies the pending key, if any. */
static int ini_flush(struct ini_reader *r)
{
	if (r->key == NULL)
		return 0;
	char where[300];
	snprintf(where, sizeof where, "%s:%d", r->file, r->key_line);
	int rc = set_key(r->sc, r->file, where, r->section, r->key, r->value ? r->value : "",
			 r->err);
	free(r->key);
	r->key = NULL;
	r->vlen = 0;
	if (r->value)
		r->value[0] = '\0';
	return rc;
}

static int ini_header(struct ini_reader *r, char *s, int line)
{
	char *close = strchr(s, ']');
	if (close == NULL)
		return wc_error_set(r->err, WC_EXIT_USAGE,
				    "%s:%d: section header '%.80s' has no closing ']'", r->file,
				    line, s);
	const char *rest = close + 1 + strspn(close + 1, " \t");
	if (*rest != '\0' && *rest != ';' && *rest != '#')
		return wc_error_set(r->err, WC_EXIT_USAGE,
				    "%s:%d: text after the section header %.*s: '%.80s' (put "
				    "each key on a line of its own)",
				    r->file, line, (int)(close + 1 - s), s, rest);
	*close = '\0';
	char *name = s + 1;
	trim(name);
	size_t n = strlen(name);
	/* Other checks of the name wait for its first key, which says what is
	 * wrong with it (an unknown section, a bad class name). */
	if (n == 0 || n >= sizeof r->section)
		return wc_error_set(r->err, WC_EXIT_USAGE,
				    "%s:%d: section name '%.80s': expected 1 to %d characters",
				    r->file, line, name, (int)sizeof r->section - 1);
	memcpy(r->section, name, n + 1);
	return 0;
}

static int ini_key(struct ini_reader *r, char *s, int line)
{
	size_t n = key_name_length(s);
	if (n == 0)
		return wc_error_set(r->err, WC_EXIT_USAGE,
				    "%s:%d: cannot parse this line (expected `[section]`, `key = "
				    "value`, or an indented continuation of a value)",
				    r->file, line);
	char *value = s + n + strspn(s + n, " \t") + 1;
	s[n] = '\0';
	if (r->section[0] == '\0')
		return wc_error_set(r->err, WC_EXIT_USAGE,
				    "%s:%d: key '%s' is outside any [section] (see "
				    "docs/scenarios.md)",
				    r->file, line, s);
	strip_comment(value);
	r->key = xstrdup(s);
	r->key_line = line;
	value_append(r, value);
	return 0;
}

/* One line, NUL-terminated and writable. */
static int ini_line(struct ini_reader *r, char *line, int lineno)
{
	size_t indent = strspn(line, " \t");
	char *s = line + indent;
	trim(s);
	if (*s == '\0')
		return ini_flush(r);
	if (*s == ';' || *s == '#')
		return 0;
	if (indent > 0 && r->key != NULL && *s != '[' && key_name_length(s) == 0) {
		strip_comment(s);
		value_append(r, s);
		return 0;
	}
	if (ini_flush(r) != 0)
		return -1;
	return *s == '[' ? ini_header(r, s, lineno) : ini_key(r, s, lineno);
}

static int load_text(wc_scenario *sc, const char *text, const char *file, wc_error *err)
{
	struct ini_reader r = {.sc = sc, .err = err, .file = file};
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte-order mark */
		text += 3;
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (int lineno = 1; rc == 0 && *text != '\0'; lineno++) {
		text = next_line(text, &buf, &cap);
		rc = ini_line(&r, buf, lineno);
	}
	if (rc == 0)
		rc = ini_flush(&r);
	free(buf);
	free(r.key);
	free(r.value);
	if (rc != 0)
		return -1;
	snprintf(sc->source, sizeof sc->source, "%s", file);
	return 0;
}

/* Reads a whole text file of at most max bytes. A directory, a bigger file or
 * a file with NUL bytes is an input error, as a missing one is. */
static char *read_whole_file(const char *path, size_t max, const char *what, wc_error *err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		wc_error_set(err, WC_EXIT_USAGE, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		wc_error_set(err, WC_EXIT_USAGE, "%s: is a directory, not %s", path, what);
		return NULL;
	}
	size_t cap = 0, n = 0, got;
	char *buf = NULL;
	do {
		WC_VEC_RESERVE(buf, cap, n + 4097); /* a 4 KiB read and the NUL after it */
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (n <= max && got > 0);
	int failed = ferror(f);
	fclose(f);
	if (failed || n > max) {
		free(buf);
		if (failed)
			wc_error_set(err, WC_EXIT_RUNTIME, "%s: read error", path);
		else
			wc_error_set(err, WC_EXIT_USAGE, "%s: larger than %zu bytes, not %s", path,
				     max, what);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		free(buf);
		wc_error_set(err, WC_EXIT_USAGE, "%s: not a text file (contains NUL bytes)", path);
		return NULL;
	}
	return buf;
}

/* ---- history files ----
 *
 * One point a line: TIME,COUNT (or TIME COUNT), TIME as the scenario's times
 * and COUNT a number >= 0, `>N` for a lower bound or `~N` for an estimate. Blank lines and lines
 * starting with '#' are skipped, and the first other line may be a header whose first field is
 * `time`. Anything else is an error at its line: no point is dropped unread.
 */

/* One line of a history file into pts[*n]; *header says whether a header may
 * still come. */
static int history_line(char *s, const char *file, int line, wc_history_point *pts, int *n,
			bool *header, wc_error *err)
{
	trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	size_t tl = strcspn(s, ", \t");
	bool may_be_header = *header;
	*header = false;
	if (may_be_header && ((tl == 4 && strncasecmp(s, "time", 4) == 0) ||
			      (tl == 6 && strncasecmp(s, "\"time\"", 6) == 0)))
		return 0;
	char when[64];
	char *count = s + tl + strspn(s + tl, " \t");
	count += *count == ',';
	trim(count);
	wc_history_point pt;
	if (tl >= sizeof when)
		tl = 0; /* too long to be a time: refused below */
	memcpy(when, s, tl);
	when[tl] = '\0';
	if (history_point(when, count, &pt) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: key 'history.file': expected `TIME,COUNT` (a UTC time "
				    "like 2001-07-19T10:00:00Z, a count >= 0), got '%.100s'",
				    file, line, s);
	if (*n == WC_MAX_HISTORY)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s:%d: key 'history.file': more than %d points", file, line,
				    WC_MAX_HISTORY);
	pts[(*n)++] = pt;
	return 0;
}

int wc_scenario_history_text(wc_scenario *sc, const char *text, const char *file, wc_error *err)
{
	wc_history_point *pts = xmallocarray(WC_MAX_HISTORY, sizeof *pts);
	char *buf = NULL;
	size_t cap = 0;
	int n = 0, rc = 0;
	bool header = true;
	for (int line = 1; rc == 0 && *text != '\0'; line++) {
		text = next_line(text, &buf, &cap);
		rc = history_line(buf, file, line, pts, &n, &header, err);
	}
	if (rc == 0 && n == 0)
		rc = wc_error_set(err, WC_EXIT_USAGE,
				  "%s: key 'history.file': no points (expected lines of "
				  "`TIME,COUNT`)",
				  file);
	if (rc == 0) { /* all or nothing */
		memcpy(sc->history, pts, (size_t)n * sizeof *pts);
		sc->nhistory = n;
	}
	free(buf);
	free(pts);
	return rc;
}

/* Reads history.file, whose value is in sc->history_file: relative to the
 * directory of the scenario file it is written in; given with --set (file
 * NULL) or in a built-in scenario, relative to the current directory. */
static int history_from_file(wc_scenario *sc, const char *file, const char *where, wc_error *err)
{
	if (sc->history_file[0] == '\0') {
		sc->nhistory = 0;
		return 0;
	}
	char path[sizeof sc->history_file];
	const char *slash = file && strncmp(file, "builtin:", 8) != 0 ? strrchr(file, '/') : NULL;
	int n = slash && sc->history_file[0] != '/'
			? snprintf(path, sizeof path, "%.*s/%s", (int)(slash - file), file,
				   sc->history_file)
			: snprintf(path, sizeof path, "%s", sc->history_file);
	if (n >= (int)sizeof path)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: key 'history.file': path too long",
				    where);
	/* stat first: opening a FIFO would wait for a writer. */
	struct stat st;
	if (stat(path, &st) != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'history.file': %s: cannot open: %s", where, path,
				    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'history.file': %s: not a regular file", where, path);
	char *text = read_whole_file(path, WC_MAX_FILE_BYTES, "a history file", err);
	if (text == NULL)
		return -1;
	int rc = wc_scenario_history_text(sc, text, path, err);
	free(text);
	if (rc == 0)
		memcpy(sc->history_file, path, (size_t)n + 1);
	return rc;
}

int wc_scenario_load_buffer(wc_scenario *sc, const char *file, const char *text, size_t len,
			    wc_error *err)
{
	if (memchr(text, '\0', len) != NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: not a text file (contains NUL bytes)",
				    file);
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = load_text(sc, copy, file, err);
	free(copy);
	return rc;
}

int wc_scenario_load_file(wc_scenario *sc, const char *path, wc_error *err)
{
	char *text = read_whole_file(path, WC_MAX_FILE_BYTES, "a scenario file", err);
	if (text == NULL)
		return -1;
	int rc = load_text(sc, text, path, err);
	free(text);
	if (rc == 0 && sc->blocks_file[0] != '\0' && sc->blocks_file[0] != '/') {
		/* blocks_file is relative to the scenario file, as a user would expect. */
		const char *slash = strrchr(path, '/');
		if (slash != NULL) {
			char joined[512];
			int n = snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - path),
					 path, sc->blocks_file);
			if (n >= (int)sizeof sc->blocks_file)
				return wc_error_set(
					err, WC_EXIT_USAGE,
					"%s: key 'population.blocks_file': path too long", path);
			memcpy(sc->blocks_file, joined, (size_t)n + 1);
		}
	}
	return rc;
}

int wc_scenario_load_builtin(wc_scenario *sc, const char *name, wc_error *err)
{
	const char *text = wc_scenario_builtin_text(name);
	if (text == NULL)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "unknown scenario '%s' (`wormcast scenarios` lists them)",
				    name);
	char file[128];
	snprintf(file, sizeof file, "builtin:%s", name);
	return load_text(sc, text, file, err);
}

int wc_scenario_load(wc_scenario *sc, const char *name_or_path, wc_error *err)
{
	if (wc_scenario_builtin_text(name_or_path) != NULL)
		return wc_scenario_load_builtin(sc, name_or_path, err);
	if (strchr(name_or_path, '/') == NULL && strstr(name_or_path, ".ini") == NULL)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "unknown scenario '%s' (`wormcast scenarios` lists them; a "
				    "file name needs a '/' or the .ini extension)",
				    name_or_path);
	return wc_scenario_load_file(sc, name_or_path, err);
}

int wc_scenario_set(wc_scenario *sc, const char *assignment, wc_error *err)
{
	const char *eq = strchr(assignment, '=');
	char lhs[200];
	if (eq == NULL || (size_t)(eq - assignment) >= sizeof lhs)
		return wc_error_set(err, WC_EXIT_USAGE, "--set '%s': expected section.key=value",
				    assignment);
	memcpy(lhs, assignment, (size_t)(eq - assignment));
	lhs[eq - assignment] = '\0';
	trim(lhs);
	char *dot = strrchr(lhs, '.');
	if (dot == NULL || dot == lhs || dot[1] == '\0')
		return wc_error_set(err, WC_EXIT_USAGE, "--set '%s': expected section.key=value",
				    assignment);
	*dot = '\0';
	return set_key(sc, NULL, "--set", lhs, dot + 1, eq + 1, err);
}

int wc_scenario_key_is_integer(const char *key)
{
	char buf[200];
	if (snprintf(buf, sizeof buf, "%s", key) >= (int)sizeof buf)
		return 0;
	trim(buf);
	char *dot = strrchr(buf, '.');
	if (dot == NULL)
		return 0;
	*dot = '\0';
	const char *name = dot + 1;
	bool is_class = strncmp(buf, "class.", 6) == 0, is_sensor = strncmp(buf, "sensor.", 7) == 0;
	const struct key_def *table = is_class	  ? class_keys
				      : is_sensor ? sensor_keys
						  : scenario_keys;
	size_t n = is_class    ? NKEYS(class_keys)
		   : is_sensor ? NKEYS(sensor_keys)
			       : NKEYS(scenario_keys);
	is_class |= is_sensor;
	for (size_t i = 0; i < n; i++)
		if ((is_class || strcmp(table[i].section, buf) == 0) &&
		    strcmp(table[i].name, name) == 0)
			return table[i].type == KT_INT || table[i].type == KT_INT64;
	return 0;
}

/* Whether column name col is taken: by a fixed column, or by one of the
 * columns of sensors [0, upto). */
static bool column_taken(const wc_scenario *sc, int upto, const char *col)
{
	for (size_t c = 0; c < wc_timeline_ncolumns; c++)
		if (strcmp(wc_timeline_columns[c].name, col) == 0)
			return true;
	for (int i = 0; i < upto; i++)
		for (int k = 0; k < WC_SENSOR_NCOLUMNS; k++) {
			char other[WC_NAME_MAX + 32];
			wc_sensor_column_name(sc->sensors[i].name, k, other, sizeof other);
			if (strcmp(other, col) == 0)
				return true;
		}
	return false;
}

int64_t wc_sensor_def_size(const wc_sensor_def *d)
{
	if (d->size > 0)
		return d->size;
	return d->prefix_length > 0 ? (int64_t)1 << (32 - d->prefix_length) : 0;
}

/* One sensor section: where it is (blocks, or a size for a live one), and
 * column names no other column has. */
static int sensor_finish(const wc_scenario *sc, int i, wc_error *err)
{
	const wc_sensor_def *d = &sc->sensors[i];
	const char *w = d->where, *n = d->name;
	const char *ws = *d->where_size ? d->where_size : w;
	const char *wb = *d->where_blocks ? d->where_blocks : w;
	int given = (d->nblocks > 0) + (d->size > 0) + (d->prefix_length > 0);
	if (given != 1)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: section [sensor.%s]: give one of the keys 'blocks', "
				    "'size' and 'prefix_length', %s",
				    w, n, given ? "not more" : "not none");
	if (d->prefix_length > 0 && d->prefix_length < 8)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'sensor.%s.prefix_length': %d is below 8 (at most a "
				    "/8 is placed at random)",
				    ws, n, d->prefix_length);
	const char *sk = d->prefix_length > 0 ? "prefix_length" : "size";
	if (wc_sensor_def_size(d) > 0 && d->kind != WC_SENSOR_LIVE)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'sensor.%s.%s': only a live sensor is placed at "
				    "random (a dark one must say which blocks hold no host)",
				    ws, n, sk);
	if (d->size & (d->size - 1))
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'sensor.%s.size': %lld is not a power of two", ws, n,
				    (long long)d->size);
	for (int a = 0; a < d->nblocks; a++)
		for (int b = 0; b < a; b++)
			if (wc_prefix_overlap(d->blocks[a], d->blocks[b]))
				return wc_error_set(err, WC_EXIT_USAGE,
						    "%s: key 'sensor.%s.blocks': blocks overlap",
						    wb, n);
	for (int k = 0; k < WC_SENSOR_NCOLUMNS; k++) {
		char col[WC_NAME_MAX + 32];
		wc_sensor_column_name(n, k, col, sizeof col);
		if (column_taken(sc, i, col))
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: section [sensor.%s]: its column %s is already a "
					    "timeline column: choose another name",
					    w, n, col);
	}
	if (sc->filter_method != WC_FILTER_NONE)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: section [sensor.%s]: sensors are not modelled together "
				    "with [defense.filter] yet",
				    w, n);
	return 0;
}

/* The simulated window: after the start, and short enough to run. */
static int check_window(const wc_scenario *sc, wc_error *err)
{
	const char *f = sc->source;
	if (sc->end <= sc->start)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'outbreak.end': must be after "
				    "outbreak.start",
				    f);
	if (sc->end - sc->start > (wc_time)WC_MAX_SPAN_DAYS * 86400)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'outbreak.end': the outbreak spans %.1f days, more "
				    "than the %d a run simulates",
				    f, (double)(sc->end - sc->start) / 86400, WC_MAX_SPAN_DAYS);
	if ((sc->end - sc->start) / sc->interval > WC_MAX_ROWS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'output.interval': %lld rows of %d s, more than the "
				    "%d a timeline holds (%d days at 60 s): raise output.interval",
				    f, (long long)((sc->end - sc->start) / sc->interval),
				    sc->interval, WC_MAX_ROWS, WC_MAX_ROWS / 1440);
	return 0;
}

/* The host classes: one by default, shares that add up, a host that can
 * carry the worm, and schedules that default to the outbreak's start. */
static int classes_finish(wc_scenario *sc, wc_error *err)
{
	const char *f = sc->source;
	if (sc->nclasses == 0)
		class_defaults(&sc->classes[sc->nclasses++], "all");
	double total = 0;
	for (int i = 0; i < sc->nclasses; i++)
		total += sc->classes[i].share;
	if (fabs(total - 1) > 1e-6)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'class.*.share': the shares add up to %g, not 1", f,
				    total);
	bool some_infectable = false;
	for (int i = 0; i < sc->nclasses; i++)
		some_infectable |= !sc->classes[i].fails && sc->classes[i].share > 0;
	if (!some_infectable && sc->seed_hosts > 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'class.*.fails': every class fails, so no host can "
				    "carry the worm",
				    f);
	for (int i = 0; i < sc->nclasses; i++) {
		if (!sc->classes[i].patch_start_set)
			sc->classes[i].patch_start = sc->start;
		if (!sc->classes[i].throttle_start_set)
			sc->classes[i].throttle_start = sc->start;
	}
	return 0;
}

int wc_scenario_finish(wc_scenario *sc, wc_error *err)
{
	const char *f = sc->source;
	if (check_window(sc, err) != 0)
		return -1;
	if (sc->interval % sc->step != 0)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'output.interval': %d s is not a multiple of "
				    "outbreak.step (%d s)",
				    f, sc->interval, sc->step);
	if (sc->seed_hosts > sc->vulnerable)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'outbreak.seed_hosts': %d exceeds "
				    "population.vulnerable (%lld)",
				    f, sc->seed_hosts, (long long)sc->vulnerable);
	if (sc->placement == WC_PLACE_FILE && sc->blocks_file[0] == '\0')
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'population.blocks_file': required when placement = "
				    "file",
				    f);
	if (sc->spread_last >= sc->flood_first && sc->spread_first <= sc->flood_last)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'clock.flood_days': %d-%d overlaps spread_days %d-%d",
				    f, sc->flood_first, sc->flood_last, sc->spread_first,
				    sc->spread_last);
	for (size_t j = 0; j < NKEYS(strategy_keys); j++)
		if (sc->strategy_key_set[j][0] && sc->strategy != strategy_keys[j].strategy)
			return wc_error_set(err, WC_EXIT_USAGE,
					    "%s: key '%s': a parameter of strategy %s, not of the "
					    "chosen strategy %s",
					    sc->strategy_key_set[j], strategy_keys[j].key,
					    wc_strategy_name(strategy_keys[j].strategy),
					    wc_strategy_name(sc->strategy));
	if (sc->local_own8 + sc->local_own16 > 1 + 1e-9)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: keys 'worm.local_own8' and 'worm.local_own16': shares add "
				    "up to %g, more than 1",
				    f, sc->local_own8 + sc->local_own16);
	if (sc->strategy == WC_STRATEGY_UNIFORM_UDP && sc->timing == WC_TIMING_THREADS)
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: key 'worm.timing': threads time TCP connection attempts, "
				    "but strategy uniform-udp sends datagrams: use bandwidth or "
				    "constant",
				    f);
	if (sc->hitlist_size > sc->vulnerable)
		return wc_error_set(
			err, WC_EXIT_USAGE,
			"%s: key 'worm.hitlist_size': %lld exceeds population.vulnerable "
			"(%lld)",
			f, (long long)sc->hitlist_size, (long long)sc->vulnerable);
	if (classes_finish(sc, err) != 0)
		return -1;
	for (int i = 0; i < sc->nsensors; i++)
		if (sensor_finish(sc, i, err) != 0)
			return -1;
	for (int i = 0; i < sc->ntelescope; i++)
		for (int j = 0; j < i; j++) {
			wc_prefix a = sc->telescope[i], b = sc->telescope[j];
			if (wc_prefix_contains(a, b.base) || wc_prefix_contains(b, a.base))
				return wc_error_set(err, WC_EXIT_USAGE,
						    "%s: key 'telescope.blocks': blocks overlap",
						    f);
		}
	return 0;
}

/* ---- built-in scenarios ---- */

struct wc_builtin_scenario {
	const char *name;
	const char *text;
};
extern const struct wc_builtin_scenario wc_builtin_scenarios[];
extern const int wc_builtin_scenario_count;

int wc_scenario_builtin_count(void)
{
	return wc_builtin_scenario_count;
}

const char *wc_scenario_builtin_name(int i)
{
	return wc_builtin_scenarios[i].name;
}

const char *wc_scenario_builtin_text(const char *name)
{
	for (int i = 0; i < wc_builtin_scenario_count; i++)
		if (strcmp(wc_builtin_scenarios[i].name, name) == 0)
			return wc_builtin_scenarios[i].text;
	return NULL;
}

const char *wc_scenario_builtin_description(int i, char *buf, size_t len)
{
	wc_scenario sc;
	wc_error err = {0};
	wc_scenario_init(&sc);
	buf[0] = '\0';
	if (load_text(&sc, wc_builtin_scenarios[i].text, "builtin", &err) == 0)
		snprintf(buf, len, "%s", sc.description);
	return buf;
}

/* ---- documentation ---- */

static void write_key_rows(FILE *out, const struct key_def *table, size_t n, const char *sect)
{
	for (size_t i = 0; i < n; i++) {
		const struct key_def *k = &table[i];
		if (strcmp(k->section, sect) != 0)
			continue;
		char range[160];
		describe(k, range, sizeof range);
		fprintf(out, "| `%s` | %s | `%s` | ", k->name, *k->unit ? k->unit : "-",
			*k->def ? k->def : "(none)");
		/* A bare '|' would split the Markdown table cell. */
		for (const char *c = range; *c; c++)
			fputs(*c == '|' ? "\\|" : (char[2]){*c, 0}, out);
		fprintf(out, " | %s |\n", k->doc);
	}
}

void wc_scenario_write_key_docs(FILE *out)
{
	const char *done[32];
	int ndone = 0;
	for (size_t i = 0; i < NKEYS(scenario_keys); i++) {
		const char *s = scenario_keys[i].section;
		bool seen = false;
		for (int j = 0; j < ndone; j++)
			seen |= strcmp(done[j], s) == 0;
		if (seen)
			continue;
		done[ndone++] = s;
		fprintf(out,
			"\n### [%s]\n\n| key | unit | default | valid values | meaning |\n"
			"|---|---|---|---|---|\n",
			s);
		write_key_rows(out, scenario_keys, NKEYS(scenario_keys), s);
	}
	fprintf(out,
		"\n### [class.NAME]\n\nOne section per host class (at most %d); without "
		"any, all hosts form one class `all` with no reboots and no patching.\n\n"
		"| key | unit | default | valid values | meaning |\n|---|---|---|---|---|\n",
		WC_MAX_CLASSES);
	write_key_rows(out, class_keys, NKEYS(class_keys), "class.*");
	fprintf(out,
		"\n### [sensor.NAME]\n\nOne section per sensor (at most %d), besides "
		"[telescope]. Each adds three timeline columns after the fixed ones, in the "
		"order the sections appear: NAME_probes (probes it received in the interval), "
		"NAME_sources (distinct source addresses seen so far) and NAME_interval_sources "
		"(distinct source addresses seen in the interval). A host that changes address "
		"is a new source. The built-in scenarios keep [telescope] (columns "
		"telescope_probes and telescope_sources) and add sensors only where a record "
		"of 2001 was counted at such a site. For the telescope's sources per interval, "
		"name its blocks again as a dark sensor.\n\n"
		"| key | unit | default | valid values | meaning |\n|---|---|---|---|---|\n",
		WC_MAX_SENSORS);
	write_key_rows(out, sensor_keys, NKEYS(sensor_keys), "sensor.*");
}

/* ---- the resolved scenario as text (provenance) ---- */

/* The shortest of %.15g and %.17g that reads back as the same double, so
 * that 0.1 is written "0.1" and every value still round-trips exactly. */
static void write_double(FILE *out, double d)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof buf, "%.17g", d);
	fputs(buf, out);
}

/* Writes the value of key k at base in the form apply_value() reads. */
static void write_value(FILE *out, const struct key_def *k, const void *base, const wc_scenario *sc)
{
	const char *field = (const char *)base + k->offset;
	char buf[64];
	switch (k->type) {
	case KT_INT:
		fprintf(out, "%d", *(const int *)field);
		break;
	case KT_INT64:
		fprintf(out, "%lld", (long long)*(const int64_t *)field);
		break;
	case KT_DOUBLE:
		write_double(out, *(const double *)field);
		break;
	case KT_TIME:
		fputs(wc_time_format(*(const wc_time *)field, buf), out);
		break;
	case KT_FLAG_TIME:
		if (*(const bool *)(field + sizeof(wc_time)))
			fputs(wc_time_format(*(const wc_time *)field, buf), out);
		break;
	case KT_ENUM: {
		const char *c = k->choices;
		for (int i = *(const int *)field; i > 0 && strchr(c, '|'); i--)
			c = strchr(c, '|') + 1;
		fprintf(out, "%.*s", (int)strcspn(c, "|"), c);
		break;
	}
	case KT_STRING:
	case KT_NAME:
		fputs(field, out);
		break;
	case KT_HISTFILE: /* never written: its points are, as history.points */
		break;
	case KT_PREFIX:
		fputs(wc_prefix_format(*(const wc_prefix *)field, buf), out);
		break;
	case KT_ADDR:
		fputs(wc_ipv4_format(*(const uint32_t *)field, buf), out);
		break;
	case KT_DAYS: {
		const int *d = (const int *)field;
		if (d[0] == 0 && d[1] == 0)
			fputs("none", out);
		else
			fprintf(out, "%d-%d", d[0], d[1]);
		break;
	}
	case KT_PREFIXES:
		for (int i = 0; i < sc->ntelescope; i++)
			fprintf(out, "%s%s", i ? ", " : "",
				wc_prefix_format(sc->telescope[i], buf));
		break;
	case KT_BLOCKS: {
		const wc_sensor_def *d = base;
		for (int i = 0; i < d->nblocks; i++)
			fprintf(out, "%s%s", i ? ", " : "", wc_prefix_format(d->blocks[i], buf));
		break;
	}
	case KT_HISTORY:
		for (int i = 0; i < sc->nhistory; i++) {
			static const char *const mark[] = {
				[WC_HISTORY_COUNT] = "",
				[WC_HISTORY_LOWER_BOUND] = ">",
				[WC_HISTORY_ESTIMATE] = "~",
			};
			fprintf(out, "%s%s %s", i ? ", " : "",
				wc_time_format(sc->history[i].time, buf),
				mark[sc->history[i].kind]);
			write_double(out, sc->history[i].value);
		}
		break;
	}
}

/* "name = value", or "name =" for an empty value (no trailing blank). */
static void write_key(FILE *out, const struct key_def *k, const void *base, const wc_scenario *sc)
{
	const char *field = (const char *)base + k->offset;
	bool empty = (k->type == KT_STRING && *field == '\0') ||
		     (k->type == KT_FLAG_TIME && !*(const bool *)(field + sizeof(wc_time))) ||
		     (k->type == KT_PREFIXES && sc->ntelescope == 0) ||
		     (k->type == KT_BLOCKS && ((const wc_sensor_def *)base)->nblocks == 0) ||
		     (k->type == KT_HISTORY && sc->nhistory == 0);
	fprintf(out, "%s =%s", k->name, empty ? "" : " ");
	write_value(out, k, base, sc);
	fputc('\n', out);
}

/* Whether key k of the main table belongs in sc's text: a strategy's own
 * keys only under that strategy (finish() refuses them under another). */
static bool key_applies(const struct key_def *k, const wc_scenario *sc)
{
	for (size_t j = 0; j < NKEYS(strategy_keys); j++) {
		size_t sl = strlen(k->section);
		const char *key = strategy_keys[j].key;
		if (strncmp(key, k->section, sl) == 0 && key[sl] == '.' &&
		    strcmp(key + sl + 1, k->name) == 0)
			return strategy_keys[j].strategy == sc->strategy;
	}
	return true;
}

void wc_scenario_write_resolved(FILE *out, const wc_scenario *sc)
{
	const char *section = "";
	for (size_t i = 0; i < NKEYS(scenario_keys); i++) {
		const struct key_def *k = &scenario_keys[i];
		if (!key_applies(k, sc) || k->type == KT_HISTFILE)
			continue;
		if (strcmp(k->section, section) != 0) {
			fprintf(out, "%s[%s]\n", *section ? "\n" : "", k->section);
			section = k->section;
		}
		write_key(out, k, sc, sc);
	}
	for (int c = 0; c < sc->nclasses; c++) {
		fprintf(out, "\n[class.%s]\n", sc->classes[c].name);
		for (size_t i = 0; i < NKEYS(class_keys); i++) {
			write_key(out, &class_keys[i], &sc->classes[c], sc);
		}
	}
	for (int i = 0; i < sc->nsensors; i++) {
		fprintf(out, "\n[sensor.%s]\n", sc->sensors[i].name);
		for (size_t k = 0; k < NKEYS(sensor_keys); k++)
			write_key(out, &sensor_keys[k], &sc->sensors[i], sc);
	}
}
