#!/usr/bin/env bash
# GET /healthz on loyaltyd vs a bare libmicrohttpd hello server (bench/hello.c) built with
# the same daemon flags and thread pool, measured with wrk in the same run on the same
# machine; prints each rate, the ratio (goal >= 0.8) and loyaltyd's resident memory.
#   bench/healthz.sh [SECONDS] [CONNECTIONS] [THREADS]
# Rounds alternate (hello, loyaltyd, hello, loyaltyd, ...) so drift on a shared machine
# hits both alike; the ratio is of the medians.
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-10}
conns=${2:-64}
threads=${3:-4}
rounds=${ROUNDS:-3}

bench_build loyaltyd bench_hello
bench_cluster
LOYALTYD_LOG=${LOYALTYD_LOG:-info} LOYALTYD_THREADS=$threads bench_serve
lport=$bench_port
lpid=$bench_lpid
hport=$(scripts/free_port.sh)
build-bench/bench/bench_hello "$hport" "$threads" &
bench_pids+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$hport/" >/dev/null && break; sleep 0.1; done

rate() { wrk -t2 -c"$conns" -d"${secs}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
hello=(); loy=()
for r in $(seq 1 "$rounds"); do
  hello+=("$(rate "http://127.0.0.1:$hport/healthz")")
  loy+=("$(rate "http://127.0.0.1:$lport/healthz")")
  echo "round $r: hello ${hello[-1]} req/s, loyaltyd ${loy[-1]} req/s"
done
h=$(printf '%s\n' "${hello[@]}" | median)
l=$(printf '%s\n' "${loy[@]}" | median)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$lpid/status")
echo "wrk -t2 -c$conns -d${secs}s, $threads server threads, $rounds rounds, medians:"
echo "  bare libmicrohttpd: $h req/s"
echo "  loyaltyd /healthz:  $l req/s (access log on, level info)"
awk -v l="$l" -v h="$h" 'BEGIN {printf "  ratio: %.2f (goal >= 0.8)\n", l / h}'
echo "  loyaltyd RSS after the run: $((rss / 1024)) MiB"
