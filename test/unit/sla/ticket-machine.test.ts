import { calendarPresets, ticketPolicyPresets } from '../../../sla/presets';
import {
  initialTicketState,
  projectSnapshot,
  refusalOf,
  stateFromTimeline,
  TicketRules,
  ticketView,
  transition,
  type TicketCommand,
  type TicketState,
} from '../../../sla/ticket-machine';
import { wallTimeToEpoch } from '../../../sla/time-zone';
import { parseIsoDate } from '../../../sla/civil-date';

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch('Asia/Tehran', parseIsoDate(date)!, h! * 60 + m!);
};
const MINUTE = 60_000;
// Sunday 29 Nov 2026, 09:00 in Tehran; Owj's support hours are 08:30–21:00.
const openedAtMs = at('2026-11-29', '09:00');
const policy = ticketPolicyPresets['owj-agile'];
const rules = () => new TicketRules(policy, Object.values(calendarPresets), openedAtMs);
const agent = 'agent:sara';

/** Runs commands one after another, each a minute after the last; throws on a refusal. */
function run(commands: TicketCommand[], state = initialTicketState('high', openedAtMs), startMs = openedAtMs) {
  const r = rules();
  const events: string[] = [];
  let nowMs = startMs;
  for (const command of commands) {
    nowMs += MINUTE;
    const refusal = refusalOf(r, state, command, nowMs);
    if (refusal) throw new Error(refusal);
    const made = transition(r, state, command, nowMs);
    state = made.state;
    events.push(made.event.type);
  }
  return { state, events, nowMs };
}

