// `npm start`: the whole service on one machine. Starts whatever is not configured (embedded
// PostgreSQL, Temporal's dev server), migrates, seeds the presets, then runs a worker and the API.
import { ensureAdminKey, ensureAdminUser } from '../api/auth';
import { generatePassword, hashPassword } from '../api/passwords';
import { loadConfig } from '../platform/config';
import { createDatabase } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { seedPresets } from '../platform/seed';
import { startApiServer } from './assemble-api';
import { connectClient } from '../platform/temporal';
import { startTemporalDevServer } from '../platform/temporal-dev-server';
import {
  launchers,
  removePidFile,
  requireFreePort,
  startWatchdog,
  takeOverLeftovers,
  watchLaunchers,
  writePidFile,
  type GuardedChild,
} from '../platform/supervision';
import { createWorker } from './assemble-worker';
import { ensureConsoleBuilt } from './build-console';
import { runUntilSignal } from './lifecycle';
import { warnAboutUnreachableRecipients } from '../store/readiness';

runUntilSignal(async (onStop) => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const { dataDir } = config;

  // A process manager that SIGKILLs `npm start` kills npm, not this process: stop as on SIGTERM.
  watchLaunchers(launchers(), (pid) => {
    logger.warn({ launcher: pid }, 'the process that launched Pasban is gone; stopping');
    process.kill(process.pid, 'SIGTERM');
  });
  const children: GuardedChild[] = [];
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    await takeOverLeftovers(dataDir, logger);
    onStop(() => removePidFile(dataDir, 'pasban', process.pid));
  }

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    await requireFreePort(config.EMBEDDED_POSTGRES_PORT, 'EMBEDDED_POSTGRES_PORT');
    const pg = await startEmbeddedPostgres({ dataDir, port: config.EMBEDDED_POSTGRES_PORT, logger });
    onStop(() => pg.stop());
    databaseUrl = pg.url;
    if (pg.pid !== null) children.push({ name: 'postgres', pid: pg.pid, signal: 'SIGINT', marker: 'postgres' });
  }
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi = "(your Temporal cluster's UI)";
  if (!temporalAddress) {
    await requireFreePort(config.EMBEDDED_TEMPORAL_PORT, 'EMBEDDED_TEMPORAL_PORT');
    await requireFreePort(config.EMBEDDED_TEMPORAL_UI_PORT, 'EMBEDDED_TEMPORAL_UI_PORT');
    const dev = await startTemporalDevServer({
      dataDir,
      port: config.EMBEDDED_TEMPORAL_PORT,
      uiPort: config.EMBEDDED_TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      logger,
    });
    const temporalChild: GuardedChild = { name: 'temporal', pid: dev.pid, signal: 'SIGTERM', marker: 'start-dev' };
    writePidFile(dataDir, temporalChild);
    onStop(async () => {
      await dev.stop();
      removePidFile(dataDir, 'temporal', dev.pid);
    });
    temporalAddress = dev.address;
    temporalUi = dev.uiUrl;
    children.push(temporalChild);
  }
  if (children.length > 0) startWatchdog(dataDir, children);

  await migrate(databaseUrl, logger);
  const db = createDatabase(databaseUrl);
  onStop(() => db.$disconnect());
  await seedPresets(db, logger);
  await warnAboutUnreachableRecipients(db, logger);
  const newAdminKey = await ensureAdminKey(db, config.PASBAN_ADMIN_API_KEY);
  const newAdminSignIn = await ensureAdminUser(
    db,
    { email: config.PASBAN_ADMIN_EMAIL, password: config.PASBAN_ADMIN_PASSWORD },
    hashPassword,
    generatePassword,
  );

  const temporal = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE);
  onStop(() => temporal.connection.close());
  const { worker, connection, relay } = await createWorker({ config, temporalAddress, db, logger });
  const running = worker.run();
  onStop(async () => {
    worker.shutdown();
    await Promise.all([running, relay.stop()]);
    await connection.close();
  });

  // The web console is built on the first start (and after its sources change); the API serves without it if that fails.
  await ensureConsoleBuilt((line) => logger.info(line)).catch((err: unknown) =>
    logger.error({ err }, 'the web console could not be built'),
  );
  const server = await startApiServer({ config, db, temporal, logger });
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const api = `http://${config.HOST}:${config.PORT}`;
  const lines = [
    'Pasban is running.',
    `  Console:          ${api}/`,
    `  API:              ${api}`,
    `  API docs:         ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
    `  Temporal Web UI:  ${temporalUi}`,
    `  Temporal:         ${temporalAddress} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`,
    `  Database:         ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  Data directory:   ${dataDir}`,
  ];
  if (newAdminKey) lines.push('', `  Admin API key (shown once, store it now): ${newAdminKey}`);
  if (newAdminSignIn)
    lines.push('', `  Admin sign-in (shown once, store it now): ${newAdminSignIn.email} / ${newAdminSignIn.password}`);
  lines.push('', 'Press Ctrl-C to stop.');
  process.stdout.write(lines.join('\n') + '\n');
  logger.info({ api, temporalAddress }, 'pasban started');
  await running;
});
