import { z } from 'zod';
import type { Department, Vendor } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { refuseIfInUse, unknownReference, writeOrConflict } from '../configuration-errors';
import { ApiError } from '../errors';
import { defineRoute, idParams, Reply } from '../route';
import { ADMIN, STAFF } from '../schemas/common';
import {
  createDepartmentBody,
  createVendorBody,
  departmentListQuery,
  departmentResponse,
  updateDepartmentBody,
  updateVendorBody,
  vendorResponse,
} from '../schemas/organisation';
import { iso } from '../../sla/iso';

const presentVendor = (row: Vendor): z.infer<typeof vendorResponse> => ({
  id: row.id,
  key: row.key,
  name: row.name,
  nameFa: row.nameFa,
  createdAt: iso(row.createdAt),
});

const presentDepartment = (row: Department): z.infer<typeof departmentResponse> => ({
  id: row.id,
  vendorId: row.vendorId,
  name: row.name,
  managerName: row.managerName,
  managerPhone: row.managerPhone,
  managerEmail: row.managerEmail,
  seniorManagerName: row.seniorManagerName,
  seniorManagerPhone: row.seniorManagerPhone,
  seniorManagerEmail: row.seniorManagerEmail,
  createdAt: iso(row.createdAt),
});

async function vendorOr404(db: Database, id: string): Promise<Vendor> {
  const row = await db.vendor.findUnique({ where: { id } });
  if (!row) throw ApiError.notFound('vendor', id);
  return row;
}

async function departmentOr404(db: Database, id: string): Promise<Department> {
  const row = await db.department.findUnique({ where: { id } });
  if (!row) throw ApiError.notFound('department', id);
  return row;
}

export const vendorRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/vendors',
    tag: 'vendors',
    summary: 'List vendors',
    roles: STAFF,
    response: z.object({ items: z.array(vendorResponse) }),
    handler: async ({ deps }) => ({
      items: (await deps.db.vendor.findMany({ orderBy: { key: 'asc' } })).map(presentVendor),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/vendors/:id',
    tag: 'vendors',
    summary: 'One vendor',
    roles: STAFF,
    params: idParams,
    response: vendorResponse,
    handler: async ({ params, deps }) => presentVendor(await vendorOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/vendors',
    tag: 'vendors',
    summary: 'Create a vendor',
    roles: ADMIN,
    body: createVendorBody,
    status: 201,
    errors: [409],
    response: vendorResponse,
    handler: async ({ body, deps }) =>
      presentVendor(
        await writeOrConflict(deps.db.vendor.create({ data: body }), `a vendor with key ${body.key} already exists`),
      ),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/vendors/:id',
    tag: 'vendors',
    summary: 'Rename a vendor (its key stays: policies name it)',
    roles: ADMIN,
    params: idParams,
    body: updateVendorBody,
    response: vendorResponse,
    handler: async ({ params, body, deps }) => {
      await vendorOr404(deps.db, params.id);
      return presentVendor(await deps.db.vendor.update({ where: { id: params.id }, data: body }));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/vendors/:id',
    tag: 'vendors',
    summary: 'Delete a vendor without products or policies; its departments go with it',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const vendor = await vendorOr404(deps.db, params.id);
      refuseIfInUse(`vendor ${vendor.key}`, {
        products: await deps.db.product.count({ where: { vendorId: params.id } }),
        policies: await deps.db.policy.count({ where: { vendorId: params.id } }),
      });
      await writeOrConflict(deps.db.vendor.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/departments',
    tag: 'vendors',
    summary: 'List product departments and the managers escalations reach',
    roles: STAFF,
    query: departmentListQuery,
    response: z.object({ items: z.array(departmentResponse) }),
    handler: async ({ query, deps }) => ({
      items: (
        await deps.db.department.findMany({
          where: query.vendorId ? { vendorId: query.vendorId } : {},
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        })
      ).map(presentDepartment),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/departments/:id',
    tag: 'vendors',
    summary: 'One product department',
    roles: STAFF,
    params: idParams,
    response: departmentResponse,
    handler: async ({ params, deps }) => presentDepartment(await departmentOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/departments',
    tag: 'vendors',
    summary: "Create a vendor's product department with its manager's and senior management's contacts",
    roles: ADMIN,
    body: createDepartmentBody,
    status: 201,
    errors: [422],
    response: departmentResponse,
    handler: async ({ body, deps }) => {
      if (!(await deps.db.vendor.findUnique({ where: { id: body.vendorId }, select: { id: true } }))) {
        throw unknownReference('body.vendorId', 'vendor', body.vendorId);
      }
      return presentDepartment(await deps.db.department.create({ data: body }));
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/departments/:id',
    tag: 'vendors',
    summary: "Change a department's name or contacts (null clears an optional contact)",
    roles: ADMIN,
    params: idParams,
    body: updateDepartmentBody,
    response: departmentResponse,
    handler: async ({ params, body, deps }) => {
      await departmentOr404(deps.db, params.id);
      return presentDepartment(await deps.db.department.update({ where: { id: params.id }, data: body }));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/departments/:id',
    tag: 'vendors',
    summary: 'Delete a department no product belongs to',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const department = await departmentOr404(deps.db, params.id);
      refuseIfInUse(`department ${department.name}`, {
        products: await deps.db.product.count({ where: { departmentId: params.id } }),
      });
      await writeOrConflict(deps.db.department.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
];
