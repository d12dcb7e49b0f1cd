// Every path of the change-request workflow, on Temporal's real time-skipping test server.
// Activities are in-memory fakes with the real signatures; the invoice fake spends included
// hours from one ledger per contract with the same pure split the real activity uses.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  ChangeRequestActivities,
  ChangeRequestEventRecord,
  InvoiceRequest,
} from '../../activities/change-requests';
import type { CustomerDelay } from '../../sla/change-request-clock';
import { dayOfWeek, formatIsoDate, parseIsoDate } from '../../sla/civil-date';
import { splitInvoice } from '../../sla/customisation-hours';
import type { ChangeRequestPolicy } from '../../sla/policy';
import { calendarPresets, changeRequestPolicyPresets, withHolidays } from '../../sla/presets';
import { wallTimeToEpoch } from '../../sla/time-zone';
import * as wf from '../../workflows/change-request';
import { bundleWorkflows, createTimeSkippingEnv } from '../support/time-skipping';

const TEHRAN = 'Asia/Tehran';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflows();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

/** Included minutes a contract has spent this year, shared by the requests under it. */
interface Ledger {
  usedMinutes: number;
}

function fakeActivities(ledger: Ledger = { usedMinutes: 0 }) {
  const recorded = {
    events: [] as ChangeRequestEventRecord[],
    views: [] as wf.ChangeRequestView[],
    notices: [] as string[],
    delays: [] as CustomerDelay[],
    invoices: [] as InvoiceRequest[],
  };
  const activities: ChangeRequestActivities = {
    recordChangeRequestEvent: async (event) => void recorded.events.push(event),
    syncChangeRequest: async (view) => void recorded.views.push(view),
    recordCustomerDelay: async ({ delay }) => void recorded.delays.push(delay),
    notifyChangeRequestEvent: async (notice) => void recorded.notices.push(notice.event),
    invoiceChangeRequest: async (request) => {
      recorded.invoices.push(request);
      const split = splitInvoice({
        quotedRials: BigInt(request.quotedRials),
        effortMinutes: request.effortMinutes,
        includedMinutesLeft: request.includedCustomisationHours * 60 - ledger.usedMinutes,
      });
      ledger.usedMinutes += split.includedMinutesUsed;
      return {
        invoiceId: randomUUID(),
        quotedRials: split.quotedRials.toString(),
        includedMinutesUsed: split.includedMinutesUsed,
        billedMinutes: split.billedMinutes,
        amountRials: split.amountRials.toString(),
      };
    },
  };
  return { recorded, activities };
}

/** The instant the Tehran clocks show `hhmm` on the local date `days` after `date`. */
function tehran(date: string, hhmm: string, days = 0): number {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch(TEHRAN, parseIsoDate(date)! + days, h! * 60 + m!);
}

/** The first local date after the test server's "now" that falls on `weekday` (0 = Sunday). */
async function nextLocalDate(weekday: number): Promise<string> {
  const now = await env.currentTimeMs();
  let day = parseIsoDate(new Date(now + 3.5 * HOUR).toISOString().slice(0, 10))! + 1;
  while (dayOfWeek(day) !== weekday) day += 1;
  return formatIsoDate(day);
}

async function skipTo(instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs > now) await env.sleep(instantMs - now);
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

let taskQueue = '';
const started: WorkflowHandle[] = [];
beforeEach(() => {
  taskQueue = `change-requests-${randomUUID()}`;
});
// A workflow left running would hold the test server's clock (see ticket.test.ts). Requests that
// end by a step are read from that step's answer: waiting for the result of a workflow that has
// no timer left lets the test server skip its clock years ahead.
afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => undefined);
  }
});

async function run<T>(activities: ChangeRequestActivities, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(fn);
}

const policies = changeRequestPolicyPresets;

