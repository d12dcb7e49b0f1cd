/**
 * Webhooks, what a subscriber does with a subscription and what the relay does when things go
 * wrong, end to end on the integration stack (real PostgreSQL, Temporal, the worker's relay) with
 * real receivers on loopback: a test ping; a priority filter; pausing and resuming; redelivery of one event and of a
 * time range; secret rotation with and without an overlap; a day of refusals marks the
 * subscription failing and tells its owner; a relay process killed (SIGKILL) in the middle of a
 * request loses nothing, its event arriving again with the same webhook-id. And the sender itself:
 * redirects not followed, answers read only up to a bound, a receiver that never answers cut off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { PING_EVENT_TYPE } from '../../activities/webhooks/event-types';
import { createWebhookSender } from '../../activities/webhooks/sender';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const receivers: WebhookReceiver[] = [];
const children: ChildProcess[] = [];
const receiver = async (mode?: Parameters<typeof startWebhookReceiver>[0]) => {
  const started = await startWebhookReceiver(mode);
  receivers.push(started);
  return started;
};

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(receivers.map((r) => r.close()));
  await closeTestDatabase();
});

function verifies(secret: string, request: ReceivedWebhook): boolean {
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': request.id,
      'webhook-timestamp': request.timestamp,
      'webhook-signature': request.signature,
    });
    return true;
  } catch {
    return false;
  }
}

/** A customer with a contract, a customer key, an agent key, and a subscription of the customer's to ticket events at `url`. */
async function customerSubscribed(url: string) {
  const one = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
  const asOne = testApi(one.key);
  const sub = await asOne('POST', '/v1/webhooks', { url, eventTypes: ['ticket.opened', 'ticket.replied'] });
  expect(sub.status).toBe(201);
  const agent = testApi(await createKey('agent'));
  /** A ticket and `replies` replies to it: 1 + replies events, in this order. */
  const ticketWith = async (replies: number): Promise<string> => {
    const ticket = await asOne('POST', '/v1/tickets', {
      productId: one.product.id,
      priority: 'low',
      subject: 'وب‌هوک',
      description: 'رویدادهای یک تیکت',
    });
    expect(ticket.status).toBe(201);
    for (let n = 0; n < replies; n++)
      expect((await agent('POST', `/v1/tickets/${ticket.body.id}/replies`, { body: `پاسخ ${n}` })).status).toBe(200);
    return ticket.body.id as string;
  };
  return { one, asOne, sub: sub.body as { id: string; secret: string }, ticketWith };
}

const ofTicket = (requests: ReceivedWebhook[], ticketId: string) =>
  requests.filter((r) => r.json.data.ticketId === ticketId);
const sequences = (requests: ReceivedWebhook[]) => requests.map((r) => r.json.data.sequence as number);
const distinctIds = (requests: ReceivedWebhook[]) => new Set(requests.map((r) => r.id)).size;

