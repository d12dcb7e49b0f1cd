/**
 * What a support plan entitles the customer to (Pasban rule 10: monthly quotas
 * count per Jalali month in Tehran), and the arithmetic of Kian's hourly
 * packages.
 */
import { contractYearAt } from './customisation-hours';
import { jalaliDateAt, jalaliMonthRange, jalaliYearRange } from './jalali';
import type { Priority } from './policy';

/** Every kind of allowance a plan can grant; listed once, here, for the types and the API schemas. */
export const ALLOWANCE_KINDS = [
  'tickets',
  'reinstalls',
  'on_site_visits',
  'on_site_hours',
  'on_site_installs',
  'remote_installs',
  'training_sessions',
  'training_hours',
  'customisation_hours',
  'review_visits',
  'periodic_visits',
] as const;

export type AllowanceKind = (typeof ALLOWANCE_KINDS)[number];

export interface Allowance {
  amount: number | 'unlimited';
  per: 'jalali_month' | 'contract_year';
}

export interface PlanEntitlements {
  /** A kind that is not listed is not included in the plan. */
  allowances: Partial<Record<AllowanceKind, Allowance>>;
  channels: ('ticket' | 'phone')[];
  remoteConnection: boolean;
  dedicatedSupportPerson: boolean;
  technicalManager: boolean;
  /** Conditions on on-site visits, or null where the plan has none. */
  onSite: { priorities: Priority[]; tehranOnly: boolean; dispatchRank: number | null } | null;
  /** Whether the customer may buy hourly packages (Kian: projects only). */
  hourlyPackages: boolean;
}

/** How a ticket arrives; the portal, e-mail and the API are all the plan's "ticket" channel. */
export type TicketChannel = 'portal' | 'email' | 'phone' | 'api';

/**
 * Whether the plan offers the channel a ticket arrived through (Pasban rule 12): Kian Bronze
 * takes tickets only, so a ticket taken by phone is refused; phone is Silver's and Gold's.
 */
export function channelOffered(entitlements: PlanEntitlements, channel: TicketChannel): boolean {
  return entitlements.channels.includes(channel === 'phone' ? 'phone' : 'ticket');
}

export function remainingAllowance(
  entitlements: PlanEntitlements,
  kind: AllowanceKind,
  used: number,
): number | 'unlimited' {
  const allowance = entitlements.allowances[kind];
  if (!allowance) return 0;
  if (allowance.amount === 'unlimited') return 'unlimited';
  return Math.max(0, allowance.amount - used);
}

/** The Tehran Jalali month that monthly quotas count in at `nowMs`. */
export function quotaMonthOf(nowMs: number): { startMs: number; endMs: number } {
  const { year, month } = jalaliDateAt(nowMs);
  return jalaliMonthRange(year, month);
}

export interface HourlyPackageTerms {
  minimumMinutesPerTicket: number;
  /** Consumed every month whether used or not. */
  minimumMonthlyMinutes: number;
  /** Share of the purchased hours that may be requested in one Jalali month. */
  monthlyRequestCapPercent: number;
  /** Packages bought from this Jalali month on keep their hours into the next year. */
  carryOverFromMonth: number;
}

export const KIAN_HOURLY_TERMS: HourlyPackageTerms = {
  minimumMinutesPerTicket: 30,
  minimumMonthlyMinutes: 5 * 60,
  monthlyRequestCapPercent: 20,
  carryOverFromMonth: 10,
};

export interface HourlyPackage {
  id: string;
  purchasedAtMs: number;
  hours: number;
}

export interface BilledTicket {
  atMs: number;
  /** Already billable, see billableMinutesForTicket. */
  minutes: number;
}

/** Worked minutes rounded up to whole minutes, and never less than the per-ticket minimum. */
export function billableMinutesForTicket(workedMinutes: number, terms: HourlyPackageTerms = KIAN_HOURLY_TERMS): number {
  return Math.max(terms.minimumMinutesPerTicket, Math.ceil(workedMinutes));
}

/** What a finished month consumes: what was requested, at least the monthly minimum, at most what is left. */
export function monthlyHourCharge(
  requestedMinutes: number,
  balanceMinutes: number,
  terms: HourlyPackageTerms = KIAN_HOURLY_TERMS,
): number {
  return Math.min(balanceMinutes, Math.max(terms.minimumMonthlyMinutes, requestedMinutes));
}

export function monthlyRequestCapMinutes(
  purchasedHours: number,
  terms: HourlyPackageTerms = KIAN_HOURLY_TERMS,
): number {
  return Math.floor((purchasedHours * 60 * terms.monthlyRequestCapPercent) / 100);
}

/**
 * Hours expire at the end of the Jalali year of purchase, never more than one year after purchase
 * (Pasban rule 10). Those bought in the year's last three months (Dey, Bahman, Esfand) move into
 * the new year, re-priced at its rate, and expire one year after purchase (the Jalali anniversary,
 * same Tehran clock time).
 */
