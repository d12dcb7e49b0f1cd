import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, type UpdateDefinition, type Workflow } from '@temporalio/common';
import type { Eligibility } from '../../sla/eligibility';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { RECOVERY_ACTOR } from '../unstarted';

/**
 * How long a start waits for Temporal. Without a deadline the client's gRPC retries keep an
 * intake request waiting about 35 s while the server is down; with it the client hears 503 with
 * Retry-After after the deadline plus at most one retry backoff (≤ 6 s), and its retry (same
 * Idempotency-Key) or the recovery sweep starts the workflow of the row already stored. A start
 * that did reach the server is found by that retry as already started, so nothing starts twice.
 * A healthy server answers a start in milliseconds; intake's p99 at 10,000 tickets is 2.5 s.
 */
export const START_DEADLINE_MS = 5_000;

/** The longest backoff between the client's gRPC retries (5 s, plus 20 % jitter). */
export const GRPC_MAX_BACKOFF_MS = 6_000;

/** How long a read waits for a running workflow's live answer before answering the recorded one. */
export const QUERY_DEADLINE_MS = 5_000;

/** gRPC's UNAVAILABLE (14) and DEADLINE_EXCEEDED (4): Temporal cannot answer now. */
const UNREACHABLE_CODES = new Set([14, 4]);

/** Whether an error or one of its causes (five deep) satisfies `test`. */
function anyCause(error: unknown, test: (cause: unknown) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (test(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether an error (or one of its causes) says Temporal could not be reached in time. */
export function isTemporalUnreachable(error: unknown): boolean {
  return anyCause(error, (cause) => isGrpcServiceError(cause) && UNREACHABLE_CODES.has(cause.code));
}

/**
 * Starts a workflow unless one with that id already runs or ran: a retried request (same
 * Idempotency-Key, or a crash between storing the row and starting) never starts it twice.
 * Answers whether this call started it.
 */
export async function startOnce<W extends Workflow>(
  client: Client,
  workflow: W,
  options: { workflowId: string; taskQueue: string; args: Parameters<W> },
): Promise<boolean> {
  try {
    await client.withDeadline(Date.now() + START_DEADLINE_MS, () => client.workflow.start(workflow, options as never));
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return false;
  }
}

/**
 * The workflow a command goes to, and the update id that makes a retried command run once: a
 * client that sends an Idempotency-Key and retries with it (after a timeout, a dropped
 * connection, a 503) gets the first outcome back instead of a second reply, assignment or
 * decision. The id is scoped to the key's owner and the command, so two callers' keys never meet.
 */
export interface CommandTarget {
  handle: WorkflowHandle;
  updateId?: string;
}

export function commandTarget(
  handle: WorkflowHandle,
  command: string,
  keyId: string,
  idempotencyKey: string | undefined,
): CommandTarget {
  return idempotencyKey ? { handle, updateId: `${keyId}:${command}:${idempotencyKey}` } : { handle };
}

/**
 * The one reason code of a command refused because the resource's workflow has ended (a closed or
 * cancelled ticket, a declined or accepted change request). Claims answer `already_decided`
 * instead, as their API has always said (a claim's workflow ends with its decision).
 */
export const ENDED = 'closed';

/**
 * Runs an update; a refusal by the workflow's validator (an ApplicationFailure) becomes a 409
 * naming why, and a workflow that has ended becomes a 409 with reason ENDED (which
 * `workflowCommand` words for the resource).
 */
export async function runCommand<Ret, Arg>(
  target: CommandTarget,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  try {
    return await target.handle.executeUpdate(update, {
      args: [arg],
      ...(target.updateId && { updateId: target.updateId }),
    });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      throw new ApiError('conflict', error.cause.message, { reason: error.cause.type ?? 'refused' });
    }
    if (error instanceof WorkflowNotFoundError || isClosed(error)) {
      throw new ApiError('conflict', 'it has ended and accepts no more commands', { reason: ENDED });
    }
    throw error;
  }
}

function isClosed(error: unknown): boolean {
  return /workflow execution already completed|already completed/i.test((error as Error)?.message ?? '');
}

const hasEnded = (error: unknown) => error instanceof ApiError && error.extra.reason === ENDED;

/** A stored row that carries a workflow (a ticket, claim or change request). */
export interface StoredRow {
  id: string;
  workflowId: string;
}

/**
 * What `workflowCommand` and the recovery sweep need to know of one kind of resource; each
 * service (./tickets, ./claims, ./change-requests) defines one.
 */
export interface WorkflowResource<Row extends StoredRow> {
  /** The recovery sweep's name for the kind. */
  kind: 'tickets' | 'claims' | 'changeRequests';
  /** How a refusal names it: "the ticket is cancelled". */
  noun: string;
  /** Rows whose workflow never ran (./unstarted): the one with `id`, or the sweep's, stored before an instant. */
  neverStarted(deps: AppDeps, where: { id?: string; before?: Date; take?: number }): Promise<Row[]>;
  /** Starts a stored row's workflow unless it runs or ran (startOnce); whether this call started it. */
  start(deps: AppDeps, row: Row, actor: string): Promise<boolean>;
  /** The row's state as a refusal of a command on its ended workflow names it ("cancelled", "already approved"). */
  stateOf(deps: AppDeps, id: string): Promise<string>;
  /** The reason code of that refusal; ENDED unless the resource's API has always said another. */
  endedReason?: string;
  /**
   * Whether the row already says its workflow has ended (a decided claim), so the command is
   * answered without Temporal; `endedBy` then tells whether this very update ended it.
   */
  endedByRow?(row: Row): boolean;
  endedBy?(deps: AppDeps, id: string, updateId: string): Promise<boolean>;
}

/** One command on one row: its name (the route's last segment), who sends it and its Idempotency-Key. */
export interface CommandRequest {
  /** Scopes the update id: `replies`, `approve`, `decline-quote`. */
  name: string;
  /** How a refusal names it ("cannot decline quote"); the name with dashes as spaces by default. */
  verb?: string;
  keyId: string;
  idempotencyKey: string | undefined;
}

/** The command's outcome, or `replayed`: its first outcome is on record and nothing ran again. */
export type CommandOutcome<T> = { replayed: false; result: T } | { replayed: true };

/**
 * The one way a command reaches a resource's workflow (tickets, claims, change requests):
 * - the update id comes from the Idempotency-Key (`commandTarget`), so a retry runs once and gets
 *   the first outcome (Temporal answers a known update id with its outcome, also once the workflow
 *   has closed); a resource whose row records the ending update (`endedBy`) answers it `replayed`;
 * - a workflow that has ended is a 409 `cannot <verb>: the <noun> is <state>` with reason ENDED
 *   (or the resource's `endedReason`);
 * - a row whose workflow never ran (its start failed; the recovery sweep has not come by) is
 *   started as the sweep would start it, and the command runs once more.
 */
export async function workflowCommand<Row extends StoredRow, T>(
  deps: AppDeps,
  resource: WorkflowResource<Row>,
  row: Row,
  request: CommandRequest,
  send: (target: CommandTarget) => Promise<T>,
): Promise<CommandOutcome<T>> {
  const target = commandTarget(
    deps.temporal.workflow.getHandle(row.workflowId),
    request.name,
    request.keyId,
    request.idempotencyKey,
  );
  if (resource.endedByRow?.(row)) {
    if (target.updateId && (await resource.endedBy?.(deps, row.id, target.updateId))) return { replayed: true };
    throw await endedRefusal(deps, resource, row.id, request);
  }
  try {
    return { replayed: false, result: await send(target) };
  } catch (error) {
    if (!hasEnded(error)) throw error;
  }
  if (await startIfNeverStarted(deps, resource, row.id)) {
    try {
      return { replayed: false, result: await send(target) };
    } catch (error) {
      if (!hasEnded(error)) throw error;
    }
  }
  throw await endedRefusal(deps, resource, row.id, request);
}

async function endedRefusal<Row extends StoredRow>(
  deps: AppDeps,
  resource: WorkflowResource<Row>,
  id: string,
  request: CommandRequest,
): Promise<ApiError> {
  const verb = request.verb ?? request.name.replace(/-/g, ' ');
  return new ApiError('conflict', `cannot ${verb}: the ${resource.noun} is ${await resource.stateOf(deps, id)}`, {
    reason: resource.endedReason ?? ENDED,
  });
}

/**
 * Runs a command on a stored row's workflow, starting it first if it never ran (claims and change
 * requests until they have their services; then `workflowCommand` replaces it).
 */
export async function commandStartingIfNeeded<T>(
  run: () => Promise<T>,
  startIfNeverStarted: () => Promise<boolean>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!hasEnded(error) || !(await startIfNeverStarted())) throw error;
    return run();
  }
}

