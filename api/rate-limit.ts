import { ApiError } from './errors';

/**
 * A token bucket per caller — an API key, or the client address of requests without a valid
 * one: `perMinute` requests a minute, refilled continuously.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, caller = 'API key'): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.updatedAt) / 60_000) * this.perMinute);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      const retryAfterSeconds = Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute);
      throw new ApiError('rate_limited', `at most ${this.perMinute} requests a minute per ${caller}`, { retryAfterSeconds });
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
  }
}
