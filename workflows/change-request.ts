/**
 * One custom-change request, from the customer's request to the invoice: feasibility review,
 * quote, the customer's approval, the vendor's committed delivery, acceptance or defects, and
 * fixes until the work is accepted. Every deadline is a durable timer; every step is an update
 * whose validator refuses it out of order, so a refused step never touches the request.
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
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChangeRequestActivities } from '../activities/change-requests';
import { compileCalendar } from '../sla/calendar';
import type { CalendarSpec } from '../sla/calendar-spec';
import {
  changeRequestDeadlines,
  currentDelivery,
  currentFix,
  delayDays,
  delaysOf,
  deliveryDueAt,
  FINAL_STATUSES,
  fixDueAt,
  MS_PER_DAY,
  nextAlarm,
  quoteTimes,
  reviewDeadline,
  stageAlarms,
  type Alarm,
  type ChangeRequestRecord,
  type ChangeRequestStatus,
  type ChangeRequestView,
  type CustomerDelay,
  type InvoiceSummary,
} from '../sla/change-request-clock';
import type { ChangeRequestPolicy } from '../sla/policy';
import { OneAtATime } from './one-at-a-time';
import { WakeUps } from './wake-ups';
import { iso } from '../sla/iso';

export type { ChangeRequestView, InvoiceSummary } from '../sla/change-request-clock';

export interface ChangeRequestState extends ChangeRequestRecord {
  rejectionReason: string | null;
  /** Why the customer declined or someone cancelled. */
  closedReason: string | null;
  acceptance: { atMs: number; by: string; bySilence: boolean; note: string | null } | null;
  invoice: InvoiceSummary | null;
  /** Alarm keys that have fired: a reminder or escalation is never sent twice. */
  fired: string[];
  /** Sequence number of the last timeline event this workflow recorded. */
  sequence: number;
}

export interface ChangeRequestWorkflowInput {
  changeRequestId: string;
  policy: ChangeRequestPolicy;
  /** The calendar the policy's review deadline counts on, with holidays filled in. */
  calendars: CalendarSpec[];
  openedAtMs: number;
  openedBy: string;
  /** Carried over by continue-as-new. */
  state?: ChangeRequestState;
  /** History length at which the workflow continues as new (default 2,000 events). */
  historyLimit?: number;
}

export interface Actor {
  actor: string;
}

export type ReviewDecision =
  | { decision: 'reject'; reason: string }
  | {
      decision: 'quote';
      /** Decimal digits. */
      costRials: string;
      effortMinutes: number;
      proposedDeliveryAtMs: number;
      /** Calendar days the quote stays valid; the policy's default when absent. */
      validDays?: number;
    };

export const changeRequestView = defineQuery<ChangeRequestView>('changeRequestView');
export const review = defineUpdate<ChangeRequestView, [Actor & ReviewDecision]>('review');
export const approveQuote = defineUpdate<ChangeRequestView, [Actor]>('approveQuote');
export const declineQuote = defineUpdate<ChangeRequestView, [Actor & { reason?: string }]>('declineQuote');
export const commitDelivery = defineUpdate<ChangeRequestView, [Actor & { deliverByMs: number }]>('commitDelivery');
export const recordDelay = defineUpdate<ChangeRequestView, [Actor & { startMs: number; endMs: number; note?: string }]>(
  'recordDelay',
);
export const deliver = defineUpdate<ChangeRequestView, [Actor & { note?: string }]>('deliver');
export const accept = defineUpdate<ChangeRequestView, [Actor & { note?: string }]>('accept');
export const listDefects = defineUpdate<ChangeRequestView, [Actor & { defects: string[] }]>('listDefects');
export const redeliver = defineUpdate<ChangeRequestView, [Actor & { note?: string }]>('redeliver');
export const cancel = defineUpdate<ChangeRequestView, [Actor & { reason: string }]>('cancel');
/**
 * The calendar the review deadline counts on changed (a holiday confirmed to another date, added,
 * moved or removed): a request still in review recomputes its review deadline and records the old
 * and new deadline on its timeline. Later deadlines count calendar days and do not move.
 */
export const calendarsChanged = defineSignal<[{ calendars: CalendarSpec[]; reason: string }]>('calendarsChanged');

const records = proxyActivities<ChangeRequestActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// Bounded, so a broken channel is not retried into spam; the outbox row keeps what happened.
const messages = proxyActivities<ChangeRequestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * Patch: steps and timers run one at a time, each step checked again inside the lock against the
 * state it changes (two steps validated together used to both run: a delivery after a
 * cancellation, two reviews), and deadlines wait on timers that are never cancelled. Requests
 * started before it replay the old form.
 */
