/**
 * The notification outbox against the real database, a real SMTP server and a real HTTP server
 * standing in for the SMS gateway; the inbox and outbox routes through the running service.
 * Every test makes its own customers, departments and dedupe keys, and counts only the messages
 * sent to its own addresses.
 */
import { randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Notification } from '../../generated/prisma/client';
import type { MessagingPreference } from '../../generated/prisma/enums';
import { HttpSmsGateway, SmtpMailer, type DeliveryChannels } from '../../activities/notifications/channels';
import { createNotificationActivities, type NotifyRequest } from '../../activities/notifications/outbox';
import { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from '../../activities/notifications/relay';
import { createDatabase, type Database } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { testApi } from '../support/http';
import { freePort } from '../support/ports';
import { iso } from '../../sla/iso';

// --- Stand-ins for the outside world ---------------------------------------------------------

interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on a free port that keeps every message it accepts. */
async function startSmtpServer(): Promise<{ url: string; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((a) => a.address),
          ...parseMail(Buffer.concat(chunks).toString('latin1')),
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME to read back what nodemailer wrote: encoded-word subjects and a base64 or QP body. */
function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(headers)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('latin1')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
  const body = raw.slice(split + 4);
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('latin1')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  const utf8 = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
  return { subject: utf8(subject), text: utf8(text).replace(/\r\n/g, '\n').trimEnd() };
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface GatewayRequest {
  authorization: string | undefined;
  body: { to: string; text: string };
}

/**
 * A real HTTP server playing the SMS gateway; `answers` sets the status it gives a phone number
 * and `slow` the numbers it takes half a second to answer for.
 */
async function startSmsGateway() {
  const requests: GatewayRequest[] = [];
  const answers = new Map<string, number>();
  const slow = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GatewayRequest['body'];
      requests.push({ authorization: req.headers.authorization, body });
      const status = answers.get(body.to) ?? 200;
      const answer = () => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(status === 200 ? { id: `sms-${requests.length}` } : { error: 'gateway exploded' }));
      };
      if (slow.has(body.to)) setTimeout(answer, 500);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    requests,
    answers,
    slow,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- Fixtures --------------------------------------------------------------------------------

let db: Database;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let gateway: Awaited<ReturnType<typeof startSmsGateway>>;
let mailer: SmtpMailer;
let channels: DeliveryChannels;
let activities: ReturnType<typeof createNotificationActivities>;
let relay: OutboxRelay;
const logger = createLogger('silent');
const SMS_TOKEN = 'gateway-token-for-tests';

beforeAll(async () => {
  db = createDatabase(process.env.PASBAN_TEST_DATABASE_URL!);
  [smtp, gateway] = await Promise.all([startSmtpServer(), startSmsGateway()]);
  mailer = new SmtpMailer({ url: smtp.url, from: 'Pasban <no-reply@pasban.test>' });
  channels = { sms: new HttpSmsGateway({ url: gateway.url, token: SMS_TOKEN, timeoutMs: 5_000 }), email: mailer };
  activities = activitiesAt();
  relay = relayAt();
});

afterAll(async () => {
  mailer.close();
  await Promise.all([smtp.close(), gateway.close()]);
  await db.$disconnect();
});

/** The activities as the worker builds them, optionally with the clock pinned. */
function activitiesAt(now?: Date, with_: DeliveryChannels = channels) {
  return createNotificationActivities({ db, logger, channels: with_, now: now && (() => now) });
}

/** A relay as the worker runs it, optionally with the clock pinned; retries come a millisecond apart. */
function relayAt(now?: Date, options: Partial<OutboxRelayOptions> = {}) {
  return createOutboxRelay({ db, logger, channels, now: now && (() => now), retryDelayMs: () => 1, ...options });
}

/**
 * Runs relay turns until one of them has dealt with the row (or `until` holds), or a turn finds
 * nothing to do. The shared test database may hold other tests' rows, which the same turns
 * deliver first (oldest first).
 */
async function relayed(notificationId: string, by: OutboxRelay = relay, until?: (row: Notification) => boolean) {
  const find = () => db.notification.findUniqueOrThrow({ where: { id: notificationId } });
  const state = (row: Notification) =>
    JSON.stringify([row.status, row.channel, row.attemptCount, row.notBefore, row.statusNote]);
  for (let turn = 0; turn < 100; turn += 1) {
    const before = await find();
    const outcomes = await by.deliverDue();
    const after = await find();
    if (until ? until(after) : state(after) !== state(before) || outcomes.length === 0) return after;
  }
  throw new Error(`notification ${notificationId} still waiting after 100 relay turns`);
}

const phone = () => `+98912${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
const tag = () => randomUUID().slice(0, 8);

async function createCustomer(
  preference: MessagingPreference,
  contact: { phone?: string | null; email?: string | null } = {},
) {
  const t = tag();
  const primary = {
    phone: contact.phone === undefined ? phone() : contact.phone,
    email: contact.email === undefined ? `primary-${t}@customer.test` : contact.email,
  };
  const customer = await db.customer.create({
    data: {
      name: `Notification test ${t}`,
      messagingPreference: preference,
      contacts: {
        create: [
          { name: 'Accounts', phone: phone(), email: `accounts-${t}@customer.test`, isPrimary: false },
          { name: 'Primary', ...primary, isPrimary: true },
        ],
      },
    },
  });
  return { id: customer.id, ...primary };
}

async function createDepartment() {
  const t = tag();
  const vendor = await db.vendor.create({
    data: { key: `notify-test-${t}`, name: `Vendor ${t}`, nameFa: `فروشنده ${t}` },
  });
  return db.department.create({
    data: {
      vendorId: vendor.id,
      name: `Support ${t}`,
      managerName: 'Manager',
      managerPhone: phone(),
      managerEmail: `manager-${t}@vendor.test`,
      seniorManagerName: 'Senior',
      seniorManagerPhone: phone(),
      seniorManagerEmail: `senior-${t}@vendor.test`,
    },
  });
}

function toCustomer(customerId: string, overrides: Partial<NotifyRequest> = {}): NotifyRequest {
  return {
    dedupeKey: `test:${randomUUID()}`,
    channel: 'email',
    category: 'informational',
    audience: 'customer',
    customerId,
    recipient: { kind: 'customer' },
    subject: 'ثبت درخواست ABCDEFAB',
    body: 'مشترک گرامی، درخواست شما ثبت شد.\nمهلت اولین پاسخ: ۱۴۰۵/۰۹/۰۱ ساعت ۱۰:۳۰',
    subjectRef: `ticket:${randomUUID()}`,
    ...overrides,
  };
}

const mailTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));
const smsTo = (number: string) => gateway.requests.filter((r) => r.body.to === number);
const attemptsOf = (notificationId: string) =>
  db.notificationAttempt.findMany({ where: { notificationId }, orderBy: { at: 'asc' } });

// --- The outbox ------------------------------------------------------------------------------

describe('notify: queueing in the outbox', () => {
  it('only writes the row: nothing is sent until the relay takes it, and notify answers at once', async () => {
    const customer = await createCustomer('all');
    const request = toCustomer(customer.id);
    const result = await activities.notify(request);

    expect(result).toMatchObject({ channel: 'email', status: 'pending', duplicate: false, notBefore: null });
    expect(mailTo(customer.email!)).toHaveLength(0);
    expect(await attemptsOf(result.notificationId)).toHaveLength(0);
  });

  it('queues once for a dedupe key however often it is called (a retried activity or a replayed workflow)', async () => {
    const customer = await createCustomer('all');
    const department = await createDepartment();
    const email = toCustomer(customer.id);
    const sms: NotifyRequest = {
      ...toCustomer(customer.id),
      channel: 'sms',
      audience: 'staff',
      customerId: undefined,
      role: 'manager',
      recipient: { kind: 'department_manager', departmentId: department.id },
    };

    const first = await Promise.all([activities.notify(email), activities.notify(sms), activities.notify(email)]);
    await relayed(first[0]!.notificationId);
    await relayed(first[1]!.notificationId);
    const again = await Promise.all([activities.notify(email), activities.notify(sms), activities.notify(email)]);
    await relay.deliverDue();

    expect(mailTo(customer.email!)).toHaveLength(1);
    expect(smsTo(department.managerPhone!)).toHaveLength(1);
    expect(again.map((r) => [r.duplicate, r.status])).toEqual([
      [true, 'sent'],
      [true, 'sent'],
      [true, 'sent'],
    ]);
    expect(again[0]!.notificationId).toBe(first[0]!.notificationId);
    expect(await db.notification.count({ where: { dedupeKey: { in: [email.dedupeKey, sms.dedupeKey] } } })).toBe(2);
    expect(await attemptsOf(first[1]!.notificationId)).toHaveLength(1);
  });

  it('holds SMS and e-mail when the worker has no gateway or SMTP server, saying which setting is missing, and never says sent', async () => {
    const customer = await createCustomer('all');
    const unconfigured = activitiesAt(undefined, { sms: null, email: null });
    const sms = await unconfigured.notify(toCustomer(customer.id, { channel: 'sms' }));
    const email = await unconfigured.notify(toCustomer(customer.id, { channel: 'email' }));
    expect(sms).toMatchObject({
      status: 'held',
      note: 'held: no SMS_GATEWAY_URL configured; sent once a worker with it runs',
      notBefore: null,
    });
    expect(email).toMatchObject({
      status: 'held',
      note: 'held: no SMTP_URL configured; sent once a worker with it runs',
    });

    // A relay without channels touches nothing.
    const idle = createOutboxRelay({ db, logger, channels: { sms: null, email: null } });
    expect(await idle.deliverDue()).toEqual([]);
    expect((await db.notification.findUniqueOrThrow({ where: { id: sms.notificationId } })).status).toBe('held');

    // Once a worker with the channels runs, the held messages go out without anyone sending them again.
    expect(await relayed(sms.notificationId)).toMatchObject({ status: 'sent', statusNote: null, attemptCount: 1 });
    expect(await relayed(email.notificationId)).toMatchObject({ status: 'sent', statusNote: null });
    expect(smsTo(customer.phone!)).toHaveLength(1);
    expect(mailTo(customer.email!)).toHaveLength(1);
  });

  it('records an in-app message as sent at once, with no delivery attempt', async () => {
    const customer = await createCustomer('all');
    const result = await activities.notify(toCustomer(customer.id, { channel: 'in_app' }));
    expect(result).toMatchObject({ channel: 'in_app', status: 'sent' });
    expect(await attemptsOf(result.notificationId)).toHaveLength(0);
    expect(mailTo(customer.email!)).toHaveLength(0);
  });

  it("puts an SMS for a staff role (which has no phone) in the role's in-app inbox, saying so", async () => {
    const result = await activities.notify({
      ...toCustomer(randomUUID()),
      channel: 'sms',
      audience: 'staff',
      customerId: undefined,
      recipient: { kind: 'role', role: 'qa' },
    });
    expect(result).toMatchObject({
      channel: 'in_app',
      status: 'sent',
      note: 'the qa role has no phone: sent to its in-app inbox',
    });
    expect(await db.notification.findUniqueOrThrow({ where: { id: result.notificationId } })).toMatchObject({
      role: 'qa',
      audience: 'staff',
    });
  });

  it('records the message as failed when the recipient has no address for the channel, or does not exist, saying which', async () => {
    const customer = await createCustomer('all', { email: null });
    await db.contact.updateMany({ where: { customerId: customer.id }, data: { email: null } });
    expect(await activities.notify(toCustomer(customer.id))).toMatchObject({
      status: 'failed',
      note: 'no e-mail address on file for the customer',
    });
    const ghost = randomUUID();
    expect(await activities.notify(toCustomer(ghost))).toMatchObject({
      status: 'failed',
      note: `customer ${ghost} does not exist`,
    });
  });

  it('refuses a malformed request as non-retryable', async () => {
    const staffToCustomer = await activities
      .notify({ ...toCustomer(randomUUID()), audience: 'staff' })
      .catch((error: unknown) => error);
    expect(staffToCustomer).toMatchObject({
      type: 'InvalidNotifyRequest',
      nonRetryable: true,
      message: expect.stringContaining('audience'),
    });
    const noDepartment = await activities
      .notify({ ...toCustomer(randomUUID()), audience: 'staff', recipient: { kind: 'department_manager' } })
      .catch((error: unknown) => error);
    expect(noDepartment).toMatchObject({
      type: 'InvalidNotifyRequest',
      message: expect.stringContaining('recipient.departmentId'),
    });
  });
});

describe('the relay: delivery', () => {
  it("e-mails the customer's primary contact in Persian and records the attempt", async () => {
    const customer = await createCustomer('all');
    const request = toCustomer(customer.id);
    const { notificationId } = await activities.notify(request);
    const row = await relayed(notificationId);

    const [mail] = mailTo(customer.email!);
    expect(mailTo(customer.email!)).toHaveLength(1);
    expect(mail!.subject).toBe(request.subject);
    expect(mail!.text).toBe(request.body);
    expect(row).toMatchObject({
      status: 'sent',
      address: customer.email,
      audience: 'customer',
      customerId: customer.id,
      leaseToken: null,
    });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(await attemptsOf(row.id)).toMatchObject([{ ok: true, detail: expect.stringMatching(/^provider id </) }]);
  });

  it('posts SMS to the gateway as JSON with the bearer token', async () => {
    const department = await createDepartment();
    const { notificationId } = await activities.notify({
      dedupeKey: `test:${randomUUID()}`,
      channel: 'sms',
      category: 'informational',
      audience: 'staff',
      recipient: { kind: 'senior_management', departmentId: department.id },
      subject: 'ارجاع',
      body: 'درخواست ABCDEFAB به مدیریت ارشد ارجاع شد.',
    });
    await relayed(notificationId);
    expect(smsTo(department.seniorManagerPhone!)).toEqual([
      {
        authorization: `Bearer ${SMS_TOKEN}`,
        body: { to: department.seniorManagerPhone, text: 'درخواست ABCDEFAB به مدیریت ارشد ارجاع شد.' },
      },
    ]);
    expect(smsTo(department.managerPhone!)).toHaveLength(0);
  });

  it('tries again after a transient failure (500) and records both attempts', async () => {
    const customer = await createCustomer('all');
    const { notificationId } = await activities.notify(toCustomer(customer.id, { channel: 'sms' }));
    gateway.answers.set(customer.phone!, 500);
    const patient = relayAt(undefined, { retryDelayMs: () => 60_000 });
    const waiting = await relayed(notificationId, patient);
    expect(waiting).toMatchObject({
      status: 'pending',
      attemptCount: 1,
      statusNote: expect.stringMatching(/^try 1 of 6 failed: SMS gateway answered 500.*; next try at /),
    });
    expect(waiting.notBefore!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(waiting.sentAt).toBeNull();

    gateway.answers.delete(customer.phone!);
    await db.notification.update({ where: { id: notificationId }, data: { notBefore: new Date() } });
    expect(await relayed(notificationId)).toMatchObject({ status: 'sent', attemptCount: 2 });
    expect((await attemptsOf(notificationId)).map((a) => a.ok)).toEqual([false, true]);
    expect(smsTo(customer.phone!)).toHaveLength(2);
  });

  it('gives up as failed after a bounded number of tries, with the reason', async () => {
    const customer = await createCustomer('all');
    const { notificationId } = await activities.notify(toCustomer(customer.id, { channel: 'sms' }));
    gateway.answers.set(customer.phone!, 503);
    const row = await relayed(notificationId, relayAt(undefined, { maxAttempts: 3 }), (r) => r.status === 'failed');
    expect(row).toMatchObject({
      status: 'failed',
      attemptCount: 3,
      statusNote: expect.stringMatching(/^gave up after 3 tries: SMS gateway answered 503/),
      sentAt: null,
    });
    expect(await attemptsOf(notificationId)).toHaveLength(3);
    expect(smsTo(customer.phone!)).toHaveLength(3);
  });

  it('does not retry a message the gateway refuses outright (400): failed at once, with the refusal', async () => {
    const customer = await createCustomer('all');
    gateway.answers.set(customer.phone!, 400);
    const { notificationId } = await activities.notify(toCustomer(customer.id, { channel: 'sms' }));
    const row = await relayed(notificationId);
    expect(row).toMatchObject({
      status: 'failed',
      attemptCount: 1,
      statusNote: expect.stringMatching(/^refused: SMS gateway answered 400/),
    });
    expect(smsTo(customer.phone!)).toHaveLength(1);
  });

  it('gives up on a gateway that does not answer in time, as a retryable failure', async () => {
    const number = phone();
    gateway.slow.add(number);
    const impatient = new HttpSmsGateway({ url: gateway.url, token: SMS_TOKEN, timeoutMs: 100 });
    await expect(impatient.send({ to: number, subject: '', text: 'x' })).rejects.toMatchObject({
      name: 'DeliveryError',
      permanent: false,
      message: 'SMS gateway unreachable: no answer within 100 ms',
    });
  });

  it('never sends a row twice when several relays run at once', async () => {
    const customers = await Promise.all(Array.from({ length: 12 }, () => createCustomer('all')));
    for (const c of customers) gateway.slow.add(c.phone!);
    const ids = [];
    for (const c of customers) ids.push((await activities.notify(toCustomer(c.id, { channel: 'sms' }))).notificationId);
    const relays = [relayAt(), relayAt(), relayAt(), relayAt()];
    // Four relays, three turns each, all at once: every turn leases what is due and not leased.
    await Promise.all(relays.flatMap((r) => [r.deliverDue(), r.deliverDue(), r.deliverDue()]));
    for (const id of ids) await relayed(id, relay, (r) => r.status === 'sent');

    for (const c of customers) expect(smsTo(c.phone!)).toHaveLength(1);
    const rows = await db.notification.findMany({ where: { id: { in: ids } }, include: { attempts: true } });
    expect(rows.map((r) => [r.status, r.attempts.length])).toEqual(ids.map(() => ['sent', 1]));
  });

  it('leaves a row another relay holds alone until its lease runs out', async () => {
    const customer = await createCustomer('all');
    const { notificationId } = await activities.notify(toCustomer(customer.id, { channel: 'sms' }));
    await db.notification.update({
      where: { id: notificationId },
      data: { leaseUntil: new Date(Date.now() + 60_000), leaseToken: randomUUID() },
    });
    await relay.deliverDue();
    expect(smsTo(customer.phone!)).toHaveLength(0);
    // The relay that held it died: once the lease has run out, another one delivers.
    await db.notification.update({ where: { id: notificationId }, data: { leaseUntil: new Date(Date.now() - 1) } });
    expect(await relayed(notificationId)).toMatchObject({ status: 'sent' });
    expect(smsTo(customer.phone!)).toHaveLength(1);
  });
});

describe('the relay: the communications procedure (SLA-RULES 004), checked again at delivery', () => {
  it('gives a "no messages" customer an in-app notice instead of SMS or e-mail, and records why', async () => {
    const customer = await createCustomer('no_messages');
    const sms = await activities.notify(toCustomer(customer.id, { channel: 'sms' }));
    const email = await activities.notify(toCustomer(customer.id, { channel: 'email' }));

    for (const result of [sms, email]) {
      expect(result).toMatchObject({
        channel: 'in_app',
        status: 'sent',
        note: expect.stringContaining('replaced by an in-app notice'),
      });
    }
    expect(smsTo(customer.phone!)).toHaveLength(0);
    expect(mailTo(customer.email!)).toHaveLength(0);
    const rows = await db.notification.findMany({ where: { customerId: customer.id } });
    expect(rows.map((r) => [r.channel, r.address])).toEqual([
      ['in_app', null],
      ['in_app', null],
    ]);
  });

  it('does not e-mail a customer who opted out after the message was queued: the inbox gets it instead', async () => {
    const customer = await createCustomer('all');
    const queued = await activities.notify(toCustomer(customer.id, { channel: 'email' }));
    expect(queued.status).toBe('pending');
    await db.customer.update({ where: { id: customer.id }, data: { messagingPreference: 'no_messages' } });
    expect(await relayed(queued.notificationId)).toMatchObject({
      channel: 'in_app',
      status: 'sent',
      statusNote: expect.stringContaining('no messages at all'),
    });
    expect(mailTo(customer.email!)).toHaveLength(0);
  });

  it('suppresses an emergency to a "no messages" customer until senior management approves it', async () => {
    const customer = await createCustomer('no_messages');
    const emergency = () => toCustomer(customer.id, { channel: 'sms', category: 'emergency' });

    const first = emergency();
    const refused = await activities.notify(first);
    expect(refused).toMatchObject({
      status: 'suppressed',
      note: expect.stringContaining('senior management has not approved it'),
    });

    await db.emergencyApproval.create({
      data: {
        customerId: customer.id,
        approvedBy: 'Old approval',
        reason: 'last outage',
        expiresAt: new Date(Date.now() - 60_000),
      },
    });
    const expired = await activities.notify(emergency());
    expect(expired).toMatchObject({ status: 'suppressed', note: expect.stringContaining('approval expired') });
    await relay.deliverDue();
    expect(smsTo(customer.phone!)).toHaveLength(0);

    const created = await testApi()('POST', '/v1/api-keys', { name: 'ceo', role: 'manager', displayName: 'مدیرعامل' });
    const approval = await testApi(created.body.key as string)(
      'POST',
      `/v1/customers/${customer.id}/emergency-approvals`,
      {
        reason: 'قطعی سراسری',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    );
    expect(approval.status).toBe(201);
    const approved = await activities.notify(emergency());
    expect(approved).toMatchObject({ channel: 'sms', status: 'pending' });
    expect(await relayed(approved.notificationId)).toMatchObject({
      status: 'sent',
      statusNote: expect.stringContaining("senior management's approval (approved by مدیرعامل)"),
    });
    expect(smsTo(customer.phone!)).toHaveLength(1);

    // The suppressed key stays suppressed: a retry of the refused call never sends late.
    expect(await activities.notify(first)).toMatchObject({
      notificationId: refused.notificationId,
      status: 'suppressed',
      duplicate: true,
    });
    await relay.deliverDue();
    expect(smsTo(customer.phone!)).toHaveLength(1);
  });

  it('drops advertising to a "no advertising" customer', async () => {
    const customer = await createCustomer('no_advertising');
    const result = await activities.notify(toCustomer(customer.id, { category: 'advertising' }));
    expect(result).toMatchObject({ status: 'suppressed', note: expect.stringContaining('no advertising') });
    expect(mailTo(customer.email!)).toHaveLength(0);
  });

  it('holds an advertising SMS queued at 23:00 Tehran time until 08:00, when the relay sends it', async () => {
    const customer = await createCustomer('all');
    const request = toCustomer(customer.id, { channel: 'sms', category: 'advertising' });

    const night = await activitiesAt(new Date('2026-11-22T23:00:00+03:30')).notify(request);
    expect(night).toMatchObject({
      status: 'held',
      notBefore: '2026-11-23T08:00:00.000+03:30',
      note: expect.stringContaining('08:00–22:00'),
    });
    await relayAt(new Date('2026-11-23T07:59:00+03:30')).deliverDue();
    expect(smsTo(customer.phone!)).toHaveLength(0);

    const morning = await relayed(night.notificationId, relayAt(new Date('2026-11-23T08:00:00+03:30')));
    expect(morning).toMatchObject({ status: 'sent', notBefore: null });
    expect(smsTo(customer.phone!)).toHaveLength(1);
  });

  it('holds an advertising SMS again when quiet hours began while it waited', async () => {
    const customer = await createCustomer('all');
    const queued = await activitiesAt(new Date('2026-11-23T21:59:00+03:30')).notify(
      toCustomer(customer.id, { channel: 'sms', category: 'advertising' }),
    );
    expect(queued.status).toBe('pending');
    const late = await relayed(queued.notificationId, relayAt(new Date('2026-11-23T22:01:00+03:30')));
    expect(late).toMatchObject({ status: 'held', notBefore: new Date('2026-11-24T08:00:00+03:30') });
    expect(smsTo(customer.phone!)).toHaveLength(0);
  });
});

// --- The HTTP routes -------------------------------------------------------------------------

const admin = testApi();

async function apiKeyFor(role: 'customer' | 'agent' | 'qa' | 'manager', customerId?: string) {
  const created = await admin('POST', '/v1/api-keys', {
    name: `notifications test ${role}`,
    role,
    ...(customerId ? { customerId } : {}),
  });
  expect(created.status).toBe(201);
  return testApi(created.body.key as string);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /v1/notifications and POST /v1/notifications/:id/read (the in-app inbox)', () => {
  let customer: Awaited<ReturnType<typeof createCustomer>>;
  let asCustomer: ReturnType<typeof testApi>;
  let other: Awaited<ReturnType<typeof createCustomer>>;
  let asOther: ReturnType<typeof testApi>;
  const ids: string[] = [];

  beforeAll(async () => {
    customer = await createCustomer('all');
    other = await createCustomer('all');
    [asCustomer, asOther] = await Promise.all([apiKeyFor('customer', customer.id), apiKeyFor('customer', other.id)]);
    for (const n of [1, 2, 3]) {
      ids.push(
        (await activities.notify(toCustomer(customer.id, { channel: 'in_app', subject: `notice ${n}` })))
          .notificationId,
      );
      await pause(5);
    }
    await activities.notify(toCustomer(other.id, { channel: 'in_app', subject: 'not yours' }));
  });

  it("lists the customer's own in-app notices, newest first", async () => {
    const res = await asCustomer('GET', '/v1/notifications');
    expect(res.status).toBe(200);
    expect(res.body.items.map((n: { id: string }) => n.id)).toEqual([...ids].reverse());
    expect(res.body.items[0]).toEqual({
      id: ids[2],
      category: 'informational',
      subject: 'notice 3',
      body: expect.stringContaining('مشترک گرامی'),
      subjectRef: expect.stringMatching(/^ticket:/),
      personal: false,
      createdAt: expect.any(String),
      readAt: null,
    });
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.unread).toBe(3);
  });

  it('pages with limit and cursor without repeating or skipping a notice', async () => {
    const first = await asCustomer('GET', '/v1/notifications?limit=2');
    expect(first.body.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await asCustomer('GET', `/v1/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null, unread: 3 });
  });

  it('marks a notice read once and filters by unread', async () => {
    const read = await asCustomer('POST', `/v1/notifications/${ids[0]}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: ids[0], readAt: expect.any(String) });
    const again = await asCustomer('POST', `/v1/notifications/${ids[0]}/read`);
    expect(again.body.readAt).toBe(read.body.readAt);

    const unread = await asCustomer('GET', '/v1/notifications?unread=true');
    expect(unread.body.items.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    const seen = await asCustomer('GET', '/v1/notifications?unread=false');
    expect(seen.body.items.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
  });

  it("answers 404, never 403, for another customer's notice, and never lists it", async () => {
    const res = await asOther('POST', `/v1/notifications/${ids[1]}/read`);
    expect(res.status).toBe(404);
    expect(await db.notification.findUniqueOrThrow({ where: { id: ids[1] } })).toMatchObject({ readAt: null });
    const list = await asOther('GET', '/v1/notifications');
    expect(list.body.items.map((n: { subject: string }) => n.subject)).toEqual(['not yours']);
    expect((await asOther('POST', `/v1/notifications/${randomUUID()}/read`)).status).toBe(404);
  });

  it('leaves out in-app messages that were suppressed', async () => {
    const optedOut = await createCustomer('no_advertising');
    const asOptedOut = await apiKeyFor('customer', optedOut.id);
    await activities.notify(toCustomer(optedOut.id, { channel: 'in_app', category: 'advertising' }));
    expect((await asOptedOut('GET', '/v1/notifications')).body.items).toEqual([]);
  });

  it('refuses a bad limit, a bad unread flag and a forged cursor with 400', async () => {
    for (const query of ['limit=0', 'limit=101', 'unread=yes', 'cursor=bm90LWEtY3Vyc29y', 'colour=blue']) {
      const res = await asCustomer('GET', `/v1/notifications?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });

  it('refuses a request without a key', async () => {
    expect((await testApi('')('GET', '/v1/notifications')).status).toBe(401);
  });

  it("shows staff the in-app notices for their role and 404s another role's", async () => {
    const [asAgent, asManager] = await Promise.all([apiKeyFor('agent'), apiKeyFor('manager')]);
    const subjectRef = `ticket:${randomUUID()}`;
    const warning = await activities.notify({
      dedupeKey: `test:${randomUUID()}`,
      channel: 'in_app',
      category: 'informational',
      audience: 'staff',
      recipient: { kind: 'role', role: 'agent' },
      subject: 'هشدار SLA | SLA warning',
      body: 'SLA warning',
      subjectRef,
    });
    const agentInbox = await asAgent('GET', '/v1/notifications?limit=100&unread=true');
    expect(agentInbox.body.items.map((n: { id: string }) => n.id)).toContain(warning.notificationId);
    const managerInbox = await asManager('GET', '/v1/notifications?limit=100');
    expect(managerInbox.body.items.map((n: { id: string }) => n.id)).not.toContain(warning.notificationId);
    expect((await asManager('POST', `/v1/notifications/${warning.notificationId}/read`)).status).toBe(404);
    expect((await asCustomer('POST', `/v1/notifications/${warning.notificationId}/read`)).status).toBe(404);
    expect((await asAgent('POST', `/v1/notifications/${warning.notificationId}/read`)).status).toBe(200);
  });
});

