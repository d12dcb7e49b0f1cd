import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Outage, Prisma } from '../../generated/prisma/client';
import { OUTAGE_CAUSES } from '../../sla/availability';
import { formatJalali } from '../../sla/jalali';
import { announcedInTime, CUSTOMER_SPECIFIC_CAUSES, EXCLUSIONS, exclusionOf } from '../../sla/outages';
import * as outage from '../../workflows/outage';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { recordedOutage } from '../outage-rows';
import { defineRoute, idParams, keyOrIdParams } from '../route';
import { outagesVisibleTo, workProducts } from '../visibility';
import { startOnce } from '../services/workflow-command';
import { isoInstant } from '../schemas/common';
import { text } from '../text';
import { refuseProblems } from '../configuration-errors';
import { outageProblems } from '../../sla/outage-corrections';
import { iso, isoOrNull } from '../../sla/iso';

export const RECORDERS = ['agent', 'manager', 'admin'] as const;
export const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;

const description = text(2000);
const ms = (iso: string) => Date.parse(iso);

const createOutageBody = z
  .strictObject({
    productId: z.uuid(),
    startedAt: isoInstant,
    endedAt: isoInstant.nullable().default(null).describe('null while the outage goes on'),
    cause: z.enum(OUTAGE_CAUSES),
    customerId: z
      .uuid()
      .optional()
      .describe(
        'The customer concerned: required for customer_requested, customer_violation and non_payment_suspension, and only for them',
      ),
    description,
    announcedAt: isoInstant
      .optional()
      .describe(
        'Planned maintenance only: when it was announced (elsewhere); excluded from availability when at least 48 hours ahead',
      ),
    panelNoticePostedAt: isoInstant.optional().describe('When the customer-panel notice was posted, if it already was'),
  })
  .refine((b) => b.endedAt === null || ms(b.endedAt) > ms(b.startedAt), {
    message: 'must be after startedAt',
    path: ['endedAt'],
  })
  .refine((b) => CUSTOMER_SPECIFIC_CAUSES.has(b.cause) === (b.customerId !== undefined), {
    message: 'required for customer-specific causes and only for them',
    path: ['customerId'],
  })
  .refine((b) => b.announcedAt === undefined || b.cause === 'planned_maintenance', {
    message: 'only planned maintenance is announced',
    path: ['announcedAt'],
  });

const maintenanceWindowBody = z
  .strictObject({ startsAt: isoInstant, endsAt: isoInstant, description })
  .refine((b) => ms(b.endsAt) > ms(b.startsAt), { message: 'must be after startsAt', path: ['endsAt'] })
  .refine((b) => ms(b.startsAt) > Date.now(), {
    message: 'a window is announced before it starts',
    path: ['startsAt'],
  });

const instant = z.string().nullable();

export const outageResponse = z.object({
  id: z.uuid(),
  productId: z.uuid(),
  cause: z.enum(OUTAGE_CAUSES),
  customerId: z.uuid().nullable(),
  description: z.string(),
  startedAt: z.string(),
  startedAtJalali: z.string(),
  endedAt: instant,
  ongoing: z.boolean(),
  announcedAt: instant,
  announcedInTime: z.boolean().nullable().describe('Planned maintenance: announced at least 48 hours ahead'),
  exclusion: z
    .enum(EXCLUSIONS)
    .nullable()
    .describe('Why the outage does not count against availability; null when it counts'),
  panelNoticePostedAt: instant,
  panelNoticeDueAt: z.string(),
  workflowId: z.string().nullable(),
  voidedAt: instant.describe('Set when staff voided the outage: it counts nowhere'),
  corrections: z.number().int().describe('How many times staff corrected it (GET /v1/outages/:id/corrections)'),
});
type OutageResponse = z.infer<typeof outageResponse>;

/** Reads an outage with how many corrections it has had. */
export const withCorrections = { _count: { select: { corrections: true } } } satisfies Prisma.OutageInclude;

export function presentOutage(row: Outage & { _count?: { corrections: number } }): OutageResponse {
  const recorded = recordedOutage(row);
  return {
    id: row.id,
    productId: row.productId,
    cause: row.cause,
    customerId: row.customerId,
    description: row.description,
    startedAt: iso(recorded.startMs),
    startedAtJalali: formatJalali(recorded.startMs),
    endedAt: isoOrNull(row.endedAt),
    ongoing: row.endedAt === null,
    announcedAt: isoOrNull(row.announcedAt),
    announcedInTime: row.cause === 'planned_maintenance' ? announcedInTime(recorded) : null,
    exclusion: exclusionOf(recorded),
    panelNoticePostedAt: isoOrNull(row.panelNoticePostedAt),
    panelNoticeDueAt: iso(recorded.startMs + outage.PANEL_NOTICE_WITHIN_MINUTES * 60_000),
    workflowId: row.workflowId,
    voidedAt: isoOrNull(row.voidedAt),
    corrections: row._count?.corrections ?? 0,
  };
}

