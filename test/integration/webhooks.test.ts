/**
 * Webhooks end to end on the running service (real PostgreSQL, Temporal, worker and its webhook
 * relay), with real HTTP receivers on loopback (the stack allows 127.0.0.1 as an administrator
 * would). Every event type arrives, signed so that the Standard Webhooks reference library
 * verifies it; a customer's subscription gets only its own account's events; a receiver that
 * refuses for a while gets everything afterwards, in order per object.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Prisma, Product } from '../../generated/prisma/client';
import { WEBHOOK_EVENT_TYPES } from '../../activities/webhooks/event-types';
import { ticketPolicyPresets } from '../../sla/presets';
import type { TicketPolicy } from '../../sla/policy';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait';

jest.setTimeout(240_000);

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const INTERNAL = ['ticket.warning', 'ticket.breached', 'ticket.escalated'];
const CUSTOMER_TYPES = WEBHOOK_EVENT_TYPES.filter((t) => !INTERNAL.includes(t));

const receivers: WebhookReceiver[] = [];
const receiver = async (mode?: Parameters<typeof startWebhookReceiver>[0]) => {
  const started = await startWebhookReceiver(mode);
  receivers.push(started);
  return started;
};

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await closeTestDatabase();
});

/** A product of our own, and a ticket plan whose first response is due in a minute, warned at half, escalated at 150%. */
async function arrangeWorld() {
  const db = testDatabase();
  const owj = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const product: Product = await db.product.create({
    data: {
      key: `webhooks-${randomUUID().slice(0, 8)}`,
      vendorId: owj.vendorId,
      departmentId: owj.departmentId,
      name: 'Webhooks test',
      nameFa: 'سرویس آزمایشی وب‌هوک',
      creditTable: 'avanak',
    },
  });
  const key = `webhooks-${randomUUID().slice(0, 8)}`;
  const action = { channel: 'in_app', recipients: ['department_manager'] };
  const entry = {
    firstResponse: { unit: 'business_minutes', amount: 1, calendar: 'always-open' },
    resolution: { unit: 'none', calendar: 'always-open' },
    breachAction: action,
  };
  const policy = {
    ...ticketPolicyPresets['owj-agile'],
    key,
    name: key,
    warningAtPercent: [50],
    escalations: [{ atPercent: 150, action }],
    priorities: { critical: entry, high: entry, medium: entry, low: entry },
  } as unknown as TicketPolicy;
  const policyRow = await db.policy.create({
    data: { key, kind: 'ticket', name: key, definition: policy as unknown as Prisma.InputJsonValue },
  });
  // The plan takes compensation claims on Avanak's terms.
  const claimTerms = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'claim', key: 'avanak' } } });
  await db.policy.create({
    data: { key, kind: 'claim', name: key, definition: claimTerms.definition as Prisma.InputJsonValue },
  });
  const contractOn = (customerId: string) =>
    db.contract.create({
      data: {
        customerId,
        productId: product.id,
        policyId: policyRow.id,
        plan: key,
        paid: true,
        priceRials: 1_000_000_000n,
        startsAt: new Date(Date.now() - 365 * 24 * HOUR),
        endsAt: new Date(Date.now() + 365 * 24 * HOUR),
      },
    });
  // Kian's project plan takes change requests.
  const one = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
  const other = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
  await contractOn(one.customer.id);
  return { product, one, other, kian: one.product };
}

