import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/api';
import { serverClock } from '../clock/server-clock';

export type { paths, components } from '../../generated/api';

/** An RFC 9457 problem from the API, kept whole so pages can show its detail and fields. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: {
      title?: string;
      detail?: string;
      reason?: string;
      invalidFields?: { field: string; reason: string }[];
    },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** How requests authenticate: the session cookie (with its CSRF token) or, for machines and the first start, an API key. */
export const credentials = { csrfToken: null as string | null, apiKey: null as string | null };

const authenticate: Middleware = {
  onRequest({ request }) {
    if (credentials.apiKey) request.headers.set('Authorization', `Bearer ${credentials.apiKey}`);
    else if (credentials.csrfToken && request.method !== 'GET' && request.method !== 'HEAD') {
      request.headers.set('X-CSRF-Token', credentials.csrfToken);
    }
    request.headers.set('Accept-Language', document.documentElement.lang || 'fa');
    return request;
  },
  onResponse({ response }) {
    serverClock.observe(response.headers.get('Date'));
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(authenticate);

/** The data of an openapi-fetch answer, or the API's problem as an exception (for TanStack Query). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok)
    throw new ApiProblem(response.status, (error ?? {}) as ApiProblem['problem']);
  return data as T;
}

type Ok<R> = R extends { 200: { content: { 'application/json': infer T } } }
  ? T
  : R extends { 201: { content: { 'application/json': infer T } } }
    ? T
    : never;

/** The JSON a route answers on success, straight from the OpenAPI document: `ApiResponse<'/v1/tickets/{id}'>`. */
export type ApiResponse<
  P extends keyof paths,
  M extends keyof paths[P] = 'get' & keyof paths[P],
> = paths[P][M] extends { responses: infer R } ? Ok<R> : never;
