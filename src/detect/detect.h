/*
 * detect.h — find Code Red, Code Red II and Nimda in web logs and captures.
 *
 * Contract: a wc_detect context owns everything a detection run accumulates
 * (source table, per-bin request counts, TCP flows, scan and flood state, the
 * first few problems found in the input). Feed it any number of inputs in any
 * order (rotated logs may come newest first), call wc_detect_finish() once,
 * then read the sources and the timeline. Results do not depend on the order
 * of the inputs, except for the scan and flood detectors, which follow each
 * capture's packet order.
 *
 * Input that cannot be parsed (a line, a packet) is counted, the first
 * WC_DETECT_MAX_PROBLEMS are kept as "FILE:LINE: why" messages, and reading
 * goes on; an unreadable file, a wrong format, or a log most of whose lines
 * cannot be parsed (unless keep_going) fails a call. Memory
 * grows with distinct sources and the time span of the input, never with its
 * length. Exact rules: docs/detect.md.
 */
#ifndef WC_DETECT_DETECT_H
#define WC_DETECT_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/utc.h"

/* What a source was seen doing. The order is the order of output columns. */
typedef enum wc_detect_kind {
	WC_KIND_CODERED,   /* Code Red v1/v2: /default.ida? + 224 'N' + %u escapes */
	WC_KIND_CODERED2,  /* Code Red II: the same with 224 'X' */
	WC_KIND_NIMDA,	   /* a source that sent 2 or more distinct of Nimda's 16 probe
			      URIs (8 distinct paths once decoded), in any encoding */
	WC_KIND_IDA_PROBE, /* any other .ida/.idq request: a scanner, not a worm */
	WC_KIND_SCANNER,   /* captures: failed port-80 connections, by TRW */
	WC_KIND_FLOOD,	   /* captures: a destination above the connection-rate threshold */
	WC_KIND_EXE_PROBE, /* a source that sent only one of Nimda's paths (root.exe:
			      Code Red II's backdoor; one cmd.exe traversal): a scanner */
	WC_KIND_COUNT,
	WC_KIND_NONE = -1 /* an ordinary request */
} wc_detect_kind;

/* Kinds counted as infections in the timeline's leading columns. */
#define WC_KIND_IS_WORM(k)                                                                         \
	((k) == WC_KIND_CODERED || (k) == WC_KIND_CODERED2 || (k) == WC_KIND_NIMDA)

typedef enum wc_detect_format {
	WC_FORMAT_AUTO,
	WC_FORMAT_APACHE,    /* common or combined (nginx's too) */
	WC_FORMAT_IIS,	     /* W3C extended, with #Fields: */
	WC_FORMAT_ERROR,     /* Apache error log */
	WC_FORMAT_PCAP,	     /* pcap or pcapng */
	WC_FORMAT_ZEEK,	     /* Zeek http.log, tab-separated with #fields */
	WC_FORMAT_ZEEK_JSON, /* Zeek http.log, one JSON object per line */
	WC_FORMAT_EVE,	     /* Suricata eve.json; event_type "http" records */
} wc_detect_format;

#define WC_DETECT_MAX_PORTS    16
#define WC_DETECT_MAX_THREADS  16
#define WC_DETECT_MAX_PROBLEMS 5

typedef struct wc_detect_options {
	wc_time bin;			     /* timeline bin, seconds (> 0) */
	uint16_t ports[WC_DETECT_MAX_PORTS]; /* TCP ports that carry HTTP */
	int nports;
	/* Threshold random walk (Jung et al. 2004): success probabilities of a
	 * benign source and of a scanner, and the target error rates. */
	double trw_theta0, trw_theta1, trw_alpha, trw_beta;
	double trw_timeout; /* seconds without an answer before a SYN has failed */
	/* A destination is flooded when it receives at least flood_rate new
	 * connections per second, averaged over flood_window seconds. */
	double flood_rate;
	wc_time flood_window;
	/* Threads reading Apache and error logs (IIS logs and captures are read
	 * by one); results do not depend on it. */
	int threads;
	/* A log more than half of whose data lines cannot be parsed is refused
	 * (WC_EXIT_USAGE) unless this is set: then it is read and warned about. */
	bool keep_going;
	/* Only requests (and connections) at times in [from, until) are
	 * recorded, where set; the rest are read and counted as lines and
	 * requests, and nothing else. */
	bool has_from, has_until;
	wc_time from, until;
} wc_detect_options;

/* Defaults: bin 3600, port 80, θ0 0.8, θ1 0.2, α 0.01, β 0.99, timeout 3 s,
 * flood 100 connections/s over 10 s, 1 thread. */
void wc_detect_options_init(wc_detect_options *opt);

typedef struct wc_detect_stats {
	uint64_t bytes;		 /* input bytes read (after gunzip) */
	uint64_t lines;		 /* log lines, headers and comments included */
	uint64_t bad_lines;	 /* lines that could not be parsed */
	uint64_t requests;	 /* HTTP requests seen, logs and captures */
	uint64_t packets;	 /* packets read */
	uint64_t bad_packets;	 /* packets that could not be decoded */
	uint64_t syns;		 /* connection attempts to an HTTP port */
	uint64_t truncated;	 /* inputs cut short: a capture inside a packet, a .gz */
	uint64_t malformed_host; /* error-log "Client sent malformed Host header" */
	uint64_t kind_requests[WC_KIND_COUNT]; /* requests (connections) per kind */
} wc_detect_stats;

/* One row of sources.csv: a (source, kind) pair. For WC_KIND_FLOOD the
 * address is the flooded destination and requests the connections it got. */
