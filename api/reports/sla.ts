/**
 * GET /v1/reports/sla: how each SLA target of the tickets opened in the period fared, from what
 * the ticket workflows recorded when it happened: the outcome row of every completed target
 * (met or breached, business minutes used), the breach escalation of a target that was never
 * completed, and the running targets of the clock each open ticket last recorded. Nothing is
 * recomputed from the rules. Clock times are instants apart; paused time is the waiting-on-the-
 * customer spells on the timeline. The database keeps these facts per ticket as the rows are
 * written (report_ticket_targets, report_tickets; writes queue their tickets and the report
 * refreshes the queued ones before it reads), so a year is one index range scan.
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { PRIORITIES } from '../../sla/policy';
import { jalaliMonthOf, jalaliMonthSpan } from '../../sla/jalali-month';
import { reportPreamble, type CsvCell } from './csv';
import { percent, round, spread } from './figures';
import { echoPeriod, periodEcho, periodFields, periodRules, type ReportPeriod } from './period';
import { iso } from '../../sla/iso';

export const SLA_GROUPINGS = ['priority', 'plan', 'product', 'department', 'customer', 'assignee', 'month'] as const;
export type SlaGrouping = (typeof SLA_GROUPINGS)[number];
export const TARGETS = ['first_response', 'resolution', 'review'] as const;

export const slaReportQuery = periodRules(
  z.strictObject({
    ...periodFields,
    groupBy: z
      .enum(SLA_GROUPINGS)
      .optional()
      .describe('Break the figures down by this; the totals come first either way'),
    priority: z.enum(PRIORITIES).optional().describe('Only tickets of this priority'),
    plan: z.string().max(100).optional().describe('Only tickets under this plan (policy key), e.g. owj-agile'),
  }),
);

const minutes = z.object({ median: z.number().nullable(), p90: z.number().nullable() });
const targetFigures = z.object({
  target: z.enum(TARGETS),
  met: z.number().int(),
  breached: z.number().int(),
  open: z.number().int().describe('Running on an open ticket: neither met nor breached yet'),
  total: z.number().int().describe('met + breached + open'),
  compliancePercent: z
    .number()
    .nullable()
    .describe('met / (met + breached), two decimals; null when nothing was decided'),
  businessMinutes: minutes.describe('Business minutes used by the completed targets, on the governing calendar'),
  clockMinutes: minutes.describe('Clock minutes from the start of the target to its completion'),
});
const groupFigures = z.object({
  key: z.string(),
  label: z.string(),
  tickets: z.number().int(),
  resolvedTickets: z.number().int().describe('Resolved at least once'),
  reopenedTickets: z.number().int(),
  reopenRatePercent: z.number().nullable().describe('reopened / resolved, two decimals'),
  pausedMinutes: z.number().describe('Clock minutes spent waiting on the customer (an open wait counts up to asOf)'),
  targets: z.array(targetFigures),
});

export const slaReport = z.object({
  report: z.literal('sla'),
  asOf: z.string(),
  filters: z.object({
    groupBy: z.enum(SLA_GROUPINGS).nullable(),
    customerId: z.string().nullable(),
    productId: z.string().nullable(),
    priority: z.enum(PRIORITIES).nullable(),
    plan: z.string().nullable(),
  }),
  period: periodEcho,
  total: groupFigures,
  groups: z.array(groupFigures),
});
export type SlaReport = z.infer<typeof slaReport>;

export interface SlaReportInput {
  period: ReportPeriod;
  asOfMs: number;
  groupBy?: SlaGrouping;
  customerId?: string;
  productId?: string;
  priority?: (typeof PRIORITIES)[number];
  plan?: string;
}

/** The group's key and label as SQL over tickets t, products p, departments d, customers c. */
function grouping(input: SlaReportInput): { key: Prisma.Sql; label: Prisma.Sql } {
  switch (input.groupBy) {
    case undefined:
      return { key: Prisma.sql`''`, label: Prisma.sql`''` };
    case 'priority':
      return { key: Prisma.sql`t.priority::text`, label: Prisma.sql`t.priority::text` };
    case 'plan':
      return { key: Prisma.sql`t.policy_key`, label: Prisma.sql`t.policy_key` };
    case 'product':
      return { key: Prisma.sql`p.key`, label: Prisma.sql`p.name_fa` };
    case 'department':
      return { key: Prisma.sql`d.id::text`, label: Prisma.sql`d.name` };
    case 'customer':
      return { key: Prisma.sql`c.id::text`, label: Prisma.sql`c.name` };
    case 'assignee':
      return { key: Prisma.sql`coalesce(t.assignee, '')`, label: Prisma.sql`coalesce(t.assignee, 'بدون مسئول')` };
    case 'month': {
      const bounds = input.period.monthBoundsMs.map((ms) => iso(ms));
      const bucket = Prisma.sql`width_bucket(t.opened_at, ${bounds}::timestamptz[])::text`;
      return { key: bucket, label: bucket };
    }
  }
}

