/**
 * npm run bench: every benchmark, one after the other, then one report (bench/results/report.md
 * and report.json, and the README's figures). Set BENCH_TICKETS, BENCH_CLAIMS etc. to scale them.
 */
import { runCalendarBench } from './calendar.bench';
import { runClaimsBench } from './claims.bench';
import { runConsoleBench } from './console.bench';
import { writeReport } from './report';
import { runReportsBench } from './reports.bench';
import { runTicketsBench } from './tickets.bench';
import { runWebhooksBench } from './webhooks.bench';

async function main(): Promise<void> {
  runCalendarBench();
  await runTicketsBench();
  await runClaimsBench();
  await runReportsBench();
  await runWebhooksBench();
  await runConsoleBench();
  writeReport();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
