import { z } from 'zod';
import type { Claim, ClaimOutage, ClaimTicket, CreditLine, CreditNote, Prisma } from '../generated/prisma/client';
import type { Logger } from '../platform/logger';
import { logUnreadable, readableRows, readComputation, type ClaimComputation } from '../store/json-columns';
import { loadCalendarSpecs, loadDefinition } from '../store/sla-config';
import { OUTAGE_CAUSES } from '../sla/availability';
import type { ClaimAssessment } from '../sla/claim-assessment';
import { formatJalali } from '../sla/jalali';
import { EXCLUSIONS } from '../sla/outages';
import type { ClaimFacts, ClaimWorkflowInput } from '../workflows/claim';
import type { Principal } from './auth';
import type { AppDeps } from './deps';
import { ApiError } from './errors';
import { actorResponse, assertInWorkScope, seesInternals, type Actor } from './visibility';
import { iso, isoOrNull } from '../sla/iso';

export type { ClaimComputation } from '../store/json-columns';

export const claimInclude = {
  outages: true,
  tickets: true,
  creditNote: true,
  creditLines: { orderBy: { earnedMonth: 'asc' } },
} satisfies Prisma.ClaimInclude;
export type ClaimRow = Claim & {
  outages: ClaimOutage[];
  tickets: ClaimTicket[];
  creditNote: CreditNote | null;
  creditLines: CreditLine[];
};

export const CLAIM_KINDS = ['availability', 'support_timing'] as const;
export const CLAIM_STATUSES = ['received', 'acknowledged', 'approved', 'rejected'] as const;
export const DUE_STATES = ['pending', 'due_soon', 'overdue', 'decided'] as const;
export type DueState = (typeof DUE_STATES)[number];

/** The row's `computation`, parsed (store/json-columns.ts): an unreadable one throws `UnreadableRow` naming the claim. */
export const computationOf = (row: Claim): ClaimComputation => readComputation(row);

/**
 * The claims of a list whose computation can be read; one that cannot is left out and logged with
 * its id, so one bad row does not answer the whole list with a 500 (a single read of it does).
 */
export function readableClaims<Row extends Claim>(rows: readonly Row[], logger: Pick<Logger, 'error'>): Row[] {
  return readableRows(rows, (row) => (computationOf(row), row), logUnreadable(logger, 'a list of claims'));
}

/** The months a computation assessed: all of them, or the one month of a claim filed before rule 8's months. */
export function monthsOf(computation: ClaimComputation): ClaimAssessment[] {
  return computation.months ?? (computation.availability ? [computation.availability] : []);
}

/** Where an undecided claim stands against its decision deadline: the QA queue's buckets. */
export function dueStateOf(row: Claim, nowMs: number): DueState {
  if (row.status === 'approved' || row.status === 'rejected') return 'decided';
  if (nowMs > row.decisionDueAt.getTime()) return 'overdue';
  return nowMs >= computationOf(row).deadlines.reminderAtMs ? 'due_soon' : 'pending';
}

/** A claim as the caller may see it: a customer sees no QA reminder, in the field or in the due state. */
export function claimForCaller<T extends ClaimResponse>(principal: Principal, claim: T): T {
  if (seesInternals(principal)) return claim;
  return {
    ...claim,
    dueState: claim.dueState === 'due_soon' ? 'pending' : claim.dueState,
    deadlines: { ...claim.deadlines, reminderAt: null },
  };
}

const rials = z.string().regex(/^\d+$/).describe('whole rials, as digits');
const jalali = z.string().describe('e.g. ۱۴۰۵/۰۹/۰۴ ساعت ۱۶:۰۰');

