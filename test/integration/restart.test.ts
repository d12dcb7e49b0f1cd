// Stopping and starting the run command keeps the data and the running workflows: a ticket
// opened before the restart is still open after it, with its timers, and still takes commands.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../../platform/database';
import { apiClient } from '../support/http';
import { startStack, TEST_ADMIN_KEY, type Stack } from '../support/stack';

jest.setTimeout(300_000);

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
        customerId: customer.id, productId: product.id, policyId: policy.id, plan: 'owj-agile', paid: true,
        startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 365 * 86_400_000),
      },
    });
    const api = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    const opened = await api('POST', '/v1/tickets', {
      customerId: customer.id, productId: product.id, priority: 'low', subject: 'long timer', description: 'four business days',
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
    expect(read.body.clock.targets.map((t: { dueAt: string }) => t.dueAt)).toEqual(opened.body.clock.targets.map((t: { dueAt: string }) => t.dueAt));
    const reply = await after('POST', `/v1/tickets/${opened.body.id}/replies`, { body: 'after the restart' });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('in_progress');
  });
});
