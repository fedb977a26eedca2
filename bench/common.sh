#!/usr/bin/env bash
# Shared set-up of the bench scripts (sourced, not run): a Release build without
# sanitizers in build-bench/, a private PostgreSQL cluster in a temporary directory with
# the loyaltyd database migrated, loyaltyd serving on a free port, and cleanup on exit.

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$bench_root"
bench_pids=()
bench_work=

bench_cleanup() {
  for p in "${bench_pids[@]+"${bench_pids[@]}"}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ -n "$bench_work" ]; then
    scripts/pg.sh stop "$bench_work/pg" immediate || true
    rm -rf "$bench_work"
  fi
}
trap bench_cleanup EXIT

# bench_build TARGET...: installs what is missing and builds the targets.
bench_build() {
  scripts/deps.sh bench >/dev/null
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DLOYALTYD_SANITIZE=OFF >/dev/null
  cmake --build build-bench -j"$(nproc)" --target "$@" >/dev/null
}

# bench_cluster [BUILD_DIR]: starts the cluster, creates the database and migrates it with
# BUILD_DIR/loyaltyd (default build-bench); sets bench_work and exports
# LOYALTYD_DATABASE_URL.
bench_cluster() {
  bench_work=$(mktemp -d /tmp/loyaltyd-bench.XXXXXX)
  chmod 755 "$bench_work"
  scripts/pg.sh init "$bench_work/pg" "$(scripts/free_port.sh)"
  scripts/pg.sh start "$bench_work/pg"
  scripts/pg.sh psql "$bench_work/pg" postgres -c "CREATE DATABASE loyaltyd"
  LOYALTYD_DATABASE_URL=$(scripts/pg.sh url "$bench_work/pg" loyaltyd)
  export LOYALTYD_DATABASE_URL
  "${1:-build-bench}"/loyaltyd migrate >/dev/null 2>&1
}

# psqlb ARGS...: psql on the bench database.
psqlb() { scripts/pg.sh psql "$bench_work/pg" loyaltyd "$@"; }

# bench_tenant: creates a tenant; sets bench_tenant_id and bench_key.
bench_tenant() {
  local json
  json=$(build-bench/loyaltyd tenant create "${1:-Bench shop}" 2>/dev/null)
  bench_tenant_id=$(echo "$json" | grep -m1 '"id"' | cut -d'"' -f4)
  bench_key=$(echo "$json" | grep '"secret"' | cut -d'"' -f4)
}

# bench_serve: starts loyaltyd (environment as given) on a free port and waits for it;
# sets bench_port and bench_lpid.
bench_serve() {
  bench_port=$(scripts/free_port.sh)
  # the benches measure throughput with one key: no per-key rate limit unless asked
  LOYALTYD_RATE_LIMIT=${LOYALTYD_RATE_LIMIT:-0} LOYALTYD_LISTEN=127.0.0.1:$bench_port \
    build-bench/loyaltyd serve 2>"$bench_work/serve.log" &
  bench_lpid=$!
  bench_pids+=("$bench_lpid")
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$bench_port/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "loyaltyd did not start; see $bench_work/serve.log" >&2
  return 1
}

# bench_ticks PID...: user + system clock ticks (getconf CLK_TCK a second) of the processes
# given, from /proc (a process gone counts 0).
bench_ticks() {
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

# median: the median of the numbers on standard input.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# bench_versus PGBENCH_SCRIPT WRK_SCRIPT URL LABEL GOAL: alternates ROUNDS (default 3)
# rounds of pgbench (-M prepared -c 8 -j 2, tenant=$bench_tenant_id) and wrk (-t2 -c32),
# $secs seconds each, on the bench cluster and loyaltyd; prints each round, the medians
# and their ratio against GOAL. wrk scripts see the round in BENCH_PREFIX ("w1", "w2", …).
bench_versus() {
  local pgbs=() loys=() r pgb loy
  for r in $(seq 1 "${ROUNDS:-3}"); do
    pgbs+=("$(PGPASSWORD=$(cat "$bench_work/pg/password") pgbench -n -h 127.0.0.1 \
        -p "$(cat "$bench_work/pg/port")" -U postgres -M prepared -c 8 -j 2 -T "$secs" \
        -D tenant="$bench_tenant_id" -f "$1" loyaltyd | awk '/^tps/ {print $3}')")
    loys+=("$(BENCH_PREFIX="w$r" wrk -t2 -c32 -d"${secs}s" -s "$2" "$3" \
        | awk '/Requests\/sec/ {print $2}')")
    echo "  round $r: pgbench ${pgbs[-1]} tx/s, loyaltyd ${loys[-1]} req/s"
  done
  pgb=$(printf '%s\n' "${pgbs[@]}" | median)
  loy=$(printf '%s\n' "${loys[@]}" | median)
  echo "  pgbench -M prepared -c 8 (median): $pgb tx/s"
  echo "  loyaltyd $4, wrk -c 32 (median): $loy req/s"
  awk -v l="$loy" -v p="$pgb" -v g="$5" 'BEGIN {printf "  ratio: %.2f (goal >= %s)\n", l / p, g}'
}
