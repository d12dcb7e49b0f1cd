import {
  formatJalaliMonth,
  jalaliMonthOf,
  jalaliMonthSpan,
  nextJalaliMonth,
  parseJalaliMonth,
} from '../../../sla/jalali-month';
import { inTehran, MINUTE, tehran } from './support';

describe('a Jalali month written as YYYY-MM', () => {
  it('reads and writes "1405-09"', () => {
    expect(parseJalaliMonth('1405-09')).toEqual({ year: 1405, month: 9 });
    expect(formatJalaliMonth({ year: 1405, month: 9 })).toBe('1405-09');
  });

  it.each(['1405-13', '1405-00', '1405-9', '05-09', '1405/09', '', '9999-01'])('refuses "%s"', (text) => {
    expect(parseJalaliMonth(text)).toBeNull();
  });
});

describe('the month an instant falls in, in Tehran', () => {
  it('changes at Tehran midnight, not at UTC midnight', () => {
    // 1 Azar 1405 is Sunday 22 November 2026; Tehran midnight is 20:30 UTC the day before.
    expect(jalaliMonthOf(tehran('2026-11-21T23:59'))).toEqual({ year: 1405, month: 8 });
    expect(jalaliMonthOf(tehran('2026-11-22T00:00'))).toEqual({ year: 1405, month: 9 });
  });

  it('is followed by the next month, Esfand by Farvardin of the next year', () => {
    expect(nextJalaliMonth({ year: 1405, month: 9 })).toEqual({ year: 1405, month: 10 });
    expect(nextJalaliMonth({ year: 1404, month: 12 })).toEqual({ year: 1405, month: 1 });
  });

  it('runs from Tehran midnight to Tehran midnight: 31, 30 and 29 days', () => {
    const farvardin = jalaliMonthSpan({ year: 1405, month: 1 });
    expect(inTehran(farvardin.startMs)).toBe('2026-03-21T00:00');
    expect((farvardin.endMs - farvardin.startMs) / MINUTE).toBe(44_640);
    const azar = jalaliMonthSpan({ year: 1405, month: 9 });
    expect(inTehran(azar.startMs)).toBe('2026-11-22T00:00');
    expect((azar.endMs - azar.startMs) / MINUTE).toBe(43_200);
    const esfand = jalaliMonthSpan({ year: 1404, month: 12 });
    expect((esfand.endMs - esfand.startMs) / MINUTE).toBe(29 * 1440);
  });
});
