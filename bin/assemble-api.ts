import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app';
import { SharedRateLimiter } from '../api/rate-limit';
import { startRecovery } from '../api/recovery';
import type { AppDeps } from '../api/deps';
import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { probeTemporal } from '../platform/temporal';

/**
 * Builds the app with its real dependencies and listens; resolves once the port is bound. While
 * it listens, it also starts the workflows of stored requests whose start failed (api/recovery.ts).
 */
export async function startApiServer(options: {
  config: Config;
  db: Database;
  temporal: Client;
  logger: Logger;
}): Promise<Server> {
  const { config, db, temporal, logger } = options;
  const deps: AppDeps = {
    config,
    db,
    temporal,
    logger,
    // Per key across every API process (PostgreSQL); this process's own buckets while the database is unreachable.
    rateLimiter: new SharedRateLimiter(db, config.RATE_LIMIT_PER_MINUTE, (error) =>
      logger.debug({ err: error }, 'rate limit metered locally: the database did not answer'),
    ),
    probes: {
      database: async () => {
        await db.$queryRaw`SELECT 1`;
      },
      temporal: () => probeTemporal(temporal),
    },
  };
  const app = createApp(deps);
  return new Promise((resolve, reject) => {
    const server = app.listen(config.PORT, config.HOST, () => {
      const recovery = startRecovery(deps);
      server.once('close', () => recovery.stop());
      resolve(server);
    });
    server.once('error', reject);
  });
}
