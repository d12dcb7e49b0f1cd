/**
 * Filing a compensation claim: what it cites (outages, a period, or breached tickets), whether a
 * contract covers it and its window is still open, what it is worth, and the row and workflow
 * that carry it. Every refusal names its reason.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Claim, Outage } from '../generated/prisma/client';
import { checkEligibility } from '../store/eligibility';
import { loadCalendarSpecs, loadDefinition } from '../store/sla-config';
import { compileCalendar } from '../sla/calendar';
import { assessAvailabilityClaim, monthlySubscriptionRials, type ClaimAssessment } from '../sla/claim-assessment';
import { claimMonths, computedCreditOverMonths } from '../sla/claim-months';
import { claimDeadlines, claimFilingDeadline } from '../sla/claims';
import { creditTables } from '../sla/credit-tables';
import { formatJalaliMonth, jalaliMonthSpan, parseJalaliMonth, type JalaliMonth } from '../sla/jalali-month';
import { concernsCustomer } from '../sla/outages';
import type { ClaimPolicy } from '../sla/policy';
import * as claim from '../workflows/claim';
import type { Principal } from './auth';
import {
  claimInclude,
  claimWorkflowInput,
  computationOf,
  monthsOf,
  type ClaimComputation,
  type ClaimRow,
} from './claim-records';
import type { AppDeps } from './deps';
import { ApiError } from './errors';
import { outagesTouching, recordedOutage } from './outage-rows';
import { refusal, startOnce } from './services/workflow-command';
import { isoInstant } from './schemas/common';
import { text } from './text';

const ids = z.array(z.uuid()).min(1).max(50);

export const createClaimBody = z
  .strictObject({
    customerId: z
      .uuid()
      .optional()
      .describe('Staff filing for a customer (e.g. after a phone call) name it; a customer key files for itself'),
    productId: z.uuid(),
    contractId: z
      .uuid()
      .optional()
      .describe('The contract the claim is under; the one covering the failure by default'),
    outageIds: ids.optional().describe('The outages claimed'),
    period: z
      .strictObject({ start: isoInstant, end: isoInstant })
      .refine((p) => Date.parse(p.end) > Date.parse(p.start), { message: 'must be after start', path: ['end'] })
      .optional()
      .describe('Claim every ended outage concerning you in this period that your contract has not claimed yet'),
    ticketIds: ids.optional().describe('Support-timing claims: the breached tickets claimed'),
    note: text(2000).optional(),
  })
  .refine((b) => [b.outageIds, b.period, b.ticketIds].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of outageIds, period and ticketIds',
    path: ['outageIds'],
  });
export type CreateClaimBody = z.infer<typeof createClaimBody>;

const unprocessable = (reason: string, message: string, field?: string) =>
  new ApiError('unprocessable', message, { reason, ...(field && { invalidFields: [{ field, reason: message }] }) });

/** What the claim cites, and when the earliest of those failures ended (its window closes first). */
type Cited =
  | { kind: 'availability'; outages: Outage[]; endedAtMs: number }
  | { kind: 'support_timing'; tickets: { id: string; subject: string; breachedAtMs: number }[]; endedAtMs: number };

async function citedOutages(deps: AppDeps, customerId: string, body: CreateClaimBody): Promise<Cited> {
  let rows: Outage[];
  if (body.outageIds) {
    const wanted = [...new Set(body.outageIds)];
    rows = await deps.db.outage.findMany({
      where: { id: { in: wanted }, productId: body.productId, voidedAt: null },
      orderBy: { startedAt: 'asc' },
    });
    const unknown = wanted.filter(
      (id) => !rows.some((row) => row.id === id && concernsCustomer(recordedOutage(row), customerId)),
    );
    if (unknown.length > 0)
      throw unprocessable(
        'unknown_outage',
        `no outage ${unknown.join(', ')} of this product concerns you`,
        'body.outageIds',
      );
    const ongoing = rows.filter((row) => row.endedAt === null);
    if (ongoing.length > 0)
      throw unprocessable(
        'outage_ongoing',
        `outage ${ongoing.map((r) => r.id).join(', ')} is still going on: claim it once it has ended`,
        'body.outageIds',
      );
  } else {
    const period = body.period!;
    rows = (
      await outagesTouching(deps.db, body.productId, Date.parse(period.start), Date.parse(period.end), customerId)
    ).filter((row) => row.endedAt !== null);
  }
  return { kind: 'availability', outages: rows, endedAtMs: Math.min(...rows.map((row) => row.endedAt!.getTime())) };
}

