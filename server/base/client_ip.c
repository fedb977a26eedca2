/* client_ip.c - trusted proxies: CIDR lists and the client behind forwarding headers. */
#include "base/client_ip.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool is_v4_mapped(const struct client_ip_addr *a)
{
	return a->v6 && memcmp(a->bytes, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

/* ::ffff:a.b.c.d becomes a.b.c.d; anything else stays as it is. */
static void unmap(struct client_ip_addr *a)
{
	if (!is_v4_mapped(a))
		return;
	memmove(a->bytes, a->bytes + 12, 4);
	memset(a->bytes + 4, 0, 12);
	a->v6 = 0;
}

/* Parses without unmapping, so that a CIDR can tell ::ffff:10.0.0.0/104 from 10.0.0.0/8. */
static int parse_raw(const char *text, size_t len, struct client_ip_addr *out)
{
	char buf[CLIENT_IP_TEXT_MAX];
	if (len == 0 || len >= sizeof(buf) || memchr(text, '\0', len))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (memchr(buf, ':', len)) {
		out->v6 = 1;
		return inet_pton(AF_INET6, buf, out->bytes) == 1 ? 0 : -1;
	}
	return inet_pton(AF_INET, buf, out->bytes) == 1 ? 0 : -1;
}

int client_ip_parse(const char *text, size_t len, struct client_ip_addr *out)
{
	if (parse_raw(text, len, out) != 0)
		return -1;
	unmap(out);
	return 0;
}

void client_ip_format(const struct client_ip_addr *addr, char *out, size_t cap)
{
	if (cap == 0)
		return;
	if (!inet_ntop(addr->v6 ? AF_INET6 : AF_INET, addr->bytes, out, (socklen_t)cap))
		out[0] = '\0';
}

int client_ip_from_sockaddr(const struct sockaddr *sa, struct client_ip_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(out->bytes, &in->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		out->v6 = 1;
		memcpy(out->bytes, &in6->sin6_addr, 16);
		unmap(out);
		return 0;
	}
	return -1;
}

/* True when the first prefix bits of a and b agree. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, unsigned prefix)
{
	unsigned whole = prefix / 8, rest = prefix % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xffu << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Clears the bits of a past prefix. */
static void mask_past(struct client_ip_addr *a, unsigned prefix)
{
	unsigned width = a->v6 ? 128 : 32;
	for (unsigned bit = prefix; bit < width; bit++)
		a->bytes[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
}

#define ENTRY_SHOWN 64 /* bytes of a refused entry quoted in the message */

/* Parses one entry "addr" or "addr/prefix" of len bytes into c. */
static int parse_cidr(const char *s, size_t len, struct client_ip_cidr *c, char *err, size_t errlen)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	int shown = len > ENTRY_SHOWN ? ENTRY_SHOWN : (int)len;
	if (parse_raw(s, alen, &c->addr) != 0) {
		snprintf(err, errlen, "'%.*s' is not an IPv4 or IPv6 address or CIDR", shown, s);
		return -1;
	}
	unsigned width = c->addr.v6 ? 128 : 32;
	unsigned prefix = width;
	if (slash) {
		const char *d = slash + 1;
		size_t dlen = len - alen - 1;
		bool digits = dlen > 0 && dlen <= 3;
		prefix = 0;
		for (size_t i = 0; digits && i < dlen; i++) {
			digits = d[i] >= '0' && d[i] <= '9';
			if (digits)
				prefix = prefix * 10 + (unsigned)(d[i] - '0');
		}
		if (!digits || prefix > width) {
			snprintf(err, errlen, "'%.*s': the prefix must be a number from 0 to %u",
			         shown, s, width);
			return -1;
		}
	}
	struct client_ip_addr net = c->addr;
	mask_past(&net, prefix);
	if (memcmp(net.bytes, c->addr.bytes, sizeof(net.bytes)) != 0) {
		char text[CLIENT_IP_TEXT_MAX];
		client_ip_format(&net, text, sizeof(text));
		snprintf(err, errlen, "'%.*s' has bits set past its prefix (the network is %s/%u)",
		         shown, s, text, prefix);
		return -1;
	}
	if (is_v4_mapped(&c->addr) && prefix >= 96) {
		unmap(&c->addr);
		prefix -= 96;
	}
	c->prefix = (unsigned char)prefix;
	return 0;
}

int client_ip_list_parse(struct client_ip_list *list, const char *text, char *err, size_t errlen)
{
	const char *p = text;
	list->n = 0;
	if (text[strspn(text, " \t")] == '\0')
		return 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == start) {
			snprintf(err, errlen, "an empty entry (two commas, or one at an end)");
			goto fail;
		}
		if (list->n == CLIENT_IP_LIST_MAX) {
			snprintf(err, errlen, "more than %d entries", CLIENT_IP_LIST_MAX);
			goto fail;
		}
		if (parse_cidr(start, (size_t)(end - start), &list->cidrs[list->n], err, errlen) !=
		    0)
			goto fail;
		list->n++;
		if (*p == '\0')
			return 0;
		p++; /* the comma */
	}
fail:
	list->n = 0;
	return -1;
}

