/**
 * The four reports on a year-two database: an embedded PostgreSQL of its own, migrated, with the
 * presets and bench/reports-world.sql's world (BENCH_REPORT_OUTCOMES recorded outcomes, default
 * 1,000,000, on BENCH_REPORT_TICKETS tickets, default 300,000, over 24 Jalali months). Each report
 * runs for one month and for twelve, BENCH_REPORT_RUNS times after a warm-up, through the same
 * service functions the routes call; p50/p95 and every query's EXPLAIN ANALYZE go to
 * bench/results/reports.json (plans also in reports-plans.txt).
 * Run: npx tsx bench/reports.bench.ts   (targets: p95 < 300 ms for a month, < 1 s for 12 months)
 *
 * Seeding a million outcomes takes minutes. BENCH_REPORT_DATA_DIR=<dir> keeps the database there
 * and reuses it on the next run: a database that already holds the bench world (a row in
 * bench_world, with the same sizes and first month) is migrated to the current schema and timed
 * without seeding again. BENCH_REPORT_SEED_ONLY=1 seeds (or migrates) and stops before the timings.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import { breachesReportFor, breachesReportQueries, type BreachesReportInput } from '../api/reports/breaches';
import { changeRequestsReportFor, changeRequestsReportQueries } from '../api/reports/change-requests';
import { claimsReportFor, claimsReportQueries } from '../api/reports/claims';
import { reportPeriod, type ReportPeriod } from '../api/reports/period';
import { slaReportFor, slaReportQueries, type SlaReportInput } from '../api/reports/sla';
import { createDatabase, type Database } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { createLogger } from '../platform/logger';
import { migrate } from '../platform/migrations';
import { seedPresets } from '../platform/seed';
import {
  formatJalaliMonth,
  jalaliMonthOf,
  jalaliMonthSpan,
  nextJalaliMonth,
  type JalaliMonth,
} from '../sla/jalali-month';
import { freePort } from '../test/support/ports';
import { describeMachine, percentile, writeResult } from './support';

const OUTCOMES = Number(process.env.BENCH_REPORT_OUTCOMES ?? 1_000_000);
const TICKETS = Number(process.env.BENCH_REPORT_TICKETS ?? 300_000);
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 20);
const MONTHS = 24;

/** 24 Jalali months ending where the current month starts; the month timed is the 13th, the year the last 12. */
export function benchMonths(): JalaliMonth[] {
  let month = jalaliMonthOf(Date.now());
  month = { year: month.year - 2, month: month.month };
  const months: JalaliMonth[] = [];
  for (let i = 0; i < MONTHS; i++, month = nextJalaliMonth(month)) months.push(month);
  return months;
}

export function worldSql(months: JalaliMonth[]): string {
  const start = new Date(jalaliMonthSpan(months[0]!).startMs).toISOString();
  const end = new Date(jalaliMonthSpan(months[MONTHS - 1]!).endMs).toISOString();
  const values: Record<string, string> = {
    start: `'${start}'::timestamptz`,
    end: `'${end}'::timestamptz`,
    tickets: String(TICKETS),
    outcomes: String(OUTCOMES),
    months: String(MONTHS),
    creditMonths: `(ARRAY[${months.map((m) => `'${formatJalaliMonth(m)}'`).join(', ')}]::text[])`,
  };
  return readFileSync(path.join(__dirname, 'reports-world.sql'), 'utf8').replace(
    /:(start|end|tickets|outcomes|months|creditMonths)\b/g,
    (_, name: string) => values[name]!,
  );
}

type Report = 'sla' | 'breaches' | 'claims' | 'change-requests';

function runner(
  db: Database,
  report: Report,
  period: ReportPeriod,
): { run: () => Promise<unknown>; queries: Prisma.Sql[] } {
  const base = { period, asOfMs: Date.now() };
  switch (report) {
    case 'sla': {
      const input: SlaReportInput = { ...base, groupBy: 'priority' };
      return { run: () => slaReportFor(db, input), queries: slaReportQueries(input) };
    }
    case 'breaches': {
      const input: BreachesReportInput = { ...base, limit: 200 };
      return { run: () => breachesReportFor(db, input), queries: breachesReportQueries(input) };
    }
    case 'claims':
      return { run: () => claimsReportFor(db, base), queries: claimsReportQueries(base) };
    case 'change-requests':
      return { run: () => changeRequestsReportFor(db, base), queries: changeRequestsReportQueries(base) };
  }
}

