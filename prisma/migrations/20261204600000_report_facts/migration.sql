-- The SLA report's maintained aggregate. Reading a year of tickets' outcomes, breach escalations,
-- clocks and timelines ticket by ticket took 18 s on a million outcomes; these two tables hold,
-- per ticket, exactly the facts the report counts, kept current by triggers on the rows they are
-- derived from, so a report is one index range scan.
--
-- report_ticket_targets: one row per SLA target and resolution cycle of a ticket, as the report
-- counts it: `met` or `breached` from its recorded outcome, `breached` from a breach escalation
-- when no outcome was recorded, `open` from the last recorded clock of an open ticket.
-- report_tickets: one row per ticket: resolved / reopened, and its waits on the customer
-- (closed waits summed; an open wait by its start, counted up to the report's asOf).

CREATE TABLE "report_ticket_targets" (
  "ticket_id" UUID NOT NULL REFERENCES "tickets"("id") ON DELETE CASCADE,
  "target" TEXT NOT NULL,
  "cycle" INTEGER NOT NULL,
  "result" TEXT NOT NULL,
  "business_minutes" DOUBLE PRECISION,
  "clock_minutes" DOUBLE PRECISION,
  "opened_at" TIMESTAMPTZ(3) NOT NULL,
  "customer_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "priority" "Priority" NOT NULL,
  "policy_key" TEXT NOT NULL,
  "assignee" TEXT,
  PRIMARY KEY ("ticket_id", "target", "cycle")
);
CREATE INDEX "report_ticket_targets_opened_at_idx" ON "report_ticket_targets"("opened_at")
  INCLUDE ("target", "result", "business_minutes", "clock_minutes", "customer_id", "product_id", "priority", "policy_key", "assignee");

CREATE TABLE "report_tickets" (
  "ticket_id" UUID PRIMARY KEY REFERENCES "tickets"("id") ON DELETE CASCADE,
  "opened_at" TIMESTAMPTZ(3) NOT NULL,
  "customer_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "priority" "Priority" NOT NULL,
  "policy_key" TEXT NOT NULL,
  "assignee" TEXT,
  "resolved" BOOLEAN NOT NULL,
  "reopened" BOOLEAN NOT NULL,
  "paused_minutes" DOUBLE PRECISION NOT NULL,
  "open_wait_since" TIMESTAMPTZ(3)
);
CREATE INDEX "report_tickets_opened_at_idx" ON "report_tickets"("opened_at")
  INCLUDE ("customer_id", "product_id", "priority", "policy_key", "assignee", "resolved", "reopened", "paused_minutes", "open_wait_since");

-- Recomputes both tables' rows for the given tickets, set-based (one ticket from a trigger, every
-- ticket for the backfill below). The rules are the report's: see api/reports/sla.ts.
CREATE FUNCTION report_refresh_tickets(ids UUID[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_ticket_targets WHERE ticket_id = ANY(ids);
  DELETE FROM report_tickets WHERE ticket_id = ANY(ids);

  INSERT INTO report_ticket_targets (ticket_id, target, cycle, result, business_minutes, clock_minutes, opened_at, customer_id, product_id, priority, policy_key, assignee)
  WITH s AS MATERIALIZED (
    SELECT t.* FROM tickets t WHERE t.id = ANY(ids)
  ),
  done AS MATERIALIZED (
    SELECT s.id AS ticket_id, o.target, o.cycle, o.met, o.business_minutes_used::float8 AS business_minutes,
           EXTRACT(EPOCH FROM o.completed_at - CASE WHEN o.cycle > 1 AND o.target <> 'first_response' THEN (
             SELECT r.at FROM ticket_events r WHERE r.ticket_id = s.id AND r.type = 'reopened' AND (r.data->>'cycle')::int = o.cycle LIMIT 1
           ) ELSE s.opened_at END)::float8 / 60 AS clock_minutes
    FROM s JOIN sla_outcomes o ON o.ticket_id = s.id
  ),
  breaches AS MATERIALIZED (
    SELECT e.ticket_id, e.target,
           CASE WHEN e.target = 'first_response' THEN 1 ELSE coalesce(substring(e.dedupe_key from '#([0-9]+):')::int, 1) END AS cycle
    FROM escalations e WHERE e.ticket_id = ANY(ids) AND e.kind = 'breach'
  ),
  facts AS (
    SELECT ticket_id, target, cycle, CASE WHEN met THEN 'met' ELSE 'breached' END AS result, business_minutes, clock_minutes FROM done
    UNION ALL
    SELECT b.ticket_id, b.target, b.cycle, 'breached', NULL, NULL FROM breaches b
    WHERE NOT EXISTS (SELECT 1 FROM done d WHERE d.ticket_id = b.ticket_id AND d.target = b.target AND d.cycle = b.cycle)
    UNION ALL
    SELECT s.id, c.target, c.cycle, 'open', NULL, NULL
    FROM s CROSS JOIN LATERAL (
      SELECT ct->>'target' AS target,
             CASE WHEN ct->>'target' = 'first_response' THEN 1 ELSE coalesce((s.clock->>'cycle')::int, 1) END AS cycle
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.clock->'targets') = 'array' THEN s.clock->'targets' ELSE '[]'::jsonb END) ct
      WHERE jsonb_typeof(ct->'dueAtMs') = 'number' AND jsonb_typeof(ct->'completedAtMs') IS DISTINCT FROM 'number'
    ) c
    WHERE s.status IN ('new', 'in_progress', 'waiting_on_customer')
      AND NOT EXISTS (SELECT 1 FROM done d WHERE d.ticket_id = s.id AND d.target = c.target AND d.cycle = c.cycle)
      AND NOT EXISTS (SELECT 1 FROM breaches b WHERE b.ticket_id = s.id AND b.target = c.target AND b.cycle = c.cycle)
  )
  -- DISTINCT ON: a repeated breach or clock entry must never fail the write that fired the trigger.
  SELECT DISTINCT ON (f.ticket_id, f.target, f.cycle) f.ticket_id, f.target, f.cycle, f.result, f.business_minutes, f.clock_minutes,
         s.opened_at, s.customer_id, s.product_id, s.priority, s.policy_key, s.assignee
  FROM facts f JOIN s ON s.id = f.ticket_id
  WHERE f.target IS NOT NULL
  ORDER BY f.ticket_id, f.target, f.cycle, f.result DESC;

  -- A wait on the customer starts with a status change to waiting_on_customer and ends with the
  -- ticket's next status change, customer reply, resolution or cancellation.
  INSERT INTO report_tickets (ticket_id, opened_at, customer_id, product_id, priority, policy_key, assignee, resolved, reopened, paused_minutes, open_wait_since)
  SELECT t.id, t.opened_at, t.customer_id, t.product_id, t.priority, t.policy_key, t.assignee,
         t.status IN ('resolved', 'closed') OR coalesce(x.reopened, false),
         coalesce(x.reopened, false),
         coalesce(x.paused_minutes, 0),
         x.open_wait_since
  FROM tickets t
  LEFT JOIN LATERAL (
    SELECT bool_or(w.type = 'reopened') AS reopened,
           sum(EXTRACT(EPOCH FROM w.ended_at - w.at)) FILTER (WHERE w.waiting AND w.ended_at IS NOT NULL)::float8 / 60 AS paused_minutes,
           min(w.at) FILTER (WHERE w.waiting AND w.ended_at IS NULL) AS open_wait_since
    FROM (
      SELECT e.type, e.at, e.type = 'status_changed' AND e.data->>'to' = 'waiting_on_customer' AS waiting,
             (SELECT min(n.at) FROM ticket_events n
              WHERE n.ticket_id = e.ticket_id AND n.sequence > e.sequence AND n.type IN ('status_changed', 'customer_replied', 'resolved', 'cancelled')) AS ended_at
      FROM ticket_events e WHERE e.ticket_id = t.id AND (e.type = 'reopened' OR (e.type = 'status_changed' AND e.data->>'to' = 'waiting_on_customer'))
    ) w
  ) x ON true
  WHERE t.id = ANY(ids);
