// `npm run worker`: only a Temporal worker; run as many as the load needs.
import { createWorker } from './assemble-worker';
import { requireServices } from './require-services';
import { runUntilSignal } from './lifecycle';

runUntilSignal(async (onStop) => {
  const { config, logger, db, temporal, temporalAddress } = await requireServices();
  onStop(() => db.$disconnect());
  onStop(() => temporal.connection.close());
  const { worker, connection, relay } = await createWorker({ config, temporalAddress, db, logger });
  const running = worker.run();
  onStop(async () => {
    worker.shutdown();
    await Promise.all([running, relay.stop()]);
    await connection.close();
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  await running;
});
