#!/usr/bin/env bash
# A private PostgreSQL cluster for loyaltyd: loopback only, its own port and socket
# directory, run as the postgres user (never root).
#   scripts/pg.sh init  DIR PORT   create DIR/data unless present; prints nothing
#   scripts/pg.sh start DIR        start it (waits until it accepts connections)
#   scripts/pg.sh stop  DIR [MODE] stop it (MODE: fast [default], immediate, smart)
#   scripts/pg.sh url   DIR [DB]   print the libpq URI of database DB (default loyaltyd)
#   scripts/pg.sh psql  DIR [DB]   run psql against it (extra arguments from stdin)
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server binaries not found" >&2; exit 1; }

cmd=${1:?usage: pg.sh init|start|stop|url|psql DIR ...}
dir=${2:?usage: pg.sh $cmd DIR}
as_pg() { runuser -u postgres -- "$@"; }

case "$cmd" in
init)
  port=${3:?usage: pg.sh init DIR PORT}
  mkdir -p "$dir"
  if ! runuser -u postgres -- test -x "$dir"; then
    echo "pg.sh: the postgres user cannot enter $dir; choose a directory it can reach" >&2
    exit 1
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir/data" "$dir/run"
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/password"
    chmod 600 "$dir/password"
    chown -R postgres:postgres "$dir/data" "$dir/run"
    cp "$dir/password" "$dir/run/pwfile" && chown postgres "$dir/run/pwfile"
    as_pg "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/run/pwfile" \
      -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    rm -f "$dir/run/pwfile"
    cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
max_connections = 300
shared_buffers = 256MB
logging_collector = off
CONF
    echo "$port" > "$dir/port"
  fi
  ;;
start)
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/run/postgresql.log" -w -t 60 start >/dev/null
  ;;
stop)
  mode=${3:-fast}
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null || true
  fi
  ;;
url)
  db=${3:-loyaltyd}
  echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$(cat "$dir/port")/$db"
  ;;
psql)
  db=${3:-postgres}
  shift 3 || shift $#
  PGPASSWORD=$(cat "$dir/password") psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$(cat "$dir/port")" -U postgres -d "$db" "$@"
  ;;
*)
  echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
