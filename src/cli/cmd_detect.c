#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/outdir.h"
#include "detect/detect.h"
#include "report/detect_report.h"

static const char detect_usage[] =
	"usage: wormcast detect FILE... [options]\n"
	"\n"
	"Finds Code Red, Code Red II and Nimda requests, .ida scanners, port-80 scanners\n"
	"and floods in web logs (Apache/nginx, IIS W3C, Apache error logs; plain or\n"
	"gzip; '-' is stdin) and pcap/pcapng captures. Writes DIR/sources.csv and\n"
	"DIR/timeline.csv (readable by `wormcast fit`), DIR/timeline-KIND.csv per kind.\n"
	"\n"
	"options:\n"
	"  --format F        auto, apache, iis, error or pcap (default auto: sniff each file)\n"
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
static const char *const detect_outputs[] = {"sources.csv", "timeline.csv", "timeline-*.csv", NULL};

/* Writes the files and the plot as one unit: all in place, or none. */
static int write_outputs(const char *dir, const char *plot, const wc_detect *d, wc_error *err)
{
	wc_outdir od;
	if (wc_outdir_begin(&od, dir, detect_outputs, plot, err) != 0)
		return -1;
	if (wc_report_detect_write(wc_outdir_stage(&od), d, err) == 0 && plot != NULL)
		wc_report_detect_plot(wc_outdir_plot_path(&od), d, err);
	if (err->code != 0)
		return wc_outdir_fail(&od, err);
	return wc_outdir_commit(&od, err);
}

int cmd_detect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"out", required_argument, NULL, 'o'},
		{"bin", required_argument, NULL, 'b'},
		{"ports", required_argument, NULL, 'P'},
		{"flood-rate", required_argument, NULL, 'F'},
		{"plot", required_argument, NULL, 'p'},
		{"threads", required_argument, NULL, 't'},
		{"keep-going", no_argument, NULL, 'k'},
		{"log-format", required_argument, NULL, 'L'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	opt.threads = ncpu < 1			     ? 1
		      : ncpu > WC_DETECT_MAX_THREADS ? WC_DETECT_MAX_THREADS
						     : (int)ncpu;
	wc_detect_format fmt = WC_FORMAT_AUTO;
	const char *out_dir = "detect-out", *plot = NULL, *log_format = NULL;
	int quiet = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (wc_detect_format_parse(optarg, &fmt) != 0)
				return cli_fail(
					WC_EXIT_USAGE,
					"--format: expected auto, apache, iis, error or pcap, "
					"got '%s'",
					optarg);
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'b': {
			int64_t v;
			if (wc_num_i64(optarg, 1, 366LL * 86400, &v) != WC_NUM_OK)
				return cli_fail(WC_EXIT_USAGE,
						"--bin: expected 1 to 31622400 seconds, got '%s'",
						optarg);
			opt.bin = v;
			break;
		}
		case 'P':
			if (parse_ports(optarg, &opt) != 0)
				return cli_fail(
					WC_EXIT_USAGE,
					"--ports: expected up to %d ports 1-65535 separated "
					"by commas, got '%s'",
					WC_DETECT_MAX_PORTS, optarg);
			break;
		case 'F': {
			double v;
			if (wc_num_double(optarg, 0, 1e9, &v) != WC_NUM_OK || !(v > 0))
				return cli_fail(
					WC_EXIT_USAGE,
					"--flood-rate: expected connections per second > 0, "
					"got '%s'",
					optarg);
			opt.flood_rate = v;
			break;
		}
		case 'p':
			plot = optarg;
			if (!cli_plot_format_ok(plot))
				return cli_fail(
					WC_EXIT_USAGE,
					"--plot: unsupported format '%s' (use .png, .svg or "
					".pdf)",
					plot);
			break;
		case 't': {
			int64_t v;
			if (wc_num_i64(optarg, 1, WC_DETECT_MAX_THREADS, &v) != WC_NUM_OK)
				return cli_fail(WC_EXIT_USAGE,
						"--threads: expected 1 to %d, got '%s'",
						WC_DETECT_MAX_THREADS, optarg);
			opt.threads = (int)v;
			break;
		}
		case 'k':
			opt.keep_going = true;
			break;
		case 'L':
			log_format = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(detect_usage, stdout);
			return WC_EXIT_OK;
		case ':':
			return cli_fail(WC_EXIT_USAGE, "detect: option '%s' needs a value",
					argv[optind - 1]);
		default:
			return cli_fail(
				WC_EXIT_USAGE,
				"detect: unknown option '%s' (see `wormcast detect --help`)",
				argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_fail(WC_EXIT_USAGE, "detect: expected at least one log or capture file "
					       "(see `wormcast detect --help`)");
	int nstdin = 0;
	for (int i = optind; i < argc; i++)
		nstdin += strcmp(argv[i], "-") == 0;
	if (nstdin > 1)
		return cli_fail(WC_EXIT_USAGE, "detect: '-' (stdin) may be given only once");

	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	if (log_format != NULL)
		wc_detect_set_log_format(d, log_format, &err);
	for (int i = optind; i < argc && err.code == 0; i++)
		wc_detect_file(d, argv[i], fmt, &err);
	if (err.code == 0)
		wc_detect_finish(d, &err);
	if (err.code != 0) {
		wc_detect_free(d);
		return cli_fail(err.code, "%s", err.msg);
	}

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

	int rc = write_outputs(out_dir, plot, d, &err) == 0 ? 0 : cli_fail(err.code, "%s", err.msg);
	if (rc == 0 && !quiet) {
		wc_report_detect_print(stdout, d);
		printf("\nwrote %s/sources.csv, %s/timeline.csv%s%s\n", out_dir, out_dir,
		       plot ? ", " : "", plot ? plot : "");
	}
	wc_detect_free(d);
	return rc;
}
