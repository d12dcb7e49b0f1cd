// Concurrent commands through HTTP on the running service (issue 12, items 1 and 10): for each
// ticket, 13 clients released together (1 cancel, 6 agent replies, 3 customer replies, 3
// resolves); for claims, 5 decisions at once; for change requests, reviews, a cancel and a
// quote answer at once. Every 2xx is exactly one timeline event and no event is without a 2xx,
// every refusal is a 409, a cancelled ticket stays cancelled and its workflow completes, every
// history the races recorded replays on the current code, and no workflow reports a problem.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi, type HttpResult } from '../support/http';
import { waitFor } from '../support/wait';

jest.setTimeout(600_000);

const TICKET_ROUNDS = 20;
const CLAIM_ROUNDS = 5;
const CHANGE_REQUEST_ROUNDS = 5;

let temporal: Client;
let agent: ReturnType<typeof testApi>;
let qa: ReturnType<typeof testApi>;
const workflowIds: string[] = [];

beforeAll(async () => {
  temporal = new Client({ connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }) });
  agent = testApi(await createKey('agent'));
  qa = testApi(await createKey('qa'));
});
afterAll(async () => {
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
    if (result.status >= 300) expect({ status: result.status, reason: result.body?.reason }).toMatchObject({ status: 409 });
  }
}

describe('concurrent commands on one ticket', () => {
  it(`records exactly one event per 2xx and none per 409, over ${TICKET_ROUNDS} rounds of 13 clients`, async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = testApi(key);
    const tally = { cancelled: 0, accepted: 0, refused: 0 };
    for (let round = 0; round < TICKET_ROUNDS; round++) {
      const opened = await customer('POST', '/v1/tickets', {
        productId: product.id, priority: 'high', subject: `race ${round}`, description: 'thirteen clients at once', channel: 'api',
      });
      expect(opened.status).toBe(201);
      const id = opened.body.id as string;
      workflowIds.push(`ticket-${id}`);
      const commands: { tag: string; send: () => Promise<HttpResult> }[] = [
        { tag: 'tag-cancel', send: () => customer('POST', `/v1/tickets/${id}/cancel`, { reason: 'tag-cancel' }) },
        ...Array.from({ length: 6 }, (_, i) => ({ tag: `tag-agent-${i}`, send: () => agent('POST', `/v1/tickets/${id}/replies`, { body: `tag-agent-${i}` }) })),
        ...Array.from({ length: 3 }, (_, i) => ({ tag: `tag-customer-${i}`, send: () => customer('POST', `/v1/tickets/${id}/replies`, { body: `tag-customer-${i}` }) })),
        ...Array.from({ length: 3 }, (_, i) => ({ tag: `tag-resolve-${i}`, send: () => agent('POST', `/v1/tickets/${id}/resolve`, { note: `tag-resolve-${i}` }) })),
      ];
      const results = await together(commands.map((c) => c.send));
      expectAnsweredOrRefused(results);
      const accepted = commands.filter((_, i) => results[i]!.status < 300).map((c) => c.tag);
      tally.accepted += accepted.length;
      tally.refused += commands.length - accepted.length;

      const events = await testDatabase().ticketEvent.findMany({ where: { ticketId: id }, orderBy: { sequence: 'asc' } });
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      expect(events[0]!.type).toBe('opened');
      // Exactly one event per 2xx, none without one.
      expect(events.map((e) => tagOf(e.data)).filter(Boolean).sort()).toEqual([...accepted].sort());
      // A reopening customer reply comes after the resolve it reopens.
      const types = events.map((e) => e.type);
      for (const [i, type] of types.entries()) if (type === 'reopened') expect(types.slice(0, i)).toContain('resolved');

      if (accepted.includes('tag-cancel')) {
        tally.cancelled += 1;
        expect(types[types.length - 1]).toBe('cancelled');
        const read = await customer('GET', `/v1/tickets/${id}`);
        expect(read.body.status).toBe('cancelled');
        expect(read.body.clock.targets.every((t: { state: string }) => !['running', 'paused'].includes(t.state))).toBe(true);
        const handle = temporal.workflow.getHandle(`ticket-${id}`);
        await expect(handle.result()).resolves.toMatchObject({ status: 'cancelled' });
      }
    }
    // Both outcomes of the race happen: some rounds cancel first, some resolve first.
    console.log(`ticket races: ${TICKET_ROUNDS} rounds, ${tally.accepted} accepted, ${tally.refused} refused, ${tally.cancelled} cancelled`);
  });
});

