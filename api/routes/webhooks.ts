import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PING_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from '../../activities/webhooks/event-types';
import { webhookBody } from '../../activities/webhooks/relay';
import { newWebhookSecret } from '../../activities/webhooks/signing';
import { PRIORITIES } from '../../sla/policy';
import { ApiError } from '../errors';
import { beforeCursor, paged } from '../paging';
import { defineRoute, idParams } from '../route';
import { distinctItems, isoInstant, timestamp } from '../schemas/common';
import { line } from '../text';
import {
  checkDestination,
  checkEventTypes,
  checkProducts,
  getSubscriptionOrThrow,
  ownVendorOf,
  presentSubscription,
  subscriptionsVisibleTo,
} from '../webhooks';
import { iso, isoOrNull } from '../../sla/iso';

const SUBSCRIBERS = ['customer', 'manager', 'admin'] as const;
const MAX_OVERLAP_MINUTES = 7 * 1440;
const MAX_REDELIVERY_DAYS = 31;

const eventType = z.enum(WEBHOOK_EVENT_TYPES);
// The URL's form is checked here, with the other fields; where it may point (scheme, credentials,
// private addresses) is checkDestination's, in the handler.
const url = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2000, 'must be at most 2000 characters')
  .refine((text) => URL.canParse(text), 'must be an absolute URL, e.g. https://example.ir/hooks');
const eventTypes = distinctItems(
  z.array(eventType).min(1, 'must name at least one event type').max(WEBHOOK_EVENT_TYPES.length),
  'an event type',
);
const productIds = distinctItems(z.array(z.uuid({ error: 'must be a UUID' })).max(100), 'a product');
const priorities = distinctItems(z.array(z.enum(PRIORITIES)).max(PRIORITIES.length), 'a priority');

const subscriptionStatus = z
  .enum(['active', 'paused', 'failing'])
  .describe(
    'active: delivering; paused: events wait until resumed; failing: a delivery failed for a day, events wait until resumed',
  );

const subscriptionResponse = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  productIds: z.array(z.uuid()).describe('Only events of these products; empty: every product'),
  priorities: z
    .array(z.enum(PRIORITIES))
    .describe('Only ticket events of these priorities (other objects have none); empty: every priority'),
  customerId: z
    .uuid()
    .nullable()
    .describe("The customer account whose events it receives; null: every account's (staff)"),
  vendorId: z.uuid().nullable().describe("Only this vendor's products; null: every vendor's"),
  ownerKeyId: z.uuid().nullable().describe('The API key that made it; its owner hears when it fails'),
  status: subscriptionStatus,
  statusNote: z.string().nullable(),
  failingSince: timestamp.nullable(),
  previousSecretExpiresAt: timestamp
    .nullable()
    .describe('Until then requests are signed with the previous secret too (after a rotation)'),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const secret = z.string().describe('The signing secret (whsec_…), shown only now: store it');

const createBody = z.strictObject({
  url: url.describe(
    'Where events are POSTed: https (http only outside production); no private or loopback address unless an administrator allows the host',
  ),
  eventTypes: eventTypes.describe('ticket.warning, ticket.breached and ticket.escalated are internal: staff only'),
  productIds: productIds.optional(),
  priorities: priorities.optional(),
  description: line(500).optional(),
  vendorId: z
    .uuid({ error: 'must be a UUID' })
    .optional()
    .describe("Admins: only this vendor's products; a manager's subscription is always its own vendor's"),
});

const updateBody = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    productIds: productIds.optional(),
    priorities: priorities.optional(),
    description: line(500).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'must change at least one field', path: [] });

const rotateBody = z.strictObject({
  overlapMinutes: z
    .number()
    .int()
    .min(0)
    .max(MAX_OVERLAP_MINUTES)
    .optional()
    .describe(`How long the previous secret keeps signing too (default 1440, at most ${MAX_OVERLAP_MINUTES})`),
});

