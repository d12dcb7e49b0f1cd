/**
 * A ticket's state machine, pure: its opening state, whether a command may run against the
 * state it would change, the transition a command makes (the new state, the SLA outcomes it
 * completes and the one timeline event it records) and the view anybody reads. The ticket
 * workflow only wires these to its update handlers, timers and activities; the API projects a
 * recorded state to the time of its own request with the same code (`ticketView`).
 */
import { compileCalendar, type BusinessCalendar } from './calendar';
import type { CalendarSpec } from './calendar-spec';
import type { Priority, PriorityPolicy, TicketPolicy } from './policy';
import {
  alarmKey,
  nextAlarm,
  shownAlarm,
  ticketClock,
  type Alarm,
  type AlarmKind,
  type ResolutionCycle,
  type TargetClock,
} from './ticket-clock';

export type TicketStatus = 'new' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed' | 'cancelled';

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'in_progress', 'waiting_on_customer'];

export interface TicketState {
  status: TicketStatus;
  priority: Priority;
  assignee: string | null;
  firstResponseAtMs: number | null;
  cycleNumber: number;
  cycle: ResolutionCycle;
  resolvedAtMs: number | null;
  closedAtMs: number | null;
  cancelReason: string | null;
  /** Alarm keys (see alarmKey) that have fired: a warning or breach is never sent twice. */
  fired: string[];
  /** Sequence number of the last timeline event this workflow recorded. */
  sequence: number;
}

export interface TicketView {
  ticketId: string;
  status: TicketStatus;
  priority: Priority;
  assignee: string | null;
  cycle: number;
  firstResponseAtMs: number | null;
  resolvedAtMs: number | null;
  closedAtMs: number | null;
  cancelReason: string | null;
  breached: boolean;
  targets: Omit<TargetClock, 'alarms'>[];
  nextAlarm: Omit<Alarm, 'action'> | null;
  asOfMs: number;
}

/**
 * What a running ticket workflow holds, as its `ticketSnapshot` query answers it: enough to
 * compute its clock at any later instant without asking the workflow again.
 */
export interface TicketSnapshot {
  ticketId: string;
  openedAtMs: number;
  policy: TicketPolicy;
  calendars: CalendarSpec[];
  state: TicketState;
  /** The workflow's time when it answered. */
  recordedAtMs: number;
}

interface Actor {
  actor: string;
}

export type TicketCommand =
  | (Actor & { type: 'agentReply'; public: boolean; body: string })
  | (Actor & { type: 'customerReply'; body: string })
  | (Actor & { type: 'setStatus'; status: 'in_progress' | 'waiting_on_customer' })
  | (Actor & { type: 'changePriority'; priority: Priority; reason: string })
  | (Actor & { type: 'assign'; assignee: string })
  | (Actor & { type: 'announceResolutionDate'; dueAtMs: number })
  | (Actor & { type: 'rejectRequest'; reason: string })
  /** Rule 13: the review found the fault is the vendor's; the fix target starts now. */
  | (Actor & { type: 'confirmFault'; finding: string })
  | (Actor & { type: 'resolve'; note: string })
  | (Actor & { type: 'reopen'; reason: string })
  | (Actor & { type: 'close'; reason: string })
  | (Actor & { type: 'cancel'; reason: string });

/** The one timeline event an accepted command records. */
export interface TicketEvent {
  actor: string;
  type: string;
  data: Record<string, unknown>;
  /** The customer is told about it. */
  notifyCustomer: boolean;
}

export interface Transition {
  state: TicketState;
  /** Targets the command completed, measured as it completed them, to record as outcomes first. */
  outcomes: TargetClock[];
  event: TicketEvent;
}

export function initialTicketState(priority: Priority, openedAtMs: number): TicketState {
  return {
    status: 'new',
    priority,
    assignee: null,
    firstResponseAtMs: null,
    cycleNumber: 1,
    cycle: { startMs: openedAtMs, pauses: [] },
    resolvedAtMs: null,
    closedAtMs: null,
    cancelReason: null,
    fired: [],
    sequence: 0,
  };
}

/**
 * The ticket's policy and compiled calendars, replaceable when an administrator corrects them.
 * Compiled calendars cache each day's open hours, so they are kept across clock readings.
 */
export class TicketRules {
  private compiled = new Map<string, BusinessCalendar>();

  constructor(
    public policy: TicketPolicy,
    public calendarSpecs: CalendarSpec[],
    readonly openedAtMs: number,
  ) {
    this.compile();
  }

