/**
 * What an Idempotency-Key promises: a retry with the same key runs once, and the same key with a
 * different request is a 409. The first use stores a digest of the whole canonical request (the
 * parsed body with its keys sorted, so key order, whitespace and defaults do not matter) with
 * the key; a later use compares the whole request, not a few fields.
 *
 * Keys are scoped as their effect is: a creation per customer (as the stored row's key is), a
 * command per API key and path (as the workflow update's id is).
 *
 * Retention: a key's request is remembered for IDEMPOTENCY_KEY_RETENTION_HOURS (24 by default,
 * as payment APIs do), then purged (purgeIdempotencyKeys, once a minute by every API process).
 * After that a retry with the same key is judged by the record it names alone: a creation whose
 * row still holds the key is answered with that row (the row's own fields compared); a command
 * is a new command.
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
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestDigest = (request: unknown): string =>
  createHash('sha256').update(canonicalJson(request)).digest('hex');

export function idempotencyScope(
  principal: Principal,
  method: string,
  routePath: string,
  path: string,
  body: unknown,
): string {
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
  const { count } = await db.idempotencyKey.createMany({
    data: [{ scope, key, requestDigest: digest }],
    skipDuplicates: true,
  });
  if (count === 1) return true;
  const first = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
  if (first && first.requestDigest !== digest) {
    throw new ApiError(
      'conflict',
      'this Idempotency-Key was used with a different request; use a new key for a new request',
      {
        reason: 'idempotency_key_reused',
      },
    );
  }
  return false;
}

/** A request refused for what it said (4xx) leaves nothing done: its key may carry a corrected request. */
export async function releaseIdempotencyKey(db: Database, scope: string, key: string, digest: string): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { scope, key, requestDigest: digest } });
}

/**
 * Forgets the requests of keys recorded before `nowMs - retentionMs`, oldest first, in batches;
 * the number forgotten. Several API processes may run it at once: each batch locks its rows with
 * SKIP LOCKED, so two purges delete disjoint rows and neither waits for the other.
 */
export async function purgeIdempotencyKeys(
  db: Database,
  retentionMs: number,
  options: { nowMs?: number; batch?: number } = {},
): Promise<number> {
  const cutoff = new Date((options.nowMs ?? Date.now()) - retentionMs);
  const batch = options.batch ?? 5_000;
  let purged = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM idempotency_keys WHERE (scope, key) IN (
        SELECT scope, key FROM idempotency_keys WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`;
    purged += deleted;
    if (deleted < batch) return purged;
  }
}
