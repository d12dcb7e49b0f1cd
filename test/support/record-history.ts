/**
 * Records a workflow history for the replay tests, on the time-skipping test server with
 * in-memory activities that take a few milliseconds each:
 * - ticket: opened, then bursts of concurrent commands (replies, a resolve, a customer reply
 *   that reopens, cancels);
 * - claim: received, then five concurrent decisions;
 * - change-request: opened, then concurrent reviews, an approval and a cancel;
 * - ticket-avanak: an Avanak ticket (fix target counted from opening, before rule 13's patch)
 *   that receives a `configurationChanged` signal carrying a policy whose fix counts from the
 *   review result (`resolutionFrom: 'review_result'`, a field code before the patch ignores), a
 *   first reply, then four days skipped (the fix target's warning and breach fire, counted from
 *   opening), a resolve and the automatic close;
 * - claim-calendar-signal, change-request-calendar-signal: opened, then a `calendarsChanged`
 *   signal (sent by name: code before the calendar-corrections patch has no handler and buffers
 *   it), then decided or cancelled.
 * Run it on the code whose histories the tests must keep replaying:
 *   npx tsx test/support/record-history.ts <ticket|claim|change-request> test/workflow/histories/<name>.binpb
 */
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TicketActivities } from '../../activities/tickets';
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import { claimPolicyPresets, changeRequestPolicyPresets } from '../../sla/presets';
import * as claim from '../../workflows/claim';
import * as cr from '../../workflows/change-request';
import * as wf from '../../workflows/ticket';

