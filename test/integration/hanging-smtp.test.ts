/**
 * The service (`npm start`) with an SMTP server that accepts connections and then never answers
 * a message: commands still answer at once, the ticket's timeline and clock go on, and the outbox
 * says what happened (the message is pending, its try failed and when the next one comes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createDatabase, type Database } from '../../platform/database';
import { apiClient } from '../support/http';
import { freePort } from '../support/ports';
import { startStack, TEST_ADMIN_KEY, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

/** An SMTP server that greets, takes the envelope, and never acknowledges the message's data. */
async function startHangingSmtp() {
  let messagesStarted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream) {
      messagesStarted += 1;
      stream.resume(); // read the message, never call back: the client waits for a "250" that never comes
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messagesStarted: () => messagesStarted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let smtp: Awaited<ReturnType<typeof startHangingSmtp>>;
let stack: Stack;
let db: Database;
let dataDir: string;

beforeAll(async () => {
  smtp = await startHangingSmtp();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-smtp-'));
  stack = await startStack(dataDir, undefined, { SMTP_URL: smtp.url });
  db = createDatabase(stack.databaseUrl);
}, 240_000);

afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
  // The server waits for its hung sessions; the stack has closed its side of them by now.
  await Promise.race([smtp?.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

it('answers an agent reply in under a second while the mail server hangs, and the outbox records the hung try', async () => {
  const admin = apiClient(stack.apiUrl, TEST_ADMIN_KEY);
  const product = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const customer = await admin('POST', '/v1/customers', {
    name: 'مشتری آزمون SMTP',
    contacts: [{ name: 'Primary', email: 'hanging-smtp@customer.test', phone: '09120000000', isPrimary: true }],
  });
  expect(customer.status).toBe(201);
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
  const year = 365 * 86_400_000;
  await db.contract.create({
    data: {
      customerId: customer.body.id,
      productId: product.id,
      policyId: policy.id,
      plan: 'owj-agile',
      startsAt: new Date(Date.now() - year),
      endsAt: new Date(Date.now() + year),
      paid: true,
      priceRials: 1_000_000_000n,
    },
  });
  const keys = await Promise.all([
    admin('POST', '/v1/api-keys', { name: 'smtp test customer', role: 'customer', customerId: customer.body.id }),
    admin('POST', '/v1/api-keys', { name: 'smtp test agent', role: 'agent' }),
  ]);
  const [asCustomer, asAgent] = keys.map((k) => apiClient(stack.apiUrl, k.body.key as string));

  const opened = await asCustomer!('POST', '/v1/tickets', {
    productId: product.id,
    priority: 'critical',
    subject: 'پنل بالا نمی‌آید',
    description: 'از صبح خطای ۵۰۲ می‌دهد.',
  });
  expect(opened.status).toBe(201);
  const ticketId = opened.body.id as string;
  // The relay is now inside the opening notice's SMTP transaction, which never ends.
  await waitFor(
    async () => smtp.messagesStarted(),
    (n) => n >= 1,
    30_000,
  );

  const timings: number[] = [];
  for (const n of [1, 2, 3]) {
    const started = performance.now();
    const reply = await asAgent!('POST', `/v1/tickets/${ticketId}/replies`, { body: `پاسخ ${n}: در حال بررسی هستیم.` });
    timings.push(performance.now() - started);
    expect(reply.status).toBe(200);
  }
  console.log(`agent replies while SMTP hangs: ${timings.map((t) => `${Math.round(t)} ms`).join(', ')}`);
  expect(Math.max(...timings)).toBeLessThan(1_000);

  const timeline = await asAgent!('GET', `/v1/tickets/${ticketId}/events`);
  expect(timeline.body.items.filter((e: { type: string }) => e.type === 'agent_replied')).toHaveLength(3);
  const rows = await db.notification.findMany({
    where: { subjectRef: `ticket:${ticketId}`, channel: 'email' },
    orderBy: { createdAt: 'asc' },
  });
  // The customer hears of the opening and of the first reply (the first response).
  expect(rows.map((r) => r.subject)).toEqual([expect.stringContaining('ثبت'), expect.stringContaining('پاسخ')]);
  expect(rows.every((r) => r.status === 'pending')).toBe(true);

  // The hung try times out (10 s without an answer) and is recorded; the row waits for its next try.
  const opening = rows[0]!;
  const retried = await waitFor(
    () => db.notification.findUniqueOrThrow({ where: { id: opening.id }, include: { attempts: true } }),
    (row) => row.attemptCount >= 1,
    45_000,
  );
  expect(retried).toMatchObject({
    status: 'pending',
    statusNote: expect.stringMatching(/^try 1 of 6 failed: SMTP delivery failed: .*; next try at /),
  });
  expect(retried.attempts[0]).toMatchObject({ ok: false });
  expect(retried.notBefore!.getTime()).toBeGreaterThan(Date.now());

  const ticket = await asAgent!('GET', `/v1/tickets/${ticketId}`);
  expect(ticket.body).toMatchObject({ status: 'in_progress' });
}, 180_000);
