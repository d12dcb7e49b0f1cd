import { spawn } from 'node:child_process';
import path from 'node:path';

const fixture = path.join(__dirname, 'fixtures', 'lifecycle-main.ts');

/** Starts the fixture, sends `signals` once it is ready, and resolves with its output and exit code. */
function runFixture(signals: NodeJS.Signals[]): Promise<{ lines: string[]; code: number | null }> {
  return new Promise((resolve, reject) => {
    // `node --import tsx`, not the tsx CLI: the signals must reach the process under test itself.
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.startsWith('ready\n') && signals.length > 0) {
        for (const signal of signals.splice(0)) child.kill(signal);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ lines: output.trim().split('\n'), code }));
  });
}

describe('runUntilSignal (bin/lifecycle.ts)', () => {
  it('runs every stop step when main returns because stopping ended its run', async () => {
    const { lines, code } = await runFixture(['SIGTERM']);
    expect(lines).toEqual(['ready', 'stopped: worker', 'stopped: server child']);
    expect(code).toBe(0);
  }, 30_000);

  it('a second signal while stopping waits for the same steps instead of exiting halfway', async () => {
    const { lines, code } = await runFixture(['SIGTERM', 'SIGINT']);
    expect(lines).toEqual(['ready', 'stopped: worker', 'stopped: server child']);
    expect(code).toBe(0);
  }, 30_000);
});
