import { z } from 'zod';
import type { Policy } from '../../generated/prisma/client';
import { asJson, type Database } from '../../platform/database';
import { targetProblems, validateTicketPolicy, type TicketPolicy } from '../../sla/policy';
import {
  atMost,
  MAX_ALLOWANCE,
  MAX_INCLUDED_HOURS,
  MAX_POLICY_DAYS,
  MAX_POLICY_MINUTES,
  MAX_REVIEW_RANK,
} from '../../sla/limits';
import type { Problem } from '../../sla/problem';
import { hasDeadline } from '../../sla/targets';
import { refuseIfInUse, refuseProblems, unknownReference, writeOrConflict } from '../configuration-errors';
import { correctTicketsOfPolicy, TICKETS_IN_FLIGHT } from '../corrections';
import { ApiError } from '../errors';
import { defineRoute, idParams, Reply } from '../route';
import { ADMIN, STAFF } from '../schemas/common';
import {
  correctedPolicyResponse,
  createPolicyBody,
  policyDocument,
  policyListQuery,
  policyResponse,
  updatePolicyBody,
  type PolicyDocument,
} from '../schemas/policies';
import { knownCalendarKeys } from '../sla-references';
import { iso } from '../../sla/iso';

const present = (row: Policy): z.infer<typeof policyResponse> => ({
  id: row.id,
  kind: row.kind,
  key: row.key,
  name: row.name,
  vendorId: row.vendorId,
  plan: row.plan,
  definition: row.definition as z.infer<typeof policyResponse>['definition'],
  version: row.version,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

async function policyOr404(db: Database, id: string): Promise<Policy> {
  const row = await db.policy.findUnique({ where: { id } });
  if (!row) throw ApiError.notFound('policy', id);
  return row;
}

async function requireVendor(db: Database, vendorId: string | null | undefined): Promise<void> {
  if (vendorId && !(await db.vendor.findUnique({ where: { id: vendorId }, select: { id: true } }))) {
    throw unknownReference('body.vendorId', 'vendor', vendorId);
  }
}

/**
 * The document to store, once what it means has been checked: every target names a calendar
 * that exists, amounts fit their units, thresholds increase. Problems are named under
 * `body.definition`.
 */
export async function checkedDefinition(db: Database, document: PolicyDocument, key: string): Promise<unknown> {
  const known = await knownCalendarKeys(db);
  const atDefinition = (path: string) => `body.definition.${path}`;
  switch (document.kind) {
    case 'ticket': {
      const { definition } = document;
      if (definition.key !== undefined && definition.key !== key) {
        refuseProblems([{ path: 'key', message: `must be the policy key "${key}"` }], atDefinition);
      }
      const policy: TicketPolicy = { ...definition, key };
      refuseProblems(validateTicketPolicy(policy, known), atDefinition);
      return policy;
    }
    case 'claim': {
      const { definition } = document;
      const problems: Problem[] = [...targetProblems(definition.initialResponse, 'initialResponse', known)];
      if (!hasDeadline(definition.initialResponse)) {
        problems.push({ path: 'initialResponse.unit', message: 'the initial response must set a deadline' });
      }
      for (const field of ['filingWindowMinutes', 'decisionMinutes', 'reminderBeforeMinutes'] as const) {
        problems.push(...atMost(definition[field], MAX_POLICY_MINUTES, field, ' minutes'));
      }
      if (definition.reminderBeforeMinutes >= definition.decisionMinutes) {
        problems.push({ path: 'reminderBeforeMinutes', message: 'must be shorter than decisionMinutes' });
      }
      refuseProblems(problems, atDefinition);
      return definition;
    }
    case 'change_request': {
      const { definition } = document;
      const problems: Problem[] = [...targetProblems(definition.reviewDeadline, 'reviewDeadline', known)];
      if (!known.has(definition.calendar))
        problems.push({ path: 'calendar', message: `unknown calendar "${definition.calendar}"` });
      if (!hasDeadline(definition.reviewDeadline)) {
        problems.push({ path: 'reviewDeadline.unit', message: 'a review deadline must set a deadline' });
      }
      for (const field of [
        'quoteValidityDays',
        'quoteReminderBeforeDays',
        'acceptancePeriodDays',
        'defectFixDays',
      ] as const) {
        problems.push(...atMost(definition[field], MAX_POLICY_DAYS, field, ' days'));
      }
      problems.push(
        ...atMost(definition.includedCustomisationHours, MAX_INCLUDED_HOURS, 'includedCustomisationHours', ' hours'),
      );
      problems.push(...atMost(definition.reviewRank, MAX_REVIEW_RANK, 'reviewRank'));
      if (definition.quoteReminderBeforeDays >= definition.quoteValidityDays) {
        problems.push({ path: 'quoteReminderBeforeDays', message: 'must be shorter than quoteValidityDays' });
      }
      refuseProblems(problems, atDefinition);
      return definition;
    }
    case 'entitlements': {
      const { allowances } = document.definition;
      refuseProblems(
        Object.entries(allowances).flatMap(([kind, allowance]) =>
          allowance.amount === 'unlimited' ? [] : atMost(allowance.amount, MAX_ALLOWANCE, `allowances.${kind}.amount`),
        ),
        atDefinition,
      );
      return document.definition;
    }
  }
}

/**
 * Who still relies on a plan's terms: contracts on the plan (their terms of every kind are
 * looked up by the plan key), tickets in flight on a ticket policy, products naming a claim or
 * change-request policy.
 */
async function usesOf(db: Database, row: Policy): Promise<Record<string, number>> {
  const inFlight = { in: [...TICKETS_IN_FLIGHT] };
  return {
    contracts: await db.contract.count({ where: { OR: [{ policyId: row.id }, { policy: { key: row.key } }] } }),
    'open tickets':
      row.kind === 'ticket' ? await db.ticket.count({ where: { policyKey: row.key, status: inFlight } }) : 0,
    products:
      row.kind === 'claim'
        ? await db.product.count({ where: { claimPolicyKey: row.key } })
        : row.kind === 'change_request'
          ? await db.product.count({ where: { changePolicyKey: row.key } })
          : 0,
  };
}

export const policyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/policies',
    tag: 'policies',
    summary: 'List plan terms: ticket, claim and change-request policies and entitlements',
    roles: STAFF,
    query: policyListQuery,
    response: z.object({ items: z.array(policyResponse) }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.policy.findMany({
        where: {
          ...(query.kind && { kind: query.kind }),
          ...(query.key && { key: query.key }),
          ...(query.vendorId && { vendorId: query.vendorId }),
        },
        orderBy: [{ key: 'asc' }, { kind: 'asc' }],
      });
      return { items: rows.map(present) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/policies/:id',
    tag: 'policies',
    summary: "One plan's terms of one kind",
    roles: STAFF,
    params: idParams,
    response: policyResponse,
    handler: async ({ params, deps }) => present(await policyOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/policies',
    tag: 'policies',
    summary: "Create a plan's terms of one kind; every target must name a calendar that exists",
    roles: ADMIN,
    body: createPolicyBody,
    status: 201,
    errors: [409, 422],
    response: policyResponse,
    handler: async ({ body, deps }) => {
      const definition = await checkedDefinition(deps.db, body, body.key);
      await requireVendor(deps.db, body.vendorId);
      const row = await writeOrConflict(
        deps.db.policy.create({
          data: {
            kind: body.kind,
            key: body.key,
            name: body.name,
            vendorId: body.vendorId ?? null,
            plan: body.plan ?? null,
            definition: asJson(definition),
          },
        }),
        `a ${body.kind} policy with key ${body.key} already exists`,
      );
      return present(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/policies/:id',
    tag: 'policies',
    summary: 'Change a policy (a new version); tickets in flight on a changed ticket policy recompute their deadlines',
    roles: ADMIN,
    params: idParams,
    body: updatePolicyBody,
    errors: [422],
    response: correctedPolicyResponse,
    handler: async ({ params, body, deps }) => {
      const current = await policyOr404(deps.db, params.id);
      let definition: unknown;
      if (body.definition !== undefined) {
        const parsed = policyDocument.safeParse({ kind: current.kind, definition: body.definition });
        if (!parsed.success) throw ApiError.fromZod(parsed.error, 'body');
        definition = await checkedDefinition(deps.db, parsed.data, current.key);
      }
      await requireVendor(deps.db, body.vendorId);
      const row = await deps.db.policy.update({
        where: { id: params.id },
        data: {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.vendorId !== undefined && { vendorId: body.vendorId }),
          ...(body.plan !== undefined && { plan: body.plan }),
          ...(definition !== undefined && { definition: asJson(definition) }),
          version: { increment: 1 },
        },
      });
      const counts =
        row.kind === 'ticket' && definition !== undefined
          ? await correctTicketsOfPolicy(deps, row.key, `ticket policy ${row.key} changed (version ${row.version})`)
          : { ticketsSignalled: 0, ticketsFailed: 0 };
      return { ...present(row), ...counts };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/policies/:id',
    tag: 'policies',
    summary: 'Delete plan terms nothing relies on (409 naming what still does)',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const current = await policyOr404(deps.db, params.id);
      refuseIfInUse(`${current.kind} policy ${current.key}`, await usesOf(deps.db, current));
      await writeOrConflict(deps.db.policy.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
];
