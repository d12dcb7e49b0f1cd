import { compileCalendar } from '../../../sla/calendar';
import { calendarPresets, ticketPolicyPresets } from '../../../sla/presets';
import { alarmKey, nextAlarm, ticketClock, type TicketClockInput } from '../../../sla/ticket-clock';
import { wallTimeToEpoch } from '../../../sla/time-zone';
import { parseIsoDate } from '../../../sla/civil-date';

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch('Asia/Tehran', parseIsoDate(date)!, h! * 60 + m!);
};
const calendars = new Map(Object.values(calendarPresets).map((spec) => [spec.key, compileCalendar(spec)]));
const lookup = (key: string) => calendars.get(key)!;

function clock(overrides: Partial<TicketClockInput> & Pick<TicketClockInput, 'openedAtMs'>) {
  return ticketClock({
    policy: ticketPolicyPresets['kian-product-silver'],
    priority: 'high',
    calendars: lookup,
    cycle: { startMs: overrides.openedAtMs, pauses: [] },
    nowMs: overrides.openedAtMs,
    ...overrides,
  });
}

// 2026-11-26 is a Thursday; Kian's office is open Sat–Wed 08:30–17:30.
describe('the ticket clock', () => {
  it("keeps rule 1's instant for work opened after hours: Thursday 20:30 + 2 business days is Monday 08:30", () => {
    const [firstResponse] = clock({ openedAtMs: at('2026-11-26', '20:30') });
    expect(firstResponse!.dueAtMs).toBe(at('2026-11-30', '08:30'));
    expect(firstResponse!.allowedMinutes).toBe(18 * 60);
    expect(firstResponse!.alarms.find((a) => a.kind === 'breach')!.atMs).toBe(firstResponse!.dueAtMs);
  });

  it('pushes a resolution deadline back by the business time a pause held', () => {
    const policy = ticketPolicyPresets['owj-agile'];
    const openedAtMs = at('2026-11-29', '09:00'); // Sunday; low = 4 business days on 08:30–21:00
    const pauses = [{ start: at('2026-11-29', '10:00'), end: at('2026-11-29', '12:00') }];
    const [, resolution] = clock({
      policy,
      priority: 'low',
      openedAtMs,
      cycle: { startMs: openedAtMs, pauses },
      nowMs: at('2026-11-29', '13:00'),
    });
    expect(resolution!.dueAtMs).toBe(at('2026-12-03', '11:00'));
    expect(resolution!.usedMinutes).toBe(120);
    expect(resolution!.paused).toBe(false);
  });

  it('holds no deadline while an open-ended pause runs', () => {
    const policy = ticketPolicyPresets['owj-agile'];
    const openedAtMs = at('2026-11-29', '09:00');
    const cycle = { startMs: openedAtMs, pauses: [{ start: at('2026-11-29', '10:00'), end: null }] };
    const [, resolution] = clock({ policy, priority: 'low', openedAtMs, cycle, nowMs: at('2026-11-30', '10:00') });
    expect(resolution).toMatchObject({ state: 'paused', paused: true, dueAtMs: null, usedMinutes: 60 });
    expect(resolution!.alarms).toEqual([]);
  });

  it('names the earliest unfired alarm as the next one, and skips alarms already fired', () => {
    const clocks = clock({ openedAtMs: at('2026-11-29', '09:00') });
    const first = nextAlarm(clocks, new Set(), 1)!;
    expect(first).toMatchObject({ target: 'first_response', kind: 'warning', percent: 75 });
    const second = nextAlarm(clocks, new Set([alarmKey(first, 1)]), 1)!;
    expect(second).toMatchObject({ target: 'first_response', kind: 'breach', percent: 100 });
  });
});