/**
 * The report reads the maintained aggregate (migration 20261204600000_report_facts): per ticket
 * and per target, exactly the facts it counts; triggers on the outcome, escalation, timeline and
 * ticket rows queue the tickets they touch and buildSlaReport refreshes the queue first.
 * `table` is report_ticket_targets or report_tickets,
 * aliased t; both carry the ticket's opening instant and grouping columns.
 */
function scoped(table: Prisma.Sql, columns: Prisma.Sql, input: SlaReportInput): Prisma.Sql {
  const { key, label } = grouping(input);
  const filters = [
    Prisma.sql`t.opened_at >= ${new Date(input.period.startMs)} AND t.opened_at < ${new Date(input.period.endMs)}`,
    ...(input.customerId ? [Prisma.sql`t.customer_id = ${input.customerId}::uuid`] : []),
    ...(input.productId ? [Prisma.sql`t.product_id = ${input.productId}::uuid`] : []),
    ...(input.priority ? [Prisma.sql`t.priority = ${input.priority}::"Priority"`] : []),
    ...(input.plan ? [Prisma.sql`t.policy_key = ${input.plan}`] : []),
  ];
  // Only the joins the grouping reads: a year's half a million rows need none for the others.
  const joins = {
    product: Prisma.sql`JOIN products p ON p.id = t.product_id`,
    department: Prisma.sql`JOIN products p ON p.id = t.product_id JOIN departments d ON d.id = p.department_id`,
    customer: Prisma.sql`JOIN customers c ON c.id = t.customer_id`,
  } as Partial<Record<SlaGrouping, Prisma.Sql>>;
  return Prisma.sql`
    SELECT ${columns}, ${key} AS grp, ${label} AS grp_label
    FROM ${table} t
    ${(input.groupBy && joins[input.groupBy]) ?? Prisma.empty}
    WHERE ${Prisma.join(filters, ' AND ')}`;
}

interface TargetRow {
  total_row: number;
  grp: string | null;
  grp_label: string | null;
  target: string;
  met: number;
  breached: number;
  open: number;
  business_median: number | null;
  business_p90: number | null;
  clock_median: number | null;
  clock_p90: number | null;
}

interface TicketRow {
  total_row: number;
  grp: string | null;
  grp_label: string | null;
  tickets: number;
  resolved: number;
  reopened: number;
  paused_minutes: number;
}

/** Per target: met, breached (by its outcome, or by a breach escalation without one) and open. */
function targetQuery(input: SlaReportInput): Prisma.Sql {
  const facts = scoped(
    Prisma.sql`report_ticket_targets`,
    Prisma.sql`t.target, t.result, t.business_minutes, t.clock_minutes`,
    input,
  );
  return Prisma.sql`
    WITH f AS (${facts})
    SELECT GROUPING(grp)::int AS total_row, grp, grp_label, target,
           count(*) FILTER (WHERE result = 'met')::int AS met,
           count(*) FILTER (WHERE result = 'breached')::int AS breached,
           count(*) FILTER (WHERE result = 'open')::int AS open,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY business_minutes) AS business_median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY business_minutes) AS business_p90,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY clock_minutes) AS clock_median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY clock_minutes) AS clock_p90
    FROM f
    GROUP BY GROUPING SETS ((grp, grp_label, target), (target))`;
}

/**
 * Paused minutes from whole milliseconds: the closed waits' sum, plus each open wait up to asOf
 * (openWaits * asOf - the sum of their starts). Integer sums, one division: the direct query and
 * the monthly rollup (which keeps the same sums) answer the same float.
 */
