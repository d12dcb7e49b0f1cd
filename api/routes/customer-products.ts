import { z } from 'zod';
import { PRIORITIES } from '../../sla/policy';
import { channelOffered, type TicketChannel } from '../../sla/entitlements';
import { checkEligibility } from '../../store/eligibility';
import { loadPolicyLookup } from '../../store/sla-config';
import { actingCustomerId } from '../auth';
import { ApiError } from '../errors';
import { defineRoute } from '../route';

const CHANNELS = ['portal', 'email', 'phone', 'api'] as const satisfies readonly TicketChannel[];

const productForTickets = z.object({
  productId: z.uuid(),
  productKey: z.string(),
  name: z.string(),
  nameFa: z.string().nullable(),
  plan: z
    .object({ key: z.string(), name: z.string() })
    .nullable()
    .describe(
      'The plan of the contract a new ticket would be opened under (or of the latest contract when none allows one)',
    ),
  priorities: z.array(z.enum(PRIORITIES)).describe('The priorities the plan sets targets for'),
  channels: z
    .array(z.enum(CHANNELS))
    .describe(
      'The channels the plan takes tickets through (rule 12: portal, e-mail and the API are its "ticket" channel)',
    ),
  eligible: z.boolean().describe('Whether POST /v1/tickets for this product would be accepted now'),
  refusal: z
    .object({
      reason: z.string().describe('The reason code POST /v1/tickets would answer (`reason` of its 422 problem)'),
      detail: z.string(),
    })
    .nullable(),
});

/**
 * What a customer may open a ticket about, and how: one row per product the customer has a
 * contract for, with the plan's priorities and channels and, when a ticket would be refused now
 * (no contract in force, unpaid, quota used up, end of support…), the reason POST /v1/tickets
 * would answer. The console's new-ticket form is built from it.
 */
export const customerProductRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/me/products',
    tag: 'tickets',
    summary:
      "The products a customer may open tickets about, with the plan's priorities and channels and whether a ticket would be accepted now",
    roles: ['customer', 'agent', 'manager', 'admin'],
    query: z.strictObject({
      customerId: z
        .uuid()
        .optional()
        .describe('Required for staff: the customer asked about (a customer key asks about its own account)'),
    }),
    errors: [400, 403],
    response: z.object({ items: z.array(productForTickets) }),
    handler: async ({ principal, query, deps }) => {
      const customerId = actingCustomerId(principal, query.customerId);
      if (!customerId) {
        throw new ApiError('validation_failed', 'query.customerId: required for staff', {
          invalidFields: [{ field: 'query.customerId', reason: 'required for staff' }],
        });
      }
      const contracts = await deps.db.contract.findMany({
        where: { customerId },
        include: { product: true, policy: true },
        orderBy: { startsAt: 'desc' },
      });
      const lookup = await loadPolicyLookup(
        deps.db,
        contracts.map((c) => c.policy.key),
      );
      const nowMs = Date.now();
      const seen = new Set<string>();
      const items: z.infer<typeof productForTickets>[] = [];
      for (const contract of contracts) {
        if (seen.has(contract.productId)) continue;
        seen.add(contract.productId);
        const eligibility = await checkEligibility(deps.db, {
          kind: 'ticket',
          customerId,
          productId: contract.productId,
          nowMs,
        });
        const policyKey = eligibility.ok ? eligibility.policyKey : contract.policy.key;
        const policy = lookup.ticketPolicy(policyKey);
        const entitlements = lookup.entitlements(policyKey);
        items.push({
          productId: contract.productId,
          productKey: contract.product.key,
          name: contract.product.name,
          nameFa: contract.product.nameFa ?? null,
          plan: policy ? { key: policyKey, name: policy.name } : null,
          priorities: policy ? PRIORITIES.filter((p) => policy.priorities[p] !== undefined) : [],
          // A plan without entitlement terms takes tickets through every channel, as POST /v1/tickets does.
          channels: CHANNELS.filter((channel) => !entitlements || channelOffered(entitlements, channel)),
          eligible: eligibility.ok,
          refusal: eligibility.ok ? null : { reason: eligibility.reason, detail: eligibility.detail },
        });
      }
      return { items };
    },
  }),
];
