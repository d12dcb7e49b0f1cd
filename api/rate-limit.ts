import type { Response } from 'express';
import { ApiError } from './errors';

/** Where a caller stands in its bucket, as the RateLimit headers tell it. */
export interface RateLimitState {
  policy: 'per-key' | 'per-address';
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/**
 * A token bucket per caller — an API key, or the client address of requests without a valid
 * one (failed authentication, the public probes and documents, unknown routes): `perMinute`
 * requests a minute, refilled continuously.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one request of `key`'s bucket, or throws 429; `report` hears the state either way. */
  take(key: string, caller = 'API key', report?: (state: RateLimitState) => void): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.updatedAt) / 60_000) * this.perMinute);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    report?.({
      policy: key.startsWith('address:') ? 'per-address' : 'per-key',
      limit: this.perMinute,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil(((this.perMinute - bucket.tokens) * 60) / this.perMinute),
    });
    if (!allowed) {
      const retryAfterSeconds = Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute);
      throw new ApiError('rate_limited', `at most ${this.perMinute} requests a minute per ${caller}`, { retryAfterSeconds });
    }
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
export function meterAddress(limiter: RateLimiter, req: { ip?: string | undefined }, res: Response, caller = 'client address'): void {
  limiter.take(`address:${req.ip ?? 'unknown'}`, caller, rateLimitHeaders(res));
}