describe('GET /v1/notifications/outbox', () => {
  it('shows managers the rows of one subject with their attempts and status', async () => {
    const customer = await createCustomer('all');
    const subjectRef = `ticket:${randomUUID()}`;
    gateway.answers.set(customer.phone!, 403);
    const sms = await activities.notify(toCustomer(customer.id, { channel: 'sms', subjectRef }));
    const email = await activities.notify(toCustomer(customer.id, { channel: 'email', subjectRef }));
    await relayed(sms.notificationId);
    await relayed(email.notificationId);
    gateway.answers.delete(customer.phone!);
    // Queued by a worker without SMTP, after the relay's turns: it waits for one that has it.
    const held = await activitiesAt(undefined, { sms: null, email: null }).notify(
      toCustomer(customer.id, { channel: 'email', subjectRef }),
    );

    const asManager = await apiKeyFor('manager');
    const res = await asManager('GET', `/v1/notifications/outbox?subjectRef=${encodeURIComponent(subjectRef)}`);
    expect(res.status).toBe(200);
    const byId = Object.fromEntries((res.body.items as { id: string }[]).map((item) => [item.id, item]));
    expect(byId[sms.notificationId]).toMatchObject({
      status: 'failed',
      address: customer.phone,
      statusNote: expect.stringContaining('403'),
      notBefore: null,
      attempts: [{ ok: false, at: expect.any(String), detail: expect.stringContaining('403') }],
    });
    expect(byId[email.notificationId]).toMatchObject({ status: 'sent', attempts: [{ ok: true }] });
    expect(byId[held.notificationId]).toMatchObject({
      status: 'held',
      statusNote: expect.stringContaining('SMTP_URL'),
      sentAt: null,
      attempts: [],
    });

    const failedOnly = await asManager(
      'GET',
      `/v1/notifications/outbox?status=failed&subjectRef=${encodeURIComponent(subjectRef)}`,
    );
    expect(failedOnly.body.items.map((i: { id: string }) => i.id)).toEqual([sms.notificationId]);
    const heldOnly = await asManager(
      'GET',
      `/v1/notifications/outbox?status=held&subjectRef=${encodeURIComponent(subjectRef)}`,
    );
    expect(heldOnly.body.items.map((i: { id: string }) => i.id)).toEqual([held.notificationId]);
  });

  it('is closed to agents and customers', async () => {
    expect((await (await apiKeyFor('agent'))('GET', '/v1/notifications/outbox')).status).toBe(403);
    const customer = await createCustomer('all');
    expect((await (await apiKeyFor('customer', customer.id))('GET', '/v1/notifications/outbox')).status).toBe(403);
  });
});