bool client_ip_list_contains(const struct client_ip_list *list, const struct client_ip_addr *addr)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct client_ip_cidr *c = &list->cidrs[i];
		if (c->addr.v6 == addr->v6 && prefix_equal(c->addr.bytes, addr->bytes, c->prefix))
			return true;
	}
	return false;
}

void client_ip_headers_add(struct client_ip_headers *h, const char *name, const char *value)
{
	if (!name || !value)
		return;
	if (strcasecmp(name, "Forwarded") == 0) {
		if (h->nforwarded < CLIENT_IP_MAX_LINES)
			h->forwarded[h->nforwarded] = value;
		h->nforwarded++;
	} else if (strcasecmp(name, "X-Forwarded-For") == 0) {
		if (h->nxff < CLIENT_IP_MAX_LINES)
			h->xff[h->nxff] = value;
		h->nxff++;
	}
}

/* One element of a forwarding header: the address it names, if any. */
struct hop {
	bool usable;
	struct client_ip_addr addr;
};

struct hops {
	size_t n;
	struct hop h[CLIENT_IP_MAX_HOPS];
};

static int hop_add(struct hops *hops, const struct hop *hop)
{
	if (hops->n == CLIENT_IP_MAX_HOPS)
		return -1;
	hops->h[hops->n++] = *hop;
	return 0;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar */
static bool is_tchar(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* ":" port, where port is 1 to 5 digits or (obfuscated, Forwarded only) "_" and letters,
 * digits, ".", "_", "-" (RFC 7239 §6.3). The port itself is of no interest. */
static bool port_ok(const char *s, size_t len, bool obfuscated_ok)
{
	if (len < 2 || s[0] != ':')
		return false;
	s++;
	len--;
	if (obfuscated_ok && s[0] == '_') {
		for (size_t i = 1; i < len; i++)
			if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]) &&
			    !strchr("._-", s[i]))
				return false;
		return len > 1;
	}
	for (size_t i = 0; i < len; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return len <= 5;
}

/* A node: IPv4 or "[" IPv6 "]", either with a port; with bare_v6 (X-Forwarded-For) also an
 * IPv6 address without brackets or port. Anything else (unknown, _obfuscated, garbage)
 * leaves the hop unusable; that is not an error of the header. */
static void node_parse(const char *v, size_t len, bool bare_v6, struct hop *hop)
{
	struct client_ip_addr a;
	const char *colon;
	hop->usable = false;
	if (len == 0 || len >= CLIENT_IP_NODE_MAX)
		return;
	if (v[0] == '[') {
		const char *close = memchr(v, ']', len);
		if (!close)
			return;
		size_t alen = (size_t)(close - v) - 1;
		size_t rest = len - alen - 2;
		if (parse_raw(v + 1, alen, &a) != 0 || !a.v6 ||
		    (rest > 0 && !port_ok(close + 1, rest, !bare_v6)))
			return;
	} else if (bare_v6 && (colon = memchr(v, ':', len)) != NULL &&
	           memchr(colon + 1, ':', len - (size_t)(colon - v) - 1)) {
		if (parse_raw(v, len, &a) != 0)
			return;
	} else {
		colon = memchr(v, ':', len);
		size_t alen = colon ? (size_t)(colon - v) : len;
		if (parse_raw(v, alen, &a) != 0 || a.v6 ||
		    (colon && !port_ok(colon, len - alen, !bare_v6)))
			return;
	}
	unmap(&a);
	hop->addr = a;
	hop->usable = true;
}

/* Reads a value (token or quoted-string) at *pp into out, advancing *pp past it. Returns its
 * length (which may exceed what out kept: CLIENT_IP_NODE_MAX), or -1 when malformed. */
