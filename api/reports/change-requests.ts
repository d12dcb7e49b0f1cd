/**
 * GET /v1/reports/change-requests: the custom-change requests opened in the period, from their
 * timelines and records: reviews and deliveries on time against the deadlines the workflow
 * recorded with them, customer delay days, acceptance by silence, defects per delivery, and the
 * hours invoiced on acceptance.
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { reportPreamble, type CsvCell } from './csv';
import { round } from './figures';
import { echoPeriod, periodEcho, periodFields, periodRules, type ReportPeriod } from './period';
import { iso } from '../../sla/iso';

export const changeRequestsReportQuery = periodRules(z.strictObject(periodFields));

const figures = z.object({
  month: z.string().describe('Jalali month the requests were opened in, or "total"'),
  requests: z.number().int(),
  reviewedOnTime: z.number().int(),
  reviewedLate: z.number().int(),
  reviewPending: z.number().int(),
  rejected: z.number().int(),
  quoted: z.number().int(),
  quotesApproved: z.number().int(),
  delivered: z.number().int().describe('Delivered at least once'),
  deliveredOnTime: z.number().int().describe('First delivery by its committed date (moved by customer delays)'),
  deliveredLate: z.number().int(),
  acceptedByCustomer: z.number().int(),
  acceptedBySilence: z.number().int(),
  cancelled: z.number().int(),
  customerDelayDays: z.number().describe('Days of delay the customer caused, to 0.1'),
  deliveries: z.number().int().describe('Deliveries and redeliveries'),
  defects: z.number().int().describe('Defects the customer listed'),
  defectsPerDelivery: z.number().nullable(),
  invoices: z.number().int(),
  includedHoursUsed: z.number(),
  invoicedHours: z.number(),
  invoicedRials: z.string(),
});

export const changeRequestsReport = z.object({
  report: z.literal('change-requests'),
  asOf: z.string(),
  filters: z.object({ customerId: z.string().nullable(), productId: z.string().nullable() }),
  period: periodEcho,
  total: figures,
  byMonth: z.array(figures),
});
export type ChangeRequestsReport = z.infer<typeof changeRequestsReport>;

export interface ChangeRequestsReportInput {
  period: ReportPeriod;
  asOfMs: number;
  customerId?: string;
  productId?: string;
}

const firstEvent = (types: string[], column: string) =>
  Prisma.sql`(SELECT e.${Prisma.raw(column)} FROM change_request_events e WHERE e.change_request_id = cr.id AND e.type = ANY(${types}::text[]) ORDER BY e.sequence LIMIT 1)`;
const epochMs = (json: Prisma.Sql) => Prisma.sql`to_timestamp((${json})::float8 / 1000)`;

function changeRequestsQuery(input: ChangeRequestsReportInput): Prisma.Sql {
  const bounds = input.period.monthBoundsMs.map((ms) => new Date(ms).toISOString());
  const filters = [
    Prisma.sql`cr.created_at >= ${new Date(input.period.startMs)} AND cr.created_at < ${new Date(input.period.endMs)}`,
    ...(input.customerId ? [Prisma.sql`cr.customer_id = ${input.customerId}::uuid`] : []),
    ...(input.productId ? [Prisma.sql`cr.product_id = ${input.productId}::uuid`] : []),
  ];
  return Prisma.sql`
    WITH x AS (
      SELECT cr.id, cr.status::text AS status, cr.accepted_at, cr.accepted_by_silence,
        width_bucket(cr.created_at, ${bounds}::timestamptz[]) AS m,
        ${epochMs(Prisma.sql`${firstEvent(['opened'], 'data')}->>'reviewDueAtMs'`)} AS review_due,
        ${firstEvent(['rejected', 'quoted'], 'at')} AS reviewed_at,
        EXISTS (SELECT 1 FROM change_request_events e WHERE e.change_request_id = cr.id AND e.type = 'quoted') AS quoted,
        EXISTS (SELECT 1 FROM change_request_events e WHERE e.change_request_id = cr.id AND e.type = 'quote_approved') AS quote_approved,
        ${firstEvent(['delivered'], 'at')} AS delivered_at,
        ${epochMs(Prisma.sql`${firstEvent(['delivered'], 'data')}->>'dueAtMs'`)} AS delivery_due,
        (SELECT count(*) FROM change_request_events e WHERE e.change_request_id = cr.id AND e.type IN ('delivered', 'redelivered')) AS deliveries,
        (SELECT coalesce(sum(jsonb_array_length(e.data->'defects')), 0) FROM change_request_events e WHERE e.change_request_id = cr.id AND e.type = 'defects_listed') AS defects,
        (SELECT coalesce(sum(EXTRACT(EPOCH FROM d.ends_at - d.starts_at)), 0) FROM customer_delays d WHERE d.change_request_id = cr.id) AS delay_seconds,
        i.included_minutes_used, i.billed_minutes, i.amount_rials
      FROM change_requests cr LEFT JOIN invoices i ON i.change_request_id = cr.id
      WHERE ${Prisma.join(filters, ' AND ')}
    )
    SELECT GROUPING(m)::int AS total_row, m AS month_bucket,
      count(*)::int AS requests,
      count(*) FILTER (WHERE reviewed_at <= review_due)::int AS reviewed_on_time,
      count(*) FILTER (WHERE reviewed_at > review_due)::int AS reviewed_late,
      count(*) FILTER (WHERE reviewed_at IS NULL AND status NOT IN ('cancelled'))::int AS review_pending,
      count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
      count(*) FILTER (WHERE quoted)::int AS quoted,
      count(*) FILTER (WHERE quote_approved)::int AS quotes_approved,
      count(delivered_at)::int AS delivered,
      count(*) FILTER (WHERE delivered_at <= delivery_due)::int AS delivered_on_time,
      count(*) FILTER (WHERE delivered_at > delivery_due)::int AS delivered_late,
      count(*) FILTER (WHERE accepted_at IS NOT NULL AND NOT accepted_by_silence)::int AS accepted_by_customer,
      count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_by_silence)::int AS accepted_by_silence,
      count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
      sum(delay_seconds)::float8 / 86400 AS delay_days,
      sum(deliveries)::int AS deliveries,
      sum(defects)::int AS defects,
      count(billed_minutes)::int AS invoices,
      coalesce(sum(included_minutes_used), 0)::float8 / 60 AS included_hours,
      coalesce(sum(billed_minutes), 0)::float8 / 60 AS invoiced_hours,
      coalesce(sum(amount_rials), 0)::text AS invoiced_rials
    FROM x GROUP BY GROUPING SETS ((m), ())`;
}

/** The report's SQL, for the benchmark's query plans. */
export const changeRequestsReportQueries = (input: ChangeRequestsReportInput): Prisma.Sql[] => [
  changeRequestsQuery(input),
];