/** A ticket's failure is its latest breach: a breached target or a breach escalation. */
async function citedTickets(deps: AppDeps, customerId: string, body: CreateClaimBody): Promise<Cited> {
  const wanted = [...new Set(body.ticketIds!)];
  const rows = await deps.db.ticket.findMany({
    where: { id: { in: wanted }, customerId, productId: body.productId },
    include: { outcomes: { where: { met: false } }, escalations: { where: { kind: 'breach' } } },
  });
  const unknown = wanted.filter((id) => !rows.some((row) => row.id === id));
  if (unknown.length > 0)
    throw unprocessable(
      'unknown_ticket',
      `no ticket ${unknown.join(', ')} of yours is on this product`,
      'body.ticketIds',
    );
  const tickets = rows.map((row) => {
    const breaches = [
      ...row.outcomes.map((o) => o.breachedAt ?? o.dueAt),
      ...row.escalations.map((e) => e.dueAt),
    ].filter((d): d is Date => d !== null);
    return { id: row.id, subject: row.subject, breachedAtMs: Math.max(...breaches.map((d) => d.getTime())) };
  });
  const unbreached = tickets.filter((t) => !Number.isFinite(t.breachedAtMs));
  if (unbreached.length > 0)
    throw unprocessable(
      'ticket_not_breached',
      `ticket ${unbreached.map((t) => t.id).join(', ')} has not breached a target`,
      'body.ticketIds',
    );
  return { kind: 'support_timing', tickets, endedAtMs: Math.min(...tickets.map((t) => t.breachedAtMs)) };
}

/** Refuses outages the contract claimed before (409); a period claim just leaves them out. */
async function withoutEarlierClaims(
  deps: AppDeps,
  contractId: string,
  cited: Cited,
  explicit: boolean,
): Promise<Cited> {
  if (cited.kind === 'availability') {
    const taken = await deps.db.claimOutage.findMany({
      where: { contractId, outageId: { in: cited.outages.map((o) => o.id) } },
    });
    if (taken.length === 0) return cited;
    if (explicit) {
      const list = taken.map((t) => `outage ${t.outageId} (claim ${t.claimId})`).join(', ');
      throw new ApiError('conflict', `this contract already claimed ${list}`, { reason: 'already_claimed' });
    }
    const outages = cited.outages.filter((o) => !taken.some((t) => t.outageId === o.id));
    return { ...cited, outages };
  }
  const taken = await deps.db.claimTicket.findMany({
    where: { ticketId: { in: cited.tickets.map((t) => t.id) }, claim: { contractId } },
  });
  if (taken.length > 0) {
    const list = taken.map((t) => `ticket ${t.ticketId} (claim ${t.claimId})`).join(', ');
    throw new ApiError('conflict', `this contract already claimed ${list}`, { reason: 'already_claimed' });
  }
  return cited;
}

/**
 * What the claim is worth in each Jalali month its outages touch (rule 8): each month is assessed
 * on its own, counting the outages this contract cited in earlier claims for that month and
 * subtracting the credit those claims carry for it.
 */
async function assess(
  deps: AppDeps,
  input: {
    customerId: string;
    productId: string;
    contractId: string;
    outages: Outage[];
    policy: ClaimPolicy;
    monthlyFeeRials: number;
    nowMs: number;
    /** Judging a filed claim again: it is not its own earlier claim, nor are claims received after it. */
    reassessing?: { claimId: string; receivedAtMs: number };
    /** The months to assess; by default those the outages touch. */
    months?: JalaliMonth[];
  },
): Promise<ClaimAssessment[]> {
  const months =
    input.months ??
    claimMonths(
      input.outages.map((o) => ({
        startMs: o.startedAt.getTime(),
        endMs: (o.endedAt ?? new Date(input.nowMs)).getTime(),
      })),
    );
  const { reassessing } = input;
  const earlierClaims = await deps.db.claim.findMany({
    where: {
      contractId: input.contractId,
      kind: 'availability',
      status: { not: 'rejected' },
      ...(reassessing && { id: { not: reassessing.claimId }, receivedAt: { lt: new Date(reassessing.receivedAtMs) } }),
    },
    include: { outages: true },
  });
  const assessments: ClaimAssessment[] = [];
  for (const month of months) {
    const label = formatJalaliMonth(month);
    const { startMs, endMs } = jalaliMonthSpan(month);
    const earlier = earlierClaims.flatMap((row) => {
      const months = monthsOf(computationOf(row));
      const line = months.find((m) => m.month === label);
      if (!line) return [];
      // A single-month claim keeps QA's decided credit; a month of a longer claim, its own tier.
      const percent = months.length === 1 && row.status === 'approved' ? row.creditPercent : line.creditPercent;
      return [{ outageIds: row.outages.map((o) => o.outageId), percent: percent ?? 0 }];
    });
    assessments.push(
      assessAvailabilityClaim({
        month,
        outages: (await outagesTouching(deps.db, input.productId, startMs, endMs, input.customerId)).map(
          recordedOutage,
        ),
        citedIds: input.outages.map((o) => o.id),
        earlierCitedIds: earlier.flatMap((e) => e.outageIds),
        earlierCreditPercent: earlier.reduce((sum, e) => sum + e.percent, 0),
        creditTable: input.policy.creditTable ? creditTables[input.policy.creditTable] : null,
        monthlyFeeRials: input.monthlyFeeRials,
        asOfMs: input.nowMs,
      }),
    );
  }
  return assessments;
}

