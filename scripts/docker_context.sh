#!/usr/bin/env bash
# Builds loyaltyd from exactly the files the Dockerfile's build stage copies, the way it
# builds them, and runs the result: the image's build cannot miss a file without this
# failing. (This machine has no container engine and no registry for debian:bookworm;
# where one is, `podman build .` is the full check.) Usage: scripts/docker_context.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ctx=$(mktemp -d /tmp/loyaltyd-docker.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cd "$root"
# the COPY lines of the build stage (before the second FROM): sources… destination
awk '/^FROM/ { n++ } n == 1 && /^COPY / && !/--from/ { $1 = ""; print }' Dockerfile |
  while read -r -a args; do
    dest=${args[-1]}
    unset 'args[-1]'
    for src in "${args[@]}"; do
      case "$dest" in
        */) mkdir -p "$ctx/$dest"; cp -a "$src" "$ctx/$dest" ;;
        ./) cp -a "$src" "$ctx/" ;;
        *) mkdir -p "$(dirname "$ctx/$dest")"; cp -a "$src" "$ctx/$dest" ;;
      esac
    done
  done
# the build stage's RUN steps that make the binary (npm ci of web/, then CMake)
(cd "$ctx/web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd "$ctx" && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLOYALTYD_BUILD_TESTS=OFF >/dev/null &&
  cmake --build build -j"$(nproc)" --target loyaltyd >/dev/null)
"$ctx/build/loyaltyd" --version
echo "docker context: loyaltyd builds from the Dockerfile's files alone"
