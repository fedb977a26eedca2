/* mhd_main.h - the main() of the bench's bare libmicrohttpd servers (hello.c, receiver.c):
 * `NAME PORT THREADS`, the daemon flags loyaltyd uses, until SIGTERM or SIGINT. */
#ifndef LOYALTYD_BENCH_MHD_MAIN_H
#define LOYALTYD_BENCH_MHD_MAIN_H

#include <microhttpd.h>

/* Serves handler on the port and threads of argv (at most 4096 connections) until a stop
 * signal. Returns main()'s status. */
int mhd_main(int argc, char **argv, const char *name, MHD_AccessHandlerCallback handler);

#endif
