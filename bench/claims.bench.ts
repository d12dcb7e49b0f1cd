/**
 * Compensation claims on the full stack (the run command itself, on loopback):
 *   - filing: BENCH_CLAIMS customers each file one claim over HTTP for one ended outage
 *     (eligibility, the month's availability and credit tier, the claim row and its workflow
 *     start), BENCH_CONCURRENCY at a time: claims per second, p50/p99 latency;
 *   - acknowledgement: the delay from receipt until the claim workflow has acknowledged it and
 *     told the customer (p50, p99, max);
 *   - decisions: QA approves every claim over HTTP (the workflow update that decides it and issues
 *     the credit note): decisions per second, p50/p99, and credit notes issued.
 * Run: npx tsx bench/claims.bench.ts   (BENCH_CLAIMS=500, BENCH_CONCURRENCY=16; bench/results/claims.json)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../platform/database';
import { createKeyWithUser } from '../api/auth';
import { apiClient } from '../test/support/http';
import { pool } from '../test/support/load';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { describeMachine, percentile, writeResult } from './support';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const HOUR = 3_600_000;

/** A product of its own on Avanak's credit table, and `count` customers with a contract on it. */
export async function arrangeClaimants(db: Database, count: number) {
  const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
  const product = await db.product.create({
    data: {
      key: `bench-claims-${randomUUID().slice(0, 8)}`,
      vendorId: avanak.vendorId,
      departmentId: avanak.departmentId,
      name: 'Claims benchmark',
      nameFa: 'سرویس سنجش',
      creditTable: 'avanak',
    },
  });
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'avanak' } } });
  const customers: { id: string; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const customer = await db.customer.create({
      data: {
        name: `Claims bench ${i}`,
        contacts: {
          create: { name: 'Primary', email: `claims-${i}@bench.test`, phone: '09120000000', isPrimary: true },
        },
      },
    });
    await db.contract.create({
      data: {
        customerId: customer.id,
        productId: product.id,
        policyId: policy.id,
        plan: 'avanak',
        paid: true,
        priceRials: 1_000_000_000n,
        startsAt: new Date(Date.now() - 365 * 24 * HOUR),
        endsAt: new Date(Date.now() + 365 * 24 * HOUR),
      },
    });
    const key = await createKeyWithUser(db, { name: `claims bench ${i}`, role: 'customer', customerId: customer.id });
    customers.push({ id: customer.id, key: key.key });
  }
  return { product, customers };
}

export async function runClaimsBench() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-claims-'));
  const stack = await startStack(dataDir, undefined, { LOG_LEVEL: 'error' });
  const db = createDatabase(stack.databaseUrl);
  try {
    const { product, customers } = await arrangeClaimants(db, CLAIMS);
    const staff = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    // One unplanned outage that ended an hour ago and lasted five hours.
    const outage = await staff('POST', '/v1/outages', {
      productId: product.id,
      startedAt: new Date(Date.now() - 6 * HOUR).toISOString(),
      endedAt: new Date(Date.now() - HOUR).toISOString(),
      cause: 'unplanned',
      description: 'پنل پیامک در دسترس نبود',
    });
    if (outage.status !== 201) throw new Error(`outage not recorded: ${outage.status} ${JSON.stringify(outage.body)}`);

    const claimIds: string[] = [];
    let filingFailures = 0;
    const filingStarted = performance.now();
    const filing = await pool(CLAIMS, CONCURRENCY, async (i) => {
      const res = await apiClient(stack.apiUrl, customers[i]!.key)(
        'POST',
        '/v1/claims',
        { productId: product.id, outageIds: [outage.body.id] },
        { 'idempotency-key': `bench-${i}` },
      );
      if (res.status === 201) claimIds.push(res.body.id);
      else filingFailures++;
    });
    const filingSeconds = (performance.now() - filingStarted) / 1000;

    const deadline = Date.now() + 10 * 60_000;
    while (
      Date.now() < deadline &&
      (await db.claim.count({ where: { id: { in: claimIds }, acknowledgedAt: { not: null } } })) < claimIds.length
    ) {
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const acknowledged = await db.claim.findMany({
      where: { id: { in: claimIds }, acknowledgedAt: { not: null } },
      select: { receivedAt: true, acknowledgedAt: true },
    });
    const ackDelays = acknowledged.map((c) => c.acknowledgedAt!.getTime() - c.receivedAt.getTime());

    let decisionFailures = 0;
    const decisionsStarted = performance.now();
    const decisions = await pool(claimIds.length, CONCURRENCY, async (i) => {
      const res = await staff('POST', `/v1/claims/${claimIds[i]}/approve`, {});
      if (res.status !== 200) decisionFailures++;
    });
    const decisionSeconds = (performance.now() - decisionsStarted) / 1000;
    const creditNotes = await db.creditNote.count({ where: { claimId: { in: claimIds } } });

    const result = {
      machine: describeMachine(),
      claims: CLAIMS,
      concurrency: CONCURRENCY,
      filing: {
        failures: filingFailures,
        perSecond: Math.round((CLAIMS / filingSeconds) * 10) / 10,
        p50Ms: percentile(filing, 50),
        p99Ms: percentile(filing, 99),
      },
      acknowledgement: {
        acknowledged: acknowledged.length,
        p50Ms: percentile(ackDelays, 50),
        p99Ms: percentile(ackDelays, 99),
        maxMs: Math.max(...ackDelays),
      },
      decisions: {
        failures: decisionFailures,
        perSecond: Math.round((claimIds.length / decisionSeconds) * 10) / 10,
        p50Ms: percentile(decisions, 50),
        p99Ms: percentile(decisions, 99),
        creditNotes,
      },
    };
    writeResult('claims', result);
    return result;
  } finally {
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void runClaimsBench();