function verified(secret: string, request: ReceivedWebhook): boolean {
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

const typesOf = (requests: ReceivedWebhook[]) => [...new Set(requests.map((r) => r.json.type))].sort();

describe('subscriptions', () => {
  it('shows the secret once, refuses bad destinations and event types naming the field, and keeps customers to their own account', async () => {
    const { product, one, other } = await arrangeWorld();
    const asOne = testApi(one.key);
    const asOther = testApi(other.key);
    const made = await asOne('POST', '/v1/webhooks', {
      url: 'https://hooks.pasban.invalid/pasban',
      eventTypes: ['ticket.opened'],
      productIds: [product.id],
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      customerId: one.customer.id,
      status: 'active',
      eventTypes: ['ticket.opened'],
      secret: expect.stringMatching(/^whsec_/),
    });
    const read = await asOne('GET', `/v1/webhooks/${made.body.id}`);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(made.body.secret);

    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await asOne('POST', '/v1/webhooks', {
        url: 'https://hooks.pasban.invalid/x',
        eventTypes: ['ticket.opened'],
        ...body,
      });
      expect({ status: res.status, fields: res.body.invalidFields?.map((f: { field: string }) => f.field) }).toEqual({
        status: 400,
        fields: [field],
      });
    };
    await refused({ url: 'http://10.1.2.3/hook' }, 'body.url');
    await refused({ url: 'http://169.254.169.254/latest/meta-data' }, 'body.url');
    await refused({ url: 'http://localhost:8080/hook' }, 'body.url');
    await refused({ url: 'https://user:pass@hooks.example.com/' }, 'body.url');
    await refused({ url: 'ftp://hooks.example.com/' }, 'body.url');
    await refused({ eventTypes: ['ticket.opened', 'ticket.breached'] }, 'body.eventTypes.1');
    await refused({ eventTypes: ['ticket.exploded'] }, 'body.eventTypes.0');
    // Another account's product cannot be named, nor another account's subscription seen or changed.
    const foreign = await asOther('POST', '/v1/webhooks', {
      url: 'https://hooks.pasban.invalid/x',
      eventTypes: ['ticket.opened'],
      productIds: [product.id],
    });
    expect({ status: foreign.status, field: foreign.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.productIds.0',
    });
    expect((await asOther('GET', `/v1/webhooks/${made.body.id}`)).status).toBe(404);
    expect((await asOther('DELETE', `/v1/webhooks/${made.body.id}`)).status).toBe(404);
    expect((await asOther('GET', '/v1/webhooks')).body.items.map((s: { id: string }) => s.id)).not.toContain(
      made.body.id,
    );
    expect((await asOne('GET', '/v1/webhooks')).body.items.map((s: { id: string }) => s.id)).toContain(made.body.id);
    // Agents and QA do not subscribe.
    expect((await testApi(await createKey('agent'))('GET', '/v1/webhooks')).status).toBe(403);
    expect((await asOne('DELETE', `/v1/webhooks/${made.body.id}`)).status).toBe(204);
  });
});

