import { z } from 'zod';
import type { Contract, Entitlement } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { loadDefinition } from '../../store/sla-config';
import { hourlyPackageExpiry } from '../../sla/entitlements';
import { refuseIfInUse, unknownReference, writeOrConflict } from '../configuration-errors';
import { ApiError } from '../errors';
import { afterCursor, oldestFirst, paged } from '../paging';
import { defineRoute, idParams, Reply } from '../route';
import { ADMIN, STAFF } from '../schemas/common';
import {
  contractListQuery,
  contractResponse,
  createContractBody,
  createEntitlementBody,
  entitlementParams,
  entitlementResponse,
  HOURLY_PACKAGE_KIND,
  updateContractBody,
  updateEntitlementBody,
} from '../schemas/customers';
import { iso, isoOrNull } from '../../sla/iso';

type ContractRow = Contract & { policy: { key: string } };

const withPolicyKey = { policy: { select: { key: true } } } as const;

const present = (row: ContractRow): z.infer<typeof contractResponse> => ({
  id: row.id,
  customerId: row.customerId,
  productId: row.productId,
  policyId: row.policyId,
  policyKey: row.policy.key,
  plan: row.plan,
  startsAt: iso(row.startsAt),
  endsAt: iso(row.endsAt),
  paid: row.paid,
  priceRials: row.priceRials.toString(),
  createdAt: iso(row.createdAt),
});

const presentEntitlement = (
  row: Entitlement & { uses: { amount: number }[] },
): z.infer<typeof entitlementResponse> => ({
  id: row.id,
  contractId: row.contractId,
  kind: row.kind,
  quantity: row.quantity,
  purchasedAt: isoOrNull(row.purchasedAt),
  expiresAt: isoOrNull(row.expiresAt),
  used: row.uses.reduce((sum, use) => sum + use.amount, 0),
});

const withUses = { uses: { select: { amount: true } } } as const;

async function contractOr404(db: Database, id: string): Promise<ContractRow> {
  const row = await db.contract.findUnique({ where: { id }, include: withPolicyKey });
  if (!row) throw ApiError.notFound('contract', id);
  return row;
}

async function entitlementOr404(db: Database, contractId: string, entitlementId: string) {
  const row = await db.entitlement.findFirst({ where: { id: entitlementId, contractId }, include: withUses });
  if (!row) throw ApiError.notFound('entitlement', entitlementId);
  return row;
}

/** A contract's plan is a ticket policy of the product's vendor (or of no vendor in particular). */
async function planFor(db: Database, policyId: string, productVendorId: string) {
  const policy = await db.policy.findUnique({ where: { id: policyId } });
  if (!policy) throw unknownReference('body.policyId', 'policy', policyId);
  const refuse = (reason: string) =>
    new ApiError('unprocessable', `policy ${policy.key}: ${reason}`, {
      invalidFields: [{ field: 'body.policyId', reason }],
    });
  if (policy.kind !== 'ticket') throw refuse(`a contract names the plan's ticket policy, not its ${policy.kind} terms`);
  if (policy.vendorId !== null && policy.vendorId !== productVendorId) throw refuse("the plan is another vendor's");
  return policy;
}

function refuseEndBeforeStart(start: Date, end: Date, field = 'body.endsAt', startName = 'startsAt'): void {
  if (end > start) return;
  const reason = `must be later than ${startName}`;
  throw new ApiError('validation_failed', `${field}: ${reason}`, { invalidFields: [{ field, reason }] });
}

/** Hourly packages are sold only on plans whose entitlements say so (Kian: projects). */
async function requireHourlyPackages(db: Database, planKey: string): Promise<void> {
  const entitlements = await loadDefinition(db, 'entitlements', planKey);
  if (entitlements?.hourlyPackages) return;
  throw new ApiError('unprocessable', `the plan ${planKey} does not include hourly packages`, {
    invalidFields: [{ field: 'body.kind', reason: `the plan ${planKey} does not include hourly packages` }],
  });
}

