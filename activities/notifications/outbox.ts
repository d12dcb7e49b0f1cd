/**
 * The notification outbox: `notify` only writes a row, keyed by its dedupe key, so a retried
 * activity or a replayed workflow finds the row and never queues twice, and nothing a mail server
 * or SMS gateway does can fail or slow the workflow that asked. The relay (relay.ts) delivers
 * the rows and records each attempt.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { Notification } from '../../generated/prisma/client';
import { Role, type MessagingPreference, type NotificationStatus } from '../../generated/prisma/enums';
import type { Database } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { CHANNEL_SETTING, type DeliveryChannels } from './channels';
import { CATEGORIES, CHANNELS, decideDelivery, type Audience, type Category, type ChannelName } from './policy';
import { isoOrNull } from '../../sla/iso';

export type RecipientKind = 'customer' | 'department_manager' | 'senior_management' | 'role' | 'user';

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
  /** `user`: one person (by userId), reached by their own phone, e-mail or inbox. */
  recipient: { kind: RecipientKind; departmentId?: string; role?: Role; userId?: string };
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
  /** Set while the message is held for quiet hours: the relay sends it from this instant. */
  notBefore: string | null;
  /** True when an earlier call had already queued this dedupe key, so nothing happened now. */
  duplicate: boolean;
  /**
   * A group notice by SMS or e-mail that went to people (see `peopleFor`): one row per person, in
   * the order of their names; the fields above are the role inbox's row (QA), else the first person's.
   */
  people?: (NotifyResult & { userId: string })[];
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
      kind: z.enum(['customer', 'department_manager', 'senior_management', 'role', 'user']),
      departmentId: z.uuid().optional(),
      role: z.enum(Role).optional(),
      userId: z.uuid().optional(),
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
    if ((kind === 'user') !== (request.recipient.userId !== undefined))
      problem(['recipient', 'userId'], 'is given exactly for a user recipient');
  });

export interface NotificationActivityDeps {
  db: Database;
  logger: Logger;
  /** Which channels this worker's relay can deliver on; a message for a missing one is held. */
  channels: DeliveryChannels;
  /** The current instant; tests pin it to check quiet hours. */
  now?: () => Date;
  /** Called after a row the relay should deliver is written (the worker wakes its relay). */
  queued?: () => void;
}

/** What the row says when it is written: the policy's answer plus the address. */
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
  emergencyApprovedBy?: string | null;
  addresses: { sms: string | null; email: string | null };
  /** How the notes name the recipient, e.g. "the manager of Support". */
  label: string;
}

/** A recipient that does not exist: the row records it as failed instead of failing the workflow. */
class UnknownRecipient extends Error {}

/** A customer's opt-out flag and the expiry of their latest emergency approval, as the policy needs them. */
export async function customerPreference(db: Database, customerId: string, category: Category) {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: { contacts: { orderBy: [{ isPrimary: 'desc' }, { name: 'asc' }] } },
  });
  if (!customer) return null;
  const approval =
    category === 'emergency' && customer.messagingPreference === 'no_messages'
      ? await db.emergencyApproval.findFirst({ where: { customerId }, orderBy: { expiresAt: 'desc' } })
      : null;
  return {
    customer,
    preference: customer.messagingPreference,
    emergencyApprovalExpiresAt: approval?.expiresAt ?? null,
    emergencyApprovedBy: approval?.approvedBy ?? null,
  };
}

