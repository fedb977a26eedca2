/* store_outbox.c - the dispatcher's calls on the outbox. */
#include "store/store_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"

struct claim_args {
	int max;
	long lease_s;
	int per_endpoint;
	int fan_out;
	long fan_out_min_age_s;
	struct outbox_batch *out;
};

static char *copy(const PGresult *res, int row, int col, size_t *len)
{
	size_t n = (size_t)PQgetlength(res, row, col);
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, PQgetvalue(res, row, col), n);
		s[n] = '\0';
	}
	if (len)
		*len = n;
	return s;
}

static int fill(struct outbox_message *m, const PGresult *res, int i)
{
	m->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
	snprintf(m->tenant_id, sizeof(m->tenant_id), "%s", PQgetvalue(res, i, 1));
	snprintf(m->endpoint_id, sizeof(m->endpoint_id), "%s", PQgetvalue(res, i, 2));
	m->url = copy(res, i, 3, NULL);
	m->body = copy(res, i, 4, &m->body_len);
	m->attempts = (int)strtol(PQgetvalue(res, i, 5), NULL, 10);
	m->created_at = strtoll(PQgetvalue(res, i, 6), NULL, 10);
	/* "whsec_a whsec_b": the secrets are base64, never a space inside */
	const char *s = PQgetvalue(res, i, 7);
	while (*s && m->nsecrets < OUTBOX_SECRETS_MAX) {
		size_t len = strcspn(s, " ");
		if (len > 0 && len <= SWH_SECRET_MAX) {
			memcpy(m->secrets[m->nsecrets], s, len);
			m->secrets[m->nsecrets++][len] = '\0';
		}
		s += len + (s[len] == ' ');
	}
	return m->url && m->body ? 0 : -1;
}

static enum db_status do_claim(struct db *db, void *arg)
{
	struct claim_args *a = arg;
	char max[16], lease[24], per_endpoint[16], fan_out[16], min_age[24];
	PGresult *res = NULL;
	snprintf(max, sizeof(max), "%d", a->max);
	snprintf(lease, sizeof(lease), "%ld", a->lease_s);
	snprintf(per_endpoint, sizeof(per_endpoint), "%d", a->per_endpoint);
	snprintf(fan_out, sizeof(fan_out), "%d", a->fan_out);
	snprintf(min_age, sizeof(min_age), "%ld", a->fan_out_min_age_s);
	const char *params[] = {max, lease, per_endpoint, fan_out, min_age};
	outbox_batch_free(a->out); /* a retried transaction starts over */
	enum db_status st = db_query(db, SQL_OUTBOUND_CLAIM, 5, params, &res);
	if (st != DB_OK)
		return st;
	int n = PQntuples(res);
	a->out->m = n > 0 ? calloc((size_t)n, sizeof(*a->out->m)) : NULL;
	if (n > 0 && !a->out->m)
		st = DB_ERROR;
	for (int i = 0; i < n && st == DB_OK; i++) {
		a->out->n++;
		if (fill(&a->out->m[i], res, i) != 0)
			st = DB_ERROR;
	}
	PQclear(res);
	return st;
}

enum db_status outbox_claim(struct pool *pool, int max, long lease_s, int per_endpoint, int fan_out,
                            long fan_out_min_age_s, struct outbox_batch *out)
{
	out->m = NULL;
	out->n = 0;
	struct claim_args a = {max, lease_s, per_endpoint, fan_out, fan_out_min_age_s, out};
	return db_transaction(pool, NULL, do_claim, &a);
}

void outbox_batch_free(struct outbox_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->m[i].url);
		free(b->m[i].body);
	}
	free(b->m);
	b->m = NULL;
	b->n = 0;
}

