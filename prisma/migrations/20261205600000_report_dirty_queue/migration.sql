-- The SLA report's aggregate (20261204600000_report_facts) was recomputed inside every write that
-- touched a ticket: each ticket command (an event, a clock or status update) paid for the
-- report's whole per-ticket derivation. Now a write only queues the ticket's id, and the report
-- refreshes the queued tickets, set-based, in its own transaction just before it reads
-- (report_refresh_dirty()), so the figures stay exact and the hot path pays one small insert.
--
-- Concurrency: a refresh deletes the queued ids it sees (committed marks only) and recomputes
-- those tickets from the rows as committed at that moment; a write committed later queues its
-- ticket again. Two reports refreshing at once: the second one's DELETE waits on the rows the
-- first deleted, finds them gone once it commits, and reads the first one's committed rows.

DROP TRIGGER report_outcomes_inserted ON sla_outcomes;
DROP TRIGGER report_outcomes_updated ON sla_outcomes;
DROP TRIGGER report_outcomes_deleted ON sla_outcomes;
DROP TRIGGER report_escalations_inserted ON escalations;
DROP TRIGGER report_escalations_deleted ON escalations;
DROP TRIGGER report_events_inserted ON ticket_events;
DROP TRIGGER report_events_deleted ON ticket_events;
DROP TRIGGER report_tickets_inserted ON tickets;
DROP TRIGGER report_tickets_updated ON tickets;
DROP FUNCTION report_refresh_from_rows();
DROP FUNCTION report_refresh_from_tickets();
DROP FUNCTION report_refresh_ticket_row();

-- No foreign key: a deleted ticket's id may stay queued; its refresh finds nothing and writes nothing.
CREATE TABLE "report_dirty_tickets" (
  "ticket_id" UUID PRIMARY KEY
);

-- One trigger function for every table: the ticket's id is `id` on tickets, `ticket_id` elsewhere.
-- Statement-level with a transition table named changed_rows, so a bulk insert queues in one go.
CREATE FUNCTION report_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tickets' THEN
    INSERT INTO report_dirty_tickets (ticket_id)
    SELECT DISTINCT id FROM changed_rows ORDER BY 1
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO report_dirty_tickets (ticket_id)
    SELECT DISTINCT ticket_id FROM changed_rows WHERE ticket_id IS NOT NULL ORDER BY 1
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

-- A ticket's own updates: transition tables are not allowed with a column list, so this one is
-- row-level, and its WHEN clause skips the updates the report does not read (deadlines,
-- updated_at) without calling any function.
CREATE FUNCTION report_mark_ticket_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_dirty_tickets (ticket_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER report_outcomes_inserted AFTER INSERT ON sla_outcomes REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_outcomes_updated AFTER UPDATE ON sla_outcomes REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_outcomes_deleted AFTER DELETE ON sla_outcomes REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_escalations_inserted AFTER INSERT ON escalations REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_escalations_deleted AFTER DELETE ON escalations REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_events_inserted AFTER INSERT ON ticket_events REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_events_deleted AFTER DELETE ON ticket_events REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_tickets_inserted AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_tickets_updated AFTER UPDATE OF status, clock, assignee, priority, policy_key, opened_at, customer_id, product_id ON tickets
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.clock IS DISTINCT FROM NEW.clock OR OLD.assignee IS DISTINCT FROM NEW.assignee
        OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.policy_key IS DISTINCT FROM NEW.policy_key OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
        OR OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.product_id IS DISTINCT FROM NEW.product_id)
  EXECUTE FUNCTION report_mark_ticket_dirty();

-- Refreshes every queued ticket and empties the queue; returns how many were refreshed.
CREATE FUNCTION report_refresh_dirty() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  ids UUID[];
BEGIN
  WITH taken AS (DELETE FROM report_dirty_tickets RETURNING ticket_id)
  SELECT array_agg(ticket_id) INTO ids FROM taken;
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM report_refresh_tickets(ids);
  RETURN cardinality(ids);
END;
$$;
