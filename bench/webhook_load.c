/* webhook_load.c - a closed-loop load of real Shopify order deliveries, for
 * bench/webhooks.sh: CONNECTIONS keep-alive connections each send one request after the
 * other for SECONDS, and every request's latency (send to last byte of the answer) is
 * kept, so that p50/p90/p99/max are exact, not estimated.
 *
 * Mode "webhook": POST /v1/webhooks/shopify/TENANT with the payload file (Shopify's
 * 2026-07 orders/create sample, marked paid), signed with SECRET, each request a new
 * order id, a new X-Shopify-Event-Id and one of 1,000 customers. Mode "events": the same
 * orders as POST /v1/events with the key, one order event a request (the baseline: the
 * same points earned through the ingest path, without the webhook's work). Both build
 * their bodies the same cheap way (fixed-width ids written into a template), so the
 * client costs the same. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "domain/webhook_sig.h"

#define ORDER_MARK "900000000000000001"    /* 18 digits, replaced by the order's id */
#define CUSTOMER_MARK "900000000000000002" /* … by its customer's id */
#define MAX_LAT 2000000

static const char *tenant, *secret, *key, *mode;
static int port;
static double deadline;
static atomic_long next_order;
static char *template;
static size_t template_len;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes the 18-digit id n over every occurrence of mark in buf. */
static void stamp(char *buf, size_t len, const char *mark, long long n)
{
	char digits[24];
	snprintf(digits, sizeof(digits), "%018lld", n);
	for (char *p = buf; (p = memmem(p, len - (size_t)(p - buf), mark, 18)) != NULL; p += 18)
		memcpy(p, digits, 18);
}

