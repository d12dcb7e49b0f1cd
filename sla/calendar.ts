/**
 * A business calendar: the open hours of each weekday, official holidays with
 * their own hours, and per-date exceptions, in one IANA time zone. Compiling a
 * spec gives a BusinessCalendar that hands out each local day's open hours as
 * absolute epoch-ms intervals, computed once per day and cached.
 */
import { dayOfWeek, formatIsoDate, MS_PER_DAY } from './civil-date';
import { parseClockTime } from './clock-time';
import {
  validateCalendarSpec,
  WEEKDAYS,
  type CalendarProblem,
  type CalendarSpec,
  type OpenInterval,
  type Weekday,
} from './calendar-spec';
import { wallTimeToEpoch, zoneOffsetMs } from './time-zone';

export {
  validateCalendarSpec,
  WEEKDAYS,
  type CalendarProblem,
  type CalendarSpec,
  type OpenInterval,
  type Weekday,
} from './calendar-spec';

export interface BusinessDay {
  /** Local calendar day as days since 1970-01-01. */
  readonly epochDay: number;
  readonly date: string;
  readonly weekday: Weekday;
  /** The holiday's name when the date is in the calendar's holiday list. */
  readonly holiday: string | null;
  /** Local midnight at the start and at the end of the day. */
  readonly startMs: number;
  readonly endMs: number;
  /** The zone's UTC offset all day long, or null on a day when it changes. */
  readonly utcOffsetMs: number | null;
  /** Open intervals as flat [start, end) pairs: [s0, e0, s1, e1, …], ascending and disjoint. */
  readonly open: readonly number[];
}

export interface BusinessCalendar {
  readonly key: string;
  readonly name: string;
  readonly timeZone: string;
  day(epochDay: number): BusinessDay;
  dayAt(epochMs: number): BusinessDay;
  /** The first day after `after` that has open hours. */
  nextBusinessDay(after: BusinessDay): BusinessDay;
  /** Minutes the local clocks show past midnight on `day` at `epochMs`. */
  wallMinutes(day: BusinessDay, epochMs: number): number;
  /** The instant the local clocks show `minutesOfDay` on `day`. */
  atWallMinutes(day: BusinessDay, minutesOfDay: number): number;
}

export class InvalidCalendarError extends Error {
  constructor(readonly problems: CalendarProblem[]) {
    super(`invalid calendar: ${problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`);
    this.name = 'InvalidCalendarError';
  }
}

/** A calendar with no open hours for this long is treated as never opening. */
const MAX_CLOSED_DAYS = 3660;

const MS_PER_MINUTE = 60_000;

const WEEKDAY_BY_DAY_OF_WEEK: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

type MinuteRanges = readonly (readonly [number, number])[];

export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const problems = validateCalendarSpec(spec);
  if (problems.length > 0) throw new InvalidCalendarError(problems);
  return new CompiledCalendar(spec);
}

class CompiledCalendar implements BusinessCalendar {
  readonly key: string;
  readonly name: string;
  readonly timeZone: string;
  private readonly week: Map<Weekday, MinuteRanges>;
  private readonly holidayHours: MinuteRanges;
  private readonly holidays: Map<string, string>;
  private readonly exceptions: Map<string, MinuteRanges>;
  private readonly days = new Map<number, BusinessDay>();
  private offsetHint = 0;

  constructor(spec: CalendarSpec) {
    this.key = spec.key;
    this.name = spec.name;
    this.timeZone = spec.timeZone;
    this.week = new Map(WEEKDAYS.map((weekday) => [weekday, toMinuteRanges(spec.week[weekday])]));
    this.holidayHours = toMinuteRanges(spec.holidayHours);
    this.holidays = new Map(spec.holidays.map((holiday) => [holiday.date, holiday.name]));
    this.exceptions = new Map(
      spec.exceptions.map((exception) => [exception.date, toMinuteRanges(exception.intervals)]),
    );
  }

  day(epochDay: number): BusinessDay {
    let day = this.days.get(epochDay);
    if (!day) {
      day = this.buildDay(epochDay);
      this.days.set(epochDay, day);
    }
    return day;
  }

  dayAt(epochMs: number): BusinessDay {
    if (!Number.isFinite(epochMs)) throw new RangeError(`not an instant: ${epochMs}`);
    let day = this.day(Math.floor((epochMs + this.offsetHint) / MS_PER_DAY));
    while (epochMs < day.startMs) day = this.day(day.epochDay - 1);
    while (epochMs >= day.endMs) day = this.day(day.epochDay + 1);
    if (day.utcOffsetMs !== null) this.offsetHint = day.utcOffsetMs;
    return day;
  }

  nextBusinessDay(after: BusinessDay): BusinessDay {
    for (let epochDay = after.epochDay + 1; epochDay <= after.epochDay + MAX_CLOSED_DAYS; epochDay++) {
      const day = this.day(epochDay);
      if (day.open.length > 0) return day;
    }
    throw new RangeError(`calendar '${this.key}' has no open hours in the ${MAX_CLOSED_DAYS} days after ${after.date}`);
  }

  wallMinutes(day: BusinessDay, epochMs: number): number {
    if (day.utcOffsetMs !== null) return (epochMs - day.startMs) / MS_PER_MINUTE;
    const local = epochMs + zoneOffsetMs(this.timeZone, epochMs);
    return (local - day.epochDay * MS_PER_DAY) / MS_PER_MINUTE;
  }

  atWallMinutes(day: BusinessDay, minutesOfDay: number): number {
    if (day.utcOffsetMs !== null) return day.startMs + minutesOfDay * MS_PER_MINUTE;
    return wallTimeToEpoch(this.timeZone, day.epochDay, minutesOfDay);
  }

  private buildDay(epochDay: number): BusinessDay {
    const date = formatIsoDate(epochDay);
    const weekday = WEEKDAY_BY_DAY_OF_WEEK[dayOfWeek(epochDay)]!;
    const holiday = this.holidays.get(date) ?? null;
    const ranges = this.exceptions.get(date) ?? (holiday !== null ? this.holidayHours : this.week.get(weekday)!);
    const utcOffsetMs = this.steadyOffset(epochDay);
    const at = (minutes: number): number =>
      utcOffsetMs !== null
        ? epochDay * MS_PER_DAY + minutes * MS_PER_MINUTE - utcOffsetMs
        : wallTimeToEpoch(this.timeZone, epochDay, minutes);
    const open: number[] = [];
    for (const [startMinutes, endMinutes] of ranges) {
      const start = at(startMinutes);
      const end = at(endMinutes);
      if (end <= start) continue;
      if (open.length > 0 && start <= open[open.length - 1]!) {
        open[open.length - 1] = Math.max(open[open.length - 1]!, end);
      } else {
        open.push(start, end);
      }
    }
    return { epochDay, date, weekday, holiday, startMs: at(0), endMs: at(1440), utcOffsetMs, open };
  }

  /** The offset when it is the same from the day before to the day after (no transition near), else null. */
  private steadyOffset(epochDay: number): number | null {
    const wallMidnight = epochDay * MS_PER_DAY;
    const before = zoneOffsetMs(this.timeZone, wallMidnight - MS_PER_DAY);
    const after = zoneOffsetMs(this.timeZone, wallMidnight + 2 * MS_PER_DAY);
    return before === after ? before : null;
  }
}

/** Sorted, merged [startMinute, endMinute) pairs; touching intervals become one. */
function toMinuteRanges(intervals: readonly OpenInterval[]): MinuteRanges {
  const ranges = intervals
    .map((interval) => [parseClockTime(interval.start)!, parseClockTime(interval.end)!] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}
