/**
 * Rule 15 through HTTP: staff record the use of what a plan grants (visits, reinstalls,
 * installations, training, on-site hours), it is counted down against the plan's balance for the
 * contract year, a use beyond what is left is refused with the balance in the reason, and two uses
 * racing for the last unit are never both recorded.
 */
import { randomUUID } from 'node:crypto';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';

const db = testDatabase();
afterAll(closeTestDatabase);

const DAY = 24 * 3600 * 1000;

describe('rule 15: entitlements are consumed', () => {
  it("counts Kian Gold's four on-site visits a year down and refuses a use beyond what is left, naming the field and the balance", async () => {
    const { key, contract } = await createCustomerWithContract({
      productKey: 'kian-crm',
      planKey: 'kian-product-gold',
      startsAt: new Date(Date.now() - 30 * DAY),
    });
    const agent = testApi(await createKey('agent'));
    const customer = testApi(key);
    const critical = await customer('POST', '/v1/tickets', {
      productId: contract.productId,
      priority: 'critical',
      subject: 'CRM down',
      description: 'Nobody can sign in',
      channel: 'portal',
    });
    expect(critical.status).toBe(201);
    await db.customer.update({ where: { id: contract.customerId }, data: { city: 'Tehran' } });

    const three = await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, {
      kind: 'on_site_visits',
      amount: 3,
      ticketId: critical.body.id,
      note: 'three visits to the Tehran office',
    });
    expect(three.status).toBe(201);
    expect(three.body).toMatchObject({
      contractId: contract.id,
      use: {
        kind: 'on_site_visits',
        amount: 3,
        unit: 'count',
        ticketId: critical.body.id,
        note: 'three visits to the Tehran office',
        recordedBy: { role: 'agent' },
      },
      balance: { kind: 'on_site_visits', per: 'contract_year', granted: 4, used: 3, remaining: 1 },
    });

    const beyond = await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, {
      kind: 'on_site_visits',
      amount: 2,
      ticketId: critical.body.id,
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ reason: 'allowance_exhausted', invalidFields: [{ field: 'body.amount' }] });
    expect(beyond.body.detail).toMatch(
      /^2 on-site visits asked, 1 left: the kian-product-gold plan grants 4 on-site visits in the contract year .* 3 used$/,
    );

    const balances = await customer('GET', `/v1/contracts/${contract.id}/allowances`);
    expect(balances.status).toBe(200);
    expect(balances.body.plan).toBe('kian-product-gold');
    expect(balances.body.balances).toEqual([
      expect.objectContaining({ kind: 'reinstalls', granted: 2, used: 0, remaining: 2 }),
      expect.objectContaining({ kind: 'on_site_visits', granted: 4, used: 3, remaining: 1 }),
    ]);
    expect(balances.body.uses.map((u: { kind: string; amount: number }) => [u.kind, u.amount])).toEqual([
      ['on_site_visits', 3],
    ]);
    // Per contract period: the next contract year starts with all four visits again.
    const nextYear = await customer(
      'GET',
      `/v1/contracts/${contract.id}/allowances?asOf=${new Date(Date.now() + 340 * DAY).toISOString()}`,
    );
    expect(nextYear.body.balances).toEqual([
      expect.objectContaining({ kind: 'reinstalls', used: 0, remaining: 2 }),
      expect.objectContaining({ kind: 'on_site_visits', used: 0, remaining: 4 }),
    ]);
    expect(nextYear.body.balances[1].periodStart).toBe(balances.body.balances[1].periodEnd);
    expect(
      (await customer('GET', `/v1/contracts/${contract.id}/allowances?asOf=yesterday`)).body.invalidFields[0].field,
    ).toBe('query.asOf');

    // A kind the plan does not grant, and input the API cannot take, each name their field.
    const notGranted = await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, {
      kind: 'periodic_visits',
      amount: 1,
    });
    expect(notGranted).toMatchObject({
      status: 422,
      body: { reason: 'not_in_plan', invalidFields: [{ field: 'body.kind' }] },
    });
    expect(notGranted.body.detail).toBe('the kian-product-gold plan grants no periodic visits');
    const zero = await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'reinstalls', amount: 0 });
    expect(zero).toMatchObject({ status: 400, body: { invalidFields: [{ field: 'body.amount' }] } });
    const tickets = await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'tickets', amount: 1 });
    expect(tickets).toMatchObject({ status: 400, body: { invalidFields: [{ field: 'body.kind' }] } });

    // Customers read their own balance but record nothing; another customer sees nothing.
    expect(
      (await customer('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'reinstalls', amount: 1 })).status,
    ).toBe(403);
    const stranger = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-gold' });
    expect((await testApi(stranger.key)('GET', `/v1/contracts/${contract.id}/allowances`)).status).toBe(404);

    // The recorded uses are the contract's history: it cannot be deleted under them.
    const deleted = await testApi()('DELETE', `/v1/contracts/${contract.id}`);
    expect(deleted).toMatchObject({
      status: 409,
      body: { detail: `contract ${contract.id} is still used by 1 tickets, 1 recorded uses of its allowances` },
    });
  });

  it("holds Kian's on-site visits to its terms: a critical or high ticket of this contract, a customer in Tehran", async () => {
    const {
      key,
      contract,
      customer: row,
    } = await createCustomerWithContract({
      productKey: 'kian-crm',
      planKey: 'kian-product-gold',
      startsAt: new Date(Date.now() - 30 * DAY),
    });
    const agent = testApi(await createKey('agent'));
    const admin = testApi();
    const customer = testApi(key);
    const open = async (priority: string) =>
      (
        await customer('POST', '/v1/tickets', {
          productId: contract.productId,
          priority,
          subject: `A ${priority} problem`,
          description: 'Details',
          channel: 'portal',
        })
      ).body.id as string;
    const [high, medium] = [await open('high'), await open('medium')];
    const visit = (body: object) =>
      agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'on_site_visits', amount: 1, ...body });

    // The customer's city is not on file yet: an admin has to set it first.
    const unknown = await visit({ ticketId: high });
    expect(unknown).toMatchObject({
      status: 422,
      body: { reason: 'location_unknown', invalidFields: [{ field: 'customer.city' }] },
    });
    expect((await admin('PATCH', `/v1/customers/${row.id}`, { city: 'Isfahan' })).body.city).toBe('Isfahan');
    const isfahan = await visit({ ticketId: high });
    expect(isfahan).toMatchObject({
      status: 422,
      body: { reason: 'outside_tehran', invalidFields: [{ field: 'customer.city' }] },
    });
    expect(isfahan.body.detail).toBe(
      'the kian-product-gold plan grants on-site visits only in Tehran; the customer is in Isfahan (on-site work elsewhere is arranged with sales)',
    );
    await admin('PATCH', `/v1/customers/${row.id}`, { city: 'تهران' });

    // Which ticket: one is needed, of this contract, and critical or high.
    expect(await visit({})).toMatchObject({
      status: 422,
      body: { reason: 'ticket_required', invalidFields: [{ field: 'body.ticketId' }] },
    });
    const other = await createCustomerWithContract({ productKey: 'kian-crm', planKey: 'kian-product-gold' });
    const othersTicket = (
      await testApi(other.key)('POST', '/v1/tickets', {
        productId: contract.productId,
        priority: 'critical',
        subject: 'Theirs',
        description: 'Details',
        channel: 'portal',
      })
    ).body.id;
    expect(await visit({ ticketId: othersTicket })).toMatchObject({
      status: 422,
      body: { reason: 'ticket_not_under_contract', invalidFields: [{ field: 'body.ticketId' }] },
    });
    const mediumVisit = await visit({ ticketId: medium });
    expect(mediumVisit).toMatchObject({
      status: 422,
      body: { reason: 'priority_not_covered', invalidFields: [{ field: 'body.ticketId' }] },
    });
    expect(mediumVisit.body.detail).toBe(
      `ticket ${medium} is medium: the kian-product-gold plan grants on-site visits only for critical or high tickets`,
    );
    expect(await visit({ ticketId: 'not-a-uuid' })).toMatchObject({
      status: 400,
      body: { invalidFields: [{ field: 'body.ticketId' }] },
    });

    const granted = await visit({ ticketId: high });
    expect(granted).toMatchObject({
      status: 201,
      body: { use: { ticketId: high }, balance: { used: 1, remaining: 3 } },
    });
    // Nothing refused was counted; a reinstall asks for neither ticket nor place.
    expect(await db.allowanceUse.count({ where: { contractId: contract.id } })).toBe(1);
    expect(
      (await agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'reinstalls', amount: 1 })).status,
    ).toBe(201);
  });

  it("counts extras an admin added into the balance, after the plan's grant, one-off, and races for their last unit once", async () => {
    const { contract } = await createCustomerWithContract({
      productKey: 'owj',
      planKey: 'owj-committed',
      startsAt: new Date(Date.now() - 30 * DAY),
    });
    const admin = testApi();
    const agent = testApi(await createKey('agent'));
    const extra = await admin('POST', `/v1/contracts/${contract.id}/entitlements`, {
      kind: 'on_site_installs',
      quantity: 1,
    });
    expect(extra.status).toBe(201);
    const before = await agent('GET', `/v1/contracts/${contract.id}/allowances`);
    expect(before.body.balances.find((b: { kind: string }) => b.kind === 'on_site_installs')).toMatchObject({
      granted: 1,
      used: 0,
      remaining: 2,
      extras: [{ entitlementId: extra.body.id, quantity: 1, used: 0, remaining: 1 }],
    });
    const install = () =>
      agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'on_site_installs', amount: 1 });
    // The plan's own installation is drawn first; the extra stays whole.
    expect((await install()).body.balance).toMatchObject({
      granted: 1,
      used: 1,
      remaining: 1,
      extras: [{ used: 0, remaining: 1 }],
    });
    // Two agents race for the extra: exactly one wins.
    const answers = await Promise.all([install(), install()]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 201)!.body.balance).toMatchObject({
      used: 1,
      remaining: 0,
      extras: [{ used: 1, remaining: 0 }],
    });
    expect(answers.find((a) => a.status === 422)!.body.detail).toMatch(
      /^1 on-site installations asked, 0 left: .* 1 used; extras added: 1, 1 used$/,
    );
    expect(await db.allowanceUse.count({ where: { contractId: contract.id } })).toBe(2);
    // The extra shows what was drawn from it, and cannot be removed under that use.
    const listed = await admin('GET', `/v1/contracts/${contract.id}/entitlements`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: extra.body.id, kind: 'on_site_installs', quantity: 1, used: 1 }),
    ]);
    expect((await admin('DELETE', `/v1/contracts/${contract.id}/entitlements/${extra.body.id}`)).status).toBe(409);
    // One-off: the next contract year renews the plan's installation, not the extra.
    const nextYear = await agent(
      'GET',
      `/v1/contracts/${contract.id}/allowances?asOf=${new Date(Date.now() + 340 * DAY).toISOString()}`,
    );
    expect(nextYear.body.balances.find((b: { kind: string }) => b.kind === 'on_site_installs')).toMatchObject({
      used: 0,
      remaining: 1,
      extras: [{ used: 1, remaining: 0 }],
    });
  });

  it('records two uses racing for the last unit exactly once (Owj Committed: one on-site installation a year)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { contract } = await createCustomerWithContract({
        productKey: 'owj',
        planKey: 'owj-committed',
        startsAt: new Date(Date.now() - 30 * DAY),
      });
      const agents = [testApi(await createKey('agent')), testApi(await createKey('agent'))];
      const answers = await Promise.all(
        agents.map((agent) =>
          agent('POST', `/v1/contracts/${contract.id}/allowance-uses`, { kind: 'on_site_installs', amount: 1 }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
      expect(answers.find((a) => a.status === 422)!.body).toMatchObject({
        reason: 'allowance_exhausted',
        invalidFields: [{ field: 'body.amount' }],
      });
      expect(await db.allowanceUse.count({ where: { contractId: contract.id } })).toBe(1);
    }
  });

  it('records a retried request once (Idempotency-Key), counts on-site hours in minutes, and refuses uses outside the contract', async () => {
    const { contract } = await createCustomerWithContract({
      productKey: 'iotex-suite',
      planKey: 'iotex-premium',
      startsAt: new Date(Date.now() - 30 * DAY),
    });
    await db.customer.update({ where: { id: contract.customerId }, data: { city: 'Tehran' } });
    const agent = testApi(await createKey('agent'));
    const headers = { 'Idempotency-Key': `visit-${randomUUID()}` };
    const first = await agent(
      'POST',
      `/v1/contracts/${contract.id}/allowance-uses`,
      { kind: 'on_site_hours', amount: 90 },
      headers,
    );
    expect(first.status).toBe(201);
    expect(first.body.balance).toMatchObject({ unit: 'minutes', granted: 12 * 60, used: 90, remaining: 12 * 60 - 90 });
    const retried = await agent(
      'POST',
      `/v1/contracts/${contract.id}/allowance-uses`,
      { kind: 'on_site_hours', amount: 90 },
      headers,
    );
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.use.id).toBe(first.body.use.id);
    expect(retried.body.balance).toMatchObject({ used: 90 });
    expect(await db.allowanceUse.count({ where: { contractId: contract.id } })).toBe(1);

    const ended = await createCustomerWithContract({
      productKey: 'iotex-suite',
      planKey: 'iotex-premium',
      startsAt: new Date(Date.now() - 400 * DAY),
      endsAt: new Date(Date.now() - 35 * DAY),
    });
    const late = await agent('POST', `/v1/contracts/${ended.contract.id}/allowance-uses`, {
      kind: 'periodic_visits',
      amount: 1,
    });
    expect(late).toMatchObject({
      status: 422,
      body: { reason: 'contract_not_in_force', invalidFields: [{ field: 'params.id' }] },
    });
  });
});
