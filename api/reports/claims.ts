/**
 * GET /v1/reports/claims: the compensation claims received in the period as their workflows
 * recorded them (acknowledged and decided on time or not, approved, adjusted or rejected), the
 * credit notes finance applies in each month of the period per customer, and each product's
 * availability per month against its credit table's target (the same computation as
 * GET /v1/products/:id/availability).
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Outage } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { creditTables } from '../../sla/credit-tables';
import { periodAvailability } from '../../sla/outages';
import type { CreditTableKey } from '../../sla/policy';
import { recordedOutage } from '../outage-rows';
import { reportPreamble, type CsvCell } from './csv';
import { round } from './figures';
import { echoPeriod, periodEcho, periodFields, periodRules, type ReportPeriod } from './period';
import { iso } from '../../sla/iso';

export const claimsReportQuery = periodRules(z.strictObject(periodFields));

const claimFigures = z.object({
  month: z.string().describe('Jalali month of receipt, or "total"'),
  filed: z.number().int(),
  acknowledgedOnTime: z.number().int(),
  acknowledgedLate: z.number().int(),
  acknowledgementPending: z.number().int().describe('Not acknowledged yet (overdue ones included)'),
  acknowledgementOverdue: z.number().int(),
  decidedOnTime: z.number().int(),
  decidedLate: z.number().int(),
  decisionPending: z.number().int(),
  decisionOverdue: z.number().int(),
  approved: z.number().int().describe('Approved at the computed tier'),
  adjusted: z.number().int().describe('Approved at an adjusted percentage, with a justification'),
  rejected: z.number().int(),
  creditedRials: z.string().describe('Sum of the approved credits'),
});
const creditLine = z.object({
  appliesToMonth: z.string(),
  appliesToMonthJalali: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  creditNotes: z.number().int(),
  amountRials: z.string(),
});
const availabilityLine = z.object({
  productId: z.string(),
  productKey: z.string(),
  month: z.string(),
  creditTable: z.string().nullable(),
  targetAvailabilityPercent: z.string().nullable(),
  downtimeMinutes: z.number(),
  availabilityPercent: z.number().describe('To four decimals'),
  metTarget: z.boolean().nullable().describe('null without a credit table'),
  creditPercent: z.number().nullable(),
});

export const claimsReport = z.object({
  report: z.literal('claims'),
  asOf: z.string(),
  filters: z.object({ customerId: z.string().nullable(), productId: z.string().nullable() }),
  period: periodEcho,
  total: claimFigures,
  byMonth: z.array(claimFigures),
  credits: z.object({
    total: z.object({ creditNotes: z.number().int(), amountRials: z.string() }),
    lines: z.array(creditLine).describe('Credit notes applied in each month of the period, per customer'),
  }),
  availability: z.array(availabilityLine),
});
export type ClaimsReport = z.infer<typeof claimsReport>;

export interface ClaimsReportInput {
  period: ReportPeriod;
  asOfMs: number;
  customerId?: string;
  productId?: string;
}

function claimFilters(input: ClaimsReportInput, alias: string): Prisma.Sql[] {
  const column = (name: string) => Prisma.raw(`${alias}.${name}`);
  return [
    ...(input.customerId ? [Prisma.sql`${column('customer_id')} = ${input.customerId}::uuid`] : []),
    ...(input.productId ? [Prisma.sql`${column('product_id')} = ${input.productId}::uuid`] : []),
  ];
}

function claimsQuery(input: ClaimsReportInput): Prisma.Sql {
  const bounds = input.period.monthBoundsMs.map((ms) => new Date(ms).toISOString());
  const asOf = new Date(input.asOfMs);
  const filters = [
    Prisma.sql`cl.received_at >= ${new Date(input.period.startMs)} AND cl.received_at < ${new Date(input.period.endMs)}`,
    ...claimFilters(input, 'cl'),
  ];
  return Prisma.sql`
    SELECT GROUPING(m)::int AS total_row, m AS month_bucket,
      count(*)::int AS filed,
      count(*) FILTER (WHERE acknowledged_at <= acknowledge_due_at)::int AS ack_on_time,
      count(*) FILTER (WHERE acknowledged_at > acknowledge_due_at)::int AS ack_late,
      count(*) FILTER (WHERE acknowledged_at IS NULL)::int AS ack_pending,
      count(*) FILTER (WHERE acknowledged_at IS NULL AND acknowledge_due_at < ${asOf})::int AS ack_overdue,
      count(*) FILTER (WHERE decided_at <= decision_due_at)::int AS decided_on_time,
      count(*) FILTER (WHERE decided_at > decision_due_at)::int AS decided_late,
      count(*) FILTER (WHERE decided_at IS NULL)::int AS decision_pending,
      count(*) FILTER (WHERE decided_at IS NULL AND decision_due_at < ${asOf})::int AS decision_overdue,
      count(*) FILTER (WHERE status = 'approved' AND justification IS NULL)::int AS approved,
      count(*) FILTER (WHERE status = 'approved' AND justification IS NOT NULL)::int AS adjusted,
      count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
      coalesce(sum(credit_amount_rials) FILTER (WHERE status = 'approved'), 0)::text AS credited
    FROM (SELECT cl.*, width_bucket(cl.received_at, ${bounds}::timestamptz[]) AS m FROM claims cl WHERE ${Prisma.join(filters, ' AND ')}) x
    GROUP BY GROUPING SETS ((m), ())`;
}

function creditsQuery(input: ClaimsReportInput): Prisma.Sql {
  const months = input.period.months.map((m) => m.month);
  const filters = [Prisma.sql`cn.applies_to_month = ANY(${months}::text[])`, ...claimFilters(input, 'cl')];
  return Prisma.sql`
    SELECT cn.applies_to_month, cn.customer_id, c.name AS customer_name, count(*)::int AS credit_notes, sum(cn.amount_rials)::text AS amount
    FROM credit_notes cn JOIN claims cl ON cl.id = cn.claim_id JOIN customers c ON c.id = cn.customer_id
    WHERE ${Prisma.join(filters, ' AND ')}
    GROUP BY cn.applies_to_month, cn.customer_id, c.name
    ORDER BY cn.applies_to_month, c.name, cn.customer_id`;
}

/** The report's SQL, for the benchmark's query plans. */
export const claimsReportQueries = (input: ClaimsReportInput): Prisma.Sql[] => [
  claimsQuery(input),
  creditsQuery(input),
];

