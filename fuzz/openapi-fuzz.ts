import { unescape } from 'node:querystring';
import fc from 'fast-check';
import {
  arbitraryFor,
  deref,
  PoolRef,
  typesOf,
  validate,
  type GenerationContext,
  type JsonSchema,
} from './json-schema';
import {
  ABSURD_DATES,
  ABSURD_NUMBERS,
  ANY_TYPES,
  BAD_IDEMPOTENCY_KEYS,
  BAD_PATH_VALUES,
  BAD_QUERY_VALUES,
  BAD_CURSORS,
  BAD_REQUEST_IDS,
  CONTENT_ENCODINGS,
  encodeLoose,
  EXTRA_FIELDS,
  FOREIGN_DIGIT_NUMBERS,
  NASTY_STRINGS,
} from './nasty';

/**
 * A fuzzer driven by the OpenAPI 3.1 document the API serves at GET /openapi.json. For every
 * operation it generates, with fast-check and from the document's JSON Schemas, requests that
 * conform (valid) and requests broken in one place (invalid), sends them with keys of every role,
 * and checks each answer: never a 5xx, every 4xx an RFC 9457 problem with status, code, detail
 * and requestId, every 400 validation_failed naming its fields, every 2xx matching the documented
 * response schema, and refusals where the input breaks the schema or the transport rules.
 */

export type Role = 'admin' | 'agent' | 'qa' | 'manager' | 'customer';
const ROLES: Role[] = ['admin', 'agent', 'qa', 'manager', 'customer'];
type Caller = Role | 'none' | 'bad-key';

export interface FuzzOptions {
  apiUrl: string;
  /** API keys by role; admin is required (it also discovers existing ids). */
  keys: Partial<Record<Role, string>> & { admin: string };
  seed: number;
  runsPerOperation: number;
  /**
   * Ids the fuzzer owns, by pool (`customers`, `products`, `tickets`, …): it puts them in bodies
   * and sends commands to them (POST /v1/tickets/{id}/close) but never PATCHes, PUTs or DELETEs
   * them, so the world it was given stays usable. Ids it only discovers (GET lists) are used for
   * reads; ids it creates itself, and `disposableIds`, for anything.
   */
  ids?: Record<string, string[]>;
  /** Ids the fuzzer may also change and delete through their paths (PATCH, PUT, DELETE), by pool. */
  disposableIds?: Record<string, string[]>;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** A request taking longer than this is a finding (default 20 s). */
  timeoutMs?: number;
  /** Only operations whose "METHOD /path" matches. */
  only?: RegExp;
  onProgress?: (operation: string, summary: OperationSummary) => void;
}

export interface OperationSummary {
  requests: number;
  byStatus: Record<string, number>;
  valid: number;
  invalid: number;
  /** Requests the client could not even send (e.g. a header fetch refuses); not counted as requests. */
  unsendable: number;
}

export type FindingKind =
  | 'server_error'
  | 'idempotency_replay'
  | 'timeout'
  | 'network_error'
  | 'not_problem_json'
  | 'problem_fields'
  | 'validation_without_fields'
  | 'field_not_named'
  | 'accepted_invalid'
  | 'unexpected_status'
  | 'response_schema';

export interface Finding {
  kind: FindingKind;
  operation: string;
  status: number | null;
  mutation: string;
  message: string;
  occurrences: number;
  example: {
    method: string;
    url: string;
    caller: Caller;
    headers: Record<string, string>;
    body?: string;
    response?: string;
  };
}

export interface FuzzSummary {
  seed: number;
  runsPerOperation: number;
  requests: number;
  byStatus: Record<string, number>;
  byMutation: Record<string, number>;
  operations: Record<string, OperationSummary>;
  /** Statuses an operation answered that its document entry does not list (informational). */
  undocumented: Record<string, number>;
  findings: Finding[];
  durationMs: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  key: string;
  method: string;
  path: string;
  roles: Role[] | 'public';
  params: Parameter[];
  query: Parameter[];
  body?: JsonSchema;
  successStatus: number;
  successSchema?: JsonSchema;
  documented: Set<number>;
  /** The operation reads an Idempotency-Key header. */
  idempotent: boolean;
}

interface Transport {
  contentType: string | null;
  /** The body to send, made from the valid body's JSON once its ids are resolved. */
  raw: (json: string) => string | Uint8Array;
  /** A Content-Encoding header to send with the body. */
  encoding?: string;
}

interface Case {
  kind: 'valid' | 'invalid';
  mutation: string;
  caller: Caller;
  params: Record<string, unknown>;
  rawParams: Set<string>;
  query: Record<string, unknown>;
  rawQuery: string[];
  body: unknown;
  headers: Record<string, string>;
  transport?: Transport;
  /** The field the mutation broke, as the API names fields (`body.priority`). */
  target?: string;
  /** The mutation added an unknown field: the refusal must name exactly `target`. */
  exactTarget?: boolean;
  expectStatus?: number[];
  /** Idempotency replays: this body goes first under the case's Idempotency-Key, then the case's own body. */
  replayFirst?: unknown;
}

