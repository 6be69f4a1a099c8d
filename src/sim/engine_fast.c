/*
 * The fast engine: the probe engine's model, without drawing the probes.
 *
 * The model (probemodel.h, engine_probe.c) is a discrete-time process: in
 * step s each spreading host sends Poisson(m) probes, m = rate·Δ, to uniform
 * addresses of the scan space S; a probe that reaches a host susceptible at
 * the start of the step infects it at the end of the step (unless the host is
 * patched in that step); everything else a host does (reboot, cleaning,
 * patching, its calendar) happens at instants fixed when it is infected. This
 * engine simulates the same law using three properties of Poisson counts.
 *
 * Splitting. Poisson(m) probes, each independently of category c with
 * probability p_c, are independent Poisson(m·p_c) counts per category. So in
 * step s, with I_s spreading hosts, a given host receives Poisson(ν_s) probes,
 * ν_s = m·I_s/|S|, independently of every other host and of what the probes
 * elsewhere did. A susceptible host is therefore infected with probability
 * q_s = 1 − e^{−ν_s}, independently, and the number infected among the S'_s
 * eligible hosts is Binomial(S'_s, q_s), a uniform random subset. A step costs
 * one binomial draw whatever the number of probes.
 *
 * Skipping. Between two steps where anything else happens (a host's event, a
 * patch, an output row) I_s and S'_s are constant, so the steps with at least
 * one infection are Bernoulli(1 − e^{−ν·S'}) trials: the next one is a
 * geometric number of steps ahead, and its count is the binomial conditioned
 * on being positive. Steps in which nothing happens are never visited.
 *
 * Superposition. The per-step counts that feed no decision (all probes, the
 * telescope's probes) are sums of independent Poisson counts: one Poisson
 * draw per output row, with the mean accumulated over the row's steps, gives
 * exactly the law of the row's total. What must stay host by host is the
 * telescope's first sighting of each host: a host's telescope probes are a
 * Poisson process of rate rate·p_t in its spreading time, so its first one
 * comes after an Exp(rate·p_t) wait (memoryless: redrawn when the host starts
 * spreading again). The telescope count of a row is then the first sightings,
 * plus Poisson(rate·p_t·E) for E the spreading time of hosts already seen
 * (including the rest of the step after a first sighting), and the probe count
 * is the telescope count, plus the probes that reached the hosts infected in
 * the row (each host Poisson(ν) given at least one: zero-truncated), plus
 * Poisson of m·I_s·(1 − p_t) − ν_s·S'_s summed over the row's steps.
 *
 * Rates per class and the rate cap. Host classes may probe at different
 * rates r_c; with worm.rate_cap every rate is scaled by κ = min(1, cap / R)
 * (or cap / (R + cap) with congestion = smooth),
 * R = Σ r_c·(spreading hosts of class c), the same in every step between
 * events. Everything above holds with m·I replaced by κ·Δ·Σ r_c I_c. A host's
 * telescope probes then come at rate κ(t)·r_c·p_t, so its first sighting is
 * where the "scaled time" Λ(t) = ∫κ dt has grown by an Exp(1)/(r_c·p_t) wait;
 * without a cap Λ is plain time and the sighting is a step event, with one it
 * waits in a heap ordered by Λ.
 *
 * Local preference (Code Red II). A probe from x reaches a given address y
 * with probability w(x, y) = (own8·[same /8]/2^24 + own16·[same /16]/2^16 +
 * any/|S|)/Z, Z the probability that a draw is kept (not 127/8, 224/3 or x
 * itself). Splitting still holds, now per block: y is hit by Poisson(ν_g +
 * ν_{/8(y)} + ν_{/16(y)}) probes, ν_g = κΔ·any·R/(Z|S|), ν_a = κΔ·own8·R_a/(Z·2^24)
 * with R_a the spreading rate in /8 a, and likewise per /16. Each term is an
 * independent infection process over its block's susceptible hosts: the
 * global one is drawn as above, and each /8 or /16 with spreading hosts is a
 * component with its own geometric next-infection step, in the event queue,
 * redrawn whenever its R or S changes, or κ (all of them, then: a new
 * geometric wait is exact by memorylessness). A host picked by one component in a
 * step is no longer eligible for the next (each host is hit independently, so
 * the union is what matters). Hosts are numbered by address, so a /16's hosts
 * are one id range; the /16s' susceptible counts (summed by groups of 64 in a
 * Fenwick tree) pick a uniform susceptible host in all of S, one /8 or one
 * /16. The infector of a host infected in a step is one of the probes that
 * reached it, so it lies in the victim's /16 with probability (w8 + w16 + wa)·R_b / (w8·R_a +
 * w16·R_b + wa·R): that is how infected_same16 and infected_same8 are drawn.
 *
 * Sensors ([sensor.NAME]). Each has a tracker (sim/sensor.h, whose header
 * gives the exact scheme): count_add tells it every change of a spreading
 * host's rate at the Λ where it takes effect (lam_now: a step's start for its
 * events, its end for what acts from the next step), an address change tells
 * it the host moved, and each row ends with the tracker's draws. Nothing a
 * sensor counts feeds back, and the trackers draw from streams of their own,
 * so the engine's draws are those of a run without sensors.
 *
 * Events. An infected host has at most three pending events: leaving (reboot
 * or cleaning, at the step drawn at infection as in the probe engine), its next
 * calendar phase change by its own clock, and its first telescope sighting;
 * under blacklisting, a fourth when its address is listed (filter_init).
 * Two of them usually need no event. Right clocks all change phase at the
 * same midnights, so there one walk over the live hosts moves them
 * (calendar0_walk); only wrong clocks queue their changes. And a sighting
 * that nothing but the host's own known instants could prevent is certain
 * when drawn: it is added to its step's sums in a ring (sight_certain),
 * which stops the skips as its event did, so the draws are the same.
 * They sit in a bucket queue indexed by step; an event is acted on only if
 * the host's current schedule still names that step (a reboot, a phase change
 * or a patch makes older events stale). The queue is core/bucketq.h (a window
 * of 2^20 steps, an overflow list past it); a step's events are walked in
 * order with the hosts they name fetched ahead, and the events a step
 * schedules are pushed at its end, in order, their buckets fetched ahead.
 * Patches come from the population's patch order, the run's hosts only, by
 * runs of one step (instants and clock offsets are recomputed from their
 * streams, not stored). With 10^7 hosts every touch of a host is a cache
 * miss, so the engine keeps what it reads about a host in one 32-byte record,
 * fetches records in batches wherever the order of the draws allows, and
 * drops stale events on a bit per host without reading their record; the
 * population's arrays are freed once copied. The cost is O(hosts +
 * events + rows), not probes or steps, and the run is sequential: the same
 * seed gives the same bytes for any --threads.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "core/bucketq.h"
#include "core/fenwick.h"
#include "core/heap.h"
#include "core/rng.h"
#include "core/sample.h"
#include "core/vec.h"
#include "core/xalloc.h"
#include "sim/calendar.h"
#include "sim/engine.h"
#include "sim/outbreak.h"

#define NEVER	     WC_NEVER
#define WINDOW_MAX   (1u << 20) /* steps covered by the bucket array */
#define EV_HOST_BITS 28		/* an event is kind << 28 | host */

enum { NSTATUS = WC_NSENDER };
/* What an infected host is counted as: its calendar phase, or nothing while it
 * leaves (in its leave step it neither probes nor floods). */
enum { COUNTED_SPREAD = WC_PHASE_SPREAD, COUNTED_FLOOD = WC_PHASE_FLOOD, COUNTED_NONE = 3 };
enum event_kind { EV_LEAVE, EV_PHASE, EV_SIGHT, EV_COMP, EV_LIST, EV_ADDRESS, EV_RAMP };
/* Components: one per /8 and pool (COMP_8 + 256·pool + a), one per /16, and
 * the hosts of edge-filtering networks. */
enum { NBLOCKS = 65536, COMP_8 = 0, COMP_16 = 512, COMP_POOL_F = 512 + 65536, NCOMP };
/* Blocks per group of the susceptible index: 4 KiB of group sums in the tree,
 * 256 bytes of block counts to scan. */
enum { GROUP_BITS = 6, GROUP = 1 << GROUP_BITS, NGROUPS = NBLOCKS / GROUP };
/* An event is one word: the kind above EV_HOST_BITS, a host or component
 * below. Every host of the largest population, every component and every
 * kind must fit; step numbers of the longest run must stay below NEVER. */
_Static_assert(WC_MAX_VULNERABLE <= (1u << EV_HOST_BITS), "host ids fit in an event");
_Static_assert(NCOMP <= (1u << EV_HOST_BITS), "component ids fit in an event");
_Static_assert(EV_RAMP < (1u << (32 - EV_HOST_BITS)), "event kinds fit above the host bits");
_Static_assert((uint64_t)WC_MAX_SPAN_DAYS * 86400 < NEVER, "a step number fits below NEVER");

/* Everything an event, a pick or a count needs about a host, in one 16-byte
 * record, four to a cache line: with 10^7 hosts every touch of a host is a
 * cache miss, so there should be only one. Its address is here because every
 * count and pick needs its /16. What only some hosts need lives apart (see
 * fast): a wrong clock's offset (in the population) and next phase change,
 * a first sighting that is not certain when drawn. A right clock's next phase
 * change is the calendar's (phase_next). */
typedef struct fasthost {
	uint32_t addr;	     /* copied from the population */
	uint32_t leave_step; /* step in which it reboots or is cleaned */
	uint32_t sus_pos;    /* its index in slot[] */
	uint8_t state;	     /* enum wc_host_state */
	uint8_t flags;	     /* enum wc_host_flag, and the engine's own below */
	uint8_t counted;     /* COUNTED_*: which counter holds it */
	uint8_t class_id;    /* copied from the population */
} fasthost;
_Static_assert(sizeof(fasthost) == 16, "a host record fills a quarter of a cache line");

/* A first sighting pending as an event: its step and the Λ-seconds of that
 * step left after it. Valid only while the host's SIGHT_PENDING flag is up. */
typedef struct pending_sight {
	uint32_t step;
	float rest;
} pending_sight;

/* The engine's flags, above the model's (outbreak.h): a first sighting is
 * pending in sight[], the clock is not right, and the host was picked in the
 * current step or in the current draw. */
enum { SIGHT_PENDING = 0x10, WRONG_CLOCK = 0x20, PICKED_STEP = 0x40, PICKED_DRAW = 0x80 };
_Static_assert((int)WC_HOST_LISTED < (int)SIGHT_PENDING,
	       "the engine's flags lie above the model's");

/* An event scheduled during a step, pushed at its end (flush_staged). */
typedef struct staged_event {
	uint32_t step, ev;
} staged_event;

/* When correct clocks change phase: most hosts' clocks are right, so their
 * calendar is looked up here instead of recomputed from the date. */
typedef struct calendar0 {
	uint64_t *at;	/* steps where the phase of an offset-0 clock changes */
	uint8_t *phase; /* phase[i]: from at[i-1] (or step 0) up to at[i] */
	int n;
} calendar0;

/* A pending first sighting in a capped run, due when Λ passes theta. */
typedef struct sight_entry {
	double theta;
	uint32_t host, gen;
} sight_entry;

/* First sightings known for certain when they are drawn, summed by step in
 * a window of RING steps from the current one: slot t & (RING − 1) holds step
 * t's count, the telescope rate its hosts add to the seen sum, and the
 * probes they send in the rest of it. In use only when nothing but a host's
 * own fixed instants can stop it spreading (ring_init). */
enum { RING_BITS = 12, RING = 1 << RING_BITS };
typedef struct sight_slot {
	double tele, rest;
	uint32_t n;
} sight_slot;
typedef struct sight_ring {
	sight_slot *slot;		     /* NULL when not in use */
	uint64_t *used;			     /* a bit per slot with a sighting */
	uint32_t pending;		     /* such slots */
	uint32_t patch_from[WC_MAX_CLASSES]; /* no patch of the class comes before */
} sight_ring;

/* The scheduled patches of the run in the order they come (population.h),
 * by runs of one step: run r is host[run_end[r - 1] .. run_end[r]), patched
 * in step run_step[r]. The hosts are read at random, their instants need not
 * be, and are recomputed when needed (population.h). */
typedef struct patch_queue {
	uint32_t *host, *run_step, *run_end;
	uint32_t next, n, run, nruns;
} patch_queue;