interface ClaimRow {
  total_row: number;
  month_bucket: number | null;
  filed: number;
  ack_on_time: number;
  ack_late: number;
  ack_pending: number;
  ack_overdue: number;
  decided_on_time: number;
  decided_late: number;
  decision_pending: number;
  decision_overdue: number;
  approved: number;
  adjusted: number;
  rejected: number;
  credited: string;
}

const figuresOf = (month: string, r: ClaimRow | undefined): z.infer<typeof claimFigures> => ({
  month,
  filed: r?.filed ?? 0,
  acknowledgedOnTime: r?.ack_on_time ?? 0,
  acknowledgedLate: r?.ack_late ?? 0,
  acknowledgementPending: r?.ack_pending ?? 0,
  acknowledgementOverdue: r?.ack_overdue ?? 0,
  decidedOnTime: r?.decided_on_time ?? 0,
  decidedLate: r?.decided_late ?? 0,
  decisionPending: r?.decision_pending ?? 0,
  decisionOverdue: r?.decision_overdue ?? 0,
  approved: r?.approved ?? 0,
  adjusted: r?.adjusted ?? 0,
  rejected: r?.rejected ?? 0,
  creditedRials: r?.credited ?? '0',
});

/** Products in scope: the one asked for, a customer's contracted ones, or every product. */
async function productsInScope(db: Database, input: ClaimsReportInput) {
  return db.product.findMany({
    where: {
      ...(input.productId ? { id: input.productId } : {}),
      ...(input.customerId ? { contracts: { some: { customerId: input.customerId } } } : {}),
    },
    orderBy: { key: 'asc' },
  });
}

