/*
 * pcap.c — captures: frames → IPv4/IPv6 → TCP → the first request line of
 * each connection to an HTTP port, reassembled across segments.
 *
 * Flows live in one open-addressing table keyed by the 4-tuple (client
 * address and port, server address and port). A flow holds the SYN's time
 * (for the scan detector: the connection is pending until a SYN-ACK or RST
 * comes back, or until the timeout) and, once data arrives, a buffer of at
 * most REQ_MAX bytes placed by sequence number, so segments out of order or
 * retransmitted land where they belong. When the contiguous prefix holds a
 * line end, the line is classified and the flow keeps only a "done" mark
 * until FIN, RST or idleness removes it: a worm sends one request per
 * connection, and what follows the request line (headers, body) is not
 * looked at.
 *
 * The table is rebuilt now and then (every max(2^16, capacity) packets, or
 * 60 s of capture time), which drops deleted slots, settles connections whose
 * answer is overdue and closes flows idle for FLOW_IDLE seconds; memory
 * therefore follows the number of connections open at once, not the length
 * of the capture.
 */
#include <arpa/inet.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dynlib.h"
#include "core/xalloc.h"
#include "detect/internal.h"

/* libpcap, loaded when the first capture is read (core/dynlib.h says why);
 * the Makefile sets its run-time name from the installed library. */
#ifndef WC_PCAP_SONAME
#define WC_PCAP_SONAME "libpcap.so"
#endif
#define PCAP_CALLS(X)                                                                              \
	X(pcap_open_offline_with_tstamp_precision)                                                 \
	X(pcap_datalink)                                                                           \
	X(pcap_datalink_val_to_name)                                                               \
	X(pcap_next_ex)                                                                            \
	X(pcap_geterr)                                                                             \
	X(pcap_close)
typedef struct pcap_calls {
#define PCAP_CALL_MEMBER(name) __typeof__(name) *name;
	PCAP_CALLS(PCAP_CALL_MEMBER)
#undef PCAP_CALL_MEMBER
} pcap_calls;
WC_DYNLIB_DEFINE(pcap_lib, pcap_calls, pcap_call, WC_PCAP_SONAME, false, PCAP_CALLS);

#define REQ_MAX	  8192 /* a longer request line is classified as far as it goes */
#define MAX_GAPS  4    /* received byte ranges kept per flow */
#define FLOW_IDLE 60.0 /* seconds without a packet before a flow is closed */

enum {
	F_PENDING = 1, /* SYN seen, no answer yet */
	F_BASE = 2,    /* base holds the sequence number of the first request byte */
	F_DONE = 4,    /* request line handled */
};

struct flow_key {
	wc_addr cli, srv;
	uint16_t cport, sport;
};

struct wc_flow {
	uint64_t hash; /* 0 empty, 1 deleted */
	struct flow_key k;
	double syn_t;			     /* time of the SYN */
	double last_t;			     /* time of the latest packet */
	uint32_t base;			     /* sequence number of buf[0] */
	uint8_t flags;			     /* F_* */
	uint8_t nr;			     /* ranges in lo/hi */
	uint16_t lo[MAX_GAPS], hi[MAX_GAPS]; /* received ranges of buf, sorted, disjoint */
	uint16_t scanned;		     /* bytes of the prefix searched for '\n' */
	char *buf; /* REQ_MAX bytes, only while a request line is being assembled */
};

struct wc_flow_table {
	wc_hash h;	      /* struct wc_flow by flow_key */
	uint64_t since_sweep; /* packets since the last rebuild */
	double sweep_t;	      /* capture time of the last rebuild */
};

void wc_detect_capture_init(wc_detect *d)
{
	d->flows = xcalloc(1, sizeof *d->flows);
	wc_hash_init(&d->flows->h, sizeof(struct wc_flow), 1024);
	d->flows->sweep_t = -1;
	d->trw = wc_trw_new(&d->opt);
	d->flood = wc_flood_new(&d->opt);
}

void wc_detect_capture_free(wc_detect *d)
{
	if (d->flows) {
		for (size_t i = 0; i < d->flows->h.cap; i++)
			if (wc_hash_live(&d->flows->h, i))
				free(((struct wc_flow *)wc_hash_slot(&d->flows->h, i))->buf);
		wc_hash_free(&d->flows->h);
		free(d->flows);
		d->flows = NULL;
	}
	wc_trw_free(d->trw);
	wc_flood_free(d->flood);
	d->trw = NULL;
	d->flood = NULL;
}

