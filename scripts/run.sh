#!/usr/bin/env bash
# Runs loyaltyd in the foreground on 127.0.0.1:8080 (LOYALTYD_LISTEN to change).
# On a fresh Debian 12 machine as root: installs what is missing, builds, and, unless
# LOYALTYD_DATABASE_URL is set, starts a private PostgreSQL cluster under var/ (loopback
# only, stopped on exit), applies migrations and creates a demo tenant whose API key is
# printed once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/deps.sh run
# the dashboard's charting library, at the version of web/package-lock.json
if [ ! -f web/node_modules/uplot/package.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target loyaltyd >/dev/null
bin=build/loyaltyd

cleanup() { :; }
if [ -z "${LOYALTYD_DATABASE_URL:-}" ]; then
  pgdir="$root/var/pg"
  if [ ! -f "$pgdir/port" ]; then
    scripts/pg.sh init "$pgdir" "${LOYALTYD_PG_PORT:-$(scripts/free_port.sh)}"
  fi
  scripts/pg.sh start "$pgdir"
  cleanup() { scripts/pg.sh stop "$pgdir"; }
  trap cleanup EXIT
  if ! scripts/pg.sh psql "$pgdir" postgres -tAc "SELECT 1 FROM pg_database WHERE datname='loyaltyd'" | grep -q 1; then
    scripts/pg.sh psql "$pgdir" postgres -c "CREATE DATABASE loyaltyd"
  fi
  export LOYALTYD_DATABASE_URL=$(scripts/pg.sh url "$pgdir" loyaltyd)
  echo "PostgreSQL: private cluster in var/pg on port $(cat "$pgdir/port")"
fi

"$bin" migrate
if [ ! -f var/demo-tenant.json ]; then
  mkdir -p var
  "$bin" tenant create "Demo shop" > var/demo-tenant.json
  chmod 600 var/demo-tenant.json
  echo "Demo tenant created; its admin API key (shown once, kept in var/demo-tenant.json):"
  grep '"secret"' var/demo-tenant.json
fi
echo "loyaltyd on http://${LOYALTYD_LISTEN:-127.0.0.1:8080} (Ctrl-C to stop)"
# Not exec: the trap must stop the private cluster after loyaltyd exits.
"$bin" serve &
pid=$!
trap 'kill -TERM $pid 2>/dev/null' INT TERM
wait $pid || true
wait $pid 2>/dev/null || true
