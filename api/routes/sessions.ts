import { z } from 'zod';
import { roles, principalUserSelect } from '../auth';
import { ApiError } from '../errors';
import { burnPasswordCheck, verifyPassword } from '../passwords';
import { loadUser, presentSessionUser, sessionUserResponse } from '../people';
import { defineRoute, Reply, sessionSettings } from '../route';
import {
  clearedSessionCookie,
  endSession,
  LOCK_AFTER_FAILURES,
  LOCK_MINUTES,
  sessionCookie,
  sessionTokenOf,
  startSession,
} from '../sessions';

const sessionResponse = z.object({
  user: sessionUserResponse,
  csrfToken: z
    .string()
    .describe(
      'Send it as `X-CSRF-Token` on every request signed in by the cookie that changes state (POST, PUT, PATCH, DELETE)',
    ),
});

const signInBody = z.strictObject({
  email: z.string().min(1).max(254).describe("The user's e-mail (any case)"),
  password: z.string().min(1).max(200),
});

const WRONG = 'wrong e-mail or password';
const NO_STORE = { 'Cache-Control': 'no-store' };

function locked(until: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new ApiError(
    'rate_limited',
    `sign-in is locked after ${LOCK_AFTER_FAILURES} wrong passwords in a row; try again in ${seconds} s or ask an admin to reset the password`,
    {
      retryAfterSeconds: seconds,
      reason: 'sign_in_locked',
    },
  );
}

export const sessionRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/sessions',
    tag: 'sessions',
    summary:
      `Sign in with e-mail and password: sets the \`pasban_session\` cookie (httpOnly, SameSite=Strict, Secure over https) and answers the user and the CSRF token; ` +
      `a wrong e-mail or password is a 401, and ${LOCK_AFTER_FAILURES} wrong passwords in a row lock the account for ${LOCK_MINUTES} minutes (429 with Retry-After)`,
    roles: 'public',
    body: signInBody,
    status: 201,
    errors: [401],
    response: sessionResponse,
    handler: async ({ body, headers, deps, secure }) => {
      const db = deps.db;
      const user = await db.user.findUnique({
        where: { email: body.email.trim().toLowerCase() },
        select: { ...principalUserSelect, passwordHash: true, lockedUntil: true, failedSignIns: true },
      });
      if (!user || user.passwordHash === null || user.disabledAt) {
        await burnPasswordCheck(body.password);
        throw new ApiError('unauthenticated', WRONG);
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) throw locked(user.lockedUntil);
      if (!(await verifyPassword(body.password, user.passwordHash))) {
        const counted = await db.user.update({
          where: { id: user.id },
          data: { failedSignIns: { increment: 1 } },
          select: { failedSignIns: true },
        });
        if (counted.failedSignIns >= LOCK_AFTER_FAILURES) {
          const until = new Date(Date.now() + LOCK_MINUTES * 60_000);
          await db.user.update({ where: { id: user.id }, data: { lockedUntil: until, failedSignIns: 0 } });
          deps.logger.warn({ userId: user.id }, 'sign-in locked after repeated wrong passwords');
          throw locked(until);
        }
        throw new ApiError('unauthenticated', WRONG);
      }
      if (user.failedSignIns > 0 || user.lockedUntil)
        await db.user.update({ where: { id: user.id }, data: { failedSignIns: 0, lockedUntil: null } });
      const settings = sessionSettings(deps);
      const session = await startSession(db, user.id, settings, sessionTokenOf(headers.cookie));
      const row = (await loadUser(db, user.id))!;
      return new Reply(
        201,
        { user: presentSessionUser(row), csrfToken: session.csrfToken },
        {
          ...NO_STORE,
          'Set-Cookie': sessionCookie(session.token, secure, settings.absoluteHours * 3600),
        },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/sessions/current',
    tag: 'sessions',
    summary:
      "The signed-in user and the session's CSRF token (401 when the cookie's session has ended; 404 for API keys, which have no session)",
    errors: [404],
    roles: [...roles],
    response: sessionResponse,
    handler: async ({ principal, deps }) => {
      if (principal.via !== 'session')
        throw new ApiError(
          'not_found',
          'you authenticated with an API key: there is no session (sign in with POST /v1/sessions)',
        );
      const row = await loadUser(deps.db, principal.userId);
      if (!row) throw new ApiError('unauthenticated', "the session's user no longer exists");
      return new Reply(200, { user: presentSessionUser(row), csrfToken: principal.session!.csrfToken }, NO_STORE);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/sessions/current',
    tag: 'sessions',
    summary:
      'Sign out: the session ends at once on the server and the cookie is cleared (needs X-CSRF-Token like every change)',
    errors: [404],
    roles: [...roles],
    status: 204,
    response: z.undefined(),
    handler: async ({ principal, deps, secure }) => {
      if (principal.via !== 'session')
        throw new ApiError(
          'not_found',
          'you authenticated with an API key: there is no session to end (revoke a key with DELETE /v1/api-keys/:id)',
        );
      await endSession(deps.db, principal.session!.id);
      return new Reply(204, undefined, { ...NO_STORE, 'Set-Cookie': clearedSessionCookie(secure) });
    },
  }),
];