export const contractRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/contracts',
    tag: 'contracts',
    summary: 'List contracts, oldest first, by customer or product',
    roles: STAFF,
    query: contractListQuery,
    response: z.object({ items: z.array(contractResponse), nextCursor: z.string().nullable() }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.contract.findMany({
        where: {
          AND: [
            {
              ...(query.customerId && { customerId: query.customerId }),
              ...(query.productId && { productId: query.productId }),
            },
            afterCursor(query.cursor),
          ],
        },
        include: withPolicyKey,
        orderBy: oldestFirst(),
        take: query.limit + 1,
      });
      const page = paged(rows, query.limit);
      return { items: page.rows.map(present), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/:id',
    tag: 'contracts',
    summary: 'One contract',
    roles: STAFF,
    params: idParams,
    response: contractResponse,
    handler: async ({ params, deps }) => present(await contractOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/contracts',
    tag: 'contracts',
    summary: "Create a customer's support contract for a product on a plan: term, paid or not, price in rials",
    roles: ADMIN,
    body: createContractBody,
    status: 201,
    errors: [422],
    response: contractResponse,
    handler: async ({ body, deps }) => {
      if (!(await deps.db.customer.findUnique({ where: { id: body.customerId }, select: { id: true } }))) {
        throw unknownReference('body.customerId', 'customer', body.customerId);
      }
      const product = await deps.db.product.findUnique({ where: { id: body.productId }, select: { vendorId: true } });
      if (!product) throw unknownReference('body.productId', 'product', body.productId);
      const policy = await planFor(deps.db, body.policyId, product.vendorId);
      const row = await deps.db.contract.create({
        data: {
          customerId: body.customerId,
          productId: body.productId,
          policyId: policy.id,
          plan: body.plan ?? policy.key,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
          paid: body.paid,
          priceRials: body.priceRials ?? 0n,
        },
        include: withPolicyKey,
      });
      return present(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/contracts/:id',
    tag: 'contracts',
    summary: "Change a contract's plan, term, payment or price (not its customer or product)",
    roles: ADMIN,
    params: idParams,
    body: updateContractBody,
    errors: [422],
    response: contractResponse,
    handler: async ({ params, body, deps }) => {
      const current = await contractOr404(deps.db, params.id);
      const startsAt = body.startsAt ? new Date(body.startsAt) : current.startsAt;
      const endsAt = body.endsAt ? new Date(body.endsAt) : current.endsAt;
      refuseEndBeforeStart(startsAt, endsAt);
      let policyId: string | undefined;
      if (body.policyId) {
        const product = await deps.db.product.findUniqueOrThrow({
          where: { id: current.productId },
          select: { vendorId: true },
        });
        policyId = (await planFor(deps.db, body.policyId, product.vendorId)).id;
      }
      const row = await deps.db.contract.update({
        where: { id: params.id },
        data: {
          startsAt,
          endsAt,
          ...(policyId && { policyId }),
          ...(body.plan && { plan: body.plan }),
          ...(body.paid !== undefined && { paid: body.paid }),
          ...(body.priceRials !== undefined && { priceRials: body.priceRials }),
        },
        include: withPolicyKey,
      });
      return present(row);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/contracts/:id',
    tag: 'contracts',
    summary: 'Delete a contract nothing was opened under; its entitlements go with it',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      await contractOr404(deps.db, params.id);
      const where = { contractId: params.id };
      refuseIfInUse(`contract ${params.id}`, {
        tickets: await deps.db.ticket.count({ where }),
        claims: await deps.db.claim.count({ where }),
        'change requests': await deps.db.changeRequest.count({ where }),
        'credit notes': await deps.db.creditNote.count({ where }),
        'recorded uses of its allowances': await deps.db.allowanceUse.count({ where }),
      });
      await writeOrConflict(deps.db.contract.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/:id/entitlements',
    tag: 'contracts',
    summary: 'What a contract includes beyond its plan, hourly packages among them, with what has been used',
    roles: STAFF,
    params: idParams,
    response: z.object({ items: z.array(entitlementResponse) }),
    handler: async ({ params, deps }) => {
      await contractOr404(deps.db, params.id);
      const rows = await deps.db.entitlement.findMany({
        where: { contractId: params.id },
        include: withUses,
        orderBy: [{ purchasedAt: 'asc' }, { id: 'asc' }],
      });
      return { items: rows.map(presentEntitlement) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/contracts/:id/entitlements',
    tag: 'contracts',
    summary: 'Add an entitlement to a contract; an hourly package (hours in `quantity`) only on plans that sell them',
    roles: ADMIN,
    params: idParams,
    body: createEntitlementBody,
    status: 201,
    errors: [422],
    response: entitlementResponse,
    handler: async ({ params, body, deps }) => {
      const contract = await contractOr404(deps.db, params.id);
      let dates: { purchasedAt: Date | null; expiresAt: Date | null } = {
        purchasedAt: body.purchasedAt ? new Date(body.purchasedAt) : null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      };
      if (body.kind === HOURLY_PACKAGE_KIND) {
        await requireHourlyPackages(deps.db, contract.policy.key);
        const purchasedAt = dates.purchasedAt ?? new Date();
        dates = { purchasedAt, expiresAt: dates.expiresAt ?? new Date(hourlyPackageExpiry(purchasedAt.getTime())) };
      }
      if (dates.purchasedAt && dates.expiresAt)
        refuseEndBeforeStart(dates.purchasedAt, dates.expiresAt, 'body.expiresAt', 'purchasedAt');
      const row = await deps.db.entitlement.create({
        data: { contractId: params.id, kind: body.kind, quantity: body.quantity ?? null, ...dates },
        include: withUses,
      });
      return presentEntitlement(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/contracts/:id/entitlements/:entitlementId',
    tag: 'contracts',
    summary: "Change an entitlement's quantity or dates",
    roles: ADMIN,
    params: entitlementParams,
    body: updateEntitlementBody,
    response: entitlementResponse,
    handler: async ({ params, body, deps }) => {
      const current = await entitlementOr404(deps.db, params.id, params.entitlementId);
      const toDate = (value: string | null | undefined, stored: Date | null) =>
        value === undefined ? stored : value === null ? null : new Date(value);
      const purchasedAt = toDate(body.purchasedAt, current.purchasedAt);
      const expiresAt = toDate(body.expiresAt, current.expiresAt);
      if (purchasedAt && expiresAt) refuseEndBeforeStart(purchasedAt, expiresAt, 'body.expiresAt', 'purchasedAt');
      const row = await deps.db.entitlement.update({
        where: { id: params.entitlementId },
        data: { ...(body.quantity !== undefined && { quantity: body.quantity }), purchasedAt, expiresAt },
        include: withUses,
      });
      return presentEntitlement(row);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/contracts/:id/entitlements/:entitlementId',
    tag: 'contracts',
    summary: 'Remove an entitlement nothing has been drawn from',
    roles: ADMIN,
    params: entitlementParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const current = await entitlementOr404(deps.db, params.id, params.entitlementId);
      refuseIfInUse(`entitlement ${current.id}`, { 'recorded uses': current.uses.length });
      await deps.db.entitlement.delete({ where: { id: params.entitlementId } });
      return new Reply(204, undefined);
    },
  }),
];
