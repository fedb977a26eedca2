#!/usr/bin/env bash
# Outbound events benchmarks (outbound-events issue), on a private PostgreSQL
# (synchronous_commit on, as shipped), loyaltyd with LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1 and
# the dispatcher's defaults otherwise:
#   1. ingest cost: orders (a tenant with a programme: points.earned recorded in the ingest
#      transaction) to a tenant with two endpoints subscribed to every type against one
#      with none, alternating rounds (and which goes first), medians, ratio (goal >= 0.90):
#      (a) single-event POST /v1/events, wrk -t2 -c32; (b) batches of 1,000. The endpoints'
#      receiver is up and deliveries happen during the endpoints' rounds; before every round
#      (both tenants') the outbox is drained (events fanned out, messages delivered), so the
#      no-endpoint rounds never compete with deliveries. Beside each rate, the CPU time an
#      event costs loyaltyd and PostgreSQL during the round (from /proc, as
#      bench/ingest_cpu.sh: every postgres process, so run it with no other cluster busy) and
#      the CPU time an event's deliveries cost afterwards (the drain); on a shared machine
#      whose rates swing, CPU time per event moves far less.
#   2. dispatch rate: N (50,000) messages pre-loaded with SQL for one endpoint and 5,000
#      customers, loyaltyd started, seconds until every one is delivered (goal >= 2,000/s).
# The receiver is bench/receiver.c (libmicrohttpd, answers 204 unverified); RECEIVER=node
# uses tests/e2e/receiver.mjs instead (verifies with standardwebhooks, single-threaded).
# Usage: bench/outbound.sh [SECONDS]   (ROUNDS=3, BATCHES=5 per round, N=50000)
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-5}
rounds=${ROUNDS:-3}
n_batches=${BATCHES:-5}
n_msgs=${N:-50000}
secret=whsec_YmVuY2gtb3V0Ym91bmQtc2VjcmV0LTAxMjM0NTY3

bench_build loyaltyd bench_receiver
bench_cluster
work=$bench_work
rport=$(scripts/free_port.sh)
if [ "${RECEIVER:-c}" = node ]; then
  node tests/e2e/receiver.mjs "$rport" "$work/receiver.jsonl" "$secret" >/dev/null &
  receiver="tests/e2e/receiver.mjs (node, verifying)"
else
  # niced: the receiver stands for the shop's machine, not a rival of loyaltyd's own work
  nice -n 10 build-bench/bench/bench_receiver "$rport" 2 &
  receiver="bench/receiver.c (libmicrohttpd, 2 threads, unverified)"
fi
bench_pids+=("$!")
echo "receiver: $receiver on port $rport"

shop() { # NAME → sets shop_tenant, shop_key; 1,000 customers c0…c999
  bench_tenant "$1"
  shop_tenant=$bench_tenant_id
  shop_key=$bench_key
  psqlb -qc "INSERT INTO customers (tenant_id, external_id) SELECT '$shop_tenant', 'c' || g FROM generate_series(0, 999) g"
}
shop "No endpoints"; none_key=$shop_key
shop "Two endpoints"; two_key=$shop_key; two_tenant=$shop_tenant
shop "Dispatch"; disp_key=$shop_key; disp_tenant=$shop_tenant
psqlb -qc "INSERT INTO customers (tenant_id, external_id) SELECT '$disp_tenant', 'd' || g FROM generate_series(0, 4999) g; ANALYZE"

LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1 LOYALTYD_LOG=${LOYALTYD_LOG:-warn} bench_serve
port=$bench_port
program='{"currency":"EUR","points_per_unit":1,"rounding":"floor","tiers":[{"name":"bronze","threshold":0}],"expiry_days":365,"min_redeem":1,"point_value":"0.01"}'
for k in "$none_key" "$two_key" "$disp_key"; do
  curl -fs -X PUT "http://127.0.0.1:$port/v1/program" -H "Authorization: Bearer $k" \
       -H 'Content-Type: application/json' --data "$program" >/dev/null
