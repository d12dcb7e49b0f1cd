import { HIJRI_CALENDAR, iranianOfficialHolidays } from '../../../sla/holidays';

const holidays = iranianOfficialHolidays(1404, 1407);
const DAY = 86_400_000;

/** The tabular ("civil") Hijri calendar, by its arithmetic definition: an oracle independent of ICU. */
function tabularHijriToIso(year: number, month: number, day: number): string {
  const julianDay = day + Math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + Math.floor((3 + 11 * year) / 30) + 1_948_439;
  return new Date((julianDay - 2_440_588) * DAY).toISOString().slice(0, 10);
}

describe("Iran's official holidays", () => {
  it('place the fixed solar holidays of 1405 on their Gregorian dates', () => {
    const solar = holidays.filter((holiday) => holiday.kind === 'solar' && holiday.date >= '2026-03-21' && holiday.date < '2027-03-21');
    expect(solar.map((holiday) => holiday.date)).toEqual([
      '2026-03-21',
      '2026-03-22',
      '2026-03-23',
      '2026-03-24',
      '2026-04-01',
      '2026-04-02',
      '2026-06-04',
      '2026-06-05',
      '2027-02-11',
      '2027-03-20',
    ]);
  });

  it('have ten solar holidays in each Jalali year', () => {
    expect(holidays.filter((holiday) => holiday.kind === 'solar')).toHaveLength(40);
  });

  it('place every lunar holiday where the tabular Hijri calendar puts it', () => {
    const rules: [number, number | 'last', string][] = [
      [1, 9, 'Tasua'], [1, 10, 'Ashura'], [2, 20, 'Arbaeen'], [2, 28, 'Death of the Prophet and martyrdom of Imam Hasan'],
      [2, 'last', 'Martyrdom of Imam Reza'], [3, 8, 'Martyrdom of Imam Hasan al-Askari'],
      [3, 17, 'Birth of the Prophet and Imam Jafar al-Sadiq'], [6, 3, 'Martyrdom of Fatimah'], [7, 13, 'Birth of Imam Ali'],
      [7, 27, 'Mabath'], [8, 15, 'Birth of Imam Mahdi'], [9, 21, 'Martyrdom of Imam Ali'], [10, 1, 'Eid al-Fitr'],
      [10, 2, 'Day after Eid al-Fitr'], [10, 25, 'Martyrdom of Imam Jafar al-Sadiq'], [12, 10, 'Eid al-Adha'], [12, 18, 'Eid al-Ghadir'],
    ];
    const expected = [];
    for (let year = 1446; year <= 1450; year++) {
      for (const [month, day, nameEn] of rules) {
        // Safar, an even month, has 29 days in the tabular calendar.
        const date = tabularHijriToIso(year, month, day === 'last' ? 29 : day);
        if (date >= '2025-03-21' && date < '2029-03-20') expected.push(`${date} ${nameEn}`);
      }
    }
    const lunar = holidays.filter((holiday) => holiday.kind === 'lunar').map((holiday) => `${holiday.date} ${holiday.nameEn}`);
    expect(lunar.sort()).toEqual(expected.sort());
  });

  it("match Iran's published 1404 dates for Eid al-Fitr and Ashura", () => {
    const find = (nameEn: string, from: string) => holidays.find((holiday) => holiday.nameEn === nameEn && holiday.date >= from)?.date;
    expect(find('Eid al-Fitr', '2025-03-21')).toBe('2025-03-31');
    expect(find('Ashura', '2025-03-21')).toBe('2025-07-06');
  });

  it('are in date order, Persian-named, and within the Jalali years asked for', () => {
    const dates = holidays.map((holiday) => holiday.date);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[0]! >= '2025-03-21' && dates[dates.length - 1]! < '2029-03-20').toBe(true);
    for (const holiday of holidays) expect(holiday.name).toMatch(/[\u0600-\u06FF]/);
  });

  it('are computed on the arithmetic Hijri calendar', () => {
    expect(HIJRI_CALENDAR).toBe('islamic-civil');
  });
});
