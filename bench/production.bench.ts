/**
 * The production shape, measured (issue 19): `npm run stack:production` (a real Temporal server on
 * the embedded PostgreSQL, 2 worker processes, 2 API processes) run as a child process, then
 * phases against it, each keeping bench/results/production-<phase>.json:
 *   - intake: the raw Temporal start rate (an empty workflow's start RPC, same concurrency, same
 *     server) measured before and after, and HTTP ticket intake through both API processes in
 *     turn between them: per second, p50/p99, and the ratio;
 *   - claims: BENCH_CLAIMS customers file one claim each (through both API processes), the delay
 *     until each is acknowledged, then QA approves every one: decisions per second;
 *   - tickets: BENCH_OPEN_TICKETS tickets opened over HTTP whose first-response deadlines are spread
 *     over 16 slots from BENCH_FIRST_DEADLINE_MINUTES to +BENCH_SPREAD_MINUTES after opening; waits
 *     for every breach: recorded exactly once per ticket, delay p50/p99/max, and memory sampled
 *     every 5 s throughout (each worker's and API's RSS, the Temporal server's RSS, PostgreSQL's
 *     RSS and PSS summed over its processes) with each process's CPU seconds, to say what bounds it.
 * The machine is shared: every result keeps the load average before and after.
 * Run: npx tsx bench/production.bench.ts   (BENCH_PHASES=intake,claims,tickets;
 *   BENCH_PORT=3150, BENCH_POSTGRES_PORT=5550, BENCH_TEMPORAL_PORT=7250, BENCH_DATA_DIR;
 *   BENCH_INTAKE_TICKETS=2000, BENCH_CONCURRENCY=32; BENCH_CLAIMS=500, BENCH_CLAIMS_CONCURRENCY=16;
 *   BENCH_OPEN_TICKETS=20000, BENCH_FIRST_DEADLINE_MINUTES=10, BENCH_SPREAD_MINUTES=20, BENCH_GRACE_MINUTES=5)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDatabase, type Database } from '../platform/database';
import { apiClient } from '../test/support/http';
import { arrangeFastPlan, pool, PRIORITIES, type FastPlan } from '../test/support/load';
import { TEST_ADMIN_KEY } from '../test/support/stack';
import { arrangeClaimants } from './claims.bench';
import { describeMachine, percentile, writeResult } from './support';

const root = path.resolve(__dirname, '..');
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PORT = env('BENCH_PORT', 3150);
const POSTGRES_PORT = env('BENCH_POSTGRES_PORT', 5550);
const TEMPORAL_PORT = env('BENCH_TEMPORAL_PORT', 7250);
const API_PORTS = [PORT + 1, PORT + 2];
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const run = `bench-${Date.now()}`;
const loadAverage = () => os.loadavg().map((l) => round(l, 2));

// ---- processes of the stack: who is who, their memory and CPU ----

type Role = 'worker' | 'api' | 'temporal' | 'postgres' | 'stack';

function children(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        return Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = children(queue.shift()!);
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

function roleOf(pid: number): Role | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    if (comm === 'postgres') return 'postgres';
    if (cmdline.includes('temporal-server') && cmdline.includes('--config-file')) return 'temporal';
    if (comm !== 'node') return undefined;
    if (cmdline.includes('bin/worker.ts')) return 'worker';
    if (cmdline.includes('bin/api.ts')) return 'api';
    if (cmdline.includes('bin/stack-production.ts')) return 'stack';
  } catch {
    // gone
  }
  return undefined;
}

interface Sample {
  pid: number;
  role: Role;
  rssMb: number;
  pssMb: number;
  cpuS: number;
}

const clockTicks = 100;
function sample(pid: number, role: Role): Sample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    let pss = rss;
    try {
      pss = Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      // no smaps_rollup
    }
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const cpuS = (Number(fields[11]) + Number(fields[12])) / clockTicks;
    return { pid, role, rssMb: round(rss), pssMb: round(pss), cpuS };
  } catch {
    return undefined;
  }
}

function snapshot(stackPid: number): Sample[] {
  return [stackPid, ...descendants(stackPid)]
    .map((pid) => ({ pid, role: roleOf(pid) }))
    .filter((p): p is { pid: number; role: Role } => p.role !== undefined)
    .map((p) => sample(p.pid, p.role))
    .filter((s): s is Sample => s !== undefined);
}

/** Per process: max RSS; PostgreSQL summed over its processes (RSS and PSS); CPU seconds used between start and stop. */
function startSampler(stackPid: number) {
  const first = new Map(snapshot(stackPid).map((s) => [s.pid, s]));
  const peak = new Map<string, number>();
  const timeline: { atS: number; rssMb: Record<string, number>; postgresPssMb: number }[] = [];
  const started = Date.now();
  const label = (s: Sample, all: Sample[]) =>
    s.role === 'worker' || s.role === 'api'
      ? `${s.role}-${all.filter((o) => o.role === s.role && o.pid < s.pid).length + 1}`
      : s.role;
  const take = () => {
    const all = snapshot(stackPid);
    const rssMb: Record<string, number> = {};
    for (const s of all) {
      if (s.role === 'postgres') continue;
      const name = label(s, all);
      rssMb[name] = s.rssMb;
      peak.set(name, Math.max(peak.get(name) ?? 0, s.rssMb));
    }
    const postgres = all.filter((s) => s.role === 'postgres');
    rssMb.postgresSum = round(postgres.reduce((sum, s) => sum + s.rssMb, 0));
    const postgresPssMb = round(postgres.reduce((sum, s) => sum + s.pssMb, 0));
    peak.set('postgresRssSum', Math.max(peak.get('postgresRssSum') ?? 0, rssMb.postgresSum));
    peak.set('postgresPssSum', Math.max(peak.get('postgresPssSum') ?? 0, postgresPssMb));
    timeline.push({ atS: Math.round((Date.now() - started) / 1000), rssMb, postgresPssMb });
    return all;
  };
  take();
  const timer = setInterval(take, 5_000);
  return {
    stop() {
      clearInterval(timer);
      const last = take();
      const cpuS: Record<string, number> = {};
      for (const s of last) {
        const name = s.role === 'postgres' ? 'postgres' : label(s, last);
        cpuS[name] = round((cpuS[name] ?? 0) + s.cpuS - (first.get(s.pid)?.cpuS ?? 0));
      }
      const wallS = (Date.now() - started) / 1000;
      // Keep at most ~60 points of the timeline.
      const every = Math.max(1, Math.ceil(timeline.length / 60));
      return {
        peakMb: Object.fromEntries(peak),
        cpuSeconds: cpuS,
        cpuShareOfOneCore: Object.fromEntries(Object.entries(cpuS).map(([k, v]) => [k, round(v / wallS, 2)])),
        wallS: Math.round(wallS),
        timeline: timeline.filter((_, i) => i % every === 0 || i === timeline.length - 1),
      };
    },
  };
}

