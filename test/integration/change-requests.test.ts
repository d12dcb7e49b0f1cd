// Custom-change requests through HTTP on the running service: intake with eligibility and
// idempotency, the review queue's order, a whole path to acceptance that leaves an invoice with
// the included hours spent first, refusals out of order, isolation between customers, and bad input.
import { randomUUID } from 'node:crypto';
import { testApi } from '../support/http';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { waitFor } from '../support/wait';

let agent: ReturnType<typeof testApi>;
let manager: ReturnType<typeof testApi>;

beforeAll(async () => {
  agent = testApi(await createKey('agent'));
  manager = testApi(await createKey('manager'));
});
afterAll(closeTestDatabase);

const DAY = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

const newRequest = (productId: string, extra: Record<string, unknown> = {}) => ({
  productId,
  title: 'گزارش فروش ماهانه به تفکیک استان',
  description: 'یک گزارش تازه در بخش گزارش‌ها که فروش هر ماه را به تفکیک استان نشان دهد.',
  desiredDate: '2027-01-15',
  attachments: ['https://files.example.test/mockup.png'],
  ...extra,
});

const quote = (extra: Record<string, unknown> = {}) => ({
  decision: 'quote',
  costRials: '50000000',
  effortHours: 5,
  proposedDeliveryAt: inDays(14),
  ...extra,
});

describe('requesting a change', () => {
  it('answers 201 with the review deadline, and the same request with 200 for a retry with the same Idempotency-Key', async () => {
    const { product, key, customer } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-silver',
    });
    const api = testApi(key);
    const idempotencyKey = `cr-${randomUUID()}`;
    const first = await api('POST', '/v1/change-requests', newRequest(product.id), {
      'idempotency-key': idempotencyKey,
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'in_review',
      policyKey: 'kian-project-silver',
      reviewRank: 1,
      desiredDate: '2027-01-15',
      attachments: ['https://files.example.test/mockup.png'],
      quote: null,
    });
    expect(first.body.deadlines).toEqual([
      expect.objectContaining({ name: 'review', owedBy: 'vendor', state: 'running' }),
    ]);
    expect(first.body.deadlines[0].dueAt).toMatch(/\+03:30$/);
    expect(first.body.deadlines[0].dueAtJalali).toMatch(/^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}/);

    const second = await api('POST', '/v1/change-requests', newRequest(product.id), {
      'idempotency-key': idempotencyKey,
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(await testDatabase().changeRequest.count({ where: { customerId: customer.id } })).toBe(1);

    const reused = await api('POST', '/v1/change-requests', newRequest(product.id, { title: 'another change' }), {
      'idempotency-key': idempotencyKey,
    });
    expect(reused.status).toBe(409);

    const opened = await waitFor(
      () => api('GET', `/v1/change-requests/${first.body.id}`),
      (r) => r.body.timeline.length > 0,
    );
    expect(opened.body.timeline[0]).toMatchObject({ sequence: 1, type: 'opened' });
  });

  it("lets an agent request on a customer's behalf, naming the customer, and refuses an ineligible customer with the reason", async () => {
    const { product, customer } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-committed' });
    const unnamed = await agent('POST', '/v1/change-requests', newRequest(product.id));
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.customerId' })]);
    const onBehalf = await agent('POST', '/v1/change-requests', newRequest(product.id, { customerId: customer.id }));
    expect(onBehalf.status).toBe(201);
    expect(onBehalf.body.customerId).toBe(customer.id);

    const unpaid = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-committed', paid: false });
    const refused = await testApi(unpaid.key)('POST', '/v1/change-requests', newRequest(unpaid.product.id));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'not_eligible', reason: 'unpaid' });
  });
});

