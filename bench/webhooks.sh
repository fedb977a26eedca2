#!/usr/bin/env bash
# Webhook benchmark (e-shop webhooks issue): a closed-loop load of real Shopify
# orders/create deliveries (the 2026-07 docs sample, 404.95 USD, marked paid; each a new
# order of one of 1,000 customers, signed, with a new event id) against the same orders
# sent as single order events to POST /v1/events, the ingest path a webhook ends in,
# alternating rounds on the same loyaltyd and PostgreSQL (a points programme in force, so
# both earn points). bench_webhook_load keeps every latency: p50/p90/p99/max are exact.
# Shopify waits 5 s for an answer; the p99 under load is the figure to hold against it.
# Usage: bench/webhooks.sh [SECONDS] [CONNECTIONS...]   (default 10 s; 32 and 4 connections)
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-10}
shift || true
conns=("${@:-32 4}")
read -r -a conns <<<"${conns[*]}"
secret=bench-shopify-secret-0123456789

bench_build loyaltyd bench_webhook_load
bench_cluster
bench_tenant "Webhook bench"
LOYALTYD_LOG=${LOYALTYD_LOG:-info} bench_serve
api=http://127.0.0.1:$bench_port
curl -fs -X PUT "$api/v1/program" -H "Authorization: Bearer $bench_key" \
     -H 'Content-Type: application/json' \
     -d '{"currency":"USD","points_per_unit":1,"tiers":[{"name":"basic","threshold":0}],"expiry_days":3650}' >/dev/null
curl -fs -X POST "$api/v1/webhook-sources" -H "Authorization: Bearer $bench_key" \
     -H 'Content-Type: application/json' \
     -d "{\"kind\":\"shopify\",\"shop\":\"bench.myshopify.com\",\"secret\":\"$secret\"}" >/dev/null
payload=tests/fixtures/webhooks/shopify/shopify_docs_2026-07_orders_create.json

field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
for c in "${conns[@]}"; do
  echo "== $c connections, ${secs}s a run, ${ROUNDS:-3} alternating rounds"
  w_rates=() w_p99=() e_rates=() e_p99=()
  for r in $(seq 1 "${ROUNDS:-3}"); do
    w=$(build-bench/bench/bench_webhook_load "$bench_port" "$bench_tenant_id" "$secret" "$bench_key" "$secs" "$c" "$payload" webhook)
    e=$(build-bench/bench/bench_webhook_load "$bench_port" "$bench_tenant_id" "$secret" "$bench_key" "$secs" "$c" "$payload" events)
    echo "  round $r: $w"
    echo "  round $r: $e"
    w_rates+=("$(echo "$w" | field rate)"); w_p99+=("$(echo "$w" | field p99_ms)")
    e_rates+=("$(echo "$e" | field rate)"); e_p99+=("$(echo "$e" | field p99_ms)")
  done
  wr=$(printf '%s\n' "${w_rates[@]}" | median); wp=$(printf '%s\n' "${w_p99[@]}" | median)
  er=$(printf '%s\n' "${e_rates[@]}" | median); ep=$(printf '%s\n' "${e_p99[@]}" | median)
  echo "  medians: webhook $wr req/s, p99 $wp ms; events $er req/s, p99 $ep ms"
  awk -v wr="$wr" -v er="$er" -v wp="$wp" -v ep="$ep" 'BEGIN {
    printf "  ratio webhook/events: rate %.2f, p99 %.2f; p99 is %.1f%% of Shopify'"'"'s 5 s\n",
           wr / er, wp / ep, wp / 50 }'
done
points=$(psqlb -tAc "SELECT count(*) FROM points_ledger WHERE tenant_id = '$bench_tenant_id'")
orders=$(psqlb -tAc "SELECT count(*) FROM events WHERE tenant_id = '$bench_tenant_id' AND type = 'order'")
echo "== $orders orders stored, $points ledger entries (one per order: every delivery earned)"
echo "== loyaltyd RSS: $(awk '/VmRSS/ {print $2 / 1024 " MiB"}' /proc/"$bench_lpid"/status)"
