/* test_client_ip.c - trusted proxies: CIDR lists (parsing, refusals, matching, IPv4-mapped
 * IPv6) and the client address behind Forwarded / X-Forwarded-For (only from trusted
 * peers, walked from the right, spoofing, IPv6, ports, garbage, bounds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "base/client_ip.h"

#define PROXIES "127.0.0.1/32, 10.0.0.0/8, ::1/128"

static struct client_ip_addr addr(const char *text)
{
	struct client_ip_addr a;
	if (client_ip_parse(text, strlen(text), &a) != 0)
		fail_msg("not an address: %s", text);
	return a;
}

static struct client_ip_list list(const char *text)
{
	struct client_ip_list l;
	char err[256];
	if (client_ip_list_parse(&l, text, err, sizeof(err)) != 0)
		fail_msg("list '%s' refused: %s", text, err);
	return l;
}

static bool in(const struct client_ip_list *l, const char *text)
{
	struct client_ip_addr a = addr(text);
	return client_ip_list_contains(l, &a);
}

/* The refusal message of a list text (fails the test when it is accepted). */
static const char *refusal(const char *text)
{
	static char err[256];
	struct client_ip_list l;
	l.n = 7;
	if (client_ip_list_parse(&l, text, err, sizeof(err)) == 0)
		fail_msg("list '%s' accepted", text);
	assert_int_equal(l.n, 0);
	return err;
}

static const char *const none[] = {NULL};

/* Resolves the client behind PROXIES for a request from peer with the Forwarded and
 * X-Forwarded-For lines given (NULL-terminated); returns its text and sets *source. */
static const char *client_of(const char *peer, const char *const *fwd, const char *const *xff,
                             enum client_ip_source *source)
{
	static char text[CLIENT_IP_TEXT_MAX];
	struct client_ip_list trusted = list(PROXIES);
	struct client_ip_headers h = {0};
	struct client_ip_addr p = addr(peer), c;
	for (size_t i = 0; fwd[i]; i++)
		client_ip_headers_add(&h, "Forwarded", fwd[i]);
	for (size_t i = 0; xff[i]; i++)
		client_ip_headers_add(&h, "X-Forwarded-For", xff[i]);
	*source = client_ip_resolve(&trusted, &p, &h, &c);
	client_ip_format(&c, text, sizeof(text));
	return text;
}

#define EXPECT(want_source, want, peer, fwd, xff)                                                  \
	do {                                                                                       \
		enum client_ip_source src_;                                                        \
		assert_string_equal(client_of(peer, fwd, xff, &src_), want);                       \
		assert_int_equal(src_, want_source);                                               \
	} while (0)

/* One X-Forwarded-For line from 127.0.0.1 (trusted); the client's text. */
#define XFF(want_source, want, line)                                                               \
	EXPECT(want_source, want, "127.0.0.1", none, ((const char *const[]){line, NULL}))

/* One Forwarded line from 127.0.0.1, with an X-Forwarded-For that is never read when
 * Forwarded has elements. */
#define FWD(want_source, want, line)                                                               \
	EXPECT(want_source, want, "127.0.0.1", ((const char *const[]){line, NULL}),                \
	       ((const char *const[]){"198.51.100.99", NULL}))