/* The outcomes as the four array literals of outbound_settle. */
static int settle_arrays(const struct outbox_outcome *o, size_t n, struct sbuf a[4])
{
	int rc = 0;
	for (int k = 0; k < 4; k++)
		rc |= sbuf_add(&a[k], "{", 1);
	for (size_t i = 0; i < n; i++) {
		const char *sep = i ? "," : "";
		rc |= sbuf_printf(&a[0], "%s%lld", sep, o[i].id);
		rc |= sbuf_printf(&a[1], "%s%s", sep, o[i].ok ? "t" : "f");
		if (o[i].code > 0)
			rc |= sbuf_printf(&a[2], "%s%d", sep, o[i].code);
		else
			rc |= sbuf_printf(&a[2], "%sNULL", sep);
		if (o[i].ok || !o[i].error) {
			rc |= sbuf_printf(&a[3], "%sNULL", sep);
			continue;
		}
		/* a quoted element: backslash before " and \ */
		rc |= sbuf_printf(&a[3], "%s\"", sep);
		for (const char *c = o[i].error; *c; c++) {
			if (*c == '"' || *c == '\\')
				rc |= sbuf_add(&a[3], "\\", 1);
			rc |= sbuf_add(&a[3], c, 1);
		}
		rc |= sbuf_add(&a[3], "\"", 1);
	}
	for (int k = 0; k < 4; k++)
		rc |= sbuf_add(&a[k], "}", 1);
	return rc;
}

struct settle_args {
	const char *params[6];
	long gave_up, disabled;
};

static enum db_status do_settle(struct db *db, void *arg)
{
	struct settle_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_OUTBOUND_SETTLE, 6, a->params, &res);
	if (st != DB_OK)
		return st;
	a->gave_up = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	a->disabled = strtol(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return DB_OK;
}

enum db_status outbox_settle(struct pool *pool, const struct outbox_outcome *o, size_t n,
                             long give_up_s, long disable_s, long *gave_up, long *disabled)
{
	struct sbuf arrays[4];
	char give_up[24], disable[24];
	for (int k = 0; k < 4; k++)
		sbuf_init(&arrays[k], 64u << 20);
	enum db_status st = DB_ERROR;
	struct settle_args a = {{NULL}, 0, 0};
	if (settle_arrays(o, n, arrays) == 0) {
		snprintf(give_up, sizeof(give_up), "%ld", give_up_s);
		snprintf(disable, sizeof(disable), "%ld", disable_s);
		for (int k = 0; k < 4; k++)
			a.params[k] = arrays[k].data;
		a.params[4] = give_up;
		a.params[5] = disable;
		st = db_transaction(pool, NULL, do_settle, &a);
	}
	for (int k = 0; k < 4; k++)
		sbuf_release(&arrays[k]);
	if (gave_up)
		*gave_up = st == DB_OK ? a.gave_up : 0;
	if (disabled)
		*disabled = st == DB_OK ? a.disabled : 0;
	return st;
}

struct prune_args {
	const char *params[2];
	long pruned;
};

static enum db_status do_prune(struct db *db, void *arg)
{
	struct prune_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_OUTBOUND_PRUNE, 2, a->params, &res);
	if (st == DB_OK) {
		a->pruned = strtol(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return st;
}

enum db_status outbox_prune(struct pool *pool, long retention_s, int max, long *pruned)
{
	char retention[24], batch[16];
	snprintf(retention, sizeof(retention), "%ld", retention_s);
	snprintf(batch, sizeof(batch), "%d", max);
	struct prune_args a = {{retention, batch}, 0};
	enum db_status st = db_transaction(pool, NULL, do_prune, &a);
	*pruned = st == DB_OK ? a.pruned : 0;
	return st;
}

struct lag_args {
	long pending;
	double oldest_s;
};

static enum db_status do_lag(struct db *db, void *arg)
{
	struct lag_args *a = arg;
	PGresult *res = NULL;
	enum db_status st = db_query(db, SQL_OUTBOUND_LAG, 0, NULL, &res);
	if (st == DB_OK) {
		a->pending = strtol(PQgetvalue(res, 0, 0), NULL, 10);
		a->oldest_s = strtod(PQgetvalue(res, 0, 1), NULL);
		PQclear(res);
	}
	return st;
}

enum db_status outbox_lag(struct pool *pool, long *pending, double *oldest_s)
{
	struct lag_args a = {0, 0};
	enum db_status st = db_read(pool, NULL, do_lag, &a);
	*pending = a.pending;
	*oldest_s = a.oldest_s;
	return st;
}
