/** The clock of a compensation claim (Avanak's process, Pasban rule 8). */
import type { ClaimPolicy } from './policy';
import { deadlineFor, type CalendarLookup } from './targets';

const MS_PER_MINUTE = 60_000;

/** A claim filed after this instant is refused as late. */
export function claimFilingDeadline(outageEndedAtMs: number, policy: ClaimPolicy): number {
  return outageEndedAtMs + policy.filingWindowMinutes * MS_PER_MINUTE;
}

export function claimInitialResponseDeadline(
  receivedAtMs: number,
  policy: ClaimPolicy,
  calendars: CalendarLookup,
): number {
  return deadlineFor(policy.initialResponse, receivedAtMs, calendars)!;
}

export function claimDecisionDeadline(receivedAtMs: number, policy: ClaimPolicy): number {
  return receivedAtMs + policy.decisionMinutes * MS_PER_MINUTE;
}

export function claimReminderAt(receivedAtMs: number, policy: ClaimPolicy): number {
  return claimDecisionDeadline(receivedAtMs, policy) - policy.reminderBeforeMinutes * MS_PER_MINUTE;
}

export interface ClaimDeadlines {
  acknowledgeDueAtMs: number;
  reminderAtMs: number;
  decisionDueAtMs: number;
}

/** Every deadline of a claim received at `receivedAtMs`. */
export function claimDeadlines(receivedAtMs: number, policy: ClaimPolicy, calendars: CalendarLookup): ClaimDeadlines {
  return {
    acknowledgeDueAtMs: claimInitialResponseDeadline(receivedAtMs, policy, calendars),
    reminderAtMs: claimReminderAt(receivedAtMs, policy),
    decisionDueAtMs: claimDecisionDeadline(receivedAtMs, policy),
  };
}
