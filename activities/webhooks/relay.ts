/**
 * The webhook delivery relay: runs in every worker process beside the notification relay and
 * delivers the rows the webhook triggers queued (prisma/migrations/…_webhooks). It leases due
 * deliveries with `FOR UPDATE SKIP LOCKED`, only the oldest undelivered one per subscription and
 * object (so an object's events arrive in order), signs and sends each, and records the attempt.
 * A failure is tried again with exponential backoff (5 s, 15 s, 45 s, … capped at an hour) until
 * a day has passed since the first try; then the delivery fails, the subscription is marked
 * `failing` (nothing more is sent to it until it is resumed) and its owner is told. The first
 * success after failures brings every waiting delivery of the subscription forward, so a receiver
 * that was down gets everything as soon as it answers again. A worker killed mid-request leaves a
 * lease that runs out: another relay sends the event again with the same `webhook-id`.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import type { NotifyRequest } from '../notifications/outbox';
import { signedHeaders } from './signing';
import type { WebhookSender } from './sender';
import { iso } from '../../sla/iso';

export interface WebhookRelayOptions {
  db: Database;
  logger: Logger;
  send: WebhookSender;
  /** Tells a subscription's owner it is failing (an in-app notice through the outbox). */
  notify?: (request: NotifyRequest) => Promise<unknown>;
  now?: () => Date;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  /** How long a delivery is retried from its first try before it fails. */
  retryWindowMs?: number;
  retryDelayMs?: (attempt: number) => number;
  maxBodyBytes?: number;
  maxResponseBytes?: number;
}

export type WebhookOutcome = 'delivered' | 'retry' | 'failed' | 'lease_lost';

export const WEBHOOK_DEFAULTS = {
  batchSize: 50,
  pollMs: 500,
  leaseMs: 30_000,
  timeoutMs: 10_000,
  retryWindowMs: 24 * 3_600_000,
  retryDelayMs: (attempt: number) => Math.min(5_000 * 3 ** (attempt - 1), 3_600_000),
  maxBodyBytes: 64 * 1024,
  maxResponseBytes: 2 * 1024,
};

