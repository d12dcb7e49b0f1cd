// The compensation-claim workflow on Temporal's real time-skipping test server: the
// acknowledgement deadline on Amoot's office calendar, the decision reminder and escalation,
// and every way QA decides. Activities are in-memory fakes with the real signatures.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type {
  AcknowledgementRequest,
  ClaimActivities,
  ClaimEscalation,
  ClaimEventRecord,
  CreditNoteRequest,
  DecisionNotice,
  FilingNotice,
} from '../../activities/claims';
import { creditNoteMonth } from '../../sla/claim-assessment';
import type { ClaimPolicy } from '../../sla/policy';
import { calendarPresets, claimPolicyPresets, withHolidays } from '../../sla/presets';
import * as wf from '../../workflows/claim';
import {
  DAY,
  expectRefused,
  MINUTE,
  nextLocalDate,
  plusDays,
  skipTo as skipClock,
  tehranAt,
} from '../support/tehran-time';
import { bundleWorkflows, createTimeSkippingEnv } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

// A test server per test: with one per file, under load (CI at stop, 2 cores), a workflow start hung
// 55 s on the test server after several tests had skipped its clock, about one run in five; each test
// on a fresh server passed 8 runs of 8 at the same load. The cost is a second or two per test.
beforeAll(async () => {
  bundle = await bundleWorkflows();
}, 120_000);
beforeEach(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);

/** In-memory claim activities; the acknowledgement fails (without server-side retries) while `acknowledgementDown` says so. */
function fakeActivities(options: { acknowledgementDown?: () => boolean } = {}) {
  const recorded = {
    events: [] as ClaimEventRecord[],
    views: [] as wf.ClaimView[],
    acknowledgementAttempts: 0,
    acknowledgements: [] as AcknowledgementRequest[],
    escalations: [] as ClaimEscalation[],
    decisions: [] as DecisionNotice[],
    filings: [] as FilingNotice[],
    creditNoteCalls: 0,
    creditNotes: new Map<string, CreditNoteRequest>(),
  };
  const activities: ClaimActivities = {
    recordClaimEvent: async (event) => void recorded.events.push(event),
    syncClaim: async (view) => void recorded.views.push(view),
    recordClaimChange: async ({ event, view }) => {
      recorded.events.push(event);
      recorded.views.push(view);
    },
    acknowledgeClaim: async (request) => {
      recorded.acknowledgementAttempts += 1;
      if (options.acknowledgementDown?.())
        throw ApplicationFailure.create({ message: 'mail server unreachable', nonRetryable: true });
      recorded.acknowledgements.push(request);
    },
    escalateClaim: async (escalation) => void recorded.escalations.push(escalation),
    notifyClaimDecision: async (notice) => void recorded.decisions.push(notice),
    notifyClaimFiled: async (notice) => void recorded.filings.push(notice),
    writeCreditNote: async (request) => {
      recorded.creditNoteCalls += 1;
      if (!recorded.creditNotes.has(request.claimId)) recorded.creditNotes.set(request.claimId, request);
    },
  };
  return { recorded, activities };
}

const avanak = claimPolicyPresets.avanak;
const amootOffice = (holidays: string[] = []) =>
  withHolidays(
    calendarPresets['amoot-office'],
    holidays.map((date) => ({ date, name: 'تعطیل رسمی' })),
  );

/** 433 minutes of an Avanak month: 20%, of a 100,000,000-rial month. */
const availabilityFacts: wf.ClaimFacts = {
  kind: 'availability',
  month: '1405-09',
  downtimeMinutes: 433,
  availabilityPercent: 98.998,
  computed: { percent: 20, amountRials: 20_000_000, monthlyFeeRials: 100_000_000 },
};
const supportTimingFacts: wf.ClaimFacts = {
  kind: 'support_timing',
  month: null,
  downtimeMinutes: null,
  availabilityPercent: null,
  computed: { percent: null, amountRials: null, monthlyFeeRials: 100_000_000 },
};