static void lists_parse_and_match(void **state)
{
	(void)state;
	struct client_ip_list l = list("127.0.0.1/32,10.0.0.0/8,::1/128");
	assert_int_equal(l.n, 3);
	assert_true(in(&l, "127.0.0.1"));
	assert_false(in(&l, "127.0.0.2"));
	assert_true(in(&l, "10.0.0.0"));
	assert_true(in(&l, "10.255.255.255"));
	assert_false(in(&l, "11.0.0.0"));
	assert_false(in(&l, "9.255.255.255"));
	assert_true(in(&l, "::1"));
	assert_false(in(&l, "::2"));
	assert_false(in(&l, "::"));

	/* a bare address is one host; blanks around entries do not count */
	l = list(" 192.0.2.1 ,\t2001:db8::1 ");
	assert_int_equal(l.n, 2);
	assert_int_equal(l.cidrs[0].prefix, 32);
	assert_int_equal(l.cidrs[1].prefix, 128);
	assert_true(in(&l, "192.0.2.1"));
	assert_false(in(&l, "192.0.2.0"));
	assert_true(in(&l, "2001:db8::1"));
	assert_false(in(&l, "2001:db8::"));

	/* prefixes that do not fall on a byte */
	l = list("192.0.2.128/25, 2001:db8:8000::/33");
	assert_true(in(&l, "192.0.2.128"));
	assert_true(in(&l, "192.0.2.255"));
	assert_false(in(&l, "192.0.2.127"));
	assert_true(in(&l, "2001:db8:8000::1"));
	assert_true(in(&l, "2001:db8:ffff:ffff::"));
	assert_false(in(&l, "2001:db8:7fff::1"));

	/* /0 is one family's every address */
	l = list("0.0.0.0/0");
	assert_true(in(&l, "203.0.113.7"));
	assert_false(in(&l, "2001:db8::1"));
	l = list("::/0");
	assert_true(in(&l, "2001:db8::1"));
	assert_false(in(&l, "203.0.113.7"));
}

static void empty_list_trusts_nobody(void **state)
{
	(void)state;
	struct client_ip_list l = list("");
	assert_int_equal(l.n, 0);
	assert_false(in(&l, "127.0.0.1"));
	assert_false(in(&l, "::1"));
	l = list(" \t ");
	assert_int_equal(l.n, 0);
}

static void ipv4_mapped_addresses_are_ipv4(void **state)
{
	(void)state;
	struct client_ip_list l = list("127.0.0.1/32");
	/* what libmicrohttpd reports for an IPv4 client of a dual-stack IPv6 listener */
	assert_true(in(&l, "::ffff:127.0.0.1"));
	assert_false(in(&l, "::ffff:127.0.0.2"));
	struct client_ip_addr a = addr("::ffff:127.0.0.1");
	char text[CLIENT_IP_TEXT_MAX];
	client_ip_format(&a, text, sizeof(text));
	assert_string_equal(text, "127.0.0.1");

	struct sockaddr_in6 sin6;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6.sin6_addr), 1);
	assert_int_equal(client_ip_from_sockaddr((struct sockaddr *)&sin6, &a), 0);
	assert_int_equal(a.v6, 0);
	assert_true(client_ip_list_contains(&l, &a));

	/* written as a mapped CIDR, it is the IPv4 one */
	l = list("::ffff:10.0.0.0/104, ::ffff:192.0.2.1");
	assert_int_equal(l.cidrs[0].addr.v6, 0);
	assert_int_equal(l.cidrs[0].prefix, 8);
	assert_int_equal(l.cidrs[1].prefix, 32);
	assert_true(in(&l, "10.1.2.3"));
	assert_true(in(&l, "192.0.2.1"));
	assert_false(in(&l, "11.0.0.1"));

	/* other IPv6 addresses stay IPv6 */
	a = addr("::127.0.0.1");
	assert_int_equal(a.v6, 1);
	assert_false(in(&l, "::10.0.0.1"));
}

static void sockaddrs_of_both_families(void **state)
{
	(void)state;
	struct client_ip_addr a;
	char text[CLIENT_IP_TEXT_MAX];
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, "203.0.113.7", &sin.sin_addr), 1);
	assert_int_equal(client_ip_from_sockaddr((struct sockaddr *)&sin, &a), 0);
	client_ip_format(&a, text, sizeof(text));
	assert_string_equal(text, "203.0.113.7");

	struct sockaddr_in6 sin6;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::17", &sin6.sin6_addr), 1);
	assert_int_equal(client_ip_from_sockaddr((struct sockaddr *)&sin6, &a), 0);
	client_ip_format(&a, text, sizeof(text));
	assert_string_equal(text, "2001:db8::17");

	struct sockaddr_un sun;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_int_equal(client_ip_from_sockaddr((struct sockaddr *)&sun, &a), -1);
	assert_int_equal(client_ip_from_sockaddr(NULL, &a), -1);

	/* too small a buffer is "", never a cut address */
	a = addr("2001:db8::17");
	client_ip_format(&a, text, 8);
	assert_string_equal(text, "");
}

