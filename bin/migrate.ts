// `npm run migrate`: apply pending migrations to DATABASE_URL.
import { ConfigError, loadConfig } from '../platform/config';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async () => {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError([{ variable: 'DATABASE_URL', reason: 'required to migrate' }]);
  await migrate(config.DATABASE_URL, createLogger(config.LOG_LEVEL));
});
