-- Outage corrections (issue 12, item 11): staff correct an outage's times or cause, or void it,
-- with a reason; each correction is kept as the outage's audit trail.
ALTER TABLE "outages" ADD COLUMN "voided_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "outage_corrections" (
    "id" UUID NOT NULL,
    "outage_id" UUID NOT NULL,
    "corrected_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "voided" BOOLEAN NOT NULL DEFAULT false,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    "claims_reassessed" INTEGER NOT NULL DEFAULT 0,
    "claims_decided" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outage_corrections_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "outage_corrections_outage_id_created_at_idx" ON "outage_corrections"("outage_id", "created_at");

-- AddForeignKey
ALTER TABLE "outage_corrections" ADD CONSTRAINT "outage_corrections_outage_id_fkey" FOREIGN KEY ("outage_id") REFERENCES "outages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
