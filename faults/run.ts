/**
 * npm run faults: the fault scripts on the service run as separate processes (faults/stack.ts).
 *   FAULT_TICKETS (default 1000)   tickets open in each script
 *   FAULT_DEADLINE_MINUTES         first-response deadline after opening (default: 2, or 1 under 300 tickets)
 *   FAULT_ONLY=worker-kill,...     a subset of the scripts
 *   FAULT_RESULTS=dir              where to keep the results (default faults/results)
 * Prints each check, keeps faults/results/<script>.json, and exits 1 if any check failed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from '../bench/support';
import type { Check } from './checks';
import { postgresOutage } from './scenarios/postgres-outage';
import { receiverOutage } from './scenarios/receiver-outage';
import { serviceKill } from './scenarios/service-kill';
import { temporalRestart } from './scenarios/temporal-restart';
import { workerKill } from './scenarios/worker-kill';
import { FaultStack } from './stack';

type Options = { tickets: number; deadlineMinutes: number };
type Result = { scenario: string; checks: Check[] };

/** Scripts on the separate-process stack, and scripts that run `npm start` themselves. */
const onFaultStack: Record<string, (stack: FaultStack, options: Options) => Promise<Result>> = {
  'worker-kill': workerKill,
  'temporal-restart': temporalRestart,
  'postgres-outage': postgresOutage,
  'receiver-outage': receiverOutage,
};
const onOwnStack: Record<string, (dataDir: string, options: Options) => Promise<Result>> = {
  'service-kill': serviceKill,
};
const scenarios = { ...onFaultStack, ...onOwnStack };

async function main(): Promise<void> {
  const tickets = Number(process.env.FAULT_TICKETS ?? 1000);
  const deadlineMinutes = Number(process.env.FAULT_DEADLINE_MINUTES ?? (tickets < 300 ? 1 : 2));
  const only =
    process.env.FAULT_ONLY?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? Object.keys(scenarios);
  const unknown = only.filter((name) => !scenarios[name]);
  if (unknown.length > 0)
    throw new Error(`unknown fault script(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
  const resultsDir = path.resolve(process.env.FAULT_RESULTS ?? path.join(__dirname, 'results'));
  mkdirSync(resultsDir, { recursive: true });

  let failed = 0;
  for (const name of only) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `pasban-fault-${name}-`));
    console.log(
      `\n== ${name}: ${tickets} tickets, deadlines ${deadlineMinutes} min after opening (data in ${dataDir})`,
    );
    const started = Date.now();
    let result: Result;
    const own = onOwnStack[name];
    if (own) {
      result = await own(dataDir, { tickets, deadlineMinutes });
    } else {
      const stack = await FaultStack.start(dataDir);
      try {
        result = await onFaultStack[name]!(stack, { tickets, deadlineMinutes });
      } finally {
        await stack.close();
      }
    }
    const record = { ...result, machine: describeMachine(), durationS: Math.round((Date.now() - started) / 1000) };
    writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify(record, null, 2) + '\n');
    for (const c of result.checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    const { checks: _checks, machine: _machine, ...figures } = record;
    console.log(`  ${JSON.stringify(figures)}`);
    failed += result.checks.filter((c) => !c.ok).length;
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(failed === 0 ? '\nall fault checks passed' : `\n${failed} fault check(s) failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
