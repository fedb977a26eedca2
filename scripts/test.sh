#!/usr/bin/env bash
# Installs web/'s front-end dependencies from their lock file, builds loyaltyd with -Werror
# under ASan + UBSan, starts a throwaway PostgreSQL cluster on a free loopback port, applies
# migrations, lints openapi.yaml, runs every test with ctest (unit, integration, contract,
# the dashboard and widget in headless Chromium), runs each libFuzzer target for
# FUZZ_SECONDS (60), tears everything down, and exits non-zero on any failure. Run as root
# on a fresh Debian 12 machine; .ci/run calls it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)

echo "== dependencies"
scripts/deps.sh test
if [ ! -x scripts/tools/node_modules/.bin/redocly ] || [ ! -x scripts/tools/node_modules/.bin/prism ] ||
   [ ! -f scripts/tools/node_modules/playwright-core/package.json ] ||
   [ ! -f scripts/tools/node_modules/axe-core/axe.min.js ] ||
   [ ! -f scripts/tools/node_modules/standardwebhooks/package.json ]; then
  (cd scripts/tools && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== format"
if ! clang-format --dry-run --Werror server/*.c server/*/*.[ch] tests/unit/*.c tests/integration/*.c tests/integration/*.h tests/fuzz/*.c bench/*.c; then
  echo "format: run clang-format -i on the files above" >&2
  exit 1
fi

echo "== layers (server/'s includes one way, no cycle)"
scripts/check_layers.sh

echo "== web (npm ci of web/ from its lock file)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)

echo "== build (ASan + UBSan, -Werror)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DLOYALTYD_SANITIZE=ON -DLOYALTYD_WERROR=ON >/dev/null
cmake --build build-test -j"$(nproc)" 2>&1 | grep -v '^\[' || true
[ -x build-test/loyaltyd ] || { echo "build failed" >&2; exit 1; }
cmake --build build-test -j"$(nproc)" >/dev/null

echo "== build (plain, for the memory test: ASan's allocator keeps what is freed)"
cmake -S . -B build-plain -DCMAKE_BUILD_TYPE=Release -DLOYALTYD_SANITIZE=OFF -DLOYALTYD_WERROR=ON >/dev/null
cmake --build build-plain -j"$(nproc)" --target loyaltyd >/dev/null
export LOYALTYD_TEST_PLAIN_BIN="$root/build-plain/loyaltyd"

echo "== Dockerfile (loyaltyd from exactly the files its build stage copies)"
scripts/docker_context.sh

echo "== OpenAPI lint"
scripts/tools/node_modules/.bin/redocly lint --config scripts/tools/redocly.yaml openapi.yaml

echo "== PostgreSQL"
pgdir=$(mktemp -d /tmp/loyaltyd-test.XXXXXX)
chmod 755 "$pgdir"
teardown() {
  scripts/pg.sh stop "$pgdir" immediate || true
  rm -rf "$pgdir"
}
trap teardown EXIT
scripts/pg.sh init "$pgdir" "$(scripts/free_port.sh)"
scripts/pg.sh start "$pgdir"
scripts/pg.sh psql "$pgdir" postgres -c "CREATE DATABASE loyaltyd_test"
export LOYALTYD_TEST_DATABASE_URL=$(scripts/pg.sh url "$pgdir" loyaltyd_test)
export LOYALTYD_TEST_ADMIN_URL=$(scripts/pg.sh url "$pgdir" postgres)
export LOYALTYD_TEST_PG="$root/scripts/pg.sh"
export LOYALTYD_TEST_PGDIR="$pgdir"
export LOYALTYD_TEST_PRISM="$root/scripts/tools/node_modules/.bin/prism"
export LOYALTYD_TEST_OPENAPI="$root/openapi.yaml"
LOYALTYD_DATABASE_URL=$LOYALTYD_TEST_DATABASE_URL build-test/loyaltyd migrate

echo "== tests"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
set +e
(cd build-test && ctest --output-on-failure --timeout 300)
rc=$?
set -e

echo "== fuzz (libFuzzer, ${FUZZ_SECONDS:-60} s a target)"
if ! scripts/fuzz.sh; then
  rc=1
fi
echo "== done in $(( $(date +%s) - started )) s"
exit $rc
