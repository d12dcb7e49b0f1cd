import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../platform/database';
import type { Role } from '../generated/prisma/enums';
import { ApiError } from './errors';

export const roles = ['customer', 'agent', 'qa', 'manager', 'admin'] as const satisfies readonly Role[];

export interface Principal {
  keyId: string;
  role: Role;
  /** Set for the customer role only: the one account this key may act for. */
  customerId: string | null;
}

const KEY_PATTERN = /^pk_([a-z0-9]{8})_([A-Za-z0-9_-]{24,})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new key: `pk_<prefix>_<secret>`. The prefix finds the row; only the secret's hash is stored. */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 8);
  const secret = randomBytes(24).toString('base64url');
  return { key: `pk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** `Bearer` in any case (RFC 9110: auth schemes are case-insensitive), then the key. */
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/** Reads the key from `Authorization: Bearer …` or `X-API-Key` (both declared in the OpenAPI document). */
export function extractApiKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const authorization = headers.authorization;
  const bearer = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
  if (bearer) return bearer[1];
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

/** How stale `lastUsedAt` may be: a busy key writes it once a minute, not on every request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Notes that a key was used, to the minute, so admins can see which keys are idle before revoking
 * them. The guard in the filter keeps concurrent requests from writing it more than once.
 */
async function recordUse(db: Database, id: string, lastUsedAt: Date | null): Promise<void> {
  const staleBefore = new Date(Date.now() - LAST_USED_RESOLUTION_MS);
  if (lastUsedAt && lastUsedAt > staleBefore) return;
  await db.apiKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] }, data: { lastUsedAt: new Date() } });
}

export async function authenticate(db: Database, key: string | undefined): Promise<Principal> {
  if (!key) throw new ApiError('unauthenticated', 'send an API key as `Authorization: Bearer <key>`');
  const parsed = parseApiKey(key);
  if (!parsed) throw new ApiError('unauthenticated', 'the API key is malformed');
  const row = await db.apiKey.findUnique({ where: { prefix: parsed.prefix } });
  const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
  const actual = Buffer.from(hashSecret(parsed.secret), 'hex');
  if (!row || !timingSafeEqual(expected, actual)) throw new ApiError('unauthenticated', 'the API key is not valid');
  if (row.revokedAt) throw new ApiError('unauthenticated', 'the API key has been revoked');
  await recordUse(db, row.id, row.lastUsedAt);
  return { keyId: row.id, role: row.role, customerId: row.customerId };
}

export function authorize(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw new ApiError('forbidden', `this route admits ${allowed.join(', ')}; your key has role ${principal.role}`);
  }
}

/** The customer a request acts for: a customer key's own account, or the one staff name. */
export function actingCustomerId(principal: Principal, requested?: string): string | undefined {
  if (principal.role === 'customer') {
    if (requested && requested !== principal.customerId) {
      throw new ApiError('forbidden', 'a customer key may act only for its own customer account');
    }
    return principal.customerId ?? undefined;
  }
  return requested;
}

/**
 * The first start creates an admin key (or adopts PASBAN_ADMIN_API_KEY) and returns the key so
 * the caller can print it once; later starts return undefined.
 */
export async function ensureAdminKey(db: Database, fromEnvironment?: string): Promise<string | undefined> {
  if (fromEnvironment) {
    const parsed = parseApiKey(fromEnvironment);
    if (!parsed) throw new Error('PASBAN_ADMIN_API_KEY is malformed');
    await db.apiKey.upsert({
      where: { prefix: parsed.prefix },
      update: {},
      create: { name: 'admin (from environment)', prefix: parsed.prefix, secretHash: hashSecret(parsed.secret), role: 'admin' },
    });
    return undefined;
  }
  if ((await db.apiKey.count({ where: { role: 'admin', revokedAt: null } })) > 0) return undefined;
  const generated = generateApiKey();
  await db.apiKey.create({
    data: { name: 'first admin', prefix: generated.prefix, secretHash: generated.secretHash, role: 'admin' },
  });
  return generated.key;
}
