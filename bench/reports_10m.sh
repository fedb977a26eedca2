#!/usr/bin/env bash
# Cohort and RFM reports over ORDERS order events of CUSTOMERS customers (retention/RFM
# issue; default 10,000,000 and 1,000,000, spread at random over 2025-2026) vs the same
# statements (sql/reports/cohorts.sql, rfm.sql) prepared once and executed in one psql
# session with the settings loyaltyd's connections use (jit off), on the same private
# PostgreSQL in one run; medians of RUNS after one warm-up. The data is generated in SQL
# (customer_rollups as the ingest statement keeps them), then VACUUM ANALYZE. Also: the
# resident memory of loyaltyd after streaming the CSV of the largest RFM segment.
# Usage: bench/reports_10m.sh [ORDERS] [CUSTOMERS] [RUNS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
orders=${1:-10000000}
customers=${2:-1000000}
runs=${3:-3}

bench_build loyaltyd
bench_cluster
bench_tenant "Ten million"
tenant=$bench_tenant_id
key=$bench_key
start=$(date +%s)
psqlb -q <<SQL
INSERT INTO customers (tenant_id, external_id, email, name)
SELECT '$tenant', 'c' || g, 'c' || g || '@example.com', 'Customer ' || g
FROM generate_series(1, $customers) g;
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
SELECT '$tenant', c0.id + floor(random() * $customers)::bigint, 'o' || g, 'order',
       timestamptz '2025-01-01T00:00:00Z' + random() * interval '730 days',
       round((5 + random() * 200)::numeric, 2), 'EUR', 'o' || g
FROM generate_series(1, $orders) g,
     (SELECT min(id) AS id FROM customers WHERE tenant_id = '$tenant') c0;
INSERT INTO customer_rollups (tenant_id, customer_id, first_order_at, last_order_at, orders,
                              order_amount, refunded)
SELECT tenant_id, customer_id, min(occurred_at), max(occurred_at), count(*), sum(amount), 0
FROM events WHERE tenant_id = '$tenant' AND type = 'order'
GROUP BY tenant_id, customer_id;
VACUUM ANALYZE customers, events, customer_rollups;
SQL
echo "== $orders orders of $customers customers generated in $(( $(date +%s) - start )) s"

LOYALTYD_DB_STATEMENT_TIMEOUT_MS=600000 LOYALTYD_LOG=warn bench_serve
api="http://127.0.0.1:$bench_port"

# compare NAME FILE ARGS QUERY: bare SQL (FILE prepared with ARGS) vs GET QUERY.
compare() {
  local sql psql_ms jit_ms http_ms args=$3
  sql=$(grep -v '^ *--' "sql/reports/$2.sql")
  run_psql() { # SETTING
    { echo "SET jit = $1;"; echo "SET statement_timeout = 0;"; echo "PREPARE r AS $sql;";
      echo "\\o /dev/null"; echo "EXECUTE r($args);"; echo "\\timing on";
      for _ in $(seq 1 "$runs"); do echo "EXECUTE r($args);"; done; } \
      | psqlb 2>&1 | awk '/^Time:/ {print $2}' | median
  }
  psql_ms=$(run_psql off)
  jit_ms=$(run_psql on)
  curl -fs "$api$4" -H "Authorization: Bearer $key" -o "$bench_work/$1.json" # warm-up
  http_ms=$(for _ in $(seq 1 "$runs"); do
              curl -fs -o /dev/null -w '%{time_total}\n' "$api$4" -H "Authorization: Bearer $key"
            done | awk '{print $1 * 1000}' | median)
  echo "== $1: $4"
  echo "  bare SQL in psql (jit off, as loyaltyd): $psql_ms ms   (jit on: $jit_ms ms)"
  echo "  loyaltyd:                                $http_ms ms"
  awk -v h="$http_ms" -v p="$psql_ms" 'BEGIN {printf "  ratio: %.2f (goal <= 1.3)\n", h / p}'
}

compare cohorts cohorts "'$tenant', '2025-01-01', '2027-01-01', 'UTC', 'month'" \
  "/v1/reports/cohorts?from=2025-01-01&to=2027-01-01&interval=month"
compare rfm rfm "'$tenant', '2027-01-01', 'UTC'" "/v1/reports/rfm?as_of=2027-01-01"

echo "== CSV of the largest RFM segment, streamed"
seg=$(python3 -c 'import json,sys; s=max(json.load(open(sys.argv[1]))["segments"], key=lambda s: s["customers"]); print(s["segment"], s["customers"])' "$bench_work/rfm.json")
set -- $seg
t=$(curl -fs -o "$bench_work/seg.csv" -w '%{time_total}' "$api/v1/segments/$1/customers?as_of=2027-01-01" \
      -H "Authorization: Bearer $key" -H 'Accept: text/csv')
rows=$(($(wc -l < "$bench_work/seg.csv") - 1))
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$bench_lpid/status")
echo "  $1: $rows rows (report: $2) in ${t} s; loyaltyd peak RSS $((hwm / 1024)) MiB"
