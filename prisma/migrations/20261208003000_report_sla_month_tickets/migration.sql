-- The SLA report's per-ticket figures by month. With the monthly rollup of targets
-- (20261207600000_report_sla_months) a year of the SLA report still read the year's rows of
-- report_tickets (150,000 at a million outcomes; 480 ms of the 2.1 s at p95) for its ticket counts,
-- reopenings and paused time. This table holds those sums per Jalali month and breakdown (the same
-- kinds and keys as report_sla_month_targets), kept in step with report_tickets by triggers in the
-- transaction that writes it, so twelve months read at most 12 rows per group.
--
-- Paused time is kept in whole milliseconds so the sums are exact and the direct query and the
-- rollup give the same float: a closed wait's minutes (paused_minutes, from instants to the
-- millisecond) are round(paused_minutes * 60000) ms; an open wait counts up to the report's asOf,
-- so the rollup keeps how many are open and the sum of their starts (epoch ms), and the report adds
-- open_waits * asOf - open_wait_since_ms.
CREATE TABLE "report_sla_month_tickets" (
  "month_start" TIMESTAMPTZ(3) NOT NULL,
  "kind" TEXT NOT NULL,
  "key" TEXT NOT NULL,
  "tickets" INTEGER NOT NULL,
  "resolved" INTEGER NOT NULL,
  "reopened" INTEGER NOT NULL,
  "paused_ms" BIGINT NOT NULL,
  "open_waits" INTEGER NOT NULL,
  "open_wait_since_ms" BIGINT NOT NULL,
  PRIMARY KEY ("kind", "month_start", "key")
);

-- The histogram rows of one breakdown and measure over a range of months, without the other
-- measure's rows or a sequential scan (the primary key puts measure after key and target: a year
-- read the whole table, 590 ms and 490 ms for the two measures).
CREATE INDEX "report_sla_month_minutes_measure_idx" ON "report_sla_month_minutes"("kind", "measure", "month_start")
  INCLUDE ("key", "target", "bucket", "n");

CREATE FUNCTION report_sla_month_tickets_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source TEXT;
BEGIN
  source := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
    ELSE 'SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o'
  END;
  -- The lock the targets' rollup takes: one writer of the rollups at a time.
  PERFORM pg_advisory_xact_lock(hashtext('report_sla_months'));

  EXECUTE format($q$
    INSERT INTO report_sla_month_tickets AS r (month_start, kind, key, tickets, resolved, reopened, paused_ms, open_waits, open_wait_since_ms)
    SELECT m.start_at, g.kind, g.key,
           sum(f.sign),
           coalesce(sum(f.sign) FILTER (WHERE f.resolved), 0),
           coalesce(sum(f.sign) FILTER (WHERE f.reopened), 0),
           sum(f.sign * round(f.paused_minutes * 60000)::bigint),
           coalesce(sum(f.sign) FILTER (WHERE f.open_wait_since IS NOT NULL), 0),
           coalesce(sum(f.sign * (EXTRACT(EPOCH FROM f.open_wait_since) * 1000)::bigint) FILTER (WHERE f.open_wait_since IS NOT NULL), 0)
    FROM (%s) f
    JOIN LATERAL (SELECT j.start_at, j.end_at FROM report_jalali_months j WHERE j.start_at <= f.opened_at ORDER BY j.start_at DESC LIMIT 1) m ON f.opened_at < m.end_at
    CROSS JOIN LATERAL (VALUES ('total', ''), ('priority', f.priority::text), ('plan', f.policy_key), ('product', f.product_id::text),
                               ('customer', f.customer_id::text), ('assignee', coalesce(f.assignee, ''))) g(kind, key)
    GROUP BY 1, 2, 3
    ORDER BY 2, 1, 3
    ON CONFLICT (kind, month_start, key) DO UPDATE
      SET tickets = r.tickets + excluded.tickets, resolved = r.resolved + excluded.resolved, reopened = r.reopened + excluded.reopened,
          paused_ms = r.paused_ms + excluded.paused_ms, open_waits = r.open_waits + excluded.open_waits,
          open_wait_since_ms = r.open_wait_since_ms + excluded.open_wait_since_ms
  $q$, source);
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_sla_month_tickets_inserted AFTER INSERT ON report_tickets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_sla_month_tickets_follow();
CREATE TRIGGER report_sla_month_tickets_deleted AFTER DELETE ON report_tickets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_sla_month_tickets_follow();
CREATE TRIGGER report_sla_month_tickets_updated AFTER UPDATE ON report_tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_sla_month_tickets_follow();

-- The tickets already recorded: the same sums, from the whole table.
INSERT INTO report_sla_month_tickets (month_start, kind, key, tickets, resolved, reopened, paused_ms, open_waits, open_wait_since_ms)
SELECT m.start_at, g.kind, g.key, count(*), count(*) FILTER (WHERE f.resolved), count(*) FILTER (WHERE f.reopened),
       sum(round(f.paused_minutes * 60000)::bigint), count(f.open_wait_since),
       coalesce(sum((EXTRACT(EPOCH FROM f.open_wait_since) * 1000)::bigint), 0)
FROM report_tickets f
JOIN LATERAL (SELECT j.start_at, j.end_at FROM report_jalali_months j WHERE j.start_at <= f.opened_at ORDER BY j.start_at DESC LIMIT 1) m ON f.opened_at < m.end_at
CROSS JOIN LATERAL (VALUES ('total', ''), ('priority', f.priority::text), ('plan', f.policy_key), ('product', f.product_id::text),
                           ('customer', f.customer_id::text), ('assignee', coalesce(f.assignee, ''))) g(kind, key)
GROUP BY 1, 2, 3;
