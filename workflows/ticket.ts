/**
 * One support ticket, for its whole life. Its SLA deadlines are durable timers: the workflow
 * sleeps until the next warning, breach or escalation falls due (or a command changes the
 * clock) and then acts. Commands are updates with validators, so a refused command never
 * touches the ticket.
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
import { alarmKey, nextAlarm, shownAlarm, type Alarm, type ResolutionCycle, type TargetClock } from '../sla/ticket-clock';
import { TicketClockKeeper } from './ticket-clock-keeper';

export type TicketStatus = 'new' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed' | 'cancelled';

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

export interface Actor {
  actor: string;
}

export const ticketView = defineQuery<TicketView>('ticketView');
export const agentReply = defineUpdate<TicketView, [Actor & { public: boolean; body: string }]>('agentReply');
export const customerReply = defineUpdate<TicketView, [Actor & { body: string }]>('customerReply');
export const setStatus = defineUpdate<TicketView, [Actor & { status: 'in_progress' | 'waiting_on_customer' }]>('setStatus');
export const changePriority = defineUpdate<TicketView, [Actor & { priority: Priority; reason: string }]>('changePriority');
export const assign = defineUpdate<TicketView, [Actor & { assignee: string }]>('assign');
export const announceResolutionDate = defineUpdate<TicketView, [Actor & { dueAtMs: number }]>('announceResolutionDate');
export const rejectRequest = defineUpdate<TicketView, [Actor & { reason: string }]>('rejectRequest');
export const resolve = defineUpdate<TicketView, [Actor & { note: string }]>('resolve');
export const reopen = defineUpdate<TicketView, [Actor & { reason: string }]>('reopen');
export const close = defineUpdate<TicketView, [Actor & { reason: string }]>('close');
export const cancel = defineUpdate<TicketView, [Actor & { reason: string }]>('cancel');
/** An administrator corrected the policy or a calendar: recompute every deadline. */
export const configurationChanged = defineSignal<[{ policy?: TicketPolicy; calendars?: CalendarSpec[]; reason: string }]>(
  'configurationChanged',
);

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };
const acts = proxyActivities<TicketActivities>({ startToCloseTimeout: '30 seconds', retry });
/** Short database writes run as local activities: no round trip through the server per write. */
const localActs = proxyLocalActivities<TicketActivities>({ startToCloseTimeout: '30 seconds', retry });
/**
 * Notices and escalations only write outbox rows (a relay delivers them), and their retries are
 * bounded: a message that cannot be queued is logged and the ticket keeps its timers.
 */
const messages = proxyActivities<TicketActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retry, maximumAttempts: 5 },
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

const OPEN: readonly TicketStatus[] = ['new', 'in_progress', 'waiting_on_customer'];

