/**
 * PostgreSQL stops for `downSeconds` (30) under load, just as the first tickets' deadlines fall
 * due, while the rest are still being opened. The API must answer 503 with Retry-After (never a
 * bare 500) and /readyz must say the database is down; the worker's activities retry; after
 * recovery every accepted ticket is in the database, once, and every workflow has finished its
 * activities: no pending activity, its breach recorded and sent once, its clock saved.
 */
import { arrangeFastPlan } from '../../test/support/load';
import { AnswerLog, check, exactlyOnceChecks, openTickets, waitUntil } from '../checks';
import { sleep, type FaultStack } from '../stack';

export async function postgresOutage(
  stack: FaultStack,
  options: { tickets: number; deadlineMinutes: number; downSeconds?: number },
) {
  const downSeconds = options.downSeconds ?? 30;
  const plan = await arrangeFastPlan(stack.db, {
    key: 'fault-postgres',
    minutes: options.deadlineMinutes,
    customers: 20,
    channel: 'sms',
    recipient: 'customer',
  });
  const answers = new AnswerLog();

  // The first half opens at once; the outage begins a few seconds before its first deadline.
  const firstHalf = await openTickets(stack, plan, Math.floor(options.tickets / 2), { concurrency: 16, answers });
  const firstDueMs = Math.min(...firstHalf.map((t) => t.dueAtMs));
  const outageStartsMs = firstDueMs - 5_000;
  // The second half starts 10 s before the outage and is spread over it and 10 s after.
  await sleep(outageStartsMs - 10_000 - Date.now());

  // The second half is opened at a steady pace across the outage by clients that retry 503s.
  const readiness: Record<string, number> = {};
  let stoppedAtMs = 0;
  let startedAtMs = 0;
  const outage = (async () => {
    await sleep(outageStartsMs - Date.now());
    await stack.stopPostgres();
    stoppedAtMs = Date.now();
    while (Date.now() < stoppedAtMs + downSeconds * 1000) {
      const ready = await fetch(`${stack.apiUrl}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      readiness[ready] = (readiness[ready] ?? 0) + 1;
      await sleep(1_000);
    }
    await stack.startPostgres();
    startedAtMs = Date.now();
  })();
  const secondHalf = await openTickets(stack, plan, options.tickets - firstHalf.length, {
    concurrency: 8,
    answers,
    spreadOverMs: (downSeconds + 20) * 1000,
  });
  await outage;
  const tickets = [...firstHalf, ...secondHalf];
  const ids = tickets.map((t) => t.id);
  const dueDuringOutage = tickets.filter((t) => t.dueAtMs >= stoppedAtMs && t.dueAtMs <= startedAtMs).length;
  const retriedThroughOutage = tickets.filter((t) => t.retries > 0).length;

  const lastDueMs = Math.max(...tickets.map((t) => t.dueAtMs));
  await waitUntil(
    async () =>
      (await stack.db.notification.count({
        where: { subjectRef: { in: ids.map((id) => `ticket:${id}`) }, status: 'sent', channel: 'sms' },
      })) >= ids.length,
    Math.max(0, lastDueMs - Date.now()) + 10 * 60_000,
  );
  await sleep(5_000);

  const rows = await stack.db.ticket.findMany({
    where: { policyKey: 'fault-postgres' },
    select: { id: true, idempotencyKey: true, breached: true, clock: true },
  });
  const accepted = new Set(ids);
  const { checks } = await exactlyOnceChecks(stack, plan, tickets);
  const descriptions = await Promise.all(ids.map((id) => stack.temporal.workflow.getHandle(`ticket-${id}`).describe()));
  const withPending = descriptions.filter((d) => d.raw.pendingActivities && d.raw.pendingActivities.length > 0).length;
  const saved = rows.filter((r) => accepted.has(r.id) && r.breached && r.clock !== null).length;

  return {
    scenario: 'postgres-outage',
    tickets: tickets.length,
    intake: { answers: answers.byStatus },
    timeline: {
      postgresDownS: (startedAtMs - stoppedAtMs) / 1000,
      deadlinesDueWhileDown: dueDuringOutage,
      ticketsRetriedThroughOutage: retriedThroughOutage,
    },
    readinessWhileDown: readiness,
    smsDelivered: stack.smsDeliveries.length,
    checks: [
      check(
        'no bare 500 while PostgreSQL was down',
        answers.count((s) => s >= 500 && s !== 503) === 0,
        JSON.stringify(answers.byStatus),
      ),
      check(
        'every 503 carried Retry-After and a problem document',
        answers.unavailableWithoutRetryAfter === 0 && answers.notProblemDocuments === 0,
        `${answers.count((s) => s === 503)} answers 503; ${answers.unavailableWithoutRetryAfter} without Retry-After, ${answers.notProblemDocuments} not problem documents`,
      ),
      check(
        'the outage was felt by the API',
        answers.count((s) => s === 503) > 0,
        `${answers.count((s) => s === 503)} answers 503`,
      ),
      check(
        '/readyz answered 503 while the database was down',
        (readiness['503'] ?? 0) > 0 && Object.keys(readiness).every((s) => s === '503'),
        JSON.stringify(readiness),
      ),
      check(
        'deadlines fell due during the outage',
        dueDuringOutage > 0,
        `${dueDuringOutage} deadlines fell due while the database was down`,
      ),
      check(
        'every accepted ticket is in the database once',
        rows.length === ids.length &&
          rows.every((r) => accepted.has(r.id)) &&
          new Set(rows.map((r) => r.idempotencyKey)).size === rows.length,
        `${ids.length} accepted, ${rows.length} rows on the plan`,
      ),
      check(
        'every workflow finished its activities',
        withPending === 0 && saved === ids.length,
        `${withPending} workflows with pending activities; ${saved} of ${ids.length} tickets with their breach and clock saved`,
      ),
      ...checks,
    ],
  };
}
