/**
 * Tickets between the HTTP routes and the ticket workflow: intake (eligibility, the plan's
 * channel, the stored row, the workflow's input and its start), an intake retried with its
 * Idempotency-Key, the commands sent to the running workflow (through ./workflow-command) and
 * the clock a read answers. Routes parse, authorize, call these and present the view.
 */
import { randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import type { Prisma, Ticket } from '../../generated/prisma/client';
import { calendarsOf, loadCalendarSpecs, loadDefinition } from '../../store/sla-config';
import { readTicketClock } from '../../store/json-columns';
import { assigneeRefusal } from '../../store/ticket-assignee';
import { channelOffered, type TicketChannel } from '../../sla/entitlements';
import type { Priority } from '../../sla/policy';
import {
  initialTicketState,
  projectSnapshot,
  TicketRules,
  ticketView,
  type TicketCommand,
} from '../../sla/ticket-machine';
import * as ticket from '../../workflows/ticket';
import { actorOf, type Principal } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { requireEligible } from '../requests';
import { neverStarted } from '../unstarted';
import { planTicketHours } from './ticket-hours';
import {
  queryIfRunning,
  runCommand,
  startOnce,
  workflowCommand,
  type CommandRequest,
  type WorkflowResource,
} from './workflow-command';

export type TicketView = ticket.TicketView;

/** Resolved tickets close after three quiet days; a customer reply before that reopens them. */
const CLOSE_AFTER_QUIET_MINUTES = 3 * 24 * 60;

/** The workflow input for a stored ticket: its plan's policy and calendars as they are now. */
export async function ticketWorkflowInput(
  deps: AppDeps,
  row: Pick<Ticket, 'id' | 'policyKey' | 'priority' | 'openedAt'>,
  openedBy: string,
): Promise<ticket.TicketWorkflowInput> {
  const policy = await loadDefinition(deps.db, 'ticket', row.policyKey);
  if (!policy)
    throw new ApiError('unprocessable', `the plan "${row.policyKey}" has no ticket policy`, {
      reason: 'unknown_policy',
    });
  return {
    ticketId: row.id,
    policy,
    calendars: await loadCalendarSpecs(deps.db, calendarsOf(policy)),
    priority: row.priority,
    openedAtMs: row.openedAt.getTime(),
    openedBy,
    closeAfterQuietMinutes: CLOSE_AFTER_QUIET_MINUTES,
  };
}

/**
 * The clock of a ticket nothing has happened to since it opened, as at `atMs`: computed by the
 * same code the workflow runs, so it is the clock the workflow records once it runs.
 */
function openingView(input: ticket.TicketWorkflowInput, atMs = input.openedAtMs): TicketView {
  const rules = new TicketRules(input.policy, input.calendars, input.openedAtMs);
  return ticketView(rules, input.ticketId, initialTicketState(input.priority, input.openedAtMs), atMs);
}

/** A running workflow's ticket as at now, or undefined (ended, or Temporal cannot answer in time). */
async function liveView(deps: AppDeps, row: Ticket): Promise<TicketView | undefined> {
  const snapshot = await queryIfRunning(deps.temporal.workflow.getHandle(row.workflowId), ticket.ticketSnapshot);
  return snapshot && projectSnapshot(snapshot, Date.now());
}

/** Starts a stored ticket's workflow unless it runs or ran (intake, its retry, a command, the recovery sweep). */
export async function startTicketWorkflow(deps: AppDeps, row: Ticket, actor: string): Promise<boolean> {
  return startWith(deps, row, await ticketWorkflowInput(deps, row, actor));
}

function startWith(deps: AppDeps, row: Ticket, input: ticket.TicketWorkflowInput): Promise<boolean> {
  return startOnce(deps.temporal, ticket.ticketWorkflow, {
    workflowId: row.workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [input],
  });
}

/** Tickets as ./workflow-command and the recovery sweep see them. */
export const ticketResource: WorkflowResource<Ticket> = {
  kind: 'tickets',
  noun: 'ticket',
  neverStarted: (deps, { id, before, take }) =>
    deps.db.ticket.findMany({ where: { ...(id && { id }), ...neverStarted.tickets(before) }, ...(take && { take }) }),
  start: startTicketWorkflow,
  stateOf: async (deps, id) =>
    (await deps.db.ticket.findUniqueOrThrow({ where: { id }, select: { status: true } })).status,
};

/** A ticket's clock as a read answers it, and whether it is the running workflow's. */
export interface TicketReading {
  view: TicketView;
  live: boolean;
}

/**
 * The live clock while the workflow runs (its recorded state, projected to the time of this
 * answer with the code the workflow runs), the recorded one after it ends, the computed opening
 * one before it has recorded any.
 */
export async function readTicket(deps: AppDeps, row: Ticket): Promise<TicketReading> {
  const live = await liveView(deps, row);
  if (live) return { view: live, live: true };
  const recorded = readTicketClock(row);
  if (recorded) return { view: recorded, live: false };
  // Just opened, and the workflow has not recorded its first clock yet (or its start failed and
  // the recovery sweep will start it): nothing can have happened to the ticket, so its clock is
  // the opening one, run forward to now.
  return { view: openingView(await ticketWorkflowInput(deps, row, 'system:read'), Date.now()), live: false };
}

/** Rule 12: a ticket through a channel the plan does not offer is refused with that reason. */
async function requireChannelOffered(deps: AppDeps, policyKey: string, channel: TicketChannel): Promise<void> {
  const entitlements = await loadDefinition(deps.db, 'entitlements', policyKey);
  if (!entitlements || channelOffered(entitlements, channel)) return;
  const offered = entitlements.channels.length > 0 ? entitlements.channels.join(' and ') : 'no channel';
  const message = `the plan ${policyKey} does not offer the ${channel} channel (it offers ${offered})`;
  throw new ApiError('unprocessable', message, {
    reason: 'channel_not_offered',
    invalidFields: [{ field: 'body.channel', reason: message }],
  });
}

export interface NewTicket {
  productId: string;
  priority: Priority;
  subject: string;
  description: string;
  channel: TicketChannel;
}

/** An opened ticket, or the first one again for a retry with its Idempotency-Key (`replayed`). */
export interface OpenedTicket extends TicketReading {
  row: Ticket;
  replayed: boolean;
}

/**
 * Opens a ticket: the customer must be eligible and the plan must offer the channel; the row is
 * stored, then its workflow started. A retry with a known Idempotency-Key answers the same
 * ticket (its workflow started if the first attempt stored the row but died before starting
 * it); the same key for a different ticket is a 409.
 */
export async function openTicket(
  deps: AppDeps,
  principal: Principal,
  customerId: string,
  body: NewTicket,
  idempotencyKey: string | undefined,
): Promise<OpenedTicket> {
  const byKey = () =>
    deps.db.ticket.findUnique({
      where: { customerId_idempotencyKey: { customerId, idempotencyKey: idempotencyKey! } },
    });
  if (idempotencyKey) {
    const existing = await byKey();
    if (existing) return replay(deps, existing, body, principal);
  }
  const nowMs = Date.now();
  const eligibility = await requireEligible(deps.db, {
    kind: 'ticket',
    customerId,
    productId: body.productId,
    nowMs,
  });
  await requireChannelOffered(deps, eligibility.policyKey, body.channel);

  const id = randomUUID();
  const input = await ticketWorkflowInput(
    deps,
    { id, policyKey: eligibility.policyKey, priority: body.priority, openedAt: new Date(nowMs) },
    actorOf(principal),
  );
  // Terms beyond what Pasban computes (stored before sla/limits.ts) are refused with 422 before anything is stored.
  const opening = openingView(input);
  const data: Prisma.TicketUncheckedCreateInput = {
    id,
    customerId,
    productId: body.productId,
    contractId: eligibility.contract.id,
    policyKey: eligibility.policyKey,
    priority: body.priority,
    subject: body.subject,
    description: body.description,
    channel: body.channel,
    openedAt: new Date(nowMs),
    workflowId: `ticket-${id}`,
    idempotencyKey: idempotencyKey ?? null,
    createdByKeyId: principal.keyId,
  };
  let row: Ticket;
  try {
    row = await deps.db.ticket.create({ data });
  } catch (error) {
    // Two concurrent retries with one key: the loser answers with the winner's ticket.
    const existing = idempotencyKey && (await byKey());
    if (existing) return replay(deps, existing, body, principal);
    throw error;
  }
  await startWith(deps, row, input);
  return { row, view: opening, live: false, replayed: false };
}

async function replay(deps: AppDeps, row: Ticket, body: NewTicket, principal: Principal): Promise<OpenedTicket> {
  if (row.productId !== body.productId || row.subject !== body.subject || row.priority !== body.priority) {
    throw new ApiError('conflict', 'this Idempotency-Key was used for a different ticket', {
      reason: 'idempotency_key_reused',
    });
  }
  const input = await ticketWorkflowInput(deps, row, actorOf(principal));
  await startWith(deps, row, input);
  const live = await liveView(deps, row);
  return {
    row,
    view: live ?? readTicketClock(row) ?? openingView(input),
    live: live !== undefined,
    replayed: true,
  };
}

/** Each command's workflow update (a command's `type` names its update; its other fields are the update's argument). */
type ArgOf<K extends TicketCommand['type']> = Omit<Extract<TicketCommand, { type: K }>, 'type'>;
const UPDATES: { [K in TicketCommand['type']]: UpdateDefinition<TicketView, [ArgOf<K>]> } = {
  agentReply: ticket.agentReply,
  customerReply: ticket.customerReply,
  setStatus: ticket.setStatus,
  changePriority: ticket.changePriority,
  assign: ticket.assign,
  announceResolutionDate: ticket.announceResolutionDate,
  rejectRequest: ticket.rejectRequest,
  confirmFault: ticket.confirmFault,
  resolve: ticket.resolve,
  reopen: ticket.reopen,
  close: ticket.close,
  cancel: ticket.cancel,
};

/** The request of a command on a ticket: its route's name, who sends it, its Idempotency-Key. */
export type TicketCommandRequest = Omit<CommandRequest, 'keyId'> & { principal: Principal };

/** Sends a command to the ticket's workflow (./workflow-command) and answers the ticket as it now stands. */
export async function commandTicket(
  deps: AppDeps,
  row: Ticket,
  request: TicketCommandRequest,
  command: TicketCommand,
): Promise<TicketView> {
  const { type, ...arg } = command;
  const update = UPDATES[type] as UpdateDefinition<TicketView, [typeof arg]>;
  const outcome = await workflowCommand(
    deps,
    ticketResource,
    row,
    { ...request, keyId: request.principal.keyId },
    (target) => runCommand(target, update, arg),
  );
  // A ticket's row never says its workflow has ended by itself, so nothing is answered from the record.
  if (outcome.replayed) throw new Error('a ticket command is never answered from the record');
  return outcome.result;
}

/** Assigns the ticket to a staff user of its vendor who works tickets; anyone else is a 422 naming `body.assignee`. */
export async function assignTicket(
  deps: AppDeps,
  row: Ticket,
  request: TicketCommandRequest,
  assignee: string,
): Promise<TicketView> {
  const product = await deps.db.product.findUniqueOrThrow({ where: { id: row.productId }, select: { vendorId: true } });
  const refusal = await assigneeRefusal(deps.db, assignee, product.vendorId);
  if (refusal)
    throw new ApiError('unprocessable', `assignee ${refusal}`, {
      reason: 'invalid_assignee',
      invalidFields: [{ field: 'body.assignee', reason: refusal }],
    });
  return commandTicket(deps, row, request, { type: 'assign', actor: actorOf(request.principal), assignee });
}

/**
 * Resolves, recording the hours worked first checked (a refusal leaves the ticket open) and then
 * written once the resolution is accepted. A retry under the same Idempotency-Key records them once.
 */
export async function resolveTicket(
  deps: AppDeps,
  row: Ticket,
  request: TicketCommandRequest,
  body: { note: string; minutesWorked?: number },
): Promise<TicketView> {
  const actor = actorOf(request.principal);
  const resolve = () => commandTicket(deps, row, request, { type: 'resolve', actor, note: body.note });
  if (body.minutesWorked === undefined) return resolve();
  const withContract = await deps.db.ticket.findUniqueOrThrow({ where: { id: row.id }, include: { contract: true } });
  const key = request.idempotencyKey;
  const note = `recorded with the resolution by ${actor}${key ? ` (Idempotency-Key ${key})` : ''}`;
  if (key && (await deps.db.entitlementUse.findFirst({ where: { reference: `ticket:${row.id}`, note } })))
    return resolve();
  const planned = await planTicketHours(deps, withContract, body.minutesWorked, 'body.minutesWorked');
  const view = await resolve();
  await planned.apply(note);
  return view;
}