async function start(
  policy: ChangeRequestPolicy,
  openedAtMs: number,
): Promise<WorkflowHandle<typeof wf.changeRequestWorkflow>> {
  const changeRequestId = randomUUID();
  const handle = await env.client.workflow.start(wf.changeRequestWorkflow, {
    taskQueue,
    workflowId: `change-request-${changeRequestId}`,
    args: [
      {
        changeRequestId,
        policy,
        calendars: [calendarPresets[policy.reviewDeadline.calendar as keyof typeof calendarPresets]],
        openedAtMs,
        openedBy: 'customer:acme',
      },
    ],
  });
  started.push(handle);
  return handle;
}

const agent = { actor: 'agent:sara' };
const customer = { actor: 'customer:acme' };

type Handle = WorkflowHandle<typeof wf.changeRequestWorkflow>;

/** Review with a quote, approve it and commit to a delivery date: the request is then being built. */
async function quoteApproveCommit(
  handle: Handle,
  quote: { costRials: string; effortMinutes: number },
  deliverByMs: number,
): Promise<wf.ChangeRequestView> {
  await handle.executeUpdate(wf.review, {
    args: [{ ...agent, decision: 'quote', ...quote, proposedDeliveryAtMs: deliverByMs }],
  });
  await handle.executeUpdate(wf.approveQuote, { args: [customer] });
  return handle.executeUpdate(wf.commitDelivery, { args: [{ ...agent, deliverByMs }] });
}

const deadline = (view: wf.ChangeRequestView, name: string, cycle = 1) =>
  view.deadlines.find((d) => d.name === name && d.cycle === cycle);