export const claimResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  productId: z.uuid(),
  contractId: z.uuid(),
  policyKey: z.string(),
  kind: z.enum(CLAIM_KINDS),
  note: z.string().nullable(),
  status: z.enum(CLAIM_STATUSES),
  dueState: z
    .enum(DUE_STATES)
    .describe(
      'Against the decision deadline; a customer sees pending until it is overdue (due_soon is the QA reminder)',
    ),
  receivedAt: z.string(),
  receivedAtJalali: jalali,
  acknowledgedAt: z.string().nullable(),
  deadlines: z.object({
    acknowledgeDueAt: z.string().describe("End of the next business day on the vendor's office calendar"),
    acknowledgeDueAtJalali: jalali,
    reminderAt: z
      .string()
      .nullable()
      .describe("When QA is reminded of the decision; null for customers (the staff's own timer)"),
    decisionDueAt: z.string().describe('7 × 24 hours after receipt'),
    decisionDueAtJalali: jalali,
    filingWindowClosedAt: z.string().describe('When the window for the earliest cited failure closed'),
  }),
  outageIds: z.array(z.uuid()),
  ticketIds: z.array(z.uuid()),
  computation: z
    .object({
      month: z.string(),
      periodStart: z.string(),
      periodEnd: z.string(),
      periodMinutes: z.number(),
      downtimeMinutes: z.number(),
      availabilityPercent: z.number(),
      creditTable: z.string().nullable(),
      monthCreditPercent: z.number().nullable().describe("The tier the month's claimed downtime reaches"),
      earlierCreditPercent: z.number().describe('Credit earlier claims of this contract for the month carry'),
      outages: z.array(
        z.object({
          id: z.uuid(),
          cause: z.enum(OUTAGE_CAUSES),
          role: z.enum(['cited', 'cited_earlier', 'not_cited']),
          counted: z.boolean(),
          exclusion: z.enum(EXCLUSIONS).nullable(),
          minutesInPeriod: z.number(),
        }),
      ),
    })
    .nullable()
    .describe("Availability claims: the (first) month's computation"),
  months: z
    .array(
      z.object({
        month: z.string(),
        periodMinutes: z.number(),
        downtimeMinutes: z.number(),
        availabilityPercent: z.number(),
        monthCreditPercent: z.number().nullable(),
        earlierCreditPercent: z.number(),
        creditPercent: z.number().nullable().describe('What this claim earns in the month'),
        creditAmountRials: rials.nullable(),
      }),
    )
    .describe(
      'Availability claims: every Jalali month the cited outages touch, each assessed on its own (an outage across a month boundary counts in both)',
    ),
  tickets: z
    .array(z.object({ id: z.uuid(), subject: z.string(), breachedAt: z.string() }))
    .describe('Support-timing claims: the breached tickets cited'),
  computedCredit: z.object({
    percent: z.number().nullable().describe('null when QA sets the credit'),
    amountRials: rials.nullable(),
    monthlySubscriptionRials: rials,
  }),
  decision: z
    .object({
      outcome: z.enum(['approved', 'rejected']),
      decidedAt: z.string(),
      decidedAtJalali: jalali,
      decidedBy: actorResponse,
      late: z.boolean(),
      creditPercent: z.number().nullable(),
      creditAmountRials: rials.nullable(),
      adjusted: z.boolean(),
      justification: z.string().nullable(),
      rejectionReason: z.string().nullable(),
    })
    .nullable(),
  creditNote: z
    .object({ id: z.uuid(), percent: z.number(), amountRials: rials, appliesToMonth: z.string() })
    .nullable(),
  creditLines: z
    .array(
      z.object({
        earnedMonth: z.string(),
        downtimeMinutes: z.number(),
        availabilityPercent: z.number(),
        percent: z.number(),
        amountRials: rials,
        appliesToMonth: z.string().describe('The Jalali month whose invoice takes the line'),
      }),
    )
    .describe('An approved credit, one line per month it was earned in'),
  outageCorrections: z
    .array(
      z.object({
        correctionId: z.uuid(),
        outageId: z.uuid(),
        at: z.string(),
        reason: z.string(),
        voided: z.boolean(),
        reassessed: z.boolean().describe('false when the claim was decided before the correction: its decision stands'),
      }),
    )
    .describe('Corrections of the cited outages since the claim was filed'),
});
export type ClaimResponse = z.infer<typeof claimResponse>;

