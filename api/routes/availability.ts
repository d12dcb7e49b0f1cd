import { z } from 'zod';
import { computeAvailability, OUTAGE_CAUSES } from '../../sla/availability';
import { creditTables, type CreditTable } from '../../sla/credit-tables';
import { formatJalaliMonth, jalaliMonthOf, jalaliMonthSpan, parseJalaliMonth } from '../../sla/jalali-month';
import { EXCLUSIONS, periodAvailability } from '../../sla/outages';
import type { CreditTableKey } from '../../sla/policy';
import { ApiError } from '../errors';
import { outagesTouching, recordedOutage } from '../outage-rows';
import { defineRoute, keyOrIdParams } from '../route';
import { isoInstant } from '../schemas/common';
import { outageViewerOf } from '../visibility';
import { iso, isoOrNull } from '../../sla/iso';

const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;
const CREDIT_TABLE_KEYS = ['owj', 'avanak'] as const satisfies readonly CreditTableKey[];
const MAX_PREVIEW_DAYS = 400;

const ms = (iso: string) => Date.parse(iso);

const previewBody = z
  .strictObject({
    creditTable: z.enum(CREDIT_TABLE_KEYS),
    periodStart: isoInstant,
    periodEnd: isoInstant,
    outages: z
      .array(
        z
          .strictObject({
            start: isoInstant,
            end: isoInstant.nullable().describe("null: still going on at the period's end"),
            cause: z.enum(OUTAGE_CAUSES),
          })
          .refine((o) => o.end === null || ms(o.end) >= ms(o.start), {
            message: 'must not be before start',
            path: ['end'],
          }),
      )
      .max(1000),
  })
  .refine((b) => ms(b.periodEnd) > ms(b.periodStart), { message: 'must be after periodStart', path: ['periodEnd'] })
  .refine((b) => ms(b.periodEnd) - ms(b.periodStart) <= MAX_PREVIEW_DAYS * 86_400_000, {
    message: `the period may be at most ${MAX_PREVIEW_DAYS} days`,
    path: ['periodEnd'],
  });

const monthQuery = z.strictObject({
  month: z
    .string()
    .refine((text) => parseJalaliMonth(text) !== null, 'must be a Jalali month such as 1405-09')
    .optional()
    .describe('Jalali year and month, Tehran time; the current month by default'),
});

const availabilityResponse = z.object({
  productId: z.uuid(),
  productKey: z.string(),
  month: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
  periodMinutes: z.number(),
  asOf: z.string().describe('Ongoing outages count up to this instant'),
  creditTable: z.enum(CREDIT_TABLE_KEYS).nullable(),
  targetAvailabilityPercent: z.string().nullable(),
  downtimeMinutes: z.number().describe('Counted downtime: overlaps merged once, excluded causes removed'),
  availabilityPercent: z.number(),
  creditPercent: z.number().nullable().describe("The tier of the product's credit table; null without a table"),
  countedOutages: z.number().int(),
  excludedOutages: z.number().int(),
  outages: z.array(
    z.object({
      id: z.uuid(),
      cause: z.enum(OUTAGE_CAUSES),
      customerId: z.uuid().nullable(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      announcedAt: z.string().nullable(),
      minutesInPeriod: z.number(),
      counted: z.boolean(),
      exclusion: z.enum(EXCLUSIONS).nullable(),
    }),
  ),
});

function tableOf(key: string | null): CreditTable | null {
  return key !== null && key in creditTables ? creditTables[key as CreditTableKey] : null;
}

export const availabilityRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/products/:id/availability',
    tag: 'availability',
    summary:
      "A product's availability in a Jalali month (Tehran time): each outage counted or excluded, the downtime, the percentage and the credit tier",
    roles: EVERYONE,
    params: keyOrIdParams,
    query: monthQuery,
    response: availabilityResponse,
    handler: async ({ params, query, principal, deps }) => {
      const product = await deps.db.product.findFirst({
        where: z.uuid().safeParse(params.id).success ? { id: params.id } : { key: params.id },
      });
      if (!product) throw ApiError.notFound('product', params.id);
      const month = query.month ? parseJalaliMonth(query.month)! : jalaliMonthOf(Date.now());
      const { startMs, endMs } = jalaliMonthSpan(month);
      const asOfMs = Math.min(Date.now(), endMs);
      // The rule of GET /v1/outages/:id: a customer sees the outages of products it holds a contract on, without other customers' own.
      const viewer = await outageViewerOf(deps.db, principal, product, params.id);
      const rows = await outagesTouching(deps.db, product.id, startMs, endMs, viewer);
      const table = tableOf(product.creditTable);
      const report = periodAvailability({
        periodStartMs: startMs,
        periodEndMs: endMs,
        outages: rows.map(recordedOutage),
        creditTable: table,
        asOfMs,
      });
      return {
        productId: product.id,
        productKey: product.key,
        month: formatJalaliMonth(month),
        periodStart: iso(startMs),
        periodEnd: iso(endMs),
        periodMinutes: report.periodMinutes,
        asOf: iso(asOfMs),
        creditTable: table?.key ?? null,
        targetAvailabilityPercent: table?.targetAvailabilityPercent ?? null,
        downtimeMinutes: report.downtimeMinutes,
        availabilityPercent: report.availabilityPercent,
        creditPercent: report.creditPercent,
        countedOutages: report.countedOutages,
        excludedOutages: report.excludedOutages,
        outages: report.outages.map((line) => {
          const row = rows.find((r) => r.id === line.id)!;
          return {
            id: line.id,
            cause: line.cause,
            customerId: row.customerId,
            startedAt: iso(row.startedAt),
            endedAt: isoOrNull(row.endedAt),
            announcedAt: isoOrNull(row.announcedAt),
            minutesInPeriod: line.minutesInPeriod,
            counted: line.exclusion === null,
            exclusion: line.exclusion,
          };
        }),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/availability/preview',
    tag: 'availability',
    summary:
      'What a period with these outages is worth under a credit table (Pasban rule 7), without recording anything',
    roles: EVERYONE,
    body: previewBody,
    response: z.object({ downtimeMinutes: z.number(), availabilityPercent: z.number(), creditPercent: z.number() }),
    handler: async ({ body }) => {
      const report = computeAvailability({
        periodStartMs: ms(body.periodStart),
        periodEndMs: ms(body.periodEnd),
        outages: body.outages.map((o) => ({
          startMs: ms(o.start),
          endMs: o.end === null ? null : ms(o.end),
          cause: o.cause,
        })),
        creditTable: creditTables[body.creditTable],
      });
      return {
        downtimeMinutes: report.downtimeMinutes,
        availabilityPercent: report.availabilityPercent,
        creditPercent: report.creditPercent,
      };
    },
  }),
];
