/*
 * internal.h — what the files of src/detect share and nothing outside uses:
 * the context's layout, the source table, the log and capture readers.
 *
 * The context is the only mutable state: every reader, table and detector
 * lives in it, so two contexts never interfere.
 */
#ifndef WC_DETECT_INTERNAL_H
#define WC_DETECT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/hash.h"
#include "detect/detect.h"

/* Room for any address as text plus a NUL (IPv6 needs 46). */
#define WC_ADDR_MAX 47

/* A network address in binary: IPv4 as ::ffff:a.b.c.d, so one key type fits both. */
typedef struct wc_addr {
	uint8_t b[16];
} wc_addr;

/* Writes a as text (dotted quad for IPv4) into buf, WC_ADDR_MAX bytes (store.c). */
void wc_detect_addr_format(const wc_addr *a, char *buf);

/* Nimda's probe paths in canonical form: 16 URIs, 8 distinct paths. */
#define WC_NIMDA_PATHS 8

/* A Nimda-list source's requests in one bin, kept until the source's kind is
 * known (finish): nimda, or exe-probe if it sent fewer than 2 distinct paths. */
struct wc_bin_count {
	int64_t bin;
	uint64_t count;
};

/* Source table entry: open addressing, linear probing. */
struct wc_src_slot {
	uint64_t hash; /* 0 marks an empty slot */
	wc_detect_source s;
	uint32_t probes;      /* Nimda: bit i set when canonical path i was asked */
	uint32_t nbc, bc_cap; /* Nimda: requests per bin, in bc */
	struct wc_bin_count *bc;
	wc_time ev_time; /* when s.evidence (owned here) was sent */
};

/* Slot i of a source table, live or not (its hash says). */
static inline struct wc_src_slot *wc_src_at(const wc_hash *t, size_t i)
{
	return wc_hash_slot(t, i);
}

/* A TCP flow (client to an HTTP port) whose first request line is not yet complete. */
struct wc_flow;
struct wc_flow_table;
struct wc_trw;
struct wc_flood;

struct wc_detect {
	wc_detect_options opt;
	wc_detect_stats st;

	wc_hash src; /* struct wc_src_slot: (address, kind) → first/last/requests */

	/* Requests per bin and kind, bins base .. base+nbins-1 (bin index = t / bin,
	 * floored). Grows at either end as inputs arrive in any order. */
	uint64_t (*bins)[WC_KIND_COUNT];
	int64_t bin_base;
	size_t nbins;
	/* bins lies in bins_mem (bins_cap rows, all zero outside bins) at row
	 * bins_head, so growing at either end is amortised: a log read with
	 * --bin 1 adds a row per request. */
	uint64_t (*bins_mem)[WC_KIND_COUNT];
	size_t bins_cap, bins_head;

	char *problems[WC_DETECT_MAX_PROBLEMS];
	size_t nproblems;
	uint64_t total_problems;
	char **warnings; /* whole-file problems, every one kept */
	size_t nwarnings, warnings_cap;

	/* The earliest and latest request recorded and the input each came
	 * from: when they lie more than MAX_BINS bins apart, finish refuses the
	 * run with them in the message, whatever the order or the threads. */
	bool bin_overflow;
	bool have_span;
	wc_time span_lo, span_hi;
	char span_lo_name[128], span_hi_name[128];

	struct wc_flow_table *flows; /* captures: open HTTP connections */
	struct wc_trw *trw;	     /* captures: scan detector */
	struct wc_flood *flood;	     /* captures: flood detector */
	const char *cur_name;	     /* input being read, for problem messages */
	uint64_t cur_packet;	     /* packet number within it, from 1 */
	int64_t last_ts;	     /* latest packet time seen, seconds */

	/* Contexts for the other threads reading a log; merged by finish. */
	wc_detect *workers[WC_DETECT_MAX_THREADS - 1];

	struct wc_logfmt *logfmt; /* --log-format, or NULL */

	/* Tests only: called after each chunk of a file is read, to change the
	 * file under the reader (truncate it, as logrotate's copytruncate does). */
	void (*after_chunk)(void *arg);
	void *after_chunk_arg;

