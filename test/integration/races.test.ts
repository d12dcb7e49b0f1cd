// Concurrent commands through HTTP (issue 12, items 1 and 10): for each ticket, 13 clients
// released together (1 cancel, 6 agent replies, 3 customer replies, 3 resolves); for claims, 5
// decisions at once; for change requests, reviews, a cancel and a quote answer at once. Every 2xx
// is exactly one timeline event and no event is without a 2xx, every refusal is a 409, a
// cancelled ticket stays cancelled and its workflow completes, and every history the races
// recorded replays on the current code. Then the worker restarts (a new worker with an empty
// cache replays every history it touches) and each ticket takes one more command, each claim and
// change request is read: no workflow task fails, no workflow reports a problem, the worker logs
// no error.
//
// The routes run in this process (the app `npm start` serves) on the stack's real PostgreSQL and
// Temporal server, with a worker of their own on a task queue of their own: the worker the test
// restarts is the only one that runs these workflows, and restarting it costs no second stack.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogEntry,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { findStuckWorkflows } from '../../api/stuck-workflows';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { integrationDeps } from '../support/app-deps';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { apiClient, type HttpResult } from '../support/http';

jest.setTimeout(600_000);

const TICKET_ROUNDS = 20;
const CLAIM_ROUNDS = 5;
const CHANGE_REQUEST_ROUNDS = 5;
const TASK_QUEUE = `races-${randomUUID().slice(0, 8)}`;
/**
 * What the SDK and its core report when workflow tasks go wrong (the worker log lines).
 * Not among them: "Task not found when completing", which core logs (WARN) when the server no
 * longer holds the task being completed (it drops the speculative task of an update, for one,
 * when a validator refused the update); the work is then done in the next task, and the races
 * above check that every answer has exactly its one event. The test prints how many there were.
 */
const WORKER_TROUBLE = /nondetermin|TMPRL1100|new WFT|BadCancelTimer|Failing workflow task|workflow task failed/i;

let temporal: Client;
let server: Server;
let url: string;
let agent: ReturnType<typeof apiClient>;
let qa: ReturnType<typeof apiClient>;
let bundle: WorkflowBundle;
let worker: { connection: NativeConnection; done: Promise<void>; stop(): Promise<void> } | undefined;
const workerLog: LogEntry[] = [];
const workflowIds: string[] = [];
const ticketIds: string[] = [];
let ticketCustomer: ReturnType<typeof apiClient>;

/** A worker like `npm start`'s (platform/worker.ts: the same activities, the same workflows), on this test's queue. */
async function startWorker(): Promise<NonNullable<typeof worker>> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: process.env.PASBAN_TEST_DATABASE_URL,
    TEMPORAL_ADDRESS: process.env.PASBAN_TEST_TEMPORAL_ADDRESS,
  });
  const connection = await NativeConnection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! });
  const created = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: createActivities({ db: testDatabase(), logger: createLogger('silent'), config }),
  });
  const done = created.run();
  return {
    connection,
    done,
    async stop() {
      created.shutdown();
      await done;
      await connection.close();
    },
  };
}

beforeAll(async () => {
  // The SDK's own log (core's lines about workflow tasks included), kept to be checked at the end.
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => workerLog.push(entry)),
    telemetryOptions: { logging: { forward: {}, filter: { core: 'WARN', other: 'WARN' } } },
    shutdownSignals: [],
  });
  temporal = new Client({
    connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
  });
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  worker = await startWorker();
  const deps = integrationDeps(temporal, { perMinute: 100_000 });
  server = createApp({ ...deps, config: { ...deps.config, TEMPORAL_TASK_QUEUE: TASK_QUEUE } }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  agent = apiClient(url, await createKey('agent'));
  qa = apiClient(url, await createKey('qa'));
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await worker?.stop();
  await temporal?.connection.close();
  await closeTestDatabase();
});

/** Sends every request at once (one barrier: each waits for the same start signal). */
async function together(requests: (() => Promise<HttpResult>)[]): Promise<HttpResult[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const sent = requests.map(async (send) => {
    await gate;
    return send();
  });
  release();
  return Promise.all(sent);
}

/** The tag (`tag-…`) a recorded event's body, note or reason carries. */
function tagOf(data: unknown): string | undefined {
  const { body, note, reason } = (data ?? {}) as { body?: unknown; note?: unknown; reason?: unknown };
  return [body, note, reason].find((text): text is string => typeof text === 'string' && text.startsWith('tag-'));
}

