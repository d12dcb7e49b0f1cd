import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { roles, type Principal } from '../auth';
import { ApiError } from '../errors';
import { beforeCursor, paged } from '../paging';
import { defineRoute, idParams } from '../route';
import { timestamp } from '../schemas/common';
import { text } from '../text';
import { iso, isoOrNull } from '../../sla/iso';

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
  personal: z.boolean().describe("Addressed to you by name (e.g. as a ticket's assignee), not to your role or account"),
  createdAt: timestamp,
  readAt: timestamp.nullable().describe('When you read it (every person has their own read state)'),
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
  approvedBy: z.string().describe("The approving manager's name, from their own sign-in (rule 14)"),
  approvedByUserId: z
    .uuid()
    .nullable()
    .describe('The approving manager (null on approvals recorded before names were taken from the sign-in)'),
  reason: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
});
const emergencyApprovalList = z.object({ items: z.array(emergencyApprovalResponse) });

type EmergencyApprovalRow = {
  id: string;
  customerId: string;
  approvedBy: string;
  approvedByUserId: string | null;
  reason: string;
  createdAt: Date;
  expiresAt: Date;
};
const approvalView = (row: EmergencyApprovalRow) => ({
  id: row.id,
  customerId: row.customerId,
  approvedBy: row.approvedBy,
  approvedByUserId: row.approvedByUserId,
  reason: row.reason,
  createdAt: iso(row.createdAt),
  expiresAt: iso(row.expiresAt),
});

const page = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(200).optional(),
};

const inboxQuery = z.strictObject({
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...page,
});

const outboxQuery = z.strictObject({
  status: outboxStatus.optional(),
  subjectRef: z.string().min(1).max(300).optional(),
  ...page,
});

/**
 * Rule 14: the approving person is the manager who records the approval, so the body names no
 * approver (a typed `approvedBy` is refused as an unknown field).
 */
const createEmergencyApprovalBody = z.strictObject({
  reason: text(2000),
  expiresAt: timestamp.refine((value) => {
    const ms = Date.parse(value);
    return ms > Date.now() && ms <= Date.now() + MAX_APPROVAL_DAYS * DAY_MS;
  }, `must be in the future and at most ${MAX_APPROVAL_DAYS} days away`),
});

/**
 * The caller's inbox (only delivered rows: a suppressed in-app message was never sent):
 * - a customer's user: the in-app notices to its customer account, and those to it by name;
 * - staff: the notices to them by name, and those to their role that concern their own vendor
 *   (staff of no vendor: every vendor's) — a manager's or an agent's only of their own departments
 *   when they have any (an unassigned ticket's alarms reach its department's agents) — plus the
 *   role's notices that concern no vendor.
 * Each person has their own read state (notification_reads).
 */
function inboxOf(principal: Principal): Prisma.NotificationWhereInput {
  const delivered = { channel: 'in_app', status: 'sent' } as const;
  const mine = { userId: principal.userId };
  if (principal.role === 'customer') {
    if (!principal.customerId) throw new ApiError('forbidden', 'this customer key names no customer account');
    return { ...delivered, audience: 'customer', customerId: principal.customerId, OR: [{ userId: null }, mine] };
  }
  const vendor: Prisma.NotificationWhereInput = principal.vendorId
    ? { OR: [{ vendorId: principal.vendorId }, { vendorId: null }] }
    : {};
  const departments: Prisma.NotificationWhereInput =
    (principal.role === 'manager' || principal.role === 'agent') && principal.departmentIds.length > 0
      ? { OR: [{ departmentId: { in: principal.departmentIds } }, { departmentId: null }] }
      : {};
  return {
    ...delivered,
    audience: 'staff',
    OR: [mine, { userId: null, role: principal.role, AND: [vendor, departments] }],
  };
}

const newestFirst = [{ createdAt: 'desc' }, { id: 'desc' }] satisfies Prisma.NotificationOrderByWithRelationInput[];

type InboxRow = {
  id: string;
  category: string;
  subject: string;
  body: string;
  subjectRef: string | null;
  createdAt: Date;
  userId: string | null;
  reads: { readAt: Date }[];
};

const presentInboxItem = (row: InboxRow): z.infer<typeof inboxItem> => ({
  id: row.id,
  category: row.category,
  subject: row.subject,
  body: row.body,
  subjectRef: row.subjectRef,
  personal: row.userId !== null,
  createdAt: iso(row.createdAt),
  readAt: isoOrNull(row.reads[0]?.readAt),
});

