import type { ActivityDeps } from './index';
import { maintenanceAnnounced, outageNoticeOverdue, outageUnannounced } from './notifications/claim-messages';
import type { NotifyRequest } from './notifications/outbox';

/** The outage workflow's I/O; every message has a dedupe key, so a retry never sends twice. */
export function createOutageActivities(deps: ActivityDeps & { notify: (request: NotifyRequest) => Promise<unknown> }) {
  const { db, notify } = deps;

  return {
    /**
     * Tells every customer with a contract on the product that runs during the window. Answers
     * how many customers were told.
     */
    async announceMaintenance({ outageId }: { outageId: string }): Promise<number> {
      const outage = await db.outage.findUniqueOrThrow({ where: { id: outageId }, include: { product: true } });
      const windowEnd = outage.endedAt ?? outage.startedAt;
      const contracts = await db.contract.findMany({
        where: { productId: outage.productId, startsAt: { lte: windowEnd }, endsAt: { gt: outage.startedAt } },
        select: { customerId: true },
        distinct: ['customerId'],
      });
      const message = maintenanceAnnounced({
        productName: outage.product.nameFa,
        startMs: outage.startedAt.getTime(),
        endMs: outage.endedAt?.getTime() ?? null,
        description: outage.description,
      });
      for (const { customerId } of contracts) {
        await notify({
          dedupeKey: `outage:${outage.id}:announcement:${customerId}`,
          channel: 'email',
          category: 'informational',
          audience: 'customer',
          customerId,
          recipient: { kind: 'customer' },
          subject: message.subject,
          body: message.body,
          subjectRef: `outage:${outage.id}`,
        });
      }
      return contracts.length;
    },

    /**
     * Seed 001 (rule 14): tells every customer with a contract on the product running when an
     * unplanned outage began, at once, as an emergency by SMS. The outbox applies each customer's
     * preference: "no messages" needs a manager's approval, and a customer who allows no SMS
     * address gets the failure recorded. Answers how many customers were told.
     */
    async notifyOutageCustomers({ outageId }: { outageId: string }): Promise<number> {
      const outage = await db.outage.findUniqueOrThrow({ where: { id: outageId }, include: { product: true } });
      const contracts = await db.contract.findMany({
        where: { productId: outage.productId, startsAt: { lte: outage.startedAt }, endsAt: { gt: outage.startedAt } },
        select: { customerId: true },
        distinct: ['customerId'],
      });
      const message = outageUnannounced({ productName: outage.product.nameFa, startMs: outage.startedAt.getTime(), description: outage.description });
      for (const { customerId } of contracts) {
        await notify({
          dedupeKey: `outage:${outage.id}:unplanned-notice:${customerId}`,
          channel: 'sms',
          category: 'emergency',
          audience: 'customer',
          customerId,
          recipient: { kind: 'customer' },
          subject: message.subject,
          body: message.body,
          subjectRef: `outage:${outage.id}`,
        });
      }
      return contracts.length;
    },

    /** Escalates a missing panel notice to the product department's manager; false when it was posted after all. */
    async escalateOutageNotice({ outageId, dueAtMs }: { outageId: string; dueAtMs: number }): Promise<boolean> {
      const outage = await db.outage.findUniqueOrThrow({ where: { id: outageId }, include: { product: true } });
      if (outage.panelNoticePostedAt) return false;
      const message = outageNoticeOverdue({
        outageId: outage.id,
        productName: outage.product.nameFa,
        startedAtMs: outage.startedAt.getTime(),
        dueAtMs,
        description: outage.description,
      });
      await notify({
        dedupeKey: `outage:${outage.id}:notice-overdue`,
        channel: 'sms',
        category: 'informational',
        audience: 'staff',
        role: 'manager',
        recipient: { kind: 'department_manager', departmentId: outage.product.departmentId },
        subject: message.subject,
        body: message.body,
        subjectRef: `outage:${outage.id}`,
      });
      return true;
    },
  };
}

export type OutageActivities = ReturnType<typeof createOutageActivities>;
