/**
 * Iran's official holidays (Pasban rule 3). For every year whose official calendar is published
 * the dates are the published ones (official-holidays.ts, each with its source). For a year not
 * yet published they are an estimate: the solar ones are fixed Jalali dates; the lunar ones follow
 * moon sighting in Iran, which no formula knows in advance, so they are placed by Intl's
 * `islamic-civil` calendar, the arithmetic (tabular) Hijri calendar, which gives the same dates
 * on every ICU version, and marked `estimated` until an administrator confirms or corrects them.
 */
import { formatIsoDate, MS_PER_DAY } from './civil-date';
import { epochDayFromJalali } from './jalali';
import { isPublishedYear, PUBLISHED_HOLIDAYS } from './official-holidays';

export type HolidayStatus = 'published' | 'estimated';

export interface OfficialHoliday {
  /** Gregorian date, YYYY-MM-DD. */
  date: string;
  /** Persian name. */
  name: string;
  nameEn: string;
  kind: 'solar' | 'lunar';
  /** `published`: the government's calendar; `estimated`: computed, to be confirmed by an administrator. */
  status: HolidayStatus;
  /** The page a published date was read from, or how an estimate was computed. */
  source: string;
}

export const ESTIMATE_SOURCE = `estimated: fixed Jalali dates and the arithmetic Hijri calendar (islamic-civil); confirm against the official calendar when it is published`;

export const HIJRI_CALENDAR = 'islamic-civil';

const LAST_DAY = 'last';

type Named = { name: string; nameEn: string };

const SOLAR: readonly (Named & { month: number; day: number })[] = [
  { month: 1, day: 1, name: 'عید نوروز', nameEn: 'Nowruz' },
  { month: 1, day: 2, name: 'عید نوروز', nameEn: 'Nowruz' },
  { month: 1, day: 3, name: 'عید نوروز', nameEn: 'Nowruz' },
  { month: 1, day: 4, name: 'عید نوروز', nameEn: 'Nowruz' },
  { month: 1, day: 12, name: 'روز جمهوری اسلامی', nameEn: 'Islamic Republic Day' },
  { month: 1, day: 13, name: 'روز طبیعت', nameEn: 'Nature Day (Sizdah Bedar)' },
  { month: 3, day: 14, name: 'رحلت امام خمینی', nameEn: 'Death of Imam Khomeini' },
  { month: 3, day: 15, name: 'قیام ۱۵ خرداد', nameEn: '15 Khordad uprising' },
  { month: 11, day: 22, name: 'پیروزی انقلاب اسلامی', nameEn: 'Victory of the Islamic Revolution' },
  { month: 12, day: 29, name: 'ملی شدن صنعت نفت', nameEn: 'Nationalisation of the oil industry' },
];

const LUNAR: readonly (Named & { month: number; day: number | typeof LAST_DAY })[] = [
  { month: 1, day: 9, name: 'تاسوعای حسینی', nameEn: 'Tasua' },
  { month: 1, day: 10, name: 'عاشورای حسینی', nameEn: 'Ashura' },
  { month: 2, day: 20, name: 'اربعین حسینی', nameEn: 'Arbaeen' },
  {
    month: 2,
    day: 28,
    name: 'رحلت رسول اکرم و شهادت امام حسن مجتبی',
    nameEn: 'Death of the Prophet and martyrdom of Imam Hasan',
  },
  { month: 2, day: LAST_DAY, name: 'شهادت امام رضا', nameEn: 'Martyrdom of Imam Reza' },
  { month: 3, day: 8, name: 'شهادت امام حسن عسکری', nameEn: 'Martyrdom of Imam Hasan al-Askari' },
  {
    month: 3,
    day: 17,
    name: 'میلاد رسول اکرم و امام جعفر صادق',
    nameEn: 'Birth of the Prophet and Imam Jafar al-Sadiq',
  },
  { month: 6, day: 3, name: 'شهادت حضرت فاطمه زهرا', nameEn: 'Martyrdom of Fatimah' },
  { month: 7, day: 13, name: 'ولادت امام علی', nameEn: 'Birth of Imam Ali' },
  { month: 7, day: 27, name: 'مبعث رسول اکرم', nameEn: 'Mabath' },
  { month: 8, day: 15, name: 'ولادت حضرت قائم', nameEn: 'Birth of Imam Mahdi' },
  { month: 9, day: 21, name: 'شهادت حضرت علی', nameEn: 'Martyrdom of Imam Ali' },
  { month: 10, day: 1, name: 'عید سعید فطر', nameEn: 'Eid al-Fitr' },
  { month: 10, day: 2, name: 'تعطیل به مناسبت عید سعید فطر', nameEn: 'Day after Eid al-Fitr' },
  { month: 10, day: 25, name: 'شهادت امام جعفر صادق', nameEn: 'Martyrdom of Imam Jafar al-Sadiq' },
  { month: 12, day: 10, name: 'عید سعید قربان', nameEn: 'Eid al-Adha' },
  { month: 12, day: 18, name: 'عید سعید غدیر خم', nameEn: 'Eid al-Ghadir' },
];

