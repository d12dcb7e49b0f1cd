import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { BusinessTimeLimitError } from '../sla/limits';
import type { Principal } from './auth';
import { ApiError, toProblem } from './errors';
import { languageFor } from './language';
import type { AppDeps } from './deps';
import { buildOpenApi } from './openapi';
import { mountRoute, type AnyRoute } from './route';
import { allRoutes } from './routes';
import { isTemporalUnreachable } from './services/workflow-command';
import { DOC_PATHS, mountDocs } from './routes/docs';
import { meterAddress } from './rate-limit';
import { mountConsole } from './console';
import { UnreadableRow } from '../store/json-columns';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApp(deps: AppDeps, routes: AnyRoute[] = allRoutes): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const offered = req.header('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          keyId: res.locals.principal?.keyId,
        },
        'request',
      );
    });
    next();
  });
  app.use(helmet());
  app.use(refuseContentEncodings);
  // inflate: false as well, so no compressed stream ever reaches zlib (a broken one was a 500).
  app.use(express.json({ limit: deps.config.BODY_LIMIT, strict: true, inflate: false }));

  const openApi = buildOpenApi(routes, '0.1.0');
  const router = express.Router();
  for (const route of routes) mountRoute(router, route, deps);
  app.use(router);
  const meter: express.RequestHandler = (req, res, next) => {
    meterAddress(deps.rateLimiter, req, res).then(() => next(), next);
  };
  mountDocs(app, openApi, meter);
  mountConsole(app, meter);

  // Unknown routes are metered per client address too; a known path with another method is a 405 naming the allowed ones.
  const allowedMethods = methodsByPath(routes);
  app.use(async (req: Request, res: Response) => {
    await meterAddress(deps.rateLimiter, req, res);
    const allowed = allowedMethods(req.path);
    if (allowed.length > 0) {
      res.setHeader('Allow', allowed.join(', '));
      throw new ApiError(
        'method_not_allowed',
        `${req.method} is not allowed on ${req.path}; use ${allowed.join(', ')}`,
      );
    }
    throw new ApiError('not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps));
  return app;
}

/**
 * Bodies are accepted uncompressed only (`Content-Encoding` absent or `identity`): request bodies
 * are small, and decompressing them would let a few bytes expand past the body limit's intent or
 * a broken stream reach zlib. Anything else is a 415 naming the header, before the body is read.
 */
function refuseContentEncodings(req: Request, _res: Response, next: NextFunction): void {
  const encoding = req.header('content-encoding');
  if (encoding === undefined || /^[ \t]*identity[ \t]*$/i.test(encoding)) return next();
  const reason = 'only identity is accepted: send the body uncompressed';
  throw new ApiError('unsupported_media_type', `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))}: ${reason}`, {
    invalidFields: [{ field: 'header.content-encoding', reason }],
  });
}

/** The methods each path of the route table (and the documents) answers, for 405's Allow. */
function methodsByPath(routes: AnyRoute[]): (path: string) => string[] {
  const patterns = [
    ...routes.map((r) => ({ method: r.method.toUpperCase(), path: r.path })),
    ...DOC_PATHS.map((path) => ({ method: 'GET', path })),
  ].map((r) => ({
    method: r.method,
    // Express matches case-insensitively and with or without a trailing slash.
    regex: new RegExp(`^${r.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`, 'i'),
  }));
  return (path) => {
    const methods = new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** The one place errors become answers: ApiErrors as problems, anything unknown as a bare 500. */
function errorHandler(deps: AppDeps) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const requestId = (res.locals.requestId as string | undefined) ?? randomUUID();
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      deps.logger.error({ requestId, err: error, method: req.method, path: req.path }, 'request failed');
    }
    if (apiError.extra.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(apiError.extra.retryAfterSeconds));
    }
    const language = languageFor(req.header('accept-language'), res.locals.principal as Principal | undefined);
    res.setHeader('Content-Language', language);
    res.vary('Accept-Language');
    res
      .status(apiError.status)
      .type('application/problem+json')
      .send(JSON.stringify(toProblem(apiError, requestId, language)));
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.too.large':
      return new ApiError('payload_too_large', 'the request body exceeds the size limit');
    case 'entity.parse.failed':
      return new ApiError('bad_request', 'the body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('unsupported_media_type', 'send UTF-8 JSON');
  }
  // A path segment that is not valid percent-encoded UTF-8 (e.g. /v1/tickets/%ED%A0%80): the router's decode fails.
  // Terms stored before the bounds (sla/limits.ts), or a calendar that almost never opens.
  if (error instanceof BusinessTimeLimitError) {
    return new ApiError(
      'unprocessable',
      `${error.message}: the plan's terms or its calendar are beyond what Pasban computes`,
      {
        reason: 'business_time_limit',
      },
    );
  }
  if (error instanceof URIError) return new ApiError('bad_request', 'the URL is not valid percent-encoded UTF-8');
  // A stored row whose JSON column lacks the shape its readers rely on (store/json-columns.ts): name the row, not its content.
  if (error instanceof UnreadableRow) {
    return new ApiError(
      'internal',
      `${error.table} ${error.id} has a stored ${error.column} the server cannot read; quote the request id when reporting it`,
      {
        reason: 'unreadable_row',
      },
    );
  }
  // A row read a moment ago and gone by the write (e.g. two concurrent deletes): Prisma's P2025.
  if ((error as { code?: unknown })?.code === 'P2025')
    return new ApiError('not_found', 'the record does not exist (any more)');
  if (isUnavailable(error)) {
    return new ApiError('dependency_unavailable', 'a dependency is unavailable; retry shortly', {
      retryAfterSeconds: 5,
    });
  }
  return new ApiError('internal', 'an unexpected error occurred; quote the request id when reporting it');
}

/**
 * PostgreSQL's SQLSTATEs for "not now": connection exceptions (class 08), the server shutting
 * down or starting up (57P01–57P03), too many connections (53300).
 */
const UNAVAILABLE_SQLSTATE = /^(08\w{3}|57P0[123]|53300)$/;

/** Database or Temporal unreachable: answer 503 with Retry-After rather than a bare 500. */
function isUnavailable(error: unknown): boolean {
  const e = error as {
    name?: string;
    message?: string;
    code?: string;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string } } };
  };
  const sqlState = e?.meta?.driverAdapterError?.cause?.originalCode ?? e?.code;
  if (sqlState && UNAVAILABLE_SQLSTATE.test(sqlState)) return true;
  if (isTemporalUnreachable(error)) return true;
  const text = `${e?.name ?? ''} ${e?.message ?? ''} ${e?.code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|DatabaseNotReachable|P1001|P1017|P2024|ServiceError|UNAVAILABLE|Can't reach database/i.test(
    text,
  );
}