describe('the change-request workflow', () => {
  it("approve → deliver → accepted by silence after Kian's 7 days, recording why, then invoiced from the included hours", async () => {
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start(policies['kian-project-silver'], openedAtMs);
      let view = await handle.query(wf.changeRequestView);
      // Five business days on Kian's Sat–Wed office calendar: the next Sunday, same time.
      expect(deadline(view, 'review')).toMatchObject({
        state: 'running',
        owedBy: 'vendor',
        dueAtMs: tehran(sunday, '10:00', 7),
      });

      await expectRefused(
        handle.executeUpdate(wf.approveQuote, { args: [customer] }),
        /cannot approve the quote: the change request is in_review/,
      );
      await skipTo(tehran(sunday, '11:00'));
      await quoteApproveCommit(handle, { costRials: '20000000', effortMinutes: 120 }, tehran(sunday, '17:00', 10));
      await expectRefused(
        handle.executeUpdate(wf.accept, { args: [customer] }),
        /cannot accept the delivery: the change request is approved/,
      );

      await skipTo(tehran(sunday, '12:00', 2));
      view = await handle.executeUpdate(wf.deliver, { args: [agent] });
      expect(view.status).toBe('delivered');
      expectNear(deadline(view, 'acceptance')!.dueAtMs, tehran(sunday, '12:00', 9));
      expect(deadline(view, 'delivery')).toMatchObject({ state: 'met' });

      await skipTo(tehran(sunday, '12:01', 9));
      return handle.result();
    });

    expect(result).toMatchObject({ status: 'accepted', acceptedBySilence: true });
    expect(result.acceptanceNote).toMatch(/within 7 days of delivery: the terms count silence as acceptance/);
    expect(deadline(result, 'acceptance')).toMatchObject({ state: 'missed', completedAtMs: null });
    expect(recorded.events.find((e) => e.type === 'accepted')).toMatchObject({
      actor: 'system',
      data: { bySilence: true },
    });
    expect(recorded.invoices).toEqual([
      expect.objectContaining({ quotedRials: '20000000', effortMinutes: 120, includedCustomisationHours: 3 }),
    ]);
    expect(result.invoice).toMatchObject({ includedMinutesUsed: 120, billedMinutes: 0, amountRials: '0' });
    expect(recorded.events.map((e) => e.type)).toEqual([
      'opened',
      'quoted',
      'quote_approved',
      'delivery_committed',
      'delivered',
      'accepted',
      'invoiced',
    ]);
    expect(recorded.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(recorded.notices).toEqual(recorded.events.map((e) => e.type));
  });

  it("defects → fix → redeliver → accept on Owj's terms: 30 days to answer, 30 to fix, and no acceptance by silence", async () => {
    const saturday = await nextLocalDate(6);
    const openedAtMs = tehran(saturday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start(policies['owj-committed'], openedAtMs);
      await quoteApproveCommit(handle, { costRials: '90000000', effortMinutes: 6 * 60 }, tehran(saturday, '17:00', 14));
      await skipTo(tehran(saturday, '10:00', 10));
      await handle.executeUpdate(wf.deliver, { args: [agent] });

      await skipTo(tehran(saturday, '10:00', 20));
      let view = await handle.executeUpdate(wf.listDefects, {
        args: [{ ...customer, defects: ['گزارش ماهانه جمع اشتباه دارد', 'Export ignores the date filter'] }],
      });
      expect(view).toMatchObject({
        status: 'fixing',
        defects: ['گزارش ماهانه جمع اشتباه دارد', 'Export ignores the date filter'],
      });
      expect(deadline(view, 'acceptance')).toMatchObject({ state: 'met' });
      expectNear(deadline(view, 'fix')!.dueAtMs, tehran(saturday, '10:00', 50));
      await expectRefused(
        handle.executeUpdate(wf.listDefects, { args: [{ ...customer, defects: ['again'] }] }),
        /the change request is fixing/,
      );

      await skipTo(tehran(saturday, '10:00', 30));
      view = await handle.executeUpdate(wf.redeliver, { args: [agent] });
      expect(view).toMatchObject({ status: 'delivered', deliveryCycle: 2, defects: [] });
      expect(deadline(view, 'fix')).toMatchObject({ state: 'met' });
      expectNear(deadline(view, 'acceptance', 2)!.dueAtMs, tehran(saturday, '10:00', 60));

      // Owj's terms give no acceptance by silence: the period lapses, both sides hear of it, and the request waits.
      await skipTo(tehran(saturday, '11:00', 60));
      await waitFor(() => recorded.events.some((e) => e.type === 'acceptance_period_lapsed'), 10_000);
      view = await handle.query(wf.changeRequestView);
      expect(view.status).toBe('delivered');
      expect(deadline(view, 'acceptance', 2)).toMatchObject({ state: 'missed' });
      return handle.executeUpdate(wf.accept, { args: [{ ...customer, note: 'همه چیز درست است' }] });
    });

    expect(result).toMatchObject({ status: 'accepted', acceptedBySilence: false, acceptanceNote: 'همه چیز درست است' });
    expect(result.invoice).toMatchObject({
      quotedRials: '90000000',
      includedMinutesUsed: 0,
      billedMinutes: 360,
      amountRials: '90000000',
    });
    expect(recorded.events.map((e) => e.type)).toEqual([
      'opened',
      'quoted',
      'quote_approved',
      'delivery_committed',
      'delivered',
      'defects_listed',
      'redelivered',
      'acceptance_period_lapsed',
      'accepted',
      'invoiced',
    ]);
  });

  it('reminds the customer before the quote expires, then closes the request when it does', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start(policies['iotex-premium'], openedAtMs);
      const view = await handle.executeUpdate(wf.review, {
        args: [
          {
            ...agent,
            decision: 'quote',
            costRials: '14000000',
            effortMinutes: 600,
            proposedDeliveryAtMs: tehran(monday, '09:00', 30),
            validDays: 10,
          },
        ],
      });
      // Valid 10 days; the reminder goes 7 days before the end.
      expect(view.quote).toMatchObject({ costRials: '14000000' });
      expectNear(view.quote!.expiresAtMs, tehran(monday, '09:00', 10));
      expectNear(view.quote!.reminderAtMs, tehran(monday, '09:00', 3));

      await skipTo(tehran(monday, '10:00', 3));
      await waitFor(() => recorded.events.some((e) => e.type === 'quote_reminder'), 10_000);
      expect((await handle.query(wf.changeRequestView)).status).toBe('quoted');
      await skipTo(tehran(monday, '10:00', 10));
      return handle.result();
    });

    expect(result.status).toBe('expired');
    expect(deadline(result, 'quote_expiry')).toMatchObject({ state: 'missed', owedBy: 'customer' });
    expect(recorded.events.map((e) => e.type)).toEqual(['opened', 'quoted', 'quote_reminder', 'quote_expired']);
    expect(recorded.notices).toEqual(expect.arrayContaining(['quote_reminder', 'quote_expired']));
  });

  it('pushes the committed delivery date back a day for each day of customer delay, and escalates only after the new date', async () => {
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const deliverByMs = tehran(sunday, '17:00', 14);

    await run(activities, async () => {
      const handle = await start(policies['owj-agile'], openedAtMs);
      await quoteApproveCommit(handle, { costRials: '50000000', effortMinutes: 300 }, deliverByMs);

      await skipTo(tehran(sunday, '09:00', 6));
      await expectRefused(
        handle.executeUpdate(wf.recordDelay, {
          args: [{ ...agent, startMs: tehran(sunday, '09:00', -2), endMs: tehran(sunday, '09:00', 1) }],
        }),
        /cannot start before/,
      );
      // Waiting on the customer's test data from Tuesday 09:00 to Thursday 21:00: 2.5 days, counted as 3.
      const view = await handle.executeUpdate(wf.recordDelay, {
        args: [
          {
            ...agent,
            startMs: tehran(sunday, '09:00', 2),
            endMs: tehran(sunday, '21:00', 4),
            note: 'داده‌های آزمون دیر رسید',
          },
        ],
      });
      expect(view.committedDeliveryAtMs).toBe(deliverByMs);
      expect(view.deliveryDueAtMs).toBe(deliverByMs + 3 * DAY);
      expect(deadline(view, 'delivery')!.dueAtMs).toBe(deliverByMs + 3 * DAY);
      expect(recorded.delays).toEqual([
        expect.objectContaining({
          phase: 'delivery',
          startMs: tehran(sunday, '09:00', 2),
          note: 'داده‌های آزمون دیر رسید',
        }),
      ]);
      expect(recorded.events.find((e) => e.type === 'customer_delay_recorded')!.data).toMatchObject({
        days: 3,
        fromMs: deliverByMs,
        toMs: deliverByMs + 3 * DAY,
      });

      await skipTo(deliverByMs + DAY);
      expect(recorded.events.map((e) => e.type)).not.toContain('delivery_overdue');
      await skipTo(deliverByMs + 3 * DAY + MINUTE);
      await waitFor(() => recorded.events.some((e) => e.type === 'delivery_overdue'), 10_000);
      expect((await handle.query(wf.changeRequestView)).deadlines.find((d) => d.name === 'delivery')!.state).toBe(
        'missed',
      );
    });

    const overdue = recorded.events.filter((e) => e.type === 'delivery_overdue');
    expect(overdue).toHaveLength(1);
    expect(overdue[0]!.data).toEqual({ dueAtMs: deliverByMs + 3 * DAY });
    expect(recorded.notices).toContain('delivery_overdue');
  });

  it('escalates a late feasibility review and a missed delivery date to the department manager, each once', async () => {
    // Iotex Basic reviews within 15 business days on Iotex's Sat–Wed 09:00–17:00 calendar.
    const saturday = await nextLocalDate(6);
    const openedAtMs = tehran(saturday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start(policies['iotex-basic'], openedAtMs);
      let view = await handle.query(wf.changeRequestView);
      expect(deadline(view, 'review')!.dueAtMs).toBe(tehran(saturday, '10:00', 21));
      expect(view.nextAlarm).toMatchObject({ kind: 'review_overdue', atMs: tehran(saturday, '10:00', 21) });

      await skipTo(tehran(saturday, '12:00', 22));
      view = await quoteApproveCommit(
        handle,
        { costRials: '30000000', effortMinutes: 180 },
        tehran(saturday, '17:00', 25),
      );
      expect(deadline(view, 'review')).toMatchObject({ state: 'missed' });
      expectNear(deadline(view, 'review')!.completedAtMs, tehran(saturday, '12:00', 22));

      await skipTo(tehran(saturday, '10:00', 27));
      await waitFor(() => recorded.events.some((e) => e.type === 'delivery_overdue'), 10_000);
      view = await handle.query(wf.changeRequestView);
      expect(view).toMatchObject({ status: 'approved', nextAlarm: null });
      // Late delivery is still a delivery: the acceptance period starts.
      view = await handle.executeUpdate(wf.deliver, { args: [agent] });
      expect(deadline(view, 'delivery')).toMatchObject({ state: 'missed' });
    });

    expect(recorded.events.filter((e) => e.type.endsWith('_overdue')).map((e) => [e.type, e.data.dueAtMs])).toEqual([
      ['review_overdue', tehran(saturday, '10:00', 21)],
      ['delivery_overdue', tehran(saturday, '17:00', 25)],
    ]);
    expect(recorded.events.filter((e) => e.type.endsWith('_overdue')).every((e) => e.actor === 'system')).toBe(true);
  });

  it('moves the review deadline when a holiday is corrected onto the review period, and escalates at the new deadline only', async () => {
    // Kian project Silver: 5 business days on Kian's Sat–Wed calendar, from Sunday 10:00 to the next
    // Sunday 10:00. Tuesday turns out to be an official holiday: the review is due Monday 10:00.
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const policy = policies['kian-project-silver'];
    const holidayOnTuesday = withHolidays(calendarPresets['kian-office'], [
      { date: formatIsoDate(parseIsoDate(sunday)! + 2), name: 'تعطیل رسمی' },
    ]);

    await run(activities, async () => {
      const handle = await start(policy, openedAtMs);
      await handle.signal(wf.calendarsChanged, {
        calendars: [holidayOnTuesday],
        reason: 'estimated holiday corrected',
      });
      await waitFor(() => recorded.events.some((e) => e.type === 'deadlines_recomputed'), 10_000);
      const view = await handle.query(wf.changeRequestView);
      expect(deadline(view, 'review')!.dueAtMs).toBe(tehran(sunday, '10:00', 8));
      expect(view.nextAlarm).toMatchObject({ kind: 'review_overdue', atMs: tehran(sunday, '10:00', 8) });

      await skipTo(tehran(sunday, '10:30', 7));
      expect(recorded.events.some((e) => e.type === 'review_overdue')).toBe(false);
      await skipTo(tehran(sunday, '10:30', 8));
      await waitFor(() => recorded.events.some((e) => e.type === 'review_overdue'), 10_000);

      // Reviewed: a later correction leaves the met or missed review alone.
      await handle.executeUpdate(wf.review, {
        args: [
          {
            ...agent,
            decision: 'quote',
            costRials: '10000000',
            effortMinutes: 60,
            proposedDeliveryAtMs: tehran(sunday, '10:00', 30),
          },
        ],
      });
      await handle.signal(wf.calendarsChanged, {
        calendars: [calendarPresets['kian-office']],
        reason: 'holiday removed',
      });
      const after = await handle.query(wf.changeRequestView);
      expect(deadline(after, 'review')).toMatchObject({ state: 'missed', dueAtMs: tehran(sunday, '10:00', 8) });
    });

    expect(recorded.events.filter((e) => e.type === 'deadlines_recomputed').map((e) => e.data)).toEqual([
      {
        reason: 'estimated holiday corrected',
        before: { reviewDueAtMs: tehran(sunday, '10:00', 7) },
        after: { reviewDueAtMs: tehran(sunday, '10:00', 8) },
      },
    ]);
    expect(recorded.events.find((e) => e.type === 'review_overdue')!.data.dueAtMs).toBe(tehran(sunday, '10:00', 8));
  });

  it("spends the contract's included customisation hours before invoicing, across its requests", async () => {
    // Kian project Silver includes 3 hours: the first request (2 h) uses 2, the second (4 h) the last 1.
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities({ usedMinutes: 0 });

    const [first, second] = await run(activities, async () => {
      const results: wf.ChangeRequestView[] = [];
      for (const quote of [
        { costRials: '20000000', effortMinutes: 120 },
        { costRials: '40000000', effortMinutes: 240 },
      ]) {
        const handle = await start(policies['kian-project-silver'], openedAtMs);
        await quoteApproveCommit(handle, quote, tehran(sunday, '17:00', 10));
        await handle.executeUpdate(wf.deliver, { args: [agent] });
        results.push(await handle.executeUpdate(wf.accept, { args: [customer] }));
      }
      return results;
    });

    expect(first!.invoice).toMatchObject({ includedMinutesUsed: 120, billedMinutes: 0, amountRials: '0' });
    expect(second!.invoice).toMatchObject({ includedMinutesUsed: 60, billedMinutes: 180, amountRials: '30000000' });
    expect(recorded.invoices.map((i) => i.includedCustomisationHours)).toEqual([3, 3]);
  });

  it('refuses steps out of order, naming the current state, and cancels only before delivery', async () => {
    const sunday = await nextLocalDate(0);
    const openedAtMs = tehran(sunday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start(policies['owj-agile'], openedAtMs);
      await expectRefused(
        handle.executeUpdate(wf.deliver, { args: [agent] }),
        /cannot deliver: the change request is in_review/,
      );
      await expectRefused(
        handle.executeUpdate(wf.review, { args: [{ ...agent, decision: 'reject', reason: ' ' }] }),
        /needs a reason/,
      );
      await handle.executeUpdate(wf.review, {
        args: [
          {
            ...agent,
            decision: 'quote',
            costRials: '1000',
            effortMinutes: 60,
            proposedDeliveryAtMs: openedAtMs + 30 * DAY,
          },
        ],
      });
      await expectRefused(
        handle.executeUpdate(wf.review, { args: [{ ...agent, decision: 'reject', reason: 'x' }] }),
        /cannot review: the change request is quoted/,
      );
      await handle.executeUpdate(wf.approveQuote, { args: [customer] });
      await expectRefused(
        handle.executeUpdate(wf.deliver, { args: [agent] }),
        /approved but has no committed delivery date/,
      );
      await expectRefused(
        handle.executeUpdate(wf.redeliver, { args: [agent] }),
        /cannot redeliver: the change request is approved/,
      );
      return handle.executeUpdate(wf.cancel, { args: [{ ...customer, reason: 'بودجه حذف شد' }] });
    });

    expect(result).toMatchObject({ status: 'cancelled', closedReason: 'بودجه حذف شد' });
    expect(recorded.events.map((e) => e.type)).toEqual(['opened', 'quoted', 'quote_approved', 'cancelled']);
  });

  it('opens the timeline with the request even when a step arrives before any worker has run it', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const handle = await start(policies['kian-project-gold'], openedAtMs);
    // No worker polls yet: the first workflow task will carry the start and this update together.
    const rejected = handle.executeUpdate(wf.review, {
      args: [{ ...agent, decision: 'reject', reason: 'خارج از محدودهٔ قرارداد' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const view = await run(activities, () => rejected);

    expect(view).toMatchObject({ status: 'rejected', rejectionReason: 'خارج از محدودهٔ قرارداد' });
    expect(recorded.events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'opened'],
      [2, 'rejected'],
    ]);
  });
});
