import { validateCalendarSpec } from '../../../sla/calendar';
import { calendarPresets, CALENDAR_PRESET_KEYS } from '../../../sla/presets';
import { specOf } from './support';

const valid = specOf('Asia/Tehran', {
  sat: [
    ['08:30', '14:00'],
    ['14:45', '24:00'],
  ],
});
const paths = (spec: typeof valid) => validateCalendarSpec(spec).map((problem) => problem.path);

describe('validating a calendar spec', () => {
  it('accepts every preset calendar', () => {
    for (const key of CALENDAR_PRESET_KEYS) expect(validateCalendarSpec(calendarPresets[key])).toEqual([]);
  });

  it('accepts 24:00 as an end and intervals that touch', () => {
    expect(
      validateCalendarSpec(
        specOf('Asia/Tehran', {
          sat: [
            ['08:00', '12:00'],
            ['12:00', '24:00'],
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names an unknown time zone', () => {
    expect(validateCalendarSpec({ ...valid, timeZone: 'Asia/Esfahan' })).toEqual([
      { path: 'timeZone', message: 'unknown IANA time zone "Asia/Esfahan"' },
    ]);
    expect(paths({ ...valid, timeZone: '' })).toEqual(['timeZone']);
  });

  it('names a malformed clock time by its field path', () => {
    expect(paths(specOf('Asia/Tehran', { sat: [['8:30', '14:00']], sun: [['09:00', '25:00']] }))).toEqual([
      'week.sat[0].start',
      'week.sun[0].end',
    ]);
  });

  it('does not let an interval start at 24:00', () => {
    expect(
      paths(
        specOf('Asia/Tehran', {
          sat: [
            ['09:00', '10:00'],
            ['24:00', '24:00'],
          ],
        }),
      ),
    ).toEqual(['week.sat[1].start']);
  });

  it('names an interval that ends at or before its start', () => {
    expect(
      validateCalendarSpec(
        specOf('Asia/Tehran', {
          sat: [
            ['09:00', '17:00'],
            ['18:00', '18:00'],
          ],
        }),
      ),
    ).toEqual([{ path: 'week.sat[1].end', message: 'must be later than the start 18:00' }]);
    expect(paths(specOf('Asia/Tehran', { mon: [['17:00', '09:00']] }))).toEqual(['week.mon[0].end']);
  });

  it('names the later of two overlapping intervals, whatever their order', () => {
    expect(
      validateCalendarSpec(
        specOf('Asia/Tehran', {
          sat: [
            ['13:00', '17:00'],
            ['08:30', '14:00'],
          ],
        }),
      ),
    ).toEqual([{ path: 'week.sat[0]', message: 'overlaps week.sat[1]' }]);
  });

  it('checks holiday hours and exception intervals the same way', () => {
    const spec = {
      ...valid,
      holidayHours: [{ start: '10:00', end: '09:00' }],
      exceptions: [
        {
          date: '2026-03-21',
          intervals: [
            { start: '10:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      ],
    };
    expect(paths(spec)).toEqual(['holidayHours[0].end', 'exceptions[0].intervals[1]']);
  });

  it('names bad and duplicate dates', () => {
    const spec = {
      ...valid,
      holidays: [
        { date: '2026-02-30', name: 'No such day' },
        { date: '2026-03-21', name: 'Nowruz' },
        { date: '2026-03-21', name: 'Nowruz again' },
        { date: '21/03/2026', name: 'Wrong format' },
      ],
      exceptions: [
        { date: '2026-03-22', intervals: [] },
        { date: '2026-03-22', intervals: [] },
      ],
    };
    expect(validateCalendarSpec(spec)).toEqual([
      { path: 'holidays[0].date', message: '"2026-02-30" is not a date in the form YYYY-MM-DD' },
      { path: 'holidays[2].date', message: '2026-03-21 is already listed at holidays[1]' },
      { path: 'holidays[3].date', message: '"21/03/2026" is not a date in the form YYYY-MM-DD' },
      { path: 'exceptions[1].date', message: '2026-03-22 is already listed at exceptions[0]' },
    ]);
  });

  it('wants a holiday to have a name', () => {
    expect(paths({ ...valid, holidays: [{ date: '2026-03-21', name: ' ' }] })).toEqual(['holidays[0].name']);
  });

  it('refuses a calendar that never opens', () => {
    expect(paths(specOf('Asia/Tehran', {}))).toEqual(['week']);
  });

  it('wants a kebab-case key and a name', () => {
    expect(paths({ ...valid, key: 'Amoot Office', name: '' })).toEqual(['key', 'name']);
  });
});
