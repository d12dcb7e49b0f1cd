/**
 * A ticket's assignee is a person: a staff user of the ticket's vendor who works tickets. The
 * workflow records what it was given (`assign` carries a user id since issue 15); tickets assigned
 * before that hold free text, which names a person when it matches exactly one such user by id,
 * name or e-mail (the rule of migration 20261207400000_ticket_assignee_user), and otherwise stays
 * visible as text with no person behind it.
 */
import type { Database } from '../platform/database';

/** The roles that work tickets (the ticket commands' staff): only they can be assignees. */
export const ASSIGNABLE_ROLES = ['agent', 'manager', 'admin'] as const;

export interface Assignee {
  /** The person, or null for no assignee or free text that names nobody. */
  userId: string | null;
  /** The person's name, or the free text; null when unassigned. */
  name: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who `assignee` (as the workflow recorded it) is, on a ticket of this vendor's product. */
export async function resolveAssignee(db: Database, assignee: string | null, vendorId: string): Promise<Assignee> {
  if (assignee === null) return { userId: null, name: null };
  const text = assignee.trim();
  if (UUID.test(text)) {
    // An id the API checked when it was assigned: the person even if they were disabled since.
    const user = await db.user.findFirst({
      where: { id: text.toLowerCase(), OR: [{ vendorId }, { vendorId: null }] },
      select: { id: true, name: true },
    });
    if (user) return { userId: user.id, name: user.name };
  }
  const matches = await db.user.findMany({
    where: {
      vendorId,
      role: { in: [...ASSIGNABLE_ROLES] },
      disabledAt: null,
      OR: [{ name: { equals: text, mode: 'insensitive' } }, { email: { equals: text.toLowerCase() } }],
    },
    select: { id: true, name: true },
    take: 2,
  });
  return matches.length === 1 ? { userId: matches[0]!.id, name: matches[0]!.name } : { userId: null, name: assignee };
}

/**
 * Why a user cannot be assigned a ticket of this vendor, or null when they can: they must exist,
 * work tickets, be enabled and be staff of the vendor (or of no vendor, as they see every vendor's work).
 */
export async function assigneeRefusal(db: Database, userId: string, vendorId: string): Promise<string | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { role: true, vendorId: true, disabledAt: true, name: true },
  });
  if (!user) return 'is not a known user';
  if (!(ASSIGNABLE_ROLES as readonly string[]).includes(user.role))
    return `names ${user.name}, a ${user.role} user: only staff who work tickets (agent, manager, admin) can be assignees`;
  if (user.disabledAt) return `names ${user.name}, whose account is disabled`;
  // Staff of no vendor (users of keys made before users had vendors) work every vendor's tickets.
  if (user.vendorId !== null && user.vendorId !== vendorId)
    return `names ${user.name}, who is not staff of this ticket's vendor`;
  return null;
}
