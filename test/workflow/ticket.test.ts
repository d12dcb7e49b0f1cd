// Every clock rule of the ticket workflow, on Temporal's real time-skipping test server.
// Activities are in-memory fakes with the real signatures: the workflow's decisions are what is
// under test here; the activities' database effects are tested in the integration layer.
import { formatIsoDate, parseIsoDate } from '../../sla/civil-date';
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import * as wf from '../../workflows/ticket';
import { useTicketHarness } from './ticket-harness';

const {
  env,
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
} = useTicketHarness();

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
      const handle = await start({
        policy: hoursPolicy(),
        calendars: [iotexLike([holiday])],
        priority: 'high',
        openedAtMs,
      });
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

  it("dates a command's timeline event at the instant of its transition, even when recording its outcome takes a while", async () => {
    // The first reply completes the first-response target: the outcome is recorded before the
    // event. The event must still say the reply happened when firstResponseAt says it did.
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const recordOutcome = activities.recordOutcome;
    activities.recordOutcome = async (outcome) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await recordOutcome(outcome);
    };

    await run(activities, async () => {
      const handle = await start({ policy: hoursPolicy(), calendars: [iotexLike([])], priority: 'high', openedAtMs });
      await skipTo(tehran(monday, '09:10'));
      const view = await handle.executeUpdate(wf.agentReply, {
        args: [{ ...agent, public: true, body: 'سلام، بررسی می‌کنیم' }],
      });
      const reply = recorded.events.find((e) => e.type === 'agent_replied')!;
      expect(view.firstResponseAtMs).not.toBeNull();
      expect(reply.atMs).toBe(view.firstResponseAtMs);
      expect(recorded.outcomes.get('first_response#1')!.completedAtMs).toBe(view.firstResponseAtMs);
    });
  });

  it('fires the warning, then the breach, then the further escalation level, each once and in order', async () => {
    const monday = await nextLocalDate(1);
    const openedAtMs = tehran(monday, '09:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({
        policy: hoursPolicy(),
        calendars: [iotexLike([])],
        priority: 'critical',
        openedAtMs,
      });
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
    expect(recorded.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['opened', 'sla_warning', 'sla_breach', 'sla_escalation']),
    );
  });

  it("recomputes deadlines from the ticket's start when the priority changes, keeping a breach that happened", async () => {
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
      let view = await handle.executeUpdate(wf.changePriority, {
        args: [{ ...agent, priority: 'critical', reason: 'production down' }],
      });
      const resolution = view.targets.find((t) => t.target === 'resolution')!;
      expect(resolution.dueAtMs).toBe(tehran(sunday, '12:00'));
      expect(resolution.usedMinutes).toBeCloseTo(240, 0);
      // The 3-hour target is already past: the breach fires at once and stays recorded.
      await skipTo(tehran(sunday, '13:05'));
      view = await handle.executeUpdate(wf.changePriority, {
        args: [{ ...agent, priority: 'low', reason: 'workaround found' }],
      });
      expect(view.breached).toBe(true);
      expect(view.targets.find((t) => t.target === 'resolution')!.dueAtMs).toBe(tehran(sunday, '09:00', 4));
      const event = recorded.events.find((e) => e.type === 'priority_changed')!;
      expect(event.data.deadlines).toEqual(
        expect.arrayContaining([
          { target: 'resolution', fromMs: tehran(sunday, '09:00', 4), toMs: tehran(sunday, '12:00') },
        ]),
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
      const handle = await start({
        policy: hoursPolicy(),
        calendars: [iotexLike([])],
        priority: 'medium',
        openedAtMs,
        closeAfterQuietMinutes: 24 * 60,
      });
      await skipTo(tehran(sunday, '10:00'));
      let view = await handle.executeUpdate(wf.resolve, { args: [{ ...agent, note: 'تنظیمات اصلاح شد' }] });
      expect(view.status).toBe('resolved');
      await skipTo(tehran(sunday, '15:00'));
      view = await handle.executeUpdate(wf.customerReply, { args: [{ ...customer, body: 'هنوز مشکل دارد' }] });
      expect(view).toMatchObject({ status: 'in_progress', cycle: 2 });
      const resolution = view.targets.find((t) => t.target === 'resolution')!;
      expectNear(resolution.startMs, tehran(sunday, '15:00'));
      expectNear(resolution.dueAtMs, tehran(sunday, '15:00', 2));
      await expectRefused(
        handle.executeUpdate(wf.close, { args: [{ ...agent, reason: 'done' }] }),
        /only a resolved ticket/,
      );
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
      const handle = await start({
        policy,
        calendars: [calendarPresets['owj-committed']],
        priority: 'medium',
        openedAtMs,
      });
      let view = await handle.query(wf.ticketView);
      expect(view.targets.map((t) => [t.target, t.state])).toEqual([
        ['first_response', 'running'],
        ['review', 'running'],
        ['resolution', 'awaiting_review'],
      ]);
      expect(view.targets.find((t) => t.target === 'review')!.dueAtMs).toBe(tehran(saturday, '10:00', 1));
      await expectRefused(
        handle.executeUpdate(wf.announceResolutionDate, { args: [{ ...agent, dueAtMs: openedAtMs - HOUR }] }),
        /must be in the future/,
      );

      await skipTo(tehran(saturday, '11:00', 1));
      view = await handle.executeUpdate(wf.announceResolutionDate, {
        args: [{ ...agent, dueAtMs: tehran(saturday, '12:00', 3) }],
      });
      expect(view.targets.find((t) => t.target === 'resolution')).toMatchObject({
        state: 'running',
        dueAtMs: tehran(saturday, '12:00', 3),
      });
      await expectRefused(
        handle.executeUpdate(wf.rejectRequest, { args: [{ ...agent, reason: 'x' }] }),
        /already made/,
      );
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
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({
        policy: hoursPolicy(),
        calendars: [iotexLike([])],
        priority: 'low',
        openedAtMs,
        historyLimit: 25,
      });
      await handle.executeUpdate(wf.assign, { args: [{ ...agent, assignee: 'sara' }] });
      const firstRun = (await handle.describe()).runId;
      // Signals grow the history (each records an event); unlike updates, a signal that arrives
      // while the run is continuing as new is never lost: the server hands it to the next run.
      for (let i = 0; i < 6; i++) {
        await handle.signal(wf.configurationChanged, { reason: `correction ${i}` });
      }
      const latest = env().client.workflow.getHandle(handle.workflowId);
      await waitForAsync(async () => (await latest.describe()).runId !== firstRun, 20_000);
      // Local activities run at least once: count distinct sequence numbers, as the database's unique key does.
      await waitFor(() => new Set(recorded.events.map((e) => e.sequence)).size === 8, 20_000);
      const view = await latest.query(wf.ticketView);
      expect(view).toMatchObject({ status: 'new', assignee: 'sara' });
    });
    // The event sequence carried over: one timeline, numbered without a gap or a repeat (signal
    // handlers run concurrently, so the records may arrive out of order).
    const timeline = [...new Map(recorded.events.map((e) => [e.sequence, e])).values()].sort(
      (a, b) => a.sequence - b.sequence,
    );
    expect(timeline.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(timeline.map((e) => e.type)).toEqual(['opened', 'assigned', ...Array(6).fill('deadlines_recomputed')]);
  });
});
