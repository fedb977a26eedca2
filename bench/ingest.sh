#!/usr/bin/env bash
# Event ingest benchmarks (customers-and-events issue), each against a baseline run in the
# same invocation on the same private PostgreSQL (synchronous_commit on, as shipped):
#   1. single-event POST /v1/events, wrk keep-alive 32 connections, vs pgbench running the
#      equivalent single INSERT per transaction with 8 clients (bench/pgbench_event.sql);
#   2. batches of 1,000 events vs psql \copy of the same rows;
#   3. loyaltyd's resident memory after 1,000,000 events were ingested.
# Usage: bench/ingest.sh [SECONDS]   (MILLION=0 skips part 3)
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-10}

bench_build loyaltyd
bench_cluster
bench_tenant "Bench shop"
tenant=$bench_tenant_id
export BENCH_KEY=$bench_key
psqlb -c "INSERT INTO customers (tenant_id, external_id) SELECT '$tenant', 'c' || g FROM generate_series(0, 1000) g"
LOYALTYD_LOG=${LOYALTYD_LOG:-info} bench_serve
port=$bench_port
lpid=$bench_lpid
work=$bench_work

echo "== 1. single-event POST vs pgbench single INSERT (${secs}s each, ${ROUNDS:-3} alternating rounds)"
bench_versus bench/pgbench_event.sql bench/post_event.lua "http://127.0.0.1:$port/v1/events" "POST /v1/events" 0.8

echo "== 2. batches of 1,000 vs psql \\copy"
n_batches=${BATCHES:-50}
mkdir -p "$work/batches"
awk -v nb="$n_batches" 'BEGIN {
  for (b = 0; b < nb; b++) {
    f = sprintf("'"$work"'/batches/%03d.json", b);
    printf "{\"events\":[" > f;
    for (i = 0; i < 1000; i++) {
      n = b * 1000 + i;
      printf "%s{\"id\":\"b-%d\",\"customer_id\":\"c%d\",\"type\":\"order\",\"occurred_at\":\"2026-02-01T10:%02d:%02dZ\",\"amount\":\"%d.%02d\",\"currency\":\"EUR\",\"order_id\":\"o%d\"}", (i ? "," : ""), n, n % 1000, (n / 60) % 60, n % 60, n % 200, n % 100, n >> f;
    }
    printf "]}" >> f;
    close(f);
    g = sprintf("'"$work"'/batches/%03d.csv", b);
    for (i = 0; i < 1000; i++) {
      n = b * 1000 + i;
      printf "%s,%d,copy-%d,order,2026-02-01T10:%02d:%02dZ,%d.%02d,EUR,o%d\n", "'"$tenant"'", 0, n, (n / 60) % 60, n % 60, n % 200, n % 100, n >> g;
    }
    close(g);
  }
}'
# \copy needs the internal customer id; resolve it once, as loyaltyd resolves it in SQL.
cid=$(psqlb -tAc "SELECT id FROM customers WHERE tenant_id = '$tenant' AND external_id = 'c0'")
sed -i "s/^\([^,]*\),0,/\1,$cid,/" "$work"/batches/*.csv
start=$(date +%s.%N)
for f in "$work"/batches/*.csv; do
  psqlb -c "\\copy events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id) FROM '$f' WITH (FORMAT csv)"
done
copy_s=$(echo "$(date +%s.%N) - $start" | bc)
start=$(date +%s.%N)
for f in "$work"/batches/*.json; do
  curl -fs -X POST "http://127.0.0.1:$port/v1/events" -H "Authorization: Bearer $BENCH_KEY" \
       -H 'Content-Type: application/json' --data-binary @"$f" >/dev/null
done
post_s=$(echo "$(date +%s.%N) - $start" | bc)
awk -v n="$n_batches" -v c="$copy_s" -v p="$post_s" 'BEGIN {
  printf "  psql \\copy: %d x 1,000 rows in %.2f s (%.0f rows/s)\n", n, c, n * 1000 / c;
  printf "  loyaltyd:    %d x 1,000 events in %.2f s (%.0f events/s)\n", n, p, n * 1000 / p;
  printf "  ratio: %.2f (goal >= 0.5)\n", c / p }'

if [ "${MILLION:-1}" = 1 ]; then
  echo "== 3. resident memory after 1,000,000 events"
  have=$(psqlb -tAc "SELECT count(*) FROM events WHERE tenant_id = '$tenant'")
  need=$((1000000 - have))
  batch_body() {
    awk -v s="$1" 'BEGIN { printf "{\"events\":["; for (i = 0; i < 1000; i++) printf "%s{\"id\":\"m-%d\",\"customer_id\":\"m%d\",\"type\":\"visit\",\"occurred_at\":\"2026-03-01T00:00:00Z\"}", (i ? "," : ""), s + i, (s + i) % 100000; printf "]}" }'
  }
  sent=0
  while [ "$sent" -lt "$need" ]; do
    batch_body "$sent" > "$work/m.json"
    curl -fs -X POST "http://127.0.0.1:$port/v1/events" -H "Authorization: Bearer $BENCH_KEY" \
         -H 'Content-Type: application/json' --data-binary @"$work/m.json" >/dev/null
    sent=$((sent + 1000))
  done
  total=$(psqlb -tAc "SELECT count(*) FROM events WHERE tenant_id = '$tenant'")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$lpid/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$lpid/status")
  echo "  events stored: $total"
  echo "  loyaltyd RSS: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB; goal <= 64 MiB)"
fi
