/* main.c - the loyaltyd command: serve, migrate, tenant create, outbound-daily, --version,
 * --help. */
#include <curl/curl.h>
#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/app.h"
#include "base/config.h"
#include "base/log.h"
#include "dispatch/dispatch.h"
#include "dispatch/routes.h"
#include "http/json_budget.h"
#include "http/metrics.h"
#include "http/server.h"
#include "jobs/analyze.h"
#include "jobs/expiry.h"
#include "jobs/outbound.h"
#include "jobs/outbound_daily.h"
#include "store/db.h"
#include "store/ingest.h"
#include "store/keycache.h"
#include "store/migrate.h"
#include "store/store_tenants.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: loyaltyd [serve]            run the HTTP service (default)\n"
	        "       loyaltyd migrate            apply database migrations\n"
	        "       loyaltyd tenant create NAME create a tenant and print its first API key\n"
	        "       loyaltyd outbound-daily [ID] run the due daily outbound evaluations now\n"
	        "                                   (with ID: that tenant's, even if not due)\n"
	        "       loyaltyd --version | --help\n");
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

static int load_config(struct config *cfg)
{
	char err[256];
	if (config_load(cfg, env_get, err, sizeof(err)) != 0) {
		fprintf(stderr, "loyaltyd: %s\n", err);
		return -1;
	}
	if (cfg->database_url[0] == '\0') {
		fprintf(stderr, "loyaltyd: LOYALTYD_DATABASE_URL is required\n");
		return -1;
	}
	log_set_level(cfg->log_level);
	return 0;
}

/* Waits for the database (up to 30 s, for containers started together) and checks the
 * schema. Returns 0, or -1 with the reason printed. */
static int wait_for_schema(const struct config *cfg)
{
	char err[512];
	for (int attempt = 0;; attempt++) {
		int rc = migrate_check(cfg->database_url, err, sizeof(err));
		if (rc == 0)
			return 0;
		if (rc == -1 || attempt >= 30) {
			fprintf(stderr, "loyaltyd: %s\n", err);
			return -1;
		}
		if (attempt == 0)
			log_msg(LOG_WARN, "waiting for the database", err);
		sleep(1);
	}
}

static int cmd_migrate(void)
{
	struct config cfg;
	char err[512];
	if (load_config(&cfg) != 0)
		return 2;
	int applied = migrate_run(cfg.database_url, err, sizeof(err));
	if (applied < 0) {
		fprintf(stderr, "loyaltyd: %s\n", err);
		return 1;
	}
	printf("schema at version %d (%d migration%s applied)\n", migrate_latest_version(), applied,
	       applied == 1 ? "" : "s");
	return 0;
}

/* For a command that works on the database: the configuration, the schema checked and a
 * pool of one connection. Returns 0, or the exit status for the command to return. */
static int command_pool(struct config *cfg, struct pool **pool)
{
	if (load_config(cfg) != 0)
		return 2;
	if (wait_for_schema(cfg) != 0)
		return 1;
	cfg->db_pool = 1;
	return pool_init(pool, cfg) == 0 ? 0 : 1;
}

static int cmd_tenant_create(const char *name)
{
	struct config cfg;
	struct pool *pool = NULL;
	json_t *out = NULL;
	int rc = 1;
	if (strlen(name) == 0 || strlen(name) > 200) {
		fprintf(stderr, "loyaltyd: the tenant name must be 1 to 200 characters\n");
		return 2;
	}
	int setup = command_pool(&cfg, &pool);
	if (setup != 0)
		return setup;
	enum db_status st = tenants_create(pool, name, &out);
	if (st != DB_OK) {
		fprintf(stderr, "loyaltyd: cannot create the tenant (%s)\n", db_status_name(st));
		goto out;
	}
	char *text = json_dumps(out, JSON_INDENT(2));
	if (text) {
		printf("%s\n", text);
		free(text);
		rc = 0;
	}
out:
	json_decref(out);
	pool_free(pool);
	return rc;
}

/* The daily evaluation of outbound events, now (jobs/outbound_daily.h): with a tenant, that
 * tenant's even if it is not due; without, one check of the background thread. Prints what
 * was done as JSON. */
