// `npm run stack:production`: Pasban in its production shape on one machine — a real Temporal
// server (not the dev server) on PostgreSQL, two worker processes and two API processes behind a
// loopback load balancer. The README's "Real services" section describes the topology.
//
//   PORT (default 3000)            the balancer; the API processes listen on PORT+1 and PORT+2
//   PASBAN_DATA_DIR                data directory (default .data/production)
//   EMBEDDED_POSTGRES_PORT         PostgreSQL (default 5544): databases pasban, temporal, temporal_visibility
//   EMBEDDED_TEMPORAL_PORT         the Temporal frontend (default 7244); the next nine ports after
//                                  EMBEDDED_TEMPORAL_PORT+10 are the server's internal ports
//   STACK_WORKERS / STACK_APIS     how many of each (default 2 / 2)
//   WORKER_HEAP_MB                 each worker's V8 heap limit (default 768)
//   WORKER_MAX_CACHED_WORKFLOWS    each worker's sticky cache (default 1000 here)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, createWriteStream } from 'node:fs';
import path from 'node:path';
import { ensureAdminKey } from '../api/auth';
import { createDatabase } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { seedPresets } from '../platform/seed';
import { stopChild } from '../platform/temporal-dev-server';
import {
  buildTemporalServer,
  prepareTemporalSchemas,
  startTemporalServer,
  TEMPORAL_SERVER_VERSION,
} from '../platform/temporal-server';
import { runUntilSignal } from './lifecycle';
import { startBalancer } from './loopback-balancer';

const root = path.resolve(__dirname, '..');
const numberFrom = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

runUntilSignal(async (onStop) => {
  const logger = createLogger((process.env.LOG_LEVEL as 'info' | undefined) ?? 'info');
  const dataDir = path.resolve(process.env.PASBAN_DATA_DIR ?? path.join(root, '.data', 'production'));
  const port = numberFrom('PORT', 3000);
  const postgresPort = numberFrom('EMBEDDED_POSTGRES_PORT', 5544);
  const temporalPort = numberFrom('EMBEDDED_TEMPORAL_PORT', 7244);
  const workers = numberFrom('STACK_WORKERS', 2);
  const apis = numberFrom('STACK_APIS', 2);

  const binaries = buildTemporalServer(logger);
  const postgres = await startEmbeddedPostgres({ dataDir, port: postgresPort, logger });
  onStop(() => postgres.stop());
  const access = { host: '127.0.0.1', port: postgresPort, user: 'postgres', password: new URL(postgres.url).password };
  await prepareTemporalSchemas(binaries, access, logger);
  const temporal = await startTemporalServer({
    binaries,
    access,
    ports: { frontend: temporalPort, internalBase: temporalPort + 10 },
    dataDir,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    logger,
  });
  onStop(() => temporal.stop());

  await migrate(postgres.url, logger);
  const db = createDatabase(postgres.url);
  await seedPresets(db, logger);
  const newAdminKey = await ensureAdminKey(db, process.env.PASBAN_ADMIN_API_KEY);
  await db.$disconnect();

  const logDir = path.join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporal.address,
  };
  const children: ChildProcess[] = [];
  // Worker sizing: a V8 heap of WORKER_HEAP_MB and a sticky cache of WORKER_MAX_CACHED_WORKFLOWS keep each
  // worker's memory bounded however many workflows are open (README, "Real services").
  const workerHeapMb = numberFrom('WORKER_HEAP_MB', 768);
  const workerEnv = { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS ?? '1000' };
  const run = (entry: 'worker' | 'api', index: number, extra: NodeJS.ProcessEnv = {}) => {
    const heap = entry === 'worker' ? [`--max-old-space-size=${workerHeapMb}`] : [];
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', path.join(root, 'bin', `${entry}.ts`)], {
      cwd: root,
      env: { ...env, ...(entry === 'worker' ? workerEnv : {}), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(logDir, `${entry}-${index}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.once('exit', (code, signal) => {
      if (!stopping) logger.error({ process: `${entry}-${index}`, code, signal }, 'a stack process ended; see its log');
    });
    children.push(child);
    return child;
  };
  let stopping = false;
  onStop(async () => {
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child, 30_000)));
  });
  for (let i = 1; i <= workers; i++) run('worker', i);
  const apiPorts = Array.from({ length: apis }, (_, i) => port + 1 + i);
  apiPorts.forEach((apiPort, i) => run('api', i + 1, { PORT: String(apiPort) }));
  await Promise.all(apiPorts.map((apiPort) => waitForHealth(`http://127.0.0.1:${apiPort}/healthz`, 120_000)));
  const balancer = await startBalancer(port, apiPorts);
  onStop(() => balancer.close());

  const lines = [
    `Pasban is running in its production shape (Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL).`,
    `  API (balancer):   http://127.0.0.1:${port}  → API processes on ${apiPorts.join(', ')}`,
    `  Workers:          ${workers} processes`,
    `  Temporal:         ${temporal.address}`,
    `  Database:         ${postgres.url.replace(/:[^:@/]+@/, ':***@')}`,
    `  Logs:             ${logDir}`,
  ];
  if (newAdminKey) lines.push('', `  Admin API key (shown once, store it now): ${newAdminKey}`);
  lines.push('', 'Press Ctrl-C to stop.');
  process.stdout.write(lines.join('\n') + '\n');
  await new Promise(() => undefined);
});

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
