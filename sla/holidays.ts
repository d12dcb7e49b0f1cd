/**
 * Iran's official holidays as computed defaults (Pasban rule 3). The solar ones
 * are fixed Jalali dates. The lunar ones follow moon sighting in Iran, which no
 * formula knows in advance; they are placed by Intl's `islamic-civil`
 * calendar, the arithmetic (tabular) Hijri calendar, because it gives the same
 * dates on every ICU version (Temporal replays must agree) and it matched more
 * of Iran's published 1404 dates than `islamic-umalqura`. Administrators
 * correct individual dates in the database.
 */
import { formatIsoDate, MS_PER_DAY } from './civil-date';
import { epochDayFromJalali } from './jalali';

export interface OfficialHoliday {
  /** Gregorian date, YYYY-MM-DD. */
  date: string;
  /** Persian name. */
  name: string;
  nameEn: string;
  kind: 'solar' | 'lunar';
}

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
  { month: 2, day: 28, name: 'رحلت رسول اکرم و شهادت امام حسن مجتبی', nameEn: 'Death of the Prophet and martyrdom of Imam Hasan' },
  { month: 2, day: LAST_DAY, name: 'شهادت امام رضا', nameEn: 'Martyrdom of Imam Reza' },
  { month: 3, day: 8, name: 'شهادت امام حسن عسکری', nameEn: 'Martyrdom of Imam Hasan al-Askari' },
  { month: 3, day: 17, name: 'میلاد رسول اکرم و امام جعفر صادق', nameEn: 'Birth of the Prophet and Imam Jafar al-Sadiq' },
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

/** Every official holiday whose date falls in the Jalali years given, both included, in date order. */
export function iranianOfficialHolidays(fromJalaliYear: number, toJalaliYear: number): OfficialHoliday[] {
  const firstDay = epochDayFromJalali(fromJalaliYear, 1, 1);
  const endDay = epochDayFromJalali(toJalaliYear + 1, 1, 1);
  const holidays: (OfficialHoliday & { epochDay: number })[] = [];
  for (let year = fromJalaliYear; year <= toJalaliYear; year++) {
    for (const { month, day, name, nameEn } of SOLAR) {
      const epochDay = epochDayFromJalali(year, month, day);
      holidays.push({ epochDay, date: formatIsoDate(epochDay), name, nameEn, kind: 'solar' });
    }
  }
  let hijri = hijriDateOf(firstDay);
  for (let epochDay = firstDay; epochDay < endDay; epochDay++) {
    const tomorrow = hijriDateOf(epochDay + 1);
    const isLastDayOfMonth = tomorrow.month !== hijri.month;
    for (const { month, day, name, nameEn } of LUNAR) {
      if (month === hijri.month && (day === hijri.day || (day === LAST_DAY && isLastDayOfMonth))) {
        holidays.push({ epochDay, date: formatIsoDate(epochDay), name, nameEn, kind: 'lunar' });
      }
    }
    hijri = tomorrow;
  }
  return holidays
    .sort((a, b) => a.epochDay - b.epochDay)
    .map(({ date, name, nameEn, kind }) => ({ date, name, nameEn, kind }));
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
