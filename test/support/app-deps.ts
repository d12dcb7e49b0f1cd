import type { Client } from '@temporalio/client';
import type { AppDeps } from '../../api/deps';
import { RateLimiter } from '../../api/rate-limit';
import { createLogger, type Logger } from '../../platform/logger';
import { probeTemporal } from '../../platform/temporal';
import { testDatabase } from './fixtures';

/** The API's dependencies on the integration stack's real database and Temporal, for in-process apps and sweeps. */
export function integrationDeps(
  temporal: Client,
  options: { perMinute?: number; bodyLimit?: string; logger?: Logger } = {},
): AppDeps {
  const db = testDatabase();
  return {
    config: {
      TEMPORAL_TASK_QUEUE: 'pasban',
      TEMPORAL_NAMESPACE: 'default',
      BODY_LIMIT: options.bodyLimit ?? '100kb',
      OUTAGE_END_MARGIN_MINUTES: 15,
      IDEMPOTENCY_KEY_RETENTION_HOURS: 24,
    },
    db,
    temporal,
    logger: options.logger ?? createLogger('silent'),
    rateLimiter: new RateLimiter(options.perMinute ?? 1000),
    probes: { database: async () => void (await db.$queryRaw`SELECT 1`), temporal: () => probeTemporal(temporal) },
  };
}