describe('concurrent decisions on one claim', () => {
  it(`takes exactly one of five decisions sent at once, over ${CLAIM_ROUNDS} rounds`, async () => {
    const db = testDatabase();
    const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
    const product = await db.product.create({
      data: { key: `race-${randomUUID().slice(0, 8)}`, vendorId: avanak.vendorId, departmentId: avanak.departmentId, name: 'Race test', nameFa: 'سرویس آزمایشی', creditTable: 'avanak' },
    });
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const { key } = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
      const endMs = Date.now() - (round + 2) * 3_600_000;
      const outage = await agent('POST', '/v1/outages', {
        productId: product.id, startedAt: new Date(endMs - 200 * 60_000).toISOString(), endedAt: new Date(endMs).toISOString(), cause: 'unplanned', description: 'race',
      });
      expect(outage.status).toBe(201);
      const filed = await testApi(key)('POST', '/v1/claims', { productId: product.id, outageIds: [outage.body.id], note: 'race' });
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
      const decisions = await testDatabase().claimEvent.findMany({ where: { claimId: id, type: { in: ['approved', 'rejected'] } } });
      expect(decisions).toHaveLength(1);
      const winner = results.find((r) => r.status === 200)!;
      expect(decisions[0]!.type).toBe(winner.body.status);
      expect(await testDatabase().creditNote.count({ where: { claimId: id } })).toBe(winner.body.status === 'approved' ? 1 : 0);
    }
  });
});

describe('concurrent steps on one change request', () => {
  it(`records one event per 2xx for reviews and a cancel sent at once, then quote answers and a cancel, over ${CHANGE_REQUEST_ROUNDS} rounds`, async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-silver' });
    const customer = testApi(key);
    const quote = { decision: 'quote', costRials: '50000000', effortHours: 5, proposedDeliveryAt: new Date(Date.now() + 14 * 86_400_000).toISOString() };
    for (let round = 0; round < CHANGE_REQUEST_ROUNDS; round++) {
      const opened = await customer('POST', '/v1/change-requests', { productId: product.id, title: `race ${round}`, description: 'steps at once', desiredDate: '2027-01-15' });
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
      const steps = await testDatabase().changeRequestEvent.findMany({ where: { changeRequestId: id }, orderBy: { sequence: 'asc' } });
      expect(steps.map((e) => e.sequence)).toEqual(steps.map((_, i) => i + 1));
      const decisive = ['quoted', 'rejected', 'cancelled', 'quote_approved', 'quote_declined'];
      const recorded = steps.filter((e) => decisive.includes(e.type));
      expect(recorded).toHaveLength([...first, ...second].filter((r) => r.status === 200).length);
      // Each 2xx answered the status its one event moved the request to.
      const statusAfter: Record<string, string> = { quoted: 'quoted', rejected: 'rejected', cancelled: 'cancelled', quote_approved: 'approved', quote_declined: 'declined' };
      const answered = [...first, ...second].filter((r) => r.status === 200).map((r) => r.body.status as string);
      expect(recorded.map((e) => statusAfter[e.type]).sort()).toEqual(answered.sort());
    }
  });
});

describe('after the races', () => {
  it('replays every history the races recorded on the current code, and no workflow reports a problem', async () => {
    expect(workflowIds.length).toBe(TICKET_ROUNDS + CLAIM_ROUNDS + CHANGE_REQUEST_ROUNDS);
    const histories = await Promise.all(
      workflowIds.map(async (workflowId) => ({ workflowId, history: await temporal.workflow.getHandle(workflowId).fetchHistory() })),
    );
    const failures: string[] = [];
    for await (const replay of Worker.runReplayHistories({ workflowsPath: require.resolve('../../workflows') }, histories)) {
      if (replay.error) failures.push(`${replay.workflowId}: ${String(replay.error)}`);
    }
    expect(failures).toEqual([]);
    // A workflow whose tasks keep failing shows a pending task on a second attempt or later.
    await waitFor(
      async () => Promise.all(workflowIds.map(async (id) => ({ id, attempt: (await temporal.workflow.getHandle(id).describe()).raw.pendingWorkflowTask?.attempt ?? 0 }))),
      (tasks) => tasks.every((t) => t.attempt <= 1),
    );
  });
});
