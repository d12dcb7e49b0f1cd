import fc from 'fast-check';
import {
  epochDayFromJalali,
  formatJalali,
  formatJalaliLatin,
  gregorianToJalali,
  isJalaliLeapYear,
  jalaliDateAt,
  jalaliFromEpochDay,
  jalaliMonthLength,
  jalaliMonthRange,
  jalaliToGregorian,
  toTehranIso,
} from '../../../sla/jalali';
import { tehran } from './support';

const DAY = 86_400_000;
const persian = new Intl.DateTimeFormat('en-u-ca-persian', {
  timeZone: 'UTC',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
});

function icuJalali(epochDay: number): { year: number; month: number; day: number } {
  const parts = Object.fromEntries(persian.formatToParts(epochDay * DAY).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

describe('Jalali dates', () => {
  it('agree with the persian calendar of ICU for every day of 1300–1500', () => {
    for (let epochDay = epochDayFromJalali(1300, 1, 1); epochDay < epochDayFromJalali(1501, 1, 1); epochDay++) {
      const mine = jalaliFromEpochDay(epochDay);
      const icu = icuJalali(epochDay);
      if (mine.year !== icu.year || mine.month !== icu.month || mine.day !== icu.day) {
        throw new Error(`epoch day ${epochDay}: ${JSON.stringify(mine)} but ICU says ${JSON.stringify(icu)}`);
      }
    }
  });

  it('convert both ways without loss', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20_000, max: 60_000 }), (epochDay) => {
        const { year, month, day } = jalaliFromEpochDay(epochDay);
        expect(epochDayFromJalali(year, month, day)).toBe(epochDay);
      }),
    );
  });

  it('know well-known dates', () => {
    expect(jalaliToGregorian(1405, 1, 1)).toEqual({ year: 2026, month: 3, day: 21 });
    expect(jalaliToGregorian(1405, 9, 1)).toEqual({ year: 2026, month: 11, day: 22 });
    expect(jalaliToGregorian(1357, 11, 22)).toEqual({ year: 1979, month: 2, day: 11 });
    expect(gregorianToJalali(2025, 3, 20)).toEqual({ year: 1403, month: 12, day: 30 });
  });

  it('have leap years 1399, 1403 and 1408 but not 1404–1407', () => {
    expect([1399, 1403, 1404, 1405, 1406, 1407, 1408].filter(isJalaliLeapYear)).toEqual([1399, 1403, 1408]);
    expect(jalaliMonthLength(1403, 12)).toBe(30);
    expect(jalaliMonthLength(1404, 12)).toBe(29);
    expect(jalaliMonthLength(1405, 6)).toBe(31);
    expect(jalaliMonthLength(1405, 7)).toBe(30);
  });
});

describe('Jalali months in Tehran', () => {
  it('run from local midnight to local midnight', () => {
    expect(jalaliMonthRange(1405, 9)).toEqual({
      startMs: tehran('2026-11-22T00:00'),
      endMs: tehran('2026-12-22T00:00'),
    });
    expect(jalaliMonthRange(1405, 12)).toEqual({
      startMs: tehran('2027-02-20T00:00'),
      endMs: tehran('2027-03-21T00:00'),
    });
  });

  it('hold an instant by its Tehran wall time, not its UTC date', () => {
    expect(jalaliDateAt(Date.parse('2026-11-21T21:00:00Z'))).toEqual({ year: 1405, month: 9, day: 1 });
  });
});

describe('formatting', () => {
  const instant = tehran('2026-11-22T10:30');

  it('writes Jalali date and time with Persian digits', () => {
    expect(formatJalali(instant)).toBe('۱۴۰۵/۰۹/۰۱ ساعت ۱۰:۳۰');
  });

  it('writes the same with Latin digits', () => {
    expect(formatJalaliLatin(instant)).toBe('1405/09/01 10:30');
  });

  it("writes ISO 8601 with Tehran's offset of the day", () => {
    expect(toTehranIso(instant)).toBe('2026-11-22T10:30:00.000+03:30');
    expect(toTehranIso(Date.parse('2020-06-01T07:00:00Z'))).toBe('2020-06-01T11:30:00.000+04:30');
  });
});
