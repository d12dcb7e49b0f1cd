// Concurrent commands on one ticket (issue 12, item 1): a cancel, six agent replies, three
// customer replies and three resolves sent at the same instant. Every command answered as done
// is exactly one timeline event, a refused one is none, the events replay through the state
// machine in their recorded order, a cancelled ticket ends cancelled, and the history replays.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { TicketActivities, TicketEventRecord } from '../../activities/tickets';
import { initialTicketState, refusalOf, TicketRules, transition, type TicketCommand } from '../../sla/ticket-machine';
import * as wf from '../../workflows/ticket';
import { useTicketHarness } from './ticket-harness';

const { fakeActivities, tehran, nextLocalDate, skipTo, iotexLike, hoursPolicy, run, start } = useTicketHarness();

const ROUNDS = 4;
const jitter = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15));

/** The fake activities, each taking a few milliseconds, so handlers would interleave at their awaits. */
function slowActivities(activities: TicketActivities): TicketActivities {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (arg: never) => {
        await jitter();
        return (fn as (a: never) => Promise<unknown>)(arg);
      },
    ]),
  ) as unknown as TicketActivities;
}

/** The command an event records, found by the tag its body, note or reason carries. */
const tagOf = (event: TicketEventRecord): string | undefined => {
  const data = event.data as { body?: string; note?: string; reason?: string };
  return [data.body, data.note, data.reason].find((text) => typeof text === 'string' && text.startsWith('tag-'));
};

describe('the ticket workflow under concurrent commands', () => {
  it(`records exactly one event per accepted command, none per refused one, in an order the state machine accepts (${ROUNDS} rounds)`, async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const policy = hoursPolicy();
    const calendars = [iotexLike([])];

    const histories: {
      workflowId: string;
      history: Awaited<ReturnType<import('@temporalio/client').WorkflowHandle['fetchHistory']>>;
    }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { recorded, activities } = fakeActivities();
      const commands: { tag: string; command: TicketCommand }[] = [
        { tag: 'tag-cancel', command: { type: 'cancel', actor: 'customer:acme', reason: 'tag-cancel' } },
        ...Array.from({ length: 6 }, (_, i) => ({
          tag: `tag-agent-${i}`,
          command: { type: 'agentReply' as const, actor: 'agent:sara', public: true, body: `tag-agent-${i}` },
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          tag: `tag-customer-${i}`,
          command: { type: 'customerReply' as const, actor: 'customer:acme', body: `tag-customer-${i}` },
        })),
        ...Array.from({ length: 3 }, (_, i) => ({
          tag: `tag-resolve-${i}`,
          command: { type: 'resolve' as const, actor: 'agent:sara', note: `tag-resolve-${i}` },
        })),
      ];
      const { handle, answers, result, history } = await run(slowActivities(activities), async () => {
        const h = await start({ policy, calendars, priority: 'high', openedAtMs });
        const send = ({ command }: { command: TicketCommand }) => {
          const { type, ...arg } = command;
          const update = {
            agentReply: wf.agentReply,
            customerReply: wf.customerReply,
            resolve: wf.resolve,
            cancel: wf.cancel,
          }[type as 'agentReply' | 'customerReply' | 'resolve' | 'cancel'];
          return h.executeUpdate(update as typeof wf.cancel, { args: [arg as never] });
        };
        const settled = await Promise.allSettled(commands.map(send));
        for (const s of settled) {
          if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(WorkflowUpdateFailedError);
        }
        const cancelled = settled[0]!.status === 'fulfilled';
        const ended = cancelled ? await h.result() : undefined;
        return { handle: h, answers: settled, result: ended, history: await h.fetchHistory() };
      });

      const accepted = new Set(commands.filter((_, i) => answers[i]!.status === 'fulfilled').map((c) => c.tag));
      const events = recorded.events.filter((e) => tagOf(e) !== undefined);
      // Exactly one event per accepted command, none for a refused one.
      expect(events.map(tagOf).sort()).toEqual([...accepted].sort());
      // Sequence numbers are 1..n, in the order written.
      expect(recorded.events.map((e) => e.sequence)).toEqual(recorded.events.map((_, i) => i + 1));
      // Replaying the accepted commands in the recorded order through the state machine: none is refused.
      const rules = new TicketRules(policy, calendars, openedAtMs);
      let state = initialTicketState('high', openedAtMs);
      for (const event of events) {
        const { command } = commands.find((c) => c.tag === tagOf(event))!;
        expect(refusalOf(rules, state, command, event.atMs)).toBeNull();
        state = transition(rules, state, command, event.atMs).state;
      }
      if (accepted.has('tag-cancel')) {
        expect(state.status).toBe('cancelled');
        expect(result?.status).toBe('cancelled');
        expect(result?.targets.every((t) => t.state !== 'running' && t.state !== 'paused')).toBe(true);
      }
      histories.push({ workflowId: handle.workflowId, history });
    }
    // Every history the race recorded replays on the current code.
    for await (const replay of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows') },
      histories,
    )) {
      expect(replay.error).toBeUndefined();
    }
  }, 240_000);
});
