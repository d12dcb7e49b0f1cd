import type { BreachAction, Priority, Recipient } from '../sla/policy';
import type { TicketView } from '../sla/ticket-machine';
import type { ActivityDeps } from './index';
import type { NotifyRequest } from './notifications/outbox';
import { ticketMessage, escalationMessage } from './notifications/messages';
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
  const running = view.targets.filter((t) => (t.state === 'running' || t.state === 'breached') && t.completedAtMs === null && t.dueAtMs !== null);
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
    ticketId: event.ticketId, sequence: event.sequence, at: new Date(event.atMs), actor: event.actor, type: event.type, data: asJson(event.data),
  });

  const ticketUpdate = (view: TicketView) =>
    db.ticket.update({
      where: { id: view.ticketId },
      data: {
        status: view.status,
        priority: view.priority,
        assignee: view.assignee,
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

  return {
    /** The timeline event and the ticket row as of it, in one transaction (one round trip for the workflow). */
    async recordTicketChange(change: { event: TicketEventRecord; view: TicketView }): Promise<void> {
      await db.$transaction([db.ticketEvent.createMany({ data: [eventRow(change.event)], skipDuplicates: true }), ticketUpdate(change.view)]);
    },

    /** Superseded by recordTicketChange; kept while tickets started before that patch may replay. */
    async recordTicketEvent(event: TicketEventRecord): Promise<void> {
      await db.ticketEvent.createMany({ data: [eventRow(event)], skipDuplicates: true });
    },

    /** Superseded by recordTicketChange; kept while tickets started before that patch may replay. */
    async syncTicket(view: TicketView): Promise<void> {
      await ticketUpdate(view);
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
        data: [{
          ticketId: escalation.ticketId,
          dedupeKey: escalation.dedupeKey,
          target: escalation.target,
          kind: escalation.kind,
          percent: escalation.percent,
          dueAt: new Date(escalation.dueAtMs),
          firedAt: new Date(escalation.firedAtMs),
          action: asJson(escalation.action),
        }],
        skipDuplicates: true,
      });
      const ticket = await ticketContext(escalation.ticketId);
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
        assignee: escalation.assignee,
      });
      for (const recipient of escalation.action.recipients) {
        await notify({
          dedupeKey: `${escalation.dedupeKey}:${recipient}`,
          channel: escalation.action.channel,
          category: 'informational',
          ...recipientFor(recipient, ticket.product.departmentId, ticket.customerId),
          subject: message.subject,
          body: message.body,
          subjectRef: `ticket:${ticket.id}`,
        });
      }
    },

    /** Customers hear of their ticket's events in Persian, with Jalali dates. */
    async notifyCustomer(notice: CustomerNotice): Promise<void> {
      const ticket = await ticketContext(notice.ticketId);
      const message = ticketMessage(notice.event, { ticketId: ticket.id, subject: ticket.subject, view: notice.view, data: notice.data });
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

function recipientFor(recipient: Recipient, departmentId: string, customerId: string): Pick<NotifyRequest, 'audience' | 'recipient' | 'customerId' | 'role'> {
  switch (recipient) {
    case 'department_manager':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'department_manager', departmentId } };
    case 'senior_management':
      return { audience: 'staff', role: 'manager', recipient: { kind: 'senior_management', departmentId } };
    case 'customer':
      return { audience: 'customer', customerId, recipient: { kind: 'customer' } };
    case 'assignee':
      return { audience: 'staff', role: 'agent', recipient: { kind: 'role', role: 'agent' } };
    case 'qa':
    case 'qa_lead':
      return { audience: 'staff', role: 'qa', recipient: { kind: 'role', role: 'qa' } };
  }
}
