// Claims and change requests whose every message is refused for good (the gateway's
// NotificationDeliveryFailed, non-retryable) keep their timers, take commands and end normally.
// In a file of its own: failing activities can cost the time-skipping server its clock.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ChangeRequestActivities, ChangeRequestEventRecord } from '../../activities/change-requests';
import type { ClaimActivities, ClaimEventRecord } from '../../activities/claims';
import { calendarPresets, changeRequestPolicyPresets, claimPolicyPresets, withHolidays } from '../../sla/presets';
import * as changeRequests from '../../workflows/change-request';
import * as claims from '../../workflows/claim';
import { DAY, nextLocalDate, skipTo, tehranAt } from '../support/tehran-time';
import { bundleWorkflows, createTimeSkippingEnv } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflows();
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

let taskQueue = '';
const started: WorkflowHandle[] = [];
beforeEach(() => {
  taskQueue = `refused-${randomUUID()}`;
});
afterEach(async () => {
  for (const handle of started.splice(0)) await handle.terminate('test finished').catch(() => undefined);
});

const refused = () =>
  ApplicationFailure.create({
    type: 'NotificationDeliveryFailed',
    message: 'SMS gateway answered 400: number blocked',
    nonRetryable: true,
  });

async function run<T>(activities: object, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(fn);
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a claim whose messages are all refused', () => {
  it('still reminds, escalates on time and takes the decision; the messages were tried once each', async () => {
    const monday = await nextLocalDate(env, 1);
    const receivedAtMs = tehranAt(monday, '09:00');
    await skipTo(env, receivedAtMs);
    const events: ClaimEventRecord[] = [];
    const tried: string[] = [];
    const activities: ClaimActivities = {
      recordClaimEvent: async (event) => void events.push(event),
      syncClaim: async () => undefined,
      recordClaimChange: async ({ event }) => void events.push(event),
      acknowledgeClaim: async () => undefined,
      escalateClaim: async (escalation) => {
        tried.push(escalation.kind);
        throw refused();
      },
      notifyClaimDecision: async () => {
        tried.push('decision');
        throw refused();
      },
      notifyClaimFiled: async () => {
        tried.push('filed');
        throw refused();
      },
      writeCreditNote: async () => undefined,
    };
    const types = () => events.map((e) => e.type);

    const result = await run(activities, async () => {
      const handle = await env.client.workflow.start(claims.claimWorkflow, {
        taskQueue,
        workflowId: `claim-${randomUUID()}`,
        args: [
          {
            claimId: randomUUID(),
            receivedBy: 'customer:test',
            receivedAtMs,
            policy: claimPolicyPresets.avanak,
            calendars: [withHolidays(calendarPresets['amoot-office'], [])],
            facts: {
              kind: 'availability',
              month: '1405-09',
              downtimeMinutes: 433,
              availabilityPercent: 98.998,
              computed: { percent: 20, amountRials: 20_000_000, monthlyFeeRials: 100_000_000 },
            },
          },
        ],
      });
      started.push(handle);
      await skipTo(env, receivedAtMs + 6 * DAY - 1_500);
      await waitFor(() => types().includes('decision_reminder'), 20_000);
      await skipTo(env, receivedAtMs + 7 * DAY - 1_500);
      await waitFor(() => types().includes('decision_overdue'), 20_000);
      const decided = await handle.executeUpdate(claims.approve, { args: [{ actor: 'qa:leila' }] });
      expect(decided.decision).toMatchObject({ outcome: 'approved', late: true });
      return handle.result();
    });

    expect(result.status).toBe('approved');
    expect(tried).toEqual(['filed', 'decision_reminder', 'decision_overdue', 'decision']);
    expect(types()).toEqual(['received', 'decision_reminder', 'decision_overdue', 'approved']);
  });
});

describe('a change request whose messages are all refused', () => {
  it('still escalates its late review on time and takes every step', async () => {
    // Iotex Basic reviews within 15 business days: due on the third Saturday after, at 10:00.
    const saturday = await nextLocalDate(env, 6);
    const openedAtMs = tehranAt(saturday, '10:00');
    await skipTo(env, openedAtMs);
    const events: ChangeRequestEventRecord[] = [];
    let noticesTried = 0;
    const activities: Partial<ChangeRequestActivities> = {
      recordChangeRequestEvent: async (event) => void events.push(event),
      syncChangeRequest: async () => undefined,
      recordCustomerDelay: async () => undefined,
      notifyChangeRequestEvent: async () => {
        noticesTried += 1;
        throw refused();
      },
    };
    const types = () => events.map((e) => e.type);
    const policy = changeRequestPolicyPresets['iotex-basic'];

    const view = await run(activities, async () => {
      const handle = await env.client.workflow.start(changeRequests.changeRequestWorkflow, {
        taskQueue,
        workflowId: `change-request-${randomUUID()}`,
        args: [
          {
            changeRequestId: randomUUID(),
            policy,
            calendars: [calendarPresets['iotex-office']],
            openedAtMs,
            openedBy: 'customer:acme',
          },
        ],
      });
      started.push(handle);
      await skipTo(env, tehranAt(saturday, '10:00', 21) - 1_500);
      await waitFor(() => types().includes('review_overdue'), 20_000);
      return handle.executeUpdate(changeRequests.review, {
        args: [{ actor: 'agent:sara', decision: 'reject', reason: 'خارج از محدودهٔ محصول' }],
      });
    });

    expect(view.status).toBe('rejected');
    expect(types()).toEqual(['opened', 'review_overdue', 'rejected']);
    expect(noticesTried).toBe(3);
  });
});