describe("a manager's subscriptions", () => {
  it("are bound to the manager's own vendor: another vendor's products, subscriptions and events stay out of reach", async () => {
    const { product, one, kian } = await arrangeWorld();
    const admin = testApi(await createKey('admin'));
    const managerOf = async (vendorId: string) => {
      const user = await admin('POST', '/v1/users', {
        name: `manager ${vendorId.slice(0, 8)}`,
        role: 'manager',
        vendorId,
      });
      expect(user.status).toBe(201);
      return testApi((await admin('POST', '/v1/api-keys', { name: 'manager key', userId: user.body.id })).body.key);
    };
    const [owjManager, kianManager] = [await managerOf(product.vendorId), await managerOf(kian.vendorId)];
    const [owjHooks, kianHooks] = [await receiver(), await receiver()];

    const owjSub = await owjManager('POST', '/v1/webhooks', { url: owjHooks.url, eventTypes: ['ticket.opened'] });
    const kianSub = await kianManager('POST', '/v1/webhooks', { url: kianHooks.url, eventTypes: ['ticket.opened'] });
    expect([owjSub.status, owjSub.body.vendorId, kianSub.status, kianSub.body.vendorId]).toEqual([
      201,
      product.vendorId,
      201,
      kian.vendorId,
    ]);
    // Neither another vendor nor its products can be named; another vendor's subscription is not found.
    const refused = async (body: Record<string, unknown>, field: string) => {
      const res = await kianManager('POST', '/v1/webhooks', {
        url: kianHooks.url,
        eventTypes: ['ticket.opened'],
        ...body,
      });
      expect({ status: res.status, fields: res.body.invalidFields?.map((f: { field: string }) => f.field) }).toEqual({
        status: 400,
        fields: [field],
      });
    };
    await refused({ vendorId: product.vendorId }, 'body.vendorId');
    await refused({ productIds: [product.id] }, 'body.productIds.0');
    expect((await kianManager('GET', `/v1/webhooks/${owjSub.body.id}`)).status).toBe(404);
    expect((await kianManager('GET', '/v1/webhooks')).body.items.map((s: { id: string }) => s.id)).not.toContain(
      owjSub.body.id,
    );
    // An admin still sees both.
    const all = (await admin('GET', '/v1/webhooks')).body.items.map((s: { id: string }) => s.id);
    expect(all).toEqual(expect.arrayContaining([owjSub.body.id, kianSub.body.id]));

    // A ticket on each vendor's product: each manager hears only their own.
    const owjTicket = await testApi(one.key)('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'low',
      subject: 'اوج',
      description: 'تیکت محصول اوج',
    });
    const kianTicket = await testApi(one.key)('POST', '/v1/tickets', {
      productId: kian.id,
      priority: 'low',
      subject: 'کیان',
      description: 'تیکت محصول کیان',
    });
    expect([owjTicket.status, kianTicket.status]).toEqual([201, 201]);
    const heard = (hooks: WebhookReceiver) =>
      hooks
        .accepted()
        .map((r) => r.json.data.ticketId)
        .filter((id) => id === owjTicket.body.id || id === kianTicket.body.id);
    await waitFor(
      async () => heard(owjHooks).length > 0 && heard(kianHooks).length > 0,
      (both) => both,
      60_000,
    );
    // The relay delivers in order per object; give a stray delivery a moment to show itself.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(heard(owjHooks)).toEqual([owjTicket.body.id]);
    expect(heard(kianHooks)).toEqual([kianTicket.body.id]);
  });
});

