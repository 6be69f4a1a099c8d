#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/follow_watch.h"
#include "core/atomicfile.h"
#include "core/clock.h"
#include "core/num.h"
#include "core/outdir.h"
#include "core/provenance.h"
#include "core/xalloc.h"
#include "detect/detect.h"
#include "report/detect_report.h"

static const char detect_usage[] =
	"usage: wormcast detect FILE... [options]\n"
	"\n"
	"Finds Code Red, Code Red II and Nimda requests, .ida scanners, port-80 scanners\n"
	"and floods in web logs (Apache/nginx, IIS W3C, Apache error logs), sensor logs\n"
	"(Zeek http.log, TSV or JSON; Suricata eve.json), plain, gzip or zstd ('-' is\n"
	"stdin), and pcap/pcapng captures. Writes DIR/sources.csv and\n"
	"DIR/timeline.csv (readable by `wormcast fit`), DIR/timeline-KIND.csv per kind,\n"
	"DIR/summary.json.\n"
	"\n"
	"options:\n"
	"  --input-format F  auto, apache, iis, error, pcap, zeek (http.log, TSV),\n"
	"                    zeek-json (http.log, JSON lines) or eve (Suricata eve.json)\n"
	"                    (default auto: sniff each file); --format F is the same\n"
	"  --log-format S    read logs with Apache's LogFormat string S ('%h %l %u %t\n"
	"                    \"%r\" %>s %b') or nginx's log_format ('$remote_addr - ...')\n"
	"  --out DIR         output directory (default detect-out)\n"
	"  --bin SECONDS     timeline bin (default 3600)\n"
	"  --ports LIST      TCP ports carrying HTTP in captures, e.g. 80,8080 (default 80)\n"
	"  --flood-rate R    connections/s to one destination that make a flood (default 100)\n"
	"  --plot FILE       also draw cumulative sources per kind (.png, .svg or .pdf)\n"
	"  --threads N       threads reading Apache and error logs (default: all cores);\n"
	"                    does not change results\n"
	"  --keep-going      read a log even when most of its lines cannot be parsed\n"
	"                    (default: exit 2 naming it; a wrong format is likely)\n"
	"  --from TIME       only requests at TIME or later (UTC, e.g. 2001-07-19T12:00Z)\n"
	"  --until TIME      only requests before TIME\n"
	"  --alerts FILE     also write one JSON object per line per source found, with\n"
	"                    Suricata eve.json's field names ('-': standard output, and\n"
	"                    no summary table)\n"
	"  --format json     print summary.json on standard output instead of the table\n"
	"                    (--format text: the table, the default)\n"
	"  --follow          read one log as it grows, across rotation (rename or\n"
	"                    copytruncate), like tail -F; alerts as sources are found,\n"
	"                    outputs rewritten every --interval; SIGINT or SIGTERM ends it\n"
	"  --interval S      seconds between rewrites of the outputs with --follow\n"
	"                    (default 10)\n"
	"  --quiet           no summary table\n"
	"  -h, --help        this help\n"
	"\n"
	"kinds: codered (v1/v2), codered2 (Code Red II), nimda (2+ of its probe paths),\n"
	"ida-probe (other .ida/.idq requests), scanner (threshold random walk), flood,\n"
	"exe-probe (one of Nimda's paths alone: a root.exe backdoor check). Rules:\n"
	"docs/detect.md.\n"
	"\n"
	"example:\n"
	"  wormcast detect access_log access_log.1 access_log.2.gz --bin 600 --plot worms.png\n";

static int parse_ports(const char *s, wc_detect_options *opt)
{
	opt->nports = 0;
	while (*s) {
		char port[8];
		size_t n = strcspn(s, ",");
		uint64_t v;
		if (n >= sizeof port || opt->nports == WC_DETECT_MAX_PORTS)
			return -1;
		memcpy(port, s, n);
		port[n] = '\0';
		if (wc_num_u64(port, 1, 65535, &v) != WC_NUM_OK)
			return -1;
		opt->ports[opt->nports++] = (uint16_t)v;
		s += n + (s[n] == ',');
	}
	return opt->nports > 0 ? 0 : -1;
}

