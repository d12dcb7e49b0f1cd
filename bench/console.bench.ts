/**
 * The web console at 1,000 open tickets in a manager's scope: first render of the manager's pages
 * in a real Chromium (playwright-core + @sparticuz/chromium), on the full stack (the run command:
 * embedded PostgreSQL, Temporal dev server, worker and API, console served at /).
 *   - seeds BENCH_TICKETS open tickets over HTTP (real ticket workflows, first response due 40 to
 *     55 minutes after opening on the always-open calendar, so all of them are "at risk" on /now);
 *   - signs in as a manager (an API key, as the sign-in page would keep it for the tab);
 *   - BENCH_RUNS cold visits of each page (a new browser context each: empty cache and storage):
 *     "first render" is the time from the navigation's start to the moment the page's first data
 *     row is in the document (a MutationObserver installed before any script of the page runs),
 *     and "settled" to the moment the last row of the first screenful of data is there.
 * Run: npx tsx bench/console.bench.ts   (BENCH_TICKETS=1000, BENCH_RUNS=10; results in
 * bench/results/console.json). Goal (issue 17): first render under 1 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';
import { createDatabase } from '../platform/database';
import { apiClient } from '../test/support/http';
import { arrangeFastPlan, pool, PRIORITIES } from '../test/support/load';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { describeMachine, percentile, writeResult } from './support';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CONCURRENCY = 16;
const GOAL_MS = 1_000;

/** The manager's pages and the selector of one data row on each. */
const PAGES = [
  { name: 'now', path: '/now', row: '[data-testid="at-risk-ticket"]' },
  { name: 'tickets', path: '/tickets', row: '[data-testid="ticket-row"]' },
] as const;

async function launch(): Promise<Browser> {
  const { default: chromium } = await import('@sparticuz/chromium');
  const args = chromium.args.filter(
    (arg) => !['--single-process', '--disable-web-security', '--allow-running-insecure-content'].includes(arg),
  );
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** One cold visit: ms from navigation start to the first data row, and to the page's rows all being there. */
async function visit(browser: Browser, url: string, row: string, managerKey: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    // The sign-in page keeps an API key for the tab in sessionStorage; set before the page's scripts run.
    // (A script's text: the project's TypeScript has no DOM library, the page's code runs in the browser.)
    await context.addInitScript({
      content: `
        sessionStorage.setItem('pasban.apiKey', ${JSON.stringify(managerKey)});
        window.__marks = { first: -1 };
        new MutationObserver((_, observer) => {
          if (document.querySelector(${JSON.stringify(row)})) {
            window.__marks.first = performance.now();
            observer.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });`,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(url);
    await page.locator(row).first().waitFor({ timeout: 30_000 });
    // The rows of one answer are committed by React in one render: wait until the count stops growing.
    let rows = 0;
    for (;;) {
      const count = await page.locator(row).count();
      if (count === rows) break;
      rows = count;
      await page.waitForTimeout(100);
    }
    const firstMs = await page.evaluate(() => (globalThis as unknown as { __marks: { first: number } }).__marks.first);
    // Heap after the page has rendered and ticked for a second with every countdown.
    await page.waitForTimeout(1_000);
    const heapMb = await page.evaluate(
      () => ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 2 ** 20,
    );
    return { firstMs, rows, heapMb, errors };
  } finally {
    await context.close();
  }
}

export async function runConsoleBench() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-console-'));
  const stack = await startStack(dataDir, undefined, { LOG_LEVEL: 'error' });
  const db = createDatabase(stack.databaseUrl);
  let browser: Browser | undefined;
  try {
    // First responses due 40, 45, 50, 55 minutes after opening by priority: all within the hour.
    const { productId, customerIds } = await arrangeFastPlan(db, {
      key: 'bench-console',
      minutes: 40,
      bandMinutes: 5,
      customers: 50,
    });
    const admin = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
    let failures = 0;
    const seedStarted = performance.now();
    await pool(TICKETS, CONCURRENCY, async (i) => {
      const res = await admin('POST', '/v1/tickets', {
        customerId: customerIds[i % customerIds.length],
        productId,
        priority: PRIORITIES[i % 4],
        channel: 'portal',
        subject: `Console bench ticket ${i + 1}`,
        description: 'Seeded by bench/console.bench.ts',
      });
      if (res.status !== 201) failures++;
    });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // The list reads the deadline the ticket's workflow stores: wait until every ticket has one.
    for (let waited = 0; ; waited++) {
      const pending = await db.ticket.count({ where: { nextDeadlineAt: null } });
      if (pending === 0) break;
      if (waited > 600) throw new Error(`${pending} tickets without a deadline after 10 minutes`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const open = await db.ticket.count({ where: { status: { in: ['new', 'in_progress', 'waiting_on_customer'] } } });
    const manager = await admin('POST', '/v1/api-keys', { name: 'console bench manager', role: 'manager' });
    if (manager.status !== 201) throw new Error(`manager key: ${manager.status} ${JSON.stringify(manager.body)}`);

    browser = await launch();
    const pages: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const target of PAGES) {
      await visit(browser, stack.apiUrl + target.path, target.row, manager.body.key); // warm-up: the server's first answers
      const runs = [];
      for (let i = 0; i < RUNS; i++)
        runs.push(await visit(browser, stack.apiUrl + target.path, target.row, manager.body.key));
      errors.push(...runs.flatMap((r) => r.errors));
      const first = runs.map((r) => r.firstMs);
      pages[target.name] = {
        path: target.path,
        rowsRendered: runs[0]!.rows,
        firstRenderMs: { p50: percentile(first, 50), p95: percentile(first, 95), max: percentile(first, 100) },
        jsHeapMb: percentile(
          runs.map((r) => r.heapMb),
          50,
        ),
        meetsGoal: percentile(first, 95) < GOAL_MS,
      };
    }
    const result = {
      machine: describeMachine(),
      loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
      openTickets: open,
      seeded: { tickets: TICKETS, failures, seconds: Math.round(seedSeconds) },
      runsPerPage: RUNS,
      goalMs: GOAL_MS,
      pages,
      browserErrors: errors,
    };
    writeResult('console', result);
    return result;
  } finally {
    await browser?.close();
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runConsoleBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