async function explain(client: Client, query: Prisma.Sql): Promise<string> {
  const result = await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.text}`,
    query.values as unknown[],
  );
  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}

export async function runReportsBench() {
  const keptDir = process.env.BENCH_REPORT_DATA_DIR;
  const dataDir = keptDir ? path.resolve(keptDir) : mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-reports-'));
  const logger = createLogger('warn');
  const postgres = await startEmbeddedPostgres({
    dataDir,
    port: Number(process.env.BENCH_POSTGRES_PORT ?? (await freePort())),
    logger,
  });
  const client = new Client({ connectionString: postgres.url });
  const db = createDatabase(postgres.url);
  try {
    const migrateStarted = performance.now();
    await migrate(postgres.url, logger);
    const migrateSeconds = Math.round((performance.now() - migrateStarted) / 100) / 10;
    await client.connect();
    const months = benchMonths();
    const world = `${OUTCOMES} outcomes, ${TICKETS} tickets, from ${formatJalaliMonth(months[0]!)}`;
    await client.query(
      'CREATE TABLE IF NOT EXISTS bench_world (world TEXT NOT NULL, seed_seconds FLOAT8, refresh_seconds FLOAT8)',
    );
    const seeded = (
      await client.query<{ seed_seconds: number; refresh_seconds: number }>(
        'SELECT * FROM bench_world WHERE world = $1',
        [world],
      )
    ).rows[0];
    let seedSeconds: number;
    let refreshSeconds: number;
    if (seeded) {
      seedSeconds = seeded.seed_seconds;
      refreshSeconds = seeded.refresh_seconds;
      console.log(`reusing the world in ${dataDir} (${world}); migrations took ${migrateSeconds} s`);
      await client.query('SELECT report_refresh_dirty()');
    } else {
      if ((await client.query('SELECT 1 FROM bench_world')).rowCount)
        throw new Error(`${dataDir} holds another bench world`);
      await seedPresets(db, logger);
      const seedStarted = performance.now();
      await client.query(worldSql(months));
      seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
      // The writes only queued their 300,000 tickets; the first report would refresh them all. The
      // refresh is timed here, apart from the reports.
      const refreshStarted = performance.now();
      await client.query('SELECT report_refresh_dirty()');
      refreshSeconds = Math.round((performance.now() - refreshStarted) / 100) / 10;
      await client.query('INSERT INTO bench_world VALUES ($1, $2, $3)', [world, seedSeconds, refreshSeconds]);
    }
    await client.query('VACUUM ANALYZE');
    // The plans with the work_mem the SLA and breaches reports set for their transaction.
    await client.query("SET work_mem = '64MB'");
    const counts = (
      await client.query(
        'SELECT (SELECT count(*) FROM sla_outcomes)::int AS outcomes, (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM escalations)::int AS escalations, (SELECT count(*) FROM ticket_events)::int AS events, (SELECT count(*) FROM claims)::int AS claims, (SELECT count(*) FROM change_requests)::int AS "changeRequests", (SELECT count(*) FROM report_ticket_targets)::int AS "reportTargets", (SELECT count(*) FROM report_escalation_messages)::int AS "reportMessages"',
      )
    ).rows[0];
    console.log(`seeded in ${seedSeconds} s, refreshed in ${refreshSeconds} s:`, counts);
    if (process.env.BENCH_REPORT_SEED_ONLY) return null;

    const load = () =>
      os
        .loadavg()
        .map((l) => Math.round(l * 10) / 10)
        .join(' / ');
    const loadAtStart = load();
    const month = formatJalaliMonth(months[12]!);
    const windows = {
      month: { label: month, period: reportPeriod({ month }) },
      year: {
        label: `${formatJalaliMonth(months[12]!)}…${formatJalaliMonth(months[23]!)}`,
        period: yearPeriod(months.slice(12)),
      },
    };
    const results: Record<
      string,
      Record<string, { window: string; p50Ms: number; p95Ms: number; maxMs: number; plans: string[] }>
    > = {};
    for (const report of ['sla', 'breaches', 'claims', 'change-requests'] as const) {
      results[report] = {};
      for (const [name, window] of Object.entries(windows)) {
        const { run, queries } = runner(db, report, window.period);
        await run();
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          await run();
          times.push(performance.now() - started);
        }
        const plans: string[] = [];
        for (const query of queries) plans.push(await explain(client, query));
        results[report]![name] = {
          window: window.label,
          p50Ms: percentile(times, 50),
          p95Ms: percentile(times, 95),
          maxMs: Math.round(Math.max(...times)),
          plans,
        };
        console.log(report, name, results[report]![name]!.p50Ms, results[report]![name]!.p95Ms);
      }
    }
    // The machine is shared (2 cores, 8 agents at once): the load average before and after the timings.
    const loadAverage = `${loadAtStart} before, ${load()} after`;
    // BENCH_REPORT_NOTE says what else ran on the machine (it goes into the README row).
    const result = {
      machine: describeMachine(),
      loadAverage,
      note: process.env.BENCH_REPORT_NOTE ?? null,
      outcomes: counts.outcomes,
      counts,
      seedSeconds,
      refreshSeconds,
      runs: RUNS,
      targets: { monthP95Ms: 300, yearP95Ms: 1000 },
      reports: results,
    };
    writeResult('reports', result, { quiet: true });
    writeFileSync(
      path.join(__dirname, 'results', 'reports-plans.txt'),
      Object.entries(results)
        .flatMap(([report, byWindow]) =>
          Object.entries(byWindow).flatMap(([name, r]) =>
            r.plans.map((plan, i) => `== ${report}, ${name} (${r.window}), query ${i + 1}\n${plan}\n`),
          ),
        )
        .join('\n'),
    );
    return result;
  } finally {
    await client.end().catch(() => undefined);
    await db.$disconnect();
    await postgres.stop();
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Twelve whole Jalali months as one period. */
function yearPeriod(months: JalaliMonth[]): ReportPeriod {
  const first = jalaliMonthSpan(months[0]!);
  const last = jalaliMonthSpan(months[months.length - 1]!);
  const day = (ms: number) => new Date(ms + 12_600_000).toISOString().slice(0, 10);
  return reportPeriod({ from: day(first.startMs), to: day(last.endMs - 1) });
}

if (require.main === module) void runReportsBench();
