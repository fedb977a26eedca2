/* net_address.c - endpoint URLs and the public-address check. */
#include "domain/net_address.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *parse_port(const char *s, size_t n, int *port)
{
	long v = 0;
	if (n == 0 || n > 5)
		return "has an invalid port (1 to 65535)";
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return "has an invalid port (1 to 65535)";
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return "has an invalid port (1 to 65535)";
	*port = (int)v;
	return NULL;
}

/* A host name of letters, digits and hyphens in dot-separated labels of 1 to 63; an all
 * numeric last label makes it an IPv4 address, which must then be a dotted quad. */
static const char *parse_name(struct net_url *out)
{
	const char *h = out->host;
	size_t n = strlen(h), label = 0;
	bool numeric_label = true;
	for (size_t i = 0; i <= n; i++) {
		char c = h[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || h[i - 1] == '-')
				return "has an invalid host name";
			label = 0;
			if (c == '\0')
				break;
			numeric_label = true;
			continue;
		}
		if (!(isalnum((unsigned char)c) || c == '-') || (label == 0 && c == '-'))
			return "has an invalid host name";
		if (!isdigit((unsigned char)c))
			numeric_label = false;
		label++;
	}
	out->kind = NET_HOST_NAME;
	if (numeric_label || strncmp(h, "0x", 2) == 0) {
		struct in_addr a;
		if (inet_pton(AF_INET, h, &a) != 1)
			return "has an invalid IPv4 address (a dotted quad, such as 192.0.2.1)";
		out->kind = NET_HOST_IPV4;
	}
	return NULL;
}

const char *net_url_parse(const char *url, struct net_url *out)
{
	memset(out, 0, sizeof(*out));
	size_t len = strnlen(url, NET_URL_MAX + 1);
	if (len > NET_URL_MAX)
		return "must be at most 2048 bytes";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= 0x20 || c >= 0x7f)
			return "must not contain white space, control characters or non-ASCII "
			       "bytes "
			       "(percent-encode them)";
		if (c == '#')
			return "must not have a fragment (#…)";
		if (c == '\\')
			return "must not contain a backslash";
	}
	const char *p;
	if (strncasecmp(url, "https://", 8) == 0) {
		out->https = true;
		p = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return "must be an https (or http) URL";
	}
	size_t alen = strcspn(p, "/?");
	out->path = p + alen;
	if (memchr(p, '@', alen))
		return "must not contain user information (user@)";
	if (alen == 0)
		return "must name a host";
	const char *hend, *colon = NULL;
	if (p[0] == '[') {
		const char *close = memchr(p, ']', alen);
		if (!close)
			return "has an invalid IPv6 address (in brackets, such as [2001:db8::1])";
		size_t hl = (size_t)(close - p - 1);
		if (memchr(p, '%', hl + 1))
			return "must not give an IPv6 zone";
		struct in6_addr a6;
		if (hl == 0 || hl > NET_HOST_MAX)
			return "has an invalid IPv6 address (in brackets, such as [2001:db8::1])";
		memcpy(out->host, p + 1, hl);
		out->host[hl] = '\0';
		if (inet_pton(AF_INET6, out->host, &a6) != 1)
			return "has an invalid IPv6 address (in brackets, such as [2001:db8::1])";
		out->kind = NET_HOST_IPV6;
		hend = close + 1;
		if (hend < p + alen && *hend != ':')
			return "has an invalid IPv6 address (in brackets, such as [2001:db8::1])";
		colon = hend < p + alen ? hend : NULL;
	} else {
		colon = memchr(p, ':', alen);
		hend = colon ? colon : p + alen;
		size_t hl = (size_t)(hend - p);
		if (colon && memchr(colon + 1, ':', alen - hl - 1))
			return "has an IPv6 address out of brackets";
		if (hl == 0)
			return "must name a host";
		if (hl > NET_HOST_MAX)
			return "has a host name longer than 253 characters";
		for (size_t i = 0; i < hl; i++)
			out->host[i] = (char)tolower((unsigned char)p[i]);
		out->host[hl] = '\0';
		const char *why = parse_name(out);
		if (why)
			return why;
	}
	out->port = out->https ? 443 : 80;
	if (colon)
		return parse_port(colon + 1, (size_t)(p + alen - colon - 1), &out->port);
	return NULL;
}

static bool in4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits == 0 ? 0 : ~(uint32_t)0 << (32 - bits);
	return (a & mask) == net;
}

