import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { roles, type Principal } from '../auth';
import { ApiError } from '../errors';
import { beforeCursor, paged } from '../paging';
import { defineRoute, idParams } from '../route';
import { timestamp } from '../schemas/common';

const MAX_APPROVAL_DAYS = 7;
const DAY_MS = 86_400_000;

/** What an outbox row's status says (README, "Notifications: what the outbox says"). */
const outboxStatus = z
  .enum(['pending', 'held', 'sent', 'failed', 'suppressed'])
  .describe(
    'pending: waiting for the relay (or for its next try after a transient failure, at notBefore); ' +
      'held: waiting for quiet hours to end (notBefore) or for its channel to be configured (SMS_GATEWAY_URL, SMTP_URL); ' +
      'sent: the provider accepted it (in-app: it is in the inbox); ' +
      'failed: refused for good, tries exhausted or no address (statusNote says which); ' +
      "suppressed: not sent because of the customer's opt-out",
  );

const inboxItem = z.object({
  id: z.uuid(),
  category: z.string(),
  subject: z.string(),
  body: z.string(),
  subjectRef: z.string().nullable(),
  createdAt: timestamp,
  readAt: timestamp.nullable(),
});

const outboxItem = z.object({
  id: z.uuid(),
  dedupeKey: z.string(),
  channel: z.enum(['sms', 'email', 'in_app']),
  category: z.string(),
  audience: z.string(),
  customerId: z.uuid().nullable(),
  role: z.enum(roles).nullable(),
  address: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  subjectRef: z.string().nullable(),
  status: outboxStatus,
  statusNote: z.string().nullable(),
  notBefore: timestamp.nullable().describe('A held or retried message is not tried before this instant'),
  createdAt: timestamp,
  sentAt: timestamp.nullable(),
  readAt: timestamp.nullable(),
  attempts: z.array(z.object({ at: timestamp, ok: z.boolean(), detail: z.string().nullable() })),
});

const emergencyApprovalResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  approvedBy: z.string(),
  reason: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
});

const page = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(200).optional(),
};

const inboxQuery = z.strictObject({
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  ...page,
});

const outboxQuery = z.strictObject({
  status: outboxStatus.optional(),
  subjectRef: z.string().min(1).max(300).optional(),
  ...page,
});

const createEmergencyApprovalBody = z.strictObject({
  approvedBy: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(1).max(2000),
  expiresAt: timestamp.refine((value) => {
    const ms = Date.parse(value);
    return ms > Date.now() && ms <= Date.now() + MAX_APPROVAL_DAYS * DAY_MS;
  }, `must be in the future and at most ${MAX_APPROVAL_DAYS} days away`),
});

/**
 * The caller's inbox: a customer's in-app notices, or the in-app notices addressed to the staff
 * role of the key. Only delivered rows: a suppressed in-app message was never sent.
 */
function inboxOf(principal: Principal): Prisma.NotificationWhereInput {
  const delivered = { channel: 'in_app', status: 'sent' } as const;
  if (principal.role === 'customer') {
    if (!principal.customerId) throw new ApiError('forbidden', 'this customer key names no customer account');
    return { ...delivered, audience: 'customer', customerId: principal.customerId };
  }
  return { ...delivered, audience: 'staff', role: principal.role };
}

const newestFirst = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.NotificationOrderByWithRelationInput[];

type InboxRow = { id: string; category: string; subject: string; body: string; subjectRef: string | null; createdAt: Date; readAt: Date | null };

const presentInboxItem = (row: InboxRow): z.infer<typeof inboxItem> => ({
  id: row.id,
  category: row.category,
  subject: row.subject,
  body: row.body,
  subjectRef: row.subjectRef,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/notifications',
    tag: 'notifications',
    summary: "The caller's in-app inbox, newest first",
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    query: inboxQuery,
    response: z.object({ items: z.array(inboxItem), nextCursor: z.string().nullable() }),
    handler: async ({ query, principal, deps }) => {
      const rows = await deps.db.notification.findMany({
        where: {
          AND: [inboxOf(principal), beforeCursor(query.cursor), query.unread === undefined ? {} : { readAt: query.unread ? null : { not: null } }],
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const { rows: items, nextCursor } = paged(rows, query.limit);
      return { items: items.map(presentInboxItem), nextCursor };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark a notice in your inbox as read (404 for any other id)',
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    params: idParams,
    response: inboxItem,
    handler: async ({ params, principal, deps }) => {
      const where = { AND: [inboxOf(principal), { id: params.id }] };
      // Marking is idempotent: the first read time stays.
      await deps.db.notification.updateMany({ where: { ...where, readAt: null }, data: { readAt: new Date() } });
      const row = await deps.db.notification.findFirst({ where });
      if (!row) throw ApiError.notFound('notification', params.id);
      return presentInboxItem(row);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/notifications/outbox',
    tag: 'notifications',
    summary: 'Every outgoing message with its delivery attempts, newest first',
    roles: ['manager', 'admin'],
    query: outboxQuery,
    response: z.object({ items: z.array(outboxItem), nextCursor: z.string().nullable() }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.notification.findMany({
        where: {
          AND: [
            query.status ? { status: query.status } : {},
            query.subjectRef ? { subjectRef: query.subjectRef } : {},
            beforeCursor(query.cursor),
          ],
        },
        include: { attempts: { orderBy: { at: 'asc' } } },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const { rows: items, nextCursor } = paged(rows, query.limit);
      return {
        items: items.map((row) => ({
          id: row.id,
          dedupeKey: row.dedupeKey,
          channel: row.channel,
          category: row.category,
          audience: row.audience,
          customerId: row.customerId,
          role: row.role,
          address: row.address,
          subject: row.subject,
          body: row.body,
          subjectRef: row.subjectRef,
          status: row.status,
          statusNote: row.statusNote,
          notBefore: row.notBefore?.toISOString() ?? null,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
          readAt: row.readAt?.toISOString() ?? null,
          attempts: row.attempts.map((a) => ({ at: a.at.toISOString(), ok: a.ok, detail: a.detail })),
        })),
        nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers/:id/emergency-approvals',
    tag: 'notifications',
    summary: "Record senior management's approval to send emergency messages to a customer who opted out of all messages",
    roles: ['manager', 'admin'],
    params: idParams,
    body: createEmergencyApprovalBody,
    status: 201,
    response: emergencyApprovalResponse,
    handler: async ({ params, body, principal, deps }) => {
      if (!(await deps.db.customer.findUnique({ where: { id: params.id }, select: { id: true } }))) {
        throw ApiError.notFound('customer', params.id);
      }
      const row = await deps.db.emergencyApproval.create({
        data: { customerId: params.id, approvedBy: body.approvedBy, reason: body.reason, expiresAt: new Date(body.expiresAt) },
      });
      deps.logger.info({ approvalId: row.id, customerId: params.id, keyId: principal.keyId }, 'emergency approval recorded');
      return {
        id: row.id,
        customerId: row.customerId,
        approvedBy: row.approvedBy,
        reason: row.reason,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
      };
    },
  }),
];