static long value_read(const char **pp, char out[CLIENT_IP_NODE_MAX])
{
	const unsigned char *p = (const unsigned char *)*pp;
	long n = 0;
	if (*p != '"') {
		while (is_tchar(*p)) {
			if (n < CLIENT_IP_NODE_MAX)
				out[n] = (char)*p;
			n++;
			p++;
		}
		*pp = (const char *)p;
		return n > 0 ? n : -1;
	}
	for (p++;; p++) {
		unsigned char c = *p;
		if (c == '"')
			break;
		if (c == '\\') {
			c = *++p;
			if (c != '\t' && (c < 0x20 || c == 0x7f))
				return -1; /* also the NUL of an unterminated string */
		} else if (c != '\t' && (c < 0x20 || c == 0x7f)) {
			return -1;
		}
		if (n < CLIENT_IP_NODE_MAX)
			out[n] = (char)c;
		n++;
	}
	*pp = (const char *)p + 1;
	return n;
}

static const char *skip_ows(const char *p)
{
	while (is_ows((unsigned char)*p))
		p++;
	return p;
}

/* Appends the elements of one Forwarded line (RFC 7239 §4: elements separated by commas,
 * each pairs name=value separated by semicolons; blanks are allowed around the commas and
 * the semicolons, not around "="). Returns 0, or -1 when malformed or too many. */
static int forwarded_line(const char *line, struct hops *hops)
{
	const char *p = line;
	for (;;) {
		while (is_ows((unsigned char)*p) || *p == ',')
			p++; /* empty elements are allowed and mean nothing (RFC 9110 §5.6.1) */
		if (*p == '\0')
			return 0;
		struct hop hop = {0};
		bool have_for = false;
		while (*p != ',' && *p != '\0') {
			if (*p == ';') {
				p = skip_ows(p + 1);
				continue;
			}
			const char *name = p;
			while (is_tchar((unsigned char)*p))
				p++;
			size_t nlen = (size_t)(p - name);
			if (nlen == 0 || *p != '=')
				return -1;
			p++;
			char value[CLIENT_IP_NODE_MAX];
			long vlen = value_read(&p, value);
			if (vlen < 0)
				return -1;
			if (nlen == 3 && strncasecmp(name, "for", 3) == 0) {
				if (have_for)
					return -1; /* a parameter occurs once per element (§4) */
				have_for = true;
				node_parse(value, (size_t)vlen, false, &hop);
			}
			p = skip_ows(p);
			if (*p != ';' && *p != ',' && *p != '\0')
				return -1;
		}
		if (hop_add(hops, &hop) != 0)
			return -1;
	}
}

/* Appends the elements of one X-Forwarded-For line: addresses separated by commas. It has
 * no grammar to break: an element that is no address is an unusable hop. Returns 0, or -1
 * when there are too many. */
static int xff_line(const char *line, struct hops *hops)
{
	const char *p = line;
	for (;;) {
		p = skip_ows(p);
		const char *start = p;
		while (*p != ',' && *p != '\0')
			p++;
		const char *end = p;
		while (end > start && is_ows((unsigned char)end[-1]))
			end--;
		if (end > start) {
			struct hop hop = {0};
			node_parse(start, (size_t)(end - start), true, &hop);
			if (hop_add(hops, &hop) != 0)
				return -1;
		}
		if (*p == '\0')
			return 0;
		p++;
	}
}

/* Reads the n lines of one header name as one list. Returns 0, or -1 when malformed. */
static int header_read(const char *const *lines, size_t n,
                       int (*line_parse)(const char *, struct hops *), struct hops *hops)
{
	size_t bytes = 0;
	hops->n = 0;
	if (n > CLIENT_IP_MAX_LINES)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bytes += strnlen(lines[i], CLIENT_IP_HEADER_MAX + 1);
		if (bytes > CLIENT_IP_HEADER_MAX || line_parse(lines[i], hops) != 0)
			return -1;
	}
	return 0;
}

enum client_ip_source client_ip_resolve(const struct client_ip_list *trusted,
                                        const struct client_ip_addr *peer,
                                        const struct client_ip_headers *h,
                                        struct client_ip_addr *client)
{
	struct hops hops;
	enum client_ip_source source = CLIENT_IP_FORWARDED;
	*client = *peer;
	if (!h || !client_ip_list_contains(trusted, peer))
		return CLIENT_IP_PEER;
	int rc = header_read(h->forwarded, h->nforwarded, forwarded_line, &hops);
	if (rc == 0 && hops.n == 0) {
		source = CLIENT_IP_XFF;
		rc = header_read(h->xff, h->nxff, xff_line, &hops);
	}
	if (rc != 0)
		return CLIENT_IP_PEER;
	for (size_t i = hops.n; i-- > 0;) {
		if (!hops.h[i].usable)
			return CLIENT_IP_PEER; /* the client hid, or its proxy hid it */
		if (i == 0 || !client_ip_list_contains(trusted, &hops.h[i].addr)) {
			*client = hops.h[i].addr;
			return source;
		}
	}
	return CLIENT_IP_PEER; /* no hops */
}
