-- The breaches report's maintained aggregate, kept like the SLA report's (20261205600000): the
-- writes queue their ticket in report_dirty_tickets and report_refresh_dirty() recomputes the
-- queued tickets before a report reads. A year of breaches read escalations, their tickets and
-- outcomes and every escalation's messages row by row (1.9 s at a million outcomes); these two
-- tables hold, per escalation and per message it sent, exactly what the report counts.
--
-- report_escalations: one row per escalation with its ticket's grouping columns and the outcome
-- of its target (completed_at, and the target's deadline) when one was recorded.
-- report_escalation_messages: one row per outbox message of an escalation (its dedupe key is the
-- escalation's followed by ':' and the recipient), with its channel and current status.

CREATE TABLE "report_escalations" (
  "escalation_id" UUID PRIMARY KEY REFERENCES "escalations"("id") ON DELETE CASCADE,
  "ticket_id" UUID NOT NULL,
  "dedupe_key" TEXT NOT NULL,
  "target" TEXT NOT NULL,
  "cycle" INTEGER,
  "kind" TEXT NOT NULL,
  "percent" INTEGER NOT NULL,
  "due_at" TIMESTAMPTZ(3) NOT NULL,
  "fired_at" TIMESTAMPTZ(3) NOT NULL,
  "customer_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "priority" TEXT NOT NULL,
  "completed_at" TIMESTAMPTZ(3),
  "deadline" TIMESTAMPTZ(3)
);
CREATE INDEX "report_escalations_fired_at_idx" ON "report_escalations"("fired_at", "escalation_id")
  INCLUDE ("kind", "customer_id", "product_id", "completed_at", "deadline");
CREATE INDEX "report_escalations_ticket_id_idx" ON "report_escalations"("ticket_id");

CREATE TABLE "report_escalation_messages" (
  "notification_id" UUID NOT NULL REFERENCES "notifications"("id") ON DELETE CASCADE,
  "escalation_id" UUID NOT NULL REFERENCES "escalations"("id") ON DELETE CASCADE,
  "ticket_id" UUID NOT NULL,
  "fired_at" TIMESTAMPTZ(3) NOT NULL,
  "kind" TEXT NOT NULL,
  "customer_id" UUID NOT NULL,
  "product_id" UUID NOT NULL,
  "channel" TEXT NOT NULL,
  "status" TEXT NOT NULL,
  PRIMARY KEY ("escalation_id", "notification_id")
);
CREATE INDEX "report_escalation_messages_fired_at_idx" ON "report_escalation_messages"("fired_at")
  INCLUDE ("kind", "customer_id", "product_id", "channel", "status");
CREATE INDEX "report_escalation_messages_ticket_id_idx" ON "report_escalation_messages"("ticket_id");
CREATE INDEX "report_escalation_messages_notification_id_idx" ON "report_escalation_messages"("notification_id");

CREATE FUNCTION report_refresh_escalations(ids UUID[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM report_escalation_messages WHERE ticket_id = ANY(ids);
  DELETE FROM report_escalations WHERE ticket_id = ANY(ids);

  -- The target's cycle is in the escalation's dedupe key (ticket:<id>:<target>#<cycle>:...);
  -- a first response has one cycle. The rules are the report's: see api/reports/breaches.ts.
  INSERT INTO report_escalations (escalation_id, ticket_id, dedupe_key, target, cycle, kind, percent, due_at, fired_at, customer_id, product_id, priority, completed_at, deadline)
  SELECT e.id, e.ticket_id, e.dedupe_key, e.target, x.cycle, e.kind, e.percent, e.due_at, e.fired_at, t.customer_id, t.product_id, t.priority::text,
         o.completed_at, o.due_at
  FROM escalations e
  JOIN tickets t ON t.id = e.ticket_id
  CROSS JOIN LATERAL (SELECT CASE WHEN e.target = 'first_response' THEN 1 ELSE substring(e.dedupe_key from '#([0-9]+):')::int END AS cycle) x
  LEFT JOIN sla_outcomes o ON o.ticket_id = e.ticket_id AND o.target = e.target AND o.cycle = x.cycle
  WHERE e.ticket_id = ANY(ids);

  INSERT INTO report_escalation_messages (notification_id, escalation_id, ticket_id, fired_at, kind, customer_id, product_id, channel, status)
  SELECT n.id, r.escalation_id, r.ticket_id, r.fired_at, r.kind, r.customer_id, r.product_id, n.channel::text, n.status::text
  FROM report_escalations r
  JOIN notifications n ON n.subject_ref = 'ticket:' || r.ticket_id AND starts_with(n.dedupe_key, r.dedupe_key || ':')
  WHERE r.ticket_id = ANY(ids);
END;
$$;

CREATE OR REPLACE FUNCTION report_refresh_dirty() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  ids UUID[];
BEGIN
  WITH taken AS (DELETE FROM report_dirty_tickets RETURNING ticket_id)
  SELECT array_agg(ticket_id) INTO ids FROM taken;
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM report_refresh_tickets(ids);
  PERFORM report_refresh_escalations(ids);
  RETURN cardinality(ids);
END;
$$;

-- The outbox's messages about a ticket (subject_ref ticket:<uuid>) queue the ticket when written,
-- when their status changes and when deleted. Other messages and other updates (leases,
-- attempts) queue nothing.
CREATE FUNCTION report_mark_message_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_dirty_tickets (ticket_id)
  SELECT DISTINCT substring(subject_ref from 8)::uuid FROM changed_rows
  WHERE subject_ref ~ '^ticket:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
  ORDER BY 1
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

-- A message moved to another ticket queues both (the WHEN clause below lets only ticket messages in).
CREATE FUNCTION report_mark_message_row_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_dirty_tickets (ticket_id)
  SELECT DISTINCT substring(ref from 8)::uuid FROM unnest(ARRAY[OLD.subject_ref, NEW.subject_ref]) ref
  WHERE ref ~ '^ticket:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_messages_inserted AFTER INSERT ON notifications REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_message_dirty();
CREATE TRIGGER report_messages_deleted AFTER DELETE ON notifications REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_message_dirty();
CREATE TRIGGER report_messages_updated AFTER UPDATE OF status, channel, subject_ref, dedupe_key ON notifications
  FOR EACH ROW
  WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.subject_ref IS DISTINCT FROM NEW.subject_ref
         OR OLD.dedupe_key IS DISTINCT FROM NEW.dedupe_key)
        AND (starts_with(OLD.subject_ref, 'ticket:') OR starts_with(NEW.subject_ref, 'ticket:')))
  EXECUTE FUNCTION report_mark_message_row_dirty();

SELECT report_refresh_escalations(ARRAY(SELECT DISTINCT ticket_id FROM escalations));
