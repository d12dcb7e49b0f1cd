/**
 * Temporal's dev server stops (SIGTERM) halfway through intake and comes back on its SQLite file
 * `downSeconds` later. The API must answer 503 with Retry-After meanwhile (never a bare 500);
 * every ticket a client keeps retrying is accepted once; the worker carries on by itself; the
 * timers started before the stop fire after it, and every breach is recorded and sent once.
 */
import { arrangeFastPlan } from '../../test/support/load';
import { AnswerLog, check, exactlyOnceChecks, openTickets, waitUntil } from '../checks';
import { sleep, type FaultStack } from '../stack';

export async function temporalRestart(
  stack: FaultStack,
  options: { tickets: number; deadlineMinutes: number; downSeconds?: number },
) {
  const downSeconds = options.downSeconds ?? 20;
  const plan = await arrangeFastPlan(stack.db, {
    key: 'fault-temporal',
    minutes: options.deadlineMinutes,
    customers: 20,
    channel: 'sms',
    recipient: 'customer',
  });
  const answers = new AnswerLog();
  const intakeStarted = Date.now();
  // Once half the tickets are in, intake waits until the server is down, then goes on through the outage.
  let stopped: Promise<number> | undefined;
  let outage: Promise<{ stoppedAtMs: number; startedAtMs: number }> | undefined;
  const tickets = await openTickets(stack, plan, options.tickets, {
    concurrency: 16,
    answers,
    gate: async () => stopped,
    onAccepted: (accepted) => {
      if (accepted !== Math.floor(options.tickets / 2)) return;
      stopped = stack.stopTemporal().then(() => Date.now());
      outage = (async () => {
        const stoppedAtMs = await stopped!;
        await sleep(downSeconds * 1000);
        await stack.startTemporal();
        return { stoppedAtMs, startedAtMs: Date.now() };
      })();
    },
  });
  const intakeSeconds = (Date.now() - intakeStarted) / 1000;
  const { stoppedAtMs, startedAtMs } = await outage!;
  const openedBeforeStop = tickets.filter((t) => t.openedAtMs < stoppedAtMs).length;

  const ids = tickets.map((t) => t.id);
  const rows = await stack.db.ticket.count({ where: { id: { in: ids } } });
  const everything = await stack.db.ticket.count({ where: { policyKey: 'fault-temporal' } });
  const lastDueMs = Math.max(...tickets.map((t) => t.dueAtMs));
  await waitUntil(
    async () =>
      (await stack.db.notification.count({
        where: { subjectRef: { in: ids.map((id) => `ticket:${id}`) }, status: 'sent', channel: 'sms' },
      })) >= ids.length,
    Math.max(0, lastDueMs - Date.now()) + 10 * 60_000,
  );
  await sleep(5_000);
  const { checks, breaches } = await exactlyOnceChecks(stack, plan, tickets);
  const timersAcrossRestart = breaches.filter(
    (b) => tickets.find((t) => t.id === b.ticketId)!.openedAtMs < stoppedAtMs,
  ).length;
  const running = await Promise.all(
    ids.map(async (id) => (await stack.temporal.workflow.getHandle(`ticket-${id}`).describe()).status.name),
  );

  return {
    scenario: 'temporal-restart',
    tickets: tickets.length,
    intake: { seconds: intakeSeconds, answers: answers.byStatus },
    timeline: {
      temporalDownS: (startedAtMs - stoppedAtMs) / 1000,
      openedBeforeStop,
      ticketsRetriedThroughOutage: tickets.filter((t) => t.retries > 0).length,
    },
    workerStarts: stack.worker.starts,
    smsDelivered: stack.smsDeliveries.length,
    checks: [
      check(
        'no bare 500 while Temporal was down',
        answers.count((s) => s >= 500 && s !== 503) === 0,
        JSON.stringify(answers.byStatus),
      ),
      check(
        'every 503 carried Retry-After and a problem document',
        answers.unavailableWithoutRetryAfter === 0 && answers.notProblemDocuments === 0,
        `${answers.count((s) => s === 503)} answers 503; ${answers.unavailableWithoutRetryAfter} without Retry-After, ${answers.notProblemDocuments} not problem documents`,
      ),
      check(
        'the outage was felt',
        answers.count((s) => s === 503) > 0 || (answers.byStatus.unreachable ?? 0) > 0,
        `${answers.count((s) => s === 503)} answers 503 during ${downSeconds} s down`,
      ),
      check(
        'every retried ticket accepted once',
        rows === ids.length && everything === ids.length && new Set(ids).size === ids.length,
        `${ids.length} accepted, ${rows} rows, ${everything} rows on the plan in all`,
      ),
      check(
        'the worker survived the restart',
        stack.worker.running && stack.worker.starts === 1,
        `worker started ${stack.worker.starts} time(s), running now: ${stack.worker.running}`,
      ),
      check(
        'timers set before the stop fired after it',
        timersAcrossRestart === openedBeforeStop,
        `${timersAcrossRestart} of ${openedBeforeStop} tickets opened before the stop have their breach`,
      ),
      check(
        'every ticket workflow still running',
        running.every((s) => s === 'RUNNING'),
        `${running.filter((s) => s === 'RUNNING').length} of ${running.length} running`,
      ),
      ...checks,
    ],
  };
}