done
endpoint() { # KEY → the new endpoint's id, every event type, to the receiver
  curl -fs -X POST "http://127.0.0.1:$port/v1/event-endpoints" -H "Authorization: Bearer $1" \
       -H 'Content-Type: application/json' \
       --data "{\"url\":\"http://127.0.0.1:$rport/hook\",\"secret\":\"$secret\"}" | jq -r .id
}
endpoint "$two_key" >/dev/null
endpoint "$two_key" >/dev/null

ticks() { bench_ticks "$bench_lpid" $(pgrep postgres); } # loyaltyd and every postgres
hz=$(getconf CLK_TCK)
us_per() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN {printf "%.0f\n", t * 1e6 / hz / n}'; }

pending() { # messages waiting, and events recorded but not fanned out yet
  psqlb -tAc "SELECT (SELECT count(*) FROM outbound_messages WHERE status = 'pending') + (SELECT count(*) FROM outbound_events)"
}
drain() { # waits (up to DRAIN_S, 600 s) until nothing is pending; prints how long it took
  local start; start=$(date +%s.%N)
  for i in $(seq 1 $(( ${DRAIN_S:-600} * 5 ))); do
    [ "$(pending)" = 0 ] && break
    if [ -n "${BENCH_TRACE:-}" ] && [ $((i % 25)) = 0 ]; then
      psqlb -tAc "SELECT now()::time, type, attempts, last_status, left(last_error, 50), min(next_attempt_at - now()), count(*), (SELECT count(*) FROM outbound_events) FROM outbound_messages WHERE status = 'pending' GROUP BY 1,2,3,4,5 ORDER BY 7 DESC LIMIT 4" >&2
      psqlb -tAc "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(regexp_replace(query, '\s+', ' ', 'g'), 70) FROM pg_stat_activity WHERE datname = 'loyaltyd' AND pid <> pg_backend_pid() AND state <> 'idle'" >&2
    fi
    sleep 0.2
  done
  if [ "$(pending)" != 0 ]; then
    echo "the outbox did not drain; what is pending:" >&2
    psqlb -c "SELECT type, attempts, last_status, left(last_error, 60) AS last_error,
                     min(next_attempt_at - now()) AS next_in, count(*)
              FROM outbound_messages WHERE status = 'pending'
              GROUP BY 1, 2, 3, 4 ORDER BY count(*) DESC LIMIT 20" >&2
    psqlb -c "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS xact_for,
                     left(regexp_replace(query, '\s+', ' ', 'g'), 80) AS query
              FROM pg_stat_activity WHERE datname = 'loyaltyd' AND pid <> pg_backend_pid()
                AND state <> 'idle'" >&2
    tail -20 "$bench_work/serve.log" >&2
    if [ -n "${BENCH_STUCK_WAIT:-}" ]; then echo "pid $bench_lpid; waiting" >&2; sleep "$BENCH_STUCK_WAIT"; fi
    exit 1
  fi
  echo "$(date +%s.%N) - $start" | bc
}

