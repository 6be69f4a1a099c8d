/*
 * libFuzzer target: frame decoding, TCP reassembly, the HTTP request line,
 * the scan and flood detectors. The first byte picks the link type; the rest
 * is a sequence of packets, each [length: 2 bytes big-endian][time step: 1
 * byte, tenths of a second][bytes], so that reassembly and timeouts across
 * packets are exercised. Corpus: tests/corpus/packet.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const int links[4] = {DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, DLT_NULL};
	int lt = links[data[0] & 3];
	wc_detect_options opt;
	wc_detect_options_init(&opt);
	opt.flood_rate = 0.5; /* reachable with a few packets */
	wc_detect *d = wc_detect_new(&opt);
	wc_error err = {0};
	size_t off = 1;
	int64_t tenths = 9955440000; /* 2001-07-19T12:00:00Z */
	while (off + 3 <= size) {
		size_t len = (size_t)data[off] << 8 | data[off + 1];
		tenths += data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		/* Exactly len bytes on the heap: an overread is reported. */
		uint8_t *pkt = malloc(len ? len : 1);
		memcpy(pkt, data + off, len);
		wc_detect_packet(d, lt, tenths / 10, (tenths % 10) * 100000, pkt, len,
				 len + (data[0] >> 7) * 100);
		free(pkt);
		off += len;
	}
	wc_detect_finish(d, &err);
	const wc_detect_stats *st = wc_detect_get_stats(d);
	if (st->bad_packets > st->packets)
		abort();
	wc_detect_free(d);
	return 0;
}
