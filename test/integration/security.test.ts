// Security through HTTP, on the running service and on in-process apps built from the same code
// with a real database and a real Temporal: every route against every role (derived from the
// route table), customers never seeing or touching one another's data, API keys stored as hashes
// and revocable, rate limits per key, body limits, security headers, and logs free of secrets
// and personal data (including what notification delivery logs).
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import supertest from 'supertest';
import { createDeliveryChannels, HttpSmsGateway } from '../../activities/notifications/channels';
import { createNotificationActivities, type NotifyRequest } from '../../activities/notifications/outbox';
import { createOutboxRelay } from '../../activities/notifications/relay';
import { createApp } from '../../api/app';
import { holdIdempotencyKey, purgeIdempotencyKeys } from '../../api/idempotency';
import { parseApiKey, roles } from '../../api/auth';
import type { AnyRoute } from '../../api/route';
import { allRoutes } from '../../api/routes';
import type { Product } from '../../generated/prisma/client';
import type { Role } from '../../generated/prisma/enums';
import { loadConfig } from '../../platform/config';
import { createDatabase } from '../../platform/database';
import { createLogger, type Logger } from '../../platform/logger';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { integrationDeps } from '../support/app-deps';
import { apiClient, type HttpResult } from '../support/http';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const label = (route: AnyRoute) => `${route.method.toUpperCase()} ${route.path}`;
const admits = (route: AnyRoute, role: Role) => route.roles !== 'public' && route.roles.includes(role);
const customerRoutes = allRoutes.filter((route) => admits(route, 'customer'));
const paramNames = (path: string) => [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
/** The top-level fields of a route's zod object schema (refinements keep the shape). */
const fieldsOf = (schema: unknown): string[] =>
  Object.keys((schema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});

/** A client on the running service; no key at all when `key` is undefined (testApi would send the admin's). */
const stackApi = (key: string | undefined) => apiClient(process.env.PASBAN_TEST_API_URL!, key);
const admin = stackApi(process.env.PASBAN_TEST_ADMIN_KEY);

function expectProblem(res: HttpResult, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    type: expect.stringMatching(/^https:\/\//),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
}

/** A product of its own (Avanak's credit table), so no other test's outages or claims touch it. */
async function createProduct(): Promise<Product> {
  const db = testDatabase();
  const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
  return db.product.create({
    data: {
      key: `security-${randomUUID().slice(0, 8)}`,
      vendorId: avanak.vendorId,
      departmentId: avanak.departmentId,
      name: 'Security test',
      nameFa: 'سرویس آزمایشی امنیت',
      creditTable: 'avanak',
    },
  });
}

/** A second contract for an existing customer, a year either side of now. */
async function addContract(customerId: string, productId: string, planKey: string) {
  const db = testDatabase();
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: planKey } } });
  const year = 365 * 24 * HOUR;
  return db.contract.create({
    data: {
      customerId,
      productId,
      policyId: policy.id,
      plan: planKey,
      startsAt: new Date(Date.now() - year),
      endsAt: new Date(Date.now() + year),
      paid: true,
      priceRials: 1_000_000_000n,
    },
  });
}

afterAll(closeTestDatabase);