function pausedMinutes(
  pausedMs: Prisma.Sql,
  openWaits: Prisma.Sql,
  openWaitSinceMs: Prisma.Sql,
  asOfMs: number,
): Prisma.Sql {
  return Prisma.sql`((coalesce(${pausedMs}, 0))::numeric + (coalesce(${openWaits}, 0))::numeric * ${Math.round(asOfMs)}::bigint - (coalesce(${openWaitSinceMs}, 0))::numeric)::float8 / 60000`;
}

/** Per ticket: resolved, reopened, and its clock minutes waiting on the customer (an open wait up to asOf). */
function ticketQuery(input: SlaReportInput): Prisma.Sql {
  const rows = scoped(
    Prisma.sql`report_tickets`,
    Prisma.sql`t.resolved, t.reopened, round(t.paused_minutes * 60000)::bigint AS paused_ms,
               (EXTRACT(EPOCH FROM t.open_wait_since) * 1000)::bigint AS open_wait_since_ms`,
    input,
  );
  return Prisma.sql`
    WITH s AS (${rows})
    SELECT GROUPING(s.grp)::int AS total_row, s.grp, s.grp_label,
           count(*)::int AS tickets,
           count(*) FILTER (WHERE s.resolved)::int AS resolved,
           count(*) FILTER (WHERE s.reopened)::int AS reopened,
           ${pausedMinutes(Prisma.sql`sum(s.paused_ms)`, Prisma.sql`count(s.open_wait_since_ms)`, Prisma.sql`sum(s.open_wait_since_ms)`, input.asOfMs)} AS paused_minutes
    FROM s
    GROUP BY GROUPING SETS ((s.grp, s.grp_label), ())`;
}

/** The first and last Jalali months of the monthly rollup (migration 20261207600000_report_sla_months). */
const ROLLUP_FIRST_YEAR = 1390;
const ROLLUP_LAST_YEAR = 1430;

/**
 * Whether the monthly rollup answers this report: the period is whole Jalali months within the
 * rollup's, and no filter narrows the tickets (the rollup keeps one breakdown at a time, not their
 * combinations). A filtered report reads a fraction of the facts directly.
 */
export function rollupAnswers(input: SlaReportInput): boolean {
  if (input.customerId || input.productId || input.priority || input.plan) return false;
  const first = jalaliMonthOf(input.period.startMs);
  const last = jalaliMonthOf(input.period.endMs - 1);
  return (
    first.year >= ROLLUP_FIRST_YEAR &&
    last.year <= ROLLUP_LAST_YEAR &&
    jalaliMonthSpan(first).startMs === input.period.startMs &&
    jalaliMonthSpan(last).endMs === input.period.endMs
  );
}