type Json = unknown;
type Path = (string | number)[];

interface Node {
  path: Path;
  schema: JsonSchema;
  value: Json;
  name?: string;
}

const FETCH_BODY_LIMIT_PROBE = 150_000;

// --- the document -----------------------------------------------------------------------------

function operationsOf(document: Record<string, unknown>): Operation[] {
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const responses = operation.responses as Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
      const codes = Object.keys(responses).map(Number);
      const successStatus = codes.find((code) => code >= 200 && code < 300) ?? 200;
      const parameters = (operation.parameters ?? []) as Parameter[];
      const requestBody = operation.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        roles: (operation['x-roles'] as Role[] | undefined) ?? 'public',
        params: parameters.filter((p) => p.in === 'path'),
        query: parameters.filter((p) => p.in === 'query'),
        body: requestBody?.content?.['application/json']?.schema,
        successStatus,
        successSchema: responses[String(successStatus)]?.content?.['application/json']?.schema,
        documented: new Set(codes),
        idempotent: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key'),
      });
    }
  }
  return operations;
}

function resolverOf(document: Record<string, unknown>) {
  return (ref: string): JsonSchema => {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} is not supported`);
    let node: unknown = document;
    for (const part of ref.slice(2).split('/'))
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!node || typeof node !== 'object') throw new Error(`dangling $ref ${ref}`);
    return node as JsonSchema;
  };
}

/** The pool a path parameter draws from: the literal segment before it (`/v1/tickets/{id}` → tickets). */
function poolOfParam(path: string, name: string): string | undefined {
  const segments = path.split('/');
  const at = segments.indexOf(`{${name}}`);
  const before = at > 0 ? segments[at - 1] : undefined;
  return before && !before.startsWith('{') ? before : undefined;
}

/** The pool a body or query field draws from: `customerId` → customers, `outageIds` → outages. */
function poolOfField(name: string | undefined): string | undefined {
  const match = name?.match(/^([a-z][A-Za-z]*?)Ids?$/);
  if (!match) return undefined;
  const kebab = match[1]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return kebab.endsWith('y') ? `${kebab.slice(0, -1)}ies` : `${kebab}s`;
}

/** The pool a successful POST on a collection adds to (`POST /v1/customers/{id}/contacts` → contacts). */
function collectionOf(path: string): string | undefined {
  const last = path.split('/').pop();
  return last && !last.startsWith('{') ? last : undefined;
}

// --- ids --------------------------------------------------------------------------------------

class Pools {
  readonly discovered = new Map<string, Set<string>>();
  readonly owned = new Map<string, Set<string>>();
  readonly created = new Map<string, Set<string>>();

  add(kind: 'discovered' | 'owned' | 'created', pool: string, id: unknown): void {
    if (typeof id !== 'string' || !id) return;
    const map = this[kind];
    if (!map.has(pool)) map.set(pool, new Set());
    map.get(pool)!.add(id);
  }

  resolve(ref: PoolRef): string {
    const from = (kind: 'discovered' | 'owned' | 'created', pool: string) => [...(this[kind].get(pool) ?? [])];
    let ids: string[];
    if (ref.pool.startsWith('created:')) ids = from('created', ref.pool.slice('created:'.length));
    else if (ref.access === 'write') ids = [...from('owned', ref.pool), ...from('created', ref.pool)];
    else ids = [...from('owned', ref.pool), ...from('created', ref.pool), ...from('discovered', ref.pool)];
    return ids.length ? ids[ref.pick % ids.length]! : ref.fallback;
  }
}

function resolveRefs(value: Json, pools: Pools): Json {
  if (value instanceof PoolRef) return pools.resolve(value);
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, pools));
  if (value && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, {
        value: resolveRefs(item, pools),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out;
  }
  return value;
}

// --- mutations --------------------------------------------------------------------------------

function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone);
  if (value && typeof value === 'object' && !(value instanceof PoolRef)) {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, { value: clone(item), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function setAt(root: Json, path: Path, value: Json | typeof REMOVE): Json {
  if (path.length === 0) return value === REMOVE ? undefined : value;
  const copy = clone(root) as Record<string | number, Json>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === REMOVE) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
const REMOVE = Symbol('remove');

/** Every position in `value` with the schema that governs it, descending into the branch a union took. */
function nodesOf(
  schemaIn: JsonSchema,
  value: Json,
  resolve: (ref: string) => JsonSchema,
  path: Path = [],
  name?: string,
): Node[] {
  const schema = deref(schemaIn, resolve);
  const nodes: Node[] = [{ path, schema, value, name }];
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const branch = branches.find((b) => validate(b, value, resolve).length === 0) ?? branches[0];
    if (branch) nodes.push(...nodesOf(branch, value, resolve, path, name));
    return nodes;
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => nodes.push(...nodesOf(schema.items!, item, resolve, [...path, i], name)));
  } else if (value && typeof value === 'object' && !(value instanceof PoolRef)) {
    for (const [key, item] of Object.entries(value)) {
      const property =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (property) nodes.push(...nodesOf(property, item, resolve, [...path, key], key));
    }
  }
  return nodes;
}

const isObjectNode = (n: Node) =>
  typesOf(n.schema).includes('object') &&
  n.value !== null &&
  typeof n.value === 'object' &&
  !Array.isArray(n.value) &&
  !(n.value instanceof PoolRef);
const isNumberNode = (n: Node) => typeof n.value === 'number';
const isStringNode = (n: Node) => typeof n.value === 'string' || n.value instanceof PoolRef;
const isDateLike = (n: Node) =>
  isStringNode(n) &&
  (n.schema.format === 'date-time' ||
    n.schema.format === 'date' ||
    /^(date|month|start|end|\w+(At|Date))$/.test(n.name ?? ''));
const isAmountLike = (n: Node) =>
  /minute|hour|day|amount|duration|percent|quantity|rials|cost|price|limit/i.test(n.name ?? '');
const fieldOf = (location: string, path: Path) => [location, ...path.map(String)].join('.');

function mutationArbs(op: Operation, valid: Case, resolve: (ref: string) => JsonSchema): fc.Arbitrary<Case>[] {
  const arbs: fc.Arbitrary<Case>[] = [];
  const base = (mutation: string, changes: Partial<Case>): Case => ({
    ...valid,
    kind: 'invalid',
    mutation,
    ...changes,
  });
  const pick = <T>(items: T[], build: (item: T) => Case | fc.Arbitrary<Case>) => {
    if (items.length === 0) return;
    arbs.push(
      fc.constantFrom(...items).chain((item) => {
        const built = build(item);
        return built instanceof fc.Arbitrary ? built : fc.constant(built);
      }),
    );
  };

  if (op.body) {
    const nodes = nodesOf(op.body, valid.body, resolve);
    const bodyCase = (mutation: string, node: Node, value: Json | typeof REMOVE, target = fieldOf('body', node.path)) =>
      base(mutation, { body: setAt(valid.body, node.path, value), target });
    pick(
      nodes
        .filter(isObjectNode)
        .flatMap((n) => (n.schema.required ?? []).filter((k) => k in (n.value as object)).map((key) => ({ n, key }))),
      ({ n, key }) => bodyCase('body.drop-required', { ...n, path: [...n.path, key] }, REMOVE),
    );
    pick(
      nodes.filter((n) => isObjectNode(n) && n.schema.additionalProperties === false),
      (n) =>
        fc.tuple(fc.constantFrom(...EXTRA_FIELDS), fc.constantFrom(...ANY_TYPES)).map(([key, extra]) => ({
          ...bodyCase('body.unknown-field', { ...n, path: [...n.path, key] }, extra),
          exactTarget: true,
        })),
    );
    const wrongTypes = (n: Node) => ANY_TYPES.filter((v) => validate(n.schema, v, resolve).length > 0);
    pick(
      nodes.filter((n) => wrongTypes(n).length > 0),
      (n) => fc.constantFrom(...wrongTypes(n)).map((v) => bodyCase('body.wrong-type', n, v)),
    );
    pick(nodes.filter(isNumberNode), (n) =>
      fc
        .constantFrom(...ABSURD_NUMBERS)
        .map((v) => bodyCase(isAmountLike(n) ? 'body.absurd-duration-or-amount' : 'body.absurd-number', n, v)),
    );
    pick(
      nodes.filter(
        (n) =>
          isNumberNode(n) || (typeof n.value === 'string' && /\\d/.test(n.schema.pattern ?? '') && !n.schema.format),
      ),
      (n) => fc.constantFrom(...FOREIGN_DIGIT_NUMBERS, '-100', '1e3').map((v) => bodyCase('body.foreign-digits', n, v)),
    );
    pick(
      nodes.filter((n) => isStringNode(n) && n.schema.maxLength !== undefined && n.schema.maxLength < 40_000),
      (n) =>
        fc.tuple(fc.constantFrom('x', 'ی', 'ک\u200c'), fc.integer({ min: 1, max: 20 })).map(([unit, extra]) => {
          const count = Math.ceil((n.schema.maxLength! + extra) / [...unit].length);
          return bodyCase('body.too-long', n, `a${unit.repeat(count)}`);
        }),
    );
    pick(
      nodes.filter((n) => n.schema.enum !== undefined || n.schema.const !== undefined),
      (n) =>
        fc
          .constantFrom(
            '',
            'X',
            'CRITICAL',
            ' critical',
            'ticket ',
            'تیکت',
            'يك',
            String(n.value).toUpperCase(),
            `${String(n.value)}\u200c`,
          )
          .map((v) => bodyCase('body.bad-enum', n, v)),
    );
    pick(nodes.filter(isDateLike), (n) =>
      fc.constantFrom(...ABSURD_DATES).map((v) => bodyCase('body.absurd-date', n, v)),
    );
    pick(
      nodes.filter((n) => isStringNode(n) && !n.schema.enum && n.schema.const === undefined),
      (n) => fc.constantFrom(...NASTY_STRINGS).map((s) => ({ ...bodyCase(`body.unicode.${s.name}`, n, s.value) })),
    );
    arbs.push(
      fc
        .constantFrom<Json>('x', 1, [], null, true, [{}], 'null')
        .map((v) => base('body.not-an-object', { body: v, target: 'body' })),
    );
  }

  for (const param of op.params) {
    arbs.push(
      fc.constantFrom(...BAD_PATH_VALUES).map((bad) =>
        base('params.bad-value', {
          params: { ...valid.params, [param.name]: bad.value },
          rawParams: new Set(bad.raw ? [param.name] : []),
          target: `params.${param.name}`,
        }),
      ),
    );
  }
  if (op.query.length) {
    arbs.push(
      fc.tuple(fc.constantFrom(...op.query), fc.constantFrom(...BAD_QUERY_VALUES)).map(([param, bad]) =>
        base(
          'query.bad-value',
          bad.raw
            ? {
                query: { ...valid.query, [param.name]: undefined },
                rawQuery: [`${encodeURIComponent(param.name)}=${bad.value as string}`],
                target: `query.${param.name}`,
              }
            : { query: { ...valid.query, [param.name]: bad.value }, target: `query.${param.name}` },
        ),
      ),
    );
  }
  arbs.push(
    fc
      .constantFrom(
        'fuzz=1',
        '__proto__[x]=1',
        'constructor=1',
        `${encodeURIComponent('پاسبان')}=${encodeURIComponent('مقدار')}`,
        'a=%ED%A0%80',
      )
      .map((q) => base('query.unknown-param', { rawQuery: [q] })),
  );
  arbs.push(
    fc
      .constantFrom(...BAD_REQUEST_IDS)
      .map((id) => base('header.request-id', { headers: { ...valid.headers, 'x-request-id': id } })),
  );
  if (op.method === 'POST') {
    arbs.push(
      fc
        .constantFrom(...BAD_IDEMPOTENCY_KEYS)
        .map((key) => base('header.idempotency-key', { headers: { ...valid.headers, 'idempotency-key': key } })),
    );
  }
  if (op.query.some((param) => param.name === 'cursor')) {
    // Anything but a cursor the API gave out: 400 naming query.cursor (or a refusal of the caller first).
    arbs.push(
      fc.constantFrom(...BAD_CURSORS).map((cursor) =>
        base('query.bad-cursor', {
          query: { ...valid.query, cursor },
          target: 'query.cursor',
          expectStatus: [400, 401, 403],
        }),
      ),
    );
  }
  if (op.body && op.idempotent) {
    // The same Idempotency-Key with a changed body: the second answer is a 409 whenever the first was carried out.
    const nodes = nodesOf(op.body, valid.body, resolve).filter(
      (n) =>
        isStringNode(n) &&
        !n.schema.enum &&
        n.schema.const === undefined &&
        !n.schema.format &&
        !n.schema.pattern?.startsWith('^('),
    );
    pick(nodes, (n) =>
      fc.uuid({ version: 4 }).map((key) =>
        base('idempotency.changed-body', {
          kind: 'valid',
          headers: { ...valid.headers, 'idempotency-key': `fuzz-${key}` },
          replayFirst: valid.body,
          body: setAt(
            valid.body,
            n.path,
            `${String(n.value).slice(0, Math.max(1, (n.schema.maxLength ?? 100) - 8))} دیگر`,
          ),
        }),
      ),
    );
  }

  if (op.body) {
    type Raw = string | Uint8Array | ((json: string) => string | Uint8Array);
    const transport = (mutation: string, contentType: string | null, raw: Raw, expectStatus?: number[]) =>
      base(mutation, { transport: { contentType, raw: typeof raw === 'function' ? raw : () => raw }, expectStatus });
    arbs.push(
      fc
        .constantFrom(
          () => transport('transport.text-plain', 'text/plain', (json) => json, [415]),
          () => transport('transport.form', 'application/x-www-form-urlencoded', 'a=1&b=2', [415]),
          () => transport('transport.no-content-type', null, (json) => Buffer.from(json), [415]),
          () => transport('transport.vendor-json', 'application/vnd.api+json', (json) => json, [415]),
          () =>
            transport(
              'transport.multipart',
              'multipart/form-data; boundary=x',
              '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
              [415],
            ),
          () => transport('transport.charset-latin1', 'application/json; charset=latin1', (json) => json, [415]),
          () =>
            transport('transport.charset-utf16', 'application/json; charset=utf-16', (json) =>
              Buffer.from(`\ufeff${json}`, 'utf16le'),
            ),
          () => transport('transport.charset-bogus', 'application/json; charset=klingon', (json) => json, [415]),
          () =>
            transport(
              'transport.malformed-json',
              'application/json',
              (json) => json.slice(0, Math.max(1, json.length - 1)),
              [400],
            ),
          () => transport('transport.single-quotes', 'application/json', "{'a': 1}", [400]),
          () => transport('transport.trailing-comma', 'application/json', '{"a": 1,}', [400]),
          () => transport('transport.json-scalar', 'application/json', '"just a string"', [400]),
          () => transport('transport.nan', 'application/json', '{"a": NaN}', [400]),
          () => transport('transport.bom-json', 'application/json', (json) => `\ufeff${json}`),
          () =>
            transport(
              'transport.invalid-utf8',
              'application/json',
              Buffer.concat([Buffer.from('{"subject":"'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')]),
            ),
          () =>
            transport(
              'transport.deep-nesting',
              'application/json',
              `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
              [400],
            ),
          () =>
            transport(
              'transport.oversized',
              'application/json',
              JSON.stringify({ padding: 'x'.repeat(FETCH_BODY_LIMIT_PROBE) }),
              [413],
            ),
          () => transport('transport.duplicate-keys', 'application/json', (json) => `{"a":1,"a":2,${json.slice(1)}`),
          () => transport('transport.empty-body', 'application/json', ''),
          ...CONTENT_ENCODINGS.map(({ name, encoding, encode }) => () => {
            const sent = transport(
              `transport.content-encoding.${name}`,
              'application/json',
              (json: string) => encode(json),
              [415],
            );
            return { ...sent, transport: { ...sent.transport!, encoding } };
          }),
        )
        .map((make) => make()),
    );
  }
  return arbs;
}