interface Row {
  total_row: number;
  month_bucket: number | null;
  requests: number;
  reviewed_on_time: number;
  reviewed_late: number;
  review_pending: number;
  rejected: number;
  quoted: number;
  quotes_approved: number;
  delivered: number;
  delivered_on_time: number;
  delivered_late: number;
  accepted_by_customer: number;
  accepted_by_silence: number;
  cancelled: number;
  delay_days: number | null;
  deliveries: number | null;
  defects: number | null;
  invoices: number;
  included_hours: number;
  invoiced_hours: number;
  invoiced_rials: string;
}

function figuresOf(month: string, r: Row | undefined): z.infer<typeof figures> {
  const deliveries = r?.deliveries ?? 0;
  const defects = r?.defects ?? 0;
  return {
    month,
    requests: r?.requests ?? 0,
    reviewedOnTime: r?.reviewed_on_time ?? 0,
    reviewedLate: r?.reviewed_late ?? 0,
    reviewPending: r?.review_pending ?? 0,
    rejected: r?.rejected ?? 0,
    quoted: r?.quoted ?? 0,
    quotesApproved: r?.quotes_approved ?? 0,
    delivered: r?.delivered ?? 0,
    deliveredOnTime: r?.delivered_on_time ?? 0,
    deliveredLate: r?.delivered_late ?? 0,
    acceptedByCustomer: r?.accepted_by_customer ?? 0,
    acceptedBySilence: r?.accepted_by_silence ?? 0,
    cancelled: r?.cancelled ?? 0,
    customerDelayDays: round(r?.delay_days ?? 0)!,
    deliveries,
    defects,
    defectsPerDelivery: deliveries === 0 ? null : round(defects / deliveries, 2),
    invoices: r?.invoices ?? 0,
    includedHoursUsed: round(r?.included_hours ?? 0, 2)!,
    invoicedHours: round(r?.invoiced_hours ?? 0, 2)!,
    invoicedRials: r?.invoiced_rials ?? '0',
  };
}

export async function changeRequestsReportFor(
  db: Database,
  input: ChangeRequestsReportInput,
): Promise<ChangeRequestsReport> {
  const rows = await db.$queryRaw<Row[]>(changeRequestsQuery(input));
  return {
    report: 'change-requests',
    asOf: iso(input.asOfMs),
    filters: { customerId: input.customerId ?? null, productId: input.productId ?? null },
    period: echoPeriod(input.period),
    total: figuresOf(
      'total',
      rows.find((r) => r.total_row === 1),
    ),
    byMonth: input.period.months.map((m, i) =>
      figuresOf(
        m.month,
        rows.find((r) => r.total_row === 0 && r.month_bucket === i + 1),
      ),
    ),
  };
}

export function changeRequestsReportCsv(report: ChangeRequestsReport): CsvCell[][] {
  const columns = Object.keys(report.total) as (keyof ChangeRequestsReport['total'])[];
  return [
    ...reportPreamble(report.report, report.asOf, report.period, report.filters),
    columns,
    ...[...report.byMonth, report.total].map((row) => columns.map((column) => row[column])),
  ];
}