typedef struct fast {
	const wc_scenario *sc;
	const wc_outbreak *m; /* the policy: every rule lives there */
	const wc_epoch *ep;   /* the policy epoch of the step being processed */
	int epoch;
	const wc_population *pop;
	gsl_rng *g;
	uint32_t n;
	uint64_t nsteps;
	double dt;

	uint64_t cur; /* the step being processed */
	fasthost *host;
	/* Cold, per host, read only where the record's flags say so: a wrong
	 * clock's next phase change (NULL when every clock is right), a pending
	 * first sighting (SIGHT_PENDING), and in capped runs the generation
	 * that voids a sighting waiting in the heap (NULL otherwise). */
	uint32_t *phase_step;
	pending_sight *sight;
	uint32_t *sight_gen;
	uint32_t nsus; /* susceptible hosts */

	/* Susceptible hosts by /16 block b = address >> 16: block b owns slot
	 * positions [first16[b], first16[b + 1]) and keeps its s16[b] susceptible
	 * hosts first; fen_group is a Fenwick tree over the sums of s16 by groups
	 * of GROUP blocks (sus_find). */
	uint32_t *first16, *slot, *s16;
	wc_fenwick fen_group;
	uint32_t s8[2][256]; /* per pool (see below; all in pool 0 without edge filters) */
	/* Edge filtering splits the susceptible hosts into two pools by whether
	 * their network filters (pool 1) or not (pool 0), each with its own tree. */
	wc_fenwick fen_pool[2];
	uint32_t nsus_f; /* in pool 1 */
	uint32_t sus_class[WC_MAX_CLASSES];

	/* Where probes go: per-address hit weight per unit rate, anywhere in S,
	 * in the sender's /8 and in its /16 (0 unless local preference). */
	double wa, w8, w16;
	bool comps; /* /8 and /16 components are in use */
	/* Per /16: spreading rate and hosts, in one aligned 16-byte record (one
	 * line to fetch); with filters, the rate that passes them (filter_init). */
	struct block16 {
		double rate;
		uint32_t senders;
	} * b16;
	double *p16;
	double r8[256], p8[2][256];
	uint32_t n8[256];
	double w8sum, w16sum; /* Σ over blocks of their component weight × S */
	float *tele16;	      /* per /16: p_t of a sender there (local or filtered only) */
	float *tele_own16;    /* per /16: the part of it inside the sender's own /16 */
	/* [defense.filter]: the sums below follow the policy's pass factors;
	 * beta[st][a] is the share of the probes of a sender of status st in /8
	 * a that the filters drop */
	double beta[NSTATUS][256]; /* by the sender's /8 */
	double blocked_sum;	   /* Σ r·beta over spreading hosts */
	uint64_t spread_status[WC_MAX_CLASSES][NSTATUS];
	double tele_all;  /* Σ over spreading hosts of r·p_t */
	double tele_seen; /* the same over hosts the telescope has seen */
	/* components: pending infection step, dirty marks; with a rate cap, the
	 * κ their pending steps were drawn with, and the /16s with senders
	 * (live16[live_pos[b]] = b), all of which κ's changes make stale */
	double comp_kappa;
	uint32_t *live16, *live_pos, nlive;
	uint32_t *comp_due;
	uint8_t *comp_dirty;
	uint32_t *dirty, ndirty;
	size_t dirty_cap;
	uint32_t *due, ndue;
	size_t due_cap;
	/* hosts picked by the current draw (their PICKED_DRAW flags are cleared
	 * when it ends) */
	uint32_t *drawn;
	size_t ndrawn, drawn_cap;

	wc_bucketq events; /* kind << EV_HOST_BITS | host, by step */
	/* while a step is processed, events for later steps wait here */
	bool staging;
	staged_event *staged;
	size_t nstaged, staged_cap;
	calendar0 cal0;
	patch_queue patches;

	/* One bit per host: infected and counted (its events can be live). Most
	 * events are stale, and this 1/256 of the records answers for them
	 * from the cache. */
	uint64_t *live;

	const double *rate; /* the epoch's probes/s of a spreading host, per class */
	bool capped;	    /* worm.rate_cap: κ varies, sightings wait in a heap */
	double hit_scale;   /* 1, except when a test perturbs the model */

	/* state counters */
	uint64_t infected, patched, cumulative, failed;
	uint64_t spreading, flooding;
	uint64_t spread_class[WC_MAX_CLASSES];

	/* scaled time Λ (seconds when there is no cap) */
	double lambda;	    /* Λ at the start of the step being processed */
	double lambda_next; /* Λ at its end */
	sight_entry *heap;  /* capped runs: pending sightings by theta */
	size_t nheap, heap_cap;
	sight_ring ring; /* sightings certain when drawn (sight_certain) */

	/* sums over the current output row */
	uint64_t new_infections, reinfections, target_bytes;
	uint64_t first_sightings, seen_total;
	uint64_t hit_probes; /* probes that reached hosts infected in the row */
	double other_mean;   /* Σ κΔR(1 − p_t) − ν·S' over the row's steps */
	double blocked_mean; /* of which dropped by content filters */
	double tele_mean;    /* expected telescope probes of hosts already seen */

	/* scratch for one step */
	uint32_t *leaving, nleaving;
	uint32_t *sights, nsights;
	uint32_t *chosen, nchosen;
	uint32_t *deferred; /* infected hosts patched at the end of the step */
	size_t deferred_cap;
	size_t leaving_cap, sights_cap, chosen_cap;
	uint64_t same16, same8; /* row sums: infections by a host of the same /16, /8 */

	/* address churn (outbreak.h), cold and only when some class churns:
	 * each host's next change step and the step its last copy left */
	uint32_t *address_step, *left_step;
	uint64_t address_changes; /* new addresses of hosts already counted */

	/* the wake-up ramp (outbreak.h), cold and only when copies wake slowly:
	 * a ramping copy's threads (0: full rate), the step it woke in and the
	 * step of its next thread. Ramping spreaders are kept out of the class
	 * counts, in rate sums by sender status. */
	uint16_t *ramp_threads;
	uint32_t *woke_step, *ramp_step;
	double ramp_rate[NSTATUS];
	uint32_t nramp;

	/* [sensor.NAME] (sensor.h), only when configured: a tracker and the
	 * share p of a host's probes per sensor, and Λ at the instant the
	 * counts are changing (a step's start for its events, its end for
	 * what takes effect from the next step) */
	int nsensors;
	wc_sensor_track *strack[WC_MAX_SENSORS];
	double sensor_p[WC_MAX_SENSORS];
	float *sensor16[WC_MAX_SENSORS]; /* local preference: p per sender /16, as tele16 */
	double lam_now;
} fast;

/* ---- random draws ---- */

static double exp_wait(fast *f, double rate)
{
	return rate > 0 ? wc_rng_gsl_exponential(f->g, 1 / rate) : INFINITY;
}

/* ---- the event queue ---- */

static void schedule(fast *f, uint64_t step, uint32_t h, enum event_kind kind)
{
	if (step >= f->nsteps)
		return;
	uint32_t ev = (uint32_t)kind << EV_HOST_BITS | h;
	if (f->staging && step != f->cur) {
		WC_VEC_PUSH(f->staged, f->nstaged, f->staged_cap,
			    ((staged_event){(uint32_t)step, ev}));
		return;
	}
	wc_bucketq_push(&f->events, step, ev);
}

/* Pushes the staged events in the order they came, fetching each one's
 * bucket header and tail a few events ahead: events go to random future
 * steps, and pushed one at a time each waited for two cache misses. */
static void flush_staged(fast *f)
{
	enum { AHEAD = 8 };
	const staged_event *e = f->staged;
	for (size_t i = 0; i < f->nstaged; i++) {
		if (i + 2 * AHEAD < f->nstaged)
			wc_bucketq_prefetch_bucket(&f->events, e[i + 2 * AHEAD].step);
		if (i + AHEAD < f->nstaged)
			wc_bucketq_prefetch_tail(&f->events, e[i + AHEAD].step);
		wc_bucketq_push(&f->events, e[i].step, e[i].ev);
	}
	f->nstaged = 0;
	f->staging = false;
}

/* ---- host state ---- */

static wc_time step_time(const fast *f, uint64_t s)
{
	return f->sc->start + (wc_time)s * f->sc->step;
}

/* Phase of a clock `offset` seconds ahead of UTC in step s. */
static enum wc_phase phase_at_offset(const fast *f, wc_time offset, uint64_t s)
{
	return wc_phase_at(f->sc, step_time(f, s) + offset);
}

/* The first step after s in which a clock `offset` seconds ahead leaves phase
 * ph, or NEVER. A phase can only change at a midnight of that clock. */
static uint64_t next_change(const fast *f, wc_time offset, uint64_t s, enum wc_phase ph)
{
	wc_time clock = step_time(f, s) + offset;
	for (int days = 0; days < 400; days++) {
		wc_time midnight = wc_time_next_midnight(clock);
		wc_time since = midnight - offset - f->sc->start; /* seconds after start */
		uint64_t step =
			since <= 0 ? 0 : (uint64_t)((since + f->sc->step - 1) / f->sc->step);
		if (step <= s)
			step = s + 1;
		if (step >= f->nsteps)
			return NEVER;
		if (phase_at_offset(f, offset, step) != ph)
			return step;
		clock = step_time(f, step) + offset;
	}
	return NEVER;
}

static void calendar0_build(fast *f)
{
	calendar0 *c = &f->cal0;
	size_t cap = 8;
	c->at = xmallocarray(cap, sizeof *c->at);
	c->phase = xmallocarray(cap, sizeof *c->phase);
	uint64_t s = 0;
	enum wc_phase ph = phase_at_offset(f, 0, 0);
	for (;;) {
		uint64_t next = next_change(f, 0, s, ph);
		if ((size_t)c->n == cap) {
			cap *= 2;
			c->at = xreallocarray(c->at, cap, sizeof *c->at);
			c->phase = xreallocarray(c->phase, cap, sizeof *c->phase);
		}
		c->at[c->n] = next == NEVER ? UINT64_MAX : next;
		c->phase[c->n++] = (uint8_t)ph;
		if (next == NEVER)
			break;
		s = next;
		ph = phase_at_offset(f, 0, s);
	}
}

