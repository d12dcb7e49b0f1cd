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
import { createDatabase } from '../platform/database';
import { apiClient } from '../test/support/http';
import { arrangeFastPlan, pool, PRIORITIES } from '../test/support/load';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { describeMachine, percentile, writeResult } from './support';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const DEADLINE_MINUTES = Number(process.env.BENCH_DEADLINE_MINUTES ?? 10);
const BAND_MINUTES = Number(process.env.BENCH_BAND_MINUTES ?? 5);
const BASELINE_STARTS = Math.min(TICKETS, 2_000);
const CUSTOMERS = 50;

/** Resident memory of the service process: tsx's node child that runs bin/start.ts, without PostgreSQL and Temporal. */
function serviceRssMb(rootPid: number): number {
  const children = (pid: number) =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((p) => {
        try {
          return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
        } catch {
          return false;
        }
      });
  // tsx's launcher is itself a node process whose command line names bin/start.ts: prefer its child.
  const service = [...children(rootPid), rootPid].find(
    (p) =>
      readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('bin/start.ts') &&
      readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'node',
  );
  const status = readFileSync(`/proc/${service ?? rootPid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function runTicketsBench() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-'));
  const stack = await startStack(dataDir, undefined, { LOG_LEVEL: 'error' });
  const db = createDatabase(stack.databaseUrl);
  try {
    const { productId, customerIds } = await arrangeFastPlan(db, {
      key: 'bench-fast',
      minutes: DEADLINE_MINUTES,
      bandMinutes: BAND_MINUTES,
      customers: CUSTOMERS,
    });
    const api = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    const rssBefore = serviceRssMb(stack.pid);

    let failures = 0;
    const intakeStarted = performance.now();
    const intake = await pool(TICKETS, CONCURRENCY, async (i) => {
      const res = await api('POST', '/v1/tickets', {
        customerId: customerIds[i % CUSTOMERS],
        productId,
        priority: PRIORITIES[i % 4],
        subject: `bench ${i}`,
        description: 'benchmark ticket',
      });
      if (res.status !== 201) failures++;
    });
    const intakeSeconds = (performance.now() - intakeStarted) / 1000;

    const client = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
    const baselineQueue = `bench-baseline-${randomUUID()}`;
    const baselineStarted = performance.now();
    const baseline = await pool(BASELINE_STARTS, CONCURRENCY, async () => {
      await client.workflow.start('pasbanBenchEmpty', {
        taskQueue: baselineQueue,
        workflowId: `bench-empty-${randomUUID()}`,
      });
    });
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;

    const open = await db.ticket.count({ where: { status: 'new' } });
    const rssOpen = serviceRssMb(stack.pid);

    // Every deadline falls due DEADLINE_MINUTES (+ its band) after its ticket opened; wait for all escalations.
    const waitUntil = Date.now() + (DEADLINE_MINUTES + 3 * BAND_MINUTES + 10) * 60_000;
    let recorded = 0;
    while (
      Date.now() < waitUntil &&
      (recorded = await db.escalation.count({ where: { kind: 'breach' } })) < TICKETS - failures
    ) {
      await new Promise((r) => setTimeout(r, 5_000));
    }
    const escalations = await db.escalation.findMany({
      where: { kind: 'breach' },
      select: { dueAt: true, firedAt: true, dedupeKey: true },
    });
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
      memory: {
        serviceRssMbIdle: rssBefore,
        serviceRssMbWithOpenTickets: rssOpen,
        serviceRssMbAfterBreaches: rssAfter,
      },
    };
    writeResult(BAND_MINUTES > 0 ? 'tickets-bands' : 'tickets-burst', result);
    return result;
  } finally {
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) void runTicketsBench();