let taskQueue = '';
const started: WorkflowHandle[] = [];
beforeEach(() => {
  taskQueue = `claims-${randomUUID()}`;
});
// A workflow left running would hold the test server's clock (see ticket.test.ts).
afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => undefined);
  }
  await env?.teardown();
});

/** Waits until the test's workflows have no activity in flight (or have ended). */
async function settled(): Promise<void> {
  for (const handle of started) {
    for (let tries = 0; tries < 400; tries++) {
      const { raw } = await handle.describe();
      if (raw.workflowExecutionInfo?.status !== 1 || (raw.pendingActivities?.length ?? 0) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Skips the test server's clock once the test's workflows have no activity in flight: an activity
 * that completes during env.sleep() upsets the time-skipping server's lock balance, and it never
 * skips again (see test/workflow/ticket-harness.ts skipTo).
 */
async function skipTo(environment: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  await settled();
  await skipClock(environment, instantMs);
}

/** Runs `fn` with a worker, which stops only once the test's workflows have no activity in flight. */
async function run<T>(
  activities: ClaimActivities,
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
  return worker.runUntil(async () => {
    const result = await fn();
    await settled();
    return result;
  });
}

async function start(
  input: Partial<wf.ClaimWorkflowInput> & { receivedAtMs: number },
): Promise<WorkflowHandle<typeof wf.claimWorkflow>> {
  const claimId = randomUUID();
  const handle = await env.client.workflow.start(wf.claimWorkflow, {
    taskQueue,
    workflowId: `claim-${claimId}`,
    args: [
      {
        claimId,
        receivedBy: 'customer:test',
        policy: avanak,
        calendars: [amootOffice()],
        facts: availabilityFacts,
        ...input,
      },
    ],
  });
  started.push(handle);
  return handle;
}

const qa = { actor: 'qa:leila' };

describe('a claim received', () => {
  it('tells QA at once, in the inbox, with the decision deadline; not again at the acknowledgement', async () => {
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '09:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await skipTo(env, receivedAtMs + 2 * DAY);
      expect((await handle.query(wf.claimView)).status).toBe('acknowledged');
    });

    expect(recorded.filings).toEqual([
      { claimId: expect.any(String), decisionDueAtMs: receivedAtMs + 7 * DAY, recipients: ['qa'] },
    ]);
    expect(recorded.escalations).toEqual([]);
  });

  it("tells the department's manager where the vendor has no QA unit", async () => {
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '09:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      await start({ receivedAtMs, policy: { ...avanak, routeToQa: false } });
      await skipTo(env, receivedAtMs + MINUTE);
    });

    expect(recorded.filings.map((f) => f.recipients)).toEqual([['department_manager']]);
  });
});