/* What detect writes into its folder (core/outdir.h replaces only such a folder). */
static const char *const detect_outputs[] = {"sources.csv", "timeline.csv", "timeline-*.csv",
					     "summary.json", NULL};

/* Writes the files and the plot as one unit: all in place, or none. */
static int write_outputs(const char *dir, const char *plot, const wc_detect *d,
			 const wc_detect_run_info *info, wc_error *err)
{
	wc_outdir od;
	char path[WC_OUTDIR_PATH_MAX];
	if (wc_outdir_begin(&od, dir, detect_outputs, plot, err) != 0)
		return -1;
	if (wc_report_detect_write(wc_outdir_stage(&od), d, err) == 0 &&
	    wc_report_detect_summary_json(wc_outdir_file(&od, "summary.json", path, sizeof path), d,
					  info, err) == 0 &&
	    plot != NULL)
		wc_report_detect_plot(wc_outdir_plot_path(&od), d, err);
	if (err->code != 0)
		return wc_outdir_fail(&od, err);
	return wc_outdir_commit(&od, err);
}

/* What the command line asked for. */
struct detect_args {
	wc_detect_options opt;
	wc_detect_format fmt;
	const char *out_dir, *plot, *log_format;
	const char *alerts; /* --alerts FILE, "-" for standard output, or NULL */
	bool follow;	    /* --follow: one log, read as it grows */
	double interval;    /* --interval: seconds between rewrites of the outputs */
	bool quiet, json;   /* json: summary.json on standard output, no table */
};

