import { unreachableBreachRecipients, type DepartmentContacts, type UnreachableRecipient } from '../sla/breach-readiness';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { readDefinition, UnreadableRow } from './json-columns';

export interface PlanReadiness extends UnreachableRecipient {
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
    for (const problem of unreachableBreachRecipients(readDefinition({ ...row, kind: 'ticket' }), await reachOf(db, department))) {
      problems.push({ planKey: row.key, productKey: contract.product.key, departmentId: department.id, departmentName: department.name, ...problem });
    }
  }
  return problems;
}

/**
 * How a department's manager is reached: a department with active manager users is reached through
 * them (activities/notifications/outbox.ts, `peopleFor`), so its manager's phone or e-mail counts
 * as on file when at least one of them has one; else the department's own columns.
 */
async function reachOf(db: Database, department: DepartmentContacts & { id: string }): Promise<DepartmentContacts> {
  const managers = await db.user.findMany({
    where: { role: 'manager', disabledAt: null, departments: { some: { departmentId: department.id } } },
    select: { phone: true, email: true },
  });
  if (managers.length === 0) return department;
  return {
    ...department,
    managerPhone: managers.find((m) => m.phone?.trim())?.phone ?? null,
    managerEmail: managers.find((m) => m.email?.trim())?.email ?? null,
  };
}

/** The start-up warning: one log line per plan and product whose breach notices would fail. */
export async function warnAboutUnreachableRecipients(db: Database, logger: Logger): Promise<void> {
  let problems: PlanReadiness[];
  try {
    problems = await breachRecipientProblems(db, Date.now());
  } catch (error) {
    // A plan whose terms cannot be read is a warning at start-up too, not a server that will not start.
    if (!(error instanceof UnreadableRow)) throw error;
    logger.warn({ table: error.table, id: error.id, column: error.column, issues: error.issues }, 'a plan in use has terms that cannot be read');
    return;
  }
  const byPlan = new Map<string, PlanReadiness[]>();
  for (const p of problems) byPlan.set(`${p.productKey} ${p.planKey}`, [...(byPlan.get(`${p.productKey} ${p.planKey}`) ?? []), p]);
  for (const [key, list] of byPlan) {
    const missing = [...new Set(list.map((p) => `${p.missing} of department ${p.departmentName}`))];
    logger.warn({ plan: key, priorities: [...new Set(list.map((p) => p.priority))], missing }, 'breach notices of a plan in use have no reachable recipient (GET /v1/readiness/breach-recipients)');
  }
}
