#!/usr/bin/env bash
# Runs every shell block of README.md, in order and in one bash (so the variables one
# block sets are there in the next), against a loyaltyd of its own, and fails when a
# command fails or a curl answers a status other than the one the README documents.
#
# Usage: scripts/readme_check.sh LOYALTYD_BINARY     (ctest: the test "readme")
# Needs LOYALTYD_TEST_ADMIN_URL (a PostgreSQL URL with the right to create databases, as
# scripts/test.sh exports); the check creates and drops the database loyaltyd_readme.
#
# The README's conventions, which this script enforces:
#   - Blocks opened with ```sh or ```bash are run; ```sh norun (or ```bash norun) marks a
#     block that must not run here (scripts/run.sh, scripts/test.sh, docker, long runs).
#     Other blocks (```, ```json, ```html) are not shell and are never run.
#   - The blocks run from the repository root, under `set -eu`: a command that fails, or a
#     variable used before a block set it, fails the check.
#   - Every curl must answer a 2xx status, unless the README documents another one for
#     it: a comment on the command's last line that starts with the status (`# 304`,
#     `# → 404`, `# 204; the last one: 409`: the first one counts), or a comment line
#     right after the command that starts with an arrow and the status (`# → 422 {…}`).
#     A comment without a status (`# → {"accepted":1,…}`) means 2xx.
#   - A comment on a curl's line that is a whole JSON object without an ellipsis
#     (`# {"status":"ok"}`) is its exact answer: the answer must equal it as JSON.
#   - Substituted before running, so that the walk-through works on this check's server:
#     http://127.0.0.1:8080 becomes this server's address, and var/demo-tenant.json (the
#     demo tenant scripts/run.sh creates) a tenant this check creates the same way;
#     this check's server runs with the LOYALTYD_ADMIN_TOKEN the first
#     `export LOYALTYD_ADMIN_TOKEN=…` line of the README sets, and with
#     LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1, as the README asks for its outbound events (their
#     endpoint is http://127.0.0.1:9/hook: the check needs no DNS and no receiver).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# 1. Turn the README's shell blocks into one script. Each logical command (continuation
# lines, quoted strings over several lines and lines ending in | && || joined) is preceded
# by its README line and the status it must answer, and by a check of what the curls of
# the commands before it answered (they may have run in a subshell: $(curl …), pipes).
extract() {
awk '
  function status_of(comment, arrow_required,   m) {
    # comment: the text after "#"; the first token, after an optional arrow, is a status
    sub(/^[ \t]*/, "", comment)
    if (comment ~ /^→/) { sub(/^→[ \t]*/, "", comment) }
    else if (arrow_required) return ""
    if (match(comment, /^[1-5][0-9][0-9]([^0-9]|$)/)) return substr(comment, 1, 3)
    return ""
  }
  # a comment that is a whole JSON object, without an ellipsis, is the exact answer
  function body_of(comment,   b) {
    b = comment
    sub(/^[ \t]*(→[ \t]*)?([1-5][0-9][0-9][ \t]+)?/, "", b); sub(/[ \t]+$/, "", b)
    if (b !~ /^\{.*\}$/ || b ~ /…/) return ""
    gsub(/\047/, "\047\\\047\047", b)
    return b
  }
  function flush_pending() {
    if (pending == "") return
    printf "__check; __line=%d; __expect=%s; __body=\047%s\047\n%s\n", pending_line,
      (pending_status == "" ? "2xx" : pending_status), pending_body, pending
    pending = ""
  }
  # scans one line, carrying the quoting state over lines; sets line_comment
  function scan(line,   i, c, n, prev) {
    line_comment = ""
    n = length(line)
    for (i = 1; i <= n; i++) {
      c = substr(line, i, 1)
      if (state == "s") { if (c == "\047") state = ""; continue }
      if (c == "\\") { i++; continue }
      if (state == "d") { if (c == "\"") state = ""; continue }
      if (c == "\047") { state = "s"; continue }
      if (c == "\"") { state = "d"; continue }
      prev = (i == 1) ? " " : substr(line, i - 1, 1)
      if (c == "#" && (prev == " " || prev == "\t" || prev == ";")) { line_comment = substr(line, i + 1); return }
    }
  }
  /^```/ {
    if (!inblock) {
      if ($0 ~ /^```(sh|bash)[ \t]*$/) { inblock = 1; run = 1 }
      else if ($0 ~ /^```(sh|bash)[ \t]+norun[ \t]*$/) { inblock = 1; run = 0 }
      else if ($0 ~ /^```/) { inblock = 1; run = 0 }
      state = ""; cmd = ""
      if (run) printf "__block %d\n", NR
      next
    }
    inblock = 0
    if (run) { flush_pending(); if (cmd != "") { print "README.md:" cmd_line ": a command is not finished at the end of its block" > "/dev/stderr"; bad = 1 } }
    run = 0
    next
  }
  !inblock || !run { next }
  {
    if (cmd == "") {
      # a line outside any command: blank, a comment, or the start of the next command
      if ($0 ~ /^[ \t]*$/) { next }
      if ($0 ~ /^[ \t]*#/) {
        c = $0; sub(/^[ \t]*#/, "", c)
        if (pending != "" && pending_status == "" && !pending_commented) pending_status = status_of(c, 1)
        pending_commented = 1
        next
      }
      flush_pending()
      cmd_line = NR
    }
    scan($0)
    cmd = (cmd == "") ? $0 : cmd "\n" $0
    if (state != "") next
    code = $0
    if (line_comment != "") code = substr($0, 1, length($0) - length(line_comment) - 1)
    if (code ~ /(\\|\||&&|\|\|)[ \t]*$/) next
    pending = cmd; pending_line = cmd_line; pending_commented = 0
    pending_status = (line_comment != "") ? status_of(line_comment, 0) : ""
    pending_body = (line_comment != "") ? body_of(line_comment) : ""
    cmd = ""
  }
  END { flush_pending(); if (inblock) { print "README.md: a block is not closed" > "/dev/stderr"; bad = 1 } exit bad }
' README.md
}
if [ "${1:-}" = --extract ]; then
  extract
  exit
