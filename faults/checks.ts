/**
 * What every fault script measures and checks: tickets opened the way a careful client opens
 * them (an Idempotency-Key, and on 503 a retry after Retry-After), the breaches recorded for
 * them, and the SMS the gateway received.
 */
import { randomUUID } from 'node:crypto';
import type { FastPlan } from '../test/support/load';
import { pool } from '../test/support/load';
import type { Database } from '../platform/database';
import type { SmsDelivery } from './stack';
import { sleep } from './stack';

/** Where tickets are opened: any running Pasban API. */
export interface ApiTarget {
  apiUrl: string;
  adminKey: string;
}

/** What the exactly-once checks read: the database and the SMS gateway's record. */
export interface Observed {
  db: Database;
  smsDeliveries: readonly SmsDelivery[];
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/** Every answer the API gave during a run, by status, and whether each 503 carried Retry-After. */
export class AnswerLog {
  readonly byStatus: Record<string, number> = {};
  unavailableWithoutRetryAfter = 0;
  notProblemDocuments = 0;

  record(response: Response): void {
    this.byStatus[response.status] = (this.byStatus[response.status] ?? 0) + 1;
    if (response.status === 503 && !response.headers.get('retry-after')) this.unavailableWithoutRetryAfter++;
    if (response.status >= 400 && !response.headers.get('content-type')?.startsWith('application/problem+json'))
      this.notProblemDocuments++;
  }

  count(predicate: (status: number) => boolean): number {
    return Object.entries(this.byStatus)
      .filter(([s]) => predicate(Number(s)))
      .reduce((sum, [, n]) => sum + n, 0);
  }
}

export interface OpenedTicket {
  id: string;
  idempotencyKey: string;
  openedAtMs: number;
  dueAtMs: number;
  /** How many answers other than acceptance (503s, refused connections) came before it. */
  retries: number;
}

/**
 * Opens one ticket and keeps trying through 503s (waiting Retry-After seconds, at most 5) and
 * refused connections, with one Idempotency-Key, until it is accepted (201, or 200 for a replay).
 */
export async function openTicket(
  stack: ApiTarget,
  plan: FastPlan,
  i: number,
  answers: AnswerLog,
  giveUpAt: number,
): Promise<OpenedTicket> {
  const idempotencyKey = `fault-${randomUUID()}`;
  const body = JSON.stringify({
    customerId: plan.customerIds[i % plan.customerIds.length],
    productId: plan.productId,
    priority: 'critical',
    subject: `fault ticket ${i}`,
    description: 'opened by a fault script',
  });
  for (let retries = 0; ; retries++) {
    if (Date.now() > giveUpAt) throw new Error(`ticket ${i} was never accepted`);
    let response: Response;
    try {
      response = await fetch(`${stack.apiUrl}/v1/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.adminKey}`,
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(60_000),
      });
    } catch {
      answers.byStatus.unreachable = (answers.byStatus.unreachable ?? 0) + 1;
      await sleep(1_000);
      continue;
    }
    answers.record(response);
    const json = (await response.json().catch(() => ({}))) as {
      id?: string;
      openedAt?: string;
      clock?: { targets?: { dueAt: string | null }[] };
    };
    if (response.status === 201 || response.status === 200) {
      const dueAt = json.clock?.targets?.[0]?.dueAt;
      return {
        id: json.id!,
        idempotencyKey,
        openedAtMs: Date.parse(json.openedAt!),
        dueAtMs: dueAt ? Date.parse(dueAt) : NaN,
        retries,
      };
    }
    // Anything but a 503 is a finding, counted by the caller's checks; the client still retries it.
    if (response.status < 500) throw new Error(`ticket ${i}: unexpected ${response.status} ${JSON.stringify(json)}`);
    await sleep(Math.min(5, Number(response.headers.get('retry-after') ?? 1)) * 1_000);
  }
}

/**
 * Opens `count` tickets, `concurrency` at a time; with `spreadOverMs` the i-th one starts no
 * earlier than i/count of that window from now, a steady pace instead of a burst.
 */
