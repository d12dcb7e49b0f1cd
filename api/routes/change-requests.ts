import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { loadCalendarSpecs, loadDefinition } from '../../store/sla-config';
import { compileCalendar } from '../../sla/calendar';
import { changeRequestDeadlines, delayDays, reviewDeadline, type Deadline } from '../../sla/change-request-clock';
import { formatJalali } from '../../sla/jalali';
import type { ChangeRequestPolicy } from '../../sla/policy';
import * as cr from '../../workflows/change-request';
import { actingCustomerId, type Principal } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import {
  IDEMPOTENT_COMMAND,
  IDEMPOTENT_CREATION,
  idempotencyKeyOf,
  line,
  requestingCustomer,
  requireEligible,
  text,
} from '../requests';
import { defineRoute, idParams, Reply, type HandlerContext } from '../route';
import { dateColumn, dateOf, isoInstant, isoDate, rials, rialsOut } from '../schemas/common';
import { neverStarted, RECOVERY_ACTOR } from '../unstarted';
import {
  actorNames,
  actorResponse,
  assertInWorkScope,
  inWorkScope,
  presentTimeline,
  timelineEvent,
} from '../visibility';
import {
  commandStartingIfNeeded,
  commandTarget,
  runCommand,
  startOnce,
  type CommandTarget,
} from '../services/workflow-command';
import { asJson } from '../../platform/database';
import {
  attachmentsColumn,
  changeRequestDeadlinesColumn,
  logUnreadable,
  readableRows,
  readColumn,
} from '../../store/json-columns';
import { iso, isoOrNull } from '../../sla/iso';

const STATUSES = [
  'in_review',
  'rejected',
  'quoted',
  'declined',
  'expired',
  'approved',
  'delivered',
  'fixing',
  'accepted',
  'cancelled',
] as const;
const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;
/** The product-analysis team and those above it. */
const VENDOR = ['agent', 'manager', 'admin'] as const;
/** The customer's own decisions; staff may record one received in writing on the customer's behalf. */
const CUSTOMER_SIDE = ['customer', 'agent', 'manager', 'admin'] as const;

const futureInstant = isoInstant.refine((value) => Date.parse(value) > Date.now(), 'must be in the future');
const note = text(2000).optional();
const attachmentLink = z.url({ protocol: /^https?$/, error: 'must be an http(s) link' });

const createBody = z.strictObject({
  customerId: z.uuid().optional(),
  productId: z.uuid(),
  title: line(200),
  description: text(20_000),
  desiredDate: isoDate.optional(),
  attachments: z.array(attachmentLink).max(20, 'at most 20 links').default([]),
});

const reviewBody = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('reject'), reason: text(2000) }),
  z.strictObject({
    decision: z.literal('quote'),
    costRials: rials,
    effortHours: z
      .number()
      .min(1 / 60, 'must be at least a minute (1/60 hour)')
      .max(10_000),
    proposedDeliveryAt: futureInstant,
    validDays: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .describe("days the quote stays valid; the plan's default when absent"),
  }),
]);

const delayBody = z
  .strictObject({ startsAt: isoInstant, endsAt: isoInstant, note })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });

const instant = z.string().nullable();

const deadlineResponse = z.object({
  name: z.enum(['review', 'quote_expiry', 'delivery', 'acceptance', 'fix']),
  cycle: z.number().int(),
  owedBy: z.enum(['vendor', 'customer']),
  state: z.enum(['running', 'met', 'missed', 'void']),
  dueAt: z.string(),
  dueAtJalali: z.string(),
  completedAt: instant,
});

const summaryResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  productId: z.uuid(),
  contractId: z.uuid(),
  policyKey: z.string(),
  title: z.string(),
  desiredDate: z.string().nullable(),
  status: z.enum(STATUSES),
  reviewRank: z.number().int().describe('lower ranks are reviewed first (the support contract sets it)'),
  quote: z
    .object({
      costRials: rialsOut,
      effortMinutes: z.number().int(),
      expiresAt: z.string(),
      expiresAtJalali: z.string(),
      proposedDeliveryAt: instant.describe('given on a single request; null in lists'),
    })
    .nullable(),
  committedDeliveryAt: instant,
  deliveryDueAt: instant.describe('the committed date pushed back a day for each day of customer delay'),
  deliveredAt: instant,
  acceptedAt: instant,
  acceptedBySilence: z.boolean(),
  deadlines: z.array(deadlineResponse),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const changeRequestResponse = summaryResponse.extend({
  description: z.string(),
  attachments: z.array(z.string()),
  delays: z.array(
    z.object({
      id: z.uuid(),
      startsAt: z.string(),
      endsAt: z.string(),
      days: z.number().int(),
      recordedBy: actorResponse,
      note: z.string().nullable(),
    }),
  ),
  invoice: z
    .object({
      id: z.uuid(),
      quotedRials: rialsOut,
      includedMinutesUsed: z.number().int(),
      billedMinutes: z.number().int(),
      amountRials: rialsOut,
      createdAt: z.string(),
    })
    .nullable(),
  timeline: z.array(timelineEvent).describe('a customer sees what is addressed to it: no internal escalations'),
});
type ChangeRequestResponse = z.infer<typeof changeRequestResponse>;

