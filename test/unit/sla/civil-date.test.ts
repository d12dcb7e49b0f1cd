import fc from 'fast-check';
import {
  civilFromEpochDay,
  dayOfWeek,
  daysInGregorianMonth,
  epochDayFromCivil,
  formatIsoDate,
  parseIsoDate,
} from '../../../sla/civil-date';

const DAY = 86_400_000;

describe('epoch days', () => {
  it('agree with Date.UTC both ways from year 1600 to 2400', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1600, 0, 1) / DAY, max: Date.UTC(2400, 0, 1) / DAY }), (epochDay) => {
        const date = new Date(epochDay * DAY);
        expect(civilFromEpochDay(epochDay)).toEqual({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
        expect(epochDayFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(epochDay);
        expect(dayOfWeek(epochDay)).toBe(date.getUTCDay());
      }),
    );
  });

  it('put 1 January 1970 at zero and Sunday 22 November 2026 on a Sunday', () => {
    expect(epochDayFromCivil(1970, 1, 1)).toBe(0);
    expect(dayOfWeek(epochDayFromCivil(2026, 11, 22))).toBe(0);
  });

  it('know February of leap and common years', () => {
    expect(daysInGregorianMonth(2024, 2)).toBe(29);
    expect(daysInGregorianMonth(2026, 2)).toBe(28);
    expect(daysInGregorianMonth(2100, 2)).toBe(28);
    expect(daysInGregorianMonth(2000, 2)).toBe(29);
  });
});

describe('ISO dates', () => {
  it('parse real dates and format them back', () => {
    expect(formatIsoDate(parseIsoDate('2026-03-21')!)).toBe('2026-03-21');
  });

  it('reject impossible and malformed dates', () => {
    for (const text of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-3-21', '20260321', '']) {
      expect(parseIsoDate(text)).toBeNull();
    }
  });
});
