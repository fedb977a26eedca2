/* keycache.h - verified API keys kept in memory, so most requests need no database round
 * trip to be authenticated.
 *
 * Entries are keyed by the key's SHA-256 and live at most KEYCACHE_TTL_S seconds. A
 * revocation must reach every loyaltyd at once: the revoking transaction sends NOTIFY
 * loyaltyd_keys, and a listener thread in each process (keycache_listen_start) empties
 * the cache when it arrives. While the listener is not connected the cache is off, so a
 * missed notification can never keep a revoked key alive. */
#ifndef LOYALTYD_KEYCACHE_H
#define LOYALTYD_KEYCACHE_H

#include <stdbool.h>

#include "base/apikey.h"
#include "domain/principal.h"

#define KEYCACHE_TTL_S 60
#define KEYCACHE_SLOTS 4096

/* Looks the key with this hash up. Returns true with *who filled when it is cached. */
bool keycache_get(const unsigned char hash[APIKEY_HASH_LEN], struct principal *who);

/* Returns the cache's generation: it changes whenever the cache is emptied. Read it
 * before looking a key up in the database and pass it to keycache_put(). */
unsigned long keycache_generation(void);

/* Remembers a key verified against the database, unless the cache is off or was emptied
 * since generation was read: a key revoked while its lookup ran is never cached. */
void keycache_put(const unsigned char hash[APIKEY_HASH_LEN], const struct principal *who,
                  unsigned long generation);

/* Forgets every cached key (a key was revoked). */
void keycache_clear(void);

/* Starts the listener thread on database url. Returns 0 or -1. Until it has connected,
 * the cache stays off. */
__attribute__((warn_unused_result)) int keycache_listen_start(const char *url);

/* Stops the listener thread and turns the cache off. */
void keycache_listen_stop(void);

#endif
