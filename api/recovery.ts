/**
 * Intake stores a row, then starts its workflow. When the start fails (Temporal unreachable, the
 * process killed between the two) the client hears 503; one that retries with its
 * Idempotency-Key gets the workflow started, but one that gives up would leave a ticket, claim,
 * change request or outage that nothing guards. Every API process therefore sweeps once a minute
 * for rows older than a minute whose workflow never ran (see ./unstarted), and starts them.
 * Starting is idempotent (the workflow id is the row's), so a sweep that meets a running
 * workflow, a client's retry or another API process's sweep does nothing twice. With many API
 * processes, one sweeps at a time (a PostgreSQL advisory lock; the others skip that minute), so
 * N processes do not ask Temporal N times for the same starts.
 */
import type { AppDeps } from './deps';
import { purgeIdempotencyKeys } from './idempotency';
import { startClaimWorkflow } from './claim-filing';
import { startChangeRequestWorkflow } from './routes/change-requests';
import { startOutageWorkflow } from './routes/outages';
import { ticketResource } from './services/tickets';
import { neverStarted, RECOVERY_ACTOR } from './unstarted';

export { RECOVERY_ACTOR } from './unstarted';

/** Workflows this sweep started, by kind (not counting ones already running), and starts that failed. */
export interface RecoveryResult {
  tickets: number;
  claims: number;
  changeRequests: number;
  /** Outages whose notice workflow was started (or found running) by this sweep. */
  outages: number;
  failed: number;
}

/** One sweep: rows in their first state, stored before `nowMs - olderThanMs`, with no event yet, get their workflow started. */
export async function recoverUnstartedWorkflows(
  deps: AppDeps,
  options: { nowMs?: number; olderThanMs?: number; limit?: number } = {},
): Promise<RecoveryResult> {
  const cutoff = new Date((options.nowMs ?? Date.now()) - (options.olderThanMs ?? 60_000));
  const take = options.limit ?? 100;
  const [tickets, claims, changeRequests, outages] = await Promise.all([
    ticketResource.neverStarted(deps, { before: cutoff, take }),
    deps.db.claim.findMany({ where: neverStarted.claims(cutoff), take }),
    deps.db.changeRequest.findMany({ where: neverStarted.changeRequests(cutoff), select: { id: true }, take }),
    deps.db.outage.findMany({ where: neverStarted.outages(cutoff), take }),
  ]);
  const result: RecoveryResult = { tickets: 0, claims: 0, changeRequests: 0, outages: 0, failed: 0 };
  const attempt = async (
    kind: 'tickets' | 'claims' | 'changeRequests' | 'outages',
    id: string,
    start: () => Promise<boolean>,
  ) => {
    try {
      if (await start()) result[kind]++;
    } catch (error) {
      result.failed++;
      deps.logger.warn(
        { kind, id, err: error },
        "could not start a stored request's workflow; the next sweep tries again",
      );
    }
  };
  for (const row of tickets) await attempt('tickets', row.id, () => ticketResource.start(deps, row, RECOVERY_ACTOR));
  for (const row of claims) await attempt('claims', row.id, () => startClaimWorkflow(deps, row, RECOVERY_ACTOR));
  for (const row of changeRequests)
    await attempt('changeRequests', row.id, () => startChangeRequestWorkflow(deps, row.id, RECOVERY_ACTOR));
  // An outage's row notes its start, so one found here counts as started whether or not it was already running.
  for (const row of outages) {
    await attempt('outages', row.id, async () => {
      await startOutageWorkflow(deps, row);
      return true;
    });
  }
  return result;
}

/** The advisory lock of the recovery sweep (pg_try_advisory_xact_lock's key): one sweeping process at a time. */
export const RECOVERY_LOCK = 19_020_001;

/**
 * One sweep, unless another process is sweeping (null then). The lock is a transaction's: it is
 * released when the sweep ends, or when the sweeping process's connection dies.
 */
export async function sweepOnce(
  deps: AppDeps,
  options: Parameters<typeof recoverUnstartedWorkflows>[1] = {},
): Promise<RecoveryResult | null> {
  return deps.db.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(${RECOVERY_LOCK}::bigint) AS locked`;
      return row?.locked ? recoverUnstartedWorkflows(deps, options) : null;
    },
    { maxWait: 5_000, timeout: 55_000 },
  );
}

/** Sweeps every `everyMs` until stopped (and purges idempotency keys past their retention and full rate-limit buckets); a sweep that fails (the database down) is logged and the next one tries again. */
export function startRecovery(deps: AppDeps, everyMs = 60_000): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOnce(deps)
      .then(async (result) => {
        const started = result ? result.tickets + result.claims + result.changeRequests + result.outages : 0;
        if (result && (started > 0 || result.failed > 0))
          deps.logger.info({ ...result }, 'workflows of stored requests checked and started');
        await deps.rateLimiter.purge?.();
        const purged = await purgeIdempotencyKeys(deps.db, deps.config.IDEMPOTENCY_KEY_RETENTION_HOURS * 3_600_000);
        if (purged > 0) deps.logger.info({ purged }, 'idempotency keys past their retention forgotten');
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'recovery sweep failed; retrying in a minute'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