static void bad_lists_are_refused_with_the_entry(void **state)
{
	(void)state;
	assert_string_equal(refusal("10.0.0.0/33"),
	                    "'10.0.0.0/33': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("::1/129"),
	                    "'::1/129': the prefix must be a number from 0 to 128");
	assert_string_equal(refusal("10.0.0.0/"),
	                    "'10.0.0.0/': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("10.0.0.0/-8"),
	                    "'10.0.0.0/-8': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("10.0.0.0/+8"),
	                    "'10.0.0.0/+8': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("10.0.0.0/8/8"),
	                    "'10.0.0.0/8/8': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("10.0.0.0/ 8"),
	                    "'10.0.0.0/ 8': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("10.0.0.0/0008"),
	                    "'10.0.0.0/0008': the prefix must be a number from 0 to 32");
	assert_string_equal(refusal("127.0.0.1/32, localhost"),
	                    "'localhost' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("10.0.0"), "'10.0.0' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("10.0.0.256"),
	                    "'10.0.0.256' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("[::1]"), "'[::1]' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("fe80::1%eth0"),
	                    "'fe80::1%eth0' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("10.0.0.0 /8"),
	                    "'10.0.0.0 /8' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(refusal("/8"), "'/8' is not an IPv4 or IPv6 address or CIDR");
	assert_string_equal(
	    refusal("10.0.0.1/8"),
	    "'10.0.0.1/8' has bits set past its prefix (the network is 10.0.0.0/8)");
	assert_string_equal(
	    refusal("2001:db8::1/32"),
	    "'2001:db8::1/32' has bits set past its prefix (the network is 2001:db8::/32)");
	assert_string_equal(refusal("10.0.0.0/8,,::1"),
	                    "an empty entry (two commas, or one at an end)");
	assert_string_equal(refusal("10.0.0.0/8,"),
	                    "an empty entry (two commas, or one at an end)");
	assert_string_equal(refusal(",10.0.0.0/8"),
	                    "an empty entry (two commas, or one at an end)");
	assert_string_equal(refusal("10.0.0.0/8, ,::1"),
	                    "an empty entry (two commas, or one at an end)");

	/* the message quotes at most 64 bytes of an entry */
	char big[301], want[160];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(want, sizeof(want), "'%.64s' is not an IPv4 or IPv6 address or CIDR", big);
	assert_string_equal(refusal(big), want);
}

static void lists_are_bounded(void **state)
{
	(void)state;
	char text[CLIENT_IP_LIST_MAX * 16 + 16];
	size_t n = 0;
	for (int i = 0; i < CLIENT_IP_LIST_MAX; i++)
		n +=
		    (size_t)snprintf(text + n, sizeof(text) - n, "%s10.0.%d.0/24", i ? "," : "", i);
	struct client_ip_list l = list(text);
	assert_int_equal(l.n, CLIENT_IP_LIST_MAX);
	assert_true(in(&l, "10.0.63.9"));
	snprintf(text + n, sizeof(text) - n, ",10.1.0.0/16");
	assert_string_equal(refusal(text), "more than 64 entries");
}

static void untrusted_peers_are_the_client(void **state)
{
	(void)state;
	/* a direct client sending forwarding headers is still its own address */
	EXPECT(CLIENT_IP_PEER, "192.0.2.9", "192.0.2.9", none,
	       ((const char *const[]){"1.2.3.4", NULL}));
	EXPECT(CLIENT_IP_PEER, "192.0.2.9", "192.0.2.9",
	       ((const char *const[]){"for=1.2.3.4", NULL}), none);
	/* claiming to come through a trusted proxy does not help */
	EXPECT(CLIENT_IP_PEER, "192.0.2.9", "192.0.2.9", none,
	       ((const char *const[]){"203.0.113.7, 127.0.0.1", NULL}));
	EXPECT(CLIENT_IP_PEER, "2001:db8::9", "2001:db8::9", none,
	       ((const char *const[]){"1.2.3.4", NULL}));
	/* an IPv4 peer seen through an IPv6 listener is reported as IPv4 */
	EXPECT(CLIENT_IP_PEER, "192.0.2.9", "::ffff:192.0.2.9", none,
	       ((const char *const[]){"1.2.3.4", NULL}));

	/* nobody is trusted by default */
	struct client_ip_list empty = list("");
	struct client_ip_headers h = {0};
	struct client_ip_addr p = addr("127.0.0.1"), c;
	client_ip_headers_add(&h, "X-Forwarded-For", "203.0.113.7");
	assert_int_equal(client_ip_resolve(&empty, &p, &h, &c), CLIENT_IP_PEER);
	assert_memory_equal(&c, &p, sizeof(c));
	/* no headers given */
	struct client_ip_list trusted = list(PROXIES);
	assert_int_equal(client_ip_resolve(&trusted, &p, NULL, &c), CLIENT_IP_PEER);
	assert_memory_equal(&c, &p, sizeof(c));
}

static void trusted_peer_without_headers_is_the_client(void **state)
{
	(void)state;
	EXPECT(CLIENT_IP_PEER, "127.0.0.1", "127.0.0.1", none, none);
	EXPECT(CLIENT_IP_PEER, "10.0.0.5", "10.0.0.5", none, none);
	/* blank or empty lines have no elements */
	EXPECT(CLIENT_IP_PEER, "127.0.0.1", "127.0.0.1", ((const char *const[]){"", NULL}),
	       ((const char *const[]){" , ,", NULL}));
}

static void x_forwarded_for_from_the_right(void **state)
{
	(void)state;
	XFF(CLIENT_IP_XFF, "203.0.113.7", "203.0.113.7");
	/* a client's own X-Forwarded-For, to which the proxy appended what it saw */
	XFF(CLIENT_IP_XFF, "203.0.113.7", "198.51.100.1, 203.0.113.7");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "127.0.0.1, 203.0.113.7");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "10.0.0.1,203.0.113.7");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "garbage, 203.0.113.7");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "unknown, 203.0.113.7");
	/* through more proxies, each trusted, each appending */
	XFF(CLIENT_IP_XFF, "203.0.113.7", "203.0.113.7, 10.0.0.3");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "198.51.100.1, 203.0.113.7, 10.0.0.3, 10.2.0.4, ::1");
	/* the first untrusted one from the right, even when another is left of it */
	XFF(CLIENT_IP_XFF, "198.51.100.2", "203.0.113.7, 198.51.100.2, 10.0.0.3");
	/* every hop trusted: the leftmost */
	XFF(CLIENT_IP_XFF, "10.0.0.2", "10.0.0.2, 10.0.0.3");
	XFF(CLIENT_IP_XFF, "127.0.0.1", "127.0.0.1");
	/* blanks and empty elements */
	XFF(CLIENT_IP_XFF, "203.0.113.7", "  203.0.113.7\t ");
	XFF(CLIENT_IP_XFF, "203.0.113.7", ", 203.0.113.7,, ,");
	/* from a trusted IPv6 peer, and from an IPv4 proxy seen through an IPv6 listener */
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "::1", none,
	       ((const char *const[]){"203.0.113.7", NULL}));
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "::ffff:127.0.0.1", none,
	       ((const char *const[]){"203.0.113.7", NULL}));
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "::ffff:10.9.8.7", none,
	       ((const char *const[]){"203.0.113.7", NULL}));
}

