// A row stored without its workflow (intake stored it, then Temporal was unreachable or the
// process died, and the client never retried) is found by the recovery sweep and started once.
// The rows here are copies of real requests with their workflows never started.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { RECOVERY_ACTOR, recoverUnstartedWorkflows } from '../../api/recovery';
import { GRPC_MAX_BACKOFF_MS, START_DEADLINE_MS } from '../../api/services/workflow-command';
import { outageView } from '../../workflows/outage';
import type { AppDeps } from '../../api/deps';
import { integrationDeps } from '../support/app-deps';
import { closeTestDatabase, copyOf, createCustomerWithContract, testDatabase } from '../support/fixtures';
import { apiClient, testApi } from '../support/http';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';

const HOUR = 3_600_000;
const TWO_MINUTES_AGO = () => new Date(Date.now() - 2 * 60_000);

/**
 * A ticket, a change request and a claim filed through the API, each copied into a new row
 * stored at `storedAt()` whose workflow never started (the copies' ids, and who may see them).
 */
async function storeUnstartedCopies(storedAt: () => Date) {
  const db = testDatabase();

  // A ticket.
  const owj = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
  const opened = await testApi(owj.key)('POST', '/v1/tickets', {
    productId: owj.product.id,
    priority: 'high',
    subject: 'پنل کند است',
    description: 'از صبح پنل کند است',
  });
  expect(opened.status).toBe(201);
  const ticketId = randomUUID();
  await db.ticket.create({
    data: copyOf(await db.ticket.findUniqueOrThrow({ where: { id: opened.body.id } }), {
      id: ticketId,
      workflowId: `ticket-${ticketId}`,
      openedAt: storedAt(),
    }) as never,
  });

  // A change request.
  const kian = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-silver' });
  const requested = await testApi(kian.key)('POST', '/v1/change-requests', {
    productId: kian.product.id,
    title: 'گزارش فروش',
    description: 'گزارش فروش ماهانه به تفکیک استان',
    desiredDate: '2027-01-15',
  });
  expect(requested.status).toBe(201);
  const changeRequestId = randomUUID();
  await db.changeRequest.create({
    data: copyOf(await db.changeRequest.findUniqueOrThrow({ where: { id: requested.body.id } }), {
      id: changeRequestId,
      workflowId: `change-request-${changeRequestId}`,
      createdAt: storedAt(),
    }) as never,
  });

  // A claim for an outage of a product of its own.
  const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
  const product = await db.product.create({
    data: {
      key: `recovery-${randomUUID().slice(0, 8)}`,
      vendorId: avanak.vendorId,
      departmentId: avanak.departmentId,
      name: 'Recovery test',
      nameFa: 'سرویس آزمایشی',
      creditTable: 'avanak',
    },
  });
  const claimant = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
  const outage = await testApi()('POST', '/v1/outages', {
    productId: product.id,
    startedAt: new Date(Date.now() - 6 * HOUR).toISOString(),
    endedAt: new Date(Date.now() - HOUR).toISOString(),
    cause: 'unplanned',
    description: 'پنل در دسترس نبود',
  });
  expect(outage.status).toBe(201);
  const filed = await testApi(claimant.key)('POST', '/v1/claims', {
    productId: product.id,
    outageIds: [outage.body.id],
  });
  expect(filed.status).toBe(201);
  const claimId = randomUUID();
  await db.claim.create({
    data: copyOf(await db.claim.findUniqueOrThrow({ where: { id: filed.body.id } }), {
      id: claimId,
      workflowId: `claim-${claimId}`,
      receivedAt: storedAt(),
    }) as never,
  });

  return {
    ticketId,
    changeRequestId,
    claimId,
    openedTicketId: opened.body.id as string,
    ticketOwnerKey: owj.key,
    changeRequesterKey: kian.key,
  };
}

let temporal: Client;
let deps: AppDeps;
beforeAll(async () => {
  temporal = new Client({
    connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
  });
  deps = integrationDeps(temporal);
});
afterAll(async () => {
  await temporal.connection.close();
  await closeTestDatabase();
});

