// The outage workflow's 2-hour customer-panel notice on Temporal's time-skipping test server,
// with in-memory activities.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { OutageActivities } from '../../activities/outages';
import * as wf from '../../workflows/outage';
import { HOUR, MINUTE, skipTo } from '../support/tehran-time';
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

function fakeActivities() {
  const recorded = {
    announcements: [] as string[],
    customerNotices: [] as string[],
    escalations: [] as { outageId: string; dueAtMs: number }[],
  };
  const activities: OutageActivities = {
    announceMaintenance: async ({ outageId }) => {
      recorded.announcements.push(outageId);
      return 3;
    },
    notifyOutageCustomers: async ({ outageId }) => {
      recorded.customerNotices.push(outageId);
      return 2;
    },
    escalateOutageNotice: async (request) => {
      recorded.escalations.push(request);
      return true;
    },
  };
  return { recorded, activities };
}

let taskQueue = '';
const started: WorkflowHandle[] = [];
beforeEach(() => {
  taskQueue = `outages-${randomUUID()}`;
});
afterEach(async () => {
  for (const handle of started.splice(0)) {
    await handle.terminate('test finished').catch(() => undefined);
  }
});

async function run<T>(activities: OutageActivities, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
  });
  return worker.runUntil(fn);
}

async function start(
  input: Partial<wf.OutageWorkflowInput> & { startedAtMs: number },
): Promise<WorkflowHandle<typeof wf.outageWorkflow>> {
  const outageId = randomUUID();
  const handle = await env.client.workflow.start(wf.outageWorkflow, {
    taskQueue,
    workflowId: `outage-${outageId}`,
    args: [
      {
        outageId,
        noticeWithinMinutes: wf.PANEL_NOTICE_WITHIN_MINUTES,
        noticePostedAtMs: null,
        announce: false,
        ...input,
      },
    ],
  });
  started.push(handle);
  return handle;
}

describe('the outage notice', () => {
  it('escalates to the product department when no panel notice is posted within 2 hours', async () => {
    const startedAtMs = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ startedAtMs });
      await skipTo(env, startedAtMs + 2 * HOUR - MINUTE);
      expect(recorded.escalations).toEqual([]);
      expect((await handle.query(wf.outageView)).noticeDueAtMs).toBe(startedAtMs + 2 * HOUR);
      return handle.result();
    });

    expect(recorded.escalations).toEqual([{ outageId: result.outageId, dueAtMs: startedAtMs + 2 * HOUR }]);
    expect(result).toMatchObject({ escalated: true, noticePostedAtMs: null });
  });

  it('ends the wait when the notice is posted in time', async () => {
    const startedAtMs = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ startedAtMs });
      await skipTo(env, startedAtMs + 90 * MINUTE);
      await handle.signal(wf.panelNoticePosted, { actor: 'agent:sara', postedAtMs: startedAtMs + 90 * MINUTE });
      return handle.result();
    });

    expect(result).toMatchObject({ escalated: false, noticePostedAtMs: startedAtMs + 90 * MINUTE });
    expect(recorded.escalations).toEqual([]);
  });

  it('escalates at once for an outage recorded after its notice deadline passed without one', async () => {
    const now = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => (await start({ startedAtMs: now - 3 * HOUR })).result());

    expect(result.escalated).toBe(true);
    expect(recorded.escalations).toHaveLength(1);
  });

  it("announces a maintenance window to the product's customers; the announcement is the notice", async () => {
    const now = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () =>
      (await start({ startedAtMs: now + 72 * HOUR, noticePostedAtMs: now, announce: true })).result(),
    );

    expect(result).toMatchObject({ announced: true, escalated: false, noticePostedAtMs: now });
    expect(recorded.announcements).toEqual([result.outageId]);
    expect(recorded.escalations).toEqual([]);
  });
});

describe('an unannounced outage (seed 001)', () => {
  it("tells the product's customers at once, and the 2-hour panel notice rule stays", async () => {
    const now = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ startedAtMs: now, notifyCustomers: true });
      await skipTo(env, now + MINUTE);
      expect(recorded.customerNotices).toEqual([handle.workflowId.replace('outage-', '')]);
      expect(recorded.escalations).toEqual([]);
      return handle.result();
    });

    expect(result).toMatchObject({ customersNotified: true, escalated: true, noticePostedAtMs: null });
    expect(recorded.escalations).toEqual([{ outageId: result.outageId, dueAtMs: now + 2 * HOUR }]);
  });

  it('tells no customer of an outage recorded without the flag (a planned window, or one already over)', async () => {
    const now = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();
    const result = await run(activities, async () =>
      (await start({ startedAtMs: now, noticePostedAtMs: now })).result(),
    );
    expect(result).toMatchObject({ customersNotified: false });
    expect(recorded.customerNotices).toEqual([]);
  });
});

describe('a correction of the outage (POST /v1/outages/:id/corrections)', () => {
  it('moves the notice deadline with a corrected start', async () => {
    const startedAtMs = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ startedAtMs });
      await skipTo(env, startedAtMs + 90 * MINUTE);
      // The outage really began an hour later than recorded: the notice is due an hour later.
      await handle.signal(wf.outageCorrected, { startedAtMs: startedAtMs + HOUR, voided: false });
      await skipTo(env, startedAtMs + 3 * HOUR - MINUTE);
      expect(recorded.escalations).toEqual([]);
      expect((await handle.query(wf.outageView)).noticeDueAtMs).toBe(startedAtMs + 3 * HOUR);
      return handle.result();
    });

    expect(recorded.escalations).toEqual([{ outageId: result.outageId, dueAtMs: startedAtMs + 3 * HOUR }]);
  });

  it('escalates at once when a corrected start puts the deadline in the past', async () => {
    const startedAtMs = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({ startedAtMs });
      await skipTo(env, startedAtMs + 30 * MINUTE);
      await handle.signal(wf.outageCorrected, { startedAtMs: startedAtMs - 2 * HOUR, voided: false });
      return handle.result();
    });

    expect(recorded.escalations).toEqual([expect.objectContaining({ dueAtMs: startedAtMs })]);
  });

  it('needs no notice for a voided outage', async () => {
    const startedAtMs = await env.currentTimeMs();
    const { recorded, activities } = fakeActivities();

    const result = await run(activities, async () => {
      const handle = await start({ startedAtMs });
      await skipTo(env, startedAtMs + 30 * MINUTE);
      await handle.signal(wf.outageCorrected, { startedAtMs, voided: true });
      return handle.result();
    });

    expect(result).toMatchObject({ escalated: false, noticePostedAtMs: null });
    expect(recorded.escalations).toEqual([]);
  });
});