export function createNotificationActivities(deps: NotificationActivityDeps) {
  const { db, channels } = deps;
  const clock = deps.now ?? (() => new Date());

  async function recipientFacts(request: NotifyRequest): Promise<RecipientFacts> {
    const { recipient } = request;
    if (recipient.kind === 'customer') {
      const found = await customerPreference(db, request.customerId!, request.category);
      if (!found) throw new UnknownRecipient(`customer ${request.customerId} does not exist`);
      const { contacts } = found.customer;
      return {
        preference: found.preference,
        emergencyApprovalExpiresAt: found.emergencyApprovalExpiresAt,
        emergencyApprovedBy: found.emergencyApprovedBy,
        addresses: {
          sms: contacts.find((c) => c.phone)?.phone ?? null,
          email: contacts.find((c) => c.email)?.email ?? null,
        },
        label: 'the customer',
      };
    }
    if (recipient.kind === 'role') {
      return {
        preference: null,
        emergencyApprovalExpiresAt: null,
        addresses: { sms: null, email: null },
        label: `the ${recipient.role} role`,
      };
    }
    if (recipient.kind === 'user') {
      const user = await db.user.findUnique({
        where: { id: recipient.userId! },
        select: { name: true, phone: true, email: true },
      });
      if (!user) throw new UnknownRecipient(`user ${recipient.userId} does not exist`);
      return {
        preference: null,
        emergencyApprovalExpiresAt: null,
        addresses: { sms: user.phone, email: user.email },
        label: user.name,
      };
    }
    const department = await db.department.findUnique({ where: { id: recipient.departmentId! } });
    if (!department) throw new UnknownRecipient(`department ${recipient.departmentId} does not exist`);
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
    const unsent = (status: NotificationStatus, note: string): DeliveryPlan => ({
      channel: request.channel,
      address: null,
      status,
      note,
      notBefore: null,
    });
    let facts: RecipientFacts;
    try {
      facts = await recipientFacts(request);
    } catch (error) {
      if (error instanceof UnknownRecipient) return unsent('failed', error.message);
      throw error;
    }
    const decision = decideDelivery({
      channel: request.channel,
      category: request.category,
      audience: request.audience,
      preference: facts.preference,
      emergencyApprovalExpiresAt: facts.emergencyApprovalExpiresAt,
      emergencyApprovedBy: facts.emergencyApprovedBy ?? null,
      now,
    });
    if (decision.kind === 'suppress') return unsent('suppressed', decision.reason);
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
      return unsent('failed', `no ${missing} on file for ${facts.label}`);
    }
    if (decision.kind === 'hold')
      return { channel: decision.channel, address, status: 'held', note: decision.note, notBefore: decision.until };
    if (!channels[decision.channel]) {
      return {
        channel: decision.channel,
        address,
        status: 'held',
        note: heldForChannelNote(decision.channel),
        notBefore: null,
      };
    }
    return { channel: decision.channel, address, status: 'pending', note: decision.note, notBefore: null };
  }

  /**
   * The vendor and department a notice concerns, so each person's inbox shows their own vendor's
   * (and a manager's departments'): the recipient's department, else that of the product the
   * subject (`ticket:<id>`, `claim:<id>`, `change-request:<id>`, `outage:<id>`) is about.
   */
  async function scopeOf(request: NotifyRequest): Promise<{ vendorId: string | null; departmentId: string | null }> {
    const none = { vendorId: null, departmentId: null };
    if (request.recipient.departmentId) {
      const department = await db.department.findUnique({
        where: { id: request.recipient.departmentId },
        select: { id: true, vendorId: true },
      });
      return department ? { vendorId: department.vendorId, departmentId: department.id } : none;
    }
    const match = /^(ticket|claim|change-request|outage):([0-9a-f-]{36})$/.exec(request.subjectRef ?? '');
    if (!match) return none;
    const id = match[2]!;
    const select = { product: { select: { vendorId: true, departmentId: true } } } as const;
    const found =
      match[1] === 'ticket'
        ? await db.ticket.findUnique({ where: { id }, select })
        : match[1] === 'claim'
          ? await db.claim.findUnique({ where: { id }, select })
          : match[1] === 'change-request'
            ? await db.changeRequest.findUnique({ where: { id }, select })
            : await db.outage.findUnique({ where: { id }, select });
    return found ? { vendorId: found.product.vendorId, departmentId: found.product.departmentId } : none;
  }

  /**
   * The people a group notice by SMS or e-mail reaches, each by their own phone or e-mail: the
   * department's active manager users for `department_manager`, the vendor's active QA users for
   * the QA role (the subject's vendor; the QA inbox gets it too), the department's active agent
   * users for the agent role with a department (an unassigned ticket's "assignee" alarm; the agent
   * inbox gets it too), and for `senior_management` the vendor's active senior-management users on
   * every channel (each in-app notice is theirs by name). None: the notice is addressed as
   * before (the department's manager columns; the role's in-app inbox). In-app notices stay group
   * notices: every member of the group reads them in their own inbox with their own read state.
   */
  async function peopleFor(request: NotifyRequest): Promise<{ id: string }[]> {
    const { recipient } = request;
    const active = { disabledAt: null };
    const order = [{ name: 'asc' }, { id: 'asc' }] as const;
    if (recipient.kind === 'senior_management') {
      // Senior management are people of the department's vendor, on every channel (in-app too:
      // they need not belong to the department, so each gets the notice in their own inbox).
      const department = await db.department.findUnique({
        where: { id: recipient.departmentId! },
        select: { vendorId: true },
      });
      if (!department) return [];
      return db.user.findMany({
        where: { ...active, seniorManager: true, vendorId: department.vendorId, role: { not: 'customer' } },
        select: { id: true },
        orderBy: [...order],
      });
    }
    if (request.channel === 'in_app') return [];
    if (recipient.kind === 'department_manager') {
      return db.user.findMany({
        where: { ...active, role: 'manager', departments: { some: { departmentId: recipient.departmentId! } } },
        select: { id: true },
        orderBy: [...order],
      });
    }
    if (recipient.kind === 'role' && recipient.role === 'agent' && recipient.departmentId) {
      // An unassigned ticket's "assignee" alarm: each agent user of the product's department.
      return db.user.findMany({
        where: { ...active, role: 'agent', departments: { some: { departmentId: recipient.departmentId } } },
        select: { id: true },
        orderBy: [...order],
      });
    }
    if (recipient.kind === 'role' && recipient.role === 'qa') {
      const { vendorId } = await scopeOf(request);
      if (!vendorId) return [];
      return db.user.findMany({
        where: { ...active, role: 'qa', vendorId },
        select: { id: true },
        orderBy: [...order],
      });
    }
    return [];
  }

  /** Writes one row (or answers the one its key already has), then wakes the relay if it should deliver it. */
  async function queue(request: NotifyRequest, now: Date): Promise<NotifyResult> {
    const existing = await db.notification.findUnique({ where: { dedupeKey: request.dedupeKey } });
    if (existing) return result(existing, true);
    const plan = await planDelivery(request, now);
    const { row, created } = await insert(request, plan, now);
    if (created && row.status === 'held') {
      // The log names the row, never the recipient or the text (those stay in the outbox).
      deps.logger.info(
        { notificationId: row.id, channel: row.channel, notBefore: row.notBefore, note: row.statusNote },
        'notification held',
      );
    }
    if (created && (row.status === 'pending' || row.status === 'held')) deps.queued?.();
    return result(row, !created);
  }

  /** Inserts the row unless the key exists (ON CONFLICT DO NOTHING); answers the row and whether it is new. */
  async function insert(
    request: NotifyRequest,
    plan: DeliveryPlan,
    now: Date,
  ): Promise<{ row: Notification; created: boolean }> {
    const scope = await scopeOf(request);
    const [created] = await db.notification.createManyAndReturn({
      data: [
        {
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
          notBefore: plan.notBefore,
          sentAt: plan.status === 'sent' ? now : null,
          userId: request.recipient.userId ?? null,
          vendorId: scope.vendorId,
          departmentId: scope.departmentId,
        },
      ],
      skipDuplicates: true,
    });
    if (created) return { row: created, created: true };
    return {
      row: await db.notification.findUniqueOrThrow({ where: { dedupeKey: request.dedupeKey } }),
      created: false,
    };
  }

  return {
    /**
     * Queues one message once: looks up the recipient, applies the communications policy and
     * writes the outbox row under its dedupe key (a key already written is answered from its row).
     * Never waits for a provider: the relay delivers pending and held rows. Fails only for a
     * malformed request or when the database cannot be written.
     */
    async notify(input: NotifyRequest): Promise<NotifyResult> {
      const request = parseRequest(input);
      const now = clock();
      // A key written before notices went to people (or to a group without people) keeps its row.
      const existing = await db.notification.findUnique({ where: { dedupeKey: request.dedupeKey } });
      if (existing) return result(existing, true);
      const people = await peopleFor(request);
      if (people.length === 0) return queue(request, now);
      // One row per person under a key of its own, so a retry writes none twice; a person with no
      // address for the channel gets a `failed` row that names them.
      const rows: (NotifyResult & { userId: string })[] = [];
      for (const person of people) {
        const personal: NotifyRequest = {
          ...request,
          dedupeKey: `${request.dedupeKey}:user:${person.id}`,
          role: inboxRole(request),
          recipient: {
            kind: 'user',
            userId: person.id,
            ...(request.recipient.departmentId ? { departmentId: request.recipient.departmentId } : {}),
          },
        };
        rows.push({ ...(await queue(personal, now)), userId: person.id });
      }
      if (request.recipient.kind === 'role') {
        // The role's in-app inbox still gets it (as before people were reached), so the group sees
        // it even when nobody has an address; written last, so a retry that finds it had written every person's row.
        return { ...(await queue(request, now)), people: rows };
      }
      const first = rows[0]!;
      return { ...first, duplicate: rows.every((r) => r.duplicate), people: rows };
    },
  };
}

/** Why a message waits for its channel: none is configured where it was queued. */
export function heldForChannelNote(channel: 'sms' | 'email'): string {
  return `held: no ${CHANNEL_SETTING[channel]} configured; sent once a worker with it runs`;
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

function parseRequest(input: NotifyRequest): NotifyRequest {
  const parsed = notifyRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw ApplicationFailure.create({
    type: 'InvalidNotifyRequest',
    message: `invalid notify request: ${detail}`,
    nonRetryable: true,
  });
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

function result(row: Notification, duplicate: boolean): NotifyResult {
  return {
    notificationId: row.id,
    channel: row.channel,
    status: row.status,
    note: row.statusNote,
    notBefore: isoOrNull(row.notBefore),
    duplicate,
  };
}
