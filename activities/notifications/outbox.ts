/**
 * The notification outbox: every message is a row keyed by its dedupe key before anything is
 * sent, so a retried activity or a replayed workflow finds the row and never sends twice.
 * Delivery outcomes are recorded as attempts; a failed delivery is recorded first and then
 * thrown, so the workflow's (bounded) retry policy decides whether to try again.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { Notification, Prisma } from '../../generated/prisma/client';
import { Role, type MessagingPreference, type NotificationStatus } from '../../generated/prisma/enums';
import type { Database } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { DeliveryError, type DeliveryChannels } from './channels';
import { CATEGORIES, CHANNELS, decideDelivery, type Audience, type Category, type ChannelName } from './policy';

export type RecipientKind = 'customer' | 'department_manager' | 'senior_management' | 'role';

export interface NotifyRequest {
  /** Once-only key, e.g. `ticket:<id>:event:<n>`; the same key never sends twice. */
  dedupeKey: string;
  channel: ChannelName;
  category: Category;
  audience: Audience;
  /** The customer the message is for (required when the recipient is the customer). */
  customerId?: string;
  /** The staff inbox an in-app message lands in; defaults to the recipient's role (managers for department notices). */
  role?: Role;
  recipient: { kind: RecipientKind; departmentId?: string; role?: Role };
  subject: string;
  body: string;
  /** What the message is about, e.g. `ticket:<id>`. */
  subjectRef?: string;
}

export interface NotifyResult {
  notificationId: string;
  channel: ChannelName;
  status: NotificationStatus;
  /** Why the message went the way it did: a replaced channel, a suppression, a failure. */
  note: string | null;
  /** Set while an advertising message is held for quiet hours: call notify again, same request, at this instant. */
  notBefore: string | null;
  /** True when an earlier call had already sent or suppressed this dedupe key, so nothing happened now. */
  duplicate: boolean;
}

const notifyRequestSchema = z
  .object({
    dedupeKey: z.string().min(1).max(300),
    channel: z.enum(CHANNELS),
    category: z.enum(CATEGORIES),
    audience: z.enum(['customer', 'staff']),
    customerId: z.uuid().optional(),
    role: z.enum(Role).optional(),
    recipient: z.object({
      kind: z.enum(['customer', 'department_manager', 'senior_management', 'role']),
      departmentId: z.uuid().optional(),
      role: z.enum(Role).optional(),
    }),
    subject: z.string().min(1),
    body: z.string().min(1),
    subjectRef: z.string().min(1).optional(),
  })
  .superRefine((request, ctx) => {
    const { kind } = request.recipient;
    const problem = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if ((kind === 'customer') !== (request.audience === 'customer')) {
      problem(['audience'], 'is customer exactly when the recipient is the customer');
    }
    if (kind === 'customer' && !request.customerId) problem(['customerId'], 'is required for the customer');
    if ((kind === 'department_manager' || kind === 'senior_management') && !request.recipient.departmentId) {
      problem(['recipient', 'departmentId'], `is required for ${kind}`);
    }
    if (kind === 'role' && !request.recipient.role) problem(['recipient', 'role'], 'is required for a role inbox');
  });

export interface NotificationActivityDeps {
  db: Database;
  logger: Logger;
  channels: DeliveryChannels;
  /** The current instant; tests pin it to check quiet hours. */
  now?: () => Date;
}

/** Where the message goes now and what its row should say: the policy's answer plus the address. */
interface DeliveryPlan {
  channel: ChannelName;
  address: string | null;
  status: NotificationStatus;
  note: string | null;
  notBefore: Date | null;
}

/** Who receives the message: their opt-out flag and approval (customers only) and their addresses. */
interface RecipientFacts {
  preference: MessagingPreference | null;
  emergencyApprovalExpiresAt: Date | null;
  addresses: { sms: string | null; email: string | null };
  /** How the notes name the recipient, e.g. "the manager of Support". */
  label: string;
}

const SETTLED: readonly NotificationStatus[] = ['sent', 'suppressed'];

