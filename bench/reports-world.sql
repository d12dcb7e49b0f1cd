-- The reports benchmark's world, written with set-based SQL (a few seconds per million rows):
-- :tickets tickets evenly over the :months Jalali months before :end, 50 customers, 4 products,
-- :outcomes recorded SLA outcomes (first response, resolution and review per ticket; every
-- third ticket reopened and resolved again), a breach escalation and an outbox row for each
-- missed target, timelines with openings, reopenings and waits, claims with credit notes,
-- outages and change requests. Placeholders (:name) are filled by bench/reports.bench.ts.

CREATE TEMP TABLE bench_products AS
SELECT n - 1 AS idx, gen_random_uuid() AS id FROM generate_series(1, 4) n;
INSERT INTO products (id, key, vendor_id, department_id, name, name_fa, credit_table)
SELECT b.id, 'bench-product-' || b.idx, d.vendor_id, d.id, 'Bench product ' || b.idx, 'محصول ' || b.idx, 'owj'
FROM bench_products b JOIN LATERAL (SELECT * FROM departments ORDER BY name OFFSET b.idx % 2 LIMIT 1) d ON true;

CREATE TEMP TABLE bench_customers AS
SELECT n - 1 AS idx, gen_random_uuid() AS id FROM generate_series(1, 50) n;
INSERT INTO customers (id, name) SELECT id, 'مشتری ' || idx FROM bench_customers;

CREATE TEMP TABLE bench_contracts AS
SELECT c.idx * 4 + p.idx AS idx, gen_random_uuid() AS id, c.id AS customer_id, p.id AS product_id FROM bench_customers c CROSS JOIN bench_products p;
INSERT INTO contracts (id, customer_id, product_id, policy_id, plan, starts_at, ends_at, paid, price_rials)
SELECT b.id, b.customer_id, b.product_id, (SELECT id FROM policies WHERE kind = 'ticket' AND key = 'owj-agile'), 'owj-agile', :start, :end, true, 1000000000
FROM bench_contracts b;

CREATE TEMP TABLE bench_tickets AS
SELECT i, gen_random_uuid() AS id, :start::timestamptz + (:end::timestamptz - :start::timestamptz) * (i::float8 / :tickets) AS opened_at
FROM generate_series(0, :tickets - 1) i;
CREATE INDEX ON bench_tickets (i);

INSERT INTO tickets (id, customer_id, product_id, contract_id, policy_key, priority, subject, description, channel, status, assignee, opened_at, workflow_id, clock, breached, updated_at)
SELECT t.id, k.customer_id, k.product_id, k.id, CASE WHEN t.i % 3 = 0 THEN 'owj-committed' ELSE 'owj-agile' END,
       (ARRAY['critical', 'high', 'medium', 'low'])[t.i % 4 + 1]::"Priority", 'bench', 'bench', 'api',
       CASE WHEN t.i >= :tickets * 0.98 THEN 'in_progress' ELSE 'closed' END::"TicketStatus", 'agent-' || (t.i % 20), t.opened_at, 'ticket-' || t.id,
       CASE WHEN t.i >= :tickets * 0.98 THEN jsonb_build_object('cycle', 1, 'targets', jsonb_build_array(
         jsonb_build_object('target', 'resolution', 'state', 'running', 'dueAtMs', (extract(epoch FROM t.opened_at) * 1000 + 86400000)::bigint, 'completedAtMs', null))) END,
       false, t.opened_at
FROM bench_tickets t JOIN bench_contracts k ON k.idx = (t.i % 50) * 4 + (t.i / 50) % 4;

-- Outcome n: ticket n % :tickets; slot 0 first response, 1 resolution, 2 review, 3 resolution of
-- cycle 2 (tickets i % 3 = 0, reopened a day after opening).
CREATE TEMP TABLE bench_outcomes AS
SELECT n, o.ticket_i, o.slot, ((n::bigint * 2654435761) % 100) >= 15 AS met, ((n::bigint * 7919) % 480 + 1)::int AS minutes
FROM generate_series(0, :outcomes - 1) n
CROSS JOIN LATERAL (SELECT CASE WHEN n < :tickets * 3 THEN n % :tickets ELSE ((n - :tickets * 3) * 3) % :tickets END AS ticket_i,
                           CASE WHEN n < :tickets * 3 THEN n / :tickets ELSE 3 END AS slot) o;

