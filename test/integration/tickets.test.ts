// Tickets through HTTP on the running service: intake with eligibility and idempotency, the live
// clock from the workflow, commands and their refusals, isolation between customers, and the
// activities' once-only records in the real database.
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { testApi } from '../support/http';
import { closeTestDatabase, copyOf, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { waitFor } from '../support/wait';

const admin = testApi();
let agent: ReturnType<typeof testApi>;

beforeAll(async () => {
  agent = testApi(await createKey('agent'));
});
afterAll(closeTestDatabase);

const newTicket = (productId: string, extra: Record<string, unknown> = {}) => ({
  productId,
  priority: 'critical',
  subject: 'سامانه از دسترس خارج شده است',
  description: 'از ساعت ۱۰ صبح پنل بارگذاری نمی‌شود.',
  channel: 'portal',
  ...extra,
});

describe('opening a ticket', () => {
  it("answers 201 with deadlines on the plan's calendar, in Tehran time with Jalali renderings", async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const res = await testApi(key)('POST', '/v1/tickets', newTicket(product.id));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'new', priority: 'critical', policyKey: 'owj-agile' });
    const [firstResponse, resolution] = res.body.clock.targets;
    expect(firstResponse).toMatchObject({ target: 'first_response', calendar: 'owj-agile', allowedMinutes: 15 });
    expect(resolution).toMatchObject({ target: 'resolution', calendar: 'owj-agile', allowedMinutes: 180 });
    expect(firstResponse.dueAt).toMatch(/\+03:30$/);
    expect(firstResponse.dueAtJalali).toMatch(/^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/);
    expect(Date.parse(resolution.dueAt)).toBeGreaterThan(Date.parse(res.body.openedAt));
  });

  it("starts the ticket's workflow, which records the opening on the timeline and answers the live clock", async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'iotex-suite', planKey: 'iotex-premium' });
    const customer = testApi(key);
    const created = await customer('POST', '/v1/tickets', newTicket(product.id, { priority: 'low' }));
    const events = await waitFor(
      () => customer('GET', `/v1/tickets/${created.body.id}/events`),
      (r) => r.body.items.length > 0,
    );
    expect(events.body.items[0]).toMatchObject({ sequence: 1, type: 'opened' });
    const live = await customer('GET', `/v1/tickets/${created.body.id}`);
    expect(live.body.clock.live).toBe(true);
    expect(live.body.clock.targets.map((t: { dueAt: string }) => t.dueAt)).toEqual(
      created.body.clock.targets.map((t: { dueAt: string }) => t.dueAt),
    );
  });

  it('answers a ticket whose workflow has not recorded a clock yet with its opening clock run forward, not an error', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = testApi(key);
    const created = await customer('POST', '/v1/tickets', newTicket(product.id));
    expect(created.status).toBe(201);
    // A copy of the stored row whose workflow never started: what a reader sees between intake
    // and the workflow's first clock, or until the recovery sweep starts a failed start.
    const db = testDatabase();
    const unstartedId = randomUUID();
    const stored = await db.ticket.findUniqueOrThrow({ where: { id: created.body.id } });
    await db.ticket.create({
      data: copyOf(stored, { id: unstartedId, workflowId: `ticket-${unstartedId}`, clock: undefined }) as never,
    });
    expect((await db.ticket.findUniqueOrThrow({ where: { id: unstartedId } })).clock).toBeNull();

    const res = await customer('GET', `/v1/tickets/${unstartedId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: unstartedId,
      status: 'new',
      breached: false,
      clock: { live: false, cycle: 1 },
    });
    expect(
      res.body.clock.targets.map((t: { target: string; dueAt: string; state: string }) => [t.target, t.dueAt, t.state]),
    ).toEqual(
      created.body.clock.targets.map((t: { target: string; dueAt: string; state: string }) => [
        t.target,
        t.dueAt,
        t.state,
      ]),
    );
    expect(Date.parse(res.body.clock.asOf)).toBeGreaterThanOrEqual(Date.parse(created.body.clock.asOf));
    // The next alarm is the staff's: null for the customer, the first response's for an agent.
    expect(res.body.clock.nextAlarm).toBeNull();
    expect((await agent('GET', `/v1/tickets/${unstartedId}`)).body.clock.nextAlarm).toMatchObject({
      target: 'first_response',
    });
  });

  it('returns the same ticket for a retry with the same Idempotency-Key and starts nothing twice', async () => {
    const { product, key, customer } = await createCustomerWithContract({
      productKey: 'owj',
      planKey: 'owj-committed',
    });
    const idempotencyKey = `retry-${randomUUID()}`;
    const api = testApi(key);
    const first = await api('POST', '/v1/tickets', newTicket(product.id), { 'idempotency-key': idempotencyKey });
    const second = await api('POST', '/v1/tickets', newTicket(product.id), { 'idempotency-key': idempotencyKey });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(await testDatabase().ticket.count({ where: { customerId: customer.id } })).toBe(1);
    const reused = await api('POST', '/v1/tickets', newTicket(product.id, { subject: 'another' }), {
      'idempotency-key': idempotencyKey,
    });
    expect(reused.status).toBe(409);
  });

  it("lets staff open a ticket on a customer's behalf, naming the customer", async () => {
    const { product, customer } = await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' });
    const missing = await agent('POST', '/v1/tickets', newTicket(product.id));
    expect(missing.status).toBe(400);
    expect(missing.body.invalidFields).toEqual([
      { field: 'body.customerId', reason: 'required when staff open a ticket' },
    ]);
    const res = await agent('POST', '/v1/tickets', newTicket(product.id, { customerId: customer.id }));
    expect(res.status).toBe(201);
    expect(res.body.customerId).toBe(customer.id);
    // Avanak: the first response is a 24-hour review in clock time.
    expect(res.body.clock.targets[0]).toMatchObject({ calendar: 'always-open', allowedMinutes: 24 * 60 });
  });

  it.each([
    ['an unpaid contract', { productKey: 'owj', planKey: 'owj-agile', paid: false }, 'unpaid'],
    ['a plan without tickets (Owj Basic)', { productKey: 'owj', planKey: 'owj-basic' }, 'plan_excludes_tickets'],
    [
      'an expired contract',
      { productKey: 'owj', planKey: 'owj-agile', startsAt: new Date('2024-01-01'), endsAt: new Date('2025-01-01') },
      'contract_expired',
    ],
  ])('refuses %s with 422 and the reason code', async (_name, options, reason) => {
    const { product, key } = await createCustomerWithContract(options);
    const res = await testApi(key)('POST', '/v1/tickets', newTicket(product.id));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'not_eligible', reason });
  });

  it('refuses a Kian Bronze ticket taken by phone with channel_not_offered (rule 12), and takes it through the portal', async () => {
    const { product, key, customer } = await createCustomerWithContract({
      productKey: 'kian-crm',
      planKey: 'kian-product-bronze',
    });
    const agent = testApi(await createKey('agent'));
    const phoned = await agent('POST', '/v1/tickets', {
      ...newTicket(product.id),
      customerId: customer.id,
      channel: 'phone',
    });
    expect(phoned.status).toBe(422);
    expect(phoned.body).toMatchObject({ reason: 'channel_not_offered', invalidFields: [{ field: 'body.channel' }] });
    expect(phoned.body.detail).toContain('kian-product-bronze does not offer the phone channel (it offers ticket)');
    expect((await testApi(key)('POST', '/v1/tickets', { ...newTicket(product.id), channel: 'portal' })).status).toBe(
      201,
    );
    const gold = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-gold' });
    expect(
      (
        await agent('POST', '/v1/tickets', {
          ...newTicket(gold.product.id),
          customerId: gold.customer.id,
          channel: 'phone',
        })
      ).status,
    ).toBe(201);
  });

  it('refuses a product the customer has no contract for with no_contract', async () => {
    const { key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const iotex = await testDatabase().product.findUniqueOrThrow({ where: { key: 'iotex-suite' } });
    const res = await testApi(key)('POST', '/v1/tickets', newTicket(iotex.id));
    expect(res).toMatchObject({ status: 422, body: { reason: 'no_contract' } });
  });

  it('names every invalid field of a bad ticket', async () => {
    const { key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const res = await testApi(key)('POST', '/v1/tickets', {
      productId: 'x',
      priority: 'urgent',
      subject: '   ',
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['body.productId', 'body.priority', 'body.subject', 'body.description']),
    );
  });
});

describe('commands on a ticket', () => {
  it('records the first public agent reply as the first response, and pauses while waiting on the customer', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-gold' });
    const customer = testApi(key);
    const { body: created } = await customer('POST', '/v1/tickets', newTicket(product.id, { priority: 'high' }));
    let res = await agent('POST', `/v1/tickets/${created.id}/replies`, { body: 'سلام، لطفاً لاگ را بفرستید.' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in_progress');
    expect(res.body.clock.targets[0]).toMatchObject({ target: 'first_response', state: 'met' });
    res = await agent('POST', `/v1/tickets/${created.id}/status`, { status: 'waiting_on_customer' });
    expect(res.body.status).toBe('waiting_on_customer');
    res = await customer('POST', `/v1/tickets/${created.id}/replies`, { body: 'فرستادم' });
    expect(res.body.status).toBe('in_progress');
    const outcome = await waitFor(
      () => testDatabase().slaOutcome.findFirst({ where: { ticketId: created.id, target: 'first_response' } }),
      (o) => o !== null,
    );
    expect(outcome).toMatchObject({ met: true, cycle: 1 });
  });

  it('runs a command retried with the same Idempotency-Key once, answering the first outcome again', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-gold' });
    const customer = testApi(key);
    const { body: created } = await customer('POST', '/v1/tickets', newTicket(product.id, { priority: 'high' }));
    const reply = { body: 'سلام، در حال بررسی هستیم.' };
    const idempotencyKey = `reply-${randomUUID()}`;
    const first = await agent('POST', `/v1/tickets/${created.id}/replies`, reply, {
      'idempotency-key': idempotencyKey,
    });
    const retried = await agent('POST', `/v1/tickets/${created.id}/replies`, reply, {
      'idempotency-key': idempotencyKey,
    });
    expect([first.status, retried.status]).toEqual([200, 200]);
    expect(retried.body.firstResponseAt).toBe(first.body.firstResponseAt);
    // The same reply under another key is a second reply.
    expect(
      (await agent('POST', `/v1/tickets/${created.id}/replies`, reply, { 'idempotency-key': `reply-${randomUUID()}` }))
        .status,
    ).toBe(200);
    const events = await waitFor(
      () => customer('GET', `/v1/tickets/${created.id}/events`),
      (r) => r.body.items.length >= 3,
    );
    expect(events.body.items.map((e: { type: string }) => e.type).filter((type: string) => type !== 'opened')).toEqual([
      'agent_replied',
      'agent_replied',
    ]);
    // A malformed key is refused naming the header.
    const bad = await agent('POST', `/v1/tickets/${created.id}/replies`, reply, { 'idempotency-key': 'not a key!' });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields[0].field).toBe('header.idempotency-key');
  });

  it("refuses a command the ticket's state does not allow with 409 naming the state", async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const { body: created } = await testApi(key)('POST', '/v1/tickets', newTicket(product.id));
    const res = await agent('POST', `/v1/tickets/${created.id}/close`, { reason: 'done' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('it is new');
    const review = await agent('POST', `/v1/tickets/${created.id}/review`, {
      decision: 'reject',
      reason: 'out of scope',
    });
    expect(review.status).toBe(409);
    expect(review.body.detail).toContain('not a review');
  });

  it("resolves, then reopens on the customer's reply with a new cycle; a cancelled ticket takes no more commands", async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-committed' });
    const customer = testApi(key);
    const { body: created } = await customer('POST', '/v1/tickets', newTicket(product.id, { priority: 'medium' }));
    expect(
      created.clock.targets.map((t: { target: string; dueAt: string | null }) => [t.target, t.dueAt === null]),
    ).toEqual([
      ['first_response', false],
      ['review', false],
      ['resolution', true],
    ]);
    await agent('POST', `/v1/tickets/${created.id}/resolve`, { note: 'fixed' });
    const reopened = await customer('POST', `/v1/tickets/${created.id}/replies`, { body: 'still broken' });
    expect(reopened.body).toMatchObject({ status: 'in_progress', clock: { cycle: 2 } });
    const cancelled = await customer('POST', `/v1/tickets/${created.id}/cancel`, {
      reason: 'duplicate of another ticket',
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'duplicate of another ticket' });
    await waitFor(
      () => testDatabase().ticket.findUniqueOrThrow({ where: { id: created.id } }),
      (t) => t.status === 'cancelled',
    );
    const after = await agent('POST', `/v1/tickets/${created.id}/replies`, { body: 'hello?' });
    expect(after.status).toBe(409);
    const read = await customer('GET', `/v1/tickets/${created.id}`);
    expect(read.body).toMatchObject({ status: 'cancelled' });
  });

  it('lets staff only change priority, status and assignment', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = testApi(key);
    const { body: created } = await customer('POST', '/v1/tickets', newTicket(product.id));
    expect(
      (await customer('POST', `/v1/tickets/${created.id}/priority`, { priority: 'low', reason: 'x' })).status,
    ).toBe(403);
    const res = await agent('POST', `/v1/tickets/${created.id}/priority`, {
      priority: 'low',
      reason: 'workaround exists',
    });
    expect(res.body.priority).toBe('low');
    expect(res.body.clock.targets[1].allowedMinutes).toBeGreaterThan(180);
  });
});

describe('customer isolation', () => {
  it("never shows, lists or changes another customer's ticket", async () => {
    const owner = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const other = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const { body: created } = await testApi(owner.key)('POST', '/v1/tickets', newTicket(owner.product.id));
    const intruder = testApi(other.key);
    expect((await intruder('GET', `/v1/tickets/${created.id}`)).status).toBe(404);
    expect((await intruder('GET', `/v1/tickets/${created.id}/events`)).status).toBe(404);
    expect((await intruder('POST', `/v1/tickets/${created.id}/replies`, { body: 'hi' })).status).toBe(404);
    expect((await intruder('GET', `/v1/tickets?customerId=${owner.customer.id}`)).status).toBe(403);
    const list = await intruder('GET', '/v1/tickets');
    expect(list.body.items.every((t: { customerId: string }) => t.customerId === other.customer.id)).toBe(true);
    expect(
      (await intruder('POST', '/v1/tickets', newTicket(owner.product.id, { customerId: owner.customer.id }))).status,
    ).toBe(403);
  });
});

describe('listing tickets', () => {
  it('filters by status and priority and pages with a cursor', async () => {
    const { product, key, customer } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const api = testApi(key);
    for (const priority of ['low', 'low', 'high'])
      await api('POST', '/v1/tickets', newTicket(product.id, { priority }));
    const lows = await admin('GET', `/v1/tickets?customerId=${customer.id}&priority=low`);
    expect(lows.body.items).toHaveLength(2);
    const page1 = await admin('GET', `/v1/tickets?customerId=${customer.id}&limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await admin('GET', `/v1/tickets?customerId=${customer.id}&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const ids = [...page1.body.items, ...page2.body.items].map((t: { id: string }) => t.id);
    expect(new Set(ids).size).toBe(3);
    expect((await admin('GET', '/v1/tickets?status=bogus')).body.invalidFields[0].field).toBe('query.status');
  });

  it('lists next deadline first on request (order=due), paging with the same cursor', async () => {
    const { product, key, customer } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const api = testApi(key);
    // Opened most urgent first: newest first and next deadline first then disagree.
    for (const priority of ['critical', 'high', 'low'])
      expect((await api('POST', '/v1/tickets', newTicket(product.id, { priority }))).status).toBe(201);
    const listed = await waitFor(
      () => admin('GET', `/v1/tickets?customerId=${customer.id}`),
      (r) =>
        r.body.items.length === 3 &&
        r.body.items.every((t: { nextDeadlineAt: string | null }) => t.nextDeadlineAt !== null),
    );
    const page1 = await admin('GET', `/v1/tickets?customerId=${customer.id}&order=due&limit=2`);
    const page2 = await admin(
      'GET',
      `/v1/tickets?customerId=${customer.id}&order=due&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.nextCursor).toBeNull();
    const byDue = [...page1.body.items, ...page2.body.items] as { id: string; nextDeadlineAt: string }[];
    const dues = byDue.map((t) => Date.parse(t.nextDeadlineAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(new Set(byDue.map((t) => t.id))).toEqual(new Set(listed.body.items.map((t: { id: string }) => t.id)));
    expect(byDue.map((t) => t.id)).not.toEqual(listed.body.items.map((t: { id: string }) => t.id));
    expect((await admin('GET', '/v1/tickets?order=soonest')).body.invalidFields[0].field).toBe('query.order');
  });
});

