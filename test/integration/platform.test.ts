import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { RateLimiter } from '../../api/rate-limit';
import { createDatabase, type Database } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { probeTemporal } from '../../platform/temporal';
import { freePort } from '../support/ports';
import { apiClient, testApi } from '../support/http';

const admin = testApi();
const anonymous = testApi('');

describe('the running service (npm start)', () => {
  describe('probes', () => {
    it('answers /healthz while the process is alive', async () => {
      const res = await anonymous('GET', '/healthz');
      expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    });

    it('answers /readyz 200 when the database and Temporal both answer', async () => {
      const res = await anonymous('GET', '/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
      // Stuck workflows (tasks failing on every attempt) are reported, and do not make the service unready.
      expect(res.body.stuckWorkflows).toEqual({ count: expect.any(Number), ids: expect.any(Array) });
    });
  });

  describe('API documentation', () => {
    it('serves an OpenAPI 3.1 document that declares the roles of every authenticated route', async () => {
      const res = await anonymous('GET', '/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      const operations = Object.values(
        res.body.paths as Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[] }>>,
      ).flatMap((methods) => Object.values(methods));
      expect(operations.length).toBeGreaterThan(4);
      for (const operation of operations) {
        expect(operation['x-roles'] !== undefined || Array.isArray(operation.security)).toBe(true);
      }
      // A key needs a name; its role is its user's (userId) or names the key's new user's (a cross-field rule).
      expect(res.body.paths['/v1/api-keys'].post.requestBody.content['application/json'].schema.required).toEqual([
        'name',
      ]);
      expect(res.body.paths['/v1/api-keys'].post['x-rules']).toEqual([expect.stringContaining('either userId')]);
    });

    it('declares the Idempotency-Key header exactly on the routes that read it: creation, workflow commands and recorded allowance uses', async () => {
      const res = await anonymous('GET', '/openapi.json');
      type Operation = { parameters: { name: string; in: string; schema: { pattern?: string } }[] };
      const withKey = Object.entries(res.body.paths as Record<string, Record<string, Operation>>)
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({
            route: `${method.toUpperCase()} ${path}`,
            operation,
          })),
        )
        .filter(({ operation }) => operation.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'));
      const routes = withKey.map(({ route }) => route);
      expect(routes).toEqual(
        expect.arrayContaining([
          'POST /v1/tickets',
          'POST /v1/claims',
          'POST /v1/change-requests',
          'POST /v1/tickets/{id}/replies',
          'POST /v1/claims/{id}/approve',
          'POST /v1/change-requests/{id}/cancel',
        ]),
      );
      for (const route of routes)
        expect(route).toMatch(
          /^POST \/v1\/((tickets|claims|change-requests)(\/\{id\}\/[a-z-]+)?|contracts\/\{id\}\/allowance-uses)$/,
        );
      for (const { operation } of withKey) {
        expect(operation.parameters.find((p) => p.name === 'Idempotency-Key')!.schema.pattern).toBe(
          '^[A-Za-z0-9._:-]{1,200}$',
        );
      }
    });

    it('serves a docs page whose assets come from the service itself', async () => {
      const page = await anonymous('GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js');
      const asset = await anonymous('GET', '/docs/assets/swagger-ui-bundle.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
    });
  });

  describe('authentication and roles', () => {
    it('refuses a request without a key with 401', async () => {
      const res = await anonymous('GET', '/v1/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses a malformed key and an unknown key with 401', async () => {
      expect((await testApi('not-a-key')('GET', '/v1/me')).status).toBe(401);
      expect((await testApi('pk_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')('GET', '/v1/me')).status).toBe(401);
    });

    it('admits the admin key and says who it is', async () => {
      const res = await admin('GET', '/v1/me');
      expect(res).toMatchObject({ status: 200, body: { role: 'admin', customerId: null } });
    });

    it('notes when a key was last used; refuses a role the route does not admit with 403, and a revoked key with 401', async () => {
      const created = await admin('POST', '/v1/api-keys', { name: 'an agent', role: 'agent' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^pk_[a-z0-9]{8}_/);
      expect(created.body.lastUsedAt).toBeNull();
      const agent = testApi(created.body.key);
      const before = Date.now();
      expect((await agent('GET', '/v1/me')).body.role).toBe('agent');
      const listed = (await admin('GET', '/v1/api-keys')).body.items.find(
        (item: { id: string }) => item.id === created.body.id,
      );
      expect(Date.parse(listed.lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(listed.lastUsedAt)).toBeLessThanOrEqual(Date.now());
      const forbidden = await agent('GET', '/v1/api-keys');
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.detail).toContain('admin');

      expect((await admin('DELETE', `/v1/api-keys/${created.body.id}`)).status).toBe(200);
      const revoked = await agent('GET', '/v1/me');
      expect(revoked.status).toBe(401);
      expect(revoked.body.detail).toContain('revoked');
    });

    it('never returns a stored secret when listing keys', async () => {
      const res = await admin('GET', '/v1/api-keys');
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const item of res.body.items) {
        // Other suites share this database and name keys freely, so look at
        // the fields and the values' shape, not at the names people chose.
        expect(Object.keys(item).sort()).toEqual([
          'createdAt',
          'customerId',
          'displayName',
          'id',
          'lastUsedAt',
          'name',
          'prefix',
          'revokedAt',
          'role',
          'userId',
        ]);
        for (const value of Object.values(item)) {
          expect(String(value)).not.toMatch(/pk_[a-z0-9]{8}_/);
        }
      }
    });
  });

  describe('bad input gets one problem document', () => {
    it('names each invalid field and the reason', async () => {
      const res = await admin('POST', '/v1/api-keys', { name: '', role: 'wizard', extra: 1 });
      expect(res.status).toBe(400);
      const fields = (res.body.invalidFields as { field: string }[]).map((f) => f.field);
      expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.role']));
      expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    });

    it('refuses malformed JSON with 400, a non-JSON body with 415 and an oversized body with 413', async () => {
      expect((await admin('POST', '/v1/api-keys', '{"name":')).status).toBe(400);
      const wrongType = await admin('POST', '/v1/api-keys', 'name=x', { 'content-type': 'text/plain' });
      expect(wrongType.status).toBe(415);
      const huge = await admin('POST', '/v1/api-keys', { name: 'x'.repeat(200_000), role: 'agent' });
      expect(huge.status).toBe(413);
    });

    it('answers an unknown route with 404 and a malformed id with 400 naming params.id', async () => {
      expect((await admin('GET', '/v1/nothing-here')).status).toBe(404);
      const res = await admin('DELETE', '/v1/api-keys/not-a-uuid');
      expect(res.status).toBe(400);
      expect(res.body.invalidFields[0].field).toBe('params.id');
    });
  });
});

describe('readiness when a dependency is down', () => {
  let deadDb: Database;
  let liveTemporal: Client;
  let deadTemporal: Client;

  beforeAll(async () => {
    deadDb = createDatabase(`postgresql://postgres:x@127.0.0.1:${await freePort()}/pasban`);
    liveTemporal = new Client({
      connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
    });
    deadTemporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
  });
  afterAll(async () => {
    await deadDb.$disconnect();
    await liveTemporal.connection.close();
  });

  async function readyz(db: Database, temporal: Client) {
    const app = createApp({
      config: {
        TEMPORAL_TASK_QUEUE: 'pasban',
        TEMPORAL_NAMESPACE: 'default',
        BODY_LIMIT: '100kb',
        OUTAGE_END_MARGIN_MINUTES: 15,
        IDEMPOTENCY_KEY_RETENTION_HOURS: 24,
      },
      db,
      temporal,
      logger: createLogger('silent'),
      rateLimiter: new RateLimiter(1000),
      probes: { database: async () => void (await db.$queryRaw`SELECT 1`), temporal: () => probeTemporal(temporal) },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as { port: number };
      return await apiClient(`http://127.0.0.1:${port}`)('GET', '/readyz');
    } finally {
      server.close();
    }
  }

  it('answers 503 naming the database when PostgreSQL does not answer', async () => {
    const res = await readyz(deadDb, liveTemporal);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.body.checks.database.ok).toBe(false);
    expect(res.body.checks.temporal.ok).toBe(true);
  });

  it('answers 503 naming Temporal when the Temporal server does not answer', async () => {
    const db = createDatabase(process.env.PASBAN_TEST_DATABASE_URL!);
    try {
      const res = await readyz(db, deadTemporal);
      expect(res.status).toBe(503);
      expect(res.body.checks).toMatchObject({ database: { ok: true }, temporal: { ok: false } });
    } finally {
      await db.$disconnect();
    }
  });
});