async function availabilityLines(db: Database, input: ClaimsReportInput): Promise<z.infer<typeof availabilityLine>[]> {
  const products = await productsInScope(db, input);
  const outages: Outage[] = await db.outage.findMany({
    where: {
      productId: { in: products.map((p) => p.id) },
      voidedAt: null,
      startedAt: { lt: new Date(input.period.endMs) },
      OR: [{ endedAt: null }, { endedAt: { gt: new Date(input.period.startMs) } }],
      ...(input.customerId ? { AND: [{ OR: [{ customerId: null }, { customerId: input.customerId }] }] } : {}),
    },
  });
  return products.flatMap((product) => {
    const table =
      product.creditTable !== null && product.creditTable in creditTables
        ? creditTables[product.creditTable as CreditTableKey]
        : null;
    const own = outages.filter((o) => o.productId === product.id).map(recordedOutage);
    return input.period.months.map((month, i) => {
      const availability = periodAvailability({
        periodStartMs: input.period.monthBoundsMs[i]!,
        periodEndMs: input.period.monthBoundsMs[i + 1]!,
        outages: own,
        creditTable: table,
        asOfMs: input.asOfMs,
      });
      return {
        productId: product.id,
        productKey: product.key,
        month: month.month,
        creditTable: table?.key ?? null,
        targetAvailabilityPercent: table?.targetAvailabilityPercent ?? null,
        downtimeMinutes: availability.downtimeMinutes,
        availabilityPercent: round(availability.availabilityPercent, 4)!,
        metTarget: table ? availability.availabilityPercent >= Number(table.targetAvailabilityPercent) : null,
        creditPercent: availability.creditPercent,
      };
    });
  });
}

export async function claimsReportFor(db: Database, input: ClaimsReportInput): Promise<ClaimsReport> {
  const [claims, credits, availability] = await Promise.all([
    db.$queryRaw<ClaimRow[]>(claimsQuery(input)),
    db.$queryRaw<
      { applies_to_month: string; customer_id: string; customer_name: string; credit_notes: number; amount: string }[]
    >(creditsQuery(input)),
    availabilityLines(db, input),
  ]);
  const labels = new Map(input.period.months.map((m) => [m.month, m.jalali]));
  return {
    report: 'claims',
    asOf: iso(input.asOfMs),
    filters: { customerId: input.customerId ?? null, productId: input.productId ?? null },
    period: echoPeriod(input.period),
    total: figuresOf(
      'total',
      claims.find((r) => r.total_row === 1),
    ),
    byMonth: input.period.months.map((m, i) =>
      figuresOf(
        m.month,
        claims.find((r) => r.total_row === 0 && r.month_bucket === i + 1),
      ),
    ),
    credits: {
      total: {
        creditNotes: credits.reduce((sum, c) => sum + c.credit_notes, 0),
        amountRials: credits.reduce((sum, c) => sum + BigInt(c.amount), 0n).toString(),
      },
      lines: credits.map((c) => ({
        appliesToMonth: c.applies_to_month,
        appliesToMonthJalali: labels.get(c.applies_to_month) ?? c.applies_to_month,
        customerId: c.customer_id,
        customerName: c.customer_name,
        creditNotes: c.credit_notes,
        amountRials: c.amount,
      })),
    },
    availability,
  };
}

/** Three tables one under the other: claims per month, credit notes, availability. */
export function claimsReportCsv(report: ClaimsReport): CsvCell[][] {
  const claimColumns = Object.keys(report.total) as (keyof ClaimsReport['total'])[];
  return [
    ...reportPreamble(report.report, report.asOf, report.period, report.filters),
    claimColumns,
    ...[...report.byMonth, report.total].map((row) => claimColumns.map((column) => row[column])),
    [],
    ['applies_to_month', 'applies_to_month_jalali', 'customer_id', 'customer', 'credit_notes', 'amount_rials'],
    ...report.credits.lines.map((c) => [
      c.appliesToMonth,
      c.appliesToMonthJalali,
      c.customerId,
      c.customerName,
      c.creditNotes,
      c.amountRials,
    ]),
    ['total', null, null, null, report.credits.total.creditNotes, report.credits.total.amountRials],
    [],
    [
      'product',
      'month',
      'credit_table',
      'target_percent',
      'downtime_minutes',
      'availability_percent',
      'met_target',
      'credit_percent',
    ],
    ...report.availability.map((a) => [
      a.productKey,
      a.month,
      a.creditTable,
      a.targetAvailabilityPercent,
      a.downtimeMinutes,
      a.availabilityPercent,
      a.metTarget,
      a.creditPercent,
    ]),
  ];
}
