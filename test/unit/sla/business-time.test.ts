/** Edges of business-time arithmetic, on small calendars made for each case. */
import {
  addBusinessDays,
  addBusinessMinutes,
  businessMinutesBetween,
  endOfNextBusinessDay,
  isOpen,
  nextOpening,
  sameBusinessDayEnd,
} from '../../../sla/business-time';
import { compileCalendar } from '../../../sla/calendar';
import { BusinessTimeLimitError } from '../../../sla/limits';
import { inTehran, specOf, tehran, utc } from './support';

const TEHRAN = 'Asia/Tehran';
const NINE_TO_FIVE: [string, string][] = [['09:00', '17:00']];

describe('interval edges', () => {
  const cal = compileCalendar(specOf(TEHRAN, { sat: NINE_TO_FIVE, sun: NINE_TO_FIVE }));

  it('is open at the opening minute and closed at the closing minute', () => {
    expect(isOpen(cal, tehran('2026-11-21T09:00'))).toBe(true);
    expect(isOpen(cal, tehran('2026-11-21T17:00'))).toBe(false);
    expect(isOpen(cal, tehran('2026-11-21T16:59'))).toBe(true);
  });

  it('finds the next opening from the closing minute on the next open day', () => {
    expect(inTehran(nextOpening(cal, tehran('2026-11-21T17:00')))).toBe('2026-11-22T09:00');
    expect(inTehran(nextOpening(cal, tehran('2026-11-22T17:00')))).toBe('2026-11-28T09:00');
  });

  it('returns the start itself when nothing is to be added', () => {
    expect(addBusinessMinutes(cal, tehran('2026-11-21T20:00'), 0)).toBe(tehran('2026-11-21T20:00'));
  });

  it('ends exactly at closing when the time runs out there, rather than at the next opening', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T16:00'), 60))).toBe('2026-11-21T17:00');
  });

  it('starts counting at the next opening when opened after hours', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T18:00'), 1))).toBe('2026-11-22T09:01');
  });

  it('adds fractional minutes in milliseconds', () => {
    expect(addBusinessMinutes(cal, tehran('2026-11-21T09:00'), 0.5)).toBe(tehran('2026-11-21T09:00') + 30_000);
  });

  it('refuses negative amounts', () => {
    expect(() => addBusinessMinutes(cal, tehran('2026-11-21T09:00'), -1)).toThrow(RangeError);
    expect(() => addBusinessDays(cal, tehran('2026-11-21T09:00'), 1.5)).toThrow(RangeError);
  });

  it('measures nothing between an instant and an earlier one', () => {
    expect(businessMinutesBetween(cal, tehran('2026-11-22T10:00'), tehran('2026-11-21T10:00'))).toBe(0);
  });

  it('jumps a week of closed days', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-22T16:30'), 60))).toBe('2026-11-28T09:30');
  });
});

describe('business days with a break whose hours differ by day', () => {
  // Monday 08:00–12:00 and 13:00–17:00; Tuesday 08:00–10:00 and 14:00–18:00.
  const cal = compileCalendar(
    specOf(TEHRAN, {
      mon: [
        ['08:00', '12:00'],
        ['13:00', '17:00'],
      ],
      tue: [
        ['08:00', '10:00'],
        ['14:00', '18:00'],
      ],
    }),
  );

  it("ends at the start of Tuesday's break when Monday's clock time falls in it", () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-23T11:00'), 1))).toBe('2026-11-24T10:00');
  });

  it('ends at the same clock time when it is open on the target day', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-23T09:30'), 1))).toBe('2026-11-24T09:30');
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-23T15:00'), 1))).toBe('2026-11-24T15:00');
  });

  it('gives the start itself, once open, for zero days', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-23T12:30'), 0))).toBe('2026-11-23T13:00');
  });
});

describe('same business day and end of next business day', () => {
  const cal = compileCalendar(specOf(TEHRAN, { sat: NINE_TO_FIVE, sun: NINE_TO_FIVE, mon: NINE_TO_FIVE }));

  it('ends the same business day at its closing, also when opened before the opening', () => {
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-21T10:00')))).toBe('2026-11-21T17:00');
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-21T07:00')))).toBe('2026-11-21T17:00');
  });

  it('ends the same business day of a ticket opened at closing on the next business day', () => {
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-21T17:00')))).toBe('2026-11-22T17:00');
  });

  it('ends the next business day on the first business day after the day of receipt, even if received before opening', () => {
    expect(inTehran(endOfNextBusinessDay(cal, tehran('2026-11-21T07:00')))).toBe('2026-11-22T17:00');
    expect(inTehran(endOfNextBusinessDay(cal, tehran('2026-11-23T10:00')))).toBe('2026-11-28T17:00');
  });
});

