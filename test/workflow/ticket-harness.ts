// Shared by the ticket workflow's test files: one time-skipping test server per file, the
// workflow bundle, in-memory activities with the real signatures, and Tehran-time helpers.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { EscalationRecord, OutcomeRecord, TicketActivities, TicketEventRecord } from '../../activities/tickets';
import type { CalendarSpec } from '../../sla/calendar-spec';
import type { TicketPolicy } from '../../sla/policy';
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import { wallTimeToEpoch } from '../../sla/time-zone';
import { parseIsoDate, formatIsoDate, dayOfWeek } from '../../sla/civil-date';
import * as wf from '../../workflows/ticket';
import { bundleWorkflows, createTimeSkippingEnv } from '../support/time-skipping';

export type TicketHarness = ReturnType<typeof useTicketHarness>;

/** Registers the jest hooks of a ticket workflow test file and returns its helpers. */
export function useTicketHarness() {
  const TEHRAN = 'Asia/Tehran';
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;

  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    bundle = await bundleWorkflows();
  }, 120_000);

  afterAll(async () => {
    await env?.teardown();
  });

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
      recordTicketChange: async ({ event, view }) => {
        recorded.events.push(event);
        recorded.views.push(view);
      },
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
    const error = await update.then(
      () => undefined,
      (e: unknown) => e as Error & { cause?: Error },
    );
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

  /**
   * Skips the test server's clock to `instantMs`, once the test's workflows have no activity in
   * flight: the time-skipping server can lose its lock balance when an activity completes or fails
   * during env.sleep(), and then never skips again.
   */
  async function skipTo(instantMs: number): Promise<void> {
    for (const handle of started) {
      await waitForAsync(async () => {
        const { raw } = await handle.describe();
        return raw.workflowExecutionInfo?.status !== 1 || (raw.pendingActivities?.length ?? 0) === 0;
      }, 20_000);
    }
    const now = await env.currentTimeMs();
    if (instantMs > now) await env.sleep(instantMs - now);
  }

  async function waitForAsync(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
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

  async function run<T>(
    activities: TicketActivities,
    fn: () => Promise<T>,
    options: { maxCachedWorkflows?: number } = {},
  ): Promise<T> {
    const worker = await Worker.create({
      ...options,
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    return worker.runUntil(fn);
  }

  async function start(
    input: Omit<wf.TicketWorkflowInput, 'ticketId' | 'openedBy' | 'closeAfterQuietMinutes'> &
      Partial<wf.TicketWorkflowInput>,
  ): Promise<WorkflowHandle<typeof wf.ticketWorkflow>> {
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

  return {
    env: () => env,
    HOUR,
    agent,
    customer,
    fakeActivities,
    tehran,
    nextLocalDate,
    expectNear,
    expectRefused,
    waitFor,
    waitForAsync,
    skipTo,
    iotexLike,
    hoursPolicy,
    run,
    start,
  };
}
