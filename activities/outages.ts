import type { ActivityDeps } from './index';
import { maintenanceAnnounced, outageNoticeOverdue, outageUnannounced } from './notifications/claim-messages';
import type { NotifyRequest } from './notifications/outbox';

/** The outage workflow's I/O; every message has a dedupe key, so a retry never sends twice. */
export function createOutageActivities(deps: ActivityDeps & { notify: (request: NotifyRequest) => Promise<unknown> }) {
  const { db, notify } = deps;

  /**
   * Tells every customer with a contract on the outage's product in force at some point of the
   * window, once each (the dedupe key names the purpose), and answers how many customers were told.
   */
  async function tellCustomersOnProduct(
    outage: { id: string; productId: string },
    window: { from: Date; to: Date },
    message: { subject: string; body: string },
    send: { purpose: string; channel: NotifyRequest['channel']; category: NotifyRequest['category'] },
  ): Promise<number> {
    const contracts = await db.contract.findMany({
      where: { productId: outage.productId, startsAt: { lte: window.to }, endsAt: { gt: window.from } },
      select: { customerId: true },
      distinct: ['customerId'],
    });
    for (const { customerId } of contracts) {
      await notify({
        dedupeKey: `outage:${outage.id}:${send.purpose}:${customerId}`,
        channel: send.channel,
        category: send.category,
        audience: 'customer',
        customerId,
        recipient: { kind: 'customer' },
        subject: message.subject,
        body: message.body,
        subjectRef: `outage:${outage.id}`,
      });
    }
    return contracts.length;
  }

  return {
    /**
     * Tells every customer with a contract on the product that runs during the window. Answers
     * how many customers were told.
     */
    async announceMaintenance({ outageId }: { outageId: string }): Promise<number> {
      const outage = await db.outage.findUniqueOrThrow({ where: { id: outageId }, include: { product: true } });
      const message = maintenanceAnnounced({
        productName: outage.product.nameFa,
        startMs: outage.startedAt.getTime(),
        endMs: outage.endedAt?.getTime() ?? null,
        description: outage.description,
      });
      const window = { from: outage.startedAt, to: outage.endedAt ?? outage.startedAt };
      return tellCustomersOnProduct(outage, window, message, {
        purpose: 'announcement',
        channel: 'email',
        category: 'informational',
      });
    },

    /**
     * Seed 001 (rule 14): tells every customer with a contract on the product running when an
     * unplanned outage began, at once, as an emergency by SMS. The outbox applies each customer's
     * preference: "no messages" needs a manager's approval, and a customer who allows no SMS
     * address gets the failure recorded. Answers how many customers were told.
     */
    async notifyOutageCustomers({ outageId }: { outageId: string }): Promise<number> {
      const outage = await db.outage.findUniqueOrThrow({ where: { id: outageId }, include: { product: true } });
      const message = outageUnannounced({
        productName: outage.product.nameFa,
        startMs: outage.startedAt.getTime(),
        description: outage.description,
      });
      const window = { from: outage.startedAt, to: outage.startedAt };
      return tellCustomersOnProduct(outage, window, message, {
        purpose: 'unplanned-notice',
        channel: 'sms',
        category: 'emergency',
      });
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
