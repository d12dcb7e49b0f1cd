import {
  assessAvailabilityClaim,
  creditAmount,
  creditNoteMonth,
  monthlySubscriptionRials,
  type ClaimAssessmentInput,
} from '../../../sla/claim-assessment';
import { claimDeadlines } from '../../../sla/claims';
import { creditTables } from '../../../sla/credit-tables';
import type { RecordedOutage } from '../../../sla/outages';
import { claimPolicyPresets } from '../../../sla/presets';
import { inTehran, MINUTE, presetCalendars, tehran } from './support';

const azar = { year: 1405, month: 9 } as const;

function outage(
  id: string,
  startLocal: string,
  minutes: number,
  overrides: Partial<RecordedOutage> = {},
): RecordedOutage {
  const startMs = tehran(startLocal);
  return {
    id,
    startMs,
    endMs: startMs + minutes * MINUTE,
    cause: 'unplanned',
    customerId: null,
    announcedAtMs: null,
    ...overrides,
  };
}

function assess(overrides: Partial<ClaimAssessmentInput>) {
  return assessAvailabilityClaim({
    month: azar,
    outages: [],
    citedIds: [],
    earlierCitedIds: [],
    earlierCreditPercent: 0,
    creditTable: creditTables.avanak,
    monthlyFeeRials: 100_000_000,
    asOfMs: tehran('2026-12-30T00:00'),
    ...overrides,
  });
}

describe('an availability claim', () => {
  it("is judged on the Jalali month of its outages, priced by the plan's credit table", () => {
    const result = assess({ outages: [outage('a', '2026-11-25T10:00', 433)], citedIds: ['a'] });
    expect(result).toMatchObject({
      month: '1405-09',
      periodMinutes: 43_200,
      downtimeMinutes: 433,
      creditTable: 'avanak',
      monthCreditPercent: 20,
      creditPercent: 20,
      creditAmountRials: 20_000_000,
    });
    expect(inTehran(result.periodStartMs)).toBe('2026-11-22T00:00');
    expect(result.outages).toEqual([
      { id: 'a', cause: 'unplanned', exclusion: null, minutesInPeriod: 433, role: 'cited', counted: true },
    ]);
  });

  it('counts only the outages that were claimed, but removes excluded time wherever it lies', () => {
    const result = assess({
      outages: [
        outage('cited', '2026-11-25T10:00', 240),
        outage('unclaimed', '2026-11-27T10:00', 600),
        outage('provider', '2026-11-25T12:00', 60, { cause: 'external_provider' }),
      ],
      citedIds: ['cited'],
    });
    expect(result.downtimeMinutes).toBe(180);
    expect(result.creditPercent).toBe(0);
    expect(result.outages.map((o) => [o.id, o.role, o.counted, o.exclusion])).toEqual([
      ['cited', 'cited', true, null],
      ['unclaimed', 'not_cited', false, null],
      ['provider', 'not_cited', false, 'external_provider'],
    ]);
  });

  it('counts overlapping claimed outages once', () => {
    const result = assess({
      outages: [outage('a', '2026-11-25T10:00', 120), outage('b', '2026-11-25T11:00', 120)],
      citedIds: ['a', 'b'],
    });
    expect(result.downtimeMinutes).toBe(180);
  });

  it('judges the month on every outage the contract claimed in it, less the credit earlier claims carry', () => {
    const result = assess({
      outages: [outage('first', '2026-11-23T10:00', 300), outage('second', '2026-11-28T10:00', 300)],
      citedIds: ['second'],
      earlierCitedIds: ['first'],
      earlierCreditPercent: 10,
    });
    expect(result).toMatchObject({
      downtimeMinutes: 600,
      monthCreditPercent: 20,
      earlierCreditPercent: 10,
      creditPercent: 10,
      creditAmountRials: 10_000_000,
    });
  });

  it('never gives a negative credit when earlier claims were credited more', () => {
    expect(
      assess({ outages: [outage('a', '2026-11-25T10:00', 200)], citedIds: ['a'], earlierCreditPercent: 30 })
        .creditPercent,
    ).toBe(0);
  });

  it('has no computed credit where the plan has no credit table', () => {
    const result = assess({ outages: [outage('a', '2026-11-25T10:00', 2000)], citedIds: ['a'], creditTable: null });
    expect(result).toMatchObject({
      downtimeMinutes: 2000,
      creditTable: null,
      monthCreditPercent: null,
      creditPercent: null,
      creditAmountRials: null,
    });
  });
});

describe('credit amounts and where they apply', () => {
  it("takes a twelfth of the yearly contract price as the month's subscription", () => {
    expect(monthlySubscriptionRials(1_000_000_000n)).toBe(83_333_333);
    expect(creditAmount(83_333_333, 10)).toBe(8_333_333);
  });

  it('applies a credit approved in a month to the next Jalali month, Esfand to Farvardin', () => {
    expect(creditNoteMonth(tehran('2026-12-01T10:00'))).toBe('1405-10');
    expect(creditNoteMonth(tehran('2027-03-20T23:00'))).toBe('1406-01');
  });
});

describe("a claim's deadlines", () => {
  it('are the acknowledgement by the end of the next business day, the reminder and the decision a week on', () => {
    const deadlines = claimDeadlines(tehran('2026-11-25T20:00'), claimPolicyPresets.avanak, presetCalendars());
    expect([deadlines.acknowledgeDueAtMs, deadlines.reminderAtMs, deadlines.decisionDueAtMs].map(inTehran)).toEqual([
      '2026-11-26T14:00',
      '2026-12-01T20:00',
      '2026-12-02T20:00',
    ]);
  });
});
