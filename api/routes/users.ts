import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { roles, type Principal } from '../auth';
import { unknownReference, writeOrConflict } from '../configuration-errors';
import { ApiError } from '../errors';
import { afterCursor, oldestFirst, paged } from '../paging';
import { generatePassword, hashPassword, PASSWORD_MAX, PASSWORD_MIN } from '../passwords';
import {
  loadUser,
  mayManage,
  presentUser,
  refuseManager,
  userInclude,
  userResponse,
  userVisibleTo,
  type UserRow,
} from '../people';
import { defineRoute, idParams } from '../route';
import { distinctItems, email, label, phone } from '../schemas/common';
import { endSessionsOf } from '../sessions';

const MANAGERS: readonly ('manager' | 'admin')[] = ['manager', 'admin'];
const EMAIL_TAKEN = 'that e-mail already belongs to another user';

export const password = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
  .describe(`A password of ${PASSWORD_MIN}–${PASSWORD_MAX} characters; stored only as a scrypt hash`);

const signInEmail = email.max(254).transform((value) => value.toLowerCase());
const departmentIds = distinctItems(z.array(z.uuid({ error: 'must be a UUID' })).max(50), 'a department');

const createUserBody = z
  .strictObject({
    name: label,
    email: signInEmail.optional().describe('The sign-in name (stored lower-case); unique'),
    phone: phone.optional(),
    role: z.enum(roles),
    vendorId: z
      .uuid()
      .optional()
      .describe("Staff: the vendor whose work they see (a manager's own by default for managers)"),
    departmentIds: departmentIds.optional().describe('Staff: departments of that vendor'),
    customerId: z.uuid().optional().describe('Required for the customer role and only for it'),
    password: password
      .optional()
      .describe("Set to let the user sign in; otherwise an admin's password reset does it later"),
    seniorManager: z
      .boolean()
      .optional()
      .describe(
        'Staff (admins set it): senior management of their vendor, whom escalations to senior management reach',
      ),
  })
  .refine((b) => !b.seniorManager || (b.role !== 'customer' && b.vendorId !== undefined), {
    message: 'senior management is staff of a vendor: give vendorId',
    path: ['seniorManager'],
  })
  .refine((b) => (b.role === 'customer') === (b.customerId !== undefined), {
    message: 'required for the customer role and only for it',
    path: ['customerId'],
  })
  .refine((b) => b.role !== 'customer' || (b.vendorId === undefined && b.departmentIds === undefined), {
    message: 'a customer user has no vendor or departments',
    path: ['vendorId'],
  })
  .refine((b) => b.password === undefined || b.email !== undefined, {
    message: 'a user who signs in needs an e-mail',
    path: ['email'],
  });

const updateUserBody = z
  .strictObject({
    name: label.optional(),
    email: signInEmail.nullable().optional(),
    phone: phone.nullable().optional(),
    role: z
      .enum(['agent', 'qa', 'manager', 'admin'])
      .optional()
      .describe('Staff roles only (admins); a customer user stays a customer user'),
    vendorId: z.uuid().nullable().optional().describe('Admins only'),
    departmentIds: departmentIds.optional().describe("Replaces the user's departments"),
    disabled: z
      .boolean()
      .optional()
      .describe('A disabled user can neither sign in nor use their API keys; disabling ends their sessions'),
    seniorManager: z
      .boolean()
      .optional()
      .describe('Admins only: senior management of their vendor (escalations to senior management reach them)'),
  })
  .refine((b) => Object.keys(b).length > 0, 'name at least one field to change');

