import type { Client } from '@temporalio/client';
import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import type { RateLimit } from './rate-limit';

/** Everything the HTTP edge needs, injected so tests can build the app against real or stub parts. */
export interface AppDeps {
  config: Pick<
    Config,
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_NAMESPACE'
    | 'BODY_LIMIT'
    | 'OUTAGE_END_MARGIN_MINUTES'
    | 'IDEMPOTENCY_KEY_RETENTION_HOURS'
  > &
    Partial<Pick<Config, 'SESSION_IDLE_MINUTES' | 'SESSION_ABSOLUTE_HOURS' | 'NODE_ENV' | 'WEBHOOK_ALLOWED_HOSTS'>>;
  db: Database;
  temporal: Client;
  logger: Logger;
  rateLimiter: RateLimit;
  /** Readiness probes; each resolves when its dependency answers and rejects otherwise. */
  probes: { database(): Promise<void>; temporal(): Promise<void> };
}
