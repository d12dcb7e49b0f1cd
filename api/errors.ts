import type { ZodError } from 'zod';

/** Every refusal Pasban gives has one of these codes; the table below fixes its HTTP status. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  not_eligible: 422,
  rate_limited: 429,
  internal: 500,
  dependency_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface InvalidField {
  field: string;
  reason: string;
}

const titles: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'The request is invalid',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed for this role',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict with the current state',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported media type',
  unprocessable: 'The request cannot be carried out',
  not_eligible: 'Not eligible',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  dependency_unavailable: 'A dependency is unavailable',
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { invalidFields?: InvalidField[]; reason?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = errorStatus[code];
  }

  get title(): string {
    return titles[this.code];
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError('not_found', `${what} ${id} does not exist or is not visible to you`);
  }

  static fromZod(error: ZodError, location: 'body' | 'query' | 'params' | 'header'): ApiError {
    // An unknown key is named itself (`body.extra`), not the object that holds it.
    const invalidFields = error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: [location, ...issue.path.map(String), key].join('.'), reason: 'is not a known field' }))
        : [{ field: [location, ...issue.path.map(String)].join('.'), reason: issue.message }],
    );
    const detail = invalidFields.map((f) => `${f.field}: ${f.reason}`).join('; ');
    return new ApiError('validation_failed', detail, { invalidFields });
  }
}

/** RFC 9457 problem details, the one error body every route answers with. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  reason?: string;
  invalidFields?: InvalidField[];
  requestId: string;
}

export function toProblem(error: ApiError, requestId: string): Problem {
  return {
    type: `https://pasban.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.extra.reason ? { reason: error.extra.reason } : {}),
    ...(error.extra.invalidFields ? { invalidFields: error.extra.invalidFields } : {}),
    requestId,
  };
}