const SERIALIZED_STEPS = 'change-request-serialized';

/**
 * Patch: a calendar correction (calendarsChanged) moves the review deadline of a request in review.
 * A history holding that signal from before the patch (buffered, never handled) replays it as ignored.
 */
const CALENDAR_CORRECTIONS = 'change-request-calendar-corrections';

/** A refused command: the API answers 409 with this message, which names the current state. */
function refuse(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidChangeRequestCommand', message, nonRetryable: true });
}

const COSTS = /^\d{1,19}$/;
const MAX_QUOTE_VALIDITY_DAYS = 365;

export async function changeRequestWorkflow(input: ChangeRequestWorkflowInput): Promise<ChangeRequestView> {
  const { changeRequestId, policy } = input;
  // Decided once, in the run's first task: a history without the marker keeps the old form throughout.
  const serialized = patched(SERIALIZED_STEPS);
  const state: ChangeRequestState = input.state ?? opened(input);
  const lock = new OneAtATime();
  const wakeUps = new WakeUps();
  let changed = false;

  const view = (): ChangeRequestView => {
    const delivery = currentDelivery(state);
    const fix = currentFix(state);
    return {
      changeRequestId,
      status: state.status,
      quote: state.quote,
      rejectionReason: state.rejectionReason,
      closedReason: state.closedReason,
      committedDeliveryAtMs: state.commitment?.deliverByMs ?? null,
      deliveryDueAtMs: deliveryDueAt(state),
      deliveredAtMs: delivery?.deliveredAtMs ?? null,
      deliveryCycle: delivery?.cycle ?? 0,
      defects: fix && fix.cycle === delivery?.cycle ? fix.defects : [],
      acceptedAtMs: state.acceptance?.atMs ?? null,
      acceptedBySilence: state.acceptance?.bySilence ?? false,
      acceptanceNote: state.acceptance?.note ?? null,
      delays: state.delays,
      deadlines: changeRequestDeadlines(state, Date.now()),
      nextAlarm: nextAlarm(state, new Set(state.fired)),
      invoice: state.invoice,
      asOfMs: Date.now(),
    };
  };

  /**
   * Records an event on the timeline and the request's row, and tells the customer and the
   * department. Writes go one at a time in the order they were asked for, so a timer firing
   * during a step can never leave an older snapshot on the row.
   */
  let writing: Promise<unknown> = Promise.resolve();
  function record(actor: string, type: string, data: Record<string, unknown>): Promise<ChangeRequestView> {
    changed = true;
    const atMs = Date.now();
    const written = writing.then(() => write(actor, type, data, atMs));
    writing = written.catch(() => undefined);
    return written;
  }

  async function write(
    actor: string,
    type: string,
    data: Record<string, unknown>,
    atMs: number,
  ): Promise<ChangeRequestView> {
    state.sequence += 1;
    const sequence = state.sequence;
    await records.recordChangeRequestEvent({ changeRequestId, sequence, atMs, actor, type, data });
    await records.syncChangeRequest(view());
    try {
      await messages.notifyChangeRequestEvent({ changeRequestId, event: type, sequence, data });
    } catch (error) {
      // The outbox row records the failure; a message that cannot go out does not stop the request.
      log.warn('change-request notice not delivered', { changeRequestId, event: type, error: String(error) });
    }
    return view();
  }

  /** Moves to a new status at once, before any activity runs, so a concurrent step or timer sees it. */
  function enter(status: ChangeRequestStatus): number {
    const now = Date.now();
    state.status = status;
    if (FINAL_STATUSES.includes(status)) state.closedAtMs = now;
    changed = true;
    return now;
  }

  const requireStatus = (command: string, ...allowed: ChangeRequestStatus[]) => {
    if (!allowed.includes(state.status)) refuse(`cannot ${command}: the change request is ${state.status}`);
  };

  // Updates that arrived before the first workflow task run as soon as their handler is set:
  // the opening is queued first so the timeline starts with it.
  const openingRecord = () => record(input.openedBy, 'opened', { reviewDueAtMs: state.reviewDueAtMs });
  const opening = input.state ? Promise.resolve() : serialized ? lock.run(openingRecord) : openingRecord();

  /**
   * Wires one step: its validator refuses it on arrival and, once the patch applies, again
   * inside the lock, against the state the step will change.
   */
  function step<Arg>(
    update: ReturnType<typeof defineUpdate<ChangeRequestView, [Arg]>>,
    handler: (arg: Arg) => Promise<ChangeRequestView>,
    validator: (arg: Arg) => void,
  ): void {
    const alone = (arg: Arg) =>
      lock.run(async () => {
        validator(arg);
        return handler(arg);
      });
    setHandler(update, serialized ? alone : handler, { validator });
  }

  setHandler(changeRequestView, view);

  let calendarSpecs = input.calendars;
  const corrected = async ({ calendars, reason }: { calendars: CalendarSpec[]; reason: string }) => {
    if (!patched(CALENDAR_CORRECTIONS) || state.status !== 'in_review' || state.reviewedAtMs !== null) return;
    calendarSpecs = calendars;
    const before = state.reviewDueAtMs;
    const after = reviewDeadlineOn(policy, state.openedAtMs, calendars);
    if (after === before) return;
    state.reviewDueAtMs = after;
    await record('system', 'deadlines_recomputed', {
      reason,
      before: { reviewDueAtMs: before },
      after: { reviewDueAtMs: after },
    });
  };
  setHandler(calendarsChanged, (change) => (serialized ? lock.run(() => corrected(change)) : corrected(change)));

  step(
    review,
    async (command) => {
      const now = enter(command.decision === 'reject' ? 'rejected' : 'quoted');
      state.reviewedAtMs = now;
      if (command.decision === 'reject') {
        state.rejectionReason = command.reason;
        return record(command.actor, 'rejected', { reason: command.reason });
      }
      const validDays = command.validDays ?? policy.quoteValidityDays;
      state.quote = {
        costRials: command.costRials,
        effortMinutes: command.effortMinutes,
        proposedDeliveryAtMs: command.proposedDeliveryAtMs,
        quotedAtMs: now,
        ...quoteTimes(now, validDays, policy),
      };
      return record(command.actor, 'quoted', { ...state.quote, validDays });
    },
    (command) => {
      requireStatus('review', 'in_review');
      if (command.decision === 'reject') {
        if (command.reason.trim() === '') refuse('a rejection needs a reason');
        return;
      }
      if (!COSTS.test(command.costRials)) refuse('the cost must be a whole number of rials');
      if (!(Number.isInteger(command.effortMinutes) && command.effortMinutes > 0))
        refuse('the effort must be a positive whole number of minutes');
      if (!(command.proposedDeliveryAtMs > Date.now())) refuse('the proposed delivery date must be in the future');
      const days = command.validDays;
      if (days !== undefined && !(Number.isInteger(days) && days > 0 && days <= MAX_QUOTE_VALIDITY_DAYS)) {
        refuse(`a quote stays valid for 1 to ${MAX_QUOTE_VALIDITY_DAYS} whole days`);
      }
    },
  );

  step(
    approveQuote,
    async ({ actor }) => {
      const now = enter('approved');
      state.quoteAnsweredAtMs = now;
      state.approvedAtMs = now;
      return record(actor, 'quote_approved', { costRials: state.quote!.costRials });
    },
    (_command) => {
      requireStatus('approve the quote', 'quoted');
      if (Date.now() >= state.quote!.expiresAtMs) refuse('cannot approve the quote: it has expired');
    },
  );

  step(
    declineQuote,
    async ({ actor, reason }) => {
      state.quoteAnsweredAtMs = enter('declined');
      state.closedReason = reason ?? null;
      return record(actor, 'quote_declined', { reason: reason ?? null });
    },
    (_command) => requireStatus('decline the quote', 'quoted'),
  );

  step(
    commitDelivery,
    async ({ actor, deliverByMs }) => {
      changed = true;
      state.commitment = { committedAtMs: Date.now(), deliverByMs };
      return record(actor, 'delivery_committed', { deliverByMs });
    },
    ({ deliverByMs }) => {
      requireStatus('commit a delivery date', 'approved');
      if (state.commitment)
        refuse(
          `cannot commit a delivery date: the change request is approved and already committed for ${iso(state.commitment.deliverByMs)}`,
        );
      if (!(deliverByMs > Date.now())) refuse('the committed delivery date must be in the future');
    },
  );

  step(
    recordDelay,
    async ({ actor, startMs, endMs, note }) => {
      changed = true;
      const fixing = state.status === 'fixing';
      const fix = currentFix(state);
      const dueBefore = fixing ? fixDueAt(state, fix!) : deliveryDueAt(state)!;
      const delay: CustomerDelay = {
        id: uuid4(),
        startMs,
        endMs,
        phase: fixing ? 'fix' : 'delivery',
        cycle: fixing ? fix!.cycle : 0,
        recordedBy: actor,
        note: note ?? null,
      };
      state.delays.push(delay);
      const dueAfter = fixing ? fixDueAt(state, fix!) : deliveryDueAt(state)!;
      await records.recordCustomerDelay({ changeRequestId, delay });
      return record(actor, 'customer_delay_recorded', {
        startMs,
        endMs,
        note: note ?? null,
        days: delayDays([delay]),
        totalDays: delayDays(delaysOf(state, delay.phase, delay.cycle)),
        deadline: fixing ? 'fix' : 'delivery',
        fromMs: dueBefore,
        toMs: dueAfter,
      });
    },
    ({ startMs, endMs }) => {
      requireStatus('record a customer delay', 'approved', 'fixing');
      if (state.status === 'approved' && !state.commitment) {
        refuse('cannot record a customer delay: the change request is approved but has no committed delivery date yet');
      }
      if (!(endMs > startMs)) refuse('a delay must end after it starts');
      if (startMs > Date.now()) refuse('a delay can be recorded once it has started');
      const phaseStart = state.status === 'fixing' ? currentFix(state)!.defectsListedAtMs : state.approvedAtMs!;
      if (startMs < phaseStart)
        refuse(`a delay cannot start before ${iso(phaseStart)}, when the vendor's current deadline began`);
    },
  );

  step(
    deliver,
    async ({ actor, note }) => {
      const now = enter('delivered');
      const delivery = {
        cycle: 1,
        deliveredAtMs: now,
        acceptanceDueAtMs: now + policy.acceptancePeriodDays * MS_PER_DAY,
        answeredAtMs: null,
      };
      state.deliveries.push(delivery);
      return record(actor, 'delivered', {
        note: note ?? null,
        dueAtMs: deliveryDueAt(state),
        acceptanceDueAtMs: delivery.acceptanceDueAtMs,
        acceptBySilence: policy.acceptBySilence,
      });
    },
    (_command) => {
      requireStatus('deliver', 'approved');
      if (!state.commitment)
        refuse('cannot deliver: the change request is approved but has no committed delivery date yet');
    },
  );

  step(
    accept,
    async ({ actor, note }) => acceptWork(actor, false, note ?? null),
    (_command) => requireAnswerable('accept the delivery'),
  );

  step(
    listDefects,
    async ({ actor, defects }) => {
      const now = enter('fixing');
      const delivery = currentDelivery(state)!;
      delivery.answeredAtMs = now;
      const fix = {
        cycle: delivery.cycle,
        defectsListedAtMs: now,
        defects,
        baseDueAtMs: now + policy.defectFixDays * MS_PER_DAY,
        redeliveredAtMs: null,
      };
      state.fixes.push(fix);
      return record(actor, 'defects_listed', { defects, cycle: fix.cycle, fixDueAtMs: fix.baseDueAtMs });
    },
    ({ defects }) => {
      requireAnswerable('list defects');
      if (defects.length === 0 || defects.some((d: string) => d.trim() === ''))
        refuse('list at least one defect, none of them empty');
    },
  );

  step(
    redeliver,
    async ({ actor, note }) => {
      const now = enter('delivered');
      const fix = currentFix(state)!;
      fix.redeliveredAtMs = now;
      const delivery = {
        cycle: fix.cycle + 1,
        deliveredAtMs: now,
        acceptanceDueAtMs: now + policy.acceptancePeriodDays * MS_PER_DAY,
        answeredAtMs: null,
      };
      state.deliveries.push(delivery);
      return record(actor, 'redelivered', {
        note: note ?? null,
        cycle: delivery.cycle,
        fixDueAtMs: fixDueAt(state, fix),
        acceptanceDueAtMs: delivery.acceptanceDueAtMs,
        acceptBySilence: policy.acceptBySilence,
      });
    },
    (_command) => requireStatus('redeliver', 'fixing'),
  );

  step(
    cancel,
    async ({ actor, reason }) => {
      enter('cancelled');
      state.closedReason = reason;
      return record(actor, 'cancelled', { reason });
    },
    ({ reason }) => {
      requireStatus('cancel', 'in_review', 'quoted', 'approved');
      if (reason.trim() === '') refuse('a cancellation needs a reason');
    },
  );

  function requireAnswerable(command: string): void {
    requireStatus(command, 'delivered');
    if (policy.acceptBySilence && Date.now() >= currentDelivery(state)!.acceptanceDueAtMs) {
      refuse(`cannot ${command}: the acceptance period has ended and silence counts as acceptance`);
    }
  }

  /** Acceptance, by the customer or by silence (Pasban rule 9), then the invoice. */
  async function acceptWork(actor: string, bySilence: boolean, note: string | null): Promise<ChangeRequestView> {
    const now = enter('accepted');
    const delivery = currentDelivery(state)!;
    if (!bySilence) delivery.answeredAtMs = now;
    state.acceptance = { atMs: now, by: actor, bySilence, note };
    await record(actor, 'accepted', { bySilence, note, cycle: delivery.cycle });
    const quote = state.quote!;
    state.invoice = await records.invoiceChangeRequest({
      changeRequestId,
      acceptedAtMs: now,
      quotedRials: quote.costRials,
      effortMinutes: quote.effortMinutes,
      includedCustomisationHours: policy.includedCustomisationHours,
    });
    return record('system', 'invoiced', { ...state.invoice });
  }

  async function fire(alarm: Alarm): Promise<void> {
    // A step may have moved the request on while the timer was firing.
    if (!stageAlarms(state).some((pending) => pending.key === alarm.key)) return;
    state.fired.push(alarm.key);
    switch (alarm.kind) {
      case 'review_overdue':
      case 'delivery_overdue':
      case 'fix_overdue':
        await record('system', alarm.kind, { dueAtMs: alarm.atMs });
        return;
      case 'quote_reminder':
        await record('system', 'quote_reminder', { expiresAtMs: state.quote!.expiresAtMs });
        return;
      case 'quote_expired':
        enter('expired');
        await record('system', 'quote_expired', { expiresAtMs: alarm.atMs });
        return;
      case 'acceptance_lapsed':
        if (policy.acceptBySilence) {
          const days = policy.acceptancePeriodDays;
          await acceptWork(
            'system',
            true,
            `no acceptance or defects within ${days} days of delivery: the terms count silence as acceptance`,
          );
        } else {
          await record('system', 'acceptance_period_lapsed', { dueAtMs: alarm.atMs });
        }
        return;
    }
  }

  await opening;

  while (!FINAL_STATUSES.includes(state.status)) {
    if (serialized) await nextDeadline();
    else await nextDeadlineBeforeThePatch();
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? 2_000)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof changeRequestWorkflow>({ ...input, calendars: calendarSpecs, state });
    }
  }
  await condition(allHandlersFinished);
  return view();

  /**
   * Waits for the next alarm or a change, then, alone, fires what has fallen due by then: the
   * wait is computed anew after every change, and its timer is never cancelled (see WakeUps).
   */
  async function nextDeadline(): Promise<void> {
    changed = false;
    const alarm = nextAlarm(state, new Set(state.fired));
    if (alarm) {
      wakeUps.at(alarm.atMs);
      await condition(() => changed || wakeUps.due(alarm.atMs));
    } else {
      await condition(() => changed);
    }
    await lock.run(async () => {
      const due = FINAL_STATUSES.includes(state.status) ? null : nextAlarm(state, new Set(state.fired));
      if (due && wakeUps.due(due.atMs)) await fire(due);
    });
  }

  async function nextDeadlineBeforeThePatch(): Promise<void> {
    const alarm = nextAlarm(state, new Set(state.fired));
    const woke = alarm
      ? await condition(() => changed, Math.max(1, alarm.atMs - Date.now()))
      : await condition(() => changed).then(() => true);
    if (!woke) await fire(alarm!);
    changed = false;
  }
}

function reviewDeadlineOn(policy: ChangeRequestPolicy, openedAtMs: number, specs: CalendarSpec[]): number {
  const calendars = new Map(specs.map((spec) => [spec.key, compileCalendar(spec)]));
  return reviewDeadline(policy, openedAtMs, (key) => {
    const calendar = calendars.get(key);
    if (!calendar) throw new Error(`the change request has no calendar "${key}"`);
    return calendar;
  });
}

function opened(input: ChangeRequestWorkflowInput): ChangeRequestState {
  const reviewDueAtMs = reviewDeadlineOn(input.policy, input.openedAtMs, input.calendars);
  return {
    status: 'in_review',
    openedAtMs: input.openedAtMs,
    reviewDueAtMs,
    reviewedAtMs: null,
    quote: null,
    quoteAnsweredAtMs: null,
    approvedAtMs: null,
    commitment: null,
    deliveries: [],
    fixes: [],
    delays: [],
    closedAtMs: null,
    rejectionReason: null,
    closedReason: null,
    acceptance: null,
    invoice: null,
    fired: [],
    sequence: 0,
  };
}
