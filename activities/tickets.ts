import type { BreachAction, Priority, Recipient } from '../sla/policy';
import type { TicketView } from '../sla/ticket-machine';
import type { ActivityDeps } from './index';
import type { NotifyRequest } from './notifications/outbox';
import { ticketMessage, escalationMessage, assignedMessage } from './notifications/messages';
import { resolveAssignee, type Assignee } from '../store/ticket-assignee';
import { asJson } from '../platform/database';

export interface TicketEventRecord {
  ticketId: string;
  sequence: number;
  atMs: number;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

export interface OutcomeRecord {
  ticketId: string;
  target: string;
  cycle: number;
  dueAtMs: number;
  met: boolean;
  completedAtMs: number | null;
  businessMinutesUsed: number;
}

export interface EscalationRecord {
  ticketId: string;
  dedupeKey: string;
  target: string;
  kind: 'warning' | 'breach' | 'escalation';
  percent: number;
  /** When the alarm fell due (a warning's 75% point, an escalation's 150%). */
  dueAtMs: number;
  /** The target's own deadline, which the notice names; absent in escalations scheduled before it was added. */
  targetDueAtMs?: number;
  firedAtMs: number;
  action: BreachAction;
  priority: Priority;
  assignee: string | null;
}

export interface CustomerNotice {
  ticketId: string;
  event: string;
  sequence: number;
  view: TicketView;
  data: Record<string, unknown>;
}

/** The earliest deadline still running: what "at risk" and the list's ordering read. */
function nextDeadline(view: TicketView): Date | null {
  const running = view.targets.filter(
    (t) => (t.state === 'running' || t.state === 'breached') && t.completedAtMs === null && t.dueAtMs !== null,
  );
  const earliest = Math.min(...running.map((t) => t.dueAtMs!));
  return Number.isFinite(earliest) ? new Date(earliest) : null;
}

/**
 * The ticket workflow's I/O. Every activity is idempotent (unique keys, upserts), so a retry
 * or a replay after a crash never records or sends anything twice.
 */
export function createTicketActivities(deps: ActivityDeps & { notify: (request: NotifyRequest) => Promise<unknown> }) {
  const { db, notify } = deps;

  const eventRow = (event: TicketEventRecord) => ({
    ticketId: event.ticketId,
    sequence: event.sequence,
    at: new Date(event.atMs),
    actor: event.actor,
    type: event.type,
    data: asJson(event.data),
  });

  /** The person `view.assignee` names (a user id, or free text recorded before assignees were people). */
  async function assigneeOf(ticketId: string, assignee: string | null): Promise<Assignee> {
    if (assignee === null) return { userId: null, name: null };
    const { product } = await db.ticket.findUniqueOrThrow({
      where: { id: ticketId },
      select: { product: { select: { vendorId: true } } },
    });
    return resolveAssignee(db, assignee, product.vendorId);
  }

  /** The row as of the view; its assignee's person only when given (resolved on `assigned` events). */
  const ticketUpdate = (view: TicketView, assignee?: Assignee) =>
    db.ticket.update({
      where: { id: view.ticketId },
      data: {
        status: view.status,
        priority: view.priority,
        assignee: view.assignee,
        ...(assignee && { assigneeUserId: assignee.userId }),
        firstResponseAt: view.firstResponseAtMs === null ? null : new Date(view.firstResponseAtMs),
        resolvedAt: view.resolvedAtMs === null ? null : new Date(view.resolvedAtMs),
        closedAt: view.closedAtMs === null ? null : new Date(view.closedAtMs),
        cancelReason: view.cancelReason,
        clock: asJson(view),
        nextDeadlineAt: nextDeadline(view),
        breached: view.breached,
      },
    });

  async function ticketContext(ticketId: string) {
    return db.ticket.findUniqueOrThrow({
      where: { id: ticketId },
      include: { product: { include: { department: true } }, customer: true },
    });
  }

  /**
   * The assignment notice: the person a ticket was just assigned to hears of it in their own inbox,
   * and by e-mail when they have an address (an in-app notice always reaches them, so a missing
   * address is not a failure here). Keyed by the event, so a retried activity sends nothing twice.
   */
  async function tellAssignee(event: TicketEventRecord, assignee: Assignee): Promise<void> {
    if (event.type !== 'assigned' || assignee.userId === null) return;
    const ticket = await ticketContext(event.ticketId);
    const message = assignedMessage({
      ticketId: ticket.id,
      subject: ticket.subject,
      customerName: ticket.customer.name,
      productName: ticket.product.nameFa,
      priority: ticket.priority,
    });
    const person = await db.user.findUniqueOrThrow({ where: { id: assignee.userId }, select: { email: true } });
    const channels = person.email ? (['in_app', 'email'] as const) : (['in_app'] as const);
    for (const channel of channels) {
      await notify({
        dedupeKey: `ticket:${ticket.id}:event:${event.sequence}:assignee:${channel}`,
        channel,
        category: 'informational',
        audience: 'staff',
        role: 'agent',
        recipient: { kind: 'user', userId: assignee.userId },
        subject: message.subject,
        body: message.body,
        subjectRef: `ticket:${ticket.id}`,
      });
    }
  }

  return {
    /** The timeline event and the ticket row as of it, in one transaction (one round trip for the workflow). */
    async recordTicketChange(change: { event: TicketEventRecord; view: TicketView }): Promise<void> {
      // Only an assignment changes who the assignee is; every other change leaves the row's person.
      const assignee =
        change.event.type === 'assigned' ? await assigneeOf(change.view.ticketId, change.view.assignee) : undefined;
      await db.$transaction([
        db.ticketEvent.createMany({ data: [eventRow(change.event)], skipDuplicates: true }),
        ticketUpdate(change.view, assignee),
      ]);
      if (assignee) await tellAssignee(change.event, assignee);
    },

    /** Superseded by recordTicketChange; kept while tickets started before that patch may replay. */
    async recordTicketEvent(event: TicketEventRecord): Promise<void> {
      await db.ticketEvent.createMany({ data: [eventRow(event)], skipDuplicates: true });
      if (event.type === 'assigned')
        await tellAssignee(
          event,
          await assigneeOf(event.ticketId, typeof event.data.to === 'string' ? event.data.to : null),
        );
    },

    /** Superseded by recordTicketChange; kept while tickets started before that patch may replay. */
    async syncTicket(view: TicketView): Promise<void> {
      await ticketUpdate(view, await assigneeOf(view.ticketId, view.assignee));
    },

    async recordOutcome(outcome: OutcomeRecord): Promise<void> {
      const data = {
        dueAt: new Date(outcome.dueAtMs),
        met: outcome.met,
        completedAt: outcome.completedAtMs === null ? null : new Date(outcome.completedAtMs),
        breachedAt: outcome.met ? null : new Date(outcome.dueAtMs),
        businessMinutesUsed: outcome.businessMinutesUsed,
      };
      await db.slaOutcome.upsert({
        where: { ticketId_target_cycle: { ticketId: outcome.ticketId, target: outcome.target, cycle: outcome.cycle } },
        create: { ticketId: outcome.ticketId, target: outcome.target, cycle: outcome.cycle, ...data },
        update: data,
      });
    },

    /** Records the warning, breach or escalation once, then tells each recipient the policy names. */
    async escalate(escalation: EscalationRecord): Promise<void> {
      await db.escalation.createMany({
        data: [
          {
            ticketId: escalation.ticketId,
            dedupeKey: escalation.dedupeKey,
            target: escalation.target,
            kind: escalation.kind,
            percent: escalation.percent,
            dueAt: new Date(escalation.dueAtMs),
            firedAt: new Date(escalation.firedAtMs),
            action: asJson(escalation.action),
          },
        ],
        skipDuplicates: true,
      });
      const ticket = await ticketContext(escalation.ticketId);
      const assignee = await resolveAssignee(db, escalation.assignee, ticket.product.vendorId);
      const message = escalationMessage({
        kind: escalation.kind,
        target: escalation.target,
        percent: escalation.percent,
        dueAtMs: escalation.targetDueAtMs ?? escalation.dueAtMs,
        priority: escalation.priority,
        ticketId: ticket.id,
        subject: ticket.subject,
        customerName: ticket.customer.name,
        productName: ticket.product.nameFa,
        assignee: assignee.name,
      });
      for (const recipient of escalation.action.recipients) {
        await notify({
          dedupeKey: `${escalation.dedupeKey}:${recipient}`,
          channel: escalation.action.channel,
          category: 'informational',
          ...recipientFor(recipient, ticket.product.departmentId, ticket.customerId, assignee.userId),
          subject: message.subject,
          body: message.body,
          subjectRef: `ticket:${ticket.id}`,
        });
      }
    },

    /** Customers hear of their ticket's events in Persian, with Jalali dates. */
    async notifyCustomer(notice: CustomerNotice): Promise<void> {
      const ticket = await ticketContext(notice.ticketId);
      const message = ticketMessage(notice.event, {
        ticketId: ticket.id,
        subject: ticket.subject,
        view: notice.view,
        data: notice.data,
      });
      if (!message) return;
      await notify({
        dedupeKey: `ticket:${ticket.id}:event:${notice.sequence}`,
        channel: 'email',
        category: 'informational',
        audience: 'customer',
        customerId: ticket.customerId,
        recipient: { kind: 'customer' },
        subject: message.subject,
        body: message.body,
        subjectRef: `ticket:${ticket.id}`,
      });
    },
  };
}

export type TicketActivities = ReturnType<typeof createTicketActivities>;

/**
 * Who an alarm's recipient is. The assignee is the person the ticket is assigned to (their inbox,
 * phone or e-mail); an unassigned ticket's "assignee" alarm goes to the department's agents (in-app:
 * one notice each reads in their own inbox; by SMS or e-mail: each agent user of the department).
 */
function recipientFor(
  recipient: Recipient,
  departmentId: string,
  customerId: string,
  assigneeUserId: string | null,
): Pick<NotifyRequest, 'audience' | 'recipient' | 'customerId' | 'role'> {
  switch (recipient) {
    case 'department_manager':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'department_manager', departmentId } };
    case 'senior_management':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'senior_management', departmentId } };
    case 'customer':
      return { audience: 'customer', customerId, recipient: { kind: 'customer' } };
    case 'assignee':
      return assigneeUserId
        ? { audience: 'staff', role: 'agent', recipient: { kind: 'user', userId: assigneeUserId } }
        : { audience: 'staff', role: 'agent', recipient: { kind: 'role', role: 'agent', departmentId } };
    case 'qa':
    case 'qa_lead':
      return { audience: 'staff', role: 'qa', recipient: { kind: 'role', role: 'qa' } };
  }
}
