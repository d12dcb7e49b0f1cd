/**
 * An outage that spans a Jalali month boundary counts in every month it touches (Pasban rule 8):
 * one claim covers it whole, each month is assessed on its own (its downtime, its availability,
 * its credit tier), and each month's credit is its own line. Every line applies to the invoice of
 * the month after the month it was earned in, or to the next invoice when that one is already
 * issued; a month's subscription is invoiced when the month begins, so a credit approved during
 * month X goes on X+1's invoice, which is never earlier than the month after the month earned.
 */
import type { ClaimAssessment } from './claim-assessment';
import type { ComputedCredit, Credit } from './claim-decision';
import { formatJalaliMonth, jalaliMonthOf, nextJalaliMonth, parseJalaliMonth, type JalaliMonth } from './jalali-month';

export interface TimeSpan {
  startMs: number;
  endMs: number;
}

const compare = (a: JalaliMonth, b: JalaliMonth) => a.year * 12 + a.month - (b.year * 12 + b.month);

/** Every Jalali month (Tehran time) that the spans touch, from the first to the last, in order. */
export function claimMonths(spans: readonly TimeSpan[]): JalaliMonth[] {
  if (spans.length === 0) return [];
  const first = jalaliMonthOf(Math.min(...spans.map((s) => s.startMs)));
  // An outage ending exactly at midnight does not touch the month that begins then.
  const last = jalaliMonthOf(Math.max(...spans.map((s) => Math.max(s.startMs, s.endMs - 1))));
  const months: JalaliMonth[] = [];
  for (let month = first; compare(month, last) <= 0; month = nextJalaliMonth(month)) months.push(month);
  return months;
}

/**
 * The claim's computed credit over its months: the amounts add up; the percentage is the sum of
 * each month's share of its own subscription, so a claim of n months may credit up to n months.
 * Null when a month has no tier (a plan without a credit table): QA sets the credit.
 */
export function computedCreditOverMonths(months: readonly ClaimAssessment[], monthlyFeeRials: number): ComputedCredit {
  if (months.length === 0 || months.some((m) => m.creditPercent === null))
    return { percent: null, amountRials: null, monthlyFeeRials, months: Math.max(1, months.length) };
  return {
    percent: months.reduce((sum, m) => sum + m.creditPercent!, 0),
    amountRials: months.reduce((sum, m) => sum + m.creditAmountRials!, 0),
    monthlyFeeRials,
    months: months.length,
  };
}

export interface CreditLine {
  /** The Jalali month the credit was earned in, e.g. "1405-08". */
  earnedMonth: string;
  downtimeMinutes: number;
  availabilityPercent: number;
  percent: number;
  amountRials: number;
  /** The Jalali month whose invoice the line is applied to. */
  appliesToMonth: string;
}

/**
 * The month whose invoice takes a credit earned in `earnedMonth`: the month after it, unless the
 * next invoice not yet issued (`nextInvoiceMonth`, the month after the approval) is later.
 */
export function creditAppliesTo(earnedMonth: string, nextInvoiceMonth: string): string {
  const afterEarned = nextJalaliMonth(parseJalaliMonth(earnedMonth)!);
  const nextInvoice = parseJalaliMonth(nextInvoiceMonth)!;
  return formatJalaliMonth(compare(afterEarned, nextInvoice) >= 0 ? afterEarned : nextInvoice);
}

/**
 * The approved credit as one line per month. Approved as computed, each month keeps its own tier
 * and amount; an adjusted amount is shared out in proportion to the computed amounts (all on the
 * first month when nothing was computed), the last month taking the rounding remainder.
 */
export function creditLines(
  months: readonly ClaimAssessment[],
  credit: Credit,
  nextInvoiceMonth: string,
): CreditLine[] {
  if (months.length === 0) return [];
  const computedTotal = months.reduce((sum, m) => sum + (m.creditAmountRials ?? 0), 0);
  const computedPercent = months.reduce((sum, m) => sum + (m.creditPercent ?? 0), 0);
  const asComputed = credit.amountRials === computedTotal && credit.percent === computedPercent;
  let amountLeft = credit.amountRials;
  let percentLeft = credit.percent;
  return months.map((m, index) => {
    const last = index === months.length - 1;
    const share = computedTotal > 0 ? (m.creditAmountRials ?? 0) / computedTotal : index === 0 ? 1 : 0;
    const amountRials = asComputed ? m.creditAmountRials! : last ? amountLeft : Math.floor(credit.amountRials * share);
    const percent = asComputed ? m.creditPercent! : last ? percentLeft : Math.round(credit.percent * share);
    amountLeft -= amountRials;
    percentLeft -= percent;
    return {
      earnedMonth: m.month,
      downtimeMinutes: m.downtimeMinutes,
      availabilityPercent: m.availabilityPercent,
      percent,
      amountRials,
      appliesToMonth: creditAppliesTo(m.month, nextInvoiceMonth),
    };
  });
}
