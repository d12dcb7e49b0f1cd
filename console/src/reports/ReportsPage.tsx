import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { Chart, type ChartOption } from '../common/Chart';
import { DataTable } from '../common/DataTable';
import { SelectField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { TEHRAN, useLocale } from '../i18n/locale';

/** The JSON answer (the route also answers CSV). */
type SlaReport = Exclude<ApiResponse<'/v1/reports/sla'>, string>;
type SlaGroup = SlaReport['groups'][number];
type ClaimsReport = Exclude<ApiResponse<'/v1/reports/claims'>, string>;
type SlaQuery = NonNullable<paths['/v1/reports/sla']['get']['parameters']['query']>;

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const SPANS = [3, 6, 12] as const;

/** Today in Tehran as YYYY-MM-DD, and the day `months` months before it: the API's whole-day period. */
function period(months: number): { from: string; to: string } {
  const day = (date: Date) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: TEHRAN, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      date,
    );
  const now = new Date();
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - months);
  start.setUTCDate(start.getUTCDate() + 1);
  return { from: day(start), to: day(now) };
}

/** The manager's "how are we doing": the SLA report as charts, with the API's filters and its CSV. */
export function ReportsPage() {
  const { t, number } = useLocale();
  const [months, setMonths] = useState<number>(6);
  const [priority, setPriority] = useState<string>('');
  const filters: SlaQuery = {
    ...period(months),
    ...(priority && { priority: priority as (typeof PRIORITIES)[number] }),
  };
  const byMonth = useQuery({
    queryKey: ['reports', 'sla', 'month', filters],
    queryFn: () =>
      unwrap(api.GET('/v1/reports/sla', { params: { query: { ...filters, groupBy: 'month' } } })) as Promise<SlaReport>,
  });
  const byPriority = useQuery({
    queryKey: ['reports', 'sla', 'priority', filters],
    queryFn: () =>
      unwrap(
        api.GET('/v1/reports/sla', { params: { query: { ...filters, groupBy: 'priority' } } }),
      ) as Promise<SlaReport>,
  });
  const byDepartment = useQuery({
    queryKey: ['reports', 'sla', 'department', filters],
    queryFn: () =>
      unwrap(
        api.GET('/v1/reports/sla', { params: { query: { ...filters, groupBy: 'department' } } }),
      ) as Promise<SlaReport>,
  });
  // Claims, credits and availability have no priority: the same period only.
  const claims = useQuery({
    queryKey: ['reports', 'claims', filters.from, filters.to],
    queryFn: () =>
      unwrap(
        api.GET('/v1/reports/claims', { params: { query: { from: filters.from, to: filters.to } } }),
      ) as Promise<ClaimsReport>,
  });
  const csv = useMutation({
    mutationFn: async () => {
      const { data, response } = await api.GET('/v1/reports/sla', {
        params: { query: { ...filters, groupBy: 'month' } },
        headers: { Accept: 'text/csv' },
        parseAs: 'text',
      });
      if (!response.ok || typeof data !== 'string') throw new Error(`HTTP ${response.status}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([data], { type: 'text/csv' }));
      link.download = `pasban-sla-${filters.from}-${filters.to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    },
  });
  return (
    <>
      <h1>{t.reports.title}</h1>
      <div className="filters" role="search">
        <SelectField
          label={t.reports.period}
          value={String(months)}
          onChange={(n) => setMonths(Number(n))}
          choices={SPANS.map((n) => ({ value: String(n), label: t.reports.lastMonths.replace('{n}', number(n)) }))}
        />
        <SelectField
          label={t.ticket.priority}
          value={priority}
          onChange={setPriority}
          choices={[
            { value: '', label: t.filters.all },
            ...PRIORITIES.map((p) => ({ value: p, label: t.priorities[p] })),
          ]}
        />
        <button type="button" onClick={() => csv.mutate()} disabled={csv.isPending}>
          {t.reports.downloadCsv}
        </button>
      </div>
      <MutationError error={csv.error} />
      <section aria-labelledby="compliance">
        <h2 id="compliance">{t.reports.compliance}</h2>
        <Loaded query={byMonth}>{(report) => <ComplianceByMonth report={report} />}</Loaded>
      </section>
      <section aria-labelledby="by-priority">
        <h2 id="by-priority">{t.reports.breachesByPriority}</h2>
        <Loaded query={byPriority}>
          {(report) => (
            <BreachesByGroup
              report={report}
              heading={t.ticket.priority}
              label={t.reports.breachesByPriority}
              name={(group) => t.priorities[group.key] ?? group.label}
              testId="breaches"
            />
          )}
        </Loaded>
      </section>
      <section aria-labelledby="by-department">
        <h2 id="by-department">{t.reports.breachesByDepartment}</h2>
        <Loaded query={byDepartment}>
          {(report) => (
            <BreachesByGroup
              report={report}
              heading={t.reports.department}
              label={t.reports.breachesByDepartment}
              name={(group) => group.label}
              testId="departments"
            />
          )}
        </Loaded>
      </section>
      <section aria-labelledby="response-times">
        <h2 id="response-times">{t.reports.responseTimes}</h2>
        <Loaded query={byPriority}>{(report) => <ResponseTimes report={report} />}</Loaded>
      </section>
      <section aria-labelledby="availability">
        <h2 id="availability">{t.reports.availability}</h2>
        <Loaded query={claims}>{(report) => <Availability report={report} />}</Loaded>
      </section>
      <section aria-labelledby="credits">
        <h2 id="credits">{t.reports.credits}</h2>
        <Loaded query={claims}>{(report) => <CreditsByMonth report={report} />}</Loaded>
      </section>
    </>
  );
}

const TARGETS = ['first_response', 'resolution'] as const;

function ComplianceByMonth({ report }: { report: SlaReport }) {
  const { t, number, language } = useLocale();
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 48, right: 24, bottom: 32, top: 40 },
      xAxis: { type: 'category', inverse: language === 'fa', data: report.groups.map((g) => g.label) },
      yAxis: { type: 'value', min: 0, max: 100, position: language === 'fa' ? 'right' : 'left' },
      series: TARGETS.map((target) => ({
        name: t.ticket.targets[target],
        type: 'line',
        connectNulls: false,
        data: report.groups.map((g) => g.targets.find((f) => f.target === target)?.compliancePercent ?? null),
      })),
    }),
    [report, t, language],
  );
  return (
    <>
      <Chart option={option} label={`${t.reports.compliance}. ${t.reports.chartNote}`} testId="compliance-chart" />
      <DataTable
        testId="compliance-table"
        rows={report.groups}
        rowKey={(group) => group.key}
        columns={[
          { header: t.reports.month, rowHeader: true, cell: (group) => group.label },
          ...TARGETS.map((target) => ({
            key: target,
            header: `${t.ticket.targets[target]} (%)`,
            cell: (group: SlaGroup) => {
              const percent = group.targets.find((f) => f.target === target)?.compliancePercent;
              return percent === null || percent === undefined ? '—' : number(percent, 2);
            },
          })),
        ]}
      />
    </>
  );
}

