/**
 * The routes of hours worked on tickets (rule 11): record them, read a contract's balance. The
 * billing itself is ../services/ticket-hours.
 */
import { z } from 'zod';
import { hourlyPackageCarryOver, hourlyPackageExpiry, type HourlyBalance } from '../../sla/entitlements';
import { ApiError } from '../errors';
import { assertInWorkScope } from '../visibility';
import { defineRoute, idParams, Reply } from '../route';
import { iso } from '../../sla/iso';
import { balanceOf, packagesOf, planTicketHours } from '../services/ticket-hours';

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
      const recorded = await planned.apply(body.note ?? `recorded by ${principal.role}:${principal.keyId}`);
      return new Reply(201, { ...recorded, balance: present(recorded.balance) });
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
