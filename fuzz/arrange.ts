import { randomUUID } from 'node:crypto';
import { createKeyWithUser } from '../api/auth';
import type { Database } from '../platform/database';
import type { Role } from './openapi-fuzz';

export interface FuzzWorld {
  keys: Record<Role, string> & { admin: string };
  /** Ids the fuzzer owns, by pool (see FuzzOptions.ids). */
  ids: Record<string, string[]>;
  /** Ids it may also change and delete (see FuzzOptions.disposableIds). */
  disposableIds: Record<string, string[]>;
}

async function createKey(db: Database, role: Role, customerId: string | null): Promise<string> {
  return (await createKeyWithUser(db, { name: `fuzz ${role}`, role, customerId })).key;
}

/**
 * What the fuzzer needs to get past authorization and eligibility, all of it its own so fuzzing
 * never changes data other tests rely on: a product of its own (a copy of the seeded "owj"), two
 * customers with paid contracts on it, keys of every role (the customer key bound to the first
 * customer), and tickets, change requests and an outage to send commands to; plus a disposable
 * product, customer and contract the fuzzer may change and delete.
 */
export async function arrangeFuzzWorld(db: Database, apiUrl: string, adminKey: string): Promise<FuzzWorld> {
  const tag = randomUUID().slice(0, 8);
  const template = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
  const copyOfTemplate = (suffix: string) =>
    db.product.create({
      data: {
        key: `fuzz-${tag}${suffix}`,
        vendorId: template.vendorId,
        departmentId: template.departmentId,
        name: `Fuzz product ${tag}${suffix}`,
        nameFa: `محصول آزمون ${tag}${suffix}`,
        creditTable: template.creditTable,
        claimPolicyKey: template.claimPolicyKey,
        changePolicyKey: template.changePolicyKey,
      },
    });
  const product = await copyOfTemplate('');
  const disposableProduct = await copyOfTemplate('-disposable');
  const year = 365 * 24 * 3600 * 1000;
  const customers = [];
  const contracts = [];
  // Customers 1 and 2 the fuzzer keeps; customer 3 (on the disposable product) it may spoil.
  for (const n of [1, 2, 3]) {
    const customer = await db.customer.create({
      data: {
        name: `Fuzz customer ${tag}-${n}`,
        contacts: {
          create: { name: 'مخاطب اصلی', email: `fuzz-${tag}-${n}@example.test`, phone: '09120000000', isPrimary: true },
        },
      },
      include: { contacts: true },
    });
    customers.push(customer);
    contracts.push(
      await db.contract.create({
        data: {
          customerId: customer.id,
          productId: n === 3 ? disposableProduct.id : product.id,
          policyId: policy.id,
          plan: 'owj-agile',
          startsAt: new Date(Date.now() - year),
          endsAt: new Date(Date.now() + year),
          paid: true,
          priceRials: 1_000_000_000n,
        },
      }),
    );
  }
  const keys = {
    admin: adminKey,
    agent: await createKey(db, 'agent', null),
    qa: await createKey(db, 'qa', null),
    manager: await createKey(db, 'manager', null),
    customer: await createKey(db, 'customer', customers[0]!.id),
  };

  const post = async (path: string, body: unknown): Promise<string | undefined> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as { id?: string };
    return res.ok ? json.id : undefined;
  };
  const kept = customers.slice(0, 2);
  const ids: Record<string, string[]> = {
    products: [product.id],
    customers: kept.map((c) => c.id),
    contacts: kept.flatMap((c) => c.contacts.map((contact) => contact.id)),
    contracts: contracts.slice(0, 2).map((c) => c.id),
    tickets: [],
    'change-requests': [],
    outages: [],
  };
  for (const customer of kept) {
    const ticket = await post('/v1/tickets', {
      customerId: customer.id,
      productId: product.id,
      priority: 'high',
      subject: 'تیکت آزمون',
      description: 'سامانه از دسترس خارج شد',
    });
    if (ticket) ids.tickets!.push(ticket);
    const change = await post('/v1/change-requests', {
      customerId: customer.id,
      productId: product.id,
      title: 'تغییر آزمون',
      description: 'یک گزارش جدید می‌خواهیم',
    });
    if (change) ids['change-requests']!.push(change);
  }
  const hour = 3600 * 1000;
  const outage = await post('/v1/outages', {
    productId: product.id,
    startedAt: new Date(Date.now() - 5 * hour).toISOString(),
    endedAt: new Date(Date.now() - 4 * hour).toISOString(),
    cause: 'unplanned',
    description: 'قطعی آزمایشی سرور',
  });
  if (outage) ids.outages!.push(outage);
  // Webhook subscriptions to a name that never resolves (.invalid), so nothing leaves the machine.
  const webhook = () =>
    post('/v1/webhooks', {
      url: 'https://hooks.pasban.invalid/fuzz',
      eventTypes: ['ticket.opened'],
      productIds: [product.id],
    });
  const [keptWebhook, spoiledWebhook] = [await webhook(), await webhook()];
  ids.webhooks = keptWebhook ? [keptWebhook] : [];
  const disposableIds = {
    webhooks: spoiledWebhook ? [spoiledWebhook] : [],
    products: [disposableProduct.id],
    customers: [customers[2]!.id],
    contacts: customers[2]!.contacts.map((contact) => contact.id),
    contracts: [contracts[2]!.id],
  };
  return { keys, ids, disposableIds };
}