static int cmd_outbound_daily(const char *tenant)
{
	struct config cfg;
	struct pool *pool = NULL;
	json_t *out = NULL;
	int setup = command_pool(&cfg, &pool);
	if (setup != 0)
		return setup;
	if (tenant) {
		struct outbound_daily_result r;
		if (outbound_daily_run_tenant(pool, tenant, true, &r) == DB_OK)
			out = json_pack("{s:s, s:b, s:b, s:I, s:I, s:I}", "tenant_id", tenant,
			                "ran", r.ran, "baseline", r.baseline, "entered_segment",
			                (json_int_t)r.entered, "expiring", (json_int_t)r.expiring,
			                "tier_changed", (json_int_t)r.tier_changes);
	} else {
		long n = outbound_daily_run_due(pool);
		if (n >= 0)
			out = json_pack("{s:I}", "tenants", (json_int_t)n);
	}
	pool_free(pool);
	if (!out) {
		fprintf(stderr, "loyaltyd: the daily evaluation failed (see the log)\n");
		return 1;
	}
	char *text = json_dumps(out, 0);
	json_decref(out);
	if (!text)
		return 1;
	printf("%s\n", text);
	free(text);
	return 0;
}

static int cmd_serve(void)
{
	static struct app app; /* lives for the whole process; threads point into it */
	struct MHD_Daemon *daemon = NULL;
	struct expiry_task *expiry = NULL;
	struct outbound *outbound = NULL;
	struct outbound_daily_task *daily = NULL;
	sigset_t stop;
	int sig = 0, rc = 1;

	if (load_config(&app.cfg) != 0)
		return 2;
	json_budget_install((size_t)app.cfg.json_memory_bytes);
	if (wait_for_schema(&app.cfg) != 0)
		return 1;
	app.routes = routes;
	app.nroutes = routes_count;
	if (pool_init(&app.pool, &app.cfg) != 0 || metrics_init(routes_count) != 0 ||
	    (app.cfg.ingest_workers > 0 &&
	     ingester_start(&app.ingest, app.pool, (int)app.cfg.ingest_workers,
	                    app.cfg.db_checkout_ms, app.cfg.ingest_linger_us) != 0)) {
		fprintf(stderr, "loyaltyd: out of memory\n");
		goto out;
	}
	/* Block the stop signals in every thread; this one waits for them with sigwait. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (keycache_listen_start(app.cfg.database_url) != 0 ||
	    expiry_start(&expiry, app.pool, app.cfg.expiry_interval_s) != 0 ||
	    outbound_daily_start(&daily, app.pool, app.cfg.outbound_daily_check_s) != 0 ||
	    analyzer_start(&app.analyze, app.pool, app.cfg.analyze_every) != 0 ||
	    outbound_start(&outbound, &app.cfg, &app.in_flight, &app.bulk_in_flight) != 0 ||
	    http_start(&app, &dispatch, &daemon) != 0)
		goto out;
	json_t *f =
	    json_pack("{s:s, s:s, s:i, s:i}", "listen", app.cfg.listen, "version", LOYALTYD_VERSION,
	              "threads", (int)app.cfg.threads, "db_pool", (int)app.cfg.db_pool);
	log_event(LOG_INFO, "listening", f);
	sigwait(&stop, &sig);
	log_msg(LOG_INFO, "shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* deliveries in flight finish within the grace, alongside the requests */
	outbound_request_stop(outbound, app.cfg.shutdown_grace_s);
	http_stop(&app, daemon);
	ingester_stop(app.ingest); /* after the daemon: no request waits on it any more */
	app.ingest = NULL;
	rc = 0;
	log_msg(LOG_INFO, "stopped", NULL);
out:
	outbound_stop(outbound, 0);
	expiry_stop(expiry);
	outbound_daily_stop(daily);
	analyzer_stop(app.analyze);
	app.analyze = NULL;
	keycache_listen_stop();
	ingester_stop(app.ingest);
	pool_free(app.pool);
	metrics_free();
	return rc;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "serve";
	/* before any JSON is made; the pool is configured for serve (cmd_serve) */
	json_budget_install(SIZE_MAX);
	/* A fixed mmap threshold: glibc raises it after every large free by default, so the
	 * next large bodies come from the heap and stay there; fixed, every block over 128
	 * KiB (a body, its parse's arrays) is mapped and given back when freed. */
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* once, before any thread: the outbound deliveries' libcurl (and its OpenSSL) */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "loyaltyd: cannot initialise libcurl\n");
		return 1;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("loyaltyd %s\n", LOYALTYD_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		printf("\n");
		config_print_help();
		return 0;
	}
	if (strcmp(cmd, "serve") == 0 && argc <= 2)
		return cmd_serve();
	if (strcmp(cmd, "migrate") == 0 && argc == 2)
		return cmd_migrate();
	if (strcmp(cmd, "tenant") == 0 && argc == 4 && strcmp(argv[2], "create") == 0)
		return cmd_tenant_create(argv[3]);
	if (strcmp(cmd, "outbound-daily") == 0 && argc <= 3)
		return cmd_outbound_daily(argc == 3 ? argv[2] : NULL);
	usage(stderr);
	return 2;
}
