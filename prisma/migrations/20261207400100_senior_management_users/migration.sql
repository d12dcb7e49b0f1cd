-- Issue 15: senior management are people. A staff user flagged as senior management of their
-- vendor receives the escalations a plan sends to `senior_management` (by their own phone, e-mail
-- or inbox); a department whose vendor has none is still reached through its senior_manager_*
-- columns, as before.
ALTER TABLE "users" ADD COLUMN "senior_manager" BOOLEAN NOT NULL DEFAULT false;
