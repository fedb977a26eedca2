/* migrate.h - schema migrations: sql/migrations/NNNN_name.sql, compiled in, applied in
 * order and recorded in schema_migrations; then every sql/functions/NN_name.sql in order
 * (CREATE OR REPLACE), on every run; all in one transaction. */
#ifndef LOYALTYD_MIGRATE_H
#define LOYALTYD_MIGRATE_H

#include <stddef.h>

/* Returns the version this binary expects: the highest NNNN compiled in. */
int migrate_latest_version(void);

/* Applies the missing migrations on database url, then re-creates every SQL function, in
 * one transaction: on failure nothing changes. Two processes may run it at once: a session
 * advisory lock makes the second wait and then find no migration to apply (it re-creates
 * the functions as they are). Returns the number of migrations applied (≥ 0), or -1 with a
 * message in err. */
__attribute__((warn_unused_result)) int migrate_run(const char *url, char *err, size_t errlen);

/* Checks that the schema is exactly at migrate_latest_version(). Returns 0; -1 with a
 * message in err saying whether the schema is behind (run migrate) or ahead; -2 when the
 * database could not be reached. */
__attribute__((warn_unused_result)) int migrate_check(const char *url, char *err, size_t errlen);

#endif
