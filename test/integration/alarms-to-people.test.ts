/**
 * Alarms reach named people (issue 15), on the running service: a real ticket's real breach fires
 * in the workflow, and its SMS to "the department manager" becomes one outbox row per manager user
 * of the department, each with that person's own phone; a manager with no phone gets a `failed`
 * row that names them; managers of other departments, disabled managers and agents get nothing.
 * (people.test checks that the department's own manager columns are not used then.) The in-app escalation that follows
 * is one notice every manager of the department reads in their own inbox, for themselves.
 */
import { randomUUID } from 'node:crypto';
import { createNotificationActivities } from '../../activities/notifications/outbox';
import type { Prisma } from '../../generated/prisma/client';
import { createLogger } from '../../platform/logger';
import type { TicketPolicy } from '../../sla/policy';
import { ticketPolicyPresets } from '../../sla/presets';
import { closeTestDatabase, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

jest.setTimeout(240_000);

const HOUR = 3_600_000;
const db = testDatabase();
const admin = testApi();
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

afterAll(closeTestDatabase);

/** A vendor with two departments, a product of the first, and a plan whose first response is due a minute after opening. */
async function arrangeWorld() {
  const vendor = await db.vendor.create({
    data: { key: unique('alarms'), name: 'Alarms test vendor', nameFa: 'فروشنده آزمایش هشدار' },
  });
  // The department's own column has no phone: its manager users' phones are how its manager is reached.
  const support = await db.department.create({
    data: { vendorId: vendor.id, name: unique('Support'), managerName: 'ستون قدیمی' },
  });
  const billing = await db.department.create({
    data: { vendorId: vendor.id, name: unique('Billing'), managerName: 'مدیر' },
  });
  const product = await db.product.create({
    data: {
      key: unique('alarms'),
      vendorId: vendor.id,
      departmentId: support.id,
      name: 'Alarms test',
      nameFa: 'سرویس آزمایش هشدار',
      creditTable: 'avanak',
    },
  });
  const key = unique('alarms-plan');
  const entry = {
    firstResponse: { unit: 'business_minutes', amount: 1, calendar: 'always-open' },
    resolution: { unit: 'none', calendar: 'always-open' },
    breachAction: { channel: 'sms', recipients: ['department_manager'] },
  };
  const policy = {
    ...ticketPolicyPresets['owj-agile'],
    key,
    name: key,
    plan: key,
    warningAtPercent: [],
    escalations: [{ atPercent: 110, action: { channel: 'in_app', recipients: ['department_manager'] } }],
    priorities: { critical: entry, high: entry, medium: entry, low: entry },
  } as unknown as TicketPolicy;
  const policyRow = await db.policy.create({
    data: { key, kind: 'ticket', name: key, definition: policy as unknown as Prisma.InputJsonValue },
  });
  const customer = await db.customer.create({
    data: {
      name: unique('مشتری هشدار'),
      contacts: {
        create: { name: 'Primary', email: `${unique('c')}@alarms.test`, phone: '09120000000', isPrimary: true },
      },
    },
  });
  await db.contract.create({
    data: {
      customerId: customer.id,
      productId: product.id,
      policyId: policyRow.id,
      plan: key,
      paid: true,
      priceRials: 1_000_000_000n,
      startsAt: new Date(Date.now() - 365 * 24 * HOUR),
      endsAt: new Date(Date.now() + 365 * 24 * HOUR),
    },
  });
  return { vendor, support, billing, product, customerKey: await createKey('customer', customer.id) };
}

/** A staff user made through the API, with a key of their own. */
async function person(body: Record<string, unknown>) {
  const made = await admin('POST', '/v1/users', body);
  if (made.status !== 201) throw new Error(`POST /v1/users answered ${made.status}: ${JSON.stringify(made.body)}`);
  const key = await admin('POST', '/v1/api-keys', { name: `key of ${String(body.name)}`, userId: made.body.id });
  return { id: made.body.id as string, name: body.name as string, api: testApi(key.body.key) };
}

type Inbox = { items: { id: string; readAt: string | null; subjectRef: string | null }[] };

describe('alarms to named people', () => {
  it('a real breach SMS reaches each manager of the department by their own phone, and one without a phone is a visible failure', async () => {
    const world = await arrangeWorld();
    const manager = (name: string, extra: Record<string, unknown>, departmentIds = [world.support.id]) =>
      person({
        name,
        role: 'manager',
        vendorId: world.vendor.id,
        departmentIds,
        email: `${unique('m')}@alarms.test`,
        ...extra,
      });
    const maryam = await manager('مریم مدیر', { phone: '09121110001' });
    const reza = await manager('رضا مدیر', { phone: '09121110002' });
    const noPhone = await manager('نگار بی‌شماره', {});
    const otherDepartment = await manager('مدیر مالی', { phone: '09121110003' }, [world.billing.id]);
    const disabled = await manager('مدیر غیرفعال', { phone: '09121110004' });
    expect((await admin('PATCH', `/v1/users/${disabled.id}`, { disabled: true })).status).toBe(200);
    const agent = await person({
      name: 'کارشناس پشتیبانی',
      role: 'agent',
      vendorId: world.vendor.id,
      departmentIds: [world.support.id],
      phone: '09121110005',
    });

    // Before anything fires, the readiness check finds the department's manager reachable by SMS
    // (through its manager users' phones, though the department's own managerPhone is empty).
    const readiness = await admin('GET', '/v1/readiness/breach-recipients');
    expect(
      readiness.body.problems.filter((p: { departmentId: string }) => p.departmentId === world.support.id),
    ).toEqual([]);

    const opened = await testApi(world.customerKey)('POST', '/v1/tickets', {
      productId: world.product.id,
      priority: 'critical',
      subject: 'پنل باز نمی‌شود',
      description: 'تیکتی که پاسخ نمی‌گیرد',
    });
    expect(opened.status).toBe(201);
    const subjectRef = `ticket:${opened.body.id}`;

    // First response due at 60 s: the breach SMS; at 66 s (110%) the in-app escalation.
    const rows = await waitFor(
      () => db.notification.findMany({ where: { subjectRef, audience: 'staff' }, orderBy: { dedupeKey: 'asc' } }),
      (found) =>
        found.filter((r) => r.dedupeKey.includes(':breach:')).length >= 3 &&
        found.some((r) => r.dedupeKey.includes(':escalation:')),
      150_000,
    );
    const sms = rows.filter((r) => r.dedupeKey.includes(':breach:'));
    const byUser = new Map(sms.map((r) => [r.userId, r]));
    expect(sms).toHaveLength(3);
    expect(new Set(byUser.keys())).toEqual(new Set([maryam.id, reza.id, noPhone.id]));
    expect(byUser.get(maryam.id)).toMatchObject({
      channel: 'sms',
      address: '09121110001',
      role: 'manager',
      departmentId: world.support.id,
      vendorId: world.vendor.id,
    });
    expect(byUser.get(reza.id)).toMatchObject({ channel: 'sms', address: '09121110002', role: 'manager' });
    // No SMS gateway on the test stack: a row with an address waits for one; the relay sends it once there is.
    expect([byUser.get(maryam.id)!.status, byUser.get(reza.id)!.status]).toEqual(['held', 'held']);
    expect(byUser.get(noPhone.id)).toMatchObject({
      status: 'failed',
      address: null,
      statusNote: `no phone number on file for ${noPhone.name}`,
    });
    for (const row of sms)
      expect(row.dedupeKey).toMatch(new RegExp(`^ticket:${opened.body.id}:.*:user:${row.userId}$`));
    // Nobody else: not another department's manager, not a disabled one, not an agent.
    const addressed = rows.map((r) => r.userId);
    for (const nobody of [otherDepartment.id, disabled.id, agent.id]) expect(addressed).not.toContain(nobody);

    // Managers see the same in the outbox, with the failure's reason.
    const outbox = await maryam.api('GET', `/v1/notifications/outbox?subjectRef=${subjectRef}`);
    expect(outbox.status).toBe(200);
    expect(
      outbox.body.items
        .filter((i: { channel: string }) => i.channel === 'sms')
        .map((i: { status: string; statusNote: string | null }) => [i.status, i.statusNote]),
    ).toEqual(expect.arrayContaining([['failed', `no phone number on file for ${noPhone.name}`]]));

    // The in-app escalation: one group notice each manager of the department reads in their own inbox.
    const inApp = rows.filter((r) => r.dedupeKey.includes(':escalation:'));
    expect(inApp).toHaveLength(1);
    expect(inApp[0]).toMatchObject({
      channel: 'in_app',
      userId: null,
      role: 'manager',
      departmentId: world.support.id,
      status: 'sent',
    });
    const inboxOf = async (who: { api: ReturnType<typeof testApi> }) =>
      ((await who.api('GET', '/v1/notifications?limit=100')).body as Inbox).items;
    const notice = inApp[0]!.id;
    expect((await inboxOf(maryam)).map((n) => n.id)).toContain(notice);
    expect((await inboxOf(reza)).map((n) => n.id)).toContain(notice);
    expect((await inboxOf(otherDepartment)).map((n) => n.id)).not.toContain(notice);
    expect((await maryam.api('POST', `/v1/notifications/${notice}/read`)).status).toBe(200);
    expect((await inboxOf(maryam)).find((n) => n.id === notice)!.readAt).not.toBeNull();
    expect((await inboxOf(reza)).find((n) => n.id === notice)!.readAt).toBeNull();

    // QA hears of an alarm by SMS the same way: each QA user of the product's vendor, by their own phone.
    const qaOne = await person({
      name: 'سارا کیفیت',
      role: 'qa',
      vendorId: world.vendor.id,
      departmentIds: [],
      phone: '09121110006',
    });
    const qaTwo = await person({ name: 'علی کیفیت', role: 'qa', vendorId: world.vendor.id, departmentIds: [] });
    const otherVendor = await db.vendor.create({
      data: { key: unique('alarms-other'), name: 'Other vendor', nameFa: 'فروشنده دیگر' },
    });
    const qaElsewhere = await person({
      name: 'کیفیت دیگر',
      role: 'qa',
      vendorId: otherVendor.id,
      departmentIds: [],
      phone: '09121110007',
    });
    const notices = createNotificationActivities({
      db,
      logger: createLogger('silent'),
      channels: { sms: null, email: null },
    });
    const request = {
      dedupeKey: `alarms-test:${randomUUID()}`,
      channel: 'sms' as const,
      category: 'informational' as const,
      audience: 'staff' as const,
      role: 'qa' as const,
      recipient: { kind: 'role' as const, role: 'qa' as const },
      subject: 'یادآوری تصمیم',
      body: 'یادآوری تصمیم',
      subjectRef,
    };
    const told = await notices.notify(request);
    expect(told.people?.map((p) => [p.userId, p.status, p.note])).toEqual(
      expect.arrayContaining([
        [qaOne.id, 'held', expect.stringMatching(/^held: no SMS_GATEWAY_URL configured/)],
        [qaTwo.id, 'failed', `no phone number on file for ${qaTwo.name}`],
      ]),
    );
    expect(told.people).toHaveLength(2);
    expect(told.people!.map((p) => p.userId)).not.toContain(qaElsewhere.id);
    // The QA inbox still has it, as before, so the group sees it even where nobody has a phone.
    expect({ channel: told.channel, status: told.status, duplicate: told.duplicate }).toEqual({
      channel: 'in_app',
      status: 'sent',
      duplicate: false,
    });
    expect(
      (await qaTwo.api('GET', '/v1/notifications?limit=100')).body.items.map((n: { id: string }) => n.id),
    ).toContain(told.notificationId);
    // Told again (a retried activity): nothing new is written.
    const again = await notices.notify(request);
    expect(again.duplicate).toBe(true);
    expect(await db.notification.count({ where: { dedupeKey: { startsWith: request.dedupeKey } } })).toBe(3);
  });
});