describe('the acknowledgement', () => {
  it('goes out at once with the computed facts; due at the end of the next business day, a Thursday half day', async () => {
    const wednesday = await nextLocalDate(env, 3);
    const receivedAtMs = tehranAt(wednesday, '20:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await skipTo(env, tehranAt(wednesday, '15:00', 1));
      const view = await handle.query(wf.claimView);
      expect(view.deadlines.acknowledgeDueAtMs).toBe(tehranAt(wednesday, '14:00', 1));
      expect(view.status).toBe('acknowledged');
      expect(view.fired).toEqual([]);
    });

    expect(recorded.acknowledgements).toHaveLength(1);
    expect(recorded.acknowledgements[0]).toMatchObject({
      facts: availabilityFacts,
      decisionDueAtMs: receivedAtMs + 7 * DAY,
    });
    expect(recorded.events.map((e) => e.type)).toEqual(['received']);
    expect(recorded.escalations).toEqual([]);
  });

  it('escalates to the QA lead and the manager when it cannot be recorded by the deadline, over a weekend and a holiday', async () => {
    // Received Thursday 10:00; Friday is the weekly holiday and Saturday an official one, so
    // the end of the next business day is Sunday's closing time, 17:00.
    const thursday = await nextLocalDate(env, 4);
    const receivedAtMs = tehranAt(thursday, '10:00');
    await skipTo(env, receivedAtMs);
    let mailDown = true;
    const { recorded, activities } = fakeActivities({ acknowledgementDown: () => mailDown });

    await run(activities, async () => {
      const handle = await start({
        receivedAtMs,
        calendars: [amootOffice([plusDays(thursday, 2)])],
        acknowledgementRetryMinutes: 6 * 60,
      });
      let view = await handle.query(wf.claimView);
      expect(view.deadlines.acknowledgeDueAtMs).toBe(tehranAt(thursday, '17:00', 3));

      await skipTo(env, tehranAt(thursday, '16:55', 3));
      expect(recorded.escalations).toEqual([]);
      await skipTo(env, tehranAt(thursday, '17:30', 3));
      view = await handle.query(wf.claimView);
      expect(view).toMatchObject({ status: 'received', acknowledgedAtMs: null, fired: ['acknowledgement_overdue'] });

      // The mail server is back: the next attempt (every 6 hours from receipt: Sunday 22:00) records it.
      mailDown = false;
      await skipTo(env, tehranAt(thursday, '22:30', 3));
      view = await handle.query(wf.claimView);
      expect(view.status).toBe('acknowledged');
    });

    expect(recorded.escalations).toEqual([
      {
        claimId: expect.any(String),
        dedupeKey: expect.stringMatching(/^claim:.+:acknowledgement_overdue$/),
        kind: 'acknowledgement_overdue',
        dueAtMs: tehranAt(thursday, '17:00', 3),
        action: { channel: 'sms', recipients: ['qa_lead', 'department_manager'] },
      },
    ]);
    expect(recorded.acknowledgementAttempts).toBe(15);
    expect(recorded.acknowledgements).toHaveLength(1);
    expect(recorded.events.map((e) => e.type)).toEqual(['received', 'acknowledgement_overdue']);
  });
});

describe('a calendar correction (an official holiday confirmed to another date)', () => {
  it("moves an open claim's acknowledgement deadline, records old and new, and escalates at the new deadline only", async () => {
    // Received Monday 10:00: due at Tuesday's closing, 17:00. Tuesday turns out to be an official
    // holiday (an estimate corrected onto it): the deadline moves to Wednesday 17:00.
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities({ acknowledgementDown: () => true });

    await run(activities, async () => {
      const handle = await start({ receivedAtMs, acknowledgementRetryMinutes: (3 * DAY) / MINUTE });
      expect((await handle.query(wf.claimView)).deadlines.acknowledgeDueAtMs).toBe(tehranAt(monday, '17:00', 1));

      await handle.signal(wf.calendarsChanged, {
        calendars: [amootOffice([plusDays(monday, 1)])],
        reason: 'estimated holiday corrected',
      });
      await skipTo(env, tehranAt(monday, '17:30', 1));
      let view = await handle.query(wf.claimView);
      expect(view.deadlines.acknowledgeDueAtMs).toBe(tehranAt(monday, '17:00', 2));
      expect(view.deadlines.decisionDueAtMs).toBe(receivedAtMs + 7 * DAY);
      expect(view.fired).toEqual([]);

      await skipTo(env, tehranAt(monday, '17:30', 2));
      view = await handle.query(wf.claimView);
      expect(view.fired).toEqual(['acknowledgement_overdue']);
    });

    expect(recorded.escalations.map((e) => [e.kind, e.dueAtMs])).toEqual([
      ['acknowledgement_overdue', tehranAt(monday, '17:00', 2)],
    ]);
    const recomputed = recorded.events.find((e) => e.type === 'deadlines_recomputed')!;
    expect(recomputed).toMatchObject({
      actor: 'system',
      data: {
        reason: 'estimated holiday corrected',
        before: { acknowledgeDueAtMs: tehranAt(monday, '17:00', 1) },
        after: { acknowledgeDueAtMs: tehranAt(monday, '17:00', 2) },
      },
    });
    // The row follows: the last view synced carries the new deadline.
    expect(recorded.views.at(-1)!.deadlines.acknowledgeDueAtMs).toBe(tehranAt(monday, '17:00', 2));
  });

  it('leaves a decided claim as it was decided', async () => {
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await handle.executeUpdate(wf.approve, { args: [{ ...qa }] });
      await handle
        .signal(wf.calendarsChanged, {
          calendars: [amootOffice([plusDays(monday, 1)])],
          reason: 'estimated holiday corrected',
        })
        .catch(() => undefined);
      await handle.result();
    });
    expect(recorded.events.map((e) => e.type)).not.toContain('deadlines_recomputed');
  });
});

