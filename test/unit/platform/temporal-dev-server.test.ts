// The embedded dev server's start: a server that dies while starting is started again, and when it
// keeps dying the error carries its own words (a CI run once saw only "exited with code 2").
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../platform/logger';
import { startTemporalDevServer } from '../../../platform/temporal-dev-server';
import { freePorts } from '../../support/ports';

it('starts a dying dev server again, and fails with its own words when its UI port stays taken', async () => {
  const [port, uiPort] = await freePorts(2);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pasban-dev-server-'));
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(uiPort, '127.0.0.1', resolve));
  const lines: { msg: string; attempt?: number }[] = [];
  const logger = createLogger(
    'info',
    'test',
    new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk))), done()) }),
  );
  try {
    await expect(
      startTemporalDevServer({ dataDir, port: port!, uiPort: uiPort!, namespace: 'default', logger }),
    ).rejects.toThrow(/exited with code 1: .*address already in use/);
  } finally {
    taken.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  expect(lines.filter((l) => l.msg === 'starting Temporal dev server').map((l) => l.attempt)).toEqual([1, 2, 3]);
  expect(lines.filter((l) => l.msg === 'Temporal dev server did not start; starting it again')).toHaveLength(2);
}, 60_000);