static const struct option detect_longopts[] = {
	{"input-format", required_argument, NULL, 'I'},
	{"format", required_argument, NULL, 'f'},
	{"out", required_argument, NULL, 'o'},
	{"bin", required_argument, NULL, 'b'},
	{"ports", required_argument, NULL, 'P'},
	{"flood-rate", required_argument, NULL, 'F'},
	{"plot", required_argument, NULL, 'p'},
	{"threads", required_argument, NULL, 't'},
	{"keep-going", no_argument, NULL, 'k'},
	{"log-format", required_argument, NULL, 'L'},
	{"alerts", required_argument, NULL, 'A'},
	{"follow", no_argument, NULL, 'W'},
	{"interval", required_argument, NULL, 'i'},
	{"from", required_argument, NULL, 'T'},
	{"until", required_argument, NULL, 'U'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

#define INPUT_FORMATS "auto, apache, iis, error, pcap, zeek, zeek-json or eve"

/* --input-format, and --format given an input format's name (what --format
 * meant before it also named the summary's format). */
static int parse_input_format(const char *opt, const char *arg, struct detect_args *a)
{
	if (wc_detect_format_parse(arg, &a->fmt) != 0)
		return cli_fail(WC_EXIT_USAGE, "%s: expected %s, got '%s'", opt, INPUT_FORMATS,
				arg);
	return WC_EXIT_OK;
}

static int parse_bin(const char *arg, wc_detect_options *opt)
{
	int64_t v;
	if (wc_num_i64(arg, 1, 366LL * 86400, &v) != WC_NUM_OK)
		return cli_fail(WC_EXIT_USAGE, "--bin: expected 1 to 31622400 seconds, got '%s'",
				arg);
	opt->bin = v;
	return WC_EXIT_OK;
}

static int parse_flood_rate(const char *arg, wc_detect_options *opt)
{
	double v;
	if (wc_num_double(arg, 0, 1e9, &v) != WC_NUM_OK || !(v > 0))
		return cli_fail(WC_EXIT_USAGE,
				"--flood-rate: expected connections per second > 0, got '%s'", arg);
	opt->flood_rate = v;
	return WC_EXIT_OK;
}

/* One option; WC_EXIT_OK, or the exit status after saying what is wrong. */
static int detect_option(int c, const char *arg, struct detect_args *a)
{
	switch (c) {
	case 'I':
		return parse_input_format("--input-format", arg, a);
	case 'f':
		if (strcmp(arg, "json") == 0 || strcmp(arg, "text") == 0) {
			a->json = arg[0] == 'j';
			return WC_EXIT_OK;
		}
		return parse_input_format("--format", arg, a);
	case 'o':
		a->out_dir = arg;
		return WC_EXIT_OK;
	case 'b':
		return parse_bin(arg, &a->opt);
	case 'P':
		if (parse_ports(arg, &a->opt) != 0)
			return cli_fail(WC_EXIT_USAGE,
					"--ports: expected up to %d ports 1-65535 separated by "
					"commas, got '%s'",
					WC_DETECT_MAX_PORTS, arg);
		return WC_EXIT_OK;
	case 'F':
		return parse_flood_rate(arg, &a->opt);
	case 'p':
		return cli_parse_plot(arg, &a->plot);
	case 't':
		return cli_parse_threads(arg, WC_DETECT_MAX_THREADS, &a->opt.threads);
	case 'k':
		a->opt.keep_going = true;
		return WC_EXIT_OK;
	case 'L':
		a->log_format = arg;
		return WC_EXIT_OK;
	case 'A':
		a->alerts = arg;
		return WC_EXIT_OK;
	case 'W':
		a->follow = true;
		return WC_EXIT_OK;
	case 'i':
		if (wc_num_double(arg, 0.1, 86400, &a->interval) != WC_NUM_OK)
			return cli_fail(WC_EXIT_USAGE,
					"--interval: expected 0.1 to 86400 seconds, got '%s'", arg);
		return WC_EXIT_OK;
	case 'T':
		a->opt.has_from = true;
		return cli_parse_window_time("--from", arg, &a->opt.from);
	case 'U':
		a->opt.has_until = true;
		return cli_parse_window_time("--until", arg, &a->opt.until);
	case 'q':
		a->quiet = true;
		return WC_EXIT_OK;
	default:
		return WC_EXIT_USAGE;
	}
}

/* Fills a from argv; -1 after --help, else an exit status (WC_EXIT_OK to go on). */
static int parse_detect_args(int argc, char **argv, struct detect_args *a)
{
	memset(a, 0, sizeof *a);
	wc_detect_options_init(&a->opt);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	a->opt.threads = ncpu < 1			? 1
			 : ncpu > WC_DETECT_MAX_THREADS ? WC_DETECT_MAX_THREADS
							: (int)ncpu;
	a->fmt = WC_FORMAT_AUTO;
	a->out_dir = "detect-out";
	a->interval = 10;
	int c, rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", detect_longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(detect_usage, stdout);
			return -1;
		}
		if (c == ':')
			return cli_fail(WC_EXIT_USAGE, "detect: option '%s' needs a value",
					argv[optind - 1]);
		if (c == '?')
			return cli_fail(
				WC_EXIT_USAGE,
				"detect: unknown option '%s' (see `wormcast detect --help`)",
				argv[optind - 1]);
		if ((rc = detect_option(c, optarg, a)) != WC_EXIT_OK)
			return rc;
	}
	if (optind >= argc)
		return cli_fail(WC_EXIT_USAGE, "detect: expected at least one log or capture file "
					       "(see `wormcast detect --help`)");
	int nstdin = 0;
	for (int i = optind; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1)
		return cli_fail(WC_EXIT_USAGE, "detect: '-' (stdin) may be given only once");
	if (a->follow && (argc - optind != 1 || strcmp(argv[optind], "-") == 0 ||
			  a->fmt == WC_FORMAT_PCAP || a->plot != NULL))
		return cli_fail(WC_EXIT_USAGE, "detect: --follow reads one log file (not '-', not "
					       "a capture, no --plot)");
	if (a->follow)
		a->opt.threads = 1; /* read as it grows, in small pieces */
	if (a->opt.has_from && a->opt.has_until && a->opt.until <= a->opt.from)
		return cli_fail(WC_EXIT_USAGE, "detect: --until must be later than --from");
	if (a->json && a->alerts && strcmp(a->alerts, "-") == 0)
		return cli_fail(WC_EXIT_USAGE, "detect: --format json and --alerts - would both "
					       "write to standard output: give --alerts a FILE");
	return WC_EXIT_OK;
}

