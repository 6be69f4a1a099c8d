#include "core/ipv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads one decimal number of at most 3 digits (no sign, no leading zeros
 * beyond a lone "0"), advancing *s. */
static int read_octet(const char **s, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9') {
		if (digits == 3 || (digits == 1 && v == 0))
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
		digits++;
		p++;
	}
	if (digits == 0)
		return -1;
	*out = v;
	*s = p;
	return 0;
}

static int parse_addr_prefix(const char **s, uint32_t *addr)
{
	uint32_t a = 0;
	for (int i = 0; i < 4; i++) {
		unsigned octet;
		if (i > 0) {
			if (**s != '.')
				return -1;
			(*s)++;
		}
		if (read_octet(s, &octet) != 0 || octet > 255)
			return -1;
		a = (a << 8) | octet;
	}
	*addr = a;
	return 0;
}

int wc_ipv4_parse(const char *s, uint32_t *addr)
{
	if (parse_addr_prefix(&s, addr) != 0 || *s != '\0')
		return -1;
	return 0;
}

int wc_prefix_parse(const char *s, wc_prefix *p)
{
	uint32_t a;
	if (parse_addr_prefix(&s, &a) != 0)
		return -1;
	unsigned len = 32;
	if (*s == '/') {
		s++;
		if (read_octet(&s, &len) != 0 || len > 32)
			return -1;
	}
	if (*s != '\0')
		return -1;
	if ((a & ~wc_prefix_mask((uint8_t)len)) != 0)
		return -1;
	p->base = a;
	p->len = (uint8_t)len;
	return 0;
}

char *wc_ipv4_format(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		 addr & 255);
	return buf;
}

char *wc_prefix_format(wc_prefix p, char *buf)
{
	char a[16];
	wc_ipv4_format(p.base, a);
	size_t n = strlen(a);
	memcpy(buf, a, n);
	snprintf(buf + n, 4, "/%u", (unsigned)(p.len & 63));
	return buf;
}

bool wc_ipv4_routable(uint32_t addr)
{
	unsigned o1 = addr >> 24, o2 = (addr >> 16) & 255;
	if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224)
		return false;
	if (o1 == 169 && o2 == 254)
		return false;
	if (o1 == 172 && o2 >= 16 && o2 <= 31)
		return false;
	if (o1 == 192 && o2 == 168)
		return false;
	return true;
}
