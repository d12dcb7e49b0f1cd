import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDeliveryChannels } from '../activities/notifications/channels';
import { createNotificationActivities } from '../activities/notifications/outbox';
import { createOutboxRelay, type OutboxRelay } from '../activities/notifications/relay';
import { destinationPolicy } from '../activities/webhooks/destination';
import { createWebhookRelay } from '../activities/webhooks/relay';
import { createWebhookSender } from '../activities/webhooks/sender';
import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';

const sdkLogLevels: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};
let runtimeInstalled = false;

/** The SDK's own logs (bundler, worker state) at our level; we stop workers on signals ourselves. */
function installRuntime(level: string): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger(sdkLogLevels[level] ?? 'WARN'), shutdownSignals: [] });
  runtimeInstalled = true;
}

/**
 * A worker for Pasban's task queue (workflows are bundled from `workflows/`), the outbox relay
 * that delivers what its activities queue and the webhook relay, already running: the caller
 * stops both relays with `relay.stop()` when it stops the worker.
 */
export async function createWorker(options: {
  config: Config;
  temporalAddress: string;
  db: Database;
  logger: Logger;
}): Promise<{ worker: Worker; connection: NativeConnection; relay: OutboxRelay }> {
  installRuntime(options.config.LOG_LEVEL);
  const { config, db, logger } = options;
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const channels = createDeliveryChannels(config, logger);
  const outbox = createOutboxRelay({ db, logger, channels });
  const webhooks = createWebhookRelay({
    db,
    logger,
    send: createWebhookSender(destinationPolicy(config)),
    notify: createNotificationActivities({ db, logger, channels, queued: outbox.wake }).notify,
  });
  const relay: OutboxRelay = {
    ...outbox,
    stop: async () => void (await Promise.all([outbox.stop(), webhooks.stop()])),
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db, logger, config, channels, queued: outbox.wake }),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  });
  outbox.start();
  webhooks.start();
  return { worker, connection, relay };
}