export function hourlyPackageExpiry(purchasedAtMs: number, terms: HourlyPackageTerms = KIAN_HOURLY_TERMS): number {
  const { year, month } = jalaliDateAt(purchasedAtMs);
  if (month >= terms.carryOverFromMonth) return contractYearAt(purchasedAtMs, purchasedAtMs).endMs;
  return Math.min(jalaliYearRange(year).endMs, contractYearAt(purchasedAtMs, purchasedAtMs).endMs);
}

/** Whether a package's remaining hours move into the next Jalali year, re-priced at that year's rate, and from when. */
export function hourlyPackageCarryOver(
  purchasedAtMs: number,
  terms: HourlyPackageTerms = KIAN_HOURLY_TERMS,
): { carriesOver: boolean; repricedFromMs: number | null } {
  const { year, month } = jalaliDateAt(purchasedAtMs);
  return month >= terms.carryOverFromMonth
    ? { carriesOver: true, repricedFromMs: jalaliYearRange(year).endMs }
    : { carriesOver: false, repricedFromMs: null };
}

export interface RecordedWork {
  atMs: number;
  minutes: number;
  /** `ticket:<id>` for hours worked on a ticket; other uses are billed one by one. */
  reference: string | null;
}

/**
 * The tickets billed against a package (rule 11): a ticket's recorded minutes add up and the
 * ticket is billed at least the per-ticket minimum once, in the month its first record falls in.
 */
export function billedTicketsOf(
  records: readonly RecordedWork[],
  terms: HourlyPackageTerms = KIAN_HOURLY_TERMS,
): BilledTicket[] {
  const byTicket = new Map<string, { atMs: number; minutes: number }>();
  const billed: BilledTicket[] = [];
  for (const record of records) {
    if (!record.reference?.startsWith('ticket:')) {
      billed.push({ atMs: record.atMs, minutes: billableMinutesForTicket(record.minutes, terms) });
      continue;
    }
    const current = byTicket.get(record.reference);
    byTicket.set(
      record.reference,
      current
        ? { atMs: Math.min(current.atMs, record.atMs), minutes: current.minutes + record.minutes }
        : { atMs: record.atMs, minutes: record.minutes },
    );
  }
  for (const ticket of byTicket.values())
    billed.push({ atMs: ticket.atMs, minutes: billableMinutesForTicket(ticket.minutes, terms) });
  return billed.sort((a, b) => a.atMs - b.atMs);
}

export interface HourlyBalance {
  availableMinutes: number;
  chargedMinutes: number;
  expiredMinutes: number;
  requestedThisMonthMinutes: number;
  monthlyCapMinutes: number;
}

/**
 * The balance at `asOfMs`, month by month from the first purchase. Finished
 * months consume monthlyHourCharge; the current month consumes what has been
 * requested so far (its minimum settles when it ends). Hours are drawn from
 * the package that expires first.
 */
export function hourlyBalance(input: {
  packages: readonly HourlyPackage[];
  billedTickets: readonly BilledTicket[];
  asOfMs: number;
  terms?: HourlyPackageTerms;
}): HourlyBalance {
  const terms = input.terms ?? KIAN_HOURLY_TERMS;
  const lots = input.packages
    .filter((pkg) => pkg.purchasedAtMs <= input.asOfMs)
    .map((pkg) => ({ ...pkg, remaining: pkg.hours * 60, expiresAtMs: hourlyPackageExpiry(pkg.purchasedAtMs, terms) }))
    .sort((a, b) => a.expiresAtMs - b.expiresAtMs || a.purchasedAtMs - b.purchasedAtMs);
  const balance = {
    availableMinutes: 0,
    chargedMinutes: 0,
    expiredMinutes: 0,
    requestedThisMonthMinutes: 0,
    monthlyCapMinutes: 0,
  };
  if (lots.length === 0) return balance;

  let { year, month } = jalaliDateAt(Math.min(...lots.map((lot) => lot.purchasedAtMs)));
  for (;;) {
    const { startMs, endMs } = jalaliMonthRange(year, month);
    const finished = endMs <= input.asOfMs;
    const usable = lots.filter((lot) => lot.purchasedAtMs < endMs && lot.expiresAtMs >= endMs);
    const requested = input.billedTickets
      .filter((ticket) => ticket.atMs >= startMs && ticket.atMs < endMs && ticket.atMs <= input.asOfMs)
      .reduce((sum, ticket) => sum + ticket.minutes, 0);
    const available = usable.reduce((sum, lot) => sum + lot.remaining, 0);
    let charge = finished ? monthlyHourCharge(requested, available, terms) : Math.min(requested, available);
    balance.chargedMinutes += charge;
    for (const lot of usable) {
      const drawn = Math.min(lot.remaining, charge);
      lot.remaining -= drawn;
      charge -= drawn;
    }
    if (!finished) {
      balance.requestedThisMonthMinutes = requested;
      balance.availableMinutes = usable.reduce((sum, lot) => sum + lot.remaining, 0);
      balance.monthlyCapMinutes = monthlyRequestCapMinutes(
        usable.reduce((sum, lot) => sum + lot.hours, 0),
        terms,
      );
      return balance;
    }
    for (const lot of lots.filter((candidate) => candidate.expiresAtMs <= endMs)) {
      balance.expiredMinutes += lot.remaining;
      lot.remaining = 0;
    }
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year += 1;
  }
}
