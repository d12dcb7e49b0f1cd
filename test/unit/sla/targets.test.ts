/**
 * Pauses (rule 4) and warning thresholds on kian-office (Sat–Wed 08:30–17:30)
 * and iotex-office (Sat–Wed 09:00–17:00), in the week of 21 November 2026.
 */
import { businessMinutesBetween } from '../../../sla/business-time';
import {
  businessMinutesAllowed,
  deadlineFor,
  deadlineWithPauses,
  instantAtPercentUsed,
  type TargetSpec,
} from '../../../sla/targets';
import { inTehran, presetCalendar, presetCalendars, tehran } from './support';

const kian = presetCalendar('kian-office');
const iotex = presetCalendar('iotex-office');
const oneBusinessDay: TargetSpec = { unit: 'business_days', amount: 1, calendar: 'kian-office' };
const eightHours: TargetSpec = { unit: 'business_minutes', amount: 480, calendar: 'iotex-office' };
const saturdayNine = tehran('2026-11-21T09:00');

describe('a deadline without pauses', () => {
  it('is the calendar arithmetic of its unit', () => {
    expect(inTehran(deadlineFor(oneBusinessDay, saturdayNine, presetCalendars()))).toBe('2026-11-22T09:00');
  });

  it('does not exist for review and none targets', () => {
    expect(deadlineFor({ unit: 'review', calendar: 'kian-office' }, saturdayNine, presetCalendars())).toBeNull();
    expect(deadlineFor({ unit: 'none', calendar: 'kian-office' }, saturdayNine, presetCalendars())).toBeNull();
  });

  it('refuses a business-minutes target without an amount', () => {
    expect(() =>
      deadlineFor({ unit: 'business_minutes', calendar: 'kian-office' }, saturdayNine, presetCalendars()),
    ).toThrow(RangeError);
  });
});

describe('a deadline with pauses', () => {
  it('moves back by the business time of a short pause', () => {
    const pauses = [{ start: tehran('2026-11-21T10:00'), end: tehran('2026-11-21T12:00') }];
    expect(inTehran(deadlineWithPauses(oneBusinessDay, saturdayNine, kian, pauses))).toBe('2026-11-22T11:00');
  });

  it('counts overlapping pauses once', () => {
    const pauses = [
      { start: tehran('2026-11-21T10:00'), end: tehran('2026-11-21T11:00') },
      { start: tehran('2026-11-21T10:30'), end: tehran('2026-11-21T12:00') },
    ];
    expect(inTehran(deadlineWithPauses(oneBusinessDay, saturdayNine, kian, pauses))).toBe('2026-11-22T11:00');
  });

  it('ignores the closed hours inside a pause', () => {
    // Paused from Wednesday 17:00 to Saturday 09:00 covers 17:00–17:30 and 08:30–09:00: 60 business minutes.
    const opened = tehran('2026-11-25T16:00');
    const pauses = [{ start: tehran('2026-11-25T17:00'), end: tehran('2026-11-28T09:00') }];
    expect(inTehran(deadlineWithPauses(oneBusinessDay, opened, kian, pauses))).toBe('2026-11-28T17:00');
  });

  it('follows a long pause past the unpaused deadline', () => {
    // Active: Sat 09:00–10:00 (60) + Mon 10:00–17:30 (450) + Tue 08:30–09:00 (30) = 540 = one Kian day.
    const pauses = [{ start: tehran('2026-11-21T10:00'), end: tehran('2026-11-23T10:00') }];
    const deadline = deadlineWithPauses(oneBusinessDay, saturdayNine, kian, pauses);
    expect(inTehran(deadline)).toBe('2026-11-24T09:00');
    expect(businessMinutesBetween(kian, saturdayNine, deadline!, pauses)).toBe(540);
  });

  it('is infinitely far while an open-ended pause holds the clock', () => {
    const pauses = [{ start: tehran('2026-11-21T10:00'), end: null }];
    expect(deadlineWithPauses(oneBusinessDay, saturdayNine, kian, pauses)).toBe(Infinity);
  });

  it('is not moved by a pause that ends before the ticket was opened', () => {
    const pauses = [{ start: tehran('2026-11-20T10:00'), end: tehran('2026-11-21T08:00') }];
    expect(inTehran(deadlineWithPauses(oneBusinessDay, saturdayNine, kian, pauses))).toBe('2026-11-22T09:00');
  });
});

describe('the business minutes a target allows', () => {
  it('are the amount of a business-minutes target', () => {
    expect(businessMinutesAllowed(eightHours, tehran('2026-11-25T16:00'), iotex)).toBe(480);
  });

  it('are the open time up to a business-days deadline', () => {
    // Friday 11:00 → Sunday 08:30: all of Saturday, 08:30–17:30.
    expect(businessMinutesAllowed(oneBusinessDay, tehran('2026-11-27T11:00'), kian)).toBe(540);
  });

  it('do not exist for a review target', () => {
    expect(businessMinutesAllowed({ unit: 'review', calendar: 'kian-office' }, saturdayNine, kian)).toBeNull();
  });
});

describe('the instant a share of the target is used', () => {
  it('is 15:00 for 75% of eight hours opened at Saturday 09:00', () => {
    expect(inTehran(instantAtPercentUsed(eightHours, saturdayNine, iotex, 75))).toBe('2026-11-21T15:00');
  });

  it('moves back by an hour paused', () => {
    const pauses = [{ start: tehran('2026-11-21T10:00'), end: tehran('2026-11-21T11:00') }];
    expect(inTehran(instantAtPercentUsed(eightHours, saturdayNine, iotex, 75, pauses))).toBe('2026-11-21T16:00');
  });

  it('is on Sunday 13:00 for a 150% escalation', () => {
    expect(inTehran(instantAtPercentUsed(eightHours, saturdayNine, iotex, 150))).toBe('2026-11-22T13:00');
  });

  it('comes before the deadline below 100% and after it above', () => {
    const opened = tehran('2026-11-27T11:00');
    const deadline = deadlineFor(oneBusinessDay, opened, presetCalendars())!;
    expect(instantAtPercentUsed(oneBusinessDay, opened, kian, 75)!).toBeLessThan(deadline);
    expect(instantAtPercentUsed(oneBusinessDay, opened, kian, 150)!).toBeGreaterThan(deadline);
  });
});
