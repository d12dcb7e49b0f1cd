import { creditTables } from '../../../sla/credit-tables';
import { jalaliMonthSpan } from '../../../sla/jalali-month';
import {
  announcedInTime,
  concernsCustomer,
  exclusionOf,
  periodAvailability,
  type RecordedOutage,
} from '../../../sla/outages';
import { MINUTE, tehran } from './support';

const HOUR = 60 * MINUTE;
const azar = jalaliMonthSpan({ year: 1405, month: 9 });

function outage(overrides: Partial<RecordedOutage> = {}): RecordedOutage {
  return {
    id: 'o1',
    startMs: tehran('2026-11-25T10:00'),
    endMs: tehran('2026-11-25T11:00'),
    cause: 'unplanned',
    customerId: null,
    announcedAtMs: null,
    ...overrides,
  };
}

describe('whether an outage counts', () => {
  it('counts an unplanned outage', () => {
    expect(exclusionOf(outage())).toBeNull();
  });

  it('excludes planned maintenance announced 48 hours ahead or more', () => {
    const start = tehran('2026-11-25T10:00');
    expect(
      exclusionOf(outage({ cause: 'planned_maintenance', startMs: start, announcedAtMs: start - 48 * HOUR })),
    ).toBe('planned_maintenance');
    expect(
      announcedInTime(outage({ cause: 'planned_maintenance', startMs: start, announcedAtMs: start - 72 * HOUR })),
    ).toBe(true);
  });

  it('counts planned maintenance announced late, or never, as ordinary downtime', () => {
    const start = tehran('2026-11-25T10:00');
    expect(
      exclusionOf(outage({ cause: 'planned_maintenance', startMs: start, announcedAtMs: start - 48 * HOUR + MINUTE })),
    ).toBeNull();
    expect(exclusionOf(outage({ cause: 'planned_maintenance', startMs: start, announcedAtMs: null }))).toBeNull();
  });

  it.each(['customer_requested', 'customer_violation', 'non_payment_suspension', 'external_provider'] as const)(
    'excludes %s',
    (cause) => {
      expect(exclusionOf(outage({ cause }))).toBe(cause);
    },
  );
});

describe('whom an outage concerns', () => {
  it('concerns everyone when product-wide, and only the named customer otherwise', () => {
    expect(concernsCustomer(outage(), 'c1')).toBe(true);
    expect(concernsCustomer(outage({ cause: 'non_payment_suspension', customerId: 'c1' }), 'c1')).toBe(true);
    expect(concernsCustomer(outage({ cause: 'non_payment_suspension', customerId: 'c1' }), 'c2')).toBe(false);
  });
});

describe("a period's availability over recorded outages", () => {
  const period = { periodStartMs: azar.startMs, periodEndMs: azar.endMs, asOfMs: azar.endMs };

  it('counts late-announced maintenance and removes announced maintenance, with a line per outage', () => {
    const start = tehran('2026-11-25T10:00');
    const report = periodAvailability({
      ...period,
      creditTable: creditTables.avanak,
      outages: [
        outage({
          id: 'late',
          cause: 'planned_maintenance',
          startMs: start,
          endMs: start + 200 * MINUTE,
          announcedAtMs: start - HOUR,
        }),
        outage({
          id: 'announced',
          cause: 'planned_maintenance',
          startMs: start + 2 * 86_400_000,
          endMs: start + 2 * 86_400_000 + 300 * MINUTE,
          announcedAtMs: start - 7 * 86_400_000,
        }),
      ],
    });
    expect(report).toMatchObject({ downtimeMinutes: 200, creditPercent: 10, countedOutages: 1, excludedOutages: 1 });
    expect(report.outages).toEqual([
      { id: 'late', cause: 'planned_maintenance', exclusion: null, minutesInPeriod: 200 },
      { id: 'announced', cause: 'planned_maintenance', exclusion: 'planned_maintenance', minutesInPeriod: 300 },
    ]);
  });

  it('has no credit without a credit table', () => {
    const report = periodAvailability({
      ...period,
      creditTable: null,
      outages: [outage({ endMs: tehran('2026-11-25T20:00') })],
    });
    expect(report.downtimeMinutes).toBe(600);
    expect(report.creditPercent).toBeNull();
  });

  it('runs an ongoing outage to the as-of instant and leaves out outages that have not begun', () => {
    const report = periodAvailability({
      ...period,
      asOfMs: tehran('2026-11-25T12:00'),
      creditTable: creditTables.owj,
      outages: [outage({ endMs: null }), outage({ id: 'future', startMs: tehran('2026-11-26T10:00'), endMs: null })],
    });
    expect(report.downtimeMinutes).toBe(120);
    expect(report.outages.map((o) => o.id)).toEqual(['o1']);
  });
});
