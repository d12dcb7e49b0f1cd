/**
 * A ticket's SLA clock: for each target (first response, resolution, and the review that
 * stands in for a review-type resolution, Pasban rule 5) its deadline, the business time used
 * and left, whether it is paused, met or breached, and the instants at which its warnings,
 * breach and escalations fall due. Pure: the ticket workflow, the API and the preview all
 * compute deadlines with this one function, so they always agree.
 */
import { addBusinessMs, businessMsBetween, MS_PER_MINUTE, type Pause } from './business-time';
import type { BusinessCalendar } from './calendar';
import type { BreachAction, Priority, TicketPolicy } from './policy';
import { deadlineFor, hasDeadline, type CalendarLookup, type TargetSpec } from './targets';

export type TargetName = 'first_response' | 'resolution' | 'review';
export type AlarmKind = 'warning' | 'breach' | 'escalation';

/**
 * `stopped`: the ticket was cancelled or closed before the target was met; its time no longer counts.
 * `awaiting_review`: the resolution target has no deadline until the review (rules 5 and 13).
 */
export const TARGET_STATES = [
  'running',
  'paused',
  'met',
  'breached',
  'no_target',
  'awaiting_review',
  'rejected',
  'stopped',
] as const;
export type TargetState = (typeof TARGET_STATES)[number];

export interface Alarm {
  target: TargetName;
  kind: AlarmKind;
  percent: number;
  atMs: number;
  action: BreachAction;
}

export interface TargetClock {
  target: TargetName;
  calendar: string;
  state: TargetState;
  startMs: number;
  dueAtMs: number | null;
  allowedMinutes: number | null;
  usedMinutes: number;
  leftMinutes: number | null;
  paused: boolean;
  breached: boolean;
  completedAtMs: number | null;
  alarms: Alarm[];
}

/** How the current resolution cycle stands; a reopen starts a new cycle. */
export interface ResolutionCycle {
  startMs: number;
  pauses: Pause[];
  /**
   * Set once the agent announced a committed date or rejected the request (rule 5), or, where
   * the resolution counts from the review result (rule 13), confirmed the fault at `atMs`.
   */
  review?:
    { decision: 'announced'; dueAtMs: number } | { decision: 'rejected' } | { decision: 'confirmed'; atMs: number };
  completedAtMs?: number;
}

export interface TicketClockInput {
  policy: TicketPolicy;
  priority: Priority;
  calendars: CalendarLookup;
  openedAtMs: number;
  firstResponseAtMs?: number;
  cycle: ResolutionCycle;
  nowMs: number;
  /** When the ticket was cancelled or closed: targets not completed by then stop counting there. */
  stoppedAtMs?: number;
}

/** Warnings go to the assignee's inbox; the breach and each further level follow the policy. */
const WARNING_ACTION: BreachAction = { channel: 'in_app', recipients: ['assignee'] };

export function ticketClock(input: TicketClockInput): TargetClock[] {
  const { policy, priority, calendars, cycle } = input;
  const targets = policy.priorities[priority];
  const clocks = [
    measure(input, 'first_response', targets.firstResponse, input.openedAtMs, [], input.firstResponseAtMs),
  ];
  const resolution = targets.resolution;
  // Rule 13: a resolution with a deadline that counts from the review result waits on the review.
  const fromReview = targets.resolutionFrom === 'review_result' && hasDeadline(resolution);
  if (resolution.unit !== 'review' && !fromReview) {
    clocks.push(measure(input, 'resolution', resolution, cycle.startMs, cycle.pauses, cycle.completedAtMs));
  } else if (!cycle.review) {
    const reviewDone = cycle.completedAtMs;
    clocks.push(measure(input, 'review', policy.reviewDeadline, cycle.startMs, [], reviewDone));
    // A ticket resolved, cancelled or closed before its review has nothing left to wait on.
    const waiting = reviewDone === undefined && input.stoppedAtMs === undefined;
    clocks.push(noTarget('resolution', resolution.calendar, cycle.startMs, waiting ? 'awaiting_review' : 'no_target'));
  } else if (cycle.review.decision === 'confirmed') {
    // The fix counts from the review result, on the resolution's own calendar.
    if (fromReview)
      clocks.push(measure(input, 'resolution', resolution, cycle.review.atMs, cycle.pauses, cycle.completedAtMs));
    else clocks.push(noTarget('resolution', resolution.calendar, cycle.startMs, 'no_target'));
  } else if (cycle.review.decision === 'announced') {
    const committed = cycle.review.dueAtMs;
    const cal = calendars(resolution.calendar);
    clocks.push(measureAgainst(input, 'resolution', cal, cycle.startMs, committed, cycle.pauses, cycle.completedAtMs));
  } else {
    clocks.push(noTarget('resolution', resolution.calendar, cycle.startMs, 'rejected'));
  }
  return clocks;
}

/** The earliest alarm not yet fired, across every target: the workflow's next timer. */
export function nextAlarm(clocks: readonly TargetClock[], fired: ReadonlySet<string>, cycle: number): Alarm | null {
  let next: Alarm | null = null;
  for (const clock of clocks) {
    for (const alarm of clock.alarms) {
      if (fired.has(alarmKey(alarm, cycle))) continue;
      if (!next || alarm.atMs < next.atMs) next = alarm;
    }
  }
  return next;
}