static void x_forwarded_for_forms(void **state)
{
	(void)state;
	XFF(CLIENT_IP_XFF, "2001:db8::1", "2001:db8::1");
	XFF(CLIENT_IP_XFF, "2001:db8::1", "[2001:db8::1]");
	XFF(CLIENT_IP_XFF, "2001:db8::1", "[2001:db8::1]:4711");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "203.0.113.7:4711");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "::ffff:203.0.113.7");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "[::ffff:203.0.113.7]:80");
	/* a trusted hop written as mapped IPv6 is trusted */
	XFF(CLIENT_IP_XFF, "203.0.113.7", "203.0.113.7, ::ffff:10.0.0.3");
	XFF(CLIENT_IP_XFF, "203.0.113.7", "203.0.113.7, [::1]:8080");
}

static void x_forwarded_for_garbage_is_the_peer(void **state)
{
	(void)state;
	/* where the walk needs an address and finds none, the peer is the client */
	static const char *const bad[] = {
	    "unknown",
	    "garbage",
	    "_hidden",
	    "203.0.113.7 198.51.100.1",
	    "\"203.0.113.7\"",
	    "203.0.113.7:",
	    "203.0.113.7:99999999",
	    "203.0.113.7:_obf", /* obfuscated ports are Forwarded's */
	    "203.0.113.7:80:80",
	    "203.0.113",
	    "203.0.113.256",
	    "[203.0.113.7]",
	    "[2001:db8::1",
	    "[2001:db8::1]4711",
	    "[2001:db8::1]:",
	    "fe80::1%eth0",
	    "2001:db8::1:4711:",
	    "203.0.113.7, unknown",      /* the nearest hop hides the client */
	    "203.0.113.7, 10.0.0.3, _x", /* so does a trusted proxy's */
	    "203.0.113.7, ,garbage",
	    "203.0.113.7\x01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum client_ip_source src;
		const char *got =
		    client_of("127.0.0.1", none, (const char *const[]){bad[i], NULL}, &src);
		if (strcmp(got, "127.0.0.1") != 0 || src != CLIENT_IP_PEER)
			fail_msg("X-Forwarded-For '%s' gave %s", bad[i], got);
	}
	/* an unusable hop behind trusted ones, with all hops trusted to its right */
	XFF(CLIENT_IP_PEER, "127.0.0.1", "unknown, 10.0.0.3");
}

