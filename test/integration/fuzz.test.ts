import { randomUUID } from 'node:crypto';
import { arrangeFuzzWorld, type FuzzWorld } from '../../fuzz/arrange';
import { runFuzz } from '../../fuzz/openapi-fuzz';
import { claimPolicyPresets, ticketPolicyPresets } from '../../sla/presets';
import { closeTestDatabase, testDatabase } from '../support/fixtures';
import { apiClient, testApi, type HttpResult } from '../support/http';

const apiUrl = () => process.env.PASBAN_TEST_API_URL!;
const admin = testApi();

/** Every refusal is a problem document naming its status, code, detail and request id. */
function expectProblem(res: HttpResult, status: number, code?: string): void {
  expect({ status: res.status, contentType: res.headers.get('content-type') }).toEqual({
    status,
    contentType: expect.stringContaining('application/problem+json'),
  });
  expect(res.body).toMatchObject({
    status,
    code: code ?? expect.any(String),
    detail: expect.any(String),
    requestId: res.headers.get('x-request-id'),
  });
}

/** A 400 validation_failed naming `field` (and a reason for it). */
function expectInvalidField(res: HttpResult, field: string): void {
  expectProblem(res, 400, 'validation_failed');
  const fields = res.body.invalidFields as { field: string; reason: string }[];
  expect(fields).toEqual(expect.arrayContaining([{ field, reason: expect.stringMatching(/\S/) }]));
}

