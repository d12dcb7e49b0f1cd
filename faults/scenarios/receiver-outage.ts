/**
 * A webhook receiver is down while every ticket's first-response deadline falls due: it refuses
 * (503) each breach event; then it hangs, and the worker is killed (SIGKILL) with requests in
 * flight; then the receiver answers again and the worker is started. Every ticket's
 * `ticket.breached` must arrive (0 lost), signed so the reference library verifies it; a
 * duplicate is allowed and carries the same webhook-id and body.
 */
import { Webhook } from 'standardwebhooks';
import { arrangeFastPlan } from '../../test/support/load';
import { startWebhookReceiver } from '../../test/support/webhook-receiver';
import { AnswerLog, check, openTickets, waitUntil, type Check } from '../checks';
import { sleep, type FaultStack } from '../stack';

export async function receiverOutage(stack: FaultStack, options: { tickets: number; deadlineMinutes: number }) {
  const plan = await arrangeFastPlan(stack.db, {
    key: 'fault-receiver-outage',
    minutes: options.deadlineMinutes,
    customers: 20,
  });
  const receiver = await startWebhookReceiver('refuse');
  try {
    const made = await fetch(`${stack.apiUrl}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['ticket.breached'], productIds: [plan.productId] }),
    });
    const subscription = (await made.json()) as { id: string; secret: string };
    if (made.status !== 201) throw new Error(`subscription refused: ${made.status} ${JSON.stringify(subscription)}`);

    const answers = new AnswerLog();
    const tickets = await openTickets(stack, plan, options.tickets, { concurrency: 16, answers });
    const ids = tickets.map((t) => t.id);
    const breaches = () => stack.db.escalation.count({ where: { kind: 'breach', ticketId: { in: ids } } });
    const outageStartedAtMs = Date.now();
    await waitUntil(async () => (await breaches()) >= ids.length, 15 * 60_000);
    const refusedWhileDown = receiver.received.length;

    // Requests in flight when the worker dies: the receiver holds them.
    receiver.setMode('hang');
    await waitUntil(async () => receiver.received.some((r) => r.answered === null), 120_000, 500);
    const inFlight = receiver.received.filter((r) => r.answered === null).length;
    await stack.worker.stop('SIGKILL');
    const killedAtMs = Date.now();
    receiver.setMode('accept');
    await sleep(5_000);
    await stack.startWorker();
    const receiverBackAtMs = Date.now();

    const accepted = () => new Set(receiver.accepted().map((r) => r.id));
    const eventIds = new Set(
      (
        await stack.db.webhookDelivery.findMany({
          where: { subscriptionId: subscription.id },
          select: { eventId: true },
        })
      ).map((d) => d.eventId),
    );
    await waitUntil(async () => [...eventIds].every((id) => accepted().has(id)), 15 * 60_000);
    const allDeliveredAtMs = Date.now();
    await sleep(3_000);

    const byTicket = new Map<string, number>();
    for (const r of receiver.accepted())
      byTicket.set(String(r.json.data.ticketId), (byTicket.get(String(r.json.data.ticketId)) ?? 0) + 1);
    const lost = ids.filter((id) => !byTicket.has(id)).length;
    const webhook = new Webhook(subscription.secret);
    const unverified = receiver.received.filter((r) => {
      try {
        webhook.verify(r.body, {
          'webhook-id': r.id,
          'webhook-timestamp': r.timestamp,
          'webhook-signature': r.signature,
        });
        return false;
      } catch {
        return true;
      }
    }).length;
    const copies = new Map<string, Set<string>>();
    for (const r of receiver.received) copies.set(r.id, (copies.get(r.id) ?? new Set()).add(r.body));
    const duplicated = receiver.accepted().length - accepted().size;
    const undelivered = await stack.db.webhookDelivery.count({
      where: { subscriptionId: subscription.id, status: { not: 'delivered' } },
    });
    const checks: Check[] = [
      check('every breach recorded', (await breaches()) === ids.length, `${await breaches()} of ${ids.length}`),
      check(
        'the receiver refused while it was down',
        refusedWhileDown > 0,
        `${refusedWhileDown} requests refused with 503`,
      ),
      check(
        'requests were in flight when the worker was killed',
        inFlight > 0,
        `${inFlight} requests held by the receiver at the kill`,
      ),
      check(
        'no breach event lost',
        lost === 0 && eventIds.size === ids.length,
        `${ids.length - lost} of ${ids.length} tickets' breaches accepted; ${eventIds.size} events queued`,
      ),
      check('every delivery marked delivered', undelivered === 0, `${undelivered} not delivered`),
      check(
        'every request verifies (standardwebhooks)',
        unverified === 0,
        `${unverified} of ${receiver.received.length} did not verify`,
      ),
      check(
        'a duplicate carries the same webhook-id and body',
        [...copies.values()].every((bodies) => bodies.size === 1),
        `${duplicated} duplicate acceptances`,
      ),
    ];
    return {
      scenario: 'receiver-outage',
      tickets: tickets.length,
      requests: {
        total: receiver.received.length,
        refused: refusedWhileDown,
        inFlightAtKill: inFlight,
        accepted: receiver.accepted().length,
        duplicated,
      },
      timeline: {
        receiverDownS: (killedAtMs - outageStartedAtMs) / 1000,
        allDeliveredAfterReceiverBackS: (allDeliveredAtMs - receiverBackAtMs) / 1000,
      },
      checks,
    };
  } finally {
    await receiver.close();
  }
}
