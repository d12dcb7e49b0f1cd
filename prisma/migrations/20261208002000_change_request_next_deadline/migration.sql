-- The soonest deadline a change request still owes (sla/change-request-clock.ts nextDeadlineAt),
-- kept by the workflow's sync, so the lists can sort by what is due first.
ALTER TABLE "change_requests" ADD COLUMN "next_deadline_at" TIMESTAMPTZ(3);

UPDATE "change_requests" AS cr
SET "next_deadline_at" = (
  SELECT to_timestamp(min((d ->> 'dueAtMs')::double precision) / 1000.0)
  FROM jsonb_array_elements(cr."deadlines") AS d
  WHERE d ->> 'completedAtMs' IS NULL AND d ->> 'state' <> 'void'
)
WHERE cr."status" NOT IN ('rejected', 'declined', 'expired', 'accepted', 'cancelled');

CREATE INDEX "change_requests_next_deadline_at_idx" ON "change_requests"("next_deadline_at");