	bool finished;
	wc_detect_source *sorted; /* after finish */
	size_t nsorted;
	wc_detect_timeline tl;
};

/* --log-format (logformat.c): what a field of a custom log line holds. */
enum wc_lf_role {
	WC_LF_LITERAL,	   /* text that must be there */
	WC_LF_SKIP,	   /* a field not needed */
	WC_LF_CLIENT,	   /* %h %a $remote_addr */
	WC_LF_REQUEST,	   /* %r $request: "GET /x HTTP/1.0" */
	WC_LF_PATH,	   /* %U $uri */
	WC_LF_QUERY,	   /* %q: "?a=b" or "" */
	WC_LF_ARGS,	   /* $args: "a=b" or "-" */
	WC_LF_REQUEST_URI, /* $request_uri: "/x?a=b" */
	WC_LF_TIME_APACHE, /* %t: "[19/Jul/2001:12:34:56 -0700]" */
	WC_LF_TIME_LOCAL,  /* $time_local: the same without brackets */
	WC_LF_TIME_ISO,	   /* $time_iso8601: "2001-07-19T12:34:56+00:00" */
	WC_LF_TIME_MSEC,   /* $msec: "995544896.123" */
	WC_LF_ROLES
};
#define WC_LF_MAX_TOKENS 96

struct wc_lf_token {
	enum wc_lf_role role;
	const char *lit; /* WC_LF_LITERAL: the text (owned) */
	size_t len;
};

/* A compiled --log-format. */
struct wc_logfmt {
	int n;
	struct wc_lf_token tok[WC_LF_MAX_TOKENS];
};

/* Where a line's field of each role lies (set false when absent). */
struct wc_lf_span {
	const char *p;
	size_t n;
	bool set;
};

/* Compiles an Apache LogFormat (it has a '%') or nginx log_format string;
 * WC_EXIT_USAGE naming the unknown directive or missing field. */
int wc_logfmt_compile(const char *spec, struct wc_logfmt **out, wc_error *err);
void wc_logfmt_free(struct wc_logfmt *f);
/* Cuts a line into fields; -1 with *why when it does not match. */
int wc_logfmt_split(const struct wc_logfmt *f, const char *p, size_t n,
		    struct wc_lf_span span[WC_LF_ROLES], const char **why);

/* The store (store.c): what every reader records into and detect.c reads
 * back. It calls nothing else in src/detect, so calls there go one way:
 * detect.c → readers (logread, pcap, trw) → store, signature, logformat. */

/* A timeline longer than this (30 years of hourly rows) is a wrong --bin or a
 * wild timestamp, not data; it would also cost memory that no real input needs. */
#define WC_DETECT_MAX_BINS (1u << 18)

/* Division rounding towards minus infinity: a time's bin index. */
static inline int64_t wc_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Counts one request (or connection) of a kind from addr at t. */
void wc_detect_record(wc_detect *d, const char *addr, size_t alen, int kind, wc_time t,
		      uint64_t count);
/* The same for a request whose classification gave a Nimda probe index
 * (0 .. WC_NIMDA_PATHS-1; -1 for other kinds). */
void wc_detect_record_probe(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
			    wc_time t, uint64_t count);
/* wc_detect_record_probe, also keeping req[0..rlen) as the source's evidence
 * when it is the earliest request of that kind from it (detect.h). */
void wc_detect_record_request(wc_detect *d, const char *addr, size_t alen, int kind, int probe,
			      wc_time t, const char *req, size_t rlen);