describe('the decision deadline', () => {
  it('reminds QA a day before, escalates to the QA lead and the manager when it passes, and records a late decision', async () => {
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '09:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await skipTo(env, receivedAtMs + 6 * DAY - MINUTE);
      expect(recorded.escalations).toEqual([]);
      await skipTo(env, receivedAtMs + 6 * DAY + MINUTE);
      expect((await handle.query(wf.claimView)).fired).toEqual(['decision_reminder']);
      await skipTo(env, receivedAtMs + 7 * DAY + MINUTE);
      expect((await handle.query(wf.claimView)).fired).toEqual(['decision_reminder', 'decision_overdue']);

      const view = await handle.executeUpdate(wf.approve, { args: [{ ...qa }] });
      expect(view.decision).toMatchObject({
        outcome: 'approved',
        late: true,
        creditPercent: 20,
        amountRials: 20_000_000,
      });
      return handle.result();
    });

    expect(recorded.escalations.map((e) => [e.kind, e.dueAtMs, e.action])).toEqual([
      ['decision_reminder', receivedAtMs + 7 * DAY, { channel: 'in_app', recipients: ['qa'] }],
      ['decision_overdue', receivedAtMs + 7 * DAY, { channel: 'sms', recipients: ['qa_lead', 'department_manager'] }],
    ]);
    expect(result.status).toBe('approved');
    expect(recorded.events.map((e) => e.type)).toEqual([
      'received',
      'decision_reminder',
      'decision_overdue',
      'approved',
    ]);
    expect(recorded.events.map((e) => e.sequence)).toEqual([1, 3, 4, 5]);
  });

  it("reminds the department's manager where the vendor has no QA unit", () => {
    const kian: ClaimPolicy = claimPolicyPresets['kian-product-gold'];
    const alarms = wf.claimAlarms({ acknowledgeDueAtMs: 1, reminderAtMs: 2, decisionDueAtMs: 3 }, kian);
    expect(alarms.map((a) => [a.kind, a.action.recipients])).toEqual([
      ['acknowledgement_overdue', ['department_manager', 'senior_management']],
      ['decision_reminder', ['department_manager']],
      ['decision_overdue', ['department_manager', 'senior_management']],
    ]);
  });
});

