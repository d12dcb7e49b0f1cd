import fc from 'fast-check';
import { TEXT_PATTERNS } from '../api/openapi';

/**
 * The subset of JSON Schema (2020-12, as zod's `toJSONSchema` writes it into our OpenAPI 3.1
 * document) that the fuzzer understands: enough to generate conforming values with fast-check and
 * to check values against a schema.
 */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  description?: string;
  default?: unknown;
}

/** A reference to an id from one of the fuzzer's pools, resolved only when the request is sent. */
export class PoolRef {
  constructor(
    readonly pool: string,
    readonly pick: number,
    readonly fallback: string,
    readonly access: 'read' | 'write',
  ) {}
}

export interface GenerationContext {
  /** Resolves `$ref`s of the document. */
  resolve: (ref: string) => JsonSchema;
  /** The pool a field name draws real ids from, if any (`customerId` → `customers`). */
  poolFor: (name: string | undefined) => string | undefined;
  access: 'read' | 'write';
}

const regexCache = new Map<string, RegExp>();
export function regexOf(pattern: string): RegExp {
  let regex = regexCache.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern);
    regexCache.set(pattern, regex);
  }
  return regex;
}

export function deref(schema: JsonSchema, resolve: (ref: string) => JsonSchema): JsonSchema {
  let current = schema;
  for (let i = 0; current.$ref && i < 20; i++) current = resolve(current.$ref);
  return current;
}

export function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) {
    if (schema.properties || schema.additionalProperties !== undefined) return ['object'];
    if (schema.items) return ['array'];
    return [];
  }
  const types = Array.isArray(schema.type) ? [...schema.type] : [schema.type];
  if (schema.nullable && !types.includes('null')) types.push('null');
  return types;
}

// --- generation ------------------------------------------------------------------------------

const PERSIAN_WORDS = [
  'سلام',
  'پشتیبانی',
  'می‌خواهم',
  'سامانه',
  'کارشناس',
  'قطعی',
  'گزارش',
  'تیکت',
  'خرابی',
  'فوری',
  'ساعت',
  'روز',
  'نه',
  'پاسبان',
  'ایران',
];
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

const persianText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...PERSIAN_WORDS),
      fc.integer({ min: 0, max: 99_999 }).map((n) => [...String(n)].map((d) => PERSIAN_DIGITS[Number(d)]).join('')),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((words) => words.join(' '));
const asciiText = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ0123456789-_.'),
  minLength: 1,
  maxLength: 30,
});
const anyText = fc.string({ unit: 'grapheme-composite', minLength: 0, maxLength: 30 });

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const OFFSETS = ['Z', '+03:30', '+04:30', '+00:00', '-05:00', '+14:00'];

/** Realistic instants (2020–2031) written with an offset, as clients send them. */
export const isoInstantArb = fc
  .tuple(
    fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom(...OFFSETS),
    fc.boolean(),
  )
  .map(([date, offset, millis]) => {
    const shift =
      offset === 'Z'
        ? 0
        : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    const local = new Date(date.getTime() + shift * 60_000);
    const text = local.toISOString().slice(0, millis ? 23 : 19);
    return `${text}${offset}`;
  });