static uint64_t key_hash(const struct flow_key *k)
{
	uint64_t h = wc_addr_hash(&k->cli, k->cport) ^ (wc_addr_hash(&k->srv, k->sport) >> 1);
	h *= 0x9E3779B97F4A7C15ull;
	h ^= h >> 29;
	return wc_hash_fix(h);
}

static bool flow_eq(const void *slot, const void *key)
{
	return memcmp(&((const struct wc_flow *)slot)->k, key, sizeof(struct flow_key)) == 0;
}

static struct wc_flow *flow_find(struct wc_flow_table *t, const struct flow_key *k, uint64_t h)
{
	return wc_hash_find(&t->h, h, flow_eq, k);
}

/* A new flow for k, which flow_find has just not found. */
static struct wc_flow *flow_add(struct wc_flow_table *t, const struct flow_key *k, uint64_t h)
{
	bool fresh;
	struct wc_flow *f = wc_hash_upsert(&t->h, h, flow_eq, k, &fresh);
	f->k = *k;
	return f;
}

static void flow_del(struct wc_flow_table *t, struct wc_flow *f)
{
	free(f->buf);
	f->buf = NULL;
	wc_hash_remove(&t->h, f);
}

/* A complete (or final) request line from the flow's client. */
static void request_line(wc_detect *d, const struct wc_flow *f, const char *line, size_t n,
			 double t)
{
	if (n > 0 && line[n - 1] == '\r')
		n--;
	int probe;
	int k = wc_detect_classify_request_line(line, n, &probe);
	if (k == -2)
		return;
	d->st.requests++;
	if (k >= 0) {
		char text[WC_ADDR_MAX + 1];
		wc_detect_addr_format(&f->k.cli, text);
		wc_detect_record_request(d, text, strlen(text), k, probe, (wc_time)floor(t), line,
					 n);
	}
}

/* The flow ends before its request line did: classify what arrived. */
static void flow_flush(wc_detect *d, struct wc_flow *f)
{
	if (f->buf && !(f->flags & F_DONE) && f->nr > 0 && f->lo[0] == 0 && f->hi[0] > 0)
		request_line(d, f, f->buf, f->hi[0], f->last_t);
	f->flags |= F_DONE;
	free(f->buf);
	f->buf = NULL;
}

/* Merges [lo, hi) into the flow's sorted ranges of bytes received. */
static void ranges_add(struct wc_flow *f, uint16_t lo, uint16_t hi)
{
	uint16_t nlo[MAX_GAPS + 1], nhi[MAX_GAPS + 1];
	int m = 0;
	bool placed = false;
	for (int i = 0; i <= f->nr; i++) {
		uint16_t a, b;
		if (i == f->nr) {
			if (placed)
				break;
			a = lo, b = hi, placed = true;
		} else if (!placed && lo < f->lo[i]) {
			a = lo, b = hi, placed = true;
			i--;
		} else {
			a = f->lo[i], b = f->hi[i];
		}
		if (m > 0 && a <= nhi[m - 1]) {
			if (b > nhi[m - 1])
				nhi[m - 1] = b;
		} else {
			nlo[m] = a, nhi[m] = b, m++;
		}
	}
	/* Too many holes: keep the ranges nearest the start, which is where
	 * the request line is. */
	f->nr = (uint8_t)(m > MAX_GAPS ? MAX_GAPS : m);
	memcpy(f->lo, nlo, f->nr * sizeof *nlo);
	memcpy(f->hi, nhi, f->nr * sizeof *nhi);
}

/* Classifies the buffered line once the bytes from the start hold a '\n'
 * (or fill the buffer), and lets the flow go. */
static void flow_line_check(wc_detect *d, struct wc_flow *f, double t)
{
	if (f->lo[0] != 0)
		return;
	size_t have = f->hi[0];
	const char *nl = memchr(f->buf + f->scanned, '\n', have - f->scanned);
	if (nl != NULL || have == REQ_MAX) {
		request_line(d, f, f->buf, nl != NULL ? (size_t)(nl - f->buf) : have, t);
		f->flags |= F_DONE;
		free(f->buf);
		f->buf = NULL;
	} else {
		f->scanned = (uint16_t)have;
	}
}

