/**
 * Hours worked on tickets under an hourly package (Pasban rule 11): the agent records them (a
 * command, or with the resolution), they are billed against the contract's packages — at least
 * 30 minutes per ticket, at least 5 hours consumed each month, and a record that would take the
 * month's billed hours beyond 20% of the purchased hours is refused with that reason — and the
 * balance is readable by staff and by the customer.
 */

import type { Contract, Entitlement, EntitlementUse, Ticket } from '../../generated/prisma/client';
import { HOURLY_PACKAGE } from '../../store/eligibility';
import {
  billableMinutesForTicket,
  billedTicketsOf,
  hourlyBalance,
  hourlyPackageExpiry,
  type HourlyBalance,
} from '../../sla/entitlements';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';

export type Package = Entitlement & { uses: EntitlementUse[] };

/** Hours recorded on a ticket, and the contract's balance after them. */
export interface RecordedHours {
  ticketId: string;
  contractId: string;
  recordedMinutes: number;
  ticketWorkedMinutes: number;
  ticketBilledMinutes: number;
  balance: HourlyBalance;
}

export function balanceOf(
  packages: readonly Package[],
  fallbackPurchaseMs: number,
  asOfMs: number,
  extra: { minutes: number; reference: string } | null = null,
): HourlyBalance {
  const records = packages.flatMap((p) =>
    p.uses.map((u) => ({ atMs: u.usedAt.getTime(), minutes: u.amount, reference: u.reference })),
  );
  if (extra) records.push({ atMs: asOfMs, ...extra });
  return hourlyBalance({
    packages: packages.map((p) => ({
      id: p.id,
      purchasedAtMs: (p.purchasedAt ?? new Date(fallbackPurchaseMs)).getTime(),
      hours: p.quantity ?? 0,
    })),
    billedTickets: billedTicketsOf(records),
    asOfMs,
  });
}

export async function packagesOf(deps: AppDeps, contractId: string): Promise<Package[]> {
  return deps.db.entitlement.findMany({
    where: { contractId, kind: HOURLY_PACKAGE },
    include: { uses: { orderBy: { usedAt: 'asc' } } },
    orderBy: { purchasedAt: 'asc' },
  });
}

const refuse = (reason: string, message: string, field: string) =>
  new ApiError('unprocessable', message, { reason, invalidFields: [{ field, reason: message }] });

type TicketWithContract = Ticket & { contract: Contract };

/** Hours about to be recorded on a ticket, checked against the packages; `apply` writes them. */
export interface PlannedHours {
  ticket: TicketWithContract;
  minutes: number;
  apply: (note: string) => Promise<RecordedHours>;
}

/**
 * Checks `minutes` worked on `ticket` against its contract's hourly packages (rule 11) and answers
 * how to record them; refuses (422 naming `field`) without a package, beyond the month's 20% cap
 * or beyond the balance. Used by `POST /v1/tickets/:id/time` and by the resolve command.
 */
export async function planTicketHours(
  deps: AppDeps,
  ticket: TicketWithContract,
  minutes: number,
  field: string,
): Promise<PlannedHours> {
  const packages = await packagesOf(deps, ticket.contractId);
  if (packages.length === 0)
    throw refuse(
      'no_hourly_package',
      `contract ${ticket.contractId} has no hourly package: hours worked are billed only against one`,
      field,
    );
  const nowMs = Date.now();
  const reference = `ticket:${ticket.id}`;
  const workedBefore = packages
    .flatMap((p) => p.uses)
    .filter((u) => u.reference === reference)
    .reduce((sum, u) => sum + u.amount, 0);
  const workedAfter = workedBefore + minutes;
  const billedNow =
    billableMinutesForTicket(workedAfter) - (workedBefore > 0 ? billableMinutesForTicket(workedBefore) : 0);
  const start = ticket.contract.startsAt.getTime();
  const before = balanceOf(packages, start, nowMs);
  const after = balanceOf(packages, start, nowMs, { minutes, reference });
  if (after.requestedThisMonthMinutes > after.monthlyCapMinutes) {
    throw refuse(
      'monthly_hours_cap',
      `this would bill ${after.requestedThisMonthMinutes} minutes this month, beyond the cap of ${after.monthlyCapMinutes} minutes (20% of the purchased hours); ${before.requestedThisMonthMinutes} are billed so far`,
      field,
    );
  }
  if (billedNow > before.availableMinutes) {
    throw refuse(
      'hours_exhausted',
      `this would bill ${billedNow} minutes but ${before.availableMinutes} are left on contract ${ticket.contractId}`,
      field,
    );
  }
  const usable = packages.filter(
    (p) => hourlyPackageExpiry((p.purchasedAt ?? ticket.contract.startsAt).getTime()) > nowMs,
  );
  const drawFrom = usable[0] ?? packages[0]!;
  return {
    ticket,
    minutes,
    apply: async (note) => {
      await deps.db.entitlementUse.create({
        data: { entitlementId: drawFrom.id, amount: minutes, usedAt: new Date(nowMs), reference, note },
      });
      return {
        ticketId: ticket.id,
        contractId: ticket.contractId,
        recordedMinutes: minutes,
        ticketWorkedMinutes: workedAfter,
        ticketBilledMinutes: billableMinutesForTicket(workedAfter),
        balance: after,
      };
    },
  };
}