/**
 * Every official holiday of the Jalali years given, both included, in date order: the published
 * dates where the year's calendar is published, the estimate otherwise.
 */
export function iranianOfficialHolidays(fromJalaliYear: number, toJalaliYear: number): OfficialHoliday[] {
  const holidays: OfficialHoliday[] = [];
  for (let year = fromJalaliYear; year <= toJalaliYear; year++) {
    if (isPublishedYear(year))
      holidays.push(...PUBLISHED_HOLIDAYS[year]!.map((h) => ({ ...h, status: 'published' as const })));
    else holidays.push(...estimatedHolidays(year, year));
  }
  return holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The computed estimate of the Jalali years given, published or not (one entry per occasion). */
export function estimatedHolidays(fromJalaliYear: number, toJalaliYear: number): OfficialHoliday[] {
  const firstDay = epochDayFromJalali(fromJalaliYear, 1, 1);
  const endDay = epochDayFromJalali(toJalaliYear + 1, 1, 1);
  const holidays: (OfficialHoliday & { epochDay: number })[] = [];
  for (let year = fromJalaliYear; year <= toJalaliYear; year++) {
    for (const { month, day, name, nameEn } of SOLAR) {
      const epochDay = epochDayFromJalali(year, month, day);
      holidays.push({
        epochDay,
        date: formatIsoDate(epochDay),
        name,
        nameEn,
        kind: 'solar',
        status: 'estimated',
        source: ESTIMATE_SOURCE,
      });
    }
  }
  let hijri = hijriDateOf(firstDay);
  for (let epochDay = firstDay; epochDay < endDay; epochDay++) {
    const tomorrow = hijriDateOf(epochDay + 1);
    const isLastDayOfMonth = tomorrow.month !== hijri.month;
    for (const { month, day, name, nameEn } of LUNAR) {
      if (month === hijri.month && (day === hijri.day || (day === LAST_DAY && isLastDayOfMonth))) {
        holidays.push({
          epochDay,
          date: formatIsoDate(epochDay),
          name,
          nameEn,
          kind: 'lunar',
          status: 'estimated',
          source: ESTIMATE_SOURCE,
        });
      }
    }
    hijri = tomorrow;
  }
  return holidays.sort((a, b) => a.epochDay - b.epochDay).map(({ epochDay: _epochDay, ...holiday }) => holiday);
}

const hijriFormatter = new Intl.DateTimeFormat(`en-u-ca-${HIJRI_CALENDAR}`, {
  timeZone: 'UTC',
  month: 'numeric',
  day: 'numeric',
});

function hijriDateOf(epochDay: number): { month: number; day: number } {
  let month = 0;
  let day = 0;
  for (const part of hijriFormatter.formatToParts(epochDay * MS_PER_DAY)) {
    if (part.type === 'month') month = Number(part.value);
    if (part.type === 'day') day = Number(part.value);
  }
  return { month, day };
}

/** Administrators are warned about an estimated holiday this many days ahead (Pasban rule 3). */
export const ESTIMATE_WARNING_DAYS = 60;

/**
 * Days from one date to another (YYYY-MM-DD each); negative when the holiday is past.
 * An estimated holiday 0–60 days ahead is a warning: its date may still move by moon sighting.
 */
export function daysUntil(fromIsoDate: string, toIsoDate: string): number {
  return Math.round((Date.parse(`${toIsoDate}T00:00:00Z`) - Date.parse(`${fromIsoDate}T00:00:00Z`)) / MS_PER_DAY);
}

export function needsEstimateWarning(days: number): boolean {
  return days >= 0 && days <= ESTIMATE_WARNING_DAYS;
}
