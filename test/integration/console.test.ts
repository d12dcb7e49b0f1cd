// The web console in a real Chromium (playwright-core + the Chromium that @sparticuz/chromium ships)
// against the integration stack: how the service serves it, each role's main journey through the
// public API, no JavaScript errors in the browser, and axe-core on every page (no serious or
// critical violations). PASBAN_SCREENSHOTS=1 also writes the README's screenshots to docs/screenshots.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium as playwright, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

const baseUrl = () => process.env.PASBAN_TEST_API_URL!;
const admin = () => testApi();
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const screenshotDir = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');
const DAY = 24 * 3600_000;

let browser: Browser;
beforeAll(async () => {
  // The package's arguments are for one page per process in a function sandbox: one browser with
  // several contexts needs more than one process, and the tests want the web's security as users have it.
  // The package is ESM with a CommonJS build: a dynamic import reaches the latter under jest.
  const { default: chromium } = await import('@sparticuz/chromium');
  const args = chromium.args.filter(
    (arg) => !['--single-process', '--disable-web-security', '--allow-running-insecure-content'].includes(arg),
  );
  browser = await playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await closeTestDatabase();
});

/** A page of its own browser context, recording every JavaScript error the console would show. */
interface ConsolePage {
  page: Page;
  context: BrowserContext;
  errors: string[];
}

/** Every page the running test opened: afterEach fails the test on any JavaScript error any of them recorded. */
const openedInTest: ConsolePage[] = [];

async function openPage(): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Asking whether a session exists answers 401 (or 404 before sessions exist): Chromium logs that
    // answer as a failed resource, which is the expected answer for a visitor, not an error.
    if (/Failed to load resource/.test(message.text()) && message.location().url.endsWith('/v1/sessions/current'))
      return;
    errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  const opened = { page, context, errors };
  openedInTest.push(opened);
  return opened;
}

// Whether the test passed, failed half-way or forgot to look: a JavaScript error in any of its pages fails it.
afterEach(async () => {
  const pages = openedInTest.splice(0);
  const errors = pages.flatMap((p) => p.errors);
  await Promise.all(pages.map((p) => p.context.close().catch(() => undefined)));
  expect(errors).toEqual([]);
});

async function signInWithKey(key: string): Promise<ConsolePage> {
  const opened = await openPage();
  await opened.page.goto(`${baseUrl()}/`);
  await opened.page.getByLabel('کلید API', { exact: true }).fill(key);
  await opened.page.getByRole('form', { name: 'ورود با کلید API' }).getByRole('button', { name: 'ورود' }).click();
  await opened.page.getByRole('button', { name: 'خروج' }).waitFor();
  return opened;
}

/** axe-core in the page: no serious or critical violations. */
async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(violations).toEqual([]);
}

const languageAndDirection = (page: Page) =>
  Promise.all([page.locator('html').getAttribute('lang'), page.locator('html').getAttribute('dir')]);

async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.PASBAN_SCREENSHOTS !== '1') return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

/** The test's end for one page: no JavaScript errors so far (afterEach checks again), the context closed. */
async function finish(opened: ConsolePage): Promise<void> {
  expect(opened.errors).toEqual([]);
  await opened.context.close();
}

/** A ticket plan whose first response is due 30 clock minutes after opening, so a new ticket is at risk at once. */
async function thirtyMinutePlan(): Promise<string> {
  const key = `console-${randomUUID().slice(0, 8)}`;
  const target = { unit: 'business_minutes', amount: 30, calendar: 'always-open' };
  const terms = {
    firstResponse: target,
    resolution: { unit: 'business_minutes', amount: 600, calendar: 'always-open' },
    breachAction: { channel: 'in_app', recipients: ['department_manager'] },
  };
  const res = await admin()('POST', '/v1/policies', {
    kind: 'ticket',
    key,
    name: 'Console test plan',
    definition: {
      name: 'Console test plan',
      vendor: 'amoot',
      product: 'avanak',
      plan: key,
      ticketsAllowed: true,
      priorities: { critical: terms, high: terms, medium: terms, low: terms },
      warningAtPercent: [75],
      escalations: [],
      reviewDeadline: { unit: 'business_days', amount: 1, calendar: 'always-open' },
    },
  });
  expect(res.status).toBe(201);
  return key;
}