/**
 * An open availability claim judged again on its outages as corrected (POST
 * /v1/outages/:id/corrections): the months its cited outages touch now, so a correction that
 * moves an outage across a Jalali month boundary moves the claim's months with it. When every
 * cited outage was voided, the claim keeps its months and is worth nothing.
 */
export async function reassessedComputation(deps: AppDeps, row: Claim, nowMs: number): Promise<ClaimComputation> {
  const computation = computationOf(row);
  const policy =
    computation.kind === 'availability' ? await loadDefinition(deps.db, 'claim', computation.policyKey) : null;
  if (!policy) return computation;
  const cited = await deps.db.outage.findMany({
    where: { claims: { some: { claimId: row.id } }, voidedAt: null },
    orderBy: { startedAt: 'asc' },
  });
  const { monthlyFeeRials } = computation.computed;
  const months = await assess(deps, {
    customerId: row.customerId,
    productId: row.productId,
    contractId: row.contractId,
    outages: cited,
    policy,
    monthlyFeeRials,
    nowMs,
    reassessing: { claimId: row.id, receivedAtMs: row.receivedAt.getTime() },
    ...(cited.length === 0 && { months: monthsOf(computation).map((m) => parseJalaliMonth(m.month)!) }),
  });
  return { ...computation, availability: months[0] ?? null, months, computed: creditOver(months, monthlyFeeRials) };
}

function creditOver(months: ClaimAssessment[], monthlyFeeRials: number): ClaimComputation['computed'] {
  return months.length > 1
    ? computedCreditOverMonths(months, monthlyFeeRials)
    : { percent: months[0]?.creditPercent ?? null, amountRials: months[0]?.creditAmountRials ?? null, monthlyFeeRials };
}

export type Filed = { row: ClaimRow; replayed: boolean };

/** Files the claim, or answers the first one for a retry with the same Idempotency-Key. */
export async function fileClaim(
  deps: AppDeps,
  principal: Principal,
  customerId: string,
  body: CreateClaimBody,
  idempotencyKey: string | undefined,
): Promise<Filed> {
  const actor = `${principal.role}:${principal.keyId}`;
  const replay = async (existing: Claim): Promise<Filed> => {
    if (existing.productId !== body.productId) {
      throw new ApiError('conflict', 'this Idempotency-Key was used for a different claim', {
        reason: 'idempotency_key_reused',
      });
    }
    return { row: await started(deps, existing, actor), replayed: true };
  };
  const byKey = () =>
    deps.db.claim.findUnique({ where: { customerId_idempotencyKey: { customerId, idempotencyKey: idempotencyKey! } } });
  if (idempotencyKey) {
    const existing = await byKey();
    if (existing) return replay(existing);
  }
  if (!(await deps.db.customer.findUnique({ where: { id: customerId } })))
    throw unprocessable('unknown_customer', `customer ${customerId} does not exist`, 'body.customerId');
  if (!(await deps.db.product.findUnique({ where: { id: body.productId } })))
    throw unprocessable('unknown_product', `product ${body.productId} does not exist`, 'body.productId');

  const nowMs = Date.now();
  const { cited, contractId, policyKey } = await admissible(deps, customerId, body, nowMs);
  const computation = await judge(deps, { customerId, body, cited, contractId, policyKey, nowMs });
  const id = randomUUID();
  try {
    await deps.db.$transaction([
      deps.db.claim.create({
        data: {
          id,
          customerId,
          productId: body.productId,
          contractId,
          kind: cited.kind,
          note: body.note ?? null,
          receivedAt: new Date(nowMs),
          acknowledgeDueAt: new Date(computation.deadlines.acknowledgeDueAtMs),
          decisionDueAt: new Date(computation.deadlines.decisionDueAtMs),
          computation: computation as never,
          workflowId: `claim-${id}`,
          idempotencyKey: idempotencyKey ?? null,
        },
      }),
      deps.db.claimOutage.createMany({
        data:
          cited.kind === 'availability' ? cited.outages.map((o) => ({ claimId: id, outageId: o.id, contractId })) : [],
      }),
      deps.db.claimTicket.createMany({
        data: cited.kind === 'support_timing' ? cited.tickets.map((t) => ({ claimId: id, ticketId: t.id })) : [],
      }),
    ]);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'P2002') throw error;
    // A concurrent retry with the same key won, or a concurrent claim took one of the outages.
    const existing = idempotencyKey ? await byKey() : null;
    if (existing) return replay(existing);
    throw new ApiError('conflict', 'this contract claimed one of these outages a moment ago', {
      reason: 'already_claimed',
    });
  }
  return { row: await started(deps, await deps.db.claim.findUniqueOrThrow({ where: { id } }), actor), replayed: false };
}