/** Long enough for the slowest channel's own timeouts (SMTP: connect, greeting, socket). */
const DELIVERY_TRANSACTION_MS = 60_000;

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const { db, logger, channels } = deps;
  const clock = deps.now ?? (() => new Date());

  async function recipientFacts(request: NotifyRequest): Promise<RecipientFacts> {
    const { recipient } = request;
    if (recipient.kind === 'customer') {
      const customerId = request.customerId!;
      const customer = await db.customer.findUnique({
        where: { id: customerId },
        include: { contacts: { orderBy: [{ isPrimary: 'desc' }, { name: 'asc' }] } },
      });
      if (!customer) throw unknownRecipient(`customer ${customerId} does not exist`);
      const approval =
        request.category === 'emergency' && customer.messagingPreference === 'no_messages'
          ? await db.emergencyApproval.findFirst({ where: { customerId }, orderBy: { expiresAt: 'desc' } })
          : null;
      return {
        preference: customer.messagingPreference,
        emergencyApprovalExpiresAt: approval?.expiresAt ?? null,
        addresses: {
          sms: customer.contacts.find((c) => c.phone)?.phone ?? null,
          email: customer.contacts.find((c) => c.email)?.email ?? null,
        },
        label: 'the customer',
      };
    }
    if (recipient.kind === 'role') {
      return { preference: null, emergencyApprovalExpiresAt: null, addresses: { sms: null, email: null }, label: `the ${recipient.role} role` };
    }
    const department = await db.department.findUnique({ where: { id: recipient.departmentId! } });
    if (!department) throw unknownRecipient(`department ${recipient.departmentId} does not exist`);
    const manager = recipient.kind === 'department_manager';
    return {
      preference: null,
      emergencyApprovalExpiresAt: null,
      addresses: {
        sms: manager ? department.managerPhone : department.seniorManagerPhone,
        email: manager ? department.managerEmail : department.seniorManagerEmail,
      },
      label: manager ? `the manager of ${department.name}` : `senior management of ${department.name}`,
    };
  }

  async function planDelivery(request: NotifyRequest, now: Date): Promise<DeliveryPlan> {
    const facts = await recipientFacts(request);
    const decision = decideDelivery({
      channel: request.channel,
      category: request.category,
      audience: request.audience,
      preference: facts.preference,
      emergencyApprovalExpiresAt: facts.emergencyApprovalExpiresAt,
      now,
    });
    if (decision.kind === 'suppress') {
      return { channel: request.channel, address: null, status: 'suppressed', note: decision.reason, notBefore: null };
    }
    if (decision.channel === 'in_app') {
      return { channel: 'in_app', address: null, status: 'sent', note: decision.note, notBefore: null };
    }
    if (request.recipient.kind === 'role') {
      // Staff roles have no phone or mailbox of their own; the role's inbox is where they read.
      const note = `the ${inboxRole(request)} role has no ${decision.channel === 'sms' ? 'phone' : 'e-mail address'}: sent to its in-app inbox`;
      return { channel: 'in_app', address: null, status: 'sent', note, notBefore: null };
    }
    const address = facts.addresses[decision.channel];
    if (!address) {
      const missing = decision.channel === 'sms' ? 'phone number' : 'e-mail address';
      return { channel: decision.channel, address: null, status: 'failed', note: `no ${missing} on file for ${facts.label}`, notBefore: null };
    }
    const notBefore = decision.kind === 'hold' ? decision.until : null;
    return { channel: decision.channel, address, status: 'pending', note: decision.note, notBefore };
  }

  /** Inserts the row unless the key exists (ON CONFLICT DO NOTHING); answers the row and whether it is new. */
  async function claim(request: NotifyRequest, plan: DeliveryPlan, now: Date): Promise<{ row: Notification; created: boolean }> {
    const [created] = await db.notification.createManyAndReturn({
      data: [{
        dedupeKey: request.dedupeKey,
        channel: plan.channel,
        category: request.category,
        audience: request.audience,
        customerId: request.customerId ?? null,
        role: request.audience === 'staff' ? inboxRole(request) : null,
        address: plan.address,
        subject: request.subject,
        body: request.body,
        subjectRef: request.subjectRef ?? null,
        status: plan.status,
        statusNote: plan.note,
        sentAt: plan.status === 'sent' ? now : null,
      }],
      skipDuplicates: true,
    });
    if (created) return { row: created, created: true };
    return { row: await db.notification.findUniqueOrThrow({ where: { dedupeKey: request.dedupeKey } }), created: false };
  }

  /**
   * Brings an unsettled row in line with the plan and delivers it, holding the row's lock for
   * the whole delivery: a second attempt running at the same time (a retry after a timeout)
   * finds the row locked and backs off, and one that comes later finds it sent.
   */
  async function settle(id: string, plan: DeliveryPlan, now: Date): Promise<NotifyResult> {
    const outcome = await db.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ status: NotificationStatus }[]>`
          SELECT status FROM notifications WHERE id = ${id}::uuid FOR UPDATE SKIP LOCKED`;
        if (locked.length === 0) return { busy: true } as const;
        if (SETTLED.includes(locked[0]!.status)) {
          return { row: await tx.notification.findUniqueOrThrow({ where: { id } }), duplicate: true, failure: null };
        }
        const row = await tx.notification.update({
          where: { id },
          data: { channel: plan.channel, address: plan.address, status: plan.status, statusNote: plan.note, sentAt: plan.status === 'sent' ? now : null },
        });
        if (plan.status !== 'pending' || plan.notBefore || !plan.address) return { row, duplicate: false, failure: null };
        return deliver(tx, row, plan.address, plan.note);
      },
      { maxWait: 10_000, timeout: DELIVERY_TRANSACTION_MS },
    );
    if ('busy' in outcome) {
      throw ApplicationFailure.create({ type: 'NotificationDeliveryInProgress', message: `notification ${id} is being delivered by another attempt` });
    }
    if (outcome.failure) {
      const { failure, row } = outcome;
      // Providers echo the recipient (and sometimes the text) in their errors: the attempt row
      // keeps the full detail, logs and the workflow's failure get it without personal data.
      const reason = withoutPersonalData(failure.message, [row.address, row.subject, row.body]);
      const nonRetryable = failure instanceof DeliveryError && failure.permanent;
      logger.warn({ notificationId: id, channel: row.channel, nonRetryable, reason }, 'notification delivery failed');
      throw ApplicationFailure.create({ type: 'NotificationDeliveryFailed', message: reason, nonRetryable });
    }
    return result(outcome.row, plan.notBefore, outcome.duplicate);
  }

  /** Sends on the row's channel and records the attempt, whichever way it went. */
  async function deliver(tx: Prisma.TransactionClient, row: Notification, address: string, note: string | null) {
    const channel = channels[row.channel === 'sms' ? 'sms' : 'email'];
    let providerId: string | undefined;
    try {
      ({ providerId } = await channel.send({ to: address, subject: row.subject, text: row.body, notificationId: row.id }));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      await tx.notificationAttempt.create({ data: { notificationId: row.id, ok: false, detail: failure.message } });
      const failed = await tx.notification.update({ where: { id: row.id }, data: { status: 'failed', statusNote: failure.message } });
      return { row: failed, duplicate: false, failure };
    }
    await tx.notificationAttempt.create({ data: { notificationId: row.id, ok: true, detail: providerId ? `provider id ${providerId}` : null } });
    const sent = await tx.notification.update({ where: { id: row.id }, data: { status: 'sent', statusNote: note, sentAt: clock() } });
    return { row: sent, duplicate: false, failure: null };
  }

  return {
    /**
     * Sends one message once. Looks up the recipient, applies the communications policy, stores
     * the outbox row under its dedupe key and delivers it; a key already sent or suppressed is
     * answered from its row without sending again. A row that is still pending or failed is
     * planned afresh (quiet hours may have ended, the customer may have opted out since).
     */
    async notify(input: NotifyRequest): Promise<NotifyResult> {
      const request = parseRequest(input);
      const now = clock();
      const plan = await planDelivery(request, now);
      const { row, created } = await claim(request, plan, now);
      if (!created && SETTLED.includes(row.status)) return result(row, null, true);
      const deliverable = plan.status === 'pending' && !plan.notBefore;
      if (created && !deliverable) return result(row, plan.notBefore, false);
      return settle(row.id, plan, now);
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

function parseRequest(input: NotifyRequest): NotifyRequest {
  const parsed = notifyRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw ApplicationFailure.create({ type: 'InvalidNotifyRequest', message: `invalid notify request: ${detail}`, nonRetryable: true });
}

const EMAIL_ADDRESS = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+/g;
const PHONE_NUMBER = /\+?\d[\d ()-]{6,}\d/g;

/** A provider's error text without the recipient's address, the message's subject and text, or anything that looks like an address or a number. */
export function withoutPersonalData(text: string, known: (string | null)[]): string {
  let scrubbed = text;
  for (const value of known) {
    if (value && value.trim().length >= 3) scrubbed = scrubbed.split(value).join('[redacted]');
  }
  return scrubbed.replace(EMAIL_ADDRESS, '[email]').replace(PHONE_NUMBER, '[phone]');
}

function inboxRole(request: NotifyRequest): Role {
  return request.role ?? request.recipient.role ?? 'manager';
}

function unknownRecipient(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'UnknownRecipient', message, nonRetryable: true });
}

function result(row: Notification, notBefore: Date | null, duplicate: boolean): NotifyResult {
  return {
    notificationId: row.id,
    channel: row.channel,
    status: row.status,
    note: row.statusNote,
    notBefore: notBefore?.toISOString() ?? null,
    duplicate,
  };
}
