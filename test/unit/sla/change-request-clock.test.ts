import {
  changeRequestDeadlines,
  delayDays,
  deliveryDueAt,
  nextAlarm,
  nextDeadlineAt,
  quoteTimes,
  reviewDeadline,
  type ChangeRequestRecord,
} from '../../../sla/change-request-clock';
import { changeRequestPolicyPresets } from '../../../sla/presets';
import { inTehran, presetCalendars, tehran } from './support';

const DAY = 86_400_000;

function record(overrides: Partial<ChangeRequestRecord> = {}): ChangeRequestRecord {
  return {
    status: 'in_review',
    openedAtMs: tehran('2026-11-22T10:00'),
    reviewDueAtMs: tehran('2026-11-29T10:00'),
    reviewedAtMs: null,
    quote: null,
    quoteAnsweredAtMs: null,
    approvedAtMs: null,
    commitment: null,
    deliveries: [],
    fixes: [],
    delays: [],
    closedAtMs: null,
    ...overrides,
  };
}

describe("a change request's review", () => {
  it("is due within the plan's business days on the vendor's office calendar", () => {
    // Opened Sunday 22 Nov 2026 10:00; Kian: 5 business days, Sat–Wed → the next Sunday.
    expect(
      inTehran(
        reviewDeadline(
          changeRequestPolicyPresets['kian-project-silver'],
          tehran('2026-11-22T10:00'),
          presetCalendars(),
        ),
      ),
    ).toBe('2026-11-29T10:00');
    // Iotex Basic: 15 business days.
    expect(
      inTehran(
        reviewDeadline(changeRequestPolicyPresets['iotex-basic'], tehran('2026-11-22T10:00'), presetCalendars()),
      ),
    ).toBe('2026-12-13T10:00');
  });

  it('escalates when it falls due unreviewed, once', () => {
    const open = record();
    expect(nextAlarm(open, new Set())).toEqual({
      key: 'review:overdue',
      kind: 'review_overdue',
      atMs: open.reviewDueAtMs,
    });
    expect(nextAlarm(open, new Set(['review:overdue']))).toBeNull();
  });
});

describe('a quote', () => {
  it('lapses after its validity in calendar days, with a reminder the policy sets before that', () => {
    const quotedAtMs = tehran('2026-11-22T10:00');
    const times = quoteTimes(quotedAtMs, 30, { quoteReminderBeforeDays: 7 });
    expect([inTehran(times.expiresAtMs), inTehran(times.reminderAtMs)]).toEqual([
      '2026-12-22T10:00',
      '2026-12-15T10:00',
    ]);
  });

  it('gets no reminder when it is valid for less time than the reminder comes ahead', () => {
    expect(quoteTimes(tehran('2026-11-22T10:00'), 5, { quoteReminderBeforeDays: 7 }).reminderAtMs).toBeNull();
  });

  it('reminds first and expires after', () => {
    const quotedAtMs = tehran('2026-11-22T10:00');
    const quoted = record({
      status: 'quoted',
      reviewedAtMs: quotedAtMs,
      quote: {
        costRials: '1',
        effortMinutes: 60,
        proposedDeliveryAtMs: quotedAtMs + 20 * DAY,
        quotedAtMs,
        ...quoteTimes(quotedAtMs, 30, { quoteReminderBeforeDays: 7 }),
      },
    });
    expect(nextAlarm(quoted, new Set())!.kind).toBe('quote_reminder');
    expect(nextAlarm(quoted, new Set(['quote:reminder']))!.kind).toBe('quote_expired');
  });
});

describe('customer delays', () => {
  it('count in whole days, a started day as a day, and overlapping delays once', () => {
    expect(delayDays([{ startMs: 0, endMs: 2.5 * DAY }])).toBe(3);
    expect(
      delayDays([
        { startMs: 0, endMs: 2 * DAY },
        { startMs: DAY, endMs: 3 * DAY },
      ]),
    ).toBe(3);
    expect(delayDays([])).toBe(0);
  });

  it('push the committed delivery date back day for day, and only the phase they were recorded in', () => {
    const deliverByMs = tehran('2026-12-10T17:00');
    const approved = record({
      status: 'approved',
      commitment: { committedAtMs: tehran('2026-11-25T10:00'), deliverByMs },
      delays: [
        {
          id: 'a',
          startMs: tehran('2026-11-28T09:00'),
          endMs: tehran('2026-11-30T09:00'),
          phase: 'delivery',
          cycle: 0,
          recordedBy: 'agent',
          note: null,
        },
        {
          id: 'b',
          startMs: tehran('2026-11-28T09:00'),
          endMs: tehran('2026-12-30T09:00'),
          phase: 'fix',
          cycle: 1,
          recordedBy: 'agent',
          note: null,
        },
      ],
    });
    expect(inTehran(deliveryDueAt(approved))).toBe('2026-12-12T17:00');
    expect(nextAlarm(approved, new Set())).toMatchObject({
      kind: 'delivery_overdue',
      atMs: tehran('2026-12-12T17:00'),
    });
  });
});

