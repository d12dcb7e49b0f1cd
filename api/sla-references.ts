import type { PolicyKind } from '../generated/prisma/enums';
import type { Database } from '../platform/database';
import { calendarsOf } from '../store/sla-config';
import type { ChangeRequestPolicy, ClaimPolicy, TicketPolicy } from '../sla/policy';

/** Every calendar a stored plan-terms document counts on. */
export function calendarsNamedBy(kind: PolicyKind, definition: unknown): string[] {
  switch (kind) {
    case 'ticket':
      return calendarsOf(definition as TicketPolicy);
    case 'claim':
      return [(definition as ClaimPolicy).initialResponse.calendar];
    case 'change_request': {
      const terms = definition as ChangeRequestPolicy;
      return [...new Set([terms.calendar, terms.reviewDeadline.calendar])];
    }
    case 'entitlements':
      return [];
  }
}

export async function knownCalendarKeys(db: Database): Promise<Set<string>> {
  return new Set((await db.calendar.findMany({ select: { key: true } })).map((row) => row.key));
}

/** The plan terms that count on `calendarKey`, as "kind key" labels for a 409. */
export async function policiesNamingCalendar(db: Database, calendarKey: string): Promise<string[]> {
  const rows = await db.policy.findMany({
    select: { kind: true, key: true, definition: true },
    orderBy: [{ kind: 'asc' }, { key: 'asc' }],
  });
  return rows
    .filter((row) => calendarsNamedBy(row.kind, row.definition).includes(calendarKey))
    .map((row) => `${row.kind} ${row.key}`);
}
