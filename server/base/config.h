/* config.h - configuration of loyaltyd, read once from the environment at start-up.
 *
 * Every setting is one row of the table in server/base/config.c: its variable, default,
 * bounds and help text. After config_load() the struct is read-only for the process. */
#ifndef LOYALTYD_CONFIG_H
#define LOYALTYD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/client_ip.h"

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

#define CONFIG_STR_MAX 1024

struct config {
	char database_url[CONFIG_STR_MAX]; /* LOYALTYD_DATABASE_URL, "" when unset */
	char listen[256];                  /* LOYALTYD_LISTEN, host:port */
	char listen_host[240];             /* split from listen */
	int listen_port;
	long threads;                      /* LOYALTYD_THREADS: libmicrohttpd thread pool size */
	long db_pool;                      /* LOYALTYD_DB_POOL: PostgreSQL connections */
	long max_body_bytes;               /* LOYALTYD_MAX_BODY_BYTES */
	long json_memory_bytes;            /* LOYALTYD_JSON_MEMORY_BYTES */
	char admin_token[256];             /* LOYALTYD_ADMIN_TOKEN, "" = /v1/admin disabled */
	char cors_origins[CONFIG_STR_MAX]; /* LOYALTYD_CORS_ORIGINS, comma separated */
	enum log_level log_level;          /* LOYALTYD_LOG */
	long conn_timeout_s;               /* LOYALTYD_CONN_TIMEOUT_S: idle connection timeout */
	long conn_memory_bytes; /* LOYALTYD_CONN_MEMORY_BYTES: headers + buffers per connection */
	long max_connections;   /* LOYALTYD_MAX_CONNECTIONS */
	long max_connections_per_ip;   /* LOYALTYD_MAX_CONNECTIONS_PER_IP, 0: no limit */
	long body_timeout_s;           /* LOYALTYD_BODY_TIMEOUT_S: a whole body's deadline */
	long head_timeout_s;           /* LOYALTYD_HEAD_TIMEOUT_S: a whole head's deadline */
	long rate_limit;               /* LOYALTYD_RATE_LIMIT: requests/s per API key, 0: none */
	long rate_burst;               /* LOYALTYD_RATE_BURST */
	long auth_failures_per_minute; /* LOYALTYD_AUTH_FAILURES_PER_MINUTE, 0: none */
	long db_checkout_ms;           /* LOYALTYD_DB_CHECKOUT_MS: wait for a pooled connection */
	long db_statement_timeout_ms;  /* LOYALTYD_DB_STATEMENT_TIMEOUT_MS */
	long db_deadline_ms;           /* LOYALTYD_DB_DEADLINE_MS: client-side round-trip limit */
	char db_role[64];              /* LOYALTYD_DB_ROLE: SET ROLE on connect, "" none */
	long db_connect_timeout_s;     /* LOYALTYD_DB_CONNECT_TIMEOUT_S */
	long shutdown_grace_s;         /* LOYALTYD_SHUTDOWN_GRACE_S: wait for in-flight requests */
	long ingest_workers;           /* LOYALTYD_INGEST_WORKERS: group-commit threads (0: off) */
	long expiry_interval_s;        /* LOYALTYD_EXPIRY_INTERVAL_S: points expiry task */
	long outbound_daily_check_s;   /* LOYALTYD_OUTBOUND_DAILY_CHECK_S: daily evaluation */
	long analyze_every;            /* LOYALTYD_ANALYZE_EVERY: events between ANALYZEs */
	long ingest_linger_us;         /* LOYALTYD_INGEST_LINGER_US: wait for company */
	long outbound_workers;         /* LOYALTYD_OUTBOUND_WORKERS: dispatcher threads (0: off) */
	long outbound_concurrency;     /* LOYALTYD_OUTBOUND_CONCURRENCY: deliveries at once */
	long outbound_poll_ms;         /* LOYALTYD_OUTBOUND_POLL_MS: idle wait between claims */
	long outbound_timeout_ms;      /* LOYALTYD_OUTBOUND_TIMEOUT_MS: one delivery, whole */
	long outbound_per_endpoint;    /* LOYALTYD_OUTBOUND_PER_ENDPOINT: in flight per endpoint */
	long outbound_lease_s;         /* LOYALTYD_OUTBOUND_LEASE_S: a claim's lease */
	long outbound_yield_at;        /* LOYALTYD_OUTBOUND_YIELD_AT: requests that make it yield */
	long outbound_yield_s;         /* LOYALTYD_OUTBOUND_YIELD_S: how long events wait then */
	long outbound_give_up_hours;   /* LOYALTYD_OUTBOUND_GIVE_UP_HOURS */
	long outbound_disable_hours;   /* LOYALTYD_OUTBOUND_DISABLE_HOURS */
	long outbound_retention_days;  /* LOYALTYD_OUTBOUND_RETENTION_DAYS */
	long outbound_allow_private;   /* LOYALTYD_OUTBOUND_ALLOW_PRIVATE: http, inner addresses */

	/* LOYALTYD_TRUSTED_PROXIES as given, and parsed (empty: nobody is trusted) */
	char trusted_proxies_text[CONFIG_STR_MAX];
	struct client_ip_list trusted_proxies;
};

/* Looks a variable up; returns NULL when unset. getenv in production, a table in tests. */
typedef const char *(*config_getter)(const char *name);

/* Fills cfg from the environment through get (defaults for unset variables).
 * Returns 0, or -1 with a lowercase message naming the variable in err. */
__attribute__((warn_unused_result)) int config_load(struct config *cfg, config_getter get,
                                                    char *err, size_t errlen);

/* Prints the configuration table (variable, default, meaning) for --help. */
void config_print_help(void);

/* Returns true when origin is listed in cfg->cors_origins (exact, case-sensitive match). */
bool config_cors_allowed(const struct config *cfg, const char *origin);

#endif
