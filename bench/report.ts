/**
 * One report from the latest results in bench/results/: report.json (every figure, with the
 * machine each ran on) and report.md, whose table is also written into the README between its
 * bench markers. Run after the benchmarks (npm run bench does), or alone: npx tsx bench/report.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const results = path.join(__dirname, 'results');
const readme = path.join(__dirname, '..', 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function read(name: string): Json | undefined {
  const file = path.join(results, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

const n = (value: number) => Math.round(value).toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const ms = (value: number) => `${n(value)} ms`;

export function renderReport(): { json: Json; markdown: string } {
  const calendar = read('calendar');
  const tickets = read('tickets-bands');
  const claims = read('claims');
  const reports = read('reports');
  const webhooks = read('webhooks');
  const consolePages = read('console');
  const machine = tickets?.machine ?? claims?.machine ?? calendar?.machine ?? reports?.machine;
  const rows: string[][] = [];
  // Each benchmark's own date: `npm run bench` runs them all at once, a single one may be rerun alone.
  const day = (result: Json) => (result?.machine?.date ?? '').slice(0, 10);
  for (const c of calendar?.results ?? []) {
    rows.push([
      `Deadline arithmetic: ${c.case}`,
      `${n(c.warmPerSecond)}/s warm, ${n(c.coldPerSecond)}/s cold (one core; goal ${n(calendar.goalPerSecond)}/s)`,
      day(calendar),
    ]);
  }
  if (tickets) {
    const ratio = tickets.intake.perSecond / tickets.rawTemporalBaseline.perSecond;
    rows.push(
      [
        `Ticket intake over HTTP (${tickets.concurrency} at a time)`,
        `${tickets.intake.perSecond}/s, p50 ${ms(tickets.intake.p50Ms)}, p99 ${ms(tickets.intake.p99Ms)}, ${tickets.intake.failures} failed`,
        day(tickets),
      ],
      [
        'Raw Temporal start, same run and concurrency',
        `${tickets.rawTemporalBaseline.perSecond}/s, p50 ${ms(tickets.rawTemporalBaseline.p50Ms)}, p99 ${ms(tickets.rawTemporalBaseline.p99Ms)} (intake runs at ${ratio.toFixed(2)} of it)`,
        day(tickets),
      ],
      [
        `Breach latency, ${n(tickets.breach.openTicketsAtDeadlines)} open tickets, deadlines in ${tickets.deadlines.bands} band(s) ${tickets.deadlines.bandMinutes} min apart`,
        `${n(tickets.breach.escalationsRecorded)} recorded (${n(tickets.breach.distinctDedupeKeys)} distinct); delay p50 ${s(tickets.breach.p50DelayMs)}, p99 ${s(tickets.breach.p99DelayMs)}, max ${s(tickets.breach.maxDelayMs)}`,
        day(tickets),
      ],
      [
        'Service memory (worker + API process)',
        `${n(tickets.memory.serviceRssMbIdle)} MB idle, ${n(tickets.memory.serviceRssMbWithOpenTickets)} MB with ${n(tickets.breach.openTicketsAtDeadlines)} open ticket workflows, ${n(tickets.memory.serviceRssMbAfterBreaches)} MB after their breaches`,
        day(tickets),
      ],
    );
  }
  if (claims) {
    rows.push(
      [
        `Claims filed over HTTP (${claims.concurrency} at a time)`,
        `${claims.filing.perSecond}/s, p50 ${ms(claims.filing.p50Ms)}, p99 ${ms(claims.filing.p99Ms)}, ${claims.filing.failures} failed`,
        day(claims),
      ],
      [
        'Claim acknowledged after receipt',
        `p50 ${s(claims.acknowledgement.p50Ms)}, p99 ${s(claims.acknowledgement.p99Ms)}, max ${s(claims.acknowledgement.maxMs)} (${n(claims.acknowledgement.acknowledged)} of ${n(claims.claims)})`,
        day(claims),
      ],
      [
        'QA decisions (approve → credit note)',
        `${claims.decisions.perSecond}/s, p50 ${ms(claims.decisions.p50Ms)}, p99 ${ms(claims.decisions.p99Ms)}; ${n(claims.decisions.creditNotes)} credit notes`,
        day(claims),
      ],
    );
  }
  for (const [name, r] of Object.entries<Json>(reports?.reports ?? {})) {
    rows.push([
      `Report ${name}, ${n(reports.outcomes)} recorded outcomes (${n(reports.counts.tickets)} tickets, 24 months)`,
      `one month p50 ${ms(r.month.p50Ms)}, p95 ${ms(r.month.p95Ms)}; 12 months p50 ${ms(r.year.p50Ms)}, p95 ${ms(r.year.p95Ms)} (goals 300 ms / 1 s; load average ${reports.loadAverage}${reports.note ? `; ${reports.note}` : ''})`,
      day(reports),
    ]);
  }
  if (webhooks) {
    const { paced, backlog } = webhooks;
    const load = (phase: Json) =>
      `load average ${phase.loadAverageBefore.join(' / ')} before${webhooks.note ? `; ${webhooks.note}` : ''}`;
    const kept = (phase: Json) =>
      `${n(phase.missing)} lost, ${n(phase.objectsOutOfOrder)} objects out of order, ${n(phase.duplicates)} duplicates`;
    rows.push(
      [
        `Webhook delay, event → delivery, ${n(webhooks.events)} events at ${paced.ratePerSecond}/s over ${webhooks.objects} objects`,
        `p50 ${s(paced.delayMs.p50)}, p99 ${s(paced.delayMs.p99)}, max ${s(paced.delayMs.max)}; ${paced.deliveredPerSecond}/s delivered; ${kept(paced)} (${load(paced)})`,
        day(webhooks),
      ],
      [
        `Webhook delivery throughput, backlog of ${n(webhooks.events)} events drained after resume`,
        `${backlog.deliveredPerSecond}/s (${s(backlog.drainedInS * 1000)}); ${kept(backlog)} (${load(backlog)})`,
        day(webhooks),
      ],
    );
  }
  if (consolePages) {
    const page = (name: string) => consolePages.pages[name];
    const figures = (name: string) =>
      `${page(name).path} p50 ${ms(page(name).firstRenderMs.p50)}, p95 ${ms(page(name).firstRenderMs.p95)} (${n(page(name).rowsRendered)} rows)`;
    rows.push([
      `Console first render in Chromium, ${n(consolePages.openTickets)} open tickets in the manager's scope`,
      `${figures('now')}; ${figures('tickets')}; ${consolePages.runsPerPage} cold visits each (goal 1 s; load average ${consolePages.loadAverage.join(' / ')}; ${consolePages.browserErrors.length} browser errors)`,
      day(consolePages),
    ]);
  }
  const load = (r: Json) =>
    `load average ${r.loadAverageBefore.join(' / ')} before, ${r.loadAverageAfter.join(' / ')} after; 2 cores shared with other agents' work${r.note ? `; ${r.note}` : ''}`;
  const production = {
    intake: read('production-intake'),
    claims: read('production-claims'),
    tickets: read('production-tickets'),
  };
  const shape = 'Production shape (real Temporal server, 2 API + 2 worker processes)';
  if (production.intake) {
    const r = production.intake;
    rows.push(
      [
        `${shape}: ticket intake over HTTP through both API processes (${r.concurrency} at a time)`,
        `${r.intake.perSecond}/s, p50 ${ms(r.intake.p50Ms)}, p99 ${ms(r.intake.p99Ms)}, ${r.intake.failures} failed of ${n(r.intake.tickets)} (${load(r)})`,
        day(r),
      ],
      [
        `${shape}: raw Temporal start, same run, server and concurrency`,
        `before ${r.rawTemporalBefore.perSecond}/s (p50 ${ms(r.rawTemporalBefore.p50Ms)}, p99 ${ms(r.rawTemporalBefore.p99Ms)}), after ${r.rawTemporalAfter.perSecond}/s; intake runs at ${r.ratioToRawBefore} / ${r.ratioToRawAfter} of it (goal 0.70)`,
        day(r),
      ],
    );
  }
  if (production.claims) {
    const r = production.claims;
    rows.push([
      `${shape}: ${n(r.claims)}-claim filing burst (${r.concurrency} at a time)`,
      `filed ${r.filing.perSecond}/s (p99 ${ms(r.filing.p99Ms)}, ${r.filing.failures} failed); acknowledged p50 ${s(r.acknowledgement.p50Ms)}, p99 ${s(r.acknowledgement.p99Ms)} (goal 5 s; ${n(r.acknowledgement.acknowledged)} of ${n(r.claims)}); QA decisions ${r.decisions.perSecond}/s, p99 ${ms(r.decisions.p99Ms)}, ${n(r.decisions.creditNotes)} credit notes (${load(r)})`,
      day(r),
    ]);
  }
  if (production.tickets) {
    const r = production.tickets;
    const workers = Object.values<number>(r.memory.workerPeakRssMb).map(n).join(' / ');
    rows.push(
      [
        `${shape}: breach latency, ${n(r.breach.ticketsOpened)} open tickets, first deadlines ${r.deadlines.firstAfterMinutes}–${r.deadlines.firstAfterMinutes + r.deadlines.spreadMinutes} min after opening`,
        `${n(r.breach.ticketsBreached)} breached, ${n(r.breach.missing)} missing, ${n(r.breach.ticketsBreachedMoreThanOnce)} twice; delay p50 ${s(r.breach.p50DelayMs)}, p99 ${s(r.breach.p99DelayMs)}, max ${s(r.breach.maxDelayMs)} (goal p99 2 s; intake ${r.intake.perSecond}/s; ${load(r)})`,
        day(r),
      ],
      [
        `${shape}: memory, peak over that run`,
        `workers ${workers} MB RSS (goal < 1 GiB each); Temporal server ${n(r.memory.temporalPeakRssMb)} MB; PostgreSQL ${n(r.memory.postgresPeakPssSumMb)} MB PSS over its processes (${n(r.memory.postgresPeakRssSumMb)} MB RSS summed, shared buffers counted in each)`,
        day(r),
      ],
    );
  }
  const machineLine = machine
    ? `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GiB, ${machine.os ?? 'Linux'}, Node ${machine.node}`
    : 'no results yet';
  const table = [
    '| Benchmark | Result | Run on |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r[0]} | ${r[1]} | ${r[2]} |`),
  ].join('\n');
  const markdown = `Machine: ${machineLine}. The full stack is the run command itself (embedded PostgreSQL, Temporal's dev server with SQLite, worker and API in one process) on loopback, except the rows marked production shape: \`npm run stack:production\` (Temporal server 1.32.2 on the embedded PostgreSQL, 2 API and 2 worker processes), driven by \`bench/production.bench.ts\`.\n\n${table}\n`;
  return {
    json: {
      machine,
      calendar,
      tickets,
      claims,
      webhooks,
      console: consolePages,
      production,
      reports: reports && { ...reports, reports: withoutPlans(reports.reports) },
    },
    markdown,
  };
}

/** The plans stay in reports.json and reports-plans.txt; the summary keeps the figures. */
function withoutPlans(reports: Json): Json {
  return Object.fromEntries(
    Object.entries<Json>(reports).map(([name, windows]) => [
      name,
      Object.fromEntries(Object.entries<Json>(windows).map(([w, r]) => [w, { ...r, plans: undefined }])),
    ]),
  );
}

export function writeReport(): void {
  const { json, markdown } = renderReport();
  writeFileSync(path.join(results, 'report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(path.join(results, 'report.md'), `# Pasban benchmark report\n\n${markdown}`);
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start >= 0 && end > start) {
    writeFileSync(readme, `${text.slice(0, start + START.length)}\n${markdown}${text.slice(end)}`);
  }
  console.log(markdown);
}

if (require.main === module) writeReport();
