/**
 * Business-time arithmetic on a compiled calendar (Pasban rule 1). Everything
 * is counted in milliseconds of open time; a business minute is 60,000 of
 * them, so minute figures may be fractional. The walks jump from one open
 * interval to the next and from one business day to the next, never minute by
 * minute.
 */
import type { BusinessCalendar, BusinessDay } from './calendar';
import { MS_PER_DAY } from './civil-date';
import { clipSpans, mergeSpans, type Span } from './intervals';
import { BusinessTimeLimitError, MAX_WALK_DAYS } from './limits';

export const MS_PER_MINUTE = 60_000;

/** Time the clock stood still, e.g. waiting on the customer; `end: null` means it still stands. */
export interface Pause {
  start: number;
  end: number | null;
}

export function isOpen(cal: BusinessCalendar, epochMs: number): boolean {
  const open = cal.dayAt(epochMs).open;
  for (let i = 0; i < open.length; i += 2) {
    if (epochMs >= open[i]! && epochMs < open[i + 1]!) return true;
  }
  return false;
}

/** `epochMs` itself when the calendar is open then, else the start of the next open interval. */
export function nextOpening(cal: BusinessCalendar, epochMs: number): number {
  for (let day = cal.dayAt(epochMs); ; day = cal.nextBusinessDay(day)) {
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      if (epochMs < open[i + 1]!) return Math.max(epochMs, open[i]!);
    }
  }
}

export function addBusinessMinutes(
  cal: BusinessCalendar,
  startMs: number,
  minutes: number,
  pauses: readonly Pause[] = [],
): number {
  return addBusinessMs(cal, startMs, minutes * MS_PER_MINUTE, pauses);
}

/**
 * The earliest instant by which `amountMs` of open, unpaused time has passed
 * since `startMs`. It therefore never falls in closed time, except exactly at
 * the end of an open interval. Infinity when an open-ended pause stops the
 * clock before the amount is used up.
 */
export function addBusinessMs(
  cal: BusinessCalendar,
  startMs: number,
  amountMs: number,
  pauses: readonly Pause[] = [],
): number {
  if (!Number.isFinite(amountMs) || amountMs < 0) {
    throw new RangeError(`business time to add must be a finite, non-negative amount, got ${amountMs} ms`);
  }
  if (amountMs === 0) return startMs;
  const holes = pauses.length === 0 ? [] : mergeSpans(pauses.map(toOpenEndedSpan));
  let remaining = amountMs;
  let h = 0;
  const firstDay = cal.dayAt(startMs).epochDay;
  for (let day = cal.dayAt(startMs); ; day = cal.nextBusinessDay(day)) {
    if (day.epochDay - firstDay > MAX_WALK_DAYS) throw new BusinessTimeLimitError('adding business time');
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      const end = open[i + 1]!;
      let from = Math.max(open[i]!, startMs);
      while (from < end) {
        while (h < holes.length && holes[h]!.end <= from) h++;
        const hole = holes[h];
        if (hole && hole.start <= from) {
          if (hole.end === Infinity) return Infinity;
          from = hole.end;
          continue;
        }
        const until = hole && hole.start < end ? hole.start : end;
        if (remaining <= until - from) return from + remaining;
        remaining -= until - from;
        from = until;
      }
    }
  }
}

/** Open time between two instants less the paused part of it; 0 when `toMs` is not after `fromMs`. */
export function businessMinutesBetween(
  cal: BusinessCalendar,
  fromMs: number,
  toMs: number,
  pauses: readonly Pause[] = [],
): number {
  return businessMsBetween(cal, fromMs, toMs, pauses) / MS_PER_MINUTE;
}

export function businessMsBetween(
  cal: BusinessCalendar,
  fromMs: number,
  toMs: number,
  pauses: readonly Pause[] = [],
): number {
  if (toMs <= fromMs) return 0;
  const paused = mergeSpans(
    clipSpans(
      pauses.map((pause) => ({ start: pause.start, end: pause.end ?? toMs })),
      fromMs,
      toMs,
    ),
  );
  return paused.reduce(
    (worked, span) => worked - openMsWithin(cal, span.start, span.end),
    openMsWithin(cal, fromMs, toMs),
  );
}

/**
 * The same business-clock time on the `days`-th following business day,
 * counted from the next opening. When that day opens later than that time the
 * deadline is its opening; when it closes earlier, its closing; when the time
 * falls in a break, the end of the interval before the break.
 */
export function addBusinessDays(cal: BusinessCalendar, startMs: number, days: number): number {
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`business days to add must be a whole, non-negative number, got ${days}`);
  }
  if (days > MAX_WALK_DAYS) throw new BusinessTimeLimitError(`adding ${days} business days`);
  const start = nextOpening(cal, startMs);
  if (days === 0) return start;
  let day = cal.dayAt(start);
  const firstDay = day.epochDay;
  const clock = cal.wallMinutes(day, start);
  for (let n = 0; n < days; n++) {
    day = cal.nextBusinessDay(day);
    if (day.epochDay - firstDay > MAX_WALK_DAYS) throw new BusinessTimeLimitError(`adding ${days} business days`);
  }
  return clampToOpenHours(day, cal.atWallMinutes(day, clock));
}

/** The closing time of the business day the work was opened in, or of the next one when opened after hours. */
export function sameBusinessDayEnd(cal: BusinessCalendar, startMs: number): number {
  return closingTime(cal.dayAt(nextOpening(cal, startMs)));
}

/** The closing time of the first business day after the local day of receipt. */
export function endOfNextBusinessDay(cal: BusinessCalendar, startMs: number): number {
  return closingTime(cal.nextBusinessDay(cal.dayAt(startMs)));
}

function closingTime(day: BusinessDay): number {
  return day.open[day.open.length - 1]!;
}

function clampToOpenHours(day: BusinessDay, instant: number): number {
  const open = day.open;
  if (instant <= open[0]!) return open[0]!;
  for (let i = 0; i < open.length; i += 2) {
    if (instant <= open[i + 1]!) return instant >= open[i]! ? instant : open[i - 1]!;
  }
  return closingTime(day);
}

function openMsWithin(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  if (toMs - fromMs > (MAX_WALK_DAYS + 1) * MS_PER_DAY) throw new BusinessTimeLimitError('measuring business time');
  let total = 0;
  for (let day = cal.dayAt(fromMs); day.startMs < toMs; day = cal.day(day.epochDay + 1)) {
    const open = day.open;
    for (let i = 0; i < open.length; i += 2) {
      const overlap = Math.min(open[i + 1]!, toMs) - Math.max(open[i]!, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

function toOpenEndedSpan(pause: Pause): Span {
  return { start: pause.start, end: pause.end ?? Infinity };
}