echo "== 1a. single-event POST /v1/events (orders), two endpoints vs none (${secs}s each, $rounds alternating rounds)"
nones=(); twos=(); cpu_nones=(); cpu_twos=(); cpu_sends=()
single() { # KEY PREFIX → "req/s us-of-CPU-a-request" of one wrk round
  local t0 t1 out n
  t0=$(ticks)
  out=$(BENCH_KEY=$1 BENCH_PREFIX=$2 wrk -t2 -c32 -d"${secs}s" -s bench/post_order.lua \
      "http://127.0.0.1:$port/v1/events")
  t1=$(ticks)
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(us_per $((t1 - t0)) "$n")"
}
keep() { # "RATE CPU" → RATE into $1[], CPU into $2[] (names of arrays), from $3
  local -n rates=$1 cpus=$2
  rates+=("${3% *}"); cpus+=("${3#* }")
}
sent() { # drains; the CPU an event of the previous two-endpoint round cost to deliver
  local t0 t1 n0 n1
  n0=$(psqlb -tAc "SELECT count(*) FROM outbound_messages WHERE tenant_id = '$two_tenant' AND status = 'delivered'")
  t0=$(ticks); drain >/dev/null; t1=$(ticks)
  n1=$(psqlb -tAc "SELECT count(*) FROM outbound_messages WHERE tenant_id = '$two_tenant' AND status = 'delivered'")
  # two messages (one an endpoint) an event
  if [ $((n1 - n0)) -gt 0 ]; then cpu_sends+=("$(us_per $((2 * (t1 - t0))) $((n1 - n0)))"); fi
}
# the order alternates (none first in odd rounds, two first in even ones): the shop's tables
# grow round by round, and a fixed order would favour whichever goes first
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then
    d0=$(drain); keep nones cpu_nones "$(single "$none_key" "n$r")"
    d1=$(drain); keep twos cpu_twos "$(single "$two_key" "t$r")"
    sent
  else
    d1=$(drain); keep twos cpu_twos "$(single "$two_key" "t$r")"
    sent
    d0=$(drain); keep nones cpu_nones "$(single "$none_key" "n$r")"
  fi
  echo "  round $r: none ${nones[-1]} req/s (${cpu_nones[-1]} us CPU a request), two endpoints ${twos[-1]} req/s (${cpu_twos[-1]} us; delivering an event afterwards: ${cpu_sends[-1]:-?} us) (drained before: ${d0}s, ${d1}s)"
done
none=$(printf '%s\n' "${nones[@]}" | median)
two=$(printf '%s\n' "${twos[@]}" | median)
echo "  no endpoints (median): $none req/s; two endpoints (median): $two req/s"
awk -v a="$two" -v b="$none" 'BEGIN {printf "  ratio: %.2f (goal >= 0.90)\n", a / b}'
cn=$(printf '%s\n' "${cpu_nones[@]}" | median)
ct=$(printf '%s\n' "${cpu_twos[@]}" | median)
cs=$(printf '%s\n' "${cpu_sends[@]}" | median)
awk -v a="$cn" -v b="$ct" -v s="$cs" 'BEGIN {
  printf "  CPU a request during the rounds (median, loyaltyd + PostgreSQL): none %d us, two endpoints %d us: ratio %.2f (goal <= 1.11)\n", a, b, b / a;
  printf "  CPU of an event'"'"'s two deliveries, after the round (median): %d us\n", s }'
echo "  deliveries left at the end of the last round drained in $(drain) s"
psqlb -tAc "SELECT '  points.earned delivered for the two endpoints: ' || count(*) FROM outbound_messages WHERE tenant_id = '$two_tenant' AND status = 'delivered' AND type = 'points.earned'"

echo "== 1b. batches of 1,000 orders, two endpoints vs none ($n_batches batches per round, $rounds alternating rounds)"
mkdir -p "$work/batches"
for r in $(seq 1 "$rounds"); do
  for who in n t; do
    awk -v nb="$n_batches" -v who="$who$r" 'BEGIN {
      for (b = 0; b < nb; b++) {
        f = sprintf("'"$work"'/batches/%s-%03d.json", who, b);
        printf "{\"events\":[" > f;
        for (i = 0; i < 1000; i++) {
          n = b * 1000 + i;
          printf "%s{\"id\":\"%s-%d\",\"customer_id\":\"c%d\",\"type\":\"order\",\"occurred_at\":\"2026-11-01T10:%02d:%02dZ\",\"amount\":\"%d.%02d\",\"currency\":\"EUR\",\"order_id\":\"%s-o%d\"}", (i ? "," : ""), who, n, n % 1000, (n / 60) % 60, n % 60, n % 200 + 1, n % 100, who, n >> f;
        }
        printf "]}" >> f;
        close(f);
      }
    }'
  done