const redeliverBody = z
  .strictObject({
    eventId: z.uuid({ error: 'must be a UUID' }).optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .superRefine((b, ctx) => {
    const range = b.from !== undefined || b.to !== undefined;
    if ((b.eventId !== undefined) === range)
      ctx.addIssue({ code: 'custom', message: 'give either eventId or from and to', path: ['eventId'] });
    else if (range && (b.from === undefined || b.to === undefined))
      ctx.addIssue({ code: 'custom', message: 'give both from and to', path: [b.from === undefined ? 'from' : 'to'] });
    else if (range && Date.parse(b.to!) <= Date.parse(b.from!))
      ctx.addIssue({ code: 'custom', message: 'must be after from', path: ['to'] });
    else if (range && Date.parse(b.to!) - Date.parse(b.from!) > MAX_REDELIVERY_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_REDELIVERY_DAYS} days after from`, path: ['to'] });
    }
  });

const deliveryStatus = z
  .enum(['pending', 'delivered', 'failed'])
  .describe(
    'pending: waiting for its (next) try; delivered: the receiver answered 2xx; failed: given up after a day of tries',
  );

const deliveryResponse = z.object({
  id: z.uuid(),
  eventId: z.uuid().describe('Sent as webhook-id, the same on every try and redelivery'),
  eventType: z.string(),
  objectType: z.string(),
  objectId: z.uuid(),
  occurredAt: timestamp,
  status: deliveryStatus,
  attemptCount: z.number().int(),
  nextAttemptAt: timestamp.nullable(),
  deliveredAt: timestamp.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  body: z.string().describe('The request body sent'),
  attempts: z.array(
    z.object({
      at: timestamp,
      ok: z.boolean(),
      statusCode: z.number().int().nullable(),
      durationMs: z.number().int(),
      error: z.string().nullable(),
      responseBody: z.string().nullable().describe("The start of the receiver's answer"),
    }),
  ),
});

const deliveriesQuery = z.strictObject({
  status: deliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export const webhookRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary:
      "Subscribe a URL to events: a customer for its own account's, a manager for its vendor's, an admin for every vendor's (or one's); the secret is shown once",
    roles: SUBSCRIBERS,
    body: createBody,
    status: 201,
    response: subscriptionResponse.extend({ secret }),
    handler: async ({ body, principal, deps }) => {
      const customerId = principal.role === 'customer' ? principal.customerId : null;
      if (principal.role === 'customer' && !customerId)
        throw new ApiError('forbidden', 'this customer key names no customer account');
      if (principal.role === 'customer' && body.vendorId)
        throw new ApiError('validation_failed', 'body.vendorId: is for staff only', {
          invalidFields: [{ field: 'body.vendorId', reason: 'is for staff only' }],
        });
      const ownVendor = ownVendorOf(principal);
      if (ownVendor && body.vendorId && body.vendorId !== ownVendor) {
        throw new ApiError('validation_failed', 'body.vendorId: must be your own vendor', {
          invalidFields: [{ field: 'body.vendorId', reason: 'must be your own vendor' }],
        });
      }
      if (body.vendorId && !(await deps.db.vendor.findUnique({ where: { id: body.vendorId }, select: { id: true } }))) {
        throw new ApiError('validation_failed', 'body.vendorId: does not exist', {
          invalidFields: [{ field: 'body.vendorId', reason: 'does not exist' }],
        });
      }
      const vendorId = ownVendor ?? body.vendorId ?? null;
      checkDestination(deps, body.url);
      checkEventTypes(body.eventTypes, customerId);
      await checkProducts(deps, body.productIds ?? [], { customerId, vendorId });
      const row = await deps.db.webhookSubscription.create({
        data: {
          url: body.url,
          description: body.description ?? null,
          eventTypes: body.eventTypes,
          productIds: body.productIds ?? [],
          priorities: body.priorities ?? [],
          customerId,
          vendorId,
          ownerKeyId: z.uuid().safeParse(principal.keyId).success ? principal.keyId : null,
          secret: newWebhookSecret(),
        },
      });
      deps.logger.info({ subscriptionId: row.id, keyId: principal.keyId }, 'webhook subscription made');
      return { ...presentSubscription(row), secret: row.secret };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary: "The webhook subscriptions you may see (a customer: its account's), newest first",
    roles: SUBSCRIBERS,
    response: z.object({ items: z.array(subscriptionResponse) }),
    handler: async ({ principal, deps }) => {
      const rows = await deps.db.webhookSubscription.findMany({
        where: subscriptionsVisibleTo(principal),
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: 500,
      });
      return { items: rows.map(presentSubscription) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id',
    tag: 'webhooks',
    summary: 'One webhook subscription (never its secret)',
    roles: SUBSCRIBERS,
    params: idParams,
    response: subscriptionResponse,
    handler: async ({ params, principal, deps }) =>
      presentSubscription(await getSubscriptionOrThrow(deps, params.id, principal)),
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/webhooks/:id',
    tag: 'webhooks',
    summary: "Change a subscription's URL, event types, filter or description",
    roles: SUBSCRIBERS,
    params: idParams,
    body: updateBody,
    response: subscriptionResponse,
    handler: async ({ params, body, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      if (body.url !== undefined) checkDestination(deps, body.url);
      if (body.eventTypes) checkEventTypes(body.eventTypes, row.customerId);
      if (body.productIds)
        await checkProducts(deps, body.productIds, { customerId: row.customerId, vendorId: row.vendorId });
      const updated = await deps.db.webhookSubscription.update({
        where: { id: row.id },
        data: {
          ...(body.url !== undefined && { url: body.url }),
          ...(body.eventTypes && { eventTypes: body.eventTypes }),
          ...(body.productIds && { productIds: body.productIds }),
          ...(body.priorities && { priorities: body.priorities }),
          ...(body.description !== undefined && { description: body.description }),
        },
      });
      return presentSubscription(updated);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/webhooks/:id',
    tag: 'webhooks',
    summary: 'Delete a subscription; its waiting deliveries and its log go with it',
    roles: SUBSCRIBERS,
    params: idParams,
    status: 204,
    response: z.undefined(),
    handler: async ({ params, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      await deps.db.webhookSubscription.delete({ where: { id: row.id } });
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/pause',
    tag: 'webhooks',
    summary: 'Pause deliveries: events keep being queued and are delivered, in order, when resumed',
    roles: SUBSCRIBERS,
    params: idParams,
    response: subscriptionResponse,
    handler: async ({ params, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      return presentSubscription(
        await deps.db.webhookSubscription.update({
          where: { id: row.id },
          data: { status: 'paused', statusNote: null },
        }),
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/resume',
    tag: 'webhooks',
    summary: 'Resume a paused or failing subscription: everything waiting, and what failed, is delivered now, in order',
    roles: SUBSCRIBERS,
    params: idParams,
    response: subscriptionResponse,
    handler: async ({ params, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      const now = new Date();
      const [updated] = await deps.db.$transaction([
        deps.db.webhookSubscription.update({
          where: { id: row.id },
          data: { status: 'active', statusNote: null, failingSince: null },
        }),
        deps.db.webhookDelivery.updateMany({
          where: { subscriptionId: row.id, status: { in: ['pending', 'failed'] } },
          data: { status: 'pending', nextAttemptAt: now, firstAttemptAt: null },
        }),
      ]);
      return presentSubscription(updated);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/rotate-secret',
    tag: 'webhooks',
    summary:
      'A new signing secret (shown once); the previous one keeps signing too for the overlap, so receivers can switch without losing a request',
    roles: SUBSCRIBERS,
    params: idParams,
    body: rotateBody,
    response: subscriptionResponse.extend({ secret }),
    handler: async ({ params, body, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      const overlapMs = (body.overlapMinutes ?? 1440) * 60_000;
      const updated = await deps.db.webhookSubscription.update({
        where: { id: row.id },
        data: {
          secret: newWebhookSecret(),
          previousSecret: row.secret,
          previousSecretExpiresAt: new Date(Date.now() + overlapMs),
        },
      });
      deps.logger.info({ subscriptionId: row.id, keyId: principal.keyId, overlapMs }, 'webhook secret rotated');
      return { ...presentSubscription(updated), secret: updated.secret };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/ping',
    tag: 'webhooks',
    summary: `Send a test event (${PING_EVENT_TYPE}) to this subscription only; its delivery shows in the log`,
    roles: SUBSCRIBERS,
    params: idParams,
    status: 202,
    response: z.object({ eventId: z.uuid(), deliveryId: z.uuid() }),
    handler: async ({ params, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      await deps.db.$transaction(async (tx) => {
        const event = await tx.webhookEvent.create({
          data: {
            id: eventId,
            type: PING_EVENT_TYPE,
            objectType: 'webhook',
            objectId: row.id,
            occurredAt: new Date(),
            data: { subscriptionId: row.id },
          },
        });
        await tx.webhookDelivery.create({
          data: {
            id: deliveryId,
            subscriptionId: row.id,
            eventId,
            eventSeq: event.seq,
            objectKey: `webhook:${row.id}`,
          },
        });
      });
      return { eventId, deliveryId };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/webhooks/:id/deliveries',
    tag: 'webhooks',
    summary:
      "The subscription's delivery log, newest first: every try with its status code, time and the receiver's answer, and the body sent",
    roles: SUBSCRIBERS,
    params: idParams,
    query: deliveriesQuery,
    response: z.object({ items: z.array(deliveryResponse), nextCursor: z.string().nullable() }),
    handler: async ({ params, query, principal, deps }) => {
      // A malformed cursor is a 400 whoever asks, before the subscription is looked up.
      const page = beforeCursor(query.cursor);
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      const rows = await deps.db.webhookDelivery.findMany({
        where: { AND: [{ subscriptionId: row.id }, query.status ? { status: query.status } : {}, page] },
        include: { event: true, attempts: { orderBy: { attemptedAt: 'asc' }, take: 100 } },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
      });
      const { rows: items, nextCursor } = paged(rows, query.limit);
      return {
        items: items.map((d) => ({
          id: d.id,
          eventId: d.eventId,
          eventType: d.event.type,
          objectType: d.event.objectType,
          objectId: d.event.objectId,
          occurredAt: iso(d.event.occurredAt),
          status: d.status,
          attemptCount: d.attemptCount,
          nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
          deliveredAt: isoOrNull(d.deliveredAt),
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          body: webhookBody({
            type: d.event.type,
            occurredAt: d.event.occurredAt,
            data: d.event.data as Record<string, unknown>,
          }),
          attempts: d.attempts.map((a) => ({
            at: iso(a.attemptedAt),
            ok: a.ok,
            statusCode: a.statusCode,
            durationMs: a.durationMs,
            error: a.error,
            responseBody: a.responseBody,
          })),
        })),
        nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/webhooks/:id/redeliver',
    tag: 'webhooks',
    summary: `Deliver again one event (eventId) or every event that happened in a time range (from, to; at most ${MAX_REDELIVERY_DAYS} days), with the same webhook-id`,
    roles: SUBSCRIBERS,
    params: idParams,
    body: redeliverBody,
    status: 202,
    response: z.object({
      requeued: z.number().int().describe('Deliveries queued again (those already waiting are left as they are)'),
    }),
    handler: async ({ params, body, principal, deps }) => {
      const row = await getSubscriptionOrThrow(deps, params.id, principal);
      if (
        body.eventId &&
        !(await deps.db.webhookDelivery.findUnique({
          where: { subscriptionId_eventId: { subscriptionId: row.id, eventId: body.eventId } },
        }))
      ) {
        throw ApiError.notFound('event for this subscription', body.eventId);
      }
      const which = body.eventId
        ? { eventId: body.eventId }
        : { event: { occurredAt: { gte: new Date(body.from!), lte: new Date(body.to!) } } };
      const { count } = await deps.db.webhookDelivery.updateMany({
        where: { subscriptionId: row.id, status: { in: ['delivered', 'failed'] }, ...which },
        data: { status: 'pending', nextAttemptAt: new Date(), firstAttemptAt: null, deliveredAt: null },
      });
      return { requeued: count };
    },
  }),
];