/** Every answer was a 2xx or a 409 refusal (never a 5xx or a timeout). */
function expectAnsweredOrRefused(results: HttpResult[]): void {
  for (const result of results) {
    if (result.status >= 300)
      expect({ status: result.status, reason: result.body?.reason }).toMatchObject({ status: 409 });
  }
}

describe('concurrent commands on one ticket', () => {
  it(`records exactly one event per 2xx and none per 409, over ${TICKET_ROUNDS} rounds of 13 clients`, async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = (ticketCustomer = apiClient(url, key));
    const tally = { cancelled: 0, accepted: 0, refused: 0 };
    for (let round = 0; round < TICKET_ROUNDS; round++) {
      const opened = await customer('POST', '/v1/tickets', {
        productId: product.id,
        priority: 'high',
        subject: `race ${round}`,
        description: 'thirteen clients at once',
        channel: 'api',
      });
      expect(opened.status).toBe(201);
      const id = opened.body.id as string;
      workflowIds.push(`ticket-${id}`);
      ticketIds.push(id);
      const commands: { tag: string; send: () => Promise<HttpResult> }[] = [
        { tag: 'tag-cancel', send: () => customer('POST', `/v1/tickets/${id}/cancel`, { reason: 'tag-cancel' }) },
        ...Array.from({ length: 6 }, (_, i) => ({
          tag: `tag-agent-${i}`,
          send: () => agent('POST', `/v1/tickets/${id}/replies`, { body: `tag-agent-${i}` }),
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          tag: `tag-customer-${i}`,
          send: () => customer('POST', `/v1/tickets/${id}/replies`, { body: `tag-customer-${i}` }),
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          tag: `tag-resolve-${i}`,
          send: () => agent('POST', `/v1/tickets/${id}/resolve`, { note: `tag-resolve-${i}` }),
        })),
      ];
      const results = await together(commands.map((c) => c.send));
      expectAnsweredOrRefused(results);
      const accepted = commands.filter((_, i) => results[i]!.status < 300).map((c) => c.tag);
      tally.accepted += accepted.length;
      tally.refused += commands.length - accepted.length;

      const events = await testDatabase().ticketEvent.findMany({
        where: { ticketId: id },
        orderBy: { sequence: 'asc' },
      });
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      expect(events[0]!.type).toBe('opened');
      // Exactly one event per 2xx, none without one.
      expect(
        events
          .map((e) => tagOf(e.data))
          .filter(Boolean)
          .sort(),
      ).toEqual([...accepted].sort());
      // A reopening customer reply comes after the resolve it reopens.
      const types = events.map((e) => e.type);
      for (const [i, type] of types.entries()) if (type === 'reopened') expect(types.slice(0, i)).toContain('resolved');

      if (accepted.includes('tag-cancel')) {
        tally.cancelled += 1;
        expect(types[types.length - 1]).toBe('cancelled');
        const read = await customer('GET', `/v1/tickets/${id}`);
        expect(read.body.status).toBe('cancelled');
        expect(read.body.clock.targets.every((t: { state: string }) => !['running', 'paused'].includes(t.state))).toBe(
          true,
        );
        const handle = temporal.workflow.getHandle(`ticket-${id}`);
        await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
      }
    }
    // Both outcomes of the race happen: some rounds cancel first, some resolve first.
    console.log(
      `ticket races: ${TICKET_ROUNDS} rounds, ${tally.accepted} accepted, ${tally.refused} refused, ${tally.cancelled} cancelled`,
    );
  });
});

