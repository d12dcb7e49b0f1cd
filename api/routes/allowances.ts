import { z } from 'zod';
import type { AllowanceUse } from '../../generated/prisma/client';
import {
  allowanceUnit,
  RECORDED_ALLOWANCE_KINDS,
  type AllowanceBalance,
  type RecordedAllowanceKind,
} from '../../sla/allowance-uses';
import { loadContractAllowances, recordAllowanceUse } from '../../store/allowance-uses';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { isoInstant } from '../schemas/common';
import { IDEMPOTENT_CREATION, idempotencyKeyOf } from '../requests';
import { text } from '../text';
import { actorNames, actorResponse, assertInWorkScope, type Actor } from '../visibility';
import { defineRoute, idParams, Reply } from '../route';
import { iso } from '../../sla/iso';

/**
 * Pasban rule 15: the visits, reinstalls, installations, training and on-site hours a plan grants
 * are counted down as staff record their use, per contract period, and a use beyond what is left
 * is refused (422) with the balance in the reason. Tickets count by being opened, included
 * customisation hours by accepted change requests.
 */

const amountOrUnlimited = z.union([z.number().int(), z.literal('unlimited')]);

const balanceResponse = z.object({
  kind: z.enum(RECORDED_ALLOWANCE_KINDS),
  unit: z
    .enum(['minutes', 'count'])
    .describe('on_site_hours and training_hours are granted in hours and counted in minutes'),
  per: z.enum(['contract_year', 'jalali_month']),
  periodStart: z.string().describe('The period the balance counts in, from (inclusive)'),
  periodEnd: z.string().describe('to (exclusive): a contract anniversary, or the first of a Jalali month'),
  granted: amountOrUnlimited.describe('What the plan grants for the period'),
  used: z.number().int().describe("Drawn from the plan's grant in the period"),
  extras: z
    .array(
      z.object({
        entitlementId: z.uuid(),
        quantity: z.number().int(),
        used: z.number().int(),
        remaining: z.number().int(),
        validFrom: z.string(),
        validUntil: z.string(),
      }),
    )
    .describe(
      'Extras an admin added (POST /v1/contracts/:id/entitlements) usable at asOf: one-off, drawn from once the period’s grant is used up, the soonest to expire first',
    ),
  remaining: amountOrUnlimited.describe(
    "What is left of the plan's grant in the period plus what is left of the extras",
  ),
});

const useResponse = z.object({
  id: z.uuid(),
  kind: z.string(),
  amount: z.number().int(),
  unit: z.enum(['minutes', 'count']),
  ticketId: z.uuid().nullable(),
  at: z.string(),
  note: z.string().nullable(),
  recordedBy: actorResponse,
});

const allowancesResponse = z.object({
  contractId: z.uuid(),
  plan: z.string(),
  asOf: z.string(),
  balances: z
    .array(balanceResponse)
    .describe('Every kind the plan grants (other than tickets and customisation hours), in the period containing asOf'),
  uses: z.array(useResponse).describe('Every recorded use, oldest first'),
});

const allowancesQuery = z.strictObject({
  asOf: isoInstant
    .optional()
    .describe('Show the balances of the period containing this instant (default: now), e.g. a past contract year'),
});

const recordBody = z.strictObject({
  kind: z.enum(RECORDED_ALLOWANCE_KINDS),
  amount: z
    .number({ error: 'must be a whole number: a count, or minutes for on_site_hours and training_hours' })
    .int('must be a whole number: a count, or minutes for on_site_hours and training_hours')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .describe('A count (visits, reinstalls, installations, sessions), or minutes for on_site_hours and training_hours'),
  ticketId: z
    .uuid({ error: 'must be a UUID' })
    .optional()
    .describe(
      'The ticket the use is for: required for on-site visits on plans that grant them only for some priorities (Kian: critical and high)',
    ),
  note: text(500).optional(),
});

const recordResponse = z.object({ contractId: z.uuid(), use: useResponse, balance: balanceResponse });

const presentBalance = (b: AllowanceBalance): z.infer<typeof balanceResponse> => ({
  kind: b.kind,
  unit: b.unit,
  per: b.per,
  periodStart: iso(b.periodStartMs),
  periodEnd: iso(b.periodEndMs),
  granted: b.granted,
  used: b.used,
  extras: b.extras.map((e) => ({
    entitlementId: e.id,
    quantity: e.quantity,
    used: e.used,
    remaining: e.remaining,
    validFrom: iso(e.fromMs),
    validUntil: iso(e.untilMs),
  })),
  remaining: b.remaining,
});