/** An alarm as views show it: when, which target and how far, without what it does. */
export function shownAlarm(alarm: Alarm | null): Omit<Alarm, 'action'> | null {
  return alarm && { target: alarm.target, kind: alarm.kind, percent: alarm.percent, atMs: alarm.atMs };
}

/** Identifies one alarm of one cycle: the same warning or breach never fires twice. */
export function alarmKey(alarm: Pick<Alarm, 'target' | 'kind' | 'percent'>, cycle: number): string {
  const target = alarm.target === 'first_response' ? 'first_response' : `${alarm.target}#${cycle}`;
  return `${target}:${alarm.kind}:${alarm.percent}`;
}

function measure(
  input: TicketClockInput,
  target: TargetName,
  spec: TargetSpec,
  startMs: number,
  pauses: readonly Pause[],
  completedAtMs: number | undefined,
): TargetClock {
  const unpaused = deadlineFor(spec, startMs, input.calendars);
  if (unpaused === null) return noTarget(target, spec.calendar, startMs, 'no_target');
  return measureAgainst(input, target, input.calendars(spec.calendar), startMs, unpaused, pauses, completedAtMs);
}

/**
 * Measures a target whose unpaused deadline is known: the allowed business time is the open
 * time up to it, and pauses push the deadline (and every alarm) back by the business time
 * they held (Pasban rule 4).
 */
function measureAgainst(
  input: TicketClockInput,
  target: TargetName,
  cal: BusinessCalendar,
  startMs: number,
  unpausedDueMs: number,
  pauses: readonly Pause[],
  completedAtMs: number | undefined,
): TargetClock {
  const allowedMs = businessMsBetween(cal, startMs, unpausedDueMs);
  // Pauses push the deadline back by the business time they held before it. Counting on from
  // the unpaused deadline (not re-walking from the start) keeps rule 1's instant: work opened
  // after hours is due at the same business-clock time, not at the end of an earlier interval.
  const pausedMs = allowedMs - businessMsBetween(cal, startMs, unpausedDueMs, pauses);
  const dueAtMs = pausedMs === 0 ? unpausedDueMs : addBusinessMs(cal, unpausedDueMs, pausedMs, pauses);
  const stopped = completedAtMs === undefined && input.stoppedAtMs !== undefined;
  const untilMs = completedAtMs ?? (stopped ? Math.min(input.stoppedAtMs!, input.nowMs) : input.nowMs);
  const usedMs = businessMsBetween(cal, startMs, untilMs, pauses);
  const paused = completedAtMs === undefined && !stopped && pauses.some((p) => p.end === null);
  const breached = untilMs > dueAtMs;
  const state: TargetState =
    completedAtMs !== undefined
      ? breached
        ? 'breached'
        : 'met'
      : stopped
        ? 'stopped'
        : breached
          ? 'breached'
          : paused
            ? 'paused'
            : 'running';
  return {
    target,
    calendar: cal.key,
    state,
    startMs,
    dueAtMs: Number.isFinite(dueAtMs) ? dueAtMs : null,
    allowedMinutes: allowedMs / MS_PER_MINUTE,
    usedMinutes: usedMs / MS_PER_MINUTE,
    leftMinutes: Math.max(0, allowedMs - usedMs) / MS_PER_MINUTE,
    paused,
    breached,
    completedAtMs: completedAtMs ?? null,
    alarms:
      completedAtMs === undefined && !stopped ? alarmsFor(input, target, cal, startMs, allowedMs, dueAtMs, pauses) : [],
  };
}

function alarmsFor(
  input: TicketClockInput,
  target: TargetName,
  cal: BusinessCalendar,
  startMs: number,
  allowedMs: number,
  dueAtMs: number,
  pauses: readonly Pause[],
): Alarm[] {
  const { policy, priority } = input;
  const thresholds: { kind: AlarmKind; percent: number; action: BreachAction }[] = [
    ...policy.warningAtPercent.map((percent) => ({ kind: 'warning' as const, percent, action: WARNING_ACTION })),
    { kind: 'breach', percent: 100, action: policy.priorities[priority].breachAction },
    ...policy.escalations.map((level) => ({
      kind: 'escalation' as const,
      percent: level.atPercent,
      action: level.action,
    })),
  ];
  return thresholds
    .map((t) => ({
      target,
      ...t,
      atMs: t.percent === 100 ? dueAtMs : addBusinessMs(cal, startMs, (allowedMs * t.percent) / 100, pauses),
    }))
    .filter((alarm) => Number.isFinite(alarm.atMs));
}

function noTarget(
  target: TargetName,
  calendar: string,
  startMs: number,
  state: 'no_target' | 'awaiting_review' | 'rejected',
): TargetClock {
  return {
    target,
    calendar,
    state,
    startMs,
    dueAtMs: null,
    allowedMinutes: null,
    usedMinutes: 0,
    leftMinutes: null,
    paused: false,
    breached: false,
    completedAtMs: null,
    alarms: [],
  };
}