static void lines_are_one_list_in_order(void **state)
{
	(void)state;
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "127.0.0.1", none,
	       ((const char *const[]){"198.51.100.1", "203.0.113.7", NULL}));
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "127.0.0.1", none,
	       ((const char *const[]){"198.51.100.1, 203.0.113.7", "10.0.0.3", NULL}));
	EXPECT(CLIENT_IP_XFF, "198.51.100.1", "127.0.0.1", none,
	       ((const char *const[]){"203.0.113.7", "198.51.100.1", "10.0.0.3, 10.0.0.4", NULL}));
	EXPECT(CLIENT_IP_FORWARDED, "203.0.113.7", "127.0.0.1",
	       ((const char *const[]){"for=198.51.100.1", "for=203.0.113.7", NULL}), none);
	/* one malformed line spoils the list */
	EXPECT(CLIENT_IP_PEER, "127.0.0.1", "127.0.0.1",
	       ((const char *const[]){"for=203.0.113.7", "for=[::1]", NULL}), none);
}

static void forwarded_elements(void **state)
{
	(void)state;
	/* RFC 7239's examples */
	FWD(CLIENT_IP_FORWARDED, "2001:db8:cafe::17", "for=\"[2001:db8:cafe::17]:4711\"");
	FWD(CLIENT_IP_FORWARDED, "192.0.2.60", "for=192.0.2.60;proto=http;by=203.0.113.43");
	FWD(CLIENT_IP_FORWARDED, "198.51.100.17", "for=192.0.2.43, for=198.51.100.17");
	FWD(CLIENT_IP_FORWARDED, "2001:db8:cafe::17", "for=192.0.2.43,for=\"[2001:db8:cafe::17]\"");
	FWD(CLIENT_IP_FORWARDED, "192.0.2.43", "for=\"192.0.2.43:47011\"");
	FWD(CLIENT_IP_FORWARDED, "192.0.2.43", "for=\"192.0.2.43:_p-1.x\"");
	FWD(CLIENT_IP_FORWARDED, "2001:db8::1", "for=\"[2001:db8::1]:_gazonk\"");
	/* names in any case, parameters in any order, blanks around ; and , */
	FWD(CLIENT_IP_FORWARDED, "192.0.2.60", "By=10.0.0.1;FOR=192.0.2.60");
	FWD(CLIENT_IP_FORWARDED, "192.0.2.60", "proto=https ; for=192.0.2.60 ;host=\"a.b\" ,");
	FWD(CLIENT_IP_FORWARDED, "192.0.2.60", "for=192.0.2.60;");
	/* a quoted-pair stands for its character */
	FWD(CLIENT_IP_FORWARDED, "192.0.2.43", "for=\"192.0.2.\\43\"");
	/* a comma or semicolon inside a quoted value is no separator */
	FWD(CLIENT_IP_FORWARDED, "192.0.2.60", "for=192.0.2.60;host=\"x,y;z\"");
	/* hidden hops left of the client do not matter; trusted ones right of it are skipped */
	FWD(CLIENT_IP_FORWARDED, "203.0.113.7", "for=_hidden, for=203.0.113.7");
	FWD(CLIENT_IP_FORWARDED, "203.0.113.7", "for=unknown, for=203.0.113.7, for=10.0.0.3");
	FWD(CLIENT_IP_FORWARDED, "203.0.113.7", "for=198.51.100.1, for=203.0.113.7, for=\"[::1]\"");
	FWD(CLIENT_IP_FORWARDED, "10.0.0.2", "for=10.0.0.2, for=10.0.0.3");
	/* a mapped IPv6 client is its IPv4 address */
	FWD(CLIENT_IP_FORWARDED, "203.0.113.7", "for=\"[::ffff:203.0.113.7]\"");
}

