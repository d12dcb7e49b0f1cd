-- Personal inboxes (issue 15): a notice may be addressed to one person, it names the vendor and
-- department it concerns (staff see their own vendor's), and every person has their own read state.

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN "user_id" UUID,
ADD COLUMN "vendor_id" UUID,
ADD COLUMN "department_id" UUID;

-- CreateTable
CREATE TABLE "notification_reads" (
    "notification_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_reads_pkey" PRIMARY KEY ("notification_id","user_id")
);

-- Existing notices concern the vendor and department of what they are about.
UPDATE "notifications" n SET "department_id" = p."department_id", "vendor_id" = p."vendor_id"
FROM "tickets" t JOIN "products" p ON p."id" = t."product_id"
WHERE n."subject_ref" = 'ticket:' || t."id"::text;
UPDATE "notifications" n SET "department_id" = p."department_id", "vendor_id" = p."vendor_id"
FROM "claims" c JOIN "products" p ON p."id" = c."product_id"
WHERE n."subject_ref" = 'claim:' || c."id"::text;
UPDATE "notifications" n SET "department_id" = p."department_id", "vendor_id" = p."vendor_id"
FROM "change_requests" r JOIN "products" p ON p."id" = r."product_id"
WHERE n."subject_ref" = 'change-request:' || r."id"::text;
UPDATE "notifications" n SET "department_id" = p."department_id", "vendor_id" = p."vendor_id"
FROM "outages" o JOIN "products" p ON p."id" = o."product_id"
WHERE n."subject_ref" = 'outage:' || o."id"::text;

-- CreateIndex
CREATE INDEX "notifications_user_id_idx" ON "notifications"("user_id");
CREATE INDEX "notification_reads_user_id_idx" ON "notification_reads"("user_id");

-- AddForeignKey
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "notification_reads" ADD CONSTRAINT "notification_reads_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notification_reads" ADD CONSTRAINT "notification_reads_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