/** The rollup's breakdown for the grouping, the group as SQL over rollup rows r, and its facts' filter over report_ticket_targets f for the group and rank w. */
function rollupGrouping(input: SlaReportInput): {
  kind: string;
  grp: Prisma.Sql;
  joins: Prisma.Sql;
  factFilter: Prisma.Sql;
  /** The group's label as the direct query gives it, over r and labelJoins. */
  label: Prisma.Sql;
  labelJoins: Prisma.Sql;
} {
  const bounds = input.period.monthBoundsMs.map((ms) => new Date(ms).toISOString());
  const own = { label: Prisma.sql`r.key`, labelJoins: Prisma.empty };
  switch (input.groupBy) {
    case undefined:
      return {
        kind: 'total',
        grp: Prisma.sql`''`,
        joins: Prisma.empty,
        factFilter: Prisma.sql`true`,
        label: Prisma.sql`''`,
        labelJoins: Prisma.empty,
      };
    case 'priority':
      return {
        kind: 'priority',
        grp: Prisma.sql`r.key`,
        joins: Prisma.empty,
        factFilter: Prisma.sql`f.priority = w.grp::"Priority"`,
        ...own,
      };
    case 'plan':
      return {
        kind: 'plan',
        grp: Prisma.sql`r.key`,
        joins: Prisma.empty,
        factFilter: Prisma.sql`f.policy_key = w.grp`,
        ...own,
      };
    case 'customer':
      return {
        kind: 'customer',
        grp: Prisma.sql`r.key`,
        joins: Prisma.empty,
        factFilter: Prisma.sql`f.customer_id = w.grp::uuid`,
        label: Prisma.sql`c.name`,
        labelJoins: Prisma.sql`JOIN customers c ON c.id = r.key::uuid`,
      };
    case 'assignee':
      return {
        kind: 'assignee',
        grp: Prisma.sql`r.key`,
        joins: Prisma.empty,
        factFilter: Prisma.sql`coalesce(f.assignee, '') = w.grp`,
        label: Prisma.sql`CASE WHEN r.key = '' THEN 'بدون مسئول' ELSE r.key END`,
        labelJoins: Prisma.empty,
      };
    case 'product':
      return {
        kind: 'product',
        grp: Prisma.sql`p.key`,
        joins: Prisma.sql`JOIN products p ON p.id = r.key::uuid`,
        factFilter: Prisma.sql`f.product_id IN (SELECT p.id FROM products p WHERE p.key = w.grp)`,
        label: Prisma.sql`p.name_fa`,
        labelJoins: Prisma.sql`JOIN products p ON p.id = r.key::uuid`,
      };
    case 'department':
      return {
        kind: 'product',
        grp: Prisma.sql`p.department_id::text`,
        joins: Prisma.sql`JOIN products p ON p.id = r.key::uuid`,
        factFilter: Prisma.sql`f.product_id IN (SELECT p.id FROM products p WHERE p.department_id::text = w.grp)`,
        label: Prisma.sql`d.name`,
        labelJoins: Prisma.sql`JOIN products p ON p.id = r.key::uuid JOIN departments d ON d.id = p.department_id`,
      };
    case 'month': {
      const bucket = Prisma.sql`width_bucket(r.month_start, ${bounds}::timestamptz[])::text`;
      return {
        kind: 'total',
        grp: bucket,
        joins: Prisma.empty,
        factFilter: Prisma.sql`f.opened_at >= (${bounds}::timestamptz[])[w.grp::int] AND f.opened_at < (${bounds}::timestamptz[])[w.grp::int + 1]`,
        label: bucket,
        labelJoins: Prisma.empty,
      };
    }
  }
}

/** Rollup rows r of the period's months, of one breakdown kind. */
const rollupMonths = (input: SlaReportInput, kind: string) =>
  Prisma.sql`r.kind = ${kind} AND r.month_start >= ${new Date(input.period.startMs)} AND r.month_start < ${new Date(input.period.endMs)}`;

/** Per group (total_row 0) and in total (total_row 1), per target: met, breached and open, summed over the months. */
function rollupCountsQuery(input: SlaReportInput): Prisma.Sql {
  const { kind, grp, joins } = rollupGrouping(input);
  const sums = Prisma.sql`sum(r.met)::int AS met, sum(r.breached)::int AS breached, sum(r.open)::int AS open`;
  return Prisma.sql`
    SELECT 0 AS total_row, ${grp} AS grp, r.target, ${sums}
    FROM report_sla_month_targets r ${joins}
    WHERE ${rollupMonths(input, kind)}
    GROUP BY 2, 3 HAVING sum(r.met + r.breached + r.open) > 0
    UNION ALL
    SELECT 1, NULL, r.target, ${sums}
    FROM report_sla_month_targets r
    WHERE ${rollupMonths(input, 'total')}
    GROUP BY 3 HAVING sum(r.met + r.breached + r.open) > 0`;
}

/**
 * Per group (total_row 0) and in total (total_row 1): tickets, resolved, reopened and paused
 * minutes, summed over the months (migration 20261208003000_report_sla_month_tickets). The total
 * is one row even for no tickets, as the direct query's empty grouping set gives.
 */