static int conn_open(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one answer with a Content-Length body; returns its status or -1. */
static int read_answer(int fd)
{
	char buf[16384];
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end && have == sizeof(buf) - 1)
			return -1;
	}
	int status = atoi(buf + 9);
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
	size_t got = have - (size_t)(end + 4 - buf);
	while (got < body) {
		ssize_t r = read(fd, buf, sizeof(buf) < body - got ? sizeof(buf) : body - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return status;
}

struct worker {
	pthread_t thread;
	long *lat_us;
	long n, errors;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	char *body = malloc(template_len + 1);
	char *req = malloc(template_len + 1024);
	int fd = conn_open();
	while (fd >= 0 && now_s() < deadline && w->n < MAX_LAT) {
		long long order = 100000000000000000LL + atomic_fetch_add(&next_order, 1);
		memcpy(body, template, template_len + 1);
		stamp(body, template_len, ORDER_MARK, order);
		stamp(body, template_len, CUSTOMER_MARK, 100000000000000000LL + order % 1000);
		int n;
		if (strcmp(mode, "webhook") == 0) {
			char sig[WEBHOOK_SIG_B64_LEN + 1];
			webhook_sig_sign(secret, strlen(secret), body, template_len, sig);
			n = snprintf(
			    req, 1024,
			    "POST /v1/webhooks/shopify/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			    "Content-Type: application/json\r\nX-Shopify-Topic: orders/create\r\n"
			    "X-Shopify-Hmac-Sha256: %s\r\nX-Shopify-Event-Id: bench-%lld\r\n"
			    "X-Shopify-Shop-Domain: bench.myshopify.com\r\n"
			    "Content-Length: %zu\r\n\r\n",
			    tenant, sig, order, template_len);
		} else {
			n = snprintf(
			    req, 1024,
			    "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			    "Content-Type: application/json\r\nAuthorization: Bearer %s\r\n"
			    "Content-Length: %zu\r\n\r\n",
			    key, template_len);
		}
		memcpy(req + n, body, template_len);
		double t0 = now_s();
		int status =
		    send_all(fd, req, (size_t)n + template_len) == 0 ? read_answer(fd) : -1;
		w->lat_us[w->n++] = (long)((now_s() - t0) * 1e6);
		if (status != 200) {
			w->errors++;
			if (status < 0) {
				close(fd);
				fd = conn_open();
			}
		}
	}
	if (fd >= 0)
		close(fd);
	free(body);
	free(req);
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The body template: the sample order made paid, with the marks in place of its ids. */
static void make_template(const char *payload_file)
{
	json_error_t e;
	json_t *o = json_load_file(payload_file, 0, &e);
	if (!o) {
		fprintf(stderr, "%s: %s\n", payload_file, e.text);
		exit(2);
	}
	if (strcmp(mode, "webhook") == 0) {
		json_object_set_new(o, "financial_status", json_string("paid"));
		json_object_set_new(o, "cancelled_at", json_null());
		json_object_set_new(o, "id", json_integer(strtoll(ORDER_MARK, NULL, 10)));
		json_object_set_new(o, "admin_graphql_api_id",
		                    json_string("gid://shopify/Order/" ORDER_MARK));
		json_t *c = json_object_get(o, "customer");
		json_object_set_new(c, "id", json_integer(strtoll(CUSTOMER_MARK, NULL, 10)));
		json_object_set_new(c, "admin_graphql_api_id",
		                    json_string("gid://shopify/Customer/" CUSTOMER_MARK));
	} else {
		json_t *ev = json_pack(
		    "{s:s, s:s, s:s, s:s, s:O, s:O, s:s}", "id", "bench:order:" ORDER_MARK,
		    "customer_id", "shopify:" CUSTOMER_MARK, "type", "order", "occurred_at",
		    "2022-01-01T00:00:00Z", "amount", json_object_get(o, "total_price"), "currency",
		    json_object_get(o, "currency"), "order_id", ORDER_MARK);
		json_decref(o);
		o = ev;
	}
	template = json_dumps(o, JSON_COMPACT);
	template_len = strlen(template);
	json_decref(o);
}

int main(int argc, char **argv)
{
	if (argc != 9) {
		fprintf(stderr, "usage: webhook_load PORT TENANT SECRET KEY SECONDS CONNECTIONS "
		                "PAYLOAD_FILE webhook|events\n");
		return 2;
	}
	port = atoi(argv[1]);
	tenant = argv[2];
	secret = argv[3];
	key = argv[4];
	double secs = atof(argv[5]);
	int conns = atoi(argv[6]);
	mode = argv[8];
	make_template(argv[7]);
	atomic_store(&next_order, (long)time(NULL) % 100000 * 1000000L);
	struct worker *w = calloc((size_t)conns, sizeof(*w));
	double t0 = now_s();
	deadline = t0 + secs;
	for (int i = 0; i < conns; i++) {
		w[i].lat_us = malloc(MAX_LAT * sizeof(long));
		pthread_create(&w[i].thread, NULL, run, &w[i]);
	}
	long total = 0, errors = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].n;
		errors += w[i].errors;
	}
	double elapsed = now_s() - t0;
	long *all = malloc((size_t)(total ? total : 1) * sizeof(long)), k = 0;
	for (int i = 0; i < conns; i++) {
		memcpy(all + k, w[i].lat_us, (size_t)w[i].n * sizeof(long));
		k += w[i].n;
		free(w[i].lat_us);
	}
	qsort(all, (size_t)total, sizeof(long), cmp_long);
#define PCT(p) (total ? all[(long)((double)(total - 1) * (p))] / 1000.0 : 0.0)
	printf("%s body_bytes=%zu requests=%ld errors=%ld rate=%.0f p50_ms=%.1f p90_ms=%.1f "
	       "p99_ms=%.1f max_ms=%.1f\n",
	       mode, template_len, total, errors, (double)total / elapsed, PCT(0.5), PCT(0.9),
	       PCT(0.99), total ? all[total - 1] / 1000.0 : 0.0);
	free(all);
	free(w);
	free(template);
	return errors == 0 ? 0 : 1;
}