const char *net_ip4_refusal(const struct in_addr *addr)
{
	uint32_t a = ntohl(addr->s_addr);
	static const struct {
		uint32_t net;
		int bits;
		const char *why;
	} ranges[] = {
	    {0x00000000, 8, "unspecified"},     {0x0a000000, 8, "private"},
	    {0x64400000, 10, "shared (CGNAT)"}, {0x7f000000, 8, "loopback"},
	    {0xa9fe0000, 16, "link-local"},     {0xac100000, 12, "private"},
	    {0xc0000000, 24, "reserved"},       {0xc0000200, 24, "documentation"},
	    {0xc0a80000, 16, "private"},        {0xc6120000, 15, "reserved"},
	    {0xc6336400, 24, "documentation"},  {0xcb007100, 24, "documentation"},
	    {0xe0000000, 4, "multicast"},       {0xffffffff, 32, "broadcast"},
	    {0xf0000000, 4, "reserved"},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (in4(a, ranges[i].net, ranges[i].bits))
			return ranges[i].why;
	return NULL;
}

/* The IPv4 address in bytes b[0..4) of an IPv6 one. */
static const char *embedded4(const uint8_t *b)
{
	struct in_addr v4;
	memcpy(&v4.s_addr, b, 4);
	return net_ip4_refusal(&v4);
}

const char *net_ip6_refusal(const struct in6_addr *addr)
{
	const uint8_t *b = addr->s6_addr;
	static const uint8_t zero[16] = {0};
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t translated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	if (memcmp(b, zero, 15) == 0 && b[15] <= 1)
		return b[15] == 0 ? "unspecified" : "loopback";
	/* mapped (::ffff:a.b.c.d), translated (::ffff:0:a.b.c.d), compatible (::a.b.c.d)
	 * and NAT64 (64:ff9b::a.b.c.d): whatever the IPv4 address is */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, translated, 12) == 0 ||
	    memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return embedded4(b + 12);
	if (b[0] == 0x20 && b[1] == 0x02) /* 6to4: 2002:a.b.c.d::/48 */
		return embedded4(b + 2);
	if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1)
		return "private"; /* 64:ff9b:1::/48, local-use NAT64 */
	if ((b[0] & 0xfe) == 0xfc)
		return "private"; /* fc00::/7, unique local */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "site-local";
	if (b[0] == 0xff)
		return "multicast";
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return "documentation";
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
		return "reserved"; /* 2001::/32, Teredo: the IPv4 side is not checkable */
	if (b[0] == 0x01 && memcmp(b + 1, zero, 7) == 0)
		return "reserved"; /* 100::/64, discard only */
	if (b[0] == 0)
		return "reserved"; /* the rest of ::/8 */
	return NULL;
}

const char *net_sockaddr_refusal(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return net_ip4_refusal(&((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	if (sa->sa_family == AF_INET6)
		return net_ip6_refusal(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
	return "reserved";
}

int net_resolve(const char *host, int port, char pin[NET_ADDR_TEXT], char *why, size_t cap)
{
	struct addrinfo hints, *list = NULL;
	char service[8];
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%d", port);
	pin[0] = '\0';
	int rc = getaddrinfo(host, service, &hints, &list);
	if (rc != 0) {
		snprintf(why, cap, "%s",
		         rc == EAI_AGAIN ? "the host name could not be resolved (DNS failure)"
		                         : "the host name does not resolve");
		return -2;
	}
	int verdict = -2;
	snprintf(why, cap, "the host name does not resolve");
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		const char *refused = net_sockaddr_refusal(ai->ai_addr);
		if (refused) {
			snprintf(why, cap, "the host resolves to a%s %s address",
			         strchr("aeiou", refused[0]) ? "n" : "", refused);
			verdict = -1;
			break;
		}
		if (pin[0] == '\0') {
			const void *src =
			    ai->ai_family == AF_INET
			        ? (const void *)&((const struct sockaddr_in *)(void *)ai->ai_addr)
			              ->sin_addr
			        : (const void *)&((const struct sockaddr_in6 *)(void *)ai->ai_addr)
			              ->sin6_addr;
			if (inet_ntop(ai->ai_family, src, pin, NET_ADDR_TEXT))
				verdict = 0;
		}
	}
	freeaddrinfo(list);
	if (verdict != 0)
		pin[0] = '\0';
	else
		why[0] = '\0';
	return verdict;
}
