/**
 * People, not keys (issue 15), through the running service: users managed by admins and by
 * managers for their own departments' agents; API keys acting as their user (and the migration
 * that gave every existing key one); and sessions for people — sign-in with scrypt-hashed
 * passwords, the cookie's attributes, CSRF on state-changing requests, no session fixation,
 * lock-out after repeated wrong passwords, logout that kills the session on the server, idle and
 * absolute expiry, and an admin's password reset. Part of the security suite.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createNotificationActivities } from '../../activities/notifications/outbox';
import { createLogger } from '../../platform/logger';
import { applyMigrations, readMigrations } from '../../platform/migrations';
import { closeTestDatabase, createKey, testDatabase } from '../support/fixtures';
import { testApi, type HttpResult } from '../support/http';

const baseUrl = () => process.env.PASBAN_TEST_API_URL!;
const admin = testApi();
const db = testDatabase();

afterAll(closeTestDatabase);

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const emailOf = (prefix: string) => `${unique(prefix)}@people.test`;
const PASSWORD = 'correct horse battery staple';

/** Two departments of two vendors, made for this file so no other test's people mix in. */
async function arrangeVendors() {
  const make = async () => {
    const vendor = await db.vendor.create({
      data: { key: unique('vendor'), name: 'People test vendor', nameFa: 'فروشنده آزمایشی' },
    });
    const [one, two] = await Promise.all(
      ['Support', 'Billing'].map((name) =>
        db.department.create({ data: { vendorId: vendor.id, name: `${name} ${vendor.key}`, managerName: 'مدیر' } }),
      ),
    );
    return { vendor, one: one!, two: two! };
  };
  return { a: await make(), b: await make() };
}