/** Delivery without an SMS gateway or SMTP server: the development stand-ins. */
const NO_PROVIDERS = {
  NODE_ENV: 'development',
  SMS_GATEWAY_URL: undefined,
  SMS_GATEWAY_TOKEN: undefined,
  SMTP_URL: undefined,
  MAIL_FROM: 'Pasban <no-reply@pasban.test>',
} as const;
/** The key with its last character changed: the right prefix, a wrong secret. */
const tampered = (key: string) => `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;

// --- Every route × every role ------------------------------------------------------------------

type Caller = Role | 'no key';
const callers: Caller[] = [...roles, 'no key'];
const cells = allRoutes.flatMap((route) =>
  callers.map((caller) => ({ route, caller, name: `${label(route)} as ${caller}` })),
);

describe('the role matrix (every route in the route table × every role and no key)', () => {
  const keys = new Map<Caller, string | undefined>([['no key', undefined]]);
  let executed = 0;

  beforeAll(async () => {
    keys.set('customer', (await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' })).key);
    for (const role of roles.filter((r) => r !== 'customer')) keys.set(role, await createKey(role));
  });

  it('has a cell for every route and caller', () => {
    expect(allRoutes.length).toBeGreaterThan(0);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBe(allRoutes.length * (roles.length + 1));
    expect(new Set(cells.map((c) => c.name)).size).toBe(cells.length);
  });

  it.each(cells.map((cell) => [cell.name, cell] as const))('%s', async (_name, { route, caller }) => {
    // Random ids in every path parameter; `{}` for a body. Never a customerId, so a customer's
    // answer is never the "acting for another customer" refusal.
    const path = route.path.replace(/:[A-Za-z]+/g, () => randomUUID());
    const res = await stackApi(keys.get(caller))(route.method.toUpperCase(), path, route.body ? {} : undefined);
    executed += 1;
    const allowed = route.roles === 'public' || (caller !== 'no key' && admits(route, caller));
    if (allowed) {
      // Anything but a refusal: validation (400), a missing id (404), a state conflict (409)…, never a 5xx either.
      const outcome = { status: res.status, code: res.body?.code, detail: res.body?.detail };
      expect({ ...outcome, refusedOrBroken: [401, 403].includes(res.status) || res.status >= 500 }).toEqual({
        ...outcome,
        refusedOrBroken: false,
      });
    } else if (caller === 'no key') {
      expectProblem(res, 401, 'unauthenticated');
    } else {
      expectProblem(res, 403, 'forbidden');
      expect(res.body.detail).toContain(`your key has role ${caller}`);
    }
  });

  it('ran every cell', () => {
    expect(executed).toBe(cells.length);
  });
});

// --- Customer isolation ------------------------------------------------------------------------

/** The kind of record an `:id` in a path names, by path prefix. */
const RESOURCES = [
  [/^\/v1\/tickets\/:id(\/|$)/, 'ticket'],
  [/^\/v1\/claims\/:id(\/|$)/, 'claim'],
  [/^\/v1\/change-requests\/:id(\/|$)/, 'changeRequest'],
  [/^\/v1\/notifications\/:id(\/|$)/, 'notification'],
  [/^\/v1\/outages\/:id(\/|$)/, 'outage'],
  [/^\/v1\/customers\/:id(\/|$)/, 'customer'],
  [/^\/v1\/contracts\/:id(\/|$)/, 'contract'],
  [/^\/v1\/webhooks\/:id(\/|$)/, 'webhook'],
] as const;
type Resource = (typeof RESOURCES)[number][1];
const resourceOf = (route: AnyRoute): Resource | undefined =>
  RESOURCES.find(([pattern]) => pattern.test(route.path))?.[1];

/** Customer routes whose `:id` names something every customer of a product may see (the product). */
const SHARED_ID_ROUTES = new Set(['GET /v1/products/:id/availability']);

/** Valid bodies for the customer's commands, so a refusal can only come from whose record it is. */
const COMMAND_BODIES: Record<string, unknown> = {
  'POST /v1/tickets/:id/replies': { body: 'سلام، این تیکت من نیست ولی می‌خواهم پاسخ بدهم.' },
  'POST /v1/tickets/:id/reopen': { reason: 'هنوز مشکل دارد' },
  'POST /v1/tickets/:id/cancel': { reason: 'تکراری' },
  'POST /v1/change-requests/:id/approve-quote': {},
  'POST /v1/change-requests/:id/decline-quote': { reason: 'گران است' },
  'POST /v1/change-requests/:id/accept': { note: 'پذیرفته شد' },
  'POST /v1/change-requests/:id/list-defects': { defects: ['گزارش خالی است'] },
  'POST /v1/change-requests/:id/cancel': { reason: 'دیگر لازم نیست' },
  'PATCH /v1/webhooks/:id': { description: 'نشانی تازه' },
  'POST /v1/webhooks/:id/rotate-secret': {},
  'POST /v1/webhooks/:id/redeliver': { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' },
};

describe('customer isolation (customer B against customer A)', () => {
  type Party = Awaited<ReturnType<typeof createCustomerWithContract>>;
  let a: Party;
  let b: Party;
  let asA: ReturnType<typeof stackApi>;
  let asB: ReturnType<typeof stackApi>;
  let bKeyId: string;
  let claimsProduct: Product;
  let sharedOutage: string;
  /** One record of A's of each kind, by resource. */
  const ofA = {} as Record<Resource, string>;
  let contactOfA: string;
  const counts = async () => {
    const db = testDatabase();
    const where = { customerId: a.customer.id };
    return {
      tickets: await db.ticket.count({ where }),
      claims: await db.claim.count({ where }),
      changeRequests: await db.changeRequest.count({ where }),
      emergencyApprovals: await db.emergencyApproval.count({ where }),
      contacts: await db.contact.count({ where }),
      webhooks: await db.webhookSubscription.findMany({
        where,
        select: { url: true, description: true, status: true, secret: true },
      }),
    };
  };

  beforeAll(async () => {
    const agent = stackApi(await createKey('agent'));
    // Kian's project plan takes change requests; a product of our own on Avanak's plan takes tickets and claims.
    a = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    b = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    claimsProduct = await createProduct();
    await addContract(a.customer.id, claimsProduct.id, 'avanak');
    await addContract(b.customer.id, claimsProduct.id, 'avanak');
    asA = stackApi(a.key);
    asB = stackApi(b.key);
    bKeyId = (await asB('GET', '/v1/me')).body.keyId;
    contactOfA = (await testDatabase().contact.findFirstOrThrow({ where: { customerId: a.customer.id } })).id;
    ofA.customer = a.customer.id;
    ofA.contract = a.contract.id;

    const outage = (extra: Record<string, unknown>) =>
      agent('POST', '/v1/outages', {
        productId: claimsProduct.id,
        startedAt: iso(Date.now() - 5 * HOUR),
        endedAt: iso(Date.now() - 4 * HOUR),
        description: 'قطعی پنل',
        ...extra,
      });
    const shared = await outage({ cause: 'unplanned' });
    const own = await outage({ cause: 'customer_requested', customerId: a.customer.id });
    expect([shared.status, own.status]).toEqual([201, 201]);
    sharedOutage = shared.body.id;
    ofA.outage = own.body.id;

    const ticket = await asA('POST', '/v1/tickets', {
      productId: claimsProduct.id,
      priority: 'high',
      subject: 'پنل باز نمی‌شود',
      description: 'از صبح پنل پیامک خطا می‌دهد.',
      channel: 'portal',
    });
    const claim = await asA('POST', '/v1/claims', { productId: claimsProduct.id, outageIds: [sharedOutage] });
    const request = await asA('POST', '/v1/change-requests', {
      productId: a.product.id,
      title: 'گزارش تازه',
      description: 'گزارش فروش به تفکیک استان',
    });
    expect([ticket.status, claim.status, request.status]).toEqual([201, 201, 201]);
    ofA.ticket = ticket.body.id;
    ofA.claim = claim.body.id;
    ofA.changeRequest = request.body.id;
    const webhook = await asA('POST', '/v1/webhooks', {
      url: 'https://hooks.pasban.invalid/a',
      eventTypes: ['maintenance.announced'],
      productIds: [a.product.id],
    });
    expect(webhook.status).toBe(201);
    ofA.webhook = webhook.body.id;

    const silent = createLogger('silent');
    const notifications = createNotificationActivities({
      db: testDatabase(),
      logger: silent,
      channels: createDeliveryChannels(NO_PROVIDERS, silent),
    });
    const notice = await notifications.notify({
      dedupeKey: `security:${randomUUID()}`,
      channel: 'in_app',
      category: 'informational',
      audience: 'customer',
      customerId: a.customer.id,
      recipient: { kind: 'customer' },
      subject: 'پیام محرمانه A',
      body: 'این پیام فقط برای مشتری A است.',
      subjectRef: `ticket:${ofA.ticket}`,
    });
    expect(notice.status).toBe('sent');
    ofA.notification = notice.notificationId;
  });

  it('knows whose record every customer route with an id names (so a new route cannot be forgotten)', () => {
    const withIds = customerRoutes.filter((route) => paramNames(route.path).length > 0);
    expect(withIds.length).toBeGreaterThan(0);
    const unknown = withIds.filter((route) => !resourceOf(route) && !SHARED_ID_ROUTES.has(label(route))).map(label);
    expect(unknown).toEqual([]);
    const commands = withIds.filter((route) => route.method !== 'get' && route.body).map(label);
    expect(commands.filter((name) => !(name in COMMAND_BODIES))).toEqual([]);
  });

  it("answers 404 for every id of A's on every customer route, exactly as for an id that never existed, and changes nothing", async () => {
    const before = await counts();
    const routes = customerRoutes.filter((route) => resourceOf(route));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const normalise = (res: HttpResult, id: string) => ({
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: { ...res.body, requestId: '<request id>', detail: String(res.body?.detail).split(id).join('<id>') },
    });
    for (const route of routes) {
      const id = ofA[resourceOf(route)!];
      const body = route.body ? COMMAND_BODIES[label(route)] : undefined;
      const intruded = await asB(route.method.toUpperCase(), route.path.replace(':id', id), body);
      const never = randomUUID();
      const unknown = await asB(route.method.toUpperCase(), route.path.replace(':id', never), body);
      expect({ route: label(route), status: intruded.status }).toEqual({ route: label(route), status: 404 });
      expect(normalise(intruded, id)).toEqual(normalise(unknown, never));
      // Nothing of A's beyond the id B sent itself.
      expect(JSON.stringify(intruded.body).split(id).join('<id>')).not.toContain(a.customer.id);
      if (route.method === 'get') {
        // The record is there: its owner reads it.
        expect({ route: label(route), status: (await asA('GET', route.path.replace(':id', id))).status }).toEqual({
          route: label(route),
          status: 200,
        });
      }
    }
    expect(await counts()).toEqual(before);
    const db = testDatabase();
    expect(await db.ticket.findUniqueOrThrow({ where: { id: ofA.ticket } })).toMatchObject({ status: 'new' });
    const ticketEvents = await db.ticketEvent.findMany({ where: { ticketId: ofA.ticket } });
    expect(ticketEvents.filter((e) => e.actor.includes(bKeyId))).toEqual([]);
    expect(await db.changeRequest.findUniqueOrThrow({ where: { id: ofA.changeRequest } })).toMatchObject({
      status: 'in_review',
    });
    expect(await db.notification.findUniqueOrThrow({ where: { id: ofA.notification } })).toMatchObject({
      readAt: null,
    });
    expect((await db.claim.findUniqueOrThrow({ where: { id: ofA.claim } })).status).toMatch(
      /^(received|acknowledged)$/,
    );
  });

  it("refuses with 403 every staff-only route on A's records (customers are refused outright, before any lookup)", async () => {
    const before = await counts();
    const staffOnly = allRoutes.filter(
      (route) => resourceOf(route) && route.roles !== 'public' && !admits(route, 'customer'),
    );
    expect(staffOnly.length).toBeGreaterThan(10);
    for (const route of staffOnly) {
      const path = route.path.replace(':id', ofA[resourceOf(route)!]).replace(':contactId', contactOfA);
      const res = await asB(route.method.toUpperCase(), path, route.body ? {} : undefined);
      expect({ route: label(route), status: res.status, code: res.body?.code }).toEqual({
        route: label(route),
        status: 403,
        code: 'forbidden',
      });
    }
    expect(await counts()).toEqual(before);
  });

  it("never lists A's records to B, on any customer route that reads a collection", async () => {
    const reads = customerRoutes.filter((route) => route.method === 'get');
    // GET /v1/sessions/current answers signed-in people only (a key has no session: 404); people.test.ts covers it.
    const collections = reads.filter(
      (route) =>
        (paramNames(route.path).length === 0 && label(route) !== 'GET /v1/sessions/current') ||
        SHARED_ID_ROUTES.has(label(route)),
    );
    expect(collections.map(label)).toEqual(
      expect.arrayContaining([
        'GET /v1/tickets',
        'GET /v1/claims',
        'GET /v1/change-requests',
        'GET /v1/notifications',
        'GET /v1/outages',
        'GET /v1/products/:id/availability',
      ]),
    );
    const secretsOfA = [...Object.values(ofA), a.customer.name, a.customer.id];
    let seenByA = '';
    for (const route of collections) {
      const path = route.path.replace(':id', claimsProduct.id);
      const [forB, forA] = [await asB('GET', path), await asA('GET', path)];
      expect({ route: label(route), statuses: [forB.status, forA.status] }).toEqual({
        route: label(route),
        statuses: [200, 200],
      });
      const text = JSON.stringify(forB.body);
      expect({ route: label(route), leaked: secretsOfA.filter((secret) => text.includes(secret)) }).toEqual({
        route: label(route),
        leaked: [],
      });
      seenByA += JSON.stringify(forA.body);
    }
    // The same routes do show A its own records (and B the outage both share), so the check above can fail.
    for (const id of [ofA.ticket, ofA.claim, ofA.changeRequest, ofA.notification, ofA.outage])
      expect(seenByA).toContain(id);
    expect(JSON.stringify((await asB('GET', '/v1/outages?limit=200')).body)).toContain(sharedOutage);
  });

  it("refuses A's customerId passed explicitly in a query or a body, creating nothing", async () => {
    const BODIES: Record<string, Record<string, unknown>> = {
      'POST /v1/tickets': {
        productId: claimsProduct.id,
        priority: 'low',
        subject: 'به نام A',
        description: 'تیکتی به نام مشتری دیگر',
      },
      'POST /v1/claims': { productId: claimsProduct.id, outageIds: [sharedOutage] },
      'POST /v1/change-requests': {
        productId: a.product.id,
        title: 'به نام A',
        description: 'درخواستی به نام مشتری دیگر',
      },
    };
    const byQuery = customerRoutes.filter((route) => fieldsOf(route.query).includes('customerId'));
    const byBody = customerRoutes.filter((route) => fieldsOf(route.body).includes('customerId'));
    expect(byQuery.map(label)).toEqual(
      expect.arrayContaining(['GET /v1/tickets', 'GET /v1/claims', 'GET /v1/change-requests']),
    );
    expect(byBody.map(label).filter((name) => !(name in BODIES))).toEqual([]);
    expect(byBody.length).toBeGreaterThanOrEqual(3);
    const before = await counts();
    for (const route of byQuery) {
      const refused = await asB('GET', `${route.path}?customerId=${a.customer.id}`);
      expect({ route: label(route), status: refused.status, code: refused.body?.code }).toEqual({
        route: label(route),
        status: 403,
        code: 'forbidden',
      });
      // Its own id is fine: the refusal is about whose id it is.
      const own = await asB('GET', `${route.path}?customerId=${b.customer.id}`);
      expect({ route: label(route), status: own.status }).toEqual({ route: label(route), status: 200 });
    }
    for (const route of byBody) {
      const refused = await asB('POST', route.path, { ...BODIES[label(route)], customerId: a.customer.id });
      expect({ route: label(route), status: refused.status, code: refused.body?.code }).toEqual({
        route: label(route),
        status: 403,
        code: 'forbidden',
      });
    }
    expect(await counts()).toEqual(before);
  });
});

// --- What a customer sees of its own records -----------------------------------------------------

describe('what a customer sees of its own records (api/visibility.ts)', () => {
  type Party = Awaited<ReturnType<typeof createCustomerWithContract>>;
  let owner: Party;
  let asOwner: ReturnType<typeof stackApi>;
  let agent: ReturnType<typeof stackApi>;
  let agentKeyId: string;
  let qa: ReturnType<typeof stackApi>;
  let qaKeyId: string;
  let product: Product;
  let outageId: string;
  const keyIds = () => [agentKeyId, qaKeyId];

  beforeAll(async () => {
    product = await createProduct();
    owner = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    await addContract(owner.customer.id, product.id, 'avanak');
    asOwner = stackApi(owner.key);
    const agentKey = await admin('POST', '/v1/api-keys', {
      name: 'visibility agent',
      displayName: 'سارا، پشتیبانی',
      role: 'agent',
    });
    const qaKey = await admin('POST', '/v1/api-keys', { name: 'visibility qa', role: 'qa' });
    expect([agentKey.status, qaKey.status]).toEqual([201, 201]);
    expect(agentKey.body.displayName).toBe('سارا، پشتیبانی');
    [agent, agentKeyId, qa, qaKeyId] = [
      stackApi(agentKey.body.key),
      agentKey.body.id,
      stackApi(qaKey.body.key),
      qaKey.body.id,
    ];
    const outage = await agent('POST', '/v1/outages', {
      productId: product.id,
      cause: 'unplanned',
      startedAt: iso(Date.now() - 3 * HOUR),
      endedAt: iso(Date.now() - 2 * HOUR),
      description: 'قطعی سرویس',
    });
    expect(outage.status).toBe(201);
    outageId = outage.body.id;
  });

  it('shows the customer no internal note and no internal event on a ticket, while staff see them all', async () => {
    const opened = await asOwner('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'high',
      subject: 'خطای ورود',
      description: 'ورود ممکن نیست',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect(
      (await agent('POST', `/v1/tickets/${id}/replies`, { body: 'یادداشت داخلی: مشتری بدهکار است', public: false }))
        .status,
    ).toBe(200);
    expect((await agent('POST', `/v1/tickets/${id}/replies`, { body: 'در حال بررسی هستیم' })).status).toBe(200);
    // An escalation as the workflow records it (its timer is days away): internal, with its recipients.
    const db = testDatabase();
    const last = await db.ticketEvent.findFirstOrThrow({ where: { ticketId: id }, orderBy: { sequence: 'desc' } });
    await db.ticketEvent.create({
      data: {
        ticketId: id,
        sequence: last.sequence + 1,
        at: new Date(),
        actor: 'system',
        type: 'sla_escalation',
        data: { target: 'resolution', percent: 150, recipients: ['senior_management'] },
      },
    });

    const forCustomer = await asOwner('GET', `/v1/tickets/${id}/events`);
    const forStaff = await agent('GET', `/v1/tickets/${id}/events`);
    expect([forCustomer.status, forStaff.status]).toEqual([200, 200]);
    const types = (res: HttpResult) => res.body.items.map((e: { type: string }) => e.type);
    expect(types(forStaff)).toEqual(
      expect.arrayContaining(['opened', 'internal_note', 'agent_replied', 'sla_escalation']),
    );
    expect(types(forCustomer)).toEqual(['opened', 'agent_replied']);
    expect(JSON.stringify(forCustomer.body)).not.toContain('یادداشت داخلی');
    expect(JSON.stringify(forCustomer.body)).not.toContain('senior_management');
    // People are a role and a display name, for everyone: never a key id.
    const reply = forCustomer.body.items.find((e: { type: string }) => e.type === 'agent_replied');
    expect(reply.actor).toEqual({ role: 'agent', name: 'سارا، پشتیبانی' });
    expect(forCustomer.body.items[0].actor).toEqual({ role: 'customer', name: 'Customer' });
    for (const res of [forCustomer, forStaff])
      for (const keyId of keyIds()) expect(JSON.stringify(res.body)).not.toContain(keyId);
  });

  it("shows the customer a ticket's deadlines but not the staff's next alarm, in every answer that carries the ticket", async () => {
    const opened = await asOwner('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'high',
      subject: 'کندی سامانه',
      description: 'صفحه‌ها دیر باز می‌شوند',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const replied = await asOwner('POST', `/v1/tickets/${id}/replies`, { body: 'هنوز کند است' });
    const [forCustomer, forStaff] = [
      await asOwner('GET', `/v1/tickets/${id}`),
      await agent('GET', `/v1/tickets/${id}`),
    ];
    expect([replied.status, forCustomer.status, forStaff.status]).toEqual([200, 200, 200]);
    // Staff see the workflow's next timer (a warning or escalation to them); the customer sees the deadlines only.
    expect(forStaff.body.clock.nextAlarm).toMatchObject({ target: 'first_response', kind: expect.any(String) });
    for (const res of [opened, replied, forCustomer]) {
      expect(res.body.clock.nextAlarm).toBeNull();
      expect(res.body.clock.targets.map((t: { dueAt: string }) => t.dueAt)).toEqual(
        forStaff.body.clock.targets.map((t: { dueAt: string }) => t.dueAt),
      );
    }
  });

  it("hides a claim's QA reminder from the customer (field and due state), in the claim, the list and the filing answer", async () => {
    const outage = await agent('POST', '/v1/outages', {
      productId: product.id,
      cause: 'unplanned',
      startedAt: iso(Date.now() - 6 * HOUR),
      endedAt: iso(Date.now() - 5 * HOUR),
      description: 'قطعی دوم',
    });
    expect(outage.status).toBe(201);
    const filed = await asOwner('POST', '/v1/claims', { productId: product.id, outageIds: [outage.body.id] });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    // Past its reminder: the QA queue's due_soon.
    const db = testDatabase();
    const row = await db.claim.findUniqueOrThrow({ where: { id } });
    const computation = row.computation as { deadlines: { reminderAtMs: number } };
    await db.claim.update({
      where: { id },
      data: {
        computation: { ...computation, deadlines: { ...computation.deadlines, reminderAtMs: Date.now() - HOUR } },
      },
    });
    const forStaff = await qa('GET', `/v1/claims/${id}`);
    expect(forStaff.body.deadlines.reminderAt).toEqual(expect.any(String));
    expect(forStaff.body.dueState).toBe('due_soon');
    const mine = (await asOwner('GET', '/v1/claims?limit=100')).body.items.find((c: { id: string }) => c.id === id);
    for (const claim of [filed.body, (await asOwner('GET', `/v1/claims/${id}`)).body, mine]) {
      expect(claim.deadlines.reminderAt).toBeNull();
      expect(claim.deadlines.decisionDueAt).toBe(forStaff.body.deadlines.decisionDueAt);
    }
    expect((await asOwner('GET', `/v1/claims/${id}`)).body.dueState).toBe('pending');
  });

  it("shows a claim's decision by role and name and hides its internal alarms from the customer", async () => {
    const filed = await asOwner('POST', '/v1/claims', { productId: product.id, outageIds: [outageId] });
    expect(filed.status).toBe(201);
    const id = filed.body.id as string;
    const db = testDatabase();
    const received = await waitForEvent(() => db.claimEvent.findMany({ where: { claimId: id } }));
    await db.claimEvent.create({
      data: {
        claimId: id,
        sequence: Math.max(...received.map((e) => e.sequence)) + 100,
        at: new Date(),
        actor: 'system',
        type: 'decision_overdue',
        data: { dueAtMs: Date.now(), recipients: ['qa_lead', 'department_manager'] },
      },
    });
    const decided = await qa('POST', `/v1/claims/${id}/reject`, { reason: 'خارج از پوشش' });
    expect(decided.status).toBe(200);
    expect(decided.body.decision.decidedBy).toEqual({ role: 'qa', name: 'Quality assurance' });

    const forCustomer = await asOwner('GET', `/v1/claims/${id}`);
    const forStaff = await qa('GET', `/v1/claims/${id}`);
    expect(forStaff.body.events.map((e: { type: string }) => e.type)).toContain('decision_overdue');
    expect(forCustomer.body.events.map((e: { type: string }) => e.type)).not.toContain('decision_overdue');
    expect(forCustomer.body.events.map((e: { type: string }) => e.type)).toContain('rejected');
    expect(JSON.stringify(forCustomer.body)).not.toContain('qa_lead');
    expect(forCustomer.body.decision.decidedBy).toEqual({ role: 'qa', name: 'Quality assurance' });
    for (const res of [decided, forCustomer, forStaff])
      for (const keyId of keyIds()) expect(JSON.stringify(res.body)).not.toContain(keyId);
  });

  it("hides a change request's internal overdue alarms from the customer", async () => {
    const opened = await asOwner('POST', '/v1/change-requests', {
      productId: owner.product.id,
      title: 'گزارش ماهانه',
      description: 'گزارش ماهانه فروش',
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const db = testDatabase();
    const events = await waitForEvent(() => db.changeRequestEvent.findMany({ where: { changeRequestId: id } }));
    await db.changeRequestEvent.create({
      data: {
        changeRequestId: id,
        sequence: Math.max(...events.map((e) => e.sequence)) + 100,
        at: new Date(),
        actor: 'system',
        type: 'review_overdue',
        data: { dueAtMs: Date.now() },
      },
    });
    const forCustomer = await asOwner('GET', `/v1/change-requests/${id}`);
    const forStaff = await agent('GET', `/v1/change-requests/${id}`);
    expect(forStaff.body.timeline.map((e: { type: string }) => e.type)).toContain('review_overdue');
    expect(forCustomer.body.timeline.map((e: { type: string }) => e.type)).toEqual(['opened']);
    expect(forCustomer.body.timeline[0].actor).toEqual({ role: 'customer', name: 'Customer' });
  });

  it("shows a product's availability month and its outages only to customers with a contract on it, as GET /v1/outages/:id does", async () => {
    const stranger = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const asStranger = stackApi(stranger.key);
    const month = `/v1/products/${product.id}/availability`;
    const never = randomUUID();
    const [strangerMonth, unknownMonth, strangerOutage] = [
      await asStranger('GET', month),
      await asStranger('GET', `/v1/products/${never}/availability`),
      await asStranger('GET', `/v1/outages/${outageId}`),
    ];
    expectProblem(strangerMonth, 404, 'not_found');
    expectProblem(strangerOutage, 404, 'not_found');
    expect(strangerMonth.body.detail.split(product.id).join('<id>')).toBe(
      unknownMonth.body.detail.split(never).join('<id>'),
    );
    expect(JSON.stringify(strangerMonth.body)).not.toContain(outageId);
    expect(JSON.stringify((await asStranger('GET', `/v1/outages?productId=${product.id}`)).body)).not.toContain(
      outageId,
    );
    // The month by Jalali name too, and the contract holder sees the outage in it.
    const holder = await asOwner('GET', month);
    expect(holder.status).toBe(200);
    expect(holder.body.outages.map((o: { id: string }) => o.id)).toContain(outageId);
    const byName = await asOwner('GET', `${month}?month=${holder.body.month}`);
    expect(byName.body.outages.map((o: { id: string }) => o.id)).toContain(outageId);
    expectProblem(await asStranger('GET', `${month}?month=${holder.body.month}`), 404, 'not_found');
    expect((await asOwner('GET', `/v1/outages/${outageId}`)).status).toBe(200);
  });
});

/** Waits until a workflow has recorded its first timeline event. */
async function waitForEvent<T>(read: () => Promise<T[]>): Promise<T[]> {
  for (let i = 0; i < 100; i += 1) {
    const rows = await read();
    if (rows.length > 0) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no timeline event was recorded within 10 s');
}

// --- Cursors ------------------------------------------------------------------------------------

describe('cursors', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  const BAD_CURSORS = [
    b64(`-000001-01-01T00:00:00.000Z|${randomUUID()}`), // a year PostgreSQL cannot store (was a 500: P2039/22007)
    b64(`+275760-09-13T00:00:00.000Z|${randomUUID()}`),
    b64(`2026-02-31T00:00:00.000Z|${randomUUID()}`),
    b64('2026-11-22T10:30:00.000Z|not-a-uuid'),
    'not a cursor',
  ];
  const PAGED = [
    '/v1/notifications',
    '/v1/customers',
    '/v1/contracts',
    '/v1/notifications/outbox',
    '/v1/reports/breaches',
    '/v1/tickets',
    '/v1/claims',
    '/v1/change-requests',
  ];

  it.each(PAGED)('on %s: anything but a cursor the API gave out is a 400 naming query.cursor', async (path) => {
    for (const cursor of BAD_CURSORS) {
      const res = await admin('GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['query.cursor']);
    }
  });

  it('pages through a list with the cursors it gives out', async () => {
    for (let i = 0; i < 2; i += 1) await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const first = await admin('GET', '/v1/customers?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin('GET', `/v1/customers?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

