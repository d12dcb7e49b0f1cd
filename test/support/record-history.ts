/**
 * Records a ticket workflow history for the replay tests: a ticket opened, then a burst of
 * concurrent commands (replies, a resolve, a customer reply that reopens, a cancel), on the
 * time-skipping test server with in-memory activities. Run it on the code whose histories the
 * tests must keep replaying:
 *   npx tsx test/support/record-ticket-history.ts test/workflow/histories/<name>.binpb
 */
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TicketActivities } from '../../activities/tickets';
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import * as wf from '../../workflows/ticket';

async function main(out: string): Promise<void> {
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    process.env.TEMPORAL_TEST_SERVER_PATH ? { server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER_PATH } } } : {},
  );
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
  const activities: TicketActivities = {
    recordTicketChange: pause, recordTicketEvent: pause, syncTicket: pause, recordOutcome: pause, escalate: pause, notifyCustomer: pause,
  } as unknown as TicketActivities;
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
  const history = await worker.runUntil(async () => {
    const ticketId = randomUUID();
    const handle = await env.client.workflow.start(wf.ticketWorkflow, {
      taskQueue,
      workflowId: `ticket-${ticketId}`,
      args: [{
        ticketId, policy: ticketPolicyPresets['iotex-standard'], calendars: [calendarPresets['iotex-office']], priority: 'high',
        openedAtMs: Date.now(), openedBy: 'customer:test', closeAfterQuietMinutes: 60,
      }],
    });
    const agent = { actor: 'agent:sara' };
    const settle = (updates: Promise<unknown>[]) => Promise.allSettled(updates);
    await settle([
      handle.executeUpdate(wf.assign, { args: [{ ...agent, assignee: 'sara' }] }),
      handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'one' }] }),
      handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'two' }] }),
      handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'done' }] }),
    ]);
    await settle([
      handle.executeUpdate(wf.customerReply, { args: [{ actor: 'customer:test', body: 'not yet' }] }),
      handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: false, body: 'note' }] }),
      handle.executeUpdate(wf.cancel, { args: [{ ...agent, reason: 'duplicate' }] }),
      handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'again' }] }),
    ]);
    await settle([handle.executeUpdate(wf.cancel, { args: [{ ...agent, reason: 'duplicate' }] })]);
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  });
  writeFileSync(out, temporal.api.history.v1.History.encode(history).finish());
  console.log(`wrote ${out}: ${history.events?.length} events`);
  await env.teardown();
}

void main(process.argv[2] ?? 'ticket-history.binpb');
