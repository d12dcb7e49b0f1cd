/**
 * No orphans (issue 12, item 9). `npm start` runs PostgreSQL and Temporal's dev server as
 * children; whatever way it ends they must end with it, or the next `npm start` must find them
 * and stop them itself — never talk to a server it did not start.
 *
 * - Every child's pid is written under `<dataDir>/run/` (PostgreSQL keeps its own
 *   `postmaster.pid`); the next start stops what those files name if it still runs, and refuses
 *   ports that something else holds.
 * - A watchdog process (bin/watchdog.ts, in its own session so a signal to the group does not
 *   reach it first) polls the service's pid and stops the children when the service is gone
 *   without having stopped them: SIGKILL, an out-of-memory abort, a crash.
 * - The service itself watches the launchers above it (`npm`, `sh -c`, `tsx`): when one of them
 *   dies (a process manager SIGKILLs `npm start`), it stops cleanly, as on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from './logger';

export interface GuardedChild {
  name: string;
  pid: number;
  /** The signal that makes it stop cleanly: SIGINT is PostgreSQL's fast shutdown. */
  signal: NodeJS.Signals;
  /** A text its command line contains, so a reused pid is never signalled. */
  marker: string;
}

export const runDir = (dataDir: string) => path.join(dataDir, 'run');
const pidFile = (dataDir: string, name: string) => path.join(runDir(dataDir), `${name}.pid`);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, or null when it is gone (or not readable: not Linux). */
export function commandLine(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return null;
  }
}

/** Alive and still the process the marker names (not a reused pid). */
export function isRunning(child: Pick<GuardedChild, 'pid' | 'marker'>): boolean {
  if (!isAlive(child.pid)) return false;
  const command = commandLine(child.pid);
  return command === null || command.includes(child.marker);
}

/** Sends the clean-stop signal, waits up to `timeoutMs`, then SIGKILL. */
export async function stopProcess(child: GuardedChild, timeoutMs = 15_000): Promise<void> {
  if (!isRunning(child)) return;
  signal(child.pid, child.signal);
  const deadline = Date.now() + timeoutMs;
  while (isAlive(child.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(child.pid)) signal(child.pid, 'SIGKILL');
  while (isAlive(child.pid)) await new Promise((r) => setTimeout(r, 50));
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone in between.
  }
}

export function writePidFile(dataDir: string, child: GuardedChild): void {
  mkdirSync(runDir(dataDir), { recursive: true });
  writeFileSync(pidFile(dataDir, child.name), JSON.stringify(child));
}

/** Removes the pid file; with `pid`, only while it still names that process (a newer start may have rewritten it). */
export function removePidFile(dataDir: string, name: string, pid?: number): void {
  const file = pidFile(dataDir, name);
  if (pid !== undefined && readPidFile(file)?.pid !== pid) return;
  rmSync(file, { force: true });
}

function readPidFile(file: string): GuardedChild | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GuardedChild;
  } catch {
    return null;
  }
}

/** PostgreSQL's own pid file: the postmaster's pid on its first line. */
export function postmasterOf(databaseDir: string): GuardedChild | null {
  const file = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? { name: 'postgres', pid, signal: 'SIGINT', marker: 'postgres' } : null;
}

export class AlreadyRunningError extends Error {}

/**
 * Before starting anything: refuses when another `npm start` still runs on this data directory,
 * and stops the children an earlier run left behind (its pid files name them).
 */
export async function takeOverLeftovers(dataDir: string, logger: Logger): Promise<void> {
  const previous = readPidFile(pidFile(dataDir, 'pasban'));
  if (previous && previous.pid !== process.pid && isRunning(previous)) {
    throw new AlreadyRunningError(
      `another npm start (pid ${previous.pid}) is running on the data directory ${dataDir}; stop it first (SIGTERM ${previous.pid})`,
    );
  }
  const leftovers = [readPidFile(pidFile(dataDir, 'temporal')), postmasterOf(path.join(dataDir, 'postgres'))];
  for (const child of leftovers) {
    if (child && isRunning(child)) {
      logger.warn({ child: child.name, leftoverPid: child.pid }, 'stopping a server an earlier run left behind');
      await stopProcess(child);
    }
    if (child) removePidFile(dataDir, child.name);
  }
  writePidFile(dataDir, { name: 'pasban', pid: process.pid, signal: 'SIGTERM', marker: 'start' });
}

/** Refuses a port something else already listens on, naming the variable that moves it. */
export async function requireFreePort(port: number, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new AlreadyRunningError(
      `port ${port} is already in use by another process; stop it or set ${variable} to a free port`,
    );
  }
}

/**
 * Starts the watchdog for `children` of this process. It outlives a SIGKILL of this process
 * (own session, no pipes to it) and stops the children then; it exits once they are gone.
 */
export function startWatchdog(dataDir: string, children: readonly GuardedChild[]): void {
  const root = path.join(__dirname, '..');
  const script = path.join(root, 'bin', 'watchdog.ts');
  // From the project's folder: `node --import tsx` (npm start) names the loader by package, which
  // resolves from the working directory, so the data directory goes as an argument instead.
  const watchdog = spawn(
    process.execPath,
    [...process.execArgv, script, String(process.pid), JSON.stringify(children), path.resolve(dataDir)],
    {
      detached: true,
      stdio: 'ignore',
      cwd: root,
    },
  );
  watchdog.unref();
}

/**
 * The launchers between the user (or process manager) and this process: `npm`, `sh -c …`,
 * `tsx`. Read from /proc; empty where it cannot be read.
 */
export function launchers(): number[] {
  const chain: number[] = [];
  for (let pid = process.ppid; pid > 1 && chain.length < 5;) {
    const command = commandLine(pid);
    if (command === null || !/(^|[\s/])(npm|npm-cli\.js|tsx|cli\.mjs)(\s|$)|\bsh -c .*(tsx|start)/.test(command)) break;
    chain.push(pid);
    pid = parentOf(pid) ?? 1;
  }
  return chain;
}

function parentOf(pid: number): number | null {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Calls `onGone` once, when any of `pids` has exited. */
export function watchLaunchers(pids: readonly number[], onGone: (pid: number) => void): () => void {
  if (pids.length === 0) return () => undefined;
  const timer = setInterval(() => {
    const gone = pids.find((pid) => !isAlive(pid));
    if (gone !== undefined) {
      clearInterval(timer);
      onGone(gone);
    }
  }, 500);
  timer.unref();
  return () => clearInterval(timer);
}
