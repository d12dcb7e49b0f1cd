/**
 * What an availability claim is worth (Pasban rule 7): the downtime of the claimed Jalali month
 * that the contract has claimed, with excluded time removed, priced by the plan's credit table.
 *
 * Only cited outages count: an outage nobody claimed within its window earns nothing. Outages the
 * same contract cited in earlier claims for the month count too, so that the month's tier is
 * judged on its whole claimed downtime, and the credit those claims already carry is subtracted:
 * two claims in one month never earn more than one claim for both outages would.
 */
import type { CreditTable } from './credit-tables';
import { formatJalaliMonth, jalaliMonthOf, jalaliMonthSpan, nextJalaliMonth, type JalaliMonth } from './jalali-month';
import { exclusionOf, periodAvailability, type OutageLine, type RecordedOutage } from './outages';

export type OutageRole = 'cited' | 'cited_earlier' | 'not_cited';

export interface AssessedOutage extends OutageLine {
  role: OutageRole;
  /** True when the outage's time counts as downtime for this claim. */
  counted: boolean;
}

export interface ClaimAssessmentInput {
  month: JalaliMonth;
  /** Every outage of the product touching the month that concerns the customer. */
  outages: readonly RecordedOutage[];
  citedIds: readonly string[];
  /** Outages the same contract cited in earlier claims for this month that were not rejected. */
  earlierCitedIds: readonly string[];
  /** Credit those earlier claims were granted, or were computed while they await QA. */
  earlierCreditPercent: number;
  creditTable: CreditTable | null;
  monthlyFeeRials: number;
  asOfMs: number;
}

export interface ClaimAssessment {
  month: string;
  periodStartMs: number;
  periodEndMs: number;
  periodMinutes: number;
  downtimeMinutes: number;
  availabilityPercent: number;
  creditTable: string | null;
  /** The tier the month's claimed downtime reaches; null without a credit table. */
  monthCreditPercent: number | null;
  earlierCreditPercent: number;
  /** What this claim adds: the month's tier less the earlier claims' credit. */
  creditPercent: number | null;
  creditAmountRials: number | null;
  monthlyFeeRials: number;
  outages: AssessedOutage[];
}

export function assessAvailabilityClaim(input: ClaimAssessmentInput): ClaimAssessment {
  const { startMs, endMs } = jalaliMonthSpan(input.month);
  const cited = new Set(input.citedIds);
  const earlier = new Set(input.earlierCitedIds);
  const roleOf = (id: string): OutageRole =>
    cited.has(id) ? 'cited' : earlier.has(id) ? 'cited_earlier' : 'not_cited';
  const period = { periodStartMs: startMs, periodEndMs: endMs, creditTable: input.creditTable, asOfMs: input.asOfMs };

  // Excluded time is removed wherever it lies, cited or not: the vendor owes nothing for it.
  const considered = input.outages.filter((o) => roleOf(o.id) !== 'not_cited' || exclusionOf(o) !== null);
  const report = periodAvailability({ ...period, outages: considered });
  const lines = periodAvailability({ ...period, outages: input.outages }).outages.map((line) => {
    const role = roleOf(line.id);
    return { ...line, role, counted: line.exclusion === null && role !== 'not_cited' };
  });
  const creditPercent =
    report.creditPercent === null ? null : Math.max(0, report.creditPercent - input.earlierCreditPercent);
  return {
    month: formatJalaliMonth(input.month),
    periodStartMs: startMs,
    periodEndMs: endMs,
    periodMinutes: report.periodMinutes,
    downtimeMinutes: report.downtimeMinutes,
    availabilityPercent: report.availabilityPercent,
    creditTable: input.creditTable?.key ?? null,
    monthCreditPercent: report.creditPercent,
    earlierCreditPercent: input.earlierCreditPercent,
    creditPercent,
    creditAmountRials: creditPercent === null ? null : creditAmount(input.monthlyFeeRials, creditPercent),
    monthlyFeeRials: input.monthlyFeeRials,
    outages: lines,
  };
}

/** Contract prices are yearly; a month's subscription is a twelfth of it, in whole rials. */
export function monthlySubscriptionRials(yearlyPriceRials: bigint): number {
  return Number(yearlyPriceRials / 12n);
}

export function creditAmount(monthlyFeeRials: number, percent: number): number {
  return Math.floor((monthlyFeeRials * percent) / 100);
}

/** A credit approved now is applied to the customer's next subscription month, e.g. "1405-10". */
export function creditNoteMonth(approvedAtMs: number): string {
  return formatJalaliMonth(nextJalaliMonth(jalaliMonthOf(approvedAtMs)));
}