/* Counts a problem and keeps its message if among the first few. */
void wc_detect_problem(wc_detect *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A problem with a whole input (cut short, mostly unparseable): always kept. */
void wc_detect_warning(wc_detect *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a worker's sources, bins and counts to d (finish, for each thread). */
void wc_detect_store_merge(wc_detect *d, const wc_detect *w);

/* wc_detect_classify, also giving the Nimda probe index (-1 if none). */
wc_detect_kind wc_detect_classify_probe(const char *path, size_t plen, const char *query,
					size_t qlen, int *probe);

/* Error logs give a file-system path, not the URI: the kinds it can show. */
wc_detect_kind wc_detect_classify_fspath(const char *path, size_t plen, int *probe);

/* Splits a request line "METHOD TARGET [VERSION]" and classifies the target;
 * -2 if it does not look like a request line at all. */
int wc_detect_classify_request_line(const char *line, size_t len, int *probe);

/* Nimda's canonical form: percent-decoded until stable, overlong UTF-8 for
 * ASCII folded, '\\' as '/', lower case. Returns the length written, or
 * (size_t)-1 if it does not fit in cap. Exposed for the tests. */
size_t wc_detect_canonical(const char *in, size_t n, char *out, size_t cap);

/* Sensor logs (sensorlog.c): Zeek http.log and Suricata eve.json. Each
 * reader returns NULL when the record was read (a request or not), else a
 * static message saying why not (the caller adds the file and line). */
#define WC_ZEEK_MAX_FIELDS 64

/* A Zeek ASCII log's header: its separator and the columns we read. */
struct wc_zeek_hdr {
	char sep;
	bool have_fields;
	int f_ts, f_orig_h, f_uri;
};
void wc_zeek_hdr_init(struct wc_zeek_hdr *h);
/* A '#' line: #separator and #fields are used, the others skipped. */
const char *wc_zeek_directive(struct wc_zeek_hdr *h, const char *p, size_t n);
const char *wc_zeek_line(wc_detect *d, const struct wc_zeek_hdr *h, const char *p, size_t n);
/* One JSON object, a Zeek record (fmt ZEEK_JSON) or an eve.json one (EVE). */
const char *wc_json_line(wc_detect *d, wc_detect_format fmt, const char *p, size_t n);
/* A JSON log's kind from its first record: eve.json names event_type. */
wc_detect_format wc_sniff_json(const char *p, size_t n);

/* Capture side (pcap.c, trw.c). */
void wc_detect_capture_init(wc_detect *d);
void wc_detect_capture_free(wc_detect *d);
void wc_detect_capture_finish(wc_detect *d);
int wc_detect_pcap_file(wc_detect *d, const char *path, wc_error *err);

/* zstd-compressed input (zstdread.c): a stream over a descriptor it owns. */
struct wc_zstd_reader;
/* True when b starts a zstd frame (28 B5 2F FD). */
bool wc_zstd_magic(const unsigned char *b, size_t n);
/* NULL when libzstd has no memory for its stream. */
struct wc_zstd_reader *wc_zstd_open(int fd);
/* Up to n bytes; 0 at the end, with *why set when the data was cut short or
 * corrupt (what came before is good); -1 with *why on a read error. */
long wc_zstd_read(struct wc_zstd_reader *z, char *out, size_t n, const char **why);
/* Frees the stream and closes its descriptor. */
void wc_zstd_close(struct wc_zstd_reader *z);

/* Threshold random walk: src tried to connect to dst at t (a new connection,
 * not a retransmitted SYN); later its outcome, once known. */
struct wc_trw *wc_trw_new(const wc_detect_options *opt);
void wc_trw_free(struct wc_trw *t);
void wc_trw_attempt(wc_detect *d, const wc_addr *src, double t);
void wc_trw_outcome(wc_detect *d, const wc_addr *src, const wc_addr *dst, bool success);

/* Flood detector: a new connection to dst at t. Fixed memory. */
struct wc_flood *wc_flood_new(const wc_detect_options *opt);
void wc_flood_free(struct wc_flood *f);
void wc_flood_connection(wc_detect *d, const wc_addr *dst, double t);

/* An address's hash, never 0: two multiplications, since captures hash
 * several addresses per packet. */
static inline uint64_t wc_addr_hash(const wc_addr *a, uint64_t seed)
{
	uint64_t w0, w1;
	memcpy(&w0, a->b, 8);
	memcpy(&w1, a->b + 8, 8);
	uint64_t h = ((w0 ^ seed) * 0x9E3779B97F4A7C15ull) ^ (w1 * 0xC2B2AE3D27D4EB4Full);
	h ^= h >> 32;
	h *= 0xD6E8FEB86659FD93ull;
	h ^= h >> 32;
	return h | 1;
}

#endif