/** A browser-like client: keeps the session cookie it is given and sends it back. */
function browser() {
  let cookie: string | undefined;
  let csrf: string | undefined;
  const client = {
    get cookie() {
      return cookie;
    },
    set cookie(value: string | undefined) {
      cookie = value;
    },
    get csrf() {
      return csrf;
    },
    async request(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<HttpResult & { setCookie: string[] }> {
      const response = await fetch(baseUrl() + path, {
        method,
        headers: {
          ...(cookie ? { cookie: `pasban_session=${cookie}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const setCookie = response.headers.getSetCookie();
      for (const line of setCookie) {
        const match = /^pasban_session=([^;]*)/.exec(line);
        if (match) cookie = match[1] || undefined;
      }
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? JSON.parse(text) : undefined,
        setCookie,
      };
    },
    async signIn(email: string, password = PASSWORD) {
      const res = await client.request('POST', '/v1/sessions', { email, password });
      if (res.status === 201) csrf = res.body.csrfToken;
      return res;
    },
    /** A state-changing request with the session's CSRF token. */
    change(method: string, path: string, body?: unknown) {
      return client.request(method, path, body, csrf ? { 'x-csrf-token': csrf } : {});
    },
  };
  return client;
}

async function createUser(body: Record<string, unknown>, as = admin): Promise<HttpResult> {
  return as('POST', '/v1/users', body);
}

describe('users', () => {
  let world: Awaited<ReturnType<typeof arrangeVendors>>;
  let managerA: ReturnType<typeof testApi>;
  let managerAId: string;

  beforeAll(async () => {
    world = await arrangeVendors();
    const manager = await createUser({
      name: 'مدیر الف',
      email: emailOf('manager-a'),
      role: 'manager',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.one.id],
    });
    expect(manager.status).toBe(201);
    managerAId = manager.body.id;
    const key = await admin('POST', '/v1/api-keys', { name: 'manager a', userId: managerAId });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({ userId: managerAId, role: 'manager', customerId: null });
    managerA = testApi(key.body.key);
  });

  it('admins create staff with a vendor and departments; the answer never holds the password', async () => {
    const email = emailOf('Sara').replace('sara', 'SaRa');
    const res = await createUser({
      name: 'سارا',
      email,
      phone: '09121234567',
      role: 'qa',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.one.id, world.a.two.id],
      password: PASSWORD,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'سارا',
      email: email.toLowerCase(),
      phone: '09121234567',
      role: 'qa',
      vendorId: world.a.vendor.id,
      customerId: null,
      canSignIn: true,
      disabledAt: null,
    });
    expect(res.body.departments.map((d: { id: string }) => d.id).sort()).toEqual(
      [world.a.one.id, world.a.two.id].sort(),
    );
    expect(res.body.createdAt).toMatch(/\+03:30$/);
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);
    const stored = await db.user.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);

    const again = await createUser({
      name: 'another',
      email: email.toUpperCase(),
      role: 'agent',
      vendorId: world.a.vendor.id,
    });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'conflict' });
  });

  it('refuses departments of another vendor, customer users without a customer, and passwords without an e-mail', async () => {
    const foreign = await createUser({
      name: 'x',
      role: 'agent',
      vendorId: world.a.vendor.id,
      departmentIds: [world.b.one.id],
    });
    expect({ status: foreign.status, field: foreign.body.invalidFields?.[0]?.field }).toEqual({
      status: 422,
      field: 'body.departmentIds.0',
    });
    const customer = await createUser({ name: 'x', role: 'customer' });
    expect({ status: customer.status, field: customer.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.customerId',
    });
    const noEmail = await createUser({ name: 'x', role: 'agent', password: PASSWORD });
    expect({ status: noEmail.status, field: noEmail.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.email',
    });
    const short = await createUser({ name: 'x', role: 'agent', email: emailOf('short'), password: 'short' });
    expect({ status: short.status, field: short.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.password',
    });
  });

  it('a manager creates and changes the agents of their own departments, and nobody else', async () => {
    const agent = await createUser(
      { name: 'کارشناس', email: emailOf('agent'), role: 'agent', departmentIds: [world.a.one.id] },
      managerA,
    );
    expect(agent.status).toBe(201);
    expect(agent.body).toMatchObject({ role: 'agent', vendorId: world.a.vendor.id });

    const refusals = await Promise.all([
      createUser({ name: 'x', role: 'qa', departmentIds: [world.a.one.id] }, managerA),
      createUser({ name: 'x', role: 'agent', departmentIds: [world.a.two.id] }, managerA),
      createUser({ name: 'x', role: 'agent', vendorId: world.b.vendor.id, departmentIds: [world.b.one.id] }, managerA),
      createUser({ name: 'x', role: 'agent' }, managerA),
    ]);
    expect(refusals.map((r) => [r.status, r.body.invalidFields?.[0]?.field])).toEqual([
      [403, 'body.role'],
      [403, 'body.departmentIds.0'],
      [403, 'body.vendorId'],
      [403, 'body.departmentIds'],
    ]);

    expect((await managerA('PATCH', `/v1/users/${agent.body.id}`, { name: 'کارشناس ارشد' })).body.name).toBe(
      'کارشناس ارشد',
    );
    expect((await managerA('PATCH', `/v1/users/${agent.body.id}`, { role: 'manager' })).status).toBe(403);
    const otherAgent = await createUser({
      name: 'دیگری',
      role: 'agent',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.two.id],
    });
    expect((await managerA('PATCH', `/v1/users/${otherAgent.body.id}`, { name: 'x' })).status).toBe(403);
    const bAgent = await createUser({
      name: 'ب',
      role: 'agent',
      vendorId: world.b.vendor.id,
      departmentIds: [world.b.one.id],
    });
    expect((await managerA('GET', `/v1/users/${bAgent.body.id}`)).status).toBe(404);
    expect((await managerA('PATCH', `/v1/users/${bAgent.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await managerA('POST', `/v1/users/${agent.body.id}/password-reset`, {})).status).toBe(403);

    // A manager lists their own vendor's staff only.
    const listed = await managerA('GET', '/v1/users?limit=200');
    expect(listed.status).toBe(200);
    const ids = listed.body.items.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([agent.body.id, otherAgent.body.id, managerAId]));
    expect(ids).not.toContain(bAgent.body.id);
    expect(listed.body.items.every((u: { vendorId: string }) => u.vendorId === world.a.vendor.id)).toBe(true);
    const byDepartment = await admin('GET', `/v1/users?departmentId=${world.a.two.id}`);
    expect(byDepartment.body.items.map((u: { id: string }) => u.id)).toContain(otherAgent.body.id);
    expect(byDepartment.body.items.map((u: { id: string }) => u.id)).not.toContain(agent.body.id);
  });

  it("an API key acts as its user: the user's role changes what the key may do, and disabling the user stops the key", async () => {
    const user = await createUser({ name: 'کلید', role: 'agent', vendorId: world.a.vendor.id });
    const key = (await admin('POST', '/v1/api-keys', { name: 'agent key', userId: user.body.id })).body.key;
    const asKey = testApi(key);
    const me = await asKey('GET', '/v1/me');
    expect(me.body).toMatchObject({
      role: 'agent',
      user: { id: user.body.id, name: 'کلید', vendorId: world.a.vendor.id },
    });
    expect((await asKey('GET', '/v1/users')).status).toBe(403);
    expect((await admin('PATCH', `/v1/users/${user.body.id}`, { role: 'manager' })).status).toBe(200);
    expect((await asKey('GET', '/v1/users')).status).toBe(200);
    expect(
      (await admin('GET', '/v1/api-keys')).body.items.find((k: { userId: string }) => k.userId === user.body.id).role,
    ).toBe('manager');
    expect((await admin('PATCH', `/v1/users/${user.body.id}`, { disabled: true })).body.disabledAt).toMatch(/\+03:30$/);
    const refused = await asKey('GET', '/v1/me');
    expect({ status: refused.status, detail: refused.body.detail }).toEqual({
      status: 401,
      detail: expect.stringContaining('disabled'),
    });
  });

  it('a key made without a user gets one of its own, and timelines name the person', async () => {
    const created = await admin('POST', '/v1/api-keys', {
      name: 'legacy',
      displayName: 'رضا، پشتیبانی',
      role: 'agent',
    });
    expect(created.status).toBe(201);
    const user = await admin('GET', `/v1/users/${created.body.userId}`);
    expect(user.body).toMatchObject({ name: 'رضا، پشتیبانی', role: 'agent', email: null, canSignIn: false });
    const both = await admin('POST', '/v1/api-keys', { name: 'x', userId: created.body.userId, role: 'agent' });
    expect({ status: both.status, field: both.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'body.role',
    });
  });
});

describe('the migration that gave every existing key a user', () => {
  const database = `people_migration_${process.pid}`;
  const adminClient = new pg.Client({ connectionString: process.env.PASBAN_TEST_DATABASE_URL });

  afterAll(async () => {
    await adminClient.query(`DROP DATABASE IF EXISTS ${database}`);
    await adminClient.end();
  });

  it('makes one user per key with its role, customer and the name timelines showed, and the keys act as them', async () => {
    await adminClient.connect();
    await adminClient.query(`DROP DATABASE IF EXISTS ${database}`);
    await adminClient.query(`CREATE DATABASE ${database}`);
    const url = process.env.PASBAN_TEST_DATABASE_URL!.replace(/\/pasban$/, `/${database}`);
    const all = readMigrations();
    const mine = all.findIndex((m) => m.name === '20261205400000_users_and_sessions');
    expect(mine).toBeGreaterThan(0);
    const logger = createLogger('silent');
    await applyMigrations(url, all.slice(0, mine), logger);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const customer = randomUUID();
      await client.query(`INSERT INTO customers (id, name) VALUES ($1, 'Old customer')`, [customer]);
      const keys = [
        { id: randomUUID(), role: 'admin', display: null, customer: null },
        { id: randomUUID(), role: 'agent', display: 'سارا، پشتیبانی', customer: null },
        { id: randomUUID(), role: 'customer', display: null, customer },
      ];
      for (const k of keys) {
        await client.query(
          `INSERT INTO api_keys (id, name, display_name, prefix, secret_hash, role, customer_id) VALUES ($1, 'old key', $2, $3, 'x', $4, $5)`,
          [k.id, k.display, randomBytes(4).toString('hex'), k.role, k.customer],
        );
      }
      await applyMigrations(url, all.slice(mine, mine + 1), logger);
      const { rows } = await client.query(
        'SELECT k.id AS key_id, k.user_id, u.name, u.role::text AS role, u.customer_id FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY u.role',
      );
      expect(rows.map((r) => ({ ...r })).sort((x, y) => x.role.localeCompare(y.role))).toEqual(
        [
          { key_id: keys[0]!.id, user_id: keys[0]!.id, name: 'Administrator', role: 'admin', customer_id: null },
          { key_id: keys[1]!.id, user_id: keys[1]!.id, name: 'سارا، پشتیبانی', role: 'agent', customer_id: null },
          { key_id: keys[2]!.id, user_id: keys[2]!.id, name: 'Customer', role: 'customer', customer_id: customer },
        ].sort((x, y) => x.role.localeCompare(y.role)),
      );
      const nullable = await client.query(
        "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'api_keys' AND column_name = 'user_id'",
      );
      expect(nullable.rows[0].is_nullable).toBe('NO');
    } finally {
      await client.end();
    }
  });
});

describe('sessions for people', () => {
  let userId: string;
  let email: string;

  beforeAll(async () => {
    email = emailOf('person');
    const created = await createUser({ name: 'نگار', email, role: 'admin', password: PASSWORD });
    expect(created.status).toBe(201);
    userId = created.body.id;
  });

  it('signs in: 201, the user and a CSRF token, and an httpOnly SameSite=Strict cookie for the whole site', async () => {
    const client = browser();
    const res = await client.signIn(email.toUpperCase());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      user: { id: userId, name: 'نگار', email, role: 'admin', vendorId: null, customerId: null, departments: [] },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.setCookie.find((line) => line.startsWith('pasban_session='))!;
    expect(cookie).toMatch(/^pasban_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    // Over plain http the cookie cannot be Secure; behind https (a proxy saying so) it is.
    const secure = await browser().request(
      'POST',
      '/v1/sessions',
      { email, password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );
    expect(secure.setCookie[0]).toMatch(/; Secure$/);

    const current = await client.request('GET', '/v1/sessions/current');
    expect(current.status).toBe(200);
    expect(current.body).toEqual({ user: res.body.user, csrfToken: res.body.csrfToken });
    const me = await client.request('GET', '/v1/me');
    expect(me.body).toMatchObject({ role: 'admin', keyId: userId, user: { id: userId } });
    // Only the token's hash is stored.
    const stored = await db.session.findMany({ where: { userId } });
    expect(stored.some((s) => s.tokenHash.includes(client.cookie!))).toBe(false);
  });

  it('a wrong password and an unknown e-mail are the same 401; no cookie is set', async () => {
    const wrong = await browser().request('POST', '/v1/sessions', { email, password: 'not the password at all' });
    const unknown = await browser().request('POST', '/v1/sessions', { email: emailOf('nobody'), password: PASSWORD });
    for (const res of [wrong, unknown]) {
      expect({ status: res.status, code: res.body.code, detail: res.body.detail, cookies: res.setCookie }).toEqual({
        status: 401,
        code: 'unauthenticated',
        detail: 'wrong e-mail or password',
        cookies: [],
      });
    }
    expect((await admin('GET', `/v1/users/${userId}`)).body.lockedUntil).toBeNull();
    await db.user.update({ where: { id: userId }, data: { failedSignIns: 0 } });
  });

  it('refuses cookie-authenticated changes without the CSRF token; API keys need none', async () => {
    const client = browser();
    await client.signIn(email);
    const target = (await createUser({ name: 'هدف', role: 'agent' })).body.id;
    const without = await client.request('PATCH', `/v1/users/${target}`, { name: 'بدون توکن' });
    expect({ status: without.status, code: without.body.code, reason: without.body.reason }).toEqual({
      status: 403,
      code: 'forbidden',
      reason: 'csrf_token_missing_or_wrong',
    });
    const wrong = await client.request(
      'PATCH',
      `/v1/users/${target}`,
      { name: 'توکن غلط' },
      { 'x-csrf-token': 'A'.repeat(32) },
    );
    expect(wrong.status).toBe(403);
    const other = browser();
    await other.signIn(email);
    const foreign = await client.request(
      'PATCH',
      `/v1/users/${target}`,
      { name: 'توکن دیگری' },
      { 'x-csrf-token': other.csrf! },
    );
    expect(foreign.status).toBe(403);
    expect((await db.user.findUniqueOrThrow({ where: { id: target } })).name).toBe('هدف');
    const right = await client.change('PATCH', `/v1/users/${target}`, { name: 'با توکن' });
    expect({ status: right.status, name: right.body.name }).toEqual({ status: 200, name: 'با توکن' });
    // Reads need no token; an API key never does, even with a session cookie beside it.
    expect((await client.request('GET', `/v1/users/${target}`)).status).toBe(200);
    const keyed = await client.request(
      'PATCH',
      `/v1/users/${target}`,
      { name: 'با کلید' },
      { authorization: `Bearer ${process.env.PASBAN_TEST_ADMIN_KEY}` },
    );
    expect(keyed.status).toBe(200);
  });

  it('never adopts a session id the browser brings: sign-in makes a new one and ends the old', async () => {
    const planted = randomBytes(32).toString('base64url');
    const victim = browser();
    victim.cookie = planted;
    expect((await victim.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await victim.signIn(email)).status).toBe(201);
    expect(victim.cookie).not.toBe(planted);
    const attacker = browser();
    attacker.cookie = planted;
    expect((await attacker.request('GET', '/v1/sessions/current')).status).toBe(401);

    // A live session brought to a sign-in ends too: whoever held that cookie is out.
    const before = victim.cookie!;
    const thief = browser();
    thief.cookie = before;
    expect((await thief.request('GET', '/v1/sessions/current')).status).toBe(200);
    expect((await victim.signIn(email)).status).toBe(201);
    expect(victim.cookie).not.toBe(before);
    expect((await thief.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await victim.request('GET', '/v1/sessions/current')).status).toBe(200);
  });

  it('logout ends the session on the server: the same cookie replayed is refused; other sessions go on', async () => {
    const one = browser();
    const two = browser();
    await Promise.all([one.signIn(email), two.signIn(email)]);
    const cookie = one.cookie!;
    const noToken = await one.request('DELETE', '/v1/sessions/current');
    expect(noToken.status).toBe(403);
    const out = await one.change('DELETE', '/v1/sessions/current');
    expect(out.status).toBe(204);
    expect(out.setCookie[0]).toMatch(/^pasban_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    const replay = browser();
    replay.cookie = cookie;
    const refused = await replay.request('GET', '/v1/sessions/current');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    expect((await replay.request('GET', '/v1/tickets')).status).toBe(401);
    expect((await two.request('GET', '/v1/sessions/current')).status).toBe(200);
    // An API key has no session to show or end.
    expect((await admin('GET', '/v1/sessions/current')).status).toBe(404);
    expect((await admin('DELETE', '/v1/sessions/current')).status).toBe(404);
  });

  it('expires after the idle time and after the absolute lifetime', async () => {
    const idle = browser();
    const old = browser();
    await Promise.all([idle.signIn(email), old.signIn(email)]);
    const sessions = await db.session.findMany({
      where: { userId, endedAt: null },
      orderBy: { createdAt: 'desc' },
      take: 2,
    });
    expect(sessions).toHaveLength(2);
    const idleRow = (await db.session.findMany({ where: { userId, csrfToken: idle.csrf! } }))[0]!;
    const oldRow = (await db.session.findMany({ where: { userId, csrfToken: old.csrf! } }))[0]!;
    // 31 minutes without a request (the default idle time is 30).
    await db.session.update({ where: { id: idleRow.id }, data: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    // Active a minute ago, but past its absolute end.
    await db.session.update({
      where: { id: oldRow.id },
      data: { lastSeenAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await idle.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await old.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await db.session.findUniqueOrThrow({ where: { id: idleRow.id } })).endedAt).not.toBeNull();

    // A session in use stays alive: a request 29 minutes after the last one renews it.
    const busy = browser();
    await busy.signIn(email);
    const busyRow = (await db.session.findMany({ where: { userId, csrfToken: busy.csrf! } }))[0]!;
    await db.session.update({ where: { id: busyRow.id }, data: { lastSeenAt: new Date(Date.now() - 29 * 60_000) } });
    expect((await busy.request('GET', '/v1/sessions/current')).status).toBe(200);
    expect((await db.session.findUniqueOrThrow({ where: { id: busyRow.id } })).lastSeenAt.getTime()).toBeGreaterThan(
      Date.now() - 60_000,
    );
  });

  it("locks the account after 5 wrong passwords (429 with Retry-After), even for the right one; an admin's reset lifts it and ends the sessions", async () => {
    const lockEmail = emailOf('locked');
    const user = (await createUser({ name: 'قفل', email: lockEmail, role: 'agent', password: PASSWORD })).body;
    const signedIn = browser();
    expect((await signedIn.signIn(lockEmail)).status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await browser().request('POST', '/v1/sessions', { email: lockEmail, password: `wrong password ${i}` })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await browser().request('POST', '/v1/sessions', { email: lockEmail, password: PASSWORD });
    expect({ status: locked.status, code: locked.body.code, reason: locked.body.reason }).toEqual({
      status: 429,
      code: 'rate_limited',
      reason: 'sign_in_locked',
    });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await admin('GET', `/v1/users/${user.id}`)).body.lockedUntil).toMatch(/\+03:30$/);

    const reset = await admin('POST', `/v1/users/${user.id}/password-reset`, {});
    expect(reset.status).toBe(200);
    expect(reset.body.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(reset.body.user.lockedUntil).toBeNull();
    expect((await signedIn.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await browser().request('POST', '/v1/sessions', { email: lockEmail, password: PASSWORD })).status).toBe(
      401,
    );
    expect((await browser().signIn(lockEmail, reset.body.password)).status).toBe(201);

    const chosen = await admin('POST', `/v1/users/${user.id}/password-reset`, { password: 'a new long passphrase' });
    expect(chosen.body.password).toBeNull();
    expect((await browser().signIn(lockEmail, 'a new long passphrase')).status).toBe(201);
  });

  it('a disabled user cannot sign in and their sessions end', async () => {
    const disabledEmail = emailOf('disabled');
    const user = (await createUser({ name: 'غیرفعال', email: disabledEmail, role: 'qa', password: PASSWORD })).body;
    const client = browser();
    await client.signIn(disabledEmail);
    expect((await admin('PATCH', `/v1/users/${user.id}`, { disabled: true })).status).toBe(200);
    expect((await client.request('GET', '/v1/sessions/current')).status).toBe(401);
    expect((await browser().request('POST', '/v1/sessions', { email: disabledEmail, password: PASSWORD })).status).toBe(
      401,
    );
  });

  it("a session acts with its user's role: a customer user sees only its own account", async () => {
    const customer = await db.customer.create({ data: { name: unique('Session customer') } });
    const customerEmail = emailOf('customer');
    const created = await createUser({
      name: 'مشتری',
      email: customerEmail,
      role: 'customer',
      customerId: customer.id,
      password: PASSWORD,
    });
    expect(created.status).toBe(201);
    const client = browser();
    const res = await client.signIn(customerEmail);
    expect(res.body.user).toMatchObject({ role: 'customer', customerId: customer.id, vendorId: null });
    const forbidden = await client.request('GET', '/v1/users');
    // A customer's session is answered in Persian by default; the English wording travels as detailEn.
    expect({ status: forbidden.status, detail: forbidden.body.detail, detailEn: forbidden.body.detailEn }).toEqual({
      status: 403,
      detail: 'نقش یا دسترسی شما اجازهٔ این کار را نمی‌دهد.',
      detailEn: expect.stringContaining('your user has role customer'),
    });
    expect((await client.request('GET', '/v1/tickets')).status).toBe(200);
    const otherKey = await createKey('agent');
    expect((await testApi(otherKey)('GET', '/v1/me')).status).toBe(200);
  });
});

describe('personal inboxes', () => {
  const notices = createNotificationActivities({
    db,
    logger: createLogger('silent'),
    channels: { sms: null, email: null },
  });
  let world: Awaited<ReturnType<typeof arrangeVendors>>;
  type Inbox = { items: { id: string; readAt: string | null; personal: boolean }[]; unread: number };
  const inbox = async (as: ReturnType<typeof testApi>): Promise<Inbox> => {
    const res = await as('GET', '/v1/notifications?limit=100');
    expect(res.status).toBe(200);
    return res.body as Inbox;
  };
  const ids = (box: { items: { id: string }[] }) => box.items.map((n) => n.id);
  /** A manager of `vendor` in `departments`, signed in by a key of their own. */
  async function manager(name: string, vendorId: string, departmentIds: string[]) {
    const user = await createUser({ name, role: 'manager', vendorId, departmentIds });
    expect(user.status).toBe(201);
    const key = await admin('POST', '/v1/api-keys', { name: `key of ${name}`, userId: user.body.id });
    return { id: user.body.id as string, api: testApi(key.body.key) };
  }
  const toDepartment = (departmentId: string, text: string) =>
    notices.notify({
      dedupeKey: `people-test:${randomUUID()}`,
      channel: 'in_app',
      category: 'informational',
      audience: 'staff',
      recipient: { kind: 'department_manager', departmentId },
      subject: text,
      body: text,
    });

  beforeAll(async () => {
    world = await arrangeVendors();
  });

  it("two managers of different vendors each see only their own vendor's notices; a third of the same department reads for themselves", async () => {
    const a = await manager('مدیر فروشنده الف', world.a.vendor.id, [world.a.one.id]);
    const b = await manager('مدیر فروشنده ب', world.b.vendor.id, [world.b.one.id]);
    const a2 = await manager('مدیر دوم الف', world.a.vendor.id, [world.a.one.id]);
    const otherDepartment = await manager('مدیر واحد دیگر الف', world.a.vendor.id, [world.a.two.id]);
    const before = await Promise.all([a, b, a2, otherDepartment].map((m) => inbox(m.api)));

    const forA = await toDepartment(world.a.one.id, 'تیکت فروشنده الف از مهلت گذشت');
    const forB = await toDepartment(world.b.one.id, 'تیکت فروشنده ب از مهلت گذشت');
    const [boxA, boxB, boxA2, boxOther] = (await Promise.all([a, b, a2, otherDepartment].map((m) => inbox(m.api)))) as [
      Inbox,
      Inbox,
      Inbox,
      Inbox,
    ];
    expect(ids(boxA)).toContain(forA.notificationId);
    expect(ids(boxA)).not.toContain(forB.notificationId);
    expect(ids(boxB)).toContain(forB.notificationId);
    expect(ids(boxB)).not.toContain(forA.notificationId);
    expect(ids(boxA2)).toContain(forA.notificationId);
    expect(ids(boxOther)).not.toContain(forA.notificationId);
    expect([
      boxA.unread - before[0]!.unread,
      boxB.unread - before[1]!.unread,
      boxA2.unread - before[2]!.unread,
      boxOther.unread - before[3]!.unread,
    ]).toEqual([1, 1, 1, 0]);
    // Another vendor's notice is "not found" by id, exactly like one that never existed.
    expect((await a.api('POST', `/v1/notifications/${forB.notificationId}/read`)).status).toBe(404);

    // Each person's read state is their own.
    const read = await a.api('POST', `/v1/notifications/${forA.notificationId}/read`);
    expect(read.body).toMatchObject({ id: forA.notificationId, readAt: expect.any(String), personal: false });
    const [afterA, afterA2] = await Promise.all([inbox(a.api), inbox(a2.api)]);
    expect(afterA.items.find((n) => n.id === forA.notificationId)!.readAt).not.toBeNull();
    expect(afterA2.items.find((n) => n.id === forA.notificationId)!.readAt).toBeNull();
    expect(afterA.unread).toBe(boxA.unread - 1);
    expect(afterA2.unread).toBe(boxA2.unread);
    expect((await a2.api('GET', '/v1/notifications/unread-count')).body).toEqual({ unread: boxA2.unread });
    const unreadA2 = await a2.api('GET', '/v1/notifications?unread=true&limit=100');
    expect(ids(unreadA2.body)).toContain(forA.notificationId);
    const unreadA = await a.api('GET', '/v1/notifications?unread=true&limit=100');
    expect(ids(unreadA.body)).not.toContain(forA.notificationId);
  });

  it('an e-mail alarm to the department manager reaches each manager user of the department at their own address, once', async () => {
    const department = await db.department.create({
      data: {
        vendorId: world.a.vendor.id,
        name: unique('Alarms'),
        managerName: 'ستون',
        managerEmail: 'column@people.test',
      },
    });
    const first = await createUser({
      name: 'مدیر یکم',
      email: emailOf('first'),
      role: 'manager',
      vendorId: world.a.vendor.id,
      departmentIds: [department.id],
    });
    const second = await createUser({
      name: 'مدیر دوم',
      email: emailOf('second'),
      role: 'manager',
      vendorId: world.a.vendor.id,
      departmentIds: [department.id, world.a.two.id],
    });
    const elsewhere = await createUser({
      name: 'مدیر جای دیگر',
      email: emailOf('elsewhere'),
      role: 'manager',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.two.id],
    });
    const request = {
      dedupeKey: `people-test:${randomUUID()}`,
      channel: 'email' as const,
      category: 'informational' as const,
      audience: 'staff' as const,
      role: 'manager' as const,
      recipient: { kind: 'department_manager' as const, departmentId: department.id },
      subject: 'یادآوری بازبینی',
      body: 'یادآوری بازبینی',
    };
    const told = await notices.notify(request);
    const rows = await db.notification.findMany({ where: { dedupeKey: { startsWith: request.dedupeKey } } });
    expect(rows.map((r) => [r.userId, r.address, r.status]).sort()).toEqual(
      [
        [first.body.id, first.body.email, 'held'],
        [second.body.id, second.body.email, 'held'],
      ].sort(),
    );
    expect(rows.every((r) => r.departmentId === department.id && r.role === 'manager')).toBe(true);
    expect(rows.map((r) => r.userId)).not.toContain(elsewhere.body.id);
    expect(rows.map((r) => r.address)).not.toContain('column@people.test');
    expect(told.people?.map((p) => p.userId).sort()).toEqual([first.body.id, second.body.id].sort());
    expect(told.duplicate).toBe(false);
    // A retried activity writes nothing new.
    expect((await notices.notify(request)).duplicate).toBe(true);
    expect(await db.notification.count({ where: { dedupeKey: { startsWith: request.dedupeKey } } })).toBe(2);
  });

  it('a notice to one person reaches only them, by their own channels; without an address it fails visibly', async () => {
    const person = await createUser({
      name: 'کارشناس با شماره',
      role: 'agent',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.one.id],
    });
    const colleague = await createUser({
      name: 'همکار',
      role: 'agent',
      vendorId: world.a.vendor.id,
      departmentIds: [world.a.one.id],
    });
    const keyOf = async (userId: string) =>
      testApi((await admin('POST', '/v1/api-keys', { name: 'k', userId })).body.key);
    const [asPerson, asColleague] = await Promise.all([keyOf(person.body.id), keyOf(colleague.body.id)]);
    const personal = await notices.notify({
      dedupeKey: `people-test:${randomUUID()}`,
      channel: 'in_app',
      category: 'informational',
      audience: 'staff',
      role: 'agent',
      recipient: { kind: 'user', userId: person.body.id },
      subject: 'تیکت به شما سپرده شد',
      body: 'تیکت به شما سپرده شد',
    });
    expect(ids(await inbox(asPerson))).toContain(personal.notificationId);
    expect((await inbox(asPerson)).items.find((n) => n.id === personal.notificationId)!.personal).toBe(true);
    expect(ids(await inbox(asColleague))).not.toContain(personal.notificationId);
    const sms = await notices.notify({
      dedupeKey: `people-test:${randomUUID()}`,
      channel: 'sms',
      category: 'informational',
      audience: 'staff',
      role: 'agent',
      recipient: { kind: 'user', userId: person.body.id },
      subject: 'هشدار',
      body: 'هشدار',
    });
    expect({ status: sms.status, note: sms.note }).toEqual({
      status: 'failed',
      note: 'no phone number on file for کارشناس با شماره',
    });
  });
});

describe("work scoped to a vendor and department (the isolation suite's vendor dimension)", () => {
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  let world: Awaited<ReturnType<typeof arrangeVendors>>;
  const as: Record<string, ReturnType<typeof testApi>> = {};
  let customerKey: ReturnType<typeof testApi>;
  let productA: string;
  let ticketA: string;
  let outageA: string;
  let claimA: string;
  let requestKian: string;

  async function product(vendorId: string, departmentId: string) {
    return db.product.create({
      data: {
        key: unique('scope'),
        vendorId,
        departmentId,
        name: 'Scope test',
        nameFa: 'آزمایش دامنه',
        creditTable: 'avanak',
      },
    });
  }
  async function contract(customerId: string, productId: string, planKey: string) {
    const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: planKey } } });
    const year = 365 * 24 * HOUR;
    await db.contract.create({
      data: {
        customerId,
        productId,
        policyId: policy.id,
        plan: planKey,
        startsAt: new Date(Date.now() - year),
        endsAt: new Date(Date.now() + year),
        paid: true,
        priceRials: 1_000_000_000n,
      },
    });
  }
  async function staff(name: string, role: string, vendorId: string, departmentIds: string[]) {
    const user = await createUser({ name, role, vendorId, departmentIds });
    expect(user.status).toBe(201);
    as[name] = testApi((await admin('POST', '/v1/api-keys', { name, userId: user.body.id })).body.key);
  }

  beforeAll(async () => {
    world = await arrangeVendors();
    productA = (await product(world.a.vendor.id, world.a.one.id)).id;
    const customer = await db.customer.create({
      data: {
        name: unique('مشتری دامنه'),
        contacts: {
          create: { name: 'Primary', email: `${unique('c')}@people.test`, phone: '09120000000', isPrimary: true },
        },
      },
    });
    await contract(customer.id, productA, 'avanak');
    const kian = await db.product.findUniqueOrThrow({ where: { key: 'kian-crm-project' } });
    await contract(customer.id, kian.id, 'kian-project-gold');
    customerKey = testApi(await createKey('customer', customer.id));
    await staff('agentA', 'agent', world.a.vendor.id, [world.a.one.id]);
    await staff('agentB', 'agent', world.b.vendor.id, [world.b.one.id]);
    await staff('qaA', 'qa', world.a.vendor.id, []);
    await staff('qaB', 'qa', world.b.vendor.id, []);
    await staff('managerA1', 'manager', world.a.vendor.id, [world.a.one.id]);
    await staff('managerA2', 'manager', world.a.vendor.id, [world.a.two.id]);
    await staff('managerB', 'manager', world.b.vendor.id, [world.b.one.id]);

    const ticket = await customerKey('POST', '/v1/tickets', {
      productId: productA,
      priority: 'high',
      subject: 'پنل دامنه باز نمی‌شود',
      description: 'شرح مشکل دامنه',
      channel: 'portal',
    });
    expect(ticket.status).toBe(201);
    ticketA = ticket.body.id;
    const outage = await as.agentA!('POST', '/v1/outages', {
      productId: productA,
      startedAt: iso(Date.now() - 5 * HOUR),
      endedAt: iso(Date.now() - 4 * HOUR),
      cause: 'unplanned',
      description: 'قطعی دامنه',
    });
    expect(outage.status).toBe(201);
    outageA = outage.body.id;
    const claim = await customerKey('POST', '/v1/claims', { productId: productA, outageIds: [outageA] });
    expect(claim.status).toBe(201);
    claimA = claim.body.id;
    const request = await customerKey('POST', '/v1/change-requests', {
      productId: kian.id,
      title: 'گزارش دامنه',
      description: 'گزارش فروش',
    });
    expect(request.status).toBe(201);
    requestKian = request.body.id;
  });

  it('staff of another vendor (and a manager of another department) find nothing: 404 by id, absent from lists, commands refused as not found', async () => {
    const seen = async (api: ReturnType<typeof testApi>) => ({
      ticket: (await api('GET', `/v1/tickets/${ticketA}`)).status,
      listed: (await api('GET', '/v1/tickets?limit=100')).body.items.some((t: { id: string }) => t.id === ticketA),
      outage: (await api('GET', `/v1/outages/${outageA}`)).status,
      claim: (await api('GET', `/v1/claims/${claimA}`)).status,
      claimListed: (await api('GET', '/v1/claims?limit=100')).body.items.some((c: { id: string }) => c.id === claimA),
      request: (await api('GET', `/v1/change-requests/${requestKian}`)).status,
    });
    expect(await seen(as.agentA!)).toEqual({
      ticket: 200,
      listed: true,
      outage: 200,
      claim: 200,
      claimListed: true,
      request: 404,
    });
    expect(await seen(as.managerA1!)).toEqual({
      ticket: 200,
      listed: true,
      outage: 200,
      claim: 200,
      claimListed: true,
      request: 404,
    });
    expect(await seen(as.agentB!)).toEqual({
      ticket: 404,
      listed: false,
      outage: 404,
      claim: 404,
      claimListed: false,
      request: 404,
    });
    expect(await seen(as.managerA2!)).toEqual({
      ticket: 404,
      listed: false,
      outage: 404,
      claim: 404,
      claimListed: false,
      request: 404,
    });
    expect(await seen(as.managerB!)).toEqual({
      ticket: 404,
      listed: false,
      outage: 404,
      claim: 404,
      claimListed: false,
      request: 404,
    });
    const breachedB = (await as.managerB!('GET', '/v1/tickets?breached=false&limit=100')).body.items.map(
      (t: { productId: string }) => t.productId,
    );
    expect(breachedB).not.toContain(productA);
    expect(await seen(admin)).toEqual({
      ticket: 200,
      listed: true,
      outage: 200,
      claim: 200,
      claimListed: true,
      request: 200,
    });

    const reply = await as.agentB!('POST', `/v1/tickets/${ticketA}/replies`, { body: 'پاسخ از فروشنده دیگر' });
    expect(reply.status).toBe(404);
    expect((await as.agentB!('POST', `/v1/tickets/${ticketA}/time`, { minutes: 30 })).status).toBe(404);
    const events = await admin('GET', `/v1/tickets/${ticketA}/events`);
    expect(JSON.stringify(events.body)).not.toContain('پاسخ از فروشنده دیگر');
    const foreignOutage = await as.agentB!('POST', '/v1/outages', {
      productId: productA,
      startedAt: iso(Date.now() - 3 * HOUR),
      endedAt: iso(Date.now() - 2 * HOUR),
      cause: 'unplanned',
      description: 'x',
    });
    expect({ status: foreignOutage.status, field: foreignOutage.body.invalidFields?.[0]?.field }).toEqual({
      status: 422,
      field: 'body.productId',
    });

    const queue = async (api: ReturnType<typeof testApi>) =>
      (await api('GET', '/v1/qa/claims?limit=200')).body.items.map((c: { id: string }) => c.id);
    expect(await queue(as.qaA!)).toContain(claimA);
    expect(await queue(as.qaB!)).not.toContain(claimA);
    expect((await as.qaB!('POST', `/v1/claims/${claimA}/reject`, { reason: 'نه' })).status).toBe(404);
  });

  it('ticket lists filter by department, text, assignee and dates, and sort by the next deadline', async () => {
    const ids = async (query: string) =>
      (await admin('GET', `/v1/tickets?limit=100&${query}`)).body.items.map((t: { id: string }) => t.id);
    expect(await ids(`departmentId=${world.a.one.id}`)).toEqual([ticketA]);
    expect(await ids(`departmentId=${world.a.two.id}`)).toEqual([]);
    expect(await ids(`productId=${productA}&q=${encodeURIComponent('دامنه باز')}`)).toEqual([ticketA]);
    expect(await ids(`productId=${productA}&q=${encodeURIComponent('مشتری دامنه')}`)).toEqual([ticketA]);
    expect(await ids(`productId=${productA}&q=nothing-like-this`)).toEqual([]);
    expect(await ids(`productId=${productA}&openedFrom=${encodeURIComponent(iso(Date.now() + HOUR))}`)).toEqual([]);
    expect(
      await ids(
        `productId=${productA}&openedTo=${encodeURIComponent(iso(Date.now() + HOUR))}&updatedFrom=${encodeURIComponent(iso(Date.now() - HOUR))}`,
      ),
    ).toEqual([ticketA]);
    expect(await ids(`productId=${productA}&assignee=${randomUUID()}`)).toEqual([]);
    expect(await ids(`productId=${productA}&assignee=none`)).toEqual([ticketA]);
    const byDeadline = (await admin('GET', '/v1/tickets?limit=100&sort=deadline&status=new')).body.items as {
      nextDeadlineAt: string | null;
    }[];
    const deadlines = byDeadline
      .map((t) => t.nextDeadlineAt)
      .filter((d): d is string => d !== null)
      .map((d) => Date.parse(d));
    expect(deadlines).toEqual([...deadlines].sort((x, y) => x - y));
    const bad = await admin('GET', '/v1/tickets?sort=random');
    expect({ status: bad.status, field: bad.body.invalidFields?.[0]?.field }).toEqual({
      status: 400,
      field: 'query.sort',
    });
  });
});
