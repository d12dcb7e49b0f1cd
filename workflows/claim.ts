/**
 * One compensation claim, from receipt to the QA unit's decision (Avanak's claim process, Pasban
 * rule 8). The acknowledgement goes out at once with the computed facts; the deadlines are durable
 * timers: the acknowledgement by the end of the next business day on the vendor's office
 * calendar, a reminder before the decision is due and an escalation when it is overdue. QA
 * decides by updates whose validators refuse a decision that breaks the rules, so a refused
 * decision never touches the claim. The history stays short (a handful of events), so the
 * workflow never needs to continue as new.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ClaimActivities } from '../activities/claims';
import { compileCalendar } from '../sla/calendar';
import type { CalendarSpec } from '../sla/calendar-spec';
import { creditNoteMonth } from '../sla/claim-assessment';
import {
  rejectionReason,
  resolveAdjustedApproval,
  resolveApproval,
  type AdjustedApprovalRequest,
  type ApprovalRequest,
  type Credit,
  type RejectionRequest,
  type Resolution,
} from '../sla/claim-decision';
import { claimDeadlines, type ClaimDeadlines } from '../sla/claims';
import type { BreachAction, ClaimPolicy } from '../sla/policy';
import type { ClaimAlarm, ClaimAlarmKind, ClaimDecision, ClaimFacts, ClaimStatus, ClaimView } from '../sla/claim-state';
import { OneAtATime } from './one-at-a-time';
import { WakeUps } from './wake-ups';

export type {
  ClaimAlarm,
  ClaimAlarmKind,
  ClaimDecision,
  ClaimFacts,
  ClaimKind,
  ClaimStatus,
  ClaimView,
} from '../sla/claim-state';

export interface ClaimWorkflowInput {
  claimId: string;
  receivedAtMs: number;
  receivedBy: string;
  policy: ClaimPolicy;
  /** The calendar the policy's initial response counts on, with holidays filled in. */
  calendars: CalendarSpec[];
  facts: ClaimFacts;
  /** Minutes between attempts while the acknowledgement cannot be recorded (default 15). */
  acknowledgementRetryMinutes?: number;
}

export interface Actor {
  actor: string;
}

export const claimView = defineQuery<ClaimView>('claimView');
export const approve = defineUpdate<ClaimView, [Actor & ApprovalRequest]>('approve');
export const approveAdjusted = defineUpdate<ClaimView, [Actor & AdjustedApprovalRequest]>('approveAdjusted');
export const reject = defineUpdate<ClaimView, [Actor & RejectionRequest]>('reject');

/** A cited outage was corrected (POST /v1/outages/:id/corrections), with the claim judged again on it. */
export interface OutageCorrected extends Actor {
  outageId: string;
  correctionId: string;
  reason: string;
  facts: ClaimFacts;
}
/** An open claim takes the corrected facts (QA decides on them); a decided claim keeps its decision. */
export const outageCorrected = defineSignal<[OutageCorrected]>('outageCorrected');

/**
 * The calendar the claim's deadlines count on changed (an estimated holiday confirmed to another
 * date, a holiday added, moved or removed, the calendar's hours edited): an open claim recomputes
 * its acknowledgement deadline and records the old and new deadlines on its timeline; a decided
 * claim keeps them.
 */
export const calendarsChanged = defineSignal<[{ calendars: CalendarSpec[]; reason: string }]>('calendarsChanged');

/** Database writes: short, idempotent, retried until they land. */
const recordOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const records = proxyActivities<ClaimActivities>(recordOptions);
/** The same writes as local activities: no round trip through the server per write. */
const localRecords = proxyLocalActivities<ClaimActivities>(recordOptions);
// Bounded: the workflow retries the acknowledgement itself and escalates when it stays unrecorded.
const acknowledgement = proxyActivities<ClaimActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});
// Bounded, so a broken channel is not retried into spam; the outbox row keeps what happened.
const messages = proxyActivities<ClaimActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const DEFAULT_ACKNOWLEDGEMENT_RETRY_MINUTES = 15;

/**
 * Patch: the timeline event and the row are recorded by one local activity instead of two
 * activities through the server (under a burst of claims, those round trips queued the
 * acknowledgements behind them). Claims started before it replay the two-activity form.
 */
const RECORD_IN_ONE_LOCAL_ACTIVITY = 'claim-record-in-one-local-activity';

/** Patch: a claim records its receipt before it accepts decisions (see claimWorkflow). */
const RECEIPT_BEFORE_DECISIONS = 'claim-receipt-before-decisions';

/**
 * Patch: decisions, alarms and the acknowledgement run one at a time, a decision checked again
 * inside the lock (two decisions validated together used to both run: two "approved"/"rejected"
 * events, the last one winning the row), and deadlines wait on timers that are never cancelled.
 * Claims started before it replay the old form.
 */
