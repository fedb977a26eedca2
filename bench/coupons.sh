#!/usr/bin/env bash
# Coupon pools (rewards issue; goal: 100,000 codes in under 10 s): POST
# /v1/rewards/{id}/codes {"count":100000} against a baseline in the same run, PostgreSQL
# alone inserting 100,000 random codes of the same shape into the same table
# (INSERT … SELECT from generate_series, md5 of random()), alternating rounds, medians.
# Each round uses a new pool reward, so the table grows alike for both.
# Usage: bench/coupons.sh [ROUNDS]   (default 5; COUNT=100000)
set -euo pipefail
. "$(dirname "$0")/common.sh"
rounds=${1:-5}
count=${COUNT:-100000}

bench_build loyaltyd
bench_cluster
bench_tenant "Coupon shop"
LOYALTYD_LOG=warn bench_serve
api=http://127.0.0.1:$bench_port
new_reward() {
  curl -fs -X POST "$api/v1/rewards" -H "Authorization: Bearer $bench_key" \
       -H 'Content-Type: application/json' \
       -d "{\"name\":\"Pool $1\",\"points_cost\":100,\"kind\":\"free_shipping\",\"codes\":\"pool\",\"code_prefix\":\"B$1-\"}" |
    sed -n 's/.*"id" *: *"\([^"]*\)".*/\1/p'
}
now() { date +%s.%N; }
apis=(); sqls=()
for r in $(seq 1 "$rounds"); do
  for which in api sql; do
    id=$(new_reward "$r$( [ "$which" = api ] && echo A || echo S)")
    start=$(now)
    if [ "$which" = api ]; then
      added=$(curl -fs -X POST "$api/v1/rewards/$id/codes" -H "Authorization: Bearer $bench_key" \
                   -H 'Content-Type: application/json' -d "{\"count\":$count}" |
              sed -n 's/^{"added":\([0-9]*\).*/\1/p')
    else
      added=$(psqlb -tAc "WITH a AS (INSERT INTO coupons (tenant_id, reward_id, code)
                SELECT '$bench_tenant_id', '$id', 'S$r-' || upper(left(md5(random()::text || g), 10))
                FROM generate_series(1, $count) g ON CONFLICT DO NOTHING RETURNING 1)
                SELECT count(*) FROM a")
    fi
    s=$(echo "$(now) - $start" | bc)
    [ "$added" = "$count" ] || { echo "round $r $which: added $added of $count" >&2; exit 1; }
    if [ "$which" = api ]; then apis+=("$s"); else sqls+=("$s"); fi
  done
  printf '  round %d: loyaltyd %.2f s, PostgreSQL alone %.2f s\n' "$r" "${apis[-1]}" "${sqls[-1]}"
done
a=$(printf '%s\n' "${apis[@]}" | median)
b=$(printf '%s\n' "${sqls[@]}" | median)
awk -v a="$a" -v b="$b" -v n="$count" 'BEGIN {
  printf "  %d codes drawn through the API in %.2f s (median; goal < 10 s), %.0f codes/s\n", n, a, n / a;
  printf "  PostgreSQL alone: %.2f s; ratio loyaltyd / PostgreSQL alone: %.2f\n", b, a / b }'