export async function getOutageOrThrow(deps: AppDeps, id: string, principal: Principal): Promise<Outage> {
  const row = await deps.db.outage.findFirst({
    where: { id, ...outagesVisibleTo(principal) },
    include: withCorrections,
  });
  if (!row) throw ApiError.notFound('outage', id);
  return row;
}

async function productOrThrow(deps: AppDeps, idOrKey: string) {
  const product = await deps.db.product.findFirst({
    where: z.uuid().safeParse(idOrKey).success ? { id: idOrKey } : { key: idOrKey },
  });
  if (!product) throw ApiError.notFound('product', idOrKey);
  return product;
}

/**
 * Stores the outage and starts its notice workflow. Customer-specific outages need no panel
 * notice (the customer concerned knows), so they have no workflow. If the start fails the row
 * stays without `workflowStartedAt` and the recovery sweep starts it.
 */
async function recordOutage(
  deps: AppDeps,
  data: Omit<Prisma.OutageUncheckedCreateInput, 'id' | 'workflowId' | 'announceToCustomers' | 'workflowStartedAt'>,
  announce: boolean,
): Promise<Outage> {
  const id = randomUUID();
  const workflowId = CUSTOMER_SPECIFIC_CAUSES.has(data.cause) ? null : `outage-${id}`;
  const row = await deps.db.outage.create({ data: { ...data, id, workflowId, announceToCustomers: announce } });
  return workflowId ? startOutageWorkflow(deps, row) : row;
}

/** Starts a stored outage's notice workflow unless it runs or ran, and notes that it was started. */
export async function startOutageWorkflow(deps: AppDeps, row: Outage): Promise<Outage> {
  if (!row.workflowId) return row;
  const noticePostedAt = row.panelNoticePostedAt ?? row.announcedAt;
  await startOnce(deps.temporal, outage.outageWorkflow, {
    workflowId: row.workflowId,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        outageId: row.id,
        startedAtMs: row.startedAt.getTime(),
        noticeWithinMinutes: outage.PANEL_NOTICE_WITHIN_MINUTES,
        noticePostedAtMs: noticePostedAt?.getTime() ?? null,
        announce: row.announceToCustomers,
        // Seed 001: an unplanned outage still running when recorded is told to the customers at once.
        notifyCustomers: row.cause === 'unplanned' && (row.endedAt === null || row.endedAt.getTime() > Date.now()),
      },
    ],
  });
  return deps.db.outage.update({ where: { id: row.id }, data: { workflowStartedAt: new Date() } });
}

