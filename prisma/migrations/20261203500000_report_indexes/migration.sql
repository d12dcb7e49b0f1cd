-- CreateIndex
CREATE INDEX "tickets_opened_at_idx" ON "tickets"("opened_at");

-- CreateIndex
CREATE INDEX "escalations_fired_at_idx" ON "escalations"("fired_at");

-- CreateIndex
CREATE INDEX "claims_received_at_idx" ON "claims"("received_at");

-- CreateIndex
CREATE INDEX "credit_notes_applies_to_month_idx" ON "credit_notes"("applies_to_month");

-- CreateIndex
CREATE INDEX "change_requests_created_at_idx" ON "change_requests"("created_at");