INSERT INTO sla_outcomes (id, ticket_id, target, cycle, due_at, met, completed_at, breached_at, business_minutes_used)
SELECT gen_random_uuid(), t.id, (ARRAY['first_response', 'resolution', 'review', 'resolution'])[o.slot + 1], CASE WHEN o.slot = 3 THEN 2 ELSE 1 END,
       s.start_at + interval '1 minute' * 300, o.met, s.start_at + interval '1 minute' * (o.minutes * 1.7),
       CASE WHEN o.met THEN NULL ELSE s.start_at + interval '1 minute' * 300 END, o.minutes
FROM bench_outcomes o JOIN bench_tickets t ON t.i = o.ticket_i
CROSS JOIN LATERAL (SELECT CASE WHEN o.slot = 3 THEN t.opened_at + interval '1 day' ELSE t.opened_at END AS start_at) s;

INSERT INTO ticket_events (id, ticket_id, sequence, at, actor, type, data)
SELECT gen_random_uuid(), t.id, 1, t.opened_at, 'bench', 'opened', '{}'::jsonb FROM bench_tickets t
UNION ALL
SELECT gen_random_uuid(), t.id, 2, t.opened_at + interval '1 day', 'bench', 'reopened', '{"cycle": 2}'::jsonb FROM bench_tickets t WHERE t.i % 3 = 0
UNION ALL
SELECT gen_random_uuid(), t.id, 3, t.opened_at + interval '2 hours', 'bench', 'status_changed', '{"from": "in_progress", "to": "waiting_on_customer"}'::jsonb FROM bench_tickets t WHERE t.i % 10 = 1
UNION ALL
SELECT gen_random_uuid(), t.id, 4, t.opened_at + interval '5 hours', 'bench', 'customer_replied', '{}'::jsonb FROM bench_tickets t WHERE t.i % 10 = 1;

INSERT INTO escalations (id, ticket_id, dedupe_key, target, kind, percent, due_at, fired_at, action)
SELECT gen_random_uuid(), o.ticket_id, 'ticket:' || o.ticket_id || ':' || CASE WHEN o.target = 'first_response' THEN o.target ELSE o.target || '#' || o.cycle END || ':breach:100',
       o.target, 'breach', 100, o.due_at, o.due_at, '{"channel": "sms", "recipients": ["department_manager"]}'::jsonb
FROM sla_outcomes o WHERE NOT o.met;

