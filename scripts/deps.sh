#!/usr/bin/env bash
# Installs what loyaltyd needs from Debian 12's archive, only what is missing, with one
# 'apt-get update' at most. Usage: scripts/deps.sh run|test|bench
set -euo pipefail

# nodejs and npm: the build installs the dashboard's charting library from web/'s lock file;
# libcurl4-openssl-dev: the outbound events' deliveries (libcurl over OpenSSL);
# jq and openssl: the README's walk-through reads answers with jq and signs with openssl
want=(gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libpq-dev libssl-dev
      libcurl4-openssl-dev
      postgresql-15 postgresql-client-15 curl util-linux nodejs npm jq openssl)
if [ "${1:-run}" = test ] || [ "${1:-run}" = bench ]; then
  # slowhttptest: the slow-client tests; clang with libFuzzer: the fuzz targets;
  # chromium: the dashboard and widget tests (driven by playwright-core from npm)
  want+=(libcmocka-dev clang-format wrk bc slowhttptest clang libclang-rt-dev)
fi
if [ "${1:-run}" = test ]; then
  want+=(chromium)
fi
if [ "${1:-run}" = bench ]; then
  want+=(python3) # the real-data loader
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm may come from outside Debian's package (e.g. a newer global npm); accept any npm.
if command -v npm >/dev/null 2>&1; then
  tmp=()
  for p in "${missing[@]}"; do
    case "$p" in nodejs|npm) ;; *) tmp+=("$p") ;; esac
  done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
