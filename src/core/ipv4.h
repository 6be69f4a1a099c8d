/*
 * ipv4.h — IPv4 addresses and CIDR prefixes as host-order 32-bit integers.
 *
 * Parsing is strict (four decimal octets, no leading '+', prefix length 0–32,
 * no host bits set beyond the prefix) because scenario files and block lists
 * are user input and a silently mis-read block moves a whole population.
 */
#ifndef WC_CORE_IPV4_H
#define WC_CORE_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wc_prefix {
	uint32_t base; /* first address; host bits are zero */
	uint8_t len;   /* prefix length, 0..32 */
} wc_prefix;

/* Number of addresses in the prefix (2^(32-len)), as a 64-bit count. */
static inline uint64_t wc_prefix_size(wc_prefix p)
{
	return 1ull << (32 - p.len);
}

static inline uint32_t wc_prefix_mask(uint8_t len)
{
	return len == 0 ? 0u : ~0u << (32 - len);
}

static inline bool wc_prefix_contains(wc_prefix p, uint32_t addr)
{
	return (addr & wc_prefix_mask(p.len)) == p.base;
}

/* Addresses two prefixes share: they are either nested or disjoint. */
static inline uint64_t wc_prefix_overlap(wc_prefix a, wc_prefix b)
{
	if (a.len >= b.len)
		return wc_prefix_contains(b, a.base) ? wc_prefix_size(a) : 0;
	return wc_prefix_contains(a, b.base) ? wc_prefix_size(b) : 0;
}

/* "a.b.c.d" → 0 on success, -1 if malformed. */
int wc_ipv4_parse(const char *s, uint32_t *addr);
/* "a.b.c.d/n" (or a bare address, meaning /32) → 0, or -1 if malformed or if
 * bits are set past the prefix length. */
int wc_prefix_parse(const char *s, wc_prefix *p);

/* Writes "a.b.c.d" into buf (at least 16 bytes). Returns buf. */
char *wc_ipv4_format(uint32_t addr, char *buf);
/* Writes "a.b.c.d/n" into buf (at least 19 bytes). Returns buf. */
char *wc_prefix_format(wc_prefix p, char *buf);

/* True for addresses a worm's probe could reach a host at on the 2001 Internet:
 * not 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/3 (multicast and
 * reserved). Populations are placed only in such space. */
bool wc_ipv4_routable(uint32_t addr);

#endif
