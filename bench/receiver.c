/* receiver.c - the receiver of bench/outbound.sh's dispatch rate: a bare libmicrohttpd
 * server that reads each delivery and answers 204 without verifying it (the Node receiver
 * of tests/e2e/receiver.mjs verifies, and is the bottleneck long before loyaltyd is).
 * Counts the deliveries; GET /_count answers the count. */
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mhd_main.h"

static atomic_ulong deliveries;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		*upload_data_size = 0; /* read and dropped */
		return MHD_YES;
	}
	struct MHD_Response *r;
	enum MHD_Result ret;
	if (strcmp(method, "GET") == 0 && strcmp(url, "/_count") == 0) {
		char text[32];
		int n = snprintf(text, sizeof(text), "%lu\n", atomic_load(&deliveries));
		r = MHD_create_response_from_buffer((size_t)n, text, MHD_RESPMEM_MUST_COPY);
		ret = MHD_queue_response(conn, 200, r);
	} else {
		atomic_fetch_add(&deliveries, 1);
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		ret = MHD_queue_response(conn, 204, r);
	}
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	return mhd_main(argc, argv, "bench_receiver", on_request);
}