// ---- the stack ----

async function startProductionStack(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bin', 'stack-production.ts')], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORT: String(PORT),
      EMBEDDED_POSTGRES_PORT: String(POSTGRES_PORT),
      EMBEDDED_TEMPORAL_PORT: String(TEMPORAL_PORT),
      PASBAN_DATA_DIR: dataDir,
      PASBAN_ADMIN_API_KEY: TEST_ADMIN_KEY,
      // One admin key drives the whole load; the shared limiter is not what is measured.
      RATE_LIMIT_PER_MINUTE: '100000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 20 * 60_000;
  while (!output.includes('Press Ctrl-C')) {
    if (child.exitCode !== null) throw new Error(`stack:production exited ${child.exitCode}:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`stack:production not up in 20 min:\n${output.slice(-3000)}`);
    await sleep(500);
  }
  return { child, output: () => output };
}

/** Connection errors retried (a keep-alive socket the server closed as it was reused): counted per run. */
let networkRetries = 0;
type Request = ReturnType<typeof apiClient>;
function retrying(request: Request): Request {
  return async (method, url, body, headers) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(method, url, body, headers);
      } catch (error) {
        if (attempt >= 10) throw error;
        networkRetries++;
        await sleep(200);
      }
    }
  };
}

/**
 * API clients for both API processes: request i goes to process i % 2. A request that fails on
 * the connection is retried, as a client would, with the same Idempotency-Key (callers send one).
 */
function apis(key: string) {
  const clients = API_PORTS.map((p) => retrying(apiClient(`http://127.0.0.1:${p}`, key)));
  return (i: number) => clients[i % clients.length]!;
}

// ---- phases ----

async function rawStarts(client: Client, count: number, concurrency: number) {
  const queue = `bench-baseline-${randomUUID()}`;
  const started = performance.now();
  const latencies = await pool(count, concurrency, async () => {
    await client.workflow.start('pasbanBenchEmpty', { taskQueue: queue, workflowId: `bench-empty-${randomUUID()}` });
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    starts: count,
    perSecond: round(count / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

async function intakePhase(db: Database, client: Client, stackPid: number) {
  const tickets = env('BENCH_INTAKE_TICKETS', 2000);
  const concurrency = env('BENCH_CONCURRENCY', 32);
  // Deadlines a day away: nothing of this phase falls due during the run.
  const plan = await arrangeFastPlan(db, {
    key: `prod-intake-${randomUUID().slice(0, 8)}`,
    minutes: 1440,
    customers: 50,
  });
  const api = apis(TEST_ADMIN_KEY);
  const loadBefore = loadAverage();
  const sampler = startSampler(stackPid);
  const rawBefore = await rawStarts(client, tickets, concurrency);
  let failures = 0;
  const started = performance.now();
  const latencies = await pool(tickets, concurrency, async (i) => {
    const res = await api(i)(
      'POST',
      '/v1/tickets',
      {
        customerId: plan.customerIds[i % plan.customerIds.length],
        productId: plan.productId,
        priority: PRIORITIES[i % 4],
        subject: `intake ${i}`,
        description: 'production-shape intake benchmark',
      },
      { 'idempotency-key': `${run}-intake-${i}` },
    );
    if (res.status !== 201) failures++;
  });
  const seconds = (performance.now() - started) / 1000;
  const intakeProcesses = sampler.stop();
  const rawAfter = await rawStarts(client, tickets, concurrency);
  const intake = {
    tickets,
    failures,
    perSecond: round(tickets / seconds),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
  const result = {
    machine: describeMachine(),
    concurrency,
    apiProcesses: API_PORTS.length,
    rawTemporalBefore: rawBefore,
    intake,
    rawTemporalAfter: rawAfter,
    ratioToRawBefore: round(intake.perSecond / rawBefore.perSecond, 2),
    ratioToRawAfter: round(intake.perSecond / rawAfter.perSecond, 2),
    networkRetries,
    processes: { ...intakeProcesses, timeline: undefined },
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
  };
  writeResult('production-intake', result);
}

async function claimsPhase(db: Database, stackPid: number) {
  const count = env('BENCH_CLAIMS', 500);
  const concurrency = env('BENCH_CLAIMS_CONCURRENCY', 16);
  const { product, customers } = await arrangeClaimants(db, count);
  const staff = apis(TEST_ADMIN_KEY);
  const outage = await staff(0)('POST', '/v1/outages', {
    productId: product.id,
    startedAt: new Date(Date.now() - 6 * HOUR).toISOString(),
    endedAt: new Date(Date.now() - HOUR).toISOString(),
    cause: 'unplanned',
    description: 'پنل پیامک در دسترس نبود',
  });
  if (outage.status !== 201) throw new Error(`outage not recorded: ${outage.status} ${JSON.stringify(outage.body)}`);
  const loadBefore = loadAverage();
  const sampler = startSampler(stackPid);
  const claimIds: string[] = [];
  let filingFailures = 0;
  const filingStarted = performance.now();
  const filing = await pool(count, concurrency, async (i) => {
    const res = await retrying(apiClient(`http://127.0.0.1:${API_PORTS[i % API_PORTS.length]}`, customers[i]!.key))(
      'POST',
      '/v1/claims',
      { productId: product.id, outageIds: [outage.body.id] },
      { 'idempotency-key': `${run}-claim-${i}` },
    );
    if (res.status === 201) claimIds.push(res.body.id);
    else filingFailures++;
  });
  const filingSeconds = (performance.now() - filingStarted) / 1000;
  const waitUntil = Date.now() + 10 * 60_000;
  while (
    Date.now() < waitUntil &&
    (await db.claim.count({ where: { id: { in: claimIds }, acknowledgedAt: { not: null } } })) < claimIds.length
  ) {
    await sleep(1_000);
  }
  const acknowledged = await db.claim.findMany({
    where: { id: { in: claimIds }, acknowledgedAt: { not: null } },
    select: { receivedAt: true, acknowledgedAt: true },
  });
  const ackDelays = acknowledged.map((c) => c.acknowledgedAt!.getTime() - c.receivedAt.getTime());
  let decisionFailures = 0;
  const decisionsStarted = performance.now();
  const decisions = await pool(claimIds.length, concurrency, async (i) => {
    const res = await staff(i)(
      'POST',
      `/v1/claims/${claimIds[i]}/approve`,
      {},
      { 'idempotency-key': `${run}-approve-${i}` },
    );
    if (res.status !== 200) decisionFailures++;
  });
  const decisionSeconds = (performance.now() - decisionsStarted) / 1000;
  const creditNotes = await db.creditNote.count({ where: { claimId: { in: claimIds } } });
  const processes = sampler.stop();
  writeResult('production-claims', {
    machine: describeMachine(),
    claims: count,
    concurrency,
    filing: {
      failures: filingFailures,
      perSecond: round(count / filingSeconds),
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
      perSecond: round(claimIds.length / decisionSeconds),
      p50Ms: percentile(decisions, 50),
      p99Ms: percentile(decisions, 99),
      creditNotes,
    },
    networkRetries,
    processes: { ...processes, timeline: undefined },
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
  });
}

async function ticketsPhase(db: Database, stackPid: number) {
  const tickets = env('BENCH_OPEN_TICKETS', 20_000);
  const concurrency = env('BENCH_CONCURRENCY', 32);
  const firstMinutes = env('BENCH_FIRST_DEADLINE_MINUTES', 10);
  const spreadMinutes = env('BENCH_SPREAD_MINUTES', 20);
  // 4 plans × 4 priorities = 16 deadline slots, evenly spread over spreadMinutes.
  const step = spreadMinutes / 15;
  const plans: FastPlan[] = [];
  for (let p = 0; p < 4; p++) {
    plans.push(
      await arrangeFastPlan(db, {
        key: `prod-open-${p}-${randomUUID().slice(0, 8)}`,
        minutes: Math.round(firstMinutes + p * step),
        bandMinutes: Math.round(4 * step),
        customers: 25,
      }),
    );
  }
  const api = apis(TEST_ADMIN_KEY);
  const loadBefore = loadAverage();
  const sampler = startSampler(stackPid);
  const phaseStarted = Date.now();
  const ticketIds: string[] = [];
  let failures = 0;
  const intakeStarted = performance.now();
  const latencies = await pool(tickets, concurrency, async (i) => {
    const plan = plans[i % 4]!;
    const res = await api(i)(
      'POST',
      '/v1/tickets',
      {
        customerId: plan.customerIds[Math.floor(i / 4) % plan.customerIds.length],
        productId: plan.productId,
        priority: PRIORITIES[Math.floor(i / 4) % 4],
        subject: `open ${i}`,
        description: 'production-shape open-tickets benchmark',
      },
      { 'idempotency-key': `${run}-open-${i}` },
    );
    if (res.status === 201) ticketIds.push(res.body.id);
    else failures++;
  });
  const intakeSeconds = (performance.now() - intakeStarted) / 1000;
  const customerIds = plans.flatMap((p) => p.customerIds);
  const breachesOf = () =>
    db.escalation.count({ where: { kind: 'breach', ticket: { customerId: { in: customerIds } } } });
  const lastDeadline = phaseStarted + (intakeSeconds * 1000 + (firstMinutes + spreadMinutes) * 60_000);
  const waitUntil = lastDeadline + env('BENCH_GRACE_MINUTES', 5) * 60_000;
  let openAtFirstDeadline: number | undefined;
  for (;;) {
    const recorded = await breachesOf();
    if (Date.now() > waitUntil || recorded >= ticketIds.length) break;
    if (openAtFirstDeadline === undefined && recorded > 0) openAtFirstDeadline = ticketIds.length - recorded;
    console.log(
      `${new Date().toISOString()} breaches ${recorded}/${ticketIds.length}; load ${loadAverage().join(' ')}`,
    );
    await sleep(15_000);
  }
  const processes = sampler.stop();
  const escalations = await db.escalation.findMany({
    where: { kind: 'breach', ticket: { customerId: { in: customerIds } } },
    select: { ticketId: true, dueAt: true, firedAt: true, dedupeKey: true },
  });
  const perTicket = new Map<string, number>();
  for (const e of escalations) perTicket.set(e.ticketId, (perTicket.get(e.ticketId) ?? 0) + 1);
  const delays = escalations.map((e) => e.firedAt.getTime() - e.dueAt.getTime());
  const workers = Object.entries(processes.peakMb).filter(([name]) => name.startsWith('worker'));
  writeResult('production-tickets', {
    machine: describeMachine(),
    tickets,
    concurrency,
    deadlines: {
      firstAfterMinutes: firstMinutes,
      spreadMinutes,
      slots: 16,
      note: 'each ticket falls due its slot after it opened; intake itself spreads them further',
    },
    intake: {
      failures,
      seconds: Math.round(intakeSeconds),
      perSecond: round(tickets / intakeSeconds),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    },
    breach: {
      openTicketsWhenFirstBreachSeen: openAtFirstDeadline ?? ticketIds.length,
      ticketsOpened: ticketIds.length,
      escalationsRecorded: escalations.length,
      ticketsBreached: perTicket.size,
      ticketsBreachedMoreThanOnce: [...perTicket.values()].filter((c) => c > 1).length,
      missing: ticketIds.filter((id) => !perTicket.has(id)).length,
      distinctDedupeKeys: new Set(escalations.map((e) => e.dedupeKey)).size,
      p50DelayMs: percentile(delays, 50),
      p99DelayMs: percentile(delays, 99),
      maxDelayMs: delays.length ? Math.max(...delays) : NaN,
    },
    memory: {
      workerPeakRssMb: Object.fromEntries(workers),
      underOneGiB: workers.every(([, mb]) => mb < 1024),
      temporalPeakRssMb: processes.peakMb.temporal,
      postgresPeakRssSumMb: processes.peakMb.postgresRssSum,
      postgresPeakPssSumMb: processes.peakMb.postgresPssSum,
    },
    networkRetries,
    processes,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAverage(),
  });
}

export async function runProductionBench() {
  const phases = (process.env.BENCH_PHASES ?? 'intake,claims,tickets').split(',').map((p) => p.trim());
  const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-production-'));
  const attachPid = process.env.BENCH_STACK_PID ? Number(process.env.BENCH_STACK_PID) : undefined;
  const stack = attachPid === undefined ? await startProductionStack(dataDir) : undefined;
  const stackPid = attachPid ?? stack!.child.pid!;
  const db = createDatabase(`postgresql://postgres:pasban-embedded@127.0.0.1:${POSTGRES_PORT}/pasban`);
  const client = new Client({ connection: await Connection.connect({ address: `127.0.0.1:${TEMPORAL_PORT}` }) });
  try {
    console.log(
      `stack ${stackPid}: ${snapshot(stackPid)
        .map((s) => `${s.role}:${s.pid}`)
        .join(' ')}`,
    );
    if (phases.includes('intake')) await intakePhase(db, client, stackPid);
    if (phases.includes('claims')) await claimsPhase(db, stackPid);
    if (phases.includes('tickets')) await ticketsPhase(db, stackPid);
  } finally {
    await client.connection.close();
    await db.$disconnect();
    if (stack) {
      stack.child.kill('SIGTERM');
      await new Promise((resolve) => stack.child.once('exit', resolve));
      if (!process.env.BENCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

if (require.main === module)
  runProductionBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
