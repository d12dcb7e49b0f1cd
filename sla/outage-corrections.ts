/**
 * Correcting a recorded outage (issue 12, item 11): new times, cause or customer, checked as a
 * whole, and the bounds every recorded outage keeps. An outage that already ended ends no later
 * than now plus a small margin (a typo such as 2062 would pin the product's availability near 0%
 * for decades); an ongoing one has no end. Planned maintenance announced ahead may lie in the
 * future, up to a year.
 */
import type { OutageCause } from './availability';
import { CUSTOMER_SPECIFIC_CAUSES } from './outages';
import type { Problem } from './problem';

/** How far ahead a maintenance window may be announced. */
export const MAX_MAINTENANCE_AHEAD_MS = 366 * 24 * 3_600_000;

export interface OutageFacts {
  startMs: number;
  /** Null while the outage goes on. */
  endMs: number | null;
  cause: OutageCause;
  customerId: string | null;
  announcedAtMs: number | null;
}

/** Only the fields given change; `endMs: null` reopens the outage as ongoing. */
export interface OutageChange {
  startMs?: number;
  endMs?: number | null;
  cause?: OutageCause;
  customerId?: string | null;
}

export function corrected(current: OutageFacts, change: OutageChange): OutageFacts {
  const cause = change.cause ?? current.cause;
  return {
    startMs: change.startMs ?? current.startMs,
    endMs: change.endMs === undefined ? current.endMs : change.endMs,
    cause,
    // A cause that concerns everyone names no customer.
    customerId:
      change.customerId !== undefined
        ? change.customerId
        : CUSTOMER_SPECIFIC_CAUSES.has(cause)
          ? current.customerId
          : null,
    announcedAtMs: cause === 'planned_maintenance' ? current.announcedAtMs : null,
  };
}

/**
 * What is wrong with an outage as it would be recorded at `nowMs`, named by the fields
 * `startedAt`, `endedAt` and `customerId`. `marginMs` is the configured tolerance for clocks.
 */
export function outageProblems(outage: OutageFacts, nowMs: number, marginMs: number): Problem[] {
  const problems: Problem[] = [];
  const announcedWindow = outage.cause === 'planned_maintenance' && outage.announcedAtMs !== null;
  const latest = announcedWindow ? nowMs + MAX_MAINTENANCE_AHEAD_MS : nowMs + marginMs;
  const bound = announcedWindow ? 'a year from now' : `now plus ${Math.round(marginMs / 60_000)} minutes`;
  if (outage.startMs > latest) problems.push({ path: 'startedAt', message: `must not be later than ${bound}` });
  if (outage.endMs !== null) {
    if (outage.endMs <= outage.startMs) problems.push({ path: 'endedAt', message: 'must be after startedAt' });
    else if (outage.endMs > latest) {
      problems.push({
        path: 'endedAt',
        message: `must not be later than ${bound}; an outage still going on has no end (null)`,
      });
    }
  }
  if (CUSTOMER_SPECIFIC_CAUSES.has(outage.cause) !== (outage.customerId !== null)) {
    problems.push({ path: 'customerId', message: 'required for customer-specific causes and only for them' });
  }
  return problems;
}
