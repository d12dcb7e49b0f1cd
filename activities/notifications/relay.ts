/**
 * The outbox relay: runs in every worker process and delivers the rows `notify` wrote. For each
 * channel it has a provider for, it leases the due rows (pending, or held until now or for want
 * of that channel) with `FOR UPDATE SKIP LOCKED`, so several relays never take the same row,
 * re-applies the communications policy as of now (the customer may have opted out since, quiet
 * hours may have begun), sends, and records the attempt. A transient failure is tried again
 * later, a bounded number of times; a permanent refusal or the last failed try leaves the row
 * `failed` with the reason. Nothing here can fail a workflow: workflows only wrote the row.
 */
import { randomUUID } from 'node:crypto';
import type { Notification } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import { DeliveryError, type DeliveryChannels } from './channels';
import { customerPreference, withoutPersonalData } from './outbox';
import { decideDelivery, type Category, type ChannelName } from './policy';
import { iso } from '../../sla/iso';

export interface OutboxRelayOptions {
  db: Database;
  logger: Logger;
  /** The providers of this process; a channel without one is left to relays that have it. */
  channels: DeliveryChannels;
  now?: () => Date;
  /** Rows leased at once per channel. */
  batchSize?: number;
  /** How long an idle relay waits before looking again (it is woken at once by local `notify`s). */
  pollMs?: number;
  /** How long a leased row is the relay's own; longer than any provider's own timeouts. */
  leaseMs?: number;
  /** Tries before a transiently failing message is given up as failed. */
  maxAttempts?: number;
  /** The wait after the n-th failed try (n from 1). */
  retryDelayMs?: (attempt: number) => number;
}

type ExternalChannel = 'sms' | 'email';

type RowChange = Partial<
  Pick<Notification, 'channel' | 'address' | 'status' | 'statusNote' | 'notBefore' | 'sentAt' | 'attemptCount'>
>;

/** What one delivery turn did with a row. */
export type RelayOutcome = 'sent' | 'retry' | 'failed' | 'held' | 'suppressed' | 'in_app' | 'lease_lost';

const DEFAULTS = {
  batchSize: 10,
  pollMs: 2_000,
  leaseMs: 2 * 60_000,
  maxAttempts: 6,
  /** 30 s, 2 min, 8 min, 32 min, then hourly: about 1 h 45 min from the first try to the sixth. */
  retryDelayMs: (attempt: number) => Math.min(30_000 * 4 ** (attempt - 1), 3_600_000),
};

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;

