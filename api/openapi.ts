import { z, type ZodType } from 'zod';
import { CROSS_FIELD_RULES } from './cross-field-rules';
import { errorStatus } from './errors';
import { IDEMPOTENCY_KEY_PATTERN } from './requests';
import type { AnyRoute } from './route';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string', description: "In the answer's language (Content-Language)" },
    status: { type: 'integer' },
    detail: { type: 'string', description: "In the answer's language (Content-Language)" },
    detailEn: { type: 'string', description: 'Persian answers only: the English detail, which names the exact case' },
    code: { type: 'string', enum: Object.keys(errorStatus) },
    reason: { type: 'string' },
    invalidFields: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'reason'],
        properties: { field: { type: 'string' }, reason: { type: 'string' } },
      },
    },
    requestId: { type: 'string' },
  },
};

function jsonSchema(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/**
 * What api/text.ts and the bounds refuse, said in JSON Schema so generated clients and fuzzers
 * meet no surprise: every free string excludes control characters and bidi overrides (and, when
 * it may not be empty, must hold something visible); instants and dates carry the 1970–2199 years
 * as a pattern. Strings with their own pattern, enum or format keep theirs.
 */
const CONTROLS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069';
const INVISIBLE = '\\s\\u200b-\\u200f\\u2060-\\u2064\\ufeff\\u00ad\\u180e';
const FREE_TEXT = `^[^${CONTROLS}]*$`;
const VISIBLE_TEXT = `^[^${CONTROLS}]*[^${CONTROLS}${INVISIBLE}][^${CONTROLS}]*$`;
const YEAR = '(19[7-9][0-9]|20[0-9][0-9]|21[0-9][0-9])';
const MONTH_DAY =
  '((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))';
/** The text rules' patterns, which say what a string may not hold rather than what it is. */
export const TEXT_PATTERNS: ReadonlySet<string> = new Set([FREE_TEXT, VISIBLE_TEXT]);
const INSTANT = `^${YEAR}-${MONTH_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`;

type Node = Record<string, unknown>;

function exactInput(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(exactInput);
  if (!node || typeof node !== 'object') return;
  const schema = node as Node;
  if (schema.type === 'string' && schema.enum === undefined && schema.const === undefined) {
    if (schema.format === 'date-time') {
      // Instants are refused outside 1970–2199; the pattern says so (Feb 29 is left out of it).
      delete schema.format;
      schema.pattern = INSTANT;
      schema.description = [schema.description, 'An ISO-8601 instant with an offset, in the years 1970–2199.']
        .filter(Boolean)
        .join(' ');
    } else if (schema.pattern === undefined && schema.format === undefined) {
      schema.pattern = typeof schema.minLength === 'number' && schema.minLength > 0 ? VISIBLE_TEXT : FREE_TEXT;
    }
  }
  for (const value of Object.values(schema)) exactInput(value);
}

/** Pasban writes every instant it answers in Tehran time (sla/iso.ts); the document says so on each one. */
function tehranInstants(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tehranInstants);
  if (!node || typeof node !== 'object') return;
  const schema = node as Node;
  if (schema.type === 'string' && schema.format === 'date-time') {
    schema.description = [schema.description, 'Written in Tehran time, e.g. 2026-06-24T10:00:00.000+03:30.']
      .filter(Boolean)
      .join(' ');
  }
  for (const value of Object.values(schema)) tehranInstants(value);
}

function outputBody(route: AnyRoute): Node {
  const schema = jsonSchema(route.response, 'output');
  tehranInstants(schema);
  return schema;
}

/** PATCH bodies change something: at least one field. */
function atLeastOneField(schema: Node): Node {
  return schema.type === 'object' ? { ...schema, minProperties: 1 } : schema;
}

function parameters(schema: ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  exactInput(json.properties);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function inputBody(route: AnyRoute): Node {
  const schema = jsonSchema(route.body!, 'input');
  exactInput(schema);
  return route.method === 'patch' ? atLeastOneField(schema) : schema;
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function buildOpenApi(routes: AnyRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const status = String(route.status ?? 200);
    const problems = [
      ...(route.body || route.query || route.params ? [400] : []),
      // Public routes are metered per client address, the others per key.
      ...(route.roles === 'public' ? [429] : [401, 403, 429]),
      ...(route.params ? [404] : []),
      ...(route.body ? [413, 415] : []),
      ...(route.errors ?? []),
      // Every authenticated route reads the database (the key) and answers 503 with Retry-After while it is down.
      ...(route.roles === 'public' ? [] : [503]),
    ];
    const responses: Record<string, unknown> = {
      [status]:
        status === '204'
          ? { description: 'No content' }
          : {
              description: 'Success',
              content: {
                'application/json': { schema: outputBody(route) },
                ...(route.csv
                  ? {
                      'text/csv': {
                        schema: {
                          type: 'string',
                          description: 'The same figures as CSV (UTF-8 with BOM), with Accept: text/csv',
                        },
                      },
                    }
                  : {}),
              },
            },
    };
    for (const code of problems) {
      responses[String(code)] = { $ref: '#/components/responses/Problem' };
    }
    const rules = CROSS_FIELD_RULES[`${route.method.toUpperCase()} ${path}`];
    const roles = route.roles === 'public' ? '' : `Roles: ${route.roles.join(', ')}.`;
    const description = [
      roles,
      rules ? `Rules the schema cannot state (400 naming the field): ${rules.join('; ')}.` : '',
    ]
      .filter(Boolean)
      .join(' ');
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      ...(description ? { description } : {}),
      ...(rules ? { 'x-rules': rules } : {}),
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[/:{}-]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.idempotencyKey
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: route.idempotencyKey,
                schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
              },
            ]
          : []),
      ],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: inputBody(route) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pasban API',
      version,
      description:
        'Pasban guards service-level agreements. Authenticate with `Authorization: Bearer <API key>` ' +
        '(the scheme in any case) or, equally, `X-API-Key: <API key>`. Request bodies are JSON, uncompressed ' +
        '(`Content-Encoding` absent or `identity`; anything else is a 415). Instants are accepted with any offset ' +
        '(`Z` included) and always answered in Tehran time (`+03:30`). ' +
        'Every error is an RFC 9457 problem document (`application/problem+json`) whose `title` and `detail` follow ' +
        '`Accept-Language` (`fa` or `en`; without a preference Persian for customers, English for staff and unauthenticated ' +
        'callers) and whose `code`, `type`, `reason` and field names never change; answers say their language in ' +
        '`Content-Language`. People sign in with ' +
        '`POST /v1/sessions` (e-mail and password) and are then authenticated by the `pasban_session` cookie; a ' +
        "request signed in by the cookie that changes state (POST, PUT, PATCH, DELETE) must send the session's CSRF " +
        'token as `X-CSRF-Token` (403 otherwise). API keys need no CSRF token.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKeyHeader: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A Pasban API key: pk_<prefix>_<secret>, as `Authorization: Bearer <key>`',
        },
        apiKeyHeader: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'The same API key in the `X-API-Key` header instead',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pasban_session',
          description:
            "A signed-in person's session (POST /v1/sessions); state-changing requests also send `X-CSRF-Token`",
        },
      },
      schemas: { Problem: problemSchema },
      responses: {
        Problem: {
          description: 'A problem document naming what is wrong',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
    },
    paths,
  };
}
