/* config.c - the configuration table and its parser. */
#include "base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum config_type { CT_STRING, CT_LONG, CT_LOGLEVEL };

struct config_entry {
	const char *name;
	enum config_type type;
	size_t offset;
	size_t size; /* for strings: capacity of the field */
	const char *def;
	long min, max; /* for numbers */
	const char *help;
};

#define STR(field) CT_STRING, offsetof(struct config, field), sizeof(((struct config *)0)->field)
#define NUM(field) CT_LONG, offsetof(struct config, field), 0

static const struct config_entry config_table[] = {
    {"LOYALTYD_DATABASE_URL", STR(database_url), "", 0, 0,
     "libpq connection URI (required for serve and migrate)"},
    {"LOYALTYD_LISTEN", STR(listen), "127.0.0.1:8080", 0, 0, "address and port to listen on"},
    {"LOYALTYD_THREADS", NUM(threads), "32", 1, 1024, "HTTP worker threads"},
    {"LOYALTYD_DB_POOL", NUM(db_pool), "16", 1, 1024, "PostgreSQL connections in the pool"},
    {"LOYALTYD_MAX_BODY_BYTES", NUM(max_body_bytes), "10485760", 1024, 1073741824,
     "largest request body accepted (413 above) by the routes that take large bodies "
     "(POST /v1/events); the others take at most 64 KiB, a webhook at most 1 MiB"},
    {"LOYALTYD_JSON_MEMORY_BYTES", NUM(json_memory_bytes), "268435456", 1048576, 68719476736,
     "memory that the JSON bodies being parsed at one moment may hold together "
     "(503 past it); one body may hold at most 12 times its route's limit "
     "(413 past it)"},
    {"LOYALTYD_ADMIN_TOKEN", STR(admin_token), "", 0, 0,
     "bearer token for /v1/admin (unset: /v1/admin answers 404)"},
    {"LOYALTYD_CORS_ORIGINS", STR(cors_origins), "", 0, 0,
     "comma-separated origins allowed by CORS, such as the shops that embed /widget/nps.js "
     "(unset: no CORS headers)"},
    {"LOYALTYD_LOG", CT_LOGLEVEL, offsetof(struct config, log_level), 0, "info", 0, 0,
     "log level: debug, info, warn, error"},
    {"LOYALTYD_CONN_TIMEOUT_S", NUM(conn_timeout_s), "30", 1, 3600,
     "idle HTTP connection timeout in seconds"},
    {"LOYALTYD_MAX_CONNECTIONS", NUM(max_connections), "1024", 16, 1000000,
     "open HTTP connections at most (more are refused at accept)"},
    {"LOYALTYD_MAX_CONNECTIONS_PER_IP", NUM(max_connections_per_ip), "64", 0, 1000000,
     "open HTTP connections per client address at most (0: no limit)"},
    {"LOYALTYD_BODY_TIMEOUT_S", NUM(body_timeout_s), "60", 1, 3600,
     "a request's whole body must arrive within this many seconds (else the connection is "
     "closed)"},
    {"LOYALTYD_HEAD_TIMEOUT_S", NUM(head_timeout_s), "5", 1, 300,
     "a request's head (request line and headers) must arrive within this many seconds of "
     "the connection's start (a keep-alive connection's next one within "
     "LOYALTYD_CONN_TIMEOUT_S), else the connection is closed; connections waiting for a "
     "head or a body may hold at most three quarters of LOYALTYD_MAX_CONNECTIONS, the "
     "oldest of them closed first"},
    {"LOYALTYD_RATE_LIMIT", NUM(rate_limit), "100", 0, 1000000,
     "requests a second per API key, on average (429 past it; 0: no limit); a key with "
     "only the respond scope has a bucket per client address"},
    {"LOYALTYD_RATE_BURST", NUM(rate_burst), "200", 1, 10000000,
     "requests per API key allowed at once above the rate"},
    {"LOYALTYD_AUTH_FAILURES_PER_MINUTE", NUM(auth_failures_per_minute), "30", 0, 1000000,
     "failed authentications per client address a minute (and at once) before its requests "
     "to authenticated routes are refused with 429 (0: no limit)"},
    {"LOYALTYD_TRUSTED_PROXIES", STR(trusted_proxies_text), "", 0, 0,
     "comma-separated CIDRs of reverse proxies (10.0.0.0/8, ::1/128; a bare address is one "
     "host) whose Forwarded or X-Forwarded-For names the client address, for the "
     "per-address limits; nobody else's is believed (unset: none)"},
    {"LOYALTYD_CONN_MEMORY_BYTES", NUM(conn_memory_bytes), "32768", 8192, 16777216,
     "memory per HTTP connection for headers and buffers: request headers larger than about "
     "this are refused with 431"},
    {"LOYALTYD_DB_CHECKOUT_MS", NUM(db_checkout_ms), "2000", 1, 60000,
     "wait for a free database connection before 503"},
    {"LOYALTYD_DB_STATEMENT_TIMEOUT_MS", NUM(db_statement_timeout_ms), "30000", 0, 3600000,
     "server-side statement_timeout (0: none)"},
    {"LOYALTYD_DB_DEADLINE_MS", NUM(db_deadline_ms), "31000", 100, 3600000,
     "client-side limit on one database round trip, for a hung server or network: past it "
     "the connection is dropped and the request answered 503 (keep above the statement "
     "timeout)"},
    {"LOYALTYD_DB_ROLE", STR(db_role), "loyaltyd_app", 0, 0,
     "the database role loyaltyd works as, under row-level security (created by the "
     "migrations; empty: the login role itself, which bypasses it as the tables' owner)"},
    {"LOYALTYD_DB_CONNECT_TIMEOUT_S", NUM(db_connect_timeout_s), "2", 1, 60,
     "timeout of one connection attempt to PostgreSQL"},
    {"LOYALTYD_SHUTDOWN_GRACE_S", NUM(shutdown_grace_s), "30", 0, 3600,
     "on SIGTERM, how long in-flight requests may take to finish"},
    {"LOYALTYD_INGEST_WORKERS", NUM(ingest_workers), "4", 0, 64,
     "threads that store small event requests together (group commit; 0: off)"},
    {"LOYALTYD_INGEST_LINGER_US", NUM(ingest_linger_us), "1000", 0, 100000,
     "how long a group commit waits for more small requests (microseconds)"},
    {"LOYALTYD_EXPIRY_INTERVAL_S", NUM(expiry_interval_s), "60", 0, 86400,
     "how often lapsed points and expired coupons are written off (seconds; 0: never)"},
    {"LOYALTYD_OUTBOUND_DAILY_CHECK_S", NUM(outbound_daily_check_s), "60", 0, 86400,
     "how often the daily evaluation of outbound events checks whether a tenant's run_at has "
     "come in its time zone (seconds; 0: never, loyaltyd outbound-daily runs it)"},
    {"LOYALTYD_ANALYZE_EVERY", NUM(analyze_every), "10000", 0, 100000000,
     "events stored between two ANALYZEs of the report tables (0: never)"},
    {"LOYALTYD_OUTBOUND_WORKERS", NUM(outbound_workers), "1", 0, 16,
     "threads that deliver outbound events, each with its own database connection (0: this "
     "process delivers none)"},
    {"LOYALTYD_OUTBOUND_CONCURRENCY", NUM(outbound_concurrency), "64", 1, 1000,
     "outbound deliveries one worker keeps in flight (a slot that frees is refilled)"},
    {"LOYALTYD_OUTBOUND_POLL_MS", NUM(outbound_poll_ms), "1000", 10, 60000,
     "how long an idle worker waits before it looks for due deliveries again "
     "(milliseconds)"},
    {"LOYALTYD_OUTBOUND_PER_ENDPOINT", NUM(outbound_per_endpoint), "32", 1, 1000,
     "outbound deliveries in flight to one endpoint at most, across the dispatcher's "
     "threads and loyaltyd processes (a slow receiver holds this many slots, never all)"},
    {"LOYALTYD_OUTBOUND_YIELD_AT", NUM(outbound_yield_at), "8", 0, 100000,
     "while this many API requests are in flight, or an import (a body over 64 KiB), the "
     "dispatcher claims deliveries at most four times a second: they yield the CPU to "
     "requests in a burst and catch up after it (0: never yield)"},
    {"LOYALTYD_OUTBOUND_YIELD_S", NUM(outbound_yield_s), "30", 0, 3600,
     "while the dispatcher yields, events recorded less than this many seconds ago are not "
     "yet made into messages: a burst's events wait for it to end, an overload's at most "
     "this long before they trickle out (0: no wait)"},
    {"LOYALTYD_OUTBOUND_LEASE_S", NUM(outbound_lease_s), "60", 5, 3600,
     "seconds a claimed delivery is a dispatcher's before another may make it again (a "
     "dispatcher that died mid-delivery); at least the delivery timeout and 6 s"},
    {"LOYALTYD_OUTBOUND_TIMEOUT_MS", NUM(outbound_timeout_ms), "10000", 1000, 60000,
     "the limit of one outbound delivery, connection included (milliseconds)"},
    {"LOYALTYD_OUTBOUND_GIVE_UP_HOURS", NUM(outbound_give_up_hours), "72", 1, 720,
     "an outbound event not delivered this many hours after it happened is failed"},
    {"LOYALTYD_OUTBOUND_DISABLE_HOURS", NUM(outbound_disable_hours), "120", 1, 8760,
     "an endpoint whose every delivery failed for this many hours is disabled"},
    {"LOYALTYD_OUTBOUND_RETENTION_DAYS", NUM(outbound_retention_days), "30", 1, 3650,
     "delivered and failed outbound events are pruned after this many days"},
    {"LOYALTYD_OUTBOUND_ALLOW_PRIVATE", NUM(outbound_allow_private), "0", 0, 1,
     "1 lets event endpoints use http and hosts whose addresses are loopback, private or "
     "link-local (local receivers, tests); 0: only https to public addresses, checked when "
     "an endpoint is saved and at every delivery"},
};

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int split_listen(struct config *cfg, char *err, size_t errlen)
{
	const char *colon = strrchr(cfg->listen, ':');
	long port = 0;
	size_t hostlen = colon ? (size_t)(colon - cfg->listen) : 0;
	if (!colon || hostlen == 0 || hostlen >= sizeof(cfg->listen_host) ||
	    parse_long(colon + 1, 0, 65535, &port) != 0) {
		snprintf(err, errlen, "LOYALTYD_LISTEN: expected host:port, got '%s'", cfg->listen);
		return -1;
	}
	memcpy(cfg->listen_host, cfg->listen, hostlen);
	cfg->listen_host[hostlen] = '\0';
	cfg->listen_port = (int)port;
	return 0;
}

