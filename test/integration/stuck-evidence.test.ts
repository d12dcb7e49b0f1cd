// The four ticket histories of ../shared/evidence/stuck-ticket-histories (copied to
// test/workflow/histories/stuck-evidence/), recorded by main at 919bb57 under bursts of
// concurrent commands: three cannot be replayed by any code (the SDK's own nondeterminism check
// refuses them), the fourth replays but the server refused its next task. Their documented
// migration is `npm run repair-stuck` (api/stuck-workflows.ts, README "Commands one at a time,
// and stuck workflows"). This test applies that repair to each of them on the real stack:
//
// - the ticket row and its timeline are rebuilt from the history itself: the workflow's input
//   (policy, priority, opening), then one timeline event per update the history completed
//   successfully (each answered 2xx), in the order they completed: the old handlers recorded
//   their event last, just before answering (the customer notices the history scheduled carry
//   the same sequence order), at the time of the workflow task that completed it. That rebuilt
//   timeline ends in the state the history's last answer reported (status, priority, assignee,
//   first response and resolution instants; checked below).
//   Every instant is shifted so that the last one falls a minute before the test, so the
//   tickets' deadlines lie around now;
// - a run with the ticket's workflow id whose every task fails stands for the stuck run;
// - repairStuckTicket (what `npm run repair-stuck` runs for each stuck ticket) terminates it and
//   starts it again from the timeline.
//
// Then each ticket holds the state its history last answered (status, priority, assignee,
// cycle, first response and resolution instants), keeps every recorded event, records after
// the last one, fires each alarm already due exactly once, has a timer running for its next
// deadline at the instant the pure SLA code computes, and takes a command.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { repairStuckTicket } from '../../api/stuck-workflows';
import { ticketWorkflowInput } from '../../api/services/tickets';
import { alarmKey, nextAlarm } from '../../sla/ticket-clock';
import {
  OPEN_STATUSES,
  TicketRules,
  initialTicketState,
  stateFromTimeline,
  transition,
  type TicketCommand,
  type TicketState,
  type TicketView,
} from '../../sla/ticket-machine';
import * as ticket from '../../workflows/ticket';
import { integrationDeps } from '../support/app-deps';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';
import { waitFor } from '../support/wait';

jest.setTimeout(300_000);

const folder = path.join(__dirname, '..', 'workflow', 'histories', 'stuck-evidence');
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.binpb'))
  .sort();

type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;
const msOf = (t: Timestamp) =>
  (typeof t?.seconds === 'number' ? t.seconds : (t?.seconds?.toNumber() ?? 0)) * 1000 +
  Math.floor((t?.nanos ?? 0) / 1e6);
const json = (payload: proto.api.common.v1.IPayload | undefined) => JSON.parse(Buffer.from(payload!.data!).toString());

interface Evidence {
  input: ticket.TicketWorkflowInput;
  /** The updates the history completed successfully, in the order they completed (the order of their records). */
  commands: { command: TicketCommand; atMs: number }[];
  /** The last view an update answered with, and when it was answered. */
  lastView: TicketView;
  lastAtMs: number;
}

/** What one evidence history says: its input, the commands it took and the last answer it gave. */
function readEvidence(file: string): Evidence {
  const history = proto.api.history.v1.History.decode(readFileSync(path.join(folder, file)));
  const events = history.events ?? [];
  const input = json(
    events[0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0],
  ) as ticket.TicketWorkflowInput;
  const accepted = new Map<string, { name: string; arg: Record<string, unknown> }>();
  const commands: Evidence['commands'] = [];
  let taskStartedMs = msOf(events[0]!.eventTime);
  let lastView: TicketView | undefined;
  let lastAtMs = 0;
  for (const event of events) {
    if (event.workflowTaskStartedEventAttributes) taskStartedMs = msOf(event.eventTime);
    const acceptedUpdate = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    if (acceptedUpdate)
      accepted.set(acceptedUpdate.meta!.updateId!, {
        name: acceptedUpdate.input!.name!,
        arg: json(acceptedUpdate.input!.args!.payloads![0]),
      });
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed?.outcome?.success) {
      const { name, arg } = accepted.get(completed.meta!.updateId!)!;
      commands.push({ command: { type: name, ...arg } as TicketCommand, atMs: taskStartedMs });
      lastView = json(completed.outcome.success.payloads![0]);
      lastAtMs = msOf(event.eventTime);
    }
  }
  return { input, commands, lastView: lastView!, lastAtMs };
}