function rollupTicketsQuery(input: SlaReportInput): Prisma.Sql {
  const { kind, grp, label, labelJoins } = rollupGrouping(input);
  const sums = Prisma.sql`coalesce(sum(r.tickets), 0)::int AS tickets, coalesce(sum(r.resolved), 0)::int AS resolved,
    coalesce(sum(r.reopened), 0)::int AS reopened,
    ${pausedMinutes(Prisma.sql`sum(r.paused_ms)`, Prisma.sql`sum(r.open_waits)`, Prisma.sql`sum(r.open_wait_since_ms)`, input.asOfMs)} AS paused_minutes`;
  return Prisma.sql`
    SELECT 0 AS total_row, ${grp} AS grp, ${label} AS grp_label, ${sums}
    FROM report_sla_month_tickets r ${labelJoins}
    WHERE ${rollupMonths(input, kind)}
    GROUP BY 2, 3 HAVING sum(r.tickets) > 0
    UNION ALL
    SELECT 1, NULL, NULL, ${sums}
    FROM report_sla_month_tickets r
    WHERE ${rollupMonths(input, 'total')}`;
}

/**
 * The values percentile_cont reads for the median and p90 of both measures (business minutes 'b'
 * and clock minutes 'c'), per group and target: from the months' summed whole-minute histograms
 * (the total is the sum over the breakdown's keys, as every fact has exactly one key of each kind:
 * one scan of the breakdown's rows, and no Append the planner could run in parallel),
 * the bucket holding each rank floor / ceil of p * (n - 1) (0-based; a bucket holds rank r when
 * before <= r < before + n: each bucket against the four ranks, no join; a rank with floor = ceil
 * is looked up twice, and the two rows agree), then that value from the facts of that
 * bucket alone (an index range scan on report_ticket_targets' value index for the measure).
 */
function rollupRanksQuery(input: SlaReportInput): Prisma.Sql {
  const { kind, grp, joins, factFilter } = rollupGrouping(input);
  const valueAt = (column: Prisma.Sql, measure: 'b' | 'c') => Prisma.sql`
    SELECT ${column} AS value FROM report_ticket_targets f
    WHERE w.measure = ${measure} AND f.target = w.target AND ${column} >= w.bucket::float8 AND ${column} < (w.bucket + 1)::float8
      AND f.opened_at >= ${new Date(input.period.startMs)} AND f.opened_at < ${new Date(input.period.endMs)}
      AND (w.total_row = 1 OR (${factFilter}))
    ORDER BY ${column} OFFSET w.rank - w.before LIMIT 1`;
  return Prisma.sql`
    WITH s AS (
      SELECT ${grp} AS grp, r.target, r.measure, r.bucket, r.n
      FROM report_sla_month_minutes r ${joins}
      WHERE ${rollupMonths(input, kind)} AND r.measure IN ('b', 'c')
    ), b AS (
      SELECT GROUPING(s.grp)::int AS total_row, s.grp, s.target, s.measure, s.bucket, sum(s.n)::bigint AS n
      FROM s
      GROUP BY GROUPING SETS ((s.grp, s.target, s.measure, s.bucket), (s.target, s.measure, s.bucket))
      HAVING sum(s.n) > 0
    ), g AS (
      SELECT b.*, (sum(b.n) OVER (PARTITION BY b.total_row, b.grp, b.target, b.measure ORDER BY b.bucket) - b.n)::bigint AS before,
             (sum(b.n) OVER (PARTITION BY b.total_row, b.grp, b.target, b.measure))::bigint AS count
      FROM b
    ), w AS (
      SELECT g.*, CASE WHEN p.up THEN ceil(p.q * (g.count - 1)::float8) ELSE floor(p.q * (g.count - 1)::float8) END::bigint AS rank
      FROM g CROSS JOIN (VALUES (0.5::float8, false), (0.5::float8, true), (0.9::float8, false), (0.9::float8, true)) p(q, up)
    )
    SELECT w.total_row, w.grp, w.target, w.measure, w.count::int AS count, w.rank::int AS rank, v.value
    FROM w
    CROSS JOIN LATERAL ((${valueAt(Prisma.raw('f.business_minutes'), 'b')}) UNION ALL (${valueAt(Prisma.raw('f.clock_minutes'), 'c')})) v
    WHERE w.rank >= w.before AND w.rank < w.before + w.n`;
}

/**
 * The whole rollup answer in one statement (one snapshot, one round trip): the counts, the
 * percentiles' values and the ticket figures, each as a JSON array of its rows.
 */
function rollupQuery(input: SlaReportInput): Prisma.Sql {
  const rows = (query: Prisma.Sql) => Prisma.sql`(SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q)`;
  return Prisma.sql`
    SELECT ${rows(rollupCountsQuery(input))} AS counts, ${rows(rollupRanksQuery(input))} AS ranks,
           ${rows(rollupTicketsQuery(input))} AS tickets`;
}

