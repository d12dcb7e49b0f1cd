/**
 * Load for benchmarks and fault scripts: a bounded pool of concurrent calls, and customers on a
 * plan whose first-response deadlines fall due minutes after a ticket opens, on a calendar that
 * is always open, so a run can watch them fall due.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { ticketPolicyPresets } from '../../sla/presets';
import type { TicketPolicy } from '../../sla/policy';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns each call's latency in ms. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await task(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

export interface FastPlan {
  productId: string;
  customerIds: string[];
  /** Each customer's SMS number, by customer id (breaches go to the customer when the channel is SMS). */
  phones: Map<string, string>;
}

/**
 * `customers` customers on a plan `key` whose first response is due `minutes` business minutes
 * after opening (plus `bandMinutes` more for each lower priority) on the always-open calendar;
 * a breach notifies `recipient` over `channel`. No warnings, no further escalations.
 */
export async function arrangeFastPlan(
  db: Database,
  options: {
    key: string;
    minutes: number;
    bandMinutes?: number;
    customers: number;
    channel?: 'in_app' | 'sms';
    recipient?: 'department_manager' | 'customer';
  },
): Promise<FastPlan> {
  const base = ticketPolicyPresets['owj-agile'];
  const action = { channel: options.channel ?? 'in_app', recipients: [options.recipient ?? 'department_manager'] };
  const entry = (band: number) => ({
    firstResponse: {
      unit: 'business_minutes' as const,
      amount: options.minutes + band * (options.bandMinutes ?? 0),
      calendar: 'always-open',
    },
    resolution: { unit: 'none' as const, calendar: 'always-open' },
    breachAction: action,
  });
  const policy: TicketPolicy = {
    ...base,
    key: options.key,
    name: options.key,
    warningAtPercent: [],
    escalations: [],
    priorities: { critical: entry(0), high: entry(1), medium: entry(2), low: entry(3) },
  } as TicketPolicy;
  const row = await db.policy.create({
    data: {
      key: options.key,
      kind: 'ticket',
      name: options.key,
      definition: policy as unknown as Prisma.InputJsonValue,
    },
  });
  const product = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const customerIds: string[] = [];
  const phones = new Map<string, string>();
  for (let i = 0; i < options.customers; i++) {
    const phone = `0912${String(1_000_000 + i).slice(-7)}`;
    const customer = await db.customer.create({
      data: { name: `${options.key} ${i}`, contacts: { create: { name: 'Primary', phone, isPrimary: true } } },
    });
    await db.contract.create({
      data: {
        customerId: customer.id,
        productId: product.id,
        policyId: row.id,
        plan: options.key,
        paid: true,
        startsAt: new Date(Date.now() - 86_400_000),
        endsAt: new Date(Date.now() + 365 * 86_400_000),
      },
    });
    customerIds.push(customer.id);
    phones.set(customer.id, phone);
  }
  return { productId: product.id, customerIds, phones };
}
