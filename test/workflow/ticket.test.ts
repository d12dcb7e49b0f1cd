// Every clock rule of the ticket workflow, on Temporal's real time-skipping test server.
// Activities are in-memory fakes with the real signatures: the workflow's decisions are what is
// under test here; the activities' database effects are tested in the integration layer.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { EscalationRecord, OutcomeRecord, TicketActivities, TicketEventRecord } from '../../activities/tickets';
import type { CalendarSpec } from '../../sla/calendar-spec';
import type { TicketPolicy } from '../../sla/policy';
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import { wallTimeToEpoch } from '../../sla/time-zone';
import { parseIsoDate, formatIsoDate, dayOfWeek } from '../../sla/civil-date';
import * as wf from '../../workflows/ticket';
import { createTimeSkippingEnv } from '../support/time-skipping';

const TEHRAN = 'Asia/Tehran';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: silentLogger() });
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

function silentLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

/** In-memory activities with the real signatures; `failEscalationOnce` makes the first escalate fail. */
function fakeActivities(options: { failEscalationOnce?: boolean } = {}) {
  const recorded = {
    events: [] as TicketEventRecord[],
    escalationCalls: [] as EscalationRecord[],
    escalations: new Map<string, EscalationRecord>(),
    outcomes: new Map<string, OutcomeRecord>(),
    notices: [] as string[],
    views: [] as wf.TicketView[],
  };
  let failed = false;
  const activities: TicketActivities = {
    recordTicketEvent: async (event) => void recorded.events.push(event),
    syncTicket: async (view) => void recorded.views.push(view),
    recordOutcome: async (outcome) => void recorded.outcomes.set(`${outcome.target}#${outcome.cycle}`, outcome),
    escalate: async (escalation) => {
      recorded.escalationCalls.push(escalation);
      if (options.failEscalationOnce && !failed) {
        failed = true;
        throw new Error('SMS gateway timed out');
      }
      if (!recorded.escalations.has(escalation.dedupeKey)) recorded.escalations.set(escalation.dedupeKey, escalation);
    },
    notifyCustomer: async (notice) => void recorded.notices.push(notice.event),
  };
  return { recorded, activities };
}

/** The instant the Tehran clocks show `hhmm` on the local date `days` after `date`. */
function tehran(date: string, hhmm: string, days = 0): number {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch(TEHRAN, parseIsoDate(date)! + days, h! * 60 + m!);
}

/** The first local date on or after the test server's "now" that falls on `weekday` (0 = Sunday). */
async function nextLocalDate(weekday: number): Promise<string> {
  const now = await env.currentTimeMs();
  let day = parseIsoDate(new Date(now + 3.5 * HOUR).toISOString().slice(0, 10))! + 1;
  while (dayOfWeek(day) !== weekday) day += 1;
  return formatIsoDate(day);
}

/** Commands land a few real milliseconds after the instant skipped to; deadlines that count from them drift as much. */
function expectNear(actualMs: number | null | undefined, expectedMs: number): void {
  expect(actualMs).not.toBeNull();
  expect(Math.abs(actualMs! - expectedMs)).toBeLessThan(10_000);
}

/** A refused update: the validator's message travels as the failure's cause. */
async function expectRefused(update: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await update.then(() => undefined, (e: unknown) => e as Error & { cause?: Error });
  expect(error).toBeDefined();
  expect(error!.cause?.message).toMatch(message);
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function skipTo(instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs > now) await env.sleep(instantMs - now);
}

const iotexLike = (holidays: string[]): CalendarSpec => ({
  ...calendarPresets['iotex-office'],
  holidays: holidays.map((date) => ({ date, name: 'تعطیل رسمی' })),
});

/** A policy whose resolution target is 16 business hours, 75% warning and a 150% escalation. */
function hoursPolicy(): TicketPolicy {
  const base = ticketPolicyPresets['iotex-standard'];
  const firstResponse = { unit: 'business_minutes' as const, amount: 120, calendar: 'iotex-office' };
  const resolution = { unit: 'business_minutes' as const, amount: 16 * 60, calendar: 'iotex-office' };
  const priorities = Object.fromEntries(
    Object.entries(base.priorities).map(([priority, p]) => [priority, { ...p, firstResponse, resolution }]),
  ) as TicketPolicy['priorities'];
  return {
    ...base,
    priorities,
    warningAtPercent: [75],
    escalations: [{ atPercent: 150, action: { channel: 'sms', recipients: ['senior_management'] } }],
  };
}

