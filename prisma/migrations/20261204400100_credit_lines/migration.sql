-- CreateTable
CREATE TABLE "credit_lines" (
    "id" UUID NOT NULL,
    "claim_id" UUID NOT NULL,
    "earned_month" TEXT NOT NULL,
    "downtime_minutes" DOUBLE PRECISION NOT NULL,
    "availability_percent" DOUBLE PRECISION NOT NULL,
    "percent" INTEGER NOT NULL,
    "amount_rials" BIGINT NOT NULL,
    "applies_to_month" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_lines_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "credit_lines_applies_to_month_idx" ON "credit_lines"("applies_to_month");

-- CreateIndex
CREATE UNIQUE INDEX "credit_lines_claim_id_earned_month_key" ON "credit_lines"("claim_id", "earned_month");

-- AddForeignKey
ALTER TABLE "credit_lines" ADD CONSTRAINT "credit_lines_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claims"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
