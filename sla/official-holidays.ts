/**
 * Iran's official holidays as the government published them (Pasban rule 3): the yearly
 * calendar approved by the Council for Public Culture, with the lunar dates set by the
 * University of Tehran's Geophysics Institute. These dates are the authority; a computed
 * Hijri calendar is only an estimate for years not yet published (see holidays.ts).
 *
 * Each date names the page it was read from. A date marked `derived` is not printed in that
 * page's text: it is counted from a published anchor with the official calendar's Hijri month
 * lengths (the table the University of Tehran publishes, as kept by the persian-calendar
 * project), and it agrees with the page's monthly and weekday totals. Those are flagged so that
 * an administrator can check them against the printed calendar.
 */

export interface PublishedHoliday {
  /** Gregorian date, YYYY-MM-DD. */
  date: string;
  name: string;
  nameEn: string;
  kind: 'solar' | 'lunar';
  /** Where the date was read, or how it was derived from what was read. */
  source: string;
}

/** 1404: 26 holiday dates (gardshgar.com's list of the official calendar says 26). */
const S1404 = 'https://gardshgar.com/holiday-1404';
const DEY_1404 = 'https://www.eghtesadonline.com/fa/news/2108080 (تقویم دی ۱۴۰۴)';
const ARBAEEN_1404 = 'https://esfahanemrooz.ir/بخش-سرگرمی-62/928952-اربعین and https://fa.abna24.com/news/1711693';
const RAMADAN_1447 =
  'derived: https://www.ilna.ir/…/1707051 gives 29 Esfand 1404 = 30 Ramadan 1447; counted back to 21 Ramadan';
const FROM_SAFAR_1447 =
  'derived: counted from the published 30 Safar 1447 (2 Shahrivar 1404, ' +
  S1404 +
  ') with the official month lengths (Rabi I 30, Rabi II 29, Jumada I 30)';
const FROM_RAJAB_1447 =
  'derived: counted from the published 13 Rajab 1447 (' + DEY_1404 + ') with Rajab 1447 of 30 days';

/**
 * 1405: 26 holiday dates. ilna (2025-10-30) prints the Council for Public Culture's calendar month by
 * month but counts 25: its Farvardin stops at the 13th and leaves out 25 Shawwal 1447, the
 * martyrdom of Imam Jafar al-Sadiq, an official holiday by law every year (the same page anchors
 * 30 Ramadan 1447 on 29 Esfand 1404, so 1 Shawwal is 1 Farvardin and 25 Shawwal is Tue 25 Farvardin,
 * 2026-04-14). Checked date by date against the law's list of 27 yearly holidays: the other 25
 * agree with the page.
 */
const S1405 = 'https://www.ilna.ir/بخش-سایر-رسانه-ها-10/1707051-سال-چند-روز-تعطیل-رسمی-دارد';
const SADIQ_1447 =
  'derived: 25 Shawwal is in the official calendar every year (1403: https://calendar.nagsh.ir/تعطیلات-رسمی-سال-1403, ' +
  '1404: ' +
  S1404 +
  '), counted from 1 Shawwal 1447 = 1 Farvardin 1405 (' +
  S1405 +
  ', whose Farvardin list omits it)';

const FROM_MUHARRAM_1448 =
  'derived: counted from the published 9 Muharram 1448 (3 Tir 1405, ' +
  S1405 +
  ') with the official month lengths ' +
  "(1448: Muharram 30, Safar 29, Rabi I 30, Rabi II 29, Jumada I 30, Jumada II 30, Rajab 29, Sha'ban 30, Ramadan 30); " +
  "it reproduces the page's totals: Mordad 4, Esfand 4, Mehr and Azar none, 6 on a Thursday and 3 on a Friday";

