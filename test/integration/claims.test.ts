// Outages, availability and compensation claims through HTTP on the running service: the
// credit tiers at every published boundary, exclusions and overlaps in real Jalali months, the
// claim's refusals (late, no contract, duplicate), idempotent retries, customer isolation, the QA
// queue, and QA's decisions ending in credit notes in the real database.
import { randomUUID } from 'node:crypto';
import type { Product } from '../../generated/prisma/client';
import { creditNoteMonth } from '../../sla/claim-assessment';
import { dayOfWeek } from '../../sla/civil-date';
import { formatJalaliMonth, jalaliMonthOf, jalaliMonthSpan } from '../../sla/jalali-month';
import { TEHRAN } from '../../sla/jalali';
import { epochToWallTime, wallTimeToEpoch } from '../../sla/time-zone';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let agent: ReturnType<typeof testApi>;
let qa: ReturnType<typeof testApi>;
afterAll(closeTestDatabase);

/** The Tehran wall-clock instant, e.g. at('2025-10-01T10:00'). */
const at = (local: string) => Date.parse(`${local}:00+03:30`);
const iso = (ms: number) => new Date(ms).toISOString();
/** `hhmm` Tehran time on the local day `daysAgo` days before today. */
function daysAgoAt(daysAgo: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch(TEHRAN, epochToWallTime(TEHRAN, Date.now()).epochDay - daysAgo, h! * 60 + m!);
}

/** A product of its own under Amoot's product department, so no other test's outages touch it. */
async function createProduct(creditTable: 'owj' | 'avanak' | null): Promise<Product> {
  const db = testDatabase();
  const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
  return db.product.create({
    data: {
      key: `claims-${randomUUID().slice(0, 8)}`,
      vendorId: avanak.vendorId,
      departmentId: avanak.departmentId,
      name: 'Claims test',
      nameFa: 'سرویس آزمایشی',
      creditTable,
    },
  });
}

