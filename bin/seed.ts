// `npm run seed`: write the vendor presets into DATABASE_URL (idempotent; keeps admin edits).
import { ensureAdminKey } from '../api/auth';
import { ConfigError, loadConfig } from '../platform/config';
import { createDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';
import { seedPresets } from '../platform/seed';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async () => {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new ConfigError([{ variable: 'DATABASE_URL', reason: 'required to seed' }]);
  const db = createDatabase(config.DATABASE_URL);
  try {
    await seedPresets(db, createLogger(config.LOG_LEVEL));
    const newAdminKey = await ensureAdminKey(db, config.PASBAN_ADMIN_API_KEY);
    if (newAdminKey) process.stdout.write(`Admin API key (shown once, store it now): ${newAdminKey}\n`);
  } finally {
    await db.$disconnect();
  }
});
