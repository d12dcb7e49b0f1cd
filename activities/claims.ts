import { ApplicationFailure } from '@temporalio/common';
import type { BreachAction, Recipient } from '../sla/policy';
import type { ClaimAlarmKind, ClaimDecision, ClaimFacts, ClaimView } from '../sla/claim-state';
import type { ActivityDeps } from './index';
import type { NotifyRequest } from './notifications/outbox';
import {
  claimAcknowledged,
  claimAlarm,
  claimApproved,
  claimFiled,
  claimRejected,
} from './notifications/claim-messages';
import { readComputation } from '../store/json-columns';
import { creditLines } from '../sla/claim-months';
import { asJson } from '../platform/database';

export interface ClaimEventRecord {
  claimId: string;
  sequence: number;
  atMs: number;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

export interface AcknowledgementRequest {
  claimId: string;
  /** The timeline sequence the acknowledgement is recorded under, the same on every attempt. */
  sequence: number;
  atMs: number;
  facts: ClaimFacts;
  decisionDueAtMs: number;
}

export interface ClaimEscalation {
  claimId: string;
  dedupeKey: string;
  kind: ClaimAlarmKind;
  dueAtMs: number;
  action: BreachAction;
}

/** A claim has arrived: its deciders hear of it in their inboxes, each their own notice. */
export interface FilingNotice {
  claimId: string;
  decisionDueAtMs: number;
  recipients: Recipient[];
}

export interface DecisionNotice {
  claimId: string;
  sequence: number;
  decision: ClaimDecision;
}

export interface CreditNoteRequest {
  claimId: string;
  percent: number;
  amountRials: number;
  /** Jalali "YYYY-MM". */
  appliesToMonth: string;
}

const DECIDED = ['approved', 'rejected'] as const;

/**
 * The claim workflow's I/O. Every activity is idempotent (unique keys, guarded updates, dedupe
 * keys on messages), so a retry or a replay after a crash never records or sends anything twice.
 */
export function createClaimActivities(deps: ActivityDeps & { notify: (request: NotifyRequest) => Promise<unknown> }) {
  const { db, notify } = deps;

  const claimContext = (claimId: string) =>
    db.claim.findUniqueOrThrow({ where: { id: claimId }, include: { product: true, customer: true } });

  async function recordClaimEvent(event: ClaimEventRecord): Promise<void> {
    await db.claimEvent.createMany({
      data: [
        {
          claimId: event.claimId,
          sequence: event.sequence,
          at: new Date(event.atMs),
          actor: event.actor,
          type: event.type,
          data: asJson(event.data),
        },
      ],
      skipDuplicates: true,
    });
  }

  /**
   * Brings the row in line with the workflow's view. Views arrive in order, but a slow
   * acknowledgement may land after the decision: an undecided view never overwrites a decided row.
   */
  async function syncClaim(view: ClaimView): Promise<void> {
    const decision = view.decision;
    await db.claim.updateMany({
      where: { id: view.claimId, ...(decision ? {} : { status: { notIn: [...DECIDED] } }) },
      data: {
        status: view.status,
        // A calendar correction may have moved them (calendarsChanged).
        acknowledgeDueAt: new Date(view.deadlines.acknowledgeDueAtMs),
        decisionDueAt: new Date(view.deadlines.decisionDueAtMs),
        ...(view.acknowledgedAtMs !== null && { acknowledgedAt: new Date(view.acknowledgedAtMs) }),
        ...(decision && {
          decidedAt: new Date(decision.atMs),
          decidedBy: decision.by,
          creditPercent: decision.creditPercent,
          creditAmountRials: decision.amountRials === null ? null : BigInt(decision.amountRials),
          justification: decision.justification,
          rejectionReason: decision.rejectionReason,
        }),
      },
    });
    // The acknowledgement itself is still worth keeping on a row that was decided first.
    if (!decision && view.acknowledgedAtMs !== null) {
      await db.claim.updateMany({
        where: { id: view.claimId, acknowledgedAt: null },
        data: { acknowledgedAt: new Date(view.acknowledgedAtMs) },
      });
    }
  }

  return {
    recordClaimEvent,

    syncClaim,

    /** The timeline event and the row as of it, as one local activity (no server round trip per record). */
    async recordClaimChange(change: { event: ClaimEventRecord; view: ClaimView }): Promise<void> {
      await recordClaimEvent(change.event);
      await syncClaim(change.view);
    },

    /** Tells the customer the claim was received, with the computed facts, and records that it was. */
    async acknowledgeClaim(request: AcknowledgementRequest): Promise<void> {
      const claim = await claimContext(request.claimId);
      const message = claimAcknowledged({
        claimId: claim.id,
        productName: claim.product.nameFa,
        kind: request.facts.kind,
        month: request.facts.month,
        downtimeMinutes: request.facts.downtimeMinutes,
        availabilityPercent: request.facts.availabilityPercent,
        creditPercent: request.facts.computed.percent,
        amountRials: request.facts.computed.amountRials,
        decisionDueAtMs: request.decisionDueAtMs,
      });
      await notify({
        dedupeKey: `claim:${claim.id}:acknowledgement`,
        channel: 'email',
        category: 'informational',
        audience: 'customer',
        customerId: claim.customerId,
        recipient: { kind: 'customer' },
        subject: message.subject,
        body: message.body,
        subjectRef: `claim:${claim.id}`,
      });
      await recordClaimEvent({
        claimId: claim.id,
        sequence: request.sequence,
        atMs: request.atMs,
        actor: 'system',
        type: 'acknowledged',
        data: { ...request.facts, decisionDueAtMs: request.decisionDueAtMs },
      });
    },

    /** Tells the claim's deciders (QA of the vendor, or the department's manager) that it arrived. */
    async notifyClaimFiled(notice: FilingNotice): Promise<void> {
      const claim = await claimContext(notice.claimId);
      const message = claimFiled({
        claimId: claim.id,
        productName: claim.product.nameFa,
        customerName: claim.customer.name,
        decisionDueAtMs: notice.decisionDueAtMs,
      });
      for (const recipient of notice.recipients) {
        await notify({
          dedupeKey: `claim:${claim.id}:filed:${recipient}`,
          channel: 'in_app',
          category: 'informational',
          ...staffRecipient(recipient, claim.product.departmentId),
          subject: message.subject,
          body: message.body,
          subjectRef: `claim:${claim.id}`,
        });
      }
    },

    /** Tells each recipient the alarm names that a claim deadline is near or has passed. */
    async escalateClaim(escalation: ClaimEscalation): Promise<void> {
      const claim = await claimContext(escalation.claimId);
      const message = claimAlarm({
        kind: escalation.kind,
        claimId: claim.id,
        productName: claim.product.nameFa,
        customerName: claim.customer.name,
        dueAtMs: escalation.dueAtMs,
      });
      for (const recipient of escalation.action.recipients) {
        await notify({
          dedupeKey: `${escalation.dedupeKey}:${recipient}`,
          channel: escalation.action.channel,
          category: 'informational',
          ...staffRecipient(recipient, claim.product.departmentId),
          subject: message.subject,
          body: message.body,
          subjectRef: `claim:${claim.id}`,
        });
      }
    },

    /** The customer hears the outcome in Persian, with Jalali dates. */
    async notifyClaimDecision(notice: DecisionNotice): Promise<void> {
      const claim = await claimContext(notice.claimId);
      const { decision } = notice;
      const ref = { claimId: claim.id, productName: claim.product.nameFa };
      const message =
        decision.outcome === 'approved'
          ? claimApproved({
              ...ref,
              percent: decision.creditPercent!,
              amountRials: decision.amountRials!,
              appliesToMonth: decision.creditNoteMonth!,
              decidedAtMs: decision.atMs,
              justification: decision.justification,
            })
          : claimRejected({ ...ref, reason: decision.rejectionReason ?? '', decidedAtMs: decision.atMs });
      await notify({
        dedupeKey: `claim:${claim.id}:event:${notice.sequence}`,
        channel: 'email',
        category: 'informational',
        audience: 'customer',
        customerId: claim.customerId,
        recipient: { kind: 'customer' },
        subject: message.subject,
        body: message.body,
        subjectRef: `claim:${claim.id}`,
      });
    },

    /** The approved credit, once: the credit note's claim id is unique. */
    async writeCreditNote(request: CreditNoteRequest): Promise<void> {
      const claim = await db.claim.findUniqueOrThrow({ where: { id: request.claimId } });
      // Rule 8: one line per Jalali month the credit was earned in (support-timing claims have none).
      const computation = readComputation(claim);
      const months = computation.months ?? (computation.availability ? [computation.availability] : []);
      await db.creditLine.createMany({
        data: creditLines(months, request, request.appliesToMonth).map((line) => ({
          claimId: claim.id,
          ...line,
          amountRials: BigInt(line.amountRials),
        })),
        skipDuplicates: true,
      });
      await db.creditNote.createMany({
        data: [
          {
            claimId: claim.id,
            customerId: claim.customerId,
            contractId: claim.contractId,
            percent: request.percent,
            amountRials: BigInt(request.amountRials),
            appliesToMonth: request.appliesToMonth,
          },
        ],
        skipDuplicates: true,
      });
    },
  };
}

export type ClaimActivities = ReturnType<typeof createClaimActivities>;

/**
 * Staff who hear about claims. The QA unit and its lead read the QA role's inbox (Pasban has no
 * separate QA-lead role); managers are reached through the product department.
 */
function staffRecipient(
  recipient: Recipient,
  departmentId: string,
): Pick<NotifyRequest, 'audience' | 'recipient' | 'role'> {
  switch (recipient) {
    case 'department_manager':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'department_manager', departmentId } };
    case 'senior_management':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'senior_management', departmentId } };
    case 'assignee':
      return { audience: 'staff', role: 'agent', recipient: { kind: 'role', role: 'agent' } };
    case 'qa':
    case 'qa_lead':
      return { audience: 'staff', role: 'qa', recipient: { kind: 'role', role: 'qa' } };
    case 'customer':
      throw ApplicationFailure.create({
        type: 'InvalidRecipient',
        message: 'claim alarms go to staff, not to the customer',
        nonRetryable: true,
      });
  }
}
