import { z } from 'zod';
import type { AppDeps } from '../deps';
import { defineRoute, Reply } from '../route';
import { findStuckWorkflows } from '../stuck-workflows';

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
  }),
  stuckWorkflows: z
    .object({ count: z.number().int(), ids: z.array(z.string()), error: z.string().optional() })
    .describe(
      'running workflows whose tasks keep failing (at most 20 ids; `npm run repair-stuck` restarts stuck tickets); they do not make the service unready',
    ),
});

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] };
  }
}

/** How long a readiness answer is reused: probes every second cost the database and Temporal one check each 2 s. */
const READINESS_REUSE_MS = 2000;
type Readiness = z.infer<typeof readiness>;
const lastReadiness = new WeakMap<object, { atMs: number; answer: Promise<Readiness> }>();

/** Stuck workflows, as Temporal's visibility lists them; logged by id so an operator can act. */
async function stuckWorkflows(deps: AppDeps): Promise<Readiness['stuckWorkflows']> {
  let ids: string[] = [];
  const listed = await check(async () => {
    ids = await findStuckWorkflows(deps, 20);
  });
  if (!listed.ok) return { count: 0, ids: [], error: listed.error };
  if (ids.length > 0)
    deps.logger.warn(
      { stuckWorkflows: ids },
      `${ids.length} workflow(s) stuck: their tasks keep failing (npm run repair-stuck)`,
    );
  return { count: ids.length, ids };
}

async function checkReadiness(deps: AppDeps): Promise<Readiness> {
  const [database, temporal] = await Promise.all([check(deps.probes.database), check(deps.probes.temporal)]);
  const stuck = temporal.ok ? await stuckWorkflows(deps) : { count: 0, ids: [] };
  const ready = database.ok && temporal.ok;
  if (!ready) {
    const failing = [database.ok ? null : 'database', temporal.ok ? null : 'temporal'].filter(Boolean).join(' and ');
    deps.logger.warn({ database, temporal }, `not ready: ${failing} unavailable`);
  }
  return { status: ready ? 'ready' : 'unavailable', checks: { database, temporal }, stuckWorkflows: stuck };
}

/** The readiness of at most READINESS_REUSE_MS ago (concurrent probes share one check). */
function readinessOf(deps: AppDeps): Promise<Readiness> {
  const cached = lastReadiness.get(deps.probes);
  if (cached && Date.now() - cached.atMs < READINESS_REUSE_MS) return cached.answer;
  const answer = checkReadiness(deps);
  lastReadiness.set(deps.probes, { atMs: Date.now(), answer });
  return answer;
}

export const systemRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    tag: 'system',
    summary: 'The process is alive',
    roles: 'public',
    response: z.object({ status: z.literal('ok') }),
    handler: async () => ({ status: 'ok' as const }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    tag: 'system',
    summary:
      'The database and Temporal are reachable (503 names the one that is not), and which workflows are stuck; the answer is reused for 2 s',
    roles: 'public',
    response: readiness,
    errors: [503],
    handler: async ({ deps }) => {
      const answer = await readinessOf(deps);
      const ready = answer.status === 'ready';
      return new Reply(ready ? 200 : 503, answer, {
        'Cache-Control': 'max-age=2',
        ...(ready ? {} : { 'Retry-After': '5' }),
      });
    },
  }),
];