describe('holidays and exceptions', () => {
  const spec = specOf(
    TEHRAN,
    { sat: NINE_TO_FIVE, sun: NINE_TO_FIVE, mon: NINE_TO_FIVE },
    {
      holidayHours: [{ start: '10:00', end: '12:00' }],
      holidays: [
        { date: '2026-11-22', name: 'A holiday' },
        { date: '2026-11-23', name: 'A holiday with an exception' },
      ],
      exceptions: [{ date: '2026-11-23', intervals: [{ start: '13:00', end: '14:00' }] }],
    },
  );
  const cal = compileCalendar(spec);

  it('opens holiday hours on a holiday', () => {
    expect(businessMinutesBetween(cal, tehran('2026-11-22T00:00'), tehran('2026-11-23T00:00'))).toBe(120);
  });

  it('lets an exception win over a holiday', () => {
    expect(isOpen(cal, tehran('2026-11-23T10:30'))).toBe(false);
    expect(isOpen(cal, tehran('2026-11-23T13:30'))).toBe(true);
  });

  it('counts the three days as 8 + 2 + 1 hours', () => {
    expect(businessMinutesBetween(cal, tehran('2026-11-21T00:00'), tehran('2026-11-24T00:00'))).toBe(11 * 60);
  });

  it('lets an exception close a whole day', () => {
    const closed = compileCalendar({ ...spec, exceptions: [{ date: '2026-11-21', intervals: [] }] });
    expect(inTehran(nextOpening(closed, tehran('2026-11-21T09:00')))).toBe('2026-11-22T10:00');
  });
});

describe('pauses when measuring business time', () => {
  const cal = compileCalendar(specOf(TEHRAN, { sat: NINE_TO_FIVE, sun: NINE_TO_FIVE }));
  const from = tehran('2026-11-21T09:00');
  const to = tehran('2026-11-22T17:00');

  it('subtract only their open part', () => {
    const pauses = [{ start: tehran('2026-11-21T16:00'), end: tehran('2026-11-22T10:00') }];
    expect(businessMinutesBetween(cal, from, to, pauses)).toBe(960 - 120);
  });

  it('count overlapping pauses once', () => {
    const pauses = [
      { start: tehran('2026-11-21T10:00'), end: tehran('2026-11-21T12:00') },
      { start: tehran('2026-11-21T11:00'), end: tehran('2026-11-21T13:00') },
    ];
    expect(businessMinutesBetween(cal, from, to, pauses)).toBe(960 - 180);
  });

  it('run an open-ended pause to the end of the measured span', () => {
    const pauses = [{ start: tehran('2026-11-22T16:00'), end: null }];
    expect(businessMinutesBetween(cal, from, to, pauses)).toBe(960 - 60);
  });

  it('clip a pause that began before the span', () => {
    const pauses = [{ start: tehran('2026-11-20T09:00'), end: tehran('2026-11-21T10:00') }];
    expect(businessMinutesBetween(cal, from, to, pauses)).toBe(960 - 60);
  });

  it('skip paused time when adding', () => {
    const pauses = [{ start: tehran('2026-11-21T10:00'), end: tehran('2026-11-21T12:00') }];
    expect(inTehran(addBusinessMinutes(cal, from, 120, pauses))).toBe('2026-11-21T13:00');
  });
});

