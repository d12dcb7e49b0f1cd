-- CreateEnum
CREATE TYPE "Priority" AS ENUM ('critical', 'high', 'medium', 'low');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'cancelled');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('sms', 'email', 'in_app');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('pending', 'sent', 'failed', 'suppressed');

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "policy_key" TEXT NOT NULL,
    "priority" "Priority" NOT NULL,
    "subject" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'new',
    "assignee" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "first_response_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "cancel_reason" TEXT,
    "workflow_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "created_by_key_id" TEXT,
    "clock" JSONB,
    "next_deadline_at" TIMESTAMPTZ(3),
    "breached" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_events" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "ticket_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sla_outcomes" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "met" BOOLEAN NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "breached_at" TIMESTAMPTZ(3),
    "business_minutes_used" INTEGER NOT NULL,

    CONSTRAINT "sla_outcomes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "escalations" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3) NOT NULL,
    "action" JSONB NOT NULL,

    CONSTRAINT "escalations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "category" TEXT NOT NULL DEFAULT 'informational',
    "audience" TEXT NOT NULL,
    "customer_id" UUID,
    "role" "Role",
    "address" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "subject_ref" TEXT,
    "status" "NotificationStatus" NOT NULL DEFAULT 'pending',
    "status_note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_attempts" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "detail" TEXT,

    CONSTRAINT "notification_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "emergency_approvals" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "approved_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "emergency_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tickets_workflow_id_key" ON "tickets"("workflow_id");

-- CreateIndex
CREATE INDEX "tickets_status_priority_idx" ON "tickets"("status", "priority");

-- CreateIndex
CREATE INDEX "tickets_product_id_idx" ON "tickets"("product_id");

-- CreateIndex
CREATE INDEX "tickets_contract_id_idx" ON "tickets"("contract_id");

-- CreateIndex
CREATE INDEX "tickets_next_deadline_at_idx" ON "tickets"("next_deadline_at");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_customer_id_idempotency_key_key" ON "tickets"("customer_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "ticket_events_ticket_id_sequence_key" ON "ticket_events"("ticket_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "sla_outcomes_ticket_id_target_cycle_key" ON "sla_outcomes"("ticket_id", "target", "cycle");

-- CreateIndex
CREATE UNIQUE INDEX "escalations_dedupe_key_key" ON "escalations"("dedupe_key");

-- CreateIndex
CREATE INDEX "escalations_ticket_id_idx" ON "escalations"("ticket_id");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "notifications_channel_customer_id_read_at_idx" ON "notifications"("channel", "customer_id", "read_at");

-- CreateIndex
CREATE INDEX "notifications_channel_role_read_at_idx" ON "notifications"("channel", "role", "read_at");

-- CreateIndex
CREATE INDEX "notifications_subject_ref_idx" ON "notifications"("subject_ref");

-- CreateIndex
CREATE INDEX "notification_attempts_notification_id_idx" ON "notification_attempts"("notification_id");

-- CreateIndex
CREATE INDEX "emergency_approvals_customer_id_expires_at_idx" ON "emergency_approvals"("customer_id", "expires_at");

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sla_outcomes" ADD CONSTRAINT "sla_outcomes_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "emergency_approvals" ADD CONSTRAINT "emergency_approvals_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

