/**
 * What a calendar spec is, and everything that can be wrong with one: each
 * problem is named by the path of the field at fault (`week.sat[1].end`) so
 * the API can answer 422. The JSON shape is the edge schema's job; this checks
 * what the fields mean.
 */
import { parseIsoDate } from './civil-date';
import { MINUTES_PER_DAY, parseClockTime } from './clock-time';
import type { Problem } from './problem';
import { isKnownTimeZone } from './time-zone';

export type Weekday = 'sat' | 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri';

/** The Iranian week order, Saturday first. */
export const WEEKDAYS: readonly Weekday[] = ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'];

/** Local wall-clock "HH:MM"; `end` may be "24:00" for midnight at the end of the day. */
export interface OpenInterval {
  start: string;
  end: string;
}

export interface CalendarSpec {
  key: string;
  name: string;
  timeZone: string;
  week: Record<Weekday, OpenInterval[]>;
  /** Open hours on official holidays; [] means closed. */
  holidayHours: OpenInterval[];
  /** Gregorian local dates, YYYY-MM-DD. */
  holidays: { date: string; name: string }[];
  /** Per-date open hours that win over both the weekday and the holiday hours. */
  exceptions: { date: string; intervals: OpenInterval[] }[];
}

export type CalendarProblem = Problem;

const KEY_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function validateCalendarSpec(spec: CalendarSpec): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  if (!KEY_PATTERN.test(spec.key)) {
    problems.push({ path: 'key', message: 'must be lower-case words joined by hyphens, e.g. "amoot-office"' });
  }
  if (spec.name.trim() === '') problems.push({ path: 'name', message: 'must not be empty' });
  if (!isKnownTimeZone(spec.timeZone)) {
    problems.push({ path: 'timeZone', message: `unknown IANA time zone "${spec.timeZone}"` });
  }
  for (const weekday of WEEKDAYS) problems.push(...intervalProblems(spec.week[weekday], `week.${weekday}`));
  if (WEEKDAYS.every((weekday) => spec.week[weekday].length === 0)) {
    problems.push({ path: 'week', message: 'the calendar has no open hours on any weekday' });
  }
  problems.push(...intervalProblems(spec.holidayHours, 'holidayHours'));
  problems.push(...datedProblems(spec.holidays, 'holidays'));
  spec.holidays.forEach((holiday, index) => {
    if (holiday.name.trim() === '') problems.push({ path: `holidays[${index}].name`, message: 'must not be empty' });
  });
  problems.push(...datedProblems(spec.exceptions, 'exceptions'));
  spec.exceptions.forEach((exception, index) => {
    problems.push(...intervalProblems(exception.intervals, `exceptions[${index}].intervals`));
  });
  return problems;
}

function intervalProblems(intervals: readonly OpenInterval[], path: string): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const valid: { index: number; start: number; end: number }[] = [];
  intervals.forEach((interval, index) => {
    const start = parseClockTime(interval.start);
    const end = parseClockTime(interval.end);
    if (start === null || start === MINUTES_PER_DAY) {
      problems.push({
        path: `${path}[${index}].start`,
        message: `"${interval.start}" is not a time between 00:00 and 23:59`,
      });
    }
    if (end === null) {
      problems.push({
        path: `${path}[${index}].end`,
        message: `"${interval.end}" is not a time between 00:00 and 24:00`,
      });
    }
    if (start === null || start === MINUTES_PER_DAY || end === null) return;
    if (end <= start) {
      problems.push({ path: `${path}[${index}].end`, message: `must be later than the start ${interval.start}` });
      return;
    }
    valid.push({ index, start, end });
  });
  valid.sort((a, b) => a.start - b.start);
  for (let i = 1; i < valid.length; i++) {
    const earlier = valid[i - 1]!;
    const later = valid[i]!;
    if (later.start < earlier.end) {
      problems.push({ path: `${path}[${later.index}]`, message: `overlaps ${path}[${earlier.index}]` });
    }
  }
  return problems;
}

function datedProblems(entries: readonly { date: string }[], path: string): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const firstIndexByDate = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (parseIsoDate(entry.date) === null) {
      problems.push({
        path: `${path}[${index}].date`,
        message: `"${entry.date}" is not a date in the form YYYY-MM-DD`,
      });
      return;
    }
    const first = firstIndexByDate.get(entry.date);
    if (first === undefined) firstIndexByDate.set(entry.date, index);
    else
      problems.push({
        path: `${path}[${index}].date`,
        message: `${entry.date} is already listed at ${path}[${first}]`,
      });
  });
  return problems;
}
