/* net_address.h - endpoint URLs and the addresses loyaltyd may send to (against SSRF).
 *
 * An outbound endpoint is an http(s) URL with a host (a name, an IPv4 address or an IPv6
 * one in brackets), an optional port and a path with its query: no user information, no
 * fragment, no control character, white space or non-ASCII byte, at most 2048 bytes.
 * Unless private addresses are allowed (LOYALTYD_OUTBOUND_ALLOW_PRIVATE), a delivery goes
 * only to a public address: never loopback, unspecified, private, shared (CGNAT),
 * link-local, site-local, multicast, broadcast, reserved or documentation ranges, nor an
 * IPv6 form that embeds such an IPv4 address (mapped, compatible, NAT64, 6to4).
 *
 * Parsing and classification are pure; net_resolve() asks the system resolver. */
#ifndef LOYALTYD_NET_ADDRESS_H
#define LOYALTYD_NET_ADDRESS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define NET_URL_MAX 2048
#define NET_HOST_MAX 253
#define NET_ADDR_TEXT 46 /* INET6_ADDRSTRLEN */

enum net_host_kind { NET_HOST_NAME, NET_HOST_IPV4, NET_HOST_IPV6 };

struct net_url {
	bool https;
	enum net_host_kind kind;
	char host[NET_HOST_MAX + 1]; /* lowercase; an IPv6 address without its brackets */
	int port;                    /* as given, else 443 or 80 */
	const char *path;            /* into the parsed text: "/…", "?…" or "" */
};

/* Parses url into *out. Returns NULL, or what is wrong in words (for a 422 naming the
 * field: "must use http or https", "must not contain user information", …). */
const char *net_url_parse(const char *url, struct net_url *out);

/* The kind of range that refuses an address, in words for a message ("loopback",
 * "private", "link-local" …), or NULL when the address is public. */
const char *net_ip4_refusal(const struct in_addr *a);
const char *net_ip6_refusal(const struct in6_addr *a);

/* The same for a socket address (AF_INET or AF_INET6; any other family is refused). */
const char *net_sockaddr_refusal(const struct sockaddr *sa);

/* Resolves host (for port) and checks every address it has. Returns 0 when all are
 * allowed, with the first of them in pin (text, for CURLOPT_RESOLVE); -1 when one is not,
 * -2 when the name does not resolve; then why (capacity cap) says so in words ("the host
 * resolves to a private address"). */
int net_resolve(const char *host, int port, char pin[NET_ADDR_TEXT], char *why, size_t cap);

#endif
