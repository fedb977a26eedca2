/* test_net_address.c - endpoint URLs and the public-address check (against SSRF). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "domain/net_address.h"

static void urls_that_parse(void **state)
{
	(void)state;
	struct net_url u;
	assert_null(net_url_parse("https://Hooks.Example.com/loyalty?x=1&y=%20", &u));
	assert_true(u.https);
	assert_int_equal(u.kind, NET_HOST_NAME);
	assert_string_equal(u.host, "hooks.example.com");
	assert_int_equal(u.port, 443);
	assert_string_equal(u.path, "/loyalty?x=1&y=%20");

	assert_null(net_url_parse("HTTP://127.0.0.1:8099", &u));
	assert_false(u.https);
	assert_int_equal(u.kind, NET_HOST_IPV4);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 8099);
	assert_string_equal(u.path, "");

	assert_null(net_url_parse("https://[2001:db8::1]:8443/in", &u));
	assert_int_equal(u.kind, NET_HOST_IPV6);
	assert_string_equal(u.host, "2001:db8::1");
	assert_int_equal(u.port, 8443);
	assert_string_equal(u.path, "/in");

	assert_null(net_url_parse("https://a-b.c0.example?q", &u));
	assert_string_equal(u.path, "?q");
	assert_int_equal(u.port, 443);
	assert_null(net_url_parse("http://x:65535/", &u));
	assert_int_equal(u.port, 65535);
}

static void urls_refused_in_words(void **state)
{
	(void)state;
	static const struct {
		const char *url, *why;
	} cases[] = {
	    {"ftp://example.com/", "must be an https (or http) URL"},
	    {"example.com/hook", "must be an https (or http) URL"},
	    {"https:/example.com", "must be an https (or http) URL"},
	    {"https://user:pw@example.com/", "must not contain user information (user@)"},
	    {"https://user@example.com/", "must not contain user information (user@)"},
	    {"https://example.com/#frag", "must not have a fragment (#…)"},
	    {"https://example.com/a b",
	     "must not contain white space, control characters or non-ASCII bytes (percent-encode "
	     "them)"},
	    {"https://example.com/\x01",
	     "must not contain white space, control characters or non-ASCII bytes (percent-encode "
	     "them)"},
	    {"https://ex\xc3\xa4mple.com/",
	     "must not contain white space, control characters or non-ASCII bytes (percent-encode "
	     "them)"},
	    {"https://example.com\\@evil/", "must not contain a backslash"},
	    {"https:///path", "must name a host"},
	    {"https://", "must name a host"},
	    {"https://:443/", "must name a host"},
	    {"https://example.com:0/", "has an invalid port (1 to 65535)"},
	    {"https://example.com:65536/", "has an invalid port (1 to 65535)"},
	    {"https://example.com:/", "has an invalid port (1 to 65535)"},
	    {"https://example.com:44a/", "has an invalid port (1 to 65535)"},
	    {"https://exa_mple.com/", "has an invalid host name"},
	    {"https://-example.com/", "has an invalid host name"},
	    {"https://example-.com/", "has an invalid host name"},
	    {"https://example..com/", "has an invalid host name"},
	    {"https://example.com./", "has an invalid host name"},
	    {"https://127.1/", "has an invalid IPv4 address (a dotted quad, such as 192.0.2.1)"},
	    {"https://2130706433/",
	     "has an invalid IPv4 address (a dotted quad, such as 192.0.2.1)"},
	    {"https://0x7f000001/",
	     "has an invalid IPv4 address (a dotted quad, such as 192.0.2.1)"},
	    {"https://127.0.0.256/",
	     "has an invalid IPv4 address (a dotted quad, such as 192.0.2.1)"},
	    {"https://::1/", "has an IPv6 address out of brackets"},
	    {"https://[::1/", "has an invalid IPv6 address (in brackets, such as [2001:db8::1])"},
	    {"https://[zz::1]/",
	     "has an invalid IPv6 address (in brackets, such as [2001:db8::1])"},
	    {"https://[::1]x/", "has an invalid IPv6 address (in brackets, such as [2001:db8::1])"},
	    {"https://[fe80::1%25eth0]/", "must not give an IPv6 zone"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct net_url u;
		const char *why = net_url_parse(cases[i].url, &u);
		if (!why || strcmp(why, cases[i].why) != 0)
			fail_msg("%s: got %s", cases[i].url, why ? why : "(accepted)");
	}
	/* 2048 bytes pass, 2049 do not */
	char longest[NET_URL_MAX + 2];
	memset(longest, 'a', sizeof(longest));
	memcpy(longest, "https://example.com/", 20);
	longest[NET_URL_MAX] = '\0';
	struct net_url u;
	assert_null(net_url_parse(longest, &u));
	longest[NET_URL_MAX] = 'a';
	longest[NET_URL_MAX + 1] = '\0';
	assert_string_equal(net_url_parse(longest, &u), "must be at most 2048 bytes");
	/* a 64-character label */
	char label[100] = "https://";
	memset(label + 8, 'a', 64);
	memcpy(label + 72, ".com/", 6);
	assert_string_equal(net_url_parse(label, &u), "has an invalid host name");
}

