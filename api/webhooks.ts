/**
 * Webhook subscriptions at the HTTP edge: who sees which subscription, what may be subscribed to,
 * and how a subscription and its deliveries read. Routes are in api/routes/webhooks.ts.
 */
import type { Prisma, WebhookSubscription } from '../generated/prisma/client';
import { destinationPolicy, refuseUrl } from '../activities/webhooks/destination';
import type { Principal } from './auth';
import type { AppDeps } from './deps';
import { ApiError } from './errors';
import { iso, isoOrNull } from '../sla/iso';

/** Customers see their account's subscriptions; managers and admins every one. */
export function subscriptionsVisibleTo(principal: Principal): Prisma.WebhookSubscriptionWhereInput {
  if (principal.role === 'customer') {
    if (!principal.customerId) throw new ApiError('forbidden', 'this customer key names no customer account');
    return { customerId: principal.customerId };
  }
  const vendorId = ownVendorOf(principal);
  return vendorId ? { vendorId } : {};
}

/**
 * The vendor a staff member's subscriptions are bound to: a manager's own (they hear only their
 * vendor's events, as they see only its work); null for admins and for staff of no vendor.
 */
export function ownVendorOf(principal: Principal): string | null {
  return principal.role === 'customer' || principal.role === 'admin' ? null : principal.vendorId;
}

export async function getSubscriptionOrThrow(
  deps: AppDeps,
  id: string,
  principal: Principal,
): Promise<WebhookSubscription> {
  const row = await deps.db.webhookSubscription.findFirst({ where: { id, ...subscriptionsVisibleTo(principal) } });
  if (!row) throw ApiError.notFound('webhook subscription', id);
  return row;
}

const invalid = (field: string, reason: string) =>
  new ApiError('validation_failed', `${field}: ${reason}`, { invalidFields: [{ field, reason }] });

/** 400 naming body.url when the URL may not receive webhooks here (scheme, credentials, private address). */
export function checkDestination(deps: AppDeps, url: string): void {
  const reason = refuseUrl(url, destinationPolicy(deps.config));
  if (reason) throw invalid('body.url', reason);
}

/** SLA alarms are internal: a customer's timeline never shows them, nor do its webhooks. */
export const STAFF_ONLY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ticket.warning',
  'ticket.breached',
  'ticket.escalated',
]);

export function checkEventTypes(eventTypes: readonly string[], customerId: string | null): void {
  const index = customerId ? eventTypes.findIndex((type) => STAFF_ONLY_EVENT_TYPES.has(type)) : -1;
  if (index >= 0)
    throw invalid(`body.eventTypes.${index}`, 'is for staff only: SLA warnings, breaches and escalations are internal');
}

/**
 * The products a filter names must exist and be within the subscriber's scope: a customer's
 * contracts, or the vendor's products. A customer can never name another account's objects:
 * what reaches it is scoped by its account in any case (the triggers match on it).
 */
export async function checkProducts(
  deps: AppDeps,
  productIds: readonly string[],
  scope: { customerId: string | null; vendorId: string | null },
): Promise<void> {
  if (productIds.length === 0) return;
  const found = await deps.db.product.findMany({
    where: {
      id: { in: [...productIds] },
      ...(scope.vendorId && { vendorId: scope.vendorId }),
      ...(scope.customerId && { contracts: { some: { customerId: scope.customerId } } }),
    },
    select: { id: true },
  });
  const known = new Set(found.map((p) => p.id));
  const index = productIds.findIndex((id) => !known.has(id));
  if (index >= 0) {
    throw invalid(
      `body.productIds.${index}`,
      scope.customerId
        ? 'is not a product your account has a contract for'
        : scope.vendorId
          ? "is not one of the vendor's products"
          : 'does not exist',
    );
  }
}

export function presentSubscription(row: WebhookSubscription) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    productIds: row.productIds,
    priorities: row.priorities,
    customerId: row.customerId,
    vendorId: row.vendorId,
    ownerKeyId: row.ownerKeyId,
    status: row.status,
    statusNote: row.statusNote,
    failingSince: isoOrNull(row.failingSince),
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date() ? iso(row.previousSecretExpiresAt) : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}