describe('a calendar in Europe/Berlin across daylight-saving changes', () => {
  const everyDay: [string, string][] = [['00:00', '24:00']];
  const allWeek = specOf('Europe/Berlin', {
    sat: everyDay,
    sun: everyDay,
    mon: everyDay,
    tue: everyDay,
    wed: everyDay,
    thu: everyDay,
    fri: everyDay,
  });
  const always = compileCalendar(allWeek);
  const office = compileCalendar(specOf('Europe/Berlin', { mon: NINE_TO_FIVE, fri: NINE_TO_FIVE }));
  const night = compileCalendar(specOf('Europe/Berlin', { sun: [['01:30', '03:30']] }));

  it('has a 23-hour Sunday when clocks spring forward on 29 March 2026', () => {
    expect(businessMinutesBetween(always, utc('2026-03-28T23:00Z'), utc('2026-03-29T22:00Z'))).toBe(23 * 60);
    expect(always.dayAt(utc('2026-03-29T12:00Z')).endMs - always.dayAt(utc('2026-03-29T12:00Z')).startMs).toBe(
      23 * 3_600_000,
    );
  });

  it('has a 25-hour Sunday when clocks fall back on 25 October 2026', () => {
    const day = always.dayAt(utc('2026-10-25T12:00Z'));
    expect(day.startMs).toBe(utc('2026-10-24T22:00Z'));
    expect(day.endMs).toBe(utc('2026-10-25T23:00Z'));
  });

  it('counts 1440 business minutes as 24 real hours over the change', () => {
    expect(addBusinessMinutes(always, utc('2026-03-28T11:00Z'), 1440)).toBe(utc('2026-03-29T11:00Z'));
  });

  it('keeps the wall-clock time for one business day over the change', () => {
    // Saturday 12:00 CET → Sunday 12:00 CEST.
    expect(addBusinessDays(always, utc('2026-03-28T11:00Z'), 1)).toBe(utc('2026-03-29T10:00Z'));
    expect(addBusinessDays(office, utc('2026-03-27T09:00Z'), 1)).toBe(utc('2026-03-30T08:00Z'));
  });

  it('moves a wall time that does not exist forward by the skipped hour', () => {
    // Saturday 02:30 CET; 02:30 on Sunday is skipped, so 03:30 CEST.
    expect(addBusinessDays(always, utc('2026-03-28T01:30Z'), 1)).toBe(utc('2026-03-29T01:30Z'));
  });

  it('carries minutes from a Friday in CET to a Monday in CEST', () => {
    expect(addBusinessMinutes(office, utc('2026-03-27T15:00Z'), 120)).toBe(utc('2026-03-30T08:00Z'));
  });

  it('shortens an interval across the skipped hour and lengthens one across the repeated hour', () => {
    expect(businessMinutesBetween(night, utc('2026-03-28T23:00Z'), utc('2026-03-29T22:00Z'))).toBe(60);
    expect(businessMinutesBetween(night, utc('2026-10-24T22:00Z'), utc('2026-10-25T23:00Z'))).toBe(180);
    expect(businessMinutesBetween(night, utc('2026-04-04T22:00Z'), utc('2026-04-05T22:00Z'))).toBe(120);
  });

  it("ends the same business day at the next midnight's wall time", () => {
    expect(sameBusinessDayEnd(always, utc('2026-03-29T12:00Z'))).toBe(utc('2026-03-29T22:00Z'));
  });
});

describe('the hard cap on a walk (sla/limits.ts)', () => {
  const office = compileCalendar(specOf(TEHRAN, { sat: NINE_TO_FIVE, sun: NINE_TO_FIVE }));
  const start = tehran('2026-11-21T10:00');

  it('refuses 1e15 business minutes at the cap, instead of walking until the heap runs out', () => {
    // No timing here (timed unit tests flake on a loaded machine): without the cap this call
    // never returns, so the test's own timeout is the bound; the message names the cap.
    expect(() => addBusinessMinutes(office, start, 1e15)).toThrow(/more than 36,?600 calendar days/);
  });

  it('refuses a million business days before walking any', () => {
    expect(() => addBusinessDays(office, start, 1_000_000)).toThrow(BusinessTimeLimitError);
  });

  it('refuses to measure business time across more than a century', () => {
    expect(() => businessMinutesBetween(office, start, start + 101 * 365.25 * 86_400_000)).toThrow(
      BusinessTimeLimitError,
    );
  });

  it('still adds the largest bounded targets: 1,000 business days and 200,000 business minutes', () => {
    // Two business days a week: the 1,000th is the Saturday 500 weeks on.
    expect(inTehran(addBusinessDays(office, start, 1_000))).toBe('2036-06-21T10:00');
    expect(addBusinessMinutes(office, start, 200_000)).toBeGreaterThan(start);
  });
});
