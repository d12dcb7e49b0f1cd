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
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--namespace', options.namespace,
    '--log-level', 'warn',
  ];
  if (options.dataDir) {
    const dir = path.join(options.dataDir, 'temporal');
    mkdirSync(dir, { recursive: true });
    args.push('--db-filename', path.join(dir, 'temporal.sqlite'));
  } else {
    args.push('--headless');
  }
  options.logger.info({ binary: found.path, via: found.via }, 'starting Temporal dev server');
  const child = spawn(found.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => options.logger.debug({ temporal: chunk.toString().trim() }));
  child.stderr?.on('data', (chunk: Buffer) => options.logger.debug({ temporal: chunk.toString().trim() }));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server start-dev exited with code ${code}`))),
  );
  await Promise.race([waitForPort('127.0.0.1', options.port, 30_000), exited]);
  exited.catch(() => undefined);
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}
