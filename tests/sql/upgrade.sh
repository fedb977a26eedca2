#!/usr/bin/env bash
# The upgrade test: a database as an older loyaltyd left it (FIXTURE, a plain pg_dump)
# must migrate cleanly with this one, twice, and end with the same schema and functions
# as a database this one migrates from nothing; its data must still read.
#   tests/sql/upgrade.sh LOYALTYD_BIN FIXTURE.sql
# Uses two databases of its own next to LOYALTYD_TEST_ADMIN_URL's, dropped at the end.
set -euo pipefail
bin=${1:?usage: upgrade.sh LOYALTYD_BIN FIXTURE.sql}
fixture=${2:?usage: upgrade.sh LOYALTYD_BIN FIXTURE.sql}
admin=${LOYALTYD_TEST_ADMIN_URL:?LOYALTYD_TEST_ADMIN_URL is unset: run scripts/test.sh}
old="${admin%/*}/loyaltyd_upgrade_old"
new="${admin%/*}/loyaltyd_upgrade_new"
tmp=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning"
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
dropall() {
  for d in loyaltyd_upgrade_old loyaltyd_upgrade_new; do
    psql_ "$admin" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" || true
  done
  rm -rf "$tmp"
}
trap dropall EXIT
dropall
mkdir -p "$tmp"
for d in loyaltyd_upgrade_old loyaltyd_upgrade_new; do
  psql_ "$admin" -c "CREATE DATABASE $d"
done
# the fixture's GRANTs name the cluster's role (0018_row_level_security creates it)
psql_ "$admin" -c "DO \$\$ BEGIN CREATE ROLE loyaltyd_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
                   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$\$"
psql_ "$old" -o /dev/null -f "$fixture"

migrate() { # URL OUT: migrate, keeping what it prints
  LOYALTYD_DATABASE_URL=$1 "$bin" migrate >"$2" 2>&1 || { cat "$2" >&2; fail "migrate of $1"; }
}
# every function of the schema public: its definition, comment and privileges
functions() {
  psql_ "$1" -At -c "SELECT p.oid::regprocedure, pg_get_functiondef(p.oid),
                            obj_description(p.oid, 'pg_proc'), p.proacl
                     FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
                     ORDER BY p.oid::regprocedure::text"
}
schema() { pg_dump --schema-only --no-owner "$1" | grep -v '^\\\(un\)\?restrict '; }

migrate "$new" "$tmp/new1"
migrate "$new" "$tmp/new2"
functions "$new" >"$tmp/f-new"
schema "$new" >"$tmp/s-new"
[ "$(grep -c . "$tmp/f-new")" -gt 0 ] || fail "no functions in a new database"

migrate "$old" "$tmp/old1"
# the fixture holds the 24 migrations of 1bad06f: the upgrade applies those that came since
latest=$(ls "$(dirname "$0")/../../sql/migrations"/*.sql | wc -l)
grep -q "($((latest - 24)) migrations\? applied)" "$tmp/old1" ||
  fail "upgrade applied other than the $((latest - 24)) newer migrations: $(cat "$tmp/old1")"
functions "$old" >"$tmp/f-old1"
migrate "$old" "$tmp/old2"
functions "$old" >"$tmp/f-old2"
diff -u "$tmp/f-old1" "$tmp/f-old2" || fail "a second migrate changed the functions"
diff -u "$tmp/f-new" "$tmp/f-old2" || fail "the upgraded functions differ from a new database's"
schema "$old" >"$tmp/s-old"
diff -u "$tmp/s-new" "$tmp/s-old" || fail "the upgraded schema differs from a new database's"
[ "$(psql_ "$old" -At -c "SELECT count(*) FROM schema_migrations")" = "$latest" ] ||
  fail "schema_migrations does not hold the $latest migrations"

# the fixture's customer, read by the functions as they are now: lots of 100 (lapsing
# 2025-01-01T10:00Z) and 50 (2025-06-01), 30 redeemed from the first
check() { # SQL WANT
  got=$(psql_ "$old" -At -c "$1")
  [ "$got" = "$2" ] || fail "$1: got '$got', want '$2'"
}
t="'00000000-0000-4000-8000-00000000f1c5'::uuid"
c="(SELECT id FROM customers WHERE external_id = 'cust-1')"
check "SELECT s::text FROM points_state($t, $c, '2024-12-01T00:00:00Z', 365) s" \
  '(120,0,70,"2025-01-01 10:00:00+00",100,30,100)'
check "SELECT s::text FROM points_state($t, $c, '2025-02-01T00:00:00Z', 365) s" \
  '(50,70,50,"2025-06-01 00:00:00+00",100,30,0)'
check "SELECT s::text FROM points_totals($t, $c, '2025-02-01T00:00:00Z', 365) s" '(50,70,0)'
check "SELECT s::text FROM points_totals($t, $c, '2026-01-01T00:00:00Z', 365) s" '(0,120,0)'
check "SELECT program_current($t)->>'currency'" 'EUR'
check "SELECT customer_json(c)->>'email' FROM customers c WHERE external_id = 'cust-1'" \
  'anna@example.com'
# a write after the upgrade: by now everything has lapsed, so an earn of 5 first writes
# the 120 off (trigger on points_ledger → points_accounts) and leaves 5
check "BEGIN;
       SELECT (p.outcome, p.new_balance) FROM points_change($t, 'cust-1', 'earn', 5, 'after', NULL) p;
       SELECT (a.total, a.used) FROM points_accounts a WHERE a.customer_id = $c;
       ROLLBACK" "$(printf '(done,5)\n(5,150)')"
echo "ok upgrade from $(basename "$fixture")"
