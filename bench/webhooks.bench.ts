/**
 * Webhook delivery on the run command's stack (its worker's relay, real PostgreSQL, a receiver on
 * loopback). Events are written the way the triggers write them (`webhook_record`), 20 per object
 * over 500 objects, so the order-per-object rule is exercised:
 * - paced: BENCH_WEBHOOK_EVENTS (default 10,000) at BENCH_WEBHOOK_RATE a second (default 200):
 *   delay from the event's commit to its arrival, p50 / p99;
 * - backlog: the same number queued while the subscription is paused, then resumed: how fast the
 *   relay drains it (deliveries a second).
 * Each phase checks that every event arrived and that each object's events arrived in order.
 * `npx tsx bench/webhooks.bench.ts`; results in bench/results/webhooks.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, type Database } from '../platform/database';
import { startStack, TEST_ADMIN_KEY } from '../test/support/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';
import { describeMachine, percentile, writeResult } from './support';

const OBJECTS = 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function record(db: Database, objects: string[], from: number, count: number, phase: string): Promise<void> {
  // One statement per batch; each event's timestamp is its own commit-time clock.
  await db.$executeRawUnsafe(
    `SELECT webhook_record('ticket.replied', 'ticket', ($1::uuid[])[1 + (i % ${OBJECTS})], NULL, NULL, NULL, clock_timestamp(),
       jsonb_build_object('ticketId', ($1::uuid[])[1 + (i % ${OBJECTS})], 'sequence', i, 'phase', $2::text))
     FROM generate_series($3::int, $4::int) i`,
    objects,
    phase,
    from,
    from + count - 1,
  );
}

function inOrder(
  receiver: WebhookReceiver,
  phase: string,
): { objectsOutOfOrder: number; missing: number; duplicates: number; arrived: number } {
  const accepted = receiver.accepted().filter((r) => r.json.data.phase === phase);
  const byObject = new Map<string, number[]>();
  for (const r of accepted) {
    const key = String(r.json.data.ticketId);
    byObject.set(key, [...(byObject.get(key) ?? []), Number(r.json.data.sequence)]);
  }
  const objectsOutOfOrder = [...byObject.values()].filter((seq) => seq.some((s, i) => i > 0 && s < seq[i - 1]!)).length;
  const distinct = new Set(accepted.map((r) => r.id)).size;
  return { objectsOutOfOrder, missing: 0, duplicates: accepted.length - distinct, arrived: distinct };
}

export async function runWebhooksBench(): Promise<void> {
  const events = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
  const rate = Number(process.env.BENCH_WEBHOOK_RATE ?? 200);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-bench-webhooks-'));
  const stack = await startStack(dataDir, undefined, { LOG_LEVEL: 'error' });
  const db = createDatabase(stack.databaseUrl);
  const receiver = await startWebhookReceiver('accept');
  try {
    const api = (method: string, route: string, body?: unknown) =>
      fetch(stack.apiUrl + route, {
        method,
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const made = await api('POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['ticket.replied'] });
    const subscription = (await made.json()) as { id: string };
    if (made.status !== 201) throw new Error(`subscription refused: ${made.status}`);
    const objects = Array.from({ length: OBJECTS }, () => randomUUID());
    const load = () => os.loadavg().map((l) => Math.round(l * 10) / 10);

    // Paced: batches every 100 ms.
    const pacedLoadBefore = load();
    const perBatch = Math.max(1, Math.round(rate / 10));
    const pacedStart = Date.now();
    for (let sent = 0; sent < events; sent += perBatch) {
      await record(db, objects, sent, Math.min(perBatch, events - sent), 'paced');
      await sleep(pacedStart + ((sent + perBatch) / rate) * 1000 - Date.now());
    }
    const pacedWritten = Date.now();
    while (inOrder(receiver, 'paced').arrived < events && Date.now() - pacedWritten < 600_000) await sleep(200);
    const pacedDone = Date.now();
    const paced = receiver.accepted().filter((r) => r.json.data.phase === 'paced');
    const firstCopy = new Map<string, number>();
    for (const r of paced) if (!firstCopy.has(r.id)) firstCopy.set(r.id, r.receivedAtMs - Date.parse(r.json.timestamp));
    const delays = [...firstCopy.values()];

    // Backlog: queued while paused, then resumed.
    await api('POST', `/v1/webhooks/${subscription.id}/pause`);
    for (let sent = 0; sent < events; sent += 1000)
      await record(db, objects, sent, Math.min(1000, events - sent), 'backlog');
    const backlogLoadBefore = load();
    const resumedAt = Date.now();
    await api('POST', `/v1/webhooks/${subscription.id}/resume`);
    while (inOrder(receiver, 'backlog').arrived < events && Date.now() - resumedAt < 600_000) await sleep(200);
    const drainedAt = Date.now();

    const pacedCheck = inOrder(receiver, 'paced');
    const backlogCheck = inOrder(receiver, 'backlog');
    writeResult('webhooks', {
      events,
      objects: OBJECTS,
      paced: {
        ratePerSecond: rate,
        writtenInS: (pacedWritten - pacedStart) / 1000,
        allArrivedAfterLastWriteS: (pacedDone - pacedWritten) / 1000,
        deliveredPerSecond: Math.round((events / ((pacedDone - pacedStart) / 1000)) * 10) / 10,
        delayMs: { p50: percentile(delays, 50), p99: percentile(delays, 99), max: Math.max(...delays) },
        ...pacedCheck,
        missing: events - pacedCheck.arrived,
        loadAverageBefore: pacedLoadBefore,
        loadAverageAfter: load(),
      },
      backlog: {
        drainedInS: (drainedAt - resumedAt) / 1000,
        deliveredPerSecond: Math.round((events / ((drainedAt - resumedAt) / 1000)) * 10) / 10,
        ...backlogCheck,
        missing: events - backlogCheck.arrived,
        loadAverageBefore: backlogLoadBefore,
        loadAverageAfter: load(),
      },
      machine: describeMachine(),
    });
  } finally {
    await receiver.close();
    await db.$disconnect();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runWebhooksBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
