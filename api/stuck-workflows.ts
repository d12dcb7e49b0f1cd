/**
 * Workflows that stopped guarding anything: their workflow tasks fail on every attempt (a
 * history the current code cannot replay, such as the tickets whose handlers interleaved before
 * the ticket-serialized-commands patch, or a task that keeps throwing). Temporal marks them with
 * the `TemporalReportedProblems` search attribute. Readiness reports them (count and ids, with a
 * log line), and `npm run repair-stuck` repairs the tickets among them: each is terminated and a
 * fresh run with the same workflow id starts from the state its recorded timeline rebuilds
 * (sla/ticket-machine.ts stateFromTimeline), with its plan's policy and calendars as they are
 * now, so its deadlines are guarded again and nothing already sent is sent twice.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { stateFromTimeline, TicketRules } from '../sla/ticket-machine';
import * as ticket from '../workflows/ticket';
import type { AppDeps } from './deps';
import { ticketWorkflowInput } from './services/tickets';

export const STUCK_QUERY = `ExecutionStatus = 'Running' AND TemporalReportedProblems IS NOT NULL`;

/** The ids of running workflows whose tasks keep failing (at most `limit`). */
export async function findStuckWorkflows(deps: Pick<AppDeps, 'temporal'>, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of deps.temporal.workflow.list({ query: STUCK_QUERY })) {
    ids.push(execution.workflowId);
    if (ids.length >= limit) break;
  }
  return ids;
}

export type RepairOutcome = 'restarted' | 'not_a_ticket' | 'no_longer_running';

/** Terminates one stuck ticket workflow and starts it again from its recorded timeline. */
export async function repairStuckTicket(deps: AppDeps, workflowId: string): Promise<RepairOutcome> {
  const row = await deps.db.ticket.findFirst({ where: { workflowId } });
  if (!row) return 'not_a_ticket';
  const input = await ticketWorkflowInput(deps, row, 'system:repair');
  const events = await deps.db.ticketEvent.findMany({ where: { ticketId: row.id }, orderBy: { sequence: 'asc' } });
  const rules = new TicketRules(input.policy, input.calendars, input.openedAtMs);
  const state = stateFromTimeline(
    rules,
    input.openedAtMs,
    row.priority,
    events.map((e) => ({
      sequence: e.sequence,
      atMs: e.at.getTime(),
      actor: e.actor,
      type: e.type,
      data: e.data as Record<string, unknown>,
    })),
  );
  try {
    await deps.temporal.workflow
      .getHandle(workflowId)
      .terminate('stuck: its history cannot be replayed; restarted from its recorded timeline');
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'no_longer_running';
    throw error;
  }
  await deps.temporal.workflow.start(ticket.ticketWorkflow, {
    workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [{ ...input, state }],
  });
  deps.logger.warn(
    { workflowId, ticketId: row.id, status: state.status, sequence: state.sequence },
    'stuck ticket workflow restarted from its recorded timeline',
  );
  return 'restarted';
}

/** Repairs every stuck ticket workflow; others are listed for an operator. */
export async function repairStuckWorkflows(deps: AppDeps): Promise<Record<string, RepairOutcome>> {
  const outcomes: Record<string, RepairOutcome> = {};
  for (const workflowId of await findStuckWorkflows(deps, 1_000))
    outcomes[workflowId] = await repairStuckTicket(deps, workflowId);
  return outcomes;
}
