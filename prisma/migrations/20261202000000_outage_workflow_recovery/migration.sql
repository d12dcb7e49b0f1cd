-- Outages remember whether their workflow announces them to customers and when it was started,
-- so the recovery sweep can start the workflow of an outage whose start failed.
ALTER TABLE "outages" ADD COLUMN "announce_to_customers" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "workflow_started_at" TIMESTAMPTZ(3);

-- Outages stored before this migration had their workflows started with the row.
UPDATE "outages" SET "workflow_started_at" = "created_at" WHERE "workflow_id" IS NOT NULL;