static const char *v4(const char *text)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return net_ip4_refusal(&a);
}

static const char *v6(const char *text)
{
	struct in6_addr a;
	assert_int_equal(inet_pton(AF_INET6, text, &a), 1);
	return net_ip6_refusal(&a);
}

struct range_case {
	const char *addr, *why; /* why NULL: public */
};

/* Each address is refused for its why, or public when why is NULL. */
static void check_ranges(const struct range_case *cases, size_t n,
                         const char *(*refusal)(const char *))
{
	for (size_t i = 0; i < n; i++) {
		const char *got = refusal(cases[i].addr);
		if ((got == NULL) != (cases[i].why == NULL) ||
		    (got && strcmp(got, cases[i].why) != 0))
			fail_msg("%s: got %s", cases[i].addr, got ? got : "(public)");
	}
}

static void ipv4_ranges(void **state)
{
	(void)state;
	static const struct range_case cases[] = {
	    {"0.0.0.0", "unspecified"},
	    {"0.255.255.255", "unspecified"},
	    {"10.0.0.1", "private"},
	    {"10.255.255.255", "private"},
	    {"11.0.0.1", NULL},
	    {"100.63.255.255", NULL},
	    {"100.64.0.0", "shared (CGNAT)"},
	    {"100.127.255.255", "shared (CGNAT)"},
	    {"100.128.0.0", NULL},
	    {"127.0.0.1", "loopback"},
	    {"127.255.255.254", "loopback"},
	    {"169.254.169.254", "link-local"},
	    {"169.253.0.1", NULL},
	    {"172.15.255.255", NULL},
	    {"172.16.0.1", "private"},
	    {"172.31.255.255", "private"},
	    {"172.32.0.0", NULL},
	    {"192.0.0.8", "reserved"},
	    {"192.0.2.1", "documentation"},
	    {"192.88.99.1", NULL},
	    {"192.167.255.255", NULL},
	    {"192.168.1.1", "private"},
	    {"192.169.0.0", NULL},
	    {"198.18.0.1", "reserved"},
	    {"198.19.255.255", "reserved"},
	    {"198.20.0.0", NULL},
	    {"198.51.100.7", "documentation"},
	    {"203.0.113.9", "documentation"},
	    {"8.8.8.8", NULL},
	    {"1.1.1.1", NULL},
	    {"223.255.255.255", NULL},
	    {"224.0.0.1", "multicast"},
	    {"239.255.255.250", "multicast"},
	    {"240.0.0.1", "reserved"},
	    {"255.255.255.254", "reserved"},
	    {"255.255.255.255", "broadcast"},
	};
	check_ranges(cases, sizeof(cases) / sizeof(cases[0]), v4);
}