describe('ticket activities against the real database', () => {
  const config = loadConfig({ ...process.env, DATABASE_URL: process.env.PASBAN_TEST_DATABASE_URL });
  const activities = () => createActivities({ db: testDatabase(), logger: createLogger('silent'), config });

  it('records an escalation and its notifications once, however often the activity is retried', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const { body: created } = await testApi(key)('POST', '/v1/tickets', newTicket(product.id));
    const escalation = {
      ticketId: created.id,
      dedupeKey: `ticket:${created.id}:first_response:breach:100:test`,
      target: 'first_response',
      kind: 'breach' as const,
      percent: 100,
      dueAtMs: Date.now(),
      firedAtMs: Date.now(),
      action: { channel: 'in_app' as const, recipients: ['department_manager' as const] },
      priority: 'critical' as const,
      assignee: null,
    };
    await activities().escalate(escalation);
    await activities().escalate(escalation);
    const db = testDatabase();
    expect(await db.escalation.count({ where: { dedupeKey: escalation.dedupeKey } })).toBe(1);
    expect(await db.notification.count({ where: { dedupeKey: { startsWith: escalation.dedupeKey } } })).toBe(1);
  });

  it("names the target's deadline in a warning, not the instant the warning fires (issue 12, item 6)", async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const { body: created } = await testApi(key)('POST', '/v1/tickets', newTicket(product.id));
    const warnAtMs = Date.parse('2026-12-02T18:49:04+03:30');
    const dueAtMs = Date.parse('2026-12-02T18:50:04+03:30');
    const dedupeKey = `ticket:${created.id}:first_response:warning:75:test`;
    await activities().escalate({
      ticketId: created.id,
      dedupeKey,
      target: 'first_response',
      kind: 'warning',
      percent: 75,
      dueAtMs: warnAtMs,
      targetDueAtMs: dueAtMs,
      firedAtMs: warnAtMs,
      action: { channel: 'email', recipients: ['department_manager'] },
      priority: 'critical',
      assignee: null,
    });
    const notice = await testDatabase().notification.findFirstOrThrow({
      where: { dedupeKey: { startsWith: dedupeKey } },
    });
    expect(notice.body).toContain('due 2026-12-02 18:50 Tehran');
    expect(notice.body).toContain('موعد: ۱۴۰۵/۰۹/۱۱ ساعت ۱۸:۵۰');
    expect(notice.body).not.toContain('18:49');
  });
});

