/**
 * One support ticket, for its whole life. Its SLA deadlines are durable timers: the workflow
 * sleeps until the next warning, breach or escalation falls due (or a command changes the
 * clock) and then acts. Commands are updates with validators, so a refused command never
 * touches the ticket; they run one at a time, each checked again against the state it changes
 * (sla/ticket-machine.ts holds the state machine; this file wires it to handlers, timers and
 * activities).
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { TicketActivities } from '../activities/tickets';
import type { CalendarSpec } from '../sla/calendar-spec';
import type { Priority, TicketPolicy } from '../sla/policy';
import { alarmKey, nextAlarm, type Alarm, type TargetClock } from '../sla/ticket-clock';
import {
  deadlineChanges,
  initialTicketState,
  withResolutionFromOpening,
  OPEN_STATUSES,
  refusalOf,
  TicketRules,
  transition,
  ticketView as viewOf,
  type TicketCommand,
  type TicketSnapshot,
  type TicketState,
  type TicketView,
} from '../sla/ticket-machine';
import { OneAtATime } from './one-at-a-time';
import { WakeUps } from './wake-ups';

export type { TicketSnapshot, TicketState, TicketStatus, TicketView } from '../sla/ticket-machine';

export interface TicketWorkflowInput {
  ticketId: string;
  policy: TicketPolicy;
  /** Every calendar the policy's targets name, with holidays filled in. */
  calendars: CalendarSpec[];
  priority: Priority;
  openedAtMs: number;
  openedBy: string;
  /** Resolved tickets close after this much quiet time; a customer reply before that reopens. */
  closeAfterQuietMinutes: number;
  /** Carried over by continue-as-new. */
  state?: TicketState;
  /** History length at which the workflow continues as new (default 2,000 events). */
  historyLimit?: number;
}

export interface Actor {
  actor: string;
}

export const ticketView = defineQuery<TicketView>('ticketView');
/** The recorded state, policy and calendars: the API projects them to the time of its request. */
export const ticketSnapshot = defineQuery<TicketSnapshot>('ticketSnapshot');
export const agentReply = defineUpdate<TicketView, [Actor & { public: boolean; body: string }]>('agentReply');
export const customerReply = defineUpdate<TicketView, [Actor & { body: string }]>('customerReply');
export const setStatus = defineUpdate<TicketView, [Actor & { status: 'in_progress' | 'waiting_on_customer' }]>(
  'setStatus',
);
export const changePriority = defineUpdate<TicketView, [Actor & { priority: Priority; reason: string }]>(
  'changePriority',
);
export const assign = defineUpdate<TicketView, [Actor & { assignee: string }]>('assign');
export const announceResolutionDate = defineUpdate<TicketView, [Actor & { dueAtMs: number }]>('announceResolutionDate');
export const rejectRequest = defineUpdate<TicketView, [Actor & { reason: string }]>('rejectRequest');
/** Rule 13: the review result, the fault is the vendor's; a fix that counts from it starts now. */
export const confirmFault = defineUpdate<TicketView, [Actor & { finding: string }]>('confirmFault');
export const resolve = defineUpdate<TicketView, [Actor & { note: string }]>('resolve');
export const reopen = defineUpdate<TicketView, [Actor & { reason: string }]>('reopen');
export const close = defineUpdate<TicketView, [Actor & { reason: string }]>('close');
export const cancel = defineUpdate<TicketView, [Actor & { reason: string }]>('cancel');
/** An administrator corrected the policy or a calendar: recompute every deadline. */
export const configurationChanged =
  defineSignal<[{ policy?: TicketPolicy; calendars?: CalendarSpec[]; reason: string }]>('configurationChanged');

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };
const acts = proxyActivities<TicketActivities>({ startToCloseTimeout: '30 seconds', retry });
/** Short database writes run as local activities: no round trip through the server per write. */
const localActs = proxyLocalActivities<TicketActivities>({ startToCloseTimeout: '30 seconds', retry });
/**
 * Notices and escalations only write rows (the escalation and its outbox messages; a relay
 * delivers them), and their retries are bounded: 12 tries over about 6 minutes outlast a database
 * restart, and a message that still cannot be queued is logged and the ticket keeps its timers.
 */
