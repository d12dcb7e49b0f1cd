-- Rule 15 with the plans' on-site conditions (seed 002: Kian's on-site visits only for critical and
-- important problems, only in Tehran; seed 003: Iotex's free on-site service for Tehran customers):
-- the customer's city, and the ticket an on-site use is for (its priority is checked).
ALTER TABLE "customers" ADD COLUMN "city" TEXT;

ALTER TABLE "allowance_uses" ADD COLUMN "ticket_id" UUID;

CREATE INDEX "allowance_uses_ticket_id_idx" ON "allowance_uses"("ticket_id");

ALTER TABLE "allowance_uses" ADD CONSTRAINT "allowance_uses_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
