#!/usr/bin/env bash
# Real data (retention/RFM issue): loads the UCI Online Retail data set through
# POST /v1/events (bench/online_retail.py), then times the cohort, retention and RFM
# reports over it (curl time_total, median of 5 after one warm-up) and prints what they
# yield. Usage: bench/online_retail.sh DATA_GZ, a gzipped CSV of the data set (UCI
# Machine Learning Repository, "Online Retail",
# https://archive.ics.uci.edu/dataset/352/online+retail) with at least the columns
# InvoiceNo, Quantity, InvoiceDate, UnitPrice and CustomerID; it is not in the repository.
set -euo pipefail
. "$(dirname "$0")/common.sh"
data=${1:?usage: bench/online_retail.sh DATA_GZ (the Online Retail CSV, gzipped)}

bench_build loyaltyd
bench_cluster
bench_tenant "Online Retail"
LOYALTYD_LOG=${LOYALTYD_LOG:-warn} bench_serve
api="http://127.0.0.1:$bench_port"

echo "== load"
python3 bench/online_retail.py "$data" "$api" "$bench_key"
# A fresh cluster has no statistics yet; autovacuum gathers them within a minute of the
# load (autovacuum_naptime). Do it now, so the timings are those of a settled database.
psqlb -qc "ANALYZE"


# time_report NAME PATH: prints the median of 5 timed requests and keeps the answer.
time_report() {
  local times=() t
  curl -fsS "$api$2" -H "Authorization: Bearer $bench_key" -o "$bench_work/$1.json"
  for _ in 1 2 3 4 5; do
    t=$(curl -fsS -o /dev/null -w '%{time_total}' "$api$2" -H "Authorization: Bearer $bench_key")
    times+=("$t")
  done
  echo "  $1: $(printf '%s\n' "${times[@]}" | median | awk '{printf "%.0f", $1 * 1000}') ms  ($2)"
}

echo "== reports (median of 5)"
time_report cohorts "/v1/reports/cohorts?from=2010-12-01&to=2011-12-10&interval=month"
time_report retention "/v1/reports/retention?from=2011-01-01&to=2011-12-01&window_days=90&interval=month"
time_report rfm "/v1/reports/rfm?as_of=2011-12-10"
time_report segments "/v1/reports/segments?as_of=2011-12-10"
time_report clv "/v1/reports/clv?by=rfm_segment"

# A segment's customer list carries each customer's RFM figures (docs/DESIGN.md §5), so every
# list scores the shop once. Baseline: the bare SQL of the list without them (the members
# and their customer rows, as the list was before), in psql, server time (EXPLAIN ANALYZE,
# median of 5): what the figures cost.
bare_list() {
  local times=() t
  for _ in 1 2 3 4 5; do
    t=$(psqlb -tAc "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON)
        SELECT c.id, customer_json(c) FROM customers c
        WHERE c.tenant_id = '$bench_tenant_id'
          AND c.id IN (SELECT s.customer_id FROM segment_customers('$bench_tenant_id', '$1',
                       90, 10, '2011-12-10', 'UTC', program_current('$bench_tenant_id')) s)
        ORDER BY c.id LIMIT 1001" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | median
}
echo "== segment lists (median of 5; baseline: the bare SQL of the list without RFM figures)"
for seg in hibernating champions lapsed key_customers; do
  time_report "seg_$seg" "/v1/segments/$seg/customers?as_of=2011-12-10&limit=1000" | tee "$bench_work/seg.txt"
  ms=$(awk '{print $2}' "$bench_work/seg.txt")
  bare=$(bare_list "$seg")
  awk -v h="$ms" -v b="$bare" -v s="$seg" \
    'BEGIN {printf "    %s without RFM figures, bare SQL: %.0f ms; ratio %.2f\n", s, b, h / b}'
done
t=$(curl -fsS -o "$bench_work/hib.csv" -w '%{time_total}' -H 'Accept: text/csv' \
      "$api/v1/segments/hibernating/customers?as_of=2011-12-10" -H "Authorization: Bearer $bench_key")
echo "  CSV of hibernating: $(( $(wc -l < "$bench_work/hib.csv") - 1 )) rows in $(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}') ms"

echo "== what they yield"
python3 - "$bench_work" <<'PY'
import json, sys
w = sys.argv[1]
c = json.load(open(f"{w}/cohorts.json"))
print("  cohorts (size; share ordering in months +1, +2, +3, +6, +11):")
for co in c["cohorts"]:
    p = co["periods"]
    pick = lambda k: f"{p[k]['rate']:.1f}" if k < len(p) and p[k]["rate"] is not None else "-"
    print(f"    {co['cohort'][:7]}  {co['customers']:5d}  " + "  ".join(pick(k) for k in (1, 2, 3, 6, 11)))
r = json.load(open(f"{w}/retention.json"))
print(f"  retention 2011-01-01..2011-12-01, window 90 days: start {r['start']}, end {r['end']}, "
      f"new {r['new']}, reactivated {r['reactivated']}, retained {r['retained']}, lost {r['lost']}, "
      f"rate {r['retention_rate']}, churn {r['churn_rate']}")
print("  by month (start, end, retention_rate, churn_rate):")
for s in r["series"]:
    print(f"    {s['from'][:7]}  {s['start']:5d} {s['end']:5d}  {s['retention_rate']}  {s['churn_rate']}")
f = json.load(open(f"{w}/rfm.json"))
print(f"  RFM as of 2011-12-10: {f['customers']} customers")
for s in f["segments"]:
    print(f"    {s['segment']:20s} {s['customers']:5d}  {s['share']:6.2f} %  revenue {s['revenue']}")
print("  grid (R rows 1..5, F columns 1..5):", f["grid"])
PY
