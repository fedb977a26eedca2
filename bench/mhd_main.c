/* mhd_main.c - the main() of the bench's bare libmicrohttpd servers. */
#include "mhd_main.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int mhd_main(int argc, char **argv, const char *name, MHD_AccessHandlerCallback handler)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PORT THREADS\n", name);
		return 2;
	}
	unsigned port = (unsigned)strtoul(argv[1], NULL, 10);
	unsigned threads = (unsigned)strtoul(argv[2], NULL, 10);
	sigset_t stop;
	int sig;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, (uint16_t)port, NULL,
	    NULL, handler, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_END);
	if (!d)
		return 1;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	return 0;
}
