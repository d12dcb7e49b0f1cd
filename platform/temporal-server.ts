/**
 * A real Temporal server (not the dev server) on PostgreSQL, for the production-shape run
 * (`npm run stack:production`) and the fault scripts (`FAULT_TEMPORAL=server npm run faults`).
 *
 * - The binaries (`server` and `temporal-sql-tool`) are built once from the Go module proxy at
 *   TEMPORAL_SERVER_VERSION into `.tools/temporal-server/` (about 4 minutes on 2 cores; needs
 *   `go` on PATH — the proxy serves the toolchain the server asks for). TEMPORAL_SERVER_BIN_DIR
 *   points at binaries built elsewhere.
 * - The schemas are applied to two databases (`temporal`, `temporal_visibility`) of any
 *   PostgreSQL with the tool's embedded `postgresql/v12` schemas, as Temporal's admin-tools image
 *   does in docker-compose.yml.
 * - The server runs all four services (frontend, history, matching, worker) in one process with
 *   the `development-postgres12` layout of the server's own config folder, every port on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from './logger';
import { locateTemporalBinary, projectRoot } from './temporal-binaries';
import { stopChild, waitForPort, type DevServerHandle } from './temporal-dev-server';

/** Kept in step with docker-compose.yml's TEMPORAL_VERSION (test/unit/platform/temporal-server.test.ts). */
export const TEMPORAL_SERVER_VERSION = '1.32.2';
/** The Go toolchain the server's go.mod asks for; the module proxy serves it. */
const GO_TOOLCHAIN = 'go1.26.10';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
}

const toolsRoot = () => path.join(projectRoot, '.tools', 'temporal-server', TEMPORAL_SERVER_VERSION);

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binaries when they are built already (TEMPORAL_SERVER_BIN_DIR, or the tools folder). */
export function locateTemporalServer(env: NodeJS.ProcessEnv = process.env): TemporalServerBinaries | null {
  const dir = env.TEMPORAL_SERVER_BIN_DIR ?? path.join(toolsRoot(), 'bin');
  const found = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql') };
  return executable(found.server) && executable(found.sqlTool) ? found : null;
}

/** Builds both binaries from the Go module proxy into the tools folder (once). */
export function buildTemporalServer(logger: Logger): TemporalServerBinaries {
  const existing = locateTemporalServer();
  if (existing) return existing;
  const root = toolsRoot();
  mkdirSync(root, { recursive: true });
  const env = {
    ...process.env,
    GOPATH: path.join(root, 'gopath'),
    GOCACHE: path.join(root, 'cache'),
    GOBIN: path.join(root, 'bin'),
    GOTOOLCHAIN: GO_TOOLCHAIN,
    GOFLAGS: '-mod=mod',
  };
  for (const target of ['cmd/server', 'cmd/tools/sql']) {
    logger.info(
      { target, version: TEMPORAL_SERVER_VERSION },
      'building the Temporal server from the Go module proxy (once, a few minutes)',
    );
    const result = spawnSync('go', ['install', `go.temporal.io/server/${target}@v${TEMPORAL_SERVER_VERSION}`], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.error) {
      throw new Error(
        `cannot build the Temporal server: ${result.error.message} (is Go on PATH? or set TEMPORAL_SERVER_BIN_DIR)`,
      );
    }
    if (result.status !== 0)
      throw new Error(
        `go install go.temporal.io/server/${target}@v${TEMPORAL_SERVER_VERSION} failed (exit ${result.status})`,
      );
  }
  return locateTemporalServer()!;
}

export interface PostgresAccess {
  host: string;
  port: number;
  user: string;
  password: string;
}

const DATABASES = { temporal: 'postgresql/v12/temporal', temporal_visibility: 'postgresql/v12/visibility' } as const;

