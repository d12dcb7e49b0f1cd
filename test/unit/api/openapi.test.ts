// Issue 13, item 10: the OpenAPI document says what the API enforces wherever JSON Schema can
// (patterns, bounds, minProperties), names the rules it cannot (x-rules), and Schemathesis's
// positive-data check skips exactly the operations with such a rule. `npm run fuzz` (and CI)
// then runs Schemathesis against a live stack with that check on.
import { buildOpenApi } from '../../../api/openapi';
import { CROSS_FIELD_RULES } from '../../../api/cross-field-rules';
import { allRoutes } from '../../../api/routes';
import fc from 'fast-check';
import { arbitraryFor, validate, type JsonSchema } from '../../../fuzz/json-schema';
import { schemathesisArgs, schemathesisConfig } from '../../../fuzz/schemathesis';
import { parseClockTime } from '../../../sla/clock-time';

type Node = Record<string, unknown>;
const doc = buildOpenApi(allRoutes, 'test') as { paths: Record<string, Record<string, Node>> };
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
);
const bodyOf = (name: string) => {
  const found = operations.find((o) => o.name === name)!;
  return ((found.op.requestBody as Node).content as Record<string, { schema: Node }>)['application/json']!.schema;
};
const props = (schema: Node) => schema.properties as Record<string, Node>;
const matches = (schema: Node, text: string) => new RegExp(schema.pattern as string, 'u').test(text);

describe('the OpenAPI document says what the API enforces', () => {
  it('has every operation a cross-field rule names (an exclusion cannot silently miss)', () => {
    const names = new Set(operations.map((o) => o.name));
    expect(Object.keys(CROSS_FIELD_RULES).filter((name) => !names.has(name))).toEqual([]);
    for (const [name, rules] of Object.entries(CROSS_FIELD_RULES)) {
      const { op } = operations.find((o) => o.name === name)!;
      expect({ name, rules: op['x-rules'] }).toEqual({ name, rules });
      for (const rule of rules) expect(op.description).toContain(rule);
    }
  });

  it('requires at least one field in every PATCH body (minProperties: 1), as the API does', () => {
    const patches = allRoutes.filter((route) => route.method === 'patch' && route.body);
    expect(patches.length).toBeGreaterThan(3);
    for (const route of patches) {
      const name = `PATCH ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
      expect({ name, minProperties: bodyOf(name).minProperties }).toEqual({ name, minProperties: 1 });
      expect({ name, emptyAccepted: route.body!.safeParse({}).success }).toEqual({ name, emptyAccepted: false });
    }
  });

  it('bounds instants to the years 1970–2199 with a pattern', () => {
    const startedAt = props(bodyOf('POST /v1/outages')).startedAt!;
    expect(matches(startedAt, '2026-11-22T10:30:00+03:30')).toBe(true);
    for (const outside of [
      '1969-12-31T23:59:59Z',
      '2200-01-01T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
    ])
      expect(matches(startedAt, outside)).toBe(false);
  });

  it('refuses whitespace- or control-only text in the pattern of a text that may not be empty', () => {
    const reason = props(bodyOf('POST /v1/tickets/{id}/cancel')).reason!;
    expect(matches(reason, 'مشتری منصرف شد')).toBe(true);
    for (const empty of ['\u000b', '   ', '\u200c\u200b', 'a\u0001b', 'a\u202eb'])
      expect(matches(reason, empty)).toBe(false);
  });

  it("gives a calendar's open hours the pattern of the times the API accepts (was: any string of 5, a 400 for schema-valid data)", () => {
    const { start, end } = props(props(bodyOf('PUT /v1/calendars/{id}/exceptions/{date}')).intervals!.items as Node)!;
    for (const time of ['00:00', '08:30', '23:59', '24:00', '24:01', '9:00', '25:00', '12:60', ':òÈĮ', '']) {
      const minutes = parseClockTime(time);
      expect({ time, start: matches(start!, time) }).toEqual({ time, start: minutes !== null && minutes < 1440 });
      expect({ time, end: matches(end!, time) }).toEqual({ time, end: minutes !== null });
    }
  });

  // The fuzzer found a refusal that named body.eventTypes when it had broken body.url: its "valid"
  // lists repeated items, because the document did not say they may not.
  it('documents lists that refuse repeats as uniqueItems, and the fuzzer generates and checks them so', () => {
    const subscription = props(bodyOf('POST /v1/webhooks'));
    for (const field of ['eventTypes', 'productIds', 'priorities'])
      expect({ field, uniqueItems: subscription[field]!.uniqueItems }).toEqual({ field, uniqueItems: true });
    expect(props(bodyOf('POST /v1/users')).departmentIds!.uniqueItems).toBe(true);
    const schema = subscription.priorities as JsonSchema;
    const resolve = () => ({});
    fc.assert(
      fc.property(arbitraryFor(schema, { resolve, poolFor: () => undefined, access: 'write' }), (value) => {
        expect(new Set(value as string[]).size).toBe((value as string[]).length);
      }),
    );
    expect(validate(schema, ['high', 'high'], resolve)).toEqual(['body: items repeat']);
  });
});

describe("Schemathesis's configuration", () => {
  const checks = ['not_a_server_error', 'status_code_conformance', 'positive_data_acceptance'];
  const config = schemathesisConfig(checks);

  it('chooses the checks in the config file, not with --checks (a check named on the command line overrides the per-operation exclusions)', () => {
    expect(
      schemathesisArgs('/tmp/x.toml', {
        apiUrl: 'http://127.0.0.1:1',
        key: 'k',
        examples: 5,
        seed: 1,
        resultsDir: '/tmp',
      }),
    ).not.toContain('--checks');
    expect(config).toMatch(/^\[checks\]\n(#.*\n)?enabled = false\n/);
    for (const check of checks) expect(config).toContain(`[checks.${check}]\nenabled = true`);
  });

  it('turns positive data off on exactly the operations with a documented cross-field rule, and only that check', () => {
    const sections = config
      .split('[[operations]]\n')
      .slice(1)
      .map((section) => section.trim().split('\n'));
    expect(
      sections.map(([method, path]) => `${method!.match(/"(.*)"/)![1]} ${path!.match(/"(.*)"/)![1]}`).sort(),
    ).toEqual(Object.keys(CROSS_FIELD_RULES).sort());
    for (const section of sections)
      expect(section.slice(2)).toEqual(['checks.positive_data_acceptance.enabled = false']);
  });
});
