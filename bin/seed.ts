// `npm run seed`: write the vendor presets into DATABASE_URL (idempotent; keeps admin edits).
import { ensureAdminKey, ensureAdminUser } from '../api/auth';
import { generatePassword, hashPassword } from '../api/passwords';
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
    const newAdminSignIn = await ensureAdminUser(
      db,
      { email: config.PASBAN_ADMIN_EMAIL, password: config.PASBAN_ADMIN_PASSWORD },
      hashPassword,
      generatePassword,
    );
    if (newAdminSignIn)
      process.stdout.write(
        `Admin sign-in (shown once, store it now): ${newAdminSignIn.email} / ${newAdminSignIn.password}\n`,
      );
  } finally {
    await db.$disconnect();
  }
});