  reconfigure(policy?: TicketPolicy, calendarSpecs?: CalendarSpec[]): void {
    if (policy) this.policy = policy;
    if (calendarSpecs) {
      const replaced = new Map(this.calendarSpecs.map((spec) => [spec.key, spec]));
      for (const spec of calendarSpecs) replaced.set(spec.key, spec);
      this.calendarSpecs = [...replaced.values()];
    }
    this.compile();
  }

  /**
   * Every target's clock at `nowMs`. A cancelled or closed ticket's clocks are stopped at the
   * moment it ended: what was not completed by then no longer counts.
   */
  clocks(state: TicketState, nowMs: number): TargetClock[] {
    const ended = state.status === 'cancelled' || state.status === 'closed';
    return ticketClock({
      policy: this.policy,
      priority: state.priority,
      calendars: (key) => {
        const calendar = this.compiled.get(key);
        if (!calendar) throw new Error(`the ticket has no calendar "${key}"`);
        return calendar;
      },
      openedAtMs: this.openedAtMs,
      firstResponseAtMs: state.firstResponseAtMs ?? undefined,
      cycle: state.cycle,
      nowMs,
      ...(ended && state.closedAtMs !== null && { stoppedAtMs: state.closedAtMs }),
    });
  }

  private compile(): void {
    this.compiled = new Map(this.calendarSpecs.map((spec) => [spec.key, compileCalendar(spec)]));
  }
}

/** Rule 13: the resolution target has a deadline that starts at the review result. */
export function countsFromReview(terms: PriorityPolicy): boolean {
  return (
    terms.resolutionFrom === 'review_result' && terms.resolution.unit !== 'review' && terms.resolution.unit !== 'none'
  );
}

/**
 * The policy as the ticket workflow read it before rule 13's patch: every resolution counted
 * from the opening, whatever `resolutionFrom` says. Workflows started before the patch keep it.
 */
export function withResolutionFromOpening(policy: TicketPolicy): TicketPolicy {
  const priorities = Object.fromEntries(
    Object.entries(policy.priorities).map(([priority, { resolutionFrom: _from, ...terms }]) => [priority, terms]),
  ) as TicketPolicy['priorities'];
  return { ...policy, priorities };
}

/** The ticket as anybody reads it at `nowMs`. */
export function ticketView(rules: TicketRules, ticketId: string, state: TicketState, nowMs: number): TicketView {
  const current = rules.clocks(state, nowMs);
  const alarm = OPEN_STATUSES.includes(state.status)
    ? nextAlarm(current, new Set(state.fired), state.cycleNumber)
    : null;
  return {
    ticketId,
    status: state.status,
    priority: state.priority,
    assignee: state.assignee,
    cycle: state.cycleNumber,
    firstResponseAtMs: state.firstResponseAtMs,
    resolvedAtMs: state.resolvedAtMs,
    closedAtMs: state.closedAtMs,
    cancelReason: state.cancelReason,
    breached: state.fired.some((key) => key.includes(':breach:')) || current.some((c) => c.breached),
    targets: current.map(({ alarms: _alarms, ...rest }) => rest),
    nextAlarm: shownAlarm(alarm),
    asOfMs: nowMs,
  };
}

/** A recorded snapshot's view as at `nowMs` (the answer's time), with the code the workflow runs. */
export function projectSnapshot(snapshot: TicketSnapshot, nowMs: number): TicketView {
  const rules = new TicketRules(snapshot.policy, snapshot.calendars, snapshot.openedAtMs);
  return ticketView(rules, snapshot.ticketId, snapshot.state, Math.max(nowMs, snapshot.recordedAtMs));
}

