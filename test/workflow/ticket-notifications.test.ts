// A notice that cannot go out must not end a ticket: a gateway that refuses for good, or an
// outbox that cannot be written for a while, leave every SLA timer running, and the timeline
// records the failure. (A mail server that hangs no longer reaches the workflow at all: see
// test/integration/hanging-smtp.test.ts.)
// In a file of its own: failing activities can cost the time-skipping server its clock.
import { ApplicationFailure } from '@temporalio/common';
import type { EscalationRecord, TicketActivities, TicketEventRecord } from '../../activities/tickets';
import * as wf from '../../workflows/ticket';
import { useTicketHarness } from './ticket-harness';

const { tehran, nextLocalDate, waitFor, skipTo, iotexLike, hoursPolicy, run, start, agent } = useTicketHarness();

/** Records what the workflow writes; every notice and escalation fails the way `failure` says. */
function failingMessages(failure: () => Error) {
  const recorded = { events: [] as TicketEventRecord[], escalationCalls: [] as EscalationRecord[], noticeCalls: 0 };
  const activities: TicketActivities = {
    recordTicketChange: async ({ event }) => void recorded.events.push(event),
    recordTicketEvent: async (event) => void recorded.events.push(event),
    syncTicket: async () => undefined,
    recordOutcome: async () => undefined,
    escalate: async (escalation) => {
      recorded.escalationCalls.push(escalation);
      throw failure();
    },
    notifyCustomer: async () => {
      recorded.noticeCalls += 1;
      throw failure();
    },
  };
  return { recorded, activities };
}

const refused = () =>
  ApplicationFailure.create({
    type: 'NotificationDeliveryFailed',
    message: 'SMS gateway answered 400: number blocked',
    nonRetryable: true,
  });

describe('the ticket workflow when messages cannot go out', () => {
  it('keeps its timers and records the failure when the gateway refuses every message for good', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = failingMessages(refused);
    const types = () => recorded.events.map((e) => e.type);

    const view = await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'high', openedAtMs });
      // First response: 120 business minutes, warned at 75% (10:30), breached at 11:00, escalated at 150% (12:00).
      await skipTo(tehran(monday, '10:30') - 1_500);
      await waitFor(() => types().includes('sla_warning'), 20_000);
      await skipTo(tehran(monday, '11:00') - 1_500);
      await waitFor(() => types().includes('sla_breach'), 20_000);
      await skipTo(tehran(monday, '12:00') - 1_500);
      await waitFor(() => types().includes('sla_escalation'), 20_000);
      // The ticket still takes commands, and its own customer notice failing does not refuse them.
      const replied = await handle.executeUpdate(wf.agentReply, {
        args: [{ ...agent, public: true, body: 'در حال بررسی' }],
      });
      expect(replied.status).toBe('in_progress');
      const { status } = await handle.describe();
      expect(status.name).toBe('RUNNING');
      return handle.query(wf.ticketView);
    });

    expect(view.breached).toBe(true);
    expect(view.status).toBe('in_progress');
    // A permanent refusal is not retried: one call per alarm.
    expect(recorded.escalationCalls.map((e) => e.kind)).toEqual(['warning', 'breach', 'escalation']);
    for (const type of ['sla_warning', 'sla_breach', 'sla_escalation']) {
      const event = recorded.events.find((e) => e.type === type)!;
      expect(event.data.escalationFailed).toMatch(/number blocked/);
    }
    expect(types()).toContain('agent_replied');
  });

  it('keeps its timers while its messages cannot be queued for a while, retrying them a bounded number of times', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    // The outbox cannot be written (the database restarting): every message fails twice, then is queued.
    const tries = new Map<string, number>();
    const flaky = (key: string) => {
      const n = (tries.get(key) ?? 0) + 1;
      tries.set(key, n);
      if (n <= 2) throw new Error('outbox unreachable: connection refused');
    };
    const { recorded, activities } = failingMessages(refused);
    activities.notifyCustomer = async (notice) => flaky(`notice:${notice.event}`);
    activities.escalate = async (escalation) => {
      recorded.escalationCalls.push(escalation);
      flaky(escalation.dedupeKey);
    };
    const types = () => recorded.events.map((e) => e.type);

    const retryPolicy = await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'high', openedAtMs });
      await waitFor(() => (tries.get('notice:opened') ?? 0) >= 1, 20_000);
      const { raw } = await handle.describe();
      const pending = raw.pendingActivities?.[0];
      await waitFor(() => tries.get('notice:opened') === 3, 30_000);
      await skipTo(tehran(monday, '10:30') - 1_500);
      await waitFor(() => types().includes('sla_warning'), 40_000);
      return { activity: pending?.activityType?.name, maximumAttempts: pending?.maximumAttempts };
    });

    // Bounded: 12 tries over about 6 minutes, then the failure is recorded and the ticket goes on.
    expect(retryPolicy).toEqual({ activity: 'notifyCustomer', maximumAttempts: 12 });
    expect(recorded.escalationCalls.map((e) => e.kind)).toEqual(['warning', 'warning', 'warning']);
    expect(recorded.events.find((e) => e.type === 'sla_warning')!.data.escalationFailed).toBeUndefined();
  }, 180_000);

  it('names the target deadline, not the warning instant, in what a warning escalates', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = failingMessages(refused);
    await run(activities, async () => {
      await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'high', openedAtMs });
      await skipTo(tehran(monday, '10:30') - 1_500);
      await waitFor(() => recorded.escalationCalls.length === 1, 20_000);
    });
    const [warning] = recorded.escalationCalls;
    expect(warning!.kind).toBe('warning');
    expect(warning!.dueAtMs).toBe(tehran(monday, '10:30'));
    expect(warning!.targetDueAtMs).toBe(tehran(monday, '11:00'));
  });
});
