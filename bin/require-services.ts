import { loadConfig, ConfigError } from '../platform/config';
import { createDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';
import { connectClient } from '../platform/temporal';

/** The separate entry points run against real services only: both must be configured. */
export async function requireServices() {
  const config = loadConfig();
  const missing = (['DATABASE_URL', 'TEMPORAL_ADDRESS'] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((variable) => ({ variable, reason: 'required here (only `npm start` starts embedded services)' })),
    );
  }
  const logger = createLogger(config.LOG_LEVEL);
  const db = createDatabase(config.DATABASE_URL!);
  const temporal = await connectClient(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE);
  return { config, logger, db, temporal, temporalAddress: config.TEMPORAL_ADDRESS! };
}
