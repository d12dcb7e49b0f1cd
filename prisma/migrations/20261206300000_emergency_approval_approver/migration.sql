-- Rule 14: an emergency approval names the manager who gave it, from their own sign-in, and keeps
-- which user and key or session recorded it (the audit trail). Older rows keep their typed name.
ALTER TABLE "emergency_approvals" ADD COLUMN "approved_by_user_id" UUID;
ALTER TABLE "emergency_approvals" ADD COLUMN "approved_via_key_id" TEXT;