describe('concurrent decisions on one claim', () => {
  it(`takes exactly one of five decisions sent at once, over ${CLAIM_ROUNDS} rounds`, async () => {
    const db = testDatabase();
    const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
    const product = await db.product.create({
      data: {
        key: `race-${randomUUID().slice(0, 8)}`,
        vendorId: avanak.vendorId,
        departmentId: avanak.departmentId,
        name: 'Race test',
        nameFa: 'سرویس آزمایشی',
        creditTable: 'avanak',
      },
    });
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
      const endMs = Date.now() - (round + 2) * 3_600_000;
      const outage = await agent('POST', '/v1/outages', {
        productId: product.id,
        startedAt: new Date(endMs - 200 * 60_000).toISOString(),
        endedAt: new Date(endMs).toISOString(),
        cause: 'unplanned',
        description: 'race',
      });
      expect(outage.status).toBe(201);
      const filed = await apiClient(url, key)('POST', '/v1/claims', {
        productId: product.id,
        outageIds: [outage.body.id],
        note: 'race',
      });
      expect(filed.status).toBe(201);
      const id = filed.body.id as string;
      workflowIds.push(`claim-${id}`);
      const results = await together([
        () => qa('POST', `/v1/claims/${id}/approve`, {}),
        () => qa('POST', `/v1/claims/${id}/reject`, { exclusion: 'planned_maintenance' }),
        () => qa('POST', `/v1/claims/${id}/approve`, {}),
        () => qa('POST', `/v1/claims/${id}/reject`, { reason: 'tag-reject' }),
        () => qa('POST', `/v1/claims/${id}/approve`, {}),
      ]);
      expectAnsweredOrRefused(results);
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const decisions = await testDatabase().claimEvent.findMany({
        where: { claimId: id, type: { in: ['approved', 'rejected'] } },
      });
      expect(decisions).toHaveLength(1);
      const winner = results.find((r) => r.status === 200)!;
      expect(decisions[0]!.type).toBe(winner.body.status);
      expect(await testDatabase().creditNote.count({ where: { claimId: id } })).toBe(
        winner.body.status === 'approved' ? 1 : 0,
      );
    }
  });
});

describe('concurrent steps on one change request', () => {
  it(`records one event per 2xx for reviews and a cancel sent at once, then quote answers and a cancel, over ${CHANGE_REQUEST_ROUNDS} rounds`, async () => {
    const { product, key } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-silver',
    });
    const customer = apiClient(url, key);
    const quote = {
      decision: 'quote',
      costRials: '50000000',
      effortHours: 5,
      proposedDeliveryAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    };
    for (let round = 0; round < CHANGE_REQUEST_ROUNDS; round++) {
      const opened = await customer('POST', '/v1/change-requests', {
        productId: product.id,
        title: `race ${round}`,
        description: 'steps at once',
        desiredDate: '2027-01-15',
      });
      expect(opened.status).toBe(201);
      const id = opened.body.id as string;
      workflowIds.push(`change-request-${id}`);
      const first = await together([
        () => agent('POST', `/v1/change-requests/${id}/review`, quote),
        () => agent('POST', `/v1/change-requests/${id}/review`, { decision: 'reject', reason: 'tag-reject-0' }),
        () => agent('POST', `/v1/change-requests/${id}/review`, quote),
        () => agent('POST', `/v1/change-requests/${id}/review`, { decision: 'reject', reason: 'tag-reject-1' }),
        () => customer('POST', `/v1/change-requests/${id}/cancel`, { reason: 'tag-cancel-0' }),
      ]);
      expectAnsweredOrRefused(first);
      const second = await together([
        () => customer('POST', `/v1/change-requests/${id}/approve-quote`, {}),
        () => customer('POST', `/v1/change-requests/${id}/decline-quote`, { reason: 'tag-decline' }),
        () => customer('POST', `/v1/change-requests/${id}/cancel`, { reason: 'tag-cancel-1' }),
        () => customer('POST', `/v1/change-requests/${id}/approve-quote`, {}),
      ]);
      expectAnsweredOrRefused(second);
      const steps = await testDatabase().changeRequestEvent.findMany({
        where: { changeRequestId: id },
        orderBy: { sequence: 'asc' },
      });
      expect(steps.map((e) => e.sequence)).toEqual(steps.map((_, i) => i + 1));
      const decisive = ['quoted', 'rejected', 'cancelled', 'quote_approved', 'quote_declined'];
      const recorded = steps.filter((e) => decisive.includes(e.type));
      expect(recorded).toHaveLength([...first, ...second].filter((r) => r.status === 200).length);
      // Each 2xx answered the status its one event moved the request to.
      const statusAfter: Record<string, string> = {
        quoted: 'quoted',
        rejected: 'rejected',
        cancelled: 'cancelled',
        quote_approved: 'approved',
        quote_declined: 'declined',
      };
      const answered = [...first, ...second].filter((r) => r.status === 200).map((r) => r.body.status as string);
      expect(recorded.map((e) => statusAfter[e.type]).sort()).toEqual(answered.sort());
    }
  });
});

