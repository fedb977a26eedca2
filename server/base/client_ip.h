/* client_ip.h - who the client is behind trusted reverse proxies.
 *
 * Per-address limits (failed authentications, the respond key's bucket) need the client's
 * address. Behind a reverse proxy the TCP peer is the proxy; the proxy names the client in
 * Forwarded (RFC 7239) or X-Forwarded-For. Those headers are anybody's to send, so they are
 * believed only when the peer is a listed proxy (LOYALTYD_TRUSTED_PROXIES), and then only
 * from the right: each proxy appends the address it saw, so the rightmost hops are written
 * by proxies we trust and everything to the left of the first untrusted hop may be forged.
 *
 * Pure code: parsing and matching, no I/O, no allocation. Every input is bounded by the
 * named constants below; past them an input is refused (a list) or malformed (a header). */
#ifndef LOYALTYD_CLIENT_IP_H
#define LOYALTYD_CLIENT_IP_H

#include <stdbool.h>
#include <stddef.h>

struct sockaddr;

#define CLIENT_IP_LIST_MAX 64     /* CIDRs in one list */
#define CLIENT_IP_MAX_LINES 16    /* header lines of one name looked at */
#define CLIENT_IP_HEADER_MAX 8192 /* bytes of one header name, all its lines together */
#define CLIENT_IP_MAX_HOPS 64     /* hops (list elements) in one header name */
#define CLIENT_IP_NODE_MAX 128    /* bytes of one hop's node ("[2001:db8::1]:4711") */
#define CLIENT_IP_TEXT_MAX 46     /* an address as text with its NUL (INET6_ADDRSTRLEN) */

/* An IP address. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, what a dual-stack IPv6
 * listener reports for an IPv4 client) is always held as the IPv4 address a.b.c.d, so that
 * it matches IPv4 CIDRs and names the same rate-limit bucket as the plain IPv4 client. */
struct client_ip_addr {
	unsigned char v6;        /* 0: IPv4 in bytes[0..3], 1: IPv6 in bytes[0..15] */
	unsigned char bytes[16]; /* network order */
};

/* An address and how many of its leading bits a match compares. */
struct client_ip_cidr {
	struct client_ip_addr addr;
	unsigned char prefix; /* 0..32 (IPv4), 0..128 (IPv6) */
};

struct client_ip_list {
	size_t n;
	struct client_ip_cidr cidrs[CLIENT_IP_LIST_MAX];
};

/* Parses one address of len bytes (not NUL-terminated): dotted IPv4 or IPv6 text as
 * inet_pton(3) takes it (no brackets, port or zone). Returns 0 and fills out, or -1. */
__attribute__((warn_unused_result)) int client_ip_parse(const char *text, size_t len,
                                                        struct client_ip_addr *out);

/* Writes addr as text ("203.0.113.7", "2001:db8::1") into out of cap bytes (at least
 * CLIENT_IP_TEXT_MAX); "" when it does not fit. */
void client_ip_format(const struct client_ip_addr *addr, char *out, size_t cap);

/* Reads the address of an AF_INET or AF_INET6 socket address. Returns 0, or -1 (sa NULL or
 * another family). */
__attribute__((warn_unused_result)) int client_ip_from_sockaddr(const struct sockaddr *sa,
                                                                struct client_ip_addr *out);

/* Parses a comma-separated list of CIDRs ("127.0.0.1/32, 10.0.0.0/8, ::1/128"; spaces
 * around entries are ignored). A bare address is /32 or /128; an IPv6 CIDR within
 * ::ffff:0:0/96 is taken as the IPv4 CIDR it maps (::ffff:10.0.0.0/104 is 10.0.0.0/8). An
 * empty or all-blank text is the empty list. Refused: an entry that is no address, a prefix
 * past the family's width or not plain digits, bits set past the prefix (10.0.0.1/8 is
 * likely a typo), an empty entry, more than CLIENT_IP_LIST_MAX entries. Returns 0, or -1
 * with a lowercase message naming the entry in err (list is then empty). */
__attribute__((warn_unused_result)) int
client_ip_list_parse(struct client_ip_list *list, const char *text, char *err, size_t errlen);

/* Returns true when addr lies in one of the list's CIDRs of its own family. ::/0 is every
 * IPv6 address, not the IPv4 ones: list 0.0.0.0/0 for those. */
bool client_ip_list_contains(const struct client_ip_list *list, const struct client_ip_addr *addr);

/* The forwarding header lines of one request, in the order received. Values are borrowed
 * (they must outlive the struct); lines past CLIENT_IP_MAX_LINES are counted, not kept. */
struct client_ip_headers {
	const char *forwarded[CLIENT_IP_MAX_LINES];
	size_t nforwarded;
	const char *xff[CLIENT_IP_MAX_LINES]; /* X-Forwarded-For */
	size_t nxff;
};

/* Adds a request header if it is Forwarded or X-Forwarded-For (any case); ignores others
 * and a NULL value. h must start zeroed. */
void client_ip_headers_add(struct client_ip_headers *h, const char *name, const char *value);

enum client_ip_source {
	CLIENT_IP_PEER,      /* the TCP peer: not a trusted proxy, or no usable header */
	CLIENT_IP_FORWARDED, /* a for= of Forwarded */
	CLIENT_IP_XFF,       /* an element of X-Forwarded-For */
};

/* The client's address for a request from peer carrying headers h (NULL: none).
 *
 * Unless peer is in trusted, it is the client, whatever the headers say. Else the hops of
 * Forwarded (its elements' for=; all its lines one list) are read when it has any element,
 * or else those of X-Forwarded-For (elements: IPv4, IPv6, [IPv6], either with a :port).
 * From the right (the nearest), hops that are trusted proxies are skipped; the first that
 * is not is the client; when all are trusted, the leftmost is. The peer is the client
 * when the header read is malformed (Forwarded's syntax, more than CLIENT_IP_MAX_LINES
 * lines, CLIENT_IP_HEADER_MAX bytes or CLIENT_IP_MAX_HOPS hops), or when the hop the walk
 * stops at names no usable address (unknown, an obfuscated _identifier, an element without
 * for=, garbage). What lies left of the client does not matter, except that Forwarded's
 * syntax is checked throughout (elements that cannot be told apart have no rightmost).
 * Writes the client into client and returns where it came from. */
enum client_ip_source client_ip_resolve(const struct client_ip_list *trusted,
                                        const struct client_ip_addr *peer,
                                        const struct client_ip_headers *h,
                                        struct client_ip_addr *client);

#endif