/** Why `command` may not run against `state` at `nowMs`, or null when it may. */
export function refusalOf(
  rules: TicketRules,
  state: TicketState,
  command: TicketCommand,
  nowMs: number,
): string | null {
  const open = OPEN_STATUSES.includes(state.status);
  const requireOpen = (what: string) => (open ? null : `cannot ${what}: the ticket is ${state.status}`);
  const terms = rules.policy.priorities[state.priority];
  const reviewPending = (): string | null => {
    if (terms.resolution.unit !== 'review' && !countsFromReview(terms)) {
      return `the ${state.priority} resolution target of this plan is not a review and does not count from a review result`;
    }
    return state.cycle.review ? `the review was already made (${state.cycle.review.decision})` : null;
  };
  switch (command.type) {
    case 'agentReply':
      return requireOpen('reply');
    case 'customerReply':
      return state.status === 'closed' || state.status === 'cancelled'
        ? `cannot reply: the ticket is ${state.status}`
        : null;
    case 'setStatus':
      return (
        requireOpen('change the status') ??
        (command.status === state.status ? `the ticket is already ${command.status}` : null) ??
        (command.status === 'waiting_on_customer' && state.status === 'new'
          ? 'reply to the customer before waiting on them'
          : null)
      );
    case 'changePriority':
      return (
        requireOpen('change the priority') ??
        (command.priority === state.priority ? `the priority is already ${command.priority}` : null)
      );
    case 'assign':
      return requireOpen('assign');
    case 'announceResolutionDate':
      return (
        requireOpen('announce a resolution date') ??
        reviewPending() ??
        (command.dueAtMs > nowMs ? null : 'the committed resolution date must be in the future')
      );
    case 'rejectRequest':
      return requireOpen('reject the request') ?? reviewPending();
    case 'confirmFault':
      return (
        requireOpen('confirm the fault') ??
        (countsFromReview(terms)
          ? null
          : `the ${state.priority} resolution target of this plan does not count from a review result`) ??
        reviewPending()
      );
    case 'resolve':
      return requireOpen('resolve');
    case 'reopen':
      return state.status === 'resolved' ? null : `only a resolved ticket can be reopened; it is ${state.status}`;
    case 'close':
      return state.status === 'resolved' ? null : `only a resolved ticket can be closed; it is ${state.status}`;
    case 'cancel':
      return requireOpen('cancel');
  }
}

/** A copy of the state that a transition may change without touching the original. */
export function copyState(state: TicketState): TicketState {
  return {
    ...state,
    cycle: {
      ...state.cycle,
      pauses: state.cycle.pauses.map((p) => ({ ...p })),
      ...(state.cycle.review && { review: { ...state.cycle.review } }),
    },
    fired: [...state.fired],
  };
}

/**
 * What `command` does to `state` at `nowMs`. It does not check the command (see refusalOf):
 * histories recorded before commands were checked where they run replay it unchecked.
 */
export function transition(rules: TicketRules, before: TicketState, command: TicketCommand, nowMs: number): Transition {
  const state = copyState(before);
  const outcomes: TargetClock[] = [];
  const measured = (name: TargetClock['target']) => rules.clocks(state, nowMs).find((c) => c.target === name);
  const closePause = () => {
    const open = state.cycle.pauses.find((p) => p.end === null);
    if (open) open.end = nowMs;
  };
  const event = (type: string, data: Record<string, unknown>, notifyCustomer: boolean): Transition => ({
    state,
    outcomes,
    event: { actor: command.actor, type, data, notifyCustomer },
  });
  const reopen = (reason: string, data: Record<string, unknown>): Transition => {
    state.cycleNumber += 1;
    state.cycle = { startMs: nowMs, pauses: [] };
    state.status = 'in_progress';
    state.resolvedAtMs = null;
    return event('reopened', { reason, cycle: state.cycleNumber, ...data }, true);
  };

  switch (command.type) {
    case 'agentReply': {
      const first = command.public && state.firstResponseAtMs === null;
      if (first) state.firstResponseAtMs = nowMs;
      if (command.public && state.status === 'new') state.status = 'in_progress';
      if (first) outcomes.push(measured('first_response')!);
      return event(
        command.public ? 'agent_replied' : 'internal_note',
        { body: command.body, firstResponse: first },
        command.public,
      );
    }
    case 'customerReply':
      if (state.status === 'resolved') return reopen('customer replied after resolution', { body: command.body });
      if (state.status === 'waiting_on_customer') {
        closePause();
        state.status = 'in_progress';
      }
      return event('customer_replied', { body: command.body }, false);
    case 'setStatus': {
      const from = state.status;
      if (command.status === 'waiting_on_customer') state.cycle.pauses.push({ start: nowMs, end: null });
      else closePause();
      state.status = command.status;
      return event('status_changed', { from, to: command.status }, true);
    }
    case 'changePriority': {
      const before = rules.clocks(state, nowMs);
      const from = state.priority;
      state.priority = command.priority;
      return event(
        'priority_changed',
        {
          from,
          to: command.priority,
          reason: command.reason,
          deadlines: deadlineChanges(before, rules.clocks(state, nowMs)),
        },
        false,
      );
    }
    case 'assign': {
      const from = state.assignee;
      state.assignee = command.assignee;
      return event('assigned', { from, to: command.assignee }, false);
    }
    case 'announceResolutionDate':
      outcomes.push({ ...measured('review')!, completedAtMs: nowMs });
      state.cycle.review = { decision: 'announced', dueAtMs: command.dueAtMs };
      return event('resolution_date_announced', { dueAtMs: command.dueAtMs }, true);
    case 'rejectRequest':
      outcomes.push({ ...measured('review')!, completedAtMs: nowMs });
      state.cycle.review = { decision: 'rejected' };
      return event('request_rejected', { reason: command.reason }, true);
    case 'confirmFault':
      outcomes.push({ ...measured('review')!, completedAtMs: nowMs });
      state.cycle.review = { decision: 'confirmed', atMs: nowMs };
      return event(
        'fault_confirmed',
        { finding: command.finding, fixDueAtMs: measured('resolution')?.dueAtMs ?? null },
        true,
      );
    case 'resolve': {
      closePause();
      if (state.firstResponseAtMs === null) {
        // The resolution is the first public answer the customer gets.
        state.firstResponseAtMs = nowMs;
        outcomes.push(measured('first_response')!);
      }
      state.cycle.completedAtMs = nowMs;
      state.status = 'resolved';
      state.resolvedAtMs = nowMs;
      const resolution = measured('resolution');
      if (resolution) outcomes.push(resolution);
      return event('resolved', { note: command.note }, true);
    }
    case 'reopen':
      return reopen(command.reason, {});
    case 'close':
      state.status = 'closed';
      state.closedAtMs = nowMs;
      return event('closed', { reason: command.reason }, true);
    case 'cancel':
      closePause();
      state.status = 'cancelled';
      state.cancelReason = command.reason;
      state.closedAtMs = nowMs;
      return event('cancelled', { reason: command.reason }, true);
  }
}

