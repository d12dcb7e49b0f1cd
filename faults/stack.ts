/**
 * The service as separate processes that a fault script can break one at a time: embedded
 * PostgreSQL and Temporal's dev server (each restartable on its own data), a worker process and
 * an API process (`bin/worker.ts`, `bin/api.ts`, run by node itself so a signal reaches the
 * process that does the work), and an SMS gateway that records every message it is handed.
 * With FAULT_TEMPORAL=server the Temporal server is the real one on the same PostgreSQL
 * (platform/temporal-server.ts), the production shape, instead of the dev server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { ensureAdminKey } from '../api/auth';
import { createDatabase, type Database } from '../platform/database';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { seedPresets } from '../platform/seed';
import { startTemporalDevServer, waitForPort, type DevServerHandle } from '../platform/temporal-dev-server';
import { buildTemporalServer, prepareTemporalSchemas, startTemporalServer } from '../platform/temporal-server';
import { freePortRange, freePorts } from '../test/support/ports';
import { TEST_ADMIN_KEY } from '../test/support/stack';

const root = path.resolve(__dirname, '..');
const logger = createLogger((process.env.FAULT_LOG_LEVEL as 'warn' | undefined) ?? 'warn');

export interface SmsDelivery {
  to: string;
  text: string;
  at: number;
}

/** An SMS provider on loopback that accepts every message and keeps it, to count what was sent. */
export async function startSmsGateway(): Promise<{ url: string; deliveries: SmsDelivery[]; close(): Promise<void> }> {
  const deliveries: SmsDelivery[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const message = JSON.parse(body) as { to: string; text: string };
      deliveries.push({ to: message.to, text: message.text, at: Date.now() });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `sms-${deliveries.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/send`, deliveries, close: () => new Promise((r) => server.close(() => r())) };
}

class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private readonly log: WriteStream;
  starts = 0;

  constructor(
    readonly name: 'worker' | 'api',
    private readonly env: NodeJS.ProcessEnv,
    logDir: string,
  ) {
    this.log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(ready: (output: string) => Promise<boolean> | boolean): Promise<void> {
    this.output = '';
    this.starts++;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bin', `${this.name}.ts`)], {
      cwd: root,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      this.log.write(chunk);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const deadline = Date.now() + 120_000;
    while (!(await ready(this.output))) {
      if (!this.running)
        throw new Error(
          `${this.name} exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.output.slice(-2000)}`,
        );
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within 120 s:\n${this.output.slice(-2000)}`);
      await sleep(250);
    }
  }

  /** Sends `signal` and resolves when the process has gone. */
  stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }

  close(): void {
    this.log.end();
  }
}

export class FaultStack {
  private postgres: EmbeddedPostgresHandle | undefined;
  private temporalServer: DevServerHandle | undefined;
  readonly worker: ServiceProcess;
  readonly api: ServiceProcess;

  private constructor(
    readonly dataDir: string,
    readonly ports: { api: number; postgres: number; temporal: number; temporalUi: number },
    readonly databaseUrl: string,
    readonly db: Database,
    readonly temporal: Client,
    private readonly sms: Awaited<ReturnType<typeof startSmsGateway>>,
  ) {
    const logDir = path.join(dataDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      PORT: String(ports.api),
      SMS_GATEWAY_URL: sms.url,
      RATE_LIMIT_PER_MINUTE: '1000000',
      // The webhook receiver of the receiver-outage script listens on loopback.
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    };
    this.worker = new ServiceProcess('worker', env, logDir);
    this.api = new ServiceProcess('api', env, logDir);
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  get adminKey(): string {
    return TEST_ADMIN_KEY;
  }

  /** Every SMS the gateway accepted so far. */
  get smsDeliveries(): readonly SmsDelivery[] {
    return this.sms.deliveries;
  }

  static async start(dataDir: string): Promise<FaultStack> {
    const [apiPort, postgresPort, temporalPort] = await freePorts(3);
    const ports = {
      api: apiPort!,
      postgres: postgresPort!,
      temporal: temporalPort!,
      temporalUi: await freePortRange(8),
    };
    const postgres = await startEmbeddedPostgres({ dataDir, port: ports.postgres, logger });
    const temporalServer = await startTemporal(dataDir, ports, postgres.url);
    await migrate(postgres.url, logger);
    const db = createDatabase(postgres.url);
    await seedPresets(db, logger);
    await ensureAdminKey(db, TEST_ADMIN_KEY);
    const temporal = new Client({ connection: await Connection.connect({ address: temporalServer.address }) });
    const stack = new FaultStack(dataDir, ports, postgres.url, db, temporal, await startSmsGateway());
    stack.postgres = postgres;
    stack.temporalServer = temporalServer;
    await Promise.all([stack.startWorker(), stack.startApi()]);
    return stack;
  }

  startWorker(): Promise<void> {
    return this.worker.start((output) => output.includes('"worker running"'));
  }

  startApi(): Promise<void> {
    return this.api.start(async () => {
      try {
        return (await fetch(`${this.apiUrl}/healthz`)).ok;
      } catch {
        return false;
      }
    });
  }

  async stopPostgres(): Promise<void> {
    await this.postgres?.stop();
    this.postgres = undefined;
  }

  async startPostgres(): Promise<void> {
    this.postgres = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.ports.postgres, logger });
  }

  async stopTemporal(): Promise<void> {
    await this.temporalServer?.stop();
    this.temporalServer = undefined;
  }

  async startTemporal(): Promise<void> {
    this.temporalServer = await startTemporal(this.dataDir, this.ports, this.databaseUrl);
    await waitForPort('127.0.0.1', this.ports.temporal, 30_000);
  }

  async close(): Promise<void> {
    await this.api.stop('SIGTERM');
    await this.worker.stop('SIGTERM');
    this.api.close();
    this.worker.close();
    await this.temporal.connection.close().catch(() => undefined);
    await this.db.$disconnect().catch(() => undefined);
    await this.stopTemporal();
    await this.stopPostgres();
    await this.sms.close();
  }
}

/**
 * The dev server, or with FAULT_TEMPORAL=server the real Temporal server on the stack's PostgreSQL
 * (`temporalUi` is then the first of its eight internal ports: it has no Web UI).
 */
async function startTemporal(
  dataDir: string,
  ports: { temporal: number; temporalUi: number },
  databaseUrl: string,
): Promise<DevServerHandle> {
  if (process.env.FAULT_TEMPORAL !== 'server') {
    return startTemporalDevServer({
      dataDir,
      port: ports.temporal,
      uiPort: ports.temporalUi,
      namespace: 'default',
      logger,
    });
  }
  const binaries = buildTemporalServer(logger);
  const url = new URL(databaseUrl);
  const access = {
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  await prepareTemporalSchemas(binaries, access, logger);
  return startTemporalServer({
    binaries,
    access,
    ports: { frontend: ports.temporal, internalBase: ports.temporalUi },
    dataDir,
    namespace: 'default',
    logger,
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
