import type { ZodError } from 'zod';
import type { Language } from './language';
import { PROBLEM_DETAILS_FA, PROBLEM_TITLES, REASON_DETAILS_FA } from './problem-texts';

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
    return PROBLEM_TITLES[this.code].en;
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError('not_found', `${what} ${id} does not exist or is not visible to you`);
  }

  static fromZod(error: ZodError, location: 'body' | 'query' | 'params' | 'header'): ApiError {
    // An unknown key is named itself (`body.extra`), not the object that holds it.
    const invalidFields = error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            field: [location, ...issue.path.map(String), key].join('.'),
            reason: 'is not a known field',
          }))
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
  /** Persian answers only: the English detail, which names the exact case (ids, counts, instants). */
  detailEn?: string;
  code: ErrorCode;
  reason?: string;
  invalidFields?: InvalidField[];
  requestId: string;
}

/** The same problem in the caller's language: code, type, reason and field names never change. */
export function toProblem(error: ApiError, requestId: string, language: Language = 'en'): Problem {
  return {
    type: `https://pasban.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: PROBLEM_TITLES[error.code][language],
    status: error.status,
    ...(language === 'en' ? { detail: error.message } : { detail: persianDetail(error), detailEn: error.message }),
    code: error.code,
    ...(error.extra.reason ? { reason: error.extra.reason } : {}),
    ...(error.extra.invalidFields ? { invalidFields: error.extra.invalidFields } : {}),
    requestId,
  };
}

function persianDetail(error: ApiError): string {
  const said = (error.extra.reason && REASON_DETAILS_FA[error.extra.reason]) || PROBLEM_DETAILS_FA[error.code];
  const fields = [...new Set((error.extra.invalidFields ?? []).map((f) => f.field))];
  return fields.length > 0 ? `${said} (${fields.join('، ')})` : said;
}