typedef struct wc_detect_source {
	char addr[48]; /* IPv4/IPv6 text, or the host name a log gave */
	int kind;      /* wc_detect_kind */
	wc_time first, last;
	uint64_t requests;
	/* The earliest request of that kind from it (the byte-smallest among
	 * requests at that second), as logged: the target (path?query) of an
	 * access or sensor log, the request line of a capture, the missing
	 * file's path of an error log; at most WC_DETECT_EVIDENCE_MAX bytes.
	 * NULL for scanner and flood rows. Owned by the context. */
	const char *evidence;
} wc_detect_source;

#define WC_DETECT_EVIDENCE_MAX 512

/* One timeline row per kind: totals over the bin [time - bin, time). */
typedef struct wc_detect_bin {
	uint64_t requests;
	uint64_t new_sources;	     /* sources whose first request falls in the bin */
	uint64_t cumulative_sources; /* distinct sources up to the end of the bin */
} wc_detect_bin;

typedef struct wc_detect_timeline {
	size_t n;	    /* rows */
	wc_time bin;	    /* seconds per row */
	wc_time *time;	    /* n row times: the end of each bin */
	wc_detect_bin *all; /* n rows over the worm kinds (codered, codered2, nimda);
			       a source counted once whatever it ran */
	wc_detect_bin *kind[WC_KIND_COUNT]; /* n rows per kind */
} wc_detect_timeline;

typedef struct wc_detect wc_detect;

wc_detect *wc_detect_new(const wc_detect_options *opt);
void wc_detect_free(wc_detect *d);

const char *wc_detect_kind_name(int kind);
/* "auto", "apache", "iis", "error", "pcap", "zeek", "zeek-json", "eve" →
 * format; -1 if unknown. */
int wc_detect_format_parse(const char *s, wc_detect_format *f);
const char *wc_detect_format_name(wc_detect_format f);

/*
 * Reads every later log (not captures) with a custom line format: an Apache
 * LogFormat string ("%h %l %u %t \"%r\" %>s %b"; a string with a '%') or an
 * nginx log_format one ("$remote_addr - $remote_user [$time_local] ...").
 * It must name the client, the time and the request. An unknown directive
 * or variable is WC_EXIT_USAGE naming it. Directives: docs/detect.md.
 */
int wc_detect_set_log_format(wc_detect *d, const char *spec, wc_error *err);

/* Reads one input ("-" is stdin), plain or gzip. AUTO sniffs the file. A file
 * that cannot be opened, or a capture libpcap rejects, is WC_EXIT_USAGE. */
int wc_detect_file(wc_detect *d, const char *path, wc_detect_format fmt, wc_error *err);

/* Reads a whole log held in memory as if it were a file called name (tests,
 * fuzzing). fmt must not be PCAP; AUTO sniffs buf. */
int wc_detect_log_buffer(wc_detect *d, const char *name, wc_detect_format fmt, const char *buf,
			 size_t len, wc_error *err);

/* Feeds one captured frame of libpcap link type linktype (Ethernet, raw IP,
 * Linux cooked, BSD loopback). caplen bytes are present of the frame's len. */
void wc_detect_packet(wc_detect *d, int linktype, int64_t ts_sec, int64_t ts_usec,
		      const uint8_t *data, size_t caplen, size_t len);

/*
 * Classifies one request target as logged (path and query, "?"-separated, or
 * query passed apart as IIS logs it; qlen 0 when none). Pure: no context.
 * WC_KIND_NIMDA here means "one of Nimda's probes": whether its source is
 * Nimda or an exe-probe scanner depends on its other requests (finish).
 */
wc_detect_kind wc_detect_classify(const char *path, size_t plen, const char *query, size_t qlen);

/* Ends the run: open connections and scan state are settled, sources sorted
 * (by kind, then first seen, then address), the timeline built. Returns 0, or
 * -1 with err set (WC_EXIT_USAGE) when the earliest and latest requests lie
 * more than 2^18 bins apart: the message names both times and their inputs
 * and the smallest --bin that would do. Nothing is dropped silently, so the
 * answer never depends on the threads or the order of the inputs. */
int wc_detect_finish(wc_detect *d, wc_error *err);

/* A finished copy of d as it stands: what wc_detect_finish would give now,
 * while d goes on being fed (following a growing log). NULL with err set
 * when finish would refuse. Free it with wc_detect_free. */
wc_detect *wc_detect_snapshot(const wc_detect *d, wc_error *err);

/*
 * A log read as it grows: bytes are fed as they arrive, complete lines are
 * read at once and a partial last line waits for the rest. The format is
 * sniffed from the first complete line when fmt is AUTO (not PCAP).
 * Problems name the file and the line counted from the first byte fed.
 */
typedef struct wc_detect_stream wc_detect_stream;
wc_detect_stream *wc_detect_stream_new(wc_detect *d, const char *name, wc_detect_format fmt);
void wc_detect_stream_feed(wc_detect_stream *s, const char *buf, size_t n);
/* The file was replaced (rotated) or truncated: a partial line waiting is
 * dropped and the header state (W3C #Fields:, Zeek #fields) forgotten. */
void wc_detect_stream_restart(wc_detect_stream *s);
void wc_detect_stream_free(wc_detect_stream *s);

const wc_detect_stats *wc_detect_get_stats(const wc_detect *d);
/* After finish: the sources, in the order above. */
const wc_detect_source *wc_detect_sources(const wc_detect *d, size_t *n);
/* After finish. Empty (n == 0) when nothing was found. */
const wc_detect_timeline *wc_detect_get_timeline(const wc_detect *d);
/* Problems with whole inputs ("FILE: why": a file that shrank while it was
 * read), every one, in the order found. */
const char *const *wc_detect_warnings(const wc_detect *d, size_t *n);
/* The first problems found, "FILE:LINE: why", and how many in all. */
const char *const *wc_detect_problems(const wc_detect *d, size_t *shown, uint64_t *total);

#endif
