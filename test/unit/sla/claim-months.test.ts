import { assessAvailabilityClaim, creditNoteMonth } from '../../../sla/claim-assessment';
import { resolveAdjustedApproval, resolveApproval } from '../../../sla/claim-decision';
import { claimMonths, computedCreditOverMonths, creditAppliesTo, creditLines } from '../../../sla/claim-months';
import { creditTables } from '../../../sla/credit-tables';
import { formatJalaliMonth } from '../../../sla/jalali-month';
import type { RecordedOutage } from '../../../sla/outages';
import { tehran } from './support';

/** The case: Owj down from Sat 30 Aban 1405 23:00 to Wed 4 Azar 24:00 (2026-11-21 23:00 to 2026-11-26 00:00 +03:30). */
const outage: RecordedOutage = {
  id: 'o',
  startMs: tehran('2026-11-21T23:00'),
  endMs: tehran('2026-11-26T00:00'),
  cause: 'unplanned',
  customerId: null,
  announcedAtMs: null,
};
const FEE = 10_000_000;

const assessed = claimMonths([{ startMs: outage.startMs, endMs: outage.endMs! }]).map((month) =>
  assessAvailabilityClaim({
    month,
    outages: [outage],
    citedIds: ['o'],
    earlierCitedIds: [],
    earlierCreditPercent: 0,
    creditTable: creditTables.owj,
    monthlyFeeRials: FEE,
    asOfMs: tehran('2026-11-27T10:00'),
  }),
);

describe('an outage across a Jalali month boundary', () => {
  it('touches both months, Aban and Azar 1405', () => {
    expect(claimMonths([{ startMs: outage.startMs, endMs: outage.endMs! }]).map(formatJalaliMonth)).toEqual([
      '1405-08',
      '1405-09',
    ]);
  });

  it('does not touch the month that begins at the instant it ends', () => {
    expect(
      claimMonths([{ startMs: tehran('2026-11-21T22:00'), endMs: tehran('2026-11-22T00:00') }]).map(formatJalaliMonth),
    ).toEqual(['1405-08']);
  });

  it('is assessed month by month: 60 minutes of Aban (10%) and 5,760 minutes of Azar (50%)', () => {
    expect(assessed.map((m) => [m.month, m.downtimeMinutes, m.monthCreditPercent, m.creditAmountRials])).toEqual([
      ['1405-08', 60, 10, 1_000_000],
      ['1405-09', 5_760, 50, 5_000_000],
    ]);
  });

  it('earns one claim worth both months: 60% of a month, 6,000,000 rials', () => {
    expect(computedCreditOverMonths(assessed, FEE)).toEqual({
      percent: 60,
      amountRials: 6_000_000,
      monthlyFeeRials: FEE,
      months: 2,
    });
  });

  it('becomes one credit line per month, each on the invoice after its month (approved in Azar: both on Dey)', () => {
    const credit = { percent: 60, amountRials: 6_000_000 };
    expect(creditLines(assessed, credit, creditNoteMonth(tehran('2026-11-28T10:00')))).toEqual([
      {
        earnedMonth: '1405-08',
        downtimeMinutes: 60,
        availabilityPercent: expect.any(Number),
        percent: 10,
        amountRials: 1_000_000,
        appliesToMonth: '1405-10',
      },
      {
        earnedMonth: '1405-09',
        downtimeMinutes: 5_760,
        availabilityPercent: expect.any(Number),
        percent: 50,
        amountRials: 5_000_000,
        appliesToMonth: '1405-10',
      },
    ]);
  });

  it('applies a line to the invoice after its own month when that invoice is not yet issued', () => {
    expect(creditAppliesTo('1405-09', creditNoteMonth(tehran('2026-11-30T10:00')))).toBe('1405-10');
    expect(creditAppliesTo('1405-08', '1405-09')).toBe('1405-09');
    expect(creditAppliesTo('1405-08', creditNoteMonth(tehran('2027-01-05T10:00')))).toBe('1405-11');
    expect(creditAppliesTo('1405-10', '1405-09')).toBe('1405-11');
  });

  it('shares an adjusted amount out in proportion to the months, the last taking the remainder', () => {
    const lines = creditLines(assessed, { percent: 30, amountRials: 3_000_001 }, '1405-10');
    expect(lines.map((l) => [l.earnedMonth, l.percent, l.amountRials])).toEqual([
      ['1405-08', 5, 500_000],
      ['1405-09', 25, 2_500_001],
    ]);
  });

  it("may be approved as computed beyond one month's share, but not beyond the months claimed", () => {
    const computed = { percent: 110, amountRials: 11_000_000, monthlyFeeRials: FEE, months: 2 };
    expect(resolveApproval(computed, {})).toEqual({ ok: true, credit: { percent: 110, amountRials: 11_000_000 } });
    expect(resolveAdjustedApproval(computed, { amountRials: 21_000_000, justification: 'x' })).toEqual({
      ok: false,
      reason: 'the credit cannot exceed the subscription of the 2 months claimed (20000000 rials)',
    });
    expect(resolveApproval({ ...computed, months: undefined }, {})).toMatchObject({ ok: false });
  });
});