describe("QA's decision", () => {
  it('approves the computed tier by default and writes the credit note once, for the next month', async () => {
    const sunday = await nextLocalDate(env, 0);
    const receivedAtMs = tehranAt(sunday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    const handle = await run(activities, async () => {
      const h = await start({ receivedAtMs });
      await skipTo(env, tehranAt(sunday, '12:00'));
      await expectRefused(
        h.executeUpdate(wf.approve, { args: [{ ...qa, creditPercent: 30 }] }),
        /computed credit is 20%.*adjusted amount/,
      );
      const view = await h.executeUpdate(wf.approve, { args: [{ ...qa }] });
      expect(view).toMatchObject({
        status: 'approved',
        decision: {
          outcome: 'approved',
          by: 'qa:leila',
          late: false,
          adjusted: false,
          creditPercent: 20,
          amountRials: 20_000_000,
        },
      });
      expect(view.decision!.creditNoteMonth).toBe(creditNoteMonth(view.decision!.atMs));
      await h.result();
      return h;
    });
    // A fresh worker replays the whole history: nothing is written or sent again.
    await run(activities, () => handle.query(wf.claimView), { maxCachedWorkflows: 0 });

    expect(recorded.creditNoteCalls).toBe(1);
    expect([...recorded.creditNotes.values()]).toEqual([
      {
        claimId: expect.any(String),
        percent: 20,
        amountRials: 20_000_000,
        appliesToMonth: creditNoteMonth(tehranAt(sunday, '12:00')),
      },
    ]);
    expect(recorded.decisions).toHaveLength(1);
    // 1 received, 2 acknowledged, 3 approved.
    expect(recorded.decisions[0]).toMatchObject({ sequence: 3, decision: { outcome: 'approved' } });
  });

  it('takes one decision only: of two sent at once, the second is refused naming the state', async () => {
    const sunday = await nextLocalDate(env, 0);
    const receivedAtMs = tehranAt(sunday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      const settled = await Promise.allSettled([
        handle.executeUpdate(wf.approve, { args: [{ ...qa }] }),
        handle.executeUpdate(wf.reject, { args: [{ ...qa, exclusion: 'planned_maintenance' }] }),
      ]);
      // Either may arrive first; the other is refused by its validator.
      const winner = settled.find((s): s is PromiseFulfilledResult<wf.ClaimView> => s.status === 'fulfilled')!;
      const loser = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')!;
      const outcome = winner.value.decision!.outcome;
      const refusedVerb = outcome === 'approved' ? 'reject' : 'approve';
      expect((loser.reason as { cause?: Error }).cause?.message).toBe(
        `cannot ${refusedVerb}: the claim is already ${outcome}`,
      );
    });

    expect(recorded.decisions).toHaveLength(1);
  });

  it('approves an adjusted amount only with a justification', async () => {
    const sunday = await nextLocalDate(env, 0);
    const receivedAtMs = tehranAt(sunday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await expectRefused(
        handle.executeUpdate(wf.approveAdjusted, { args: [{ ...qa, amountRials: 25_000_000, justification: ' ' }] }),
        /justification/,
      );
      await expectRefused(
        handle.executeUpdate(wf.approveAdjusted, {
          args: [{ ...qa, amountRials: 150_000_000, justification: 'peak season' }],
        }),
        /cannot exceed one month's subscription \(100000000 rials\)/,
      );
      const view = await handle.executeUpdate(wf.approveAdjusted, {
        args: [{ ...qa, amountRials: 25_000_000, justification: 'the outage hit a campaign' }],
      });
      expect(view.decision).toMatchObject({
        adjusted: true,
        justification: 'the outage hit a campaign',
        creditPercent: 25,
        amountRials: 25_000_000,
      });
    });

    expect([...recorded.creditNotes.values()]).toEqual([
      expect.objectContaining({ percent: 25, amountRials: 25_000_000 }),
    ]);
  });

  it('rejects with a published exclusion or free text, and writes no credit note', async () => {
    const sunday = await nextLocalDate(env, 0);
    const receivedAtMs = tehranAt(sunday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ receivedAtMs });
      await expectRefused(handle.executeUpdate(wf.reject, { args: [{ ...qa, reason: '  ' }] }), /give the reason/);
      await handle.executeUpdate(wf.reject, {
        args: [{ ...qa, exclusion: 'external_provider', reason: 'nationwide operator failure' }],
      });
      return handle.result();
    });

    expect(result).toMatchObject({
      status: 'rejected',
      decision: {
        outcome: 'rejected',
        rejectionReason: 'external_provider: nationwide operator failure',
        creditPercent: null,
      },
    });
    expect(recorded.creditNoteCalls).toBe(0);
    expect(recorded.decisions.map((d) => d.decision.outcome)).toEqual(['rejected']);
  });

  it('needs QA to set the credit of a support-timing claim', async () => {
    const sunday = await nextLocalDate(env, 0);
    const receivedAtMs = tehranAt(sunday, '10:00');
    await skipTo(env, receivedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ receivedAtMs, facts: supportTimingFacts });
      await expectRefused(handle.executeUpdate(wf.approve, { args: [{ ...qa }] }), /give the credit percentage/);
      const view = await handle.executeUpdate(wf.approve, { args: [{ ...qa, creditPercent: 15 }] });
      expect(view.decision).toMatchObject({ creditPercent: 15, amountRials: 15_000_000, adjusted: false });
    });

    expect(recorded.creditNoteCalls).toBe(1);
  });
});