export function createOutboxRelay(options: OutboxRelayOptions) {
  const { db, logger, channels } = options;
  const clock = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const pollMs = options.pollMs ?? DEFAULTS.pollMs;
  const leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  const retryDelayMs = options.retryDelayMs ?? DEFAULTS.retryDelayMs;
  const configured = (['sms', 'email'] as const).filter((channel) => channels[channel] !== null);

  /** Leases up to a batch of the channel's due rows for this turn (the token names the lease). */
  async function lease(channel: ExternalChannel, token: string): Promise<Notification[]> {
    const now = clock();
    const leased = await db.$queryRaw<{ id: string }[]>`
      UPDATE notifications SET lease_until = ${new Date(now.getTime() + leaseMs)}, lease_token = ${token}::uuid
      WHERE id IN (
        SELECT id FROM notifications
        WHERE channel = ${channel}::"NotificationChannel" AND status IN ('pending', 'held')
          AND (not_before IS NULL OR not_before <= ${now}) AND (lease_until IS NULL OR lease_until < ${now})
        ORDER BY created_at
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING id`;
    if (leased.length === 0) return [];
    return db.notification.findMany({ where: { id: { in: leased.map((r) => r.id) } }, orderBy: { createdAt: 'asc' } });
  }

  /**
   * Writes the row's new state (and the attempt, if one was made) and releases the lease, if this
   * turn still holds it; answers whether it did.
   */
  async function settle(
    row: Notification,
    token: string,
    data: RowChange,
    attempt?: { ok: boolean; detail: string | null },
  ): Promise<boolean> {
    const update = db.notification.updateMany({
      where: { id: row.id, leaseToken: token },
      data: { ...data, leaseUntil: null, leaseToken: null },
    });
    if (!attempt) return (await update).count === 1;
    const [, updated] = await db.$transaction([
      db.notificationAttempt.create({ data: { notificationId: row.id, ...attempt } }),
      update,
    ]);
    return updated.count === 1;
  }

  /** The policy's answer for the row as of now: opt-outs and quiet hours are checked at delivery time. */
  async function decide(row: Notification, now: Date) {
    const category = row.category as Category;
    if (row.audience !== 'customer' || !row.customerId) {
      return decideDelivery({
        channel: row.channel as ChannelName,
        category,
        audience: 'staff',
        preference: null,
        emergencyApprovalExpiresAt: null,
        now,
      });
    }
    const found = await customerPreference(db, row.customerId, category);
    if (!found) return { kind: 'suppress', reason: `customer ${row.customerId} no longer exists` } as const;
    return decideDelivery({
      channel: row.channel as ChannelName,
      category,
      audience: 'customer',
      preference: found.preference,
      emergencyApprovalExpiresAt: found.emergencyApprovalExpiresAt,
      emergencyApprovedBy: found.emergencyApprovedBy,
      now,
    });
  }

  async function deliverRow(row: Notification, token: string): Promise<RelayOutcome> {
    const now = clock();
    const decision = await decide(row, now);
    const finish = async (
      outcome: RelayOutcome,
      data: RowChange,
      attempt?: { ok: boolean; detail: string | null },
    ): Promise<RelayOutcome> => ((await settle(row, token, data, attempt)) ? outcome : 'lease_lost');
    if (decision.kind === 'suppress')
      return finish('suppressed', { status: 'suppressed', statusNote: decision.reason, notBefore: null });
    if (decision.channel === 'in_app') {
      return finish('in_app', {
        channel: 'in_app',
        address: null,
        status: 'sent',
        statusNote: decision.note,
        notBefore: null,
        sentAt: now,
      });
    }
    if (decision.kind === 'hold')
      return finish('held', { status: 'held', statusNote: decision.note, notBefore: decision.until });
    const provider = channels[row.channel as ExternalChannel];
    if (!provider || !row.address) {
      return finish('failed', {
        status: 'failed',
        statusNote: row.address ? `no ${row.channel} channel` : `no address on the row`,
      });
    }
    const attemptCount = row.attemptCount + 1;
    try {
      const { providerId } = await provider.send({
        to: row.address,
        subject: row.subject,
        text: row.body,
        notificationId: row.id,
      });
      return finish(
        'sent',
        { status: 'sent', statusNote: decision.note, notBefore: null, sentAt: clock(), attemptCount },
        { ok: true, detail: providerId ? `provider id ${providerId}` : null },
      );
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const permanent = failure instanceof DeliveryError && failure.permanent;
      const givingUp = permanent || attemptCount >= maxAttempts;
      // Providers echo the recipient (and sometimes the text) in their errors: the attempt row
      // keeps the full detail for staff, the log gets it without personal data.
      const reason = withoutPersonalData(failure.message, [row.address, row.subject, row.body]);
      logger.warn(
        { notificationId: row.id, channel: row.channel, permanent, attempt: attemptCount, givingUp, reason },
        'notification delivery failed',
      );
      const attempt = { ok: false, detail: failure.message };
      if (givingUp) {
        const why = permanent
          ? `refused: ${failure.message}`
          : `gave up after ${attemptCount} tries: ${failure.message}`;
        return finish('failed', { status: 'failed', statusNote: why, notBefore: null, attemptCount }, attempt);
      }
      const next = new Date(clock().getTime() + retryDelayMs(attemptCount));
      const note = `try ${attemptCount} of ${maxAttempts} failed: ${failure.message}; next try at ${iso(next)}`;
      return finish('retry', { status: 'pending', statusNote: note, notBefore: next, attemptCount }, attempt);
    }
  }

  /** One turn on one channel: leases the due rows and delivers them; answers what happened to each. */
  async function deliverChannel(channel: ExternalChannel): Promise<RelayOutcome[]> {
    const token = randomUUID();
    const rows = await lease(channel, token);
    return Promise.all(
      rows.map((row) =>
        deliverRow(row, token).catch((error: unknown) => {
          // The database failed mid-row: the lease runs out and a later turn tries again.
          logger.error({ notificationId: row.id, error: String(error) }, 'outbox relay could not settle a row');
          return 'lease_lost' as const;
        }),
      ),
    );
  }

  let stopped = true;
  let wakeUp: (() => void)[] = [];
  const loops: Promise<void>[] = [];

  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollMs);
      function done() {
        clearTimeout(timer);
        wakeUp = wakeUp.filter((w) => w !== done);
        resolve();
      }
      wakeUp.push(done);
    });

  async function loop(channel: ExternalChannel): Promise<void> {
    while (!stopped) {
      let handled = 0;
      try {
        handled = (await deliverChannel(channel)).length;
      } catch (error) {
        logger.error({ channel, error: String(error) }, 'outbox relay turn failed; trying again');
      }
      if (!stopped && handled < batchSize) await pause();
    }
  }

  return {
    /** The channels this relay delivers on. */
    channels: configured,

    /** One turn on every channel this relay has (tests drive the relay with it). */
    async deliverDue(): Promise<RelayOutcome[]> {
      const turns = await Promise.all(configured.map((channel) => deliverChannel(channel)));
      return turns.flat();
    },

    /** Runs a loop per channel until stop(). */
    start(): void {
      if (!stopped) return;
      stopped = false;
      for (const channel of configured) loops.push(loop(channel));
      logger.info(
        { channels: configured },
        configured.length > 0 ? 'outbox relay running' : 'outbox relay has no channel: SMS and e-mail stay held',
      );
    },

    /** Looks at the outbox now instead of at the next poll (a row was just queued). */
    wake(): void {
      for (const done of [...wakeUp]) done();
    },

    /** Stops the loops after their current turn. */
    async stop(): Promise<void> {
      stopped = true;
      for (const done of [...wakeUp]) done();
      await Promise.all(loops.splice(0));
    },
  };
}