/** Breaches of each target per group (priority, department): a bar chart and the same counts in a table. */
function BreachesByGroup({
  report,
  heading,
  label,
  name,
  testId,
}: {
  report: SlaReport;
  heading: string;
  label: string;
  name: (group: SlaGroup) => string;
  testId: string;
}) {
  const { t, number, language } = useLocale();
  const breached = (group: SlaGroup, target: string) => group.targets.find((f) => f.target === target)?.breached ?? 0;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 48, right: 24, bottom: 32, top: 40 },
      xAxis: { type: 'category', inverse: language === 'fa', data: report.groups.map(name) },
      yAxis: { type: 'value', minInterval: 1, position: language === 'fa' ? 'right' : 'left' },
      series: TARGETS.map((target) => ({
        name: t.ticket.targets[target],
        type: 'bar',
        data: report.groups.map((g) => breached(g, target)),
      })),
    }),
    [report, t, language, name],
  );
  return (
    <>
      <Chart option={option} label={`${label}. ${t.reports.chartNote}`} testId={`${testId}-chart`} />
      <DataTable
        testId={`${testId}-table`}
        empty
        rows={report.groups}
        rowKey={(group) => group.key}
        columns={[
          { header: heading, rowHeader: true, cell: name },
          ...TARGETS.map((target) => ({
            key: target,
            header: `${t.ticket.targets[target]}: ${t.reports.breached}`,
            cell: (group: SlaGroup) => number(breached(group, target)),
          })),
        ]}
      />
    </>
  );
}

/** How long the completed targets took, per priority: median and 90th percentile in business minutes. */
function ResponseTimes({ report }: { report: SlaReport }) {
  const { t, number, language } = useLocale();
  const spread = (group: SlaGroup, target: string) => group.targets.find((f) => f.target === target)?.businessMinutes;
  const series = useMemo(
    () =>
      TARGETS.flatMap((target) =>
        (['median', 'p90'] as const).map((figure) => ({
          target,
          figure,
          name: `${t.ticket.targets[target]}: ${t.reports[figure]}`,
        })),
      ),
    [t],
  );
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 56, right: 24, bottom: 32, top: 56 },
      xAxis: {
        type: 'category',
        inverse: language === 'fa',
        data: report.groups.map((g) => t.priorities[g.key] ?? g.label),
      },
      yAxis: {
        type: 'value',
        name: t.reports.businessMinutes,
        position: language === 'fa' ? 'right' : 'left',
      },
      series: series.map(({ target, figure, name }) => ({
        name,
        type: 'bar',
        data: report.groups.map((g) => spread(g, target)?.[figure] ?? null),
      })),
    }),
    [report, t, language, series],
  );
  const minutes = (value: number | null | undefined) =>
    value === null || value === undefined ? '—' : number(value, 1);
  return (
    <>
      <Chart
        option={option}
        label={`${t.reports.responseTimes}. ${t.reports.chartNote}`}
        testId="response-times-chart"
      />
      <DataTable
        testId="response-times-table"
        rows={report.groups}
        rowKey={(group) => group.key}
        columns={[
          { header: t.ticket.priority, rowHeader: true, cell: (group) => t.priorities[group.key] ?? group.label },
          ...series.map(({ target, figure, name }) => ({
            key: `${target}-${figure}`,
            header: name,
            cell: (group: SlaGroup) => minutes(spread(group, target)?.[figure]),
          })),
        ]}
      />
    </>
  );
}

