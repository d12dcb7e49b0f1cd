import {
  unreachableBreachRecipients,
  type DepartmentContacts,
  type UnreachableRecipient,
} from '../sla/breach-readiness';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { readDefinition, UnreadableRow } from './json-columns';

export interface PlanReadiness extends Omit<UnreachableRecipient, 'missing'> {
  /** The department field to fill in, or the phone or e-mail of the people reached instead (see `whatToFill`). */
  missing: string;
  planKey: string;
  productKey: string;
  departmentId: string;
  departmentName: string;
}

/** Every plan in use (a contract running now) whose breach notices have no reachable recipient. */
export async function breachRecipientProblems(db: Database, nowMs: number): Promise<PlanReadiness[]> {
  const contracts = await db.contract.findMany({
    where: { endsAt: { gt: new Date(nowMs) }, startsAt: { lte: new Date(nowMs) } },
    select: { policy: { select: { key: true } }, product: { select: { key: true, department: true } } },
    distinct: ['policyId', 'productId'],
  });
  const problems: PlanReadiness[] = [];
  for (const contract of contracts) {
    const row = await db.policy.findUnique({ where: { kind_key: { kind: 'ticket', key: contract.policy.key } } });
    if (!row) continue;
    const department = contract.product.department;
    const reach = await reachOf(db, department);
    for (const problem of unreachableBreachRecipients(readDefinition({ ...row, kind: 'ticket' }), reach.contacts)) {
      problems.push({
        planKey: row.key,
        productKey: contract.product.key,
        departmentId: department.id,
        departmentName: department.name,
        ...problem,
        missing: whatToFill(problem.missing, reach),
      });
    }
  }
  return problems;
}

interface Reach {
  contacts: DepartmentContacts;
  /** The people who are reached instead of the department's columns (none: the columns are used). */
  managers: string[];
  seniors: string[];
}

/**
 * How a department's manager and senior management are reached: a department with active manager
 * users is reached through them, and senior management through the vendor's active senior-management
 * users (activities/notifications/outbox.ts, `peopleFor`), so a phone or e-mail counts as on file
 * when at least one of them has one; else the department's own columns.
 */
async function reachOf(
  db: Database,
  department: DepartmentContacts & { id: string; vendorId: string },
): Promise<Reach> {
  const select = { name: true, phone: true, email: true } as const;
  const [managers, seniors] = await Promise.all([
    db.user.findMany({
      where: { role: 'manager', disabledAt: null, departments: { some: { departmentId: department.id } } },
      select,
      orderBy: { name: 'asc' },
    }),
    db.user.findMany({
      where: { seniorManager: true, disabledAt: null, vendorId: department.vendorId, role: { not: 'customer' } },
      select,
      orderBy: { name: 'asc' },
    }),
  ]);
  const phoneOf = (people: typeof managers) => people.find((m) => m.phone?.trim())?.phone ?? null;
  const emailOf = (people: typeof managers) => people.find((m) => m.email?.trim())?.email ?? null;
  return {
    contacts: {
      ...department,
      ...(managers.length > 0 && { managerPhone: phoneOf(managers), managerEmail: emailOf(managers) }),
      ...(seniors.length > 0 && { seniorManagerPhone: phoneOf(seniors), seniorManagerEmail: emailOf(seniors) }),
    },
    managers: managers.map((m) => m.name),
    seniors: seniors.map((m) => m.name),
  };
}

/**
 * What to fill in: the department's field when its columns are how the recipient is reached, else
 * the phone or e-mail of the people who are (e.g. "phone of a manager user: none of Ali, Sara has one").
 */
function whatToFill(field: keyof DepartmentContacts, reach: Reach): string {
  const senior = field.startsWith('senior');
  const people = senior ? reach.seniors : reach.managers;
  if (people.length === 0) return field;
  const address = field.endsWith('Phone') ? 'phone' : 'e-mail';
  return `${address} of a ${senior ? 'senior-management' : 'manager'} user: none of ${people.join(', ')} has one`;
}

/** The start-up warning: one log line per plan and product whose breach notices would fail. */
export async function warnAboutUnreachableRecipients(db: Database, logger: Logger): Promise<void> {
  let problems: PlanReadiness[];
  try {
    problems = await breachRecipientProblems(db, Date.now());
  } catch (error) {
    // A plan whose terms cannot be read is a warning at start-up too, not a server that will not start.
    if (!(error instanceof UnreadableRow)) throw error;
    logger.warn(
      { table: error.table, id: error.id, column: error.column, issues: error.issues },
      'a plan in use has terms that cannot be read',
    );
    return;
  }
  const byPlan = new Map<string, PlanReadiness[]>();
  for (const p of problems)
    byPlan.set(`${p.productKey} ${p.planKey}`, [...(byPlan.get(`${p.productKey} ${p.planKey}`) ?? []), p]);
  for (const [key, list] of byPlan) {
    const missing = [...new Set(list.map((p) => `${p.missing} of department ${p.departmentName}`))];
    logger.warn(
      { plan: key, priorities: [...new Set(list.map((p) => p.priority))], missing },
      'breach notices of a plan in use have no reachable recipient (GET /v1/readiness/breach-recipients)',
    );
  }
}
