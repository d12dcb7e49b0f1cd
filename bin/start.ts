// `npm start`: the whole service on one machine. Starts whatever is not configured (embedded
// PostgreSQL, Temporal's dev server), migrates, seeds the presets, then runs a worker and the API.
import { ensureAdminKey } from '../api/auth';
import { loadConfig } from '../platform/config';
import { createDatabase } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { seedPresets } from '../platform/seed';
import { startApiServer } from '../platform/api-server';
import { connectClient } from '../platform/temporal';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import { createWorker } from '../platform/worker';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async (onStop) => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.EMBEDDED_POSTGRES_PORT, logger });
    onStop(() => pg.stop());
    databaseUrl = pg.url;
  }
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi = '(your Temporal cluster\'s UI)';
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({
      dataDir: config.dataDir,
      port: config.EMBEDDED_TEMPORAL_PORT,
      uiPort: config.EMBEDDED_TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      logger,
    });
    onStop(() => dev.stop());
    temporalAddress = dev.address;
    temporalUi = dev.uiUrl;
  }

  await migrate(databaseUrl, logger);
  const db = createDatabase(databaseUrl);
  onStop(() => db.$disconnect());
  await seedPresets(db, logger);
  const newAdminKey = await ensureAdminKey(db, config.PASBAN_ADMIN_API_KEY);

  const temporal = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE);
  onStop(() => temporal.connection.close());
  const { worker, connection, relay } = await createWorker({ config, temporalAddress, db, logger });
  const running = worker.run();
  onStop(async () => {
    worker.shutdown();
    await Promise.all([running, relay.stop()]);
    await connection.close();
  });

  const server = await startApiServer({ config, db, temporal, logger });
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const api = `http://${config.HOST}:${config.PORT}`;
  const lines = [
    'Pasban is running.',
    `  API:              ${api}`,
    `  API docs:         ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
    `  Temporal Web UI:  ${temporalUi}`,
    `  Temporal:         ${temporalAddress} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`,
    `  Database:         ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  Data directory:   ${config.dataDir}`,
  ];
  if (newAdminKey) lines.push('', `  Admin API key (shown once, store it now): ${newAdminKey}`);
  lines.push('', 'Press Ctrl-C to stop.');
  process.stdout.write(lines.join('\n') + '\n');
  logger.info({ api, temporalAddress }, 'pasban started');
  await running;
});
