/**
 * A worker's webhook relay as a process of its own, to be killed (SIGKILL) in the middle of a
 * delivery: the relay and sender the worker assembles (bin/assemble-worker.ts), on the
 * integration stack's database. Every request it sends carries `x-pasban-test-relay: <name>` so
 * a receiver can tell its requests from the stack worker's. Prints "relay running" once polling.
 * Env: DATABASE_URL, RELAY_NAME, WEBHOOK_ALLOWED_HOSTS, RELAY_LEASE_MS, RELAY_POLL_MS.
 */
import { destinationPolicy } from '../../activities/webhooks/destination';
import { createWebhookRelay } from '../../activities/webhooks/relay';
import { createWebhookSender } from '../../activities/webhooks/sender';
import { createDatabase } from '../../platform/database';
import { createLogger } from '../../platform/logger';

const name = process.env.RELAY_NAME ?? 'child';
const db = createDatabase(process.env.DATABASE_URL!);
const send = createWebhookSender(
  destinationPolicy({ NODE_ENV: 'test', WEBHOOK_ALLOWED_HOSTS: process.env.WEBHOOK_ALLOWED_HOSTS }),
);
const relay = createWebhookRelay({
  db,
  logger: createLogger('warn', `relay-${name}`),
  send: (options) =>
    send({ ...options, headers: { ...options.headers, 'x-pasban-test-relay': name }, timeoutMs: 120_000 }),
  leaseMs: Number(process.env.RELAY_LEASE_MS ?? 30_000),
  pollMs: Number(process.env.RELAY_POLL_MS ?? 500),
});
relay.start();
process.stdout.write('relay running\n');
