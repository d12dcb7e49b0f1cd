/**
 * Laws of business-time arithmetic, checked with random instants and amounts
 * on every preset calendar (with the Nowruz holidays) and on a Berlin calendar
 * that crosses both daylight-saving changes of 2026.
 */
import fc from 'fast-check';
import {
  addBusinessDays,
  addBusinessMinutes,
  businessMinutesBetween,
  isOpen,
  nextOpening,
} from '../../../sla/business-time';
import { compileCalendar, type BusinessCalendar } from '../../../sla/calendar';
import { CALENDAR_PRESET_KEYS } from '../../../sla/presets';
import { businessMinutesAllowed, deadlineWithPauses, type TargetSpec } from '../../../sla/targets';
import { presetCalendar, specOf, tehran, utc } from './support';

const nineToSix: [string, string][] = [
  ['09:00', '12:30'],
  ['13:30', '18:00'],
];
const berlin = compileCalendar(
  specOf('Europe/Berlin', {
    mon: nineToSix,
    tue: nineToSix,
    wed: nineToSix,
    thu: nineToSix,
    fri: [['09:00', '15:00']],
    sun: [['01:00', '04:00']],
  }),
);

const calendars: [string, BusinessCalendar][] = [
  ...CALENDAR_PRESET_KEYS.map((key): [string, BusinessCalendar] => [key, presetCalendar(key)]),
  ['berlin', berlin],
];

const tehranSpring = fc.integer({ min: tehran('2026-03-10T00:00'), max: tehran('2026-04-10T00:00') });
const berlinYear = fc.integer({ min: utc('2026-03-20T00:00Z'), max: utc('2026-11-01T00:00Z') });
const instants = (name: string) => (name === 'berlin' ? berlinYear : tehranSpring);
const wholeMinutes = fc.integer({ min: 0, max: 20_000 });

/** Open at the instant, or the instant ends an open interval. */
function openOrClosingEdge(cal: BusinessCalendar, epochMs: number): boolean {
  return isOpen(cal, epochMs) || isOpen(cal, epochMs - 1);
}

describe.each(calendars)('business time on %s', (name, cal) => {
  const at = instants(name);

  it('measures back exactly what was added', () => {
    fc.assert(
      fc.property(at, wholeMinutes, (start, minutes) => {
        expect(businessMinutesBetween(cal, start, addBusinessMinutes(cal, start, minutes))).toBe(minutes);
      }),
    );
  });

  it('never moves a deadline earlier for a later start or a larger amount', () => {
    fc.assert(
      fc.property(at, at, wholeMinutes, wholeMinutes, (a, b, m, n) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const [less, more] = m <= n ? [m, n] : [n, m];
        expect(addBusinessMinutes(cal, early, m)).toBeLessThanOrEqual(addBusinessMinutes(cal, late, m));
        expect(addBusinessMinutes(cal, early, less)).toBeLessThanOrEqual(addBusinessMinutes(cal, early, more));
      }),
    );
  });

  it('never lands a deadline in closed time except exactly at an interval end', () => {
    fc.assert(
      fc.property(at, fc.integer({ min: 1, max: 20_000 }), (start, minutes) => {
        expect(openOrClosingEdge(cal, addBusinessMinutes(cal, start, minutes))).toBe(true);
      }),
    );
  });

  it('adds business time in steps: adding m then n is adding m + n', () => {
    fc.assert(
      fc.property(at, wholeMinutes, wholeMinutes, (start, m, n) => {
        const inSteps = addBusinessMinutes(cal, addBusinessMinutes(cal, start, m), n);
        expect(businessMinutesBetween(cal, start, inSteps)).toBe(m + n);
      }),
    );
  });

  it('splits measured time at any instant in between', () => {
    fc.assert(
      fc.property(at, at, at, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const whole = businessMinutesBetween(cal, a, c);
        expect(businessMinutesBetween(cal, a, b) + businessMinutesBetween(cal, b, c)).toBeCloseTo(whole, 6);
      }),
    );
  });

  it('opens next at an open instant with no business time before it', () => {
    fc.assert(
      fc.property(at, (start) => {
        const opening = nextOpening(cal, start);
        expect(opening).toBeGreaterThanOrEqual(start);
        expect(isOpen(cal, opening)).toBe(true);
        expect(businessMinutesBetween(cal, start, opening)).toBe(0);
      }),
    );
  });

  it('keeps business days monotone, after the start, and inside open hours or at a closing', () => {
    fc.assert(
      fc.property(at, at, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (a, b, d, e) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const [fewer, more] = d <= e ? [d, e] : [e, d];
        const deadline = addBusinessDays(cal, early, more);
        expect(deadline).toBeGreaterThanOrEqual(early);
        expect(addBusinessDays(cal, early, fewer)).toBeLessThanOrEqual(deadline);
        expect(deadline).toBeLessThanOrEqual(addBusinessDays(cal, late, more));
        expect(openOrClosingEdge(cal, deadline)).toBe(true);
      }),
    );
  });

  it('pushes a paused deadline back so that the unpaused business time stays what the target allows', () => {
    const target: TargetSpec = { unit: 'business_days', amount: 2, calendar: name };
    fc.assert(
      fc.property(
        at,
        fc.array(fc.tuple(at, fc.integer({ min: 0, max: 5 * 86_400_000 })), { maxLength: 4 }),
        (opened, raw) => {
          const pauses = raw.map(([start, length]) => ({ start, end: start + length }));
          const unpaused = deadlineWithPauses(target, opened, cal, [])!;
          const paused = deadlineWithPauses(target, opened, cal, pauses)!;
          expect(paused).toBeGreaterThanOrEqual(unpaused);
          expect(businessMinutesBetween(cal, opened, paused, pauses)).toBeCloseTo(
            businessMinutesAllowed(target, opened, cal)!,
            6,
          );
        },
      ),
    );
  });
});