/** Creates Temporal's two databases when missing and brings their schemas to this release's version. */
export async function prepareTemporalSchemas(
  binaries: TemporalServerBinaries,
  access: PostgresAccess,
  logger: Logger,
): Promise<void> {
  const client = new pg.Client({ ...access, database: 'postgres' });
  await client.connect();
  try {
    for (const database of Object.keys(DATABASES)) {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
    }
  } finally {
    await client.end();
  }
  const connection = [
    '--plugin',
    'postgres12',
    '--ep',
    access.host,
    '-p',
    String(access.port),
    '-u',
    access.user,
    '--pw',
    access.password,
  ];
  for (const [database, schema] of Object.entries(DATABASES)) {
    // setup-schema only creates the version table; it refuses nothing on a database that has one.
    const run = (args: string[]) => {
      const result = spawnSync(binaries.sqlTool, [...connection, '--db', database, ...args], { encoding: 'utf8' });
      if (result.status !== 0) {
        throw new Error(
          `temporal-sql-tool ${args[0]} on ${database} failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
        );
      }
    };
    run(['setup-schema', '-v', '0.0']);
    run(['update-schema', '--schema-name', schema]);
    logger.info({ database }, 'Temporal schema up to date');
  }
}

export interface TemporalServerPorts {
  /** The frontend's gRPC port: what clients and workers connect to. */
  frontend: number;
  /** Nine more consecutive ports from here: the services' gRPC, membership and HTTP ports. */
  internalBase: number;
}

/** The server's configuration: `development-postgres12`, every port on loopback, no metrics or pprof listener. */
export function temporalServerConfig(
  access: PostgresAccess,
  ports: TemporalServerPorts,
  options: { historyShards: number; maxConns: number },
): string {
  const store = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${access.host}:${access.port}"
        connectProtocol: "tcp"
        user: "${access.user}"
        password: "${access.password}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const p = (offset: number) => ports.internalBase + offset;
  const service = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${options.historyShards}
  datastores:
    postgres-default:${store('temporal', options.maxConns)}
    postgres-visibility:${store('temporal_visibility', Math.max(2, Math.round(options.maxConns / 4)))}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
  frontend:${service(ports.frontend, p(0), `\n      httpPort: ${p(1)}`)}
  history:${service(p(2), p(3))}
  matching:${service(p(4), p(5))}
  worker:${service(p(6), p(7))}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: "noop"
`;
}

/**
 * Starts the server on prepared schemas, waits for its frontend, and registers `namespace`
 * (idempotent: an existing namespace is kept). Returns the same handle as the dev server.
 */
export async function startTemporalServer(options: {
  binaries: TemporalServerBinaries;
  access: PostgresAccess;
  ports: TemporalServerPorts;
  dataDir: string;
  namespace: string;
  logger: Logger;
  historyShards?: number;
  maxConns?: number;
}): Promise<DevServerHandle> {
  const dir = path.join(options.dataDir, 'temporal-server');
  mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(
    configFile,
    temporalServerConfig(options.access, options.ports, {
      historyShards: options.historyShards ?? 4,
      maxConns: options.maxConns ?? 20,
    }),
  );
  const child: ChildProcess = spawn(
    options.binaries.server,
    ['--config-file', configFile, '--allow-no-auth', 'start'],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
    options.logger.debug({ temporal: chunk.toString().trim() });
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the Temporal server exited with code ${code}:\n${output}`))),
  );
  await Promise.race([waitForPort('127.0.0.1', options.ports.frontend, 60_000), exited]);
  exited.catch(() => undefined);
  const address = `127.0.0.1:${options.ports.frontend}`;
  await registerNamespace(address, options.namespace, options.logger);
  return {
    address,
    uiUrl: '(no Web UI: run temporalio/ui against this address)',
    pid: child.pid!,
    stop: () => stopChild(child, 15_000),
  };
}

/** `temporal operator namespace create`, retried while the server's services join (a few seconds after the port opens). */
async function registerNamespace(address: string, namespace: string, logger: Logger): Promise<void> {
  const cli = locateTemporalBinary('cli', { allowSdkDownload: false });
  if (cli.kind !== 'path') throw new Error('unreachable: SDK download disabled');
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Usable once the frontend answers a list in it (its namespace cache refreshes every few seconds).
    const listed = spawnSync(cli.path, ['workflow', 'count', '--namespace', namespace, '--address', address], {
      encoding: 'utf8',
    });
    if (listed.status === 0) return;
    const created = spawnSync(
      cli.path,
      ['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h', '--address', address],
      {
        encoding: 'utf8',
      },
    );
    if (created.status === 0) logger.info({ namespace }, 'namespace registered');
    if (Date.now() > deadline)
      throw new Error(`namespace ${namespace} not usable: ${(listed.stderr || created.stderr).trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