/* Places payload bytes by sequence number; handles the line once complete. */
static void flow_data(wc_detect *d, struct wc_flow *f, uint32_t seq, const uint8_t *p, size_t n,
		      double t)
{
	if (f->flags & F_DONE)
		return;
	if (!(f->flags & F_BASE)) {
		f->base = seq;
		f->flags |= F_BASE;
	}
	int64_t off = (int32_t)(seq - f->base);
	if (off < 0) { /* starts before the buffer: a retransmission's new tail */
		if ((uint64_t)-off >= n)
			return;
		p += -off;
		n -= (size_t)-off;
		off = 0;
	}
	if (off >= REQ_MAX)
		return;
	if (n > (size_t)(REQ_MAX - off))
		n = (size_t)(REQ_MAX - off);
	if (n == 0)
		return;
	if (f->buf == NULL && off == 0) {
		/* The whole line in the first segment, as almost always: no copy. */
		const char *nl = memchr(p, '\n', n);
		if (nl != NULL) {
			request_line(d, f, (const char *)p, (size_t)(nl - (const char *)p), t);
			f->flags |= F_DONE;
			return;
		}
	}
	if (f->buf == NULL)
		f->buf = xmalloc(REQ_MAX);
	memcpy(f->buf + off, p, n);
	ranges_add(f, (uint16_t)off, (uint16_t)(off + (int64_t)n));
	flow_line_check(d, f, t);
}

/* Rebuilds the table: settles overdue connections, closes idle flows.
 * now < 0 at the end of all input: every flow closes. */
static void flow_sweep(wc_detect *d, double now)
{
	struct wc_flow_table *t = d->flows;
	bool end = now < 0;
	double ref = end ? d->last_ts : now;
	for (size_t i = 0; i < t->h.cap; i++) {
		struct wc_flow *f = wc_hash_slot(&t->h, i);
		if (!wc_hash_live(&t->h, i))
			continue;
		if ((f->flags & F_PENDING) && f->syn_t + d->opt.trw_timeout <= ref) {
			f->flags &= (uint8_t)~F_PENDING;
			wc_trw_outcome(d, &f->k.cli, &f->k.srv, false);
		}
		if (end || f->last_t + FLOW_IDLE <= now) {
			flow_flush(d, f);
			flow_del(t, f);
		}
	}
	wc_hash_rehash(&t->h, t->h.used * 4 > 1024 ? t->h.used * 4 : 1024);
	t->since_sweep = 0;
	t->sweep_t = now;
}

static bool http_port(const wc_detect *d, uint16_t p)
{
	for (int i = 0; i < d->opt.nports; i++)
		if (d->opt.ports[i] == p)
			return true;
	return false;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum { TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_ACK = 16 };

static void bad_packet(wc_detect *d, const char *why)
{
	d->st.bad_packets++;
	wc_detect_problem(d, "%s: packet %llu: %s", d->cur_name ? d->cur_name : "capture",
			  (unsigned long long)d->cur_packet, why);
}

static void tcp_segment(wc_detect *d, const wc_addr *src, const wc_addr *dst, const uint8_t *p,
			size_t n, size_t wire, double t)
{
	if (n < 20) {
		if (wire < 20)
			bad_packet(d, "TCP header shorter than 20 bytes");
		return; /* cut by the snap length: nothing to learn */
	}
	size_t hl = (size_t)(p[12] >> 4) * 4;
	if (hl < 20) {
		bad_packet(d, "TCP data offset below 5 words");
		return;
	}
	uint16_t sp = be16(p), dp = be16(p + 2);
	uint32_t seq = be32(p + 4);
	uint8_t fl = p[13];
	const uint8_t *pay = hl <= n ? p + hl : p + n;
	size_t plen = hl <= n ? n - hl : 0;
	struct wc_flow_table *ft = d->flows;

	if (http_port(d, dp)) {
		struct flow_key k;
		memset(&k, 0, sizeof k);
		k.cli = *src, k.srv = *dst, k.cport = sp, k.sport = dp;
		uint64_t h = key_hash(&k);
		struct wc_flow *f = flow_find(ft, &k, h);
		if ((fl & (TH_SYN | TH_ACK)) == TH_SYN) {
			if (f == NULL || !(f->flags & F_PENDING) || f->syn_t + FLOW_IDLE < t) {
				/* A new connection, not a retransmitted SYN. */
				d->st.syns++;
				if (f != NULL) {
					flow_flush(d, f);
					flow_del(ft, f);
				}
				f = flow_add(ft, &k, h);
				f->flags = F_PENDING | F_BASE;
				f->base = seq + 1;
				f->syn_t = t;
				wc_trw_attempt(d, src, t);
				wc_flood_connection(d, dst, t);
			}
			f->last_t = t;
			return;
		}
		if (f == NULL) {
			if (plen == 0)
				return;
			f = flow_add(ft, &k, h); /* joined mid-connection */
		}
		f->last_t = t;
		if (plen > 0)
			flow_data(d, f, seq, pay, plen, t);
		if (fl & (TH_FIN | TH_RST)) {
			flow_flush(d, f);
			if (!(f->flags & F_PENDING))
				flow_del(ft, f);
		}
	} else if (http_port(d, sp)) {
		struct flow_key k;
		memset(&k, 0, sizeof k);
		k.cli = *dst, k.srv = *src, k.cport = dp, k.sport = sp;
		struct wc_flow *f = flow_find(ft, &k, key_hash(&k));
		if (f == NULL)
			return;
		f->last_t = t;
		if ((f->flags & F_PENDING) &&
		    ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) || (fl & TH_RST))) {
			f->flags &= (uint8_t)~F_PENDING;
			wc_trw_outcome(d, dst, src, !(fl & TH_RST));
		}
		if (fl & TH_RST) {
			flow_flush(d, f);
			flow_del(ft, f);
		}
	}
}

