/**
 * The calendars of the published terms (Pasban rule 2), without holiday
 * dates: those come from the holiday set, see withHolidays in presets.ts.
 */
import type { CalendarSpec, OpenInterval, Weekday } from './calendar-spec';
import { TEHRAN } from './jalali';

export const CALENDAR_PRESET_KEYS = [
  'amoot-office',
  'owj-committed',
  'owj-agile',
  'avanak-support',
  'kian-office',
  'iotex-office',
  'always-open',
] as const;
export type CalendarPresetKey = (typeof CALENDAR_PRESET_KEYS)[number];

const SAT_TO_WED: readonly Weekday[] = ['sat', 'sun', 'mon', 'tue', 'wed'];
const SAT_TO_THU: readonly Weekday[] = [...SAT_TO_WED, 'thu'];
const EVERY_DAY: readonly Weekday[] = [...SAT_TO_THU, 'fri'];

function hours(...ranges: [string, string][]): OpenInterval[] {
  return ranges.map(([start, end]) => ({ start, end }));
}

function week(...rules: [readonly Weekday[], OpenInterval[]][]): Record<Weekday, OpenInterval[]> {
  const result: Record<Weekday, OpenInterval[]> = { sat: [], sun: [], mon: [], tue: [], wed: [], thu: [], fri: [] };
  for (const [days, intervals] of rules) for (const day of days) result[day] = intervals;
  return result;
}

function calendar(
  key: CalendarPresetKey,
  name: string,
  weekHours: Record<Weekday, OpenInterval[]>,
  holidayHours: OpenInterval[] = [],
): CalendarSpec {
  return { key, name, timeZone: TEHRAN, week: weekHours, holidayHours, holidays: [], exceptions: [] };
}

const AVANAK_WEEKDAY = hours(['08:30', '14:00'], ['14:45', '24:00']);
const AVANAK_HOLIDAY = hours(['10:00', '14:00'], ['14:45', '22:00']);

export const calendarPresets: Record<CalendarPresetKey, CalendarSpec> = {
  'amoot-office': calendar(
    'amoot-office',
    'Amoot office (shift 1)',
    week([SAT_TO_WED, hours(['08:30', '17:00'])], [['thu'], hours(['08:30', '14:00'])]),
  ),
  'owj-committed': calendar(
    'owj-committed',
    'Owj Committed (shifts 1 and 2)',
    week([SAT_TO_THU, hours(['08:30', '21:00'])]),
  ),
  'owj-agile': calendar(
    'owj-agile',
    'Owj Agile (shifts 1 and 2, Fridays and holidays)',
    week([SAT_TO_THU, hours(['08:30', '21:00'])], [['fri'], hours(['10:00', '17:00'])]),
    hours(['10:00', '17:00']),
  ),
  'avanak-support': calendar(
    'avanak-support',
    'Avanak phone and ticket support',
    week([SAT_TO_THU, AVANAK_WEEKDAY], [['fri'], AVANAK_HOLIDAY]),
    AVANAK_HOLIDAY,
  ),
  'kian-office': calendar('kian-office', 'Kian Pardaz office hours', week([SAT_TO_WED, hours(['08:30', '17:30'])])),
  'iotex-office': calendar('iotex-office', 'Iotex support hours', week([SAT_TO_WED, hours(['09:00', '17:00'])])),
  'always-open': calendar(
    'always-open',
    'Clock time (24/7)',
    week([EVERY_DAY, hours(['00:00', '24:00'])]),
    hours(['00:00', '24:00']),
  ),
};
