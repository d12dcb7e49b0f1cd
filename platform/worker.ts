import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import type { Database } from './database';
import type { Logger } from './logger';

const sdkLogLevels: Record<string, LogLevel> = {
  trace: 'TRACE', debug: 'DEBUG', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR',
};
let runtimeInstalled = false;

/** The SDK's own logs (bundler, worker state) at our level; we stop workers on signals ourselves. */
function installRuntime(level: string): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger(sdkLogLevels[level] ?? 'WARN'), shutdownSignals: [] });
  runtimeInstalled = true;
}

/** A worker for Pasban's task queue; workflows are bundled from `workflows/`. */
export async function createWorker(options: {
  config: Config;
  temporalAddress: string;
  db: Database;
  logger: Logger;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  installRuntime(options.config.LOG_LEVEL);
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
