/* fuzz_parsers.c - the text parsers every request goes through before any handler: the
 * router (paths split, then percent-decoded), query-value decoding, RFC 3339 times and
 * dates, list cursors, money amounts, UTF-8 checks, Forwarded and X-Forwarded-For (and the
 * trusted-proxy list). Input: one text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/client_ip.h"
#include "base/cursor.h"
#include "base/timefmt.h"
#include "dispatch/routes.h"
#include "domain/event_input.h"
#include "domain/money.h"
#include "domain/validate.h"
#include "domain/webhook_map.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"};
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct router_match *m = malloc(sizeof(*m));
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (router_match(routes, routes_count, methods[i], s, m) == ROUTER_MATCH)
			(void)router_param(m, "external_id");
	free(m);
	char *out = malloc(size + 1);
	(void)router_percent_decode(s, strlen(s), out, size + 1, true);
	(void)router_percent_decode(s, strlen(s), out, size + 1, false);
	free(out);
	int64_t us;
	char when[32], payload[256], amount[32];
	if (timefmt_parse_rfc3339(s, &us) == 0)
		timefmt_format(us, when);
	if (timefmt_parse_date(s, &us) == 0 && timefmt_in_range(us))
		timefmt_format(us, when);
	(void)cursor_decode(s, "segment.0123abcd.0123456789ab", payload, sizeof(payload));
	int64_t units;
	if (money_parse(s, true, &units) == 0 && units >= 0)
		money_format(units, amount);
	if (validate_utf8(s)) {
		(void)validate_utf8_chars(s);
		json_t *v = json_string(s);
		(void)money_from_json(v, amount);
		json_decref(v);
	}
	struct client_ip_list *trusted = malloc(sizeof(*trusted));
	struct client_ip_headers h = {0};
	struct client_ip_addr peer, client;
	char err[256], text[CLIENT_IP_TEXT_MAX];
	if (client_ip_list_parse(trusted, s, err, sizeof(err)) != 0 &&
	    client_ip_list_parse(trusted, "127.0.0.1, 10.0.0.0/8, ::1", err, sizeof(err)) != 0)
		abort();
	if (client_ip_parse("127.0.0.1", 9, &peer) != 0)
		abort();
	client_ip_headers_add(&h, "Forwarded", s);
	(void)client_ip_resolve(trusted, &peer, &h, &client);
	client_ip_format(&client, text, sizeof(text));
	h.nforwarded = 0;
	client_ip_headers_add(&h, "X-Forwarded-For", s);
	(void)client_ip_resolve(trusted, &peer, &h, &client);
	client_ip_format(&client, text, sizeof(text));
	free(trusted);
	free(s);
	return 0;
}
