/**
 * Reports for managers and finance: JSON, or CSV with `Accept: text/csv`. The figures are built
 * in api/reports/ from what the workflows recorded. Staff read every customer (a manager's own
 * vendor arrives with the people model); a customer key reads its own account only.
 */
import { defineRoute } from '../route';
import { reportPeriod, scopedCustomer } from '../reports/period';
import { slaReport, slaReportCsv, slaReportFor, slaReportQuery } from '../reports/sla';

const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;

export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/reports/sla',
    tag: 'reports',
    summary: 'SLA compliance of the tickets opened in a Jalali month or date range (Tehran time): per target met, breached and open, times to first response and resolution, paused time, reopen rate',
    roles: EVERYONE,
    query: slaReportQuery,
    response: slaReport,
    csv: slaReportCsv,
    handler: async ({ query, principal, deps }) =>
      slaReportFor(deps.db, {
        period: reportPeriod(query),
        asOfMs: Date.now(),
        groupBy: query.groupBy,
        customerId: scopedCustomer(principal, query.customerId),
        productId: query.productId,
        priority: query.priority,
        plan: query.plan,
      }),
  }),
];
