import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../platform/database';
import type { Role } from '../generated/prisma/enums';
import { ApiError } from './errors';

export const roles = ['customer', 'agent', 'qa', 'manager', 'admin'] as const satisfies readonly Role[];

/** How a role reads where no person's name is known (keys made before users, and their users). */
export const USER_ROLE_LABELS: Record<Role, string> = {
  customer: 'Customer',
  agent: 'Support agent',
  qa: 'Quality assurance',
  manager: 'Manager',
  admin: 'Administrator',
};

export interface Principal {
  /**
   * Who acts, as timelines, idempotency scopes and rate limits record it: the API key's id, or
   * for a signed-in person (a session) the user's id. `actorNames` resolves either to the person.
   */
  keyId: string;
  /** The person the key or session acts as. */
  userId: string;
  /** The user's name, for logs and timelines. */
  name: string;
  role: Role;
  /** Set for the customer role only: the one account this key may act for. */
  customerId: string | null;
  /** Staff: the vendor whose work they see (null: every vendor, as keys before users had). */
  vendorId: string | null;
  /** Staff: the departments they belong to. */
  departmentIds: string[];
  /** How the request authenticated; a session carries its CSRF token. */
  via: 'api_key' | 'session' | 'public';
  session?: { id: string; csrfToken: string };
}

/** The user fields a principal is built from. */
export const principalUserSelect = {
  id: true,
  name: true,
  role: true,
  customerId: true,
  vendorId: true,
  disabledAt: true,
  departments: { select: { departmentId: true } },
} as const;

export interface PrincipalUser {
  id: string;
  name: string;
  role: Role;
  customerId: string | null;
  vendorId: string | null;
  disabledAt: Date | null;
  departments: { departmentId: string }[];
}

export function principalOf(
  user: PrincipalUser,
  keyId: string,
  via: Principal['via'],
  session?: Principal['session'],
): Principal {
  return {
    keyId,
    userId: user.id,
    name: user.name,
    role: user.role,
    customerId: user.role === 'customer' ? user.customerId : null,
    vendorId: user.role === 'customer' ? null : user.vendorId,
    departmentIds: user.departments.map((d) => d.departmentId),
    via,
    ...(session && { session }),
  };
}

const KEY_PATTERN = /^pk_([a-z0-9]{8})_([A-Za-z0-9_-]{24,})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new key: `pk_<prefix>_<secret>`. The prefix finds the row; only the secret's hash is stored. */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
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
  await db.apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
    data: { lastUsedAt: new Date() },
  });
}

export async function authenticate(db: Database, key: string | undefined): Promise<Principal> {
  if (!key) throw new ApiError('unauthenticated', 'send an API key as `Authorization: Bearer <key>`');
  const parsed = parseApiKey(key);
  if (!parsed) throw new ApiError('unauthenticated', 'the API key is malformed');
  const row = await db.apiKey.findUnique({
    where: { prefix: parsed.prefix },
    include: { user: { select: principalUserSelect } },
  });
  const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
  const actual = Buffer.from(hashSecret(parsed.secret), 'hex');
  if (!row || !timingSafeEqual(expected, actual)) throw new ApiError('unauthenticated', 'the API key is not valid');
  if (row.revokedAt) throw new ApiError('unauthenticated', 'the API key has been revoked');
  if (row.user.disabledAt) throw new ApiError('unauthenticated', "the API key's user has been disabled");
  await recordUse(db, row.id, row.lastUsedAt);
  // The key acts as its user: the user's role, customer account, vendor and departments.
  return principalOf(row.user, row.id, 'api_key');
}

export function authorize(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw new ApiError(
      'forbidden',
      `this route admits ${allowed.join(', ')}; your ${principal.via === 'session' ? 'user' : 'key'} has role ${principal.role}`,
    );
  }
}

/** Who did it, as timelines and workflows record an actor: `<role>:<key id>`. */
export const actorOf = (principal: Pick<Principal, 'role' | 'keyId'>): string => `${principal.role}:${principal.keyId}`;

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
    if (await db.apiKey.findUnique({ where: { prefix: parsed.prefix } })) return undefined;
    const user = await firstAdminUser(db);
    await db.apiKey.upsert({
      where: { prefix: parsed.prefix },
      update: {},
      create: {
        name: 'admin (from environment)',
        prefix: parsed.prefix,
        secretHash: hashSecret(parsed.secret),
        role: 'admin',
        userId: user.id,
      },
    });
    return undefined;
  }
  if ((await db.apiKey.count({ where: { role: 'admin', revokedAt: null } })) > 0) return undefined;
  const user = await firstAdminUser(db);
  const generated = generateApiKey();
  await db.apiKey.create({
    data: {
      name: 'first admin',
      prefix: generated.prefix,
      secretHash: generated.secretHash,
      role: 'admin',
      userId: user.id,
    },
  });
  return generated.key;
}

/** The first-start administrator (the admin key's user and the admin who signs in), created once. */
export const FIRST_ADMIN_NAME = USER_ROLE_LABELS.admin;

async function firstAdminUser(db: Database): Promise<{ id: string }> {
  const existing = await db.user.findFirst({
    where: { role: 'admin' },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  return existing ?? db.user.create({ data: { name: FIRST_ADMIN_NAME, role: 'admin' }, select: { id: true } });
}

/**
 * A key together with a user of its own (name, role, customer), for callers that create keys
 * without managing people (fixtures, benchmarks, the fuzzer's world).
 */
export async function createKeyWithUser(
  db: Database,
  data: { name: string; role: Role; customerId?: string | null; displayName?: string | null; vendorId?: string | null },
): Promise<{ key: string; id: string; userId: string }> {
  const generated = generateApiKey();
  const row = await db.$transaction(async (tx) => {
    const user = await tx.user.create({
      data: {
        name: data.displayName ?? USER_ROLE_LABELS[data.role],
        role: data.role,
        customerId: data.customerId ?? null,
        vendorId: data.vendorId ?? null,
      },
    });
    return tx.apiKey.create({
      data: {
        name: data.name,
        displayName: data.displayName ?? null,
        role: data.role,
        customerId: data.customerId ?? null,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
        userId: user.id,
      },
    });
  });
  return { key: generated.key, id: row.id, userId: row.userId };
}

export const DEFAULT_ADMIN_EMAIL = 'admin@pasban.local';

/**
 * The first start gives the first administrator an e-mail and a password to sign in with (the
 * console's first user): `PASBAN_ADMIN_PASSWORD` when set, or a generated one that the caller
 * prints once, exactly like the admin key. Later starts (an administrator who can sign in exists)
 * change nothing and return undefined.
 */
export async function ensureAdminUser(
  db: Database,
  options: { email?: string; password?: string },
  hash: (password: string) => Promise<string>,
  generate: () => string,
): Promise<{ email: string; password: string } | undefined> {
  if ((await db.user.count({ where: { role: 'admin', passwordHash: { not: null }, disabledAt: null } })) > 0)
    return undefined;
  const email = (options.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  const password = options.password ?? generate();
  const passwordHash = await hash(password);
  const byEmail = await db.user.findUnique({ where: { email }, select: { id: true, role: true } });
  if (byEmail && byEmail.role !== 'admin')
    throw new Error(`PASBAN_ADMIN_EMAIL ${email} belongs to a ${byEmail.role} user, not an administrator`);
  const user = byEmail ?? (await firstAdminUser(db));
  await db.user.update({ where: { id: user.id }, data: { email, passwordHash, failedSignIns: 0, lockedUntil: null } });
  return options.password ? undefined : { email, password };
}
