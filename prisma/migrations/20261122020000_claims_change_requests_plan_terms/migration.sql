-- CreateEnum
CREATE TYPE "OutageCause" AS ENUM ('unplanned', 'planned_maintenance', 'customer_requested', 'customer_violation', 'non_payment_suspension', 'external_provider');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('received', 'acknowledged', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "ChangeRequestStatus" AS ENUM ('in_review', 'rejected', 'quoted', 'declined', 'expired', 'approved', 'delivered', 'fixing', 'accepted', 'cancelled');

-- AlterEnum
ALTER TYPE "PolicyKind" ADD VALUE 'entitlements';

-- DropIndex
DROP INDEX "policies_key_key";

-- DropIndex
DROP INDEX "policies_kind_idx";

-- CreateTable
CREATE TABLE "outages" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "cause" "OutageCause" NOT NULL,
    "customer_id" UUID,
    "description" TEXT NOT NULL,
    "announced_at" TIMESTAMPTZ(3),
    "panel_notice_posted_at" TIMESTAMPTZ(3),
    "workflow_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "claims" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "note" TEXT,
    "status" "ClaimStatus" NOT NULL DEFAULT 'received',
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledge_due_at" TIMESTAMPTZ(3) NOT NULL,
    "decision_due_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" TEXT,
    "credit_percent" INTEGER,
    "credit_amount_rials" BIGINT,
    "justification" TEXT,
    "rejection_reason" TEXT,
    "computation" JSONB NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "claims_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "claim_outages" (
    "claim_id" UUID NOT NULL,
    "outage_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,

    CONSTRAINT "claim_outages_pkey" PRIMARY KEY ("claim_id","outage_id")
);

-- CreateTable
CREATE TABLE "claim_tickets" (
    "claim_id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,

    CONSTRAINT "claim_tickets_pkey" PRIMARY KEY ("claim_id","ticket_id")
);

-- CreateTable
CREATE TABLE "claim_events" (
    "id" UUID NOT NULL,
    "claim_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "claim_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_notes" (
    "id" UUID NOT NULL,
    "claim_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "percent" INTEGER NOT NULL,
    "amount_rials" BIGINT NOT NULL,
    "applies_to_month" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_requests" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "desired_date" DATE,
    "attachments" JSONB NOT NULL,
    "status" "ChangeRequestStatus" NOT NULL DEFAULT 'in_review',
    "review_rank" INTEGER NOT NULL,
    "cost_rials" BIGINT,
    "effort_minutes" INTEGER,
    "quote_expires_at" TIMESTAMPTZ(3),
    "committed_delivery_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "accepted_at" TIMESTAMPTZ(3),
    "accepted_by_silence" BOOLEAN NOT NULL DEFAULT false,
    "deadlines" JSONB NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "change_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "change_request_events" (
    "id" UUID NOT NULL,
    "change_request_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,

    CONSTRAINT "change_request_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_delays" (
    "id" UUID NOT NULL,
    "change_request_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "customer_delays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL,
    "change_request_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "quoted_rials" BIGINT NOT NULL,
    "included_minutes_used" INTEGER NOT NULL,
    "billed_minutes" INTEGER NOT NULL,
    "amount_rials" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outages_workflow_id_key" ON "outages"("workflow_id");

-- CreateIndex
CREATE INDEX "outages_product_id_started_at_idx" ON "outages"("product_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "claims_workflow_id_key" ON "claims"("workflow_id");

-- CreateIndex
CREATE INDEX "claims_status_decision_due_at_idx" ON "claims"("status", "decision_due_at");

-- CreateIndex
CREATE UNIQUE INDEX "claims_customer_id_idempotency_key_key" ON "claims"("customer_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "claim_outages_contract_id_outage_id_key" ON "claim_outages"("contract_id", "outage_id");

-- CreateIndex
CREATE UNIQUE INDEX "claim_events_claim_id_sequence_key" ON "claim_events"("claim_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "credit_notes_claim_id_key" ON "credit_notes"("claim_id");

-- CreateIndex
CREATE INDEX "credit_notes_customer_id_idx" ON "credit_notes"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "change_requests_workflow_id_key" ON "change_requests"("workflow_id");

-- CreateIndex
CREATE INDEX "change_requests_status_review_rank_created_at_idx" ON "change_requests"("status", "review_rank", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "change_requests_customer_id_idempotency_key_key" ON "change_requests"("customer_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "change_request_events_change_request_id_sequence_key" ON "change_request_events"("change_request_id", "sequence");

-- CreateIndex
CREATE INDEX "customer_delays_change_request_id_idx" ON "customer_delays"("change_request_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_change_request_id_key" ON "invoices"("change_request_id");

-- CreateIndex
CREATE INDEX "invoices_customer_id_idx" ON "invoices"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "policies_kind_key_key" ON "policies"("kind", "key");

-- AddForeignKey
ALTER TABLE "outages" ADD CONSTRAINT "outages_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outages" ADD CONSTRAINT "outages_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_outages" ADD CONSTRAINT "claim_outages_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_outages" ADD CONSTRAINT "claim_outages_outage_id_fkey" FOREIGN KEY ("outage_id") REFERENCES "outages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_outages" ADD CONSTRAINT "claim_outages_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_tickets" ADD CONSTRAINT "claim_tickets_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_tickets" ADD CONSTRAINT "claim_tickets_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_requests" ADD CONSTRAINT "change_requests_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "change_request_events" ADD CONSTRAINT "change_request_events_change_request_id_fkey" FOREIGN KEY ("change_request_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_delays" ADD CONSTRAINT "customer_delays_change_request_id_fkey" FOREIGN KEY ("change_request_id") REFERENCES "change_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_change_request_id_fkey" FOREIGN KEY ("change_request_id") REFERENCES "change_requests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

