// `npm run api`: only the HTTP API, against the configured DATABASE_URL and TEMPORAL_ADDRESS.
import { startApiServer } from './assemble-api';
import { requireServices } from './require-services';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async (onStop) => {
  const { config, logger, db, temporal } = await requireServices();
  onStop(() => db.$disconnect());
  onStop(() => temporal.connection.close());
  const server = await startApiServer({ config, db, temporal, logger });
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())));
  logger.info({ port: config.PORT }, 'api listening');
  await new Promise(() => undefined);
});
