/**
 * Jalali (Solar Hijri) dates: conversion to and from the Gregorian calendar by
 * the 33-year-cycle algorithm with its table of breaks (as in jalaali-js, after
 * Kazimierz Borkowski), plus the formats people read in Iran.
 */
import { civilFromEpochDay, epochDayFromCivil, pad2, type CivilDate } from './civil-date';
import { epochToWallTime, wallTimeToEpoch, zoneOffsetMs } from './time-zone';

export interface JalaliDate {
  year: number;
  month: number;
  day: number;
}

export const TEHRAN = 'Asia/Tehran';

const BREAKS = [
  -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178,
];

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

export function jalaliToGregorian(year: number, month: number, day: number): CivilDate {
  return civilFromEpochDay(epochDayFromJalali(year, month, day));
}

export function gregorianToJalali(year: number, month: number, day: number): JalaliDate {
  return jalaliFromEpochDay(epochDayFromCivil(year, month, day));
}

export function epochDayFromJalali(year: number, month: number, day: number): number {
  const { gregorianYear, marchDay } = yearStart(year);
  const daysBeforeMonth = month <= 7 ? (month - 1) * 31 : 186 + (month - 7) * 30;
  return epochDayFromCivil(gregorianYear, 3, marchDay) + daysBeforeMonth + day - 1;
}

export function jalaliFromEpochDay(epochDay: number): JalaliDate {
  const gregorianYear = civilFromEpochDay(epochDay).year;
  let year = gregorianYear - 621;
  let dayOfYear = epochDay - epochDayFromCivil(gregorianYear, 3, yearStart(year).marchDay);
  if (dayOfYear < 0) {
    year -= 1;
    dayOfYear += isJalaliLeapYear(year) ? 366 : 365;
  }
  if (dayOfYear < 186) return { year, month: Math.floor(dayOfYear / 31) + 1, day: (dayOfYear % 31) + 1 };
  const rest = dayOfYear - 186;
  return { year, month: Math.floor(rest / 30) + 7, day: (rest % 30) + 1 };
}

export function isJalaliLeapYear(year: number): boolean {
  return yearStart(year).yearsSinceLeap === 0;
}

export function jalaliMonthLength(year: number, month: number): number {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return isJalaliLeapYear(year) ? 30 : 29;
}

export function jalaliDateAt(epochMs: number, timeZone: string = TEHRAN): JalaliDate {
  return jalaliFromEpochDay(epochToWallTime(timeZone, epochMs).epochDay);
}

/** Local midnight at the start of the Jalali month and at the start of the next one. */
export function jalaliMonthRange(
  year: number,
  month: number,
  timeZone: string = TEHRAN,
): { startMs: number; endMs: number } {
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return {
    startMs: wallTimeToEpoch(timeZone, epochDayFromJalali(year, month, 1), 0),
    endMs: wallTimeToEpoch(timeZone, epochDayFromJalali(next.year, next.month, 1), 0),
  };
}

export function jalaliYearRange(year: number, timeZone: string = TEHRAN): { startMs: number; endMs: number } {
  return {
    startMs: wallTimeToEpoch(timeZone, epochDayFromJalali(year, 1, 1), 0),
    endMs: wallTimeToEpoch(timeZone, epochDayFromJalali(year + 1, 1, 1), 0),
  };
}

/** "۱۴۰۵/۰۹/۰۱ ساعت ۱۰:۳۰" */
export function formatJalali(epochMs: number, timeZone: string = TEHRAN): string {
  const { date, time } = jalaliParts(epochMs, timeZone);
  return toPersianDigits(`${date} ساعت ${time}`);
}

/** "1405/09/01 10:30" */
export function formatJalaliLatin(epochMs: number, timeZone: string = TEHRAN): string {
  const { date, time } = jalaliParts(epochMs, timeZone);
  return `${date} ${time}`;
}

/** ISO 8601 with Tehran's offset at that instant, e.g. "2026-11-22T10:30:00.000+03:30". */
export function toTehranIso(epochMs: number): string {
  const offsetMinutes = zoneOffsetMs(TEHRAN, epochMs) / 60_000;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  return `${local}${sign}${pad2(Math.floor(magnitude / 60))}:${pad2(magnitude % 60)}`;
}

export function toPersianDigits(text: string): string {
  return text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[Number(digit)]!);
}

function jalaliParts(epochMs: number, timeZone: string): { date: string; time: string } {
  const wall = epochToWallTime(timeZone, epochMs);
  const { year, month, day } = jalaliFromEpochDay(wall.epochDay);
  const minutes = Math.floor(wall.minutesOfDay);
  return {
    date: `${year}/${pad2(month)}/${pad2(day)}`,
    time: `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`,
  };
}

/**
 * The Gregorian year in which Jalali `year` starts, the March day of
 * 1 Farvardin, and how many years have passed since the last leap year.
 */
function yearStart(year: number): { gregorianYear: number; marchDay: number; yearsSinceLeap: number } {
  if (year < BREAKS[0]! || year >= BREAKS[BREAKS.length - 1]!) {
    throw new RangeError(`Jalali year ${year} is outside the supported range`);
  }
  const gregorianYear = year + 621;
  let leapsBefore = -14;
  let previousBreak = BREAKS[0]!;
  let jump = 0;
  for (let i = 1; i < BREAKS.length; i++) {
    const nextBreak = BREAKS[i]!;
    jump = nextBreak - previousBreak;
    if (year < nextBreak) break;
    leapsBefore += div(jump, 33) * 8 + div(mod(jump, 33), 4);
    previousBreak = nextBreak;
  }
  let n = year - previousBreak;
  leapsBefore += div(n, 33) * 8 + div(mod(n, 33) + 3, 4);
  if (mod(jump, 33) === 4 && jump - n === 4) leapsBefore += 1;
  const gregorianLeaps = div(gregorianYear, 4) - div((div(gregorianYear, 100) + 1) * 3, 4) - 150;
  const marchDay = 20 + leapsBefore - gregorianLeaps;
  if (jump - n < 6) n = n - jump + div(jump + 4, 33) * 33;
  const sinceLeap = mod(mod(n + 1, 33) - 1, 4);
  return { gregorianYear, marchDay, yearsSinceLeap: sinceLeap === -1 ? 4 : sinceLeap };
}

function div(a: number, b: number): number {
  return Math.trunc(a / b);
}

function mod(a: number, b: number): number {
  return a - Math.trunc(a / b) * b;
}
