// Outage corrections through HTTP on the running service (issue 12, item 11): the bounds on
// outage instants, a correction's audit trail, open claims judged again by their workflow,
// decided claims keeping their decision, voiding, and a correction across a Jalali month boundary.
import { randomUUID } from 'node:crypto';
import type { Product } from '../../generated/prisma/client';
import { formatJalaliMonth, jalaliMonthOf, jalaliMonthSpan } from '../../sla/jalali-month';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let agent: ReturnType<typeof testApi>;
let qa: ReturnType<typeof testApi>;
afterAll(closeTestDatabase);

beforeAll(async () => {
  agent = testApi(await createKey('agent'));
  qa = testApi(await createKey('qa'));
});

/** A product of its own (Avanak's credit table), so no other test's outages touch it. */
async function createProduct(): Promise<Product> {
  const db = testDatabase();
  const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
  return db.product.create({
    data: {
      key: `corrections-${randomUUID().slice(0, 8)}`,
      vendorId: avanak.vendorId,
      departmentId: avanak.departmentId,
      name: 'Corrections test',
      nameFa: 'سرویس آزمایشی',
      creditTable: 'avanak',
    },
  });
}

async function recordOutage(productId: string, startMs: number, endMs: number | null): Promise<string> {
  const res = await agent('POST', '/v1/outages', {
    productId,
    startedAt: iso(startMs),
    endedAt: endMs === null ? null : iso(endMs),
    cause: 'unplanned',
    description: 'پنل پیامک در دسترس نبود',
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function fileClaim(product: Product, outageId: string) {
  const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
  const api = testApi(key);
  const filed = await api('POST', '/v1/claims', { productId: product.id, outageIds: [outageId] });
  expect(filed.status).toBe(201);
  return { api, id: filed.body.id as string, filed: filed.body };
}

const eventTypes = (claim: { events: { type: string }[] }) => claim.events.map((e) => e.type);

describe('bounds on outage instants', () => {
  let product: Product;
  beforeAll(async () => {
    product = await createProduct();
  });

  it('refuses an end decades ahead (the 2062 typo) with 400 naming body.endedAt, when recording and when closing', async () => {
    const start = Date.now() - HOUR;
    const typo = await agent('POST', '/v1/outages', {
      productId: product.id,
      startedAt: iso(start),
      endedAt: '2062-01-01T00:00:00Z',
      cause: 'unplanned',
      description: 'x',
    });
    expect(typo.status).toBe(400);
    expect(typo.body.invalidFields).toEqual([
      { field: 'body.endedAt', reason: expect.stringContaining('must not be later than now plus 15 minutes') },
    ]);
    const ongoing = await recordOutage(product.id, start, null);
    const close = await agent('POST', `/v1/outages/${ongoing}/close`, { endedAt: '2062-01-01T00:00:00Z' });
    expect(close.status).toBe(400);
    expect(close.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.endedAt']);
    expect((await agent('POST', `/v1/outages/${ongoing}/close`, {})).status).toBe(200);
  });

  it('refuses a correction without a reason, with nothing to correct, or voiding and changing at once', async () => {
    const id = await recordOutage(product.id, Date.now() - 2 * HOUR, Date.now() - HOUR);
    const noReason = await agent('POST', `/v1/outages/${id}/corrections`, { endedAt: iso(Date.now() - 90 * MINUTE) });
    expect(noReason.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.reason']);
    expect((await agent('POST', `/v1/outages/${id}/corrections`, { reason: 'typo' })).body.invalidFields[0].field).toBe(
      'body.reason',
    );
    const both = await agent('POST', `/v1/outages/${id}/corrections`, {
      reason: 'typo',
      void: true,
      cause: 'external_provider',
    });
    expect(both.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.void']);
    const backwards = await agent('POST', `/v1/outages/${id}/corrections`, {
      reason: 'typo',
      endedAt: iso(Date.now() - 3 * HOUR),
    });
    expect(backwards).toMatchObject({
      status: 400,
      body: { invalidFields: [{ field: 'body.endedAt', reason: 'must be after startedAt' }] },
    });
    const late = await agent('POST', `/v1/outages/${id}/corrections`, {
      reason: 'typo',
      endedAt: '2062-01-01T00:00:00Z',
    });
    expect(late.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.endedAt']);
  });

  it('lets recorders correct and everyone who sees the outage read the trail, but not customers correct', async () => {
    const id = await recordOutage(product.id, Date.now() - 2 * HOUR, Date.now() - HOUR);
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    expect((await testApi(key)('POST', `/v1/outages/${id}/corrections`, { reason: 'mine', void: true })).status).toBe(
      403,
    );
    expect((await qa('POST', `/v1/outages/${id}/corrections`, { reason: 'mine', void: true })).status).toBe(403);
    expect((await testApi(key)('GET', `/v1/outages/${id}/corrections`)).body).toEqual({ items: [] });
  });
});

describe('correcting an outage that claims cite', () => {
  let product: Product;
  beforeAll(async () => {
    product = await createProduct();
  });

  it('corrects a wrong end stored before the bounds, with an audit entry; an open claim is judged again; a decided one keeps its decision', async () => {
    const start = Date.now() - 2 * DAY;
    const outageId = await recordOutage(product.id, start, start + 1000 * MINUTE);
    const decided = await fileClaim(product, outageId);
    expect(decided.filed.computedCredit).toMatchObject({ percent: 30 });
    await waitFor(
      () => decided.api('GET', `/v1/claims/${decided.id}`),
      (r) => r.body.status === 'acknowledged',
    );
    expect((await qa('POST', `/v1/claims/${decided.id}/approve`, {})).body).toMatchObject({
      status: 'approved',
      decision: { creditPercent: 30 },
    });
    const open = await fileClaim(product, outageId);
    // As the issue found it: an end in 2062, stored before outage instants were bounded.
    await testDatabase().outage.update({
      where: { id: outageId },
      data: { endedAt: new Date('2062-01-01T00:00:00Z') },
    });

    const res = await agent('POST', `/v1/outages/${outageId}/corrections`, {
      reason: 'the end was typed as 2062',
      endedAt: iso(start + 100 * MINUTE),
    });
    expect(res.status).toBe(201);
    expect(res.body.outage).toMatchObject({
      id: outageId,
      endedAt: expect.any(String),
      corrections: 1,
      voidedAt: null,
    });
    expect(Date.parse(res.body.outage.endedAt)).toBe(start + 100 * MINUTE);
    expect(res.body.correction).toMatchObject({
      outageId,
      correctedBy: { role: 'agent', name: expect.any(String) },
      reason: 'the end was typed as 2062',
      voided: false,
      before: { endedAt: '2062-01-01T03:30:00.000+03:30', voided: false },
      claimsReassessed: 1,
      claimsDecided: 1,
    });
    expect((await agent('GET', `/v1/outages/${outageId}/corrections`)).body.items).toEqual([res.body.correction]);

    // The open claim: 100 minutes now, under Avanak's first tier; its workflow recorded the reassessment.
    const reassessed = await waitFor(
      () => open.api('GET', `/v1/claims/${open.id}`),
      (r) => eventTypes(r.body).includes('reassessed'),
    );
    expect(reassessed.body).toMatchObject({
      computation: { downtimeMinutes: 100 },
      computedCredit: { percent: 0, amountRials: '0' },
      outageCorrections: [
        {
          correctionId: res.body.correction.id,
          outageId,
          reason: 'the end was typed as 2062',
          voided: false,
          reassessed: true,
        },
      ],
    });
    // QA decides on the corrected facts: the 30% it was filed with is no longer there to approve.
    await waitFor(
      () => open.api('GET', `/v1/claims/${open.id}`),
      (r) => r.body.status === 'acknowledged',
    );
    expect((await qa('POST', `/v1/claims/${open.id}/approve`, {})).body).toMatchObject({
      status: 409,
      detail: expect.stringContaining('the computed credit is 0%'),
    });

    // The decided claim keeps its decision and its credit note, and shows the correction.
    const kept = await decided.api('GET', `/v1/claims/${decided.id}`);
    expect(kept.body).toMatchObject({
      status: 'approved',
      decision: { creditPercent: 30 },
      computation: { downtimeMinutes: 1000 },
      outageCorrections: [{ correctionId: res.body.correction.id, reassessed: false }],
    });
    expect(eventTypes(kept.body)).not.toContain('reassessed');
    expect(await testDatabase().creditNote.findUniqueOrThrow({ where: { claimId: decided.id } })).toMatchObject({
      percent: 30,
    });
  });

  it('voids an outage: it counts nowhere, open claims drop it, it cannot be claimed or corrected again', async () => {
    const start = Date.now() - 2 * DAY;
    const outageId = await recordOutage(product.id, start + 3 * HOUR, start + 3 * HOUR + 500 * MINUTE);
    const open = await fileClaim(product, outageId);
    expect(open.filed.computation.downtimeMinutes).toBeGreaterThanOrEqual(500);

    const res = await agent('POST', `/v1/outages/${outageId}/corrections`, {
      reason: 'a monitoring false alarm',
      void: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.outage.voidedAt).not.toBeNull();
    expect(res.body.correction).toMatchObject({ voided: true, after: { voided: true }, claimsReassessed: 1 });

    const reassessed = await waitFor(
      () => open.api('GET', `/v1/claims/${open.id}`),
      (r) => eventTypes(r.body).includes('reassessed'),
    );
    expect(reassessed.body.computation.outages.map((o: { id: string }) => o.id)).not.toContain(outageId);
    expect(reassessed.body.outageCorrections).toEqual([expect.objectContaining({ voided: true, reassessed: true })]);

    const month = formatJalaliMonth(jalaliMonthOf(start + 3 * HOUR));
    const availability = await agent('GET', `/v1/products/${product.id}/availability?month=${month}`);
    expect(availability.status).toBe(200);
    expect(availability.body.outages.map((o: { id: string }) => o.id)).not.toContain(outageId);

    const again = await agent('POST', `/v1/outages/${outageId}/corrections`, { reason: 'twice', void: true });
    expect(again).toMatchObject({ status: 409, body: { reason: 'voided' } });
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const claim = await testApi(key)('POST', '/v1/claims', { productId: product.id, outageIds: [outageId] });
    expect(claim).toMatchObject({ status: 422, body: { reason: 'unknown_outage' } });
  });

  it('moves an open claim to the Jalali month its corrected outage now begins in', async () => {
    const start = Date.now() - 2 * DAY;
    const outageId = await recordOutage(product.id, start, start + 60 * MINUTE);
    const open = await fileClaim(product, outageId);
    const month = jalaliMonthOf(start);
    expect(open.filed.computation.month).toBe(formatJalaliMonth(month));

    // The outage really began an hour before the month did.
    const monthStart = jalaliMonthSpan(month).startMs;
    const res = await agent('POST', `/v1/outages/${outageId}/corrections`, {
      reason: 'began before midnight',
      startedAt: iso(monthStart - HOUR),
    });
    expect(res.status).toBe(201);

    const reassessed = await waitFor(
      () => open.api('GET', `/v1/claims/${open.id}`),
      (r) => eventTypes(r.body).includes('reassessed'),
    );
    const previous = jalaliMonthOf(monthStart - HOUR);
    expect(reassessed.body.computation).toMatchObject({ month: formatJalaliMonth(previous), downtimeMinutes: 60 });
  });
});

describe('an unannounced outage (seed 001): the customers are told at once', () => {
  it('queues an emergency SMS to each customer with a contract on the product when an ongoing unplanned outage is recorded', async () => {
    const product = await createProduct();
    const { customer } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const id = await recordOutage(product.id, Date.now() - 10 * MINUTE, null);
    const db = testDatabase();
    const rows = await waitFor(
      () => db.notification.findMany({ where: { subjectRef: `outage:${id}`, audience: 'customer' } }),
      (found) => found.length > 0,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        customerId: customer.id,
        channel: 'sms',
        category: 'emergency',
        dedupeKey: `outage:${id}:unplanned-notice:${customer.id}`,
      }),
    ]);
    expect(rows[0]!.body).toContain('سرویس آزمایشی');
  });
});
