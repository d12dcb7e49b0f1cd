/**
 * Assignment to people (issue 15), through the running service: the assignee is a staff user of
 * the ticket's vendor, named by user id (422 naming `body.assignee` otherwise); the person hears of
 * it in their own inbox (and by e-mail), once even when the command is retried with its
 * Idempotency-Key; lists filter by `assignee=me|none|<userId>`; the ticket and its timeline name the
 * person; its "assignee" alarms reach that person, and an unassigned ticket's reach the agents of
 * its department. Old free-text assignees become people when they name exactly one (the migration).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createTicketActivities } from '../../activities/tickets';
import { createNotificationActivities } from '../../activities/notifications/outbox';
import { createLogger } from '../../platform/logger';
import { resolveAssignee } from '../../store/ticket-assignee';
import { closeTestDatabase, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

const HOUR = 3_600_000;
const db = testDatabase();
const admin = testApi();
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
type Api = ReturnType<typeof testApi>;

afterAll(closeTestDatabase);

interface Person {
  id: string;
  name: string;
  api: Api;
}

describe('assignment to people', () => {
  let vendorA: string;
  let support: string;
  let billing: string;
  let productA: string;
  let customer: Api;
  const people: Record<string, Person> = {};

  async function person(label: string, body: Record<string, unknown>): Promise<Person> {
    const user = await admin('POST', '/v1/users', { name: `${label} ${unique('n')}`, ...body });
    expect(user.status).toBe(201);
    const key = await admin('POST', '/v1/api-keys', { name: label, userId: user.body.id });
    expect(key.status).toBe(201);
    return (people[label] = { id: user.body.id, name: user.body.name, api: testApi(key.body.key) });
  }
  /** A new ticket whose workflow has recorded its opening (so the row is not written under the test's feet). */
  const openTicket = async (subject = 'سرویس پاسخ نمی‌دهد') => {
    const res = await customer('POST', '/v1/tickets', {
      productId: productA,
      priority: 'high',
      subject,
      description: 'شرح مشکل',
      channel: 'portal',
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await waitFor(
      () => db.ticketEvent.count({ where: { ticketId: id } }),
      (n) => n >= 1,
    );
    return id;
  };
  const inbox = async (api: Api) =>
    (await api('GET', '/v1/notifications?limit=100')).body as {
      items: { id: string; subjectRef: string | null; personal: boolean; subject: string }[];
    };
  const noticesAbout = async (api: Api, ticketId: string) =>
    (await inbox(api)).items.filter((n) => n.subjectRef === `ticket:${ticketId}`);

  beforeAll(async () => {
    const vendor = await db.vendor.create({
      data: { key: unique('assign'), name: 'Assignment vendor', nameFa: 'فروشنده سپردن' },
    });
    const other = await db.vendor.create({
      data: { key: unique('assign-b'), name: 'Other vendor', nameFa: 'فروشنده دیگر' },
    });
    vendorA = vendor.id;
    support = (
      await db.department.create({ data: { vendorId: vendor.id, name: unique('Support'), managerName: 'مدیر' } })
    ).id;
    billing = (
      await db.department.create({ data: { vendorId: vendor.id, name: unique('Billing'), managerName: 'مدیر' } })
    ).id;
    const otherDepartment = (
      await db.department.create({ data: { vendorId: other.id, name: unique('Support'), managerName: 'مدیر' } })
    ).id;
    productA = (
      await db.product.create({
        data: {
          key: unique('assign'),
          vendorId: vendor.id,
          departmentId: support,
          name: 'Assign test',
          nameFa: 'آزمایش سپردن',
          creditTable: 'avanak',
        },
      })
    ).id;
    const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'avanak' } } });
    const row = await db.customer.create({
      data: {
        name: unique('مشتری سپردن'),
        contacts: { create: { name: 'Primary', email: `${unique('c')}@assign.test`, isPrimary: true } },
      },
    });
    await db.contract.create({
      data: {
        customerId: row.id,
        productId: productA,
        policyId: policy.id,
        plan: 'avanak',
        startsAt: new Date(Date.now() - 365 * 24 * HOUR),
        endsAt: new Date(Date.now() + 365 * 24 * HOUR),
        paid: true,
        priceRials: 1_000_000_000n,
      },
    });
    customer = testApi(await createKey('customer', row.id));
    await person('agentOne', {
      role: 'agent',
      vendorId: vendor.id,
      departmentIds: [support],
      email: `${unique('one')}@assign.test`,
      phone: '09121111111',
    });
    await person('agentTwo', { role: 'agent', vendorId: vendor.id, departmentIds: [support] });
    await person('agentBilling', {
      role: 'agent',
      vendorId: vendor.id,
      departmentIds: [billing],
      phone: '09123333333',
    });
    await person('manager', { role: 'manager', vendorId: vendor.id, departmentIds: [support] });
    await person('qa', { role: 'qa', vendorId: vendor.id, departmentIds: [] });
    await person('otherVendor', { role: 'agent', vendorId: other.id, departmentIds: [otherDepartment] });
    await person('disabled', { role: 'agent', vendorId: vendor.id, departmentIds: [support] });
    expect((await admin('PATCH', `/v1/users/${people.disabled!.id}`, { disabled: true })).status).toBe(200);
  });

  it('refuses an assignee who is unknown, not staff who work tickets, disabled or of another vendor: 422 naming body.assignee', async () => {
    const ticketId = await openTicket();
    const assign = (assignee: unknown) => people.manager!.api('POST', `/v1/tickets/${ticketId}/assign`, { assignee });
    for (const [who, reason] of [
      [randomUUID(), /not a known user/],
      [people.qa!.id, /only staff who work tickets/],
      [people.disabled!.id, /disabled/],
      [people.otherVendor!.id, /not staff of this ticket's vendor/],
    ] as const) {
      const res = await assign(who);
      expect({ status: res.status, field: res.body.invalidFields?.[0]?.field }).toEqual({
        status: 422,
        field: 'body.assignee',
      });
      expect(res.body.invalidFields[0].reason).toMatch(reason);
    }
    const text = await assign('Sara');
    expect({ status: text.status, field: text.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.assignee',
    });
    expect((await admin('GET', `/v1/tickets/${ticketId}`)).body).toMatchObject({ assignee: null, assigneeName: null });
  });

  it('an agent takes a ticket: only they hear of it (inbox and e-mail), once for a retried command; the ticket and timeline name them', async () => {
    const ticketId = await openTicket();
    const [agentOne, agentTwo] = [people.agentOne!, people.agentTwo!];
    const key = randomUUID();
    const first = await agentOne.api(
      'POST',
      `/v1/tickets/${ticketId}/assign`,
      { assignee: agentOne.id },
      { 'Idempotency-Key': key },
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ assignee: agentOne.id, assigneeName: agentOne.name });
    const retried = await agentOne.api(
      'POST',
      `/v1/tickets/${ticketId}/assign`,
      { assignee: agentOne.id },
      { 'Idempotency-Key': key },
    );
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ assignee: agentOne.id, assigneeName: agentOne.name });

    const mine = await waitFor(
      () => noticesAbout(agentOne.api, ticketId),
      (n) => n.length > 0,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ personal: true, subject: expect.stringContaining('assigned to you') });
    expect(await noticesAbout(agentTwo.api, ticketId)).toEqual([]);
    const rows = await db.notification.findMany({ where: { subjectRef: `ticket:${ticketId}`, audience: 'staff' } });
    expect(rows.map((r) => [r.channel, r.userId]).sort()).toEqual([
      ['email', agentOne.id],
      ['in_app', agentOne.id],
    ]);
    expect(rows.find((r) => r.channel === 'email')!.address).toMatch(/@assign\.test$/);

    const events = await admin('GET', `/v1/tickets/${ticketId}/events`);
    const assigned = events.body.items.filter((e: { type: string }) => e.type === 'assigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0]).toMatchObject({
      actor: { role: 'agent' },
      data: { to: agentOne.id, toName: agentOne.name, fromName: null },
    });
    const row = await db.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    expect(row.assigneeUserId).toBe(agentOne.id);

    // A manager hands it over: the new assignee hears of it; the timeline names both.
    const handed = await people.manager!.api('POST', `/v1/tickets/${ticketId}/assign`, { assignee: agentTwo.id });
    expect(handed.body).toMatchObject({ assignee: agentTwo.id, assigneeName: agentTwo.name });
    await waitFor(
      () => noticesAbout(agentTwo.api, ticketId),
      (n) => n.length === 1,
    );
    expect(await noticesAbout(agentOne.api, ticketId)).toHaveLength(1);
    const timeline = (await agentTwo.api('GET', `/v1/tickets/${ticketId}/events`)).body.items.filter(
      (e: { type: string }) => e.type === 'assigned',
    );
    expect(timeline[1]).toMatchObject({
      data: { from: agentOne.id, fromName: agentOne.name, to: agentTwo.id, toName: agentTwo.name },
    });
  });

  it('lists filter by assignee=me, none or a user id', async () => {
    const [agentOne, agentTwo] = [people.agentOne!, people.agentTwo!];
    const taken = await openTicket('برای فیلتر: سپرده');
    const free = await openTicket('برای فیلتر: آزاد');
    expect((await agentOne.api('POST', `/v1/tickets/${taken}/assign`, { assignee: agentOne.id })).status).toBe(200);
    const ids = async (api: Api, query: string) =>
      (await api('GET', `/v1/tickets?limit=100&productId=${productA}&${query}`)).body.items.map(
        (t: { id: string }) => t.id,
      );
    await waitFor(
      () => ids(agentOne.api, 'assignee=me'),
      (found) => found.includes(taken),
    );
    expect(await ids(agentOne.api, 'assignee=me')).not.toContain(free);
    expect(await ids(agentTwo.api, 'assignee=me')).not.toContain(taken);
    expect(await ids(admin, `assignee=${agentOne.id}`)).toContain(taken);
    expect(await ids(admin, 'assignee=none')).toContain(free);
    expect(await ids(admin, 'assignee=none')).not.toContain(taken);
    const listed = (await admin('GET', `/v1/tickets?limit=100&assignee=${agentOne.id}`)).body.items.find(
      (t: { id: string }) => t.id === taken,
    );
    expect(listed).toMatchObject({ assignee: agentOne.id, assigneeName: agentOne.name });
    const bad = await admin('GET', '/v1/tickets?assignee=sara');
    expect({ status: bad.status, field: bad.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'query.assignee',
    });
  });

  it('"assignee" alarms reach the assignee by their channels; an unassigned ticket\'s reach the agents of its department, each with their own inbox', async () => {
    const [agentOne, agentTwo, agentBilling, disabled] = [
      people.agentOne!,
      people.agentTwo!,
      people.agentBilling!,
      people.disabled!,
    ];
    const notifications = createNotificationActivities({
      db,
      logger: createLogger('silent'),
      channels: { sms: null, email: null },
    });
    const activities = createTicketActivities({
      db,
      logger: createLogger('silent'),
      config: {} as never,
      notify: notifications.notify,
    });
    const alarm = (ticketId: string, assignee: string | null, channel: 'sms' | 'in_app') => ({
      ticketId,
      dedupeKey: `ticket:${ticketId}:test-${channel}`,
      target: 'first_response',
      kind: 'warning' as const,
      percent: 75,
      dueAtMs: Date.now(),
      firedAtMs: Date.now(),
      action: { channel, recipients: ['assignee' as const] },
      priority: 'high' as const,
      assignee,
    });

    const assigned = await openTicket('هشدار به مسئول');
    await activities.escalate(alarm(assigned, agentOne.id, 'sms'));
    await activities.escalate(alarm(assigned, agentOne.id, 'sms'));
    const toPerson = await db.notification.findMany({
      where: { dedupeKey: { startsWith: `ticket:${assigned}:test-sms` } },
    });
    expect(toPerson.map((r) => [r.userId, r.address, r.status])).toEqual([[agentOne.id, '09121111111', 'held']]);
    expect(toPerson[0]!.body).toContain(agentOne.name);

    const unassigned = await openTicket('هشدار بی‌مسئول');
    await activities.escalate(alarm(unassigned, null, 'sms'));
    const sms = await db.notification.findMany({
      where: { dedupeKey: { startsWith: `ticket:${unassigned}:test-sms` } },
    });
    // Each agent of the product's department by their own phone (agentTwo has none: a visible failure naming them),
    // and the agent inbox; not the other department's agent, not the disabled one.
    expect(
      sms
        .filter((r) => r.userId !== null)
        .map((r) => [r.userId, r.status, r.statusNote])
        .sort(),
    ).toEqual(
      [
        [agentOne.id, 'held', expect.any(String)],
        [agentTwo.id, 'failed', `no phone number on file for ${agentTwo.name}`],
      ].sort(),
    );
    expect(sms.map((r) => r.userId)).not.toContain(agentBilling.id);
    expect(sms.map((r) => r.userId)).not.toContain(disabled.id);

    await activities.escalate(alarm(unassigned, null, 'in_app'));
    const [inApp] = await db.notification.findMany({
      where: { dedupeKey: `ticket:${unassigned}:test-in_app:assignee` },
    });
    expect(inApp).toMatchObject({ userId: null, role: 'agent', departmentId: support, status: 'sent' });
    expect((await noticesAbout(agentOne.api, unassigned)).map((n) => n.id)).toContain(inApp!.id);
    expect((await noticesAbout(agentTwo.api, unassigned)).map((n) => n.id)).toContain(inApp!.id);
    expect((await noticesAbout(agentBilling.api, unassigned)).map((n) => n.id)).not.toContain(inApp!.id);
    expect((await agentOne.api('POST', `/v1/notifications/${inApp!.id}/read`)).status).toBe(200);
    const stillUnread = await agentTwo.api('GET', '/v1/notifications?unread=true&limit=100');
    expect(stillUnread.body.items.map((n: { id: string }) => n.id)).toContain(inApp!.id);
  });

  it("a free-text assignee of an older ticket names a person when it matches exactly one of the vendor's staff; other text stays visible", async () => {
    const [agentOne] = [people.agentOne!];
    expect(await resolveAssignee(db, agentOne.name.toUpperCase(), vendorA)).toEqual({
      userId: agentOne.id,
      name: agentOne.name,
    });
    expect(await resolveAssignee(db, 'کسی که کاربر نیست', vendorA)).toEqual({
      userId: null,
      name: 'کسی که کاربر نیست',
    });
    // The migration's own statement, on rows written as before it.
    const matched = await openTicket('قدیمی: نام یک نفر');
    const unmatched = await openTicket('قدیمی: متن آزاد');
    await db.ticket.update({ where: { id: matched }, data: { assignee: ` ${agentOne.name} `, assigneeUserId: null } });
    await db.ticket.update({ where: { id: unmatched }, data: { assignee: 'Sara (support)', assigneeUserId: null } });
    const sql = readFileSync(
      path.join(__dirname, '../../prisma/migrations/20261207400000_ticket_assignee_user/migration.sql'),
      'utf8',
    );
    await db.$executeRawUnsafe(sql.slice(sql.indexOf('UPDATE "tickets"')));
    const rows = await db.ticket.findMany({
      where: { id: { in: [matched, unmatched] } },
      select: { id: true, assignee: true, assigneeUserId: true },
    });
    expect(rows.find((r) => r.id === matched)!.assigneeUserId).toBe(agentOne.id);
    expect(rows.find((r) => r.id === unmatched)).toMatchObject({ assignee: 'Sara (support)', assigneeUserId: null });
    const listed = (await admin('GET', `/v1/tickets?limit=100&productId=${productA}&assignee=none`)).body.items.find(
      (t: { id: string }) => t.id === unmatched,
    );
    expect(listed).toMatchObject({ assignee: null, assigneeName: 'Sara (support)' });
  });

  it("escalations to senior management reach the vendor's senior-management users by their channels; one without a phone is a visible failure naming them", async () => {
    const notifications = createNotificationActivities({
      db,
      logger: createLogger('silent'),
      channels: { sms: null, email: null },
    });
    // The department's own senior column has a phone: once the vendor has senior-management users, they are reached instead.
    await db.department.update({
      where: { id: support },
      data: { seniorManagerName: 'ستون', seniorManagerPhone: '09129999999' },
    });
    const before = (await admin('GET', '/v1/readiness/breach-recipients')).body.problems.filter(
      (p: { departmentId: string; recipient: string }) =>
        p.departmentId === support && p.recipient === 'senior_management',
    );
    expect(before).toEqual([]);
    const withPhone = await person('seniorOne', {
      role: 'manager',
      vendorId: vendorA,
      departmentIds: [billing],
      phone: '09124444444',
      seniorManager: true,
    });
    const withoutPhone = await person('seniorTwo', { role: 'admin', vendorId: vendorA, seniorManager: true });
    const notSenior = people.manager!;
    expect((await admin('GET', `/v1/users/${withPhone.id}`)).body).toMatchObject({ seniorManager: true });
    // A manager cannot name senior management; a customer user cannot be it.
    expect((await notSenior.api('PATCH', `/v1/users/${people.agentTwo!.id}`, { seniorManager: true })).status).toBe(
      403,
    );

    const request = {
      dedupeKey: `assign-test:${randomUUID()}`,
      channel: 'sms' as const,
      category: 'informational' as const,
      audience: 'staff' as const,
      role: 'manager' as const,
      recipient: { kind: 'senior_management' as const, departmentId: support },
      subject: 'ارجاع به مدیریت ارشد',
      body: 'ارجاع به مدیریت ارشد',
    };
    await notifications.notify(request);
    await notifications.notify(request);
    const rows = await db.notification.findMany({ where: { dedupeKey: { startsWith: request.dedupeKey } } });
    expect(rows.map((r) => [r.userId, r.address, r.status, r.statusNote]).sort()).toEqual(
      [
        [withPhone.id, '09124444444', 'held', expect.any(String)],
        [withoutPhone.id, null, 'failed', `no phone number on file for ${withoutPhone.name}`],
      ].sort(),
    );
    expect(rows.map((r) => r.address)).not.toContain('09129999999');

    // In-app: each of them in their own inbox, by name; the department's managers do not get it.
    const inApp = await notifications.notify({
      ...request,
      dedupeKey: `assign-test:${randomUUID()}`,
      channel: 'in_app',
    });
    expect(inApp.people?.map((p) => p.userId).sort()).toEqual([withPhone.id, withoutPhone.id].sort());
    const seniorBox = await inbox(withPhone.api);
    expect(seniorBox.items.filter((n) => n.subject === 'ارجاع به مدیریت ارشد' && n.personal)).toHaveLength(1);
    expect((await inbox(notSenior.api)).items.filter((n) => n.subject === 'ارجاع به مدیریت ارشد')).toEqual([]);

    // Readiness names the people who lack a phone instead of the department's column.
    await db.user.update({ where: { id: withPhone.id }, data: { phone: null } });
    const after = (await admin('GET', '/v1/readiness/breach-recipients')).body.problems.filter(
      (p: { departmentId: string; recipient: string }) =>
        p.departmentId === support && p.recipient === 'senior_management',
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].missing).toBe(
      `phone of a senior-management user: none of ${[withPhone.name, withoutPhone.name].sort().join(', ')} has one`,
    );
  });
});
