import { validateTicketPolicy, type TicketPolicy } from '../../../sla/policy';
import { ticketPolicyPresets } from '../../../sla/presets';

const known = new Set(['owj-agile', 'amoot-office']);
const base = ticketPolicyPresets['owj-agile'];
const problemsOf = (policy: TicketPolicy) => validateTicketPolicy(policy, known);
const withHigh = (resolution: TicketPolicy['priorities']['high']['resolution']): TicketPolicy => ({
  ...base,
  priorities: { ...base.priorities, high: { ...base.priorities.high, resolution } },
});

describe('validating a ticket policy', () => {
  it('accepts a preset on its calendars', () => {
    expect(problemsOf(base)).toEqual([]);
  });

  it('names a target without a calendar', () => {
    expect(problemsOf(withHigh({ unit: 'business_days', amount: 1, calendar: '' }))).toEqual([
      { path: 'priorities.high.resolution.calendar', message: 'the target names no calendar' },
    ]);
  });

  it('names a target on an unknown calendar', () => {
    expect(problemsOf(withHigh({ unit: 'business_days', amount: 1, calendar: 'mars-office' }))).toEqual([
      { path: 'priorities.high.resolution.calendar', message: 'unknown calendar "mars-office"' },
    ]);
  });

  it('wants a positive amount for business minutes and a whole one for business days', () => {
    const path = 'priorities.high.resolution.amount';
    expect(problemsOf(withHigh({ unit: 'business_minutes', calendar: 'owj-agile' }))).toEqual([
      { path, message: 'is required for business_minutes' },
    ]);
    expect(problemsOf(withHigh({ unit: 'business_minutes', amount: 0, calendar: 'owj-agile' }))).toEqual([
      { path, message: 'must be greater than 0' },
    ]);
    expect(problemsOf(withHigh({ unit: 'business_days', amount: -2, calendar: 'owj-agile' }))).toEqual([
      { path, message: 'must be greater than 0' },
    ]);
    expect(problemsOf(withHigh({ unit: 'business_days', amount: 1.5, calendar: 'owj-agile' }))).toEqual([
      { path, message: 'business days must be a whole number' },
    ]);
  });

  it('names an amount that a unit does not use', () => {
    expect(problemsOf(withHigh({ unit: 'same_business_day', amount: 2, calendar: 'owj-agile' }))).toEqual([
      { path: 'priorities.high.resolution.amount', message: 'has no meaning for same_business_day' },
    ]);
  });

  it('wants warning thresholds increasing and below 100', () => {
    expect(problemsOf({ ...base, warningAtPercent: [75, 50, 100] })).toEqual([
      { path: 'warningAtPercent[1]', message: 'thresholds must increase' },
      { path: 'warningAtPercent[2]', message: 'must be between 0 and 100, exclusive' },
    ]);
  });

  it('wants escalations increasing and above 100', () => {
    const action = base.escalations[0]!.action;
    expect(
      problemsOf({
        ...base,
        escalations: [
          { atPercent: 200, action },
          { atPercent: 150, action },
          { atPercent: 90, action },
        ],
      }),
    ).toEqual([
      { path: 'escalations[1].atPercent', message: 'thresholds must increase' },
      { path: 'escalations[2].atPercent', message: 'must be above 100' },
    ]);
  });

  it('wants every breach action to reach someone, once', () => {
    const priorities = {
      ...base.priorities,
      low: { ...base.priorities.low, breachAction: { channel: 'in_app' as const, recipients: [] } },
      medium: {
        ...base.priorities.medium,
        breachAction: { channel: 'sms' as const, recipients: ['qa' as const, 'qa' as const] },
      },
    };
    expect(problemsOf({ ...base, priorities }).map((problem) => problem.path)).toEqual([
      'priorities.medium.breachAction.recipients',
      'priorities.low.breachAction.recipients',
    ]);
  });

  it('wants a review deadline that is a deadline', () => {
    expect(problemsOf({ ...base, reviewDeadline: { unit: 'review', calendar: 'owj-agile' } })).toEqual([
      { path: 'reviewDeadline.unit', message: 'a review deadline must set a deadline' },
    ]);
  });

  it('wants the policy named', () => {
    expect(problemsOf({ ...base, key: '', vendor: ' ' }).map((problem) => problem.path)).toEqual(['key', 'vendor']);
  });
});

describe('the bounds on a ticket policy (sla/limits.ts)', () => {
  it('refuses a first-response amount of 1e15 business minutes, naming the field', () => {
    const priorities = {
      ...base.priorities,
      critical: {
        ...base.priorities.critical,
        firstResponse: { unit: 'business_minutes' as const, amount: 1e15, calendar: 'owj-agile' },
      },
    };
    expect(problemsOf({ ...base, priorities })).toEqual([
      { path: 'priorities.critical.firstResponse.amount', message: 'must be at most 200,000 business minutes' },
    ]);
  });

  it('refuses more than 1,000 business days and accepts exactly 1,000', () => {
    expect(problemsOf(withHigh({ unit: 'business_days', amount: 1_000_000, calendar: 'owj-agile' }))).toEqual([
      { path: 'priorities.high.resolution.amount', message: 'must be at most 1,000 business days' },
    ]);
    expect(problemsOf(withHigh({ unit: 'business_days', amount: 1_000, calendar: 'owj-agile' }))).toEqual([]);
  });

  it('refuses an escalation beyond 1,000% of the target', () => {
    const action = base.escalations[0]!.action;
    expect(
      problemsOf({
        ...base,
        escalations: [
          { atPercent: 150, action },
          { atPercent: 1e9, action },
        ],
      }),
    ).toEqual([{ path: 'escalations[1].atPercent', message: 'must be at most 1,000' }]);
  });
});
