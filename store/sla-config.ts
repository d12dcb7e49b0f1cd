import type { CalendarSpec } from '../sla/calendar-spec';
import type { PolicyLookup } from '../sla/eligibility';
import type { TicketPolicy } from '../sla/policy';
import type { PolicyKind } from '../generated/prisma/enums';
import type { Database } from '../platform/database';
import { openIntervals, readColumn, readDefinition, weekColumn, type Definitions } from './json-columns';

/**
 * Reads SLA configuration (calendars with their holidays, plan terms) from the database into the
 * pure shapes of `sla/`, which workflows receive as snapshots.
 */

export class UnknownConfiguration extends Error {
  constructor(readonly what: string) {
    super(`${what} is not configured`);
    this.name = 'UnknownConfiguration';
  }
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export async function loadCalendarSpecs(db: Database, keys: readonly string[]): Promise<CalendarSpec[]> {
  const rows = await db.calendar.findMany({
    where: { key: { in: [...new Set(keys)] } },
    include: { exceptions: true },
  });
  const missing = keys.filter((key) => !rows.some((row) => row.key === key));
  if (missing.length > 0) throw new UnknownConfiguration(`calendar ${missing.join(', ')}`);
  const sets = [...new Set(rows.map((row) => row.holidaySet).filter((set): set is string => set !== null))];
  const holidays =
    sets.length === 0 ? [] : await db.holiday.findMany({ where: { set: { in: sets } }, orderBy: { date: 'asc' } });
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    timeZone: row.timeZone,
    week: readColumn(weekColumn, row.week, { table: 'calendar', id: row.key, column: 'week' }),
    holidayHours: readColumn(openIntervals, row.holidayHours, {
      table: 'calendar',
      id: row.key,
      column: 'holidayHours',
    }),
    holidays: holidays.filter((h) => h.set === row.holidaySet).map((h) => ({ date: isoDate(h.date), name: h.name })),
    exceptions: row.exceptions.map((e) => ({
      date: isoDate(e.date),
      intervals: readColumn(openIntervals, e.intervals, {
        table: 'calendar exception',
        id: `${row.key}/${isoDate(e.date)}`,
        column: 'intervals',
      }),
    })),
  }));
}

export async function loadDefinition<K extends PolicyKind>(
  db: Database,
  kind: K,
  key: string,
): Promise<Definitions[K] | undefined> {
  const row = await db.policy.findUnique({ where: { kind_key: { kind, key } } });
  return row ? readDefinition({ ...row, kind }) : undefined;
}

/** Every calendar a ticket policy's targets name. */
export function calendarsOf(policy: TicketPolicy): string[] {
  const keys = Object.values(policy.priorities).flatMap((p) => [p.firstResponse.calendar, p.resolution.calendar]);
  return [...new Set([...keys, policy.reviewDeadline.calendar])];
}

/** The plan terms for `keys`, loaded at once, as the synchronous lookup eligibility wants. */
export async function loadPolicyLookup(db: Database, keys: readonly string[]): Promise<PolicyLookup> {
  const rows = await db.policy.findMany({ where: { key: { in: [...new Set(keys)] } } });
  const find = <K extends PolicyKind>(kind: K, key: string): Definitions[K] | undefined => {
    const row = rows.find((r) => r.kind === kind && r.key === key);
    return row ? readDefinition({ ...row, kind }) : undefined;
  };
  return {
    ticketPolicy: (key) => find('ticket', key),
    claimPolicy: (key) => find('claim', key),
    entitlements: (key) => find('entitlements', key),
  };
}
