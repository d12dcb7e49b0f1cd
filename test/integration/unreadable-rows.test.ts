/**
 * A stored row whose JSON column lacks the shape its readers rely on (store/json-columns.ts):
 * a list leaves it out (and logs it), a single read answers a 500 problem naming the row. Last
 * session one claim row with `computation: {}` made every staff list of claims answer 500.
 */
import { randomUUID } from 'node:crypto';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { storedComputation } from '../support/claim-rows';
import { testApi } from '../support/http';

const db = testDatabase();
const DAY = 86_400_000;
let customer: Awaited<ReturnType<typeof createCustomerWithContract>>;
const good = randomUUID();
const bad = randomUUID();

beforeAll(async () => {
  customer = await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' });
  const receivedAtMs = Date.now() - DAY;
  const row = (id: string, computation: object) => ({
    id,
    customerId: customer.customer.id,
    productId: customer.product.id,
    contractId: customer.contract.id,
    kind: 'availability' as const,
    status: 'received' as const,
    receivedAt: new Date(receivedAtMs),
    acknowledgeDueAt: new Date(receivedAtMs + DAY),
    decisionDueAt: new Date(receivedAtMs + 10 * DAY),
    workflowId: `claim-${id}`,
    computation,
  });
  const computation = storedComputation({
    kind: 'availability',
    policyKey: 'avanak',
    receivedAtMs,
    acknowledgeDueAtMs: receivedAtMs + DAY,
    decisionDueAtMs: receivedAtMs + 10 * DAY,
  });
  await db.claim.create({ data: row(good, computation) });
  await db.claim.create({ data: row(bad, {}) });
});

afterAll(async () => {
  await db.claim.deleteMany({ where: { id: { in: [good, bad] } } });
  await closeTestDatabase();
});

describe('a claim row whose computation cannot be read', () => {
  it('is left out of the staff list of claims and of the QA queue, which still answer', async () => {
    const qa = testApi(await createKey('qa'));
    const list = await qa('GET', `/v1/claims?customerId=${customer.customer.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([good]);
    const queue = await qa('GET', `/v1/qa/claims?productId=${customer.product.id}&limit=100`);
    expect(queue.status).toBe(200);
    const ids = queue.body.items.map((c: { id: string }) => c.id);
    expect(ids).toContain(good);
    expect(ids).not.toContain(bad);
  });

  it("is left out of the customer's own list", async () => {
    const list = await testApi(customer.key)('GET', '/v1/claims');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([good]);
  });

  it('read on its own, answers a 500 problem that names the row, not its content', async () => {
    const res = await testApi(await createKey('qa'))('GET', `/v1/claims/${bad}`);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'internal', reason: 'unreadable_row' });
    expect(res.body.detail).toContain(`claim ${bad} has a stored computation the server cannot read`);
  });
});