interface LeasedDelivery {
  id: string;
  subscription_id: string;
  attempt_count: number;
  first_attempt_at: Date | null;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  customer_id: string | null;
  event_id: string;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** The body a receiver gets for an event (Standard Webhooks' type / timestamp / data), bounded in size. */
export function webhookBody(
  event: { type: string; occurredAt: Date; data: Record<string, unknown> },
  maxBytes = WEBHOOK_DEFAULTS.maxBodyBytes,
): string {
  const body = JSON.stringify({ type: event.type, timestamp: iso(event.occurredAt), data: event.data });
  if (Buffer.byteLength(body) <= maxBytes) return body;
  // The event's details (a long reply, a claim's whole computation) are left out; the object's id stays.
  const { details: _dropped, ...rest } = event.data;
  return JSON.stringify({ type: event.type, timestamp: iso(event.occurredAt), data: { ...rest, truncated: true } });
}

export type WebhookRelay = ReturnType<typeof createWebhookRelay>;

export function createWebhookRelay(options: WebhookRelayOptions) {
  const { db, logger, send } = options;
  const o = {
    ...WEBHOOK_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as typeof WEBHOOK_DEFAULTS;
  const clock = options.now ?? (() => new Date());

  async function lease(token: string): Promise<LeasedDelivery[]> {
    const now = clock();
    return db.$queryRaw<LeasedDelivery[]>`
      WITH leased AS (
        UPDATE webhook_deliveries SET lease_until = ${new Date(now.getTime() + o.leaseMs)}, lease_token = ${token}::uuid
        WHERE id IN (
          SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND (d.lease_until IS NULL OR d.lease_until < ${now})
            AND s.status = 'active'
            AND NOT EXISTS (
              SELECT 1 FROM webhook_deliveries e
              WHERE e.subscription_id = d.subscription_id AND e.object_key = d.object_key AND e.status = 'pending' AND e.event_seq < d.event_seq)
          ORDER BY d.next_attempt_at, d.event_seq
          LIMIT ${o.batchSize}
          FOR UPDATE OF d SKIP LOCKED)
        RETURNING id, subscription_id, event_id, attempt_count, first_attempt_at)
      SELECT l.id, l.subscription_id, l.attempt_count, l.first_attempt_at, s.url, s.secret, s.previous_secret,
             s.previous_secret_expires_at, s.customer_id, e.id AS event_id, e.type, e.occurred_at, e.data
      FROM leased l JOIN webhook_subscriptions s ON s.id = l.subscription_id JOIN webhook_events e ON e.id = l.event_id`;
  }

  async function ownerTold(row: LeasedDelivery, reason: string, since: Date): Promise<void> {
    if (!options.notify) return;
    const subject = 'Webhook subscription failing: deliveries stopped';
    const body = `Deliveries to ${row.url} failed for a day (${reason}). Nothing more is sent until the subscription is resumed (POST /v1/webhooks/${row.subscription_id}/resume); every event waits and is delivered then.`;
    await options.notify({
      dedupeKey: `webhook:${row.subscription_id}:failing:${since.getTime()}`,
      channel: 'in_app',
      category: 'informational',
      subject,
      body,
      subjectRef: `webhook:${row.subscription_id}`,
      ...(row.customer_id
        ? { audience: 'customer', customerId: row.customer_id, recipient: { kind: 'customer' } }
        : { audience: 'staff', role: 'admin', recipient: { kind: 'role', role: 'admin' } }),
    });
  }

  async function deliver(row: LeasedDelivery, token: string): Promise<WebhookOutcome> {
    const now = clock();
    const body = webhookBody({ type: row.type, occurredAt: row.occurred_at, data: row.data }, o.maxBodyBytes);
    const secrets = [row.secret];
    if (row.previous_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > now)
      secrets.push(row.previous_secret);
    const headers = signedHeaders(secrets, row.event_id, Math.floor(now.getTime() / 1000), body);
    const result = await send({
      url: row.url,
      headers,
      body,
      timeoutMs: o.timeoutMs,
      maxResponseBytes: o.maxResponseBytes,
    });
    const attempt = db.webhookDeliveryAttempt.create({
      data: {
        deliveryId: row.id,
        attemptedAt: now,
        ok: result.ok,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error,
        responseBody: result.responseBody,
      },
    });
    const attemptCount = row.attempt_count + 1;
    const firstAttemptAt = row.first_attempt_at ?? now;
    const mine = { id: row.id, leaseToken: token };
    const settled = {
      leaseUntil: null,
      leaseToken: null,
      attemptCount,
      firstAttemptAt,
      lastStatusCode: result.statusCode,
      lastError: result.error,
    };
    if (result.ok) {
      const [, updated] = await db.$transaction([
        attempt,
        db.webhookDelivery.updateMany({ where: mine, data: { ...settled, status: 'delivered', deliveredAt: clock() } }),
        // The receiver answers again: whatever waits for a later try goes now.
        db.webhookDelivery.updateMany({
          where: { subscriptionId: row.subscription_id, status: 'pending', nextAttemptAt: { gt: now } },
          data: { nextAttemptAt: now },
        }),
      ]);
      return updated.count === 1 ? 'delivered' : 'lease_lost';
    }
    const givingUp = clock().getTime() - firstAttemptAt.getTime() >= o.retryWindowMs;
    logger.warn(
      { deliveryId: row.id, subscriptionId: row.subscription_id, attempt: attemptCount, givingUp, error: result.error },
      'webhook delivery failed',
    );
    if (!givingUp) {
      const next = new Date(clock().getTime() + o.retryDelayMs(attemptCount));
      const [, updated] = await db.$transaction([
        attempt,
        db.webhookDelivery.updateMany({ where: mine, data: { ...settled, nextAttemptAt: next } }),
      ]);
      return updated.count === 1 ? 'retry' : 'lease_lost';
    }
    const reason = result.error ?? 'no answer';
    const [, updated, failing] = await db.$transaction([
      attempt,
      db.webhookDelivery.updateMany({ where: mine, data: { ...settled, status: 'failed' } }),
      db.webhookSubscription.updateMany({
        where: { id: row.subscription_id, status: 'active' },
        data: {
          status: 'failing',
          failingSince: now,
          statusNote: `gave up on event ${row.event_id} after ${attemptCount} tries: ${reason}`,
        },
      }),
    ]);
    if (failing.count === 1) await ownerTold(row, reason, now);
    return updated.count === 1 ? 'failed' : 'lease_lost';
  }

  async function turn(): Promise<WebhookOutcome[]> {
    const token = randomUUID();
    const rows = await lease(token);
    return Promise.all(
      rows.map((row) =>
        deliver(row, token).catch((error: unknown) => {
          // The database failed mid-row: the lease runs out and a later turn sends it again.
          logger.error({ deliveryId: row.id, error: String(error) }, 'webhook relay could not settle a delivery');
          return 'lease_lost' as const;
        }),
      ),
    );
  }

  let stopped = true;
  let running: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, o.pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  async function loop(): Promise<void> {
    while (!stopped) {
      let handled = 0;
      try {
        handled = (await turn()).length;
      } catch (error) {
        logger.error({ error: String(error) }, 'webhook relay turn failed; trying again');
      }
      if (!stopped && handled < o.batchSize) await pause();
    }
  }

  return {
    /** One turn: leases the due deliveries and sends them (tests drive the relay with it). */
    deliverDue: turn,
    start(): void {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    wake(): void {
      wakeUp?.();
    },
    async stop(): Promise<void> {
      stopped = true;
      wakeUp?.();
      await running;
      running = null;
    },
  };
}