/* The first problems found in the input, and the whole-file warnings. */
static void print_problems(const wc_detect *d)
{
	size_t shown;
	uint64_t total;
	const char *const *probs = wc_detect_problems(d, &shown, &total);
	for (size_t i = 0; i < shown; i++)
		fprintf(stderr, "wormcast: %s\n", probs[i]);
	if (total > shown)
		fprintf(stderr, "wormcast: ... and %" PRIu64 " more unparseable lines or packets\n",
			total - shown);
	size_t nwarn;
	const char *const *warn = wc_detect_warnings(d, &nwarn);
	for (size_t i = 0; i < nwarn; i++)
		fprintf(stderr, "wormcast: warning: %s\n", warn[i]);
}

/* --alerts: standard output, or FILE written whole or not at all. */
static int write_alerts(const char *path, const wc_detect *d, wc_error *err)
{
	if (strcmp(path, "-") == 0) {
		if (wc_report_detect_alerts(stdout, d) != 0 || fflush(stdout) != 0)
			return wc_error_set(err, WC_EXIT_RUNTIME, "--alerts: standard output: %s",
					    strerror(errno));
		return 0;
	}
	wc_atomic_file f;
	if (wc_atomic_open(&f, path, err) != 0)
		return -1;
	if (wc_report_detect_alerts(f.fp, d) != 0) {
		wc_atomic_abort(&f);
		return wc_error_set(err, WC_EXIT_RUNTIME, "%s: write failed", path);
	}
	return wc_atomic_commit(&f, err);
}

/* Reads every input and finishes; NULL (and the exit status) on failure. */
static wc_detect *detect_inputs(const struct detect_args *a, int nfiles, char **files, int *rc)
{
	wc_detect *d = wc_detect_new(&a->opt);
	wc_error err = {0};
	if (a->log_format != NULL)
		wc_detect_set_log_format(d, a->log_format, &err);
	for (int i = 0; i < nfiles && err.code == 0; i++)
		wc_detect_file(d, files[i], a->fmt, &err);
	if (err.code == 0)
		wc_detect_finish(d, &err);
	if (err.code != 0) {
		wc_detect_free(d);
		*rc = cli_fail(err.code, "%s", err.msg);
		return NULL;
	}
	return d;
}

/* --follow: (kind, source) pairs already alerted on, so that each is told once. */
struct seen {
	char **key; /* "KIND ADDR", or NULL for an empty slot */
	size_t cap, n;
};

/* True the first time (kind, addr) is asked about. */
static bool seen_first(struct seen *t, int kind, const char *addr)
{
	char key[sizeof((wc_detect_source *)0)->addr + 8];
	snprintf(key, sizeof key, "%d %s", kind, addr);
	if (2 * (t->n + 1) > t->cap) {
		struct seen g = {xcalloc(t->cap ? 2 * t->cap : 64, sizeof *g.key),
				 t->cap ? 2 * t->cap : 64, 0};
		for (size_t i = 0; i < t->cap; i++)
			if (t->key[i] != NULL) {
				size_t j = wc_fnv1a64(t->key[i], strlen(t->key[i])) & (g.cap - 1);
				while (g.key[j] != NULL)
					j = (j + 1) & (g.cap - 1);
				g.key[j] = t->key[i];
				g.n++;
			}
		free(t->key);
		*t = g;
	}
	size_t j = wc_fnv1a64(key, strlen(key)) & (t->cap - 1);
	for (; t->key[j] != NULL; j = (j + 1) & (t->cap - 1))
		if (strcmp(t->key[j], key) == 0)
			return false;
	t->key[j] = xstrdup(key);
	t->n++;
	return true;
}

static void seen_free(struct seen *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->key[i]);
	free(t->key);
}

/* The log being followed: the file open now, and how far it was read. */
struct follow {
	const char *path;
	int fd; /* -1 while the path is missing (renamed away, not yet re-created) */
	ino_t ino;
	dev_t dev;
	off_t off;
	wc_detect_stream *stream;
	bool fresh;	     /* something was read since the last snapshot */
	follow_watch *watch; /* told of each file opened, to watch it */
};

static void follow_open(struct follow *f)
{
	struct stat st;
	f->fd = open(f->path, O_RDONLY);
	if (f->fd < 0)
		return;
	if (fstat(f->fd, &st) != 0) {
		close(f->fd);
		f->fd = -1;
		return;
	}
	f->ino = st.st_ino;
	f->dev = st.st_dev;
	f->off = 0;
	if (f->watch != NULL)
		follow_watch_file(f->watch);
}

