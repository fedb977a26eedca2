#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the hot event queries on a large tenant: EVENTS events
# (default 5,000,000) of 250,000 customers over two years, next to a second tenant of a
# million events, generated in SQL. Prints each plan; bench/RESULTS.md keeps them.
#   bench/explain.sh [EVENTS]
set -euo pipefail
. "$(dirname "$0")/common.sh"
events=${1:-5000000}

bench_build loyaltyd
bench_cluster

start=$(date +%s)
psqlb <<SQL
INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-00000000000a', 'Big shop'),
                                      ('00000000-0000-0000-0000-00000000000b', 'Other shop');
INSERT INTO customers (tenant_id, external_id, created_at)
SELECT t, 'c' || g, '2024-01-01'::timestamptz + (g % 700) * interval '1 day'
FROM generate_series(1, 250000) g,
     (VALUES ('00000000-0000-0000-0000-00000000000a'::uuid), ('00000000-0000-0000-0000-00000000000b')) AS x(t);
-- a deterministic mix: 40 % orders, 5 % refunds, 40 % visits, 15 % reviews
INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at, amount, currency, order_id)
SELECT '00000000-0000-0000-0000-00000000000a', c.id, 'e' || g,
       CASE WHEN g % 20 < 8 THEN 'order' WHEN g % 20 = 8 THEN 'refund' WHEN g % 20 < 17 THEN 'visit' ELSE 'review' END,
       '2024-01-01'::timestamptz + ((g * 7919) % (730 * 86400)) * interval '1 second',
       CASE WHEN g % 20 <= 8 THEN ((g * 31) % 20000) / 100.0 END,
       CASE WHEN g % 20 <= 8 THEN 'EUR' END,
       CASE WHEN g % 20 <= 8 THEN 'o' || (g - g % 20 + 1) END
FROM generate_series(1::bigint, $events) g
JOIN customers c ON c.tenant_id = '00000000-0000-0000-0000-00000000000a' AND c.external_id = 'c' || (1 + (g * 104729) % 250000);
INSERT INTO events (tenant_id, customer_id, type, occurred_at)
SELECT '00000000-0000-0000-0000-00000000000b', c.id, 'visit', '2024-01-01'::timestamptz + (g % 730) * interval '1 day'
FROM generate_series(1, 1000000) g
JOIN customers c ON c.tenant_id = '00000000-0000-0000-0000-00000000000b' AND c.external_id = 'c' || (1 + g % 250000);
VACUUM ANALYZE customers, events;
SQL
echo "== generated in $(( $(date +%s) - start )) s"
psqlb -tAc "SELECT pg_size_pretty(pg_total_relation_size('events')) || ' events table with indexes; ' || count(*) || ' rows' FROM events"

T=00000000-0000-0000-0000-00000000000a
explain() { echo; echo "== $1"; psqlb -c "$2"; }
explain "A customer's events, one page (GET /v1/customers/{id}/events)" \
  "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT rfc3339(e.occurred_at), e.id, event_json(e, 'c42') FROM events e WHERE e.tenant_id = '$T' AND e.customer_id = (SELECT id FROM customers WHERE tenant_id = '$T' AND external_id = 'c42') ORDER BY e.occurred_at, e.id LIMIT 101"
explain "Orders of one month per customer (the shape of retention, cohort and RFM reports)" \
  "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT customer_id, count(*), sum(amount) FROM events WHERE tenant_id = '$T' AND type = 'order' AND occurred_at >= '2025-03-01' AND occurred_at < '2025-04-01' GROUP BY customer_id"
explain "Last order of every customer over two years (RFM recency and frequency)" \
  "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT customer_id, max(occurred_at), count(*) FROM events WHERE tenant_id = '$T' AND type = 'order' GROUP BY customer_id"
explain "Refunds of an order" \
  "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM events WHERE tenant_id = '$T' AND order_id = 'o4001'"
explain "Storing one event with a client id (the ingest statement, rolled back)" \
  "BEGIN; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) INSERT INTO events (tenant_id, customer_id, client_id, type, occurred_at) SELECT '$T', id, 'e17', 'visit', now() FROM customers WHERE tenant_id = '$T' AND external_id = 'c7' ON CONFLICT (tenant_id, client_id) WHERE client_id IS NOT NULL DO NOTHING; ROLLBACK;"
explain "GDPR export of one customer" \
  "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT json_build_object('customer', customer_json(c), 'events', (SELECT coalesce(json_agg(event_json(e, c.external_id) ORDER BY e.occurred_at, e.id), '[]') FROM events e WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id)) FROM customers c WHERE c.tenant_id = '$T' AND c.external_id = 'c42'"