describe('the recovery sweep', () => {
  it('starts the workflow of a stored ticket, claim and change request that never got one, once, and leaves fresh rows alone', async () => {
    const db = testDatabase();

    const { ticketId, changeRequestId, claimId, openedTicketId, ticketOwnerKey } =
      await storeUnstartedCopies(TWO_MINUTES_AGO);

    // A fresh copy (stored a moment ago) may still be starting: the sweep leaves it alone.
    const freshId = randomUUID();
    await db.ticket.create({
      data: copyOf(await db.ticket.findUniqueOrThrow({ where: { id: openedTicketId } }), {
        id: freshId,
        workflowId: `ticket-${freshId}`,
        openedAt: new Date(),
      }) as never,
    });

    const workflowIds = [`ticket-${ticketId}`, `change-request-${changeRequestId}`, `claim-${claimId}`];
    for (const id of workflowIds)
      await expect(temporal.workflow.getHandle(id).describe()).rejects.toThrow(/not found/i);

    // (The running service sweeps too, once a minute: whichever sweep comes first starts them.)
    const first = await recoverUnstartedWorkflows(deps);
    expect(first.failed).toBe(0);
    for (const id of workflowIds)
      expect((await temporal.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    await expect(temporal.workflow.getHandle(`ticket-${freshId}`).describe()).rejects.toThrow(/not found/i);

    // Each workflow records its opening under the recovery actor; a second sweep starts none of them again.
    const ticketEvents = await waitFor(
      () => db.ticketEvent.findMany({ where: { ticketId }, orderBy: { sequence: 'asc' } }),
      (events) => events.length > 0,
    );
    expect(ticketEvents[0]).toMatchObject({ type: 'opened', actor: RECOVERY_ACTOR });
    const changeEvents = await waitFor(
      () => db.changeRequestEvent.findMany({ where: { changeRequestId }, orderBy: { sequence: 'asc' } }),
      (events) => events.length > 0,
    );
    expect(changeEvents[0]).toMatchObject({ type: 'opened', actor: RECOVERY_ACTOR });
    const claimEvents = await waitFor(
      () => db.claimEvent.findMany({ where: { claimId }, orderBy: { sequence: 'asc' } }),
      (events) => events.length > 0,
    );
    expect(claimEvents[0]).toMatchObject({ type: 'received', actor: RECOVERY_ACTOR });
    const runIds = await Promise.all(
      workflowIds.map(async (id) => (await temporal.workflow.getHandle(id).describe()).runId),
    );

    await recoverUnstartedWorkflows(deps);
    expect(
      await Promise.all(workflowIds.map(async (id) => (await temporal.workflow.getHandle(id).describe()).runId)),
    ).toEqual(runIds);

    // The recovered ticket now answers with its live clock, like any other.
    const read = await testApi(ticketOwnerKey)('GET', `/v1/tickets/${ticketId}`);
    expect(read.status).toBe(200);
    expect(read.body.clock.live).toBe(true);
  });
});

describe('the recovery sweep and outages', () => {
  it('starts the notice workflow of a stored outage whose start failed, notes it, and leaves started ones alone', async () => {
    const db = testDatabase();
    const owj = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
    const recorded = await testApi()('POST', '/v1/outages', {
      productId: owj.id,
      startedAt: new Date(Date.now() - HOUR).toISOString(),
      endedAt: null,
      cause: 'unplanned',
      description: 'پنل از دسترس خارج شد',
    });
    expect(recorded.status).toBe(201);
    const original = await db.outage.findUniqueOrThrow({ where: { id: recorded.body.id } });
    // Intake notes the start it made.
    expect(original.workflowStartedAt).not.toBeNull();
    expect(original.announceToCustomers).toBe(false);

    // A copy whose start failed two minutes ago.
    const outageId = randomUUID();
    await db.outage.create({
      data: copyOf(original, {
        id: outageId,
        workflowId: `outage-${outageId}`,
        createdAt: TWO_MINUTES_AGO(),
        workflowStartedAt: null,
      }) as never,
    });
    await expect(temporal.workflow.getHandle(`outage-${outageId}`).describe()).rejects.toThrow(/not found/i);

    const first = await recoverUnstartedWorkflows(deps);
    expect(first.failed).toBe(0);
    expect(first.outages).toBeGreaterThanOrEqual(1);
    const handle = temporal.workflow.getHandle(`outage-${outageId}`);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await handle.query(outageView)).toMatchObject({ outageId, noticePostedAtMs: null, announced: false });
    expect((await db.outage.findUniqueOrThrow({ where: { id: outageId } })).workflowStartedAt).not.toBeNull();

    // Noted as started: the next sweep does not touch it.
    const runId = (await handle.describe()).runId;
    await recoverUnstartedWorkflows(deps);
    expect((await handle.describe()).runId).toBe(runId);
    expect(await db.outage.count({ where: { id: { in: [outageId, original.id] }, workflowStartedAt: null } })).toBe(0);
  });
});

describe('a command on a stored request whose workflow never started', () => {
  it('starts the workflow, as the sweep would, and runs the command instead of answering that the request has ended', async () => {
    const db = testDatabase();
    const staff = testApi();

    // Copies stored a moment ago, so the service's own sweep (rows older than a minute) leaves them to the commands.
    const { ticketId, changeRequestId, claimId, changeRequesterKey } = await storeUnstartedCopies(() => new Date());

    for (const id of [`ticket-${ticketId}`, `change-request-${changeRequestId}`, `claim-${claimId}`]) {
      await expect(temporal.workflow.getHandle(id).describe()).rejects.toThrow(/not found/i);
    }

    const me = (await staff('GET', '/v1/me')).body.user as { id: string; name: string };
    const assigned = await staff('POST', `/v1/tickets/${ticketId}/assign`, { assignee: me.id });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({
      id: ticketId,
      assignee: me.id,
      assigneeName: me.name,
      clock: { live: true },
    });
    const cancelled = await testApi(changeRequesterKey)('POST', `/v1/change-requests/${changeRequestId}/cancel`, {
      reason: 'دیگر لازم نیست',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: changeRequestId, status: 'cancelled' });
    const rejected = await staff('POST', `/v1/claims/${claimId}/reject`, {
      reason: 'قطعی در پنجره نگهداری اعلام‌شده بود',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id: claimId, status: 'rejected' });

    // Each workflow recorded its opening under the recovery actor, then the command under its caller.
    const ticketEvents = await db.ticketEvent.findMany({ where: { ticketId }, orderBy: { sequence: 'asc' } });
    expect(ticketEvents[0]).toMatchObject({ type: 'opened', actor: RECOVERY_ACTOR });
    expect(ticketEvents.at(-1)!.actor).toMatch(/^admin:/);
    const changeEvents = await db.changeRequestEvent.findMany({
      where: { changeRequestId },
      orderBy: { sequence: 'asc' },
    });
    expect(changeEvents.map((e) => [e.type, e.actor.startsWith('customer:') ? 'customer' : e.actor])).toEqual([
      ['opened', RECOVERY_ACTOR],
      ['cancelled', 'customer'],
    ]);
    const claimEvents = await db.claimEvent.findMany({ where: { claimId }, orderBy: { sequence: 'asc' } });
    expect(claimEvents[0]).toMatchObject({ type: 'received', actor: RECOVERY_ACTOR });
    expect(claimEvents.some((e) => e.type === 'rejected' && e.actor.startsWith('admin:'))).toBe(true);

    // A request whose workflow did run and has ended stays refused: nothing starts it again.
    const again = await testApi(changeRequesterKey)('POST', `/v1/change-requests/${changeRequestId}/cancel`, {
      reason: 'دوباره',
    });
    expect(again.status).toBe(409);
  });
});

describe('intake and reads while Temporal is down', () => {
  it('answers intake 503 with Retry-After within the start deadline, keeps the row, and the retry with the same key starts it; reads answer the recorded clock', async () => {
    const owj = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const customer = testApi(owj.key);
    const earlier = await customer('POST', '/v1/tickets', {
      productId: owj.product.id,
      priority: 'high',
      subject: 'پنل کند است',
      description: 'از صبح پنل کند است',
    });
    expect(earlier.status).toBe(201);
    await waitFor(
      () => testDatabase().ticket.findUniqueOrThrow({ where: { id: earlier.body.id } }),
      (row) => row.clock !== null,
    );

    // The same API, its Temporal address pointing at a port nothing listens on.
    const deadTemporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const server = createApp(integrationDeps(deadTemporal)).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const cut = apiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, owj.key);

      const read = await cut('GET', `/v1/tickets/${earlier.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.clock.live).toBe(false);
      expect(read.body.clock.targets.map((t: { dueAt: string }) => t.dueAt)).toEqual(
        earlier.body.clock.targets.map((t: { dueAt: string }) => t.dueAt),
      );

      const idempotencyKey = `down-${randomUUID()}`;
      const body = {
        productId: owj.product.id,
        priority: 'critical',
        subject: 'سامانه قطع است',
        description: 'هیچ صفحه‌ای باز نمی‌شود',
      };
      const startedAt = Date.now();
      const refused = await cut('POST', '/v1/tickets', body, { 'idempotency-key': idempotencyKey });
      const waitedMs = Date.now() - startedAt;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      // The start deadline (plus at most one retry backoff), not gRPC's own retries (about 35 s), bounds the wait.
      expect(waitedMs).toBeLessThan(START_DEADLINE_MS + GRPC_MAX_BACKOFF_MS + 1_000);
      const stored = await testDatabase().ticket.findFirstOrThrow({
        where: { customerId: owj.customer.id, idempotencyKey },
      });

      // The client retries against the service once Temporal is back: same ticket, workflow started.
      const retried = await customer('POST', '/v1/tickets', body, { 'idempotency-key': idempotencyKey });
      expect(retried.status).toBe(200);
      expect(retried.body.id).toBe(stored.id);
      expect((await temporal.workflow.getHandle(stored.workflowId).describe()).status.name).toBe('RUNNING');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await deadTemporal.connection.close();
    }
  });
});
