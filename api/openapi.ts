import { z, type ZodType } from 'zod';
import { errorStatus } from './errors';
import { IDEMPOTENCY_KEY_PATTERN } from './requests';
import type { AnyRoute } from './route';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
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
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
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
                'application/json': { schema: jsonSchema(route.response, 'output') },
                ...(route.csv ? { 'text/csv': { schema: { type: 'string', description: 'The same figures as CSV (UTF-8 with BOM), with Accept: text/csv' } } } : {}),
              },
            },
    };
    for (const code of problems) {
      responses[String(code)] = { $ref: '#/components/responses/Problem' };
    }
    (paths[path] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method}${route.path.replace(/[/:{}-]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(route.roles === 'public'
        ? { security: [] }
        : { description: `Roles: ${route.roles.join(', ')}.`, 'x-roles': route.roles }),
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.idempotencyKey
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: route.idempotencyKey, schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source } }]
          : []),
      ],
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
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
        '(`Content-Encoding` absent or `identity`; anything else is a 415). ' +
        'Every error is an RFC 9457 problem document (`application/problem+json`).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKeyHeader: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Pasban API key: pk_<prefix>_<secret>, as `Authorization: Bearer <key>`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key in the `X-API-Key` header instead' },
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
