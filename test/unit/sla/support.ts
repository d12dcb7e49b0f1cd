import { compileCalendar, type BusinessCalendar, type CalendarSpec } from '../../../sla/calendar';
import { calendarPresets, withHolidays, type CalendarPresetKey } from '../../../sla/presets';

/** Tehran has kept +03:30 all year since 2022, so tests can read and write its wall time without the code under test. */
const TEHRAN_OFFSET_MS = 3.5 * 3_600_000;

/** `tehran('2026-11-22T10:30')` is that wall-clock minute in Tehran, as epoch ms. */
export function tehran(local: string): number {
  return Date.parse(`${local}:00+03:30`);
}

/** The Tehran wall-clock minute of an instant, as 'YYYY-MM-DDTHH:MM'. */
export function inTehran(epochMs: number | null): string | null {
  if (epochMs === null) return null;
  return new Date(epochMs + TEHRAN_OFFSET_MS).toISOString().slice(0, 16);
}

export function utc(iso: string): number {
  return Date.parse(iso);
}

export const MINUTE = 60_000;

/**
 * The fixed solar holidays around Nowruz 1405, written out by hand:
 * 29 Esfand 1404 (Fri 20 March 2026), 1–4 Farvardin (Sat 21 – Tue 24 March),
 * 12 and 13 Farvardin (Wed 1 and Thu 2 April).
 */
export const NOWRUZ_1405 = [
  { date: '2026-03-20', name: 'Oil nationalisation' },
  { date: '2026-03-21', name: 'Nowruz' },
  { date: '2026-03-22', name: 'Nowruz' },
  { date: '2026-03-23', name: 'Nowruz' },
  { date: '2026-03-24', name: 'Nowruz' },
  { date: '2026-04-01', name: 'Islamic Republic Day' },
  { date: '2026-04-02', name: 'Nature Day' },
];

export function presetCalendar(key: CalendarPresetKey, holidays = NOWRUZ_1405): BusinessCalendar {
  return compileCalendar(withHolidays(calendarPresets[key], holidays));
}

export function presetCalendars(holidays = NOWRUZ_1405): (key: string) => BusinessCalendar {
  const compiled = new Map<string, BusinessCalendar>();
  return (key) => {
    let calendar = compiled.get(key);
    if (!calendar) {
      calendar = presetCalendar(key as CalendarPresetKey, holidays);
      compiled.set(key, calendar);
    }
    return calendar;
  };
}

type WeekHours = Partial<Record<keyof CalendarSpec['week'], [string, string][]>>;

/** A calendar spec for a test: only the weekdays given are open. */
export function specOf(timeZone: string, weekHours: WeekHours, extra: Partial<CalendarSpec> = {}): CalendarSpec {
  const day = (key: keyof CalendarSpec['week']) => (weekHours[key] ?? []).map(([start, end]) => ({ start, end }));
  return {
    key: 'test-calendar',
    name: 'Test calendar',
    timeZone,
    week: {
      sat: day('sat'),
      sun: day('sun'),
      mon: day('mon'),
      tue: day('tue'),
      wed: day('wed'),
      thu: day('thu'),
      fri: day('fri'),
    },
    holidayHours: [],
    holidays: [],
    exceptions: [],
    ...extra,
  };
}