const ONE_DECISION = 'claim-one-decision';

/**
 * Patch: a calendar correction (calendarsChanged) moves an open claim's deadlines. A claim whose
 * history holds that signal from before the patch (buffered, never handled) replays it as ignored.
 */
const CALENDAR_CORRECTIONS = 'claim-calendar-corrections';

/**
 * Patch: with decisions serialized, the record is an ordinary activity again, as for tickets
 * (workflows/ticket.ts, ticket-records-after-commit). A local activity runs inside the workflow
 * task; when that task's completion is lost (the server answers "Workflow task not found when
 * completing" under bursts of updates) the task runs again, possibly with the updates in another
 * order, and the first attempt's rows stay. An ordinary activity runs only once its task is
 * committed. Claims started with the serialization but before this keep the local activity.
 */
const RECORDS_AFTER_COMMIT = 'claim-records-after-commit';

/**
 * Patch: the claim's deciders (QA where the vendor routes claims to QA, otherwise the department's
 * manager) get an in-app notice as soon as the claim is received, not only at the reminder. Claims
 * started before it replay without that notice.
 */
const TELL_DECIDERS_ON_FILING = 'claim-deciders-told-on-filing';

/** A refused decision: the API answers 409 with this message, which names the claim's state. */
function refuse(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidClaimCommand', message, nonRetryable: true });
}

/**
 * The reminder goes to QA where the vendor routes claims to QA, otherwise to the product
 * department's manager; overdue work goes to the QA lead and the manager.
 */
export function claimAlarms(deadlines: ClaimDeadlines, policy: ClaimPolicy): ClaimAlarm[] {
  const overdue: BreachAction = {
    channel: 'sms',
    recipients: policy.routeToQa ? ['qa_lead', 'department_manager'] : ['department_manager', 'senior_management'],
  };
  return [
    {
      kind: 'acknowledgement_overdue',
      atMs: deadlines.acknowledgeDueAtMs,
      dueAtMs: deadlines.acknowledgeDueAtMs,
      action: overdue,
    },
    {
      kind: 'decision_reminder',
      atMs: deadlines.reminderAtMs,
      dueAtMs: deadlines.decisionDueAtMs,
      action: { channel: 'in_app', recipients: [policy.routeToQa ? 'qa' : 'department_manager'] },
    },
    { kind: 'decision_overdue', atMs: deadlines.decisionDueAtMs, dueAtMs: deadlines.decisionDueAtMs, action: overdue },
  ];
}

