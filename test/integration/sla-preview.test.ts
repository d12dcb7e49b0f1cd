/**
 * POST /v1/sla/preview through the running service, against deadlines computed by hand on the
 * seeded presets and the seeded official holidays. The week of Wednesday 25 November 2026
 * (4 Azar 1405) has no official holiday; Wednesday 23 December 2026 (2 Dey 1405, the birth of
 * Imam Ali) is one.
 */
import { randomUUID } from 'node:crypto';
import { calendarsOf, loadCalendarSpecs } from '../../store/sla-config';
import { compileCalendar } from '../../sla/calendar';
import { toTehranIso } from '../../sla/jalali';
import { PRIORITIES, type Priority, type TicketPolicy } from '../../sla/policy';
import { ticketPolicyPresets } from '../../sla/presets';
import { ticketClock } from '../../sla/ticket-clock';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';

const admin = testApi();
const db = testDatabase();

afterAll(closeTestDatabase);

/** A Tehran wall-clock minute as the preview writes instants: ISO-8601 with +03:30. */
const at = (local: string) => `${local}:00.000+03:30`;

const WEDNESDAY_1600 = '2026-11-25T16:00:00+03:30';
const THURSDAY_2030 = '2026-11-26T20:30:00+03:30';

async function preview(body: Record<string, unknown>) {
  const res = await admin('POST', '/v1/sla/preview', body);
  if (res.status !== 200) throw new Error(`preview answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

type TargetPreview = {
  target: string;
  dueAt: string | null;
  dueAtJalaliLatin: string | null;
  calendar: string;
  alarms: { kind: string; percent: number; at: string }[];
};
const targetOf = (body: { targets: TargetPreview[] }, name: string) => body.targets.find((t) => t.target === name)!;
const alarmTimes = (target: TargetPreview) => target.alarms.map((a) => [a.kind, a.percent, a.at]);

describe('the deadline preview, by hand', () => {
  it('owj-agile critical, opened Thursday 20:30: 15 minutes to respond, 3 hours to resolve running into Friday’s agile hours', async () => {
    const body = await preview({ preset: 'owj-agile', priority: 'critical', openedAt: THURSDAY_2030 });
    expect(body).toMatchObject({
      policy: { key: 'owj-agile' },
      priority: 'critical',
      ticketsAllowed: true,
      openedAt: at('2026-11-26T20:30'),
      openedAtJalali: '۱۴۰۵/۰۹/۰۵ ساعت ۲۰:۳۰',
      openedAtJalaliLatin: '1405/09/05 20:30',
      firstResponseDueAt: at('2026-11-26T20:45'),
      // 30 minutes on Thursday until 21:00, then 150 from Friday's 10:00.
      resolutionDueAt: at('2026-11-27T12:30'),
      reviewDueAt: null,
    });
    const firstResponse = targetOf(body, 'first_response');
    expect(firstResponse).toMatchObject({
      unit: 'business_minutes',
      amount: 15,
      calendar: 'owj-agile',
      businessMinutesAllowed: 15,
    });
    expect(alarmTimes(firstResponse)).toEqual([
      ['warning', 75, '2026-11-26T20:41:15.000+03:30'],
      ['breach', 100, at('2026-11-26T20:45')],
      ['escalation', 150, '2026-11-26T20:52:30.000+03:30'],
    ]);
    const resolution = targetOf(body, 'resolution');
    expect(resolution).toMatchObject({
      unit: 'business_minutes',
      amount: 180,
      calendar: 'owj-agile',
      dueAtJalali: '۱۴۰۵/۰۹/۰۶ ساعت ۱۲:۳۰',
      dueAtJalaliLatin: '1405/09/06 12:30',
    });
    // 135 minutes (75%): 30 on Thursday and 105 on Friday; 270 (150%): 30 and 240.
    expect(alarmTimes(resolution)).toEqual([
      ['warning', 75, at('2026-11-27T11:45')],
      ['breach', 100, at('2026-11-27T12:30')],
      ['escalation', 150, at('2026-11-27T14:00')],
    ]);
    expect(resolution.alarms[1]).toMatchObject({ action: { channel: 'sms', recipients: ['department_manager'] } });
    expect(resolution.alarms[2]).toMatchObject({ action: { channel: 'sms', recipients: ['senior_management'] } });
  });

  it('owj-agile critical, opened on an official holiday before the holiday hours: counted from 10:00', async () => {
    const body = await preview({ preset: 'owj-agile', priority: 'critical', openedAt: '2026-12-23T09:00:00+03:30' });
    expect(body).toMatchObject({ firstResponseDueAt: at('2026-12-23T10:15'), resolutionDueAt: at('2026-12-23T13:00') });
    expect(targetOf(body, 'resolution')).toMatchObject({ dueAtJalaliLatin: '1405/10/02 13:00' });
  });

  it('owj-committed medium, opened Wednesday 16:00: a review due the next business day, no resolution deadline', async () => {
    const body = await preview({ preset: 'owj-committed', priority: 'medium', openedAt: WEDNESDAY_1600 });
    expect(body).toMatchObject({
      firstResponseDueAt: at('2026-11-25T16:30'),
      resolutionDueAt: null,
      reviewDueAt: at('2026-11-26T16:00'),
    });
    expect(targetOf(body, 'resolution')).toMatchObject({
      unit: 'review',
      calendar: 'owj-committed',
      dueAt: null,
      dueAtJalali: null,
      alarms: [],
    });
    const review = targetOf(body, 'review');
    expect(review).toMatchObject({
      unit: 'business_days',
      amount: 1,
      calendar: 'owj-committed',
      businessMinutesAllowed: 750,
    });
    // 750 minutes: 300 on Wednesday to 21:00 and 450 on Thursday from 08:30. 150% runs past
    // Thursday's 21:00 and the closed Friday into Saturday.
    expect(alarmTimes(review)).toEqual([
      ['warning', 75, '2026-11-26T12:52:30.000+03:30'],
      ['breach', 100, at('2026-11-26T16:00')],
      ['escalation', 150, at('2026-11-28T09:45')],
    ]);
    expect(review.alarms[1]).toMatchObject({ action: { channel: 'in_app', recipients: ['department_manager'] } });
  });

  it('kian-product-silver, opened Wednesday 16:00: two business days on Kian’s Saturday–Wednesday office hours', async () => {
    const body = await preview({ preset: 'kian-product-silver', priority: 'low', openedAt: WEDNESDAY_1600 });
    expect(body).toMatchObject({
      firstResponseDueAt: at('2026-11-29T16:00'),
      resolutionDueAt: null,
      reviewDueAt: null,
    });
    const firstResponse = targetOf(body, 'first_response');
    expect(firstResponse).toMatchObject({
      unit: 'business_days',
      amount: 2,
      calendar: 'kian-office',
      businessMinutesAllowed: 1080,
      dueAtJalaliLatin: '1405/09/08 16:00',
    });
    expect(alarmTimes(firstResponse)).toEqual([
      ['warning', 75, at('2026-11-29T11:30')],
      ['breach', 100, at('2026-11-29T16:00')],
      ['escalation', 150, at('2026-11-30T16:00')],
    ]);
    expect(targetOf(body, 'resolution')).toMatchObject({ unit: 'none', dueAt: null, alarms: [] });
  });

  // Pasban rule 1 counts work opened after hours from the next opening: opened Thursday 20:30,
  // two business days end at Monday 08:30 (not at the end of Sunday's hours, which is the same
  // business time but an earlier instant).
  it('kian-product-silver, opened Thursday 20:30 after hours: due Monday 08:30 by rule 1', async () => {
    const afterHours = await preview({ preset: 'kian-product-silver', priority: 'critical', openedAt: THURSDAY_2030 });
    expect(afterHours.firstResponseDueAt).toBe(at('2026-11-30T08:30'));
  });

  it('iotex-premium, opened Wednesday 16:00: two business hours, one on Wednesday and one on Saturday', async () => {
    const body = await preview({ preset: 'iotex-premium', priority: 'high', openedAt: WEDNESDAY_1600 });
    expect(body).toMatchObject({ firstResponseDueAt: at('2026-11-28T10:00'), resolutionDueAt: null });
    expect(alarmTimes(targetOf(body, 'first_response'))).toEqual([
      ['warning', 75, at('2026-11-28T09:30')],
      ['breach', 100, at('2026-11-28T10:00')],
      ['escalation', 150, at('2026-11-28T11:00')],
    ]);
  });

  it('iotex-premium, opened the Tuesday before the Wednesday holiday: the holiday and the weekend are skipped', async () => {
    const body = await preview({ preset: 'iotex-premium', priority: 'medium', openedAt: '2026-12-22T16:00:00+03:30' });
    expect(body.firstResponseDueAt).toBe(at('2026-12-26T10:00'));
    expect(targetOf(body, 'first_response').dueAtJalaliLatin).toBe('1405/10/05 10:00');
  });

  it('avanak, opened Wednesday 16:00: 24 clock hours to review; the 3 business days to fix count from the review result (rule 13)', async () => {
    const body = await preview({ preset: 'avanak', priority: 'medium', openedAt: WEDNESDAY_1600 });
    expect(body).toMatchObject({
      firstResponseDueAt: at('2026-11-26T16:00'),
      reviewDueAt: at('2026-11-26T16:00'),
      resolutionDueAt: null,
    });
    const firstResponse = targetOf(body, 'first_response');
    expect(firstResponse).toMatchObject({
      calendar: 'always-open',
      amount: 1440,
      businessMinutesAllowed: 1440,
      countsFrom: 'opening',
    });
    expect(alarmTimes(firstResponse)).toEqual([
      ['warning', 75, at('2026-11-26T10:00')],
      ['breach', 100, at('2026-11-26T16:00')],
      ['escalation', 150, at('2026-11-27T04:00')],
    ]);
    expect(alarmTimes(targetOf(body, 'review'))).toEqual(alarmTimes(firstResponse));
    // No deadline and no alarm for the fix until the review result starts it.
    const resolution = targetOf(body, 'resolution');
    expect(resolution).toMatchObject({
      calendar: 'amoot-office',
      unit: 'business_days',
      amount: 3,
      countsFrom: 'review_result',
      dueAt: null,
      businessMinutesAllowed: null,
    });
    expect(resolution.alarms).toEqual([]);
  });

  it('owj-basic: the plan takes no tickets, and no target has a deadline', async () => {
    const body = await preview({ preset: 'owj-basic', priority: 'critical', openedAt: WEDNESDAY_1600 });
    expect(body).toMatchObject({
      ticketsAllowed: false,
      firstResponseDueAt: null,
      resolutionDueAt: null,
      reviewDueAt: null,
    });
  });

  it('reads an opening in any offset and answers in Tehran time', async () => {
    const body = await preview({ preset: 'iotex-premium', priority: 'high', openedAt: '2026-11-25T12:30:00Z' });
    expect(body.openedAt).toBe(at('2026-11-25T16:00'));
    expect(body.firstResponseDueAt).toBe(at('2026-11-28T10:00'));
  });
});

describe('the preview and the ticket workflow agree', () => {
  const openings = [WEDNESDAY_1600, THURSDAY_2030, '2026-12-22T16:00:00+03:30', '2027-03-18T11:10:00+03:30'];
  const presets = ['owj-committed', 'owj-agile', 'avanak', 'kian-project-gold', 'iotex-standard'];

  it.each(presets)(
    'on every priority and opening of %s, as ticketClock computes them from the stored configuration',
    async (key) => {
      const row = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key } } });
      const policy = row.definition as unknown as TicketPolicy;
      const compiled = new Map(
        (await loadCalendarSpecs(db, calendarsOf(policy))).map((spec) => [spec.key, compileCalendar(spec)]),
      );
      for (const openedAt of openings) {
        for (const priority of PRIORITIES) {
          const openedAtMs = Date.parse(openedAt);
          const clocks = ticketClock({
            policy,
            priority: priority as Priority,
            calendars: (calendarKey) => compiled.get(calendarKey)!,
            openedAtMs,
            cycle: { startMs: openedAtMs, pauses: [] },
            nowMs: openedAtMs,
          });
          const body = await preview({ policyId: row.id, priority, openedAt });
          expect(body.targets.map((t: TargetPreview) => [t.target, t.dueAt, t.alarms.map((a) => a.at)])).toEqual(
            clocks.map((c) => [
              c.target,
              c.dueAtMs === null ? null : toTehranIso(c.dueAtMs),
              [...c.alarms].sort((a, b) => a.atMs - b.atMs).map((a) => toTehranIso(a.atMs)),
            ]),
          );
        }
      }
    },
  );

  it('follows an administrator’s correction of a calendar at once', async () => {
    const key = `test-preview-${randomUUID().slice(0, 8)}`;
    const week = (end: string) => ({
      sat: [{ start: '09:00', end }],
      sun: [{ start: '09:00', end }],
      mon: [],
      tue: [],
      wed: [],
      thu: [],
      fri: [],
    });
    const calendar = await admin('POST', '/v1/calendars', {
      key,
      name: 'Weekend desk',
      timeZone: 'Asia/Tehran',
      week: week('17:00'),
    });
    const target = { unit: 'business_minutes', amount: 600, calendar: key };
    const terms = {
      firstResponse: target,
      resolution: { unit: 'none', calendar: key },
      breachAction: { channel: 'in_app', recipients: ['assignee'] },
    };
    const policy = await admin('POST', '/v1/policies', {
      kind: 'ticket',
      key,
      name: 'Weekend desk',
      definition: {
        name: 'Weekend desk',
        vendor: 'test',
        product: 'test',
        plan: 'weekend',
        ticketsAllowed: true,
        priorities: { critical: terms, high: terms, medium: terms, low: terms },
        warningAtPercent: [],
        escalations: [],
        reviewDeadline: { unit: 'business_days', amount: 1, calendar: key },
      },
    });
    expect(policy.status).toBe(201);
    const ask = () => preview({ policyId: policy.body.id, priority: 'low', openedAt: '2026-11-28T09:00:00+03:30' });
    // 600 minutes: Saturday's 480, then 120 on Sunday.
    expect((await ask()).firstResponseDueAt).toBe(at('2026-11-29T11:00'));
    await admin('PATCH', `/v1/calendars/${calendar.body.id}`, { week: week('13:00') });
    // 240 a day now: Saturday, Sunday, and 120 minutes into the next Saturday.
    expect((await ask()).firstResponseDueAt).toBe(at('2026-12-05T11:00'));
    await admin('PUT', `/v1/calendars/${calendar.body.id}/exceptions/2026-11-29`, { intervals: [] });
    expect((await ask()).firstResponseDueAt).toBe(at('2026-12-06T11:00'));
  });
});

describe('what if: the preview of an unsaved edit (the console previews a policy before saving it)', () => {
  it('computes with the edited terms and saves nothing: owj-agile critical with 30 minutes to respond instead of 15', async () => {
    const stored = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
    const { key: _key, ...definition } = structuredClone(ticketPolicyPresets['owj-agile']);
    definition.priorities.critical.firstResponse = { unit: 'business_minutes', amount: 30, calendar: 'owj-agile' };
    const edited = await preview({ policyId: stored.id, priority: 'critical', openedAt: THURSDAY_2030, definition });
    expect(edited).toMatchObject({
      policy: { id: stored.id, key: 'owj-agile', version: stored.version },
      firstResponseDueAt: at('2026-11-26T21:00'),
    });
    const asStored = await preview({ preset: 'owj-agile', priority: 'critical', openedAt: THURSDAY_2030 });
    expect(asStored.firstResponseDueAt).toBe(at('2026-11-26T20:45'));
    expect(await db.policy.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
      version: stored.version,
      definition: stored.definition,
    });
  });

  it('refuses an edit that saving would refuse, naming the field under body.definition', async () => {
    const { key: _key, ...definition } = structuredClone(ticketPolicyPresets['owj-agile']);
    definition.priorities.high.resolution = { unit: 'business_minutes', amount: 60, calendar: 'no-such-calendar' };
    const res = await admin('POST', '/v1/sla/preview', {
      preset: 'owj-agile',
      priority: 'high',
      openedAt: THURSDAY_2030,
      definition,
    });
    // The answer saving the same edit would get: 400 naming the field.
    expect(res.status).toBe(400);
    expect(res.body.invalidFields).toEqual([
      expect.objectContaining({ field: 'body.definition.priorities.high.resolution.calendar' }),
    ]);
    const stored = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
    const saving = await admin('PATCH', `/v1/policies/${stored.id}`, { definition });
    expect([saving.status, saving.body.invalidFields]).toEqual([res.status, res.body.invalidFields]);
    const shapeless = await admin('POST', '/v1/sla/preview', {
      preset: 'owj-agile',
      priority: 'high',
      openedAt: THURSDAY_2030,
      definition: { ...definition, ticketsAllowed: 'yes' },
    });
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.invalidFields.map((f: { field: string }) => f.field)).toEqual([
      'body.definition.ticketsAllowed',
    ]);
  });
});

describe('the preview refuses', () => {
  it('a body naming both or neither of preset and policyId, an opening without an offset, an unknown priority', async () => {
    const both = await admin('POST', '/v1/sla/preview', {
      preset: 'avanak',
      policyId: randomUUID(),
      priority: 'low',
      openedAt: WEDNESDAY_1600,
    });
    expect(both.status).toBe(400);
    expect(both.body.invalidFields).toEqual([
      { field: 'body.preset', reason: 'give exactly one of preset and policyId' },
    ]);
    expect((await admin('POST', '/v1/sla/preview', { priority: 'low', openedAt: WEDNESDAY_1600 })).status).toBe(400);
    const noOffset = await admin('POST', '/v1/sla/preview', {
      preset: 'avanak',
      priority: 'low',
      openedAt: '2026-11-25T16:00:00',
    });
    expect(noOffset.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.openedAt']);
    const urgent = await admin('POST', '/v1/sla/preview', {
      preset: 'avanak',
      priority: 'urgent',
      openedAt: WEDNESDAY_1600,
    });
    expect(urgent.body.invalidFields.map((f: { field: string }) => f.field)).toEqual(['body.priority']);
  });

  it('an unknown preset or policy, and terms that are not a ticket policy, with 422', async () => {
    const unknown = await admin('POST', '/v1/sla/preview', {
      preset: 'owj-platinum',
      priority: 'low',
      openedAt: WEDNESDAY_1600,
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: { invalidFields: [{ field: 'body.preset', reason: 'no ticket policy has the key owj-platinum' }] },
    });
    const missing = await admin('POST', '/v1/sla/preview', {
      policyId: randomUUID(),
      priority: 'low',
      openedAt: WEDNESDAY_1600,
    });
    expect(missing.status).toBe(422);
    const claim = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'claim', key: 'avanak' } } });
    const notTicket = await admin('POST', '/v1/sla/preview', {
      policyId: claim.id,
      priority: 'low',
      openedAt: WEDNESDAY_1600,
    });
    expect(notTicket.status).toBe(422);
    expect(notTicket.body.detail).toContain('claim terms');
  });

  it('callers without a key (401), and admits every role', async () => {
    const body = { preset: 'avanak', priority: 'low', openedAt: WEDNESDAY_1600 };
    expect((await testApi('')('POST', '/v1/sla/preview', body)).status).toBe(401);
    const customer = await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' });
    for (const key of [customer.key, await createKey('agent'), await createKey('qa'), await createKey('manager')]) {
      expect((await testApi(key)('POST', '/v1/sla/preview', body)).status).toBe(200);
    }
  });
});

describe('terms too large to compute (issue 12, item 8)', () => {
  const agileWith = (amount: number): TicketPolicy => {
    const base = structuredClone(ticketPolicyPresets['owj-agile']);
    base.priorities.critical.firstResponse = { unit: 'business_minutes', amount, calendar: 'owj-agile' };
    return base;
  };

  it('refuses a policy whose first response is 1e15 business minutes, with 400 naming the field', async () => {
    const key = `huge-${randomUUID().slice(0, 8)}`;
    const { key: _key, ...definition } = agileWith(1e15);
    const res = await admin('POST', '/v1/policies', { kind: 'ticket', key, name: 'Huge', definition });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields).toEqual([
      {
        field: 'body.definition.priorities.critical.firstResponse.amount',
        reason: 'must be at most 200,000 business minutes',
      },
    ]);
  });

  it('answers a preview on terms stored before the bounds with 422, quickly, and the service lives on', async () => {
    const key = `stored-huge-${randomUUID().slice(0, 8)}`;
    const row = await db.policy.create({
      data: { kind: 'ticket', key, name: 'Stored huge', definition: { ...agileWith(1e15), key } as object },
    });
    const began = Date.now();
    const res = await admin('POST', '/v1/sla/preview', {
      policyId: row.id,
      priority: 'critical',
      openedAt: WEDNESDAY_1600,
    });
    expect(res).toMatchObject({ status: 422, body: { code: 'unprocessable', reason: 'business_time_limit' } });
    expect(Date.now() - began).toBeLessThan(10_000);
    expect((await admin('GET', `/v1/policies/${row.id}`)).status).toBe(200);
    expect(
      (await admin('POST', '/v1/sla/preview', { preset: 'owj-agile', priority: 'critical', openedAt: WEDNESDAY_1600 }))
        .status,
    ).toBe(200);
  });

  it('refuses a ticket on such terms with 422 before storing it or starting a workflow', async () => {
    const key = `stored-huge-${randomUUID().slice(0, 8)}`;
    await db.policy.create({
      data: { kind: 'ticket', key, name: 'Stored huge', definition: { ...agileWith(1e15), key } as object },
    });
    const customer = await createCustomerWithContract({ productKey: 'owj', planKey: key });
    const before = await db.ticket.count({ where: { customerId: customer.customer.id } });
    const res = await testApi(customer.key)('POST', '/v1/tickets', {
      productId: customer.contract.productId,
      priority: 'critical',
      subject: 'huge',
      description: 'terms too large',
    });
    expect(res).toMatchObject({ status: 422, body: { reason: 'business_time_limit' } });
    expect(await db.ticket.count({ where: { customerId: customer.customer.id } })).toBe(before);
  });
});