describe('a subscriber', () => {
  it('pings, pauses and resumes (what waited arrives in order), and redelivers one event and a time range with the same webhook-ids', async () => {
    const hooks = await receiver();
    const { asOne, sub, ticketWith } = await customerSubscribed(hooks.url);

    const ping = await asOne('POST', `/v1/webhooks/${sub.id}/ping`);
    expect(ping.status).toBe(202);
    const [pinged] = await waitFor(
      async () => hooks.accepted().filter((r) => r.id === ping.body.eventId),
      (found) => found.length > 0,
      30_000,
    );
    expect(pinged!.json).toMatchObject({ type: PING_EVENT_TYPE, data: { subscriptionId: sub.id } });
    expect(verifies(sub.secret, pinged!)).toBe(true);

    // Paused: events are queued, nothing is sent.
    expect((await asOne('POST', `/v1/webhooks/${sub.id}/pause`)).body.status).toBe('paused');
    const ticketId = await ticketWith(2);
    await sleep(3_000);
    expect(ofTicket(hooks.received, ticketId)).toEqual([]);
    const waiting = await asOne('GET', `/v1/webhooks/${sub.id}/deliveries?status=pending`);
    expect(waiting.body.items.filter((d: { objectId: string }) => d.objectId === ticketId)).toHaveLength(3);
    // Resumed: all three, in the ticket's order.
    expect((await asOne('POST', `/v1/webhooks/${sub.id}/resume`)).body.status).toBe('active');
    const arrived = await waitFor(
      async () => ofTicket(hooks.accepted(), ticketId),
      (found) => found.length >= 3,
      30_000,
    );
    expect(arrived.map((r) => r.json.type)).toEqual(['ticket.opened', 'ticket.replied', 'ticket.replied']);
    expect(sequences(arrived)).toEqual([...sequences(arrived)].sort((a, b) => a - b));

    // Redelivery of one event: the same webhook-id and body again.
    const first = arrived[0]!;
    const one = await asOne('POST', `/v1/webhooks/${sub.id}/redeliver`, { eventId: first.id });
    expect({ status: one.status, body: one.body }).toEqual({ status: 202, body: { requeued: 1 } });
    await waitFor(
      async () => hooks.accepted().filter((r) => r.id === first.id).length,
      (n) => n === 2,
      30_000,
    );
    expect(
      new Set(
        hooks
          .accepted()
          .filter((r) => r.id === first.id)
          .map((r) => r.body),
      ).size,
    ).toBe(1);
    // Redelivery of a time range: every event in it (the ticket's three), once more each.
    const from = new Date(Date.parse(first.json.timestamp) - 1_000).toISOString();
    const to = new Date(Date.parse(arrived[2]!.json.timestamp) + 1_000).toISOString();
    const range = await asOne('POST', `/v1/webhooks/${sub.id}/redeliver`, { from, to });
    expect(range.status).toBe(202);
    expect(range.body.requeued).toBeGreaterThanOrEqual(3);
    const again = await waitFor(
      async () => ofTicket(hooks.accepted(), ticketId),
      (found) => found.length >= 7,
      30_000,
    );
    for (const request of arrived) expect(again.filter((r) => r.id === request.id).length).toBeGreaterThanOrEqual(2);
    expect(hooks.received.every((r) => verifies(sub.secret, r))).toBe(true);
  });

  it('rotates the secret: during the overlap each request verifies with the old and the new secret; with no overlap only with the new', async () => {
    const hooks = await receiver();
    const { asOne, sub } = await customerSubscribed(hooks.url);
    const pingOnce = async () => {
      const ping = await asOne('POST', `/v1/webhooks/${sub.id}/ping`);
      expect(ping.status).toBe(202);
      const [request] = await waitFor(
        async () => hooks.accepted().filter((r) => r.id === ping.body.eventId),
        (found) => found.length > 0,
        30_000,
      );
      return request!;
    };
    const rotated = await asOne('POST', `/v1/webhooks/${sub.id}/rotate-secret`, { overlapMinutes: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(rotated.body.previousSecretExpiresAt).toEqual(expect.any(String));
    const during = await pingOnce();
    expect([verifies(sub.secret, during), verifies(rotated.body.secret, during)]).toEqual([true, true]);

    const cut = await asOne('POST', `/v1/webhooks/${sub.id}/rotate-secret`, { overlapMinutes: 0 });
    expect(cut.status).toBe(200);
    expect(cut.body.previousSecretExpiresAt).toBeNull();
    const after = await pingOnce();
    expect([
      verifies(sub.secret, after),
      verifies(rotated.body.secret, after),
      verifies(cut.body.secret, after),
    ]).toEqual([false, false, true]);
  });
});

describe('a filter', () => {
  it("by priority sends only the matching tickets' events", async () => {
    const hooks = await receiver();
    const one = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    const asOne = testApi(one.key);
    const sub = await asOne('POST', '/v1/webhooks', {
      url: hooks.url,
      eventTypes: ['ticket.opened'],
      productIds: [one.product.id],
      priorities: ['critical'],
    });
    expect(sub.status).toBe(201);
    const open = async (priority: string) =>
      (
        await asOne('POST', '/v1/tickets', {
          productId: one.product.id,
          priority,
          subject: priority,
          description: 'فیلتر اولویت',
        })
      ).body.id as string;
    const [low, critical] = [await open('low'), await open('critical')];
    // The critical ticket was opened after the low one: once it has arrived, the low one would have too.
    await waitFor(
      async () => ofTicket(hooks.accepted(), critical).length,
      (n) => n === 1,
      30_000,
    );
    expect(ofTicket(hooks.received, low)).toEqual([]);
    const log = await asOne('GET', `/v1/webhooks/${sub.body.id}/deliveries`);
    expect(log.body.items.map((d: { objectId: string }) => d.objectId)).toEqual([critical]);
  });
});

describe('the relay', () => {
  it('after a day of refusals marks the subscription failing and tells its owner; resumed, it delivers what failed and what waited, in order', async () => {
    const hooks = await receiver('refuse');
    const { one, asOne, sub, ticketWith } = await customerSubscribed(hooks.url);
    const ticketId = await ticketWith(1);
    await waitFor(
      async () => ofTicket(hooks.received, ticketId).length,
      (n) => n >= 1,
      30_000,
    );
    // A day of tries, compressed: the first try is back-dated by 24 hours and the next one is due now.
    const db = testDatabase();
    // The receiver hears the first try before the relay records it: back-date once the try is on record.
    await waitFor(
      () => db.$executeRaw`UPDATE webhook_deliveries SET first_attempt_at = now() - interval '24 hours 1 minute', next_attempt_at = now()
                           WHERE subscription_id = ${sub.id}::uuid AND status = 'pending' AND attempt_count > 0`,
      (updated) => updated >= 1,
      30_000,
    );
    const failing = await waitFor(
      async () => (await asOne('GET', `/v1/webhooks/${sub.id}`)).body,
      (s) => s.status === 'failing',
      30_000,
    );
    expect(failing.failingSince).toEqual(expect.any(String));
    expect(failing.statusNote).toMatch(/gave up on event .* 503/);
    const log = await asOne('GET', `/v1/webhooks/${sub.id}/deliveries`);
    expect(log.body.items.map((d: { status: string }) => d.status).sort()).toEqual(['failed', 'pending']);
    // The owner (the customer's account) is told, in its in-app inbox.
    const notice = await db.notification.findFirst({ where: { subjectRef: `webhook:${sub.id}` } });
    expect(notice).toMatchObject({ channel: 'in_app', audience: 'customer', customerId: one.customer.id });
    expect(notice!.body).toContain(`/v1/webhooks/${sub.id}/resume`);

    // The receiver answers again, but a failing subscription gets nothing until it is resumed.
    hooks.setMode('accept');
    await sleep(2_000);
    expect(ofTicket(hooks.accepted(), ticketId)).toEqual([]);
    expect((await asOne('POST', `/v1/webhooks/${sub.id}/resume`)).body).toMatchObject({
      status: 'active',
      failingSince: null,
    });
    const arrived = await waitFor(
      async () => ofTicket(hooks.accepted(), ticketId),
      (found) => found.length >= 2,
      30_000,
    );
    expect(arrived.map((r) => r.json.type)).toEqual(['ticket.opened', 'ticket.replied']);
    expect(await db.webhookDelivery.count({ where: { subscriptionId: sub.id, status: { not: 'delivered' } } })).toBe(0);
  });

  it('killed (SIGKILL) with a request in flight loses nothing: the event arrives again from another relay with the same webhook-id and body, in order', async () => {
    const hooks = await receiver('hang');
    const { sub, ticketWith } = await customerSubscribed(hooks.url);
    // A second relay process, as a second worker would run it, polling more often than the stack's
    // worker so that it is the one holding requests; its lease is short so the test need not wait 30 s.
    // Run by node itself (not tsx's wrapper), so that the SIGKILL reaches the process doing the work.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'test', 'support', 'webhook-relay-process.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: process.env.PASBAN_TEST_DATABASE_URL,
          RELAY_NAME: 'doomed',
          RELAY_POLL_MS: '50',
          RELAY_LEASE_MS: '5000',
          WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('relay running') && resolve());
      child.once('exit', (code) => reject(new Error(`relay process exited with ${code}`)));
    });
    const tickets = [await ticketWith(2), await ticketWith(2)];
    const byDoomed = (r: ReceivedWebhook) => r.headers['x-pasban-test-relay'] === 'doomed';
    const inFlight = await waitFor(
      async () => hooks.received.filter(byDoomed),
      (held) => held.length > 0,
      60_000,
    );
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(null),
    );
    const killedIds = inFlight.map((r) => r.id);
    // The receiver sees the dead relay's connections close, unanswered.
    await waitFor(
      async () => inFlight.every((r) => r.abandoned === true),
      (done) => done,
      10_000,
    );
    expect(inFlight.every((r) => r.answered === null)).toBe(true);

    // The receiver answers again; the stack's relay takes over once the dead relay's lease runs out.
    hooks.setMode('accept');
    const expected = tickets.length * 3;
    await waitFor(
      async () => distinctIds(hooks.accepted().filter((r) => tickets.includes(r.json.data.ticketId as string))),
      (n) => n >= expected,
      60_000,
    );
    for (const held of inFlight) {
      // Sent again by the stack's relay (the held copy itself died with its sender).
      const later = hooks.accepted().filter((r) => r.id === held.id && !byDoomed(r));
      expect(later.length).toBeGreaterThan(0);
      expect(later.every((r) => r.body === held.body)).toBe(true);
    }
    expect(killedIds.length).toBeGreaterThan(0);
    for (const ticketId of tickets) {
      const accepted = ofTicket(hooks.accepted(), ticketId);
      expect(new Set(sequences(accepted)).size).toBe(3);
      expect(sequences(accepted)).toEqual([...sequences(accepted)].sort((a, b) => a - b));
    }
    expect(hooks.received.every((r) => verifies(sub.secret, r))).toBe(true);
    expect(
      await testDatabase().webhookDelivery.count({ where: { subscriptionId: sub.id, status: { not: 'delivered' } } }),
    ).toBe(0);
  });
});