export async function claimWorkflow(input: ClaimWorkflowInput): Promise<ClaimView> {
  const { claimId } = input;
  let facts = input.facts;
  const deadlinesOn = (specs: CalendarSpec[]): ClaimDeadlines => {
    const compiled = new Map(specs.map((spec) => [spec.key, compileCalendar(spec)]));
    return claimDeadlines(input.receivedAtMs, input.policy, (key) => {
      const calendar = compiled.get(key);
      if (!calendar) throw new Error(`the claim has no calendar "${key}"`);
      return calendar;
    });
  };
  let deadlines = deadlinesOn(input.calendars);
  let alarms = claimAlarms(deadlines, input.policy);
  /** Set when a calendar correction moved the deadlines: the wait for the next one starts again. */
  let recomputed = false;
  const retryMs = (input.acknowledgementRetryMinutes ?? DEFAULT_ACKNOWLEDGEMENT_RETRY_MINUTES) * 60_000;
  // Decided once, in the run's first task: a history without the marker keeps the old form throughout.
  const serialized = patched(ONE_DECISION);
  const recordsAfterCommit = serialized && patched(RECORDS_AFTER_COMMIT);
  const lock = new OneAtATime();
  const wakeUps = new WakeUps();
  /** Runs a piece of work alone once the patch applies; before it, as it comes. */
  const alone = <T>(work: () => Promise<T>): Promise<T> => (serialized ? lock.run(work) : work());

  let status: ClaimStatus = 'received';
  let acknowledgedAtMs: number | null = null;
  let acknowledgementSequence: number | null = null;
  let nextAcknowledgementAtMs = input.receivedAtMs;
  let decision: ClaimDecision | null = null;
  const fired: ClaimAlarmKind[] = [];
  let sequence = 0;

  const view = (): ClaimView => ({
    claimId,
    status,
    receivedAtMs: input.receivedAtMs,
    deadlines,
    acknowledgedAtMs,
    decision,
    fired: [...fired],
    asOfMs: Date.now(),
  });

  /** The receipt's record, while later records must wait for it (see RECEIPT_BEFORE_DECISIONS). */
  let receipt: Promise<number> | undefined;

  /** Records an event on the claim's timeline and brings its row up to date. */
  async function record(actor: string, type: string, data: Record<string, unknown>): Promise<number> {
    if (receipt) await receipt;
    sequence += 1;
    const recorded = sequence;
    const event = { claimId, sequence: recorded, atMs: Date.now(), actor, type, data };
    if (recordsAfterCommit) {
      await records.recordClaimChange({ event, view: view() });
    } else if (patched(RECORD_IN_ONE_LOCAL_ACTIVITY)) {
      await localRecords.recordClaimChange({ event, view: view() });
    } else {
      await records.recordClaimEvent(event);
      await records.syncClaim(view());
    }
    return recorded;
  }

  const requirePending = (command: string) => {
    if (decision) refuse(`cannot ${command}: the claim is already ${decision.outcome}`);
  };
  const requireResolved = (resolution: Resolution): Credit => {
    if (!resolution.ok) refuse(resolution.reason);
    return resolution.credit;
  };

  setHandler(claimView, view);

  // Patch: the receipt is recorded first and every later record waits for it, so a decision that
  // arrives with the start comes after "received" on the timeline and on the row. Claims started
  // before it replay the old order.
  let received: Promise<unknown> | undefined;
  if (serialized) received = lock.run(() => record(input.receivedBy, 'received', { ...facts, deadlines }));
  else if (patched(RECEIPT_BEFORE_DECISIONS))
    received = receipt = record(input.receivedBy, 'received', { ...facts, deadlines });

  setHandler(
    approve,
    ({ actor, ...request }) => {
      const updateId = currentUpdateInfo()?.id;
      return alone(async () => {
        if (serialized) requirePending('approve');
        const credit = requireResolved(resolveApproval(facts.computed, request));
        return decide(
          actor,
          { outcome: 'approved', credit, adjusted: false, justification: null, rejectionReason: null },
          updateId,
        );
      });
    },
    {
      validator: ({ actor: _actor, ...request }) => {
        requirePending('approve');
        requireResolved(resolveApproval(facts.computed, request));
      },
    },
  );

  setHandler(
    approveAdjusted,
    ({ actor, ...request }) => {
      const updateId = currentUpdateInfo()?.id;
      return alone(async () => {
        if (serialized) requirePending('approve');
        const credit = requireResolved(resolveAdjustedApproval(facts.computed, request));
        return decide(
          actor,
          {
            outcome: 'approved',
            credit,
            adjusted: true,
            justification: request.justification.trim(),
            rejectionReason: null,
          },
          updateId,
        );
      });
    },
    {
      validator: ({ actor: _actor, ...request }) => {
        requirePending('approve');
        requireResolved(resolveAdjustedApproval(facts.computed, request));
      },
    },
  );

  setHandler(
    reject,
    ({ actor, ...request }) => {
      const updateId = currentUpdateInfo()?.id;
      return alone(async () => {
        if (serialized) requirePending('reject');
        return decide(
          actor,
          {
            outcome: 'rejected',
            credit: null,
            adjusted: false,
            justification: null,
            rejectionReason: rejectionReason(request),
          },
          updateId,
        );
      });
    },
    {
      validator: ({ actor: _actor, ...request }) => {
        requirePending('reject');
        if (rejectionReason(request) === null) refuse('give the reason: one of the published exclusions, or free text');
      },
    },
  );

  setHandler(outageCorrected, ({ actor, facts: next, ...correction }) =>
    alone(async () => {
      if (decision) return;
      const before = facts;
      facts = next;
      await record(actor, 'reassessed', { ...correction, before, after: next });
    }),
  );

  setHandler(calendarsChanged, ({ calendars, reason }) =>
    alone(async () => {
      if (!patched(CALENDAR_CORRECTIONS) || decision) return;
      const before = deadlines;
      const after = deadlinesOn(calendars);
      if (after.acknowledgeDueAtMs === before.acknowledgeDueAtMs && after.decisionDueAtMs === before.decisionDueAtMs)
        return;
      deadlines = after;
      alarms = claimAlarms(after, input.policy);
      recomputed = true;
      await record('system', 'deadlines_recomputed', { reason, before, after });
    }),
  );

  async function decide(
    by: string,
    outcome: Pick<ClaimDecision, 'outcome' | 'adjusted' | 'justification' | 'rejectionReason'> & {
      credit: Credit | null;
    },
    /** The update that decided: the API answers a retry of it (same Idempotency-Key) with this decision. */
    updateId: string | undefined,
  ): Promise<ClaimView> {
    const atMs = Date.now();
    const { credit, ...rest } = outcome;
    decision = {
      ...rest,
      by,
      atMs,
      late: atMs > deadlines.decisionDueAtMs,
      creditPercent: credit?.percent ?? null,
      amountRials: credit?.amountRials ?? null,
      creditNoteMonth: credit ? creditNoteMonth(atMs) : null,
    };
    status = decision.outcome;
    const decided = decision;
    const eventSequence = await record(by, decided.outcome, { ...decided, ...(updateId && { updateId }) });
    if (credit) {
      await records.writeCreditNote({
        claimId,
        percent: credit.percent,
        amountRials: credit.amountRials,
        appliesToMonth: decided.creditNoteMonth!,
      });
    }
    await sendQuietly('decision notice', () =>
      messages.notifyClaimDecision({ claimId, sequence: eventSequence, decision: decided }),
    );
    return view();
  }

  /** Sends the acknowledgement and records it; false when that failed and must be tried again. */
  async function acknowledge(): Promise<boolean> {
    acknowledgementSequence ??= ++sequence;
    try {
      await acknowledgement.acknowledgeClaim({
        claimId,
        sequence: acknowledgementSequence,
        atMs: Date.now(),
        facts,
        decisionDueAtMs: deadlines.decisionDueAtMs,
      });
    } catch (error) {
      log.warn('claim acknowledgement not recorded', { claimId, error: String(error) });
      return false;
    }
    acknowledgedAtMs = Date.now();
    if (status === 'received') status = 'acknowledged';
    await (recordsAfterCommit || !patched(RECORD_IN_ONE_LOCAL_ACTIVITY) ? records : localRecords).syncClaim(view());
    return true;
  }

  async function fire(alarm: ClaimAlarm): Promise<void> {
    fired.push(alarm.kind);
    await sendQuietly(alarm.kind, () =>
      messages.escalateClaim({
        claimId,
        dedupeKey: `claim:${claimId}:${alarm.kind}`,
        kind: alarm.kind,
        dueAtMs: alarm.dueAtMs,
        action: alarm.action,
      }),
    );
    await record('system', alarm.kind, { dueAtMs: alarm.dueAtMs, recipients: alarm.action.recipients });
  }

  async function sendQuietly(what: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      // The outbox row records the failure; a message that cannot go out does not stop the claim.
      log.warn(`claim ${what} not delivered`, { claimId, error: String(error) });
    }
  }

  /** Alarms still to fire: the acknowledgement's until it is recorded, the decision's until it is made. */
  const pendingAlarms = () =>
    alarms.filter(
      (alarm) =>
        !fired.includes(alarm.kind) &&
        (alarm.kind === 'acknowledgement_overdue' ? acknowledgedAtMs === null : decision === null),
    );

  if (received) await received;
  else await record(input.receivedBy, 'received', { ...facts, deadlines });
  if (patched(TELL_DECIDERS_ON_FILING)) {
    await sendQuietly('filing notice', () =>
      messages.notifyClaimFiled({
        claimId,
        decisionDueAtMs: deadlines.decisionDueAtMs,
        recipients: [input.policy.routeToQa ? 'qa' : 'department_manager'],
      }),
    );
  }

  while (!decision) {
    if (serialized) await nextDeadline();
    else await nextDeadlineBeforeThePatch();
  }
  await condition(allHandlersFinished);
  return view();

  /** The acknowledgement (or its next attempt) and the alarms that are due, alone; a decision ends them. */
  async function dueWork(): Promise<void> {
    if (acknowledgedAtMs === null && Date.now() >= nextAcknowledgementAtMs && !(await acknowledge())) {
      nextAcknowledgementAtMs = Date.now() + retryMs;
    }
    for (const alarm of pendingAlarms()) {
      if (wakeUps.due(alarm.atMs) && !decision) await fire(alarm);
    }
  }

  /** Waits for the next deadline or the decision on a timer that is never cancelled (see WakeUps). */
  async function nextDeadline(): Promise<void> {
    await lock.run(dueWork);
    if (decision) return;
    recomputed = false;
    const wakeAt = Math.min(
      ...pendingAlarms().map((a) => a.atMs),
      acknowledgedAtMs === null ? nextAcknowledgementAtMs : Infinity,
    );
    if (Number.isFinite(wakeAt)) {
      wakeUps.at(wakeAt);
      await condition(() => decision !== null || recomputed || wakeUps.due(wakeAt));
    } else {
      await condition(() => decision !== null || recomputed);
    }
  }

  async function nextDeadlineBeforeThePatch(): Promise<void> {
    if (acknowledgedAtMs === null && Date.now() >= nextAcknowledgementAtMs && !(await acknowledge())) {
      nextAcknowledgementAtMs = Date.now() + retryMs;
    }
    for (const alarm of pendingAlarms()) {
      if (alarm.atMs <= Date.now() && !decision) await fire(alarm);
    }
    const wakeAt = Math.min(
      ...pendingAlarms().map((a) => a.atMs),
      acknowledgedAtMs === null ? nextAcknowledgementAtMs : Infinity,
    );
    if (decision) return;
    if (Number.isFinite(wakeAt)) await condition(() => decision !== null, Math.max(1, wakeAt - Date.now()));
    else await condition(() => decision !== null);
  }
}