const withContract = { contract: { include: { policy: { select: { key: true } } } } } as const;
const withDetail = {
  ...withContract,
  events: { orderBy: { sequence: 'asc' } },
  delays: { orderBy: { startsAt: 'asc' } },
  invoice: true,
} as const satisfies Prisma.ChangeRequestInclude;
type SummaryRow = Prisma.ChangeRequestGetPayload<{ include: typeof withContract }>;
type DetailRow = Prisma.ChangeRequestGetPayload<{ include: typeof withDetail }>;

function presentSummary(row: SummaryRow, proposedDeliveryAtMs: number | null = null): z.infer<typeof summaryResponse> {
  const deadlines = readColumn(changeRequestDeadlinesColumn, row.deadlines, {
    table: 'change request',
    id: row.id,
    column: 'deadlines',
  });
  return {
    id: row.id,
    customerId: row.customerId,
    productId: row.productId,
    contractId: row.contractId,
    policyKey: row.contract.policy.key,
    title: row.title,
    desiredDate: row.desiredDate && dateOf(row.desiredDate),
    status: row.status,
    reviewRank: row.reviewRank,
    quote:
      row.costRials === null || row.effortMinutes === null || row.quoteExpiresAt === null
        ? null
        : {
            costRials: row.costRials.toString(),
            effortMinutes: row.effortMinutes,
            expiresAt: iso(row.quoteExpiresAt),
            expiresAtJalali: formatJalali(row.quoteExpiresAt.getTime()),
            proposedDeliveryAt: isoOrNull(proposedDeliveryAtMs),
          },
    committedDeliveryAt: isoOrNull(row.committedDeliveryAt),
    deliveryDueAt: isoOrNull(deadlines.find((d) => d.name === 'delivery')?.dueAtMs),
    deliveredAt: isoOrNull(row.deliveredAt),
    acceptedAt: isoOrNull(row.acceptedAt),
    acceptedBySilence: row.acceptedBySilence,
    deadlines: deadlines.map((d) => ({
      name: d.name,
      cycle: d.cycle,
      owedBy: d.owedBy,
      state: d.state,
      dueAt: iso(d.dueAtMs),
      dueAtJalali: formatJalali(d.dueAtMs),
      completedAt: isoOrNull(d.completedAtMs),
    })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * The request as its workflow last recorded it: the workflow writes the row and the timeline
 * before each step returns and when each deadline fires, so this is current without asking it.
 */
async function present(db: AppDeps['db'], principal: Principal, row: DetailRow): Promise<ChangeRequestResponse> {
  const nameOf = await actorNames(
    db,
    row.delays.map((d) => d.recordedBy),
  );
  const quoted = [...row.events].reverse().find((e) => e.type === 'quoted')?.data as
    { proposedDeliveryAtMs?: number } | undefined;
  return {
    ...presentSummary(row, quoted?.proposedDeliveryAtMs ?? null),
    description: row.description,
    attachments: readColumn(attachmentsColumn, row.attachments, {
      table: 'change request',
      id: row.id,
      column: 'attachments',
    }),
    delays: row.delays.map((d) => ({
      id: d.id,
      startsAt: iso(d.startsAt),
      endsAt: iso(d.endsAt),
      days: delayDays([{ startMs: d.startsAt.getTime(), endMs: d.endsAt.getTime() }]),
      recordedBy: nameOf(d.recordedBy),
      note: d.note,
    })),
    invoice: row.invoice && {
      id: row.invoice.id,
      quotedRials: row.invoice.quotedRials.toString(),
      includedMinutesUsed: row.invoice.includedMinutesUsed,
      billedMinutes: row.invoice.billedMinutes,
      amountRials: row.invoice.amountRials.toString(),
      createdAt: iso(row.invoice.createdAt),
    },
    timeline: await presentTimeline(db, principal, 'changeRequest', row.events),
  };
}

/** A request the principal may see; anyone else's is "not found", so ids cannot be probed. */
async function getOrThrow(deps: AppDeps, id: string, principal: Principal): Promise<DetailRow> {
  const row = await deps.db.changeRequest.findUnique({ where: { id }, include: withDetail });
  if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId))
    throw ApiError.notFound('change request', id);
  await assertInWorkScope(deps.db, principal, row.productId, 'change request', id);
  return row;
}

const reread = async (deps: AppDeps, principal: Principal, id: string) =>
  present(deps.db, principal, await deps.db.changeRequest.findUniqueOrThrow({ where: { id }, include: withDetail }));

const actorOf = (principal: Principal) => `${principal.role}:${principal.keyId}`;

/** The plan's change-request terms and the calendar its review deadline counts on. */
async function termsFor(deps: AppDeps, policyKey: string) {
  const policy = await loadDefinition(deps.db, 'change_request', policyKey);
  if (!policy)
    throw new ApiError('not_eligible', `the plan "${policyKey}" has no change-request terms`, {
      reason: 'unknown_policy',
    });
  return { policy, calendars: await loadCalendarSpecs(deps.db, [policy.reviewDeadline.calendar]) };
}

/** The deadlines a request starts with, computed by the same code the workflow runs. */
function openingDeadlines(
  policy: ChangeRequestPolicy,
  calendars: cr.ChangeRequestWorkflowInput['calendars'],
  openedAtMs: number,
): Deadline[] {
  const compiled = new Map(calendars.map((spec) => [spec.key, compileCalendar(spec)]));
  const reviewDueAtMs = reviewDeadline(policy, openedAtMs, (key) => compiled.get(key)!);
  return changeRequestDeadlines(
    {
      status: 'in_review',
      openedAtMs,
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
    },
    openedAtMs,
  );
}

/**
 * A step on one request: visibility check, then the workflow update. A step the workflow
 * refuses is a 409 naming the current state, also once the workflow has ended.
 */
function command<Body>(
  path: string,
  summary: string,
  roles: readonly (typeof EVERYONE)[number][],
  body: z.ZodType<Body>,
  send: (
    ctx: HandlerContext<{ id: string }, unknown, Body>,
    target: CommandTarget,
    actor: string,
  ) => Promise<cr.ChangeRequestView>,
) {
  return defineRoute({
    method: 'post',
    path: `/v1/change-requests/:id/${path}`,
    tag: 'change requests',
    summary,
    roles,
    params: idParams,
    body,
    errors: [409],
    idempotencyKey: IDEMPOTENT_COMMAND,
    response: changeRequestResponse,
    handler: async (ctx) => {
      const row = await getOrThrow(ctx.deps, ctx.params.id, ctx.principal);
      const target = commandTarget(
        ctx.deps.temporal.workflow.getHandle(row.workflowId),
        path,
        ctx.principal.keyId,
        idempotencyKeyOf(ctx.headers),
      );
      try {
        await commandStartingIfNeeded(
          () => send(ctx, target, actorOf(ctx.principal)),
          async () => {
            const unstarted = await ctx.deps.db.changeRequest.findFirst({
              where: { id: row.id, ...neverStarted.changeRequests() },
              select: { id: true },
            });
            if (unstarted) await startChangeRequestWorkflow(ctx.deps, unstarted.id, RECOVERY_ACTOR);
            return unstarted !== null;
          },
        );
      } catch (error) {
        if (error instanceof ApiError && error.extra.reason === 'closed') {
          const { status } = await ctx.deps.db.changeRequest.findUniqueOrThrow({
            where: { id: row.id },
            select: { status: true },
          });
          throw new ApiError('conflict', `cannot ${path.replace(/-/g, ' ')}: the change request is ${status}`, {
            reason: 'InvalidChangeRequestCommand',
          });
        }
        throw error;
      }
      return reread(ctx.deps, ctx.principal, row.id);
    },
  });
}

const listQuery = z.strictObject({
  queue: z
    .enum(['review'])
    .optional()
    .describe('review: requests awaiting feasibility review, by contract priority, then age'),
  status: z.enum(STATUSES).optional(),
  customerId: z.uuid().optional(),
  productId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional().describe('the last id of the previous page'),
});

export const changeRequestRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/change-requests',
    tag: 'change requests',
    summary:
      "Request a custom change (a customer for itself, or staff on a customer's behalf); feasibility review starts at once",
    roles: ['customer', 'agent', 'manager', 'admin'],
    body: createBody,
    status: 201,
    errors: [409, 422],
    idempotencyKey: IDEMPOTENT_CREATION,
    response: changeRequestResponse,
    handler: async ({ body, principal, headers, deps }) => {
      const customerId = requestingCustomer(principal, body.customerId, 'make a request');
      const idempotency = idempotencyKeyOf(headers);
      const byKey = { customerId_idempotencyKey: { customerId, idempotencyKey: idempotency ?? '' } };

      if (idempotency) {
        const existing = await deps.db.changeRequest.findUnique({ where: byKey, include: withContract });
        if (existing) return replay(deps, principal, existing, body);
      }
      const nowMs = Date.now();
      const eligibility = await requireEligible(deps.db, {
        kind: 'change_request',
        customerId,
        productId: body.productId,
        nowMs,
      });
      const { policy, calendars } = await termsFor(deps, eligibility.policyKey);

      const id = randomUUID();
      const data: Prisma.ChangeRequestUncheckedCreateInput = {
        id,
        customerId,
        productId: body.productId,
        contractId: eligibility.contract.id,
        title: body.title,
        description: body.description,
        desiredDate: body.desiredDate ? dateColumn(body.desiredDate) : null,
        attachments: body.attachments,
        reviewRank: policy.reviewRank,
        deadlines: asJson(openingDeadlines(policy, calendars, nowMs)),
        workflowId: `change-request-${id}`,
        idempotencyKey: idempotency ?? null,
        createdAt: new Date(nowMs),
      };
      let row: SummaryRow;
      try {
        row = await deps.db.changeRequest.create({ data, include: withContract });
      } catch (error) {
        // Two concurrent retries with one key: the loser answers with the winner's request.
        const existing =
          idempotency && (await deps.db.changeRequest.findUnique({ where: byKey, include: withContract }));
        if (existing) return replay(deps, principal, existing, body);
        throw error;
      }
      await start(deps, row, policy, calendars, actorOf(principal));
      return reread(deps, principal, row.id);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/change-requests',
    tag: 'change requests',
    summary:
      'List change requests, newest first (a customer sees only its own); queue=review gives the review queue in review order',
    roles: EVERYONE,
    query: listQuery,
    response: z.object({ items: z.array(summaryResponse), nextCursor: z.uuid().nullable() }),
    handler: async ({ query, principal, deps }) => {
      if (query.queue === 'review' && principal.role === 'customer') {
        throw new ApiError('forbidden', 'the review queue is for the product-analysis team');
      }
      const customerId = actingCustomerId(principal, query.customerId);
      const where: Prisma.ChangeRequestWhereInput = {
        ...inWorkScope(principal),
        ...(customerId && { customerId }),
        ...(query.productId && { productId: query.productId }),
        ...(query.status && { status: query.status }),
        ...(query.queue === 'review' && { status: 'in_review' }),
      };
      const orderBy: Prisma.ChangeRequestOrderByWithRelationInput[] =
        query.queue === 'review'
          ? [{ reviewRank: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }]
          : [{ createdAt: 'desc' }, { id: 'desc' }];
      const rows = await deps.db.changeRequest.findMany({
        where,
        orderBy,
        include: withContract,
        take: query.limit + 1,
        ...(query.cursor && { cursor: { id: query.cursor }, skip: 1 }),
      });
      const page = rows.slice(0, query.limit);
      return {
        items: readableRows(
          page,
          (row) => presentSummary(row),
          logUnreadable(deps.logger, 'a list of change requests'),
        ),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/change-requests/:id',
    tag: 'change requests',
    summary: 'A change request: its state, every deadline it has held and the timeline',
    roles: EVERYONE,
    params: idParams,
    response: changeRequestResponse,
    handler: async ({ params, principal, deps }) =>
      present(deps.db, principal, await getOrThrow(deps, params.id, principal)),
  }),
  command(
    'review',
    'Feasibility review: reject with a reason, or quote the cost, effort, proposed delivery date and validity',
    VENDOR,
    reviewBody,
    ({ body }, h, actor) =>
      runCommand(
        h,
        cr.review,
        body.decision === 'reject'
          ? { actor, decision: 'reject', reason: body.reason }
          : {
              actor,
              decision: 'quote',
              costRials: body.costRials.toString(),
              effortMinutes: Math.round(body.effortHours * 60),
              proposedDeliveryAtMs: Date.parse(body.proposedDeliveryAt),
              ...(body.validDays !== undefined && { validDays: body.validDays }),
            },
      ),
  ),
  command(
    'approve-quote',
    "Approve the quote (the customer's decision)",
    CUSTOMER_SIDE,
    z.strictObject({}),
    (_ctx, h, actor) => runCommand(h, cr.approveQuote, { actor }),
  ),
  command(
    'decline-quote',
    "Decline the quote (the customer's decision); the request closes",
    CUSTOMER_SIDE,
    z.strictObject({ reason: note }),
    ({ body }, h, actor) => runCommand(h, cr.declineQuote, { actor, ...(body.reason && { reason: body.reason }) }),
  ),
  command(
    'commit-delivery',
    'Commit to a delivery date after the quote was approved',
    VENDOR,
    z.strictObject({ deliverBy: futureInstant }),
    ({ body }, h, actor) => runCommand(h, cr.commitDelivery, { actor, deliverByMs: Date.parse(body.deliverBy) }),
  ),
  command(
    'record-delay',
    "Record a delay the customer caused; the vendor's open deadline moves back a day for each day of delay",
    VENDOR,
    delayBody,
    ({ body }, h, actor) =>
      runCommand(h, cr.recordDelay, {
        actor,
        startMs: Date.parse(body.startsAt),
        endMs: Date.parse(body.endsAt),
        ...(body.note && { note: body.note }),
      }),
  ),
  command(
    'deliver',
    'Deliver the change: the acceptance period starts',
    VENDOR,
    z.strictObject({ note }),
    ({ body }, h, actor) => runCommand(h, cr.deliver, { actor, ...(body.note && { note: body.note }) }),
  ),
  command(
    'accept',
    "Accept the delivered change (the customer's decision): the invoice is made",
    CUSTOMER_SIDE,
    z.strictObject({ note }),
    ({ body }, h, actor) => runCommand(h, cr.accept, { actor, ...(body.note && { note: body.note }) }),
  ),
  command(
    'list-defects',
    'List what was not done properly (the customer); the fix period starts',
    CUSTOMER_SIDE,
    z.strictObject({ defects: z.array(text(2000)).min(1, 'list at least one defect').max(50) }),
    ({ body }, h, actor) => runCommand(h, cr.listDefects, { actor, defects: body.defects }),
  ),
  command(
    'redeliver',
    'Deliver again after fixing the listed defects: the acceptance period starts again',
    VENDOR,
    z.strictObject({ note }),
    ({ body }, h, actor) => runCommand(h, cr.redeliver, { actor, ...(body.note && { note: body.note }) }),
  ),
  command(
    'cancel',
    'Cancel a request that has not been delivered, with the reason',
    CUSTOMER_SIDE,
    z.strictObject({ reason: text(2000) }),
    ({ body }, h, actor) => runCommand(h, cr.cancel, { actor, reason: body.reason }),
  ),
];

/** Starts a stored request's workflow unless it runs or ran (recovery after a failed start). */
export async function startChangeRequestWorkflow(deps: AppDeps, id: string, actor: string): Promise<boolean> {
  const row = await deps.db.changeRequest.findUniqueOrThrow({ where: { id }, include: withContract });
  const { policy, calendars } = await termsFor(deps, row.contract.policy.key);
  return start(deps, row, policy, calendars, actor);
}

async function start(
  deps: AppDeps,
  row: SummaryRow,
  policy: ChangeRequestPolicy,
  calendars: cr.ChangeRequestWorkflowInput['calendars'],
  openedBy: string,
): Promise<boolean> {
  const input: cr.ChangeRequestWorkflowInput = {
    changeRequestId: row.id,
    policy,
    calendars,
    openedAtMs: row.createdAt.getTime(),
    openedBy,
  };
  return startOnce(deps.temporal, cr.changeRequestWorkflow, {
    workflowId: row.workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [input],
  });
}

/**
 * A retry with a known Idempotency-Key: the same request, and its workflow started if the first
 * attempt stored the row but died before starting it. A different request under the same key is
 * a client error.
 */
async function replay(
  deps: AppDeps,
  principal: Principal,
  row: SummaryRow,
  body: z.infer<typeof createBody>,
): Promise<Reply<ChangeRequestResponse>> {
  if (row.productId !== body.productId || row.title !== body.title) {
    throw new ApiError('conflict', 'this Idempotency-Key was used for a different change request', {
      reason: 'idempotency_key_reused',
    });
  }
  const { policy, calendars } = await termsFor(deps, row.contract.policy.key);
  await start(deps, row, policy, calendars, actorOf(principal));
  return new Reply(200, await reread(deps, principal, row.id), { 'Idempotent-Replayed': 'true' });
}
