import { z } from 'zod';
import { defineRoute, Reply } from '../route';

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  checks: z.object({
    database: z.object({ ok: z.boolean(), error: z.string().optional() }),
    temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
  }),
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
    summary: 'The database and Temporal are reachable (503 names the one that is not)',
    roles: 'public',
    response: readiness,
    errors: [503],
    handler: async ({ deps }) => {
      const [database, temporal] = await Promise.all([check(deps.probes.database), check(deps.probes.temporal)]);
      const ready = database.ok && temporal.ok;
      if (!ready) {
        const failing = [database.ok ? null : 'database', temporal.ok ? null : 'temporal'].filter(Boolean).join(' and ');
        deps.logger.warn({ database, temporal }, `not ready: ${failing} unavailable`);
      }
      return new Reply(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: { database, temporal } }, ready ? {} : { 'Retry-After': '5' });
    },
  }),
];
