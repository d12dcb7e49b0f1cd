/**
 * Deadlines of every preset policy and priority, computed by hand for two
 * openings: Wednesday 25 November 2026 at 16:00 (A) and Thursday 26 November
 * at 20:30 (B), in a week with no official holiday.
 */
import {
  CALENDAR_PRESET_KEYS,
  POLICY_PRESET_KEYS,
  ticketPolicyPresets,
  type PolicyPresetKey,
} from '../../../sla/presets';
import { PRIORITIES, validateTicketPolicy, type Priority } from '../../../sla/policy';
import { deadlineFor } from '../../../sla/targets';
import { inTehran, presetCalendars, tehran } from './support';

const A = tehran('2026-11-25T16:00');
const B = tehran('2026-11-26T20:30');
const calendars = presetCalendars();

type Expected = [firstResponse: string | null, resolution: string | null];
type Table = Record<Priority, { A: Expected; B: Expected }>;

const same = (a: Expected, b: Expected): Table[Priority] => ({ A: a, B: b });
const everyPriority = (row: Table[Priority]): Table => ({ critical: row, high: row, medium: row, low: row });

const expected: Record<PolicyPresetKey, Table> = {
  'owj-basic': everyPriority(same([null, null], [null, null])),
  'owj-committed': {
    critical: same(['2026-11-25T16:30', '2026-11-26T16:00'], ['2026-11-26T21:00', '2026-11-28T20:30']),
    high: same(['2026-11-25T16:30', '2026-11-26T16:00'], ['2026-11-26T21:00', '2026-11-28T20:30']),
    medium: same(['2026-11-25T16:30', null], ['2026-11-26T21:00', null]),
    low: same(['2026-11-25T16:30', null], ['2026-11-26T21:00', null]),
  },
  'owj-agile': {
    critical: same(['2026-11-25T16:15', '2026-11-25T19:00'], ['2026-11-26T20:45', '2026-11-27T12:30']),
    high: same(['2026-11-25T16:30', '2026-11-26T16:00'], ['2026-11-26T21:00', '2026-11-27T17:00']),
    medium: same(['2026-11-25T17:00', '2026-11-28T16:00'], ['2026-11-27T10:30', '2026-11-29T20:30']),
    low: same(['2026-11-25T17:00', '2026-11-29T16:00'], ['2026-11-27T10:30', '2026-11-30T20:30']),
  },
  avanak: everyPriority(same(['2026-11-26T16:00', '2026-11-29T16:00'], ['2026-11-27T20:30', '2026-12-01T08:30'])),
  'kian-product-bronze': everyPriority(same(['2026-11-30T16:00', null], ['2026-12-01T08:30', null])),
  'kian-product-silver': everyPriority(same(['2026-11-29T16:00', null], ['2026-11-30T08:30', null])),
  'kian-product-gold': everyPriority(same(['2026-11-28T16:00', null], ['2026-11-29T08:30', null])),
  'kian-project-basic': everyPriority(same(['2026-11-30T16:00', null], ['2026-12-01T08:30', null])),
  'kian-project-silver': everyPriority(same(['2026-11-29T16:00', null], ['2026-11-30T08:30', null])),
  'kian-project-gold': everyPriority(same(['2026-11-28T16:00', null], ['2026-11-29T08:30', null])),
  'iotex-basic': everyPriority(same(['2026-11-28T16:00', null], ['2026-11-28T17:00', null])),
  'iotex-standard': everyPriority(same(['2026-11-28T12:00', null], ['2026-11-28T13:00', null])),
  'iotex-premium': everyPriority(same(['2026-11-28T10:00', null], ['2026-11-28T11:00', null])),
};

describe.each(POLICY_PRESET_KEYS)('the %s preset', (key) => {
  const policy = ticketPolicyPresets[key];

  it.each(PRIORITIES)('sets the hand-computed deadlines for a %s ticket', (priority) => {
    const { firstResponse, resolution } = policy.priorities[priority];
    const row = expected[key][priority];
    expect(inTehran(deadlineFor(firstResponse, A, calendars))).toBe(row.A[0]);
    expect(inTehran(deadlineFor(resolution, A, calendars))).toBe(row.A[1]);
    expect(inTehran(deadlineFor(firstResponse, B, calendars))).toBe(row.B[0]);
    expect(inTehran(deadlineFor(resolution, B, calendars))).toBe(row.B[1]);
  });

  it('texts the department manager about critical and high breaches and notifies in-app about the others', () => {
    expect(policy.priorities.critical.breachAction).toEqual({ channel: 'sms', recipients: ['department_manager'] });
    expect(policy.priorities.high.breachAction).toEqual({ channel: 'sms', recipients: ['department_manager'] });
    expect(policy.priorities.medium.breachAction).toEqual({ channel: 'in_app', recipients: ['department_manager'] });
    expect(policy.priorities.low.breachAction).toEqual({ channel: 'in_app', recipients: ['department_manager'] });
  });

  it('is a valid policy on the preset calendars', () => {
    expect(validateTicketPolicy(policy, new Set(CALENDAR_PRESET_KEYS))).toEqual([]);
  });

  // Avanak's review is its seed's 24 clock hours (rule 13: its fix counts from the review result).
  it(key === 'avanak' ? 'gives a review 24 clock hours' : 'gives a review one business day', () => {
    expect(policy.reviewDeadline).toMatchObject(
      key === 'avanak'
        ? { unit: 'business_minutes', amount: 1440, calendar: 'always-open' }
        : { unit: 'business_days', amount: 1 },
    );
  });
});

describe('the plans', () => {
  it('refuse tickets only on Owj Basic', () => {
    const refusing = POLICY_PRESET_KEYS.filter((key) => !ticketPolicyPresets[key].ticketsAllowed);
    expect(refusing).toEqual(['owj-basic']);
  });

  it('leave Owj Committed medium and low resolutions to a review', () => {
    expect(ticketPolicyPresets['owj-committed'].priorities.medium.resolution.unit).toBe('review');
    expect(ticketPolicyPresets['owj-committed'].priorities.low.resolution.unit).toBe('review');
  });

  it("count Avanak's 24-hour review in clock time and its fix on Amoot's office calendar", () => {
    expect(ticketPolicyPresets.avanak.priorities.low.firstResponse).toEqual({
      unit: 'business_minutes',
      amount: 1440,
      calendar: 'always-open',
    });
    expect(ticketPolicyPresets.avanak.priorities.low.resolution).toEqual({
      unit: 'business_days',
      amount: 3,
      calendar: 'amoot-office',
    });
  });

  it('reach Owj Agile Nowruz tickets on holiday hours while Committed waits for Wednesday', () => {
    const nowruzEve = tehran('2026-03-19T20:00');
    const agile = ticketPolicyPresets['owj-agile'].priorities.critical.resolution;
    const committed = ticketPolicyPresets['owj-committed'].priorities.critical.resolution;
    expect(inTehran(deadlineFor(agile, nowruzEve, calendars))).toBe('2026-03-20T12:00');
    expect(inTehran(deadlineFor(committed, nowruzEve, calendars))).toBe('2026-03-25T20:00');
  });
});