/** What the claim cites, once a contract is found that covers it in time and has not claimed it yet. */
async function admissible(deps: AppDeps, customerId: string, body: CreateClaimBody, nowMs: number) {
  const found = body.ticketIds
    ? await citedTickets(deps, customerId, body)
    : await citedOutages(deps, customerId, body);
  if (found.kind === 'availability' && found.outages.length === 0) {
    throw unprocessable('nothing_to_claim', 'no ended outage concerning you falls in that period', 'body.period');
  }
  const eligibility = await checkEligibility(deps.db, {
    kind: 'claim',
    customerId,
    productId: body.productId,
    nowMs,
    outageEndedAtMs: found.endedAtMs,
  });
  if (!eligibility.ok) throw refusal(eligibility);
  if (body.contractId && body.contractId !== eligibility.contract.id) {
    throw unprocessable(
      'contract_mismatch',
      `contract ${body.contractId} does not cover this claim; contract ${eligibility.contract.id} does`,
      'body.contractId',
    );
  }
  const cited = await withoutEarlierClaims(deps, eligibility.contract.id, found, body.period === undefined);
  if (cited.kind === 'availability' && cited.outages.length === 0) {
    throw new ApiError('conflict', 'this contract already claimed every outage in that period', {
      reason: 'already_claimed',
    });
  }
  return { cited, contractId: eligibility.contract.id, policyKey: eligibility.policyKey };
}

/** The deadlines and, for availability claims, the month's computation under the plan's terms. */
async function judge(
  deps: AppDeps,
  input: {
    customerId: string;
    body: CreateClaimBody;
    cited: Cited;
    contractId: string;
    policyKey: string;
    nowMs: number;
  },
): Promise<ClaimComputation> {
  const { cited, nowMs } = input;
  const policy = await loadDefinition(deps.db, 'claim', input.policyKey);
  if (!policy) throw unprocessable('plan_excludes_claims', `the plan "${input.policyKey}" has no compensation claims`);
  const calendars = new Map(
    (await loadCalendarSpecs(deps.db, [policy.initialResponse.calendar])).map((spec) => [
      spec.key,
      compileCalendar(spec),
    ]),
  );
  const contract = await deps.db.contract.findUniqueOrThrow({ where: { id: input.contractId } });
  const monthlyFeeRials = monthlySubscriptionRials(contract.priceRials);
  const months =
    cited.kind === 'availability'
      ? await assess(deps, {
          customerId: input.customerId,
          productId: input.body.productId,
          contractId: contract.id,
          outages: cited.outages,
          policy,
          monthlyFeeRials,
          nowMs,
        })
      : [];
  return {
    kind: cited.kind,
    policyKey: input.policyKey,
    availability: months[0] ?? null,
    months,
    tickets: cited.kind === 'support_timing' ? cited.tickets : [],
    deadlines: claimDeadlines(nowMs, policy, (key) => calendars.get(key)!),
    filingClosesAtMs: claimFilingDeadline(cited.endedAtMs, policy),
    computed: creditOver(months, monthlyFeeRials),
  };
}

/** Starts a stored claim's workflow unless it runs or ran (a retry after a crash between the two, or recovery). */
export async function startClaimWorkflow(deps: AppDeps, row: Claim, actor: string): Promise<boolean> {
  const input = await claimWorkflowInput(deps, row, actor);
  return startOnce(deps.temporal, claim.claimWorkflow, {
    workflowId: row.workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [input],
  });
}

async function started(deps: AppDeps, row: Claim, actor: string): Promise<ClaimRow> {
  await startClaimWorkflow(deps, row, actor);
  return deps.db.claim.findUniqueOrThrow({ where: { id: row.id }, include: claimInclude });
}