/** The old and new deadline of every target whose deadline moved. */
export function deadlineChanges(
  before: TargetClock[],
  after: TargetClock[],
): { target: string; fromMs: number | null; toMs: number | null }[] {
  return after
    .map((clock) => ({
      target: clock.target,
      fromMs: before.find((b) => b.target === clock.target)?.dueAtMs ?? null,
      toMs: clock.dueAtMs,
    }))
    .filter((change) => change.fromMs !== change.toMs);
}

/** One recorded timeline event, as the database keeps it. */
export interface RecordedTicketEvent {
  sequence: number;
  atMs: number;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The ticket's state rebuilt from its recorded timeline, by running each event's command
 * through the same transitions the workflow made: what a fresh run of a workflow whose history
 * can no longer be replayed starts from (see api/stuck-workflows.ts). Alarms recorded as fired
 * stay fired, so nothing is sent twice.
 */
export function stateFromTimeline(
  rules: TicketRules,
  openedAtMs: number,
  fallbackPriority: Priority,
  events: readonly RecordedTicketEvent[],
): TicketState {
  const ordered = [...events].sort((a, b) => a.sequence - b.sequence);
  const opened = ordered.find((e) => e.type === 'opened');
  let state = initialTicketState((opened?.data.priority as Priority | undefined) ?? fallbackPriority, openedAtMs);
  for (const event of ordered) {
    const { actor, data } = event;
    const text = (key: string) => String(data[key] ?? '');
    const command: TicketCommand | null = ((): TicketCommand | null => {
      switch (event.type) {
        case 'agent_replied':
        case 'internal_note':
          return { type: 'agentReply', actor, public: event.type === 'agent_replied', body: text('body') };
        case 'customer_replied':
          return { type: 'customerReply', actor, body: text('body') };
        case 'reopened':
          return data.body !== undefined
            ? { type: 'customerReply', actor, body: text('body') }
            : { type: 'reopen', actor, reason: text('reason') };
        case 'status_changed':
          return { type: 'setStatus', actor, status: data.to as 'in_progress' | 'waiting_on_customer' };
        case 'priority_changed':
          return { type: 'changePriority', actor, priority: data.to as Priority, reason: text('reason') };
        case 'assigned':
          return { type: 'assign', actor, assignee: text('to') };
        case 'resolution_date_announced':
          return { type: 'announceResolutionDate', actor, dueAtMs: Number(data.dueAtMs) };
        case 'request_rejected':
          return { type: 'rejectRequest', actor, reason: text('reason') };
        case 'fault_confirmed':
          return { type: 'confirmFault', actor, finding: text('finding') };
        case 'resolved':
          return { type: 'resolve', actor, note: text('note') };
        case 'closed':
          return { type: 'close', actor, reason: text('reason') };
        case 'cancelled':
          return { type: 'cancel', actor, reason: text('reason') };
        default:
          return null;
      }
    })();
    if (command) state = transition(rules, state, command, event.atMs).state;
    const alarm = /^sla_(warning|breach|escalation)$/.exec(event.type);
    if (alarm) {
      const key = alarmKey(
        { target: data.target as TargetClock['target'], kind: alarm[1] as AlarmKind, percent: Number(data.percent) },
        state.cycleNumber,
      );
      if (!state.fired.includes(key)) state.fired.push(key);
    }
    state.sequence = Math.max(state.sequence, event.sequence);
  }
  return state;
}