let temporal: Client;
beforeAll(async () => {
  temporal = new Client({
    connection: await Connection.connect({ address: process.env.PASBAN_TEST_TEMPORAL_ADDRESS! }),
  });
});
afterAll(async () => {
  await temporal?.connection.close();
  await closeTestDatabase();
});

describe('the stuck tickets of the evidence, repaired by npm run repair-stuck', () => {
  it.each(files)(
    '%s: guarded again, every event kept, due alarms fired once, the next deadline on a timer',
    async (file) => {
      const db = testDatabase();
      const deps = integrationDeps(temporal);
      const agent = testApi(await createKey('agent'));
      const evidence = readEvidence(file);
      const { ticketId } = evidence.input;
      const workflowId = `ticket-${ticketId}`;
      const shift = Date.now() - 60_000 - evidence.lastAtMs;
      const openedAtMs = evidence.input.openedAtMs + shift;

      // The rows the history wrote: its opening and one event per command it answered, in order.
      const { customer, contract, product, key } = await createCustomerWithContract({
        productKey: 'owj',
        planKey: evidence.input.policy.key,
      });
      const row = await db.ticket.create({
        data: {
          id: ticketId,
          customerId: customer.id,
          productId: product.id,
          contractId: contract.id,
          policyKey: evidence.input.policy.key,
          priority: evidence.input.priority,
          subject: file,
          description: 'rebuilt from a stuck history',
          channel: 'api',
          status: evidence.lastView.status,
          openedAt: new Date(openedAtMs),
          workflowId,
        },
      });
      const input = await ticketWorkflowInput(deps, row, evidence.input.openedBy);
      const rules = new TicketRules(input.policy, input.calendars, openedAtMs);
      let state: TicketState = initialTicketState(evidence.input.priority, openedAtMs);
      const timeline = [
        {
          sequence: 1,
          atMs: openedAtMs,
          actor: evidence.input.openedBy,
          type: 'opened',
          data: { priority: state.priority } as Record<string, unknown>,
        },
      ];
      for (const { command, atMs } of evidence.commands) {
        const made = transition(rules, state, command, atMs + shift);
        state = made.state;
        timeline.push({
          sequence: timeline.length + 1,
          atMs: atMs + shift,
          actor: made.event.actor,
          type: made.event.type,
          data: made.event.data,
        });
      }
      await db.ticketEvent.createMany({
        data: timeline.map((e) => ({
          ticketId,
          sequence: e.sequence,
          at: new Date(e.atMs),
          actor: e.actor,
          type: e.type,
          data: e.data as object,
        })),
      });
      // The rebuilt timeline ends where the history's last answer says the ticket stood: status,
      // priority, assignee, first response and resolution (to the second). Not the cycle number:
      // the interleaved handlers counted reopenings apart from their own timeline (the defect
      // itself); the repair takes the timeline's count.
      const last = evidence.lastView;
      type Stood = Pick<TicketState, 'status' | 'priority' | 'assignee' | 'firstResponseAtMs' | 'resolvedAtMs'>;
      const stood = (s: Stood) => ({
        status: s.status,
        priority: s.priority,
        assignee: s.assignee,
        firstResponseAtMs: s.firstResponseAtMs,
        resolvedAtMs: s.resolvedAtMs,
      });
      /** Within 1.5 s: the old code took its instants from the task that ran the handler. */
      const near = (ms: number | null) => (ms === null ? null : expect.closeTo(ms + shift, -Math.log10(3_000)));
      const answered = {
        ...stood(last),
        firstResponseAtMs: near(last.firstResponseAtMs),
        resolvedAtMs: near(last.resolvedAtMs),
      };
      expect(stood(state)).toEqual(answered);

      // The stuck run: every workflow task fails (its calendars are missing).
      await temporal.workflow.start(ticket.ticketWorkflow, {
        workflowId,
        taskQueue: 'pasban',
        args: [{ ...input, calendars: [] }],
      });

      expect(await repairStuckTicket(deps, workflowId)).toBe('restarted');

      // Settled: the repaired run has fired what was due and is waiting on its next deadline.
      const handle = temporal.workflow.getHandle(workflowId);
      const settled = await waitFor(
        async () => {
          const snapshot = await handle.query(ticket.ticketSnapshot);
          const description = await handle.describe();
          return {
            snapshot,
            idle: (description.raw.pendingActivities ?? []).length === 0 && !description.raw.pendingWorkflowTask,
          };
        },
        ({ snapshot, idle }) => idle && snapshot.state.status === state.status,
        60_000,
      );
      const now = settled.snapshot.state;
      expect(stood(now)).toEqual(answered);
      const rebuilt = stateFromTimeline(rules, openedAtMs, row.priority, timeline);
      expect(now.cycleNumber).toBe(rebuilt.cycleNumber);

      // Every recorded event kept; after them only the alarms that had fallen due, each once.
      const events = await db.ticketEvent.findMany({ where: { ticketId }, orderBy: { sequence: 'asc' } });
      expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
      expect(events.slice(0, timeline.length).map((e) => [e.sequence, e.type, e.data])).toEqual(
        timeline.map((e) => [e.sequence, e.type, e.data]),
      );
      const added = events.slice(timeline.length);
      for (const event of added)
        expect({ actor: event.actor, type: event.type }).toMatchObject({
          actor: 'system',
          type: expect.stringMatching(/^sla_(warning|breach|escalation)$/),
        });
      const keys = added.map((e) => {
        const data = e.data as { target: 'first_response' | 'resolution' | 'review'; percent: number };
        return alarmKey(
          { target: data.target, kind: e.type.slice(4) as 'warning', percent: data.percent },
          now.cycleNumber,
        );
      });
      expect(new Set(keys).size).toBe(keys.length);
      const dueByNow = (atMs: number) => atMs <= Date.now();
      if (OPEN_STATUSES.includes(now.status)) {
        // Nothing already due is left unfired.
        const pending = nextAlarm(rules.clocks(now, Date.now()), new Set(now.fired), now.cycleNumber);
        if (pending) expect(dueByNow(pending.atMs)).toBe(false);
      }
      expect(now.fired.filter((k) => !rebuilt.fired.includes(k)).sort()).toEqual([...keys].sort());

      // The next deadline is on a timer of the repaired run, at the instant the SLA code computes.
      const nextAtMs =
        now.status === 'resolved'
          ? now.resolvedAtMs! + input.closeAfterQuietMinutes * 60_000
          : nextAlarm(rules.clocks(now, Date.now()), new Set(now.fired), now.cycleNumber)?.atMs;
      const runEvents = (await handle.fetchHistory()).events ?? [];
      const timers = runEvents
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) => msOf(e.eventTime) + msOf(e.timerStartedEventAttributes!.startToFireTimeout));
      const fired = new Set(
        runEvents
          .filter((e) => e.timerFiredEventAttributes)
          .map((e) => e.timerFiredEventAttributes!.startedEventId!.toString()),
      );
      expect(runEvents.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      if (nextAtMs !== undefined) {
        expect(nextAtMs).toBeGreaterThan(Date.now());
        const running = runEvents.filter((e) => e.timerStartedEventAttributes && !fired.has(e.eventId!.toString()));
        expect(running.length).toBeGreaterThanOrEqual(1);
        expect(Math.min(...timers.map((at) => Math.abs(at - nextAtMs)))).toBeLessThan(2_000);
      }
      console.log(
        `${file}: ${timeline.length} events kept, ${added.length} due alarm(s) fired, status ${now.status}, next deadline ${nextAtMs ? new Date(nextAtMs).toISOString() : 'none'}`,
      );

      // And it takes commands again, recorded after the last event.
      const reply =
        now.status === 'resolved'
          ? await testApi(key)('POST', `/v1/tickets/${ticketId}/replies`, { body: 'after the repair' })
          : await agent('POST', `/v1/tickets/${ticketId}/replies`, { body: 'after the repair' });
      expect(reply.status).toBe(200);
      const after = await db.ticketEvent.findMany({ where: { ticketId, sequence: { gt: events.length } } });
      expect(after.map((e) => [e.sequence, (e.data as { body?: string }).body])).toEqual([
        [events.length + 1, 'after the repair'],
      ]);
    },
  );
});
