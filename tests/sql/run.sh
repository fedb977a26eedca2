#!/usr/bin/env bash
# SQL-level tests: creates a database of its own (NAME) next to LOYALTYD_TEST_ADMIN_URL's,
# runs `loyaltyd migrate` on it, runs each test file with psql (ON_ERROR_STOP: a failed
# assertion of harness.sql stops it), and drops the database.
#   tests/sql/run.sh LOYALTYD_BIN NAME FILE.sql...
set -euo pipefail
bin=${1:?usage: run.sh LOYALTYD_BIN NAME FILE.sql...}
name=${2:?usage: run.sh LOYALTYD_BIN NAME FILE.sql...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
admin=${LOYALTYD_TEST_ADMIN_URL:?LOYALTYD_TEST_ADMIN_URL is unset: run scripts/test.sh}
url="${admin%/*}/$name"
psql_() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -o /dev/null -v ON_ERROR_STOP=1 "$@"; }

psql_ "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
trap 'psql_ "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" || true' EXIT
LOYALTYD_DATABASE_URL=$url "$bin" migrate >/dev/null 2>&1 ||
  { LOYALTYD_DATABASE_URL=$url "$bin" migrate; exit 1; }
for f in "$@"; do
  psql_ "$url" -f "$here/harness.sql" -f "$f"
  echo "ok $(basename "$f")"
done