/** Every recorded history of `ids` replayed on the current code: the failures, by workflow. */
async function replayFailures(ids: string[]): Promise<string[]> {
  const histories = await Promise.all(
    ids.map(async (workflowId) => ({
      workflowId,
      history: await temporal.workflow.getHandle(workflowId).fetchHistory(),
    })),
  );
  const failures: string[] = [];
  for await (const replay of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (replay.error) failures.push(`${replay.workflowId}: ${String(replay.error)}`);
  }
  return failures;
}

/** How many events each workflow's history holds now. */
async function historyLengths(ids: string[]): Promise<Map<string, number>> {
  return new Map(
    await Promise.all(
      ids.map(async (id) => [id, (await temporal.workflow.getHandle(id).fetchHistory()).events?.length ?? 0] as const),
    ),
  );
}

describe('after the races', () => {
  it('replays every history the races recorded on the current code', async () => {
    expect(workflowIds.length).toBe(TICKET_ROUNDS + CLAIM_ROUNDS + CHANGE_REQUEST_ROUNDS);
    expect(await replayFailures(workflowIds)).toEqual([]);
  });

  it('after a restart of the worker, takes a command on each ticket and leaves no workflow with a problem', async () => {
    const before = await historyLengths(workflowIds);
    await worker!.stop();
    worker = await startWorker();

    const db = testDatabase();
    const tally: Record<string, number> = {};
    for (const id of ticketIds) {
      // A fresh worker holds no workflow in its cache: the read and the command replay the history first.
      const customer = ticketCustomer;
      const read = await customer('GET', `/v1/tickets/${id}`);
      expect(read.status).toBe(200);
      const status = read.body.status as string;
      const last = await db.ticketEvent.count({ where: { ticketId: id } });
      const answer =
        status === 'resolved'
          ? await customer('POST', `/v1/tickets/${id}/replies`, { body: 'tag-after-restart' })
          : await agent('POST', `/v1/tickets/${id}/replies`, { body: 'tag-after-restart' });
      tally[`${status} -> ${answer.status}`] = (tally[`${status} -> ${answer.status}`] ?? 0) + 1;
      const events = await db.ticketEvent.findMany({ where: { ticketId: id }, orderBy: { sequence: 'asc' } });
      if (['cancelled', 'closed'].includes(status)) {
        expect({ id, status: answer.status }).toEqual({ id, status: 409 });
        expect(events).toHaveLength(last);
      } else {
        expect({ id, status: answer.status, body: answer.body }).toMatchObject({ id, status: 200 });
        expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
        expect(events.slice(last).map((e) => tagOf(e.data))).toEqual(['tag-after-restart']);
      }
    }
    for (const id of workflowIds.filter((w) => !w.startsWith('ticket-'))) {
      const [kind, ...rest] = id.split('-');
      const path =
        kind === 'claim' ? `/v1/claims/${rest.join('-')}` : `/v1/change-requests/${id.slice('change-request-'.length)}`;
      expect({ id, status: (await qa('GET', path)).status }).toEqual({ id, status: 200 });
    }
    console.log(`after the worker restart: ${JSON.stringify(tally)}`);

    // No workflow task failed after the restart, none is pending on a retry, and the last one of each completed.
    const problems: string[] = [];
    for (const id of workflowIds) {
      const events = (await temporal.workflow.getHandle(id).fetchHistory()).events ?? [];
      const failed = events
        .slice(before.get(id)!)
        .filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes);
      if (failed.length > 0) problems.push(`${id}: ${failed.length} workflow task(s) failed after the restart`);
      const attempt = (await temporal.workflow.getHandle(id).describe()).raw.pendingWorkflowTask?.attempt ?? 0;
      if (attempt > 1) problems.push(`${id}: workflow task on attempt ${attempt}`);
    }
    expect(problems).toEqual([]);
    expect((await findStuckWorkflows({ temporal })).filter((id) => workflowIds.includes(id))).toEqual([]);
    expect(await replayFailures(workflowIds)).toEqual([]);
    const dropped = workerLog.filter((e) => /Task not found when completing/.test(e.message)).length;
    console.log(
      `worker log: ${workerLog.length} warnings, ${dropped} of them "Task not found when completing" (dropped speculative tasks)`,
    );
    expect(
      workerLog
        .filter((e) => e.level === 'ERROR' || WORKER_TROUBLE.test(e.message))
        .map((e) => `${e.level} ${e.message} ${JSON.stringify(e.meta ?? {})}`),
    ).toEqual([]);
  });
});
