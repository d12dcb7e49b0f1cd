/**
 * GET /v1/reports/breaches: every breach and further escalation that fired in the period, as the
 * ticket workflow recorded it (escalations), who was told by which channel and whether the outbox
 * delivered it (notifications), and how late the ticket was answered after all (the target's
 * recorded outcome). Summary over the whole period; the list pages oldest first.
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { decodeCursor, encodeCursor } from '../paging';
import { reportPreamble, type CsvCell } from './csv';
import { round, spread } from './figures';
import { echoPeriod, periodEcho, periodFields, periodRules, type ReportPeriod } from './period';
import { refreshReportFacts } from './sla';
import { iso } from '../../sla/iso';

export const ESCALATION_KINDS = ['breach', 'escalation', 'warning'] as const;

export const breachesReportQuery = periodRules(
  z.strictObject({
    ...periodFields,
    kind: z
      .enum(ESCALATION_KINDS)
      .optional()
      .describe('Only this kind; by default breaches and escalations (warnings are left out)'),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int()
      .min(1)
      .max(1000)
      .default(200)
      .describe('Rows per page (the summary covers the whole period)'),
    cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
  }),
);

const notified = z.object({
  audience: z.string(),
  role: z.string().nullable(),
  channel: z.string(),
  status: z.string().describe('The outbox status: pending, held, sent, failed or suppressed (README, Notifications)'),
  statusNote: z.string().nullable(),
  sentAt: z.string().nullable(),
});
const breachRow = z.object({
  escalationId: z.string(),
  ticketId: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  productKey: z.string(),
  priority: z.string(),
  target: z.string(),
  cycle: z.number().int(),
  kind: z.string(),
  percent: z.number().int(),
  dueAt: z.string(),
  firedAt: z.string(),
  completedAt: z.string().nullable().describe('When the target was met after all; null while unanswered'),
  minutesLate: z.number().nullable().describe("Clock minutes from the target's deadline to its completion"),
  notified: z.array(notified),
});
const kindSummary = z.object({
  kind: z.string(),
  count: z.number().int(),
  answeredLater: z.number().int(),
  unanswered: z.number().int(),
  minutesLate: z.object({ median: z.number().nullable(), p90: z.number().nullable() }),
});

export const breachesReport = z.object({
  report: z.literal('breaches'),
  asOf: z.string(),
  filters: z.object({
    customerId: z.string().nullable(),
    productId: z.string().nullable(),
    kind: z.string().nullable(),
    limit: z.number().int(),
    cursor: z.string().nullable(),
  }),
  period: periodEcho,
  summary: z.object({
    total: kindSummary,
    byKind: z.array(kindSummary),
    deliveries: z
      .array(z.object({ channel: z.string(), status: z.string(), count: z.number().int() }))
      .describe('Messages the escalations put in the outbox, by channel and status'),
  }),
  breaches: z.array(breachRow),
  nextCursor: z.string().nullable(),
});
export type BreachesReport = z.infer<typeof breachesReport>;

export interface BreachesReportInput {
  period: ReportPeriod;
  asOfMs: number;
  customerId?: string;
  productId?: string;
  kind?: (typeof ESCALATION_KINDS)[number];
  limit: number;
  cursor?: string;
}

/**
 * The period's escalations from the maintained aggregate (migration 20261205600100_report_escalations):
 * one row per escalation with its ticket's customer, product and priority, its target's cycle (from
 * the dedupe key) and the target's recorded outcome (completed_at, and its deadline), kept by the
 * refresh of the tickets the writes queued (report_refresh_dirty, run first by the report).
 */
function scopedEscalations(input: BreachesReportInput): Prisma.Sql {
  return Prisma.sql`
    SELECT e.escalation_id AS id, e.ticket_id, e.dedupe_key, e.target, e.cycle, e.kind, e.percent, e.due_at, e.fired_at,
           e.customer_id, e.product_id, e.priority, e.completed_at, e.deadline
    FROM report_escalations e
    WHERE ${Prisma.join(filtersOn(Prisma.sql`e`, input), ' AND ')}`;
}

