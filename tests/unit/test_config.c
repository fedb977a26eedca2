/* test_config.c - configuration from the environment: defaults, bounds, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/config.h"

static const char *const *fake_env;

static const char *fake_get(const char *name)
{
	size_t n = strlen(name);
	for (const char *const *e = fake_env; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static int load(const char *const *env, struct config *cfg, char *err, size_t errlen)
{
	fake_env = env;
	return config_load(cfg, fake_get, err, errlen);
}

static void defaults_apply_when_unset(void **state)
{
	struct config cfg;
	char err[256];
	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.listen_host, "127.0.0.1");
	assert_int_equal(cfg.listen_port, 8080);
	assert_int_equal(cfg.threads, 32);
	assert_int_equal(cfg.ingest_workers, 4);
	assert_int_equal(cfg.db_pool, 16);
	assert_int_equal(cfg.max_body_bytes, 10485760);
	assert_string_equal(cfg.admin_token, "");
	assert_string_equal(cfg.cors_origins, "");
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_string_equal(cfg.database_url, "");
}

static void values_are_parsed(void **state)
{
	struct config cfg;
	char err[256];
	const char *env[] = {"LOYALTYD_LISTEN=0.0.0.0:9000",
	                     "LOYALTYD_THREADS=4",
	                     "LOYALTYD_DB_POOL=8",
	                     "LOYALTYD_MAX_BODY_BYTES=2048",
	                     "LOYALTYD_LOG=debug",
	                     "LOYALTYD_ADMIN_TOKEN=s3cret",
	                     "LOYALTYD_DATABASE_URL=postgresql://u@h/db",
	                     NULL};
	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.listen_host, "0.0.0.0");
	assert_int_equal(cfg.listen_port, 9000);
	assert_int_equal(cfg.threads, 4);
	assert_int_equal(cfg.db_pool, 8);
	assert_int_equal(cfg.max_body_bytes, 2048);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_string_equal(cfg.admin_token, "s3cret");
	assert_string_equal(cfg.database_url, "postgresql://u@h/db");
}

static void ipv6_listen_address_splits_on_last_colon(void **state)
{
	struct config cfg;
	char err[256];
	const char *env[] = {"LOYALTYD_LISTEN=[::1]:8081", NULL};
	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.listen_host, "[::1]");
	assert_int_equal(cfg.listen_port, 8081);
}

static void bad_number_names_the_variable(void **state)
{
	struct config cfg;
	char err[256];
	const char *env1[] = {"LOYALTYD_THREADS=many", NULL};
	const char *env2[] = {"LOYALTYD_DB_POOL=0", NULL};
	const char *env3[] = {"LOYALTYD_THREADS=8x", NULL};
	(void)state;
	assert_int_equal(load(env1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
	                    "LOYALTYD_THREADS: expected a whole number from 1 to 1024, got 'many'");
	assert_int_equal(load(env2, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "LOYALTYD_DB_POOL"));
	assert_int_equal(load(env3, &cfg, err, sizeof(err)), -1);
}

static void bad_listen_and_log_level_are_errors(void **state)
{
	struct config cfg;
	char err[256];
	const char *env1[] = {"LOYALTYD_LISTEN=8080", NULL};
	const char *env2[] = {"LOYALTYD_LISTEN=host:99999", NULL};
	const char *env3[] = {"LOYALTYD_LOG=loud", NULL};
	(void)state;
	assert_int_equal(load(env1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_LISTEN: expected host:port, got '8080'");
	assert_int_equal(load(env2, &cfg, err, sizeof(err)), -1);
	assert_int_equal(load(env3, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_LOG: expected debug, info, warn or error, got 'loud'");
}

static void overlong_string_is_an_error(void **state)
{
	struct config cfg;
	char err[256], big[300], var[340];
	const char *env[] = {var, NULL};
	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(var, sizeof(var), "LOYALTYD_ADMIN_TOKEN=%s", big);
	assert_int_equal(load(env, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_ADMIN_TOKEN: longer than 255 bytes");
}

static void cors_origins_match_exactly(void **state)
{
	struct config cfg;
	char err[256];
	const char *env[] = {"LOYALTYD_CORS_ORIGINS=https://a.example, https://b.example", NULL};
	(void)state;
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_true(config_cors_allowed(&cfg, "https://a.example"));
	assert_true(config_cors_allowed(&cfg, "https://b.example"));
	assert_false(config_cors_allowed(&cfg, "https://a.example.evil"));
	assert_false(config_cors_allowed(&cfg, "https://a.exampl"));
	assert_false(config_cors_allowed(&cfg, "http://a.example"));
	assert_false(config_cors_allowed(&cfg, ""));
}

static void no_cors_when_unset(void **state)
{
	struct config cfg;
	char err[256];
	(void)state;
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_false(config_cors_allowed(&cfg, "https://a.example"));
}

static bool trusts(const struct config *cfg, const char *text)
{
	struct client_ip_addr a;
	assert_int_equal(client_ip_parse(text, strlen(text), &a), 0);
	return client_ip_list_contains(&cfg->trusted_proxies, &a);
}

static void trusted_proxies_are_parsed(void **state)
{
	struct config cfg;
	char err[256];
	const char *env[] = {"LOYALTYD_TRUSTED_PROXIES=127.0.0.1/32, 10.0.0.0/8,::1", NULL};
	const char *blank[] = {"LOYALTYD_TRUSTED_PROXIES=", NULL};
	(void)state;
	/* nobody by default */
	assert_int_equal(load(NULL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.trusted_proxies.n, 0);
	assert_false(trusts(&cfg, "127.0.0.1"));
	assert_int_equal(load(blank, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.trusted_proxies.n, 0);
	assert_int_equal(load(env, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.trusted_proxies.n, 3);
	assert_true(trusts(&cfg, "127.0.0.1"));
	assert_true(trusts(&cfg, "::ffff:127.0.0.1"));
	assert_true(trusts(&cfg, "10.20.30.40"));
	assert_true(trusts(&cfg, "::1"));
	assert_false(trusts(&cfg, "127.0.0.2"));
	assert_false(trusts(&cfg, "::2"));
}

static void bad_trusted_proxy_refuses_to_start(void **state)
{
	struct config cfg;
	char err[256];
	const char *env1[] = {"LOYALTYD_TRUSTED_PROXIES=10.0.0.0/8,localhost", NULL};
	const char *env2[] = {"LOYALTYD_TRUSTED_PROXIES=10.0.0.0/33", NULL};
	const char *env3[] = {"LOYALTYD_TRUSTED_PROXIES=10.0.0.1/8", NULL};
	const char *env4[] = {"LOYALTYD_TRUSTED_PROXIES=10.0.0.0/8,", NULL};
	(void)state;
	assert_int_equal(load(env1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_TRUSTED_PROXIES: 'localhost' is not an IPv4 or IPv6 "
	                         "address or CIDR");
	assert_int_equal(load(env2, &cfg, err, sizeof(err)), -1);
	assert_string_equal(
	    err,
	    "LOYALTYD_TRUSTED_PROXIES: '10.0.0.0/33': the prefix must be a number from 0 to 32");
	assert_int_equal(load(env3, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_TRUSTED_PROXIES: '10.0.0.1/8' has bits set past its "
	                         "prefix (the network is 10.0.0.0/8)");
	assert_int_equal(load(env4, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "LOYALTYD_TRUSTED_PROXIES: an empty entry (two commas, or one at "
	                         "an end)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(defaults_apply_when_unset),
	    cmocka_unit_test(values_are_parsed),
	    cmocka_unit_test(ipv6_listen_address_splits_on_last_colon),
	    cmocka_unit_test(bad_number_names_the_variable),
	    cmocka_unit_test(bad_listen_and_log_level_are_errors),
	    cmocka_unit_test(overlong_string_is_an_error),
	    cmocka_unit_test(cors_origins_match_exactly),
	    cmocka_unit_test(no_cors_when_unset),
	    cmocka_unit_test(trusted_proxies_are_parsed),
	    cmocka_unit_test(bad_trusted_proxy_refuses_to_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
