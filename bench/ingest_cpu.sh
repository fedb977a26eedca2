#!/usr/bin/env bash
# CPU time per single-event POST /v1/events, of loyaltyd and of PostgreSQL (every postgres
# process of the machine: run it with no other cluster busy), from /proc over wrk runs
# (-t2 -c32, the load of bench/ingest.sh), and the group-commit size from /metrics. On a
# shared machine whose rates swing by half, CPU time per request moves far less.
#   bench/ingest_cpu.sh [SECONDS] [ROUNDS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-5}
rounds=${2:-3}

bench_build loyaltyd
bench_cluster
bench_tenant "Bench shop"
export BENCH_KEY=$bench_key
psqlb -qc "INSERT INTO customers (tenant_id, external_id) SELECT '$bench_tenant_id', 'c' || g FROM generate_series(0, 1000) g"
LOYALTYD_LOG=info bench_serve

hz=$(getconf CLK_TCK)
# a warm-up, so that the pool's connections (PostgreSQL backends) exist before counting
BENCH_PREFIX=warm wrk -t2 -c32 -d1s -s bench/post_event.lua "http://127.0.0.1:$bench_port/v1/events" >/dev/null
for r in $(seq 1 "$rounds"); do
  pg=$(pgrep postgres | tr '\n' ' ')
  l0=$(bench_ticks "$bench_lpid"); p0=$(bench_ticks $pg)
  out=$(BENCH_PREFIX="c$r" wrk -t2 -c32 -d"${secs}s" -s bench/post_event.lua \
        "http://127.0.0.1:$bench_port/v1/events")
  l1=$(bench_ticks "$bench_lpid"); p1=$(bench_ticks $pg)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  awk -v l=$((l1 - l0)) -v p=$((p1 - p0)) -v n="$n" -v r="$rate" -v hz="$hz" -v k="$r" 'BEGIN {
    printf "  round %d: %s req/s; CPU a request: loyaltyd %.0f us, PostgreSQL %.0f us\n",
           k, r, l * 1e6 / hz / n, p * 1e6 / hz / n }'
done
curl -fs "http://127.0.0.1:$bench_port/metrics" | awk '
  /^loyaltyd_ingest_groups_total/ {g = $2} /^loyaltyd_ingest_requests_total/ {q = $2}
  END {printf "  group commit: %.1f requests a group\n", q / g}'
