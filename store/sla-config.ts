import type { CalendarSpec, OpenInterval, Weekday } from '../sla/calendar-spec';
import type { PlanEntitlements } from '../sla/entitlements';
import type { PolicyLookup } from '../sla/eligibility';
import type { ChangeRequestPolicy, ClaimPolicy, TicketPolicy } from '../sla/policy';
import type { PolicyKind } from '../generated/prisma/enums';
import type { Database } from '../platform/database';

/**
 * Reads SLA configuration (calendars with their holidays, plan terms) from the database into the
 * pure shapes of `sla/`, which workflows receive as snapshots.
 */
type Definitions = { ticket: TicketPolicy; claim: ClaimPolicy; change_request: ChangeRequestPolicy; entitlements: PlanEntitlements };

export class UnknownConfiguration extends Error {
  constructor(readonly what: string) {
    super(`${what} is not configured`);
    this.name = 'UnknownConfiguration';
  }
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export async function loadCalendarSpecs(db: Database, keys: readonly string[]): Promise<CalendarSpec[]> {
  const rows = await db.calendar.findMany({ where: { key: { in: [...new Set(keys)] } }, include: { exceptions: true } });
  const missing = keys.filter((key) => !rows.some((row) => row.key === key));
  if (missing.length > 0) throw new UnknownConfiguration(`calendar ${missing.join(', ')}`);
  const sets = [...new Set(rows.map((row) => row.holidaySet).filter((set): set is string => set !== null))];
  const holidays = sets.length === 0 ? [] : await db.holiday.findMany({ where: { set: { in: sets } }, orderBy: { date: 'asc' } });
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    timeZone: row.timeZone,
    week: row.week as unknown as Record<Weekday, OpenInterval[]>,
    holidayHours: row.holidayHours as unknown as OpenInterval[],
    holidays: holidays.filter((h) => h.set === row.holidaySet).map((h) => ({ date: isoDate(h.date), name: h.name })),
    exceptions: row.exceptions.map((e) => ({ date: isoDate(e.date), intervals: e.intervals as unknown as OpenInterval[] })),
  }));
}

export async function loadDefinition<K extends PolicyKind>(db: Database, kind: K, key: string): Promise<Definitions[K] | undefined> {
  const row = await db.policy.findUnique({ where: { kind_key: { kind, key } } });
  return row ? (row.definition as unknown as Definitions[K]) : undefined;
}

/** Every calendar a ticket policy's targets name. */
export function calendarsOf(policy: TicketPolicy): string[] {
  const keys = Object.values(policy.priorities).flatMap((p) => [p.firstResponse.calendar, p.resolution.calendar]);
  return [...new Set([...keys, policy.reviewDeadline.calendar])];
}

/** The plan terms for `keys`, loaded at once, as the synchronous lookup eligibility wants. */
export async function loadPolicyLookup(db: Database, keys: readonly string[]): Promise<PolicyLookup> {
  const rows = await db.policy.findMany({ where: { key: { in: [...new Set(keys)] } } });
  const find = <K extends PolicyKind>(kind: K, key: string) =>
    rows.find((row) => row.kind === kind && row.key === key)?.definition as unknown as Definitions[K] | undefined;
  return {
    ticketPolicy: (key) => find('ticket', key),
    claimPolicy: (key) => find('claim', key),
    entitlements: (key) => find('entitlements', key),
  };
}
