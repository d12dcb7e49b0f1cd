import type { Response } from 'express';
import { Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import { ApiError } from './errors';

/** Where a caller stands in its bucket, as the RateLimit headers tell it. */
export interface RateLimitState {
  policy: 'per-key' | 'per-address';
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/** Spends one request of a caller's bucket, or throws 429; `report` hears the state either way. */
export interface RateLimit {
  take(key: string, caller?: string, report?: (state: RateLimitState) => void): Promise<void>;
  /** Forgets what no longer matters (buckets full again); the shared limiter's housekeeping. */
  purge?(): Promise<number>;
}

function stateOf(key: string, perMinute: number, tokens: number): RateLimitState {
  return {
    policy: key.startsWith('address:') ? 'per-address' : 'per-key',
    limit: perMinute,
    remaining: Math.max(0, Math.floor(tokens)),
    resetSeconds: Math.ceil(((perMinute - tokens) * 60) / perMinute),
  };
}

function refusal(perMinute: number, tokens: number, caller: string): ApiError {
  const retryAfterSeconds = Math.max(1, Math.ceil(((1 - tokens) * 60) / perMinute));
  return new ApiError('rate_limited', `at most ${perMinute} requests a minute per ${caller}`, { retryAfterSeconds });
}

/**
 * A token bucket per caller — an API key, or the client address of requests without a valid
 * one (failed authentication, the public probes and documents, unknown routes): `perMinute`
 * requests a minute, refilled continuously. In this process's memory: behind N API processes a
 * caller gets N times its limit, so the API server uses SharedRateLimiter; tests and tools use this.
 */
export class RateLimiter implements RateLimit {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, caller = 'API key', report?: (state: RateLimitState) => void): Promise<void> {
    try {
      this.takeNow(key, caller, report);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The same, synchronously (the shared limiter's fallback while the database is unreachable). */
  takeNow(key: string, caller = 'API key', report?: (state: RateLimitState) => void): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.updatedAt) / 60_000) * this.perMinute);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    report?.(stateOf(key, this.perMinute, bucket.tokens));
    if (!allowed) throw refusal(this.perMinute, bucket.tokens, caller);
  }
}

/**
 * The same token bucket, kept in PostgreSQL (rate_limit_buckets) so that every API process spends
 * from one bucket per caller: a key gets its limit once however many processes serve it (issue
 * 19). One statement per request — an upsert that refills by the time since the bucket's last
 * use (the database's clock, so processes' clocks need not agree), spends a token when one is
 * there, and returns what is left and whether this request was let through; the row lock
 * serialises concurrent requests of one caller. Should the statement fail (the database
 * unreachable), the request is metered by this process's own buckets instead, so the probes and
 * documents still answer.
 */
export class SharedRateLimiter implements RateLimit {
  private readonly local: RateLimiter;

  constructor(
    private readonly db: Database,
    private readonly perMinute: number,
    private readonly onFallback: (error: unknown) => void = () => {},
  ) {
    this.local = new RateLimiter(perMinute);
  }

  async take(key: string, caller = 'API key', report?: (state: RateLimitState) => void): Promise<void> {
    const limit = this.perMinute;
    // What the bucket holds now: what it held, plus the refill since, up to the limit (SET reads the old row).
    const refilled = Prisma.sql`LEAST(${limit}::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (now() - b.updated_at))::float8) * ${limit}::float8 / 60)`;
    let row: { tokens: number; allowed: boolean } | undefined;
    try {
      [row] = await this.db.$queryRaw<{ tokens: number; allowed: boolean }[]>`
        INSERT INTO rate_limit_buckets AS b (bucket, tokens, allowed, updated_at)
        VALUES (${key}, ${limit - 1}::float8, true, now())
        ON CONFLICT (bucket) DO UPDATE SET
          tokens = CASE WHEN ${refilled} >= 1 THEN ${refilled} - 1 ELSE ${refilled} END,
          allowed = ${refilled} >= 1,
          updated_at = GREATEST(b.updated_at, now())
        RETURNING b.tokens, b.allowed`;
    } catch (error) {
      this.onFallback(error);
      this.local.takeNow(key, caller, report);
      return;
    }
    const { tokens, allowed } = row!;
    report?.(stateOf(key, this.perMinute, tokens));
    if (!allowed) throw refusal(this.perMinute, tokens, caller);
  }

  /** Forgets buckets untouched for over a minute (they are full again); the number forgotten. */
  async purge(): Promise<number> {
    return this.db.$executeRaw`DELETE FROM rate_limit_buckets WHERE updated_at < now() - interval '2 minutes'`;
  }
}

/** The IETF draft's headers (draft-ietf-httpapi-ratelimit-headers): the policy, and what is left of it. */
export function rateLimitHeaders(res: Response): (state: RateLimitState) => void {
  return (state) => {
    res.setHeader('RateLimit-Policy', `"${state.policy}";q=${state.limit};w=60`);
    res.setHeader('RateLimit', `"${state.policy}";r=${state.remaining};t=${state.resetSeconds}`);
  };
}

/** Meters a request without a key by its client address. */
export function meterAddress(
  limiter: RateLimit,
  req: { ip?: string | undefined },
  res: Response,
  caller = 'client address',
): Promise<void> {
  return limiter.take(`address:${req.ip ?? 'unknown'}`, caller, rateLimitHeaders(res));
}
