import { computeAvailability, type Outage } from '../../../sla/availability';
import { creditTables } from '../../../sla/credit-tables';
import { jalaliMonthRange } from '../../../sla/jalali';
import { MINUTE, tehran } from './support';

// Mehr 1405 has 30 days (43,200 minutes); Farvardin 1405 has 31 (44,640).
const mehr = jalaliMonthRange(1405, 7);
const farvardin = jalaliMonthRange(1405, 1);

function outageOf(minutes: number, period = mehr, cause: Outage['cause'] = 'unplanned'): Outage {
  const startMs = period.startMs + 86_400_000;
  return { startMs, endMs: startMs + minutes * MINUTE, cause };
}

function creditFor(table: keyof typeof creditTables, minutes: number, period = mehr): number {
  return computeAvailability({
    ...{ periodStartMs: period.startMs, periodEndMs: period.endMs },
    outages: [outageOf(minutes, period)],
    creditTable: creditTables[table],
  }).creditPercent;
}

describe('the Jalali months used here', () => {
  it('are 30 and 31 days long', () => {
    expect((mehr.endMs - mehr.startMs) / MINUTE).toBe(43_200);
    expect((farvardin.endMs - farvardin.startMs) / MINUTE).toBe(44_640);
  });
});

describe("Owj's credit table in a 30-day month", () => {
  it.each([
    [0, 0],
    [43, 0],
    [44, 10],
    [3 * 60 + 35, 10],
    [3 * 60 + 36, 20],
    [216, 20],
    [7 * 60 + 11, 20],
    [7 * 60 + 12, 30],
    [14 * 60 + 23, 30],
    [14 * 60 + 24, 50],
    [864, 50],
    [43_200, 50],
  ])('credits %i minutes of downtime with %i%%', (minutes, credit) => {
    expect(creditFor('owj', minutes)).toBe(credit);
  });
});

describe("Avanak's credit table in a 30-day month", () => {
  it.each([
    [179, 0],
    [180, 0],
    [181, 10],
    [432, 10],
    [433, 20],
    [864, 20],
    [865, 30],
    [1_296, 30],
    [1_297, 40],
  ])('credits %i minutes of downtime with %i%%', (minutes, credit) => {
    expect(creditFor('avanak', minutes)).toBe(credit);
  });
});

describe('the credit tables in a 31-day month (44,640 minutes)', () => {
  it.each([
    ['owj', 44, 0],
    ['owj', 45, 10],
    ['owj', 223, 10],
    ['owj', 224, 20],
    ['owj', 446, 20],
    ['owj', 447, 30],
    ['owj', 892, 30],
    ['owj', 893, 50],
    ['avanak', 186, 0],
    ['avanak', 187, 10],
    ['avanak', 446, 10],
    ['avanak', 447, 20],
    ['avanak', 1_339, 30],
    ['avanak', 1_340, 40],
  ] as const)('credit %s for %i minutes with %i%%', (table, minutes, credit) => {
    expect(creditFor(table, minutes, farvardin)).toBe(credit);
  });

  it('decide by the exact share, so 43 minutes 30 seconds in 30 days is already over 0.1%', () => {
    expect(creditFor('owj', 43.5)).toBe(10);
  });
});

describe('the availability of a month', () => {
  const period = { periodStartMs: mehr.startMs, periodEndMs: mehr.endMs, creditTable: creditTables.owj };
  const at = (local: string) => tehran(local);

  it('reports the month, the downtime and the availability', () => {
    const report = computeAvailability({ ...period, outages: [outageOf(43)] });
    expect(report.periodMinutes).toBe(43_200);
    expect(report.downtimeMinutes).toBe(43);
    expect(report.availabilityPercent).toBeCloseTo(99.90046, 5);
    expect(report.creditPercent).toBe(0);
  });

  it('counts overlapping outages once', () => {
    const outages: Outage[] = [
      { startMs: at('2026-09-25T10:00'), endMs: at('2026-09-25T11:00'), cause: 'unplanned' },
      { startMs: at('2026-09-25T10:30'), endMs: at('2026-09-25T11:30'), cause: 'unplanned' },
    ];
    const report = computeAvailability({ ...period, outages });
    expect(report.downtimeMinutes).toBe(90);
    expect(report.countedOutages).toBe(2);
  });

  it('clips outages to the month', () => {
    const outages: Outage[] = [
      { startMs: mehr.startMs - 60 * MINUTE, endMs: mehr.startMs + 30 * MINUTE, cause: 'unplanned' },
      { startMs: mehr.endMs - 20 * MINUTE, endMs: mehr.endMs + 60 * MINUTE, cause: 'unplanned' },
      { startMs: mehr.endMs + MINUTE, endMs: mehr.endMs + 2 * MINUTE, cause: 'unplanned' },
    ];
    const report = computeAvailability({ ...period, outages });
    expect(report.downtimeMinutes).toBe(50);
    expect(report.countedOutages).toBe(2);
  });

  it('does not count excluded causes, even where another record overlaps them', () => {
    const outages: Outage[] = [
      { startMs: at('2026-09-25T10:00'), endMs: at('2026-09-25T12:00'), cause: 'unplanned' },
      { startMs: at('2026-09-25T11:00'), endMs: at('2026-09-25T13:00'), cause: 'planned_maintenance' },
      { startMs: at('2026-09-26T10:00'), endMs: at('2026-09-26T11:00'), cause: 'customer_requested' },
      { startMs: at('2026-09-27T10:00'), endMs: at('2026-09-27T11:00'), cause: 'customer_violation' },
      { startMs: at('2026-09-28T10:00'), endMs: at('2026-09-28T11:00'), cause: 'non_payment_suspension' },
      { startMs: at('2026-09-29T10:00'), endMs: at('2026-09-29T11:00'), cause: 'external_provider' },
    ];
    const report = computeAvailability({ ...period, outages });
    expect(report.downtimeMinutes).toBe(60);
    expect(report.countedOutages).toBe(1);
    expect(report.excludedOutages).toBe(5);
  });

  it('runs an ongoing outage to the as-of instant, against the whole month', () => {
    const outages: Outage[] = [{ startMs: at('2026-09-25T10:00'), endMs: null, cause: 'unplanned' }];
    const report = computeAvailability({ ...period, outages, asOfMs: at('2026-09-25T11:00') });
    expect(report.downtimeMinutes).toBe(60);
    expect(report.periodMinutes).toBe(43_200);
    expect(report.creditPercent).toBe(10);
  });

  it('runs an ongoing outage to the end of the month without an as-of instant', () => {
    const outages: Outage[] = [{ startMs: mehr.endMs - 100 * MINUTE, endMs: null, cause: 'unplanned' }];
    expect(computeAvailability({ ...period, outages }).downtimeMinutes).toBe(100);
  });
});