fi

bin=${1:?usage: scripts/readme_check.sh LOYALTYD_BINARY | --extract}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
: "${LOYALTYD_TEST_ADMIN_URL:?is unset: run scripts/test.sh, or source the dev environment}"
cd "$root"

work=$(mktemp -d /tmp/loyaltyd-readme.XXXXXX)
db=loyaltyd_readme
db_url="${LOYALTYD_TEST_ADMIN_URL%/*}/$db"
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  PGOPTIONS="-c client_min_messages=warning" psql -q "$LOYALTYD_TEST_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# 2. The script of the README's blocks.
extract > "$work/blocks.sh"

# 3. A database, a server and a demo tenant of this check's own.
port=$(scripts/free_port.sh)
PGOPTIONS="-c client_min_messages=warning" psql -q "$LOYALTYD_TEST_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql -q "$LOYALTYD_TEST_ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
export LOYALTYD_DATABASE_URL=$db_url
"$bin" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; exit 1; }
"$bin" tenant create "Demo shop" >"$work/demo-tenant.json" 2>>"$work/migrate.log"
# the token the README's own blocks export, so that their assignment holds here too
admin_token=$(sed -n 's/^export LOYALTYD_ADMIN_TOKEN=\([^ ]*\).*/\1/p' README.md | head -n 1)
admin_token=${admin_token:-readme-check-$RANDOM$RANDOM}
LOYALTYD_LISTEN=127.0.0.1:$port LOYALTYD_ADMIN_TOKEN=$admin_token LOYALTYD_THREADS=4 \
  LOYALTYD_DB_POOL=4 LOYALTYD_INGEST_LINGER_US=0 LOYALTYD_OUTBOUND_ALLOW_PRIVATE=1 \
  "$bin" serve 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 300); do
  if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.log"; echo "readme: loyaltyd exited" >&2; exit 1; fi
  sleep 0.1
done

sed -e "s#http://127\.0\.0\.1:8080#http://127.0.0.1:$port#g" \
    -e "s#var/demo-tenant\.json#$work/demo-tenant.json#g" "$work/blocks.sh" > "$work/run.sh"

# 4. Run it: curl is wrapped to see each answer's status without changing its output.
cat > "$work/prelude.sh" <<'EOF'
set -eu
__fails=$__work/fails
: > "$__fails"
__line=0
__expect=2xx
__body=
trap 'echo "README.md:$__line: the command failed (exit $?)" >> "$__fails"' ERR
trap '__rc=$?; [ $__rc = 0 ] || echo "README.md:$__line: the blocks stopped here (exit $__rc)" >> "$__fails"' EXIT
__block() { echo "== README.md:$1" >&2; }
__check() {
  if [ -s "$__fails" ]; then exit 1; fi
}
curl() {
  local args=() fmt= have_fmt=0 err rc status
  while [ $# -gt 0 ]; do
    case "$1" in
      -w|--write-out) fmt=$2; have_fmt=1; shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  err=$(mktemp "$__work/curl.XXXXXX")
  rc=0
  if [ -n "$__body" ]; then
    command curl "${args[@]}" -w "$fmt%{stderr}@@status %{http_code}@@" 2>"$err" >"$err.out" || rc=$?
    cat "$err.out"
    if ! [ "$(jq -cS . "$err.out" 2>&1)" = "$(printf '%s' "$__body" | jq -cS .)" ]; then
      echo "README.md:$__line: the answer is not the one the README shows: $__body" >> "$__fails"
      body_ok=0
    fi
    rm -f "$err.out"
  else
    command curl "${args[@]}" -w "$fmt%{stderr}@@status %{http_code}@@" 2>"$err" || rc=$?
  fi
  status=$(sed -n 's/.*@@status \([0-9]*\)@@.*/\1/p' "$err" | tail -n 1)
  sed 's/@@status [0-9]*@@//' "$err" | grep -v '^$' >&2 || true
  rm -f "$err"
  local ok=0 body_ok=1
  case "$__expect" in
    2xx) case "$status" in 2??) ok=1 ;; esac ;;
    *) [ "$status" = "$__expect" ] && ok=1 ;;
  esac
  # 23: a reader (head) stopped reading; the answer's status is still known
  if [ $ok = 1 ] && { [ $rc = 0 ] || [ $rc = 23 ]; }; then
    return $(( 1 - body_ok ))
  fi
  echo "README.md:$__line: curl answered ${status:-nothing} (exit $rc), the README says $__expect" >> "$__fails"
  return 1
}
EOF
export LOYALTYD_ADMIN_TOKEN=$admin_token
export __work=$work
started=$(date +%s)
set +e
bash -c 'source "$1"; source "$2"; __check' readme "$work/prelude.sh" "$work/run.sh"
rc=$?
set -e
if [ $rc -ne 0 ]; then
  echo >&2
  sort -u "$work/fails" >&2 2>/dev/null || true
  echo "readme: FAILED (the server's log: below)" >&2
  tail -n 20 "$work/server.log" >&2
  exit 1
fi
echo "readme: every block of README.md ran as documented ($(( $(date +%s) - started )) s)"
