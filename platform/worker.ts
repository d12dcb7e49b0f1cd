import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import type { Database } from './database';
import type { Logger } from './logger';

/** A worker for Pasban's task queue; workflows are bundled from `workflows/`. */
export async function createWorker(options: {
  config: Config;
  temporalAddress: string;
  db: Database;
  logger: Logger;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: options.config.TEMPORAL_NAMESPACE,
    taskQueue: options.config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db: options.db, logger: options.logger, config: options.config }),
  });
  return { worker, connection };
}