export const PUBLISHED_HOLIDAYS: Readonly<Record<number, readonly PublishedHoliday[]>> = {
  1404: [
    { date: '2025-03-21', name: 'عید نوروز', nameEn: 'Nowruz', kind: 'solar', source: S1404 },
    {
      date: '2025-03-22',
      name: 'عید نوروز، شهادت حضرت علی',
      nameEn: 'Nowruz; Martyrdom of Imam Ali',
      kind: 'lunar',
      source: S1404,
    },
    { date: '2025-03-23', name: 'عید نوروز', nameEn: 'Nowruz', kind: 'solar', source: S1404 },
    { date: '2025-03-24', name: 'عید نوروز', nameEn: 'Nowruz', kind: 'solar', source: S1404 },
    { date: '2025-03-31', name: 'عید سعید فطر', nameEn: 'Eid al-Fitr', kind: 'lunar', source: S1404 },
    {
      date: '2025-04-01',
      name: 'تعطیل به مناسبت عید سعید فطر، روز جمهوری اسلامی',
      nameEn: 'Day after Eid al-Fitr; Islamic Republic Day',
      kind: 'lunar',
      source: S1404,
    },
    { date: '2025-04-02', name: 'روز طبیعت', nameEn: 'Nature Day (Sizdah Bedar)', kind: 'solar', source: S1404 },
    {
      date: '2025-04-24',
      name: 'شهادت امام جعفر صادق',
      nameEn: 'Martyrdom of Imam Jafar al-Sadiq',
      kind: 'lunar',
      source: S1404,
    },
    { date: '2025-06-04', name: 'رحلت امام خمینی', nameEn: 'Death of Imam Khomeini', kind: 'solar', source: S1404 },
    { date: '2025-06-05', name: 'قیام ۱۵ خرداد', nameEn: '15 Khordad uprising', kind: 'solar', source: S1404 },
    { date: '2025-06-06', name: 'عید سعید قربان', nameEn: 'Eid al-Adha', kind: 'lunar', source: S1404 },
    { date: '2025-06-14', name: 'عید سعید غدیر خم', nameEn: 'Eid al-Ghadir', kind: 'lunar', source: S1404 },
    { date: '2025-07-05', name: 'تاسوعای حسینی', nameEn: 'Tasua', kind: 'lunar', source: S1404 },
    { date: '2025-07-06', name: 'عاشورای حسینی', nameEn: 'Ashura', kind: 'lunar', source: S1404 },
    { date: '2025-08-14', name: 'اربعین حسینی', nameEn: 'Arbaeen', kind: 'lunar', source: `${S1404}; ${ARBAEEN_1404}` },
    {
      date: '2025-08-22',
      name: 'رحلت رسول اکرم و شهادت امام حسن مجتبی',
      nameEn: 'Death of the Prophet and martyrdom of Imam Hasan',
      kind: 'lunar',
      source: S1404,
    },
    { date: '2025-08-24', name: 'شهادت امام رضا', nameEn: 'Martyrdom of Imam Reza', kind: 'lunar', source: S1404 },
    {
      date: '2025-09-01',
      name: 'شهادت امام حسن عسکری',
      nameEn: 'Martyrdom of Imam Hasan al-Askari',
      kind: 'lunar',
      source: FROM_SAFAR_1447,
    },
    {
      date: '2025-09-10',
      name: 'میلاد رسول اکرم و امام جعفر صادق',
      nameEn: 'Birth of the Prophet and Imam Jafar al-Sadiq',
      kind: 'lunar',
      source: FROM_SAFAR_1447,
    },
    {
      date: '2025-11-24',
      name: 'شهادت حضرت فاطمه زهرا',
      nameEn: 'Martyrdom of Fatimah',
      kind: 'lunar',
      source: FROM_SAFAR_1447,
    },
    { date: '2026-01-03', name: 'ولادت امام علی', nameEn: 'Birth of Imam Ali', kind: 'lunar', source: DEY_1404 },
    { date: '2026-01-17', name: 'مبعث رسول اکرم', nameEn: 'Mabath', kind: 'lunar', source: DEY_1404 },
    {
      date: '2026-02-04',
      name: 'ولادت حضرت قائم',
      nameEn: 'Birth of Imam Mahdi',
      kind: 'lunar',
      source: FROM_RAJAB_1447,
    },
    {
      date: '2026-02-11',
      name: 'پیروزی انقلاب اسلامی',
      nameEn: 'Victory of the Islamic Revolution',
      kind: 'solar',
      source: S1404,
    },
    {
      date: '2026-03-11',
      name: 'شهادت حضرت علی',
      nameEn: 'Martyrdom of Imam Ali',
      kind: 'lunar',
      source: RAMADAN_1447,
    },
    {
      date: '2026-03-20',
      name: 'ملی شدن صنعت نفت',
      nameEn: 'Nationalisation of the oil industry',
      kind: 'solar',
      source: S1404,
    },
  ],
  1405: [
    {
      date: '2026-03-21',
      name: 'عید نوروز، عید سعید فطر',
      nameEn: 'Nowruz; Eid al-Fitr',
      kind: 'lunar',
      source: S1405,
    },
    {
      date: '2026-03-22',
      name: 'عید نوروز، تعطیل به مناسبت عید سعید فطر',
      nameEn: 'Nowruz; Day after Eid al-Fitr',
      kind: 'lunar',
      source: S1405,
    },
    { date: '2026-03-23', name: 'عید نوروز', nameEn: 'Nowruz', kind: 'solar', source: S1405 },
    { date: '2026-03-24', name: 'عید نوروز', nameEn: 'Nowruz', kind: 'solar', source: S1405 },
    { date: '2026-04-01', name: 'روز جمهوری اسلامی', nameEn: 'Islamic Republic Day', kind: 'solar', source: S1405 },
    { date: '2026-04-02', name: 'روز طبیعت', nameEn: 'Nature Day (Sizdah Bedar)', kind: 'solar', source: S1405 },
    {
      date: '2026-04-14',
      name: 'شهادت امام جعفر صادق',
      nameEn: 'Martyrdom of Imam Jafar al-Sadiq',
      kind: 'lunar',
      source: SADIQ_1447,
    },
    { date: '2026-05-27', name: 'عید سعید قربان', nameEn: 'Eid al-Adha', kind: 'lunar', source: S1405 },
    {
      date: '2026-06-04',
      name: 'رحلت امام خمینی، عید سعید غدیر خم',
      nameEn: 'Death of Imam Khomeini; Eid al-Ghadir',
      kind: 'lunar',
      source: S1405,
    },
    { date: '2026-06-05', name: 'قیام ۱۵ خرداد', nameEn: '15 Khordad uprising', kind: 'solar', source: S1405 },
    { date: '2026-06-24', name: 'تاسوعای حسینی', nameEn: 'Tasua', kind: 'lunar', source: S1405 },
    { date: '2026-06-25', name: 'عاشورای حسینی', nameEn: 'Ashura', kind: 'lunar', source: S1405 },
    { date: '2026-08-04', name: 'اربعین حسینی', nameEn: 'Arbaeen', kind: 'lunar', source: FROM_MUHARRAM_1448 },
    {
      date: '2026-08-12',
      name: 'رحلت رسول اکرم و شهادت امام حسن مجتبی',
      nameEn: 'Death of the Prophet and martyrdom of Imam Hasan',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2026-08-13',
      name: 'شهادت امام رضا',
      nameEn: 'Martyrdom of Imam Reza',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2026-08-21',
      name: 'شهادت امام حسن عسکری',
      nameEn: 'Martyrdom of Imam Hasan al-Askari',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2026-08-30',
      name: 'میلاد رسول اکرم و امام جعفر صادق',
      nameEn: 'Birth of the Prophet and Imam Jafar al-Sadiq',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2026-11-13',
      name: 'شهادت حضرت فاطمه زهرا',
      nameEn: 'Martyrdom of Fatimah',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2026-12-23',
      name: 'ولادت امام علی',
      nameEn: 'Birth of Imam Ali',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    { date: '2027-01-06', name: 'مبعث رسول اکرم', nameEn: 'Mabath', kind: 'lunar', source: FROM_MUHARRAM_1448 },
    {
      date: '2027-01-23',
      name: 'ولادت حضرت قائم',
      nameEn: 'Birth of Imam Mahdi',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2027-02-11',
      name: 'پیروزی انقلاب اسلامی',
      nameEn: 'Victory of the Islamic Revolution',
      kind: 'solar',
      source: S1405,
    },
    {
      date: '2027-02-28',
      name: 'شهادت حضرت علی',
      nameEn: 'Martyrdom of Imam Ali',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    { date: '2027-03-10', name: 'عید سعید فطر', nameEn: 'Eid al-Fitr', kind: 'lunar', source: FROM_MUHARRAM_1448 },
    {
      date: '2027-03-11',
      name: 'تعطیل به مناسبت عید سعید فطر',
      nameEn: 'Day after Eid al-Fitr',
      kind: 'lunar',
      source: FROM_MUHARRAM_1448,
    },
    {
      date: '2027-03-20',
      name: 'ملی شدن صنعت نفت',
      nameEn: 'Nationalisation of the oil industry',
      kind: 'solar',
      source: S1405,
    },
  ],
};

export const PUBLISHED_YEARS: readonly number[] = Object.keys(PUBLISHED_HOLIDAYS).map(Number);

export function isPublishedYear(jalaliYear: number): boolean {
  return Object.prototype.hasOwnProperty.call(PUBLISHED_HOLIDAYS, jalaliYear);
}