/**
 * The one way a stored row whose workflow never ran gets started, by a command that meets it or
 * by the recovery sweep: the resource's own start, with `actor` (RECOVERY_ACTOR) as the opener.
 * False when the row's workflow did run (it has ended, and stays refused).
 */
export async function startIfNeverStarted<Row extends StoredRow>(
  deps: AppDeps,
  resource: WorkflowResource<Row>,
  id: string,
  actor = RECOVERY_ACTOR,
): Promise<boolean> {
  const [row] = await resource.neverStarted(deps, { id });
  if (!row) return false;
  await resource.start(deps, row, actor);
  return true;
}

/**
 * The live answer of a running workflow; undefined once it has ended, or when Temporal (or a
 * busy worker) cannot answer within QUERY_DEADLINE_MS, so the caller answers from the database.
 */
export async function queryIfRunning<Ret>(
  handle: WorkflowHandle,
  query: QueryDefinition<Ret, []>,
): Promise<Ret | undefined> {
  try {
    return await handle.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, async () => {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return undefined;
      return await handle.query(query);
    });
  } catch (error) {
    // Any answer of Temporal's short of a live view (unreachable, past the deadline, rate-limited,
    // busy) leaves the read with the recorded view: a read never fails because the live one could not be had.
    if (error instanceof WorkflowNotFoundError || error instanceof ServiceError || anyCause(error, isGrpcServiceError))
      return undefined;
    throw error;
  }
}

/** An eligibility refusal as a 422 carrying the reason code (`no_contract`, `unpaid`, …). */
export function refusal(eligibility: Extract<Eligibility, { ok: false }>): ApiError {
  return new ApiError('not_eligible', eligibility.detail, { reason: eligibility.reason });
}