END;
$$;

-- Statement-level triggers with transition tables: a bulk insert refreshes its tickets in one go.
CREATE FUNCTION report_refresh_from_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh_tickets(ARRAY(SELECT DISTINCT ticket_id FROM changed_rows WHERE ticket_id IS NOT NULL));
  RETURN NULL;
END;
$$;

CREATE FUNCTION report_refresh_from_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh_tickets(ARRAY(SELECT id FROM changed_rows));
  RETURN NULL;
END;
$$;

CREATE FUNCTION report_refresh_ticket_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_refresh_tickets(ARRAY[NEW.id]);
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_outcomes_inserted AFTER INSERT ON sla_outcomes REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_outcomes_updated AFTER UPDATE ON sla_outcomes REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_outcomes_deleted AFTER DELETE ON sla_outcomes REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_escalations_inserted AFTER INSERT ON escalations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_escalations_deleted AFTER DELETE ON escalations REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_events_inserted AFTER INSERT ON ticket_events REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_events_deleted AFTER DELETE ON ticket_events REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_rows();
CREATE TRIGGER report_tickets_inserted AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_refresh_from_tickets();
-- Only the columns the report reads; a ticket's other updates (deadlines, updated_at) cost nothing.
CREATE TRIGGER report_tickets_updated AFTER UPDATE OF status, clock, assignee, priority, policy_key, opened_at, customer_id, product_id ON tickets
  FOR EACH ROW EXECUTE FUNCTION report_refresh_ticket_row();

SELECT report_refresh_tickets(ARRAY(SELECT id FROM tickets));
