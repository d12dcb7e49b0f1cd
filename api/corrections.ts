import { WorkflowNotFoundError } from '@temporalio/client';
import { calendarsOf, loadCalendarSpecs } from '../store/sla-config';
import type { CalendarSpec } from '../sla/calendar-spec';
import type { TicketPolicy } from '../sla/policy';
import { configurationChanged } from '../workflows/ticket';
import type { AppDeps } from './deps';

/**
 * Corrections reach tickets in flight: after an administrator changes a ticket policy or a
 * calendar (its hours, exceptions, or a holiday in its set), every open ticket it governs gets
 * the fresh configuration and recomputes its deadlines. A resolved ticket counts as open: the
 * customer can still reopen it.
 */
export const TICKETS_IN_FLIGHT = ['new', 'in_progress', 'waiting_on_customer', 'resolved'] as const;

export interface CorrectionCounts {
  ticketsSignalled: number;
  /** Tickets whose workflow could not be told (Temporal unreachable); the error is logged. */
  ticketsFailed: number;
}

type CorrectionDeps = Pick<AppDeps, 'db' | 'temporal' | 'logger'>;

const SIGNALS_AT_ONCE = 20;

export async function correctTicketsOfPolicy(deps: CorrectionDeps, policyKey: string, reason: string): Promise<CorrectionCounts> {
  const row = await deps.db.policy.findUnique({ where: { kind_key: { kind: 'ticket', key: policyKey } } });
  if (!row) return { ticketsSignalled: 0, ticketsFailed: 0 };
  // The policy travels with its calendars: a corrected policy may name a calendar the ticket has not seen.
  return signalTicketsOf(deps, row.key, row.definition as unknown as TicketPolicy, reason, true);
}

export async function correctTicketsOnCalendars(
  deps: CorrectionDeps,
  calendarKeys: readonly string[],
  reason: string,
): Promise<CorrectionCounts> {
  const changed = new Set(calendarKeys);
  const counts: CorrectionCounts = { ticketsSignalled: 0, ticketsFailed: 0 };
  if (changed.size === 0) return counts;
  for (const row of await deps.db.policy.findMany({ where: { kind: 'ticket' } })) {
    const policy = row.definition as unknown as TicketPolicy;
    if (!calendarsOf(policy).some((key) => changed.has(key))) continue;
    const result = await signalTicketsOf(deps, row.key, policy, reason, false);
    counts.ticketsSignalled += result.ticketsSignalled;
    counts.ticketsFailed += result.ticketsFailed;
  }
  return counts;
}

async function signalTicketsOf(
  deps: CorrectionDeps,
  policyKey: string,
  policy: TicketPolicy,
  reason: string,
  withPolicy: boolean,
): Promise<CorrectionCounts> {
  const tickets = await deps.db.ticket.findMany({
    where: { policyKey, status: { in: [...TICKETS_IN_FLIGHT] } },
    select: { workflowId: true },
  });
  const counts: CorrectionCounts = { ticketsSignalled: 0, ticketsFailed: 0 };
  if (tickets.length === 0) return counts;
  const calendars = await loadCalendarSpecs(deps.db, calendarsOf(policy));
  const snapshot = { ...(withPolicy && { policy }), calendars, reason };
  for (let i = 0; i < tickets.length; i += SIGNALS_AT_ONCE) {
    const outcomes = await Promise.all(tickets.slice(i, i + SIGNALS_AT_ONCE).map((t) => signal(deps, t.workflowId, snapshot)));
    counts.ticketsSignalled += outcomes.filter((outcome) => outcome === 'signalled').length;
    counts.ticketsFailed += outcomes.filter((outcome) => outcome === 'failed').length;
  }
  deps.logger.info({ policyKey, reason, ...counts }, 'tickets told of a configuration change');
  return counts;
}

/** A workflow that no longer runs (the ticket closed meanwhile) needs no correction. */
async function signal(
  deps: CorrectionDeps,
  workflowId: string,
  snapshot: { policy?: TicketPolicy; calendars: CalendarSpec[]; reason: string },
): Promise<'signalled' | 'ended' | 'failed'> {
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(configurationChanged, snapshot);
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'ended';
    deps.logger.error({ err: error, workflowId }, 'could not tell a ticket of a configuration change');
    return 'failed';
  }
}