const listQuery = z.strictObject({
  role: z.enum(roles).optional(),
  vendorId: z.uuid().optional(),
  departmentId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name or e-mail'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});

/** Departments must exist and belong to the user's vendor. */
async function checkDepartments(db: Database, vendorId: string | null, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  if (!vendorId)
    throw new ApiError('validation_failed', 'body.vendorId: required with departments', {
      invalidFields: [{ field: 'body.vendorId', reason: 'required with departments' }],
    });
  const found = await db.department.findMany({ where: { id: { in: ids } }, select: { id: true, vendorId: true } });
  for (const [index, id] of ids.entries()) {
    const department = found.find((d) => d.id === id);
    if (!department) throw unknownReference(`body.departmentIds.${index}`, 'department', id);
    if (department.vendorId !== vendorId) {
      throw new ApiError('unprocessable', `department ${id} belongs to another vendor`, {
        invalidFields: [{ field: `body.departmentIds.${index}`, reason: "not a department of the user's vendor" }],
      });
    }
  }
}

/** At least one administrator who can act must remain. */
async function keepAnAdmin(db: Database, userId: string): Promise<void> {
  const others = await db.user.count({ where: { role: 'admin', disabledAt: null, id: { not: userId } } });
  if (others === 0)
    throw new ApiError('conflict', 'this is the last active administrator; make another one first', {
      reason: 'last_admin',
    });
}

async function visibleUser(db: Database, principal: Principal, id: string): Promise<UserRow> {
  const row = await db.user.findFirst({ where: { id, ...userVisibleTo(principal) }, include: userInclude });
  if (!row) throw ApiError.notFound('user', id);
  return row;
}

export const userRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/users',
    tag: 'users',
    summary:
      "Create a user: staff (admins any role; managers agents of their own departments) or a customer's user (admins)",
    roles: MANAGERS,
    body: createUserBody,
    status: 201,
    errors: [409, 422],
    response: userResponse,
    handler: async ({ body, principal, deps }) => {
      const db = deps.db;
      let vendorId = body.vendorId ?? null;
      if (principal.role === 'manager') {
        if (body.role !== 'agent') throw refuseManager('body.role', 'a manager creates agents only');
        if (body.seniorManager) throw refuseManager('body.seniorManager', 'only an admin names senior management');
        vendorId = body.vendorId ?? principal.vendorId;
        if (principal.vendorId && vendorId !== principal.vendorId)
          throw refuseManager('body.vendorId', 'a manager creates agents of their own vendor only');
        const ids = body.departmentIds ?? [];
        if (ids.length === 0)
          throw refuseManager(
            'body.departmentIds',
            'a manager creates agents in their own departments: name at least one',
          );
        const outside = ids.findIndex((id) => !principal.departmentIds.includes(id));
        if (outside >= 0) throw refuseManager(`body.departmentIds.${outside}`, 'not one of your departments');
      }
      if (vendorId && !(await db.vendor.findUnique({ where: { id: vendorId }, select: { id: true } })))
        throw unknownReference('body.vendorId', 'vendor', vendorId);
      if (
        body.customerId &&
        !(await db.customer.findUnique({ where: { id: body.customerId }, select: { id: true } }))
      ) {
        throw unknownReference('body.customerId', 'customer', body.customerId);
      }
      await checkDepartments(db, vendorId, body.departmentIds ?? []);
      const row = await writeOrConflict(
        db.user.create({
          data: {
            name: body.name,
            email: body.email ?? null,
            phone: body.phone ?? null,
            role: body.role,
            vendorId,
            customerId: body.customerId ?? null,
            passwordHash: body.password === undefined ? null : await hashPassword(body.password),
            seniorManager: body.seniorManager ?? false,
            departments: { create: (body.departmentIds ?? []).map((departmentId) => ({ departmentId })) },
          },
          include: userInclude,
        }),
        EMAIL_TAKEN,
      );
      return presentUser(row);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/users',
    tag: 'users',
    summary: "List users (admins: everyone; managers: their vendor's staff), oldest first",
    roles: MANAGERS,
    query: listQuery,
    response: z.object({ items: z.array(userResponse), nextCursor: z.string().nullable() }),
    handler: async ({ query, principal, deps }) => {
      const where: Prisma.UserWhereInput = {
        AND: [
          userVisibleTo(principal),
          query.role ? { role: query.role } : {},
          query.vendorId ? { vendorId: query.vendorId } : {},
          query.customerId ? { customerId: query.customerId } : {},
          query.departmentId ? { departments: { some: { departmentId: query.departmentId } } } : {},
          query.q
            ? {
                OR: [
                  { name: { contains: query.q, mode: 'insensitive' } },
                  { email: { contains: query.q, mode: 'insensitive' } },
                ],
              }
            : {},
          afterCursor(query.cursor),
        ],
      };
      const rows = await deps.db.user.findMany({
        where,
        orderBy: oldestFirst(),
        take: query.limit + 1,
        include: userInclude,
      });
      const page = paged(rows, query.limit);
      return { items: page.rows.map(presentUser), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/users/:id',
    tag: 'users',
    summary: 'One user',
    roles: MANAGERS,
    params: idParams,
    response: userResponse,
    handler: async ({ params, principal, deps }) => presentUser(await visibleUser(deps.db, principal, params.id)),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/users/:id',
    tag: 'users',
    summary: 'Change a user (admins: anyone; managers: the agents of their own departments, not their role or vendor)',
    roles: MANAGERS,
    params: idParams,
    body: updateUserBody,
    errors: [409, 422],
    response: userResponse,
    handler: async ({ params, body, principal, deps }) => {
      const db = deps.db;
      const existing = await visibleUser(db, principal, params.id);
      if (!mayManage(principal, existing))
        throw new ApiError('forbidden', 'a manager changes only the agents of their own departments', {
          reason: 'outside_your_departments',
        });
      if (principal.role === 'manager') {
        if (body.role !== undefined) throw refuseManager('body.role', 'only an admin changes roles');
        if (body.vendorId !== undefined) throw refuseManager('body.vendorId', 'only an admin changes vendors');
        if (body.seniorManager !== undefined)
          throw refuseManager('body.seniorManager', 'only an admin names senior management');
        const outside = (body.departmentIds ?? []).findIndex((id) => !principal.departmentIds.includes(id));
        if (outside >= 0) throw refuseManager(`body.departmentIds.${outside}`, 'not one of your departments');
        if (body.departmentIds?.length === 0)
          throw refuseManager('body.departmentIds', 'an agent you manage stays in at least one of your departments');
      }
      if (
        existing.role === 'customer' &&
        (body.role !== undefined || body.vendorId != null || body.departmentIds?.length || body.seniorManager)
      ) {
        throw new ApiError('unprocessable', 'a customer user has no staff role, vendor or departments', {
          invalidFields: [{ field: 'body.role', reason: 'a customer user stays a customer user' }],
        });
      }
      const vendorId = body.vendorId !== undefined ? body.vendorId : existing.vendorId;
      if (body.vendorId && !(await db.vendor.findUnique({ where: { id: body.vendorId }, select: { id: true } })))
        throw unknownReference('body.vendorId', 'vendor', body.vendorId);
      const departmentIds =
        body.departmentIds ??
        (body.vendorId !== undefined && body.vendorId !== existing.vendorId
          ? []
          : existing.departments.map((d) => d.department.id));
      await checkDepartments(db, vendorId, departmentIds);
      if (existing.role === 'admin' && ((body.role !== undefined && body.role !== 'admin') || body.disabled === true))
        await keepAnAdmin(db, existing.id);
      const disabling = body.disabled === true && existing.disabledAt === null;
      const row = await writeOrConflict(
        db.$transaction(async (tx) => {
          if (body.departmentIds !== undefined || body.vendorId !== undefined) {
            await tx.userDepartment.deleteMany({ where: { userId: existing.id } });
            await tx.userDepartment.createMany({
              data: departmentIds.map((departmentId) => ({ userId: existing.id, departmentId })),
            });
          }
          // The user's keys act with the user's role; their rows follow it so the key listing tells the truth.
          if (body.role !== undefined)
            await tx.apiKey.updateMany({ where: { userId: existing.id }, data: { role: body.role } });
          return tx.user.update({
            where: { id: existing.id },
            data: {
              ...(body.name !== undefined && { name: body.name }),
              ...(body.email !== undefined && {
                email: body.email,
                ...(body.email === null && { passwordHash: null }),
              }),
              ...(body.phone !== undefined && { phone: body.phone }),
              ...(body.role !== undefined && { role: body.role }),
              ...(body.vendorId !== undefined && { vendorId: body.vendorId }),
              ...(body.seniorManager !== undefined && { seniorManager: body.seniorManager }),
              ...(body.disabled !== undefined && {
                disabledAt: body.disabled ? (existing.disabledAt ?? new Date()) : null,
              }),
            },
            include: userInclude,
          });
        }),
        EMAIL_TAKEN,
      );
      if (disabling) await endSessionsOf(db, existing.id);
      return presentUser(row);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/users/:id/password-reset',
    tag: 'users',
    summary:
      "Reset a user's password (admins): the given one or a generated one shown only in this answer; ends the user's sessions and lifts a lock-out",
    roles: ['admin'],
    params: idParams,
    body: z.strictObject({
      password: password.optional().describe('The new password; omitted, one is generated and answered once'),
    }),
    errors: [422],
    response: z.object({
      user: userResponse,
      password: z.string().nullable().describe('The generated password (null when you gave one); shown only here'),
    }),
    handler: async ({ params, body, deps }) => {
      const existing = await loadUser(deps.db, params.id);
      if (!existing) throw ApiError.notFound('user', params.id);
      if (!existing.email) {
        throw new ApiError(
          'unprocessable',
          'the user has no e-mail to sign in with; set one first (PATCH /v1/users/:id)',
          { invalidFields: [{ field: 'email', reason: 'the user has no e-mail' }] },
        );
      }
      const generated = body.password === undefined ? generatePassword() : null;
      const passwordHash = await hashPassword(body.password ?? generated!);
      const row = await deps.db.user.update({
        where: { id: existing.id },
        data: { passwordHash, failedSignIns: 0, lockedUntil: null },
        include: userInclude,
      });
      await endSessionsOf(deps.db, existing.id);
      return { user: presentUser(row), password: generated };
    },
  }),
];
