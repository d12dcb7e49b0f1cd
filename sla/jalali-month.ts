/**
 * Jalali months as people name them ("1405-09" is Azar 1405): the unit availability is judged
 * in (Pasban rule 7) and credit notes are applied to. Months run midnight to midnight in Tehran.
 */
import { pad2 } from './civil-date';
import { jalaliDateAt, jalaliMonthRange, TEHRAN } from './jalali';

export interface JalaliMonth {
  year: number;
  month: number;
}

const MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
/** The years the Jalali conversion supports comfortably (the 33-year table runs far wider). */
const FIRST_YEAR = 1300;
const LAST_YEAR = 1500;

/** "1405-09" → { year: 1405, month: 9 }; null for anything else, including "1405-13". */
export function parseJalaliMonth(text: string): JalaliMonth | null {
  const match = MONTH_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12) return null;
  return { year, month };
}

export function formatJalaliMonth({ year, month }: JalaliMonth): string {
  return `${year}-${pad2(month)}`;
}

export function jalaliMonthOf(epochMs: number): JalaliMonth {
  const { year, month } = jalaliDateAt(epochMs, TEHRAN);
  return { year, month };
}

export function nextJalaliMonth({ year, month }: JalaliMonth): JalaliMonth {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** Tehran midnight at the month's start and at the next month's start. */
export function jalaliMonthSpan(month: JalaliMonth): { startMs: number; endMs: number } {
  return jalaliMonthRange(month.year, month.month, TEHRAN);
}