const messages = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retry, maximumAttempts: 12 },
});

/**
 * Patch: the timeline event and the ticket row are recorded by one local activity instead of two
 * activities (no server round trip per write when thousands of deadlines fall due). Tickets opened before it replay
 * the two-activity form; deprecatePatch() once none of them runs, then remove the old branch.
 */
const RECORD_IN_ONE_ACTIVITY = 'record-ticket-change-in-one-activity';

/**
 * Patch: the opening is recorded first and every later record waits for it. A command that
 * arrives with the start (a fast client, or a command that started a never-started workflow)
 * used to be recorded before "opened", and its row update could race the opening's. Tickets
 * started before it replay the old order.
 */
const OPENING_BEFORE_COMMANDS = 'ticket-opening-before-commands';

/**
 * Patch: commands, timers and corrections run one at a time (OneAtATime), each command checked
 * again inside the lock against the state it changes, and deadlines wait on timers that are
 * never cancelled (WakeUps). Before it, handlers interleaved at their awaits: a reply answered
 * 200 could be lost, a refused one recorded, a cancel undone. Tickets started before it replay
 * the interleaving form (its branches below are marked "before the patch").
 */
const SERIALIZED_COMMANDS = 'ticket-serialized-commands';

/**
 * Patch: with commands serialized, the record is an ordinary activity again. A local activity
 * runs inside the workflow task; when that task's completion was lost ("Workflow task not found
 * when completing", under bursts of updates) the task ran again with the updates in another
 * order, and the first attempt's rows stayed: an event twice, another never (its sequence number
 * taken). An ordinary activity runs only once its task is committed. Tickets started with the
 * serialization but before this keep the local activity.
 */
const RECORDS_AFTER_COMMIT = 'ticket-records-after-commit';

/**
 * Patch: a resolution target whose policy says `resolutionFrom: 'review_result'` (Pasban rule 13,
 * Avanak's fix) counts from the review result (`confirmFault`, or a committed date, or a
 * rejection) instead of the opening. Tickets started before it read every resolution from the
 * opening, even when a corrected policy reaching them says otherwise (withResolutionFromOpening):
 * their timers were set that way.
 */
const RESOLUTION_FROM_REVIEW_RESULT = 'ticket-resolution-from-review-result';

