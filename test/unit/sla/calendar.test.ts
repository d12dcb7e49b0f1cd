import { compileCalendar, InvalidCalendarError } from '../../../sla/calendar';
import { inTehran, specOf, tehran } from './support';

describe('a compiled calendar', () => {
  const cal = compileCalendar(
    specOf(
      'Asia/Tehran',
      {
        sat: [
          ['14:45', '24:00'],
          ['08:30', '14:00'],
        ],
      },
      { holidays: [{ date: '2026-11-28', name: 'A holiday' }] },
    ),
  );

  it("gives a day's open hours as absolute, ordered intervals", () => {
    const day = cal.dayAt(tehran('2026-11-21T12:00'));
    expect(day.date).toBe('2026-11-21');
    expect(day.weekday).toBe('sat');
    expect(day.open.map((edge) => inTehran(edge))).toEqual([
      '2026-11-21T08:30',
      '2026-11-21T14:00',
      '2026-11-21T14:45',
      '2026-11-22T00:00',
    ]);
  });

  it('bounds a day by local midnights', () => {
    const day = cal.dayAt(tehran('2026-11-21T00:00'));
    expect(inTehran(day.startMs)).toBe('2026-11-21T00:00');
    expect(inTehran(day.endMs)).toBe('2026-11-22T00:00');
    expect(day.utcOffsetMs).toBe(3.5 * 3_600_000);
  });

  it('puts the last millisecond before midnight in the day that ends there', () => {
    expect(cal.dayAt(tehran('2026-11-22T00:00') - 1).date).toBe('2026-11-21');
    expect(cal.dayAt(tehran('2026-11-22T00:00')).date).toBe('2026-11-22');
  });

  it('names a holiday and closes it when the calendar has no holiday hours', () => {
    const day = cal.dayAt(tehran('2026-11-28T12:00'));
    expect(day.holiday).toBe('A holiday');
    expect(day.open).toEqual([]);
  });

  it('refuses an instant that is not a finite number', () => {
    expect(() => cal.dayAt(Number.NaN)).toThrow(RangeError);
  });

  it('computes each day once', () => {
    expect(cal.dayAt(tehran('2026-11-21T09:00'))).toBe(cal.dayAt(tehran('2026-11-21T20:00')));
  });

  it('finds the next business day over closed days', () => {
    expect(cal.nextBusinessDay(cal.dayAt(tehran('2026-11-21T09:00'))).date).toBe('2026-12-05');
  });

  it('maps wall-clock minutes to instants and back', () => {
    const day = cal.dayAt(tehran('2026-11-21T09:00'));
    expect(inTehran(cal.atWallMinutes(day, 10 * 60 + 15))).toBe('2026-11-21T10:15');
    expect(cal.wallMinutes(day, tehran('2026-11-21T10:15'))).toBe(615);
  });

  it('refuses to compile an invalid spec, listing the problems', () => {
    const compile = () => compileCalendar(specOf('Mars/Olympus', { sat: [['09:00', '08:00']] }));
    expect(compile).toThrow(InvalidCalendarError);
    expect(compile).toThrow(/timeZone: unknown IANA time zone "Mars\/Olympus"; week.sat\[0\].end/);
  });

  it('gives up on a calendar whose exceptions close it for more than ten years', () => {
    const saturdays = Array.from({ length: 11 * 53 }, (_, week) => ({
      date: new Date(Date.UTC(2026, 10, 21 + 7 * week)).toISOString().slice(0, 10),
      intervals: [],
    }));
    const closed = compileCalendar(specOf('Asia/Tehran', { sat: [['09:00', '10:00']] }, { exceptions: saturdays }));
    expect(() => closed.nextBusinessDay(closed.dayAt(tehran('2026-11-20T12:00')))).toThrow(RangeError);
  });
});

describe('a calendar in the Tehran of 2021, when it still had daylight saving time', () => {
  const cal = compileCalendar(specOf('Asia/Tehran', { mon: [['00:00', '24:00']], tue: [['00:00', '24:00']] }));

  it('starts 22 March 2021 at 01:00, since clocks sprang forward at its midnight', () => {
    const day = cal.dayAt(Date.parse('2021-03-22T12:00:00Z'));
    expect(day.date).toBe('2021-03-22');
    expect(day.startMs).toBe(Date.parse('2021-03-21T20:30:00Z'));
    expect(day.endMs - day.startMs).toBe(23 * 3_600_000);
    expect(day.utcOffsetMs).toBeNull();
  });

  it('has 25 hours on 21 September 2021, when clocks fell back at its end', () => {
    const day = cal.dayAt(Date.parse('2021-09-21T12:00:00Z'));
    expect(day.endMs - day.startMs).toBe(25 * 3_600_000);
    expect(day.open).toEqual([day.startMs, day.endMs]);
  });
});