describe("GET /v1/me/products: what a customer may open a ticket about (the console's new-ticket form)", () => {
  it("lists each product with the plan's priorities and channels, and why a ticket would be refused now", async () => {
    const bronze = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-bronze' });
    const res = await testApi(bronze.key)('GET', '/v1/me/products');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        productId: bronze.product.id,
        plan: expect.objectContaining({ key: 'kian-product-bronze' }),
        priorities: ['critical', 'high', 'medium', 'low'],
        // Kian Bronze takes tickets only (rule 12): no phone.
        channels: ['portal', 'email', 'api'],
        eligible: true,
        refusal: null,
      }),
    ]);

    const unpaid = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile', paid: false });
    const refused = await testApi(unpaid.key)('GET', '/v1/me/products');
    expect(refused.body.items).toEqual([
      expect.objectContaining({ eligible: false, refusal: { reason: 'unpaid', detail: expect.any(String) } }),
    ]);
    // The same reason POST /v1/tickets answers.
    const opened = await testApi(unpaid.key)('POST', '/v1/tickets', {
      productId: unpaid.product.id,
      priority: 'low',
      subject: 's',
      description: 'd',
      channel: 'portal',
    });
    expect({ status: opened.status, reason: opened.body.reason }).toEqual({ status: 422, reason: 'unpaid' });
  });

  it('asks staff which customer, and lets a customer ask only about itself', async () => {
    const staff = await testApi()('GET', '/v1/me/products');
    expect(staff.status).toBe(400);
    expect(staff.body.invalidFields).toEqual([{ field: 'query.customerId', reason: 'required for staff' }]);
    const one = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const other = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    expect((await testApi(one.key)('GET', `/v1/me/products?customerId=${other.customer.id}`)).status).toBe(403);
    expect((await testApi()('GET', `/v1/me/products?customerId=${one.customer.id}`)).body.items).toHaveLength(1);
  });
});
