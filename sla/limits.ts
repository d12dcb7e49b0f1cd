/**
 * Upper bounds on every amount Pasban computes with, so that no input — a policy, a calendar,
 * a duration — can make one request (or one workflow task) walk the calendar for minutes and
 * run the process out of memory. The bounds are far beyond any published term (the longest
 * preset target is a few business days); anything past them is a typo or a probe.
 */
import type { Problem } from './problem';

/** A `business_minutes` target: about 18 months of 9-hour business days. */
export const MAX_TARGET_BUSINESS_MINUTES = 200_000;
/** A `business_days` target: about four years of business days. */
export const MAX_TARGET_BUSINESS_DAYS = 1_000;
/** The furthest escalation level, as a share of the target's business time. */
export const MAX_ESCALATION_PERCENT = 1_000;
/** Clock-minute durations of a claim policy (filing window, decision time, reminder): one year. */
export const MAX_POLICY_MINUTES = 525_600;
/** Calendar-day durations of a change-request policy (quote validity, acceptance, defect fixes): ten years. */
export const MAX_POLICY_DAYS = 3_650;
/** Customisation hours a change-request plan includes. */
export const MAX_INCLUDED_HOURS = 100_000;
/** An entitlement allowance (tickets, visits, hours) per month or contract year. */
export const MAX_ALLOWANCE = 1_000_000;
/** A change-request plan's review rank. */
export const MAX_REVIEW_RANK = 1_000_000;

/**
 * The hard cap inside the business-time arithmetic: no walk crosses more calendar days than
 * this (100 years). Bounded policies stay far below it on any calendar that opens at least a
 * few times a year; a calendar that almost never opens, or a stored policy from before the
 * bounds, meets it and gets BusinessTimeLimitError instead of a walk that never ends.
 */
export const MAX_WALK_DAYS = 36_600;

export class BusinessTimeLimitError extends RangeError {
  constructor(what: string) {
    super(`${what} would walk more than ${MAX_WALK_DAYS} calendar days (about 100 years) of business time`);
    this.name = 'BusinessTimeLimitError';
  }
}

/** A problem when `value` is above `max`, named by `path`. */
export function atMost(value: number, max: number, path: string, unit = ''): Problem[] {
  return value > max ? [{ path, message: `must be at most ${max.toLocaleString('en-US')}${unit}` }] : [];
}