describe('the ticket state machine', () => {
  it('opens new, on the priority asked for, with one resolution cycle starting at the opening', () => {
    const state = initialTicketState('critical', openedAtMs);
    expect(state).toMatchObject({
      status: 'new',
      priority: 'critical',
      cycleNumber: 1,
      cycle: { startMs: openedAtMs, pauses: [] },
      sequence: 0,
    });
  });

  it('makes the first public reply the first response, completes its target as an outcome, and moves the ticket in progress', () => {
    const r = rules();
    const made = transition(
      r,
      initialTicketState('high', openedAtMs),
      { type: 'agentReply', actor: agent, public: true, body: 'hi' },
      openedAtMs + 5 * MINUTE,
    );
    expect(made.state.status).toBe('in_progress');
    expect(made.state.firstResponseAtMs).toBe(openedAtMs + 5 * MINUTE);
    expect(made.outcomes.map((o) => [o.target, o.state])).toEqual([['first_response', 'met']]);
    expect(made.event).toMatchObject({
      type: 'agent_replied',
      data: { body: 'hi', firstResponse: true },
      notifyCustomer: true,
    });
  });

  it('does not change the state it was given', () => {
    const before = initialTicketState('high', openedAtMs);
    const copy = JSON.stringify(before);
    transition(
      rules(),
      before,
      { type: 'setStatus', actor: agent, status: 'waiting_on_customer' },
      openedAtMs + MINUTE,
    );
    transition(rules(), before, { type: 'cancel', actor: agent, reason: 'dup' }, openedAtMs + MINUTE);
    expect(JSON.stringify(before)).toBe(copy);
  });

  it('refuses a command against the state it would change, naming that state', () => {
    const { state: cancelled } = run([{ type: 'cancel', actor: 'customer:acme', reason: 'duplicate' }]);
    const r = rules();
    const later = openedAtMs + 10 * MINUTE;
    expect(refusalOf(r, cancelled, { type: 'agentReply', actor: agent, public: true, body: 'x' }, later)).toBe(
      'cannot reply: the ticket is cancelled',
    );
    expect(refusalOf(r, cancelled, { type: 'customerReply', actor: 'customer:acme', body: 'x' }, later)).toBe(
      'cannot reply: the ticket is cancelled',
    );
    expect(refusalOf(r, cancelled, { type: 'resolve', actor: agent, note: 'x' }, later)).toBe(
      'cannot resolve: the ticket is cancelled',
    );
    expect(refusalOf(r, cancelled, { type: 'cancel', actor: agent, reason: 'x' }, later)).toBe(
      'cannot cancel: the ticket is cancelled',
    );
    const fresh = initialTicketState('high', openedAtMs);
    expect(refusalOf(r, fresh, { type: 'setStatus', actor: agent, status: 'waiting_on_customer' }, later)).toBe(
      'reply to the customer before waiting on them',
    );
    expect(refusalOf(r, fresh, { type: 'reopen', actor: agent, reason: 'x' }, later)).toBe(
      'only a resolved ticket can be reopened; it is new',
    );
    expect(refusalOf(r, fresh, { type: 'changePriority', actor: agent, priority: 'high', reason: 'x' }, later)).toBe(
      'the priority is already high',
    );
  });

  it('reopens a resolved ticket on a customer reply, with a new cycle, and records "reopened" (never before the resolve)', () => {
    const { state, events } = run([
      { type: 'agentReply', actor: agent, public: true, body: 'a' },
      { type: 'resolve', actor: agent, note: 'done' },
      { type: 'customerReply', actor: 'customer:acme', body: 'still broken' },
    ]);
    expect(events).toEqual(['agent_replied', 'resolved', 'reopened']);
    expect(state).toMatchObject({ status: 'in_progress', cycleNumber: 2, resolvedAtMs: null });
  });

  it('pauses the resolution clock while waiting on the customer and resumes on their reply', () => {
    const { state } = run([
      { type: 'agentReply', actor: agent, public: true, body: 'a' },
      { type: 'setStatus', actor: agent, status: 'waiting_on_customer' },
      { type: 'customerReply', actor: 'customer:acme', body: 'b' },
    ]);
    expect(state.status).toBe('in_progress');
    expect(state.cycle.pauses).toEqual([{ start: openedAtMs + 2 * MINUTE, end: openedAtMs + 3 * MINUTE }]);
  });

  it("stops a cancelled ticket's clocks where it was cancelled: stopped, no alarm, the used time no longer counting", () => {
    const { state, nowMs } = run([{ type: 'cancel', actor: 'customer:acme', reason: 'duplicate' }]);
    const r = rules();
    const hourLater = ticketView(r, 't', state, nowMs + 60 * MINUTE);
    expect(hourLater.targets.map((t) => t.state)).toEqual(['stopped', 'stopped']);
    expect(hourLater.nextAlarm).toBeNull();
    const dayLater = ticketView(r, 't', state, nowMs + 24 * 60 * MINUTE);
    expect(dayLater.targets.map((t) => t.usedMinutes)).toEqual([1, 1]);
    expect(dayLater.targets.map((t) => t.leftMinutes)).toEqual(hourLater.targets.map((t) => t.leftMinutes));
  });

  it('projects a recorded snapshot to the time of the answer: two minutes after opening, two minutes used', () => {
    const state: TicketState = initialTicketState('high', openedAtMs);
    const snapshot = {
      ticketId: 't',
      openedAtMs,
      policy,
      calendars: Object.values(calendarPresets),
      state,
      recordedAtMs: openedAtMs,
    };
    const view = projectSnapshot(snapshot, openedAtMs + 2 * MINUTE);
    expect(view.asOfMs).toBe(openedAtMs + 2 * MINUTE);
    expect(view.targets.map((t) => [t.target, t.state, t.usedMinutes])).toEqual([
      ['first_response', 'running', 2],
      ['resolution', 'running', 2],
    ]);
    expect(view.targets[0]!.leftMinutes).toBe(view.targets[0]!.allowedMinutes! - 2);
  });

  it('rebuilds the state from the recorded timeline, alarms fired included (for a workflow restarted from the database)', () => {
    const r = rules();
    const commands: TicketCommand[] = [
      { type: 'assign', actor: agent, assignee: 'sara' },
      { type: 'agentReply', actor: agent, public: true, body: 'a' },
      { type: 'setStatus', actor: agent, status: 'waiting_on_customer' },
      { type: 'customerReply', actor: 'customer:acme', body: 'b' },
      { type: 'changePriority', actor: agent, priority: 'critical', reason: 'worse' },
      { type: 'resolve', actor: agent, note: 'done' },
      { type: 'customerReply', actor: 'customer:acme', body: 'again' },
      { type: 'agentReply', actor: agent, public: false, body: 'note' },
    ];
    let state = initialTicketState('high', openedAtMs);
    const events = [
      {
        sequence: 1,
        atMs: openedAtMs,
        actor: 'customer:acme',
        type: 'opened',
        data: { priority: 'high' } as Record<string, unknown>,
      },
    ];
    commands.forEach((command, i) => {
      const atMs = openedAtMs + (i + 1) * 7 * MINUTE;
      const made = transition(r, state, command, atMs);
      state = { ...made.state, sequence: events.length + 1 };
      events.push({
        sequence: events.length + 1,
        atMs,
        actor: command.actor,
        type: made.event.type,
        data: made.event.data,
      });
      if (i === 1) {
        events.push({
          sequence: events.length + 1,
          atMs,
          actor: 'system',
          type: 'sla_warning',
          data: { target: 'resolution', percent: 75, dueAtMs: atMs },
        });
        state = { ...state, fired: [...state.fired, 'resolution#1:warning:75'], sequence: events.length };
      }
    });
    const rebuilt = stateFromTimeline(r, openedAtMs, 'low', events);
    expect(rebuilt).toEqual(state);
    expect(rebuilt).toMatchObject({
      status: 'in_progress',
      cycleNumber: 2,
      priority: 'critical',
      assignee: 'sara',
      fired: ['resolution#1:warning:75'],
    });
  });
});