let taskQueue = '';
const started: WorkflowHandle[] = [];
beforeEach(() => {
  taskQueue = `tickets-${randomUUID()}`;
});
// A workflow left running would hold the test server's clock: once time skips past its next
// timer, the server waits for a workflow task that no worker will ever take.
afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => undefined);
  }
});

async function run<T>(activities: TicketActivities, fn: () => Promise<T>, options: { maxCachedWorkflows?: number } = {}): Promise<T> {
  const worker = await Worker.create({
    ...options,
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(fn);
}

async function start(input: Omit<wf.TicketWorkflowInput, 'ticketId' | 'openedBy' | 'closeAfterQuietMinutes'> & Partial<wf.TicketWorkflowInput>): Promise<WorkflowHandle<typeof wf.ticketWorkflow>> {
  const ticketId = randomUUID();
  const handle = await env.client.workflow.start(wf.ticketWorkflow, {
    taskQueue,
    workflowId: `ticket-${ticketId}`,
    args: [{ ticketId, openedBy: 'customer:test', closeAfterQuietMinutes: 3 * 24 * 60, ...input }],
  });
  started.push(handle);
  return handle;
}

const agent = { actor: 'agent:sara' };
const customer = { actor: 'customer:acme' };

describe('the ticket workflow', () => {
  it('pauses the resolution clock while waiting on the customer, over a weekend and a holiday', async () => {
    // Iotex-like office hours: Sat–Wed 09:00–17:00. Opened on a Wednesday at 09:00; the
    // Saturday after is a holiday. Without the pause, 16 business hours end on Sunday 17:00.
    const wednesday = await nextLocalDate(3);
    const holiday = formatIsoDate(parseIsoDate(wednesday)! + 3);
    const openedAtMs = tehran(wednesday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([holiday])], priority: 'high', openedAtMs });
      let view = await handle.query(wf.ticketView);
      expect(view.targets.find((t) => t.target === 'resolution')!.dueAtMs).toBe(tehran(wednesday, '17:00', 4));

      await skipTo(tehran(wednesday, '09:10'));
      await handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'سلام، بررسی می‌کنیم' }] });
      await skipTo(tehran(wednesday, '11:00'));
      view = await handle.executeUpdate(wf.setStatus, { args: [{ ...agent, status: 'waiting_on_customer' }] });
      const paused = view.targets.find((t) => t.target === 'resolution')!;
      expect(paused).toMatchObject({ paused: true, dueAtMs: null, state: 'paused' });
      expect(paused.usedMinutes).toBeCloseTo(120, 0);

      // The customer answers on Sunday 10:00: Wed 11–17 and Sun 09–10 were paused (7 hours).
      await skipTo(tehran(wednesday, '10:00', 4));
      view = await handle.executeUpdate(wf.customerReply, { args: [{ ...customer, body: 'لاگ‌ها پیوست شد' }] });
      const resolution = view.targets.find((t) => t.target === 'resolution')!;
      expect(resolution.paused).toBe(false);
      expect(resolution.usedMinutes).toBeCloseTo(120, 0);
      expect(resolution.leftMinutes).toBeCloseTo(14 * 60, 0);
      expectNear(resolution.dueAtMs, tehran(wednesday, '16:00', 5));

      // 75% (12 h) is used on Monday 12:00, 100% on Monday 16:00.
      await skipTo(tehran(wednesday, '16:30', 5));
      await handle.query(wf.ticketView);
    });

    const fired = [...recorded.escalations.values()];
    expect(fired.map((e) => [e.target, e.kind])).toEqual([
      ['resolution', 'warning'],
      ['resolution', 'breach'],
    ]);
    expectNear(fired[0]!.dueAtMs, tehran(wednesday, '12:00', 5));
    expectNear(fired[1]!.dueAtMs, tehran(wednesday, '16:00', 5));
    expect(recorded.outcomes.get('first_response#1')).toMatchObject({ met: true, businessMinutesUsed: 10 });
  });

  it('fires the warning, then the breach, then the further escalation level, each once and in order', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'critical', openedAtMs });
      // First response: 120 business minutes → 75% at 10:30, breach at 11:00, 150% at 12:00.
      await skipTo(tehran(monday, '12:30'));
      const view = await handle.query(wf.ticketView);
      expect(view.breached).toBe(true);
      expect(view.targets.find((t) => t.target === 'first_response')!.state).toBe('breached');
    });

    const firstResponse = recorded.escalationCalls.filter((e) => e.target === 'first_response');
    expect(firstResponse.map((e) => [e.kind, e.percent, e.dueAtMs])).toEqual([
      ['warning', 75, tehran(monday, '10:30')],
      ['breach', 100, tehran(monday, '11:00')],
      ['escalation', 150, tehran(monday, '12:00')],
    ]);
    expect(firstResponse[1]!.action).toEqual({ channel: 'sms', recipients: ['department_manager'] });
    expect(firstResponse[2]!.action).toEqual({ channel: 'sms', recipients: ['senior_management'] });
    expect(recorded.events.map((e) => e.type)).toEqual(expect.arrayContaining(['opened', 'sla_warning', 'sla_breach', 'sla_escalation']));
  });

  it('escalates exactly once even when the escalation activity fails and is retried, and after a worker restart', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities({ failEscalationOnce: true });
    const policy = { ...hoursPolicy(), warningAtPercent: [], escalations: [] };

    // Without a workflow cache every task replays the history so far, and no sticky queue ties
    // the workflow to the first worker.
    const handle = await run(activities, async () => {
      const h = await start({ policy, calendars: [iotexLike([])], priority: 'high', openedAtMs });
      // The breach falls due at 11:00. The last second and a half pass in real time: the test
      // server loses its time-skipping lock when an activity fails during env.sleep().
      await skipTo(tehran(monday, '11:00') - 1_500);
      await waitFor(() => recorded.escalations.size === 1, 20_000);
      return h;
    }, { maxCachedWorkflows: 0 });
    // A new worker replays the whole history to answer the query: nothing fires again.
    const replayed = await run(activities, () => handle.query(wf.ticketView), { maxCachedWorkflows: 0 });
    expect(replayed.breached).toBe(true);

    const breachCalls = recorded.escalationCalls.filter((e) => e.target === 'first_response' && e.kind === 'breach');
    expect(breachCalls).toHaveLength(2); // the failed attempt and its retry
    expect(new Set(breachCalls.map((e) => e.dedupeKey)).size).toBe(1);
    expect([...recorded.escalations.keys()].filter((k) => k.includes('first_response:breach'))).toHaveLength(1);
  });

  it('recomputes deadlines from the ticket\'s start when the priority changes, keeping a breach that happened', async () => {
    // Owj Agile: low = 1 h / 4 business days, critical = 15 min / 3 hours (Sat–Thu 08:30–21:00).
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const policy = ticketPolicyPresets['owj-agile'];

    await run(activities, async () => {
      const handle = await start({ policy, calendars: [calendarPresets['owj-agile']], priority: 'low', openedAtMs });
      await skipTo(tehran(sunday, '09:20'));
      await handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'در حال بررسی' }] });
      await skipTo(tehran(sunday, '13:00'));
      let view = await handle.executeUpdate(wf.changePriority, { args: [{ ...agent, priority: 'critical', reason: 'production down' }] });
      const resolution = view.targets.find((t) => t.target === 'resolution')!;
      expect(resolution.dueAtMs).toBe(tehran(sunday, '12:00'));
      expect(resolution.usedMinutes).toBeCloseTo(240, 0);
      // The 3-hour target is already past: the breach fires at once and stays recorded.
      await skipTo(tehran(sunday, '13:05'));
      view = await handle.executeUpdate(wf.changePriority, { args: [{ ...agent, priority: 'low', reason: 'workaround found' }] });
      expect(view.breached).toBe(true);
      expect(view.targets.find((t) => t.target === 'resolution')!.dueAtMs).toBe(tehran(sunday, '09:00', 4));
      const event = recorded.events.find((e) => e.type === 'priority_changed')!;
      expect(event.data.deadlines).toEqual(
        expect.arrayContaining([{ target: 'resolution', fromMs: tehran(sunday, '09:00', 4), toMs: tehran(sunday, '12:00') }]),
      );
    });

    expect([...recorded.escalations.values()].some((e) => e.target === 'resolution' && e.kind === 'breach')).toBe(true);
  });

  it('reopens on a customer reply after resolution with a new resolution cycle, and closes itself after the quiet period', async () => {
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'medium', openedAtMs, closeAfterQuietMinutes: 24 * 60 });
      await skipTo(tehran(sunday, '10:00'));
      let view = await handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'تنظیمات اصلاح شد' }] });
      expect(view.status).toBe('resolved');
      await skipTo(tehran(sunday, '15:00'));
      view = await handle.executeUpdate(wf.customerReply, { args: [{ ...customer, body: 'هنوز مشکل دارد' }] });
      expect(view).toMatchObject({ status: 'in_progress', cycle: 2 });
      const resolution = view.targets.find((t) => t.target === 'resolution')!;
      expectNear(resolution.startMs, tehran(sunday, '15:00'));
      expectNear(resolution.dueAtMs, tehran(sunday, '15:00', 2));
      await expectRefused(handle.executeUpdate(wf.close, { args: [{ ...agent, reason: 'done' }] }), /only a resolved ticket/);
      await skipTo(tehran(sunday, '16:00'));
      await handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'رفع شد' }] });
      return handle.result();
    });

    expect(result).toMatchObject({ status: 'closed', cycle: 2 });
    expectNear(result.closedAtMs, tehran(sunday, '16:00', 1));
    expect(recorded.outcomes.get('resolution#1')).toMatchObject({ met: true, businessMinutesUsed: 60 });
    expect(recorded.outcomes.get('resolution#2')).toMatchObject({ met: true, businessMinutesUsed: 60 });
    expect(recorded.notices).toEqual(expect.arrayContaining(['opened', 'resolved', 'reopened', 'closed']));
  });

  it('escalates a review-type target not reviewed within a business day, and holds the announced date as the deadline', async () => {
    // Owj Committed, medium: response 30 min; resolution is a review (Pasban rule 5).
    const saturday = await nextLocalDate(6);
    const openedAtMs = tehran(saturday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const policy = ticketPolicyPresets['owj-committed'];

    await run(activities, async () => {
      const handle = await start({ policy, calendars: [calendarPresets['owj-committed']], priority: 'medium', openedAtMs });
      let view = await handle.query(wf.ticketView);
      expect(view.targets.map((t) => [t.target, t.state])).toEqual([
        ['first_response', 'running'],
        ['review', 'running'],
        ['resolution', 'no_target'],
      ]);
      expect(view.targets.find((t) => t.target === 'review')!.dueAtMs).toBe(tehran(saturday, '10:00', 1));
      await expectRefused(
        handle.executeUpdate(wf.announceResolutionDate, { args: [{ ...agent, dueAtMs: openedAtMs - HOUR }] }),
        /must be in the future/,
      );

      await skipTo(tehran(saturday, '11:00', 1));
      view = await handle.executeUpdate(wf.announceResolutionDate, { args: [{ ...agent, dueAtMs: tehran(saturday, '12:00', 3) }] });
      expect(view.targets.find((t) => t.target === 'resolution')).toMatchObject({ state: 'running', dueAtMs: tehran(saturday, '12:00', 3) });
      await expectRefused(handle.executeUpdate(wf.rejectRequest, { args: [{ ...agent, reason: 'x' }] }), /already made/);
    });

    expect([...recorded.escalations.values()].find((e) => e.target === 'review' && e.kind === 'breach')).toMatchObject({
      dueAtMs: tehran(saturday, '10:00', 1),
      action: { channel: 'in_app', recipients: ['department_manager'] },
    });
    expect(recorded.outcomes.get('review#1')).toMatchObject({ met: false });
  });

  it('recomputes open deadlines when an administrator corrects a calendar, recording old and new deadlines', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'low', openedAtMs });
      // Tuesday becomes a holiday: the 16-hour resolution moves from Tuesday 17:00 to Wednesday 17:00.
      const tuesday = formatIsoDate(parseIsoDate(monday)! + 1);
      await handle.signal(wf.configurationChanged, { calendars: [iotexLike([tuesday])], reason: 'holiday moved' });
      await waitFor(() => recorded.events.some((e) => e.type === 'deadlines_recomputed'), 10_000);
      const view = await handle.query(wf.ticketView);
      expect(view.targets.find((t) => t.target === 'resolution')!.dueAtMs).toBe(tehran(monday, '17:00', 2));
    });

    const event = recorded.events.find((e) => e.type === 'deadlines_recomputed')!;
    expect(event.data).toMatchObject({
      reason: 'holiday moved',
      deadlines: [{ target: 'resolution', fromMs: tehran(monday, '17:00', 1), toMs: tehran(monday, '17:00', 2) }],
    });
  });

  it('continues as new before its history grows large, carrying its state', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'low', openedAtMs, historyLimit: 40 });
      const firstRun = (await handle.describe()).runId;
      for (let i = 0; i < 6; i++) {
        await handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: false, body: `note ${i}` }] });
      }
      await handle.executeUpdate(wf.assign, { args: [{ ...agent, assignee: 'sara' }] });
      const latest = env.client.workflow.getHandle(handle.workflowId);
      const view = await latest.query(wf.ticketView);
      expect((await latest.describe()).runId).not.toBe(firstRun);
      expect(view).toMatchObject({ status: 'new', assignee: 'sara' });
    });
  });
});
