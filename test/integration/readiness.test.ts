/** The readiness check lists every plan in use whose breach notices would fail (issue 14, item 9). */
import { closeTestDatabase, createCustomerWithContract, createKey } from '../support/fixtures';
import { testApi } from '../support/http';

afterAll(closeTestDatabase);

it("lists a plan in use whose critical and high breach SMS have no manager's phone to go to", async () => {
  const { key } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-committed' });
  const res = await testApi(await createKey('manager'))('GET', '/v1/readiness/breach-recipients');
  expect(res.status).toBe(200);
  expect(res.body.ready).toBe(false);
  expect(res.body.problems).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        planKey: 'owj-committed',
        productKey: 'owj',
        priority: 'critical',
        level: 'breach',
        channel: 'sms',
        recipient: 'department_manager',
        missing: 'managerPhone',
      }),
    ]),
  );
  expect((await testApi(key)('GET', '/v1/readiness/breach-recipients')).status).toBe(403);
});
