#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang, ASan and UBSan in
# build-fuzz/, seeds each with its regressions and the real payloads of
# tests/fixtures/webhooks, and runs each for FUZZ_SECONDS (default 60). A crash fails the
# run, and its input is copied to tests/fuzz/regressions/<target>/ (commit it with the
# fix: ctest replays every file there). A longer run: FUZZ_SECONDS=3600 scripts/fuzz.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
secs=${FUZZ_SECONDS:-60}
targets=$(ls tests/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//')

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLOYALTYD_SANITIZE=ON \
  -DLOYALTYD_FUZZ=ON >/dev/null
# shellcheck disable=SC2086
cmake --build build-fuzz -j"$(nproc)" --target $targets >/dev/null

seeds=build-fuzz/seeds
rm -rf "$seeds"
for t in $targets; do
  mkdir -p "$seeds/$t" "build-fuzz/corpus/$t"
  cp tests/fuzz/regressions/"$t"/* "$seeds/$t/" 2>/dev/null || true
done
# the real payloads: as validator input (after a selector byte) and as webhook deliveries
# (a selector byte, a 44-byte signature header, the body)
n=0
for f in tests/fixtures/webhooks/*/*.json tests/fixtures/webhooks/*/*.txt; do
  n=$((n + 1))
  for sel in 0 1 2 3 4; do
    { printf "\\x0$sel"; cat "$f"; } > "$seeds/fuzz_inputs/fixture-$n-$sel"
  done
  for sel in 00 04 05 07 08 0a 0c; do
    { printf "\\x$sel"; printf 'hvTE9wpDzMcDnPEuHWvYZ58ElKn5vHs0LomurfNIuUc='; cat "$f"; } \
      > "$seeds/fuzz_webhooks/fixture-$n-$sel"
  done
done
printf '%s' '/v1/customers/cust%2F42/points/history' > "$seeds/fuzz_parsers/path"
printf '%s' '2026-03-01T12:00:00+01:00' > "$seeds/fuzz_parsers/time"
printf '%s' '19.9900' > "$seeds/fuzz_parsers/amount"
printf '%s' 'for=192.0.2.43;proto=https, for="[2001:db8:cafe::17]:4711"' > "$seeds/fuzz_parsers/forwarded"
printf '%s' '198.51.100.1, 203.0.113.7:80, [2001:db8::1]:4711' > "$seeds/fuzz_parsers/xff"
printf '%s' '127.0.0.1/32, 10.0.0.0/8, ::ffff:192.0.2.0/120, ::1' > "$seeds/fuzz_parsers/proxies"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in $targets; do
  log=build-fuzz/$t.log
  if ! "build-fuzz/tests/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="build-fuzz/$t-" \
       "build-fuzz/corpus/$t" "$seeds/$t" >"$log" 2>&1; then
    failed=1
    echo "fuzz: $t crashed; see $log"
    for a in build-fuzz/"$t"-crash-* build-fuzz/"$t"-leak-* build-fuzz/"$t"-timeout-* build-fuzz/"$t"-oom-*; do
      [ -f "$a" ] && cp "$a" "tests/fuzz/regressions/$t/" && echo "fuzz: kept $a as a regression"
    done
  fi
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
  echo "fuzz: $t: ${runs:-?} executions in ${secs}s, $cov, corpus $(ls "build-fuzz/corpus/$t" | wc -l) inputs"
done
exit $failed
