import { z } from 'zod';
import type { Contract, Entitlement, EntitlementUse, Ticket } from '../../generated/prisma/client';
import { HOURLY_PACKAGE } from '../../store/eligibility';
import {
  billableMinutesForTicket,
  billedTicketsOf,
  hourlyBalance,
  hourlyPackageCarryOver,
  hourlyPackageExpiry,
  type HourlyBalance,
} from '../../sla/entitlements';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { assertInWorkScope } from '../visibility';
import { defineRoute, idParams, Reply } from '../route';
import { iso } from '../../sla/iso';

/**
 * Hours worked on tickets under an hourly package (Pasban rule 11): the agent records them (a
 * command, or with the resolution), they are billed against the contract's packages — at least
 * 30 minutes per ticket, at least 5 hours consumed each month, and a record that would take the
 * month's billed hours beyond 20% of the purchased hours is refused with that reason — and the
 * balance is readable by staff and by the customer.
 */

type Package = Entitlement & { uses: EntitlementUse[] };

const balanceResponse = z.object({
  availableMinutes: z.number(),
  chargedMinutes: z
    .number()
    .describe('Consumed so far: each finished month at least 5 hours, the current month what was billed'),
  expiredMinutes: z.number(),
  billedThisMonthMinutes: z.number(),
  monthlyCapMinutes: z.number().describe('20% of the purchased hours of the packages in use'),
});

const hoursResponse = z.object({
  contractId: z.uuid(),
  asOf: z.string(),
  balance: balanceResponse,
  packages: z.array(
    z.object({
      id: z.uuid(),
      hours: z.number(),
      purchasedAt: z.string(),
      expiresAt: z.string(),
      carriesOver: z
        .boolean()
        .describe('Bought in Dey, Bahman or Esfand: the remaining hours move into the new year, re-priced at its rate'),
      repricedFrom: z.string().nullable(),
    }),
  ),
  records: z.array(
    z.object({
      id: z.uuid(),
      at: z.string(),
      minutes: z.number(),
      ticketId: z.uuid().nullable(),
      note: z.string().nullable(),
    }),
  ),
});

const recordTimeBody = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .describe('Minutes worked, whole'),
  note: z.string().trim().min(1).max(500).optional(),
});

const recordTimeResponse = z.object({
  ticketId: z.uuid(),
  contractId: z.uuid(),
  recordedMinutes: z.number(),
  ticketWorkedMinutes: z.number(),
  ticketBilledMinutes: z.number().describe('At least 30 minutes per ticket'),
  balance: balanceResponse,
});

const present = (b: HourlyBalance) => ({
  availableMinutes: b.availableMinutes,
  chargedMinutes: b.chargedMinutes,
  expiredMinutes: b.expiredMinutes,
  billedThisMonthMinutes: b.requestedThisMonthMinutes,
  monthlyCapMinutes: b.monthlyCapMinutes,
});

function balanceOf(
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

async function packagesOf(deps: AppDeps, contractId: string): Promise<Package[]> {
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
  apply: (note: string) => Promise<z.infer<typeof recordTimeResponse>>;
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
        balance: present(after),
      };
    },
  };
}

export const hoursRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/tickets/:id/time',
    tag: 'tickets',
    summary:
      "Record hours worked on a ticket, billed against the contract's hourly packages (at least 30 minutes a ticket; refused beyond the month's 20% cap or the balance)",
    roles: ['agent', 'manager', 'admin'],
    params: idParams,
    body: recordTimeBody,
    status: 201,
    errors: [422],
    response: recordTimeResponse,
    handler: async ({ params, body, deps, principal }) => {
      const ticket = await deps.db.ticket.findUnique({ where: { id: params.id }, include: { contract: true } });
      if (!ticket) throw ApiError.notFound('ticket', params.id);
      await assertInWorkScope(deps.db, principal, ticket.productId, 'ticket', params.id);
      const planned = await planTicketHours(deps, ticket, body.minutes, 'body.minutes');
      return new Reply(201, await planned.apply(body.note ?? `recorded by ${principal.role}:${principal.keyId}`));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/contracts/:id/hours',
    tag: 'contracts',
    summary:
      "A contract's hourly packages: balance, this month's billed hours against the cap, expiry and carry-over, and every record",
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    params: idParams,
    response: hoursResponse,
    handler: async ({ params, deps, principal }) => {
      const contract = await deps.db.contract.findUnique({ where: { id: params.id } });
      if (!contract || (principal.role === 'customer' && contract.customerId !== principal.customerId))
        throw ApiError.notFound('contract', params.id);
      const packages = await packagesOf(deps, contract.id);
      const nowMs = Date.now();
      return {
        contractId: contract.id,
        asOf: iso(nowMs),
        balance: present(balanceOf(packages, contract.startsAt.getTime(), nowMs)),
        packages: packages.map((p) => {
          const purchasedAtMs = (p.purchasedAt ?? contract.startsAt).getTime();
          const carry = hourlyPackageCarryOver(purchasedAtMs);
          return {
            id: p.id,
            hours: p.quantity ?? 0,
            purchasedAt: iso(purchasedAtMs),
            expiresAt: iso(p.expiresAt?.getTime() ?? hourlyPackageExpiry(purchasedAtMs)),
            carriesOver: carry.carriesOver,
            repricedFrom: carry.repricedFromMs === null ? null : iso(carry.repricedFromMs),
          };
        }),
        records: packages
          .flatMap((p) => p.uses)
          .sort((a, b) => a.usedAt.getTime() - b.usedAt.getTime())
          .map((u) => ({
            id: u.id,
            at: iso(u.usedAt),
            minutes: u.amount,
            ticketId: u.reference?.startsWith('ticket:') ? u.reference.slice(7) : null,
            note: u.note,
          })),
      };
    },
  }),
];
