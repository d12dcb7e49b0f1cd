// Stopping and starting the run command keeps the data and the running workflows: a ticket
// opened before the restart is still open after it, with its timers, and still takes commands.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../../platform/database';
import { commandLine, isAlive, postmasterOf, runDir } from '../../platform/supervision';
import { apiClient } from '../support/http';
import { startStack, TEST_ADMIN_KEY, type Stack } from '../support/stack';

jest.setTimeout(300_000);

const pidIn = (dataDir: string, name: string) =>
  (JSON.parse(readFileSync(path.join(runDir(dataDir), `${name}.pid`), 'utf8')) as { pid: number }).pid;

/** The service's children, as its pid files name them. */
const childrenOf = (dataDir: string) => ({
  temporal: pidIn(dataDir, 'temporal'),
  postgres: postmasterOf(path.join(dataDir, 'postgres'))!.pid,
});

async function gone(pids: number[], timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}

/** The watchdog that guards `servicePid` (bin/watchdog.ts), found by its command line. */
function watchdogOf(servicePid: number): number | undefined {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .find((pid) => commandLine(pid)?.includes(`watchdog.ts ${servicePid} `));
}

describe('restarting the service (npm start, Ctrl-C, npm start)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-restart-'));
  let stack: Stack | undefined;
  let db: Database | undefined;

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the database and the running ticket workflow across a clean stop', async () => {
    stack = await startStack(dataDir);
    db = createDatabase(stack.databaseUrl);
    const product = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
    const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
    const customer = await db.customer.create({ data: { name: 'Restart Co' } });
    await db.contract.create({
      data: {
        customerId: customer.id,
        productId: product.id,
        policyId: policy.id,
        plan: 'owj-agile',
        paid: true,
        startsAt: new Date(Date.now() - 86_400_000),
        endsAt: new Date(Date.now() + 365 * 86_400_000),
      },
    });
    const api = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    const opened = await api('POST', '/v1/tickets', {
      customerId: customer.id,
      productId: product.id,
      priority: 'low',
      subject: 'long timer',
      description: 'four business days',
    });
    expect(opened.status).toBe(201);
    await db.$disconnect();
    db = undefined;

    expect(await stack.stop('SIGINT')).toBe(0);
    stack = await startStack(dataDir, stack.ports);
    const after = apiClient(stack.apiUrl, TEST_ADMIN_KEY);

    const read = await after('GET', `/v1/tickets/${opened.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.clock.live).toBe(true);
    expect(read.body.clock.targets.map((t: { dueAt: string }) => t.dueAt)).toEqual(
      opened.body.clock.targets.map((t: { dueAt: string }) => t.dueAt),
    );
    const reply = await after('POST', `/v1/tickets/${opened.body.id}/replies`, { body: 'after the restart' });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('in_progress');
  });

  it('leaves no orphans however the service ends, and the next start takes over what an earlier one left', async () => {
    const probe = createDatabase(stack!.databaseUrl);
    const ticketId = (await probe.ticket.findFirstOrThrow({ where: { subject: 'long timer' } })).id;
    await probe.$disconnect();

    // SIGTERM to the service's own process, not its group (as a process manager sends it).
    let children = childrenOf(dataDir);
    process.kill(pidIn(dataDir, 'pasban'), 'SIGTERM');
    expect(await gone([children.temporal, children.postgres])).toBe(true);
    await stack!.stop('SIGKILL');

    // SIGKILL: the watchdog stops PostgreSQL and Temporal.
    stack = await startStack(dataDir, stack!.ports);
    children = childrenOf(dataDir);
    process.kill(pidIn(dataDir, 'pasban'), 'SIGKILL');
    expect(await gone([children.temporal, children.postgres])).toBe(true);
    await stack.stop('SIGKILL');

    // The service and its watchdog both killed: the servers stay, and the next start stops them first.
    stack = await startStack(dataDir, stack.ports);
    children = childrenOf(dataDir);
    const service = pidIn(dataDir, 'pasban');
    const watchdog = watchdogOf(service);
    expect(watchdog).toBeDefined();
    process.kill(watchdog!, 'SIGKILL');
    process.kill(service, 'SIGKILL');
    await stack.stop('SIGKILL');
    expect(isAlive(children.temporal) && isAlive(children.postgres)).toBe(true);
    stack = await startStack(dataDir, stack.ports);
    expect(stack.output()).toContain('stopping a server an earlier run left behind');
    expect([isAlive(children.temporal), isAlive(children.postgres)]).toEqual([false, false]);
    expect(childrenOf(dataDir).temporal).not.toBe(children.temporal);

    // A second start on the same data directory is refused instead of sharing the servers.
    await expect(startStack(dataDir, stack.ports)).rejects.toThrow(
      /another npm start \(pid \d+\) is running on the data directory/,
    );

    // Data and the ticket's workflow came through all of it.
    const api = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    const read = await api('GET', `/v1/tickets/${ticketId}`);
    expect(read.status).toBe(200);
    expect(read.body.clock.live).toBe(true);
    expect((await api('POST', `/v1/tickets/${ticketId}/replies`, { body: 'after the kills' })).status).toBe(200);
  });
});
