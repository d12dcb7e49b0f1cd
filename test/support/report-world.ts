/**
 * Writes a report world straight into the database, as the workflows would have recorded it:
 * tickets with their outcome rows, breach escalations, timeline events and last clocks, and the
 * outbox rows the escalations wrote. Reports read only these records.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/database';

const MINUTE = 60_000;

export interface WorldContext {
  customerId: string;
  productId: string;
  contractId: string;
  policyKey: string;
}

export interface OutcomeSpec {
  target: 'first_response' | 'resolution' | 'review';
  cycle?: number;
  met: boolean;
  /** Clock minutes from the start of the target (opening, or the reopen) to completion. */
  afterMinutes: number;
  dueAfterMinutes?: number;
  businessMinutes: number;
}

export interface EscalationSpec {
  target: 'first_response' | 'resolution' | 'review';
  cycle?: number;
  kind: 'warning' | 'breach' | 'escalation';
  percent: number;
  /** Minutes after the ticket's opening. */
  dueAfterMinutes: number;
  messages?: {
    recipient: string;
    channel: 'sms' | 'email' | 'in_app';
    status: 'pending' | 'sent' | 'failed';
    note?: string;
  }[];
}

export interface TicketSpec {
  openedAt: string;
  priority: 'critical' | 'high' | 'medium' | 'low';
  status: 'new' | 'in_progress' | 'waiting_on_customer' | 'resolved' | 'closed' | 'cancelled';
  assignee?: string;
  outcomes?: OutcomeSpec[];
  escalations?: EscalationSpec[];
  /** Minutes after opening at which the ticket was reopened into cycle 2, 3, … */
  reopenedAfterMinutes?: number[];
  /** Waiting-on-the-customer spells: [from, to] minutes after opening; `to` null while waiting. */
  pauses?: [number, number | null][];
  /** Targets still running on an open ticket, as its last recorded clock shows them. */
  running?: { target: 'first_response' | 'resolution' | 'review'; dueAfterMinutes: number }[];
  cycle?: number;
}

export async function writeTicket(db: Database, world: WorldContext, spec: TicketSpec): Promise<string> {
  const id = randomUUID();
  const openedMs = Date.parse(spec.openedAt);
  const at = (minutes: number) => new Date(openedMs + minutes * MINUTE);
  const cycle = spec.cycle ?? 1 + (spec.reopenedAfterMinutes?.length ?? 0);
  await db.ticket.create({
    data: {
      id,
      customerId: world.customerId,
      productId: world.productId,
      contractId: world.contractId,
      policyKey: world.policyKey,
      priority: spec.priority,
      subject: 'report world',
      description: 'report world',
      channel: 'api',
      status: spec.status,
      assignee: spec.assignee ?? null,
      openedAt: at(0),
      workflowId: `ticket-${id}`,
      clock: {
        ticketId: id,
        cycle,
        targets: (spec.running ?? []).map((r) => ({
          target: r.target,
          state: 'running',
          dueAtMs: openedMs + r.dueAfterMinutes * MINUTE,
          completedAtMs: null,
        })),
      },
    },
  });
  const events: { type: string; atMinutes: number; data: Record<string, unknown> }[] = [
    { type: 'opened', atMinutes: 0, data: { priority: spec.priority } },
  ];
  (spec.reopenedAfterMinutes ?? []).forEach((minutes, i) =>
    events.push({ type: 'reopened', atMinutes: minutes, data: { reason: 'again', cycle: i + 2 } }),
  );
  for (const [from, to] of spec.pauses ?? []) {
    events.push({ type: 'status_changed', atMinutes: from, data: { from: 'in_progress', to: 'waiting_on_customer' } });
    if (to !== null) events.push({ type: 'customer_replied', atMinutes: to, data: { body: 'here it is' } });
  }
  events.sort((a, b) => a.atMinutes - b.atMinutes);
  await db.ticketEvent.createMany({
    data: events.map((e, i) => ({
      ticketId: id,
      sequence: i + 1,
      at: at(e.atMinutes),
      actor: 'world',
      type: e.type,
      data: e.data as object,
    })),
  });
  const cycleStart = (c: number) => (c === 1 ? 0 : spec.reopenedAfterMinutes![c - 2]!);
  for (const o of spec.outcomes ?? []) {
    const c = o.cycle ?? 1;
    const start = o.target === 'first_response' ? 0 : cycleStart(c);
    await db.slaOutcome.create({
      data: {
        ticketId: id,
        target: o.target,
        cycle: c,
        dueAt: at(start + (o.dueAfterMinutes ?? o.afterMinutes)),
        met: o.met,
        completedAt: at(start + o.afterMinutes),
        breachedAt: o.met ? null : at(start + (o.dueAfterMinutes ?? o.afterMinutes)),
        businessMinutesUsed: o.businessMinutes,
      },
    });
  }
  for (const e of spec.escalations ?? []) {
    const key = e.target === 'first_response' ? 'first_response' : `${e.target}#${e.cycle ?? 1}`;
    const dedupeKey = `ticket:${id}:${key}:${e.kind}:${e.percent}`;
    await db.escalation.create({
      data: {
        ticketId: id,
        dedupeKey,
        target: e.target,
        kind: e.kind,
        percent: e.percent,
        dueAt: at(e.dueAfterMinutes),
        firedAt: at(e.dueAfterMinutes),
        action: { channel: 'sms', recipients: [] },
      },
    });
    for (const m of e.messages ?? []) {
      await db.notification.create({
        data: {
          dedupeKey: `${dedupeKey}:${m.recipient}`,
          channel: m.channel,
          audience: m.recipient === 'customer' ? 'customer' : 'staff',
          customerId: m.recipient === 'customer' ? world.customerId : null,
          role: m.recipient === 'customer' ? null : 'manager',
          subject: 'breach',
          body: 'breach',
          subjectRef: `ticket:${id}`,
          status: m.status,
          statusNote: m.note ?? null,
          sentAt: m.status === 'sent' ? at(e.dueAfterMinutes + 1) : null,
        },
      });
    }
  }
  return id;
}

/**
 * Removes everything the world wrote. Its rows are records without workflows (a bare clock, an
 * empty claim computation), which other suites' listings would not expect to meet.
 */
export async function deleteWorld(db: Database, world: WorldContext): Promise<void> {
  const tickets = await db.ticket.findMany({ where: { customerId: world.customerId }, select: { id: true } });
  await db.notification.deleteMany({ where: { subjectRef: { in: tickets.map((t) => `ticket:${t.id}`) } } });
  await db.ticket.deleteMany({ where: { customerId: world.customerId } });
  await db.creditNote.deleteMany({ where: { customerId: world.customerId } });
  await db.claim.deleteMany({ where: { customerId: world.customerId } });
  await db.invoice.deleteMany({ where: { customerId: world.customerId } });
  await db.changeRequest.deleteMany({ where: { customerId: world.customerId } });
  await db.outage.deleteMany({ where: { productId: world.productId } });
  await db.contract.deleteMany({ where: { customerId: world.customerId } });
  await db.product.delete({ where: { id: world.productId } });
  await db.customer.delete({ where: { id: world.customerId } });
}