describe('the sender', () => {
  /** A loopback server answering every request with `answer`. */
  async function server(answer: (res: http.ServerResponse) => void) {
    const s = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook`;
    return {
      url,
      close: () =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    };
  }
  const send = createWebhookSender({ allowHttp: true, allowedHosts: new Set(['127.0.0.1']) });
  const request = (url: string, timeoutMs = 5_000) =>
    send({ url, headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs, maxResponseBytes: 2_048 });

  it('does not follow redirects, reads the answer only up to its bound, and cuts off a receiver that never answers', async () => {
    const moved = await server((res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end(),
    );
    const chatty = await server((res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1_000_000)),
    );
    const silent = await server(() => undefined);
    try {
      expect(await request(moved.url)).toMatchObject({ ok: false, statusCode: 302 });
      const long = await request(chatty.url);
      expect(long).toMatchObject({ ok: true, statusCode: 200 });
      expect(long.responseBody!.length).toBeLessThanOrEqual(2_048);
      expect(await request(silent.url, 500)).toMatchObject({
        ok: false,
        statusCode: null,
        error: 'no answer within 500 ms',
      });
      // Loopback not allowed by the administrator: refused at connect time.
      const strict = createWebhookSender({ allowHttp: true, allowedHosts: new Set() });
      expect(
        await strict({ url: moved.url, headers: {}, body: '{}', timeoutMs: 2_000, maxResponseBytes: 2_048 }),
      ).toMatchObject({ ok: false, statusCode: null });
    } finally {
      await Promise.all([moved.close(), chatty.close(), silent.close()]);
    }
  });
});
