import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { EXCLUSIONS } from '../../sla/outages';
import * as claim from '../../workflows/claim';
import { actingCustomerId, type Principal } from '../auth';
import { IDEMPOTENT_COMMAND, IDEMPOTENT_CREATION, idempotencyKeyOf, requestingCustomer, text } from '../requests';
import { createClaimBody, fileClaim, startClaimWorkflow } from '../claim-filing';
import {
  CLAIM_STATUSES,
  claimForCaller,
  claimInclude,
  claimResponse,
  dueStateOf,
  getClaimOrThrow,
  presentClaim,
  readableClaims,
  type ClaimResponse,
} from '../claim-records';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, idParams, Reply, type HandlerContext } from '../route';
import { neverStarted, RECOVERY_ACTOR } from '../unstarted';
import { actorNames, inWorkScope, presentTimeline, timelineEvent } from '../visibility';
import { commandStartingIfNeeded, commandTarget, runCommand, type CommandTarget } from '../services/workflow-command';

const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;
const FILERS = ['customer', 'agent', 'manager', 'admin'] as const;
const DECIDERS = ['qa', 'manager', 'admin'] as const;

/** Rials in: whole digits as a string (any size) or a safe JSON integer. */
const rials = z
  .union([
    z.string().regex(/^\d{1,15}$/, 'must be a whole number of rials'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform(Number);
const percent = z.number().int().min(0).max(100);

const actorOf = (principal: Principal) => `${principal.role}:${principal.keyId}`;

/** A decision on one claim: visibility check, then the workflow update; answers the claim as it now stands. */
function decision<Body>(
  path: string,
  verb: 'approve' | 'reject',
  summary: string,
  body: z.ZodType<Body>,
  send: (ctx: HandlerContext<{ id: string }, unknown, Body>, target: CommandTarget) => Promise<claim.ClaimView>,
) {
  return defineRoute({
    method: 'post',
    path: `/v1/claims/:id/${path}`,
    tag: 'claims',
    summary,
    roles: DECIDERS,
    params: idParams,
    body,
    errors: [409],
    idempotencyKey: IDEMPOTENT_COMMAND,
    response: claimResponse,
    handler: async (ctx) => {
      const row = await getClaimOrThrow(ctx.deps, ctx.params.id, ctx.principal);
      const target = commandTarget(
        ctx.deps.temporal.workflow.getHandle(row.workflowId),
        path,
        ctx.principal.keyId,
        idempotencyKeyOf(ctx.headers),
      );
      // A decided claim's workflow has ended. A retry of the very decision that decided it (same
      // key, same command: the update id the workflow recorded on the decision event) answers that
      // outcome again, as tickets' and change requests' retries do; anything else is refused as
      // its validator would have.
      if (row.status === 'approved' || row.status === 'rejected') {
        if (target.updateId && (await decidedBy(ctx.deps, row.id, target.updateId))) {
          return new Reply(200, presentClaim(row, Date.now(), await actorNames(ctx.deps.db, [row.decidedBy])), {
            'Idempotent-Replayed': 'true',
          });
        }
        throw new ApiError('conflict', `cannot ${verb}: the claim is already ${row.status}`, {
          reason: 'already_decided',
        });
      }
      await commandStartingIfNeeded(
        () => send(ctx, target),
        async () => {
          const unstarted = await ctx.deps.db.claim.findFirst({ where: { id: row.id, ...neverStarted.claims() } });
          if (unstarted) await startClaimWorkflow(ctx.deps, unstarted, RECOVERY_ACTOR);
          return unstarted !== null;
        },
      );
      const decided = await getClaimOrThrow(ctx.deps, row.id, ctx.principal);
      return presentClaim(decided, Date.now(), await actorNames(ctx.deps.db, [decided.decidedBy]));
    },
  });
}

/** Whether the claim's decision was made by this workflow update (see the claim workflow's decide). */
async function decidedBy(deps: AppDeps, claimId: string, updateId: string): Promise<boolean> {
  const decision = await deps.db.claimEvent.findFirst({
    where: { claimId, type: { in: ['approved', 'rejected'] } },
    orderBy: { sequence: 'asc' },
  });
  return (decision?.data as { updateId?: unknown } | undefined)?.updateId === updateId;
}

const listQuery = z.strictObject({
  customerId: z.uuid().optional().describe("Staff: one customer's claims"),
  productId: z.uuid().optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional().describe('the last id of the previous page'),
});

const queueQuery = z.strictObject({
  dueState: z.enum(['pending', 'due_soon', 'overdue']).optional(),
  productId: z.uuid().optional(),
  sort: z
    .enum(['due', 'age'])
    .default('due')
    .describe('due: the decision due soonest first (default); age: the oldest claim first'),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const claimRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/claims',
    tag: 'claims',
    summary:
      'File a compensation claim for outages, a period, or breached tickets; it goes to the QA queue. Send an Idempotency-Key to retry safely',
    roles: FILERS,
    body: createClaimBody,
    status: 201,
    errors: [409, 422],
    idempotencyKey: IDEMPOTENT_CREATION,
    response: claimResponse,
    handler: async ({ body, principal, headers, deps }) => {
      const customerId = requestingCustomer(principal, body.customerId, 'file a claim');
      const { row, replayed } = await fileClaim(deps, principal, customerId, body, idempotencyKeyOf(headers));
      const view = claimForCaller(principal, presentClaim(row, Date.now(), await actorNames(deps.db, [row.decidedBy])));
      return replayed
        ? new Reply<ClaimResponse>(200, view, { 'Idempotent-Replayed': 'true' })
        : new Reply<ClaimResponse>(201, view);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/claims',
    tag: 'claims',
    summary: "Claims, newest first: a customer's own, or for staff any customer's",
    roles: EVERYONE,
    query: listQuery,
    response: z.object({ items: z.array(claimResponse), nextCursor: z.uuid().nullable() }),
    handler: async ({ query, principal, deps }) => {
      const customerId = actingCustomerId(principal, query.customerId);
      const where: Prisma.ClaimWhereInput = {
        ...inWorkScope(principal),
        ...(customerId && { customerId }),
        ...(query.productId && { productId: query.productId }),
        ...(query.status && { status: query.status }),
      };
      const rows = await deps.db.claim.findMany({
        where,
        include: claimInclude,
        orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
        ...(query.cursor && { cursor: { id: query.cursor }, skip: 1 }),
      });
      const page = rows.slice(0, query.limit);
      const nowMs = Date.now();
      const names = await actorNames(
        deps.db,
        page.map((row) => row.decidedBy),
      );
      return {
        items: readableClaims(page, deps.logger).map((row) =>
          claimForCaller(principal, presentClaim(row, nowMs, names)),
        ),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/qa/claims',
    tag: 'claims',
    summary:
      'The QA queue: undecided claims of your vendor, the decision due soonest first (or oldest first with sort=age), each pending, due soon (past its reminder) or overdue',
    roles: DECIDERS,
    query: queueQuery,
    response: z.object({
      counts: z.object({ pending: z.number().int(), due_soon: z.number().int(), overdue: z.number().int() }),
      items: z.array(claimResponse),
    }),
    handler: async ({ query, principal, deps }) => {
      const rows = await deps.db.claim.findMany({
        where: {
          status: { in: ['received', 'acknowledged'] },
          ...inWorkScope(principal),
          ...(query.productId && { productId: query.productId }),
        },
        include: claimInclude,
        orderBy:
          query.sort === 'due'
            ? [{ decisionDueAt: 'asc' }, { receivedAt: 'asc' }, { id: 'asc' }]
            : [{ receivedAt: 'asc' }, { id: 'asc' }],
      });
      const nowMs = Date.now();
      const names = await actorNames(
        deps.db,
        rows.map((row) => row.decidedBy),
      );
      const counts = { pending: 0, due_soon: 0, overdue: 0 };
      const items: ClaimResponse[] = [];
      for (const row of readableClaims(rows, deps.logger)) {
        const state = dueStateOf(row, nowMs);
        if (state === 'decided') continue;
        counts[state] += 1;
        if ((!query.dueState || query.dueState === state) && items.length < query.limit)
          items.push(presentClaim(row, nowMs, names));
      }
      return { counts, items };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/claims/:id',
    tag: 'claims',
    summary:
      'A claim with its whole computation: outages counted and excluded, minutes, tier, deadlines, decision and credit note',
    roles: EVERYONE,
    params: idParams,
    response: claimResponse.extend({ events: z.array(timelineEvent) }),
    handler: async ({ params, principal, deps }) => {
      const row = await getClaimOrThrow(deps, params.id, principal);
      const events = await deps.db.claimEvent.findMany({ where: { claimId: row.id }, orderBy: { sequence: 'asc' } });
      return {
        ...claimForCaller(principal, presentClaim(row, Date.now(), await actorNames(deps.db, [row.decidedBy]))),
        events: await presentTimeline(deps.db, principal, 'claim', events),
      };
    },
  }),
  decision(
    'approve',
    'approve',
    'Approve the claim with the computed credit (or, where none was computed, the credit QA sets); the credit note goes against the next subscription month',
    z.strictObject({
      creditPercent: percent.optional().describe('Defaults to the computed tier; required where none was computed'),
      amountRials: rials.optional().describe("Defaults to the percentage of one month's subscription"),
    }),
    ({ body, principal }, handle) => runCommand(handle, claim.approve, { actor: actorOf(principal), ...body }),
  ),
  decision(
    'approve-adjusted',
    'approve',
    'Approve the claim with an amount QA chose instead of the computed one; a justification is required',
    z.strictObject({
      amountRials: rials,
      creditPercent: percent.optional().describe("Defaults to the amount's share of one month's subscription"),
      justification: text(2000),
    }),
    ({ body, principal }, handle) => runCommand(handle, claim.approveAdjusted, { actor: actorOf(principal), ...body }),
  ),
  decision(
    'reject',
    'reject',
    'Reject the claim with a published exclusion, free text, or both',
    z
      .strictObject({ exclusion: z.enum(EXCLUSIONS).optional(), reason: text(2000).optional() })
      .refine((b) => b.exclusion !== undefined || b.reason !== undefined, {
        message: 'give an exclusion or a reason',
        path: ['reason'],
      }),
    ({ body, principal }, handle) => runCommand(handle, claim.reject, { actor: actorOf(principal), ...body }),
  ),
];