static void ip_packet(wc_detect *d, const uint8_t *p, size_t n, size_t wire, double t)
{
	if (n < 1)
		return bad_packet(d, "empty IP packet");
	wc_addr src, dst;
	int ver = p[0] >> 4;
	if (ver == 4) {
		if (n < 20)
			return wire < 20 ? bad_packet(d, "IPv4 header cut short") : (void)0;
		size_t ihl = (size_t)(p[0] & 15) * 4;
		size_t tot = be16(p + 2);
		if (tot == 0) /* captured before TCP segmentation offload filled it in */
			tot = wire;
		if (ihl < 20 || tot < ihl)
			return bad_packet(d, "IPv4 header length fields inconsistent");
		if (p[9] != 6)
			return;
		if ((be16(p + 6) & 0x1FFF) != 0)
			return; /* a later fragment: no TCP header in it */
		static const uint8_t v4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		memcpy(src.b, v4, 12);
		memcpy(dst.b, v4, 12);
		memcpy(src.b + 12, p + 12, 4);
		memcpy(dst.b + 12, p + 16, 4);
		if (ihl > n)
			return;
		size_t end = tot < n ? tot : n;
		size_t wend = tot < wire ? tot : wire;
		return tcp_segment(d, &src, &dst, p + ihl, end - ihl, wend > ihl ? wend - ihl : 0,
				   t);
	}
	if (ver == 6) {
		if (n < 40)
			return wire < 40 ? bad_packet(d, "IPv6 header cut short") : (void)0;
		size_t plen = be16(p + 4);
		uint8_t nh = p[6];
		memcpy(src.b, p + 8, 16);
		memcpy(dst.b, p + 24, 16);
		size_t off = 40, end = 40 + plen;
		if (end > n)
			end = n;
		size_t wend = 40 + plen < wire ? 40 + plen : wire;
		/* Skip the extension headers a TCP packet may carry. */
		for (int hops = 0; nh != 6 && hops < 8; hops++) {
			if (nh == 0 || nh == 43 || nh == 60) {
				if (off + 8 > end)
					return;
				nh = p[off];
				off += ((size_t)p[off + 1] + 1) * 8;
			} else if (nh == 44) {
				if (off + 8 > end)
					return;
				if ((be16(p + off + 2) & 0xFFF8) != 0)
					return; /* a later fragment */
				nh = p[off];
				off += 8;
			} else {
				return;
			}
		}
		if (nh != 6 || off > end)
			return;
		return tcp_segment(d, &src, &dst, p + off, end - off, wend > off ? wend - off : 0,
				   t);
	}
	bad_packet(d, "IP version neither 4 nor 6");
}