describe("a change request's deadlines", () => {
  it('say whether each was met, missed, still running or made void by the request closing', () => {
    const reviewedLate = record({
      status: 'rejected',
      reviewedAtMs: tehran('2026-11-30T10:00'),
      closedAtMs: tehran('2026-11-30T10:00'),
    });
    expect(changeRequestDeadlines(reviewedLate, tehran('2026-12-01T10:00'))[0]).toMatchObject({
      name: 'review',
      state: 'missed',
      owedBy: 'vendor',
    });

    const running = record();
    expect(changeRequestDeadlines(running, tehran('2026-11-23T10:00'))[0]!.state).toBe('running');
    expect(changeRequestDeadlines(running, tehran('2026-11-30T10:00'))[0]!.state).toBe('missed');

    const cancelled = record({ status: 'cancelled', closedAtMs: tehran('2026-11-23T10:00') });
    expect(changeRequestDeadlines(cancelled, tehran('2026-12-30T10:00'))[0]!.state).toBe('void');
  });

  it('hold one acceptance and one fix period per delivery', () => {
    const d1 = tehran('2026-12-01T10:00');
    const listed = tehran('2026-12-05T10:00');
    const d2 = tehran('2026-12-20T10:00');
    const redelivered = record({
      status: 'delivered',
      reviewedAtMs: tehran('2026-11-23T10:00'),
      commitment: { committedAtMs: tehran('2026-11-24T10:00'), deliverByMs: tehran('2026-12-02T10:00') },
      deliveries: [
        { cycle: 1, deliveredAtMs: d1, acceptanceDueAtMs: d1 + 30 * DAY, answeredAtMs: listed },
        { cycle: 2, deliveredAtMs: d2, acceptanceDueAtMs: d2 + 30 * DAY, answeredAtMs: null },
      ],
      fixes: [
        { cycle: 1, defectsListedAtMs: listed, defects: ['x'], baseDueAtMs: listed + 30 * DAY, redeliveredAtMs: d2 },
      ],
    });
    expect(changeRequestDeadlines(redelivered, d2 + DAY).map((d) => [d.name, d.cycle, d.state])).toEqual([
      ['review', 1, 'met'],
      ['delivery', 1, 'met'],
      ['acceptance', 1, 'met'],
      ['fix', 1, 'met'],
      ['acceptance', 2, 'running'],
    ]);
    expect(nextAlarm(redelivered, new Set())).toMatchObject({ key: 'acceptance:2:lapsed', atMs: d2 + 30 * DAY });
  });
});

describe('the next deadline owed (what the work lists sort by)', () => {
  it('is the review deadline of a request in review', () => {
    const r = record();
    expect(nextDeadlineAt(r.status, changeRequestDeadlines(r, tehran('2026-11-23T10:00')))).toBe(r.reviewDueAtMs);
  });

  it('still counts a deadline that has passed unmet, the soonest first', () => {
    const r = record();
    expect(nextDeadlineAt(r.status, changeRequestDeadlines(r, tehran('2026-12-10T10:00')))).toBe(r.reviewDueAtMs);
  });

  it('skips the deadlines met and is null for an ended request', () => {
    const reviewed = record({ reviewedAtMs: tehran('2026-11-24T10:00') });
    expect(nextDeadlineAt('rejected', changeRequestDeadlines(reviewed, tehran('2026-11-25T10:00')))).toBeNull();
    expect(nextDeadlineAt('in_review', changeRequestDeadlines(reviewed, tehran('2026-11-25T10:00')))).toBeNull();
    const cancelled = record({ status: 'cancelled', closedAtMs: tehran('2026-11-23T10:00') });
    expect(nextDeadlineAt('cancelled', changeRequestDeadlines(cancelled, tehran('2026-11-25T10:00')))).toBeNull();
  });
});
