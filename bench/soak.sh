#!/usr/bin/env bash
# Soak (reliability issue): SOAK_MINUTES (default 30) of mixed load — single events,
# survey answers, points redeems and earns, points reads, reports — on the sanitizer build
# (ASan + LeakSanitizer), sampling loyaltyd's resident memory and open file descriptors
# every 30 s; then SIGTERM, and the exit status and LeakSanitizer's verdict. Flat means the
# last third's mean within 10 % of the samples after the first five minutes' warm-up.
# Usage: bench/soak.sh [MINUTES]
set -euo pipefail
. "$(dirname "$0")/common.sh"
minutes=${1:-${SOAK_MINUTES:-30}}

scripts/deps.sh bench >/dev/null
cmake -S . -B build-soak -DCMAKE_BUILD_TYPE=Debug -DLOYALTYD_SANITIZE=ON >/dev/null
cmake --build build-soak -j"$(nproc)" --target loyaltyd >/dev/null
bench_cluster build-soak
json=$(build-soak/loyaltyd tenant create "Soak shop" 2>/dev/null)
tenant=$(echo "$json" | grep -m1 '"id"' | cut -d'"' -f4)
export BENCH_KEY=$(echo "$json" | grep '"secret"' | cut -d'"' -f4)
port=$(scripts/free_port.sh)
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
LOYALTYD_RATE_LIMIT=0 LOYALTYD_LISTEN=127.0.0.1:$port LOYALTYD_LOG=${LOYALTYD_LOG:-warn} \
  build-soak/loyaltyd serve 2>"$bench_work/serve.log" &
lpid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
api=http://127.0.0.1:$port
auth="Authorization: Bearer $BENCH_KEY"
curl -fs -X PUT "$api/v1/program" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"currency":"EUR","points_per_unit":1,"tiers":[{"name":"basic","threshold":0}],"expiry_days":365,"min_redeem":1}' >/dev/null
BENCH_SURVEY=$(curl -fs -X POST "$api/v1/surveys" -H "$auth" -H 'Content-Type: application/json' \
  -d '{"name":"Soak","kind":"nps","question":"Recommend?"}' | grep -o '"id" *: *"[^"]*"' | head -1 | cut -d'"' -f4)
export BENCH_SURVEY
# every customer funded, so that redeems keep succeeding
for c in $(seq 0 999); do echo "{\"customer_id\":\"c$c\",\"type\":\"order\",\"occurred_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"amount\":\"5000\",\"currency\":\"EUR\",\"order_id\":\"fund-$c\"}"; done \
  | paste -sd, | sed 's/^/{"events":[/; s/$/]}/' > "$bench_work/fund.json"
curl -fs -X POST "$api/v1/events" -H "$auth" -H 'Content-Type: application/json' --data-binary @"$bench_work/fund.json" >/dev/null

samples=$bench_work/samples.csv
echo "minute,rss_kib,fds" > "$samples"
(
  start=$(date +%s)
  while kill -0 "$lpid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' /proc/"$lpid"/status 2>/dev/null || echo 0)
    fds=$(ls /proc/"$lpid"/fd 2>/dev/null | wc -l)
    echo "$(( ($(date +%s) - start) / 60 )),$rss,$fds" >> "$samples"
    sleep 30
  done
) &
sampler=$!
echo "== soak: ${minutes} min of mixed load (wrk -t2 -c16) on the ASan build"
wrk -t2 -c16 -d"${minutes}m" --timeout 10s -s bench/soak_mixed.lua "$api" | tee "$bench_work/wrk.txt"
kill "$sampler" 2>/dev/null || true
mkdir -p bench/out && cp "$samples" bench/out/soak-samples.csv
kill -TERM "$lpid"
set +e
wait "$lpid"
status=$?
set -e
leaks=$(grep -c "LeakSanitizer" "$bench_work/serve.log" || true)
cp "$bench_work/serve.log" bench/out/soak-serve.log
awk -F, -v m="$minutes" 'NR > 1 && $1 >= 5 {n++; r[n] = $2; f[n] = $3}
  END {
    if (n < 3) { print "too few samples"; exit }
    third = int(n / 3); if (third < 1) third = 1
    for (i = 1; i <= third; i++) { r0 += r[i]; f0 += f[i] }
    for (i = n - third + 1; i <= n; i++) { r1 += r[i]; f1 += f[i] }
    r0 /= third; r1 /= third; f0 /= third; f1 /= third
    printf "RSS after warm-up %.1f MiB, last third %.1f MiB (%+.1f %%); fds %.0f then %.0f (%+.1f %%)\n",
      r0 / 1024, r1 / 1024, (r1 - r0) / r0 * 100, f0, f1, (f1 - f0) / f0 * 100
  }' "$samples"
echo "samples: $(($(wc -l < "$samples") - 1)) (minute,rss_kib,fds in bench/out/soak-samples.csv)"
echo "exit status after SIGTERM: $status; LeakSanitizer reports: $leaks"
