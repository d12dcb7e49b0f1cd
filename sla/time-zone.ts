/**
 * Wall-clock arithmetic for IANA time zones using only Intl, so it runs inside
 * Temporal's workflow sandbox. Offsets are "local minus UTC" in milliseconds.
 */
import { MS_PER_DAY } from './civil-date';

const MS_PER_MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function zoneOffsetMs(timeZone: string, epochMs: number): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(wholeSecond)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour % 24, fields.minute, fields.second);
  return asUtc - wholeSecond;
}

/**
 * The instant at which the zone's clocks show `minutesOfDay` on the given
 * local date. Ambiguous wall times (clocks turned back) take the earlier
 * instant; wall times skipped by a forward jump are moved forward by the
 * length of the jump (02:30 on a 02:00→03:00 night is 03:30), as Temporal's
 * "compatible" disambiguation does.
 */
export function wallTimeToEpoch(timeZone: string, epochDay: number, minutesOfDay: number): number {
  const wall = epochDay * MS_PER_DAY + minutesOfDay * MS_PER_MINUTE;
  const before = zoneOffsetMs(timeZone, wall - MS_PER_DAY);
  const after = zoneOffsetMs(timeZone, wall + MS_PER_DAY);
  if (before === after) return wall - before;
  const early = wall - before;
  const late = wall - after;
  const earlyValid = zoneOffsetMs(timeZone, early) === before;
  const lateValid = zoneOffsetMs(timeZone, late) === after;
  if (earlyValid && lateValid) return Math.min(early, late);
  if (lateValid) return late;
  return early;
}

export interface WallTime {
  epochDay: number;
  minutesOfDay: number;
}

export function epochToWallTime(timeZone: string, epochMs: number): WallTime {
  const local = epochMs + zoneOffsetMs(timeZone, epochMs);
  const epochDay = Math.floor(local / MS_PER_DAY);
  return { epochDay, minutesOfDay: (local - epochDay * MS_PER_DAY) / MS_PER_MINUTE };
}
