// Pasban rule 13 (seed 001, Avanak): "minor panel errors are reviewed within 24 hours and the
// result told to the customer; if the fault is Avanak's, it is fixed within 3 business days" —
// the 3 business days count from the review result, on Amoot's office calendar (shift 1:
// Sat–Wed 08:30–17:00, Thu 08:30–14:00, closed Fridays and official holidays), not from opening.
import { iranianOfficialHolidays } from '../../../sla/holidays';
import { validateTicketPolicy } from '../../../sla/policy';
import { calendarPresets, ticketPolicyPresets, withHolidays } from '../../../sla/presets';
import {
  initialTicketState,
  refusalOf,
  stateFromTimeline,
  TicketRules,
  ticketView,
  transition,
  withResolutionFromOpening,
  type RecordedTicketEvent,
  type TicketCommand,
  type TicketState,
} from '../../../sla/ticket-machine';
import { inTehran, tehran } from './support';

// The published 1405 holidays: Wed 2 Dey 1405 (2026-12-23), the Birth of Imam Ali, is one.
const calendars = [calendarPresets['amoot-office'], calendarPresets['always-open']].map((spec) =>
  withHolidays(spec, iranianOfficialHolidays(1405, 1405)),
);
const avanak = ticketPolicyPresets.avanak;
const agent = 'agent:sara';

function play(rules: TicketRules, state: TicketState, command: TicketCommand, nowMs: number) {
  const refusal = refusalOf(rules, state, command, nowMs);
  if (refusal) throw new Error(refusal);
  return transition(rules, state, command, nowMs);
}

const target = (rules: TicketRules, state: TicketState, nowMs: number, name: string) =>
  ticketView(rules, 't', state, nowMs).targets.find((t) => t.target === name);

