import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from './logger';
import { locateTemporalBinary } from './temporal-binaries';

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Resolves when something accepts TCP connections on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** How many times a dev server that dies while starting is started. */
const STARTS = 3;

/**
 * Runs `temporal server start-dev` (a complete single-process Temporal with SQLite and the Web
 * UI). With a `dataDir` its SQLite file survives restarts, and so do running workflows.
 */
export async function startTemporalDevServer(options: {
  dataDir?: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
}): Promise<DevServerHandle> {
  const found = locateTemporalBinary('cli', { allowSdkDownload: false });
  if (found.kind !== 'path') throw new Error('unreachable: SDK download disabled');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
  ];
  if (options.dataDir) {
    const dir = path.join(options.dataDir, 'temporal');
    mkdirSync(dir, { recursive: true });
    args.push('--db-filename', path.join(dir, 'temporal.sqlite'));
  } else {
    args.push('--headless');
  }
  // A dev server that dies while starting is started again, up to STARTS times: once in a CI run it
  // exited with code 2 (a Go panic) while starting, which a second start does not repeat; a port
  // that stays taken fails every try, with the server's own words in the error.
  let child: ChildProcess | undefined;
  for (let attempt = 1; !child; attempt++) {
    options.logger.info({ binary: found.path, via: found.via, attempt }, 'starting Temporal dev server');
    const started = spawn(found.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderrTail = '';
    started.stdout?.on('data', (chunk: Buffer) => options.logger.debug({ temporal: chunk.toString().trim() }));
    started.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-1_000);
      options.logger.debug({ temporal: chunk.toString().trim() });
    });
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code) =>
        reject(
          new Error(
            `temporal server start-dev exited with code ${code}: ${stderrTail.trim() || '(nothing on stderr)'}`,
          ),
        ),
      ),
    );
    exited.catch(() => undefined);
    try {
      await Promise.race([waitForPort('127.0.0.1', options.port, 30_000), exited]);
      child = started;
    } catch (error) {
      if (started.exitCode === null) started.kill('SIGKILL');
      if (attempt >= STARTS) throw error;
      options.logger.warn(
        { err: (error as Error).message, attempt },
        'Temporal dev server did not start; starting it again',
      );
    }
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}