/* Reads what the open file holds past f->off. */
static void follow_drain(struct follow *f)
{
	char buf[1 << 16];
	ssize_t got;
	while (f->fd >= 0 && (got = read(f->fd, buf, sizeof buf)) > 0) {
		wc_detect_stream_feed(f->stream, buf, (size_t)got);
		f->off += got;
		f->fresh = true;
	}
}

/*
 * One look at the file, as tail -F takes it: a file shorter than what was
 * read was truncated in place (copytruncate) and is read again from its
 * start; a path that names another file now (rename rotation) is read from
 * its start once the old file is drained.
 */
static void follow_poll(struct follow *f)
{
	struct stat st;
	if (f->fd < 0) {
		follow_open(f);
		if (f->fd < 0)
			return;
		wc_detect_stream_restart(f->stream);
	}
	if (fstat(f->fd, &st) == 0 && st.st_size < f->off) {
		lseek(f->fd, 0, SEEK_SET);
		f->off = 0;
		wc_detect_stream_restart(f->stream);
	}
	follow_drain(f);
	if (stat(f->path, &st) != 0 || st.st_ino != f->ino || st.st_dev != f->dev) {
		close(f->fd);
		f->fd = -1;
		follow_open(f);
		if (f->fd >= 0) {
			wc_detect_stream_restart(f->stream);
			follow_drain(f);
		}
	}
}

/* Alerts for the (kind, source) pairs not told before, in sources.csv's order. */
static int follow_alerts(FILE *out, const wc_detect *snap, struct seen *told)
{
	size_t n;
	const wc_detect_source *s = wc_detect_sources(snap, &n);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (seen_first(told, s[i].kind, s[i].addr))
			rc = wc_report_detect_alert(out, &s[i]);
	return rc == 0 && fflush(out) == 0 ? 0 : -1;
}

/* What one round of --follow has to do with what was read: alerts for new
 * sources, and the outputs when they are due (or last is set). */
struct follow_out {
	const struct detect_args *a;
	wc_detect_run_info info;
	FILE *alerts; /* NULL without --alerts */
	struct seen told;
	double next_write;
	bool dirty; /* read since the outputs were last written */
};

static int follow_report(struct follow_out *o, struct follow *f, const wc_detect *d, bool last,
			 wc_error *err)
{
	o->dirty |= f->fresh;
	bool due = last || (o->dirty && wc_clock_seconds() >= o->next_write);
	if (!(f->fresh && o->alerts) && !due)
		return 0;
	f->fresh = false;
	wc_detect *snap = wc_detect_snapshot(d, err);
	if (snap == NULL)
		return -1;
	int rc = 0;
	if (o->alerts && follow_alerts(o->alerts, snap, &o->told) != 0)
		rc = wc_error_set(err, WC_EXIT_RUNTIME, "--alerts: write failed: %s",
				  strerror(errno));
	if (rc == 0 && due) {
		rc = write_outputs(o->a->out_dir, NULL, snap, &o->info, err);
		o->dirty = false;
		o->next_write = wc_clock_seconds() + o->a->interval;
	}
	if (rc == 0 && last && o->a->json) {
		if (cli_print_output(o->a->out_dir, "summary.json") != 0)
			rc = wc_error_set(err, WC_EXIT_RUNTIME, "%s/summary.json: not printed",
					  o->a->out_dir);
	} else if (rc == 0 && last && !o->a->quiet && o->alerts != stdout) {
		wc_report_detect_print(stdout, snap);
	}
	wc_detect_free(snap);
	return rc;
}

/* How long to wait for the next look: a safety net when the kernel wakes
 * the loop on change (inotify), the polling period when it cannot; never past
 * a rewrite that is due. */
static double follow_pause(const follow_watch *w, const struct follow_out *o)
{
	double pause = follow_watch_events(w) ? 1.0 : 0.25;
	if (o->dirty) {
		double until = o->next_write - wc_clock_seconds();
		if (until < pause)
			pause = until > 0 ? until : 0;
	}
	return pause;
}

/*
 * --follow: reads the log as it grows until SIGINT or SIGTERM, which are
 * blocked and waited for between looks (follow_watch.h), so that they end
 * the loop between two reads and the final files are written whole.
 */