/** Sends a raw body with exactly the content type given (none when null). */
async function raw(
  path: string,
  body: string | Uint8Array,
  contentType: string | null,
  key = process.env.PASBAN_TEST_ADMIN_KEY!,
): Promise<HttpResult> {
  const response = await fetch(apiUrl() + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

const preview = { preset: 'owj-agile', priority: 'critical', openedAt: '2026-11-25T16:00:00+03:30' };

let world: FuzzWorld;

beforeAll(async () => {
  world = await arrangeFuzzWorld(testDatabase(), apiUrl(), process.env.PASBAN_TEST_ADMIN_KEY!);
}, 60_000);
afterAll(() => closeTestDatabase());

describe('fuzzing every operation of the OpenAPI document', () => {
  it('answers thousands of generated requests without a 5xx, with problems that name fields, and 2xx bodies that match the document', async () => {
    const document = (await testApi('')('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    const summary = await runFuzz({
      apiUrl: apiUrl(),
      keys: world.keys,
      ids: world.ids,
      disposableIds: world.disposableIds,
      seed: 1405,
      runsPerOperation: 40,
    });

    expect(summary.findings).toEqual([]);
    expect(summary.requests).toBeGreaterThanOrEqual(2000);
    expect(Object.keys(summary.operations).sort()).toEqual([...operations].sort());
    const unexercised = Object.entries(summary.operations)
      .filter(([, counts]) => counts.requests === 0)
      .map(([operation]) => operation);
    expect(unexercised).toEqual([]);
    expect(Object.keys(summary.byStatus).filter((status) => Number(status) >= 500)).toEqual([]);
    // The requests reached past authorization: successes, validation refusals and missing ids all occur.
    expect(summary.byStatus).toEqual(
      expect.objectContaining({
        '200': expect.any(Number),
        '201': expect.any(Number),
        '400': expect.any(Number),
        '404': expect.any(Number),
      }),
    );
  }, 180_000);
});

describe('transport-level abuse is refused with a problem', () => {
  it('refuses a body over BODY_LIMIT (100kb) with 413', async () => {
    const res = await raw(
      '/v1/sla/preview',
      JSON.stringify({ ...preview, padding: 'x'.repeat(110 * 1024) }),
      'application/json',
    );
    expectProblem(res, 413, 'payload_too_large');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form-urlencoded', 'application/x-www-form-urlencoded'],
    ['no content type', null],
  ])('refuses a JSON route sent %s with 415', async (_name, contentType) => {
    const body =
      contentType === 'application/x-www-form-urlencoded'
        ? 'preset=owj-agile&priority=critical'
        : JSON.stringify(preview);
    const res = await raw('/v1/sla/preview', contentType === null ? Buffer.from(body) : body, contentType);
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('refuses malformed JSON with 400', async () => {
    for (const body of ['{"preset":', "{'preset': 'owj-agile'}", '{"a": 1,}', '{"a": NaN}', '"a bare string"']) {
      expectProblem(await raw('/v1/sla/preview', body, 'application/json'), 400, 'bad_request');
    }
  });

  it('refuses a charset other than UTF-8 that it cannot read with 415, and reads UTF-16', async () => {
    expectProblem(
      await raw('/v1/sla/preview', JSON.stringify(preview), 'application/json; charset=latin1'),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await raw('/v1/sla/preview', JSON.stringify(preview), 'application/json; charset=klingon'),
      415,
      'unsupported_media_type',
    );
    const utf8 = await raw('/v1/sla/preview', JSON.stringify(preview), 'application/json; charset=utf-8');
    const utf16 = await raw(
      '/v1/sla/preview',
      Buffer.from(`\ufeff${JSON.stringify(preview)}`, 'utf16le'),
      'application/json; charset=utf-16',
    );
    expect(utf8.status).toBe(200);
    expect(utf16).toMatchObject({ status: 200, body: utf8.body });
  });

  it('refuses a path that is not valid percent-encoded UTF-8 with 400, not 500', async () => {
    for (const segment of ['%ED%A0%80', '%FF%FE', '%zz', '%']) {
      expectProblem(await admin('GET', `/v1/tickets/${segment}`), 400, 'bad_request');
    }
  });

  it('refuses a body nested thousands of levels deep with 400', async () => {
    const res = await raw('/v1/sla/preview', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'application/json');
    expectProblem(res, 400);
  });
});

describe('bad fields are refused with 400 naming the field', () => {
  it('names each unknown field itself, at any depth', async () => {
    expectInvalidField(await admin('POST', '/v1/sla/preview', { ...preview, fuzzExtra: 1 }), 'body.fuzzExtra');
    const customer = await admin('POST', '/v1/customers', {
      name: 'مشتری',
      contacts: [{ name: 'علی', role: 'boss' }],
      isAdmin: true,
    });
    expectInvalidField(customer, 'body.isAdmin');
    expectInvalidField(customer, 'body.contacts.0.role');
  });

  it.each([
    ['year 99999', '99999-01-01T00:00:00Z'],
    ['year 0000', '0000-01-01T00:00:00Z'],
    ['0000-00-00', '0000-00-00'],
    ['month 13, day 45', '2026-13-45T10:00:00+03:30'],
    ['year 6588 (a valid ISO string)', '6588-02-29T22:10:26-05:00'],
    ['Persian digits', '۲۰۲۶-۱۱-۲۵T۱۶:۰۰:۰۰+۰۳:۳۰'],
  ])('refuses an absurd instant (%s)', async (_name, openedAt) => {
    expectInvalidField(await admin('POST', '/v1/sla/preview', { ...preview, openedAt }), 'body.openedAt');
  });

  it('refuses absurd dates and instants wherever they are taken', async () => {
    expectInvalidField(
      await admin('POST', '/v1/holidays', { set: 'fuzz-set', date: '0000-01-01', name: 'روز صفر' }),
      'body.date',
    );
    expectInvalidField(
      await admin('POST', '/v1/holidays', { set: 'fuzz-set', date: '2026-13-45', name: 'روز' }),
      'body.date',
    );
    const contract = world.ids.contracts![0]!;
    expectInvalidField(
      await admin('POST', `/v1/contracts/${contract}/entitlements`, {
        kind: 'review_visits',
        purchasedAt: '0000-01-01T00:00:00Z',
      }),
      'body.purchasedAt',
    );
    const change = world.ids['change-requests']![0] ?? randomUUID();
    expectInvalidField(
      await admin('POST', `/v1/change-requests/${change}/commit-delivery`, { deliverBy: '6588-02-29T22:10:26-23:26' }),
      'body.deliverBy',
    );
  });

  it('refuses huge durations, quantities and negative amounts', async () => {
    const change = world.ids['change-requests']![0] ?? randomUUID();
    const quote = {
      decision: 'quote',
      costRials: '1000',
      effortHours: 1e9,
      proposedDeliveryAt: '2027-01-01T10:00:00+03:30',
    };
    expectInvalidField(await admin('POST', `/v1/change-requests/${change}/review`, quote), 'body.effortHours');
    expectInvalidField(
      await admin('POST', `/v1/change-requests/${change}/review`, { ...quote, effortHours: 2, costRials: -5 }),
      'body.costRials',
    );
    expectInvalidField(
      await admin('POST', `/v1/change-requests/${change}/review`, { ...quote, effortHours: 2, costRials: '۱۰۰۰' }),
      'body.costRials',
    );
    const contract = world.ids.contracts![0]!;
    expectInvalidField(
      await admin('POST', `/v1/contracts/${contract}/entitlements`, {
        kind: 'training_sessions',
        quantity: 1_549_777_953_279_360,
      }),
      'body.quantity',
    );
    expectInvalidField(
      await admin('POST', `/v1/contracts/${contract}/entitlements`, { kind: 'training_sessions', quantity: -3 }),
      'body.quantity',
    );
  });

  it('refuses extreme plan terms and outage instants (sla/limits.ts), and the service lives on', async () => {
    const { key: _key, ...agile } = ticketPolicyPresets['owj-agile'];
    const ticketTerms = (firstResponse: object, extra: object = {}) => ({
      kind: 'ticket',
      key: `extreme-${randomUUID().slice(0, 8)}`,
      name: 'Extreme',
      definition: {
        ...agile,
        ...extra,
        priorities: { ...agile.priorities, critical: { ...agile.priorities.critical, firstResponse } },
      },
    });
    const amount = 'body.definition.priorities.critical.firstResponse.amount';
    for (const extreme of [1e15, 1e308, Number.MAX_SAFE_INTEGER, 200_001]) {
      expectInvalidField(
        await admin(
          'POST',
          '/v1/policies',
          ticketTerms({ unit: 'business_minutes', amount: extreme, calendar: 'owj-agile' }),
        ),
        amount,
      );
    }
    expectInvalidField(
      await admin(
        'POST',
        '/v1/policies',
        ticketTerms({ unit: 'business_days', amount: 1_000_000, calendar: 'owj-agile' }),
      ),
      amount,
    );
    const escalation = { atPercent: 1e9, action: { channel: 'sms', recipients: ['senior_management'] } };
    expectInvalidField(
      await admin(
        'POST',
        '/v1/policies',
        ticketTerms(agile.priorities.critical.firstResponse, { escalations: [escalation] }),
      ),
      'body.definition.escalations[0].atPercent',
    );
    const { avanak } = claimPolicyPresets;
    const claimTerms = {
      kind: 'claim',
      key: `extreme-${randomUUID().slice(0, 8)}`,
      name: 'Extreme',
      definition: { ...avanak, decisionMinutes: 1e12 },
    };
    expectInvalidField(await admin('POST', '/v1/policies', claimTerms), 'body.definition.decisionMinutes');
    const outage = {
      productId: world.ids.products![0],
      startedAt: '2026-11-25T16:00:00+03:30',
      endedAt: '2062-01-01T00:00:00Z',
      cause: 'unplanned',
      description: 'typo',
    };
    expectInvalidField(await admin('POST', '/v1/outages', outage), 'body.endedAt');
    expect((await admin('GET', '/healthz')).status).toBe(200);
  });
});

describe('Persian text', () => {
  const customerApi = () => apiClient(apiUrl(), world.keys.customer);

  it('accepts ZWNJ, Persian digits, Arabic and Persian yeh/kaf, marks and emoji, and gives them back exactly', async () => {
    const subject = 'درخواست\u200cهای ۱۴۰۵/۰۹/۰۱ شماره ۱۲۳ \u200fفوری\u200f';
    const description = 'كيك و کیک یي و یی — زَ\u0650\u0651 — 👨‍👩‍👧‍👦 — می\u200cخواهم ١٢٣ و ۱۲۳';
    const created = await customerApi()('POST', '/v1/tickets', {
      productId: world.ids.products![0],
      priority: 'low',
      subject,
      description,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ subject, description });
    const read = await customerApi()('GET', `/v1/tickets/${created.body.id}`);
    expect(read.body.subject).toBe(subject);
    expect(read.body.description).toBe(description);
  });

  it.each([
    ['a NUL', 'پیش\u0000پس'],
    ['only NUL', '\u0000'],
    ['a lone high surrogate', 'الف\ud800ب'],
    ['a lone low surrogate', '\udc00'],
  ])('refuses text holding %s with 400 naming the field', async (_name, bad) => {
    const body = { productId: world.ids.products![0], priority: 'low', subject: 'موضوع', description: 'شرح' };
    expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, subject: bad }), 'body.subject');
    expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, description: bad }), 'body.description');
    // Not only free text: every string a route takes, names included.
    expectInvalidField(await admin('POST', '/v1/customers', { name: bad }), 'body.name');
    expectInvalidField(
      await admin('POST', '/v1/customers', { name: 'مشتری', contacts: [{ name: bad }] }),
      'body.contacts.0.name',
    );
  });

  it.each([
    ['a control character', 'سلام\u0001دنیا'],
    ['an ESC sequence', '\u001b[31mفوری\u001b[0m'],
    ['DEL', 'الف\u007fب'],
    ['a C1 control', 'الف\u0085ب'],
    ['a right-to-left override', 'invoice\u202Efdp.exe'],
    ['a bidi isolate', '\u2066متن\u2069'],
  ])('refuses text holding %s with 400 naming the field (api/text.ts)', async (_name, bad) => {
    const body = { productId: world.ids.products![0], priority: 'low', subject: 'موضوع', description: 'شرح' };
    expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, subject: bad }), 'body.subject');
    expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, description: bad }), 'body.description');
    expectInvalidField(await admin('POST', '/v1/customers', { name: bad }), 'body.name');
  });

  it('refuses line breaks in one-line fields and keeps them in free text', async () => {
    const body = {
      productId: world.ids.products![0],
      priority: 'low',
      subject: 'موضوع',
      description: 'خط اول\r\nخط دوم\nخط سوم',
    };
    for (const subject of ['خط اول\nخط دوم', 'خط اول\rخط دوم', 'الف\u2028ب']) {
      expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, subject }), 'body.subject');
    }
    const created = await customerApi()('POST', '/v1/tickets', body);
    expect(created.status).toBe(201);
    expect(created.body.description).toBe(body.description);
  });

  it('refuses a subject of only zero-width characters as empty', async () => {
    const body = { productId: world.ids.products![0], priority: 'low', subject: 'موضوع', description: 'شرح' };
    for (const subject of ['\u200c', '\u200b\u200c\u200d', ' \ufeff \u200c ', '\u200f\u200e']) {
      expectInvalidField(await customerApi()('POST', '/v1/tickets', { ...body, subject }), 'body.subject');
    }
  });

  it('refuses NUL in a path key with 400 naming params.id', async () => {
    expectInvalidField(await admin('GET', '/v1/products/%00/availability'), 'params.id');
  });

  it('refuses text that is only whitespace', async () => {
    const body = { productId: world.ids.products![0], priority: 'low', subject: ' \t\u00a0 ', description: 'شرح' };
    expectInvalidField(await customerApi()('POST', '/v1/tickets', body), 'body.subject');
  });
});

describe('races', () => {
  it('answers concurrent deletes of one record with one success and 404s, never 500', async () => {
    for (let round = 0; round < 5; round++) {
      const created = await admin('POST', '/v1/holidays', {
        set: `fuzz-race-${randomUUID().slice(0, 8)}`,
        date: '2027-03-21',
        name: 'نوروز',
      });
      expect(created.status).toBe(201);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => admin('DELETE', `/v1/holidays/${created.body.id}`)),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 404)).toBe(true);
    }
  });
});
