/* hex.h - hexadecimal digits, for hashes and percent-encoding. Pure code. */
#ifndef LOYALTYD_HEX_H
#define LOYALTYD_HEX_H

#include <stddef.h>

/* Returns the value of one hex digit (either case), or -1. */
int hex_value(char c);

/* Writes n bytes as 2n lowercase digits and a NUL into out (2n + 1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Reads exactly 2n hex digits into out. Returns 0, or -1 on another length or a bad digit. */
int hex_decode(const char *hex, unsigned char *out, size_t n);

#endif
