/**
 * What each caller may see, in one place. Staff see everything; a customer sees only what is
 * addressed to it:
 * - timelines (ticket events, claim and change-request timelines) without internal notes and
 *   internal events (SLA warnings, breaches and escalations, overdue alarms with their recipients);
 * - people as a role and a display name, never an API key's id (for everyone);
 * - outages only of products it holds a contract on, and of those not other customers' own;
 * - deadlines, not the staff's own timers: a ticket's next alarm (warnings and escalations to
 *   staff) and a claim's reminder to QA are null for it.
 */
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import { formatJalali } from '../sla/jalali';
import { roles, USER_ROLE_LABELS, type Principal } from './auth';
import { ApiError } from './errors';
import { concerning } from './outage-rows';
import { iso } from '../sla/iso';

export const actorRoles = [...roles, 'system'] as const;
export type ActorRole = (typeof actorRoles)[number];

export const actorResponse = z
  .object({ role: z.enum(actorRoles), name: z.string() })
  .describe('Who did it: the role and the display name of the API key that acted (the system for timers and recovery)');
export type Actor = z.infer<typeof actorResponse>;

export const ROLE_LABELS: Record<ActorRole, string> = { ...USER_ROLE_LABELS, system: 'Pasban' };

/** `agent:<key id>`, `system`, `system:recovery`: how workflows record who acted. */
function parseActor(actor: string): { role: ActorRole; keyId: string | null } {
  const [role = '', rest = ''] = actor.split(':', 2);
  if (!(actorRoles as readonly string[]).includes(role)) return { role: 'system', keyId: null };
  return { role: role as ActorRole, keyId: role === 'system' ? null : rest || null };
}

const KEY_ID = z.uuid();

/**
 * Presents recorded actors as `{ role, name }`: the person behind the key (the key's display name,
 * else its user's name) or the signed-in user (sessions record the user's id); one query each.
 */
export async function actorNames(
  db: Database,
  actors: (string | null | undefined)[],
): Promise<(actor: string | null) => Actor> {
  const keyIds = [
    ...new Set(
      actors
        .flatMap((a) => (a ? [parseActor(a).keyId] : []))
        .filter((id): id is string => id !== null && KEY_ID.safeParse(id).success),
    ),
  ];
  const keys =
    keyIds.length === 0
      ? []
      : await db.apiKey.findMany({
          where: { id: { in: keyIds } },
          select: { id: true, displayName: true, user: { select: { name: true } } },
        });
  const users =
    keyIds.length === 0
      ? []
      : await db.user.findMany({ where: { id: { in: keyIds } }, select: { id: true, name: true } });
  const names = new Map<string, string | null>([
    ...users.map((u) => [u.id, u.name] as const),
    ...keys.map((k) => [k.id, k.displayName ?? k.user.name] as const),
  ]);
  return (actor) => {
    if (!actor) return { role: 'system', name: ROLE_LABELS.system };
    const { role, keyId } = parseActor(actor);
    return { role, name: (keyId && names.get(keyId)) || ROLE_LABELS[role] };
  };
}

/** The event types of each timeline a customer sees; anything else (and anything new) is internal. */
const CUSTOMER_EVENTS = {
  ticket: new Set([
    'opened',
    'agent_replied',
    'customer_replied',
    'status_changed',
    'priority_changed',
    'assigned',
    'resolution_date_announced',
    'request_rejected',
    'fault_confirmed',
    'resolved',
    'reopened',
    'closed',
    'cancelled',
    'deadlines_recomputed',
  ]),
  claim: new Set(['received', 'acknowledged', 'reassessed', 'approved', 'rejected']),
  changeRequest: new Set([
    'opened',
    'rejected',
    'quoted',
    'quote_approved',
    'quote_declined',
    'delivery_committed',
    'customer_delay_recorded',
    'delivered',
    'defects_listed',
    'redelivered',
    'cancelled',
    'accepted',
    'invoiced',
    'quote_reminder',
    'quote_expired',
    'acceptance_period_lapsed',
  ]),
} as const;
export type Timeline = keyof typeof CUSTOMER_EVENTS;

/**
 * Fields of recorded event data that name who acted by key id; the event's actor says it already.
 * `updateId` (a claim decision's `<key id>:<command>:<Idempotency-Key>`) is kept for retries only.
 */
const ACTOR_FIELDS = new Set(['by', 'recordedBy', 'updateId']);

