import { WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import { z } from 'zod';
import type { Outage, OutageCorrection, Prisma } from '../../generated/prisma/client';
import { OUTAGE_CAUSES } from '../../sla/availability';
import { corrected, outageProblems, type OutageFacts } from '../../sla/outage-corrections';
import * as claim from '../../workflows/claim';
import * as outage from '../../workflows/outage';
import { reassessedComputation } from '../claim-filing';
import { computationOf, factsOf, type ClaimComputation } from '../claim-records';
import { refuseProblems } from '../configuration-errors';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, idParams } from '../route';
import { isoInstant } from '../schemas/common';
import { actorNames, actorResponse } from '../visibility';
import { EVERYONE, getOutageOrThrow, outageResponse, presentOutage, RECORDERS, withCorrections } from './outages';
import { text } from '../text';
import { iso } from '../../sla/iso';

/**
 * Corrections of a recorded outage (issue 12, item 11): new times, cause or customer, or voiding
 * it, always with a reason. Each is kept as the outage's audit trail. Open claims citing the
 * outage are judged again at once (their workflow takes the new facts and records
 * `reassessed`); decided claims keep their decision and list the correction. The outage's own
 * notice workflow hears of it too: a moved start moves the notice deadline, a voided outage needs
 * no notice.
 */

const correctionBody = z
  .strictObject({
    reason: text(2000).describe('Why the record was wrong; kept in the audit trail'),
    startedAt: isoInstant.optional(),
    endedAt: isoInstant.nullable().optional().describe('null makes the outage ongoing again'),
    cause: z.enum(OUTAGE_CAUSES).optional(),
    customerId: z.uuid().nullable().optional().describe('The customer concerned, for customer-specific causes'),
    description: text(2000).optional(),
    void: z.literal(true).optional().describe('The outage never happened as recorded: it counts nowhere from now on'),
  })
  .refine((b) => b.void === undefined || Object.keys(b).every((key) => key === 'void' || key === 'reason'), {
    message: 'voiding changes nothing else: give only reason',
    path: ['void'],
  })
  .refine((b) => Object.keys(b).some((key) => key !== 'reason'), {
    message: 'name what to correct (startedAt, endedAt, cause, customerId, description) or void',
    path: ['reason'],
  });

const recorded = z.object({
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  cause: z.enum(OUTAGE_CAUSES),
  customerId: z.uuid().nullable(),
  description: z.string(),
  voided: z.boolean(),
});

const correctionResponse = z.object({
  id: z.uuid(),
  outageId: z.uuid(),
  correctedBy: actorResponse,
  reason: z.string(),
  voided: z.boolean(),
  before: recorded,
  after: recorded,
  claimsReassessed: z.number().int().describe('Open claims citing the outage, judged again on the correction'),
  claimsDecided: z
    .number()
    .int()
    .describe('Decided claims citing the outage: they keep their decision and list the correction'),
  createdAt: z.string(),
});

type Recorded = z.infer<typeof recorded>;

/** What a correction note on a claim says (claims list them as `outageCorrections`). */
type ClaimCorrectionNote = NonNullable<ClaimComputation['corrections']>[number];

const snapshot = (row: Outage): Recorded => ({
  startedAt: iso(row.startedAt),
  endedAt: row.endedAt && iso(row.endedAt),
  cause: row.cause,
  customerId: row.customerId,
  description: row.description,
  voided: row.voidedAt !== null,
});

const factsOfRow = (row: Outage): OutageFacts => ({
  startMs: row.startedAt.getTime(),
  endMs: row.endedAt?.getTime() ?? null,
  cause: row.cause,
  customerId: row.customerId,
  announcedAtMs: row.announcedAt?.getTime() ?? null,
});

async function presentCorrections(deps: AppDeps, rows: OutageCorrection[]) {
  const names = await actorNames(
    deps.db,
    rows.map((row) => row.correctedBy),
  );
  return rows.map((row) => ({
    ...row,
    correctedBy: names(row.correctedBy),
    before: row.before as Recorded,
    after: row.after as Recorded,
    createdAt: iso(row.createdAt),
  }));
}

/** The outage as corrected, checked whole: 400 naming each field at fault. */
async function correctedData(
  deps: AppDeps,
  row: Outage,
  body: z.infer<typeof correctionBody>,
): Promise<Prisma.OutageUpdateInput> {
  if (body.void) return { voidedAt: new Date() };
  const next = corrected(factsOfRow(row), {
    startMs: body.startedAt === undefined ? undefined : Date.parse(body.startedAt),
    endMs: body.endedAt === undefined ? undefined : body.endedAt === null ? null : Date.parse(body.endedAt),
    cause: body.cause,
    customerId: body.customerId,
  });
  refuseProblems(outageProblems(next, Date.now(), deps.config.OUTAGE_END_MARGIN_MINUTES * 60_000));
  if (
    next.customerId &&
    next.customerId !== row.customerId &&
    !(await deps.db.customer.findUnique({ where: { id: next.customerId } }))
  ) {
    throw new ApiError('unprocessable', `customer ${next.customerId} does not exist`, {
      invalidFields: [{ field: 'body.customerId', reason: 'no such customer' }],
    });
  }
  return {
    startedAt: new Date(next.startMs),
    endedAt: next.endMs === null ? null : new Date(next.endMs),
    cause: next.cause,
    customer: next.customerId === null ? { disconnect: true } : { connect: { id: next.customerId } },
    announcedAt: next.announcedAtMs === null ? null : new Date(next.announcedAtMs),
    ...(body.description !== undefined && { description: body.description }),
  };
}

