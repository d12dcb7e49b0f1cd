// A failed escalation is retried and still recorded once; a new worker replaying the history
// fires nothing again. In a file of its own: the time-skipping test server does not always
// recover its clock after an activity fails, so this case gets a server to itself.
import * as wf from '../../workflows/ticket';
import { useTicketHarness } from './ticket-harness';

const { fakeActivities, tehran, nextLocalDate, waitFor, skipTo, iotexLike, hoursPolicy, run, start } =
  useTicketHarness();

describe('the ticket workflow under activity failure', () => {
  it('escalates exactly once even when the escalation activity fails and is retried, and after a worker restart', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities({ failEscalationOnce: true });
    const policy = { ...hoursPolicy(), warningAtPercent: [], escalations: [] };

    // Without a workflow cache every task replays the history so far, and no sticky queue ties
    // the workflow to the first worker.
    const handle = await run(
      activities,
      async () => {
        const h = await start({ policy, calendars: [iotexLike([])], priority: 'high', openedAtMs });
        // The breach falls due at 11:00. The last second and a half pass in real time: the test
        // server loses its time-skipping lock when an activity fails during env.sleep().
        await skipTo(tehran(monday, '11:00') - 1_500);
        await waitFor(() => recorded.escalations.size === 1, 20_000);
        return h;
      },
      { maxCachedWorkflows: 0 },
    );
    // A new worker replays the whole history to answer the query: nothing fires again.
    const replayed = await run(activities, () => handle.query(wf.ticketView), { maxCachedWorkflows: 0 });
    expect(replayed.breached).toBe(true);

    const breachCalls = recorded.escalationCalls.filter((e) => e.target === 'first_response' && e.kind === 'breach');
    expect(breachCalls).toHaveLength(2); // the failed attempt and its retry
    expect(new Set(breachCalls.map((e) => e.dedupeKey)).size).toBe(1);
    expect([...recorded.escalations.keys()].filter((k) => k.includes('first_response:breach'))).toHaveLength(1);
  });
});