describe('the review queue', () => {
  it('orders the requests awaiting review by contract priority (premium, standard, basic), then age', async () => {
    const created: Record<string, string> = {};
    for (const [name, plan] of [
      ['basic', 'iotex-basic'],
      ['standard', 'iotex-standard'],
      ['premium', 'iotex-premium'],
      ['premium-later', 'iotex-premium'],
    ] as const) {
      const { product, key } = await createCustomerWithContract({ productKey: 'iotex-suite', planKey: plan });
      const res = await testApi(key)('POST', '/v1/change-requests', newRequest(product.id, { title: `Iotex ${name}` }));
      expect(res.status).toBe(201);
      created[res.body.id] = name;
    }
    const productId = (await testDatabase().product.findUniqueOrThrow({ where: { key: 'iotex-suite' } })).id;
    const queue = await agent('GET', `/v1/change-requests?queue=review&productId=${productId}&limit=100`);
    expect(queue.status).toBe(200);
    const ours = queue.body.items.filter((item: { id: string }) => created[item.id]);
    expect(ours.map((item: { id: string }) => created[item.id])).toEqual([
      'premium',
      'premium-later',
      'standard',
      'basic',
    ]);
    expect(ours.map((item: { reviewRank: number }) => item.reviewRank)).toEqual([1, 1, 2, 3]);

    const anyCustomer = await createCustomerWithContract({ productKey: 'iotex-suite', planKey: 'iotex-basic' });
    expect((await testApi(anyCustomer.key)('GET', '/v1/change-requests?queue=review')).status).toBe(403);
  });
});

