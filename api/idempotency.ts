/**
 * What an Idempotency-Key promises: a retry with the same key runs once, and the same key with a
 * different request is a 409. The first use stores a digest of the whole canonical request (the
 * parsed body with its keys sorted, so key order, whitespace and defaults do not matter) with
 * the key; a later use compares the whole request, not a few fields.
 *
 * Keys are scoped as their effect is: a creation per customer (as the stored row's key is), a
 * command per API key and path (as the workflow update's id is).
 */
import { createHash } from 'node:crypto';
import type { Database } from '../platform/database';
import type { Principal } from './auth';
import { ApiError } from './errors';

/** JSON with object keys sorted at every level; bigints (rials) as their digits. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestDigest = (request: unknown): string => createHash('sha256').update(canonicalJson(request)).digest('hex');

export function idempotencyScope(principal: Principal, method: string, routePath: string, path: string, body: unknown): string {
  if (routePath.includes(':')) return `${method} ${path} key:${principal.keyId}`;
  const named = (body as { customerId?: unknown } | undefined)?.customerId;
  const customer = principal.customerId ?? (typeof named === 'string' ? named : null);
  return `${method} ${routePath} ${customer ? `customer:${customer}` : `key:${principal.keyId}`}`;
}

/**
 * Records the key's first request, or checks a later one against it. True when this request
 * recorded it (so a refusal of this request can release the key again).
 */
export async function holdIdempotencyKey(db: Database, scope: string, key: string, digest: string): Promise<boolean> {
  const { count } = await db.idempotencyKey.createMany({ data: [{ scope, key, requestDigest: digest }], skipDuplicates: true });
  if (count === 1) return true;
  const first = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
  if (first && first.requestDigest !== digest) {
    throw new ApiError('conflict', 'this Idempotency-Key was used with a different request; use a new key for a new request', {
      reason: 'idempotency_key_reused',
    });
  }
  return false;
}

/** A request refused for what it said (4xx) leaves nothing done: its key may carry a corrected request. */
export async function releaseIdempotencyKey(db: Database, scope: string, key: string, digest: string): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { scope, key, requestDigest: digest } });
}
