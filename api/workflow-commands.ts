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
import type { Eligibility } from '../sla/eligibility';
import { ApiError } from './errors';

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
 * Runs an update; a refusal by the workflow's validator (an ApplicationFailure) becomes a 409
 * naming why, and a workflow that has ended becomes a 409 too.
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
      throw new ApiError('conflict', 'it has ended and accepts no more commands', { reason: 'closed' });
    }
    throw error;
  }
}

/**
 * Runs a command on a stored row's workflow. When it finds none because the row's start failed
 * and the recovery sweep has not come by yet, the command is not refused as "ended":
 * `startIfNeverStarted` starts the workflow, as the sweep would (answering false for a row whose
 * workflow did run, which stays refused), and the command runs once more.
 */
export async function commandStartingIfNeeded<T>(
  run: () => Promise<T>,
  startIfNeverStarted: () => Promise<boolean>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiError && error.extra.reason === 'closed') || !(await startIfNeverStarted())) throw error;
    return run();
  }
}

function isClosed(error: unknown): boolean {
  return /workflow execution already completed|already completed/i.test((error as Error)?.message ?? '');
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
