import { randomUUID } from 'node:crypto';
import { createKeyWithUser } from '../../api/auth';
import { createDatabase, type Database } from '../../platform/database';

let shared: Database | undefined;

/** One Prisma client on the integration stack's database, for arranging data directly. */
export function testDatabase(): Database {
  shared ??= createDatabase(process.env.PASBAN_TEST_DATABASE_URL!);
  return shared;
}

export async function closeTestDatabase(): Promise<void> {
  await shared?.$disconnect();
  shared = undefined;
}

/**
 * A stored row's own fields, without its identity, its workflow, its key and what the database
 * fills in, plus `overrides`: the data for a copy whose workflow never started.
 */
export function copyOf<T extends Record<string, unknown>>(
  row: T,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const skip = new Set(['id', 'workflowId', 'idempotencyKey', 'createdAt', 'updatedAt']);
  return {
    ...Object.fromEntries(Object.entries(row).filter(([key, value]) => !skip.has(key) && value !== null)),
    ...overrides,
  };
}

/** An API key of `role` (bound to `customerId` for customers) with a user of its own, created straight in the database. */
export async function createKey(
  role: 'customer' | 'agent' | 'qa' | 'manager' | 'admin',
  customerId?: string,
): Promise<string> {
  return (await createKeyWithUser(testDatabase(), { name: `test ${role}`, role, customerId: customerId ?? null })).key;
}

/**
 * A fresh customer (unique name) with a primary contact and a contract on a seeded product and
 * plan, running from a year ago to a year ahead unless told otherwise.
 */
export async function createCustomerWithContract(options: {
  productKey: string;
  planKey: string;
  paid?: boolean;
  startsAt?: Date;
  endsAt?: Date;
  messagingPreference?: 'all' | 'no_advertising' | 'no_messages';
}) {
  const db = testDatabase();
  const product = await db.product.findUniqueOrThrow({ where: { key: options.productKey } });
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: options.planKey } } });
  const customer = await db.customer.create({
    data: {
      name: `Customer ${randomUUID().slice(0, 8)}`,
      messagingPreference: options.messagingPreference ?? 'all',
      contacts: {
        create: {
          name: 'Primary',
          email: `c-${randomUUID().slice(0, 8)}@example.test`,
          phone: '09120000000',
          isPrimary: true,
        },
      },
    },
  });
  const year = 365 * 24 * 3600 * 1000;
  const contract = await db.contract.create({
    data: {
      customerId: customer.id,
      productId: product.id,
      policyId: policy.id,
      plan: options.planKey,
      startsAt: options.startsAt ?? new Date(Date.now() - year),
      endsAt: options.endsAt ?? new Date(Date.now() + year),
      paid: options.paid ?? true,
      priceRials: 1_000_000_000n,
    },
  });
  return { customer, contract, product, policy, key: await createKey('customer', customer.id) };
}
