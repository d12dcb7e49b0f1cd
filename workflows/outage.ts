/**
 * One outage's duty to inform customers (Avanak: a notice in the customer panel within 2 hours
 * of an outage). A planned maintenance window announced through Pasban tells the customers of
 * the product first; its announcement is the notice. Otherwise the workflow waits for the panel
 * notice and escalates to the product department's manager if none is posted in time. Its job
 * ends there: a notice posted later is recorded by the API alone.
 */
import { condition, defineQuery, defineSignal, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { OutageActivities } from '../activities/outages';

export interface OutageWorkflowInput {
  outageId: string;
  startedAtMs: number;
  noticeWithinMinutes: number;
  /** Set when the notice was posted (or the window announced) before the workflow started. */
  noticePostedAtMs: number | null;
  /** Tell the product's customers about this planned maintenance window first. */
  announce: boolean;
  /** An unplanned outage recorded while it runs: tell the product's customers at once (seed 001). */
  notifyCustomers?: boolean;
}

export interface OutageView {
  outageId: string;
  noticeDueAtMs: number;
  noticePostedAtMs: number | null;
  announced: boolean;
  /** The product's customers were told of an unplanned outage at once. */
  customersNotified: boolean;
  escalated: boolean;
}

export const PANEL_NOTICE_WITHIN_MINUTES = 120;

export const outageView = defineQuery<OutageView>('outageView');
/** The customer-panel notice was posted: the wait ends. */
export const panelNoticePosted = defineSignal<[{ actor: string; postedAtMs: number }]>('panelNoticePosted');
/** Staff corrected the outage: a moved start moves the notice deadline; a voided outage needs no notice. */
export const outageCorrected = defineSignal<[{ startedAtMs: number; voided: boolean }]>('outageCorrected');

const acts = proxyActivities<OutageActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

export async function outageWorkflow(input: OutageWorkflowInput): Promise<OutageView> {
  let noticeDueAtMs = input.startedAtMs + input.noticeWithinMinutes * 60_000;
  let noticePostedAtMs = input.noticePostedAtMs;
  let voided = false;
  let announced = false;
  let escalated = false;
  let customersNotified = false;
  const view = (): OutageView => ({
    outageId: input.outageId,
    noticeDueAtMs,
    noticePostedAtMs,
    announced,
    customersNotified,
    escalated,
  });

  setHandler(outageView, view);
  setHandler(panelNoticePosted, ({ postedAtMs }) => {
    noticePostedAtMs ??= postedAtMs;
  });
  setHandler(outageCorrected, (correction) => {
    noticeDueAtMs = correction.startedAtMs + input.noticeWithinMinutes * 60_000;
    voided ||= correction.voided;
  });

  if (input.announce) {
    announced = await quietly('maintenance announcement', async () => {
      await acts.announceMaintenance({ outageId: input.outageId });
      return true;
    });
  }
  // Histories started before this change never set notifyCustomers; the marker keeps replay honest.
  if (input.notifyCustomers && patched('unplanned-outage-customer-notice')) {
    customersNotified = await quietly('customer notice', async () => {
      await acts.notifyOutageCustomers({ outageId: input.outageId });
      return true;
    });
  }
  // The 2-hour panel notice stays: telling customers directly is not the panel notice.
  if (noticePostedAtMs === null) {
    const settled = () => noticePostedAtMs !== null || voided;
    let dueAtMs = noticeDueAtMs;
    await condition(() => settled() || noticeDueAtMs !== dueAtMs, Math.max(1, dueAtMs - Date.now()));
    // A correction moved the deadline: wait for the new one (histories from before corrections never enter).
    while (!settled() && Date.now() < noticeDueAtMs) {
      dueAtMs = noticeDueAtMs;
      await condition(() => settled() || noticeDueAtMs !== dueAtMs, Math.max(1, dueAtMs - Date.now()));
    }
    if (!settled())
      escalated = await quietly('notice escalation', () =>
        acts.escalateOutageNotice({ outageId: input.outageId, dueAtMs: noticeDueAtMs }),
      );
  }
  return view();

  /** The outbox rows record what failed; a message that cannot go out does not fail the outage. */
  async function quietly(what: string, send: () => Promise<boolean>): Promise<boolean> {
    try {
      return await send();
    } catch (error) {
      log.warn(`outage ${what} not delivered`, { outageId: input.outageId, error: String(error) });
      return false;
    }
  }
}