INSERT INTO notifications (id, dedupe_key, channel, category, audience, role, subject, body, subject_ref, status, created_at, sent_at)
SELECT gen_random_uuid(), e.dedupe_key || ':department_manager', 'sms', 'informational', 'staff', 'manager', 'breach', 'breach', 'ticket:' || e.ticket_id,
       (ARRAY['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'failed', 'pending'])[abs(hashtext(e.dedupe_key)) % 10 + 1]::"NotificationStatus",
       e.fired_at, e.fired_at + interval '1 minute'
FROM escalations e;

-- Claims: one per contract and month (200 × :months), decided; approved ones carry a credit note.
CREATE TEMP TABLE bench_claims AS
SELECT gen_random_uuid() AS id, k.customer_id, k.product_id, k.id AS contract_id, m, :start::timestamptz + (:end::timestamptz - :start::timestamptz) * ((m + 0.5) / :months) + interval '1 hour' * k.idx AS received_at, k.idx
FROM bench_contracts k CROSS JOIN generate_series(0, :months - 1) m;
INSERT INTO claims (id, customer_id, product_id, contract_id, kind, status, received_at, acknowledge_due_at, decision_due_at, acknowledged_at, decided_at, credit_percent, credit_amount_rials, justification, computation, workflow_id, updated_at)
SELECT c.id, c.customer_id, c.product_id, c.contract_id, 'availability', CASE WHEN c.idx % 4 = 0 THEN 'rejected' ELSE 'approved' END::"ClaimStatus",
       c.received_at, c.received_at + interval '1 day', c.received_at + interval '7 days', c.received_at + interval '1 hour' * (1 + c.idx % 30),
       c.received_at + interval '1 day' * (1 + c.idx % 9), CASE WHEN c.idx % 4 = 0 THEN NULL ELSE 10 END, CASE WHEN c.idx % 4 = 0 THEN NULL ELSE 1000000 END,
       CASE WHEN c.idx % 4 = 1 THEN 'adjusted' END, '{}'::jsonb, 'claim-' || c.id, c.received_at
FROM bench_claims c;
INSERT INTO credit_notes (id, claim_id, customer_id, contract_id, percent, amount_rials, applies_to_month)
SELECT gen_random_uuid(), c.id, c.customer_id, c.contract_id, 10, 1000000, :creditMonths[c.m + 2]
FROM bench_claims c WHERE c.idx % 4 <> 0 AND c.m + 2 <= :months;

INSERT INTO outages (id, product_id, started_at, ended_at, cause, description)
SELECT gen_random_uuid(), p.id, :start::timestamptz + (:end::timestamptz - :start::timestamptz) * ((m + 0.3) / :months), :start::timestamptz + (:end::timestamptz - :start::timestamptz) * ((m + 0.3) / :months) + interval '1 minute' * (30 + p.idx * 40), 'unplanned', 'bench'
FROM bench_products p CROSS JOIN generate_series(0, :months - 1) m;

-- Change requests: 100 a month, each reviewed, quoted, delivered, some with defects, accepted and invoiced.
CREATE TEMP TABLE bench_changes AS
SELECT gen_random_uuid() AS id, k.customer_id, k.product_id, k.id AS contract_id, r, :start::timestamptz + (:end::timestamptz - :start::timestamptz) * (r::float8 / (100 * :months)) AS created_at
FROM generate_series(0, 100 * :months - 1) r JOIN bench_contracts k ON k.idx = r % 200;
INSERT INTO change_requests (id, customer_id, product_id, contract_id, title, description, attachments, status, review_rank, deadlines, workflow_id, created_at, updated_at, accepted_at, accepted_by_silence, delivered_at)
SELECT id, customer_id, product_id, contract_id, 'bench', 'bench', '[]'::jsonb, 'accepted', 1, '[]'::jsonb, 'change-request-' || id, created_at, created_at,
       created_at + interval '20 days', r % 5 = 0, created_at + interval '1 day' * (10 + r % 4)
FROM bench_changes;
INSERT INTO change_request_events (id, change_request_id, sequence, at, actor, type, data)
SELECT gen_random_uuid(), c.id, e.seq, c.created_at + e.after, 'bench', e.type, e.data
FROM bench_changes c CROSS JOIN LATERAL (VALUES
  (1, interval '0', 'opened', jsonb_build_object('reviewDueAtMs', (extract(epoch FROM c.created_at + interval '2 days') * 1000)::bigint)),
  (2, interval '1 day' * (1 + c.r % 3), 'quoted', '{}'::jsonb),
  (3, interval '4 days', 'quote_approved', '{}'::jsonb),
  (4, interval '1 day' * (10 + c.r % 4), 'delivered', jsonb_build_object('dueAtMs', (extract(epoch FROM c.created_at + interval '12 days') * 1000)::bigint)),
  (5, interval '15 days', 'defects_listed', jsonb_build_object('defects', jsonb_build_array('a', 'b'))),
  (6, interval '20 days', 'accepted', '{}'::jsonb)
) AS e(seq, after, type, data);
INSERT INTO customer_delays (id, change_request_id, starts_at, ends_at, recorded_by)
SELECT gen_random_uuid(), id, created_at + interval '5 days', created_at + interval '7 days', 'bench' FROM bench_changes WHERE r % 7 = 0;
INSERT INTO invoices (id, change_request_id, customer_id, quoted_rials, included_minutes_used, billed_minutes, amount_rials)
SELECT gen_random_uuid(), id, customer_id, 5000000, 60, 120 + r % 60, 5000000 FROM bench_changes;

ANALYZE;
