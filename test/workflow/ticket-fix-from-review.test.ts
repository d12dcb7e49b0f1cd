// Pasban rule 13 on Temporal's real time-skipping test server: Avanak's 3-business-day fix counts
// from the review result, so its warning and breach fire relative to the review, never to the
// opening. Activities are in-memory fakes with the real signatures (see ticket-harness.ts).
import { calendarPresets, ticketPolicyPresets } from '../../sla/presets';
import * as wf from '../../workflows/ticket';
import { useTicketHarness } from './ticket-harness';

const { agent, fakeActivities, tehran, nextLocalDate, expectNear, expectRefused, skipTo, run, start } =
  useTicketHarness();

describe("the ticket workflow, rule 13: Avanak's fix from the review result", () => {
  it('opened Saturday 10:00, fault confirmed Monday 14:00: the fix is due Thursday 14:00 and breaches then, not Tuesday 10:00', async () => {
    // Amoot's office calendar: Sat–Wed 08:30–17:00, Thu 08:30–14:00 (no holidays in this week's calendar).
    const saturday = await nextLocalDate(6);
    const openedAtMs = tehran(saturday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();
    const calendars = [calendarPresets['amoot-office'], calendarPresets['always-open']];

    await run(activities, async () => {
      const handle = await start({ policy: ticketPolicyPresets.avanak, calendars, priority: 'high', openedAtMs });
      let view = await handle.query(wf.ticketView);
      expect(view.targets.map((t) => [t.target, t.state, t.dueAtMs])).toEqual([
        ['first_response', 'running', tehran(saturday, '10:00', 1)],
        ['review', 'running', tehran(saturday, '10:00', 1)],
        ['resolution', 'awaiting_review', null],
      ]);

      await skipTo(tehran(saturday, '10:05'));
      await handle.executeUpdate(wf.agentReply, { args: [{ ...agent, public: true, body: 'خطا را بررسی می‌کنیم' }] });

      // Monday 14:00: the review (24 clock hours) is late; the fault is Avanak's.
      await skipTo(tehran(saturday, '14:00', 2));
      view = await handle.executeUpdate(wf.confirmFault, {
        args: [{ ...agent, finding: 'خطای پنل از سمت آوانک است؛ رفع می‌شود' }],
      });
      const fix = view.targets.find((t) => t.target === 'resolution')!;
      expect(fix.state).toBe('running');
      expectNear(fix.startMs, tehran(saturday, '14:00', 2));
      // Mon 14:00 + 3 office days: Tue, Wed, Thu 14:00 (Thursday's close).
      expectNear(fix.dueAtMs, tehran(saturday, '14:00', 5));
      expect(view.targets.some((t) => t.target === 'review')).toBe(false);
      await expectRefused(
        handle.executeUpdate(wf.confirmFault, { args: [{ ...agent, finding: 'again' }] }),
        /already made \(confirmed\)/,
      );

      // Tuesday 10:30: counted from the opening the fix would be breached by now; it is not.
      await skipTo(tehran(saturday, '10:30', 3));
      view = await handle.query(wf.ticketView);
      expect(view.targets.find((t) => t.target === 'resolution')).toMatchObject({ state: 'running', breached: false });

      await skipTo(tehran(saturday, '14:30', 5));
      view = await handle.query(wf.ticketView);
      expect(view.targets.find((t) => t.target === 'resolution')).toMatchObject({ state: 'breached', breached: true });
    });

    const fix = recorded.escalationCalls.filter((e) => e.target === 'resolution');
    // 75% of the 25.5 office hours from Mon 14:00 is Wednesday 16:07:30; the breach is at the deadline.
    expect(fix.map((e) => [e.kind, e.percent])).toEqual([
      ['warning', 75],
      ['breach', 100],
    ]);
    expectNear(fix[0]!.dueAtMs, tehran(saturday, '16:07', 4) + 30_000);
    expectNear(fix[1]!.dueAtMs, tehran(saturday, '14:00', 5));
    expect(fix[1]!.action).toEqual({ channel: 'sms', recipients: ['department_manager'] });
    // Every fix alarm fired after the review result, none before it.
    for (const escalation of fix) expect(escalation.firedAtMs).toBeGreaterThan(tehran(saturday, '14:00', 2));
    // The review itself was late (due Sunday 10:00): its breach fired, and its outcome records it.
    expect(recorded.escalationCalls.find((e) => e.target === 'review' && e.kind === 'breach')?.dueAtMs).toBe(
      tehran(saturday, '10:00', 1),
    );
    expect(recorded.outcomes.get('review#1')).toMatchObject({ met: false, dueAtMs: tehran(saturday, '10:00', 1) });
    expect(recorded.events.map((e) => e.type)).toContain('fault_confirmed');
    expect(recorded.notices).toContain('fault_confirmed');
  });

  it("a fault that is not the vendor's gets no fix deadline and no fix alarm", async () => {
    const saturday = await nextLocalDate(6);
    const openedAtMs = tehran(saturday, '10:00');
    await skipTo(openedAtMs);
    const { recorded, activities } = fakeActivities();

    await run(activities, async () => {
      const handle = await start({
        policy: ticketPolicyPresets.avanak,
        calendars: [calendarPresets['amoot-office'], calendarPresets['always-open']],
        priority: 'medium',
        openedAtMs,
      });
      await skipTo(tehran(saturday, '16:00'));
      const view = await handle.executeUpdate(wf.rejectRequest, {
        args: [{ ...agent, reason: 'خطا از تنظیمات مشتری است' }],
      });
      expect(view.targets.find((t) => t.target === 'resolution')).toMatchObject({ state: 'rejected', dueAtMs: null });
      await skipTo(tehran(saturday, '10:00', 7));
      await handle.query(wf.ticketView);
    });

    expect(recorded.escalationCalls.filter((e) => e.target === 'resolution')).toEqual([]);
    expect(recorded.outcomes.get('review#1')).toMatchObject({ met: true });
  });
});