interface CountRow {
  total_row: number;
  grp: string | null;
  target: string;
  met: number;
  breached: number;
  open: number;
}

interface RankRow {
  total_row: number;
  grp: string | null;
  target: string;
  measure: 'b' | 'c';
  count: number;
  rank: number;
  value: number;
}

/**
 * percentile_cont(p) from the values at its ranks, as PostgreSQL computes it
 * (orderedsetaggs.c: first = floor(p * (n - 1)), second = ceil(…), lo + (pos - first) * (hi - lo)).
 */
function percentileCont(p: number, count: number, valueAt: Map<number, number>): number | null {
  if (count === 0) return null;
  const position = p * (count - 1);
  const first = Math.floor(position);
  const second = Math.ceil(position);
  const lo = valueAt.get(first)!;
  if (first === second) return lo;
  const hi = valueAt.get(second)!;
  return lo + (position - first) * (hi - lo);
}

/** The target rows the direct query gives, from the rollup. */
function rollupTargets(counts: CountRow[], ranked: RankRow[]): TargetRow[] {
  const id = (row: { total_row: number; grp: string | null; target: string }) =>
    `${row.total_row}\u0000${row.grp ?? ''}\u0000${row.target}`;
  const ranks = (rows: RankRow[]) => {
    const byId = new Map<string, { count: number; valueAt: Map<number, number> }>();
    for (const row of rows) {
      const entry = byId.get(id(row)) ?? { count: row.count, valueAt: new Map<number, number>() };
      entry.valueAt.set(row.rank, row.value);
      byId.set(id(row), entry);
    }
    return (row: CountRow, p: number) => {
      const entry = byId.get(id(row));
      return entry ? percentileCont(p, entry.count, entry.valueAt) : null;
    };
  };
  const businessAt = ranks(ranked.filter((row) => row.measure === 'b'));
  const clockAt = ranks(ranked.filter((row) => row.measure === 'c'));
  return counts.map((row) => ({
    ...row,
    grp_label: null,
    business_median: businessAt(row, 0.5),
    business_p90: businessAt(row, 0.9),
    clock_median: clockAt(row, 0.5),
    clock_p90: clockAt(row, 0.9),
  }));
}

/** The report's SQL, for the benchmark's query plans. */
export const slaReportQueries = (input: SlaReportInput): Prisma.Sql[] =>
  rollupAnswers(input) ? [rollupQuery(input)] : [targetQuery(input), ticketQuery(input)];

function figures(key: string, label: string, tickets: TicketRow | undefined, targets: TargetRow[]): SlaReport['total'] {
  const resolved = tickets?.resolved ?? 0;
  const reopened = tickets?.reopened ?? 0;
  return {
    key,
    label,
    tickets: tickets?.tickets ?? 0,
    resolvedTickets: resolved,
    reopenedTickets: reopened,
    reopenRatePercent: percent(reopened, resolved),
    pausedMinutes: round(tickets?.paused_minutes ?? 0)!,
    targets: TARGETS.flatMap((target) => {
      const row = targets.find((t) => t.target === target);
      if (!row) return [];
      return [
        {
          target,
          met: row.met,
          breached: row.breached,
          open: row.open,
          total: row.met + row.breached + row.open,
          compliancePercent: percent(row.met, row.met + row.breached),
          businessMinutes: spread(row.business_median, row.business_p90),
          clockMinutes: spread(row.clock_median, row.clock_p90),
        },
      ];
    }),
  };
}

/** Recomputes the report facts of every ticket written since the last refresh, in a transaction of its own. */
export async function refreshReportFacts(db: Database): Promise<void> {
  await db.$queryRaw`SELECT report_refresh_dirty()`;
}

