/**
 * Sessions for people (the web console): `POST /v1/sessions` with e-mail and password sets the
 * `pasban_session` cookie (httpOnly, SameSite=Strict, Secure over https, Path=/). The cookie
 * holds 32 random bytes; only their SHA-256 is stored, so a database read never yields a usable
 * cookie. Every sign-in makes a new session (a cookie the browser sent before is ended, never
 * adopted: no fixation). A session ends when its user signs out, after `SESSION_IDLE_MINUTES`
 * without a request, after `SESSION_ABSOLUTE_HOURS` whatever the activity, when an admin resets
 * the user's password, or when the user is disabled. Cookie-authenticated requests that change
 * state must send the session's CSRF token in `X-CSRF-Token`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../platform/database';
import { principalOf, principalUserSelect, type Principal } from './auth';
import { ApiError } from './errors';

export const SESSION_COOKIE = 'pasban_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}
export const DEFAULT_SESSION_SETTINGS: SessionSettings = { idleMinutes: 30, absoluteHours: 12 };

/** Lock-out: this many wrong passwords in a row lock the account for LOCK_MINUTES. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;

/** How stale `lastSeenAt` may be: a busy session writes it at most once a minute. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The session cookie's value from a Cookie header (the first one if sent twice). */
export function sessionTokenOf(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** A new session for the user: the cookie's token (returned once) and the CSRF token. */
export async function startSession(
  db: Database,
  userId: string,
  settings: SessionSettings,
  previousToken?: string,
): Promise<{ id: string; token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.absoluteHours * 3_600_000);
  // The session a browser brings to a sign-in ends: whoever planted or held that cookie gains nothing.
  if (previousToken && TOKEN.test(previousToken)) {
    await db.session.updateMany({
      where: { tokenHash: hashToken(previousToken), endedAt: null },
      data: { endedAt: new Date() },
    });
  }
  const row = await db.session.create({ data: { userId, tokenHash: hashToken(token), csrfToken, expiresAt } });
  return { id: row.id, token, csrfToken, expiresAt };
}

/** The principal of a live session; 401 for an unknown, ended or expired one. */
export async function authenticateSession(db: Database, token: string, settings: SessionSettings): Promise<Principal> {
  const ended = () =>
    new ApiError('unauthenticated', 'the session has ended or expired; sign in again (POST /v1/sessions)');
  if (!TOKEN.test(token)) throw ended();
  const row = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: principalUserSelect } },
  });
  const now = Date.now();
  if (!row || row.endedAt || row.user.disabledAt) throw ended();
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + settings.idleMinutes * 60_000 <= now) {
    await db.session.updateMany({ where: { id: row.id, endedAt: null }, data: { endedAt: new Date(now) } });
    throw ended();
  }
  if (row.lastSeenAt.getTime() < now - LAST_SEEN_RESOLUTION_MS) {
    await db.session.updateMany({
      where: { id: row.id, lastSeenAt: row.lastSeenAt },
      data: { lastSeenAt: new Date(now) },
    });
  }
  return principalOf(row.user, row.user.id, 'session', { id: row.id, csrfToken: row.csrfToken });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A cookie-authenticated request that changes state must carry the session's CSRF token. */
export function checkCsrf(principal: Principal, method: string, header: string | string[] | undefined): void {
  if (principal.via !== 'session' || SAFE_METHODS.has(method.toUpperCase())) return;
  const expected = Buffer.from(principal.session!.csrfToken);
  const sent = Buffer.from(typeof header === 'string' ? header.trim() : '');
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new ApiError(
      'forbidden',
      "a request signed in with the session cookie that changes state must send the session's CSRF token in X-CSRF-Token (from POST /v1/sessions or GET /v1/sessions/current)",
      {
        reason: 'csrf_token_missing_or_wrong',
      },
    );
  }
}

export async function endSession(db: Database, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
}

/** Ends every live session of a user (password reset, disabling). */
export async function endSessionsOf(db: Database, userId: string): Promise<void> {
  await db.session.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date() } });
}
