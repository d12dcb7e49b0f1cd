import { WorkflowNotFoundError } from '@temporalio/client';
import { calendarsOf, loadCalendarSpecs } from '../store/sla-config';
import type { CalendarSpec } from '../sla/calendar-spec';
import type { TicketPolicy } from '../sla/policy';
import { calendarsChanged as claimCalendarsChanged } from '../workflows/claim';
import { calendarsChanged as changeRequestCalendarsChanged } from '../workflows/change-request';
import { configurationChanged } from '../workflows/ticket';
import { logUnreadable, readableRows, readDefinition } from '../store/json-columns';
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

export async function correctTicketsOfPolicy(
  deps: CorrectionDeps,
  policyKey: string,
  reason: string,
): Promise<CorrectionCounts> {
  const row = await deps.db.policy.findUnique({ where: { kind_key: { kind: 'ticket', key: policyKey } } });
  if (!row) return { ticketsSignalled: 0, ticketsFailed: 0 };
  // The policy travels with its calendars: a corrected policy may name a calendar the ticket has not seen.
  return signalTicketsOf(deps, row.key, readDefinition({ ...row, kind: 'ticket' }), reason, true);
}

export async function correctTicketsOnCalendars(
  deps: CorrectionDeps,
  calendarKeys: readonly string[],
  reason: string,
): Promise<CorrectionCounts> {
  const changed = new Set(calendarKeys);
  const counts: CorrectionCounts = { ticketsSignalled: 0, ticketsFailed: 0 };
  if (changed.size === 0) return counts;
  const rows = await deps.db.policy.findMany({ where: { kind: 'ticket' } });
  for (const { row, policy } of readableRows(
    rows,
    (row) => ({ row, policy: readDefinition({ ...row, kind: 'ticket' }) }),
    skipped(deps),
  )) {
    if (!calendarsOf(policy).some((key) => changed.has(key))) continue;
    const result = await signalTicketsOf(deps, row.key, policy, reason, false);
    counts.ticketsSignalled += result.ticketsSignalled;
    counts.ticketsFailed += result.ticketsFailed;
  }
  return counts;
}

/** A plan whose terms cannot be read is left out of a correction sweep, with a log line naming it. */
const skipped = (deps: CorrectionDeps) => logUnreadable(deps.logger, 'a correction');

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
    const outcomes = await Promise.all(
      tickets.slice(i, i + SIGNALS_AT_ONCE).map((t) => signal(deps, t.workflowId, snapshot)),
    );
    counts.ticketsSignalled += outcomes.filter((outcome) => outcome === 'signalled').length;
    counts.ticketsFailed += outcomes.filter((outcome) => outcome === 'failed').length;
  }
  deps.logger.info({ policyKey, reason, ...counts }, 'tickets told of a configuration change');
  return counts;
}

export interface CalendarCorrectionCounts extends CorrectionCounts {
  claimsSignalled: number;
  claimsFailed: number;
  changeRequestsSignalled: number;
  changeRequestsFailed: number;
}

/** Claims not yet decided: their acknowledgement deadline counts on the office calendar. */
export const OPEN_CLAIMS = ['received', 'acknowledged'] as const;

/**
 * A calendar changed (its hours, an exception, a holiday in its set): open tickets, open claims and
 * change requests still in review that count on it recompute their deadlines (Pasban rule 3).
 */
export async function correctOpenWorkOnCalendars(
  deps: CorrectionDeps,
  calendarKeys: readonly string[],
  reason: string,
): Promise<CalendarCorrectionCounts> {
  const tickets = await correctTicketsOnCalendars(deps, calendarKeys, reason);
  const counts: CalendarCorrectionCounts = {
    ...tickets,
    claimsSignalled: 0,
    claimsFailed: 0,
    changeRequestsSignalled: 0,
    changeRequestsFailed: 0,
  };
  const changed = new Set(calendarKeys);
  if (changed.size === 0) return counts;
  const rows = await deps.db.policy.findMany({ where: { kind: { in: ['claim', 'change_request'] } } });
  const calendarOf = (row: (typeof rows)[number]) =>
    row.kind === 'claim'
      ? readDefinition({ ...row, kind: 'claim' }).initialResponse.calendar
      : readDefinition({ ...row, kind: 'change_request' }).reviewDeadline.calendar;
  for (const { row, calendar } of readableRows(rows, (row) => ({ row, calendar: calendarOf(row) }), skipped(deps))) {
    if (!changed.has(calendar)) continue;
    const workflowIds =
      row.kind === 'claim'
        ? await deps.db.claim.findMany({
            where: { status: { in: [...OPEN_CLAIMS] }, contract: { policy: { key: row.key } } },
            select: { workflowId: true },
          })
        : await deps.db.changeRequest.findMany({
            where: { status: 'in_review', contract: { policy: { key: row.key } } },
            select: { workflowId: true },
          });
    if (workflowIds.length === 0) continue;
    const snapshot = { calendars: await loadCalendarSpecs(deps.db, [calendar]), reason };
    const send = (workflowId: string) =>
      row.kind === 'claim'
        ? signalWith(deps, workflowId, (handle) => handle.signal(claimCalendarsChanged, snapshot))
        : signalWith(deps, workflowId, (handle) => handle.signal(changeRequestCalendarsChanged, snapshot));
    for (let i = 0; i < workflowIds.length; i += SIGNALS_AT_ONCE) {
      const outcomes = await Promise.all(workflowIds.slice(i, i + SIGNALS_AT_ONCE).map((w) => send(w.workflowId)));
      const signalled = outcomes.filter((outcome) => outcome === 'signalled').length;
      const failed = outcomes.filter((outcome) => outcome === 'failed').length;
      if (row.kind === 'claim') {
        counts.claimsSignalled += signalled;
        counts.claimsFailed += failed;
      } else {
        counts.changeRequestsSignalled += signalled;
        counts.changeRequestsFailed += failed;
      }
    }
    deps.logger.info({ policyKey: row.key, kind: row.kind, reason, ...counts }, 'open work told of a calendar change');
  }
  return counts;
}

type Handle = ReturnType<CorrectionDeps['temporal']['workflow']['getHandle']>;

async function signalWith(
  deps: CorrectionDeps,
  workflowId: string,
  send: (handle: Handle) => Promise<void>,
): Promise<'signalled' | 'ended' | 'failed'> {
  try {
    await send(deps.temporal.workflow.getHandle(workflowId));
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'ended';
    deps.logger.error({ err: error, workflowId }, 'could not tell a workflow of a calendar change');
    return 'failed';
  }
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