// --- generation -------------------------------------------------------------------------------

function caseArb(op: Operation, keys: FuzzOptions['keys'], resolve: (ref: string) => JsonSchema): fc.Arbitrary<Case> {
  const access = op.method === 'GET' ? 'read' : 'write';
  const ctx: GenerationContext = { resolve, access, poolFor: poolOfField };
  const params = fc.record(
    Object.fromEntries(
      op.params.map((param) => {
        const pool = poolOfParam(op.path, param.name);
        const plain = arbitraryFor(param.schema, { ...ctx, poolFor: () => undefined }, param.name);
        if (!pool || !/id$/i.test(param.name)) return [param.name, plain];
        // Changing or deleting takes only ids the fuzzer may spoil (its own creations and the
        // disposable ones); commands (POST) and reads take the owned ones too.
        const poolName =
          op.method === 'PATCH' || op.method === 'PUT' || op.method === 'DELETE' ? `created:${pool}` : pool;
        const real = fc
          .tuple(fc.nat(), fc.uuid({ version: 4 }))
          .map(([n, fallback]) => new PoolRef(poolName, n, fallback, access));
        return [param.name, fc.oneof({ weight: 4, arbitrary: real }, { weight: 1, arbitrary: plain })];
      }),
    ),
  );
  const query = fc.record(
    Object.fromEntries(
      op.query.map((param) => [
        param.name,
        fc.option(arbitraryFor(param.schema, { ...ctx, access: 'read' }, param.name), { nil: undefined, freq: 2 }),
      ]),
    ),
  );
  const body = op.body ? arbitraryFor(op.body, ctx) : fc.constant(undefined);
  const admitted = op.roles === 'public' ? [] : op.roles.filter((role) => keys[role]);
  const others =
    op.roles === 'public' ? [] : ROLES.filter((role) => keys[role] && !(op.roles as Role[]).includes(role));
  const callers: fc.WeightedArbitrary<Caller>[] =
    op.roles === 'public'
      ? [{ weight: 1, arbitrary: fc.constant<Caller>('none') }]
      : [
          { weight: 16, arbitrary: fc.constantFrom<Caller>(...(admitted.length ? admitted : ['admin' as const])) },
          ...(others.length ? [{ weight: 2, arbitrary: fc.constantFrom<Caller>(...others) }] : []),
          { weight: 1, arbitrary: fc.constantFrom<Caller>('none', 'bad-key') },
        ];
  const caller = fc.oneof(...callers);
  const valid = fc
    .record({ caller, params, query, body })
    .map(({ caller: who, params: p, query: q, body: b }): Case => ({
      kind: 'valid',
      mutation: 'none',
      caller: who,
      params: p,
      rawParams: new Set(),
      query: q,
      rawQuery: [],
      body: b,
      headers: {},
      expectStatus:
        op.roles === 'public'
          ? undefined
          : who === 'none' || who === 'bad-key'
            ? [401]
            : !(op.roles as string[]).includes(who)
              ? [403]
              : undefined,
    }));
  const admittedCaller = admitted[0] ?? 'admin';
  const invalid = fc
    .tuple(valid, fc.constantFrom<Caller>(...(admitted.length ? admitted : [admittedCaller])))
    .chain(([v, who]) => {
      const start: Case = { ...v, caller: op.roles === 'public' ? 'none' : who, expectStatus: undefined };
      return fc.oneof(...mutationArbs(op, start, resolve));
    });
  return fc.oneof({ weight: 2, arbitrary: valid }, { weight: 3, arbitrary: invalid });
}