const readBy = (principal: Principal) => ({ reads: { where: { userId: principal.userId }, select: { readAt: true } } });
const unreadBy = (principal: Principal): Prisma.NotificationWhereInput => ({
  reads: { none: { userId: principal.userId } },
});

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/notifications',
    tag: 'notifications',
    summary: "The caller's own in-app inbox, newest first, with the number of unread notices",
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    query: inboxQuery,
    response: z.object({
      items: z.array(inboxItem),
      nextCursor: z.string().nullable(),
      unread: z.number().int().describe('Unread notices in your whole inbox'),
    }),
    handler: async ({ query, principal, deps }) => {
      const inbox = inboxOf(principal);
      const read: Prisma.NotificationWhereInput =
        query.unread === undefined
          ? {}
          : query.unread
            ? unreadBy(principal)
            : { reads: { some: { userId: principal.userId } } };
      const [rows, unread] = await Promise.all([
        deps.db.notification.findMany({
          where: { AND: [inbox, beforeCursor(query.cursor), read] },
          include: readBy(principal),
          orderBy: newestFirst,
          take: query.limit + 1,
        }),
        deps.db.notification.count({ where: { AND: [inbox, unreadBy(principal)] } }),
      ]);
      const { rows: items, nextCursor } = paged(rows, query.limit);
      return { items: items.map(presentInboxItem), nextCursor, unread };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/notifications/unread-count',
    tag: 'notifications',
    summary: 'How many notices in your inbox you have not read (cheap enough to poll)',
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    response: z.object({ unread: z.number().int() }),
    handler: async ({ principal, deps }) => ({
      unread: await deps.db.notification.count({ where: { AND: [inboxOf(principal), unreadBy(principal)] } }),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/notifications/:id/read',
    tag: 'notifications',
    summary: 'Mark a notice in your inbox as read, for you alone (404 for any other id)',
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    params: idParams,
    response: inboxItem,
    handler: async ({ params, principal, deps }) => {
      const where = { AND: [inboxOf(principal), { id: params.id }] };
      const visible = await deps.db.notification.findFirst({ where, select: { id: true } });
      if (!visible) throw ApiError.notFound('notification', params.id);
      // Marking is idempotent: the first read time stays. The row's own readAt is when anyone first read it (the outbox shows it).
      await deps.db.notificationRead.createMany({
        data: [{ notificationId: visible.id, userId: principal.userId }],
        skipDuplicates: true,
      });
      await deps.db.notification.updateMany({ where: { id: visible.id, readAt: null }, data: { readAt: new Date() } });
      return presentInboxItem(
        await deps.db.notification.findUniqueOrThrow({ where: { id: visible.id }, include: readBy(principal) }),
      );
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
          notBefore: isoOrNull(row.notBefore),
          createdAt: iso(row.createdAt),
          sentAt: isoOrNull(row.sentAt),
          readAt: isoOrNull(row.readAt),
          attempts: row.attempts.map((a) => ({ at: iso(a.at), ok: a.ok, detail: a.detail })),
        })),
        nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers/:id/emergency-approvals',
    tag: 'notifications',
    summary:
      "Record senior management's approval to send emergency messages to a customer who opted out of all messages (managers only; the approver is the caller)",
    roles: ['manager'],
    params: idParams,
    body: createEmergencyApprovalBody,
    status: 201,
    response: emergencyApprovalResponse,
    handler: async ({ params, body, principal, deps }) => {
      if (!(await deps.db.customer.findUnique({ where: { id: params.id }, select: { id: true } }))) {
        throw ApiError.notFound('customer', params.id);
      }
      const row = await deps.db.emergencyApproval.create({
        data: {
          customerId: params.id,
          approvedBy: principal.name,
          approvedByUserId: principal.userId,
          approvedViaKeyId: principal.keyId,
          reason: body.reason,
          expiresAt: new Date(body.expiresAt),
        },
      });
      deps.logger.info(
        { approvalId: row.id, customerId: params.id, userId: principal.userId, keyId: principal.keyId },
        'emergency approval recorded',
      );
      return approvalView(row);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/customers/:id/emergency-approvals',
    tag: 'notifications',
    summary:
      "The customer's emergency approvals, newest first: who approved, why, when, and until when (the audit trail)",
    roles: ['manager', 'admin'],
    params: idParams,
    response: emergencyApprovalList,
    handler: async ({ params, deps }) => {
      if (!(await deps.db.customer.findUnique({ where: { id: params.id }, select: { id: true } }))) {
        throw ApiError.notFound('customer', params.id);
      }
      const rows = await deps.db.emergencyApproval.findMany({
        where: { customerId: params.id },
        orderBy: { createdAt: 'desc' },
        take: 200,
      });
      return { items: rows.map(approvalView) };
    },
  }),
];