describe('POST /v1/customers/:id/emergency-approvals (rule 14: only a manager approves, named, expiring, audited)', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  let asManager: ReturnType<typeof testApi>;
  let managerUserId: string;

  beforeAll(async () => {
    const created = await admin('POST', '/v1/api-keys', {
      name: 'emergency approvals test',
      role: 'manager',
      displayName: 'Reza Karimi (CEO)',
    });
    expect(created.status).toBe(201);
    asManager = testApi(created.body.key as string);
    managerUserId = (await db.apiKey.findUniqueOrThrow({ where: { id: created.body.id as string } })).userId;
  });

  it('records the approval in the name of the manager who gives it, and lists it as the audit trail', async () => {
    const customer = await createCustomer('no_messages');
    const expiresAt = inDays(2);
    const res = await asManager('POST', `/v1/customers/${customer.id}/emergency-approvals`, {
      reason: 'data centre fire',
      expiresAt,
    });
    expect(res.status).toBe(201);
    const approval = {
      id: expect.any(String),
      customerId: customer.id,
      approvedBy: 'Reza Karimi (CEO)',
      approvedByUserId: managerUserId,
      reason: 'data centre fire',
      createdAt: expect.any(String),
      expiresAt: iso(Date.parse(expiresAt)),
    };
    expect(res.body).toEqual(approval);
    const row = await db.emergencyApproval.findUniqueOrThrow({ where: { id: res.body.id as string } });
    expect(row.approvedViaKeyId).toEqual(expect.any(String));

    const trail = await admin('GET', `/v1/customers/${customer.id}/emergency-approvals`);
    expect(trail.status).toBe(200);
    expect(trail.body.items).toEqual([approval]);
  });

  it('refuses a typed approver ("approvedBy": "anyone"), naming body.approvedBy', async () => {
    const customer = await createCustomer('no_messages');
    const res = await asManager('POST', `/v1/customers/${customer.id}/emergency-approvals`, {
      approvedBy: 'anyone',
      reason: 'x',
      expiresAt: inDays(1),
    });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields).toEqual([expect.objectContaining({ field: 'body.approvedBy' })]);
    expect(await db.emergencyApproval.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it('refuses an expiry more than 7 days away or in the past, naming body.expiresAt', async () => {
    const customer = await createCustomer('no_messages');
    for (const expiresAt of [inDays(7.01), inDays(-1)]) {
      const res = await asManager('POST', `/v1/customers/${customer.id}/emergency-approvals`, {
        reason: 'x',
        expiresAt,
      });
      expect(res.status).toBe(400);
      expect(res.body.invalidFields).toEqual([{ field: 'body.expiresAt', reason: expect.stringContaining('7 days') }]);
    }
  });

  it('answers 404 for an unknown customer and 403 for everyone but a manager (admins included)', async () => {
    const body = { reason: 'x', expiresAt: inDays(1) };
    expect((await asManager('POST', `/v1/customers/${randomUUID()}/emergency-approvals`, body)).status).toBe(404);
    const customer = await createCustomer('no_messages');
    expect((await admin('POST', `/v1/customers/${customer.id}/emergency-approvals`, body)).status).toBe(403);
    const asAgent = await apiKeyFor('agent');
    expect((await asAgent('POST', `/v1/customers/${customer.id}/emergency-approvals`, body)).status).toBe(403);
    expect((await asAgent('GET', `/v1/customers/${customer.id}/emergency-approvals`)).status).toBe(403);
    const asCustomer = await apiKeyFor('customer', customer.id);
    expect((await asCustomer('POST', `/v1/customers/${customer.id}/emergency-approvals`, body)).status).toBe(403);
    expect(await db.emergencyApproval.count({ where: { customerId: customer.id } })).toBe(0);
  });
});