static void forwarded_without_a_usable_client_is_the_peer(void **state)
{
	(void)state;
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=unknown");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=_hidden");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"_gazonk\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=198.51.100.1, for=unknown");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=unknown, for=10.0.0.3");
	/* an element without for= names nobody */
	FWD(CLIENT_IP_PEER, "127.0.0.1", "proto=https;host=example.com");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=203.0.113.7, proto=https");
	FWD(CLIENT_IP_PEER, "127.0.0.1", ";");
	/* IPv6 must be bracketed, IPv4 must not be */
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"2001:db8::1\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"[192.0.2.1]\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"192.0.2.1:\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"192.0.2.1:123456\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"192.0.2.1:_\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"192.0.2.1:_a b\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"[2001:db8::1]x\"");
	FWD(CLIENT_IP_PEER, "127.0.0.1", "for=\"[fe80::1%eth0]\"");
}

static void malformed_forwarded_is_the_peer(void **state)
{
	(void)state;
	/* a malformed Forwarded is not made up for by X-Forwarded-For (FWD sends one) */
	static const char *const bad[] = {
	    "for=2001:db8::1",         /* IPv6 unquoted */
	    "for=[2001:db8::1]",       /* brackets are not token characters */
	    "for=192.0.2.43:80",       /* nor is the colon of a port */
	    "for=\"[2001:db8::1]",     /* unterminated */
	    "for=\"192.0.2.43\\",      /* unterminated after a backslash */
	    "for=1.2.3.4;for=5.6.7.8", /* a parameter twice in an element */
	    "for = 1.2.3.4",
	    "for =1.2.3.4",
	    "for= 1.2.3.4",
	    "for=",
	    "=1.2.3.4",
	    "for",
	    "for=1.2.3.4 5.6.7.8",
	    "for=1.2.3.4 for=5.6.7.8",
	    "for=\"1.2.3.4\"x",
	    "for=1.2.3.4;;;\"x\"",
	    "for=\"1.2.3.4\x01\"",
	    "for=\"1.2.3.4\x7f\"",
	    "f\"or=1.2.3.4",
	    "for=203.0.113.7, for=1.2.3.4 garbage",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum client_ip_source src;
		const char *got = client_of("127.0.0.1", (const char *const[]){bad[i], NULL},
		                            (const char *const[]){"198.51.100.99", NULL}, &src);
		if (strcmp(got, "127.0.0.1") != 0 || src != CLIENT_IP_PEER)
			fail_msg("Forwarded '%s' gave %s", bad[i], got);
	}
}

static void forwarded_comes_before_x_forwarded_for(void **state)
{
	(void)state;
	EXPECT(CLIENT_IP_FORWARDED, "203.0.113.8", "127.0.0.1",
	       ((const char *const[]){"for=203.0.113.8", NULL}),
	       ((const char *const[]){"203.0.113.7", NULL}));
	/* a Forwarded without elements is as good as none */
	EXPECT(CLIENT_IP_XFF, "203.0.113.7", "127.0.0.1", ((const char *const[]){" ,, ", NULL}),
	       ((const char *const[]){"203.0.113.7", NULL}));
}

