import {
  nextDeadlineAt,
  type ChangeRequestView,
  type CustomerDelay,
  type InvoiceSummary,
} from '../sla/change-request-clock';
import { contractYearAt, splitInvoice } from '../sla/customisation-hours';
export type { InvoiceSummary } from '../sla/change-request-clock';
import type { ActivityDeps } from './index';
import {
  changeRequestMessage,
  type ChangeRequestAudience,
  type ChangeRequestSubject,
} from './notifications/change-request-messages';
import type { NotifyRequest } from './notifications/outbox';
import { asJson } from '../platform/database';

export interface ChangeRequestEventRecord {
  changeRequestId: string;
  sequence: number;
  atMs: number;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

export interface ChangeRequestNotice {
  changeRequestId: string;
  event: string;
  sequence: number;
  data: Record<string, unknown>;
}

export interface InvoiceRequest {
  changeRequestId: string;
  acceptedAtMs: number;
  /** Decimal digits. */
  quotedRials: string;
  effortMinutes: number;
  /** The plan's included customisation hours per contract year. */
  includedCustomisationHours: number;
}

/** An invoice as workflows carry it: rials as decimal digits. */
const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

const AUDIENCES: readonly ChangeRequestAudience[] = ['customer', 'department'];

function summaryOf(row: {
  id: string;
  quotedRials: bigint;
  includedMinutesUsed: number;
  billedMinutes: number;
  amountRials: bigint;
}): InvoiceSummary {
  return {
    invoiceId: row.id,
    quotedRials: row.quotedRials.toString(),
    includedMinutesUsed: row.includedMinutesUsed,
    billedMinutes: row.billedMinutes,
    amountRials: row.amountRials.toString(),
  };
}

/**
 * The change-request workflow's I/O. Every activity is idempotent (unique keys, ids chosen by
 * the workflow, one invoice per request), so a retry or a replay never records, bills or sends
 * anything twice.
 */
export function createChangeRequestActivities(
  deps: ActivityDeps & { notify: (request: NotifyRequest) => Promise<unknown> },
) {
  const { db, notify } = deps;

  return {
    async recordChangeRequestEvent(event: ChangeRequestEventRecord): Promise<void> {
      await db.changeRequestEvent.createMany({
        data: [
          {
            changeRequestId: event.changeRequestId,
            sequence: event.sequence,
            at: new Date(event.atMs),
            actor: event.actor,
            type: event.type,
            data: asJson(event.data),
          },
        ],
        skipDuplicates: true,
      });
    },

    async syncChangeRequest(view: ChangeRequestView): Promise<void> {
      await db.changeRequest.update({
        where: { id: view.changeRequestId },
        data: {
          status: view.status,
          costRials: view.quote ? BigInt(view.quote.costRials) : null,
          effortMinutes: view.quote?.effortMinutes ?? null,
          quoteExpiresAt: dateOrNull(view.quote?.expiresAtMs ?? null),
          committedDeliveryAt: dateOrNull(view.committedDeliveryAtMs),
          deliveredAt: dateOrNull(view.deliveredAtMs),
          acceptedAt: dateOrNull(view.acceptedAtMs),
          acceptedBySilence: view.acceptedBySilence,
          deadlines: asJson(view.deadlines),
          nextDeadlineAt: dateOrNull(nextDeadlineAt(view.status, view.deadlines)),
        },
      });
    },

    async recordCustomerDelay(input: { changeRequestId: string; delay: CustomerDelay }): Promise<void> {
      const { delay } = input;
      await db.customerDelay.createMany({
        data: [
          {
            id: delay.id,
            changeRequestId: input.changeRequestId,
            startsAt: new Date(delay.startMs),
            endsAt: new Date(delay.endMs),
            recordedBy: delay.recordedBy,
            note: delay.note,
          },
        ],
        skipDuplicates: true,
      });
    },

    /**
     * The invoice for an accepted request, made once. The contract's row is locked while the
     * included hours already used this contract year are counted, so two acceptances at the
     * same moment cannot both spend the same hours.
     */
    async invoiceChangeRequest(input: InvoiceRequest): Promise<InvoiceSummary> {
      return db.$transaction(async (tx) => {
        const request = await tx.changeRequest.findUniqueOrThrow({
          where: { id: input.changeRequestId },
          include: { contract: true },
        });
        await tx.$queryRaw`SELECT id FROM contracts WHERE id = ${request.contractId}::uuid FOR UPDATE`;
        const existing = await tx.invoice.findUnique({ where: { changeRequestId: request.id } });
        if (existing) return summaryOf(existing);
        const year = contractYearAt(request.contract.startsAt.getTime(), input.acceptedAtMs);
        const used = await tx.invoice.aggregate({
          _sum: { includedMinutesUsed: true },
          where: {
            changeRequestId: { not: request.id },
            changeRequest: {
              contractId: request.contractId,
              acceptedAt: { gte: new Date(year.startMs), lt: new Date(year.endMs) },
            },
          },
        });
        const split = splitInvoice({
          quotedRials: BigInt(input.quotedRials),
          effortMinutes: input.effortMinutes,
          includedMinutesLeft: input.includedCustomisationHours * 60 - (used._sum.includedMinutesUsed ?? 0),
        });
        const row = await tx.invoice.create({
          data: { changeRequestId: request.id, customerId: request.customerId, ...split },
        });
        return summaryOf(row);
      });
    },

    /** The customer hears by e-mail, in Persian with Jalali dates; the department in its managers' inbox. */
    async notifyChangeRequestEvent(notice: ChangeRequestNotice): Promise<void> {
      const request = await db.changeRequest.findUniqueOrThrow({
        where: { id: notice.changeRequestId },
        include: { product: true, customer: true },
      });
      const subject: ChangeRequestSubject = {
        changeRequestId: request.id,
        title: request.title,
        customerName: request.customer.name,
        productName: request.product.nameFa,
        data: notice.data,
      };
      for (const audience of AUDIENCES) {
        const message = changeRequestMessage(notice.event, subject, audience);
        if (!message) continue;
        const dedupeKey = `change-request:${request.id}:event:${notice.sequence}:${audience}`;
        const common = {
          dedupeKey,
          category: 'informational',
          subject: message.subject,
          body: message.body,
          subjectRef: `change-request:${request.id}`,
        } as const;
        await notify(
          audience === 'customer'
            ? {
                ...common,
                channel: 'email',
                audience: 'customer',
                customerId: request.customerId,
                recipient: { kind: 'customer' },
              }
            : {
                ...common,
                channel: 'in_app',
                audience: 'staff',
                role: 'manager',
                recipient: { kind: 'department_manager', departmentId: request.product.departmentId },
              },
        );
      }
    },
  };
}

export type ChangeRequestActivities = ReturnType<typeof createChangeRequestActivities>;
