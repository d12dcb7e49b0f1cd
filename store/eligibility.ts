import {
  decideEligibility,
  type Contract,
  type ContractUsage,
  type Eligibility,
  type RequestKind,
} from '../sla/eligibility';
import { billedTicketsOf, hourlyBalance, quotaMonthOf } from '../sla/entitlements';
import type { Database } from '../platform/database';
import { loadPolicyLookup } from './sla-config';

/** Entitlement kind of a purchased hourly package (quantity = hours). */
export const HOURLY_PACKAGE = 'hourly_package';

/**
 * Gathers what the pure eligibility decision needs for one customer and product: the contracts,
 * this Jalali month's ticket count, hourly balances, and the plans' terms.
 */
export async function checkEligibility(
  db: Database,
  request: { kind: RequestKind; customerId: string; productId: string; nowMs: number; outageEndedAtMs?: number },
): Promise<Eligibility> {
  const product = await db.product.findUniqueOrThrow({ where: { id: request.productId } });
  const rows = await db.contract.findMany({
    where: { customerId: request.customerId, productId: request.productId },
    include: { policy: true, entitlements: { where: { kind: HOURLY_PACKAGE }, include: { uses: true } } },
    orderBy: { startsAt: 'desc' },
  });
  const month = quotaMonthOf(request.nowMs);
  const usage: Record<string, ContractUsage> = {};
  const contracts: Contract[] = [];
  for (const row of rows) {
    const hourly = row.entitlements.length > 0;
    contracts.push({
      id: row.id,
      policyKey: row.policy.key,
      startsAtMs: row.startsAt.getTime(),
      endsAtMs: row.endsAt.getTime(),
      paid: row.paid,
      billing: hourly ? 'hourly' : 'plan',
    });
    const ticketsThisMonth = await db.ticket.count({
      where: { contractId: row.id, openedAt: { gte: new Date(month.startMs), lt: new Date(month.endMs) } },
    });
    usage[row.id] = {
      ticketsThisMonth,
      ...(hourly && {
        hourly: hourlyBalance({
          packages: row.entitlements.map((e) => ({
            id: e.id,
            purchasedAtMs: (e.purchasedAt ?? row.startsAt).getTime(),
            hours: e.quantity ?? 0,
          })),
          billedTickets: billedTicketsOf(
            row.entitlements.flatMap((e) =>
              e.uses.map((u) => ({ atMs: u.usedAt.getTime(), minutes: u.amount, reference: u.reference })),
            ),
          ),
          asOfMs: request.nowMs,
        }),
      }),
    };
  }
  return decideEligibility({
    kind: request.kind,
    nowMs: request.nowMs,
    product: { endOfSupportAt: product.endOfSupportAt?.getTime() ?? null },
    contracts,
    usage,
    policies: await loadPolicyLookup(
      db,
      rows.map((r) => r.policy.key),
    ),
    ...(request.outageEndedAtMs !== undefined && { outageEndedAtMs: request.outageEndedAtMs }),
  });
}