export function presentClaim(row: ClaimRow, nowMs: number, nameOf: (actor: string | null) => Actor): ClaimResponse {
  const computation = computationOf(row);
  const { availability, deadlines } = computation;
  const decided = row.status === 'approved' || row.status === 'rejected';
  return {
    id: row.id,
    customerId: row.customerId,
    productId: row.productId,
    contractId: row.contractId,
    policyKey: computation.policyKey,
    kind: computation.kind,
    note: row.note,
    status: row.status,
    dueState: dueStateOf(row, nowMs),
    receivedAt: iso(row.receivedAt),
    receivedAtJalali: formatJalali(row.receivedAt.getTime()),
    acknowledgedAt: isoOrNull(row.acknowledgedAt),
    // The row's deadlines, not the computation's: a calendar correction moves them (syncClaim).
    deadlines: {
      acknowledgeDueAt: iso(row.acknowledgeDueAt),
      acknowledgeDueAtJalali: formatJalali(row.acknowledgeDueAt.getTime()),
      reminderAt: iso(deadlines.reminderAtMs),
      decisionDueAt: iso(row.decisionDueAt),
      decisionDueAtJalali: formatJalali(row.decisionDueAt.getTime()),
      filingWindowClosedAt: iso(computation.filingClosesAtMs),
    },
    outageIds: row.outages.map((o) => o.outageId),
    ticketIds: row.tickets.map((t) => t.ticketId),
    computation: availability && {
      month: availability.month,
      periodStart: iso(availability.periodStartMs),
      periodEnd: iso(availability.periodEndMs),
      periodMinutes: availability.periodMinutes,
      downtimeMinutes: availability.downtimeMinutes,
      availabilityPercent: availability.availabilityPercent,
      creditTable: availability.creditTable,
      monthCreditPercent: availability.monthCreditPercent,
      earlierCreditPercent: availability.earlierCreditPercent,
      outages: availability.outages.map(({ id, cause, role, counted, exclusion, minutesInPeriod }) => ({
        id,
        cause,
        role,
        counted,
        exclusion,
        minutesInPeriod,
      })),
    },
    months: monthsOf(computation).map((m) => ({
      month: m.month,
      periodMinutes: m.periodMinutes,
      downtimeMinutes: m.downtimeMinutes,
      availabilityPercent: m.availabilityPercent,
      monthCreditPercent: m.monthCreditPercent,
      earlierCreditPercent: m.earlierCreditPercent,
      creditPercent: m.creditPercent,
      creditAmountRials: m.creditAmountRials === null ? null : String(m.creditAmountRials),
    })),
    tickets: computation.tickets.map((t) => ({ id: t.id, subject: t.subject, breachedAt: iso(t.breachedAtMs) })),
    computedCredit: {
      percent: computation.computed.percent,
      amountRials: computation.computed.amountRials === null ? null : String(computation.computed.amountRials),
      monthlySubscriptionRials: String(computation.computed.monthlyFeeRials),
    },
    decision:
      decided && row.decidedAt
        ? {
            outcome: row.status as 'approved' | 'rejected',
            decidedAt: iso(row.decidedAt),
            decidedAtJalali: formatJalali(row.decidedAt.getTime()),
            decidedBy: nameOf(row.decidedBy),
            late: row.decidedAt.getTime() > row.decisionDueAt.getTime(),
            creditPercent: row.creditPercent,
            creditAmountRials: row.creditAmountRials === null ? null : String(row.creditAmountRials),
            adjusted: row.justification !== null,
            justification: row.justification,
            rejectionReason: row.rejectionReason,
          }
        : null,
    outageCorrections: (computation.corrections ?? []).map(({ atMs, ...note }) => ({ ...note, at: iso(atMs) })),
    creditNote: row.creditNote && {
      id: row.creditNote.id,
      percent: row.creditNote.percent,
      amountRials: String(row.creditNote.amountRials),
      appliesToMonth: row.creditNote.appliesToMonth,
    },
    creditLines: row.creditLines.map((line) => ({
      earnedMonth: line.earnedMonth,
      downtimeMinutes: line.downtimeMinutes,
      availabilityPercent: line.availabilityPercent,
      percent: line.percent,
      amountRials: String(line.amountRials),
      appliesToMonth: line.appliesToMonth,
    })),
  };
}

/** A claim the principal may see; another customer's is "not found", so ids cannot be probed. */
export async function getClaimOrThrow(deps: AppDeps, id: string, principal: Principal): Promise<ClaimRow> {
  const row = await deps.db.claim.findUnique({ where: { id }, include: claimInclude });
  if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId))
    throw ApiError.notFound('claim', id);
  await assertInWorkScope(deps.db, principal, row.productId, 'claim', id);
  return row;
}

export function factsOf(computation: ClaimComputation): ClaimFacts {
  return {
    kind: computation.kind,
    month: computation.availability?.month ?? null,
    downtimeMinutes: computation.availability?.downtimeMinutes ?? null,
    availabilityPercent: computation.availability?.availabilityPercent ?? null,
    computed: computation.computed,
  };
}

/** The workflow input for a stored claim: its plan's claim policy and calendar as they are now. */
export async function claimWorkflowInput(deps: AppDeps, row: Claim, receivedBy: string): Promise<ClaimWorkflowInput> {
  const computation = computationOf(row);
  const policy = await loadDefinition(deps.db, 'claim', computation.policyKey);
  if (!policy)
    throw new ApiError('unprocessable', `the plan "${computation.policyKey}" has no claim policy`, {
      reason: 'plan_excludes_claims',
    });
  return {
    claimId: row.id,
    receivedAtMs: row.receivedAt.getTime(),
    receivedBy,
    policy,
    calendars: await loadCalendarSpecs(deps.db, [policy.initialResponse.calendar]),
    facts: factsOf(computation),
  };
}
