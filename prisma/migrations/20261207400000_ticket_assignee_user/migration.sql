-- Issue 15: the assignee is a person, a staff user of the ticket's vendor. `assignee` keeps what
-- the workflow recorded (a user's id, or the free text of an assignment made before assignees were
-- people); `assignee_user_id` is the person. An existing free-text assignee becomes a person when it
-- names exactly one active staff user (agent, manager or admin) of the ticket's vendor by id, name
-- or e-mail (case and surrounding spaces ignored): the same rule activities/ticket-assignee.ts applies
-- to tickets whose workflow still holds the text. Any other text stays as it was, visible as the
-- assignee's name, with no person (the ticket counts as unassigned for alarms and `assignee=none`).
ALTER TABLE "tickets" ADD COLUMN "assignee_user_id" UUID;

ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assignee_user_id_fkey"
  FOREIGN KEY ("assignee_user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE INDEX "tickets_assignee_user_id_idx" ON "tickets"("assignee_user_id");

UPDATE "tickets" t
SET "assignee_user_id" = m."user_id"
FROM (
  SELECT t2."id" AS "ticket_id", (array_agg(u."id"))[1] AS "user_id"
  FROM "tickets" t2
  JOIN "products" p ON p."id" = t2."product_id"
  JOIN "users" u ON u."vendor_id" = p."vendor_id"
    AND u."role" IN ('agent', 'manager', 'admin')
    AND u."disabled_at" IS NULL
    AND (u."id"::text = lower(btrim(t2."assignee"))
      OR lower(btrim(u."name")) = lower(btrim(t2."assignee"))
      OR lower(u."email") = lower(btrim(t2."assignee")))
  WHERE t2."assignee" IS NOT NULL
  GROUP BY t2."id"
  HAVING count(DISTINCT u."id") = 1
) m
WHERE t."id" = m."ticket_id";