static void header_names_and_line_count(void **state)
{
	(void)state;
	struct client_ip_headers h = {0};
	client_ip_headers_add(&h, "forwarded", "for=1.2.3.4");
	client_ip_headers_add(&h, "FORWARDED", "for=1.2.3.5");
	client_ip_headers_add(&h, "x-forwarded-for", "1.2.3.6");
	client_ip_headers_add(&h, "X-Forwarded-Host", "example.com");
	client_ip_headers_add(&h, "X-Real-IP", "1.2.3.7");
	client_ip_headers_add(&h, "Forwarded-For", "1.2.3.8");
	client_ip_headers_add(&h, "X-Forwarded-For", NULL);
	assert_int_equal(h.nforwarded, 2);
	assert_string_equal(h.forwarded[1], "for=1.2.3.5");
	assert_int_equal(h.nxff, 1);
	assert_string_equal(h.xff[0], "1.2.3.6");

	/* up to CLIENT_IP_MAX_LINES lines are read; one more and the header is malformed */
	struct client_ip_list trusted = list(PROXIES);
	struct client_ip_addr p = addr("127.0.0.1"), c;
	char text[CLIENT_IP_TEXT_MAX];
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < CLIENT_IP_MAX_LINES - 1; i++)
		client_ip_headers_add(&h, "X-Forwarded-For", "198.51.100.1");
	client_ip_headers_add(&h, "X-Forwarded-For", "203.0.113.7");
	assert_int_equal(client_ip_resolve(&trusted, &p, &h, &c), CLIENT_IP_XFF);
	client_ip_format(&c, text, sizeof(text));
	assert_string_equal(text, "203.0.113.7");
	client_ip_headers_add(&h, "X-Forwarded-For", "203.0.113.8");
	assert_int_equal(h.nxff, CLIENT_IP_MAX_LINES + 1);
	assert_int_equal(client_ip_resolve(&trusted, &p, &h, &c), CLIENT_IP_PEER);
	assert_memory_equal(&c, &p, sizeof(c));
	/* likewise for Forwarded, which is then not made up for by X-Forwarded-For */
	memset(&h, 0, sizeof(h));
	for (int i = 0; i <= CLIENT_IP_MAX_LINES; i++)
		client_ip_headers_add(&h, "Forwarded", "for=203.0.113.7");
	client_ip_headers_add(&h, "X-Forwarded-For", "203.0.113.7");
	assert_int_equal(client_ip_resolve(&trusted, &p, &h, &c), CLIENT_IP_PEER);
}

/* Resolves one X-Forwarded-For (or Forwarded) line from 127.0.0.1. */
static enum client_ip_source resolve_line(const char *name, const char *line, char *text)
{
	struct client_ip_list trusted = list(PROXIES);
	struct client_ip_headers h = {0};
	struct client_ip_addr p = addr("127.0.0.1"), c;
	client_ip_headers_add(&h, name, line);
	enum client_ip_source src = client_ip_resolve(&trusted, &p, &h, &c);
	client_ip_format(&c, text, CLIENT_IP_TEXT_MAX);
	return src;
}

