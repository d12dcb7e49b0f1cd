/**
 * The configuration API through the running service: calendars and holidays, plan terms,
 * vendors, departments and products, customers, contracts and entitlements; the refusals of bad
 * configuration; who may do what; and corrections reaching a real ticket workflow in flight.
 * Every test makes its own keys, sets and rows, so the seeded presets stay as seeded for the
 * other test files running at the same time.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { calendarsOf, loadCalendarSpecs } from '../../store/sla-config';
import { formatIsoDate, MS_PER_DAY } from '../../sla/civil-date';
import type { TicketPolicy } from '../../sla/policy';
import { epochToWallTime } from '../../sla/time-zone';
import { claimPolicyPresets, changeRequestPolicyPresets } from '../../sla/presets';
import { changeRequestView, changeRequestWorkflow } from '../../workflows/change-request';
import { claimView, claimWorkflow } from '../../workflows/claim';
import { ticketWorkflow } from '../../workflows/ticket';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi, type HttpResult } from '../support/http';
import { storedComputation } from '../support/claim-rows';

const admin = testApi();
const anonymous = testApi('');
const db = testDatabase();

afterAll(closeTestDatabase);

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const hours = (start: string, end: string) => ({ start, end });

const OFFICE_WEEK = {
  sat: [hours('08:30', '17:00')],
  sun: [hours('08:30', '17:00')],
  mon: [hours('08:30', '17:00')],
  tue: [hours('08:30', '17:00')],
  wed: [hours('08:30', '17:00')],
  thu: [hours('08:30', '14:00')],
  fri: [],
};

function calendarBody(key: string, overrides: Record<string, unknown> = {}) {
  return { key, name: 'Test office', timeZone: 'Asia/Tehran', week: OFFICE_WEEK, holidayHours: [], ...overrides };
}

type Target = { unit: string; amount?: number; calendar: string };

function ticketDefinition(calendar: string, firstResponse: Target, resolution: Target) {
  const terms = (breach: 'sms' | 'in_app') => ({
    firstResponse,
    resolution,
    breachAction: { channel: breach, recipients: ['department_manager'] },
  });
  return {
    name: 'Test plan',
    vendor: 'test-vendor',
    product: 'test-product',
    plan: 'test',
    ticketsAllowed: true,
    priorities: { critical: terms('sms'), high: terms('sms'), medium: terms('in_app'), low: terms('in_app') },
    warningAtPercent: [75],
    escalations: [{ atPercent: 150, action: { channel: 'sms', recipients: ['senior_management'] } }],
    reviewDeadline: { unit: 'business_days', amount: 1, calendar },
  };
}

function ticketPolicyBody(key: string, calendar: string) {
  return {
    kind: 'ticket',
    key,
    name: 'Test plan',
    definition: ticketDefinition(
      calendar,
      { unit: 'business_minutes', amount: 60, calendar },
      { unit: 'business_days', amount: 3, calendar },
    ),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function created<T = any>(result: Promise<HttpResult<T>>): Promise<T> {
  const res = await result;
  if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function presetCalendarId(key: string): Promise<string> {
  const res = await admin('GET', `/v1/calendars?key=${key}`);
  return res.body.items[0].id;
}

const fieldsOf = (res: HttpResult) => (res.body.invalidFields as { field: string; reason: string }[]) ?? [];

describe('calendars', () => {
  it('are created, read, listed, changed (a new version each time) and deleted', async () => {
    const key = unique('test-office');
    const calendar = await created(
      admin(
        'POST',
        '/v1/calendars',
        calendarBody(key, {
          exceptions: [{ date: '2026-12-31', intervals: [hours('08:30', '12:00')], note: 'half day' }],
        }),
      ),
    );
    expect(calendar).toMatchObject({ key, timeZone: 'Asia/Tehran', holidaySet: null, version: 1 });
    expect(calendar.week.thu).toEqual([hours('08:30', '14:00')]);
    expect(calendar.exceptions).toEqual([
      { date: '2026-12-31', intervals: [hours('08:30', '12:00')], note: 'half day' },
    ]);

    expect((await admin('GET', `/v1/calendars/${calendar.id}`)).body).toEqual(calendar);
    const listed = await admin('GET', `/v1/calendars?key=${key}`);
    expect(listed.body.items).toEqual([calendar]);

    const changed = await admin('PATCH', `/v1/calendars/${calendar.id}`, {
      name: 'Test office, longer Thursdays',
      week: { ...OFFICE_WEEK, thu: [hours('08:30', '16:00')] },
      holidaySet: 'ir-official',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      version: 2,
      holidaySet: 'ir-official',
      ticketsSignalled: 0,
      ticketsFailed: 0,
    });
    expect(changed.body.week.thu).toEqual([hours('08:30', '16:00')]);

    const excepted = await admin('PUT', `/v1/calendars/${calendar.id}/exceptions/2027-01-02`, {
      intervals: [],
      note: 'closed for stock-taking',
    });
    expect(excepted.status).toBe(200);
    expect(excepted.body.version).toBe(3);
    expect(excepted.body.exceptions.map((e: { date: string }) => e.date)).toEqual(['2026-12-31', '2027-01-02']);

    const unexcepted = await admin('DELETE', `/v1/calendars/${calendar.id}/exceptions/2026-12-31`);
    expect(unexcepted.body).toMatchObject({ version: 4, exceptions: [{ date: '2027-01-02', intervals: [] }] });
    expect((await admin('DELETE', `/v1/calendars/${calendar.id}/exceptions/2026-12-31`)).status).toBe(404);

    expect((await admin('DELETE', `/v1/calendars/${calendar.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/calendars/${calendar.id}`)).status).toBe(404);
  });

  it('lists the seeded preset calendars', async () => {
    const res = await admin('GET', '/v1/calendars');
    expect(res.status).toBe(200);
    const keys = (res.body.items as { key: string }[]).map((c) => c.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'amoot-office',
        'owj-committed',
        'owj-agile',
        'avanak-support',
        'kian-office',
        'iotex-office',
        'always-open',
      ]),
    );
  });

  it('refuses overlapping intervals, naming the later one and the one it overlaps', async () => {
    const res = await admin(
      'POST',
      '/v1/calendars',
      calendarBody(unique('test-overlap'), {
        week: { ...OFFICE_WEEK, sat: [hours('08:30', '12:00'), hours('11:00', '14:00')] },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(fieldsOf(res)).toEqual([{ field: 'body.week.sat[1]', reason: 'overlaps week.sat[0]' }]);
  });

  it('refuses an interval that ends before it starts, and a time that is no time', async () => {
    const res = await admin(
      'POST',
      '/v1/calendars',
      calendarBody(unique('test-backwards'), {
        week: { ...OFFICE_WEEK, sun: [hours('17:00', '08:30')], mon: [hours('8:30', '17:00')] },
      }),
    );
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual([
      { field: 'body.week.sun[0].end', reason: 'must be later than the start 17:00' },
      { field: 'body.week.mon[0].start', reason: '"8:30" is not a time between 00:00 and 23:59' },
    ]);
  });

  it('refuses an unknown time zone, a calendar never open, and a bad exception', async () => {
    const zone = await admin('POST', '/v1/calendars', calendarBody(unique('test-zone'), { timeZone: 'Asia/Atlantis' }));
    expect(zone.status).toBe(400);
    expect(fieldsOf(zone)).toEqual([{ field: 'body.timeZone', reason: 'unknown IANA time zone "Asia/Atlantis"' }]);

    const closed = await admin(
      'POST',
      '/v1/calendars',
      calendarBody(unique('test-closed'), {
        week: { sat: [], sun: [], mon: [], tue: [], wed: [], thu: [], fri: [] },
      }),
    );
    expect(fieldsOf(closed)).toEqual([{ field: 'body.week', reason: 'the calendar has no open hours on any weekday' }]);

    const twice = await admin(
      'POST',
      '/v1/calendars',
      calendarBody(unique('test-twice'), {
        exceptions: [
          { date: '2026-12-31', intervals: [] },
          { date: '2026-12-31', intervals: [] },
        ],
      }),
    );
    expect(fieldsOf(twice)).toEqual([
      { field: 'body.exceptions[1].date', reason: '2026-12-31 is already listed at exceptions[0]' },
    ]);

    const calendar = await created(admin('POST', '/v1/calendars', calendarBody(unique('test-exception'))));
    const bad = await admin('PUT', `/v1/calendars/${calendar.id}/exceptions/2026-12-31`, {
      intervals: [hours('12:00', '10:00')],
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual([{ field: 'body.intervals[0].end', reason: 'must be later than the start 12:00' }]);
    const badDate = await admin('PUT', `/v1/calendars/${calendar.id}/exceptions/2026-02-30`, { intervals: [] });
    expect(fieldsOf(badDate)[0]!.field).toBe('params.date');

    const badZone = await admin('PATCH', `/v1/calendars/${calendar.id}`, { timeZone: 'Mars/Olympus' });
    expect(fieldsOf(badZone)).toEqual([{ field: 'body.timeZone', reason: 'unknown IANA time zone "Mars/Olympus"' }]);
    expect((await admin('GET', `/v1/calendars/${calendar.id}`)).body.version).toBe(1);
  });

  it('refuses a key already taken with 409', async () => {
    const key = unique('test-taken');
    await created(admin('POST', '/v1/calendars', calendarBody(key)));
    const again = await admin('POST', '/v1/calendars', calendarBody(key));
    expect(again).toMatchObject({ status: 409, body: { code: 'conflict', reason: 'taken' } });
  });

  it('answers 404 for an unknown id', async () => {
    const id = randomUUID();
    expect((await admin('GET', `/v1/calendars/${id}`)).status).toBe(404);
    expect((await admin('PATCH', `/v1/calendars/${id}`, { name: 'x' })).status).toBe(404);
    expect((await admin('DELETE', `/v1/calendars/${id}`)).status).toBe(404);
    expect((await admin('PUT', `/v1/calendars/${id}/exceptions/2026-12-31`, { intervals: [] })).status).toBe(404);
  });

  it('refuses to delete a calendar a policy counts on, naming the policies', async () => {
    const res = await admin('DELETE', `/v1/calendars/${await presetCalendarId('amoot-office')}`);
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('in_use');
    expect(res.body.detail).toContain('ticket avanak');
    expect(res.body.detail).toContain('claim owj-agile');
    expect(res.body.detail).toContain('change_request owj-committed');
  });
});

describe('holidays', () => {
  it('are added to a set, moved, renamed and removed; calendars observing the set get a new version', async () => {
    const set = unique('test-holidays');
    const calendar = await created(
      admin('POST', '/v1/calendars', calendarBody(unique('test-observer'), { holidaySet: set })),
    );

    const added = await created(
      admin('POST', '/v1/holidays', { set, date: '2027-01-14', name: 'روز آزمایش', nameEn: 'Test day' }),
    );
    expect(added).toMatchObject({
      set,
      date: '2027-01-14',
      source: 'admin',
      calendarsAffected: [calendar.key],
      ticketsSignalled: 0,
    });
    expect((await admin('GET', `/v1/calendars/${calendar.id}`)).body.version).toBe(2);

    const moved = await admin('PATCH', `/v1/holidays/${added.id}`, { date: '2027-01-16' });
    expect(moved.body).toMatchObject({ date: '2027-01-16', calendarsAffected: [calendar.key] });
    expect((await admin('GET', `/v1/calendars/${calendar.id}`)).body.version).toBe(3);

    const renamed = await admin('PATCH', `/v1/holidays/${added.id}`, { name: 'روز آزمون', nameEn: null });
    expect(renamed.body).toMatchObject({ name: 'روز آزمون', nameEn: null, date: '2027-01-16', calendarsAffected: [] });

    await created(admin('POST', '/v1/holidays', { set, date: '2027-01-20', name: 'دیگر' }));
    const listed = await admin('GET', `/v1/holidays?set=${set}`);
    expect(listed.body.items.map((h: { date: string }) => h.date)).toEqual(['2027-01-16', '2027-01-20']);
    expect((await admin('GET', `/v1/holidays/${added.id}`)).body.name).toBe('روز آزمون');

    const removed = await admin('DELETE', `/v1/holidays/${added.id}`);
    expect(removed.body).toMatchObject({ id: added.id, calendarsAffected: [calendar.key] });
    expect((await admin('GET', `/v1/holidays/${added.id}`)).status).toBe(404);
  });

  it('refuses two holidays on one date of a set with 409, and a bad date with 400', async () => {
    const set = unique('test-holidays');
    const first = await created(admin('POST', '/v1/holidays', { set, date: '2027-02-01', name: 'یک' }));
    const second = await created(admin('POST', '/v1/holidays', { set, date: '2027-02-02', name: 'دو' }));
    expect((await admin('POST', '/v1/holidays', { set, date: '2027-02-01', name: 'باز' })).status).toBe(409);
    const clash = await admin('PATCH', `/v1/holidays/${second.id}`, { date: '2027-02-01' });
    expect(clash).toMatchObject({ status: 409, body: { reason: 'taken' } });
    expect((await admin('GET', `/v1/holidays/${first.id}`)).body.date).toBe('2027-02-01');
    const bad = await admin('POST', '/v1/holidays', { set, date: '2027-13-01', name: 'نه' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)[0]!.field).toBe('body.date');
  });

  it("lists the published official holidays of the year with their source, e.g. 1405's Tasua and Ashura on 3 and 4 Tir", async () => {
    const res = await admin('GET', '/v1/holidays?set=ir-official&from=2026-06-20&to=2026-06-30');
    expect(res.body.items).toEqual([
      expect.objectContaining({
        date: '2026-06-24',
        nameEn: 'Tasua',
        source: 'published',
        estimated: false,
        reference: expect.stringContaining('ilna.ir'),
      }),
      expect.objectContaining({ date: '2026-06-25', nameEn: 'Ashura', source: 'published', estimated: false }),
    ]);
  });

  it('lists estimated holidays for administrators, warns about those within 60 days, and confirms or corrects them', async () => {
    const listed = await admin('GET', '/v1/holidays/estimated?set=ir-official&asOf=2027-03-01');
    expect(listed.status).toBe(200);
    expect(listed.body.warningDays).toBe(60);
    // 1406 is not published: its Nowruz (2027-03-21) is 20 days ahead, an estimate and a warning.
    expect(listed.body.items[0]).toMatchObject({
      daysUntil: 20,
      holiday: { date: '2027-03-21', estimated: true, source: 'computed' },
    });
    expect(listed.body.warnings.map((w: { date: string }) => w.date)).toContain('2027-03-21');
    expect(listed.body.warnings.every((w: { daysUntil: number }) => w.daysUntil <= 60)).toBe(true);
    expect(listed.body.items.some((i: { holiday: { date: string } }) => i.holiday.date < '2027-03-21')).toBe(false);

    // Confirming and correcting, on a set of this test's own (the seeded set stays as seeded).
    const set = unique('test-estimates');
    const calendar = await created(
      admin('POST', '/v1/calendars', calendarBody(unique('test-estimate-observer'), { holidaySet: set })),
    );
    const tasua = await db.holiday.create({
      data: {
        set,
        date: new Date('2030-06-03T00:00:00Z'),
        name: 'تاسوعا',
        nameEn: 'Tasua',
        source: 'computed',
        reference: 'estimated',
      },
    });
    const ashura = await db.holiday.create({
      data: { set, date: new Date('2030-06-04T00:00:00Z'), name: 'عاشورا', nameEn: 'Ashura', source: 'computed' },
    });
    const mine = await admin('GET', `/v1/holidays/estimated?set=${set}&asOf=2030-05-01`);
    expect(mine.body.items.map((i: { daysUntil: number }) => i.daysUntil)).toEqual([33, 34]);
    expect(mine.body.warnings).toHaveLength(2);

    const confirmed = await admin('POST', `/v1/holidays/${tasua.id}/confirm`, { reference: 'official calendar 1409' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      source: 'admin',
      estimated: false,
      reference: 'official calendar 1409',
      confirmedBy: expect.any(String),
    });
    expect((await admin('POST', `/v1/holidays/${tasua.id}/confirm`, {})).body).toMatchObject({
      status: 409,
      reason: 'holiday_not_estimated',
    });

    const corrected = await admin('POST', `/v1/holidays/${ashura.id}/correction`, {
      date: '2030-06-05',
      reference: 'moon sighting',
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({
      date: '2030-06-05',
      source: 'admin',
      estimated: false,
      calendarsAffected: [calendar.key],
    });
    expect((await admin('GET', `/v1/holidays/estimated?set=${set}&asOf=2030-05-01`)).body.items).toEqual([]);

    const bad = await admin('POST', `/v1/holidays/${ashura.id}/correction`, { date: '2030-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.invalidFields[0].field).toBe('body.date');
    expect((await testApi(await createKey('agent'))('POST', `/v1/holidays/${ashura.id}/confirm`, {})).status).toBe(403);
  });
});

describe('policies', () => {
  it('lists the seeded plan terms of every kind in their documented shapes', async () => {
    const res = await admin('GET', '/v1/policies');
    expect(res.status).toBe(200);
    const labels = (res.body.items as { kind: string; key: string }[]).map((p) => `${p.kind} ${p.key}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'ticket owj-agile',
        'ticket iotex-premium',
        'claim avanak',
        'change_request kian-project-gold',
        'entitlements kian-project-gold',
      ]),
    );
    const agile = await admin('GET', '/v1/policies?kind=ticket&key=owj-agile');
    expect(agile.body.items).toHaveLength(1);
    expect(agile.body.items[0].definition.priorities.critical.resolution).toEqual({
      unit: 'business_minutes',
      amount: 180,
      calendar: 'owj-agile',
    });
  });

  it('creates, reads, changes (a new version) and deletes a ticket policy', async () => {
    const calendar = await created(admin('POST', '/v1/calendars', calendarBody(unique('test-policy-cal'))));
    const key = unique('test-plan');
    const policy = await created(admin('POST', '/v1/policies', ticketPolicyBody(key, calendar.key)));
    expect(policy).toMatchObject({ kind: 'ticket', key, version: 1, vendorId: null });
    expect(policy.definition.key).toBe(key);
    expect((await admin('GET', `/v1/policies/${policy.id}`)).body).toEqual(policy);

    const definition = { ...policy.definition, warningAtPercent: [50, 80] };
    const changed = await admin('PATCH', `/v1/policies/${policy.id}`, { name: 'Test plan, two warnings', definition });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 2, name: 'Test plan, two warnings', ticketsSignalled: 0 });
    expect(changed.body.definition.warningAtPercent).toEqual([50, 80]);

    expect((await admin('DELETE', `/v1/policies/${policy.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/policies/${policy.id}`)).status).toBe(404);
  });

  it('refuses a ticket policy on an unknown calendar or on none, naming the target', async () => {
    const body = ticketPolicyBody(unique('test-plan'), 'amoot-office');
    body.definition.priorities.critical.firstResponse = {
      unit: 'business_minutes',
      amount: 15,
      calendar: 'no-such-calendar',
    };
    body.definition.priorities.low.resolution = { unit: 'none', calendar: '' };
    const res = await admin('POST', '/v1/policies', body);
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(
      expect.arrayContaining([
        {
          field: 'body.definition.priorities.critical.firstResponse.calendar',
          reason: 'unknown calendar "no-such-calendar"',
        },
        { field: 'body.definition.priorities.low.resolution.calendar', reason: 'the target names no calendar' },
      ]),
    );
  });

  it('refuses a target without its calendar field, amounts that do not fit, and a key that is not the policy key', async () => {
    const body = ticketPolicyBody(unique('test-plan'), 'amoot-office');
    const { calendar: _calendar, ...noCalendar } = body.definition.priorities.high.firstResponse;
    const missing = await admin('POST', '/v1/policies', {
      ...body,
      definition: {
        ...body.definition,
        priorities: {
          ...body.definition.priorities,
          high: { ...body.definition.priorities.high, firstResponse: noCalendar },
        },
      },
    });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing).map((f) => f.field)).toEqual(['body.definition.priorities.high.firstResponse.calendar']);

    const amounts = ticketPolicyBody(unique('test-plan'), 'amoot-office');
    amounts.definition.priorities.medium.resolution = { unit: 'business_days', amount: 1.5, calendar: 'amoot-office' };
    amounts.definition.warningAtPercent = [80, 60];
    const wrong = await admin('POST', '/v1/policies', {
      ...amounts,
      definition: { ...amounts.definition, key: 'another-plan' },
    });
    expect(fieldsOf(wrong)).toEqual([
      { field: 'body.definition.key', reason: `must be the policy key "${amounts.key}"` },
    ]);
    const unfit = await admin('POST', '/v1/policies', amounts);
    expect(fieldsOf(unfit)).toEqual([
      { field: 'body.definition.priorities.medium.resolution.amount', reason: 'business days must be a whole number' },
      { field: 'body.definition.warningAtPercent[1]', reason: 'thresholds must increase' },
    ]);
  });

  it('creates claim, change-request and entitlements documents, checking their calendars and shapes', async () => {
    const key = unique('test-plan');
    const claim = await created(
      admin('POST', '/v1/policies', {
        kind: 'claim',
        key,
        name: 'Test claims',
        definition: {
          filingWindowMinutes: 10080,
          initialResponse: { unit: 'end_of_next_business_day', calendar: 'amoot-office' },
          decisionMinutes: 10080,
          reminderBeforeMinutes: 1440,
          routeToQa: true,
          creditTable: 'avanak',
        },
      }),
    );
    expect(claim).toMatchObject({ kind: 'claim', key });

    const change = await created(
      admin('POST', '/v1/policies', {
        kind: 'change_request',
        key,
        name: 'Test changes',
        definition: {
          calendar: 'kian-office',
          reviewDeadline: { unit: 'business_days', amount: 5, calendar: 'kian-office' },
          reviewRank: 1,
          quoteValidityDays: 30,
          quoteReminderBeforeDays: 7,
          acceptancePeriodDays: 7,
          acceptBySilence: true,
          defectFixDays: 30,
          includedCustomisationHours: 3,
        },
      }),
    );
    expect(change.definition.acceptBySilence).toBe(true);

    const entitlements = await created(
      admin('POST', '/v1/policies', {
        kind: 'entitlements',
        key,
        name: 'Test entitlements',
        definition: {
          allowances: { tickets: { amount: 10, per: 'jalali_month' }, reinstalls: { amount: 1, per: 'contract_year' } },
          channels: ['ticket'],
          remoteConnection: true,
          dedicatedSupportPerson: false,
          technicalManager: false,
          onSite: null,
          hourlyPackages: false,
        },
      }),
    );
    expect(entitlements.definition.allowances.tickets).toEqual({ amount: 10, per: 'jalali_month' });

    const badClaim = await admin('POST', '/v1/policies', {
      kind: 'claim',
      key: unique('test-plan'),
      name: 'Bad claims',
      definition: { ...claim.definition, initialResponse: { unit: 'review', calendar: 'nowhere' } },
    });
    expect(fieldsOf(badClaim)).toEqual([
      { field: 'body.definition.initialResponse.calendar', reason: 'unknown calendar "nowhere"' },
      { field: 'body.definition.initialResponse.unit', reason: 'the initial response must set a deadline' },
    ]);
    const badAllowance = await admin('PATCH', `/v1/policies/${entitlements.id}`, {
      definition: { ...entitlements.definition, allowances: { massages: { amount: 1, per: 'jalali_month' } } },
    });
    expect(badAllowance.status).toBe(400);
    expect(fieldsOf(badAllowance)[0]!.field).toMatch(/^body\.definition\.allowances/);

    const duplicate = await admin('POST', '/v1/policies', {
      kind: 'claim',
      key,
      name: 'Again',
      definition: claim.definition,
    });
    expect(duplicate).toMatchObject({ status: 409, body: { reason: 'taken' } });
  });

  it('refuses to delete a plan still on contracts, and answers 404 for an unknown id', async () => {
    const { policy, contract } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    expect(contract.policyId).toBe(policy.id);
    const res = await admin('DELETE', `/v1/policies/${policy.id}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', reason: 'in_use' });
    expect(res.body.detail).toMatch(/ticket policy owj-agile is still used by \d+ contracts/);

    const claimKey = unique('test-claims');
    const claimTerms = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'claim', key: 'avanak' } } });
    const claims = await created(
      admin('POST', '/v1/policies', {
        kind: 'claim',
        key: claimKey,
        name: 'Claims',
        definition: claimTerms.definition,
      }),
    );
    const owj = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
    await created(
      admin('POST', '/v1/products', {
        key: unique('test-product'),
        vendorId: owj.vendorId,
        departmentId: owj.departmentId,
        name: 'P',
        nameFa: 'پ',
        claimPolicyKey: claimKey,
      }),
    );
    const claimRes = await admin('DELETE', `/v1/policies/${claims.id}`);
    expect(claimRes.body.detail).toBe(`claim policy ${claimKey} is still used by 1 products`);
    expect((await admin('GET', `/v1/policies/${randomUUID()}`)).status).toBe(404);
    expect((await admin('PATCH', `/v1/policies/${randomUUID()}`, { name: 'x' })).status).toBe(404);
  });
});

describe('vendors, departments and products', () => {
  it('are created, read, listed, changed and deleted in order', async () => {
    const vendor = await created(
      admin('POST', '/v1/vendors', { key: unique('test-vendor'), name: 'Test vendor', nameFa: 'فروشنده آزمایشی' }),
    );
    const department = await created(
      admin('POST', '/v1/departments', {
        vendorId: vendor.id,
        name: 'Support',
        managerName: 'مدیر پشتیبانی',
        managerPhone: '09121234567',
        managerEmail: 'manager@example.test',
        seniorManagerName: 'مدیرعامل',
        seniorManagerEmail: 'ceo@example.test',
      }),
    );
    expect(department).toMatchObject({ vendorId: vendor.id, managerPhone: '09121234567', seniorManagerPhone: null });

    const product = await created(
      admin('POST', '/v1/products', {
        key: unique('test-product'),
        vendorId: vendor.id,
        departmentId: department.id,
        name: 'Test product',
        nameFa: 'محصول آزمایشی',
        endOfSupportAt: '2028-03-20T00:00:00+03:30',
        creditTable: 'avanak',
        claimPolicyKey: 'avanak',
        changePolicyKey: 'avanak',
      }),
    );
    expect(product).toMatchObject({
      endOfSupportAt: '2028-03-20T00:00:00.000+03:30',
      creditTable: 'avanak',
      claimPolicyKey: 'avanak',
    });

    expect((await admin('GET', `/v1/vendors/${vendor.id}`)).body).toEqual(vendor);
    expect((await admin('GET', `/v1/departments?vendorId=${vendor.id}`)).body.items).toEqual([department]);
    expect((await admin('GET', `/v1/products?vendorId=${vendor.id}`)).body.items).toEqual([product]);

    expect((await admin('PATCH', `/v1/vendors/${vendor.id}`, { name: 'Test vendor, renamed' })).body.name).toBe(
      'Test vendor, renamed',
    );
    const contacts = await admin('PATCH', `/v1/departments/${department.id}`, {
      managerPhone: null,
      seniorManagerPhone: '+98 912 765 4321',
    });
    expect(contacts.body).toMatchObject({
      managerPhone: null,
      seniorManagerPhone: '+98 912 765 4321',
      managerName: 'مدیر پشتیبانی',
    });
    const supported = await admin('PATCH', `/v1/products/${product.id}`, { endOfSupportAt: null, creditTable: null });
    expect(supported.body).toMatchObject({ endOfSupportAt: null, creditTable: null, claimPolicyKey: 'avanak' });

    const departmentInUse = await admin('DELETE', `/v1/departments/${department.id}`);
    expect(departmentInUse).toMatchObject({ status: 409, body: { reason: 'in_use' } });
    expect(departmentInUse.body.detail).toContain('1 products');
    expect((await admin('DELETE', `/v1/vendors/${vendor.id}`)).status).toBe(409);

    expect((await admin('DELETE', `/v1/products/${product.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/departments/${department.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/vendors/${vendor.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/vendors/${vendor.id}`)).status).toBe(404);
  });

  it('refuses a department of another vendor, unknown policies and references, and bad contacts', async () => {
    const vendor = await created(admin('POST', '/v1/vendors', { key: unique('test-vendor'), name: 'V', nameFa: 'و' }));
    const other = await created(admin('POST', '/v1/vendors', { key: unique('test-vendor'), name: 'W', nameFa: 'و' }));
    const department = await created(
      admin('POST', '/v1/departments', { vendorId: other.id, name: 'Elsewhere', managerName: 'م' }),
    );
    const base = {
      key: unique('test-product'),
      vendorId: vendor.id,
      departmentId: department.id,
      name: 'P',
      nameFa: 'پ',
    };

    const foreign = await admin('POST', '/v1/products', base);
    expect(foreign.status).toBe(422);
    expect(fieldsOf(foreign)).toEqual([
      { field: 'body.departmentId', reason: "not a department of the product's vendor" },
    ]);

    const own = await created(
      admin('POST', '/v1/departments', { vendorId: vendor.id, name: 'Here', managerName: 'م' }),
    );
    const noPolicy = await admin('POST', '/v1/products', {
      ...base,
      departmentId: own.id,
      claimPolicyKey: 'no-such-plan',
    });
    expect(noPolicy.status).toBe(422);
    expect(fieldsOf(noPolicy)).toEqual([{ field: 'body.claimPolicyKey', reason: 'no such claim policy' }]);

    const noVendor = await admin('POST', '/v1/departments', { vendorId: randomUUID(), name: 'X', managerName: 'م' });
    expect(fieldsOf(noVendor)).toEqual([{ field: 'body.vendorId', reason: 'no such vendor' }]);
    const badContact = await admin('POST', '/v1/departments', {
      vendorId: vendor.id,
      name: 'X',
      managerName: 'م',
      managerEmail: 'not-an-email',
    });
    expect(fieldsOf(badContact)[0]).toEqual({ field: 'body.managerEmail', reason: 'must be an e-mail address' });
    expect((await admin('POST', '/v1/vendors', { key: vendor.key, name: 'Again', nameFa: 'ب' })).status).toBe(409);
  });

  it('refuses to delete a product with contracts and tickets, naming them', async () => {
    const owj = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
    const product = await created(
      admin('POST', '/v1/products', {
        key: unique('test-product'),
        vendorId: owj.vendorId,
        departmentId: owj.departmentId,
        name: 'Owj spin-off',
        nameFa: 'اوج فرعی',
      }),
    );
    const { customer, contract } = await createCustomerWithContract({ productKey: product.key, planKey: 'owj-agile' });
    await db.ticket.create({ data: ticketRow(customer.id, product.id, contract.id, 'owj-agile', 'closed') });
    const res = await admin('DELETE', `/v1/products/${product.id}`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(`product ${product.key} is still used by 1 contracts, 1 tickets`);
  });
});

describe('customers, contracts and entitlements', () => {
  it('keeps customers with contacts and messaging preferences; a customer key sees only its own account', async () => {
    const customer = await created(
      admin('POST', '/v1/customers', {
        name: 'شرکت آزمایش',
        messagingPreference: 'no_advertising',
        contacts: [
          { name: 'Primary', email: 'p@example.test', isPrimary: true },
          { name: 'Second', phone: '02188776655' },
        ],
      }),
    );
    expect(customer.contacts.map((c: { name: string; isPrimary: boolean }) => [c.name, c.isPrimary])).toEqual([
      ['Primary', true],
      ['Second', false],
    ]);

    const changed = await admin('PATCH', `/v1/customers/${customer.id}`, { messagingPreference: 'no_messages' });
    expect(changed.body.messagingPreference).toBe('no_messages');

    const third = await created(
      admin('POST', `/v1/customers/${customer.id}/contacts`, {
        name: 'Third',
        email: 't@example.test',
        isPrimary: true,
      }),
    );
    const afterPrimary = (await admin('GET', `/v1/customers/${customer.id}`)).body;
    expect(
      afterPrimary.contacts.filter((c: { isPrimary: boolean }) => c.isPrimary).map((c: { id: string }) => c.id),
    ).toEqual([third.id]);
    const second = customer.contacts[1];
    expect(
      (await admin('PATCH', `/v1/customers/${customer.id}/contacts/${second.id}`, { phone: null })).body.phone,
    ).toBeNull();
    expect((await admin('DELETE', `/v1/customers/${customer.id}/contacts/${second.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/customers/${customer.id}/contacts/${second.id}`)).status).toBe(404);

    const own = testApi(await createKey('customer', customer.id));
    expect((await own('GET', `/v1/customers/${customer.id}`)).body.name).toBe('شرکت آزمایش');
    const stranger = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    expect((await own('GET', `/v1/customers/${stranger.customer.id}`)).status).toBe(404);
    expect((await own('GET', '/v1/customers')).status).toBe(403);

    const page = await admin('GET', `/v1/customers?name=${encodeURIComponent('آزمایش')}&limit=1`);
    expect(page.body.items).toHaveLength(1);

    expect(
      (
        await admin('POST', '/v1/customers', {
          name: 'Two primaries',
          contacts: [
            { name: 'a', isPrimary: true },
            { name: 'b', isPrimary: true },
          ],
        })
      ).status,
    ).toBe(400);
    expect((await admin('DELETE', `/v1/customers/${customer.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/customers/${customer.id}`)).status).toBe(404);
  });

  it('pages through customers without repeating one', async () => {
    for (let i = 0; i < 3; i++) await created(admin('POST', '/v1/customers', { name: `Paged ${i}` }));
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: HttpResult = await admin('GET', `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      for (const item of res.body.items as { id: string }[]) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 500);
    const mine = await db.customer.findMany({ where: { name: { startsWith: 'Paged ' } }, select: { id: true } });
    expect(mine.length).toBeGreaterThanOrEqual(3);
    for (const { id } of mine) expect(seen.has(id)).toBe(true);
    expect(fieldsOf(await admin('GET', '/v1/customers?cursor=nonsense'))).toEqual([
      { field: 'query.cursor', reason: 'not a cursor this API gave out' },
    ]);
  });

  it('keeps contracts: plan, term, paid, price in rials beyond JavaScript integers', async () => {
    const customer = await created(admin('POST', '/v1/customers', { name: 'Contract holder' }));
    const product = await db.product.findUniqueOrThrow({ where: { key: 'iotex-suite' } });
    const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'iotex-premium' } } });
    const contract = await created(
      admin('POST', '/v1/contracts', {
        customerId: customer.id,
        productId: product.id,
        policyId: policy.id,
        startsAt: '2026-03-21T00:00:00+03:30',
        endsAt: '2027-03-21T00:00:00+03:30',
        paid: true,
        priceRials: '90071992547409930',
      }),
    );
    expect(contract).toMatchObject({
      policyKey: 'iotex-premium',
      plan: 'iotex-premium',
      paid: true,
      priceRials: '90071992547409930',
    });
    const stored = await db.contract.findUniqueOrThrow({ where: { id: contract.id } });
    expect(stored.priceRials).toBe(90071992547409930n);

    const changed = await admin('PATCH', `/v1/contracts/${contract.id}`, { paid: false, priceRials: 250_000_000 });
    expect(changed.body).toMatchObject({ paid: false, priceRials: '250000000' });
    expect((await admin('GET', `/v1/contracts?customerId=${customer.id}`)).body.items).toEqual([changed.body]);

    const backwards = await admin('PATCH', `/v1/contracts/${contract.id}`, { endsAt: '2026-01-01T00:00:00Z' });
    expect(fieldsOf(backwards)).toEqual([{ field: 'body.endsAt', reason: 'must be later than startsAt' }]);
    const negative = await admin('PATCH', `/v1/contracts/${contract.id}`, { priceRials: '-5' });
    expect(fieldsOf(negative)[0]!.field).toBe('body.priceRials');

    const claimTerms = await db.policy.findUniqueOrThrow({
      where: { kind_key: { kind: 'claim', key: 'iotex-premium' } },
    });
    const term = {
      customerId: customer.id,
      productId: product.id,
      startsAt: contract.startsAt,
      endsAt: contract.endsAt,
    };
    const wrongKind = await admin('POST', '/v1/contracts', { ...term, policyId: claimTerms.id });
    expect(wrongKind.status).toBe(422);
    expect(fieldsOf(wrongKind)[0]!.field).toBe('body.policyId');
    const otherVendor = await db.policy.findUniqueOrThrow({
      where: { kind_key: { kind: 'ticket', key: 'owj-agile' } },
    });
    const foreign = await admin('POST', '/v1/contracts', { ...term, policyId: otherVendor.id });
    expect(fieldsOf(foreign)).toEqual([{ field: 'body.policyId', reason: "the plan is another vendor's" }]);
    const nobody = await admin('POST', '/v1/contracts', { ...term, customerId: randomUUID(), policyId: policy.id });
    expect(fieldsOf(nobody)).toEqual([{ field: 'body.customerId', reason: 'no such customer' }]);

    expect((await admin('DELETE', `/v1/contracts/${contract.id}`)).status).toBe(204);
    expect((await admin('GET', `/v1/contracts/${contract.id}`)).status).toBe(404);
  });

  it('adds entitlements and hourly packages, only on plans that sell them, and keeps what was drawn', async () => {
    const project = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    const bought = '2026-12-21T10:00:00+03:30'; // 30 Azar 1405: the package lasts to the end of 1405
    const hourly = await created(
      admin('POST', `/v1/contracts/${project.contract.id}/entitlements`, {
        kind: 'hourly_package',
        quantity: 50,
        purchasedAt: bought,
      }),
    );
    expect(hourly).toMatchObject({
      kind: 'hourly_package',
      quantity: 50,
      purchasedAt: '2026-12-21T10:00:00.000+03:30',
      expiresAt: '2027-03-21T00:00:00.000+03:30',
      used: 0,
    });
    const lateBuy = await created(
      admin('POST', `/v1/contracts/${project.contract.id}/entitlements`, {
        kind: 'hourly_package',
        quantity: 100,
        purchasedAt: '2027-01-21T10:00:00+03:30', // 1 Bahman 1405: carried into 1406, a year after purchase
      }),
    );
    expect(lateBuy.expiresAt).toBe('2028-01-21T10:00:00.000+03:30');
    const visits = await created(
      admin('POST', `/v1/contracts/${project.contract.id}/entitlements`, { kind: 'on_site_visits', quantity: 2 }),
    );
    expect(visits).toMatchObject({ purchasedAt: null, expiresAt: null });

    await db.entitlementUse.create({
      data: { entitlementId: hourly.id, amount: 45, usedAt: new Date('2026-12-22T08:00:00Z'), reference: 'test' },
    });
    const listed = await admin('GET', `/v1/contracts/${project.contract.id}/entitlements`);
    expect(listed.body.items.map((e: { kind: string; used: number }) => [e.kind, e.used])).toEqual(
      expect.arrayContaining([
        ['hourly_package', 45],
        ['hourly_package', 0],
        ['on_site_visits', 0],
      ]),
    );
    const drawn = await admin('DELETE', `/v1/contracts/${project.contract.id}/entitlements/${hourly.id}`);
    expect(drawn).toMatchObject({ status: 409, body: { reason: 'in_use' } });
    expect(
      (await admin('PATCH', `/v1/contracts/${project.contract.id}/entitlements/${visits.id}`, { quantity: 3 })).body
        .quantity,
    ).toBe(3);
    const backwards = await admin('PATCH', `/v1/contracts/${project.contract.id}/entitlements/${lateBuy.id}`, {
      expiresAt: '2026-01-01T00:00:00Z',
    });
    expect(fieldsOf(backwards)).toEqual([{ field: 'body.expiresAt', reason: 'must be later than purchasedAt' }]);
    expect((await admin('DELETE', `/v1/contracts/${project.contract.id}/entitlements/${visits.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/contracts/${randomUUID()}/entitlements/${visits.id}`)).status).toBe(404);

    const product = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const refused = await admin('POST', `/v1/contracts/${product.contract.id}/entitlements`, {
      kind: 'hourly_package',
      quantity: 50,
    });
    expect(refused.status).toBe(422);
    expect(fieldsOf(refused)).toEqual([
      { field: 'body.kind', reason: 'the plan owj-agile does not include hourly packages' },
    ]);
    const noHours = await admin('POST', `/v1/contracts/${project.contract.id}/entitlements`, {
      kind: 'hourly_package',
    });
    expect(fieldsOf(noHours)).toEqual([{ field: 'body.quantity', reason: 'an hourly package needs its hours' }]);
  });

  it('answers a contract term in Tehran time (+03:30), the same instants as sent in UTC', async () => {
    const customer = await created(admin('POST', '/v1/customers', { name: 'Term in Tehran time' }));
    const product = await db.product.findUniqueOrThrow({ where: { key: 'iotex-suite' } });
    const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'iotex-premium' } } });
    const sent = { startsAt: '2026-06-24T06:30:00Z', endsAt: '2027-06-24T06:30:00.000Z' };
    const contract = await created(
      admin('POST', '/v1/contracts', { customerId: customer.id, productId: product.id, policyId: policy.id, ...sent }),
    );
    expect(contract).toMatchObject({
      startsAt: '2026-06-24T10:00:00.000+03:30',
      endsAt: '2027-06-24T10:00:00.000+03:30',
    });
    expect(contract.createdAt).toMatch(/\+03:30$/);
    expect(Date.parse(contract.startsAt)).toBe(Date.parse(sent.startsAt));
    expect(Date.parse(contract.endsAt)).toBe(Date.parse(sent.endsAt));
    const listed = (await admin('GET', `/v1/contracts?customerId=${customer.id}`)).body.items;
    expect(listed).toEqual([contract]);
  });

  it('refuses to delete a contract or customer with tickets', async () => {
    const { customer, contract, product } = await createCustomerWithContract({
      productKey: 'owj',
      planKey: 'owj-agile',
    });
    await db.ticket.create({ data: ticketRow(customer.id, product.id, contract.id, 'owj-agile', 'closed') });
    const contractRes = await admin('DELETE', `/v1/contracts/${contract.id}`);
    expect(contractRes).toMatchObject({
      status: 409,
      body: { detail: `contract ${contract.id} is still used by 1 tickets` },
    });
    const customerRes = await admin('DELETE', `/v1/customers/${customer.id}`);
    expect(customerRes.status).toBe(409);
    expect(customerRes.body.detail).toContain('1 tickets');
  });
});

describe('who may change configuration', () => {
  let agent: ReturnType<typeof testApi>;
  let customer: ReturnType<typeof testApi>;
  let manager: ReturnType<typeof testApi>;

  beforeAll(async () => {
    agent = testApi(await createKey('agent'));
    manager = testApi(await createKey('manager'));
    customer = testApi((await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' })).key);
  });

  const writes: [string, string, unknown][] = [
    ['POST', '/v1/calendars', calendarBody('test-forbidden')],
    ['PATCH', `/v1/calendars/${randomUUID()}`, { name: 'x' }],
    ['PUT', `/v1/calendars/${randomUUID()}/exceptions/2026-12-31`, { intervals: [] }],
    ['POST', '/v1/holidays', { set: 'ir-official', date: '2026-12-24', name: 'x' }],
    ['DELETE', `/v1/holidays/${randomUUID()}`, undefined],
    ['POST', '/v1/policies', ticketPolicyBody('test-forbidden', 'amoot-office')],
    ['PATCH', `/v1/policies/${randomUUID()}`, { name: 'x' }],
    ['POST', '/v1/vendors', { key: 'test-forbidden', name: 'x', nameFa: 'x' }],
    ['DELETE', `/v1/products/${randomUUID()}`, undefined],
    ['POST', '/v1/customers', { name: 'x' }],
    ['POST', '/v1/contracts', {}],
    ['DELETE', `/v1/contracts/${randomUUID()}/entitlements/${randomUUID()}`, undefined],
  ];

  it.each(writes)(
    'refuses %s %s to customers, agents and managers with 403 and without a key with 401',
    async (method, path, body) => {
      for (const caller of [customer, agent, manager]) {
        const res = await caller(method, path, body);
        expect(res.status).toBe(403);
        expect(res.body.detail).toContain('admits admin');
      }
      expect((await anonymous(method, path, body)).status).toBe(401);
    },
  );

  it('lets staff read configuration but not customers', async () => {
    for (const path of [
      '/v1/calendars',
      '/v1/holidays?set=ir-official',
      '/v1/policies',
      '/v1/vendors',
      '/v1/departments',
      '/v1/products',
      '/v1/customers',
      '/v1/contracts',
    ]) {
      expect((await agent('GET', path)).status).toBe(200);
      expect((await customer('GET', path)).status).toBe(403);
    }
  });

  it('declares the roles of every configuration route in the OpenAPI document', async () => {
    const doc = (await anonymous('GET', '/openapi.json')).body;
    expect(doc.paths['/v1/calendars'].post['x-roles']).toEqual(['admin']);
    expect(doc.paths['/v1/calendars'].get['x-roles']).toEqual(['agent', 'qa', 'manager', 'admin']);
    expect(doc.paths['/v1/calendars/{id}/exceptions/{date}'].put['x-roles']).toEqual(['admin']);
    expect(doc.paths['/v1/policies'].post.requestBody.content['application/json'].schema.oneOf).toHaveLength(4);
    expect(doc.paths['/v1/sla/preview'].post['x-roles']).toEqual(['customer', 'agent', 'qa', 'manager', 'admin']);
  });
});

describe('corrections reach tickets in flight', () => {
  let temporal: Client;

  beforeAll(async () => {
    temporal = new Client({
      connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
    });
  });
  afterAll(async () => {
    await temporal.connection.close();
  });

  /** The Tehran date `days` after the Tehran date of `epochMs`. */
  const tehranDate = (epochMs: number, days: number) =>
    formatIsoDate(epochToWallTime('Asia/Tehran', epochMs).epochDay + days);

  async function recomputations(ticketId: string, count: number) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const events = await db.ticketEvent.findMany({
        where: { ticketId, type: 'deadlines_recomputed' },
        orderBy: { sequence: 'asc' },
      });
      if (events.length >= count)
        return events.map(
          (e) => e.data as { reason: string; deadlines: { target: string; fromMs: number; toMs: number }[] },
        );
      if (Date.now() > deadline)
        throw new Error(`only ${events.length} of ${count} recomputations recorded on ticket ${ticketId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function storedResolutionDue(ticketId: string, expected: number): Promise<number | undefined> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const row = await db.ticket.findUniqueOrThrow({ where: { id: ticketId } });
      const due = (row.clock as { targets: { target: string; dueAtMs: number }[] } | null)?.targets.find(
        (t) => t.target === 'resolution',
      )?.dueAtMs;
      if (due === expected || Date.now() > deadline) return due;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('moves the deadlines of an open ticket when a holiday moves, an exception is set and the policy changes', async () => {
    // A calendar open round the clock: its business days are calendar days, so a holiday moves a
    // business-days deadline by exactly one day.
    const set = unique('test-corrections');
    const allDay = [hours('00:00', '24:00')];
    const calendar = await created(
      admin(
        'POST',
        '/v1/calendars',
        calendarBody(unique('test-round-clock'), {
          week: { sat: allDay, sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay },
          holidaySet: set,
        }),
      ),
    );
    const policyKey = unique('test-corrected-plan');
    const policyRow = await created(admin('POST', '/v1/policies', ticketPolicyBody(policyKey, calendar.key)));
    const { customer, contract, product } = await createCustomerWithContract({ productKey: 'owj', planKey: policyKey });

    const openedAtMs = Date.now();
    const holiday = await created(
      admin('POST', '/v1/holidays', { set, date: tehranDate(openedAtMs, 20), name: 'روز آزمایش' }),
    );
    expect(holiday.ticketsSignalled).toBe(0);

    const ticket = await db.ticket.create({
      data: { ...ticketRow(customer.id, product.id, contract.id, policyKey, 'new'), openedAt: new Date(openedAtMs) },
    });
    // Rows whose workflows no longer run (or never did) are not told, and not counted.
    await db.ticket.create({ data: ticketRow(customer.id, product.id, contract.id, policyKey, 'closed') });
    await db.ticket.create({ data: ticketRow(customer.id, product.id, contract.id, policyKey, 'in_progress') });
    const policy = policyRow.definition as TicketPolicy;
    const handle = await temporal.workflow.start(ticketWorkflow, {
      taskQueue: 'pasban',
      workflowId: ticket.workflowId,
      args: [
        {
          ticketId: ticket.id,
          policy,
          calendars: await loadCalendarSpecs(db, calendarsOf(policy)),
          priority: 'high',
          openedAtMs,
          openedBy: 'test',
          closeAfterQuietMinutes: 7 * 24 * 60,
        },
      ],
    });
    try {
      const threeDays = openedAtMs + 3 * MS_PER_DAY;

      const moved = await admin('PATCH', `/v1/holidays/${holiday.id}`, { date: tehranDate(openedAtMs, 2) });
      expect(moved.body).toMatchObject({ calendarsAffected: [calendar.key], ticketsSignalled: 1, ticketsFailed: 0 });
      const [afterMove] = await recomputations(ticket.id, 1);
      expect(afterMove!.reason).toContain(`moved from ${tehranDate(openedAtMs, 20)} to ${tehranDate(openedAtMs, 2)}`);
      expect(afterMove!.deadlines).toEqual([{ target: 'resolution', fromMs: threeDays, toMs: threeDays + MS_PER_DAY }]);

      const excepted = await admin('PUT', `/v1/calendars/${calendar.id}/exceptions/${tehranDate(openedAtMs, 1)}`, {
        intervals: [],
        note: 'closed',
      });
      expect(excepted.body.ticketsSignalled).toBe(1);
      const [, afterException] = await recomputations(ticket.id, 2);
      expect(afterException!.reason).toContain(`exception on ${tehranDate(openedAtMs, 1)} set`);
      expect(afterException!.deadlines).toEqual(
        expect.arrayContaining([
          { target: 'resolution', fromMs: threeDays + MS_PER_DAY, toMs: threeDays + 2 * MS_PER_DAY },
        ]),
      );

      const fiveDays = ticketDefinition(
        calendar.key,
        { unit: 'business_minutes', amount: 60, calendar: calendar.key },
        { unit: 'business_days', amount: 5, calendar: calendar.key },
      );
      const changed = await admin('PATCH', `/v1/policies/${policyRow.id}`, { definition: fiveDays });
      expect(changed.body).toMatchObject({ version: 2, ticketsSignalled: 1 });
      const [, , afterPolicy] = await recomputations(ticket.id, 3);
      expect(afterPolicy!.reason).toBe(`ticket policy ${policyKey} changed (version 2)`);
      expect(afterPolicy!.deadlines).toEqual([
        { target: 'resolution', fromMs: threeDays + 2 * MS_PER_DAY, toMs: openedAtMs + 7 * MS_PER_DAY },
      ]);

      // The row follows the event (the workflow records, then syncs): wait for it too.
      expect(await storedResolutionDue(ticket.id, openedAtMs + 7 * MS_PER_DAY)).toBe(openedAtMs + 7 * MS_PER_DAY);

      const inUse = await admin('DELETE', `/v1/policies/${policyRow.id}`);
      expect(inUse.body.detail).toMatch(/contracts, 2 open tickets$/);
    } finally {
      await handle.terminate('test over');
    }
  });
});

describe('a holiday correction reaches open claims and change requests', () => {
  let temporal: Client;
  beforeAll(async () => {
    temporal = new Client({
      connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
    });
  });
  afterAll(async () => {
    await temporal.connection.close();
  });

  const tehranDate = (epochMs: number, days: number) =>
    formatIsoDate(epochToWallTime('Asia/Tehran', epochMs).epochDay + days);
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("moves an open claim's acknowledgement deadline and a change request's review deadline when an estimate is corrected onto their period", async () => {
    // A calendar open round the clock: "end of the next business day" is tomorrow 24:00 and five
    // business days are five days, so a holiday corrected onto tomorrow moves both by one day.
    const set = unique('test-claim-corrections');
    const allDay = [hours('00:00', '24:00')];
    const calendar = await created(
      admin(
        'POST',
        '/v1/calendars',
        calendarBody(unique('test-round-clock'), {
          week: { sat: allDay, sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay },
          holidaySet: set,
        }),
      ),
    );
    const key = unique('test-claims-plan');
    await created(admin('POST', '/v1/policies', ticketPolicyBody(key, calendar.key)));
    const claimPolicy = {
      ...claimPolicyPresets.avanak,
      initialResponse: { unit: 'end_of_next_business_day', calendar: calendar.key },
    };
    const changePolicy = {
      ...changeRequestPolicyPresets['kian-project-silver'],
      reviewDeadline: { unit: 'business_days', amount: 5, calendar: calendar.key },
    };
    await created(admin('POST', '/v1/policies', { kind: 'claim', key, name: 'Test claims', definition: claimPolicy }));
    await created(
      admin('POST', '/v1/policies', { kind: 'change_request', key, name: 'Test changes', definition: changePolicy }),
    );
    const { customer, contract, product } = await createCustomerWithContract({ productKey: 'avanak', planKey: key });
    // An estimate far ahead, not yet touching anything.
    const estimate = await db.holiday.create({
      data: {
        set,
        date: new Date(`${tehranDate(Date.now(), 40)}T00:00:00Z`),
        name: 'عاشورا',
        nameEn: 'Ashura',
        source: 'computed',
        reference: 'estimated',
      },
    });

    const nowMs = Date.now();
    const calendars = await loadCalendarSpecs(db, [calendar.key]);
    const claimId = randomUUID();
    const claim = await db.claim.create({
      data: {
        id: claimId,
        customerId: customer.id,
        productId: product.id,
        contractId: contract.id,
        kind: 'support_timing',
        status: 'received',
        receivedAt: new Date(nowMs),
        acknowledgeDueAt: new Date(nowMs),
        decisionDueAt: new Date(nowMs + 7 * MS_PER_DAY),
        workflowId: `claim-${claimId}`,
        computation: storedComputation({
          kind: 'support_timing',
          policyKey: key,
          receivedAtMs: nowMs,
          acknowledgeDueAtMs: nowMs,
          decisionDueAtMs: nowMs + 7 * MS_PER_DAY,
        }) as never,
      },
    });
    const changeId = randomUUID();
    const change = await db.changeRequest.create({
      data: {
        id: changeId,
        customerId: customer.id,
        productId: product.id,
        contractId: contract.id,
        title: 'A report',
        description: 'Add a report',
        attachments: [],
        reviewRank: 1,
        deadlines: [],
        workflowId: `change-request-${changeId}`,
      },
    });
    const claimHandle = await temporal.workflow.start(claimWorkflow, {
      taskQueue: 'pasban',
      workflowId: claim.workflowId,
      args: [
        {
          claimId,
          receivedAtMs: nowMs,
          receivedBy: 'test',
          policy: claimPolicy as never,
          calendars,
          facts: {
            kind: 'support_timing',
            month: null,
            downtimeMinutes: null,
            availabilityPercent: null,
            computed: { percent: null, amountRials: null, monthlyFeeRials: 1 },
          },
        },
      ],
    });
    const changeHandle = await temporal.workflow.start(changeRequestWorkflow, {
      taskQueue: 'pasban',
      workflowId: change.workflowId,
      args: [
        { changeRequestId: changeId, policy: changePolicy as never, calendars, openedAtMs: nowMs, openedBy: 'test' },
      ],
    });
    try {
      const ackBefore = (await claimHandle.query(claimView)).deadlines.acknowledgeDueAtMs;
      const reviewBefore = (await changeHandle.query(changeRequestView)).deadlines.find(
        (d) => d.name === 'review',
      )!.dueAtMs;

      const corrected = await admin('POST', `/v1/holidays/${estimate.id}/correction`, {
        date: tehranDate(nowMs, 1),
        reference: 'moon sighting',
      });
      expect(corrected.status).toBe(200);
      expect(corrected.body).toMatchObject({
        calendarsAffected: [calendar.key],
        claimsSignalled: 1,
        claimsFailed: 0,
        changeRequestsSignalled: 1,
        changeRequestsFailed: 0,
      });

      const claimRow = await until(
        () => db.claim.findUniqueOrThrow({ where: { id: claimId } }),
        (row) => row.acknowledgeDueAt.getTime() === ackBefore + MS_PER_DAY,
      );
      expect(claimRow.acknowledgeDueAt.getTime()).toBe(ackBefore + MS_PER_DAY);
      const claimEvent = await db.claimEvent.findFirst({ where: { claimId, type: 'deadlines_recomputed' } });
      expect(claimEvent?.data).toMatchObject({
        reason: expect.stringContaining(`corrected from ${tehranDate(nowMs, 40)} to ${tehranDate(nowMs, 1)}`),
        before: { acknowledgeDueAtMs: ackBefore },
        after: { acknowledgeDueAtMs: ackBefore + MS_PER_DAY },
      });
      // The API answers the moved deadline, as the timeline says (it once read the one computed at filing).
      const read = await admin('GET', `/v1/claims/${claimId}`);
      expect(read.status).toBe(200);
      expect(Date.parse(read.body.deadlines.acknowledgeDueAt)).toBe(ackBefore + MS_PER_DAY);

      const reviewDue = (row: { deadlines: unknown }) =>
        (row.deadlines as { name: string; dueAtMs: number }[]).find((d) => d.name === 'review')?.dueAtMs;
      const changeRow = await until(
        () => db.changeRequest.findUniqueOrThrow({ where: { id: changeId } }),
        (row) => reviewDue(row) === reviewBefore + MS_PER_DAY,
      );
      expect(reviewDue(changeRow)).toBe(reviewBefore + MS_PER_DAY);
      expect(
        await db.changeRequestEvent.count({ where: { changeRequestId: changeId, type: 'deadlines_recomputed' } }),
      ).toBe(1);
    } finally {
      await claimHandle.terminate('test over').catch(() => undefined);
      await changeHandle.terminate('test over').catch(() => undefined);
    }
  });
});

function ticketRow(
  customerId: string,
  productId: string,
  contractId: string,
  policyKey: string,
  status: 'new' | 'in_progress' | 'closed',
) {
  const id = randomUUID();
  return {
    id,
    customerId,
    productId,
    contractId,
    policyKey,
    priority: 'high' as const,
    subject: 'Test ticket',
    description: 'Arranged by the configuration tests',
    channel: 'portal',
    status,
    openedAt: new Date(),
    workflowId: `ticket-${id}`,
  };
}
