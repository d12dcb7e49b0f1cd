/**
 * Tickets on the full stack: the run command itself (embedded PostgreSQL, Temporal dev server,
 * worker and API in one process), on loopback.
 *   - intake: tickets opened per second over HTTP with p50/p99 latency, and in the same run the
 *     raw Temporal baseline: the start RPC of an empty workflow, at the same concurrency;
 *   - breach latency: BENCH_TICKETS open tickets whose first-response deadline falls due during
 *     the run; the delay between each deadline and its recorded escalation (p50, p99, max). The
 *     priorities rotate, and each priority's deadline is BENCH_BAND_MINUTES later than the one
 *     before, so the deadlines spread over four bands instead of one burst (BENCH_BAND_MINUTES=0
 *     makes them one burst as fast as intake ran);
 *   - memory: resident memory of the service process with all those ticket workflows open.
 * Run: npx tsx bench/tickets.bench.ts   (BENCH_TICKETS=10000, BENCH_CONCURRENCY=32,
 * BENCH_DEADLINE_MINUTES=10: long enough for intake to finish before the first deadline,
 * BENCH_BAND_MINUTES=5; results in bench/results/tickets-<bands|burst>.json)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Prisma } from '../generated/prisma/client';
import { createDatabase, type Database } from '../platform/database';
import { ticketPolicyPresets } from '../sla/presets';
import type { TicketPolicy } from '../sla/policy';
import { apiClient } from '../test/support/http';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { describeMachine, percentile, writeResult } from './support';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DEADLINE_MINUTES = Number(process.env.BENCH_DEADLINE_MINUTES ?? 10);
const BAND_MINUTES = Number(process.env.BENCH_BAND_MINUTES ?? 5);
const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const BASELINE_STARTS = Math.min(TICKETS, 2_000);
const CUSTOMERS = 50;

/** Runs `task(i)` for i < count with at most `concurrency` in flight; returns each call's latency in ms. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
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

/** A plan whose first response is due DEADLINE_MINUTES of clock time after opening, breach in-app. */
async function arrangeCustomers(db: Database): Promise<{ productId: string; customerIds: string[] }> {
  const base = ticketPolicyPresets['owj-agile'];
  const action = { channel: 'in_app' as const, recipients: ['department_manager' as const] };
  const entry = (band: number) => ({
    firstResponse: { unit: 'business_minutes' as const, amount: DEADLINE_MINUTES + band * BAND_MINUTES, calendar: 'always-open' },
    resolution: { unit: 'none' as const, calendar: 'always-open' },
    breachAction: action,
  });
  const policy: TicketPolicy = {
    ...base, key: 'bench-fast', name: 'Benchmark', warningAtPercent: [], escalations: [],
    priorities: { critical: entry(0), high: entry(1), medium: entry(2), low: entry(3) },
  };
  const row = await db.policy.create({ data: { key: 'bench-fast', kind: 'ticket', name: 'Benchmark', definition: policy as unknown as Prisma.InputJsonValue } });
  const product = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const customerIds: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const customer = await db.customer.create({ data: { name: `Bench ${i}` } });
    await db.contract.create({
      data: {
        customerId: customer.id, productId: product.id, policyId: row.id, plan: 'bench-fast', paid: true,
        startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 365 * 86_400_000),
      },
    });
    customerIds.push(customer.id);
  }
  return { productId: product.id, customerIds };
}

/** Resident memory of the service process: tsx's node child that runs bin/start.ts, without PostgreSQL and Temporal. */
function serviceRssMb(rootPid: number): number {
  const children = (pid: number) =>
    readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
      try {
        return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
  // tsx's launcher is itself a node process whose command line names bin/start.ts: prefer its child.
  const service = [...children(rootPid), rootPid].find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('bin/start.ts') && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node');
  const status = readFileSync(`/proc/${service ?? rootPid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function runTicketsBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-'));
  const stack = await startStack(dataDir, undefined, { LOG_LEVEL: 'error' });
  const db = createDatabase(stack.databaseUrl);
  try {
    const { productId, customerIds } = await arrangeCustomers(db);
    const api = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    const rssBefore = serviceRssMb(stack.pid);

    let failures = 0;
    const intakeStarted = performance.now();
    const intake = await pool(TICKETS, CONCURRENCY, async (i) => {
      const res = await api('POST', '/v1/tickets', {
        customerId: customerIds[i % CUSTOMERS], productId, priority: PRIORITIES[i % 4], subject: `bench ${i}`, description: 'benchmark ticket',
      });
      if (res.status !== 201) failures++;
    });
    const intakeSeconds = (performance.now() - intakeStarted) / 1000;

    const client = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
    const baselineQueue = `bench-baseline-${randomUUID()}`;
    const baselineStarted = performance.now();
    const baseline = await pool(BASELINE_STARTS, CONCURRENCY, async () => {
      await client.workflow.start('pasbanBenchEmpty', { taskQueue: baselineQueue, workflowId: `bench-empty-${randomUUID()}` });
    });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    const open = await db.ticket.count({ where: { status: 'new' } });
    const rssOpen = serviceRssMb(stack.pid);

    // Every deadline falls due DEADLINE_MINUTES (+ its band) after its ticket opened; wait for all escalations.
    const waitUntil = Date.now() + (DEADLINE_MINUTES + 3 * BAND_MINUTES + 10) * 60_000;
    let recorded = 0;
    while (Date.now() < waitUntil && (recorded = await db.escalation.count({ where: { kind: 'breach' } })) < TICKETS - failures) {
      await new Promise((r) => setTimeout(r, 5_000));
    }
    const escalations = await db.escalation.findMany({ where: { kind: 'breach' }, select: { dueAt: true, firedAt: true, dedupeKey: true } });
    const delays = escalations.map((e) => e.firedAt.getTime() - e.dueAt.getTime());
    const rssAfter = serviceRssMb(stack.pid);
    await client.connection.close();

    const result = {
      machine: describeMachine(),
      tickets: TICKETS,
      concurrency: CONCURRENCY,
      deadlines: { firstAfterMinutes: DEADLINE_MINUTES, bandMinutes: BAND_MINUTES, bands: BAND_MINUTES > 0 ? 4 : 1 },
      intake: {
        failures,
        perSecond: Math.round((TICKETS / intakeSeconds) * 10) / 10,
        p50Ms: percentile(intake, 50),
        p99Ms: percentile(intake, 99),
      },
      rawTemporalBaseline: {
        starts: BASELINE_STARTS,
        perSecond: Math.round((BASELINE_STARTS / baselineSeconds) * 10) / 10,
        p50Ms: percentile(baseline, 50),
        p99Ms: percentile(baseline, 99),
      },
      breach: {
        openTicketsAtDeadlines: open,
        escalationsRecorded: recorded,
        distinctDedupeKeys: new Set(escalations.map((e) => e.dedupeKey)).size,
        p50DelayMs: percentile(delays, 50),
        p99DelayMs: percentile(delays, 99),
        maxDelayMs: Math.max(...delays),
      },
      memory: { serviceRssMbIdle: rssBefore, serviceRssMbWithOpenTickets: rssOpen, serviceRssMbAfterBreaches: rssAfter },
    };
    writeResult(BAND_MINUTES > 0 ? 'tickets-bands' : 'tickets-burst', result);
  } finally {
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void runTicketsBench();