export async function buildSlaReport(
  db: Database,
  input: SlaReportInput,
  options: { rollup?: boolean } = {},
): Promise<Omit<SlaReport, 'filters' | 'report' | 'asOf' | 'period'>> {
  // Writes only queue their tickets (migration 20261205600000_report_dirty_queue): the queued
  // ones are recomputed first, so the figures are exact as of this read. The refresh commits on
  // its own: a ticket command queuing a ticket the refresh took waits for that commit, and must
  // not wait for the report's reading as well.
  await refreshReportFacts(db);
  let targets: TargetRow[];
  let tickets: TicketRow[];
  if ((options.rollup ?? true) && rollupAnswers(input)) {
    // Whole months, no filter: the monthly rollup (migration 20261207600000_report_sla_months).
    const [answer] = await db.$queryRaw<{ counts: CountRow[]; ranks: RankRow[]; tickets: TicketRow[] }[]>(
      rollupQuery(input),
    );
    targets = rollupTargets(answer!.counts, answer!.ranks);
    const ticketRows = answer!.tickets;
    tickets = ticketRows;
  } else {
    // A year's medians sort a few hundred thousand values per target; with the default 4 MB of
    // work_mem those sorts spill to disk. SET LOCAL lasts for this transaction only.
    const [, targetRows, ticketRows] = await db.$transaction([
      db.$executeRaw`SET LOCAL work_mem = '64MB'`,
      db.$queryRaw<TargetRow[]>(targetQuery(input)),
      db.$queryRaw<TicketRow[]>(ticketQuery(input)),
    ]);
    targets = targetRows;
    tickets = ticketRows;
  }
  const monthLabel = (bucket: string) => input.period.months[Number(bucket) - 1]?.month ?? bucket;
  const byKey =
    input.groupBy === 'month'
      ? (a: string, b: string) => Number(a) - Number(b)
      : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const keys = tickets
    .filter((t) => t.total_row === 0)
    .map((t) => t.grp!)
    .sort(byKey);
  const groupTargets = (key: string) => targets.filter((t) => t.total_row === 0 && t.grp === key);
  return {
    total: figures(
      'total',
      'همه',
      tickets.find((t) => t.total_row === 1),
      targets.filter((t) => t.total_row === 1),
    ),
    groups:
      input.groupBy === undefined
        ? []
        : keys.map((key) => {
            const ticketRow = tickets.find((t) => t.total_row === 0 && t.grp === key)!;
            const shown = input.groupBy === 'month' ? monthLabel(key) : key;
            const label =
              input.groupBy === 'month' ? input.period.months[Number(key) - 1]!.jalali : (ticketRow.grp_label ?? key);
            return figures(shown, label, ticketRow, groupTargets(key));
          }),
  };
}

export async function slaReportFor(db: Database, input: SlaReportInput): Promise<SlaReport> {
  const body = await buildSlaReport(db, input);
  return {
    report: 'sla',
    asOf: iso(input.asOfMs),
    filters: {
      groupBy: input.groupBy ?? null,
      customerId: input.customerId ?? null,
      productId: input.productId ?? null,
      priority: input.priority ?? null,
      plan: input.plan ?? null,
    },
    period: echoPeriod(input.period),
    ...body,
  };
}

const CSV_HEADER = [
  'group',
  'label',
  'target',
  'met',
  'breached',
  'open',
  'total',
  'compliance_percent',
  'business_minutes_median',
  'business_minutes_p90',
  'clock_minutes_median',
  'clock_minutes_p90',
  'tickets',
  'resolved_tickets',
  'reopened_tickets',
  'reopen_rate_percent',
  'paused_minutes',
];

/** One line per group and target, the total first; the filters and period above the table. */
export function slaReportCsv(report: SlaReport): CsvCell[][] {
  const lines = [report.total, ...report.groups].flatMap((group) =>
    (group.targets.length > 0 ? group.targets : [null]).map((t) => [
      group.key,
      group.label,
      t?.target ?? null,
      t?.met ?? 0,
      t?.breached ?? 0,
      t?.open ?? 0,
      t?.total ?? 0,
      t?.compliancePercent ?? null,
      t?.businessMinutes.median ?? null,
      t?.businessMinutes.p90 ?? null,
      t?.clockMinutes.median ?? null,
      t?.clockMinutes.p90 ?? null,
      group.tickets,
      group.resolvedTickets,
      group.reopenedTickets,
      group.reopenRatePercent,
      group.pausedMinutes,
    ]),
  );
  return [...reportPreamble(report.report, report.asOf, report.period, report.filters), CSV_HEADER, ...lines];
}