/** A refused command: the API answers 409 naming the current state. */
function refuse(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidTicketCommand', message, nonRetryable: true });
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketView> {
  const { ticketId } = input;
  // Decided once, in the run's first task: a history without the marker keeps the old form throughout.
  const serialized = patched(SERIALIZED_COMMANDS);
  const recordsAfterCommit = serialized && patched(RECORDS_AFTER_COMMIT);
  const fromReviewResult = patched(RESOLUTION_FROM_REVIEW_RESULT);
  /** The policy as this run reads it (see RESOLUTION_FROM_REVIEW_RESULT). */
  const termsOf = (policy: TicketPolicy): TicketPolicy =>
    fromReviewResult ? policy : withResolutionFromOpening(policy);
  let state: TicketState = input.state ?? initialTicketState(input.priority, input.openedAtMs);
  const rules = new TicketRules(termsOf(input.policy), input.calendars, input.openedAtMs);
  const lock = new OneAtATime();
  const wakeUps = new WakeUps();
  let changed = false;

  const clocks = () => rules.clocks(state, Date.now());
  const view = (): TicketView => viewOf(rules, ticketId, state, Date.now());
  /** Runs a piece of work alone once the patch applies; before it, as it comes. */
  const alone = <T>(work: () => Promise<T>): Promise<T> => (serialized ? lock.run(work) : work());

  /** Before the patch: the opening's record, while later records must wait for it (see OPENING_BEFORE_COMMANDS). */
  let opening: Promise<unknown> | undefined;

  /** Records an event on the timeline and the ticket row, and tells the customer if it concerns them. */
  async function record(
    actor: string,
    type: string,
    data: Record<string, unknown>,
    notifyCustomer = false,
    occurredAtMs?: number,
  ): Promise<TicketView> {
    if (opening) await opening;
    state.sequence += 1;
    const sequence = state.sequence;
    const snapshot = view();
    // A command's event carries the instant its transition was made (the instant the view's
    // firstResponseAt, resolvedAt… hold), not the later one its outcomes finished recording at.
    const event = { ticketId, sequence, atMs: occurredAtMs ?? Date.now(), actor, type, data };
    if (recordsAfterCommit) {
      await acts.recordTicketChange({ event, view: snapshot });
    } else if (serialized || patched(RECORD_IN_ONE_ACTIVITY)) {
      await localActs.recordTicketChange({ event, view: snapshot });
    } else {
      await acts.recordTicketEvent(event);
      await acts.syncTicket(snapshot);
    }
    if (notifyCustomer)
      await quietly(`customer notice ${type}`, () =>
        messages.notifyCustomer({ ticketId, event: type, sequence, view: snapshot, data }),
      );
    changed = true;
    return view();
  }

  async function recordOutcome(target: TargetClock): Promise<void> {
    if (target.dueAtMs === null) return;
    await acts.recordOutcome({
      ticketId,
      target: target.target,
      cycle: target.target === 'first_response' ? 1 : state.cycleNumber,
      dueAtMs: target.dueAtMs,
      met: !target.breached,
      completedAtMs: target.completedAtMs,
      businessMinutesUsed: Math.round(target.usedMinutes),
    });
  }

  /**
   * Wires one command: its validator refuses it on arrival; its handler, alone, refuses it again
   * if the commands before it changed the ticket so that it no longer applies, and otherwise
   * makes the transition, records the outcomes it completed and then its one timeline event.
   */
  function command<Arg extends Actor>(
    update: ReturnType<typeof defineUpdate<TicketView, [Arg]>>,
    commandOf: (arg: Arg) => TicketCommand,
  ): void {
    const check = (arg: Arg) => {
      const refusal = refusalOf(rules, state, commandOf(arg), Date.now());
      if (refusal) refuse(refusal);
    };
    setHandler(
      update,
      (arg) =>
        alone(async () => {
          if (serialized) check(arg);
          const atMs = Date.now();
          const made = transition(rules, state, commandOf(arg), atMs);
          state = made.state;
          for (const outcome of made.outcomes) await recordOutcome(outcome);
          return record(made.event.actor, made.event.type, made.event.data, made.event.notifyCustomer, atMs);
        }),
      { validator: check },
    );
  }

  setHandler(ticketView, view);
  setHandler(ticketSnapshot, () => ({
    ticketId,
    openedAtMs: input.openedAtMs,
    policy: rules.policy,
    calendars: rules.calendarSpecs,
    state,
    recordedAtMs: Date.now(),
  }));

  let opened: Promise<unknown> | undefined;
  if (!input.state) {
    if (serialized) opened = lock.run(() => record(input.openedBy, 'opened', { priority: state.priority }, true));
    else if (patched(OPENING_BEFORE_COMMANDS))
      opened = opening = record(input.openedBy, 'opened', { priority: state.priority }, true);
  }

  command(agentReply, (c) => ({ type: 'agentReply', ...c }));
  command(customerReply, (c) => ({ type: 'customerReply', ...c }));
  command(setStatus, (c) => ({ type: 'setStatus', ...c }));
  command(changePriority, (c) => ({ type: 'changePriority', ...c }));
  command(assign, (c) => ({ type: 'assign', ...c }));
  command(announceResolutionDate, (c) => ({ type: 'announceResolutionDate', ...c }));
  command(rejectRequest, (c) => ({ type: 'rejectRequest', ...c }));
  command(confirmFault, (c) => ({ type: 'confirmFault', ...c }));
  command(resolve, (c) => ({ type: 'resolve', ...c }));
  command(reopen, (c) => ({ type: 'reopen', ...c }));
  command(close, (c) => ({ type: 'close', ...c }));
  command(cancel, (c) => ({ type: 'cancel', ...c }));

  setHandler(configurationChanged, ({ policy, calendars, reason }) =>
    alone(async () => {
      const before = clocks();
      rules.reconfigure(policy && termsOf(policy), calendars);
      await record('system', 'deadlines_recomputed', { reason, deadlines: deadlineChanges(before, clocks()) });
    }),
  );

  if (opened) await opened;
  else if (!input.state) await record(input.openedBy, 'opened', { priority: state.priority }, true);

  const ended = () => state.status === 'closed' || state.status === 'cancelled';
  while (!ended()) {
    if (serialized) await nextDeadline();
    else await nextDeadlineBeforeThePatch();
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? 2_000)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({
        ...input,
        policy: rules.policy,
        calendars: rules.calendarSpecs,
        state,
      });
    }
  }
  await condition(allHandlersFinished);
  return view();

  /** Resolved: close after the quiet period; open: the earliest alarm not yet fired. */
  function dueWork(): { atMs: number; run: () => Promise<void> } | null {
    if (state.status === 'resolved') {
      return { atMs: state.resolvedAtMs! + input.closeAfterQuietMinutes * 60_000, run: closeQuietTicket };
    }
    if (!OPEN_STATUSES.includes(state.status)) return null;
    const alarm = nextAlarm(clocks(), new Set(state.fired), state.cycleNumber);
    return alarm && { atMs: alarm.atMs, run: () => fire(alarm) };
  }

  /**
   * Waits for the next deadline or a change, then, alone, does what has fallen due by then:
   * the wait is computed anew after every change, and its timer is never cancelled.
   */
  async function nextDeadline(): Promise<void> {
    changed = false;
    const next = dueWork();
    if (next) {
      wakeUps.at(next.atMs);
      await condition(() => changed || wakeUps.due(next.atMs));
    } else {
      await condition(() => changed);
    }
    await lock.run(async () => {
      const due = dueWork();
      if (due && wakeUps.due(due.atMs)) await due.run();
    });
  }

  async function nextDeadlineBeforeThePatch(): Promise<void> {
    if (state.status === 'resolved') {
      const closeAtMs = state.resolvedAtMs! + input.closeAfterQuietMinutes * 60_000;
      const woke = await condition(() => changed, Math.max(1, closeAtMs - Date.now()));
      if (!woke && state.status === 'resolved') await closeQuietTicket();
    } else {
      const alarm = nextAlarm(clocks(), new Set(state.fired), state.cycleNumber);
      const woke = alarm
        ? await condition(() => changed, Math.max(1, alarm.atMs - Date.now()))
        : await condition(() => changed).then(() => true);
      if (!woke && OPEN_STATUSES.includes(state.status)) await fire(alarm!);
    }
    changed = false;
  }

  async function closeQuietTicket(): Promise<void> {
    state.status = 'closed';
    state.closedAtMs = Date.now();
    await record(
      'system',
      'closed',
      { reason: `no reply for ${input.closeAfterQuietMinutes} minutes after resolution` },
      true,
    );
  }

  async function fire(alarm: Alarm): Promise<void> {
    const key = alarmKey(alarm, state.cycleNumber);
    state.fired.push(key);
    const escalated = await quietly(`${alarm.kind} ${key}`, () =>
      messages.escalate({
        ticketId,
        dedupeKey: `ticket:${ticketId}:${key}`,
        target: alarm.target,
        kind: alarm.kind,
        percent: alarm.percent,
        dueAtMs: alarm.atMs,
        targetDueAtMs: clocks().find((c) => c.target === alarm.target)?.dueAtMs ?? alarm.atMs,
        firedAtMs: Date.now(),
        action: alarm.action,
        priority: state.priority,
        assignee: state.assignee,
      }),
    );
    const failure = escalated === true ? {} : { escalationFailed: escalated };
    await record('system', `sla_${alarm.kind}`, {
      target: alarm.target,
      percent: alarm.percent,
      dueAtMs: alarm.atMs,
      ...failure,
    });
  }

  /**
   * Runs a notice or escalation; a failure (bounded retries exhausted, a permanent refusal) is
   * logged and answered as its reason, never thrown: a message must not end the ticket's timers.
   */
  async function quietly(what: string, send: () => Promise<void>): Promise<true | string> {
    try {
      await send();
      return true;
    } catch (error) {
      const reason = (error as { cause?: Error }).cause?.message ?? String(error);
      log.warn(`ticket ${what} not queued`, { ticketId, reason });
      return reason;
    }
  }
}