/** Judges every claim citing the outage again; answers how many were reassessed and how many kept their decision. */
async function reassessClaims(
  deps: AppDeps,
  correction: OutageCorrection,
  actor: string,
): Promise<{ reassessed: number; decided: number }> {
  const claims = await deps.db.claim.findMany({
    where: { outages: { some: { outageId: correction.outageId } } },
    orderBy: { receivedAt: 'asc' },
  });
  let reassessed = 0;
  for (const row of claims) {
    const open = row.status === 'received' || row.status === 'acknowledged';
    const note: ClaimCorrectionNote = {
      correctionId: correction.id,
      outageId: correction.outageId,
      atMs: correction.createdAt.getTime(),
      reason: correction.reason,
      voided: correction.voided,
      reassessed: open,
    };
    const computation: ClaimComputation = open
      ? await reassessedComputation(deps, row, Date.now())
      : computationOf(row);
    const notes = [...(computationOf(row).corrections ?? []), note];
    await deps.db.claim.update({
      where: { id: row.id },
      data: { computation: { ...computation, corrections: notes } as never },
    });
    if (!open) continue;
    reassessed++;
    await signal(deps, row.workflowId, claim.outageCorrected, {
      actor,
      outageId: correction.outageId,
      correctionId: correction.id,
      reason: correction.reason,
      facts: factsOf(computation),
    });
  }
  return { reassessed, decided: claims.length - reassessed };
}

/** Tells a workflow; one that has ended (a decided claim, a notice already escalated) has nothing to change. */
async function signal<A extends unknown[]>(
  deps: AppDeps,
  workflowId: string,
  definition: SignalDefinition<A>,
  ...args: A
): Promise<void> {
  try {
    await deps.temporal.workflow.getHandle(workflowId).signal(definition, ...args);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

export const outageCorrectionRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/outages/:id/corrections',
    tag: 'outages',
    summary:
      "Correct an outage's times, cause or customer, or void it, with a reason: kept in its audit trail; open claims citing it are judged again, decided ones keep their decision",
    roles: RECORDERS,
    params: idParams,
    body: correctionBody,
    status: 201,
    errors: [409, 422],
    response: z.object({ outage: outageResponse, correction: correctionResponse }),
    handler: async ({ params, body, principal, deps }) => {
      const row = await getOutageOrThrow(deps, params.id, principal);
      if (row.voidedAt)
        throw new ApiError('conflict', `the outage was voided at ${iso(row.voidedAt)}`, { reason: 'voided' });
      const actor = `${principal.role}:${principal.keyId}`;
      const data = await correctedData(deps, row, body);
      const [updated, correction] = await deps.db.$transaction(async (tx) => {
        const changed = await tx.outage.update({ where: { id: row.id }, data });
        const entry = await tx.outageCorrection.create({
          data: {
            outageId: row.id,
            correctedBy: actor,
            reason: body.reason,
            voided: body.void === true,
            before: snapshot(row),
            after: snapshot(changed),
          },
        });
        return [changed, entry] as const;
      });
      const counts = await reassessClaims(deps, correction, actor);
      const counted = await deps.db.outageCorrection.update({
        where: { id: correction.id },
        data: { claimsReassessed: counts.reassessed, claimsDecided: counts.decided },
      });
      if (updated.workflowId) {
        await signal(deps, updated.workflowId, outage.outageCorrected, {
          startedAtMs: updated.startedAt.getTime(),
          voided: updated.voidedAt !== null,
        });
      }
      const shown = await deps.db.outage.findUniqueOrThrow({ where: { id: row.id }, include: withCorrections });
      return { outage: presentOutage(shown), correction: (await presentCorrections(deps, [counted]))[0]! };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/outages/:id/corrections',
    tag: 'outages',
    summary: "An outage's corrections, oldest first: who, when, why, and the record before and after",
    roles: EVERYONE,
    params: idParams,
    response: z.object({ items: z.array(correctionResponse) }),
    handler: async ({ params, principal, deps }) => {
      const row = await getOutageOrThrow(deps, params.id, principal);
      const items = await deps.db.outageCorrection.findMany({
        where: { outageId: row.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return { items: await presentCorrections(deps, items) };
    },
  }),
];
