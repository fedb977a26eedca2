/* cursor.h - opaque list cursors: a short ASCII payload the service chose (a sequence
 * number, or a time and an id), base64url-encoded so clients pass it back unread. */
#ifndef LOYALTYD_CURSOR_H
#define LOYALTYD_CURSOR_H

#include <stddef.h>

#define CURSOR_MAX 128

/* Encodes payload (at most 90 bytes) into out (CURSOR_MAX bytes). */
void cursor_encode(const char *payload, char *out);

/* Decodes a cursor into payload (capacity cap). Returns 0, or -1 when it is not a cursor
 * this service made (bad alphabet, length, or characters outside [0-9A-Za-z.:|_-]). */
int cursor_decode(const char *cursor, char *payload, size_t cap);

#endif