/** A refused command: the API answers 409 naming the current state. */
function refuse(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidTicketCommand', message, nonRetryable: true });
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketView> {
  const { ticketId } = input;
  const state: TicketState = input.state ?? {
    status: 'new',
    priority: input.priority,
    assignee: null,
    firstResponseAtMs: null,
    cycleNumber: 1,
    cycle: { startMs: input.openedAtMs, pauses: [] },
    resolvedAtMs: null,
    closedAtMs: null,
    cancelReason: null,
    fired: [],
    sequence: 0,
  };
  const keeper = new TicketClockKeeper(input.policy, input.calendars, input.openedAtMs);
  let changed = false;

  const clocks = (): TargetClock[] => keeper.clocks(state, Date.now());
  const view = (): TicketView => {
    const current = clocks();
    const alarm = OPEN.includes(state.status) ? nextAlarm(current, new Set(state.fired), state.cycleNumber) : null;
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
      asOfMs: Date.now(),
    };
  };

  /** The opening's record, while later records must wait for it (see OPENING_BEFORE_COMMANDS). */
  let opening: Promise<unknown> | undefined;

  /** Records an event on the timeline and the ticket row, and tells the customer if it concerns them. */
  async function record(actor: string, type: string, data: Record<string, unknown>, notifyCustomer = false): Promise<TicketView> {
    if (opening) await opening;
    state.sequence += 1;
    const sequence = state.sequence;
    const snapshot = view();
    const event = { ticketId, sequence, atMs: Date.now(), actor, type, data };
    if (patched(RECORD_IN_ONE_ACTIVITY)) {
      await localActs.recordTicketChange({ event, view: snapshot });
    } else {
      await acts.recordTicketEvent(event);
      await acts.syncTicket(snapshot);
    }
    if (notifyCustomer) await quietly(`customer notice ${type}`, () => messages.notifyCustomer({ ticketId, event: type, sequence, view: snapshot, data }));
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

  const requireOpen = (command: string) => {
    if (!OPEN.includes(state.status)) refuse(`cannot ${command}: the ticket is ${state.status}`);
  };
  const closePause = () => {
    const open = state.cycle.pauses.find((p) => p.end === null);
    if (open) open.end = Date.now();
  };
  const targetNamed = (name: TargetClock['target']) => clocks().find((c) => c.target === name);

  setHandler(ticketView, view);

  if (!input.state && patched(OPENING_BEFORE_COMMANDS)) opening = record(input.openedBy, 'opened', { priority: state.priority }, true);

  setHandler(
    agentReply,
    async ({ actor, public: isPublic, body }) => {
      const first = isPublic && state.firstResponseAtMs === null;
      if (first) state.firstResponseAtMs = Date.now();
      if (isPublic && state.status === 'new') state.status = 'in_progress';
      if (first) await recordOutcome(targetNamed('first_response')!);
      return record(actor, isPublic ? 'agent_replied' : 'internal_note', { body, firstResponse: first }, isPublic);
    },
    { validator: (_command) => requireOpen('reply') },
  );

  setHandler(
    customerReply,
    async ({ actor, body }) => {
      if (state.status === 'resolved') return reopenCycle(actor, 'customer replied after resolution', { body });
      if (state.status === 'waiting_on_customer') {
        closePause();
        state.status = 'in_progress';
      }
      return record(actor, 'customer_replied', { body });
    },
    {
      validator: (_command) => {
        if (state.status === 'closed' || state.status === 'cancelled') refuse(`cannot reply: the ticket is ${state.status}`);
      },
    },
  );

  setHandler(
    setStatus,
    async ({ actor, status }) => {
      const from = state.status;
      if (status === 'waiting_on_customer') state.cycle.pauses.push({ start: Date.now(), end: null });
      else closePause();
      state.status = status;
      return record(actor, 'status_changed', { from, to: status }, true);
    },
    {
      validator: ({ status }) => {
        requireOpen('change the status');
        if (status === state.status) refuse(`the ticket is already ${status}`);
        if (status === 'waiting_on_customer' && state.status === 'new') refuse('reply to the customer before waiting on them');
      },
    },
  );

  setHandler(
    changePriority,
    async ({ actor, priority, reason }) => {
      const before = clocks();
      const from = state.priority;
      state.priority = priority;
      return record(actor, 'priority_changed', { from, to: priority, reason, deadlines: deadlineChanges(before, clocks()) });
    },
    {
      validator: ({ priority }) => {
        requireOpen('change the priority');
        if (priority === state.priority) refuse(`the priority is already ${priority}`);
      },
    },
  );

  setHandler(
    assign,
    async ({ actor, assignee }) => {
      const from = state.assignee;
      state.assignee = assignee;
      return record(actor, 'assigned', { from, to: assignee });
    },
    { validator: (_command) => requireOpen('assign') },
  );

  setHandler(
    announceResolutionDate,
    async ({ actor, dueAtMs }) => {
      await recordOutcome({ ...targetNamed('review')!, completedAtMs: Date.now() });
      state.cycle.review = { decision: 'announced', dueAtMs };
      return record(actor, 'resolution_date_announced', { dueAtMs }, true);
    },
    {
      validator: ({ dueAtMs }) => {
        requireOpen('announce a resolution date');
        requireReviewPending();
        if (!(dueAtMs > Date.now())) refuse('the committed resolution date must be in the future');
      },
    },
  );

  setHandler(
    rejectRequest,
    async ({ actor, reason }) => {
      await recordOutcome({ ...targetNamed('review')!, completedAtMs: Date.now() });
      state.cycle.review = { decision: 'rejected' };
      return record(actor, 'request_rejected', { reason }, true);
    },
    {
      validator: (_command) => {
        requireOpen('reject the request');
        requireReviewPending();
      },
    },
  );

  function requireReviewPending(): void {
    if (keeper.policy.priorities[state.priority].resolution.unit !== 'review') {
      refuse(`the ${state.priority} resolution target of this plan is not a review`);
    }
    if (state.cycle.review) refuse(`the review was already made (${state.cycle.review.decision})`);
  }

  setHandler(
    resolve,
    async ({ actor, note }) => {
      const now = Date.now();
      closePause();
      if (state.firstResponseAtMs === null) {
        // The resolution is the first public answer the customer gets.
        state.firstResponseAtMs = now;
        await recordOutcome(targetNamed('first_response')!);
      }
      state.cycle.completedAtMs = now;
      state.status = 'resolved';
      state.resolvedAtMs = now;
      const resolution = targetNamed('resolution');
      if (resolution) await recordOutcome(resolution);
      return record(actor, 'resolved', { note }, true);
    },
    { validator: (_command) => requireOpen('resolve') },
  );

  async function reopenCycle(actor: string, reason: string, data: Record<string, unknown>): Promise<TicketView> {
    state.cycleNumber += 1;
    state.cycle = { startMs: Date.now(), pauses: [] };
    state.status = 'in_progress';
    state.resolvedAtMs = null;
    return record(actor, 'reopened', { reason, cycle: state.cycleNumber, ...data }, true);
  }

  setHandler(reopen, async ({ actor, reason }) => reopenCycle(actor, reason, {}), {
    validator: (_command) => {
      if (state.status !== 'resolved') refuse(`only a resolved ticket can be reopened; it is ${state.status}`);
    },
  });

  setHandler(
    close,
    async ({ actor, reason }) => {
      state.status = 'closed';
      state.closedAtMs = Date.now();
      return record(actor, 'closed', { reason }, true);
    },
    {
      validator: (_command) => {
        if (state.status !== 'resolved') refuse(`only a resolved ticket can be closed; it is ${state.status}`);
      },
    },
  );

  setHandler(
    cancel,
    async ({ actor, reason }) => {
      closePause();
      state.status = 'cancelled';
      state.cancelReason = reason;
      state.closedAtMs = Date.now();
      return record(actor, 'cancelled', { reason }, true);
    },
    { validator: (_command) => requireOpen('cancel') },
  );

  setHandler(configurationChanged, async ({ policy, calendars, reason }) => {
    const before = clocks();
    keeper.reconfigure(policy, calendars);
    await record('system', 'deadlines_recomputed', { reason, deadlines: deadlineChanges(before, clocks()) });
  });

  if (opening) await opening;
  else if (!input.state) await record(input.openedBy, 'opened', { priority: state.priority }, true);

  while (state.status !== 'closed' && state.status !== 'cancelled') {
    if (state.status === 'resolved') {
      const closeAtMs = state.resolvedAtMs! + input.closeAfterQuietMinutes * 60_000;
      const woke = await condition(() => changed, Math.max(1, closeAtMs - Date.now()));
      if (!woke && state.status === 'resolved') {
        state.status = 'closed';
        state.closedAtMs = Date.now();
        await record('system', 'closed', { reason: `no reply for ${input.closeAfterQuietMinutes} minutes after resolution` }, true);
      }
    } else {
      const alarm = nextAlarm(clocks(), new Set(state.fired), state.cycleNumber);
      const woke = alarm
        ? await condition(() => changed, Math.max(1, alarm.atMs - Date.now()))
        : await condition(() => changed).then(() => true);
      if (!woke && OPEN.includes(state.status)) await fire(alarm!);
    }
    changed = false;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? 2_000)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({ ...input, policy: keeper.policy, calendars: keeper.calendarSpecs, state });
    }
  }
  await condition(allHandlersFinished);
  return view();

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
    await record('system', `sla_${alarm.kind}`, { target: alarm.target, percent: alarm.percent, dueAtMs: alarm.atMs, ...failure });
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

/** The old and new deadline of every target whose deadline moved. */
function deadlineChanges(before: TargetClock[], after: TargetClock[]): { target: string; fromMs: number | null; toMs: number | null }[] {
  return after
    .map((clock) => ({ target: clock.target, fromMs: before.find((b) => b.target === clock.target)?.dueAtMs ?? null, toMs: clock.dueAtMs }))
    .filter((change) => change.fromMs !== change.toMs);
}