describe('a change request from review to invoice', () => {
  it('quotes, is approved, delivered late by a customer delay, accepted, and invoiced with the included hours used first', async () => {
    // Kian project Silver includes 3 customisation hours a contract year.
    const { product, key, customer, contract } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-silver',
    });
    const api = testApi(key);
    const { body: created } = await api('POST', '/v1/change-requests', newRequest(product.id));
    const path = `/v1/change-requests/${created.id}`;

    const quoted = await agent('POST', `${path}/review`, quote({ validDays: 10 }));
    expect(quoted.status).toBe(200);
    expect(quoted.body).toMatchObject({ status: 'quoted', quote: { costRials: '50000000', effortMinutes: 300 } });
    expect(quoted.body.quote.proposedDeliveryAt).toMatch(/\+03:30$/);
    expect(quoted.body.deadlines.map((d: { name: string; state: string }) => [d.name, d.state])).toEqual([
      ['review', 'met'],
      ['quote_expiry', 'running'],
    ]);

    expect((await api('POST', `${path}/approve-quote`, {})).body.status).toBe('approved');
    const deliverBy = inDays(10);
    const committed = await agent('POST', `${path}/commit-delivery`, { deliverBy });
    expect(Date.parse(committed.body.committedDeliveryAt)).toBe(Date.parse(deliverBy));

    const delayed = await agent('POST', `${path}/record-delay`, {
      startsAt: new Date().toISOString(),
      endsAt: inDays(1.5),
      note: 'دسترسی سرور آزمون داده نشد',
    });
    expect(delayed.status).toBe(200);
    expect(Date.parse(delayed.body.deliveryDueAt)).toBe(Date.parse(deliverBy) + 2 * DAY);
    expect(delayed.body.delays).toEqual([expect.objectContaining({ days: 2, note: 'دسترسی سرور آزمون داده نشد' })]);

    const delivered = await agent('POST', `${path}/deliver`, { note: 'روی سرور آزمون نصب شد' });
    expect(delivered.body.status).toBe('delivered');
    expect(delivered.body.deadlines.find((d: { name: string }) => d.name === 'acceptance')).toMatchObject({
      owedBy: 'customer',
      state: 'running',
    });

    const accepted = await api('POST', `${path}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', acceptedBySilence: false });
    expect(accepted.body.invoice).toMatchObject({
      quotedRials: '50000000',
      includedMinutesUsed: 180,
      billedMinutes: 120,
      amountRials: '20000000',
    });
    expect(accepted.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'opened',
      'quoted',
      'quote_approved',
      'delivery_committed',
      'customer_delay_recorded',
      'delivered',
      'accepted',
      'invoiced',
    ]);

    const invoice = await testDatabase().invoice.findUniqueOrThrow({ where: { changeRequestId: created.id } });
    expect(invoice).toMatchObject({
      customerId: customer.id,
      quotedRials: 50_000_000n,
      includedMinutesUsed: 180,
      billedMinutes: 120,
      amountRials: 20_000_000n,
    });
    expect(await testDatabase().customerDelay.count({ where: { changeRequestId: created.id } })).toBe(1);

    // The contract's 3 hours are spent: the next accepted request is invoiced in full.
    const { body: next } = await api('POST', '/v1/change-requests', newRequest(product.id, { title: 'خروجی اکسل' }));
    const nextPath = `/v1/change-requests/${next.id}`;
    await agent('POST', `${nextPath}/review`, quote({ costRials: 8_000_000, effortHours: 1 }));
    await api('POST', `${nextPath}/approve-quote`, {});
    await agent('POST', `${nextPath}/commit-delivery`, { deliverBy: inDays(5) });
    await agent('POST', `${nextPath}/deliver`, {});
    const nextAccepted = await api('POST', `${nextPath}/accept`, {});
    expect(nextAccepted.body.invoice).toMatchObject({
      includedMinutesUsed: 0,
      billedMinutes: 60,
      amountRials: '8000000',
    });
    expect(
      await testDatabase().changeRequest.count({ where: { contractId: contract.id, invoice: { isNot: null } } }),
    ).toBe(2);

    // The customer and the department heard of every step.
    const notices = await testDatabase().notification.findMany({
      where: { subjectRef: `change-request:${created.id}` },
    });
    expect(notices.filter((n) => n.audience === 'customer' && n.channel === 'email')).toHaveLength(8);
    expect(
      notices.filter((n) => n.audience === 'staff' && n.channel === 'in_app' && n.role === 'manager'),
    ).toHaveLength(8);
    expect(notices.find((n) => n.dedupeKey.endsWith(':customer') && n.body.includes('۲۰٬۰۰۰٬۰۰۰ ریال'))).toBeDefined();
  });
});

describe('steps out of order', () => {
  it('are refused with 409 naming the current state, also after the request has closed', async () => {
    const { product, key } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-silver',
    });
    const api = testApi(key);
    const { body: created } = await api('POST', '/v1/change-requests', newRequest(product.id));
    const path = `/v1/change-requests/${created.id}`;

    const early = await api('POST', `${path}/approve-quote`, {});
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe('cannot approve the quote: the change request is in_review');

    await agent('POST', `${path}/review`, quote());
    const undelivered = await api('POST', `${path}/accept`, {});
    expect(undelivered.status).toBe(409);
    expect(undelivered.body.detail).toMatch(/the change request is quoted/);

    expect((await api('POST', `${path}/decline-quote`, { reason: 'too expensive' })).body.status).toBe('declined');
    const closed = await manager('POST', `${path}/commit-delivery`, { deliverBy: inDays(3) });
    expect(closed.status).toBe(409);
    expect(closed.body.detail).toMatch(/the change request is declined/);
  });
});

describe('the list', () => {
  it('puts the next deadline owed first, ended requests last; sort=opened newest first, sort=age oldest first', async () => {
    const { product, key } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-silver',
    });
    const api = testApi(key);
    const open = async (title: string) => {
      const res = await api('POST', '/v1/change-requests', newRequest(product.id, { title }));
      expect(res.status).toBe(201);
      return res.body as { id: string; deadlines: { name: string; dueAt: string }[] };
    };
    const [x, y, z] = [await open('X'), await open('Y'), await open('Z')];
    const db = testDatabase();
    for (const request of [x, y, z]) {
      const row = await db.changeRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(row.nextDeadlineAt?.getTime()).toBe(Date.parse(request.deadlines[0]!.dueAt));
    }
    expect((await api('POST', `/v1/change-requests/${z.id}/cancel`, { reason: 'دیگر لازم نیست' })).status).toBe(200);
    await waitFor(
      () => db.changeRequest.findUniqueOrThrow({ where: { id: z.id } }),
      (row) => row.status === 'cancelled' && row.nextDeadlineAt === null,
    );
    // Y owes something in ten minutes (as a quote about to lapse would).
    await db.changeRequest.update({ where: { id: y.id }, data: { nextDeadlineAt: new Date(Date.now() + 600_000) } });
    const ids = async (query: string) =>
      ((await api('GET', `/v1/change-requests${query}`)).body.items as { id: string }[]).map((i) => i.id);

    expect(await ids('')).toEqual([y.id, x.id, z.id]);
    expect(await ids('?sort=deadline')).toEqual([y.id, x.id, z.id]);
    expect(await ids('?sort=opened')).toEqual([z.id, y.id, x.id]);
    expect(await ids('?sort=age')).toEqual([x.id, y.id, z.id]);
    const first = await api('GET', '/v1/change-requests?limit=2');
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([y.id, x.id]);
    expect(await ids(`?limit=2&cursor=${first.body.nextCursor}`)).toEqual([z.id]);
  });
});

describe('customer isolation', () => {
  it("hides another customer's requests: 404 for its id, and lists only the caller's own", async () => {
    const owner = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    const other = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    const { body: created } = await testApi(owner.key)('POST', '/v1/change-requests', newRequest(owner.product.id));
    const intruder = testApi(other.key);

    expect((await intruder('GET', `/v1/change-requests/${created.id}`)).status).toBe(404);
    expect((await intruder('POST', `/v1/change-requests/${created.id}/cancel`, { reason: 'x' })).status).toBe(404);
    expect((await intruder('GET', '/v1/change-requests')).body.items).toEqual([]);
    expect((await intruder('GET', `/v1/change-requests?customerId=${owner.customer.id}`)).status).toBe(403);
    expect(
      (await testApi(owner.key)('GET', '/v1/change-requests')).body.items.map((i: { id: string }) => i.id),
    ).toEqual([created.id]);
    expect((await agent('GET', `/v1/change-requests/${created.id}`)).status).toBe(200);
  });
});

describe('bad input', () => {
  it('is refused with 400 naming the field', async () => {
    const { product, key } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-basic',
    });
    const api = testApi(key);
    const noTitle = await api('POST', '/v1/change-requests', { ...newRequest(product.id), title: '' });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.title' })]);
    const badLink = await api('POST', '/v1/change-requests', newRequest(product.id, { attachments: ['ftp://x'] }));
    expect(badLink.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.attachments.0' })]);
    const badKey = await api('POST', '/v1/change-requests', newRequest(product.id), {
      'idempotency-key': 'no spaces allowed',
    });
    expect(badKey.status).toBe(400);

    const { body: created } = await api('POST', '/v1/change-requests', newRequest(product.id));
    const path = `/v1/change-requests/${created.id}`;
    const negative = await agent('POST', `${path}/review`, quote({ effortHours: -1 }));
    expect(negative.status).toBe(400);
    expect(negative.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.effortHours' })]);
    const past = await agent(
      'POST',
      `${path}/review`,
      quote({ proposedDeliveryAt: new Date(Date.now() - DAY).toISOString() }),
    );
    expect(past.body.invalidFields).toEqual([
      expect.objectContaining({ field: 'body.proposedDeliveryAt', reason: 'must be in the future' }),
    ]);
    const noDecision = await agent('POST', `${path}/review`, { reason: 'x' });
    expect(noDecision.status).toBe(400);
    expect(noDecision.body.invalidFields[0].field).toBe('body.decision');
    const backwards = await agent('POST', `${path}/record-delay`, { startsAt: inDays(0), endsAt: inDays(-1) });
    expect(backwards.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.endsAt' })]);
    expect((await agent('GET', '/v1/change-requests/not-a-uuid')).body.invalidFields).toEqual([
      expect.objectContaining({ field: 'params.id' }),
    ]);
    // A customer may not review its own request.
    expect((await api('POST', `${path}/review`, quote())).status).toBe(403);
  });
});