export const isoDateArb = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const hhmmArb = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${pad(h)}:${pad(m)}`);
const jalaliMonthArb = fc
  .tuple(fc.integer({ min: 1398, max: 1410 }), fc.integer({ min: 1, max: 12 }))
  .map(([y, m]) => `${y}-${pad(m)}`);

function clampLength(arb: fc.Arbitrary<string>, schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  return arb.map((s) => {
    let out = [...s].slice(0, max).join('');
    while ([...out].length < min) out += 'ا';
    return out;
  });
}

function stringArb(schema: JsonSchema, name: string | undefined, ctx: GenerationContext): fc.Arbitrary<unknown> {
  const pool = ctx.poolFor(name);
  if (schema.format === 'uuid') {
    const random = fc.uuid({ version: 4 });
    if (!pool) return random;
    return fc.oneof(
      {
        weight: 3,
        arbitrary: fc.tuple(fc.nat(), random).map(([pick, fallback]) => new PoolRef(pool, pick, fallback, ctx.access)),
      },
      { weight: 1, arbitrary: random },
    );
  }
  if (schema.format === 'date-time') {
    const arbs: fc.Arbitrary<string>[] = [isoInstantArb];
    return schema.pattern
      ? fc.oneof(
          { weight: 9, arbitrary: isoInstantArb },
          { weight: 1, arbitrary: fc.stringMatching(regexOf(schema.pattern)) },
        )
      : arbs[0]!;
  }
  if (schema.format === 'date') return isoDateArb;
  if (schema.format === 'email') {
    return fc
      .tuple(
        fc.stringMatching(/^[a-z][a-z0-9._]{0,10}[a-z0-9]$/),
        fc.constantFrom('example.test', 'pasban.ir', 'mail.example.com'),
      )
      .map(([local, domain]) => `${local.replace(/\.\.+/g, '.')}@${domain}`)
      .filter((s) => !schema.pattern || regexOf(schema.pattern).test(s));
  }
  if (schema.format === 'uri') return fc.webUrl();
  if (schema.pattern && !TEXT_PATTERNS.has(schema.pattern)) {
    const regex = regexOf(schema.pattern);
    return fc
      .stringMatching(regex)
      .filter((s) => s.length <= (schema.maxLength ?? Infinity) && s.length >= (schema.minLength ?? 0));
  }
  // The text rules' patterns only exclude characters: draw text as below, within them.
  const within = schema.pattern ? regexOf(schema.pattern) : undefined;
  return plainStringArb(schema, name).filter((s) => !within || within.test(s));
}

function plainStringArb(schema: JsonSchema, name: string | undefined): fc.Arbitrary<string> {
  // Names and descriptions tell what a plain string holds where the schema cannot (zod refinements).
  if (name && /^(date|\w+Date)$/.test(name))
    return clampLength(fc.oneof({ weight: 4, arbitrary: isoDateArb }, { weight: 1, arbitrary: asciiText }), schema);
  if (name === 'month') return clampLength(jalaliMonthArb, schema);
  if (schema.description?.includes('HH:MM') || ((name === 'start' || name === 'end') && schema.maxLength === 5))
    return clampLength(hhmmArb, schema);
  if (name === 'timeZone')
    return clampLength(fc.constantFrom('Asia/Tehran', 'UTC', 'Europe/Berlin', 'Mars/Olympus'), schema);
  return clampLength(
    fc.oneof(
      { weight: 3, arbitrary: asciiText },
      { weight: 3, arbitrary: persianText },
      { weight: 1, arbitrary: anyText },
    ),
    schema,
  );
}

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  let min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum : -1_000_000);
  let max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum : 1_000_000);
  if (integer) {
    min = Math.ceil(
      schema.exclusiveMinimum !== undefined && schema.minimum === undefined ? schema.exclusiveMinimum + 1 : min,
    );
    max = Math.floor(
      schema.exclusiveMaximum !== undefined && schema.maximum === undefined ? schema.exclusiveMaximum - 1 : max,
    );
    min = Math.max(min, Number.MIN_SAFE_INTEGER);
    max = Math.min(max, Number.MAX_SAFE_INTEGER);
    const small = fc.integer({ min: Math.max(min, Math.min(0, max)), max: Math.min(max, Math.max(min, 1000)) });
    return fc.oneof(
      { weight: 3, arbitrary: small },
      { weight: 1, arbitrary: fc.integer({ min, max }) },
      { weight: 1, arbitrary: fc.constantFrom(min, max) },
    );
  }
  const smallInts = fc.integer({
    min: Math.ceil(Math.max(min, Math.min(0, max))),
    max: Math.floor(Math.min(max, Math.max(min, 1000))),
  });
  const doubles = fc.double({
    min,
    max,
    noNaN: true,
    noDefaultInfinity: true,
    minExcluded: schema.exclusiveMinimum !== undefined,
    maxExcluded: schema.exclusiveMaximum !== undefined,
  });
  return fc
    .oneof(
      {
        weight: 3,
        arbitrary: smallInts.filter(
          (n) => n >= min && n <= max && n !== schema.exclusiveMinimum && n !== schema.exclusiveMaximum,
        ),
      },
      { weight: 1, arbitrary: doubles },
    )
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

/**
 * A fast-check arbitrary of values that conform to `schema`. `name` is the property the value
 * sits in, used to draw real ids (`customerId`) and to recognise plain strings holding dates.
 */
export function arbitraryFor(
  input: JsonSchema,
  ctx: GenerationContext,
  name?: string,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = deref(input, ctx.resolve);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const arbs = branches.map((branch) => arbitraryFor(branch, ctx, name, depth + 1));
    // oneOf needs exactly one branch to match; our branches are disjoint (discriminated unions).
    return fc.oneof(...arbs);
  }
  if (schema.allOf?.length)
    return arbitraryFor(
      Object.assign({}, ...schema.allOf.map((s) => deref(s, ctx.resolve))) as JsonSchema,
      ctx,
      name,
      depth + 1,
    );
  const types = typesOf(schema);
  if (types.length > 1) {
    return fc.oneof(
      ...types.map((type) => ({
        weight: type === 'null' ? 1 : 3,
        arbitrary: arbitraryFor({ ...schema, type, nullable: false }, ctx, name, depth + 1),
      })),
    );
  }
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'string':
      return stringArb(schema, name, ctx);
    case 'array': {
      const items = schema.items
        ? arbitraryFor(schema.items, ctx, name?.endsWith('Ids') ? name.slice(0, -1) : name, depth + 1)
        : fc.jsonValue({ maxDepth: 1 });
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, depth > 3 ? minLength + 1 : 4));
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (item) => JSON.stringify(item) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const properties = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([key, property]) => [key, arbitraryFor(property, ctx, key, depth + 1)]),
        ),
        { requiredKeys: (schema.required ?? []).filter((key) => key in properties) },
      );
      if (
        schema.additionalProperties &&
        typeof schema.additionalProperties === 'object' &&
        Object.keys(properties).length === 0
      ) {
        const keys = schema.propertyNames
          ? (arbitraryFor(schema.propertyNames, ctx, undefined, depth + 1) as fc.Arbitrary<string>)
          : asciiText;
        return fc.dictionary(keys, arbitraryFor(schema.additionalProperties, ctx, undefined, depth + 1), {
          maxKeys: 3,
        });
      }
      return record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// --- validation ------------------------------------------------------------------------------

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/**
 * Where `value` breaks `schema` (empty when it conforms). Deliberately lenient where JSON Schema
 * and zod count differently: maxLength in code points, minLength in UTF-16 units, so that "does
 * not conform" here always means zod refuses it too.
 */
export function validate(
  input: JsonSchema,
  value: unknown,
  resolve: (ref: string) => JsonSchema,
  path = 'body',
): string[] {
  const schema = deref(input, resolve);
  if (value instanceof PoolRef) value = value.fallback;
  const errors: string[] = [];
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value))
    return [`${path}: must be ${JSON.stringify(schema.const)}`];
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)))
    return [`${path}: must be one of ${JSON.stringify(schema.enum)}`];
  if (schema.anyOf) {
    const results = schema.anyOf.map((branch) => validate(branch, value, resolve, path));
    if (!results.some((r) => r.length === 0))
      return [`${path}: matches no anyOf branch (${results.map((r) => r[0]).join(' | ')})`];
  }
  if (schema.oneOf) {
    const results = schema.oneOf.map((branch) => validate(branch, value, resolve, path));
    const matching = results.filter((r) => r.length === 0).length;
    if (matching !== 1)
      return [`${path}: matches ${matching} oneOf branches (${results.map((r) => r[0]).join(' | ')})`];
  }
  for (const part of schema.allOf ?? []) errors.push(...validate(part, value, resolve, path));
  const types = typesOf(schema);
  if (types.length && !types.some((t) => typeMatches(t, value))) return [`${path}: must be ${types.join(' or ')}`];
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength)
      errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.pattern && !regexOf(schema.pattern).test(value))
      errors.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      errors.push(`${path}: not above ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      errors.push(`${path}: not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
      errors.push(`${path}: items repeat`);
    if (schema.items)
      value.forEach((item, i) => errors.push(...validate(schema.items!, item, resolve, `${path}.${i}`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? [])
      if (!Object.prototype.hasOwnProperty.call(record, key)) errors.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(record)) {
      if (Object.prototype.hasOwnProperty.call(properties, key))
        errors.push(...validate(properties[key]!, item, resolve, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') {
        if (schema.propertyNames) errors.push(...validate(schema.propertyNames, key, resolve, `${path}.${key}(name)`));
        errors.push(...validate(schema.additionalProperties, item, resolve, `${path}.${key}`));
      }
    }
  }
  return errors;
}
