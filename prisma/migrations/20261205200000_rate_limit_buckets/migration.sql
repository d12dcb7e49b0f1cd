-- The rate limit per API key (and per client address) shared by every API process: one token
-- bucket per caller, spent by a single upsert (api/rate-limit.ts, SharedRateLimiter). UNLOGGED:
-- the counters are worth nothing after a crash (an empty table is every bucket full), and
-- skipping the WAL keeps the one write per request cheap. A bucket untouched for a minute is
-- full, so rows older than that are purged by the API processes' once-a-minute sweep.
CREATE UNLOGGED TABLE "rate_limit_buckets" (
  "bucket" TEXT PRIMARY KEY,
  "tokens" DOUBLE PRECISION NOT NULL,
  "allowed" BOOLEAN NOT NULL,
  "updated_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "rate_limit_buckets_updated_at_idx" ON "rate_limit_buckets"("updated_at");