describe('delivery', () => {
  it('delivers every event type, signed and verifiable, in order per object; a customer hears only its own account', async () => {
    const { product, one, other, kian } = await arrangeWorld();
    const [staffHooks, oneHooks, otherHooks] = [await receiver(), await receiver(), await receiver()];
    const manager = testApi(await createKey('manager'));
    const staff = await manager('POST', '/v1/webhooks', {
      url: staffHooks.url,
      eventTypes: WEBHOOK_EVENT_TYPES,
      productIds: [product.id, kian.id],
    });
    const asOne = testApi(one.key);
    const asOther = testApi(other.key);
    const mine = await asOne('POST', '/v1/webhooks', { url: oneHooks.url, eventTypes: CUSTOMER_TYPES });
    const theirs = await asOther('POST', '/v1/webhooks', { url: otherHooks.url, eventTypes: CUSTOMER_TYPES });
    expect([staff.status, mine.status, theirs.status]).toEqual([201, 201, 201]);

    const agent = testApi(await createKey('agent'));
    const qa = testApi(await createKey('qa'));
    const ok = (res: { status: number; body: unknown }, status = 200) => {
      if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body as { id: string };
    };
    // A ticket left alone: its first response is warned at 30 s, breached at 60 s, escalated at 90 s.
    const alarmed = ok(
      await asOne('POST', '/v1/tickets', {
        productId: product.id,
        priority: 'critical',
        subject: 'هشدار',
        description: 'تیکتی که پاسخ نمی‌گیرد',
      }),
      201,
    );
    // A ticket through its whole life.
    const lived = ok(
      await asOne('POST', '/v1/tickets', {
        productId: product.id,
        priority: 'high',
        subject: 'چرخه',
        description: 'تیکتی که بسته می‌شود',
      }),
      201,
    );
    ok(await agent('POST', `/v1/tickets/${lived.id}/replies`, { body: 'در حال بررسی هستیم' }));
    ok(await agent('POST', `/v1/tickets/${lived.id}/status`, { status: 'waiting_on_customer' }));
    ok(await agent('POST', `/v1/tickets/${lived.id}/priority`, { priority: 'critical', reason: 'فوری شد' }));
    ok(await asOne('POST', `/v1/tickets/${lived.id}/replies`, { body: 'اطلاعات را فرستادم' }));
    ok(await agent('POST', `/v1/tickets/${lived.id}/resolve`, { note: 'حل شد' }));
    ok(await agent('POST', `/v1/tickets/${lived.id}/close`, { reason: 'تأیید مشتری' }));
    // Outages: one recorded and corrected, one recorded open and closed; a maintenance window.
    const past = ok(
      await agent('POST', '/v1/outages', {
        productId: product.id,
        startedAt: iso(Date.now() - 5 * HOUR),
        endedAt: iso(Date.now() - 4 * HOUR),
        cause: 'unplanned',
        description: 'قطعی پنل',
      }),
      201,
    );
    ok(
      await agent('POST', `/v1/outages/${past.id}/corrections`, {
        reason: 'زمان دقیق',
        startedAt: iso(Date.now() - 5.5 * HOUR),
      }),
      201,
    );
    const open = ok(
      await agent('POST', '/v1/outages', {
        productId: product.id,
        startedAt: iso(Date.now() - HOUR),
        cause: 'unplanned',
        description: 'قطعی دوم',
      }),
      201,
    );
    ok(await agent('POST', `/v1/outages/${open.id}/close`, {}));
    const maintenance = ok(
      await agent('POST', `/v1/products/${product.id}/maintenance-windows`, {
        startsAt: iso(Date.now() + 72 * HOUR),
        endsAt: iso(Date.now() + 73 * HOUR),
        description: 'به‌روزرسانی',
      }),
      201,
    );
    // A claim on the past outage, decided by QA; a change request.
    const claim = ok(await asOne('POST', '/v1/claims', { productId: product.id, outageIds: [past.id] }), 201);
    await waitFor(
      async () => (await testDatabase().claim.findUniqueOrThrow({ where: { id: claim.id } })).acknowledgedAt,
      (at) => at !== null,
      60_000,
    );
    ok(await qa('POST', `/v1/claims/${claim.id}/reject`, { reason: 'کمتر از آستانه' }));
    const request = ok(
      await asOne('POST', '/v1/change-requests', {
        productId: kian.id,
        title: 'گزارش تازه',
        description: 'گزارش فروش به تفکیک استان',
      }),
      201,
    );

    const objects = new Set([alarmed.id, lived.id, past.id, open.id, maintenance.id, claim.id, request.id]);
    const ours = (r: ReceivedWebhook) =>
      Object.values(r.json.data).some((v) => typeof v === 'string' && objects.has(v));
    await waitFor(
      async () => typesOf(staffHooks.accepted().filter(ours)),
      (types) => types.length === WEBHOOK_EVENT_TYPES.length,
      180_000,
    );
    await waitFor(
      async () => typesOf(oneHooks.accepted().filter(ours)),
      (types) => types.length === CUSTOMER_TYPES.length,
      60_000,
    );
    expect(typesOf(staffHooks.accepted().filter(ours))).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(typesOf(oneHooks.accepted().filter(ours))).toEqual([...CUSTOMER_TYPES].sort());

    // Signed with each subscription's secret, verified by the reference library; never with another's.
    expect(staffHooks.received.filter((r) => !verified(staff.body.secret, r))).toEqual([]);
    expect(oneHooks.received.filter((r) => !verified(mine.body.secret, r))).toEqual([]);
    expect(oneHooks.received.filter((r) => verified(staff.body.secret, r))).toEqual([]);
    // webhook-id is the event's id, the same in every subscription's copy.
    const eventIds = new Set(
      (
        await testDatabase().webhookEvent.findMany({ where: { objectId: { in: [...objects] } }, select: { id: true } })
      ).map((e) => e.id),
    );
    expect(staffHooks.received.filter(ours).every((r) => eventIds.has(r.id))).toBe(true);
    // In order per object: each ticket's timeline sequence only grows.
    for (const ticketId of [alarmed.id, lived.id]) {
      const sequences = staffHooks
        .accepted()
        .filter((r) => r.json.data.ticketId === ticketId)
        .map((r) => r.json.data.sequence as number);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    }
    // The customer's copy has no alarms, no key ids, and nothing of the other account (which got none of this).
    expect(oneHooks.received.filter((r) => INTERNAL.includes(r.json.type))).toEqual([]);
    expect(oneHooks.received.map((r) => r.body).join('\n')).not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:/,
    );
    expect(otherHooks.received.filter(ours)).toEqual([]);
    expect(otherHooks.received.map((r) => r.body).join('\n')).not.toContain(one.customer.id);

    // The delivery log shows each try with its status code and the body sent.
    const log = await manager('GET', `/v1/webhooks/${staff.body.id}/deliveries?limit=100`);
    expect(log.status).toBe(200);
    const delivered = log.body.items.find((d: { eventType: string }) => d.eventType === 'ticket.opened');
    expect(delivered).toMatchObject({
      status: 'delivered',
      attemptCount: 1,
      lastStatusCode: 204,
      attempts: [{ ok: true, statusCode: 204, durationMs: expect.any(Number) }],
    });
    expect(staffHooks.received.some((r) => r.body === delivered.body && r.id === delivered.eventId)).toBe(true);
  });

  it('keeps delivering to a receiver that refused for a while: everything arrives afterwards, in order per ticket', async () => {
    const { product, one } = await arrangeWorld();
    const hooks = await receiver('refuse');
    const manager = testApi(await createKey('manager'));
    const sub = await manager('POST', '/v1/webhooks', {
      url: hooks.url,
      eventTypes: ['ticket.opened', 'ticket.replied', 'ticket.status_changed', 'ticket.resolved', 'ticket.closed'],
      productIds: [product.id],
    });
    expect(sub.status).toBe(201);
    const asOne = testApi(one.key);
    const agent = testApi(await createKey('agent'));
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await asOne('POST', '/v1/tickets', {
        productId: product.id,
        priority: 'low',
        subject: `تیکت ${i}`,
        description: 'در زمان قطعی گیرنده',
      });
      expect(t.status).toBe(201);
      tickets.push(t.body.id);
      for (let n = 0; n < 3; n++)
        expect((await agent('POST', `/v1/tickets/${t.body.id}/replies`, { body: `پاسخ ${n}` })).status).toBe(200);
      expect((await agent('POST', `/v1/tickets/${t.body.id}/resolve`, { note: 'حل شد' })).status).toBe(200);
    }
    await waitFor(
      async () => hooks.received.length,
      (n) => n >= 3,
      30_000,
    );
    hooks.setMode('accept');
    const expected = tickets.length * 5;
    await waitFor(
      async () => new Set(hooks.accepted().map((r) => r.id)).size,
      (n) => n >= expected,
      90_000,
    );
    // The receiver's 2xx reaches the test before the relay records the delivery, so wait for the ledger too.
    const pending = await waitFor(
      async () =>
        testDatabase().webhookDelivery.count({ where: { subscriptionId: sub.body.id, status: { not: 'delivered' } } }),
      (n) => n === 0,
      30_000,
    );
    expect(pending).toBe(0);
    for (const ticketId of tickets) {
      const accepted = hooks.accepted().filter((r) => r.json.data.ticketId === ticketId);
      const sequences = accepted.map((r) => r.json.data.sequence as number);
      expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
      expect(new Set(sequences).size).toBe(5);
    }
    // A retry carries the same webhook-id as the refused try.
    const refused = hooks.received.filter((r) => r.answered === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => hooks.accepted().some((a) => a.id === r.id))).toBe(true);
  });
});
