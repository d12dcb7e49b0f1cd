/**
 * A period's availability and the credit it earns (Pasban rule 7): outages
 * are clipped to the period, overlapping outages count once, and time covered
 * by an excluded cause does not count even when another outage record covers
 * it too (the rule list under 001: the vendor owes nothing for that time).
 */
import { creditPercentFor, type CreditTable } from './credit-tables';
import { clipSpans, mergeSpans, subtractSpans, totalLength, type Span } from './intervals';

export const OUTAGE_CAUSES = [
  'unplanned',
  'planned_maintenance',
  'customer_requested',
  'customer_violation',
  'non_payment_suspension',
  'external_provider',
] as const;
export type OutageCause = (typeof OUTAGE_CAUSES)[number];

export const COUNTED_CAUSES: ReadonlySet<OutageCause> = new Set(['unplanned']);

export interface Outage {
  startMs: number;
  /** Null while the outage goes on. */
  endMs: number | null;
  cause: OutageCause;
}

export interface AvailabilityInput {
  periodStartMs: number;
  periodEndMs: number;
  outages: readonly Outage[];
  creditTable: CreditTable;
  /** Where ongoing outages stop counting; the period's end by default. */
  asOfMs?: number;
}

export interface AvailabilityReport {
  periodMinutes: number;
  downtimeMinutes: number;
  /** Outages that overlap the period, by whether their cause counts. */
  countedOutages: number;
  excludedOutages: number;
  availabilityPercent: number;
  creditPercent: number;
}

const MS_PER_MINUTE = 60_000;

export function computeAvailability(input: AvailabilityInput): AvailabilityReport {
  const { periodStartMs, periodEndMs } = input;
  if (!(periodEndMs > periodStartMs)) throw new RangeError('the period must end after it starts');
  const openEnd = Math.min(input.asOfMs ?? periodEndMs, periodEndMs);
  const inPeriod = input.outages
    .map((outage) => ({
      outage,
      span: clipSpans([{ start: outage.startMs, end: outage.endMs ?? openEnd }], periodStartMs, periodEndMs)[0]!,
    }))
    .filter(({ span }) => span.end > span.start);
  const counted = inPeriod.filter(({ outage }) => COUNTED_CAUSES.has(outage.cause));
  const excluded = inPeriod.filter(({ outage }) => !COUNTED_CAUSES.has(outage.cause));
  const downtimeMs = totalLength(subtractSpans(mergeSpans(spansOf(counted)), mergeSpans(spansOf(excluded))));
  const periodMs = periodEndMs - periodStartMs;
  return {
    periodMinutes: periodMs / MS_PER_MINUTE,
    downtimeMinutes: downtimeMs / MS_PER_MINUTE,
    countedOutages: counted.length,
    excludedOutages: excluded.length,
    availabilityPercent: (100 * (periodMs - downtimeMs)) / periodMs,
    creditPercent: creditPercentFor(input.creditTable, downtimeMs, periodMs),
  };
}

function spansOf(entries: readonly { span: Span }[]): Span[] {
  return entries.map(({ span }) => span);
}