const listQuery = z.strictObject({
  productId: z.uuid().optional(),
  cause: z.enum(OUTAGE_CAUSES).optional(),
  from: isoInstant.optional().describe('outages still going on at or after this instant'),
  to: isoInstant.optional().describe('outages that started before this instant'),
  ongoing: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const outageRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/outages',
    tag: 'outages',
    summary: 'Record an outage of a product (open while it goes on); its panel-notice deadline starts at once',
    roles: RECORDERS,
    body: createOutageBody,
    status: 201,
    errors: [422],
    response: outageResponse,
    handler: async ({ body, principal, deps }) => {
      // Staff record outages of their own vendor's (a manager's: their departments') products only.
      if (
        !(await deps.db.product.findFirst({ where: { AND: [{ id: body.productId }, workProducts(principal) ?? {}] } }))
      ) {
        throw new ApiError('unprocessable', `product ${body.productId} does not exist`, {
          invalidFields: [{ field: 'body.productId', reason: 'no such product' }],
        });
      }
      if (body.customerId && !(await deps.db.customer.findUnique({ where: { id: body.customerId } }))) {
        throw new ApiError('unprocessable', `customer ${body.customerId} does not exist`, {
          invalidFields: [{ field: 'body.customerId', reason: 'no such customer' }],
        });
      }
      refuseProblems(
        outageProblems(
          {
            startMs: ms(body.startedAt),
            endMs: body.endedAt === null ? null : ms(body.endedAt),
            cause: body.cause,
            customerId: body.customerId ?? null,
            announcedAtMs: body.announcedAt ? ms(body.announcedAt) : null,
          },
          Date.now(),
          deps.config.OUTAGE_END_MARGIN_MINUTES * 60_000,
        ),
      );
      const row = await recordOutage(
        deps,
        {
          productId: body.productId,
          startedAt: new Date(body.startedAt),
          endedAt: body.endedAt === null ? null : new Date(body.endedAt),
          cause: body.cause,
          customerId: body.customerId ?? null,
          description: body.description,
          announcedAt: body.announcedAt ? new Date(body.announcedAt) : null,
          panelNoticePostedAt: body.panelNoticePostedAt ? new Date(body.panelNoticePostedAt) : null,
        },
        false,
      );
      return presentOutage(row);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/products/:id/maintenance-windows',
    tag: 'outages',
    summary:
      'Plan a maintenance window and announce it now to every customer with a contract on the product (excluded from availability only when announced at least 48 hours ahead)',
    roles: RECORDERS,
    params: keyOrIdParams,
    body: maintenanceWindowBody,
    status: 201,
    response: outageResponse,
    handler: async ({ params, body, deps }) => {
      const product = await productOrThrow(deps, params.id);
      // The announcement is the customers' notice of this outage.
      const now = new Date();
      const row = await recordOutage(
        deps,
        {
          productId: product.id,
          startedAt: new Date(body.startsAt),
          endedAt: new Date(body.endsAt),
          cause: 'planned_maintenance',
          customerId: null,
          description: body.description,
          announcedAt: now,
          panelNoticePostedAt: now,
        },
        true,
      );
      return presentOutage(row);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/outages',
    tag: 'outages',
    summary: "Outages, latest first (a customer sees those of its products, without other customers' own)",
    roles: EVERYONE,
    query: listQuery,
    response: z.object({ items: z.array(outageResponse) }),
    handler: async ({ query, principal, deps }) => {
      const rows = await deps.db.outage.findMany({
        include: withCorrections,
        where: {
          AND: [
            outagesVisibleTo(principal),
            query.productId ? { productId: query.productId } : {},
            query.cause ? { cause: query.cause } : {},
            query.to ? { startedAt: { lt: new Date(query.to) } } : {},
            query.from ? { OR: [{ endedAt: null }, { endedAt: { gte: new Date(query.from) } }] } : {},
            query.ongoing === undefined ? {} : { endedAt: query.ongoing ? null : { not: null } },
          ],
        },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: query.limit,
      });
      return { items: rows.map(presentOutage) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/outages/:id',
    tag: 'outages',
    summary: 'One outage, with whether it counts against availability',
    roles: EVERYONE,
    params: idParams,
    response: outageResponse,
    handler: async ({ params, principal, deps }) => presentOutage(await getOutageOrThrow(deps, params.id, principal)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/outages/:id/close',
    tag: 'outages',
    summary: 'Record the end of an ongoing outage (now, or the instant given)',
    roles: RECORDERS,
    params: idParams,
    body: z.strictObject({ endedAt: isoInstant.optional() }),
    errors: [409, 422],
    response: outageResponse,
    handler: async ({ params, body, principal, deps }) => {
      const row = await getOutageOrThrow(deps, params.id, principal);
      const endedAt = body.endedAt ? new Date(body.endedAt) : new Date();
      if (row.voidedAt) throw new ApiError('conflict', 'the outage was voided', { reason: 'voided' });
      if (endedAt.getTime() > Date.now() + deps.config.OUTAGE_END_MARGIN_MINUTES * 60_000) {
        throw new ApiError(
          'validation_failed',
          `body.endedAt: must not be later than now plus ${deps.config.OUTAGE_END_MARGIN_MINUTES} minutes`,
          {
            invalidFields: [
              {
                field: 'body.endedAt',
                reason: `must not be later than now plus ${deps.config.OUTAGE_END_MARGIN_MINUTES} minutes`,
              },
            ],
          },
        );
      }
      if (endedAt.getTime() <= row.startedAt.getTime()) {
        throw new ApiError('unprocessable', `the end must be after the start (${iso(row.startedAt)})`, {
          invalidFields: [{ field: 'body.endedAt', reason: 'must be after the outage started' }],
        });
      }
      const { count } = await deps.db.outage.updateMany({ where: { id: row.id, endedAt: null }, data: { endedAt } });
      if (count === 0)
        throw new ApiError('conflict', `the outage already ended at ${isoOrNull(row.endedAt)}`, {
          reason: 'already_closed',
        });
      return presentOutage(await deps.db.outage.findUniqueOrThrow({ where: { id: row.id }, include: withCorrections }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/outages/:id/panel-notice',
    tag: 'outages',
    summary: 'Record that the outage notice was posted in the customer panel; this ends its 2-hour deadline',
    roles: RECORDERS,
    params: idParams,
    body: z.strictObject({ postedAt: isoInstant.optional() }),
    errors: [409],
    response: outageResponse,
    handler: async ({ params, body, principal, deps }) => {
      const row = await getOutageOrThrow(deps, params.id, principal);
      const postedAt = body.postedAt ? new Date(body.postedAt) : new Date();
      const { count } = await deps.db.outage.updateMany({
        where: { id: row.id, panelNoticePostedAt: null },
        data: { panelNoticePostedAt: postedAt },
      });
      if (count === 0)
        throw new ApiError('conflict', `the panel notice was already posted at ${isoOrNull(row.panelNoticePostedAt)}`, {
          reason: 'already_posted',
        });
      if (row.workflowId)
        await signalNotice(deps, row.workflowId, `${principal.role}:${principal.keyId}`, postedAt.getTime());
      return presentOutage(await deps.db.outage.findUniqueOrThrow({ where: { id: row.id }, include: withCorrections }));
    },
  }),
];

/** Ends the workflow's wait; once it has ended (it escalated already) the row alone keeps the fact. */
async function signalNotice(deps: AppDeps, workflowId: string, actor: string, postedAtMs: number): Promise<void> {
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(outage.panelNoticePosted, { actor, postedAtMs });
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}
