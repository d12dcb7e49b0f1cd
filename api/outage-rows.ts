import type { Outage, Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import type { RecordedOutage } from '../sla/outages';

/** An outage row in the shape the availability arithmetic reads. */
export function recordedOutage(row: Outage): RecordedOutage {
  return {
    id: row.id,
    startMs: row.startedAt.getTime(),
    endMs: row.endedAt?.getTime() ?? null,
    cause: row.cause,
    customerId: row.customerId,
    announcedAtMs: row.announcedAt?.getTime() ?? null,
  };
}

/** Product-wide outages plus, when a customer is named, the ones concerning that customer alone. */
export function concerning(customerId: string | null): Prisma.OutageWhereInput {
  return customerId === null ? {} : { OR: [{ customerId: null }, { customerId }] };
}

/** The product's outages that overlap [startMs, endMs), ongoing ones included, oldest first; voided ones never count. */
export function outagesTouching(
  db: Database,
  productId: string,
  startMs: number,
  endMs: number,
  customerId: string | null,
): Promise<Outage[]> {
  return db.outage.findMany({
    where: {
      productId,
      voidedAt: null,
      startedAt: { lt: new Date(endMs) },
      OR: [{ endedAt: null }, { endedAt: { gt: new Date(startMs) } }],
      AND: [concerning(customerId)],
    },
    orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
  });
}
