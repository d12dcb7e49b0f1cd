/**
 * Availability credit tables (Pasban rule 7) as data. Each band is an upper
 * bound on the downtime's share of the period, given as an exact fraction so
 * that comparisons are done in integers and a figure like 43/43,200 can never
 * fall on the wrong side of 0.1% by rounding.
 */
import type { CreditTableKey } from './policy';

export interface Fraction {
  numerator: number;
  denominator: number;
}

export interface CreditBand {
  /** The band holds shares below this bound, or up to and including it when `inclusive`. */
  upTo: Fraction;
  inclusive: boolean;
  creditPercent: number;
}

export interface CreditTable {
  key: CreditTableKey;
  /** The promised monthly availability, as published. */
  targetAvailabilityPercent: string;
  /** Ascending bounds; the first band that holds the share decides. */
  bands: CreditBand[];
  /** Credit when the share is above every band. */
  aboveAllCreditPercent: number;
}

export const creditTables: Record<CreditTableKey, CreditTable> = {
  owj: {
    key: 'owj',
    targetAvailabilityPercent: '99.91',
    bands: [
      { upTo: { numerator: 1, denominator: 1000 }, inclusive: false, creditPercent: 0 },
      { upTo: { numerator: 5, denominator: 1000 }, inclusive: false, creditPercent: 10 },
      { upTo: { numerator: 1, denominator: 100 }, inclusive: false, creditPercent: 20 },
      { upTo: { numerator: 2, denominator: 100 }, inclusive: false, creditPercent: 30 },
    ],
    aboveAllCreditPercent: 50,
  },
  avanak: {
    key: 'avanak',
    targetAvailabilityPercent: '99.58',
    bands: [
      { upTo: { numerator: 180, denominator: 43_200 }, inclusive: true, creditPercent: 0 },
      { upTo: { numerator: 1, denominator: 100 }, inclusive: true, creditPercent: 10 },
      { upTo: { numerator: 2, denominator: 100 }, inclusive: true, creditPercent: 20 },
      { upTo: { numerator: 3, denominator: 100 }, inclusive: true, creditPercent: 30 },
    ],
    aboveAllCreditPercent: 40,
  },
};

/** The credit for `downtimeMs` of counted downtime in a period of `periodMs`; both whole milliseconds. */
export function creditPercentFor(table: CreditTable, downtimeMs: number, periodMs: number): number {
  const downtime = BigInt(downtimeMs);
  const period = BigInt(periodMs);
  for (const band of table.bands) {
    const share = downtime * BigInt(band.upTo.denominator);
    const bound = BigInt(band.upTo.numerator) * period;
    if (share < bound || (band.inclusive && share === bound)) return band.creditPercent;
  }
  return table.aboveAllCreditPercent;
}