static void ipv6_ranges(void **state)
{
	(void)state;
	static const struct range_case cases[] = {
	    {"::", "unspecified"},
	    {"::1", "loopback"},
	    {"::ffff:127.0.0.1", "loopback"},
	    {"::ffff:10.1.2.3", "private"},
	    {"::ffff:169.254.169.254", "link-local"},
	    {"::ffff:8.8.8.8", NULL},
	    {"::ffff:0:192.168.0.1", "private"},
	    {"::127.0.0.1", "loopback"},
	    {"::8.8.8.8", NULL},
	    {"64:ff9b::127.0.0.1", "loopback"},
	    {"64:ff9b::10.0.0.1", "private"},
	    {"64:ff9b::8.8.4.4", NULL},
	    {"64:ff9b:1::1", "private"},
	    {"2002:7f00:1::", "loopback"},
	    {"2002:c0a8:101::1", "private"},
	    {"2002:808:808::1", NULL},
	    {"fc00::1", "private"},
	    {"fd12:3456::1", "private"},
	    {"fe80::1", "link-local"},
	    {"febf::1", "link-local"},
	    {"fec0::1", "site-local"},
	    {"feff::1", "site-local"},
	    {"ff02::1", "multicast"},
	    {"2001:db8::1", "documentation"},
	    {"2001::1", "reserved"},
	    {"100::1", "reserved"},
	    {"::1:0:0:1", "reserved"},
	    {"2606:4700:4700::1111", NULL},
	    {"2a00:1450:4001::200e", NULL},
	    {"2001:4860:4860::8888", NULL},
	};
	check_ranges(cases, sizeof(cases) / sizeof(cases[0]), v6);
}

static void sockaddrs_and_resolution(void **state)
{
	(void)state;
	struct sockaddr_in sin = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	assert_string_equal(net_sockaddr_refusal((struct sockaddr *)&sin), "loopback");
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	inet_pton(AF_INET6, "2606:4700:4700::1111", &sin6.sin6_addr);
	assert_null(net_sockaddr_refusal((struct sockaddr *)&sin6));
	struct sockaddr other = {.sa_family = AF_UNIX};
	assert_non_null(net_sockaddr_refusal(&other));

	/* numeric hosts resolve without a network */
	char pin[NET_ADDR_TEXT], why[128];
	assert_int_equal(net_resolve("127.0.0.1", 80, pin, why, sizeof(why)), -1);
	assert_string_equal(why, "the host resolves to a loopback address");
	assert_string_equal(pin, "");
	assert_int_equal(net_resolve("10.0.0.1", 80, pin, why, sizeof(why)), -1);
	assert_string_equal(why, "the host resolves to a private address");
	assert_int_equal(net_resolve("::", 80, pin, why, sizeof(why)), -1);
	assert_string_equal(why, "the host resolves to an unspecified address");
	assert_int_equal(net_resolve("8.8.8.8", 443, pin, why, sizeof(why)), 0);
	assert_string_equal(pin, "8.8.8.8");
	assert_string_equal(why, "");
	assert_int_equal(net_resolve("2606:4700:4700::1111", 443, pin, why, sizeof(why)), 0);
	assert_string_equal(pin, "2606:4700:4700::1111");
	/* localhost is in /etc/hosts */
	assert_int_equal(net_resolve("localhost", 80, pin, why, sizeof(why)), -1);
	assert_string_equal(why, "the host resolves to a loopback address");
	/* .invalid never resolves (RFC 6761) */
	assert_int_equal(net_resolve("nothing.invalid", 80, pin, why, sizeof(why)), -2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(urls_that_parse),
	    cmocka_unit_test(urls_refused_in_words),
	    cmocka_unit_test(ipv4_ranges),
	    cmocka_unit_test(ipv6_ranges),
	    cmocka_unit_test(sockaddrs_and_resolution),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