/** The period, kind, customer and product filters on report_escalations or report_escalation_messages. */
function filtersOn(alias: Prisma.Sql, input: BreachesReportInput): Prisma.Sql[] {
  return [
    Prisma.sql`${alias}.fired_at >= ${new Date(input.period.startMs)} AND ${alias}.fired_at < ${new Date(input.period.endMs)}`,
    input.kind ? Prisma.sql`${alias}.kind = ${input.kind}` : Prisma.sql`${alias}.kind IN ('breach', 'escalation')`,
    ...(input.customerId ? [Prisma.sql`${alias}.customer_id = ${input.customerId}::uuid`] : []),
    ...(input.productId ? [Prisma.sql`${alias}.product_id = ${input.productId}::uuid`] : []),
  ];
}

/** Late against the target's deadline (a 150% escalation's own instant is later than that). */
const LATE = Prisma.sql`EXTRACT(EPOCH FROM s.completed_at - s.deadline)::float8 / 60`;

function summaryQuery(input: BreachesReportInput): Prisma.Sql {
  return Prisma.sql`
    WITH s AS (${scopedEscalations(input)})
    SELECT GROUPING(s.kind)::int AS total_row, s.kind, count(*)::int AS count,
           count(s.completed_at)::int AS answered_later,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ${LATE}) AS late_median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY ${LATE}) AS late_p90
    FROM s GROUP BY GROUPING SETS ((s.kind), ())`;
}

/** The messages the period's escalations put in the outbox, by channel and current status. */
function deliveriesQuery(input: BreachesReportInput): Prisma.Sql {
  return Prisma.sql`
    SELECT m.channel, m.status, count(*)::int AS count
    FROM report_escalation_messages m
    WHERE ${Prisma.join(filtersOn(Prisma.sql`m`, input), ' AND ')}
    GROUP BY 1, 2 ORDER BY 1, 2`;
}

function pageQuery(input: BreachesReportInput): Prisma.Sql {
  const after = afterCursor(input.cursor);
  return Prisma.sql`
    WITH s AS (${scopedEscalations(input)})
    SELECT s.*, c.name AS customer_name, p.key AS product_key,
           coalesce((SELECT json_agg(json_build_object('audience', n.audience, 'role', n.role, 'channel', n.channel, 'status', n.status,
                       'statusNote', n.status_note, 'sentAt', n.sent_at) ORDER BY n.dedupe_key)
                     FROM notifications n WHERE n.subject_ref = 'ticket:' || s.ticket_id AND starts_with(n.dedupe_key, s.dedupe_key || ':')), '[]') AS notified
    FROM s JOIN customers c ON c.id = s.customer_id JOIN products p ON p.id = s.product_id
    ${after ? Prisma.sql`WHERE (s.fired_at, s.id) > (${after.firedAt}, ${after.id}::uuid)` : Prisma.empty}
    ORDER BY s.fired_at, s.id
    LIMIT ${input.limit + 1}`;
}

function afterCursor(cursor: string | undefined): { firedAt: Date; id: string } | null {
  if (cursor === undefined) return null;
  const { at, id } = decodeCursor(cursor);
  return { firedAt: at, id };
}

/** The report's SQL, for the benchmark's query plans. */
export const breachesReportQueries = (input: BreachesReportInput): Prisma.Sql[] => [
  summaryQuery(input),
  deliveriesQuery(input),
  pageQuery(input),
];

interface SummaryRow {
  total_row: number;
  kind: string | null;
  count: number;
  answered_later: number;
  late_median: number | null;
  late_p90: number | null;
}
interface PageRow {
  id: string;
  ticket_id: string;
  target: string;
  cycle: number;
  kind: string;
  percent: number;
  due_at: Date;
  fired_at: Date;
  customer_id: string;
  customer_name: string;
  product_key: string;
  priority: string;
  completed_at: Date | null;
  deadline: Date | null;
  notified: {
    audience: string;
    role: string | null;
    channel: string;
    status: string;
    statusNote: string | null;
    sentAt: string | null;
  }[];
}

const kindFigures = (kind: string, row: SummaryRow | undefined) => ({
  kind,
  count: row?.count ?? 0,
  answeredLater: row?.answered_later ?? 0,
  unanswered: (row?.count ?? 0) - (row?.answered_later ?? 0),
  minutesLate: spread(row?.late_median ?? null, row?.late_p90 ?? null),
});

