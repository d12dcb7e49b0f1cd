/**
 * Users as the API presents them, and the rules of who may manage whom: admins manage everyone;
 * a manager manages the agents of their own vendor and departments (creates them in those
 * departments, edits them, lists their vendor's staff).
 */
import { z } from 'zod';
import type { Database } from '../platform/database';
import { roles, type Principal } from './auth';
import { ApiError } from './errors';
import { iso } from '../sla/iso';

export const departmentRef = z.object({ id: z.uuid(), name: z.string() });

/** A user as a session shows it (the console's "who am I"). */
export const sessionUserResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(roles),
  vendorId: z
    .uuid()
    .nullable()
    .describe('Staff: the vendor whose work they see; null for customers (and for staff of every vendor)'),
  customerId: z.uuid().nullable().describe('Customer users: the one customer account they act for'),
  departments: z.array(departmentRef).describe('Staff: the departments they belong to'),
});

export const userResponse = sessionUserResponse.extend({
  seniorManager: z
    .boolean()
    .describe('Staff: senior management of their vendor (escalations to senior management reach them)'),
  phone: z.string().nullable(),
  canSignIn: z.boolean().describe("The user has a password (set at creation or by an admin's reset)"),
  lockedUntil: z.string().nullable().describe('Sign-in is locked until then after repeated wrong passwords'),
  disabledAt: z.string().nullable().describe('A disabled user can neither sign in nor use their API keys'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserResponse = z.infer<typeof userResponse>;

export const userInclude = { departments: { select: { department: { select: { id: true, name: true } } } } } as const;

export interface UserRow {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: (typeof roles)[number];
  vendorId: string | null;
  customerId: string | null;
  seniorManager: boolean;
  passwordHash: string | null;
  lockedUntil: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  departments: { department: { id: string; name: string } }[];
}

const departmentsOf = (row: UserRow) =>
  row.departments.map((d) => d.department).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

export function presentSessionUser(row: UserRow): z.infer<typeof sessionUserResponse> {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    vendorId: row.vendorId,
    customerId: row.customerId,
    departments: departmentsOf(row),
  };
}

export function presentUser(row: UserRow): UserResponse {
  return {
    ...presentSessionUser(row),
    seniorManager: row.seniorManager,
    phone: row.phone,
    canSignIn: row.passwordHash !== null,
    lockedUntil: row.lockedUntil && row.lockedUntil.getTime() > Date.now() ? iso(row.lockedUntil) : null,
    disabledAt: row.disabledAt ? iso(row.disabledAt) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export async function loadUser(db: Database, id: string): Promise<UserRow | null> {
  return db.user.findUnique({ where: { id }, include: userInclude });
}

/** A user a manager may manage: an agent in one of the manager's departments (of the manager's vendor). */
export function mayManage(
  principal: Principal,
  user: { role: string; vendorId: string | null; departments: { department: { id: string } }[] },
): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role !== 'manager' || user.role !== 'agent') return false;
  if (principal.vendorId !== null && user.vendorId !== principal.vendorId) return false;
  return user.departments.some((d) => principal.departmentIds.includes(d.department.id));
}

/** A user the caller may see: admins every user, managers their vendor's staff (every vendor's for a manager without one). */
export function userVisibleTo(principal: Principal): object {
  if (principal.role === 'admin') return {};
  return { role: { in: ['agent', 'qa', 'manager'] }, ...(principal.vendorId ? { vendorId: principal.vendorId } : {}) };
}

export const refuseManager = (field: string, reason: string) =>
  new ApiError('forbidden', `${field}: ${reason}`, {
    invalidFields: [{ field, reason }],
    reason: 'outside_your_departments',
  });