/* The segment of the offset-0 calendar that holds step s. */
static int calendar0_segment(const calendar0 *c, uint64_t s)
{
	int lo = 0, hi = c->n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (c->at[mid] > s)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Seconds host h's clock is ahead of UTC. */
static int32_t clock_offset(const fast *f, uint32_t h)
{
	return f->host[h].flags & WRONG_CLOCK
		       ? wc_population_clock_offset(f->pop, h, f->host[h].class_id)
		       : 0;
}

static enum wc_phase phase_in_step(const fast *f, uint32_t h, uint64_t s)
{
	int32_t offset = clock_offset(f, h);
	if (offset == 0)
		return (enum wc_phase)f->cal0.phase[calendar0_segment(&f->cal0, s)];
	return phase_at_offset(f, offset, s);
}

/* The first step after s in which host h's phase differs from ph (its phase
 * in step s), or NEVER. */
static uint32_t next_phase_step(const fast *f, uint32_t h, uint64_t s, enum wc_phase ph)
{
	int32_t offset = clock_offset(f, h);
	uint64_t next = offset == 0 ? f->cal0.at[calendar0_segment(&f->cal0, s)]
				    : next_change(f, offset, s, ph);
	return next < f->nsteps ? (uint32_t)next : NEVER;
}

/* Live host h's next phase change, as of step s. A wrong clock keeps its
 * own. A right one changes with the calendar: at its next midnight, or at s
 * itself when s is a midnight that has not moved it yet (its counted phase
 * is still the one before). */
static uint32_t phase_next(const fast *f, uint32_t h, const fasthost *x, uint64_t s)
{
	if (x->flags & WRONG_CLOCK)
		return f->phase_step[h];
	int seg = calendar0_segment(&f->cal0, s);
	if (x->counted != f->cal0.phase[seg])
		return (uint32_t)s;
	uint64_t next = f->cal0.at[seg];
	return next < f->nsteps ? (uint32_t)next : NEVER;
}

static uint32_t block_of(const fast *f, uint32_t h)
{
	return f->host[h].addr >> 16;
}

static bool is_live(const fast *f, uint32_t h)
{
	return f->live[h >> 6] >> (h & 63) & 1;
}

static void set_live(fast *f, uint32_t h, bool live)
{
	uint64_t bit = UINT64_C(1) << (h & 63);
	f->live[h >> 6] = live ? f->live[h >> 6] | bit : f->live[h >> 6] & ~bit;
}

/* Whether network b filters at its edge: the pool its hosts are in. */
static int kind16(const fast *f, uint32_t b)
{
	return f->m->edge16 ? f->m->edge16[b] : 0;
}

/* How the filters treat host h's probes in the current epoch. */
static enum wc_sender filter_status(const fast *f, uint32_t h, const fasthost *x)
{
	(void)h;
	return wc_outbreak_sender(f->m, f->ep->filters, x->flags & WC_HOST_LISTED, x->addr);
}

/* p_t of a sender of status st in /16 block b: telescope networks never
 * filter, so its probes there pass as to any open network, except those
 * inside its own /16, which pass no filter. */
static double host_tele(const fast *f, uint32_t b, enum wc_sender st)
{
	if (!f->tele16)
		return f->m->p_telescope;
	if (st == WC_SENDER_OPEN)
		return (double)f->tele16[b];
	double own = (double)f->tele_own16[b];
	return own + wc_outbreak_pass(f->m, st, 0) * ((double)f->tele16[b] - own);
}

/* The spreading rate of block b (a /16) or a (a /8) that passes the filters
 * toward networks of kind k; without filters, all of it (and the sums are
 * not kept). */
static double pass16(const fast *f, uint32_t b)
{
	return f->m->filters ? f->p16[b] : f->b16[b].rate;
}

static double pass8(const fast *f, int k, uint32_t a)
{
	return f->m->filters ? f->p8[k][a] : f->r8[a];
}

/* The /16 component's weight per address: probes from senders in b all
 * reach b, those of the other components only when they pass the filters. */
static double own16_weight(const fast *f, uint32_t b)
{
	double w = f->w16 * f->b16[b].rate + (f->wa + f->w8) * (f->b16[b].rate - pass16(f, b));
	return w > 0 ? w : 0;
}

/* The /8 component's weight per address of pool k. */
static double own8_weight(const fast *f, int k, uint32_t a)
{
	return f->w8 * pass8(f, k, a);
}

/* Pools in use: two with edge filters. */
static int npools(const fast *f)
{
	return f->m->edge16 ? 2 : 1;
}

static void comp_touch(fast *f, uint32_t k);

/* Block b gains its first sender (add) or loses its last. */
static void live_update(fast *f, uint32_t b, bool add)
{
	if (add) {
		f->live_pos[b] = f->nlive;
		f->live16[f->nlive++] = b;
	} else {
		uint32_t last = f->live16[--f->nlive];
		f->live16[f->live_pos[b]] = last;
		f->live_pos[last] = f->live_pos[b];
	}
}

/* Host h's probe rate when it spreads: its class's, or a share of it while
 * its copy wakes slowly. */
static double host_rate(const fast *f, uint32_t h, const fasthost *x)
{
	if (f->ramp_threads && f->ramp_threads[h])
		return f->rate[x->class_id] *
		       wc_outbreak_thread_share(f->m, x->class_id, f->ramp_threads[h]);
	return f->rate[x->class_id];
}

/* A spreader enters (+1) or leaves (−1) the counts: by class and status at
 * its class's rate, or, while it ramps, the rate sums. */
static void spreader_count(fast *f, uint32_t h, const fasthost *x, enum wc_sender st, int delta,
			   double r)
{
	uint64_t d = (uint64_t)(int64_t)delta;
	if (f->ramp_threads && f->ramp_threads[h]) {
		f->nramp += (uint32_t)delta;
		f->ramp_rate[st] += r;
		if (!f->nramp) /* afresh, without the updates' rounding */
			memset(f->ramp_rate, 0, sizeof f->ramp_rate);
		return;
	}
	f->spread_class[x->class_id] += d;
	f->spread_status[x->class_id][st] += d;
}

/* Host h in /16 block b sends the sensors at probe rate r (0: not at all)
 * from Λ = lam_now. */
static void sensors_rate(fast *f, uint32_t h, uint32_t b, double r)
{
	for (int k = 0; k < f->nsensors; k++) {
		double p = f->sensor16[k] ? (double)f->sensor16[k][b] : f->sensor_p[k];
		wc_sensor_track_rate(f->strack[k], h, r * p, f->lam_now);
	}
}

/* Host h takes a new address: every sensor sees a new source. */
static void sensors_moved(fast *f, uint32_t h)
{
	for (int k = 0; k < f->nsensors; k++)
		wc_sensor_track_moved(f->strack[k], h, f->lam_now);
}

static void count_add(fast *f, uint32_t h, fasthost *x, int delta)
{
	uint64_t d = (uint64_t)(int64_t)delta;
	if (x->counted == COUNTED_SPREAD) {
		uint32_t b = x->addr >> 16, a = b >> 8;
		enum wc_sender st = filter_status(f, h, x);
		double r = host_rate(f, h, x) * delta;
		double tele = r * host_tele(f, b, st);
		f->spreading += d;
		spreader_count(f, h, x, st, delta, r);
		if (f->m->filters)
			f->blocked_sum = f->spreading ? f->blocked_sum + r * f->beta[st][a] : 0;
		f->tele_all = f->spreading ? f->tele_all + tele : 0;
		if (f->nsensors)
			sensors_rate(f, h, b, delta > 0 ? r : 0);
		if (x->flags & WC_HOST_SEEN)
			f->tele_seen = f->spreading ? f->tele_seen + tele : 0;
		double w16_before = f->comps ? own16_weight(f, b) : 0;
		double w8_before[2] = {0, 0};
		for (int k = 0; f->comps && k < npools(f); k++)
			w8_before[k] = own8_weight(f, k, a);
		f->b16[b].senders += (uint32_t)delta;
		if (f->live16 && f->b16[b].senders == (delta > 0 ? 1u : 0u))
			live_update(f, b, delta > 0);
		f->n8[a] += (uint32_t)delta;
		f->b16[b].rate = f->b16[b].senders ? f->b16[b].rate + r : 0;
		f->r8[a] = f->n8[a] ? f->r8[a] + r : 0;
		if (f->m->filters) {
			f->p16[b] =
				f->b16[b].senders
					? f->p16[b] + r * wc_outbreak_pass(f->m, st, kind16(f, b))
					: 0;
			for (int k = 0; k < 2; k++)
				f->p8[k][a] =
					f->n8[a] ? f->p8[k][a] + r * wc_outbreak_pass(f->m, st, k)
						 : 0;
		}
		if (f->comps) {
			f->w16sum += (own16_weight(f, b) - w16_before) * f->s16[b];
			for (int k = 0; k < npools(f); k++) {
				f->w8sum += (own8_weight(f, k, a) - w8_before[k]) * f->s8[k][a];
				comp_touch(f, COMP_8 + 256 * (uint32_t)k + a);
			}
			comp_touch(f, COMP_16 + b);
			if (f->m->edge16)
				comp_touch(f, COMP_POOL_F);
		}
	} else if (x->counted == COUNTED_FLOOD) {
		f->flooding += d;
	}
}

/* Σ r_c over spreading hosts (all, or only those the telescope has seen). */
static double class_sum(const fast *f, const uint64_t *count)
{
	double sum = 0;
	for (int c = 0; c < f->m->nclasses; c++)
		sum += (double)count[c] * f->rate[c];
	return sum;
}

/* Σ r over spreading hosts: the classes' counts, plus the ramping copies. */
static double spreading_rate(const fast *f)
{
	double sum = class_sum(f, f->spread_class);
	for (int st = 0; f->nramp && st < NSTATUS; st++)
		sum += f->ramp_rate[st];
	return sum;
}

/* Σ r·pass[st][k] over spreading hosts: the rate that reaches networks of
 * kind k (0 open, 1 filtering at the edge) from outside their own /16. */
static double passing_rate(const fast *f, int k)
{
	if (!f->m->filters)
		return spreading_rate(f); /* every pass factor is 1 */
	double sum = 0;
	for (int st = 0; f->nramp && st < NSTATUS; st++)
		sum += f->ramp_rate[st] * wc_outbreak_pass(f->m, st, k);
	for (int c = 0; c < f->m->nclasses; c++)
		for (int st = 0; st < NSTATUS; st++)
			sum += f->rate[c] * (double)f->spread_status[c][st] *
			       wc_outbreak_pass(f->m, st, k);
	return sum;
}

/* The rate of probes the filters drop. */
static double blocked_rate(const fast *f)
{
	return f->m->filters ? f->blocked_sum : 0;
}

/* κ: the rate cap's factor for the current spreading population. */
static double cap_scale(const fast *f)
{
	return wc_outbreak_kappa(f->sc, spreading_rate(f));
}

static bool sight_less(const sight_entry *a, const sight_entry *b)
{
	return a->theta < b->theta;
}

WC_HEAP_DEFINE(sight_heap, sight_entry, sight_less)

/* ---- sightings certain when drawn ---- */

/* A ring is kept when only a host's own instants can stop it spreading or
 * change its rate: not with a rate cap (Λ is not time), a wake-up ramp,
 * address churn or blacklisting. */
static void ring_init(fast *f, const wc_scenario *sc)
{
	if (f->capped || f->m->ramp || f->m->churn || f->m->blacklist)
		return;
	f->ring.slot = xcalloc(RING, sizeof *f->ring.slot);
	f->ring.used = xcalloc(RING / 64, sizeof *f->ring.used);
	for (int c = 0; c < sc->nclasses; c++) {
		double from = fmax(0, (double)(sc->classes[c].patch_start - sc->start));
		f->ring.patch_from[c] = wc_population_class_patches(sc, c)
						? (uint32_t)fmin(floor(from / f->dt), NEVER)
						: NEVER;
	}
}

static uint32_t patch_step(const fast *f, double at);

/* What becomes of host h's first sighting, drawn from step s for step t
 * within the ring's window. Every instant before it that could stop the host
 * or change its rate is known now (its leave step, its next phase change,
 * its patch, the next policy epoch): if none comes first it is certain;
 * if one does, that instant voids it (a leave, a patch or a phase change
 * stops the host; a new phase or epoch redraws it), so it will not come. A
 * host patched in a step still spreads through it. */
enum sight_fate { SIGHT_OPEN, SIGHT_CERTAIN, SIGHT_VOID };
static enum sight_fate sight_fate(const fast *f, uint32_t h, const fasthost *x, uint64_t s,
				  uint64_t t, uint32_t next_phase)
{
	if (t < s || t - s >= RING)
		return SIGHT_OPEN;
	if (t >= x->leave_step || t >= next_phase)
		return SIGHT_VOID;
	if (f->epoch + 1 < f->m->nepochs && t >= f->m->epoch[f->epoch + 1].from)
		return SIGHT_VOID;
	if (t < f->ring.patch_from[x->class_id])
		return SIGHT_CERTAIN;
	uint32_t p = patch_step(f, wc_population_patch_at(f->pop, h, x->class_id));
	return p == NEVER || t <= p ? SIGHT_CERTAIN : SIGHT_VOID;
}

/* Marks step t as one the skips stop at, as they stopped at a sighting's
 * event when every sighting was queued: that keeps every later draw the
 * one it was, even for a sighting that will not come. */
static sight_slot *ring_mark(fast *f, uint64_t t)
{
	uint32_t k = (uint32_t)(t & (RING - 1));
	if (!(f->ring.used[k >> 6] >> (k & 63) & 1)) {
		f->ring.used[k >> 6] |= UINT64_C(1) << (k & 63);
		f->ring.pending++;
	}
	return &f->ring.slot[k];
}

/* Adds a certain first sighting in step t, by a host that then sends the
 * telescope `tele` probes a second, `rest` seconds of them in step t. */
static void ring_add(fast *f, uint64_t t, double tele, float rest)
{
	sight_slot *slot = ring_mark(f, t);
	slot->n++;
	slot->tele += tele;
	slot->rest += tele * rest;
}

/* Step s's certain sightings join the row's counts, after its events. */
static void ring_take(fast *f, uint64_t s)
{
	uint32_t k = (uint32_t)(s & (RING - 1));
	if (!(f->ring.used[k >> 6] >> (k & 63) & 1))
		return;
	sight_slot *slot = &f->ring.slot[k];
	f->tele_seen += slot->tele;
	f->tele_mean += slot->rest;
	f->first_sightings += slot->n;
	f->seen_total += slot->n;
	*slot = (sight_slot){0};
	f->ring.used[k >> 6] &= ~(UINT64_C(1) << (k & 63));
	f->ring.pending--;
}

/* The first step from s on with a certain sighting, or NEVER: the skips stop
 * there, as they stopped at the sighting's event. */
static uint64_t ring_next(const fast *f, uint64_t s)
{
	if (!f->ring.pending)
		return NEVER;
	uint32_t start = (uint32_t)(s & (RING - 1));
	for (uint32_t i = 0; i <= RING / 64; i++) {
		uint32_t w = ((start >> 6) + i) & (RING / 64 - 1);
		uint64_t bits = f->ring.used[w];
		if (i == 0)
			bits &= ~UINT64_C(0) << (start & 63);
		else if (i == RING / 64)
			bits &= (UINT64_C(1) << (start & 63)) - 1;
		if (bits) {
			uint32_t k = w * 64 + (uint32_t)__builtin_ctzll(bits);
			return s + ((k - start) & (RING - 1));
		}
	}
	return NEVER;
}

/* Host h's pending first sighting, if any, will not come: its event (or,
 * capped, its heap entry) is stale from now on. */
static void void_sighting(fast *f, uint32_t h, fasthost *x)
{
	x->flags &= (uint8_t)~SIGHT_PENDING;
	if (f->sight_gen)
		f->sight_gen[h]++;
}

static void pend_sighting(fast *f, uint32_t h, fasthost *x, uint32_t step, float rest)
{
	f->sight[h] = (pending_sight){step, rest};
	x->flags |= SIGHT_PENDING;
}

/* Whether host h's pending first sighting is due in step s. */
static bool sighting_due(const fast *f, uint32_t h, const fasthost *x, uint64_t s)
{
	return (x->flags & SIGHT_PENDING) && f->sight[h].step == s;
}

/* Host h spreads from the start of step s, where Λ = lambda_s, until its
 * next phase change phase_next: its first telescope sighting, if it has none
 * yet, comes an Exp(r_c·p_t) wait in Λ later. */
static void start_spreading(fast *f, uint32_t h, uint64_t s, double lambda_s, uint32_t next_phase)
{
	fasthost *x = &f->host[h];
	void_sighting(f, h, x);
	if (x->flags & WC_HOST_SEEN)
		return;
	uint32_t b = block_of(f, h);
	double tele = host_rate(f, h, x) * host_tele(f, b, filter_status(f, h, x));
	double theta = lambda_s + exp_wait(f, tele);
	if (!isfinite(theta))
		return;
	if (f->capped) {
		sight_heap_push(&f->heap, &f->nheap, &f->heap_cap,
				(sight_entry){theta, h, f->sight_gen[h]});
		return;
	}
	double step = floor(theta / f->dt);
	if (!(step < (double)f->nsteps))
		return;
	float rest = (float)((step + 1) * f->dt - theta);
	switch (f->ring.slot ? sight_fate(f, h, x, s, (uint64_t)step, next_phase) : SIGHT_OPEN) {
	case SIGHT_CERTAIN:
		ring_add(f, (uint64_t)step, tele, rest);
		x->flags |= WC_HOST_SEEN; /* from then on, for certain */
		return;
	case SIGHT_VOID:
		ring_mark(f, (uint64_t)step);
		return;
	case SIGHT_OPEN:
		break;
	}
	pend_sighting(f, h, x, (uint32_t)step, rest);
	schedule(f, (uint32_t)step, h, EV_SIGHT);
}

/* The wake-up ramp as host h goes from `was` to phase ph in step s: a copy
 * woken from dormancy starts with a few threads, any other runs at full rate. */
static void ramp_on_phase(fast *f, uint32_t h, uint64_t s, uint8_t was, enum wc_phase ph)
{
	f->ramp_threads[h] = 0;
	int c = f->host[h].class_id, n = wc_outbreak_wake_threads(f->m, c);
	if (was != WC_PHASE_DORMANT || ph != WC_PHASE_SPREAD || n >= f->m->threads[c])
		return;
	f->ramp_threads[h] = (uint16_t)n;
	f->woke_step[h] = (uint32_t)s;
	f->ramp_step[h] = wc_outbreak_ramp_next(f->m, c, s, n);
	schedule(f, f->ramp_step[h], h, EV_RAMP);
}

/* A ramping copy gains a thread in step s: its rate changes, so a pending
 * first sighting is redrawn (memoryless). */
static void ramp_up(fast *f, uint32_t h, fasthost *x, uint64_t s)
{
	if (x->counted != COUNTED_SPREAD || f->ramp_threads[h] == 0)
		return;
	int c = x->class_id, n = f->ramp_threads[h] + 1;
	count_add(f, h, x, -1);
	f->ramp_threads[h] = (uint16_t)(n >= f->m->threads[c] ? 0 : n);
	count_add(f, h, x, +1);
	if (!(x->flags & WC_HOST_SEEN))
		start_spreading(f, h, s, f->lambda, phase_next(f, h, x, s));
	if (f->ramp_threads[h]) {
		f->ramp_step[h] = wc_outbreak_ramp_next(f->m, c, f->woke_step[h], n);
		schedule(f, f->ramp_step[h], h, EV_RAMP);
	}
}

/* Host h takes phase ph from step s on. */
static void enter_phase(fast *f, uint32_t h, uint64_t s, enum wc_phase ph)
{
	fasthost *x = &f->host[h];
	uint8_t was = x->counted;
	count_add(f, h, x, -1);
	x->counted = (uint8_t)ph;
	set_live(f, h, true);
	if (f->ramp_threads)
		ramp_on_phase(f, h, s, was, ph);
	count_add(f, h, x, +1);
	uint32_t next = next_phase_step(f, h, s, ph);
	if (ph == WC_PHASE_SPREAD)
		start_spreading(f, h, s, s == f->cur ? f->lambda : f->lambda_next, next);
	else
		void_sighting(f, h, x);
	if (!(x->flags & WRONG_CLOCK))
		return; /* the calendar walk moves it */
	/* A copy reinfected before its old phase change came has that event
	 * still pending, for the same step when its clock has not moved: it
	 * stands for both (it is met first, the new one would be stale), and
	 * not queuing the twin saves an event per reinfection. */
	uint32_t was_step = f->phase_step[h];
	f->phase_step[h] = next;
	if (next != was_step)
		schedule(f, next, h, EV_PHASE);
}

/* Whether the clocks that are right change phase in step s. */
static bool calendar0_boundary(const fast *f, uint64_t s)
{
	return s > 0 && f->cal0.at[calendar0_segment(&f->cal0, s - 1)] == s;
}

/* Every right clock changes phase at the same midnights: at one of them, a
 * walk over the live hosts in id order moves them all, where an event per
 * host (millions, nearly all for one step, most of them stale by then) cost
 * more than the rest of the day. Wrong clocks keep their events. */
static void calendar0_walk(fast *f, uint64_t s)
{
	uint8_t phase = f->cal0.phase[calendar0_segment(&f->cal0, s)];
	for (uint32_t w = 0; w <= f->n / 64; w++)
		for (uint64_t bits = f->live[w]; bits; bits &= bits - 1) {
			uint32_t h = w * 64 + (uint32_t)__builtin_ctzll(bits);
			if (h + 16 < f->n)
				__builtin_prefetch(&f->host[h + 16]);
			fasthost *x = &f->host[h];
			if (!(x->flags & WRONG_CLOCK) && x->counted != phase)
				enter_phase(f, h, s, (enum wc_phase)phase);
		}
}

/* ---- susceptible hosts by block ---- */

/* A Fenwick tree over the blocks' susceptible counts, those of blocks
 * outside `only` taken as 0. */
static void fen_build_pool(wc_fenwick *fen, const uint32_t *s16, const uint8_t *only, uint8_t want)
{
	uint32_t *counts = xmallocarray(NBLOCKS, sizeof *counts);
	for (uint32_t b = 0; b < NBLOCKS; b++)
		counts[b] = only[b] == want ? s16[b] : 0;
	wc_fenwick_build(fen, counts, NBLOCKS);
	free(counts);
}

static void comp_touch(fast *f, uint32_t k)
{
	if (f->comp_dirty[k])
		return;
	f->comp_dirty[k] = 1;
	WC_VEC_PUSH(f->dirty, f->ndirty, f->dirty_cap, k);
}

static void slot_swap(fast *f, uint32_t p, uint32_t q)
{
	uint32_t a = f->slot[p], b = f->slot[q];
	f->slot[p] = b;
	f->slot[q] = a;
	f->host[b].sus_pos = p;
	f->host[a].sus_pos = q;
}

/* One more (+1) or one fewer (−1) susceptible host in h's block. */
static inline void sus_count(fast *f, uint32_t h, int delta)
{
	uint32_t b = block_of(f, h), a = b >> 8;
	int k = kind16(f, b);
	f->s16[b] += (uint32_t)delta;
	f->s8[k][a] += (uint32_t)delta;
	f->nsus += (uint32_t)delta;
	f->sus_class[f->host[h].class_id] += (uint32_t)delta;
	wc_fenwick_add(&f->fen_group, b >> GROUP_BITS, delta);
	if (f->m->edge16) {
		wc_fenwick_add(&f->fen_pool[k], b, delta);
		if (k) {
			f->nsus_f += (uint32_t)delta;
			comp_touch(f, COMP_POOL_F);
		}
	}
	if (f->comps) {
		f->w8sum += delta * own8_weight(f, k, a);
		f->w16sum += delta * own16_weight(f, b);
		comp_touch(f, COMP_8 + 256 * (uint32_t)k + a);
		comp_touch(f, COMP_16 + b);
	}
}

static void sus_add(fast *f, uint32_t h)
{
	uint32_t b = block_of(f, h);
	slot_swap(f, f->host[h].sus_pos, f->first16[b] + f->s16[b]);
	sus_count(f, h, +1);
}

static void sus_remove(fast *f, uint32_t h)
{
	uint32_t b = block_of(f, h);
	slot_swap(f, f->host[h].sus_pos, f->first16[b] + f->s16[b] - 1);
	sus_count(f, h, -1);
}

/* Susceptible hosts of pool k (all of them without edge filters). */
static uint32_t pool_size(const fast *f, int k)
{
	return k ? f->nsus_f : f->nsus - f->nsus_f;
}

/* Probes expected to reach susceptible hosts in one step: the open pool's
 * global pressure nu_open (per address), the filtering pool's from reach_f
 * (see passing_rate), the components' sums; scale = κΔ·hit_scale. */
static double expected_hits(const fast *f, double scale, double nu_open, double reach_f)
{
	return nu_open * (double)pool_size(f, 0) +
	       scale * (f->wa * reach_f * f->nsus_f + f->w8sum + f->w16sum);
}

/* A uniform susceptible host of blocks [lo, hi), in pool `pool` (0 or 1) or
 * in either (−1). */
typedef struct pick_range {
	const wc_fenwick *fen; /* a pool's tree, or NULL: all susceptible hosts */
	uint32_t base, total;  /* the rank of its first host, and its hosts */
} pick_range;

/* The block holding the k-th susceptible host in block order, and that
 * host's rank in it: the group from the tree, then the block by a scan of the
 * group's counts. A find over all 65,536 blocks made 16 dependent reads
 * scattered over 256 KiB, most of them cache misses once the host records
 * had passed through; the group sums stay in L1. */
static uint32_t sus_find(const fast *f, uint32_t k, uint32_t *rank)
{
	uint32_t b = wc_fenwick_find(&f->fen_group, k, &k) << GROUP_BITS;
	while (f->s16[b] <= k)
		k -= f->s16[b++];
	*rank = k;
	return b;
}

/* Susceptible hosts of the blocks before b. */
static uint32_t sus_prefix(const fast *f, uint32_t b)
{
	uint32_t sum = wc_fenwick_prefix(&f->fen_group, b >> GROUP_BITS);
	for (uint32_t i = b & ~(uint32_t)(GROUP - 1); i < b; i++)
		sum += f->s16[i];
	return sum;
}

static pick_range sus_range(const fast *f, int pool, uint32_t lo, uint32_t hi)
{
	pick_range r = {pool >= 0 && f->m->edge16 ? &f->fen_pool[pool] : NULL, 0, 0};
	if (lo == 0 && hi == NBLOCKS) { /* the common case needs no prefix sums */
		r.total = pool >= 0 ? pool_size(f, pool) : f->nsus;
	} else if (r.fen != NULL) {
		r.base = wc_fenwick_prefix(r.fen, lo);
		r.total = wc_fenwick_prefix(r.fen, hi) - r.base;
	} else {
		r.base = sus_prefix(f, lo);
		r.total = sus_prefix(f, hi) - r.base;
	}
	return r;
}

/* The slot position of a uniform susceptible host of r. */
static uint32_t sus_slot(fast *f, const pick_range *r)
{
	uint32_t rank, k = r->base + (uint32_t)(wc_rng_gsl_uniform(f->g) * r->total);
	uint32_t b = r->fen ? wc_fenwick_find(r->fen, k, &rank) : sus_find(f, k, &rank);
	return f->first16[b] + rank;
}

static uint32_t sus_pick(fast *f, int pool, uint32_t lo, uint32_t hi)
{
	pick_range r = sus_range(f, pool, lo, hi);
	return f->slot[sus_slot(f, &r)];
}

/* Address churn: a reinfected host may come back from a new address, which
 * no sensor has seen; then its next change is scheduled. It is not counted
 * in any sum yet, so its telescope flag may change freely. */
static void address_on_infection(fast *f, uint32_t h, fasthost *x, uint64_t s, bool again)
{
	int c = x->class_id;
	if (!(f->m->address_rate[c] > 0))
		return;
	double gap = (double)(s - f->left_step[h]) * f->dt;
	if (again && wc_outbreak_new_address(f->m, c, gap, gsl_rng_uniform(f->g))) {
		f->address_changes++;
		x->flags &= (uint8_t)~WC_HOST_SEEN;
		if (f->nsensors)
			sensors_moved(f, h);
	}
	f->address_step[h] =
		wc_outbreak_next_address(f->m, c, s, exp_wait(f, f->m->address_rate[c]));
	schedule(f, f->address_step[h], h, EV_ADDRESS);
}

/* Infected host h takes a new address from step s on: a spreading host seen
 * by the telescope leaves the seen sum and waits for a first sighting again. */
static void change_address(fast *f, uint32_t h, fasthost *x, uint64_t s)
{
	f->address_changes++;
	if (f->nsensors)
		sensors_moved(f, h);
	if (x->flags & WC_HOST_SEEN) {
		x->flags &= (uint8_t)~WC_HOST_SEEN;
		if (x->counted == COUNTED_SPREAD) {
			uint32_t b = block_of(f, h);
			double tele = host_rate(f, h, x) * host_tele(f, b, filter_status(f, h, x));
			f->tele_seen = f->tele_seen > tele ? f->tele_seen - tele : 0;
			start_spreading(f, h, s, f->lambda, phase_next(f, h, x, s));
		}
	}
	f->address_step[h] = wc_outbreak_next_address(f->m, x->class_id, s,
						      exp_wait(f, f->m->address_rate[x->class_id]));
	schedule(f, f->address_step[h], h, EV_ADDRESS);
}

/* Infects h at `now` seconds after start; it acts from step s on. */
static void infect(fast *f, uint32_t h, double now, uint64_t s)
{
	fasthost *x = &f->host[h];
	bool again = x->flags & WC_HOST_EVER;
	x->state = WC_HOST_INFECTED;
	f->infected++;
	double reboot = exp_wait(f, f->m->reboot_rate[x->class_id]);
	double clean = exp_wait(f, f->m->clean_rate[x->class_id]);
	wc_fate fate = wc_outbreak_fate(f->m, x->class_id, now, reboot, clean);
	x->leave_step = fate.leave_step;
	if (fate.clean)
		x->flags |= WC_HOST_LEAVE_CLEAN;
	else
		x->flags &= (uint8_t)~WC_HOST_LEAVE_CLEAN;
	schedule(f, x->leave_step, h, EV_LEAVE);
	if (x->flags & WC_HOST_EVER) {
		f->reinfections++;
	} else {
		x->flags |= WC_HOST_EVER;
		f->cumulative++;
		f->new_infections++;
		uint64_t listed = wc_outbreak_list_step(f->m, s);
		if (f->m->blacklist && listed == s)
			x->flags |= WC_HOST_LISTED;
		else if (f->m->blacklist)
			schedule(f, listed, h, EV_LIST);
	}
	if (f->m->churn)
		address_on_infection(f, h, x, s, again);
	x->counted = COUNTED_NONE;
	enter_phase(f, h, s, phase_in_step(f, h, s));
}

/* Patches h: immune from now on, clean if it was infected. */
static void patch_host(fast *f, uint32_t h)
{
	fasthost *x = &f->host[h];
	if (!wc_outbreak_patchable(x->state))
		return;
	if (x->state == WC_HOST_SUSCEPTIBLE) {
		sus_remove(f, h);
	} else {
		count_add(f, h, x, -1);
		x->counted = COUNTED_NONE;
		set_live(f, h, false);
		f->infected--;
	}
	x->state = WC_HOST_PATCHED;
	f->patched++;
}

/* Blacklisting: h's address is listed from step s on, for good. Its probes
 * pass the filters less often from now on, its telescope ones included, so a
 * pending first sighting is redrawn (memoryless). */
static void list_host(fast *f, uint32_t h, uint64_t s)
{
	fasthost *x = &f->host[h];
	count_add(f, h, x, -1);
	x->flags |= WC_HOST_LISTED;
	count_add(f, h, x, +1);
	if (f->ep->filters && x->counted == COUNTED_SPREAD && !(x->flags & WC_HOST_SEEN))
		start_spreading(f, h, s, f->lambda, phase_next(f, h, x, s));
}

/* ---- one step ---- */

/* Fetches the record and live bit of the host named by the event d places
 * ahead in the open bucket; false if there is no such event. Inlined by
 * force, as prefetch_removal below. */
__attribute__((always_inline)) static inline bool prefetch_event(const fast *f,
								 const wc_bq_cursor *c, uint32_t d)
{
	uint32_t ev;
	if (!wc_bucketq_ahead(&f->events, c, d, &ev))
		return false;
	if ((ev >> EV_HOST_BITS) != EV_COMP) {
		uint32_t h = ev & ((1u << EV_HOST_BITS) - 1);
		__builtin_prefetch(&f->live[h >> 6]);
		__builtin_prefetch(&f->host[h]);
	}
	return true;
}

/* The events of step s: leaving hosts stop, phases change, sightings happen.
 * Sightings are only collected here, since a leave or phase change later in
 * the bucket may still stop the host; phase changes may append sightings for
 * this very step to the bucket, so its length is re-read as it is walked. */
static void step_events(fast *f, uint64_t s)
{
	f->cur = s;
	f->lam_now = f->lambda;
	f->nleaving = f->nsights = 0;
	wc_bq_cursor c = wc_bucketq_open(&f->events, s);
	f->staging = true; /* until the step ends (step_end) */
	if (calendar0_boundary(f, s))
		calendar0_walk(f, s); /* before the bucket: it may add sightings to it */
	const uint32_t host_mask = (1u << EV_HOST_BITS) - 1;
	/* Most events are live leaves: the records and live bits are fetched far
	 * ahead, and nearer, from a record that has arrived, the block record
	 * that a live event's count will change. */
	enum { AHEAD = 2 * WC_BQ_ITEMS, NEAR = WC_BQ_ITEMS / 2 };
	/* The walk fetches AHEAD events ahead; the first AHEAD are fetched here,
	 * all at once (a step of the codered-v2 day holds about five). */
	for (uint32_t d = 0; d < AHEAD && prefetch_event(f, &c, d); d++)
		;
	for (uint32_t ev, ahead; wc_bucketq_take(&f->events, &c, &ev);) {
		prefetch_event(f, &c, AHEAD);
		if (wc_bucketq_ahead(&f->events, &c, NEAR, &ahead) &&
		    (ahead >> EV_HOST_BITS) != EV_COMP && is_live(f, ahead & host_mask)) {
			const fasthost *y = &f->host[ahead & host_mask];
			if (y->state == WC_HOST_INFECTED && y->counted != COUNTED_NONE) {
				__builtin_prefetch(&f->b16[y->addr >> 16]);
				for (int k = 0; k < f->nsensors; k++)
					wc_sensor_track_prefetch(f->strack[k], ahead & host_mask);
			}
		}
		uint32_t h = ev & host_mask, kind = ev >> EV_HOST_BITS;
		if (kind == EV_COMP) {
			if (f->comp_due[h] == s) {
				f->comp_due[h] = NEVER; /* consumed: a twin event is stale */
				WC_VEC_PUSH(f->due, f->ndue, f->due_cap, h);
			}
			continue;
		}
		if (kind == EV_LIST) {
			list_host(f, h, s);
			continue;
		}
		if (!is_live(f, h))
			continue; /* stale: the host left, was patched or is leaving */
		fasthost *x = &f->host[h];
		if (kind == EV_LEAVE && x->leave_step == s) {
			count_add(f, h, x, -1);
			x->counted = COUNTED_NONE;
			set_live(f, h, false);
			x->flags &= (uint8_t)~SIGHT_PENDING;
			WC_VEC_PUSH(f->leaving, f->nleaving, f->leaving_cap, h);
		} else if (kind == EV_PHASE && f->phase_step[h] == s) {
			enter_phase(f, h, s, phase_in_step(f, h, s));
		} else if (kind == EV_RAMP && f->ramp_step[h] == s) {
			ramp_up(f, h, x, s);
		} else if (kind == EV_ADDRESS && f->address_step[h] == s) {
			change_address(f, h, x, s);
		} else if (kind == EV_SIGHT && sighting_due(f, h, x, s)) {
			WC_VEC_PUSH(f->sights, f->nsights, f->sights_cap, h);
		}
	}
	wc_bucketq_close(&f->events, &c);
}

/* k distinct hosts among the nsus susceptible ones of blocks [lo, hi) (or of
 * pool `pool`, see sus_pick), each hit with probability 1 − e^{−nu} (given at
 * least one if `positive`), added to the step's chosen hosts unless an
 * earlier draw of the step chose them. */
static void draw_infections(fast *f, int pool, uint32_t lo, uint32_t hi, uint32_t nsus, double nu,
			    bool positive)
{
	double q = -expm1(-nu);
	uint32_t k = positive ? wc_sample_binomial_positive(f->g, nsus, q)
			      : gsl_ran_binomial(f->g, q, nsus);
	pick_range r = sus_range(f, pool, lo, hi);
	f->ndrawn = 0;
	/* Candidates in batches, their slots and records fetched together. One
	 * uniform per candidate, and no more candidates than picks missing: a
	 * rejected one's replacement comes in the next batch, from the same
	 * uniforms as when picking one at a time. */
	enum { BATCH = 16 };
	uint32_t cand[BATCH];
	for (uint32_t i = 0; i < k;) {
		uint32_t m = k - i < BATCH ? k - i : BATCH;
		for (uint32_t j = 0; j < m; j++) {
			cand[j] = sus_slot(f, &r);
			__builtin_prefetch(&f->slot[cand[j]]);
		}
		for (uint32_t j = 0; j < m; j++) {
			cand[j] = f->slot[cand[j]];
			__builtin_prefetch(&f->host[cand[j]], 1);
		}
		for (uint32_t j = 0; j < m; j++) {
			uint32_t h = cand[j];
			fasthost *x = &f->host[h];
			if (x->flags & PICKED_DRAW)
				continue;
			if (!(x->flags & PICKED_STEP))
				WC_VEC_PUSH(f->chosen, f->nchosen, f->chosen_cap, h);
			x->flags |= PICKED_STEP | PICKED_DRAW;
			WC_VEC_PUSH(f->drawn, f->ndrawn, f->drawn_cap, h);
			i++;
		}
	}
	for (size_t i = 0; i < f->ndrawn; i++)
		f->host[f->drawn[i]].flags &= (uint8_t)~PICKED_DRAW;
}

/* A component's pressure, susceptible hosts and where they are (a block
 * range, or pool 1) in this step. */
static void comp_state(const fast *f, uint32_t k, double scale, double *nu, uint32_t *nsus,
		       int *pool, uint32_t *lo, uint32_t *hi)
{
	*pool = -1;
	if (k == COMP_POOL_F) {
		*nu = scale * f->wa * passing_rate(f, 1);
		*nsus = f->nsus_f;
		*pool = 1;
		*lo = 0;
		*hi = NBLOCKS;
	} else if (k < COMP_16) {
		int p = (int)((k - COMP_8) / 256);
		uint32_t a = (k - COMP_8) % 256;
		*nu = scale * own8_weight(f, p, a);
		*nsus = f->s8[p][a];
		*pool = f->m->edge16 ? p : -1;
		*lo = a << 8;
		*hi = *lo + 256;
	} else {
		*nu = scale * own16_weight(f, k - COMP_16);
		*nsus = f->s16[k - COMP_16];
		*lo = k - COMP_16;
		*hi = *lo + 1;
	}
}

static void draw_component(fast *f, uint32_t k, double scale, bool positive)
{
	double nu;
	uint32_t nsus, lo, hi;
	int pool;
	comp_state(f, k, scale, &nu, &nsus, &pool, &lo, &hi);
	if (nu > 0 && nsus > 0)
		draw_infections(f, pool, lo, hi, nsus, nu, positive);
}

/* With a rate cap, κ scales every component's pressure: when it has changed
 * since their pending steps were drawn, all of them are stale (and redrawn,
 * which the geometric's memorylessness makes exact). */
static void kappa_check(fast *f)
{
	double kappa = cap_scale(f);
	if (!f->live16 || kappa == f->comp_kappa)
		return;
	f->comp_kappa = kappa;
	for (uint32_t a = 0; a < 256; a++)
		for (int k = 0; f->n8[a] > 0 && k < npools(f); k++)
			comp_touch(f, COMP_8 + 256 * (uint32_t)k + a);
	for (uint32_t i = 0; i < f->nlive; i++)
		comp_touch(f, COMP_16 + f->live16[i]);
	if (f->m->edge16)
		comp_touch(f, COMP_POOL_F);
}

/* After step s: every component that changed gets its next infection step. */
static void redraw_components(fast *f, uint64_t s)
{
	kappa_check(f);
	double scale = cap_scale(f) * f->dt * f->hit_scale;
	for (uint32_t i = 0; i < f->ndirty; i++) {
		uint32_t k = f->dirty[i];
		f->comp_dirty[k] = 0;
		double nu;
		uint32_t nsus, lo, hi;
		int pool;
		comp_state(f, k, scale, &nu, &nsus, &pool, &lo, &hi);
		double g = wc_sample_geometric(f->g, -expm1(-nu * nsus));
		f->comp_due[k] = NEVER;
		if (g < (double)(f->nsteps - s)) {
			f->comp_due[k] = (uint32_t)(s + (uint64_t)g);
			schedule(f, f->comp_due[k], k, EV_COMP);
		}
	}
	f->ndirty = 0;
}

/* Flood traffic and the host counts of step s, taken after its events. */
static void step_flood(fast *f, uint64_t s, wc_timeline_row *row)
{
	row->spreading = f->spreading;
	row->flooding = f->flooding;
	uint64_t reaching = wc_outbreak_flood_reaches(f->m, s) ? f->flooding : 0;
	row->target_connections = reaching * (uint64_t)f->sc->flood_connections;
	f->target_bytes += wc_outbreak_flood_bytes(f->m, reaching);
}

/* Telescope sightings in step s, whose rate factor is kappa: hosts seen
 * before it send telescope probes all through it, hosts first seen in it for
 * the rest of it. */
static void step_sightings(fast *f, uint64_t s, double kappa)
{
	f->lambda_next = f->lambda + kappa * f->dt;
	f->tele_mean += f->tele_seen * kappa * f->dt;
	if (f->ring.slot)
		ring_take(f, s);
	while (f->nheap > 0 && f->heap[0].theta < f->lambda_next) {
		sight_entry e = sight_heap_pop(f->heap, &f->nheap);
		fasthost *x = &f->host[e.host];
		if (e.gen != f->sight_gen[e.host] || x->counted != COUNTED_SPREAD)
			continue; /* void: it stopped spreading */
		pend_sighting(f, e.host, x, (uint32_t)s, (float)(f->lambda_next - e.theta));
		WC_VEC_PUSH(f->sights, f->nsights, f->sights_cap, e.host);
	}
	for (uint32_t i = 0; i < f->nsights; i++) {
		uint32_t h = f->sights[i];
		fasthost *x = &f->host[h];
		/* stale if the host stopped spreading in this step after it was queued */
		if ((x->flags & WC_HOST_SEEN) || x->counted != COUNTED_SPREAD ||
		    !sighting_due(f, h, x, s))
			continue;
		x->flags |= WC_HOST_SEEN;
		x->flags &= (uint8_t)~SIGHT_PENDING;
		double tele =
			host_rate(f, h, x) * host_tele(f, block_of(f, h), filter_status(f, h, x));
		f->tele_seen += tele;
		f->first_sightings++;
		f->seen_total++;
		f->tele_mean += tele * f->sight[h].rest;
	}
}

/* Awareness, then the scheduled patches of step s: an infected host patched
 * now still probed all through the step, so it waits in deferred[] until the
 * step's infections are drawn. Returns how many wait. */
static uint32_t step_patches(fast *f, uint64_t s)
{
	/* the hosts are a uniform pick among the class's susceptible ones (by
	 * rejection over all) */
	for (int c = 0; f->m->aware && c < f->m->nclasses; c++) {
		double q = wc_outbreak_aware_q(f->m, c, f->cumulative);
		if (f->sus_class[c] == 0 || !(q > 0))
			continue;
		for (uint32_t k = gsl_ran_binomial(f->g, q, f->sus_class[c]); k > 0;) {
			uint32_t h = sus_pick(f, -1, 0, NBLOCKS);
			if (f->host[h].class_id == c) {
				patch_host(f, h);
				k--;
			}
		}
	}
	uint32_t ndeferred = 0;
	patch_queue *q = &f->patches;
	enum { AHEAD = 8 };
	for (; q->run < q->nruns && q->run_step[q->run] <= s; q->run++)
		for (; q->next < q->run_end[q->run]; q->next++) {
			if (q->next + AHEAD < q->n)
				__builtin_prefetch(&f->host[q->host[q->next + AHEAD]], 1);
			uint32_t h = q->host[q->next];
			if (f->host[h].state == WC_HOST_INFECTED)
				WC_VEC_PUSH(f->deferred, ndeferred, f->deferred_cap, h);
			else
				patch_host(f, h);
		}
	return ndeferred;
}

/* The hosts hit in a step (chosen[]): the global draw over the open pool and
 * the components' draws; scale = κΔ·hit_scale, reach[k] the passing rate
 * toward networks of kind k. */
static void step_draws(fast *f, double scale, const double reach[2], bool at_least_one)
{
	double nu_g = scale * f->wa * reach[0];
	f->nchosen = 0;
	if (nu_g > 0 && pool_size(f, 0) > 0)
		draw_infections(f, 0, 0, NBLOCKS, pool_size(f, 0), nu_g, at_least_one);
	if (!f->comps)
		return;
	/* components changed at the start of this step draw afresh; those whose
	 * geometric step this is draw given at least one */
	uint32_t changed = f->ndirty;
	for (uint32_t i = 0; i < changed; i++)
		draw_component(f, f->dirty[i], scale, false);
	for (uint32_t i = 0; i < f->ndue; i++)
		if (!f->comp_dirty[f->due[i]])
			draw_component(f, f->due[i], scale, true);
	for (uint32_t i = 0; i < f->ndue; i++)
		comp_touch(f, f->due[i]);
	f->ndue = 0;
}

/* Fetches ahead what taking hosts v[i + ...] out of (or into) the
 * susceptible set will read: their record, then (once it has arrived) their
 * block's record, their own slot and the slot at the end of their block's
 * susceptible range, then the host there, whose place they swap. Each stage
 * reads only what the one before fetched, so no stage waits for memory.
 * Inlined by force: GCC takes a function of prefetches alone for one
 * without effect and drops its calls. */
__attribute__((always_inline)) static inline void prefetch_removal(const fast *f, const uint32_t *v,
								   uint32_t n, uint32_t i)
{
	enum { RECORD = 16, FAR = 8, NEAR = 4 };
	if (i + RECORD < n)
		__builtin_prefetch(&f->host[v[i + RECORD]], 1);
	if (i + FAR < n) {
		uint32_t b = block_of(f, v[i + FAR]);
		__builtin_prefetch(&f->b16[b]);
		__builtin_prefetch(&f->slot[f->host[v[i + FAR]].sus_pos], 1);
		__builtin_prefetch(&f->slot[f->first16[b] + f->s16[b] - (f->s16[b] > 0)], 1);
	}
	if (i + NEAR < n) {
		uint32_t b = block_of(f, v[i + NEAR]);
		uint32_t end = f->first16[b] + f->s16[b] - (f->s16[b] > 0);
		if (end < f->n)
			__builtin_prefetch(&f->host[f->slot[end]], 1);
	}
}

/* Fetches ahead, for a walk over hosts v[], host v[i + FAR]'s record and
 * live bit, and then, from the record of v[i + NEAR] that has arrived, its
 * block's. */
__attribute__((always_inline)) static inline void prefetch_hosts(const fast *f, const uint32_t *v,
								 uint32_t n, uint32_t i)
{
	enum { FAR = 12, NEAR = 4 };
	if (i + FAR < n) {
		__builtin_prefetch(&f->host[v[i + FAR]], 1);
		__builtin_prefetch(&f->live[v[i + FAR] >> 6], 1);
	}
	if (i + NEAR < n)
		__builtin_prefetch(&f->b16[block_of(f, v[i + NEAR])], 1);
}

/* Each chosen host's probes and infector: one of the probes that reached it,
 * from its own /16 (all pass), its /8 or anywhere (those that pass). */
static void step_infectors(fast *f, double scale, const double reach[2])
{
	for (uint32_t i = 0; i < f->nchosen; i++) {
		prefetch_removal(f, f->chosen, f->nchosen, i);
		uint32_t h = f->chosen[i], b = block_of(f, h), a = b >> 8;
		f->host[h].flags &= (uint8_t)~PICKED_STEP;
		int k = kind16(f, b);
		double in16 = (f->wa + f->w8 + f->w16) * f->b16[b].rate;
		double in8 = fmax(0, (f->wa + f->w8) * (pass8(f, k, a) - pass16(f, b)));
		double total = in16 + in8 + fmax(0, f->wa * (reach[k] - pass8(f, k, a)));
		double nu = scale * f->wa * reach[k] +
			    scale * (f->w8 * pass8(f, k, a) + own16_weight(f, b));
		f->hit_probes += wc_sample_poisson_positive(f->g, nu);
		double u = wc_rng_gsl_uniform(f->g) * total;
		if (wc_outbreak_hit_outcome(f->m, f->host[h].class_id) == WC_HOST_INFECTED) {
			f->same16 += u < in16;
			f->same8 += u < in16 + in8;
		}
		sus_remove(f, h);
	}
}

/* The end of step s (ending at `next` seconds): deferred patches, leaving
 * copies, then the infections, which act from s + 1. */
static void step_end(fast *f, uint64_t s, double next, uint32_t ndeferred)
{
	f->lam_now = f->lambda_next;
	for (uint32_t i = 0; i < ndeferred; i++)
		patch_host(f, f->deferred[i]);
	for (uint32_t i = 0; i < f->nleaving; i++) {
		prefetch_removal(f, f->leaving, f->nleaving, i);
		uint32_t h = f->leaving[i];
		fasthost *x = &f->host[h];
		if (x->state != WC_HOST_INFECTED)
			continue; /* patched in this step */
		f->infected--;
		x->state = wc_outbreak_after_leave(x->flags);
		if (f->left_step)
			f->left_step[h] = (uint32_t)(s + 1);
		if (x->state == WC_HOST_PATCHED)
			f->patched++;
		else
			sus_add(f, h);
	}
	for (uint32_t i = 0; i < f->nchosen; i++) {
		prefetch_hosts(f, f->chosen, f->nchosen, i);
		uint32_t h = f->chosen[i];
		for (int k = 0; i + 8 < f->nchosen && k < f->nsensors; k++)
			wc_sensor_track_prefetch(f->strack[k], f->chosen[i + 8]);
		f->host[h].state = wc_outbreak_hit_outcome(f->m, f->host[h].class_id);
		if (f->host[h].state == WC_HOST_FAILED)
			f->failed++;
		else
			infect(f, h, next, s + 1);
	}
	if (f->comps)
		redraw_components(f, s);
	flush_staged(f);
}

/* Step s after its events, in the order of outbreak.h. */
static void step_probes(fast *f, uint64_t s, bool at_least_one, wc_timeline_row *row)
{
	step_flood(f, s, row);
	double kappa = cap_scale(f);
	if (f->comps)
		kappa_check(f); /* before this step's draws */
	step_sightings(f, s, kappa);
	double next = (double)(s + 1) * f->dt;
	uint32_t ndeferred = step_patches(f, s);

	/* Per-address pressures: probes per address in this step, from outside
	 * the address's own /16 to each pool, plus the components'. */
	double scale = kappa * f->dt * f->hit_scale, rate = spreading_rate(f);
	double reach[2] = {passing_rate(f, 0), f->m->edge16 ? passing_rate(f, 1) : 0};
	f->other_mean += kappa * f->dt * (rate - f->tele_all) -
			 expected_hits(f, scale, scale * f->wa * reach[0], reach[1]);
	f->blocked_mean += kappa * f->dt * blocked_rate(f);
	step_draws(f, scale, reach, at_least_one);
	step_infectors(f, scale, reach);
	step_end(f, s, next, ndeferred);
}

/* ---- output rows ---- */

static void fill_counts(const fast *f, wc_timeline_row *row)
{
	row->infected = f->infected;
	row->patched = f->patched;
	row->failed = f->failed;
	row->susceptible = f->n - f->infected - f->patched - f->failed;
	row->cumulative_infected = f->cumulative;
	row->removed = f->cumulative - f->infected;
	row->active = row->spreading + row->flooding;
	row->telescope_sources = f->seen_total;
	row->infected_addresses = f->cumulative + f->address_changes;
}

static void push_row(fast *f, uint64_t s, wc_timeline_row *row, wc_timeline *tl)
{
	row->time = step_time(f, s + 1);
	row->new_infections = f->new_infections;
	row->reinfections = f->reinfections;
	row->target_bytes = f->target_bytes;
	row->infected_same16 = f->same16;
	row->infected_same8 = f->same8;
	row->telescope_probes = f->first_sightings + wc_sample_poisson64(f->g, f->tele_mean);
	/* the dropped probes are a Poisson part of the "other" ones */
	double rest = f->other_mean - f->blocked_mean;
	row->blocked_probes = wc_sample_poisson64(f->g, f->blocked_mean);
	row->probes = row->telescope_probes + f->hit_probes + row->blocked_probes +
		      wc_sample_poisson64(f->g, rest > 0 ? rest : 0);
	fill_counts(f, row);
	for (int k = 0; k < f->nsensors; k++)
		wc_sensor_track_row(f->strack[k], f->lambda_next, row->sensor[k]);
	wc_timeline_push(tl, row);
	f->new_infections = f->reinfections = f->target_bytes = 0;
	f->same16 = f->same8 = 0;
	f->first_sightings = f->hit_probes = 0;
	f->other_mean = f->tele_mean = f->blocked_mean = 0;
}

/* ---- set-up ---- */

/* Every host starts susceptible, in its /16's slot range. */
static void blocks_init(fast *f)
{
	f->first16 = xcalloc(NBLOCKS + 1, sizeof *f->first16);
	f->s16 = xcalloc(NBLOCKS, sizeof *f->s16);
	f->slot = xcalloc_huge(f->n, sizeof *f->slot);
	f->b16 = xcalloc_huge(NBLOCKS, sizeof *f->b16);
	for (uint32_t h = 0; h < f->n; h++) {
		uint32_t b = block_of(f, h);
		f->slot[h] = h;
		f->host[h].sus_pos = h;
		f->sus_class[f->host[h].class_id]++;
		f->s16[b]++;
		f->s8[0][b >> 8]++;
	}
	for (uint32_t b = 0; b < NBLOCKS; b++)
		f->first16[b + 1] = f->first16[b] + f->s16[b];
	uint32_t group[NGROUPS] = {0};
	for (uint32_t b = 0; b < NBLOCKS; b++)
		group[b >> GROUP_BITS] += f->s16[b];
	wc_fenwick_build(&f->fen_group, group, NGROUPS);
	f->nsus = f->n;
}

/* Addresses of prefix a that lie in telescope blocks. */
static double tele_in(const wc_scenario *sc, wc_prefix a)
{
	double n = 0;
	for (int i = 0; i < sc->ntelescope; i++)
		n += (double)wc_prefix_overlap(sc->telescope[i], a);
	return n;
}

/* Addresses of the scan space a local-preference draw keeps (not 127/8, 224/3). */
static double valid_in_space(const wc_scenario *sc)
{
	static const char *const excluded[] = {"127.0.0.0/8", "224.0.0.0/3"};
	double n = (double)wc_prefix_size(sc->scan_space);
	for (int i = 0; i < 2; i++) {
		wc_prefix x;
		wc_prefix_parse(excluded[i], &x);
		n -= (double)wc_prefix_overlap(x, sc->scan_space);
	}
	return n;
}

static void components_alloc(fast *f)
{
	if (f->capped) {
		f->comp_kappa = 1; /* κ with no sender */
		f->live16 = xmallocarray(NBLOCKS, sizeof *f->live16);
		f->live_pos = xmallocarray(NBLOCKS, sizeof *f->live_pos);
	}
	f->comp_due = xmallocarray(NCOMP, sizeof *f->comp_due);
	memset(f->comp_due, 0xff, NCOMP * sizeof *f->comp_due);
	f->comp_dirty = xcalloc(NCOMP, sizeof *f->comp_dirty);
}

static void filter_init(fast *f, const wc_scenario *sc);

/* The hit weights w(x, y) per unit rate, and for local preference each
 * sender block's telescope share. */
static void targeting_init(fast *f, const wc_scenario *sc)
{
	f->wa = 1 / f->m->space;
	if (sc->strategy != WC_STRATEGY_LOCAL_PREFERENCE) {
		filter_init(f, sc);
		return;
	}
	f->comps = true;
	double any = 1 - sc->local_own8 - sc->local_own16;
	double valid = valid_in_space(sc);
	double z = sc->local_own8 * (1 - 0x1p-24) + sc->local_own16 * (1 - 0x1p-16) +
		   any * (valid - 1) / f->m->space;
	f->wa = any / (z * f->m->space);
	f->w8 = sc->local_own8 / (z * 0x1p24);
	f->w16 = sc->local_own16 / (z * 0x1p16);
	/* telescope blocks are dark, never 127/8 or 224/3 in practice; their share
	 * of "anywhere" draws is |T ∩ S| / |S| before the rejection */
	double t_any = tele_in(sc, sc->scan_space) / f->m->space;
	f->tele16 = xcalloc(NBLOCKS, sizeof *f->tele16);
	for (uint32_t b = 0; b < NBLOCKS; b++) {
		if (f->s16[b] == 0)
			continue;
		wc_prefix p16 = {b << 16, 16}, p8 = {b << 16 & 0xff000000u, 8};
		f->tele16[b] =
			(float)((sc->local_own8 * tele_in(sc, p8) * 0x1p-24 +
				 sc->local_own16 * tele_in(sc, p16) * 0x1p-16 + any * t_any) /
				z);
	}
	components_alloc(f);
	filter_init(f, sc);
}

/*
 * Filtering (defense.filter). In an epoch with filters, a filterable sender x
 * (outbreak.h: wc_outbreak_sender) reaches an address y outside its own /16
 * only if its probe passes, with probability π_k(x) = wc_outbreak_pass(), k
 * = 1 if y's network filters at its edge. Splitting still holds: y in /16 b
 * of /8 a receives
 *
 *   ν_y = κΔ·[wa·P_k + w8·P8_k(a) + w16·R_b + (wa + w8)·(R_b − P16_b)]
 *
 * with P_k = Σ_x r_x·π_k(x) over all senders, P8_k(a) over those in a, P16_b
 * over those in b (toward b's own kind): everything that passes, plus what
 * b's own senders send into b without meeting a filter. The first term is the
 * global draw over the open pool and a component over the filtering pool;
 * the /8 and /16 terms are components as for local preference. Under
 * blacklisting a host's π changes at its listing, an event at its list step.
 */
static void filter_init(fast *f, const wc_scenario *sc)
{
	if (!f->m->filters)
		return;
	f->p16 = xcalloc(NBLOCKS, sizeof *f->p16);
	/* the share of a sender's probes to its own /16, which no filter sees */
	double own = fmin(1, (f->wa + f->w8 + f->w16) * 65535);
	if (f->m->edge16 == NULL) {
		for (int st = WC_SENDER_FILTERABLE; st < NSTATUS; st++)
			for (uint32_t a = 0; a < 256; a++)
				f->beta[st][a] = f->m->drop[st][0] * (1 - own);
	} else {
		bool local = sc->strategy == WC_STRATEGY_LOCAL_PREFERENCE;
		/* Where probes land in filtering networks: "anywhere" draws on their
		 * addresses in the scan space (local preference rejects 127/8 and
		 * 224/3), own-/8 draws on those of the sender's /8. */
		double anywhere = 0, in8[256] = {0};
		for (uint32_t b = 0; b < NBLOCKS; b++) {
			if (!f->m->edge16[b])
				continue;
			bool rejected = local && ((b >> 8) == 127 || (b >> 8) >= 224);
			if (!rejected)
				anywhere += (double)wc_prefix_overlap((wc_prefix){b << 16, 16},
								      sc->scan_space);
			in8[b >> 8] += 65536;
			f->s8[0][b >> 8] -= f->s16[b]; /* its hosts move to pool 1 */
			f->s8[1][b >> 8] += f->s16[b];
			f->nsus_f += f->s16[b];
		}
		double own_block = (f->wa + f->w8) * 65536; /* when the sender's /16 filters */
		const double(*drop)[2] = f->m->drop;
		for (uint32_t a = 0; a < 256; a++) {
			double share = f->wa * anywhere + f->w8 * in8[a];
			f->beta[WC_SENDER_FILTERABLE][a] = drop[WC_SENDER_FILTERABLE][1] * share;
			f->beta[WC_SENDER_FILTERABLE_EDGE][a] =
				drop[WC_SENDER_FILTERABLE_EDGE][0] > 0 ? 1 - own
								       : fmax(0, share - own_block);
		}
		fen_build_pool(&f->fen_pool[0], f->s16, f->m->edge16, 0);
		fen_build_pool(&f->fen_pool[1], f->s16, f->m->edge16, 1);
	}
	if (f->tele16 == NULL) {
		f->tele16 = xcalloc(NBLOCKS, sizeof *f->tele16);
		for (uint32_t b = 0; b < NBLOCKS; b++)
			f->tele16[b] = (float)f->m->p_telescope;
	}
	f->tele_own16 = xcalloc(NBLOCKS, sizeof *f->tele_own16);
	for (uint32_t b = 0; b < NBLOCKS; b++)
		if (f->s16[b] > 0) {
			wc_prefix p16 = {b << 16, 16};
			f->tele_own16[b] = (float)((f->wa + f->w8 + f->w16) * tele_in(sc, p16));
		}
	if (f->comp_due == NULL)
		components_alloc(f);
	f->comps = true;
}

/* A policy epoch starts, at the start of step s (its rates or filters
 * change): every host leaves the sums as it was and comes back as it is now,
 * with its pending first sighting redrawn (memoryless). */
static void epoch_switch(fast *f, uint64_t s)
{
	f->lam_now = f->lambda;
	for (uint32_t h = 0; h < f->n; h++)
		if (f->host[h].counted != COUNTED_NONE)
			count_add(f, h, &f->host[h], -1);
	f->epoch++;
	f->ep = &f->m->epoch[f->epoch];
	f->rate = f->ep->class_rate;
	for (uint32_t h = 0; h < f->n; h++) {
		fasthost *x = &f->host[h];
		if (x->counted == COUNTED_NONE)
			continue;
		count_add(f, h, x, +1);
		if (x->counted == COUNTED_SPREAD && !(x->flags & WC_HOST_SEEN))
			start_spreading(f, h, s, f->lambda, phase_next(f, h, x, s));
	}
	f->w8sum = f->w16sum = 0; /* afresh, without the updates' rounding */
	for (uint32_t a = 0; a < 256; a++)
		for (int k = 0; k < npools(f); k++)
			f->w8sum += own8_weight(f, k, a) * f->s8[k][a];
	for (uint32_t b = 0; b < NBLOCKS; b++)
		f->w16sum += own16_weight(f, b) * f->s16[b];
}

static void patches_init(fast *f);
/* A tracker per sensor, and under local preference each sensor's share of a
 * sender /16's probes, by the formula of the telescope's (targeting_init). */
static void sensors_init(fast *f, const wc_world *w)
{
	const wc_scenario *sc = w->sc;
	f->nsensors = w->sensors->n;
	for (int k = 0; k < f->nsensors; k++) {
		const wc_sensor *ss = &w->sensors->s[k];
		f->strack[k] = wc_sensor_track_new(f->n, w->opt->seed, k);
		f->sensor_p[k] = ss->p;
		if (sc->strategy != WC_STRATEGY_LOCAL_PREFERENCE)
			continue;
		double any = 1 - sc->local_own8 - sc->local_own16;
		double z = sc->local_own8 * (1 - 0x1p-24) + sc->local_own16 * (1 - 0x1p-16) +
			   any * (valid_in_space(sc) - 1) / f->m->space;
		f->sensor16[k] = xcalloc(NBLOCKS, sizeof *f->sensor16[k]);
		for (uint32_t b = 0; b < NBLOCKS; b++) {
			if (f->s16[b] == 0)
				continue;
			wc_prefix p16 = {b << 16, 16}, p8 = {b << 16 & 0xff000000u, 8};
			f->sensor16[k][b] =
				(float)((sc->local_own8 * wc_sensor_in(ss, p8) * 0x1p-24 +
					 sc->local_own16 * wc_sensor_in(ss, p16) * 0x1p-16 +
					 any * ss->p) /
					z);
		}
	}
}

static void fast_init(fast *f, const wc_world *w)
{
	const wc_scenario *sc = w->sc;
	memset(f, 0, sizeof *f);
	f->sc = sc;
	f->m = w->model;
	f->ep = &f->m->epoch[0];
	f->rate = f->ep->class_rate;
	f->pop = w->pop;
	f->n = w->pop->n;
	f->nsteps = w->nsteps;
	f->dt = sc->step;
	f->g = wc_rng_gsl_alloc();
	wc_rng_gsl_load(f->g, wc_rng_stream(w->opt->seed, WC_STREAM_FAST, 0, 0));
	f->capped = sc->rate_cap > 0;
	f->hit_scale = w->opt->fast_hit_scale > 0 ? w->opt->fast_hit_scale : 1;

	patches_init(f); /* its sort's scratch freed before the records come */
	f->host = xcalloc_huge(f->n, sizeof *f->host);
	f->live = xcalloc(f->n / 64 + 1, sizeof *f->live);
	uint32_t nwrong = 0;
	for (uint32_t h = 0; h < f->n; h++) {
		uint8_t c = w->pop->class_id[h];
		f->host[h].counted = COUNTED_NONE;
		f->host[h].addr = w->pop->addr[h];
		f->host[h].flags = wc_population_clock_offset(w->pop, h, c) != 0 ? WRONG_CLOCK : 0;
		f->host[h].class_id = c;
		nwrong += f->host[h].flags == WRONG_CLOCK;
	}
	if (nwrong)
		f->phase_step = xcalloc_huge(f->n, sizeof *f->phase_step);
	/* read only once written, and so few are (certain sightings skip it) that
	 * small pages keep most of it untouched */
	f->sight = xmallocarray(f->n, sizeof *f->sight);
	if (f->capped)
		f->sight_gen = xcalloc_huge(f->n, sizeof *f->sight_gen);
	blocks_init(f);
	targeting_init(f, sc);
	if (f->m->ramp) {
		f->ramp_threads = xcalloc(f->n, sizeof *f->ramp_threads);
		f->woke_step = xcalloc(f->n, sizeof *f->woke_step);
		f->ramp_step = xcalloc(f->n, sizeof *f->ramp_step);
	}
	if (f->m->churn) {
		f->address_step = xmallocarray(f->n, sizeof *f->address_step);
		f->left_step = xcalloc(f->n, sizeof *f->left_step);
	}

	sensors_init(f, w);

	wc_bucketq_init(&f->events, f->nsteps, WINDOW_MAX);
	calendar0_build(f);
	ring_init(f, sc);
}

static void fast_free(fast *f)
{
	gsl_rng_free(f->g);
	free(f->host);
	free(f->phase_step);
	free(f->sight);
	free(f->sight_gen);
	free(f->live);
	free(f->first16);
	free(f->slot);
	free(f->s16);
	wc_fenwick_free(&f->fen_group);
	free(f->b16);
	free(f->p16);
	wc_fenwick_free(&f->fen_pool[0]);
	wc_fenwick_free(&f->fen_pool[1]);
	free(f->tele16);
	free(f->tele_own16);
	free(f->comp_due);
	free(f->live16);
	free(f->live_pos);
	free(f->comp_dirty);
	free(f->dirty);
	free(f->due);
	free(f->drawn);
	free(f->deferred);
	wc_bucketq_free(&f->events);
	free(f->staged);
	free(f->patches.host);
	free(f->patches.run_step);
	free(f->patches.run_end);
	free(f->cal0.at);
	free(f->cal0.phase);
	free(f->heap);
	free(f->ring.slot);
	free(f->ring.used);
	free(f->leaving);
	free(f->sights);
	free(f->chosen);
	free(f->address_step);
	free(f->left_step);
	free(f->ramp_threads);
	free(f->woke_step);
	free(f->ramp_step);
	for (int k = 0; k < f->nsensors; k++) {
		wc_sensor_track_free(f->strack[k]);
		free(f->sensor16[k]);
	}
}

/* The seed copies (outbreak.h) run from the start. The population's arrays,
 * copied into the host records, are freed once the seeds are picked. */
static void seed_infections(fast *f, wc_population *pop, uint64_t seed)
{
	uint32_t *seeds = xmallocarray((size_t)f->sc->seed_hosts + 1, sizeof *seeds);
	wc_outbreak_seeds(f->m, pop->class_id, seed, seeds);
	wc_population_drop_hosts(pop);
	for (int k = 0; k < f->sc->seed_hosts; k++) {
		sus_remove(f, seeds[k]);
		infect(f, seeds[k], 0, 0);
	}
	free(seeds);
}

/* The first step s with at < (s + 1)·Δ, the test the patches of a step pass
 * (step_patches), or NEVER past the run. */
static uint32_t patch_step(const fast *f, double at)
{
	double g = floor(at / f->dt);
	if (!(g < (double)f->nsteps))
		return NEVER;
	uint64_t s = g > 0 ? (uint64_t)g : 0;
	while (s > 0 && at < (double)s * f->dt)
		s--;
	while (!(at < (double)(s + 1) * f->dt))
		s++;
	return s < f->nsteps ? (uint32_t)s : NEVER;
}

static void patches_init(fast *f)
{
	patch_queue *q = &f->patches;
	double *at;
	uint32_t n;
	q->host = wc_population_patch_order(f->pop, (double)(f->nsteps + 1) * f->dt, &n, &at);
	/* sized for every patch, the pages past the runs never touched */
	q->run_step = xmallocarray(n ? n : 1, sizeof *q->run_step);
	q->run_end = xmallocarray(n ? n : 1, sizeof *q->run_end);
	for (q->n = 0; q->n < n; q->n++) {
		uint32_t step = patch_step(f, at[q->n]);
		if (step == NEVER)
			break; /* past the run, as are all the later ones */
		if (q->nruns == 0 || q->run_step[q->nruns - 1] != step)
			q->run_step[q->nruns++] = step;
		q->run_end[q->nruns - 1] = q->n + 1;
	}
	free(at);
	size_t runs = q->nruns ? q->nruns : 1;
	q->host = xreallocarray(q->host, q->n ? q->n : 1, sizeof *q->host);
	q->run_step = xreallocarray(q->run_step, runs, sizeof *q->run_step);
	q->run_end = xreallocarray(q->run_end, runs, sizeof *q->run_end);
}

/* The last step before which only infections can happen after step s: the
 * policy's fixed instants, this engine's events, a capped run's next
 * sighting. */
static uint64_t quiet_until(fast *f, uint64_t s, double kappa)
{
	const patch_queue *q = &f->patches;
	uint32_t h = q->next < q->n ? q->host[q->next] : 0;
	double patch_at =
		q->next < q->n ? wc_population_patch_at(f->pop, h, f->host[h].class_id) : NAN;
	uint64_t stop = wc_outbreak_next_fixed(f->m, s, f->cumulative, patch_at);
	uint64_t ev = wc_bucketq_next(&f->events, s);
	if (ev < stop)
		stop = ev;
	uint64_t midnight = f->cal0.at[calendar0_segment(&f->cal0, s)];
	if (midnight < stop)
		stop = midnight;
	uint64_t sighting = ring_next(f, s + 1);
	if (sighting < stop)
		stop = sighting;
	if (f->nheap > 0) {
		/* a capped run's next sighting: where Λ passes its theta */
		double ahead = (f->heap[0].theta - f->lambda) / (kappa * f->dt);
		if (ahead < (double)(stop - s - 1))
			stop = s + 1 + (uint64_t)fmax(0, floor(ahead));
	}
	return stop;
}

/* Steps s+1 .. stop-1 see the same I and S': the first with an infection is
 * a geometric number of steps away. Accounts for the steps skipped and
 * returns the next step to process; *at_least_one says whether it has an
 * infection for certain. */
static uint64_t skip_quiet(fast *f, uint64_t s, uint64_t stop, double kappa, bool *at_least_one)
{
	double rate = spreading_rate(f);
	double scale = kappa * f->dt * f->hit_scale;
	double nu = scale * f->wa * passing_rate(f, 0);
	double open = (double)pool_size(f, 0);
	double hits_mean = expected_hits(f, scale, nu, f->m->edge16 ? passing_rate(f, 1) : 0);
	double gap = (double)(stop - s - 1);
	double g = gap > 0 ? wc_sample_geometric(f->g, -expm1(-nu * open)) : INFINITY;
	uint64_t next = g <= gap ? s + (uint64_t)g : stop;
	*at_least_one = next < stop;

	double quiet = (double)(next - s - 1);
	if (quiet > 0) {
		uint64_t reaching = wc_outbreak_flood_reaches(f->m, s + 1) ? f->flooding : 0;
		f->target_bytes += (next - s - 1) * wc_outbreak_flood_bytes(f->m, reaching);
		f->tele_mean += quiet * f->tele_seen * kappa * f->dt;
		f->other_mean += quiet * (kappa * f->dt * (rate - f->tele_all) - hits_mean);
		f->blocked_mean += quiet * kappa * f->dt * blocked_rate(f);
		f->lambda += quiet * kappa * f->dt;
	}
	return next;
}

static void first_row(fast *f, wc_timeline *tl)
{
	wc_timeline_row row = {0};
	row.time = f->sc->start;
	row.spreading = f->spreading;
	row.flooding = f->flooding;
	fill_counts(f, &row);
	f->new_infections = f->reinfections = 0;
	wc_timeline_push(tl, &row);
}

int wc_engine_fast_run(const wc_world *w, wc_run_result *res, wc_error *err)
{
	(void)err;
	fast f;
	fast_init(&f, w);
	seed_infections(&f, w->pop, w->opt->seed);
	first_row(&f, &res->timeline);

	uint64_t nsteps = f.nsteps, per_row = f.m->per_row;
	wc_timeline_row row = {0};
	bool at_least_one = false;
	for (uint64_t s = 0; s < nsteps;) {
		while (f.epoch + 1 < f.m->nepochs && s == f.m->epoch[f.epoch + 1].from)
			epoch_switch(&f, s);
		step_events(&f, s);
		step_probes(&f, s, at_least_one, &row);
		if ((s + 1) % per_row == 0 || s + 1 == nsteps) {
			push_row(&f, s, &row, &res->timeline);
			memset(&row, 0, sizeof row);
			if (w->opt->progress)
				w->opt->progress(w->opt->progress_ctx,
						 (double)(s + 1) / (double)nsteps);
		}
		f.lambda = f.lambda_next;
		if (s + 1 >= nsteps)
			break;
		double kappa = cap_scale(&f);
		uint64_t stop = quiet_until(&f, s, kappa);
		s = skip_quiet(&f, s, stop, kappa, &at_least_one);
	}
	for (size_t i = 0; i < res->timeline.n; i++)
		res->probes += res->timeline.rows[i].probes;

	fast_free(&f);
	return 0;
}
