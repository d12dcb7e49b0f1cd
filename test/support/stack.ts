import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePorts } from './ports';

const root = path.resolve(__dirname, '..', '..');
export const TEST_ADMIN_KEY = 'pk_testadmn_integration-tests-admin-key-000000';

export interface Stack {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  dataDir: string;
  /** The process running bin/start.ts (tsx's child), for measuring its memory. */
  pid: number;
  ports: { api: number; postgres: number; temporal: number; temporalUi: number };
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the README's run command (`bin/start.ts`) as a child process on free ports and a given
 * data directory, and resolves once it prints that it is running.
 */
export async function startStack(
  dataDir: string,
  ports?: Stack['ports'],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<Stack> {
  const [api, postgres, temporal, temporalUi] = await freePorts(4);
  const chosen = ports ?? { api: api!, postgres: postgres!, temporal: temporal!, temporalUi: temporalUi! };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PASBAN_DATA_DIR: dataDir,
    PORT: String(chosen.api),
    EMBEDDED_POSTGRES_PORT: String(chosen.postgres),
    EMBEDDED_TEMPORAL_PORT: String(chosen.temporal),
    EMBEDDED_TEMPORAL_UI_PORT: String(chosen.temporalUi),
    PASBAN_ADMIN_API_KEY: TEST_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '100000',
    // The webhook tests' receivers listen on loopback, which only an administrator may allow.
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  // `npm start`'s command: node with tsx's loader, so a signal reaches the service itself (the tsx
  // CLI relays it and SIGKILLs a child that does not confirm within 30 ms, as under heavy load).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bin', 'start.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(child, () => output, 'Pasban is running.', 180_000);
  return {
    apiUrl: `http://127.0.0.1:${chosen.api}`,
    databaseUrl: `postgresql://postgres:pasban-embedded@127.0.0.1:${chosen.postgres}/pasban`,
    temporalAddress: `127.0.0.1:${chosen.temporal}`,
    dataDir,
    pid: child.pid!,
    ports: chosen,
    output: () => output,
    stop: (signal = 'SIGINT') => stopProcess(child, signal),
  };
}

function waitForOutput(child: ChildProcess, output: () => string, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${marker}" within ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const poll = setInterval(() => output().includes(marker) && finish(), 100);
    const onExit = (code: number | null) =>
      finish(new Error(`start exited with ${code} before "${marker}":\n${output()}`));
    child.once('exit', onExit);
    function finish(error?: Error) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
  });
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  // Gone already (exited, or killed by a signal: then exitCode stays null and 'exit' has fired).
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}
