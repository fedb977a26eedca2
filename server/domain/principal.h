/* principal.h - who is calling: the tenant and key behind a verified API key. */
#ifndef LOYALTYD_PRINCIPAL_H
#define LOYALTYD_PRINCIPAL_H

#define TENANT_ID_LEN 36 /* a tenant's (and a key's) id: a UUID in text form */

/* The caller behind a verified API key. */
struct principal {
	char tenant_id[TENANT_ID_LEN + 1];
	char key_id[TENANT_ID_LEN + 1];
	unsigned scopes; /* enum scope bits */
};

#endif