// --- Compressed bodies and the authentication scheme ---------------------------------------------

describe('content encodings', () => {
  const body = JSON.stringify({ name: 'فشرده', role: 'agent' });
  const post = (encoding: string, payload: Buffer | string, key = process.env.PASBAN_TEST_ADMIN_KEY) =>
    fetch(`${process.env.PASBAN_TEST_API_URL}/v1/api-keys`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': encoding,
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: payload,
    }).then(async (res): Promise<HttpResult> => ({ status: res.status, headers: res.headers, body: await res.json() }));

  it.each([
    ['gzip, a broken stream', 'gzip', Buffer.from('not gzip at all')],
    ['gzip, truncated', 'gzip', zlib.gzipSync(body).subarray(0, 12)],
    ['gzip, a valid stream', 'gzip', zlib.gzipSync(body)],
    ['deflate, a broken stream', 'deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff])],
    ['br, a broken stream', 'br', Buffer.from([0xff, 0xff, 0xff])],
    ['x-gzip', 'x-gzip', zlib.gzipSync(body)],
    ['an unknown coding', 'zstd', Buffer.from(body)],
    ['a list of codings', 'identity, gzip', zlib.gzipSync(body)],
  ])('%s is a 415 problem naming the header, with or without a key, never a 500', async (_name, encoding, payload) => {
    for (const key of [process.env.PASBAN_TEST_ADMIN_KEY, undefined]) {
      const res = await post(encoding, payload, key);
      expectProblem(res, 415, 'unsupported_media_type');
      expect(res.body.invalidFields).toEqual([
        { field: 'header.content-encoding', reason: expect.stringContaining('identity') },
      ]);
    }
  });

  it('accepts an uncompressed body declared as identity', async () => {
    const res = await post('Identity', body);
    expect(res.status).toBe(201);
  });
});

