/* hello.c - the baseline of bench/healthz.sh: a bare libmicrohttpd server answering every
 * request with the same small JSON body loyaltyd's /healthz sends, with the same daemon
 * flags and thread pool, so the ratio measures what loyaltyd adds. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mhd_main.h"

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	static const char body[] = "{\"status\":\"ok\"}";
	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = (void *)1; /* answer on the second call, as loyaltyd does */
		return MHD_YES;
	}
	*upload_data_size = 0;
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	return mhd_main(argc, argv, "bench_hello", on_request);
}