async function main(kind: string, out: string): Promise<void> {
  const env = await TestWorkflowEnvironment.createTimeSkipping(
    process.env.TEMPORAL_TEST_SERVER_PATH
      ? { server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER_PATH } } }
      : {},
  );
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
  // Every activity any of the three workflows calls: a short pause; the invoice answers a summary.
  const names = [
    'recordTicketChange',
    'recordTicketEvent',
    'syncTicket',
    'recordOutcome',
    'escalate',
    'notifyCustomer',
    'recordClaimChange',
    'recordClaimEvent',
    'syncClaim',
    'acknowledgeClaim',
    'escalateClaim',
    'notifyClaimDecision',
    'notifyClaimFiled',
    'writeCreditNote',
    'recordChangeRequestEvent',
    'syncChangeRequest',
    'notifyChangeRequestEvent',
    'recordCustomerDelay',
  ];
  const activities = {
    ...Object.fromEntries(names.map((name) => [name, pause])),
    invoiceChangeRequest: async () => {
      await pause();
      return { quotedRials: '1', effortMinutes: 1, billableMinutes: 0, amountRials: '0' };
    },
  } as unknown as TicketActivities;
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  const settle = (updates: Promise<unknown>[]) => Promise.allSettled(updates);
  const recordClaim = async () => {
    const claimId = randomUUID();
    const handle = await env.client.workflow.start(claim.claimWorkflow, {
      taskQueue,
      workflowId: `claim-${claimId}`,
      args: [
        {
          claimId,
          receivedAtMs: Date.now(),
          receivedBy: 'customer:test',
          policy: claimPolicyPresets.avanak,
          calendars: [calendarPresets['amoot-office']],
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
    const qa = { actor: 'qa:reza' };
    await settle([
      handle.executeUpdate(claim.approve, { args: [qa] }),
      handle.executeUpdate(claim.reject, { args: [{ ...qa, exclusion: 'planned_maintenance' }] }),
      handle.executeUpdate(claim.approve, { args: [qa] }),
      handle.executeUpdate(claim.approveAdjusted, {
        args: [{ ...qa, amountRials: 10_000_000, justification: 'partial' }],
      }),
      handle.executeUpdate(claim.reject, { args: [{ ...qa, exclusion: 'external_provider' }] }),
    ]);
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  const recordChangeRequest = async () => {
    const changeRequestId = randomUUID();
    const policy = changeRequestPolicyPresets.avanak;
    const handle = await env.client.workflow.start(cr.changeRequestWorkflow, {
      taskQueue,
      workflowId: `change-request-${changeRequestId}`,
      args: [
        {
          changeRequestId,
          policy,
          calendars: [calendarPresets[policy.reviewDeadline.calendar as keyof typeof calendarPresets]],
          openedAtMs: Date.now(),
          openedBy: 'customer:test',
        },
      ],
    });
    const agent = { actor: 'agent:sara' };
    const quote = {
      decision: 'quote' as const,
      costRials: '1000',
      effortMinutes: 60,
      proposedDeliveryAtMs: Date.now() + 30 * 86_400_000,
    };
    await settle([
      handle.executeUpdate(cr.review, { args: [{ ...agent, ...quote }] }),
      handle.executeUpdate(cr.review, { args: [{ ...agent, decision: 'reject', reason: 'no' }] }),
      handle.executeUpdate(cr.review, { args: [{ ...agent, ...quote }] }),
    ]);
    await settle([
      handle.executeUpdate(cr.approveQuote, { args: [{ actor: 'customer:test' }] }),
      handle.executeUpdate(cr.declineQuote, { args: [{ actor: 'customer:test' }] }),
      handle.executeUpdate(cr.cancel, { args: [{ ...agent, reason: 'dup' }] }),
    ]);
    await settle([handle.executeUpdate(cr.cancel, { args: [{ ...agent, reason: 'dup' }] })]);
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  // A holiday on every one of the next 10 days: any handler that takes the signal moves the deadlines.
  const holidays = Array.from({ length: 10 }, (_, i) => ({
    date: new Date(Date.now() + (i + 1) * 86_400_000).toISOString().slice(0, 10),
    name: 'تعطیل',
  }));
  const recordClaimCalendarSignal = async () => {
    const claimId = randomUUID();
    const handle = await env.client.workflow.start(claim.claimWorkflow, {
      taskQueue,
      workflowId: `claim-${claimId}`,
      args: [
        {
          claimId,
          receivedAtMs: Date.now(),
          receivedBy: 'customer:test',
          policy: claimPolicyPresets.avanak,
          calendars: [calendarPresets['amoot-office']],
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
    await handle.signal('calendarsChanged', {
      calendars: [{ ...calendarPresets['amoot-office'], holidays }],
      reason: 'recorded before the patch',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await handle.executeUpdate(claim.approve, { args: [{ actor: 'qa:reza' }] });
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  const recordChangeRequestCalendarSignal = async () => {
    const changeRequestId = randomUUID();
    const policy = changeRequestPolicyPresets.avanak;
    const calendar = calendarPresets[policy.reviewDeadline.calendar as keyof typeof calendarPresets];
    const handle = await env.client.workflow.start(cr.changeRequestWorkflow, {
      taskQueue,
      workflowId: `change-request-${changeRequestId}`,
      args: [{ changeRequestId, policy, calendars: [calendar], openedAtMs: Date.now(), openedBy: 'customer:test' }],
    });
    await handle.signal('calendarsChanged', {
      calendars: [{ ...calendar, holidays }],
      reason: 'recorded before the patch',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await handle.executeUpdate(cr.cancel, { args: [{ actor: 'agent:sara', reason: 'dup' }] });
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  const recordAvanakTicket = async () => {
    const ticketId = randomUUID();
    const policy = ticketPolicyPresets.avanak;
    const handle = await env.client.workflow.start(wf.ticketWorkflow, {
      taskQueue,
      workflowId: `ticket-${ticketId}`,
      args: [
        {
          ticketId,
          policy,
          calendars: [calendarPresets['amoot-office'], calendarPresets['always-open']],
          priority: 'high',
          openedAtMs: Date.now(),
          openedBy: 'customer:test',
          closeAfterQuietMinutes: 60,
        },
      ],
    });
    const settled = () => new Promise((resolve) => setTimeout(resolve, 1_000));
    // The policy as rule 13 reads it: the review within 24 clock hours, the fix from its result.
    const priorities = Object.fromEntries(
      Object.entries(policy.priorities).map(([priority, terms]) => [
        priority,
        { ...terms, resolutionFrom: 'review_result' },
      ]),
    );
    const anchored = {
      ...policy,
      priorities,
      reviewDeadline: { unit: 'business_minutes', amount: 24 * 60, calendar: 'always-open' },
    };
    await handle.signal('configurationChanged', {
      policy: anchored,
      reason: 'recorded before the fix-from-review patch',
    });
    await settled();
    await handle.executeUpdate(wf.agentReply, { args: [{ actor: 'agent:sara', public: true, body: 'بررسی می‌کنیم' }] });
    await settled();
    await env.sleep(4 * 24 * 60 * 60_000);
    await settled();
    await handle.executeUpdate(wf.resolve, { args: [{ actor: 'agent:sara', note: 'رفع شد' }] });
    await settled();
    await env.sleep(2 * 60 * 60_000);
    await handle.result().catch(() => undefined);
    return handle.fetchHistory();
  };
  const recorders: Record<string, () => Promise<temporal.api.history.v1.IHistory>> = {
    'ticket-avanak': recordAvanakTicket,
    claim: recordClaim,
    'change-request': recordChangeRequest,
    'claim-calendar-signal': recordClaimCalendarSignal,
    'change-request-calendar-signal': recordChangeRequestCalendarSignal,
  };
  const history = await worker.runUntil(
    recorders[kind] ??
      (async () => {
        const ticketId = randomUUID();
        const handle = await env.client.workflow.start(wf.ticketWorkflow, {
          taskQueue,
          workflowId: `ticket-${ticketId}`,
          args: [
            {
              ticketId,
              policy: ticketPolicyPresets['iotex-standard'],
              calendars: [calendarPresets['iotex-office']],
              priority: 'high',
              openedAtMs: Date.now(),
              openedBy: 'customer:test',
              closeAfterQuietMinutes: 60,
            },
          ],
        });
        const agent = { actor: 'agent:sara' };
        await settle([
          handle.executeUpdate(wf.assign, { args: [{ ...agent, assignee: 'sara' }] }),
          handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'one' }] }),
          handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'two' }] }),
          handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'done' }] }),
        ]);
        await settle([
          handle.executeUpdate(wf.customerReply, { args: [{ actor: 'customer:test', body: 'not yet' }] }),
          handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: false, body: 'note' }] }),
          handle.executeUpdate(wf.cancel, { args: [{ ...agent, reason: 'duplicate' }] }),
          handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'again' }] }),
        ]);
        await settle([handle.executeUpdate(wf.cancel, { args: [{ ...agent, reason: 'duplicate' }] })]);
        await handle.result().catch(() => undefined);
        return handle.fetchHistory();
      }),
  );
  writeFileSync(out, temporal.api.history.v1.History.encode(history).finish());
  console.log(`wrote ${out}: ${history.events?.length} events`);
  await env.teardown();
}

void main(process.argv[2] ?? 'ticket', process.argv[3] ?? 'history.binpb');