describe('the authentication scheme', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'accepts the key after %s (RFC 9110: schemes are case-insensitive)',
    async (scheme) => {
      const res = await fetch(`${process.env.PASBAN_TEST_API_URL}/v1/me`, {
        headers: { authorization: `${scheme} ${process.env.PASBAN_TEST_ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
    },
  );

  it('accepts the X-API-Key header, which the OpenAPI document declares as a security scheme', async () => {
    const res = await fetch(`${process.env.PASBAN_TEST_API_URL}/v1/me`, {
      headers: { 'x-api-key': process.env.PASBAN_TEST_ADMIN_KEY! },
    });
    expect(res.status).toBe(200);
    const doc = (await (await fetch(`${process.env.PASBAN_TEST_API_URL}/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.components.securitySchemes).toMatchObject({
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
  });

  it('refuses other schemes', async () => {
    const res = await fetch(`${process.env.PASBAN_TEST_API_URL}/v1/me`, {
      headers: { authorization: `Basic ${process.env.PASBAN_TEST_ADMIN_KEY}` },
    });
    expect(res.status).toBe(401);
  });
});

// --- Idempotency-Key compares the whole request ---------------------------------------------------

describe('Idempotency-Key', () => {
  let party: Awaited<ReturnType<typeof createCustomerWithContract>>;
  let product: Product;
  let customer: ReturnType<typeof stackApi>;
  let qa: ReturnType<typeof stackApi>;
  let outageId: string;
  const withKey = (key: string) => ({ 'idempotency-key': key });

  beforeAll(async () => {
    product = await createProduct();
    party = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    await addContract(party.customer.id, product.id, 'avanak');
    customer = stackApi(party.key);
    qa = stackApi(await createKey('qa'));
    const agent = stackApi(await createKey('agent'));
    const outages = [];
    for (const hoursAgo of [8, 6, 20]) {
      outages.push(
        await agent('POST', '/v1/outages', {
          productId: product.id,
          cause: 'unplanned',
          startedAt: iso(Date.now() - hoursAgo * HOUR),
          endedAt: iso(Date.now() - (hoursAgo - 1) * HOUR),
          description: 'قطعی',
        }),
      );
    }
    expect(outages.map((o) => o.status)).toEqual([201, 201, 201]);
    // Outside the period the claim test files, for the decision test.
    outageId = outages[2]!.body.id;
  });

  /** The first request answers 201, its exact retry 200 with the same record, and every variation 409 creating nothing. */
  async function expectWholeRequestCompared(
    path: string,
    first: Record<string, unknown>,
    variations: Record<string, unknown>[],
    count: () => Promise<number>,
  ) {
    const key = `whole-${randomUUID()}`;
    const created = await customer('POST', path, first, withKey(key));
    expect(created.status).toBe(201);
    // The same request with its fields in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(first).reverse());
    const retried = await customer('POST', path, reordered, withKey(key));
    expect({
      status: retried.status,
      id: retried.body.id,
      replayed: retried.headers.get('idempotent-replayed'),
    }).toEqual({ status: 200, id: created.body.id, replayed: 'true' });
    const before = await count();
    for (const variation of variations) {
      const res = await customer('POST', path, { ...first, ...variation }, withKey(key));
      expect({ variation, status: res.status, reason: res.body?.reason }).toEqual({
        variation,
        status: 409,
        reason: 'idempotency_key_reused',
      });
    }
    expect(await count()).toBe(before);
  }

  it('on tickets: a different description or channel under the same key is a 409 (was: the first ticket again, 200)', async () => {
    await expectWholeRequestCompared(
      '/v1/tickets',
      {
        productId: product.id,
        priority: 'high',
        subject: 'خطای ورود',
        description: 'ورود ممکن نیست',
        channel: 'portal',
      },
      [{ description: 'متن دیگری' }, { channel: 'email' }, { priority: 'low' }],
      () => testDatabase().ticket.count({ where: { customerId: party.customer.id } }),
    );
  });

  it('on change requests: a different description or attachments under the same key is a 409', async () => {
    await expectWholeRequestCompared(
      '/v1/change-requests',
      {
        productId: party.product.id,
        title: 'گزارش استانی',
        description: 'گزارش فروش به تفکیک استان',
        attachments: ['https://example.test/a.pdf'],
      },
      [{ description: 'گزارش دیگر' }, { attachments: ['https://example.test/b.pdf'] }, { attachments: [] }],
      () => testDatabase().changeRequest.count({ where: { customerId: party.customer.id } }),
    );
  });

  it('on claims: a different period or note under the same key is a 409', async () => {
    const period = { start: iso(Date.now() - 9 * HOUR), end: iso(Date.now() - 5 * HOUR) };
    await expectWholeRequestCompared(
      '/v1/claims',
      { productId: product.id, period, note: 'دو قطعی در یک روز' },
      [{ note: 'یادداشت دیگر' }, { period: { ...period, start: iso(Date.now() - 10 * HOUR) } }, { note: undefined }],
      () => testDatabase().claim.count({ where: { customerId: party.customer.id } }),
    );
  });

  it('on commands: a claim decision or a ticket reply with another body under the same key is a 409; the same body replays', async () => {
    const filed = await customer('POST', '/v1/claims', { productId: product.id, outageIds: [outageId] });
    expect(filed.status).toBe(201);
    const key = `decide-${randomUUID()}`;
    const approved = await qa(
      'POST',
      `/v1/claims/${filed.body.id}/approve-adjusted`,
      { amountRials: 1000, justification: 'جبران توافقی' },
      withKey(key),
    );
    expect(approved.status).toBe(200);
    const other = await qa(
      'POST',
      `/v1/claims/${filed.body.id}/approve-adjusted`,
      { amountRials: 2000, justification: 'جبران توافقی' },
      withKey(key),
    );
    expect({ status: other.status, reason: other.body.reason }).toEqual({
      status: 409,
      reason: 'idempotency_key_reused',
    });

    const ticket = await customer('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'low',
      subject: 'سؤال',
      description: 'یک سؤال',
    });
    const replyKey = `reply-${randomUUID()}`;
    const first = await customer(
      'POST',
      `/v1/tickets/${ticket.body.id}/replies`,
      { body: 'پاسخ اول' },
      withKey(replyKey),
    );
    const same = await customer(
      'POST',
      `/v1/tickets/${ticket.body.id}/replies`,
      { body: 'پاسخ اول' },
      withKey(replyKey),
    );
    const changed = await customer(
      'POST',
      `/v1/tickets/${ticket.body.id}/replies`,
      { body: 'پاسخ دیگر' },
      withKey(replyKey),
    );
    expect([first.status, same.status, changed.status]).toEqual([200, 200, 409]);
    const replies = await testDatabase().ticketEvent.count({
      where: { ticketId: ticket.body.id, type: 'customer_replied' },
    });
    expect(replies).toBe(1);
  });

  it('forgets a request after IDEMPOTENCY_KEY_RETENTION_HOURS (24 by default), with several API processes purging at once', async () => {
    expect(loadConfig({}).IDEMPOTENCY_KEY_RETENTION_HOURS).toBe(24);
    const db = testDatabase();
    const scope = `POST /v1/purge-test key:${randomUUID()}`;
    const nowMs = Date.now();
    await db.idempotencyKey.createMany({
      data: [
        ...Array.from({ length: 30 }, (_, i) => ({
          scope,
          key: `old-${i}`,
          requestDigest: 'a',
          createdAt: new Date(nowMs - 25 * HOUR - i * 1_000),
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          scope,
          key: `recent-${i}`,
          requestDigest: 'a',
          createdAt: new Date(nowMs - 23 * HOUR),
        })),
      ],
    });
    // Three API processes (three connections) purge at once, in batches smaller than the backlog.
    const processes = [
      db,
      createDatabase(process.env.PASBAN_TEST_DATABASE_URL!),
      createDatabase(process.env.PASBAN_TEST_DATABASE_URL!),
    ];
    try {
      const purged = await Promise.all(processes.map((p) => purgeIdempotencyKeys(p, 24 * HOUR, { nowMs, batch: 4 })));
      // Each row is deleted once; the stack's own once-a-minute purge may take some of them too.
      expect(purged.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30);
    } finally {
      await Promise.all(processes.slice(1).map((p) => p.$disconnect()));
    }
    const left = await db.idempotencyKey.findMany({ where: { scope }, orderBy: { key: 'asc' } });
    expect(left.map((row) => row.key)).toEqual(['recent-0', 'recent-1', 'recent-2']);
    // A forgotten key is free again: its next request is a first use.
    expect(await holdIdempotencyKey(db, scope, 'old-0', 'b')).toBe(true);
  });

  it('lets a key refused for what its request said (4xx) carry the corrected request', async () => {
    const key = `corrected-${randomUUID()}`;
    const refused = await customer(
      'POST',
      '/v1/tickets',
      { productId: randomUUID(), priority: 'high', subject: 'x', description: 'y' },
      withKey(key),
    );
    expect(refused.status).toBe(422);
    const corrected = await customer(
      'POST',
      '/v1/tickets',
      { productId: product.id, priority: 'high', subject: 'x', description: 'y' },
      withKey(key),
    );
    expect(corrected.status).toBe(201);
  });
});

// --- API keys ----------------------------------------------------------------------------------

describe('API keys', () => {
  it('are stored as the SHA-256 of their secret only; the key and the secret are nowhere in the row', async () => {
    const created = await admin('POST', '/v1/api-keys', { name: 'security: hashed', role: 'qa' });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const parsed = parseApiKey(key)!;
    expect(parsed).toBeDefined();
    const [row] = await testDatabase().$queryRaw<{ json: string; secret_hash: string; prefix: string }[]>`
      SELECT row_to_json(k)::text AS json, k.secret_hash, k.prefix FROM api_keys k WHERE k.id = ${created.body.id}::uuid`;
    expect(row).toBeDefined();
    expect(row!.secret_hash).toBe(createHash('sha256').update(parsed.secret).digest('hex'));
    expect(row!.prefix).toBe(parsed.prefix);
    expect(row!.json).not.toContain(key);
    expect(row!.json).not.toContain(parsed.secret);
    expect((await stackApi(key)('GET', '/v1/me')).body).toMatchObject({ role: 'qa', keyId: created.body.id });
  });

  it('refuses the right prefix with a wrong secret', async () => {
    const created = await admin('POST', '/v1/api-keys', { name: 'security: wrong secret', role: 'agent' });
    expect((await stackApi(created.body.key)('GET', '/v1/me')).status).toBe(200);
    expectProblem(await stackApi(tampered(created.body.key))('GET', '/v1/me'), 401, 'unauthenticated');
  });

  it('answer 401 on every route once revoked, through either header', async () => {
    const { customer } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const created = await admin('POST', '/v1/api-keys', {
      name: 'security: revoked',
      role: 'customer',
      customerId: customer.id,
    });
    const key = created.body.key as string;
    const api = stackApi(key);
    expect((await api('GET', '/v1/tickets')).status).toBe(200);
    const revoked = await admin('DELETE', `/v1/api-keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(revoked.body.key).toBeUndefined();
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['GET', '/v1/tickets'],
      ['GET', '/v1/notifications'],
    ] as const) {
      const res = await api(method, path);
      expectProblem(res, 401, 'unauthenticated');
      expect(res.body.detail).toContain('revoked');
    }
    const viaHeader = await stackApi(undefined)('GET', '/v1/me', undefined, { 'x-api-key': key });
    expectProblem(viaHeader, 401, 'unauthenticated');
    // Revoking again keeps the first revocation time.
    expect((await admin('DELETE', `/v1/api-keys/${created.body.id}`)).body.revokedAt).toBe(revoked.body.revokedAt);
  });
});

// --- In-process apps: rate limits, body limits, logs ------------------------------------------

describe('an in-process app on the real database and Temporal', () => {
  let temporal: Client;
  beforeAll(async () => {
    temporal = new Client({
      connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
    });
  });
  afterAll(async () => {
    await temporal.connection.close();
  });

  function buildApp(options: { perMinute?: number; bodyLimit?: string; logger?: Logger } = {}): Express {
    return createApp(integrationDeps(temporal, options));
  }

  describe('rate limits per API key', () => {
    it('answer 429 with Retry-After and a problem document once a key has spent its requests, and leave other keys alone', async () => {
      const app = buildApp({ perMinute: 3 });
      const [first, second] = [await createKey('agent'), await createKey('agent')];
      const as = (key: string, path = '/v1/me') => supertest(app).get(path).set('authorization', `Bearer ${key}`);
      for (let i = 0; i < 3; i += 1) expect((await as(first)).status).toBe(200);
      const limited = await as(first);
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(limited.text)).toMatchObject({
        status: 429,
        code: 'rate_limited',
        requestId: limited.headers['x-request-id'],
      });
      // The bucket is the key's, whatever the route.
      expect((await as(first, '/v1/tickets')).status).toBe(429);
      // Another key is untouched by the first one's exhaustion.
      for (let i = 0; i < 3; i += 1) expect((await as(second)).status).toBe(200);
      expect((await as(second)).status).toBe(429);
      // A fresh app (fresh limiter) admits the first key again: the 429 came from the limiter, not the key.
      expect(
        (
          await supertest(buildApp({ perMinute: 3 }))
            .get('/v1/me')
            .set('authorization', `Bearer ${first}`)
        ).status,
      ).toBe(200);
    });
  });

  describe('rate limits without a valid key', () => {
    it('count failed authentications per client address, so guessing keys meets 429 too', async () => {
      const app = buildApp({ perMinute: 3 });
      const guess = () =>
        supertest(app)
          .get('/v1/me')
          .set('authorization', `Bearer pk_guessing_${randomUUID().replace(/-/g, '')}`);
      for (let i = 0; i < 3; i += 1) expect((await guess()).status).toBe(401);
      const limited = await guess();
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(limited.text)).toMatchObject({ status: 429, code: 'rate_limited' });
      // A valid key has its own bucket: the address's failures do not lock its owner out.
      expect(
        (
          await supertest(app)
            .get('/v1/me')
            .set('authorization', `Bearer ${await createKey('agent')}`)
        ).status,
      ).toBe(200);
    });
  });

  describe('public and unknown routes', () => {
    it('are metered per client address: unknown paths, probes and documents meet 429 too', async () => {
      const app = buildApp({ perMinute: 4 });
      const statuses = [];
      for (const path of ['/nowhere', '/v1/nothing-here', '/healthz', '/openapi.json', '/docs', '/healthz'])
        statuses.push((await supertest(app).get(path)).status);
      expect(statuses).toEqual([404, 404, 200, 200, 429, 429]);
      const limited = await supertest(app).get('/nowhere');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(limited.text)).toMatchObject({ status: 429, code: 'rate_limited' });
    });

    it('send RateLimit-Policy and RateLimit (IETF draft) with every metered answer', async () => {
      const app = buildApp({ perMinute: 50 });
      const keyed = await supertest(app)
        .get('/v1/me')
        .set('authorization', `Bearer ${await createKey('agent')}`);
      expect(keyed.headers['ratelimit-policy']).toBe('"per-key";q=50;w=60');
      expect(keyed.headers.ratelimit).toMatch(/^"per-key";r=49;t=\d+$/);
      for (const path of ['/healthz', '/nowhere', '/openapi.json']) {
        const res = await supertest(app).get(path);
        expect({ path, policy: res.headers['ratelimit-policy'] }).toEqual({ path, policy: '"per-address";q=50;w=60' });
        expect(res.headers.ratelimit).toMatch(/^"per-address";r=\d+;t=\d+$/);
      }
    });

    it('answer a known path with another method 405 naming the allowed ones in Allow', async () => {
      const app = buildApp();
      const key = await createKey('admin');
      const cases: [string, string, string][] = [
        ['delete', '/v1/tickets', 'GET, HEAD, POST'],
        ['put', `/v1/tickets/${randomUUID()}`, 'GET, HEAD'],
        ['get', `/v1/tickets/${randomUUID()}/replies`, 'POST'],
        ['post', '/openapi.json', 'GET, HEAD'],
        ['patch', '/healthz', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await supertest(app)[method as 'get'](path).set('authorization', `Bearer ${key}`);
        expect({ path, method, status: res.status, allow: res.headers.allow, code: JSON.parse(res.text).code }).toEqual(
          { path, method, status: 405, allow, code: 'method_not_allowed' },
        );
      }
      expect((await supertest(app).get('/v1/no-such-thing').set('authorization', `Bearer ${key}`)).status).toBe(404);
    });

    it('serve /openapi.json with an ETag (304 when unchanged) and reuse /readyz for 2 s', async () => {
      const app = buildApp();
      const first = await supertest(app).get('/openapi.json');
      expect(first.status).toBe(200);
      expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control']).toContain('max-age');
      const again = await supertest(app).get('/openapi.json').set('if-none-match', first.headers.etag!);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');

      let probes = 0;
      const deps = integrationDeps(temporal);
      const counted = createApp({
        ...deps,
        probes: { database: async () => void (probes += 1), temporal: deps.probes.temporal },
      });
      const answers = await Promise.all(Array.from({ length: 10 }, () => supertest(counted).get('/readyz')));
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
      expect((await supertest(counted).get('/readyz')).status).toBe(200);
      expect(probes).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await supertest(counted).get('/readyz');
      expect(probes).toBe(2);
    });
  });

  describe('request size limits', () => {
    it('refuse a body over BODY_LIMIT with a 413 problem document, and admit one under it', async () => {
      const app = buildApp({ bodyLimit: '2kb' });
      const key = await createKey('admin');
      const body = (size: number) => JSON.stringify({ name: 'x'.repeat(size), role: 'agent' });
      const big = await supertest(app)
        .post('/v1/api-keys')
        .set('authorization', `Bearer ${key}`)
        .set('content-type', 'application/json')
        .send(body(4_000));
      expect(big.status).toBe(413);
      expect(big.headers['content-type']).toContain('application/problem+json');
      expect(JSON.parse(big.text)).toMatchObject({ status: 413, code: 'payload_too_large' });
      const small = await supertest(app)
        .post('/v1/api-keys')
        .set('authorization', `Bearer ${key}`)
        .set('content-type', 'application/json')
        .send(body(150));
      expect(small.status).toBe(201);
    });

    it("refuse a body over the running service's 100kb with a 413 problem document", async () => {
      const res = await admin('POST', '/v1/tickets', {
        productId: randomUUID(),
        priority: 'low',
        subject: 's',
        description: 'ش'.repeat(60_000),
      });
      expectProblem(res, 413, 'payload_too_large');
    });
  });

  describe('logs', () => {
    it('carry no API key, secret, e-mail, phone, name or ticket text, on success or failure, and notification delivery logs only ids', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logger = createLogger('trace', 'pasban', sink);
      const app = buildApp({ logger });
      const adminKey = process.env.PASBAN_TEST_ADMIN_KEY!;
      const tag = randomUUID().slice(0, 8);
      const email = `secret-${tag}@private.test`;
      const phone = `0912${String(Date.now()).slice(-7)}`;
      const name = `مشتری محرمانه ${tag}`;
      const contactName = `رضا رازدار ${tag}`;
      const subject = `موضوع محرمانه ${tag}`;
      const description = `توضیح محرمانه ${tag}: رمز پنل ما را کسی عوض کرده است.`;
      const send = (method: 'get' | 'post' | 'delete', path: string, key?: string) => {
        const req = supertest(app)[method](path);
        return key ? req.set('authorization', `Bearer ${key}`) : req;
      };

      // Successes: a customer with a contact, its key, its ticket.
      const customer = await send('post', '/v1/customers', adminKey).send({
        name,
        contacts: [{ name: contactName, email, phone, isPrimary: true }],
      });
      expect(customer.status).toBe(201);
      const customerId = JSON.parse(customer.text).id as string;
      await addContract(
        customerId,
        (await testDatabase().product.findUniqueOrThrow({ where: { key: 'owj' } })).id,
        'owj-agile',
      );
      const keyed = await send('post', '/v1/api-keys', adminKey).send({
        name: `key of ${email}`,
        role: 'customer',
        customerId,
      });
      expect(keyed.status).toBe(201);
      const key = JSON.parse(keyed.text).key as string;
      const { secret } = parseApiKey(key)!;
      const owj = await testDatabase().product.findUniqueOrThrow({ where: { key: 'owj' } });
      const ticket = await send('post', '/v1/tickets', key).send({
        productId: owj.id,
        priority: 'low',
        subject,
        description: `${description} ${email} ${phone}`,
      });
      expect(ticket.status).toBe(201);

      // Failures: a wrong secret (401), a refused role (403), bad input (400), a missing id (404), bad JSON, too big.
      const statuses = [
        (await send('get', '/v1/me', tampered(key))).status,
        (await send('get', '/v1/api-keys', key)).status,
        (
          await send('post', '/v1/tickets', key).send({
            productId: owj.id,
            priority: 'urgent',
            subject,
            description,
            email,
          })
        ).status,
        (await send('get', `/v1/tickets/${randomUUID()}?q=${encodeURIComponent(email)}`, key)).status,
        (await supertest(app).get('/v1/me').set('x-api-key', tampered(key))).status,
        (
          await send('post', '/v1/tickets', key)
            .set('content-type', 'application/json')
            .send(`{"description":"${description}", "phone": "${phone}"`)
        ).status,
        (
          await send('post', '/v1/tickets', key).send({
            productId: owj.id,
            priority: 'low',
            subject,
            description: description.repeat(2_000),
          })
        ).status,
      ];
      expect(statuses).toEqual([401, 403, 400, 404, 401, 400, 413]);

      // Notification delivery: held without a gateway or SMTP, then a gateway that refuses and echoes the message.
      const gateway = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const sent = JSON.parse(Buffer.concat(chunks).toString()) as { to: string; text: string };
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: `invalid recipient ${sent.to} for "${sent.text}" (cc ${email})` }));
        });
      });
      await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
      const notice = (channel: 'sms' | 'email'): NotifyRequest => ({
        dedupeKey: `security:${randomUUID()}`,
        channel,
        category: 'informational',
        audience: 'customer',
        customerId,
        recipient: { kind: 'customer' },
        subject,
        body: description,
        subjectRef: `ticket:${JSON.parse(ticket.text).id}`,
      });
      const ids: string[] = [];
      try {
        const loggedOnly = createNotificationActivities({
          db: testDatabase(),
          logger,
          channels: createDeliveryChannels(NO_PROVIDERS, logger),
        });
        for (const channel of ['sms', 'email'] as const) {
          const result = await loggedOnly.notify(notice(channel));
          expect(result.status).toBe('held');
          ids.push(result.notificationId);
        }
        const refusingChannels = {
          sms: new HttpSmsGateway({
            url: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/send`,
            token: 'sms-token',
          }),
          email: null,
        };
        const refusing = createNotificationActivities({ db: testDatabase(), logger, channels: refusingChannels });
        const queued = await refusing.notify(notice('sms'));
        // The relay takes the oldest due row first: make this one the oldest, and take one row only.
        await testDatabase().notification.update({
          where: { id: queued.notificationId },
          data: { createdAt: new Date(0) },
        });
        await createOutboxRelay({ db: testDatabase(), logger, channels: refusingChannels, batchSize: 1 }).deliverDue();
        // The outbox keeps the full detail for staff.
        const row = await testDatabase().notification.findUniqueOrThrow({
          where: { id: queued.notificationId },
          include: { attempts: true },
        });
        expect(row.status).toBe('failed');
        expect(row.statusNote).toContain('400');
        expect(row.attempts[0]!.detail).toContain(phone);
        ids.push(row.id);
      } finally {
        await new Promise<void>((resolve) => gateway.close(() => resolve()));
      }
      logger.flush();
      const log = lines.join('');

      // What the logs must hold: every request, with its status and key id, and the deliveries by id.
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = entries.filter((e) => e.msg === 'request');
      expect(requests.map((e) => e.status)).toEqual(expect.arrayContaining([201, 401, 403, 400, 404, 413]));
      expect(requests.some((e) => e.keyId === JSON.parse(keyed.text).id)).toBe(true);
      for (const id of ids) expect(log).toContain(id);
      expect(entries.some((e) => e.msg === 'notification delivery failed')).toBe(true);
      // What they must never hold.
      const forbidden = {
        key,
        secret,
        adminKey,
        adminSecret: parseApiKey(adminKey)!.secret,
        email,
        phone,
        name,
        contactName,
        subject,
        description,
        smsToken: 'sms-token',
      };
      const leaked = Object.entries(forbidden)
        .filter(([, value]) => log.includes(value))
        .map(([what]) => what);
      expect(leaked).toEqual([]);
      expect(log).not.toContain(tag);
    });
  });
});

// --- Security headers --------------------------------------------------------------------------

describe('security headers', () => {
  it.each([
    ['an authenticated answer', 'GET', '/v1/me', process.env.PASBAN_TEST_ADMIN_KEY, 200],
    ['a public probe', 'GET', '/healthz', undefined, 200],
    ['a 401', 'GET', '/v1/me', undefined, 401],
    ['a 404', 'GET', '/v1/no-such-route', process.env.PASBAN_TEST_ADMIN_KEY, 404],
    ['a 400', 'POST', '/v1/api-keys', process.env.PASBAN_TEST_ADMIN_KEY, 400],
  ] as const)('are set on %s', async (_what, method, path, key, status) => {
    const res = await stackApi(key)(method, path, method === 'POST' ? {} : undefined);
    expect(res.status).toBe(status);
    const h = res.headers;
    expect(h.get('x-powered-by')).toBeNull();
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(h.get('content-security-policy')).toContain("object-src 'none'");
    expect(h.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(h.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(h.get('x-permitted-cross-domain-policies')).toBe('none');
    expect(h.get('x-request-id')).toEqual(expect.any(String));
  });
});