/** Each product's availability per month, against its target (a dashed line of the same colour). */
function Availability({ report }: { report: ClaimsReport }) {
  const { t, number, language } = useLocale();
  const months = useMemo(() => [...new Set(report.availability.map((line) => line.month))].sort(), [report]);
  const products = useMemo(() => [...new Set(report.availability.map((line) => line.productKey))].sort(), [report]);
  const lineOf = (product: string, month: string) =>
    report.availability.find((line) => line.productKey === product && line.month === month);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 56, right: 24, bottom: 32, top: 56 },
      xAxis: { type: 'category', inverse: language === 'fa', data: months },
      yAxis: { type: 'value', scale: true, max: 100, position: language === 'fa' ? 'right' : 'left' },
      series: products.flatMap((product) => [
        {
          name: product,
          type: 'line',
          data: months.map((month) => lineOf(product, month)?.availabilityPercent ?? null),
        },
        {
          name: `${product}: ${t.reports.target}`,
          type: 'line',
          lineStyle: { type: 'dashed' },
          symbol: 'none',
          data: months.map((month) => {
            const target = lineOf(product, month)?.targetAvailabilityPercent;
            return target === null || target === undefined ? null : Number(target);
          }),
        },
      ]),
    }),
    [report, t, language, months, products],
  );
  return (
    <>
      <Chart option={option} label={`${t.reports.availability}. ${t.reports.chartNote}`} testId="availability-chart" />
      <DataTable
        testId="availability-table"
        empty
        rows={report.availability}
        rowKey={(line) => `${line.productKey}-${line.month}`}
        columns={[
          { header: t.admin.product, rowHeader: true, ltr: true, cell: (line) => line.productKey },
          { header: t.reports.month, cell: (line) => line.month },
          { header: `${t.claims.availability} (%)`, cell: (line) => number(line.availabilityPercent, 4) },
          {
            header: `${t.reports.target} (%)`,
            cell: (line) =>
              line.targetAvailabilityPercent === null ? '—' : number(Number(line.targetAvailabilityPercent), 4),
          },
          {
            header: t.reports.metTarget,
            cell: (line) => (line.metTarget === null ? '—' : line.metTarget ? t.admin.yes : t.admin.no),
          },
        ]}
      />
    </>
  );
}

/** Credit notes applied to each month, summed over customers (rials arrive as strings of digits). */
function CreditsByMonth({ report }: { report: ClaimsReport }) {
  const { t, number, language } = useLocale();
  const months = useMemo(() => {
    const byMonth = new Map<string, { label: string; notes: number; rials: bigint }>();
    for (const line of report.credits.lines) {
      const month = byMonth.get(line.appliesToMonth) ?? { label: line.appliesToMonthJalali, notes: 0, rials: 0n };
      month.notes += line.creditNotes;
      month.rials += BigInt(line.amountRials);
      byMonth.set(line.appliesToMonth, month);
    }
    return [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, month]) => ({ key, ...month }));
  }, [report]);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 96, right: 24, bottom: 32, top: 40 },
      xAxis: { type: 'category', inverse: language === 'fa', data: months.map((m) => m.label) },
      yAxis: { type: 'value', name: t.claims.amountRials, position: language === 'fa' ? 'right' : 'left' },
      series: [{ name: t.claims.amountRials, type: 'bar', data: months.map((m) => Number(m.rials)) }],
    }),
    [months, t, language],
  );
  return (
    <>
      <Chart option={option} label={`${t.reports.credits}. ${t.reports.chartNote}`} testId="credits-chart" />
      <DataTable
        testId="credits-table"
        empty
        rows={months}
        rowKey={(month) => month.key}
        columns={[
          { header: t.reports.month, rowHeader: true, cell: (month) => month.label },
          { header: t.reports.creditNotes, cell: (month) => number(month.notes) },
          { header: t.claims.amountRials, cell: (month) => number(month.rials.toString()) },
        ]}
      />
    </>
  );
}
