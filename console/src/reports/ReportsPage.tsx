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
        <Loaded query={byPriority}>{(report) => <BreachesByPriority report={report} />}</Loaded>
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

function BreachesByPriority({ report }: { report: SlaReport }) {
  const { t, number, language } = useLocale();
  const breached = (group: SlaGroup, target: string) => group.targets.find((f) => f.target === target)?.breached ?? 0;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: {},
      grid: { left: 48, right: 24, bottom: 32, top: 40 },
      xAxis: {
        type: 'category',
        inverse: language === 'fa',
        data: report.groups.map((g) => t.priorities[g.key] ?? g.label),
      },
      yAxis: { type: 'value', minInterval: 1, position: language === 'fa' ? 'right' : 'left' },
      series: TARGETS.map((target) => ({
        name: t.ticket.targets[target],
        type: 'bar',
        data: report.groups.map((g) => breached(g, target)),
      })),
    }),
    [report, t, language],
  );
  return (
    <>
      <Chart
        option={option}
        label={`${t.reports.breachesByPriority}. ${t.reports.chartNote}`}
        testId="breaches-chart"
      />
      <DataTable
        testId="breaches-table"
        rows={report.groups}
        rowKey={(group) => group.key}
        columns={[
          { header: t.ticket.priority, rowHeader: true, cell: (group) => t.priorities[group.key] ?? group.label },
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
