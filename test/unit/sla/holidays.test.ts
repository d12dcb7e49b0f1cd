import { HIJRI_CALENDAR, estimatedHolidays, iranianOfficialHolidays } from '../../../sla/holidays';
import { PUBLISHED_HOLIDAYS } from '../../../sla/official-holidays';
import { ticketPolicyPresets } from '../../../sla/presets';
import { deadlineFor } from '../../../sla/targets';
import { inTehran, presetCalendars, tehran } from './support';

const holidays = iranianOfficialHolidays(1404, 1407);
const DAY = 86_400_000;

/** The tabular ("civil") Hijri calendar, by its arithmetic definition: an oracle independent of ICU. */
function tabularHijriToIso(year: number, month: number, day: number): string {
  const julianDay =
    day + Math.ceil(29.5 * (month - 1)) + (year - 1) * 354 + Math.floor((3 + 11 * year) / 30) + 1_948_439;
  return new Date((julianDay - 2_440_588) * DAY).toISOString().slice(0, 10);
}

const datesOfYear = (from: string, to: string) =>
  holidays.filter((h) => h.date >= from && h.date < to).map((h) => h.date);

describe("Iran's official holidays", () => {
  it('are, for 1405, the 26 dates of the official calendar, date by date', () => {
    // The government's 1405 calendar (Council for Public Culture), Jalali date → Gregorian, written out by hand.
    // ilna's list prints 25: it leaves out 25 Farvardin (25 Shawwal 1447), a holiday by law every year.
    expect(datesOfYear('2026-03-21', '2027-03-21')).toEqual([
      '2026-03-21', // 1 Farvardin: Nowruz, Eid al-Fitr
      '2026-03-22', // 2 Farvardin: Nowruz, day after Eid al-Fitr
      '2026-03-23', // 3 Farvardin
      '2026-03-24', // 4 Farvardin
      '2026-04-01', // 12 Farvardin: Islamic Republic Day
      '2026-04-02', // 13 Farvardin: Nature Day
      '2026-04-14', // Tue 25 Farvardin: martyrdom of Imam Jafar al-Sadiq (25 Shawwal; 1 Shawwal was 1 Farvardin)
      '2026-05-27', // 6 Khordad: Eid al-Adha
      '2026-06-04', // 14 Khordad: Khomeini, Eid al-Ghadir
      '2026-06-05', // 15 Khordad
      '2026-06-24', // Wed 3 Tir: Tasua
      '2026-06-25', // Thu 4 Tir: Ashura
      '2026-08-04', // 13 Mordad: Arbaeen
      '2026-08-12', // 21 Mordad: death of the Prophet
      '2026-08-13', // 22 Mordad: Imam Reza
      '2026-08-21', // 30 Mordad: Imam Hasan al-Askari
      '2026-08-30', // 8 Shahrivar: birth of the Prophet
      '2026-11-13', // 22 Aban: Fatimah
      '2026-12-23', // 2 Dey: birth of Imam Ali
      '2027-01-06', // 16 Dey: Mabath
      '2027-01-23', // 3 Bahman: birth of Imam Mahdi
      '2027-02-11', // 22 Bahman
      '2027-02-28', // 9 Esfand: martyrdom of Imam Ali
      '2027-03-10', // 19 Esfand: Eid al-Fitr
      '2027-03-11', // 20 Esfand: day after Eid al-Fitr
      '2027-03-20', // 29 Esfand: oil nationalisation
    ]);
  });

  it('are, for 1404, the 26 dates of the official calendar, date by date', () => {
    expect(datesOfYear('2025-03-21', '2026-03-21')).toEqual([
      '2025-03-21',
      '2025-03-22',
      '2025-03-23',
      '2025-03-24', // 1–4 Farvardin (2nd: martyrdom of Imam Ali too)
      '2025-03-31',
      '2025-04-01',
      '2025-04-02', // 11–13 Farvardin: Eid al-Fitr, the day after and Islamic Republic Day, Nature Day
      '2025-04-24', // 4 Ordibehesht: Imam Jafar al-Sadiq
      '2025-06-04',
      '2025-06-05',
      '2025-06-06',
      '2025-06-14', // 14, 15, 16 (Eid al-Adha), 24 Khordad (Ghadir)
      '2025-07-05',
      '2025-07-06', // 14 and 15 Tir: Tasua, Ashura
      '2025-08-14',
      '2025-08-22', // 23 and 31 Mordad: Arbaeen, death of the Prophet
      '2025-08-24',
      '2025-09-01',
      '2025-09-10', // 2, 10, 19 Shahrivar
      '2025-11-24', // 3 Azar: Fatimah
      '2026-01-03',
      '2026-01-17', // 13 and 27 Dey
      '2026-02-04',
      '2026-02-11', // 15 and 22 Bahman
      '2026-03-11',
      '2026-03-20', // 20 and 29 Esfand
    ]);
  });

  it('hold, in each published year, every holiday the law names (10 solar, 17 lunar), none missing', () => {
    const law = [
      'Nowruz',
      'Islamic Republic Day',
      'Nature Day',
      'Death of Imam Khomeini',
      '15 Khordad',
      'Victory of the Islamic Revolution',
      'Nationalisation of the oil industry',
      'Tasua',
      'Ashura',
      'Arbaeen',
      'Death of the Prophet',
      'Imam Reza',
      'Hasan al-Askari',
      'Birth of the Prophet',
      'Fatimah',
      'Birth of Imam Ali',
      'Mabath',
      'Birth of Imam Mahdi',
      'Martyrdom of Imam Ali',
      'Eid al-Fitr',
      'Day after Eid al-Fitr',
      'Martyrdom of Imam Jafar al-Sadiq',
      'Eid al-Adha',
      'Eid al-Ghadir',
    ];
    for (const year of [1404, 1405]) {
      const names = PUBLISHED_HOLIDAYS[year]!.map((h) => h.nameEn).join(' | ');
      expect(law.filter((name) => !names.includes(name))).toEqual([]);
    }
    // 1405 holds two Eids al-Fitr (1447 and 1448) and one 21 Ramadan (1448); Nowruz's four days are four dates.
    const nowruz = PUBLISHED_HOLIDAYS[1405]!.filter((h) => h.nameEn.startsWith('Nowruz'));
    expect(nowruz).toHaveLength(4);
    expect(
      PUBLISHED_HOLIDAYS[1405]!.filter((h) => h.nameEn.includes('Eid al-Fitr') && !h.nameEn.includes('after')),
    ).toHaveLength(2);
  });

  it('put 25 Farvardin 1405 on a Tuesday, the 25th day after 1 Shawwal = 1 Farvardin', () => {
    const sadiq = PUBLISHED_HOLIDAYS[1405]!.find((h) => h.nameEn === 'Martyrdom of Imam Jafar al-Sadiq')!;
    expect(sadiq.date).toBe('2026-04-14');
    expect(new Date(`${sadiq.date}T12:00:00Z`).getUTCDay()).toBe(2);
    expect(sadiq.source).toMatch(/^derived:/);
  });

  it('make a Kian Gold ticket opened Mon 24 Farvardin 1405 10:00 due Wed 26 Farvardin 10:00 (25 Farvardin is a holiday)', () => {
    const calendars = presetCalendars(holidays);
    const { firstResponse } = ticketPolicyPresets['kian-product-gold'].priorities.high;
    expect(inTehran(deadlineFor(firstResponse, tehran('2026-04-13T10:00'), calendars))).toBe('2026-04-15T10:00');
  });

  it('mark published dates as published, each with its source', () => {
    const published = holidays.filter((h) => h.date < '2027-03-21');
    expect(published.every((h) => h.status === 'published' && h.source.length > 10)).toBe(true);
    for (const year of [1404, 1405]) {
      const dates = PUBLISHED_HOLIDAYS[year]!.map((h) => h.date);
      expect(new Set(dates).size).toBe(dates.length);
    }
  });

  it('mark the years not yet published (1406, 1407) as estimated', () => {
    const later = holidays.filter((h) => h.date >= '2027-03-21');
    expect(later.length).toBeGreaterThan(40);
    expect(later.every((h) => h.status === 'estimated')).toBe(true);
  });

  it('differ from the arithmetic estimate, which puts Tasua and Ashura 1405 a day late', () => {
    const estimate = estimatedHolidays(1405, 1405).filter((h) => h.nameEn === 'Tasua' || h.nameEn === 'Ashura');
    expect(estimate.map((h) => h.date)).toEqual(['2026-06-25', '2026-06-26']);
  });

  it('make an Owj Committed high ticket opened Tue 23 Jun 2026 10:00 due Sat 27 Jun 10:00 (Tasua and Ashura, then Friday)', () => {
    const calendars = presetCalendars(holidays);
    const { resolution } = ticketPolicyPresets['owj-committed'].priorities.high;
    expect(inTehran(deadlineFor(resolution, tehran('2026-06-23T10:00'), calendars))).toBe('2026-06-27T10:00');
  });

  it('estimate the lunar holidays of unpublished years where the tabular Hijri calendar puts them', () => {
    const rules: [number, number | 'last', string][] = [
      [1, 9, 'Tasua'],
      [1, 10, 'Ashura'],
      [2, 20, 'Arbaeen'],
      [2, 28, 'Death of the Prophet and martyrdom of Imam Hasan'],
      [2, 'last', 'Martyrdom of Imam Reza'],
      [3, 8, 'Martyrdom of Imam Hasan al-Askari'],
      [3, 17, 'Birth of the Prophet and Imam Jafar al-Sadiq'],
      [6, 3, 'Martyrdom of Fatimah'],
      [7, 13, 'Birth of Imam Ali'],
      [7, 27, 'Mabath'],
      [8, 15, 'Birth of Imam Mahdi'],
      [9, 21, 'Martyrdom of Imam Ali'],
      [10, 1, 'Eid al-Fitr'],
      [10, 2, 'Day after Eid al-Fitr'],
      [10, 25, 'Martyrdom of Imam Jafar al-Sadiq'],
      [12, 10, 'Eid al-Adha'],
      [12, 18, 'Eid al-Ghadir'],
    ];
    const expected = [];
    for (let year = 1448; year <= 1450; year++) {
      for (const [month, day, nameEn] of rules) {
        // Safar, an even month, has 29 days in the tabular calendar.
        const date = tabularHijriToIso(year, month, day === 'last' ? 29 : day);
        if (date >= '2027-03-21' && date < '2029-03-20') expected.push(`${date} ${nameEn}`);
      }
    }
    const lunar = estimatedHolidays(1406, 1407)
      .filter((h) => h.kind === 'lunar')
      .map((h) => `${h.date} ${h.nameEn}`);
    expect(lunar.sort()).toEqual(expected.sort());
    expect(HIJRI_CALENDAR).toBe('islamic-civil');
  });

  it('place the ten fixed solar holidays in each estimated year', () => {
    expect(estimatedHolidays(1406, 1407).filter((h) => h.kind === 'solar')).toHaveLength(20);
  });

  it('are in date order, Persian-named, and within the Jalali years asked for', () => {
    const dates = holidays.map((holiday) => holiday.date);
    expect([...dates].sort()).toEqual(dates);
    expect(dates[0]! >= '2025-03-21' && dates[dates.length - 1]! < '2029-03-20').toBe(true);
    for (const holiday of holidays) expect(holiday.name).toMatch(/[\u0600-\u06FF]/);
  });
});
