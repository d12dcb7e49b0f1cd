-- The outbox becomes a real outbox: activities only write rows and a relay in the worker delivers
-- them. "held" is a message that waits (no channel configured where it was queued, or quiet hours
-- until not_before); a relay takes a due row by leasing it (lease_until, lease_token), so two relays
-- never send the same row, and counts its tries (attempt_count) to give up after a bounded number.
ALTER TYPE "NotificationStatus" ADD VALUE IF NOT EXISTS 'held' AFTER 'pending';

ALTER TABLE "notifications" ADD COLUMN "not_before" TIMESTAMPTZ(3),
ADD COLUMN "lease_until" TIMESTAMPTZ(3),
ADD COLUMN "lease_token" UUID,
ADD COLUMN "attempt_count" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "notifications_status_channel_not_before_idx" ON "notifications"("status", "channel", "not_before");