export async function openTickets(
  stack: ApiTarget,
  plan: FastPlan,
  count: number,
  options: {
    concurrency: number;
    answers: AnswerLog;
    spreadOverMs?: number;
    onAccepted?: (accepted: number) => void;
    /** Awaited before each ticket is sent: lets a script hold intake until its fault has struck. */
    gate?: () => Promise<unknown>;
  },
): Promise<OpenedTicket[]> {
  const { answers, onAccepted, spreadOverMs = 0, gate } = options;
  const opened: OpenedTicket[] = [];
  const startedAtMs = Date.now();
  const giveUpAt = startedAtMs + 30 * 60_000;
  await pool(count, options.concurrency, async (i) => {
    await sleep(startedAtMs + (i / count) * spreadOverMs - Date.now());
    await gate?.();
    opened.push(await openTicket(stack, plan, i, answers, giveUpAt));
    onAccepted?.(opened.length);
  });
  return opened;
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return true;
    } catch {
      // the database or Temporal may still be coming back
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export async function breachesOf(stack: Observed, ticketIds: string[]) {
  return stack.db.escalation.findMany({
    where: { kind: 'breach', ticketId: { in: ticketIds } },
    select: { ticketId: true, dedupeKey: true, dueAt: true, firedAt: true },
  });
}

/**
 * The exactly-once checks for a run's breaches: one recorded per ticket (by dedupe key), one
 * notification row each, sent with one successful attempt, and one SMS each at the gateway.
 */
export async function exactlyOnceChecks(
  stack: Observed,
  plan: FastPlan,
  tickets: OpenedTicket[],
): Promise<{ checks: Check[]; breaches: Awaited<ReturnType<typeof breachesOf>> }> {
  const ids = tickets.map((t) => t.id);
  const breaches = await breachesOf(stack, ids);
  const perTicket = new Map<string, number>();
  for (const b of breaches) perTicket.set(b.ticketId, (perTicket.get(b.ticketId) ?? 0) + 1);
  const missing = ids.filter((id) => !perTicket.has(id)).length;
  const twice = [...perTicket.values()].filter((n) => n > 1).length;

  const notifications = await stack.db.notification.findMany({
    where: { dedupeKey: { in: breaches.map((b) => `${b.dedupeKey}:customer`) } },
    select: { status: true, attempts: { select: { ok: true } } },
  });
  const sentOnce = notifications.filter(
    (n) => n.status === 'sent' && n.attempts.filter((a) => a.ok).length === 1,
  ).length;

  // Each notice names its ticket by the first eight characters of its id (messages.ts ticketReference).
  const byReference = new Map(ids.map((id) => [id.slice(0, 8).toUpperCase(), id]));
  const phones = new Set(plan.phones.values());
  const smsPerTicket = new Map<string, number>();
  for (const delivery of stack.smsDeliveries) {
    if (!phones.has(delivery.to)) continue;
    const ticketId = [...delivery.text.matchAll(/[0-9A-F]{8}/g)].map((m) => byReference.get(m[0])).find(Boolean);
    if (ticketId) smsPerTicket.set(ticketId, (smsPerTicket.get(ticketId) ?? 0) + 1);
  }
  const smsTwice = [...smsPerTicket.values()].filter((n) => n > 1).length;

  return {
    breaches,
    checks: [
      check(
        'every due breach recorded',
        missing === 0,
        `${breaches.length} of ${ids.length} tickets have their breach; ${missing} missing`,
      ),
      check(
        'no breach recorded twice',
        twice === 0 && new Set(breaches.map((b) => b.dedupeKey)).size === breaches.length,
        `${new Set(breaches.map((b) => b.dedupeKey)).size} distinct dedupe keys; ${twice} tickets with more than one`,
      ),
      check(
        'every breach notice sent exactly once',
        sentOnce === ids.length,
        `${sentOnce} of ${ids.length} notices sent with exactly one successful attempt`,
      ),
      check(
        'the SMS gateway got each notice once',
        smsPerTicket.size === ids.length && smsTwice === 0,
        `${smsPerTicket.size} tickets' notices reached the gateway; ${smsTwice} more than once`,
      ),
    ],
  };
}
