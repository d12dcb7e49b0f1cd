import { z } from 'zod';
import type { Product } from '../../generated/prisma/client';
import type { PolicyKind } from '../../generated/prisma/enums';
import type { Database } from '../../platform/database';
import { refuseIfInUse, unknownReference, writeOrConflict } from '../configuration-errors';
import { ApiError } from '../errors';
import { defineRoute, idParams, Reply } from '../route';
import { ADMIN, STAFF } from '../schemas/common';
import { createProductBody, productListQuery, productResponse, updateProductBody } from '../schemas/organisation';
import { iso, isoOrNull } from '../../sla/iso';

const present = (row: Product): z.infer<typeof productResponse> => ({
  id: row.id,
  key: row.key,
  vendorId: row.vendorId,
  departmentId: row.departmentId,
  name: row.name,
  nameFa: row.nameFa,
  endOfSupportAt: isoOrNull(row.endOfSupportAt),
  creditTable: row.creditTable,
  claimPolicyKey: row.claimPolicyKey,
  changePolicyKey: row.changePolicyKey,
  createdAt: iso(row.createdAt),
});

async function productOr404(db: Database, id: string): Promise<Product> {
  const row = await db.product.findUnique({ where: { id } });
  if (!row) throw ApiError.notFound('product', id);
  return row;
}

/** The department must exist and belong to the product's vendor. */
async function requireDepartmentOf(db: Database, vendorId: string, departmentId: string): Promise<void> {
  const department = await db.department.findUnique({ where: { id: departmentId }, select: { vendorId: true } });
  if (!department) throw unknownReference('body.departmentId', 'department', departmentId);
  if (department.vendorId !== vendorId) {
    throw new ApiError('unprocessable', `department ${departmentId} belongs to another vendor`, {
      invalidFields: [{ field: 'body.departmentId', reason: "not a department of the product's vendor" }],
    });
  }
}

async function requirePolicy(
  db: Database,
  kind: PolicyKind,
  key: string | null | undefined,
  field: string,
): Promise<void> {
  if (key && !(await db.policy.findUnique({ where: { kind_key: { kind, key } }, select: { id: true } }))) {
    throw unknownReference(field, `${kind} policy`, key);
  }
}

const dateOrNull = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

export const productRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/products',
    tag: 'products',
    summary: 'List products',
    roles: STAFF,
    query: productListQuery,
    response: z.object({ items: z.array(productResponse) }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.product.findMany({
        where: {
          ...(query.vendorId && { vendorId: query.vendorId }),
          ...(query.departmentId && { departmentId: query.departmentId }),
        },
        orderBy: { key: 'asc' },
      });
      return { items: rows.map(present) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/products/:id',
    tag: 'products',
    summary: 'One product',
    roles: STAFF,
    params: idParams,
    response: productResponse,
    handler: async ({ params, deps }) => present(await productOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/products',
    tag: 'products',
    summary:
      'Create a product in a department of its vendor, with its end of support and claim and change-request terms',
    roles: ADMIN,
    body: createProductBody,
    status: 201,
    errors: [409, 422],
    response: productResponse,
    handler: async ({ body, deps }) => {
      if (!(await deps.db.vendor.findUnique({ where: { id: body.vendorId }, select: { id: true } }))) {
        throw unknownReference('body.vendorId', 'vendor', body.vendorId);
      }
      await requireDepartmentOf(deps.db, body.vendorId, body.departmentId);
      await requirePolicy(deps.db, 'claim', body.claimPolicyKey, 'body.claimPolicyKey');
      await requirePolicy(deps.db, 'change_request', body.changePolicyKey, 'body.changePolicyKey');
      const row = await writeOrConflict(
        deps.db.product.create({
          data: {
            key: body.key,
            vendorId: body.vendorId,
            departmentId: body.departmentId,
            name: body.name,
            nameFa: body.nameFa,
            endOfSupportAt: dateOrNull(body.endOfSupportAt) ?? null,
            creditTable: body.creditTable ?? null,
            claimPolicyKey: body.claimPolicyKey ?? null,
            changePolicyKey: body.changePolicyKey ?? null,
          },
        }),
        `a product with key ${body.key} already exists`,
      );
      return present(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/products/:id',
    tag: 'products',
    summary: 'Change a product (not its key or vendor); null clears an optional field',
    roles: ADMIN,
    params: idParams,
    body: updateProductBody,
    errors: [422],
    response: productResponse,
    handler: async ({ params, body, deps }) => {
      const current = await productOr404(deps.db, params.id);
      if (body.departmentId) await requireDepartmentOf(deps.db, current.vendorId, body.departmentId);
      await requirePolicy(deps.db, 'claim', body.claimPolicyKey, 'body.claimPolicyKey');
      await requirePolicy(deps.db, 'change_request', body.changePolicyKey, 'body.changePolicyKey');
      const row = await deps.db.product.update({
        where: { id: params.id },
        data: { ...body, endOfSupportAt: dateOrNull(body.endOfSupportAt) },
      });
      return present(row);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/products/:id',
    tag: 'products',
    summary: 'Delete a product without contracts, tickets, outages, claims or change requests',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const product = await productOr404(deps.db, params.id);
      const where = { productId: params.id };
      refuseIfInUse(`product ${product.key}`, {
        contracts: await deps.db.contract.count({ where }),
        tickets: await deps.db.ticket.count({ where }),
        outages: await deps.db.outage.count({ where }),
        claims: await deps.db.claim.count({ where }),
        'change requests': await deps.db.changeRequest.count({ where }),
      });
      await writeOrConflict(deps.db.product.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
];