static int detect_follow(const struct detect_args *a, const char *path, const wc_provenance *prov)
{
	wc_error err = {0};
	struct follow f = {.path = path, .fd = -1};
	follow_open(&f);
	if (f.fd < 0)
		return cli_fail(WC_EXIT_USAGE, "%s: cannot open: %s", path, strerror(errno));
	wc_detect *d = wc_detect_new(&a->opt);
	if (a->log_format != NULL && wc_detect_set_log_format(d, a->log_format, &err) != 0) {
		close(f.fd);
		wc_detect_free(d);
		return cli_fail(err.code, "%s", err.msg);
	}
	f.stream = wc_detect_stream_new(d, path, a->fmt);
	struct follow_out o = {.a = a, .next_write = wc_clock_seconds()};
	o.info = (wc_detect_run_info){.inputs = &f.path,
				      .ninputs = 1,
				      .bin = a->opt.bin,
				      .has_from = a->opt.has_from,
				      .has_until = a->opt.has_until,
				      .from = a->opt.from,
				      .until = a->opt.until,
				      .provenance = prov};
	if (a->alerts != NULL)
		o.alerts = strcmp(a->alerts, "-") == 0 ? stdout : fopen(a->alerts, "a");
	if (a->alerts != NULL && o.alerts == NULL)
		wc_error_set(&err, WC_EXIT_USAGE, "%s: cannot open: %s", a->alerts,
			     strerror(errno));
	follow_watch w;
	follow_watch_open(&w, path);
	f.watch = &w;
	while (err.code == 0) {
		follow_poll(&f);
		if (follow_report(&o, &f, d, false, &err) != 0)
			break;
		if (follow_watch_wait(&w, follow_pause(&w, &o))) {
			follow_poll(&f);
			follow_report(&o, &f, d, true, &err);
			break;
		}
	}
	follow_watch_close(&w);
	if (o.alerts != NULL && o.alerts != stdout)
		fclose(o.alerts);
	seen_free(&o.told);
	if (f.fd >= 0)
		close(f.fd);
	print_problems(d);
	wc_detect_stream_free(f.stream);
	wc_detect_free(d);
	return err.code == 0 ? WC_EXIT_OK : cli_fail(err.code, "%s", err.msg);
}

/* cmd_detect less the command line, which is taken before getopt_long
 * permutes argv. */
static int detect_command(int argc, char **argv, const wc_provenance *prov)
{
	struct detect_args a;
	int rc = parse_detect_args(argc, argv, &a);
	if (rc != WC_EXIT_OK)
		return rc < 0 ? WC_EXIT_OK : rc;
	if (a.follow)
		return detect_follow(&a, argv[optind], prov);
	wc_detect *d = detect_inputs(&a, argc - optind, argv + optind, &rc);
	if (d == NULL)
		return rc;
	print_problems(d);
	wc_detect_run_info info = {.inputs = (const char *const *)argv + optind,
				   .ninputs = argc - optind,
				   .bin = a.opt.bin,
				   .has_from = a.opt.has_from,
				   .has_until = a.opt.has_until,
				   .from = a.opt.from,
				   .until = a.opt.until,
				   .provenance = prov};
	wc_error err = {0};
	if (write_outputs(a.out_dir, a.plot, d, &info, &err) == 0 && a.alerts != NULL)
		write_alerts(a.alerts, d, &err);
	rc = err.code == 0 ? 0 : cli_fail(err.code, "%s", err.msg);
	if (rc == 0 && a.json)
		rc = cli_print_output(a.out_dir, "summary.json");
	/* Alerts on standard output are the output: no table among them. */
	else if (rc == 0 && !a.quiet && !(a.alerts && strcmp(a.alerts, "-") == 0)) {
		wc_report_detect_print(stdout, d);
		printf("\nwrote %s/sources.csv, %s/timeline.csv, %s/summary.json%s%s\n", a.out_dir,
		       a.out_dir, a.out_dir, a.plot ? ", " : "", a.plot ? a.plot : "");
	}
	wc_detect_free(d);
	return rc;
}

int cmd_detect(int argc, char **argv)
{
	return cli_with_provenance(argc, argv, detect_command);
}