describe('serving the console', () => {
  const get = (pathname: string, accept: string) => fetch(baseUrl() + pathname, { headers: { accept } });

  it('answers / and its own routes with index.html, revalidated every time', async () => {
    for (const pathname of ['/', '/tickets/1234', '/claims']) {
      const res = await get(pathname, 'text/html,application/xhtml+xml');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('caches the hashed assets for a year', async () => {
    const html = await (await get('/', 'text/html')).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const res = await get(asset, '*/*');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/missing.js', '*/*')).status).toBe(404);
  });

  it('never shadows the API, the documents or the probes, even for a browser', async () => {
    const html = 'text/html,application/xhtml+xml';
    const unknown = await get('/v1/no-such-thing', html);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await get('/openapi.json', html)).headers.get('content-type')).toMatch(/^application\/json/);
    expect(await (await get('/docs', html)).text()).toContain('swagger-ui');
    expect((await get('/healthz', html)).headers.get('content-type')).toMatch(/json/);
    // An API client asking for JSON at an unknown path still gets the API's 404.
    expect((await get('/tickets', 'application/json')).status).toBe(404);
  });
});

describe('the console in a browser', () => {
  let customer: Awaited<ReturnType<typeof createCustomerWithContract>>;
  let ticketId: string;
  const subject = `Console ${randomUUID().slice(0, 6)}: پیامک‌ها ارسال نمی‌شوند`;

  beforeAll(async () => {
    customer = await createCustomerWithContract({ productKey: 'avanak', planKey: await thirtyMinutePlan() });
    const opened = await testApi(customer.key)('POST', '/v1/tickets', {
      productId: customer.product.id,
      priority: 'critical',
      subject,
      description: 'از ساعت ۹ هیچ پیامکی ارسال نشده است.',
      channel: 'portal',
    });
    expect(opened.status).toBe(201);
    ticketId = opened.body.id;
    await waitFor(
      () => admin()('GET', '/v1/tickets?atRisk=true&limit=100'),
      (r) => r.body.items.some((t: { id: string }) => t.id === ticketId),
    );
  }, 60_000);

  it('the harness records JavaScript errors: an uncaught exception and a console.error in the page', async () => {
    const opened = await openPage();
    await opened.page.goto(`${baseUrl()}/sign-in`);
    await opened.page.evaluate(() => {
      console.error('harness check');
      setTimeout(() => {
        throw new Error('harness check thrown');
      });
    });
    await waitFor(
      async () => opened.errors.length,
      (n) => n >= 2,
      5_000,
    );
    expect(opened.errors).toEqual([
      expect.stringContaining('console: harness check'),
      'pageerror: harness check thrown',
    ]);
    opened.errors.length = 0; // recorded as they should be: not this test's failure
    await finish(opened);
  });

  it('signs in: the sign-in page is Persian, right-to-left and accessible; a wrong key is refused', async () => {
    const opened = await openPage();
    const { page } = opened;
    await page.goto(`${baseUrl()}/now`);
    await page.waitForURL(/\/sign-in$/);
    expect(await languageAndDirection(page)).toEqual(['fa', 'rtl']);
    await expectAccessible(page);
    await screenshot(page, 'sign-in');
    await page.getByLabel('کلید API', { exact: true }).fill('pk_wrongkey_not-a-real-key-000000000000');
    await page.getByRole('form', { name: 'ورود با کلید API' }).getByRole('button', { name: 'ورود' }).click();
    await page.getByRole('alert').waitFor();
    opened.errors.splice(0, opened.errors.length, ...opened.errors.filter((e) => !/status of 401/.test(e)));
    await finish(opened);
  });

  it('signs in with e-mail and password (a session cookie, CSRF on changes), shows the user by name, signs out', async () => {
    const email = `console-${randomUUID().slice(0, 8)}@example.test`;
    const password = `Pasban-${randomUUID()}`;
    const created = await admin()('POST', '/v1/users', { name: 'Sara Console', email, role: 'manager', password });
    expect(created.status).toBe(201);
    const opened = await openPage();
    const { page } = opened;
    await page.goto(`${baseUrl()}/`);
    const form = page.getByRole('form', { name: 'ورود با ایمیل و گذرواژه' });
    await form.getByLabel('ایمیل').fill(email);
    await form.getByLabel('گذرواژه').fill(password);
    await form.getByRole('button', { name: 'ورود' }).click();
    await page.waitForURL(/\/now$/);
    await page.getByText('Sara Console').waitFor();
    expect((await opened.context.cookies()).some((c) => c.httpOnly)).toBe(true);
    // Signing out is a change made with the session: it carries the CSRF token the session gave.
    await page.getByRole('button', { name: 'خروج' }).click();
    await page.waitForURL(/\/sign-in$/);
    await finish(opened);
  });

  it('manager: sees the at-risk ticket counting down from the server clock, assigns and acknowledges the escalation', async () => {
    // The escalation a breach would send the department's manager, placed in the managers' inbox.
    const notice = await testDatabase().notification.create({
      data: {
        dedupeKey: `console-test:${randomUUID()}`,
        channel: 'in_app',
        audience: 'staff',
        role: 'manager',
        status: 'sent',
        sentAt: new Date(),
        subject: `تشدید: ${subject}`,
        body: 'مهلت نخستین پاسخ نزدیک است.',
        subjectRef: `ticket:${ticketId}`,
        category: 'escalation',
      },
    });
    // The assignee is a person picked from the staff of the ticket's vendor (issue 15): no ids to type.
    const vendorId = customer.product.vendorId;
    const sara = await admin()('POST', '/v1/users', {
      name: `Sara ${randomUUID().slice(0, 4)}`,
      role: 'agent',
      vendorId,
    });
    expect(sara.status).toBe(201);
    const otherVendor = await testDatabase().vendor.findFirstOrThrow({ where: { id: { not: vendorId } } });
    const outsider = await admin()('POST', '/v1/users', {
      name: `Outsider ${randomUUID().slice(0, 4)}`,
      role: 'agent',
      vendorId: otherVendor.id,
    });
    expect(outsider.status).toBe(201);
    const opened = await signInWithKey(await createKey('manager'));
    const { page } = opened;
    await page.waitForURL(/\/now$/);
    const row = page.getByTestId('at-risk-ticket').filter({ hasText: subject });
    const countdown = row.getByTestId('countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^[۰-۹]+:[۰-۹]{2}:[۰-۹]{2}$/);
    await waitFor(
      () => countdown.textContent(),
      (now) => now !== first,
      5_000,
    );
    await expectAccessible(page);
    await screenshot(page, 'manager-now');

    const item = page.getByTestId('inbox-item').filter({ hasText: subject });
    const picker = item.getByLabel('مسئول');
    await picker.locator('option', { hasText: sara.body.name }).waitFor({ state: 'attached' });
    const offered = await picker.locator('option').allTextContents();
    expect(offered.some((text) => text.includes(outsider.body.name))).toBe(false);
    await picker.selectOption({ label: `${sara.body.name} · کارشناس` });
    await item.getByRole('button', { name: 'واگذاری' }).click();
    await waitFor(
      () => admin()('GET', `/v1/tickets/${ticketId}`),
      (r) => r.body.assigneeName === sara.body.name,
    );
    await item.getByRole('button', { name: 'دیدم' }).click();
    await item.waitFor({ state: 'detached' });
    expect((await testDatabase().notification.findUniqueOrThrow({ where: { id: notice.id } })).readAt).not.toBeNull();
    await finish(opened);
  });

  it('manager: /now asks for its lists with the key check, not after it, and shows the at-risk list before the breached one answers', async () => {
    const opened = await openPage();
    const { page, context } = opened;
    await context.addInitScript({
      content: `sessionStorage.setItem('pasban.apiKey', ${JSON.stringify(await createKey('manager'))});`,
    });
    let listAsked!: () => void;
    const listSeen = new Promise<boolean>((resolve) => (listAsked = () => resolve(true)));
    let releaseBreached!: () => void;
    const breachedHeld = new Promise<void>((resolve) => (releaseBreached = resolve));
    let keyCheckWaitedForList: boolean | undefined;
    const isList = (url: URL, flag: string) => url.pathname === '/v1/tickets' && url.searchParams.get(flag) === 'true';
    await page.route(
      (url) => isList(url, 'atRisk'),
      async (route) => {
        listAsked();
        await route.continue();
      },
    );
    await page.route(
      (url) => isList(url, 'breached'),
      async (route) => {
        await breachedHeld;
        await route.continue().catch(() => undefined);
      },
    );
    // The key check (GET /v1/me) is held until the at-risk list has been asked for, 5 s at most.
    await page.route(
      (url) => url.pathname === '/v1/me',
      async (route) => {
        keyCheckWaitedForList = await Promise.race([
          listSeen,
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
        ]);
        await route.continue();
      },
    );
    try {
      await page.goto(`${baseUrl()}/now`);
      await page.getByTestId('at-risk-ticket').filter({ hasText: subject }).waitFor({ timeout: 15_000 });
      expect(keyCheckWaitedForList).toBe(true);
      // Still loading the breached list: said so under the rows already shown.
      expect(await page.locator('section[aria-labelledby="at-risk"] [aria-busy="true"]').count()).toBe(1);
    } finally {
      releaseBreached();
    }
    await page.locator('section[aria-labelledby="at-risk"] [aria-busy="true"]').waitFor({ state: 'detached' });
    await finish(opened);
  });

  it('agent: works the ticket from the queue: an internal note marked as such, a public reply that meets the first response', async () => {
    const opened = await signInWithKey(await createKey('agent'));
    const { page } = opened;
    await page.waitForURL(/\/tickets$/);
    await page.getByLabel('جست‌وجو').fill(subject.slice(0, 14));
    await page.getByRole('link', { name: subject }).click();
    await page.getByTestId('target-first_response').getByTestId('countdown').waitFor();
    await expectAccessible(page);

    await page.getByLabel('پاسخ').fill('بررسی شد: صف ارسال گیر کرده بود.');
    await page.getByLabel('داخلی').check();
    await page.getByRole('button', { name: 'ارسال' }).click();
    await page.locator('.timeline li.internal').filter({ hasText: 'صف ارسال' }).waitFor();
    // Event types read in the page's language, not as the API's identifiers.
    await page.locator('.timeline li.internal').filter({ hasText: 'یادداشت داخلی' }).waitFor();
    expect(await page.locator('.timeline').getByText('internal note').count()).toBe(0);
    await page.getByLabel('پاسخ').fill('سلام، مشکل پیدا شد و در حال رفع است.');
    await page.getByLabel('داخلی').uncheck();
    await page.getByRole('button', { name: 'ارسال' }).click();
    await page.getByTestId('target-first_response').getByText('برآورده شد').waitFor({ timeout: 20_000 });
    await screenshot(page, 'agent-ticket');
    await finish(opened);
  });

  it('customer: sees its ticket and the clock, not the internal note, and replies', async () => {
    const opened = await signInWithKey(customer.key);
    const { page } = opened;
    await page.waitForURL(/\/tickets$/);
    await page.getByRole('link', { name: subject }).click();
    await page.getByTestId('target-resolution').getByTestId('countdown').waitFor();
    await page.getByText('مشکل پیدا شد').waitFor();
    expect(await page.getByText('صف ارسال').count()).toBe(0);
    await page.getByLabel('پاسخ').fill('ممنون، منتظریم.');
    await page.getByRole('button', { name: 'ارسال' }).click();
    await page.locator('.timeline li').filter({ hasText: 'منتظریم' }).waitFor();
    await expectAccessible(page);
    await screenshot(page, 'customer-ticket');
    await finish(opened);
  });

  it("customer: opens a ticket with the plan's priorities and channels and sees its clock; a refusal is explained in Persian", async () => {
    const opened = await signInWithKey(customer.key);
    const { page } = opened;
    await page.waitForURL(/\/tickets$/);
    await page.getByRole('link', { name: 'تیکت تازه' }).click();
    await page.waitForURL(/\/tickets\/new$/);
    const form = page.getByRole('form', { name: 'ثبت تیکت تازه' });
    // The priorities offered are the plan's (GET /v1/me/products), in Persian.
    await form.getByLabel('اولویت').locator('option').nth(1).waitFor({ state: 'attached' });
    const offered = await form.getByLabel('اولویت').locator('option').allTextContents();
    expect(offered).toEqual(['انتخاب کنید', 'بحرانی', 'بالا', 'متوسط', 'پایین']);
    await expectAccessible(page);
    const mine = `Console new ${randomUUID().slice(0, 6)}`;
    await form.getByLabel('اولویت').selectOption({ label: 'بالا' });
    await form.getByLabel('کانال').selectOption({ label: 'پرتال' });
    await form.getByLabel('موضوع').fill(mine);
    await form.getByLabel('شرح').fill('گزارش‌ها بارگذاری نمی‌شوند.');
    await screenshot(page, 'customer-new-ticket');
    await form.getByRole('button', { name: 'ثبت' }).click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    await page.getByTestId('target-first_response').getByTestId('countdown').waitFor();
    const id = page.url().split('/').pop()!;
    expect((await admin()('GET', `/v1/tickets/${id}`)).body).toMatchObject({
      subject: mine,
      priority: 'high',
      channel: 'portal',
      customerId: customer.customer.id,
    });

    // A customer whose contract is unpaid is told why, before typing anything.
    const unpaid = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile', paid: false });
    const refused = await signInWithKey(unpaid.key);
    await refused.page.goto(`${baseUrl()}/tickets/new`);
    await refused.page.getByTestId('eligibility').waitFor();
    await expect(refused.page.getByTestId('eligibility').textContent()).resolves.toContain(
      'هزینه‌ی قرارداد هنوز پرداخت نشده است',
    );
    expect(await refused.page.getByRole('button', { name: 'ثبت' }).isDisabled()).toBe(true);
    await expectAccessible(refused.page);
    await finish(refused);
    await finish(opened);
  });

  it('QA: finds the claim in the queue by decision due, reads the evidence and approves it', async () => {
    const db = testDatabase();
    const avanak = await db.product.findUniqueOrThrow({ where: { key: 'avanak' } });
    const product = await db.product.create({
      data: {
        key: `console-${randomUUID().slice(0, 8)}`,
        vendorId: avanak.vendorId,
        departmentId: avanak.departmentId,
        name: 'Console claims',
        nameFa: 'سرویس آزمایشی',
        creditTable: 'avanak',
      },
    });
    const start = Date.now() - 2 * DAY;
    const outage = await testApi(await createKey('agent'))('POST', '/v1/outages', {
      productId: product.id,
      startedAt: new Date(start).toISOString(),
      endedAt: new Date(start + 1000 * 60_000).toISOString(),
      cause: 'unplanned',
      description: 'پنل پیامک در دسترس نبود',
    });
    expect(outage.status).toBe(201);
    const claimant = await createCustomerWithContract({ productKey: product.key, planKey: 'avanak' });
    const filed = await testApi(claimant.key)('POST', '/v1/claims', {
      productId: product.id,
      outageIds: [outage.body.id],
      note: 'کل روز پیامک ارسال نشد',
    });
    expect(filed.status).toBe(201);

    const opened = await signInWithKey(await createKey('qa'));
    const { page } = opened;
    await page.waitForURL(/\/claims$/);
    await page.getByTestId('claim-row').first().waitFor();
    await expectAccessible(page);
    await screenshot(page, 'qa-claims');
    await page.getByRole('link', { name: filed.body.id.slice(0, 8) }).click();
    await page.getByText('کل روز پیامک ارسال نشد').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'qa-claim');
    await page.getByRole('button', { name: 'تأیید', exact: true }).click();
    await page.getByTestId('claim-decision').waitFor();
    expect((await admin()('GET', `/v1/claims/${filed.body.id}`)).body.decision).toMatchObject({
      outcome: 'approved',
      creditPercent: 30,
    });
    await finish(opened);
  });

  it('manager: the SLA report as charts, the same figures as the API in the tables beside them, and its CSV', async () => {
    const opened = await signInWithKey(await createKey('manager'));
    const { page } = opened;
    await page.waitForURL(/\/now$/);
    const byPriority = page.waitForResponse(
      (r) => r.url().includes('/v1/reports/sla') && r.url().includes('groupBy=priority'),
    );
    await page.getByRole('link', { name: 'گزارش‌ها' }).click();
    const asked = new URL((await byPriority).url());
    await page.getByTestId('compliance-chart').locator('svg').waitFor();
    await page.getByTestId('breaches-chart').locator('svg').waitFor();

    // The table beside the chart shows what the API answers for the same query (the console's ticket is in it).
    const report = (await admin()('GET', asked.pathname + asked.search)).body as {
      groups: { key: string; targets: { target: string; breached: number }[] }[];
    };
    expect(report.groups.map((g) => g.key)).toContain('critical');
    const latin = (text: string) => text.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d)));
    const rows = await page
      .getByTestId('breaches-table')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.map((cells) => cells.map(latin))).toEqual(
      report.groups.map((g) =>
        ['first_response', 'resolution'].map((target) =>
          String(g.targets.find((f) => f.target === target)?.breached ?? 0),
        ),
      ),
    );
    // Breaches by department, response times, availability against target and credits per month:
    // each a chart with the API's figures in the table beside it.
    for (const chart of ['departments', 'response-times', 'availability', 'credits']) {
      await page.getByTestId(`${chart}-chart`).locator('svg').waitFor();
    }
    const departments = (
      await admin()('GET', `${asked.pathname}${asked.search.replace('groupBy=priority', 'groupBy=department')}`)
    ).body as { groups: { key: string; label: string; targets: { target: string; breached: number }[] }[] };
    const departmentRows = await page
      .getByTestId('departments-table')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
    expect(departmentRows.map((cells) => cells.map(latin))).toEqual(
      departments.groups.map((g) => [
        g.label,
        ...['first_response', 'resolution'].map((target) =>
          String(g.targets.find((f) => f.target === target)?.breached ?? 0),
        ),
      ]),
    );
    const medians = await page
      .getByTestId('response-times-table')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[0]?.textContent ?? ''));
    const fullReport = (await admin()('GET', asked.pathname + asked.search)).body as {
      groups: { targets: { target: string; businessMinutes: { median: number | null } }[] }[];
    };
    expect(medians.map((m) => latin(m).replace('٫', '.'))).toEqual(
      fullReport.groups.map((g) => {
        const median = g.targets.find((f) => f.target === 'first_response')?.businessMinutes.median;
        return median === null || median === undefined ? '—' : String(median);
      }),
    );
    const query = new URLSearchParams(asked.search);
    const claims = (await admin()('GET', `/v1/reports/claims?from=${query.get('from')}&to=${query.get('to')}`))
      .body as { availability: unknown[]; credits: { lines: { appliesToMonth: string }[] } };
    const rowsOf = (testId: string) => page.getByTestId(testId).locator('tbody tr').count();
    expect(claims.availability.length > 0 ? await rowsOf('availability-table') : 0).toBe(claims.availability.length);
    expect(await rowsOf('credits-table')).toBe(new Set(claims.credits.lines.map((l) => l.appliesToMonth)).size);
    await expectAccessible(page);
    await screenshot(page, 'manager-reports');

    // The CSV download is the API's CSV of the month-by-month report.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'دریافت CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    query.set('groupBy', 'month');
    const fromApi = await (
      await fetch(`${baseUrl()}/v1/reports/sla?${query}`, {
        headers: { accept: 'text/csv', authorization: `Bearer ${process.env.PASBAN_TEST_ADMIN_KEY}` },
      })
    ).text();
    expect(csv.split('\n')[0]).toBe(fromApi.split('\n')[0]);
    expect(csv.split('\n').length).toBe(fromApi.split('\n').length);
    await finish(opened);
  });

  it('admin: users (a new one created through the form) and calendars with estimated holidays flagged and confirmed', async () => {
    const set = `console-${randomUUID().slice(0, 8)}`;
    const holiday = await testDatabase().holiday.create({
      data: {
        set,
        date: new Date(Date.UTC(new Date().getUTCFullYear() + 2, 2, 21)),
        name: 'نوروز آزمایشی',
        nameEn: 'Test Nowruz',
        source: 'computed',
        reference: 'computed by the console test',
      },
    });
    // More users than the page's first 100 (as in the whole suite's shared stack): the one made
    // through the form must still show.
    for (let i = 0; i < 101; i++) {
      expect((await admin()('POST', '/v1/users', { name: `Filler ${i}`, role: 'agent' })).status).toBe(201);
    }
    const opened = await signInWithKey(await createKey('admin'));
    const { page } = opened;
    await page.getByRole('link', { name: 'مدیریت' }).click();
    await page.waitForURL(/\/admin\/users$/);
    await page.getByTestId('users-table').waitFor();
    await expectAccessible(page);
    const email = `console-admin-${randomUUID().slice(0, 8)}@example.test`;
    const form = page.getByRole('form', { name: 'کاربر تازه' });
    await form.getByLabel('نام').fill('Reza Console');
    await form.getByLabel('ایمیل').fill(email);
    await form.getByLabel('نقش').selectOption({ label: 'کنترل کیفیت' });
    await form.getByLabel('گذرواژه').fill(`Pasban-${randomUUID()}`);
    await form.getByRole('button', { name: 'ثبت' }).click();
    await page.getByTestId('users-table').getByText(email).waitFor();
    const users = (await admin()('GET', `/v1/users?q=${encodeURIComponent(email)}`)).body.items;
    expect(users).toEqual([expect.objectContaining({ name: 'Reza Console', email, role: 'qa', canSignIn: true })]);
    await screenshot(page, 'admin-users');

    await page.getByRole('link', { name: 'تقویم‌ها و تعطیلات' }).click();
    await page.waitForURL(/\/admin\/calendars$/);
    await page.getByTestId('calendars-table').getByText('always-open').waitFor();
    const row = page.getByTestId('estimated-holiday').filter({ hasText: set });
    await row.getByText('برآوردی').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'admin-calendars');
    await row.getByRole('button', { name: /تأیید تاریخ/ }).click();
    await row.waitFor({ state: 'detached' });
    expect((await admin()('GET', `/v1/holidays/${holiday.id}`)).body).toMatchObject({
      estimated: false,
      source: 'admin',
      confirmedAt: expect.any(String),
    });
    await finish(opened);
  });

  it('admin: API keys: a new key shows its secret once, the secret works, and revoking it stops it at once', async () => {
    const opened = await signInWithKey(await createKey('admin'));
    const { page } = opened;
    await page.getByRole('link', { name: 'مدیریت' }).click();
    await page.getByRole('link', { name: 'کلیدهای API' }).click();
    await page.waitForURL(/\/admin\/keys$/);
    await page.getByTestId('keys-table').waitFor();
    await expectAccessible(page);
    const name = `console-key-${randomUUID().slice(0, 8)}`;
    const form = page.getByRole('form', { name: 'کلید تازه' });
    await form.getByLabel('نام', { exact: true }).fill(name);
    await form.getByLabel('نام نمایشی').fill('Nika, support');
    await form.getByLabel('نقش').selectOption({ label: 'کارشناس' });
    await form.getByRole('button', { name: 'ثبت' }).click();
    const secret = (await page.getByTestId('new-key-secret').locator('output').textContent())!;
    expect((await testApi(secret)('GET', '/v1/me')).body).toMatchObject({ role: 'agent' });
    const row = page.getByTestId('key-row').filter({ hasText: name });
    await row.getByText('فعال').waitFor();
    await expectAccessible(page);
    await screenshot(page, 'admin-keys');
    // Only this answer held the secret: the list never shows it again.
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    await row.getByRole('button', { name: `ابطال: ${name}` }).click();
    await row.getByText('باطل‌شده').waitFor();
    expect((await testApi(secret)('GET', '/v1/me')).status).toBe(401);
    await finish(opened);
  }, 90_000);

  it('admin: customers and contracts: a new customer, edited; a contract on a plan added with Jalali dates, then edited', async () => {
    const opened = await signInWithKey(await createKey('admin'));
    const { page } = opened;
    await page.goto(`${baseUrl()}/admin/customers`);
    await page.getByTestId('customers-table').or(page.getByText('موردی نیست')).first().waitFor();
    await expectAccessible(page);
    const name = `شرکت آزمایشی ${randomUUID().slice(0, 6)}`;
    const create = page.getByRole('form', { name: 'مشتری تازه' });
    await create.getByLabel('نام').fill(name);
    await create.getByLabel('شهر').fill('تهران');
    await create.getByRole('button', { name: 'ثبت' }).click();
    await page.waitForURL(/\/admin\/customers\/[0-9a-f-]{36}$/);
    const customerId = page.url().split('/').pop()!;
    const edit = page.getByRole('form', { name: 'ویرایش مشتری' });
    await edit.getByLabel('پیام‌ها').selectOption({ label: 'بدون پیام تبلیغاتی' });
    await edit.getByRole('button', { name: 'ذخیره' }).click();
    await edit.getByRole('status').waitFor();
    expect((await admin()('GET', `/v1/customers/${customerId}`)).body).toMatchObject({
      name,
      city: 'تهران',
      messagingPreference: 'no_advertising',
    });

    const contract = page.getByRole('form', { name: 'قرارداد تازه' });
    await contract.getByLabel('محصول').selectOption({ label: 'آوانک' });
    const plan = (await admin()('GET', '/v1/policies?kind=ticket&key=avanak')).body.items[0];
    await contract.getByLabel('طرح').selectOption({ label: `${plan.name} (avanak)` });
    await contract.getByLabel('آغاز').fill('2026-03-21');
    await contract.getByLabel('پایان').fill('2027-03-21');
    // The Gregorian date input is shown beside it as the Jalali date: 1 Farvardin 1405.
    await contract.getByText(/۱ فروردین ۱۴۰۵/).waitFor();
    await contract.getByLabel('مبلغ (ریال)').fill('1200000000');
    await contract.getByRole('button', { name: 'ثبت' }).click();
    const row = page.getByTestId('contract-row').filter({ hasText: 'آوانک' });
    await row.waitFor();
    const [stored] = (await admin()('GET', `/v1/contracts?customerId=${customerId}`)).body.items;
    expect(stored).toMatchObject({
      policyId: plan.id,
      startsAt: '2026-03-21T00:00:00.000+03:30',
      endsAt: '2027-03-21T00:00:00.000+03:30',
      paid: true,
      priceRials: '1200000000',
    });
    await expectAccessible(page);
    await screenshot(page, 'admin-customer');
    await row.getByRole('button', { name: /ویرایش/ }).click();
    const change = page.getByRole('form', { name: 'ویرایش قرارداد' });
    await change.getByLabel('پرداخت‌شده').uncheck();
    await change.getByLabel('پایان').fill('2026-09-23');
    await change.getByRole('button', { name: 'ذخیره' }).click();
    await page.getByRole('form', { name: 'قرارداد تازه' }).waitFor();
    expect((await admin()('GET', `/v1/contracts/${stored.id}`)).body).toMatchObject({
      paid: false,
      endsAt: '2026-09-23T00:00:00.000+03:30',
    });
    await finish(opened);
  }, 90_000);

  it('admin: a policy edited with a what-if preview of its deadlines before saving; nothing is saved until Save', async () => {
    const key = await thirtyMinutePlan();
    const policy = (await admin()('GET', `/v1/policies?kind=ticket&key=${key}`)).body.items[0];
    const opened = await signInWithKey(await createKey('admin'));
    const { page } = opened;
    await page.goto(`${baseUrl()}/admin/policies`);
    await page.getByTestId('policies-table').getByRole('link', { name: key }).click();
    await page.waitForURL(new RegExp(`/admin/policies/${policy.id}$`));
    await page.getByLabel('بحرانی، نخستین پاسخ: مقدار').fill('90');
    await page.getByLabel('زمان باز شدن (به وقت تهران)').fill('2026-11-25T16:00');
    await page.getByRole('button', { name: 'پیش‌نمایش' }).click();
    const firstResponse = page.getByTestId('what-if-first_response');
    await firstResponse.waitFor();
    // On the always-open calendar: 30 minutes as stored, 90 as edited, from 16:00 Tehran time.
    const cells = await firstResponse.locator('td').allTextContents();
    expect(cells[0]).toContain('۱۶:۳۰');
    expect(cells[1]).toContain('۱۷:۳۰');
    expect((await admin()('GET', `/v1/policies/${policy.id}`)).body).toMatchObject({
      version: policy.version,
      definition: { priorities: { critical: { firstResponse: { amount: 30 } } } },
    });
    await expectAccessible(page);
    await screenshot(page, 'admin-policy');
    await page.getByRole('button', { name: 'ذخیره' }).click();
    await page.getByTestId('policy-saved').waitFor();
    expect((await admin()('GET', `/v1/policies/${policy.id}`)).body).toMatchObject({
      version: policy.version + 1,
      definition: {
        priorities: { critical: { firstResponse: { amount: 90 } }, high: { firstResponse: { amount: 30 } } },
      },
    });
    await finish(opened);
  }, 90_000);

  it('switches to English: left-to-right, Gregorian dates, still Tehran time', async () => {
    const opened = await signInWithKey(await createKey('manager'));
    const { page } = opened;
    await page.waitForURL(/\/now$/);
    const time = page.locator('time.server-time');
    expect(await time.textContent()).toMatch(/[۰-۹]{4}/);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await languageAndDirection(page)).toEqual(['en', 'ltr']);
    const english = await time.textContent();
    expect(english).toMatch(/20\d\d/);
    // The browser runs in Berlin; the console shows Tehran's wall clock (UTC+03:30).
    const tehranHour = Number(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tehran', hour: '2-digit', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
    expect(english).toContain(`${String(tehranHour).padStart(2, '0')}:`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await finish(opened);
  });
});
