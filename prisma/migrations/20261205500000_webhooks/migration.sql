-- Webhooks (README, "Webhooks"). A subscription names a URL, the event types it wants and an
-- optional product/priority filter; customers subscribe for their own account, staff for every
-- account (vendor_id narrows it to one vendor; owner_user_id will name the person once people exist).
--
-- Events are written by triggers on the rows where they happen (ticket, claim and change-request
-- timelines, outages and their corrections), so each is committed in the same transaction as the
-- thing it reports, whichever code path wrote it. The trigger also writes one delivery row per
-- matching subscription: the outbox the relay in every worker delivers from, in order per object.
CREATE TYPE "WebhookStatus" AS ENUM ('active', 'paused', 'failing');
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

CREATE TABLE "webhook_subscriptions" (
  "id" UUID NOT NULL,
  "url" TEXT NOT NULL,
  "description" TEXT,
  "event_types" TEXT[],
  "product_ids" UUID[],
  "priorities" "Priority"[],
  "customer_id" UUID,
  "vendor_id" UUID,
  "owner_key_id" UUID,
  "owner_user_id" UUID,
  "status" "WebhookStatus" NOT NULL DEFAULT 'active',
  "status_note" TEXT,
  "failing_since" TIMESTAMPTZ(3),
  "secret" TEXT NOT NULL,
  "previous_secret" TEXT,
  "previous_secret_expires_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "updated_at" TIMESTAMPTZ(3) NOT NULL,
  CONSTRAINT "webhook_subscriptions_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_subscriptions_customer_id_idx" ON "webhook_subscriptions"("customer_id");

CREATE TABLE "webhook_events" (
  "id" UUID NOT NULL,
  "seq" BIGSERIAL NOT NULL,
  "type" TEXT NOT NULL,
  "object_type" TEXT NOT NULL,
  "object_id" UUID NOT NULL,
  "customer_id" UUID,
  "product_id" UUID,
  "priority" "Priority",
  "occurred_at" TIMESTAMPTZ(3) NOT NULL,
  "data" JSONB NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_events_seq_key" ON "webhook_events"("seq");
CREATE INDEX "webhook_events_object_type_object_id_idx" ON "webhook_events"("object_type", "object_id");

CREATE TABLE "webhook_deliveries" (
  "id" UUID NOT NULL,
  "subscription_id" UUID NOT NULL,
  "event_id" UUID NOT NULL,
  "event_seq" BIGINT NOT NULL,
  "object_key" TEXT NOT NULL,
  "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
  "attempt_count" INTEGER NOT NULL DEFAULT 0,
  "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "first_attempt_at" TIMESTAMPTZ(3),
  "lease_until" TIMESTAMPTZ(3),
  "lease_token" UUID,
  "last_status_code" INTEGER,
  "last_error" TEXT,
  "delivered_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "webhook_deliveries_subscription_id_event_id_key" ON "webhook_deliveries"("subscription_id", "event_id");
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");
CREATE INDEX "webhook_deliveries_subscription_id_object_key_event_seq_idx" ON "webhook_deliveries"("subscription_id", "object_key", "event_seq");
CREATE INDEX "webhook_deliveries_subscription_id_event_seq_idx" ON "webhook_deliveries"("subscription_id", "event_seq");
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries"("event_id");

CREATE TABLE "webhook_delivery_attempts" (
  "id" UUID NOT NULL,
  "delivery_id" UUID NOT NULL,
  "attempted_at" TIMESTAMPTZ(3) NOT NULL,
  "ok" BOOLEAN NOT NULL,
  "status_code" INTEGER,
  "duration_ms" INTEGER NOT NULL,
  "error" TEXT,
  "response_body" TEXT,
  CONSTRAINT "webhook_delivery_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "webhook_delivery_attempts_delivery_id_attempted_at_idx" ON "webhook_delivery_attempts"("delivery_id", "attempted_at");

ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "webhook_delivery_attempts" ADD CONSTRAINT "webhook_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Records one event and queues it for every subscription that wants it (none: nothing is written).
-- A customer's subscription hears what its timelines show it (api/visibility.ts): its own
-- account's objects without the internal SLA alarms, and the outages and maintenance of products
-- it has a contract for, other customers' own outages excepted. Paused and failing subscriptions
-- queue too: they get everything when resumed.
CREATE FUNCTION webhook_record(p_type TEXT, p_object_type TEXT, p_object_id UUID, p_customer UUID, p_product UUID,
                               p_priority "Priority", p_at TIMESTAMPTZ, p_data JSONB) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_vendor UUID;
  v_subs UUID[];
  v_event UUID;
  v_seq BIGINT;
BEGIN
  SELECT vendor_id INTO v_vendor FROM products WHERE id = p_product;
  SELECT array_agg(s.id) INTO v_subs FROM webhook_subscriptions s
  WHERE p_type = ANY(s.event_types)
    AND (cardinality(s.product_ids) = 0 OR p_product = ANY(s.product_ids))
    AND (cardinality(s.priorities) = 0 OR p_priority IS NULL OR p_priority = ANY(s.priorities))
    AND (s.vendor_id IS NULL OR s.vendor_id = v_vendor)
    AND (s.customer_id IS NULL OR p_type NOT IN ('ticket.warning', 'ticket.breached', 'ticket.escalated'))
    AND (s.customer_id IS NULL OR s.customer_id = p_customer
         OR (p_customer IS NULL AND p_object_type = 'outage'
             AND EXISTS (SELECT 1 FROM contracts c WHERE c.customer_id = s.customer_id AND c.product_id = p_product)));
  IF v_subs IS NULL THEN RETURN; END IF;
  v_event := gen_random_uuid();
  INSERT INTO webhook_events (id, type, object_type, object_id, customer_id, product_id, priority, occurred_at, data)
  VALUES (v_event, p_type, p_object_type, p_object_id, p_customer, p_product, p_priority, p_at, p_data)
  RETURNING seq INTO v_seq;
  INSERT INTO webhook_deliveries (id, subscription_id, event_id, event_seq, object_key)
  SELECT gen_random_uuid(), sub, v_event, v_seq, p_object_type || ':' || p_object_id FROM unnest(v_subs) sub;
  PERFORM pg_notify('webhook_deliveries', '');
END $$;

-- What an event says of who acted: the role only, never an API key's id (api/visibility.ts).
CREATE FUNCTION webhook_actor(actor TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN split_part(actor, ':', 1) IN ('customer', 'agent', 'qa', 'manager', 'admin') THEN split_part(actor, ':', 1) ELSE 'system' END
$$;

-- Ticket timelines. Internal notes, assignments and recomputed deadlines are not announced;
-- a cancellation is announced as `ticket.closed` (data.event says which).
CREATE FUNCTION webhook_ticket_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_type TEXT;
  t RECORD;
BEGIN
  v_type := CASE NEW.type
    WHEN 'opened' THEN 'ticket.opened'
    WHEN 'agent_replied' THEN 'ticket.replied'
    WHEN 'customer_replied' THEN 'ticket.replied'
    WHEN 'status_changed' THEN 'ticket.status_changed'
    WHEN 'reopened' THEN 'ticket.status_changed'
    WHEN 'priority_changed' THEN 'ticket.priority_changed'
    WHEN 'sla_warning' THEN 'ticket.warning'
    WHEN 'sla_breach' THEN 'ticket.breached'
    WHEN 'sla_escalation' THEN 'ticket.escalated'
    WHEN 'resolved' THEN 'ticket.resolved'
    WHEN 'closed' THEN 'ticket.closed'
    WHEN 'cancelled' THEN 'ticket.closed'
  END;
  IF v_type IS NULL THEN RETURN NULL; END IF;
  SELECT id, customer_id, product_id, priority, subject INTO t FROM tickets WHERE id = NEW.ticket_id;
  PERFORM webhook_record(v_type, 'ticket', t.id, t.customer_id, t.product_id,
    CASE WHEN NEW.type = 'priority_changed' THEN (NEW.data->>'to')::"Priority" ELSE t.priority END, NEW.at,
    jsonb_build_object('ticketId', t.id, 'customerId', t.customer_id, 'productId', t.product_id,
      'priority', CASE WHEN NEW.type = 'priority_changed' THEN NEW.data->>'to' ELSE t.priority::text END,
      'subject', t.subject, 'sequence', NEW.sequence, 'event', NEW.type, 'actor', webhook_actor(NEW.actor), 'details', NEW.data - 'by' - 'recordedBy' - 'updateId'));
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_ticket_event AFTER INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION webhook_ticket_event();

-- Claim timelines: filed, acknowledged, decided (approved or rejected).
CREATE FUNCTION webhook_claim_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_type TEXT;
  c RECORD;
BEGIN
  v_type := CASE NEW.type
    WHEN 'received' THEN 'claim.filed'
    WHEN 'acknowledged' THEN 'claim.acknowledged'
    WHEN 'approved' THEN 'claim.decided'
    WHEN 'rejected' THEN 'claim.decided'
  END;
  IF v_type IS NULL THEN RETURN NULL; END IF;
  SELECT id, customer_id, product_id, kind INTO c FROM claims WHERE id = NEW.claim_id;
  PERFORM webhook_record(v_type, 'claim', c.id, c.customer_id, c.product_id, NULL, NEW.at,
    jsonb_build_object('claimId', c.id, 'customerId', c.customer_id, 'productId', c.product_id, 'kind', c.kind,
      'sequence', NEW.sequence, 'event', NEW.type, 'actor', webhook_actor(NEW.actor), 'details', NEW.data - 'by' - 'recordedBy' - 'updateId'));
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_claim_event AFTER INSERT ON claim_events FOR EACH ROW EXECUTE FUNCTION webhook_claim_event();

-- Change-request timelines: every step a customer sees (data.event names it).
CREATE FUNCTION webhook_change_request_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
BEGIN
  IF NEW.type NOT IN ('opened', 'rejected', 'quoted', 'quote_approved', 'quote_declined', 'delivery_committed', 'customer_delay_recorded',
    'delivered', 'defects_listed', 'redelivered', 'cancelled', 'accepted', 'invoiced', 'quote_reminder', 'quote_expired',
    'acceptance_period_lapsed') THEN
    RETURN NULL;
  END IF;
  SELECT id, customer_id, product_id, title INTO r FROM change_requests WHERE id = NEW.change_request_id;
  PERFORM webhook_record('change_request.step', 'change_request', r.id, r.customer_id, r.product_id, NULL, NEW.at,
    jsonb_build_object('changeRequestId', r.id, 'customerId', r.customer_id, 'productId', r.product_id, 'title', r.title,
      'sequence', NEW.sequence, 'event', NEW.type, 'actor', webhook_actor(NEW.actor), 'details', NEW.data - 'by' - 'recordedBy' - 'updateId'));
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_change_request_event AFTER INSERT ON change_request_events FOR EACH ROW EXECUTE FUNCTION webhook_change_request_event();

CREATE FUNCTION webhook_outage_json(o outages) RETURNS JSONB LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('outageId', o.id, 'productId', o.product_id, 'customerId', o.customer_id, 'cause', o.cause,
    'startedAt', o.started_at, 'endedAt', o.ended_at, 'description', o.description, 'voided', o.voided_at IS NOT NULL)
$$;

-- Outages: recorded (an announced maintenance window is `maintenance.announced`), closed.
CREATE FUNCTION webhook_outage_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM webhook_record(CASE WHEN NEW.announce_to_customers THEN 'maintenance.announced' ELSE 'outage.recorded' END,
      'outage', NEW.id, NEW.customer_id, NEW.product_id, NULL, NEW.created_at, webhook_outage_json(NEW));
  ELSIF OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL THEN
    PERFORM webhook_record('outage.closed', 'outage', NEW.id, NEW.customer_id, NEW.product_id, NULL, now(), webhook_outage_json(NEW));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_outage_change AFTER INSERT OR UPDATE OF ended_at ON outages FOR EACH ROW EXECUTE FUNCTION webhook_outage_change();

-- Outage corrections (a void too), with the record before and after.
CREATE FUNCTION webhook_outage_correction() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o outages;
BEGIN
  SELECT * INTO o FROM outages WHERE id = NEW.outage_id;
  PERFORM webhook_record('outage.corrected', 'outage', o.id, o.customer_id, o.product_id, NULL, NEW.created_at,
    webhook_outage_json(o) || jsonb_build_object('correctionId', NEW.id, 'reason', NEW.reason, 'voided', NEW.voided,
      'before', NEW.before, 'after', NEW.after));
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_outage_correction AFTER INSERT ON outage_corrections FOR EACH ROW EXECUTE FUNCTION webhook_outage_correction();