void wc_detect_packet(wc_detect *d, int linktype, int64_t ts_sec, int64_t ts_usec, const uint8_t *p,
		      size_t caplen, size_t len)
{
	double t = (double)ts_sec + (double)ts_usec * 1e-6;
	d->st.packets++;
	d->cur_packet++;
	if (len < caplen)
		len = caplen;
	if (t > d->last_ts)
		d->last_ts = t;
	struct wc_flow_table *ft = d->flows;
	if (++ft->since_sweep >= (ft->h.cap > 65536 ? ft->h.cap : 65536) ||
	    (ft->sweep_t >= 0 && t - ft->sweep_t >= FLOW_IDLE))
		flow_sweep(d, t);
	if (ft->sweep_t < 0)
		ft->sweep_t = t;

	size_t off = 0;
	unsigned proto = 0; /* ethertype, or 4/6 for raw IP */
	switch (linktype) {
	case DLT_EN10MB:
		if (caplen < 14)
			return len < 14 ? bad_packet(d, "Ethernet frame shorter than its header")
					: (void)0;
		proto = be16(p + 12);
		off = 14;
		for (int tags = 0; (proto == 0x8100 || proto == 0x88A8) && tags < 2; tags++) {
			if (caplen < off + 4)
				return;
			proto = be16(p + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return;
		proto = be16(p + 14);
		off = 16;
		break;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return;
		proto = be16(p);
		off = 20;
		break;
#endif
	case DLT_NULL:
	case DLT_LOOP: {
		if (caplen < 4)
			return;
		uint32_t fam = linktype == DLT_LOOP
				       ? be32(p)
				       : (uint32_t)p[0] | (uint32_t)p[1] << 8 |
						 (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		if (fam > 0xFFFF) /* written on a machine of the other byte order */
			fam = be32(p);
		proto = fam == 2 ? 0x0800 : (fam == 24 || fam == 28 || fam == 30) ? 0x86DD : 0;
		off = 4;
		break;
	}
	case DLT_RAW:
#if defined(DLT_IPV4) && defined(DLT_IPV6)
	case DLT_IPV4:
	case DLT_IPV6:
#endif
	case 101: /* LINKTYPE_RAW */
		proto = 0x0800;
		break;
	default:
		return bad_packet(d, "unsupported link type");
	}
	if (proto != 0x0800 && proto != 0x86DD)
		return; /* ARP and the like: not an error, not ours */
	ip_packet(d, p + off, caplen - off, len - off, t);
}

int wc_detect_pcap_file(wc_detect *d, const char *path, wc_error *err)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	if (wc_dynlib_load(&pcap_lib, "reading captures", err) != 0)
		return -1;
	const pcap_calls *pl = &pcap_call;
	pcap_t *pc = pl->pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO,
								 errbuf);
	if (pc == NULL)
		return wc_error_set(err, WC_EXIT_USAGE, "%s: not a capture libpcap can read: %s",
				    name, errbuf);
	int lt = pl->pcap_datalink(pc);
	switch (lt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
#endif
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_RAW:
#if defined(DLT_IPV4) && defined(DLT_IPV6)
	case DLT_IPV4:
	case DLT_IPV6:
#endif
	case 101:
		break;
	default:
		pl->pcap_close(pc);
		return wc_error_set(err, WC_EXIT_USAGE,
				    "%s: link type %s is not supported (Ethernet, raw IP, "
				    "Linux cooked or loopback captures are)",
				    name,
				    pl->pcap_datalink_val_to_name(lt)
					    ? pl->pcap_datalink_val_to_name(lt)
					    : "?");
	}
	d->cur_name = name;
	d->cur_packet = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pl->pcap_next_ex(pc, &h, &data)) == 1) {
		d->st.bytes += h->caplen + 16;
		wc_detect_packet(d, lt, h->ts.tv_sec, h->ts.tv_usec, data, h->caplen, h->len);
	}
	if (rc == PCAP_ERROR) {
		/* A capture cut off mid-packet (the writer was killed, the disk
		 * filled): what came before is good, so keep it. */
		d->st.truncated++;
		wc_detect_problem(d, "%s: after packet %llu: %s", name,
				  (unsigned long long)d->cur_packet, pl->pcap_geterr(pc));
	}
	pl->pcap_close(pc);
	d->cur_name = NULL;
	return 0;
}

void wc_detect_capture_finish(wc_detect *d)
{
	flow_sweep(d, -1);
}
