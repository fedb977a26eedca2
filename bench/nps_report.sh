#!/usr/bin/env bash
# GET /v1/reports/nps with weekly buckets over one year of ANSWERS answers (default
# 1,000,000) vs the same aggregate as bare SQL in psql (sql/reports/survey_counts.sql,
# prepared and executed in one psql session), on the same private PostgreSQL, in one
# run. Prints the median times and their ratio (goal <= 1.3).
#   bench/nps_report.sh [ANSWERS] [RUNS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
answers=${1:-1000000}
runs=${2:-7}

bench_build loyaltyd
bench_cluster
bench_tenant "NPS shop"
tenant=$bench_tenant_id
key=$bench_key
survey=$(psqlb -tAc "INSERT INTO surveys (tenant_id, kind, name, question) VALUES ('$tenant', 'nps', 'NPS', 'Recommend us?') RETURNING id")
start=$(date +%s)
psqlb <<SQL
INSERT INTO customers (tenant_id, external_id) SELECT '$tenant', 'c' || g FROM generate_series(1, 200000) g;
-- scores skewed like a real NPS (about 50 % promoters, 30 % passives, 20 % detractors),
-- 30 % anonymous, spread over 2026
INSERT INTO survey_responses (tenant_id, survey_id, customer_id, score, channel, responded_at, comment)
SELECT '$tenant', '$survey',
       CASE WHEN g % 10 < 3 THEN NULL ELSE (SELECT min(id) FROM customers) + (g * 7919) % 200000 END,
       (ARRAY[0,1,2,3,4,5,6,6,7,7,7,8,8,8,9,9,9,9,9,10,10,10,10,10,10])[1 + (g * 31) % 25],
       (ARRAY['email','web','in_app','sms','other'])[1 + g % 5],
       '2026-01-01'::timestamptz + ((g * 104729) % (365 * 86400)) * interval '1 second',
       CASE WHEN g % 5 = 0 THEN 'comment ' || g END
FROM generate_series(1::bigint, $answers) g;
VACUUM ANALYZE customers, survey_responses;
SQL
echo "== $answers answers generated in $(( $(date +%s) - start )) s"

LOYALTYD_LOG=warn bench_serve
port=$bench_port

q="survey_id=$survey&from=2026-01-01&to=2027-01-01&interval=week&tz=Europe/Zagreb"
# bare SQL: the same statement, prepared once, executed RUNS times (after one warm-up)
sql=$(grep -v '^ *--' sql/reports/survey_counts.sql)
psql_ms=$( { echo "PREPARE r AS $sql;";
             echo "\\o /dev/null"; echo "EXECUTE r('$tenant', '$survey', NULL, '2026-01-01', '2027-01-01', 'Europe/Zagreb', 'week', false, 'nps');";
             echo "\\timing on";
             for _ in $(seq 1 "$runs"); do echo "EXECUTE r('$tenant', '$survey', NULL, '2026-01-01', '2027-01-01', 'Europe/Zagreb', 'week', false, 'nps');"; done; } \
           | psqlb 2>&1 | awk '/^Time:/ {print $2}' | median)
curl -fs "http://127.0.0.1:$port/v1/reports/nps?$q" -H "Authorization: Bearer $key" >/dev/null # warm-up
http_ms=$(for _ in $(seq 1 "$runs"); do
            curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/v1/reports/nps?$q" -H "Authorization: Bearer $key"
          done | awk '{print $1 * 1000}' | median)
curl -fs "http://127.0.0.1:$port/v1/reports/nps?$q" -H "Authorization: Bearer $key" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print("  report: responses", r["responses"], "nps", r["nps"], "moe", r["margin_of_error"], "buckets", len(r["series"]))' 2>/dev/null || true
echo "== NPS report, weekly over 2026, $answers answers, medians of $runs"
echo "  bare SQL in psql:        $psql_ms ms"
echo "  GET /v1/reports/nps:     $http_ms ms"
awk -v h="$http_ms" -v p="$psql_ms" 'BEGIN {printf "  ratio: %.2f (goal <= 1.3)\n", h / p}'
