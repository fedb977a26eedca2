#!/usr/bin/env bash
# The ingest statement alone (sql/queries/events_insert.sql, one single event a statement,
# for a tenant without a programme) under pgbench -M prepared -c 8, against the plain
# single INSERT of bench/ingest.sh and the same statement without its points part (the
# programmes and earned CTEs), alternating rounds on one private cluster. With
# PROGRAM_CURRENT_AB=1 each round also runs the statement with program_current() as the
# SQL-standard function of migration 0015, then as the PL/pgSQL one of 0020.
#   bench/ingest_statement.sh [SECONDS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
secs=${1:-4}

bench_build loyaltyd
bench_cluster
bench_tenant "Bench shop"
psqlb -qc "INSERT INTO customers (tenant_id, external_id) SELECT '$bench_tenant_id', 'c' || g FROM generate_series(0, 1000) g"

# pgbench scripts from the statement: the batch parameter becomes one event built from
# pgbench variables; comments go (pgbench reads one line).
python3 - sql/queries/events_insert.sql "$bench_work" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
def script(sql, name):
    sql = "\n".join(re.sub(r"--.*$", "", l) for l in sql.splitlines())
    sql = sql.replace("$1::jsonb", "format('[{\"t\":\"%s\",\"j\":\"0\",\"id\":\"pg-%s-%s\","
                      "\"customer_id\":\"c%s\",\"type\":\"visit\",\"occurred_at\":\"2026-01-01T00:00:00Z\"}]',"
                      " :tenant::text, :n::text, :client_id::text, :cust::text)::jsonb")
    with open(f"{sys.argv[2]}/{name}.sql", "w") as f:
        f.write("\\set cust random(1, 1000)\n\\set n random(1, 1000000000000)\n" + " ".join(sql.split()) + ";\n")
script(src, "statement")
i, j = src.index("), programmes AS ("), src.index("), rolled AS (")
script((src[:i] + src[j:]).replace("CROSS JOIN earned", ""), "no_points")
PY

pgb() {
  PGPASSWORD=$(cat "$bench_work/pg/password") pgbench -n -h 127.0.0.1 -p "$(cat "$bench_work/pg/port")" \
    -U postgres -M prepared -c 8 -j 2 -T "$secs" -D tenant="$bench_tenant_id" -f "$1" loyaltyd \
    | awk '/^tps/ {printf "%.0f", $3}'
}
sql_fn="CREATE OR REPLACE FUNCTION program_current(t uuid) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
        RETURN (SELECT p.config FROM loyalty_programs p WHERE p.tenant_id = t ORDER BY p.version DESC LIMIT 1)"
plpgsql_fn="CREATE OR REPLACE FUNCTION program_current(t uuid) RETURNS jsonb LANGUAGE plpgsql STABLE PARALLEL SAFE
        AS \$\$ BEGIN RETURN (SELECT p.config FROM loyalty_programs p WHERE p.tenant_id = t
                              ORDER BY p.version DESC LIMIT 1); END \$\$"
echo "== pgbench -M prepared -c 8, ${secs} s each, statements a second"
for r in $(seq 1 "${ROUNDS:-3}"); do
  line="round $r: plain INSERT $(pgb bench/pgbench_event.sql)"
  if [ "${PROGRAM_CURRENT_AB:-0}" = 1 ]; then
    psqlb -qc "$sql_fn"
    line+=", statement (program_current in SQL) $(pgb "$bench_work/statement.sql")"
    psqlb -qc "$plpgsql_fn"
  fi
  line+=", statement $(pgb "$bench_work/statement.sql"), without its points part $(pgb "$bench_work/no_points.sql")"
  echo "  $line"
done