// --- sending and checking -------------------------------------------------------------------

interface Sent {
  url: string;
  headers: Record<string, string>;
  bodyText?: string;
  body?: string | Uint8Array;
  resolvedBody: Json;
}

function prepare(op: Operation, c: Case, apiUrl: string, keys: FuzzOptions['keys'], pools: Pools): Sent {
  let path = op.path;
  for (const param of op.params) {
    const value = resolveRefs(c.params[param.name], pools);
    const text = String(value);
    path = path.replace(`{${param.name}}`, c.rawParams.has(param.name) ? text : encodeLoose(text));
  }
  const parts: string[] = [];
  for (const [name, raw] of Object.entries(c.query)) {
    if (raw === undefined) continue;
    const value = resolveRefs(raw, pools);
    for (const item of Array.isArray(value) ? value : [value])
      parts.push(`${encodeURIComponent(name)}=${encodeLoose(String(item))}`);
  }
  parts.push(...c.rawQuery);
  const url = `${apiUrl}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
  const headers: Record<string, string> = { ...c.headers };
  if (c.caller === 'bad-key') headers.authorization = 'Bearer pk_fuzzfuzz_not-a-real-key-000000000000';
  else if (c.caller !== 'none') headers.authorization = `Bearer ${keys[c.caller]}`;
  const resolvedBody = resolveRefs(c.body, pools);
  if (c.transport) {
    if (c.transport.contentType) headers['content-type'] = c.transport.contentType;
    if (c.transport.encoding) headers['content-encoding'] = c.transport.encoding;
    const raw = c.transport.raw(JSON.stringify(resolvedBody ?? {}));
    return {
      url,
      headers,
      body: raw,
      bodyText: typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1'),
      resolvedBody,
    };
  }
  if (op.body && resolvedBody !== undefined) {
    headers['content-type'] = 'application/json';
    const text = JSON.stringify(resolvedBody);
    return { url, headers, body: text, bodyText: text, resolvedBody };
  }
  return { url, headers, resolvedBody };
}

const truncate = (text: string | undefined, max = 1500) =>
  text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** Array items named either way: `body.week.fri[2].end` (the calendar checks) is `body.week.fri.2.end`. */
const dotted = (field: string) => field.replace(/\[(\d+)\]/g, '.$1');
const related = (x: string, y: string) => {
  const [a, b] = [dotted(x), dotted(y)];
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
};

interface Check {
  kind: FindingKind;
  message: string;
}

function check(
  op: Operation,
  c: Case,
  sent: Sent,
  status: number,
  headers: Headers,
  text: string,
  resolve: (ref: string) => JsonSchema,
): Check[] {
  const problems: Check[] = [];
  const broken = brokenRules(op, c, sent, resolve);
  const contentType = headers.get('content-type') ?? '';
  let json: unknown;
  let isJson = false;
  try {
    json = text ? JSON.parse(text) : undefined;
    isJson = text.length > 0;
  } catch {
    // not JSON
  }
  if (status >= 500) problems.push({ kind: 'server_error', message: `answered ${status}` });
  if (status >= 400) {
    if (!contentType.startsWith('application/problem+json'))
      problems.push({ kind: 'not_problem_json', message: `a ${status} with content-type "${contentType}"` });
    const problem = json as Record<string, unknown> | undefined;
    if (!isJson || !problem || typeof problem !== 'object') {
      problems.push({ kind: 'problem_fields', message: `a ${status} whose body is not a JSON object` });
    } else {
      const missing = ['status', 'code', 'detail', 'requestId'].filter(
        (k) => problem[k] === undefined || problem[k] === '',
      );
      if (missing.length) problems.push({ kind: 'problem_fields', message: `problem lacks ${missing.join(', ')}` });
      if (problem.status !== status)
        problems.push({
          kind: 'problem_fields',
          message: `problem.status ${String(problem.status)} but HTTP ${status}`,
        });
      if (typeof problem.requestId === 'string' && headers.get('x-request-id') !== problem.requestId) {
        problems.push({ kind: 'problem_fields', message: 'problem.requestId differs from X-Request-Id' });
      }
      if (status === 400 && problem.code === 'validation_failed') {
        const fields = problem.invalidFields as { field?: unknown; reason?: unknown }[] | undefined;
        const good =
          Array.isArray(fields) &&
          fields.length > 0 &&
          fields.every(
            (f) =>
              typeof f.field === 'string' &&
              /^(body|query|params|header)(\.|$)/.test(f.field) &&
              typeof f.reason === 'string' &&
              f.reason.length > 0,
          );
        if (!good)
          problems.push({
            kind: 'validation_without_fields',
            message: `validation_failed without named fields: ${truncate(JSON.stringify(fields), 300)}`,
          });
        else if (c.target && broken.some((rule) => related(rule.slice(0, rule.indexOf(':')), c.target!))) {
          const named = fields!.map((f) => f.field as string);
          const location = c.target.split('.')[0];
          // Parts are checked in order (params, query, body): a refusal of an earlier part is no evidence.
          const ok =
            !named.some((f) => f.split('.')[0] === location) ||
            (c.exactTarget ? named.map(dotted).includes(dotted(c.target)) : named.some((f) => related(f, c.target!)));
          if (!ok)
            problems.push({
              kind: 'field_not_named',
              message: `broke ${c.target} but the refusal names ${named.join(', ')}`,
            });
        }
      }
    }
  }
  if (status >= 200 && status < 300) {
    if (broken.length) {
      problems.push({
        kind: 'accepted_invalid',
        message: `accepted with ${status} input the document refuses: ${broken.slice(0, 3).join('; ')}`,
      });
    }
    if (status !== 204 && op.successSchema) {
      if (!contentType.startsWith('application/json') || !isJson)
        problems.push({
          kind: 'response_schema',
          message: `a ${status} that is not JSON (content-type "${contentType}")`,
        });
      else {
        const errors = validate(op.successSchema, json, resolve);
        if (errors.length)
          problems.push({
            kind: 'response_schema',
            message: `response breaks its schema: ${errors.slice(0, 3).join('; ')}`,
          });
      }
    }
  }
  if (c.expectStatus && !c.expectStatus.includes(status)) {
    problems.push({ kind: 'unexpected_status', message: `expected ${c.expectStatus.join(' or ')}, got ${status}` });
  }
  return problems;
}

/** A changed body under an Idempotency-Key that was carried out must be refused with 409. */
function replayProblems(firstStatus: number | null, status: number): Check[] {
  if (firstStatus === null) return [];
  if (firstStatus >= 500)
    return [{ kind: 'server_error', message: `the first request of an idempotency replay answered ${firstStatus}` }];
  if (firstStatus >= 200 && firstStatus < 300 && status !== 409) {
    return [
      {
        kind: 'idempotency_replay',
        message: `the same Idempotency-Key with a changed body answered ${status} after the first answered ${firstStatus} (expected 409)`,
      },
    ];
  }
  return [];
}

/** The document's rules the mutation broke (empty when the mutated request still conforms). */
function brokenRules(op: Operation, c: Case, sent: Sent, resolve: (ref: string) => JsonSchema): string[] {
  if (c.kind !== 'invalid') return [];
  // PostgreSQL cannot store NUL, and an unpaired surrogate has no UTF-8: accepting either loses data.
  if (/^body\.unicode\.(nul|only-nul|lone-.*)$/.test(c.mutation))
    return [`${c.target}: holds ${c.mutation.slice('body.unicode.'.length)}`];
  if (c.mutation.startsWith('body.') && op.body) return validate(op.body, sent.resolvedBody, resolve);
  if (c.mutation === 'params.bad-value') {
    return op.params.flatMap((p) => {
      const value = c.params[p.name];
      if (value instanceof PoolRef) return [];
      return validate(
        p.schema,
        c.rawParams.has(p.name) ? decodeOrNull(String(value)) : value,
        resolve,
        `params.${p.name}`,
      );
    });
  }
  if (c.mutation === 'query.bad-value') {
    return op.query.flatMap((p) => {
      let value = c.query[p.name];
      const raw = c.rawQuery.find((q) => q.startsWith(`${encodeURIComponent(p.name)}=`));
      // The server decodes query strings leniently (querystring.unescape), as we do here.
      if (raw !== undefined) value = unescape(raw.slice(raw.indexOf('=') + 1));
      if (value === undefined || value instanceof PoolRef) return [];
      const types = typesOf(deref(p.schema, resolve));
      // Query values arrive as text: a number parameter is judged by the number the text spells.
      if (
        typeof value === 'string' &&
        (types.includes('integer') || types.includes('number')) &&
        /^-?\d+(\.\d+)?$/.test(value)
      )
        value = Number(value);
      return validate(p.schema, value, resolve, `query.${p.name}`);
    });
  }
  return [];
}

function decodeOrNull(text: string): unknown {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

async function discover(apiUrl: string, key: string, operations: Operation[], pools: Pools): Promise<void> {
  const get = async (path: string) => {
    const res = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return res.ok ? ((await res.json()) as { items?: Record<string, unknown>[] }) : undefined;
  };
  for (const op of operations) {
    if (op.method !== 'GET' || op.params.length || !op.path.startsWith('/v1/')) continue;
    const collection = collectionOf(op.path);
    if (!collection) continue;
    const limited = op.query.some((q) => q.name === 'limit') ? `${op.path}?limit=100` : op.path;
    const list = await get(limited).catch(() => undefined);
    for (const item of list?.items ?? []) {
      pools.add('discovered', collection, item.id);
      for (const contact of (item.contacts as { id?: string }[] | undefined) ?? [])
        pools.add('discovered', 'contacts', contact.id);
    }
  }
  for (const contractId of [...(pools.discovered.get('contracts') ?? [])].slice(0, 10)) {
    const list = await get(`/v1/contracts/${contractId}/entitlements`).catch(() => undefined);
    for (const item of list?.items ?? []) pools.add('discovered', 'entitlements', item.id);
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Runs the fuzzer against a running API and reports what every operation answered. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const { apiUrl, keys, seed, runsPerOperation } = options;
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const documentResponse = await fetch(`${apiUrl}/openapi.json`);
  if (!documentResponse.ok) throw new Error(`GET /openapi.json answered ${documentResponse.status}`);
  const document = (await documentResponse.json()) as Record<string, unknown>;
  const resolve = resolverOf(document);
  const operations = operationsOf(document).filter((op) => !options.only || options.only.test(op.key));

  const pools = new Pools();
  for (const [pool, ids] of Object.entries(options.ids ?? {})) for (const id of ids) pools.add('owned', pool, id);
  for (const [pool, ids] of Object.entries(options.disposableIds ?? {}))
    for (const id of ids) pools.add('created', pool, id);
  await discover(apiUrl, keys.admin, operations, pools);

  const summary: FuzzSummary = {
    seed,
    runsPerOperation,
    requests: 0,
    byStatus: {},
    byMutation: {},
    operations: {},
    undocumented: {},
    findings: [],
    durationMs: 0,
  };
  const findings = new Map<string, Finding>();
  const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

  /** Sends an idempotency replay's first request (counted like any other); its status, or null when it got no answer. */
  const sendFirst = async (op: Operation, c: Case): Promise<number | null> => {
    const first = prepare(op, { ...c, body: c.replayFirst, replayFirst: undefined }, apiUrl, keys, pools);
    try {
      const response = await fetch(first.url, {
        method: op.method,
        headers: first.headers,
        body: first.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.text();
      summary.requests++;
      summary.operations[op.key]!.requests++;
      bump(summary.byStatus, String(response.status));
      return response.status;
    } catch {
      return null;
    }
  };

  for (const op of operations) {
    const opSummary: OperationSummary = { requests: 0, byStatus: {}, valid: 0, invalid: 0, unsendable: 0 };
    summary.operations[op.key] = opSummary;
    const cases = fc.sample(caseArb(op, keys, resolve), { seed: (seed ^ hash(op.key)) | 0, numRuns: runsPerOperation });
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const replayed = c.replayFirst === undefined ? null : await sendFirst(op, c);
        const sent = prepare(op, c, apiUrl, keys, pools);
        let status: number | null = null;
        let text = '';
        let headers = new Headers();
        let failure: Check | undefined;
        try {
          const response = await fetch(sent.url, {
            method: op.method,
            headers: sent.headers,
            body: sent.body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          status = response.status;
          headers = response.headers;
          text = await response.text();
        } catch (error) {
          const err = error as Error & { cause?: { code?: string } };
          if (err.name === 'TimeoutError') failure = { kind: 'timeout', message: `no answer within ${timeoutMs} ms` };
          else if (err.name === 'TypeError' && !err.cause?.code) {
            // fetch itself refused the request (e.g. a header value it cannot send): nothing reached the API.
            opSummary.unsendable++;
            continue;
          } else
            failure = { kind: 'network_error', message: `${err.name}: ${err.message} ${err.cause?.code ?? ''}`.trim() };
        }
        summary.requests++;
        opSummary.requests++;
        opSummary[c.kind]++;
        bump(summary.byMutation, c.mutation.replace(/^body\.unicode\..*/, 'body.unicode'));
        const statusKey = status === null ? 'none' : String(status);
        bump(summary.byStatus, statusKey);
        bump(opSummary.byStatus, statusKey);
        if (status !== null && !op.documented.has(status) && status !== 401 && status !== 403)
          bump(summary.undocumented, `${op.key} ${status}`);
        const problems = failure
          ? [failure]
          : [...check(op, c, sent, status!, headers, text, resolve), ...replayProblems(replayed, status!)];
        for (const problem of problems) {
          const key = `${problem.kind}|${op.key}|${status}|${c.mutation}`;
          const existing = findings.get(key);
          if (existing) existing.occurrences++;
          else {
            findings.set(key, {
              kind: problem.kind,
              operation: op.key,
              status,
              mutation: c.mutation,
              message: problem.message,
              occurrences: 1,
              example: {
                method: op.method,
                url: truncate(sent.url, 400)!,
                caller: c.caller,
                headers: Object.fromEntries(Object.entries(sent.headers).filter(([k]) => k !== 'authorization')),
                body: truncate(sent.bodyText),
                response: truncate(text),
              },
            });
          }
        }
        if (status !== null && status >= 200 && status < 300 && op.method === 'POST') {
          const collection = collectionOf(op.path);
          if (collection) {
            try {
              pools.add('created', collection, (JSON.parse(text) as { id?: unknown }).id);
            } catch {
              // no id to remember
            }
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    options.onProgress?.(op.key, opSummary);
  }
  summary.findings = [...findings.values()];
  summary.durationMs = Date.now() - started;
  return summary;
}
