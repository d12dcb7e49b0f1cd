import type { Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { Role } from '../generated/prisma/enums';
import { authenticate, authorize, extractApiKey, type Principal } from './auth';
import {
  authenticateSession,
  checkCsrf,
  DEFAULT_SESSION_SETTINGS,
  sessionTokenOf,
  type SessionSettings,
} from './sessions';
import { ApiError } from './errors';
import { languageFor, type Language } from './language';
import { holdIdempotencyKey, idempotencyScope, releaseIdempotencyKey, requestDigest } from './idempotency';
import { idempotencyKeyOf, unstorableTextFields } from './requests';
import type { AppDeps } from './deps';
import { meterAddress, rateLimitHeaders } from './rate-limit';
import { toCsv, type CsvCell } from './reports/csv';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  headers: Request['headers'];
  requestId: string;
  deps: AppDeps;
  /** The request came over https (the session cookie is then Secure). */
  secure: boolean;
  /** The language the caller reads (api/language.ts): texts in answers, such as in-app notices, follow it. */
  language: Language;
}

/** A handler may answer with a bare value (the route's status) or a Reply to choose status and headers. */
export class Reply<R> {
  constructor(
    readonly status: number,
    readonly body: R,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** The roles this route admits, or 'public' for the unauthenticated probes and docs. */
  roles: readonly Role[] | 'public';
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  response: ZodType<R>;
  status?: number;
  /** Other answers this route documents besides the common errors, e.g. 409. */
  errors?: number[];
  /** What an `Idempotency-Key` header does on this route, for routes that read one. */
  idempotencyKey?: string;
  /** The rows of the answer as CSV, for clients that ask for `Accept: text/csv` (reports). */
  csv?: (body: R) => CsvCell[][];
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<R | Reply<R>>;
}

// Keep the inference of the generic parameters in one place so route files stay declarative.
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  spec: RouteSpec<P, Q, B, R>,
): RouteSpec<P, Q, B, R> {
  return spec;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, any>;

function parseOrThrow<T>(schema: ZodType<T> | undefined, value: unknown, location: 'body' | 'query' | 'params'): T {
  if (!schema) return (location === 'body' ? undefined : {}) as T;
  const unstorable = unstorableTextFields(value, location);
  if (unstorable.length > 0) {
    throw new ApiError('validation_failed', unstorable.map((f) => `${f.field}: ${f.reason}`).join('; '), {
      invalidFields: unstorable,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw ApiError.fromZod(parsed.error, location);
  return parsed.data;
}

const PUBLIC: Principal = {
  keyId: 'anonymous',
  userId: 'anonymous',
  name: 'anonymous',
  role: 'admin',
  customerId: null,
  vendorId: null,
  departmentIds: [],
  via: 'public',
};

export function sessionSettings(deps: AppDeps): SessionSettings {
  return {
    idleMinutes: deps.config.SESSION_IDLE_MINUTES ?? DEFAULT_SESSION_SETTINGS.idleMinutes,
    absoluteHours: deps.config.SESSION_ABSOLUTE_HOURS ?? DEFAULT_SESSION_SETTINGS.absoluteHours,
  };
}

/**
 * A request without a valid key spends from its client address's bucket, so guessing keys (or
 * hammering with a revoked one) meets 429 like any other client that asks too much.
 */
async function authenticateOrCount(deps: AppDeps, req: Request, res: Response): Promise<Principal> {
  try {
    // An API key (machines) wins; otherwise the session cookie of a signed-in person.
    const key = extractApiKey(req.headers);
    const token = key === undefined ? sessionTokenOf(req.headers.cookie) : undefined;
    if (token !== undefined) return await authenticateSession(deps.db, token, sessionSettings(deps));
    return await authenticate(deps.db, key);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unauthenticated') {
      await meterAddress(deps.rateLimiter, req, res, 'client address without a valid API key');
    }
    throw error;
  }
}

export function mountRoute(router: Router, route: AnyRoute, deps: AppDeps): void {
  router[route.method](route.path, async (req: Request, res: Response) => {
    let principal = PUBLIC;
    if (route.roles === 'public') {
      await meterAddress(deps.rateLimiter, req, res);
    } else {
      principal = await authenticateOrCount(deps, req, res);
      res.locals.principal = principal;
      await deps.rateLimiter.take(principal.keyId, 'API key', rateLimitHeaders(res));
      authorize(principal, route.roles);
      checkCsrf(principal, req.method, req.headers['x-csrf-token']);
    }
    const language = languageFor(req.header('accept-language'), route.roles === 'public' ? undefined : principal);
    res.setHeader('Content-Language', language);
    res.vary('Accept-Language');
    if (route.body && !req.is('application/json')) {
      throw new ApiError('unsupported_media_type', 'send the body as application/json');
    }
    const ctx: HandlerContext<unknown, unknown, unknown> = {
      params: parseOrThrow(route.params, req.params, 'params'),
      query: parseOrThrow(route.query, req.query, 'query'),
      body: parseOrThrow(route.body, req.body ?? {}, 'body'),
      principal,
      headers: req.headers,
      requestId: res.locals.requestId as string,
      deps,
      secure: req.secure || req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https',
      language,
    };
    const result = await handleOnce(route, ctx, req);
    const reply = result instanceof Reply ? result : new Reply(route.status ?? 200, result);
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    if (reply.status === 204) {
      res.status(204).end();
      return;
    }
    // Responses are parsed on the way out too: a handler can never leak a field the schema lacks.
    const checked = route.response.safeParse(reply.body);
    if (!checked.success) {
      throw new Error(
        `response of ${route.method.toUpperCase()} ${route.path} broke its schema: ${checked.error.message}`,
      );
    }
    if (route.csv && req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res
        .status(reply.status)
        .type('text/csv; charset=utf-8')
        .send(toCsv(route.csv(checked.data)));
      return;
    }
    res.status(reply.status).json(checked.data);
  });
}

/** Runs the handler, holding the request's Idempotency-Key (api/idempotency.ts) on routes that read one. */
async function handleOnce(
  route: AnyRoute,
  ctx: HandlerContext<unknown, unknown, unknown>,
  req: Request,
): Promise<unknown> {
  const key = route.idempotencyKey ? idempotencyKeyOf(req.headers) : undefined;
  if (!key) return route.handler(ctx);
  const scope = idempotencyScope(ctx.principal, route.method.toUpperCase(), route.path, req.path, ctx.body);
  const digest = requestDigest({ params: ctx.params, query: ctx.query, body: ctx.body ?? null });
  const held = await holdIdempotencyKey(ctx.deps.db, scope, key, digest);
  try {
    return await route.handler(ctx);
  } catch (error) {
    if (held && error instanceof ApiError && error.status < 500)
      await releaseIdempotencyKey(ctx.deps.db, scope, key, digest);
    throw error;
  }
}

export const idParams = z.strictObject({ id: z.uuid({ error: 'must be a UUID' }) });
export const keyOrIdParams = z.strictObject({ id: z.string().min(1).max(100) });
