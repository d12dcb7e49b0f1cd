/**
 * Recorded outages and whether the vendor owes anything for them (the rule list under 001):
 * planned maintenance is excluded only when it was announced at least 48 hours ahead, otherwise
 * it is ordinary downtime; the customer-specific causes and causes outside the vendor's control
 * are excluded. Customer-specific outages concern only the customer named on them.
 */
import { computeAvailability, type AvailabilityReport, type OutageCause } from './availability';
import { creditTables, type CreditTable } from './credit-tables';

export const MAINTENANCE_NOTICE_MINUTES = 48 * 60;

/** Causes that concern one customer, who is named on the outage. */
export const CUSTOMER_SPECIFIC_CAUSES: ReadonlySet<OutageCause> = new Set([
  'customer_requested',
  'customer_violation',
  'non_payment_suspension',
]);

/** Why an outage does not count; also the reasons QA may give for rejecting a claim. */
export const EXCLUSIONS = [
  'planned_maintenance',
  'customer_requested',
  'customer_violation',
  'non_payment_suspension',
  'external_provider',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export interface RecordedOutage {
  id: string;
  startMs: number;
  /** Null while the outage goes on. */
  endMs: number | null;
  cause: OutageCause;
  /** The customer concerned, for customer-specific causes. */
  customerId: string | null;
  /** When planned maintenance was announced. */
  announcedAtMs: number | null;
}

/** Why the outage does not count, or null when it is downtime the vendor owes for. */
export function exclusionOf(outage: RecordedOutage): Exclusion | null {
  switch (outage.cause) {
    case 'unplanned':
      return null;
    case 'planned_maintenance':
      return announcedInTime(outage) ? 'planned_maintenance' : null;
    default:
      return outage.cause;
  }
}

export function announcedInTime(outage: RecordedOutage): boolean {
  return outage.announcedAtMs !== null && outage.startMs - outage.announcedAtMs >= MAINTENANCE_NOTICE_MINUTES * 60_000;
}

/** Product-wide outages concern everyone; customer-specific ones only the customer named. */
export function concernsCustomer(outage: RecordedOutage, customerId: string): boolean {
  return outage.customerId === null || outage.customerId === customerId;
}

export interface OutageLine {
  id: string;
  cause: OutageCause;
  exclusion: Exclusion | null;
  /** Minutes of the outage inside the period (before overlaps are merged). */
  minutesInPeriod: number;
}

export interface PeriodAvailability extends Omit<AvailabilityReport, 'creditPercent'> {
  /** Null where no credit table applies. */
  creditPercent: number | null;
  outages: OutageLine[];
}

/**
 * The availability of a period over recorded outages (overlaps once, exclusions removed) with a
 * line per outage that touches the period.
 */
export function periodAvailability(input: {
  periodStartMs: number;
  periodEndMs: number;
  outages: readonly RecordedOutage[];
  creditTable: CreditTable | null;
  asOfMs: number;
}): PeriodAvailability {
  const openEnd = Math.min(input.asOfMs, input.periodEndMs);
  const report = computeAvailability({
    periodStartMs: input.periodStartMs,
    periodEndMs: input.periodEndMs,
    asOfMs: openEnd,
    // Late-announced maintenance is ordinary downtime: it counts as an unplanned outage would.
    outages: input.outages.map((o) => ({ startMs: o.startMs, endMs: o.endMs, cause: exclusionOf(o) ?? 'unplanned' })),
    // computeAvailability always prices the downtime; without a table that price is dropped below.
    creditTable: input.creditTable ?? creditTables.owj,
  });
  const outages = input.outages
    .map((o) => {
      const start = Math.max(o.startMs, input.periodStartMs);
      const end = Math.min(o.endMs ?? openEnd, input.periodEndMs);
      return {
        id: o.id,
        cause: o.cause,
        exclusion: exclusionOf(o),
        minutesInPeriod: Math.max(0, end - start) / 60_000,
      };
    })
    .filter((line) => line.minutesInPeriod > 0);
  return { ...report, creditPercent: input.creditTable ? report.creditPercent : null, outages };
}
