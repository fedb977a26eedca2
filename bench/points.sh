#!/usr/bin/env bash
# Points benchmark (points issue): a mixed earn/redeem load, POST
# /v1/customers/{id}/points/earn|redeem over wrk keep-alive (32 connections), against
# pgbench running the equivalent transaction (lock the customer's row, append a ledger
# entry; bench/pgbench_points.sql, 8 clients) on the same private PostgreSQL in the same
# invocation, alternating rounds. Also: batch ingest of orders for a tenant with a
# programme (points earned in the ingest transaction) against one without (the same
# 1,000 customers, already known), before the mixed load and after it.

# Usage: bench/points.sh [SECONDS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-10}

bench_build loyaltyd
bench_cluster
bench_tenant "Points bench"
tenant=$bench_tenant_id
export BENCH_KEY=$bench_key
psqlb -q <<SQL
INSERT INTO loyalty_programs (tenant_id, version, config) VALUES ('$tenant', 1,
  '{"currency":"EUR","points_per_unit":1,"rounding":"floor","event_points":{},
    "tiers":[{"name":"bronze","threshold":0,"multiplier":1},{"name":"silver","threshold":1000,"multiplier":1.5}],
    "tier_window_days":365,"expiry_days":365,"min_redeem":1,"point_value":"0.01"}');
INSERT INTO customers (tenant_id, external_id) SELECT '$tenant', 'c' || g FROM generate_series(0, 999) g;
-- every customer funded, so that redeems never run dry
INSERT INTO points_ledger (tenant_id, customer_id, kind, points, reason, program_version, expires_at)
SELECT tenant_id, id, 'earn', 1000000, 'bench funding', 1, now() + interval '365 days'
FROM customers WHERE tenant_id = '$tenant';
ANALYZE;
SQL
LOYALTYD_LOG=${LOYALTYD_LOG:-warn} bench_serve
port=$bench_port
work=$bench_work

echo "== 2. batches of 1,000 orders, a tenant with a programme (earning) vs one without,"
echo "      on fresh customers (2a) and after the load of part 1 (2b)"
bench_tenant "No programme"
plain_key=$bench_key
psqlb -qc "INSERT INTO customers (tenant_id, external_id) SELECT '$bench_tenant_id', 'c' || g FROM generate_series(0, 999) g"
bench_tenant_id=$tenant # the programme's tenant again, for bench_versus
n_batches=${BATCHES:-20}
mkdir -p "$work/batches"
for who in points plain points2 plain2; do
  awk -v nb="$n_batches" -v who="$who" 'BEGIN {
    for (b = 0; b < nb; b++) {
      f = sprintf("'"$work"'/batches/%s-%03d.json", who, b);
      printf "{\"events\":[" > f;
      for (i = 0; i < 1000; i++) {
        n = b * 1000 + i;
        printf "%s{\"id\":\"%s-%d\",\"customer_id\":\"c%d\",\"type\":\"order\",\"occurred_at\":\"2026-11-01T10:%02d:%02dZ\",\"amount\":\"%d.%02d\",\"currency\":\"EUR\",\"order_id\":\"o%d\"}", (i ? "," : ""), who, n, n % 1000, (n / 60) % 60, n % 60, n % 200, n % 100, n >> f;
      }
      printf "]}" >> f;
      close(f);
    }
  }'
done
post_all() { # KEY PREFIX → seconds
  local start; start=$(date +%s.%N)
  for f in "$work"/batches/"$2"-*.json; do
    curl -fs -X POST "http://127.0.0.1:$port/v1/events" -H "Authorization: Bearer $1" \
         -H 'Content-Type: application/json' --data-binary @"$f" >/dev/null
  done
  echo "$(date +%s.%N) - $start" | bc
}
ingest_compare() { # PREFIX (points or points2; plain/plain2 alike)
  local per plain_s points_s
  per=$(psqlb -tAc "SELECT round(count(*)::numeric / 1000) FROM points_ledger WHERE tenant_id = '$tenant'")
  plain_s=$(post_all "$plain_key" "${1/points/plain}")
  points_s=$(post_all "$BENCH_KEY" "$1")
  awk -v n="$n_batches" -v a="$plain_s" -v b="$points_s" -v e="$per" 'BEGIN {
    printf "  ledger entries per customer before: %d\n", e;
    printf "  without programme: %d x 1,000 orders in %.2f s (%.0f events/s)\n", n, a, n * 1000 / a;
    printf "  with programme:    %d x 1,000 orders in %.2f s (%.0f events/s)\n", n, b, n * 1000 / b;
    printf "  ratio: %.2f\n", a / b }'
}
echo "-- 2a."
ingest_compare points
echo "== 1. earn/redeem POST vs pgbench lock + ledger insert (${secs}s each, ${ROUNDS:-3} alternating rounds)"
bench_versus bench/pgbench_points.sql bench/points_mixed.lua "http://127.0.0.1:$port" earn/redeem 0.7
bad=$(psqlb -tAc "SELECT count(*) FROM customers c, points_state(c.tenant_id, c.id, now(), 365) s
  WHERE c.tenant_id = '$tenant' AND s.balance + s.lapsed <> (SELECT sum(points) FROM points_ledger l
  WHERE l.tenant_id = c.tenant_id AND l.customer_id = c.id)")
echo "  customers breaking balance == sum(ledger): $bad"

echo "-- 2b."
ingest_compare points2
