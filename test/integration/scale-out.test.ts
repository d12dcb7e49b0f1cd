// Issue 19: what several API processes must share. Two API "processes" here are two Express apps,
// each with its own database connection pool and its own rate limiter, on the integration stack's
// PostgreSQL and Temporal: the rate limit per key is one limit across them (SharedRateLimiter),
// an Idempotency-Key holds across them, and one recovery sweep runs at a time (advisory lock).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import supertest from 'supertest';
import { createApp } from '../../api/app';
import type { AppDeps } from '../../api/deps';
import { RateLimiter, SharedRateLimiter, type RateLimit } from '../../api/rate-limit';
import { RECOVERY_LOCK, sweepOnce } from '../../api/recovery';
import { createDatabase, type Database } from '../../platform/database';
import { integrationDeps } from '../support/app-deps';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';

let temporal: Client;
const pools: Database[] = [];

beforeAll(async () => {
  temporal = new Client({
    connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
  });
});
afterAll(async () => {
  await Promise.all(pools.map((db) => db.$disconnect()));
  await temporal.connection.close();
  await closeTestDatabase();
});

/** An API process: its own connection pool and limiter (shared in PostgreSQL, or its own memory). */
function apiProcess(perMinute: number, limiter: 'shared' | 'in-memory' = 'shared'): { app: Express; deps: AppDeps } {
  const db = createDatabase(process.env.PASBAN_TEST_DATABASE_URL!);
  pools.push(db);
  const rateLimiter: RateLimit =
    limiter === 'shared' ? new SharedRateLimiter(db, perMinute) : new RateLimiter(perMinute);
  const deps: AppDeps = { ...integrationDeps(temporal), db, rateLimiter };
  return { app: createApp(deps), deps };
}