describe("rule 13: Avanak's fix counts from the review result", () => {
  // Opened Saturday 19 Dec 2026 (28 Azar 1405) 10:00; reviewed Monday 21 Dec 14:00.
  const openedAtMs = tehran('2026-12-19T10:00');
  const reviewedAtMs = tehran('2026-12-21T14:00');

  it('reads the preset as the seed says: review in 24 clock hours, the fix 3 business days on the office calendar, from the review result', () => {
    for (const terms of Object.values(avanak.priorities)) {
      expect(terms.resolution).toEqual({ unit: 'business_days', amount: 3, calendar: 'amoot-office' });
      expect(terms.resolutionFrom).toBe('review_result');
    }
    expect(avanak.reviewDeadline).toEqual({ unit: 'business_minutes', amount: 24 * 60, calendar: 'always-open' });
    expect(validateTicketPolicy(avanak, new Set(Object.keys(calendarPresets)))).toEqual([]);
  });

  it('before the review, the fix waits on it: no fix deadline, the review due 24 clock hours after opening', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const state = initialTicketState('high', openedAtMs);
    const view = ticketView(rules, 't', state, openedAtMs);
    expect(view.targets.map((t) => [t.target, t.state])).toEqual([
      ['first_response', 'running'],
      ['review', 'running'],
      ['resolution', 'awaiting_review'],
    ]);
    expect(inTehran(target(rules, state, openedAtMs, 'review')!.dueAtMs)).toBe('2026-12-20T10:00');
    expect(target(rules, state, openedAtMs, 'resolution')).toMatchObject({ dueAtMs: null, calendar: 'amoot-office' });
    // No timer for the fix: the next alarms are the first response's and the review's (75% of 24 h = Sunday 04:00).
    expect(rules.clocks(state, openedAtMs).find((c) => c.target === 'resolution')!.alarms).toEqual([]);
    expect(inTehran(view.nextAlarm!.atMs)).toBe('2026-12-20T04:00');
    expect(view.nextAlarm!.target).toBe('first_response');
  });

  it('opened Sat 10:00, fault confirmed Mon 14:00: fixed by Sat 14:00, three office days later (Tue, Thu; Wed 2 Dey is a holiday, Friday closed)', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const made = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'confirmFault', actor: agent, finding: 'خطای پنل از سمت آوانک است' },
      reviewedAtMs,
    );
    const fix = target(rules, made.state, reviewedAtMs, 'resolution')!;
    expect(fix.state).toBe('running');
    expect(fix.startMs).toBe(reviewedAtMs);
    expect(inTehran(fix.dueAtMs)).toBe('2026-12-26T14:00');
    // Counted from the opening (the old reading) it would have been Tue 22 Dec 10:00.
    const fromOpening = new TicketRules(withResolutionFromOpening(avanak), calendars, openedAtMs);
    expect(
      inTehran(target(fromOpening, initialTicketState('high', openedAtMs), openedAtMs, 'resolution')!.dueAtMs),
    ).toBe('2026-12-22T10:00');
    // The review outcome is recorded (met: 28 hours is late for 24 clock hours) and the customer told.
    expect(made.outcomes.map((o) => [o.target, o.breached, o.completedAtMs])).toEqual([['review', true, reviewedAtMs]]);
    expect(made.event).toMatchObject({
      type: 'fault_confirmed',
      notifyCustomer: true,
      data: { finding: 'خطای پنل از سمت آوانک است', fixDueAtMs: tehran('2026-12-26T14:00') },
    });
    // The fix's breach fires at its deadline; its warning at 75% of the office time after the review.
    const alarms = rules.clocks(made.state, reviewedAtMs).find((c) => c.target === 'resolution')!.alarms;
    expect(alarms.filter((a) => a.kind !== 'warning').map((a) => [a.kind, inTehran(a.atMs)])[0]).toEqual([
      'breach',
      '2026-12-26T14:00',
    ]);
    expect(target(rules, made.state, tehran('2026-12-26T14:01'), 'resolution')!.breached).toBe(true);
    expect(target(rules, made.state, tehran('2026-12-26T13:59'), 'resolution')!.breached).toBe(false);
  });

  it('reviewed within the day: the review is met and the fix still counts from its result', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const made = play(
      rules,
      initialTicketState('low', openedAtMs),
      { type: 'confirmFault', actor: agent, finding: 'x' },
      tehran('2026-12-19T16:30'),
    );
    expect(made.outcomes[0]).toMatchObject({ target: 'review', breached: false });
    // Sat 16:30 → Sun, Mon, Tue at 16:30.
    expect(inTehran(target(rules, made.state, tehran('2026-12-19T16:30'), 'resolution')!.dueAtMs)).toBe(
      '2026-12-22T16:30',
    );
  });

  it("a fault that is not the vendor's has no fix target; substantial programming is fixed by the date announced", () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const rejected = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'rejectRequest', actor: agent, reason: 'خطا از تنظیمات مشتری است' },
      reviewedAtMs,
    );
    expect(target(rules, rejected.state, reviewedAtMs, 'resolution')).toMatchObject({
      state: 'rejected',
      dueAtMs: null,
    });
    const committed = tehran('2027-01-10T12:00');
    const announced = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'announceResolutionDate', actor: agent, dueAtMs: committed },
      reviewedAtMs,
    );
    expect(target(rules, announced.state, reviewedAtMs, 'resolution')).toMatchObject({
      state: 'running',
      dueAtMs: committed,
    });
  });

  it('refuses a second review, and a confirmation on a plan whose fix counts from opening', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const made = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'confirmFault', actor: agent, finding: 'x' },
      reviewedAtMs,
    );
    expect(
      refusalOf(rules, made.state, { type: 'confirmFault', actor: agent, finding: 'y' }, reviewedAtMs + 60_000),
    ).toMatch(/already made \(confirmed\)/);
    expect(
      refusalOf(rules, made.state, { type: 'rejectRequest', actor: agent, reason: 'y' }, reviewedAtMs + 60_000),
    ).toMatch(/already made/);
    const iotex = new TicketRules(ticketPolicyPresets['iotex-standard'], [calendarPresets['iotex-office']], openedAtMs);
    expect(
      refusalOf(
        iotex,
        initialTicketState('high', openedAtMs),
        { type: 'confirmFault', actor: agent, finding: 'x' },
        openedAtMs,
      ),
    ).toMatch(/does not count from a review result/);
    // Owj Committed's review-type resolution (rule 5) takes a date or a rejection, not a confirmation.
    const owj = new TicketRules(ticketPolicyPresets['owj-committed'], [calendarPresets['owj-committed']], openedAtMs);
    expect(
      refusalOf(
        owj,
        initialTicketState('medium', openedAtMs),
        { type: 'confirmFault', actor: agent, finding: 'x' },
        openedAtMs,
      ),
    ).toMatch(/does not count from a review result/);
  });

  it('pauses while waiting on the customer push the fix back only when they fall after the review', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    let state = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'agentReply', actor: agent, public: true, body: 'لطفاً تصویر خطا را بفرستید' },
      tehran('2026-12-19T11:00'),
    ).state;
    state = play(
      rules,
      state,
      { type: 'setStatus', actor: agent, status: 'waiting_on_customer' },
      tehran('2026-12-19T11:01'),
    ).state;
    state = play(
      rules,
      state,
      { type: 'customerReply', actor: 'customer:a', body: 'پیوست شد' },
      tehran('2026-12-20T09:00'),
    ).state;
    state = play(rules, state, { type: 'confirmFault', actor: agent, finding: 'x' }, reviewedAtMs).state;
    expect(inTehran(target(rules, state, reviewedAtMs, 'resolution')!.dueAtMs)).toBe('2026-12-26T14:00');
    // Waiting on the customer again Tue 22 Dec 09:00–13:00 (4 office hours) pushes it 4 office
    // hours on: Sat 14:00–17:00, then Sun 08:30–09:30.
    state = play(
      rules,
      state,
      { type: 'setStatus', actor: agent, status: 'waiting_on_customer' },
      tehran('2026-12-22T09:00'),
    ).state;
    state = play(
      rules,
      state,
      { type: 'customerReply', actor: 'customer:a', body: 'بله' },
      tehran('2026-12-22T13:00'),
    ).state;
    expect(inTehran(target(rules, state, tehran('2026-12-22T13:00'), 'resolution')!.dueAtMs)).toBe('2026-12-27T09:30');
  });

  it('a reopened ticket is reviewed again: its new fix counts from the new review result', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    let state = play(
      rules,
      initialTicketState('high', openedAtMs),
      { type: 'confirmFault', actor: agent, finding: 'x' },
      reviewedAtMs,
    ).state;
    state = play(rules, state, { type: 'resolve', actor: agent, note: 'رفع شد' }, tehran('2026-12-22T10:00')).state;
    state = play(
      rules,
      state,
      { type: 'reopen', actor: 'customer:a', reason: 'دوباره' },
      tehran('2026-12-26T09:00'),
    ).state;
    expect(target(rules, state, tehran('2026-12-26T09:00'), 'resolution')!.state).toBe('awaiting_review');
    state = play(rules, state, { type: 'confirmFault', actor: agent, finding: 'y' }, tehran('2026-12-27T09:00')).state;
    expect(inTehran(target(rules, state, tehran('2026-12-27T09:00'), 'resolution')!.dueAtMs)).toBe('2026-12-30T09:00');
  });

  it('rebuilds a confirmed review from the recorded timeline', () => {
    const rules = new TicketRules(avanak, calendars, openedAtMs);
    const events: RecordedTicketEvent[] = [
      { sequence: 1, atMs: openedAtMs, actor: 'customer:a', type: 'opened', data: { priority: 'high' } },
      { sequence: 2, atMs: reviewedAtMs, actor: agent, type: 'fault_confirmed', data: { finding: 'x', fixDueAtMs: 0 } },
    ];
    const state = stateFromTimeline(rules, openedAtMs, 'high', events);
    expect(state.cycle.review).toEqual({ decision: 'confirmed', atMs: reviewedAtMs });
    expect(inTehran(target(rules, state, reviewedAtMs, 'resolution')!.dueAtMs)).toBe('2026-12-26T14:00');
  });

  it('refuses a policy whose fix counts from a review result but has no deadline', () => {
    const broken = {
      ...avanak,
      priorities: {
        ...avanak.priorities,
        low: { ...avanak.priorities.low, resolution: { unit: 'none' as const, calendar: 'amoot-office' } },
      },
    };
    expect(validateTicketPolicy(broken, new Set(Object.keys(calendarPresets)))).toEqual([
      {
        path: 'priorities.low.resolutionFrom',
        message: 'a resolution counted from the review result needs a deadline; a none resolution has none',
      },
    ]);
  });
});
