/* store_outbox.h - the outbox of outbound events, as the dispatcher (jobs/outbound.c)
 * sees it: across tenants, through the SECURITY DEFINER functions outbound_claim,
 * outbound_settle, outbound_prune and outbound_lag (sql/functions/45 to 48). */
#ifndef LOYALTYD_STORE_OUTBOX_H
#define LOYALTYD_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/standard_webhooks.h"
#include "store/db.h"

#define OUTBOX_SECRETS_MAX 4 /* the current one and, while rotations overlap, former ones */
#define OUTBOX_UUID_LEN 36

/* One claimed attempt: message id (its webhook-id is msg_<id>), where it goes, what it
 * says and the endpoint's live secrets, newest first (at most OUTBOX_SECRETS_MAX). */
struct outbox_message {
	long long id;
	char tenant_id[OUTBOX_UUID_LEN + 1];
	char endpoint_id[OUTBOX_UUID_LEN + 1];
	char *url;  /* malloc'd */
	char *body; /* malloc'd, exactly as signed and sent */
	size_t body_len;
	int attempts;         /* including this one */
	long long created_at; /* unix seconds */
	size_t nsecrets;
	char secrets[OUTBOX_SECRETS_MAX][SWH_SECRET_MAX + 1];
};

struct outbox_batch {
	struct outbox_message *m;
	size_t n;
};

/* Fans out up to fan_out recorded events (outbound_fan_out; with fan_out_min_age_s, only
 * those recorded at least that many seconds ago), then claims up to max due attempts,
 * leased for lease_s seconds, at most per_endpoint in flight at any endpoint, into *out
 * (freed with outbox_batch_free, also after a failure). */
__attribute__((warn_unused_result)) enum db_status outbox_claim(struct pool *pool, int max,
                                                                long lease_s, int per_endpoint,
                                                                int fan_out, long fan_out_min_age_s,
                                                                struct outbox_batch *out);

void outbox_batch_free(struct outbox_batch *b);

/* What became of one attempt. */
struct outbox_outcome {
	long long id;
	bool ok;
	int code;          /* the HTTP status, 0 when there was no answer */
	const char *error; /* in words when !ok (borrowed), else NULL */
};

/* Settles n outcomes in one call: failures back off or give up past give_up_s after
 * their message was written, endpoints failing for disable_s are disabled. *gave_up and
 * *disabled (may be NULL) count what this call failed for good and disabled. */
__attribute__((warn_unused_result)) enum db_status
outbox_settle(struct pool *pool, const struct outbox_outcome *o, size_t n, long give_up_s,
              long disable_s, long *gave_up, long *disabled);

/* Prunes at most max settled messages older than retention_s; *pruned counts them. */
__attribute__((warn_unused_result)) enum db_status outbox_prune(struct pool *pool, long retention_s,
                                                                int max, long *pruned);

/* The pending messages of enabled endpoints and the oldest one's age in seconds. */
__attribute__((warn_unused_result)) enum db_status outbox_lag(struct pool *pool, long *pending,
                                                              double *oldest_s);

#endif