describe('two API processes on one database', () => {
  it('give a key its rate limit once, not once per process (in-memory limiters gave it twice)', async () => {
    const key = await createKey('agent');
    const me = (app: Express) => supertest(app).get('/v1/me').set('authorization', `Bearer ${key}`);
    const [a, b] = [apiProcess(5), apiProcess(5)];
    // At once, so the bucket's refill (one request every 12 s) plays no part.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => me(i % 2 === 0 ? a.app : b.app)));
    expect(answers.map((res) => res.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = answers.find((res) => res.status === 429)!;
    expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(limited.headers.ratelimit).toMatch(/^"per-key";r=0;t=\d+$/);

    // The same with each process's own memory: the key gets 5 requests from each.
    const other = await createKey('agent');
    const [c, d] = [apiProcess(5, 'in-memory'), apiProcess(5, 'in-memory')];
    const local = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        supertest(i % 2 === 0 ? c.app : d.app)
          .get('/v1/me')
          .set('authorization', `Bearer ${other}`),
      ),
    );
    expect(local.filter((res) => res.status === 200)).toHaveLength(10);
  });

  it('spend one bucket under concurrent requests through both processes: exactly the limit is let through', async () => {
    const key = await createKey('agent');
    const [a, b] = [apiProcess(20), apiProcess(20)];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        supertest(i % 2 === 0 ? a.app : b.app)
          .get('/v1/me')
          .set('authorization', `Bearer ${key}`),
      ),
    );
    expect(answers.filter((res) => res.status === 200)).toHaveLength(20);
    expect(answers.filter((res) => res.status === 429)).toHaveLength(20);
  });

  it('hold an Idempotency-Key across processes: concurrent retries make one ticket, another body is a 409 from either', async () => {
    const { product, key, customer } = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const [a, b] = [apiProcess(1000), apiProcess(1000)];
    const idempotencyKey = `scale-out-${randomUUID()}`;
    const body = { productId: product.id, priority: 'high', subject: 'دو پردازه', description: 'یک درخواست، دو بار' };
    const open = (app: Express, sent: object) =>
      supertest(app)
        .post('/v1/tickets')
        .set('authorization', `Bearer ${key}`)
        .set('idempotency-key', idempotencyKey)
        .send(sent);
    const [first, second] = await Promise.all([open(a.app, body), open(b.app, body)]);
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.body.id).toBe(second.body.id);
    expect(await testDatabase().ticket.count({ where: { customerId: customer.id } })).toBe(1);
    for (const app of [a.app, b.app]) {
      const changed = await open(app, { ...body, description: 'متن دیگر' });
      expect({ status: changed.status, reason: changed.body.reason }).toEqual({
        status: 409,
        reason: 'idempotency_key_reused',
      });
    }
  });

  it('run one recovery sweep at a time: while one process holds the lock, the other skips', async () => {
    const [a, b] = [apiProcess(1000), apiProcess(1000)];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    // Process A's sweep, stood in for by a transaction holding the sweep's lock.
    const sweepingA = a.deps.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RECOVERY_LOCK}::bigint)`;
        held();
        await released;
      },
      { timeout: 30_000 },
    );
    await holding;
    expect(await sweepOnce(b.deps)).toBeNull();
    release();
    await sweepingA;
    expect(await sweepOnce(b.deps)).toMatchObject({ tickets: expect.any(Number), failed: 0 });
  });
});

describe('the shared rate limit', () => {
  it('costs one statement per request: the added latency, measured against the in-memory limiter', async () => {
    const key = await createKey('agent');
    const [shared, local] = [apiProcess(1_000_000), apiProcess(1_000_000, 'in-memory')];
    const median = async (app: Express) => {
      const times: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        const start = process.hrtime.bigint();
        expect((await supertest(app).get('/v1/me').set('authorization', `Bearer ${key}`)).status).toBe(200);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((x, y) => x - y);
      return { p50: times[100]!, p99: times[198]! };
    };
    await median(local.app); // warm up
    const [withLocal, withShared] = [await median(local.app), await median(shared.app)];
    // A measurement, not a bound (the machine is shared): printed for the README.
    console.log(
      `GET /v1/me, 200 sequential: in-memory p50 ${withLocal.p50.toFixed(2)} ms p99 ${withLocal.p99.toFixed(2)} ms; shared p50 ${withShared.p50.toFixed(2)} ms p99 ${withShared.p99.toFixed(2)} ms`,
    );
    // The shared path really went through PostgreSQL: the key has its bucket there.
    const keyId = (await supertest(local.app).get('/v1/me').set('authorization', `Bearer ${key}`)).body.keyId as string;
    expect(await testDatabase().rateLimitBucket.count({ where: { bucket: keyId, allowed: true } })).toBe(1);
    // The statement alone.
    const limiter = new SharedRateLimiter(shared.deps.db, 1_000_000);
    const statement: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const start = process.hrtime.bigint();
      await limiter.take(`latency-${keyId}`);
      statement.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    statement.sort((x, y) => x - y);
    console.log(
      `SharedRateLimiter.take, 300 sequential: p50 ${statement[150]!.toFixed(2)} ms p99 ${statement[297]!.toFixed(2)} ms`,
    );
  });

  it('forgets buckets untouched for over a minute (full again), and falls back to the process when the database fails', async () => {
    const db = testDatabase();
    await db.$executeRaw`INSERT INTO rate_limit_buckets (bucket, tokens, allowed, updated_at) VALUES (${`stale-${randomUUID()}`}, 0, false, now() - interval '3 minutes')`;
    const limiter = new SharedRateLimiter(db, 10);
    expect(await limiter.purge()).toBeGreaterThanOrEqual(1);
    // A closed pool stands in for the database down: the limit is still enforced, by this process.
    const gone = createDatabase('postgresql://nobody:nothing@127.0.0.1:1/none');
    const failures: unknown[] = [];
    const fallback = new SharedRateLimiter(gone, 2, (error) => failures.push(error));
    await fallback.take('k');
    await fallback.take('k');
    await expect(fallback.take('k')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(failures).toHaveLength(3);
    await gone.$disconnect();
  });
});