async function recordOutage(
  productId: string,
  startMs: number,
  endMs: number | null,
  cause = 'unplanned',
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await agent('POST', '/v1/outages', {
    productId,
    startedAt: iso(startMs),
    endedAt: endMs === null ? null : iso(endMs),
    cause,
    description: 'پنل پیامک در دسترس نبود',
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

beforeAll(async () => {
  agent = testApi(await createKey('agent'));
  qa = testApi(await createKey('qa'));
});

describe('the availability preview', () => {
  // Mehr 1405: a 30-day month (43,200 minutes); Farvardin 1405: 31 days (44,640 minutes).
  const mehr = { periodStart: '2026-09-23T00:00:00+03:30', periodEnd: '2026-10-23T00:00:00+03:30' };
  const farvardin = { periodStart: '2026-03-21T00:00:00+03:30', periodEnd: '2026-04-21T00:00:00+03:30' };
  const downtime = (period: { periodStart: string }, minutes: number) => {
    const start = Date.parse(period.periodStart) + 2 * DAY;
    return [{ start: iso(start), end: iso(start + minutes * MINUTE), cause: 'unplanned' }];
  };
  let customer: ReturnType<typeof testApi>;
  beforeAll(async () => {
    customer = testApi((await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' })).key);
  });

  it.each([
    ['owj', 43, 0],
    ['owj', 44, 10],
    ['owj', 215, 10],
    ['owj', 216, 20],
    ['owj', 431, 20],
    ['owj', 432, 30],
    ['owj', 863, 30],
    ['owj', 864, 50],
    ['avanak', 180, 0],
    ['avanak', 181, 10],
    ['avanak', 432, 10],
    ['avanak', 433, 20],
    ['avanak', 864, 20],
    ['avanak', 865, 30],
    ['avanak', 1_296, 30],
    ['avanak', 1_297, 40],
  ] as const)('credits %s for %i minutes of a 30-day month with %i%%', async (creditTable, minutes, creditPercent) => {
    const res = await customer('POST', '/v1/availability/preview', {
      creditTable,
      ...mehr,
      outages: downtime(mehr, minutes),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ downtimeMinutes: minutes, availabilityPercent: expect.any(Number), creditPercent });
    expect(res.body.availabilityPercent).toBeCloseTo((100 * (43_200 - minutes)) / 43_200, 9);
  });

  it.each([
    ['owj', 44, 0],
    ['owj', 45, 10],
    ['avanak', 186, 0],
    ['avanak', 187, 10],
    ['avanak', 1_339, 30],
    ['avanak', 1_340, 40],
  ] as const)('credits %s for %i minutes of a 31-day month with %i%%', async (creditTable, minutes, creditPercent) => {
    const res = await customer('POST', '/v1/availability/preview', {
      creditTable,
      ...farvardin,
      outages: downtime(farvardin, minutes),
    });
    expect(res.body.creditPercent).toBe(creditPercent);
  });

  it('counts overlapping outages once and leaves out the excluded causes', async () => {
    const t = Date.parse(mehr.periodStart) + 3 * DAY;
    const res = await customer('POST', '/v1/availability/preview', {
      creditTable: 'avanak',
      ...mehr,
      outages: [
        { start: iso(t), end: iso(t + 150 * MINUTE), cause: 'unplanned' },
        { start: iso(t + 100 * MINUTE), end: iso(t + 250 * MINUTE), cause: 'unplanned' },
        { start: iso(t + 200 * MINUTE), end: iso(t + 300 * MINUTE), cause: 'planned_maintenance' },
        { start: iso(t + DAY), end: iso(t + DAY + 500 * MINUTE), cause: 'external_provider' },
        { start: iso(t + 2 * DAY), end: iso(t + 2 * DAY + 500 * MINUTE), cause: 'non_payment_suspension' },
      ],
    });
    expect(res.body).toMatchObject({ downtimeMinutes: 200, creditPercent: 10 });
  });

  it('refuses a period that ends before it starts, and a caller without a key', async () => {
    const bad = await customer('POST', '/v1/availability/preview', {
      creditTable: 'owj',
      periodStart: mehr.periodEnd,
      periodEnd: mehr.periodStart,
      outages: [],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields).toEqual([{ field: 'body.periodEnd', reason: 'must be after periodStart' }]);
    expect(
      (await testApi('')('POST', '/v1/availability/preview', { creditTable: 'owj', ...mehr, outages: [] })).status,
    ).toBe(401);
  });
});

describe("a product's availability in a Jalali month", () => {
  let product: Product;
  let violator: string;
  beforeAll(async () => {
    product = await createProduct('avanak');
    violator = (await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' })).customer.id;
    // Mehr 1404 (30 days from 23 September 2025).
    await recordOutage(product.id, at('2025-10-01T10:00'), at('2025-10-01T11:40'));
    await recordOutage(product.id, at('2025-10-01T11:00'), at('2025-10-01T12:00'));
    await recordOutage(product.id, at('2025-10-05T02:00'), at('2025-10-05T04:00'), 'planned_maintenance', {
      announcedAt: iso(at('2025-10-02T02:00')),
    });
    await recordOutage(product.id, at('2025-10-06T02:00'), at('2025-10-06T03:01'), 'planned_maintenance', {
      announcedAt: iso(at('2025-10-05T02:00')),
    });
    await recordOutage(product.id, at('2025-10-07T10:00'), at('2025-10-07T15:00'), 'customer_violation', {
      customerId: violator,
    });
    await recordOutage(product.id, at('2025-10-08T10:00'), at('2025-10-08T11:00'), 'external_provider');
    // Ordibehesht 1404 (31 days from 21 April 2025).
    await recordOutage(product.id, at('2025-05-01T10:00'), at('2025-05-01T13:07'));
  });

  it('merges overlaps, removes exclusions, counts late-announced maintenance, and prices the month (30 days)', async () => {
    const res = await agent('GET', `/v1/products/${product.id}/availability?month=1404-07`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      month: '1404-07',
      periodStart: '2025-09-23T00:00:00.000+03:30',
      periodEnd: '2025-10-23T00:00:00.000+03:30',
      periodMinutes: 43_200,
      creditTable: 'avanak',
      targetAvailabilityPercent: '99.58',
      downtimeMinutes: 181,
      creditPercent: 10,
      countedOutages: 3,
      excludedOutages: 3,
    });
    expect(
      res.body.outages.map(
        (o: { cause: string; counted: boolean; exclusion: string | null; minutesInPeriod: number }) => [
          o.cause,
          o.counted,
          o.exclusion,
          o.minutesInPeriod,
        ],
      ),
    ).toEqual([
      ['unplanned', true, null, 100],
      ['unplanned', true, null, 60],
      ['planned_maintenance', false, 'planned_maintenance', 120],
      ['planned_maintenance', true, null, 61],
      ['customer_violation', false, 'customer_violation', 300],
      ['external_provider', false, 'external_provider', 60],
    ]);
  });

  it("prices a 31-day month on its own length, and hides other customers' own outages from a customer", async () => {
    const may = await agent('GET', `/v1/products/${product.key}/availability?month=1404-02`);
    expect(may.body).toMatchObject({ periodMinutes: 44_640, downtimeMinutes: 187, creditPercent: 10 });
    const other = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const seen = await testApi(other.key)('GET', `/v1/products/${product.id}/availability?month=1404-07`);
    expect(seen.body.outages.map((o: { cause: string }) => o.cause)).not.toContain('customer_violation');
    expect(seen.body.downtimeMinutes).toBe(181);
  });

  it('refuses a month that is not a Jalali month', async () => {
    const res = await agent('GET', `/v1/products/${product.id}/availability?month=1404-13`);
    expect(res.status).toBe(400);
  });
});

describe('outages', () => {
  let product: Product;
  beforeAll(async () => {
    product = await createProduct('avanak');
  });

  it('are recorded by staff only, naming the customer exactly for customer-specific causes', async () => {
    const { key, customer } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const body = { productId: product.id, startedAt: iso(Date.now() - HOUR), cause: 'unplanned', description: 'x' };
    expect((await testApi(key)('POST', '/v1/outages', body)).status).toBe(403);
    const missing = await agent('POST', '/v1/outages', { ...body, cause: 'non_payment_suspension' });
    expect(missing.status).toBe(400);
    expect(missing.body.invalidFields[0].field).toBe('body.customerId');
    const named = await agent('POST', '/v1/outages', {
      ...body,
      cause: 'non_payment_suspension',
      customerId: customer.id,
    });
    expect(named.status).toBe(201);
    expect(named.body).toMatchObject({
      exclusion: 'non_payment_suspension',
      workflowId: null,
      customerId: customer.id,
    });
  });

  it("are listed to a customer for its own products only, without other customers' own outages", async () => {
    const mine = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const other = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const wide = await recordOutage(product.id, Date.now() - 5 * HOUR, Date.now() - 4 * HOUR);
    const theirs = await recordOutage(product.id, Date.now() - 5 * HOUR, Date.now() - 4 * HOUR, 'customer_requested', {
      customerId: other.customer.id,
    });
    const elsewhere = await createProduct('owj');
    const hidden = await recordOutage(elsewhere.id, Date.now() - 5 * HOUR, Date.now() - 4 * HOUR);
    const api = testApi(mine.key);
    const listed = (await api('GET', '/v1/outages?limit=200')).body.items.map((o: { id: string }) => o.id);
    expect(listed).toContain(wide);
    expect(listed).not.toContain(theirs);
    expect(listed).not.toContain(hidden);
    expect((await api('GET', `/v1/outages/${theirs}`)).status).toBe(404);
    expect((await api('GET', `/v1/outages/${hidden}`)).status).toBe(404);
    expect((await testApi(other.key)('GET', `/v1/outages/${theirs}`)).body).toMatchObject({
      id: theirs,
      cause: 'customer_requested',
    });
  });

  it('close once, take one panel notice, and escalate to the department when the notice is 2 hours late', async () => {
    const late = await recordOutage(product.id, Date.now() - 3 * HOUR, null);
    await waitFor(
      () => testDatabase().notification.findUnique({ where: { dedupeKey: `outage:${late}:notice-overdue` } }),
      (row) => row !== null,
    );
    const id = await recordOutage(product.id, Date.now() - 10 * MINUTE, null);
    const posted = await agent('POST', `/v1/outages/${id}/panel-notice`, {});
    expect(posted.status).toBe(200);
    expect(posted.body.panelNoticePostedAt).toMatch(/\+03:30$/);
    expect((await agent('POST', `/v1/outages/${id}/panel-notice`, {})).body).toMatchObject({
      status: 409,
      reason: 'already_posted',
    });
    const closed = await agent('POST', `/v1/outages/${id}/close`, {});
    expect(closed.body).toMatchObject({ ongoing: false });
    expect((await agent('POST', `/v1/outages/${id}/close`, {})).body).toMatchObject({
      status: 409,
      reason: 'already_closed',
    });
  });

  it('announce a maintenance window to every customer with a contract on the product; 48 hours ahead it is excluded', async () => {
    const { customer } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const startsAt = Date.now() + 72 * HOUR;
    const res = await agent('POST', `/v1/products/${product.id}/maintenance-windows`, {
      startsAt: iso(startsAt),
      endsAt: iso(startsAt + 2 * HOUR),
      description: 'ارتقای پایگاه داده',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      cause: 'planned_maintenance',
      announcedInTime: true,
      exclusion: 'planned_maintenance',
    });
    const notice = await waitFor(
      () =>
        testDatabase().notification.findUnique({
          where: { dedupeKey: `outage:${res.body.id}:announcement:${customer.id}` },
        }),
      (row) => row !== null,
    );
    expect(notice!.body).toContain('نگهداری برنامه‌ریزی‌شده');
    const soon = await agent('POST', `/v1/products/${product.id}/maintenance-windows`, {
      startsAt: iso(Date.now() + 24 * HOUR),
      endsAt: iso(Date.now() + 25 * HOUR),
      description: 'x',
    });
    expect(soon.body).toMatchObject({ announcedInTime: false, exclusion: null });
  });
});

describe('compensation claims', () => {
  let product: Product;
  /** 1,000 minutes yesterday-but-one: 30% under Avanak's table in a month of any length. */
  let outage: string;
  beforeAll(async () => {
    product = await createProduct('avanak');
    outage = await recordOutage(product.id, daysAgoAt(2, '01:00'), daysAgoAt(2, '01:00') + 1000 * MINUTE);
  });

  it('files, acknowledges and approves a claim, ending in a credit note for the next month', async () => {
    const { key, customer, contract } = await createCustomerWithContract({
      productKey: product.key,
      planKey: 'avanak',
    });
    const api = testApi(key);
    const filed = await api(
      'POST',
      '/v1/claims',
      { productId: product.id, outageIds: [outage], note: 'کل روز پیامک ارسال نشد' },
      { 'idempotency-key': `c-${randomUUID()}` },
    );
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      kind: 'availability',
      customerId: customer.id,
      contractId: contract.id,
      policyKey: 'avanak',
      outageIds: [outage],
      computation: { downtimeMinutes: 1000, creditTable: 'avanak', monthCreditPercent: 30, earlierCreditPercent: 0 },
      computedCredit: { percent: 30, amountRials: '24999999', monthlySubscriptionRials: '83333333' },
      decision: null,
    });
    expect(filed.body.computation.outages).toEqual([
      expect.objectContaining({ id: outage, role: 'cited', counted: true, minutesInPeriod: 1000 }),
    ]);
    expect(Date.parse(filed.body.deadlines.decisionDueAt) - Date.parse(filed.body.receivedAt)).toBe(7 * DAY);
    expect(filed.body.deadlines.acknowledgeDueAtJalali).toMatch(/^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2} ساعت/);

    const acknowledged = await waitFor(
      () => api('GET', `/v1/claims/${filed.body.id}`),
      (r) => r.body.status === 'acknowledged',
    );
    expect(acknowledged.body.events.map((e: { type: string }) => e.type)).toEqual(['received', 'acknowledged']);
    const notice = await testDatabase().notification.findUniqueOrThrow({
      where: { dedupeKey: `claim:${filed.body.id}:acknowledgement` },
    });
    expect(notice.body).toContain('زمان قطعی محاسبه‌شده: ۱۰۰۰ دقیقه');

    const approved = await qa('POST', `/v1/claims/${filed.body.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved', creditPercent: 30, creditAmountRials: '24999999', adjusted: false, late: false },
    });
    const note = await testDatabase().creditNote.findUniqueOrThrow({ where: { claimId: filed.body.id } });
    expect(note).toMatchObject({
      customerId: customer.id,
      contractId: contract.id,
      percent: 30,
      amountRials: 24_999_999n,
      appliesToMonth: creditNoteMonth(Date.now()),
    });
    expect(approved.body.creditNote).toMatchObject({
      percent: 30,
      amountRials: '24999999',
      appliesToMonth: note.appliesToMonth,
    });
    await waitFor(
      () =>
        testDatabase().notification.count({
          where: { subjectRef: `claim:${filed.body.id}`, subject: { startsWith: 'پذیرش' } },
        }),
      (n) => n === 1,
    );

    const again = await qa('POST', `/v1/claims/${filed.body.id}/reject`, { reason: 'changed my mind' });
    expect(again.body).toMatchObject({
      status: 409,
      reason: 'already_decided',
      detail: 'cannot reject: the claim is already approved',
    });
    expect(await testDatabase().creditNote.count({ where: { claimId: filed.body.id } })).toBe(1);
  });

  it('answers a decision retried with the same Idempotency-Key with its first outcome (200), another key or verb with 409', async () => {
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const own = await recordOutage(product.id, daysAgoAt(3, '01:00'), daysAgoAt(3, '01:00') + 200 * MINUTE);
    const filed = await testApi(key)('POST', '/v1/claims', {
      productId: product.id,
      outageIds: [own],
      note: 'retry test',
    });
    expect(filed.status).toBe(201);
    const idempotent = { 'idempotency-key': `decide-${randomUUID()}` };
    const first = await qa('POST', `/v1/claims/${filed.body.id}/approve`, {}, idempotent);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('approved');
    // The client lost the answer and retries with the same key: the first outcome again, nothing decided twice.
    const retried = await qa('POST', `/v1/claims/${filed.body.id}/approve`, {}, idempotent);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.decision).toEqual(first.body.decision);
    expect(retried.body.status).toBe('approved');
    const otherKey = await qa(
      'POST',
      `/v1/claims/${filed.body.id}/approve`,
      {},
      { 'idempotency-key': `decide-${randomUUID()}` },
    );
    expect(otherKey.body).toMatchObject({ status: 409, reason: 'already_decided' });
    const otherVerb = await qa('POST', `/v1/claims/${filed.body.id}/reject`, { reason: 'changed my mind' }, idempotent);
    expect(otherVerb.body).toMatchObject({
      status: 409,
      reason: 'already_decided',
      detail: 'cannot reject: the claim is already approved',
    });
    const events = await testDatabase().claimEvent.findMany({
      where: { claimId: filed.body.id, type: { in: ['approved', 'rejected'] } },
    });
    expect(events).toHaveLength(1);
    expect(await testDatabase().creditNote.count({ where: { claimId: filed.body.id } })).toBe(1);
  });

  it('takes an outage across a Jalali month boundary as one claim, assessed per month, one credit line per month (rule 8)', async () => {
    // Like the case (30 Aban 23:00 to 5 Azar 1405): an hour before this month began, until an hour ago.
    const monthStart = jalaliMonthSpan(jalaliMonthOf(Date.now())).startMs;
    const owj = await createProduct('owj');
    const spanning = await recordOutage(owj.id, monthStart - HOUR, Date.now() - HOUR);
    const { key } = await createCustomerWithContract({ productKey: owj.key, planKey: 'owj-committed' });
    const api = testApi(key);
    const filed = await api('POST', '/v1/claims', { productId: owj.id, outageIds: [spanning] });
    expect(filed.status).toBe(201);
    const previous = formatJalaliMonth(jalaliMonthOf(monthStart - HOUR));
    const current = formatJalaliMonth(jalaliMonthOf(Date.now()));
    const currentMinutes = Math.round((Date.now() - HOUR - monthStart) / MINUTE);
    expect(filed.body.months).toEqual([
      expect.objectContaining({ month: previous, downtimeMinutes: 60, monthCreditPercent: 10, creditPercent: 10 }),
      expect.objectContaining({ month: current }),
    ]);
    const [first, second] = filed.body.months as {
      downtimeMinutes: number;
      creditPercent: number;
      creditAmountRials: string;
    }[];
    expect(Math.abs(second!.downtimeMinutes - currentMinutes)).toBeLessThanOrEqual(1);
    expect(filed.body.computedCredit.amountRials).toBe(
      String(Number(first!.creditAmountRials) + Number(second!.creditAmountRials)),
    );
    expect(filed.body.computedCredit.percent).toBe(first!.creditPercent + second!.creditPercent);
    // The whole outage is claimed: a second claim for it is refused, and nothing is left to claim.
    expect((await api('POST', '/v1/claims', { productId: owj.id, outageIds: [spanning] })).body.reason).toBe(
      'already_claimed',
    );

    const approved = await qa('POST', `/v1/claims/${filed.body.id}/approve`, {});
    expect(approved.status).toBe(200);
    const invoice = creditNoteMonth(Date.now());
    expect(approved.body.creditLines).toEqual([
      {
        earnedMonth: previous,
        downtimeMinutes: 60,
        availabilityPercent: expect.any(Number),
        percent: 10,
        amountRials: first!.creditAmountRials,
        appliesToMonth: invoice,
      },
      {
        earnedMonth: current,
        downtimeMinutes: second!.downtimeMinutes,
        availabilityPercent: expect.any(Number),
        percent: second!.creditPercent,
        amountRials: second!.creditAmountRials,
        appliesToMonth: invoice,
      },
    ]);
    expect(await testDatabase().creditLine.count({ where: { claimId: filed.body.id } })).toBe(2);
  });

  it('returns the first claim for a retry with the same Idempotency-Key, and refuses the same outage twice (409)', async () => {
    const { key, customer } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const api = testApi(key);
    const idempotencyKey = `retry-${randomUUID()}`;
    const first = await api(
      'POST',
      '/v1/claims',
      { productId: product.id, outageIds: [outage] },
      { 'idempotency-key': idempotencyKey },
    );
    const retry = await api(
      'POST',
      '/v1/claims',
      { productId: product.id, outageIds: [outage] },
      { 'idempotency-key': idempotencyKey },
    );
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const duplicate = await api('POST', '/v1/claims', { productId: product.id, outageIds: [outage] });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.reason).toBe('already_claimed');
    expect(duplicate.body.detail).toContain(outage);
    expect(await testDatabase().claim.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('refuses a claim filed more than 7 × 24 hours after the outage ended', async () => {
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const old = await recordOutage(product.id, Date.now() - 9 * DAY, Date.now() - 7 * DAY - HOUR);
    const res = await testApi(key)('POST', '/v1/claims', { productId: product.id, outageIds: [old] });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'not_eligible', reason: 'claim_window_closed' });
    expect(res.body.detail).toMatch(/claims for this outage closed at .*\+03:30/);
  });

  it('refuses a claim no contract covers, and an outage that is still going on', async () => {
    const { key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const res = await testApi(key)('POST', '/v1/claims', { productId: product.id, outageIds: [outage] });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('no_contract');
    const covered = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const ongoing = await recordOutage(product.id, Date.now() - HOUR, null);
    const early = await testApi(covered.key)('POST', '/v1/claims', { productId: product.id, outageIds: [ongoing] });
    expect(early.body).toMatchObject({ status: 422, reason: 'outage_ongoing' });
  });

  it("shows a customer only its own claims: another customer's claim is 404", async () => {
    const a = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const b = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const filed = await testApi(a.key)('POST', '/v1/claims', { productId: product.id, outageIds: [outage] });
    expect((await testApi(b.key)('GET', `/v1/claims/${filed.body.id}`)).status).toBe(404);
    expect((await testApi(b.key)('GET', '/v1/claims')).body.items).toEqual([]);
    expect((await testApi(b.key)('GET', `/v1/claims?customerId=${a.customer.id}`)).status).toBe(403);
    expect((await testApi(b.key)('POST', `/v1/claims/${filed.body.id}/approve`, {})).status).toBe(403);
    const staffView = await agent('GET', `/v1/claims?customerId=${a.customer.id}`);
    expect(staffView.body.items.map((c: { id: string }) => c.id)).toEqual([filed.body.id]);
  });

  it('claims every ended outage of a period, counting the overlap once and an excluded cause not at all', async () => {
    const start = daysAgoAt(1, '08:00');
    const counted = await recordOutage(product.id, start, start + 200 * MINUTE);
    const provider = await recordOutage(product.id, start + 170 * MINUTE, start + 230 * MINUTE, 'external_provider');
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const res = await testApi(key)('POST', '/v1/claims', {
      productId: product.id,
      period: { start: iso(start - MINUTE), end: iso(start + 240 * MINUTE) },
    });
    expect(res.status).toBe(201);
    expect([...res.body.outageIds].sort()).toEqual([counted, provider].sort());
    expect(res.body.computation.downtimeMinutes).toBe(170);
    const lines = new Map(res.body.computation.outages.map((o: { id: string }) => [o.id, o]));
    expect(lines.get(counted)).toMatchObject({ role: 'cited', counted: true });
    expect(lines.get(provider)).toMatchObject({ role: 'cited', counted: false, exclusion: 'external_provider' });
  });

  it('lets QA adjust with a justification, refuses a changed tier without one, and rejects with an exclusion', async () => {
    const first = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const adjusted = await testApi(first.key)('POST', '/v1/claims', { productId: product.id, outageIds: [outage] });
    expect(
      (await qa('POST', `/v1/claims/${adjusted.body.id}/approve-adjusted`, { amountRials: 10_000_000 })).status,
    ).toBe(400);
    const changed = await qa('POST', `/v1/claims/${adjusted.body.id}/approve`, { creditPercent: 10 });
    expect(changed.body).toMatchObject({ status: 409, reason: 'InvalidClaimCommand' });
    expect(changed.body.detail).toMatch(/computed credit is 30%/);
    const ok = await qa('POST', `/v1/claims/${adjusted.body.id}/approve-adjusted`, {
      amountRials: '10000000',
      justification: 'حداکثر اعتبار قرارداد',
    });
    expect(ok.body).toMatchObject({
      decision: {
        adjusted: true,
        creditAmountRials: '10000000',
        creditPercent: 12,
        justification: 'حداکثر اعتبار قرارداد',
      },
    });

    const second = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const rejected = await testApi(second.key)('POST', '/v1/claims', { productId: product.id, outageIds: [outage] });
    const res = await qa('POST', `/v1/claims/${rejected.body.id}/reject`, {
      exclusion: 'external_provider',
      reason: 'اختلال سراسری اپراتورها',
    });
    expect(res.body).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', rejectionReason: 'external_provider: اختلال سراسری اپراتورها' },
      creditNote: null,
    });
    expect(await testDatabase().creditNote.count({ where: { claimId: rejected.body.id } })).toBe(0);
  });

  it('takes a support-timing claim citing a breached ticket; QA sets the credit', async () => {
    const { key, customer, contract } = await createCustomerWithContract({
      productKey: product.key,
      planKey: 'avanak',
    });
    const db = testDatabase();
    const ticket = (breached: boolean) =>
      db.ticket.create({
        data: {
          customerId: customer.id,
          productId: product.id,
          contractId: contract.id,
          policyKey: 'avanak',
          priority: 'high',
          subject: 'پنل باز نمی‌شود',
          description: '-',
          channel: 'portal',
          openedAt: new Date(Date.now() - 2 * DAY),
          workflowId: `ticket-${randomUUID()}`,
          breached,
          status: 'closed',
          ...(breached && {
            outcomes: {
              create: {
                target: 'resolution',
                cycle: 1,
                dueAt: new Date(Date.now() - DAY),
                met: false,
                breachedAt: new Date(Date.now() - DAY),
                businessMinutesUsed: 600,
              },
            },
          }),
        },
      });
    const breached = await ticket(true);
    const fine = await ticket(false);
    const api = testApi(key);
    expect((await api('POST', '/v1/claims', { productId: product.id, ticketIds: [fine.id] })).body).toMatchObject({
      status: 422,
      reason: 'ticket_not_breached',
    });
    const filed = await api('POST', '/v1/claims', { productId: product.id, ticketIds: [breached.id] });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({
      kind: 'support_timing',
      ticketIds: [breached.id],
      computation: null,
      computedCredit: { percent: null, amountRials: null },
    });
    expect(filed.body.tickets[0].breachedAt).toMatch(/\+03:30$/);
    expect((await qa('POST', `/v1/claims/${filed.body.id}/approve`, {})).body.detail).toMatch(
      /give the credit percentage/,
    );
    const approved = await qa('POST', `/v1/claims/${filed.body.id}/approve`, { creditPercent: 15 });
    expect(approved.body.creditNote).toMatchObject({ percent: 15, amountRials: '12499999' });
  });

  it('queues undecided claims for QA oldest first, as pending, due soon or overdue', async () => {
    const queueProduct = await createProduct('avanak');
    const queued = await recordOutage(queueProduct.id, daysAgoAt(2, '01:00'), daysAgoAt(2, '02:00'));
    const file = async () => {
      const { key } = await createCustomerWithContract({ productKey: queueProduct.key, planKey: 'avanak' });
      const res = await testApi(key)('POST', '/v1/claims', { productId: queueProduct.id, outageIds: [queued] });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const oldest = await file();
    const middle = await file();
    const newest = await file();
    // The workflow writes its deadlines onto the row when it acknowledges a claim (a retried
    // acknowledgement can land seconds later on a loaded machine), so wait for that before aging.
    const db = testDatabase();
    for (const id of [oldest, middle, newest])
      await waitFor(
        () => db.claim.findUniqueOrThrow({ where: { id } }),
        (row) => row.status === 'acknowledged',
        60_000,
      );
    // Move the first two claims' clocks back, as if they had waited six and eight days.
    const age = async (id: string, days: number) => {
      const row = await db.claim.findUniqueOrThrow({ where: { id } });
      const computation = row.computation as { deadlines: { reminderAtMs: number; decisionDueAtMs: number } };
      const shift = days * DAY;
      computation.deadlines.reminderAtMs -= shift;
      computation.deadlines.decisionDueAtMs -= shift;
      await db.claim.update({
        where: { id },
        data: {
          receivedAt: new Date(row.receivedAt.getTime() - shift),
          decisionDueAt: new Date(row.decisionDueAt.getTime() - shift),
          computation,
        },
      });
    };
    await age(oldest, 8);
    await age(middle, 6.5);

    const queue = await qa('GET', `/v1/qa/claims?productId=${queueProduct.id}`);
    expect(queue.status).toBe(200);
    expect(queue.body.counts).toEqual({ pending: 1, due_soon: 1, overdue: 1 });
    expect(queue.body.items.map((c: { id: string; dueState: string }) => [c.id, c.dueState])).toEqual([
      [oldest, 'overdue'],
      [middle, 'due_soon'],
      [newest, 'pending'],
    ]);
    const overdue = await qa('GET', `/v1/qa/claims?productId=${queueProduct.id}&dueState=overdue`);
    expect(overdue.body.items.map((c: { id: string }) => c.id)).toEqual([oldest]);
    expect((await agent('GET', '/v1/qa/claims')).status).toBe(403);
  });
});

// Saturday-to-Wednesday arithmetic is the SLA engine's; here only check the claim picks Amoot's office calendar.
describe("a claim's acknowledgement deadline", () => {
  it("is the end of the next business day on Amoot's office calendar", async () => {
    const product = await createProduct('avanak');
    const id = await recordOutage(product.id, daysAgoAt(1, '01:00'), daysAgoAt(1, '02:00'));
    const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const res = await testApi(key)('POST', '/v1/claims', { productId: product.id, outageIds: [id] });
    const due = Date.parse(res.body.deadlines.acknowledgeDueAt);
    const wall = epochToWallTime(TEHRAN, due);
    // Amoot's office closes at 17:00 Saturday to Wednesday and 14:00 on Thursday.
    expect(wall.minutesOfDay).toBe(dayOfWeek(wall.epochDay) === 4 ? 14 * 60 : 17 * 60);
    expect(due).toBeGreaterThan(Date.parse(res.body.receivedAt));
  });
});
