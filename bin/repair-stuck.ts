// `npm run repair-stuck`: lists the workflows whose tasks keep failing and restarts the stuck
// ticket workflows from their recorded timelines (api/stuck-workflows.ts); prints what it did.
import { RateLimiter } from '../api/rate-limit';
import { repairStuckWorkflows } from '../api/stuck-workflows';
import { requireServices } from './require-services';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async (onStop) => {
  const { config, logger, db, temporal } = await requireServices();
  onStop(() => db.$disconnect());
  onStop(() => temporal.connection.close());
  const deps = {
    config,
    db,
    temporal,
    logger,
    rateLimiter: new RateLimiter(config.RATE_LIMIT_PER_MINUTE),
    probes: { database: async () => undefined, temporal: async () => undefined },
  };
  const outcomes = await repairStuckWorkflows(deps);
  const ids = Object.keys(outcomes);
  console.log(ids.length === 0 ? 'No stuck workflows.' : ids.map((id) => `${id}: ${outcomes[id]}`).join('\n'));
});