static void overlong_headers_are_bounded(void **state)
{
	(void)state;
	char text[CLIENT_IP_TEXT_MAX];
	char *line = malloc(4 * CLIENT_IP_HEADER_MAX);
	assert_non_null(line);

	/* CLIENT_IP_HEADER_MAX bytes are read; one more and the header is malformed */
	const char *tail = "203.0.113.7";
	size_t pad = CLIENT_IP_HEADER_MAX - strlen(tail);
	memset(line, ' ', pad);
	strcpy(line + pad, tail);
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_XFF);
	assert_string_equal(text, "203.0.113.7");
	memset(line, ' ', pad + 1);
	strcpy(line + pad + 1, tail);
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_PEER);
	assert_string_equal(text, "127.0.0.1");

	/* the bytes of all lines count together */
	struct client_ip_list trusted = list(PROXIES);
	struct client_ip_headers h = {0};
	struct client_ip_addr p = addr("127.0.0.1"), c;
	memset(line, ' ', CLIENT_IP_HEADER_MAX / 2 + 1);
	line[CLIENT_IP_HEADER_MAX / 2 + 1] = '\0';
	client_ip_headers_add(&h, "X-Forwarded-For", line);
	client_ip_headers_add(&h, "X-Forwarded-For", line);
	assert_int_equal(client_ip_resolve(&trusted, &p, &h, &c), CLIENT_IP_PEER);

	/* CLIENT_IP_MAX_HOPS hops are read; one more and the header is malformed */
	size_t n = 0;
	for (int i = 0; i < CLIENT_IP_MAX_HOPS - 1; i++)
		n += (size_t)sprintf(line + n, "198.51.100.%d,", i);
	strcpy(line + n, tail);
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_XFF);
	assert_string_equal(text, "203.0.113.7");
	memmove(line + 2, line, strlen(line) + 1);
	memcpy(line, "1,", 2);
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_PEER);
	n = 0;
	for (int i = 0; i < CLIENT_IP_MAX_HOPS; i++)
		n += (size_t)sprintf(line + n, "for=198.51.100.%d,", i);
	strcpy(line + n, "for=203.0.113.7");
	assert_int_equal(resolve_line("Forwarded", line, text), CLIENT_IP_PEER);
	assert_int_equal(resolve_line("Forwarded", line + strlen("for=198.51.100.0,"), text),
	                 CLIENT_IP_FORWARDED);
	assert_string_equal(text, "203.0.113.7");

	/* a hop or value too long for any address is unusable, and nothing overflows */
	memset(line, '1', 4000);
	strcpy(line + 4000, ", 203.0.113.7");
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_XFF);
	assert_string_equal(text, "203.0.113.7");
	assert_int_equal(resolve_line("X-Forwarded-For", line + 4002, text), CLIENT_IP_XFF);
	line[4000] = '\0';
	assert_int_equal(resolve_line("X-Forwarded-For", line, text), CLIENT_IP_PEER);
	memcpy(line, "for=\"[", 6);
	strcpy(line + 4000, "]\"");
	assert_int_equal(resolve_line("Forwarded", line, text), CLIENT_IP_PEER);
	memset(line, '1', 4000);
	memcpy(line, "for=", 4);
	strcpy(line + 4000, ", for=203.0.113.7");
	assert_int_equal(resolve_line("Forwarded", line, text), CLIENT_IP_FORWARDED);
	assert_string_equal(text, "203.0.113.7");
	memset(line, 'a', 4000);
	strcpy(line + 4000, "=x;for=203.0.113.7");
	assert_int_equal(resolve_line("Forwarded", line, text), CLIENT_IP_FORWARDED);
	assert_string_equal(text, "203.0.113.7");
	/* the longest text of an address is read */
	assert_int_equal(
	    resolve_line("X-Forwarded-For", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", text),
	    CLIENT_IP_XFF);
	assert_string_equal(text, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lists_parse_and_match),
	    cmocka_unit_test(empty_list_trusts_nobody),
	    cmocka_unit_test(ipv4_mapped_addresses_are_ipv4),
	    cmocka_unit_test(sockaddrs_of_both_families),
	    cmocka_unit_test(bad_lists_are_refused_with_the_entry),
	    cmocka_unit_test(lists_are_bounded),
	    cmocka_unit_test(untrusted_peers_are_the_client),
	    cmocka_unit_test(trusted_peer_without_headers_is_the_client),
	    cmocka_unit_test(x_forwarded_for_from_the_right),
	    cmocka_unit_test(x_forwarded_for_forms),
	    cmocka_unit_test(x_forwarded_for_garbage_is_the_peer),
	    cmocka_unit_test(lines_are_one_list_in_order),
	    cmocka_unit_test(forwarded_elements),
	    cmocka_unit_test(forwarded_without_a_usable_client_is_the_peer),
	    cmocka_unit_test(malformed_forwarded_is_the_peer),
	    cmocka_unit_test(forwarded_comes_before_x_forwarded_for),
	    cmocka_unit_test(header_names_and_line_count),
	    cmocka_unit_test(overlong_headers_are_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