export async function breachesReportFor(db: Database, input: BreachesReportInput): Promise<BreachesReport> {
  // The tickets written since the last report are recomputed first (committing on its own, see
  // buildSlaReport), so the figures are exact now; a year's lateness percentiles sort some 75,000
  // values, more than the default 4 MB of work_mem.
  await refreshReportFacts(db);
  const [, summary, deliveries, page] = await db.$transaction([
    db.$executeRaw`SET LOCAL work_mem = '64MB'`,
    db.$queryRaw<SummaryRow[]>(summaryQuery(input)),
    db.$queryRaw<{ channel: string; status: string; count: number }[]>(deliveriesQuery(input)),
    db.$queryRaw<PageRow[]>(pageQuery(input)),
  ]);
  const rows = page.slice(0, input.limit);
  const last = rows[rows.length - 1];
  return {
    report: 'breaches',
    asOf: iso(input.asOfMs),
    filters: {
      customerId: input.customerId ?? null,
      productId: input.productId ?? null,
      kind: input.kind ?? null,
      limit: input.limit,
      cursor: input.cursor ?? null,
    },
    period: echoPeriod(input.period),
    summary: {
      total: kindFigures(
        'total',
        summary.find((r) => r.total_row === 1),
      ),
      byKind: summary
        .filter((r) => r.total_row === 0)
        .map((r) => kindFigures(r.kind!, r))
        .sort((a, b) => a.kind.localeCompare(b.kind)),
      deliveries,
    },
    breaches: rows.map((r) => ({
      escalationId: r.id,
      ticketId: r.ticket_id,
      customerId: r.customer_id,
      customerName: r.customer_name,
      productKey: r.product_key,
      priority: r.priority,
      target: r.target,
      cycle: r.cycle,
      kind: r.kind,
      percent: r.percent,
      dueAt: iso(r.due_at),
      firedAt: iso(r.fired_at),
      completedAt: r.completed_at ? iso(r.completed_at) : null,
      minutesLate:
        r.completed_at && r.deadline ? round((r.completed_at.getTime() - r.deadline.getTime()) / 60_000) : null,
      notified: r.notified.map((n) => ({ ...n, sentAt: n.sentAt ? iso(Date.parse(n.sentAt)) : null })),
    })),
    nextCursor: page.length > input.limit && last ? encodeCursor({ createdAt: last.fired_at, id: last.id }) : null,
  };
}

const CSV_HEADER = [
  'fired_at',
  'kind',
  'percent',
  'target',
  'cycle',
  'ticket_id',
  'customer',
  'product',
  'priority',
  'due_at',
  'completed_at',
  'minutes_late',
  'recipient',
  'channel',
  'delivery_status',
  'sent_at',
];

/** One line per message an escalation sent (or one line if it sent none), this page's rows. */
export function breachesReportCsv(report: BreachesReport): CsvCell[][] {
  const summary = [report.summary.total, ...report.summary.byKind].map((k) => [
    'summary',
    k.kind,
    k.count,
    k.answeredLater,
    k.unanswered,
    k.minutesLate.median,
    k.minutesLate.p90,
  ]);
  const lines = report.breaches.flatMap((b) =>
    (b.notified.length > 0 ? b.notified : [null]).map((n) => [
      b.firedAt,
      b.kind,
      b.percent,
      b.target,
      b.cycle,
      b.ticketId,
      b.customerName,
      b.productKey,
      b.priority,
      b.dueAt,
      b.completedAt,
      b.minutesLate,
      n ? (n.role ?? n.audience) : null,
      n?.channel ?? null,
      n?.status ?? null,
      n?.sentAt ?? null,
    ]),
  );
  const filters = { ...report.filters, limit: String(report.filters.limit), next_cursor: report.nextCursor };
  return [
    ...reportPreamble(report.report, report.asOf, report.period, filters),
    ['summary', 'kind', 'count', 'answered_later', 'unanswered', 'minutes_late_median', 'minutes_late_p90'],
    ...summary,
    [],
    CSV_HEADER,
    ...lines,
  ];
}