done
post_all() { # KEY PREFIX → "events/s us-of-CPU-an-event"
  local start s t0 t1; start=$(date +%s.%N); t0=$(ticks)
  for f in "$work"/batches/"$2"-*.json; do
    curl -fs -X POST "http://127.0.0.1:$port/v1/events" -H "Authorization: Bearer $1" \
         -H 'Content-Type: application/json' --data-binary @"$f" >/dev/null
  done
  t1=$(ticks); s=$(echo "$(date +%s.%N) - $start" | bc)
  awk -v n="$n_batches" -v s="$s" 'BEGIN {printf "%.0f ", n * 1000 / s}'
  us_per $((t1 - t0)) $((n_batches * 1000))
}
nones=(); twos=(); cpu_nones=(); cpu_twos=()
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then
    drain >/dev/null; keep nones cpu_nones "$(post_all "$none_key" "n$r")"
    drain >/dev/null; keep twos cpu_twos "$(post_all "$two_key" "t$r")"
  else
    drain >/dev/null; keep twos cpu_twos "$(post_all "$two_key" "t$r")"
    drain >/dev/null; keep nones cpu_nones "$(post_all "$none_key" "n$r")"
  fi
  echo "  round $r: none ${nones[-1]} events/s (${cpu_nones[-1]} us CPU an event), two endpoints ${twos[-1]} events/s (${cpu_twos[-1]} us)"
done
none=$(printf '%s\n' "${nones[@]}" | median)
two=$(printf '%s\n' "${twos[@]}" | median)
echo "  no endpoints (median): $none events/s; two endpoints (median): $two events/s"
awk -v a="$two" -v b="$none" 'BEGIN {printf "  ratio: %.2f (goal >= 0.90)\n", a / b}'
cn=$(printf '%s\n' "${cpu_nones[@]}" | median)
ct=$(printf '%s\n' "${cpu_twos[@]}" | median)
awk -v a="$cn" -v b="$ct" 'BEGIN {
  printf "  CPU an event during the rounds (median, loyaltyd + PostgreSQL): none %d us, two endpoints %d us: ratio %.2f (goal <= 1.11)\n", a, b, b / a }'
echo "  their deliveries drained in $(drain) s"
delivered=$(psqlb -tAc "SELECT count(*) FROM outbound_messages WHERE tenant_id = '$two_tenant' AND status = 'delivered'")
echo "  messages delivered for the two endpoints: $delivered"

echo "== 2. dispatch rate: $n_msgs messages pre-loaded for one endpoint, 5,000 customers"
disp_ep=$(endpoint "$disp_key")
kill "$bench_lpid"; wait "$bench_lpid" 2>/dev/null || true
psqlb -qc "INSERT INTO outbound_messages (tenant_id, endpoint_id, type, customer_key, body)
  SELECT '$disp_tenant', '$disp_ep', 'points.earned', c.id,
         outbound_body('points.earned', now(), jsonb_build_object('customer_id', c.external_id, 'n', g))
  FROM generate_series(1, $n_msgs) g
  JOIN customers c ON c.tenant_id = '$disp_tenant' AND c.external_id = 'd' || (g % 5000); ANALYZE outbound_messages"
echo "  pending: $(pending)"
start=$(date +%s.%N)
LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1 LOYALTYD_OUTBOUND_POLL_MS=${POLL_MS:-50} LOYALTYD_LOG=${LOYALTYD_LOG:-warn} bench_serve
ready=$(echo "$(date +%s.%N) - $start" | bc)
d=$(drain)
total=$(echo "$ready + $d" | bc)
got=$(psqlb -tAc "SELECT count(*) FROM outbound_messages WHERE endpoint_id = '$disp_ep' AND status = 'delivered'")
awk -v n="$got" -v t="$total" -v r="$ready" -v d="$d" 'BEGIN {
  printf "  %d delivered in %.2f s from the start of loyaltyd (%.2f s of it until /healthz)\n", n, t, r;
  printf "  %.0f deliveries/s from the start (goal >= 2,000); %.0f/s once it answered\n", n / t, n / d }'
if [ "${RECEIVER:-c}" != node ]; then
  echo "  the receiver counted $(curl -fs "http://127.0.0.1:$rport/_count") deliveries in all"
fi
