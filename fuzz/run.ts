/**
 * `npm run fuzz`: starts a stack of its own (temporary data directory), arranges keys of every
 * role and customers with contracts, fuzzes every operation of GET /openapi.json, prints the
 * counts and findings, and keeps them in fuzz/results/latest.json. Exits 1 on any finding.
 *
 *   FUZZ_RUNS  requests per operation (default 60)   FUZZ_SEED  the seed (default 20261122)
 *   FUZZ_ONLY  a regular expression over "METHOD /path" to fuzz only some operations
 *
 * Then Schemathesis (fuzz/schemathesis.ts) checks the same stack against the document:
 *   SCHEMATHESIS_EXAMPLES  generated cases per operation (default 25; 0 skips it)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../platform/database';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { arrangeFuzzWorld } from './arrange';
import { runFuzz } from './openapi-fuzz';
import { runSchemathesis } from './schemathesis';

async function main(): Promise<number> {
  const runsPerOperation = Number(process.env.FUZZ_RUNS ?? 60);
  const seed = Number(process.env.FUZZ_SEED ?? 20261122);
  const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-fuzz-'));
  console.log(`starting a stack in ${dataDir} …`);
  const stack = await startStack(dataDir);
  const db = createDatabase(stack.databaseUrl);
  try {
    const world = await arrangeFuzzWorld(db, stack.apiUrl, TEST_ADMIN_KEY);
    console.log(`fuzzing ${stack.apiUrl} with seed ${seed}, ${runsPerOperation} requests per operation …`);
    const summary = await runFuzz({
      apiUrl: stack.apiUrl,
      keys: world.keys,
      ids: world.ids,
      disposableIds: world.disposableIds,
      seed,
      runsPerOperation,
      only,
    });

    const width = Math.max(...Object.keys(summary.operations).map((k) => k.length));
    for (const [operation, counts] of Object.entries(summary.operations)) {
      const statuses = Object.entries(counts.byStatus)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([status, n]) => `${status}×${n}`)
        .join(' ');
      console.log(`  ${operation.padEnd(width)}  ${String(counts.requests).padStart(4)}  ${statuses}`);
    }
    console.log(`\noperations: ${Object.keys(summary.operations).length}`);
    console.log(`requests:   ${summary.requests} in ${(summary.durationMs / 1000).toFixed(1)} s`);
    console.log(
      `by status:  ${Object.entries(summary.byStatus)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', ')}`,
    );
    console.log(`findings:   ${summary.findings.length}`);
    for (const finding of summary.findings) {
      console.log(
        `  [${finding.kind}] ${finding.operation} (${finding.mutation}, ${finding.status ?? 'no answer'}, ×${finding.occurrences}): ${finding.message}`,
      );
      console.log(
        `      ${finding.example.method} ${finding.example.url}${finding.example.body ? `\n      body: ${finding.example.body.slice(0, 300)}` : ''}`,
      );
    }
    const results = path.join(__dirname, 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(
      path.join(results, 'latest.json'),
      `${JSON.stringify({ when: new Date().toISOString(), ...summary }, null, 2)}\n`,
    );
    console.log(`\nwrote ${path.relative(process.cwd(), path.join(results, 'latest.json'))}`);

    const examples = Number(process.env.SCHEMATHESIS_EXAMPLES ?? 25);
    let schemathesis = 0;
    if (examples > 0) {
      console.log(`\nSchemathesis ${examples} examples per operation …`);
      const reportDir = path.join(results, 'schemathesis');
      mkdirSync(reportDir, { recursive: true });
      schemathesis = await runSchemathesis({
        apiUrl: stack.apiUrl,
        key: TEST_ADMIN_KEY,
        examples,
        seed,
        resultsDir: reportDir,
      });
      console.log(`Schemathesis: ${schemathesis === 0 ? 'passed' : `failed (exit ${schemathesis})`}`);
    }
    return summary.findings.length > 0 || schemathesis !== 0 ? 1 : 0;
  } finally {
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
