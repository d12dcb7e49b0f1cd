/**
 * Hours worked under an hourly package (rule 11) through HTTP: recorded by agents on a ticket,
 * billed at least 30 minutes a ticket, refused beyond the month's 20% cap, and the balance read
 * by staff and by the customer (not by another customer).
 */
import { randomUUID } from 'node:crypto';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';

const db = testDatabase();
afterAll(closeTestDatabase);

async function ticketOn(contract: { id: string; customerId: string; productId: string }) {
  const id = randomUUID();
  return db.ticket.create({
    data: {
      id,
      customerId: contract.customerId,
      productId: contract.productId,
      contractId: contract.id,
      policyKey: 'kian-project-gold',
      priority: 'high',
      subject: 'Report export',
      description: 'Arranged by the hours tests',
      channel: 'portal',
      status: 'in_progress',
      openedAt: new Date(),
      workflowId: `ticket-${id}`,
    },
  });
}

describe('hours worked on an hourly package', () => {
  it('bills a ticket at least 30 minutes, refuses the month beyond 20% of the purchased hours, and shows the balance', async () => {
    const { key, contract } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-gold',
    });
    const admin = testApi();
    const agent = testApi(await createKey('agent'));
    const customer = testApi(key);
    // 10 hours bought a minute ago: the month's cap is 20% of them, 120 minutes.
    const bought = await admin('POST', `/v1/contracts/${contract.id}/entitlements`, {
      kind: 'hourly_package',
      quantity: 10,
      purchasedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(bought.status).toBe(201);
    const first = await ticketOn(contract);
    const second = await ticketOn(contract);

    const small = await agent('POST', `/v1/tickets/${first.id}/time`, { minutes: 10, note: 'looked at the logs' });
    expect(small.status).toBe(201);
    expect(small.body).toMatchObject({
      recordedMinutes: 10,
      ticketWorkedMinutes: 10,
      ticketBilledMinutes: 30,
      balance: { billedThisMonthMinutes: 30, monthlyCapMinutes: 120 },
    });
    const more = await agent('POST', `/v1/tickets/${first.id}/time`, { minutes: 40 });
    expect(more.body).toMatchObject({
      ticketWorkedMinutes: 50,
      ticketBilledMinutes: 50,
      balance: { billedThisMonthMinutes: 50 },
    });

    const beyond = await agent('POST', `/v1/tickets/${second.id}/time`, { minutes: 71 });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ reason: 'monthly_hours_cap', invalidFields: [{ field: 'body.minutes' }] });
    expect(beyond.body.detail).toContain('beyond the cap of 120 minutes');
    expect((await agent('POST', `/v1/tickets/${second.id}/time`, { minutes: 70 })).status).toBe(201);

    const hours = await customer('GET', `/v1/contracts/${contract.id}/hours`);
    expect(hours.status).toBe(200);
    expect(hours.body.balance).toMatchObject({
      billedThisMonthMinutes: 120,
      monthlyCapMinutes: 120,
      availableMinutes: 600 - 120,
    });
    expect(hours.body.records.map((r: { minutes: number; ticketId: string }) => [r.minutes, r.ticketId])).toEqual([
      [10, first.id],
      [40, first.id],
      [70, second.id],
    ]);
    expect(hours.body.packages).toEqual([expect.objectContaining({ hours: 10, carriesOver: expect.any(Boolean) })]);

    const stranger = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    expect((await testApi(stranger.key)('GET', `/v1/contracts/${contract.id}/hours`)).status).toBe(404);
    expect((await customer('POST', `/v1/tickets/${first.id}/time`, { minutes: 5 })).status).toBe(403);
    const bad = await agent('POST', `/v1/tickets/${first.id}/time`, { minutes: 0 });
    expect(bad.body.invalidFields[0].field).toBe('body.minutes');
  });

  it('refuses hours on a contract without an hourly package', async () => {
    const { contract } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-gold',
    });
    const ticket = await ticketOn(contract);
    const res = await testApi(await createKey('agent'))('POST', `/v1/tickets/${ticket.id}/time`, { minutes: 30 });
    expect(res).toMatchObject({ status: 422, body: { reason: 'no_hourly_package' } });
  });

  it('records the hours worked with the resolution: checked before the ticket resolves, recorded once on a retry', async () => {
    const { key, contract, product } = await createCustomerWithContract({
      productKey: 'kian-crm-project',
      planKey: 'kian-project-gold',
    });
    const admin = testApi();
    const agent = testApi(await createKey('agent'));
    const customer = testApi(key);
    await admin('POST', `/v1/contracts/${contract.id}/entitlements`, {
      kind: 'hourly_package',
      quantity: 10,
      purchasedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const opened = await customer('POST', '/v1/tickets', {
      productId: product.id,
      priority: 'high',
      subject: 'Export fails',
      description: 'The monthly export stops halfway',
      channel: 'portal',
    });
    expect(opened.status).toBe(201);
    const ticketId = opened.body.id as string;

    // Beyond the month's cap (120 minutes of 10 hours): refused naming the field, and the ticket stays open.
    const tooMuch = await agent('POST', `/v1/tickets/${ticketId}/resolve`, {
      note: 'fixed the export',
      minutesWorked: 121,
    });
    expect(tooMuch).toMatchObject({
      status: 422,
      body: { reason: 'monthly_hours_cap', invalidFields: [{ field: 'body.minutesWorked' }] },
    });
    expect((await agent('GET', `/v1/tickets/${ticketId}`)).body.status).toBe('new');

    const headers = { 'Idempotency-Key': `resolve-${randomUUID()}` };
    const resolved = await agent(
      'POST',
      `/v1/tickets/${ticketId}/resolve`,
      { note: 'fixed the export', minutesWorked: 20 },
      headers,
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    const retried = await agent(
      'POST',
      `/v1/tickets/${ticketId}/resolve`,
      { note: 'fixed the export', minutesWorked: 20 },
      headers,
    );
    expect(retried.status).toBe(200);

    const hours = await customer('GET', `/v1/contracts/${contract.id}/hours`);
    expect(hours.body.records.map((r: { minutes: number; ticketId: string }) => [r.minutes, r.ticketId])).toEqual([
      [20, ticketId],
    ]);
    // Billed at least 30 minutes for the ticket.
    expect(hours.body.balance).toMatchObject({ billedThisMonthMinutes: 30, availableMinutes: 600 - 30 });
    expect(
      (await agent('POST', `/v1/tickets/${ticketId}/resolve`, { note: 'x', minutesWorked: 0 })).body.invalidFields[0]
        .field,
    ).toBe('body.minutesWorked');
  });
});
