-- One trigger function queues tickets for every table and level, instead of four: the ticket's id
-- is `id` on tickets, in subject_ref (ticket:<uuid>) on the outbox's messages, `ticket_id`
-- elsewhere; statement-level triggers read their transition table changed_rows, the row-level
-- ones (updates with a column list, which cannot have transition tables) read OLD and NEW.
-- PL/pgSQL plans only the branch a trigger takes, per trigger.

CREATE OR REPLACE FUNCTION report_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    IF TG_TABLE_NAME = 'tickets' THEN
      INSERT INTO report_dirty_tickets (ticket_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'notifications' THEN
      -- A message moved to another ticket queues both.
      INSERT INTO report_dirty_tickets (ticket_id)
      SELECT DISTINCT substring(ref from 8)::uuid FROM unnest(ARRAY[OLD.subject_ref, NEW.subject_ref]) ref
      WHERE ref ~ '^ticket:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
      ON CONFLICT DO NOTHING;
    END IF;
  ELSIF TG_TABLE_NAME = 'tickets' THEN
    INSERT INTO report_dirty_tickets (ticket_id)
    SELECT DISTINCT id FROM changed_rows ORDER BY 1
    ON CONFLICT DO NOTHING;
  ELSIF TG_TABLE_NAME = 'notifications' THEN
    INSERT INTO report_dirty_tickets (ticket_id)
    SELECT DISTINCT substring(subject_ref from 8)::uuid FROM changed_rows
    WHERE subject_ref ~ '^ticket:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    ORDER BY 1
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO report_dirty_tickets (ticket_id)
    SELECT DISTINCT ticket_id FROM changed_rows WHERE ticket_id IS NOT NULL ORDER BY 1
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

-- The same triggers (names, events, WHEN clauses), now all on report_mark_dirty().
DROP TRIGGER report_tickets_updated ON tickets;
CREATE TRIGGER report_tickets_updated AFTER UPDATE OF status, clock, assignee, priority, policy_key, opened_at, customer_id, product_id ON tickets
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.clock IS DISTINCT FROM NEW.clock OR OLD.assignee IS DISTINCT FROM NEW.assignee
        OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.policy_key IS DISTINCT FROM NEW.policy_key OR OLD.opened_at IS DISTINCT FROM NEW.opened_at
        OR OLD.customer_id IS DISTINCT FROM NEW.customer_id OR OLD.product_id IS DISTINCT FROM NEW.product_id)
  EXECUTE FUNCTION report_mark_dirty();

DROP TRIGGER report_messages_inserted ON notifications;
DROP TRIGGER report_messages_deleted ON notifications;
DROP TRIGGER report_messages_updated ON notifications;
CREATE TRIGGER report_messages_inserted AFTER INSERT ON notifications REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_messages_deleted AFTER DELETE ON notifications REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_mark_dirty();
CREATE TRIGGER report_messages_updated AFTER UPDATE OF status, channel, subject_ref, dedupe_key ON notifications
  FOR EACH ROW
  WHEN ((OLD.status IS DISTINCT FROM NEW.status OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.subject_ref IS DISTINCT FROM NEW.subject_ref
         OR OLD.dedupe_key IS DISTINCT FROM NEW.dedupe_key)
        AND (starts_with(OLD.subject_ref, 'ticket:') OR starts_with(NEW.subject_ref, 'ticket:')))
  EXECUTE FUNCTION report_mark_dirty();

DROP FUNCTION report_mark_ticket_dirty();
DROP FUNCTION report_mark_message_dirty();
DROP FUNCTION report_mark_message_row_dirty();