const presentUse = (u: AllowanceUse, actor: (a: string | null) => Actor): z.infer<typeof useResponse> => ({
  id: u.id,
  kind: u.kind,
  amount: u.amount,
  unit: (RECORDED_ALLOWANCE_KINDS as readonly string[]).includes(u.kind)
    ? allowanceUnit(u.kind as RecordedAllowanceKind)
    : 'count',
  ticketId: u.ticketId,
  at: iso(u.usedAt),
  note: u.note,
  recordedBy: actor(u.recordedBy),
});

/** The contract, if the caller may see it: a customer only its own, staff within their work scope. */
async function visibleContract(deps: AppDeps, principal: Principal, id: string) {
  const contract = await deps.db.contract.findUnique({
    where: { id },
    select: { id: true, customerId: true, productId: true },
  });
  if (!contract || (principal.role === 'customer' && contract.customerId !== principal.customerId))
    throw ApiError.notFound('contract', id);
  await assertInWorkScope(deps.db, principal, contract.productId, 'contract', id);
  return contract;
}

const FIELD = {
  kind: 'body.kind',
  amount: 'body.amount',
  contract: 'params.id',
  ticketId: 'body.ticketId',
  city: 'customer.city',
} as const;

export const allowanceRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/contracts/:id/allowance-uses',
    tag: 'contracts',
    summary:
      "Record a use of what the contract's plan grants (a visit, reinstall, installation, training, on-site time); refused beyond what is left of the period",
    roles: ['agent', 'manager', 'admin'],
    params: idParams,
    body: recordBody,
    status: 201,
    errors: [409, 422],
    idempotencyKey: IDEMPOTENT_CREATION,
    response: recordResponse,
    handler: async ({ params, body, deps, principal, headers }) => {
      const contract = await visibleContract(deps, principal, params.id);
      const outcome = await recordAllowanceUse(deps.db, {
        contractId: contract.id,
        kind: body.kind,
        amount: body.amount,
        ticketId: body.ticketId ?? null,
        note: body.note ?? null,
        recordedBy: `${principal.role}:${principal.keyId}`,
        idempotencyKey: idempotencyKeyOf(headers) ?? null,
        nowMs: Date.now(),
      });
      switch (outcome.outcome) {
        case 'no_contract':
          throw ApiError.notFound('contract', params.id);
        case 'key_reused':
          throw new ApiError(
            'conflict',
            'this Idempotency-Key was used with a different request; use a new key for a new request',
            { reason: 'idempotency_key_reused' },
          );
        case 'refused': {
          const { reason, detail, field } = outcome.decision;
          throw new ApiError('unprocessable', detail, {
            reason,
            invalidFields: [{ field: FIELD[field], reason: detail }],
          });
        }
        case 'recorded':
        case 'replayed': {
          const actor = await actorNames(deps.db, [outcome.use.recordedBy]);
          const answer = {
            contractId: contract.id,
            use: presentUse(outcome.use, actor),
            balance: presentBalance(outcome.balance),
          };
          return outcome.outcome === 'recorded'
            ? new Reply(201, answer)
            : new Reply(200, answer, { 'Idempotent-Replayed': 'true' });
        }
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/:id/allowances',
    tag: 'contracts',
    summary:
      "What the contract's plan grants besides tickets (visits, reinstalls, installations, training, on-site hours): what is left in the current period (or the one containing asOf), and every recorded use",
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    params: idParams,
    query: allowancesQuery,
    response: allowancesResponse,
    handler: async ({ params, query, deps, principal }) => {
      await visibleContract(deps, principal, params.id);
      const nowMs = query.asOf === undefined ? Date.now() : Date.parse(query.asOf);
      const found = await loadContractAllowances(deps.db, params.id, nowMs);
      if (!found) throw ApiError.notFound('contract', params.id);
      const actor = await actorNames(
        deps.db,
        found.uses.map((u) => u.recordedBy),
      );
      return {
        contractId: found.contract.id,
        plan: found.contract.planKey,
        asOf: iso(nowMs),
        balances: found.balances.map(presentBalance),
        uses: found.uses.map((u) => presentUse(u, actor)),
      };
    },
  }),
];