export const timelineEvent = z.object({
  sequence: z.number().int(),
  at: z.string(),
  atJalali: z.string(),
  actor: actorResponse,
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineEvent = z.infer<typeof timelineEvent>;

interface RecordedEvent {
  sequence: number;
  at: Date;
  actor: string;
  type: string;
  data: unknown;
}

/** Staff see the internal timers (a ticket's next alarm, a claim's QA reminder); a customer does not. */
export const seesInternals = (principal: Principal): boolean => principal.role !== 'customer';

export function mayCustomerSee(timeline: Timeline, type: string): boolean {
  return CUSTOMER_EVENTS[timeline].has(type);
}

/** A timeline as this caller may read it, oldest first. */
export async function presentTimeline(
  db: Database,
  principal: Principal,
  timeline: Timeline,
  events: RecordedEvent[],
): Promise<TimelineEvent[]> {
  const shown = principal.role === 'customer' ? events.filter((e) => mayCustomerSee(timeline, e.type)) : events;
  const nameOf = await actorNames(
    db,
    shown.map((e) => e.actor),
  );
  const personOf = await assigneeNames(db, shown);
  return shown.map((e) => ({
    sequence: e.sequence,
    at: iso(e.at),
    atJalali: formatJalali(e.at.getTime()),
    actor: nameOf(e.actor),
    type: e.type,
    data: {
      ...Object.fromEntries(
        Object.entries((e.data ?? {}) as Record<string, unknown>).filter(([key]) => !ACTOR_FIELDS.has(key)),
      ),
      ...personOf(e),
    },
  }));
}

/**
 * An `assigned` event records the people by user id (`from`, `to`; free text before assignees were
 * people): the timeline adds their names as `fromName` and `toName` (the text itself for free text).
 */
async function assigneeNames(
  db: Database,
  events: RecordedEvent[],
): Promise<(event: RecordedEvent) => Record<string, string | null>> {
  const assigned = events.filter((e) => e.type === 'assigned');
  const field = (e: RecordedEvent, key: 'from' | 'to') => {
    const value = (e.data as Record<string, unknown> | null)?.[key];
    return typeof value === 'string' ? value : null;
  };
  const ids = [
    ...new Set(
      assigned
        .flatMap((e) => [field(e, 'from'), field(e, 'to')])
        .filter((v): v is string => v !== null && KEY_ID.safeParse(v).success),
    ),
  ];
  const users =
    ids.length === 0 ? [] : await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const names = new Map(users.map((u) => [u.id, u.name]));
  const name = (value: string | null) => (value === null ? null : (names.get(value) ?? value));
  const none: Record<string, string | null> = {};
  return (e) => (e.type === 'assigned' ? { fromName: name(field(e, 'from')), toName: name(field(e, 'to')) } : none);
}

/** Outages a customer may see: of products it holds a contract on, without other customers' own. */
export function outagesVisibleTo(principal: Principal): Prisma.OutageWhereInput {
  if (principal.role !== 'customer') return inWorkScope(principal);
  const customerId = principal.customerId;
  if (!customerId) throw new ApiError('forbidden', 'this customer key names no customer account');
  return { product: { contracts: { some: { customerId } } }, AND: [concerning(customerId)] };
}

/**
 * The customer whose view of a product's outages is asked for (null for staff, who see all).
 * A customer without a contract on the product sees none of its outages: the product is
 * "not found" for it, as `GET /v1/outages/:id` is for each of them.
 */
export async function outageViewerOf(
  db: Database,
  principal: Principal,
  product: { id: string },
  asked: string,
): Promise<string | null> {
  if (principal.role !== 'customer') return null;
  const customerId = principal.customerId;
  if (!customerId) throw new ApiError('forbidden', 'this customer key names no customer account');
  const contract = await db.contract.findFirst({ where: { customerId, productId: product.id }, select: { id: true } });
  if (!contract) throw ApiError.notFound('product', asked);
  return customerId;
}

/**
 * The products whose work a staff member sees and acts on: their own vendor's, and a manager's
 * of their own departments when they have any. Admins, customers (scoped by account instead) and
 * staff of no vendor (keys made before users had vendors) are not narrowed: undefined.
 */
export function workProducts(principal: Principal): Prisma.ProductWhereInput | undefined {
  if (principal.role === 'admin' || principal.role === 'customer' || principal.via === 'public') return undefined;
  const where: Prisma.ProductWhereInput = {};
  if (principal.vendorId) where.vendorId = principal.vendorId;
  if (principal.role === 'manager' && principal.departmentIds.length > 0)
    where.departmentId = { in: principal.departmentIds };
  return Object.keys(where).length > 0 ? where : undefined;
}

/** A where clause on records with a product (tickets, claims, change requests, outages): the caller's work only. */
export function inWorkScope(principal: Principal): { product?: Prisma.ProductWhereInput } {
  const products = workProducts(principal);
  return products ? { product: products } : {};
}

/** Another vendor's (or department's) record is "not found" for staff, exactly like one that never existed. */
export async function assertInWorkScope(
  db: Database,
  principal: Principal,
  productId: string,
  what: string,
  id: string,
): Promise<void> {
  const products = workProducts(principal);
  if (!products) return;
  const found = await db.product.findFirst({ where: { AND: [{ id: productId }, products] }, select: { id: true } });
  if (!found) throw ApiError.notFound(what, id);
}
