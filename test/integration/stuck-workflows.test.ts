// A ticket workflow whose every task fails (issue 12, item 10: a history the code cannot replay,
// here a run started with a calendar missing, which throws in its first task) is reported by
// /readyz (count and id, the service stays ready) and repaired by `npm run repair-stuck`'s
// function: terminated and started again from its recorded timeline, guarded and taking
// commands again, with nothing recorded twice.
import { Client, Connection } from '@temporalio/client';
import { findStuckWorkflows, repairStuckWorkflows } from '../../api/stuck-workflows';
import { ticketPolicyPresets } from '../../sla/presets';
import * as ticket from '../../workflows/ticket';
import { integrationDeps } from '../support/app-deps';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

jest.setTimeout(300_000);

let temporal: Client;
beforeAll(async () => {
  temporal = new Client({
    connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
  });
});
afterAll(async () => {
  await temporal?.connection.close();
  await closeTestDatabase();
});

describe('stuck workflows', () => {
  it('are reported by /readyz and restarted from their recorded timeline by the repair', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = testApi(key);
    const agent = testApi(await createKey('agent'));
    const opened = await customer('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'low',
      subject: 'stuck',
      description: 'a run that cannot go on',
      channel: 'api',
    });
    const id = opened.body.id as string;
    const workflowId = `ticket-${id}`;
    expect((await agent('POST', `/v1/tickets/${id}/replies`, { body: 'first answer' })).status).toBe(200);
    const agentUser = (await agent('GET', '/v1/me')).body.user.id as string;
    expect((await agent('POST', `/v1/tickets/${id}/assign`, { assignee: agentUser })).status).toBe(200);
    const before = await testDatabase().ticketEvent.findMany({ where: { ticketId: id }, orderBy: { sequence: 'asc' } });
    expect(before.map((e) => e.type)).toEqual(['opened', 'agent_replied', 'assigned']);

    // A run whose every workflow task fails.
    const handle = temporal.workflow.getHandle(workflowId);
    await handle.terminate('test: make it stuck');
    await temporal.workflow.start(ticket.ticketWorkflow, {
      workflowId,
      taskQueue: 'pasban',
      args: [
        {
          ticketId: id,
          policy: ticketPolicyPresets['owj-agile'],
          calendars: [],
          priority: 'low',
          openedAtMs: Date.parse(opened.body.openedAt),
          openedBy: 'test',
          closeAfterQuietMinutes: 60,
          state: undefined,
        },
      ],
    });
    const started = Date.now();
    await waitFor(
      () => findStuckWorkflows({ temporal }),
      (ids) => ids.includes(workflowId),
      120_000,
    );
    console.log(`stuck workflow listed by TemporalReportedProblems after ${Date.now() - started} ms`);

    const ready = await waitFor(
      () => testApi(undefined)('GET', '/readyz'),
      (r) => r.body.stuckWorkflows?.ids?.includes(workflowId),
      10_000,
    );
    expect(ready.status).toBe(200);
    expect(ready.body.stuckWorkflows.count).toBeGreaterThanOrEqual(1);

    const outcomes = await repairStuckWorkflows(integrationDeps(temporal));
    expect(outcomes[workflowId]).toBe('restarted');

    // The fresh run holds the state the timeline recorded, answers commands, and records after the last event.
    const read = await waitFor(
      () => customer('GET', `/v1/tickets/${id}`),
      (r) => r.body.clock?.live === true,
    );
    expect(read.body).toMatchObject({ status: 'in_progress', assignee: agentUser });
    expect(read.body.firstResponseAt).not.toBeNull();
    expect(read.body.clock.targets.find((t: { target: string }) => t.target === 'first_response').state).toBe('met');
    expect((await agent('POST', `/v1/tickets/${id}/replies`, { body: 'after the repair' })).status).toBe(200);
    const after = await testDatabase().ticketEvent.findMany({ where: { ticketId: id }, orderBy: { sequence: 'asc' } });
    expect(after.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'opened'],
      [2, 'agent_replied'],
      [3, 'assigned'],
      [4, 'agent_replied'],
    ]);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.raw.pendingWorkflowTask?.attempt ?? 0).toBeLessThanOrEqual(1);
    await waitFor(
      () => findStuckWorkflows({ temporal }),
      (ids) => !ids.includes(workflowId),
      30_000,
    );
  });
});