static int load_entry(struct config *cfg, const struct config_entry *e, const char *value,
                      char *err, size_t errlen)
{
	char *field = (char *)cfg + e->offset;
	switch (e->type) {
	case CT_STRING:
		if (strlen(value) >= e->size) {
			snprintf(err, errlen, "%s: longer than %zu bytes", e->name, e->size - 1);
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		return 0;
	case CT_LONG:
		if (parse_long(value, e->min, e->max, (long *)(void *)field) != 0) {
			snprintf(err, errlen,
			         "%s: expected a whole number from %ld to %ld, got '%s'", e->name,
			         e->min, e->max, value);
			return -1;
		}
		return 0;
	case CT_LOGLEVEL: {
		static const char *const names[] = {"debug", "info", "warn", "error"};
		for (int i = 0; i < 4; i++) {
			if (strcmp(value, names[i]) == 0) {
				*(enum log_level *)(void *)field = (enum log_level)i;
				return 0;
			}
		}
		snprintf(err, errlen, "%s: expected debug, info, warn or error, got '%s'", e->name,
		         value);
		return -1;
	}
	}
	return -1;
}

int config_load(struct config *cfg, config_getter get, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < sizeof(config_table) / sizeof(config_table[0]); i++) {
		const struct config_entry *e = &config_table[i];
		const char *value = get(e->name);
		if (value == NULL || (*value == '\0' && e->type != CT_STRING))
			value = e->def;
		if (load_entry(cfg, e, value, err, errlen) != 0)
			return -1;
	}
	/* the role goes into the connection's options: a name, nothing else */
	size_t n = strlen(cfg->db_role);
	if (strspn(cfg->db_role, "abcdefghijklmnopqrstuvwxyz0123456789_") != n ||
	    (n > 0 && cfg->db_role[0] >= '0' && cfg->db_role[0] <= '9')) {
		snprintf(err, errlen,
		         "LOYALTYD_DB_ROLE: expected a role name of [a-z0-9_], got '%s'",
		         cfg->db_role);
		return -1;
	}
	char detail[192];
	if (client_ip_list_parse(&cfg->trusted_proxies, cfg->trusted_proxies_text, detail,
	                         sizeof(detail)) != 0) {
		snprintf(err, errlen, "LOYALTYD_TRUSTED_PROXIES: %s", detail);
		return -1;
	}
	return split_listen(cfg, err, errlen);
}

void config_print_help(void)
{
	printf("Configuration (environment):\n");
	for (size_t i = 0; i < sizeof(config_table) / sizeof(config_table[0]); i++) {
		const struct config_entry *e = &config_table[i];
		printf("  %-32s %s [%s]\n", e->name, e->help, *e->def ? e->def : "unset");
	}
}

bool config_cors_allowed(const struct config *cfg, const char *origin)
{
	size_t olen = strlen(origin);
	const char *p = cfg->cors_origins;
	if (olen == 0)
		return false;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && end[-1] == ' ')
			end--;
		if ((size_t)(end - start) == olen && memcmp(start, origin, olen) == 0)
			return true;
	}
	return false;
}
