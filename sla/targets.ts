/**
 * One SLA target (a response or resolution promise) and the deadline it sets
 * for work opened at a given instant, on the calendar the target names.
 */
import {
  addBusinessDays,
  addBusinessMs,
  businessMsBetween,
  endOfNextBusinessDay,
  MS_PER_MINUTE,
  sameBusinessDayEnd,
  type Pause,
} from './business-time';
import type { BusinessCalendar } from './calendar';

/**
 * `review` (Pasban rule 5) has no deadline until the agent announces a date or
 * rejects the request; `none` (rule 6) is tracked without a deadline.
 */
export type TargetUnit =
  'business_minutes' | 'business_days' | 'same_business_day' | 'end_of_next_business_day' | 'review' | 'none';

export interface TargetSpec {
  unit: TargetUnit;
  /** Required for business_minutes and business_days. */
  amount?: number;
  /** Key of the calendar the target counts on. */
  calendar: string;
}

export type CalendarLookup = (key: string) => BusinessCalendar;

export const UNITS_WITH_AMOUNT: ReadonlySet<TargetUnit> = new Set(['business_minutes', 'business_days']);

export function hasDeadline(target: TargetSpec): boolean {
  return target.unit !== 'review' && target.unit !== 'none';
}

export function deadlineFor(
  target: TargetSpec,
  openedAtMs: number,
  calendars: CalendarLookup,
  pauses: readonly Pause[] = [],
): number | null {
  return deadlineWithPauses(target, openedAtMs, calendars(target.calendar), pauses);
}

/**
 * Pasban rule 4: the unpaused deadline pushed back by the business time spent
 * paused, so the unpaused business time before the deadline is the same as
 * without pauses. Infinity while an open-ended pause holds the clock; null for
 * targets without a deadline.
 */
export function deadlineWithPauses(
  target: TargetSpec,
  openedAtMs: number,
  cal: BusinessCalendar,
  pauses: readonly Pause[],
): number | null {
  const unpaused = unpausedDeadline(target, openedAtMs, cal);
  if (unpaused === null || pauses.length === 0) return unpaused;
  const pausedMs = businessMsBetween(cal, openedAtMs, unpaused) - businessMsBetween(cal, openedAtMs, unpaused, pauses);
  return addBusinessMs(cal, unpaused, pausedMs, pauses);
}

/** Business minutes between opening and the unpaused deadline: the 100% that warning thresholds are shares of. */
export function businessMinutesAllowed(target: TargetSpec, openedAtMs: number, cal: BusinessCalendar): number | null {
  const deadline = unpausedDeadline(target, openedAtMs, cal);
  return deadline === null ? null : businessMsBetween(cal, openedAtMs, deadline) / MS_PER_MINUTE;
}

/**
 * The earliest instant by which `percent` of the allowed business time has
 * been used, not counting pauses: 75 gives the warning, 150 an escalation.
 */
export function instantAtPercentUsed(
  target: TargetSpec,
  openedAtMs: number,
  cal: BusinessCalendar,
  percent: number,
  pauses: readonly Pause[] = [],
): number | null {
  const deadline = unpausedDeadline(target, openedAtMs, cal);
  if (deadline === null) return null;
  const allowedMs = businessMsBetween(cal, openedAtMs, deadline);
  return addBusinessMs(cal, openedAtMs, (allowedMs * percent) / 100, pauses);
}

function unpausedDeadline(target: TargetSpec, openedAtMs: number, cal: BusinessCalendar): number | null {
  switch (target.unit) {
    case 'business_minutes':
      return addBusinessMs(cal, openedAtMs, amountOf(target) * MS_PER_MINUTE);
    case 'business_days':
      return addBusinessDays(cal, openedAtMs, amountOf(target));
    case 'same_business_day':
      return sameBusinessDayEnd(cal, openedAtMs);
    case 'end_of_next_business_day':
      return endOfNextBusinessDay(cal, openedAtMs);
    case 'review':
    case 'none':
      return null;
  }
}

function amountOf(target: TargetSpec): number {
  if (target.amount === undefined || !(target.amount > 0)) {
    throw new RangeError(`a ${target.unit} target needs a positive amount`);
  }
  return target.amount;
}
