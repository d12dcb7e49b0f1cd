/**
 * The worker dies (SIGKILL, no chance to finish anything) while `tickets` tickets are open, and
 * stays dead while every one of their first-response deadlines falls due. Started again, it must
 * record each breach exactly once and send each notice exactly once; none may be missing.
 */
import { percentile } from '../../bench/support';
import { arrangeFastPlan } from '../../test/support/load';
import { AnswerLog, check, exactlyOnceChecks, openTickets, waitUntil, type Check } from '../checks';
import { sleep, type FaultStack } from '../stack';

export async function workerKill(stack: FaultStack, options: { tickets: number; deadlineMinutes: number }) {
  const plan = await arrangeFastPlan(stack.db, {
    key: 'fault-worker-kill',
    minutes: options.deadlineMinutes,
    customers: 20,
    channel: 'sms',
    recipient: 'customer',
  });
  const answers = new AnswerLog();
  const intakeStarted = Date.now();
  const tickets = await openTickets(stack, plan, options.tickets, { concurrency: 16, answers });
  const intakeSeconds = (Date.now() - intakeStarted) / 1000;

  await stack.worker.stop('SIGKILL');
  const killedAtMs = Date.now();
  const lastDueMs = Math.max(...tickets.map((t) => t.dueAtMs));
  const firstDueMs = Math.min(...tickets.map((t) => t.dueAtMs));
  // Stay dead until every deadline has passed, and a little longer.
  await sleep(Math.max(0, lastDueMs - Date.now()) + 15_000);
  const restartedAtMs = Date.now();
  await stack.startWorker();
  const workerReadyAtMs = Date.now();

  const ids = tickets.map((t) => t.id);
  await waitUntil(
    async () =>
      (await stack.db.escalation.count({ where: { kind: 'breach', ticketId: { in: ids } } })) >= ids.length &&
      (await stack.db.notification.count({
        where: { subjectRef: { in: ids.map((id) => `ticket:${id}`) }, status: 'sent', channel: 'sms' },
      })) >= ids.length,
    10 * 60_000,
  );
  const recoveredAtMs = Date.now();
  // Anything sent twice would arrive after the first copy: give stragglers a moment.
  await sleep(5_000);
  const { checks, breaches } = await exactlyOnceChecks(stack, plan, tickets);
  const dueWhileDead = tickets.filter((t) => t.dueAtMs > killedAtMs && t.dueAtMs < restartedAtMs).length;
  const afterRestart = breaches.map((b) => b.firedAt.getTime() - workerReadyAtMs);
  const allChecks: Check[] = [
    check(
      'every deadline fell due while the worker was dead',
      dueWhileDead === tickets.length,
      `${dueWhileDead} of ${tickets.length} deadlines between the kill and the restart`,
    ),
    check('intake answered only 201', answers.count((s) => s !== 201) === 0, JSON.stringify(answers.byStatus)),
    ...checks,
  ];
  return {
    scenario: 'worker-kill',
    tickets: tickets.length,
    intake: { seconds: intakeSeconds, answers: answers.byStatus },
    timeline: {
      workerKilledAfterIntakeMs: killedAtMs - intakeStarted - intakeSeconds * 1000,
      firstDeadlineAfterKillS: (firstDueMs - killedAtMs) / 1000,
      lastDeadlineAfterKillS: (lastDueMs - killedAtMs) / 1000,
      workerDeadS: (restartedAtMs - killedAtMs) / 1000,
      workerStartS: (workerReadyAtMs - restartedAtMs) / 1000,
      allRecordedAfterRestartS: (recoveredAtMs - restartedAtMs) / 1000,
    },
    breachRecordedAfterWorkerReadyMs: {
      p50: percentile(afterRestart, 50),
      p99: percentile(afterRestart, 99),
      max: Math.max(...afterRestart),
    },
    smsDelivered: stack.smsDeliveries.length,
    checks: allChecks,
  };
}
