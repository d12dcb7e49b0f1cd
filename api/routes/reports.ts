/**
 * Reports for managers and finance: JSON, or CSV with `Accept: text/csv`. The figures are built
 * in api/reports/ from what the workflows recorded. Staff read every customer (a manager's own
 * vendor arrives with the people model); a customer key reads its own account only.
 */
import { defineRoute } from '../route';
import { breachesReport, breachesReportCsv, breachesReportFor, breachesReportQuery } from '../reports/breaches';
import {
  changeRequestsReport,
  changeRequestsReportCsv,
  changeRequestsReportFor,
  changeRequestsReportQuery,
} from '../reports/change-requests';
import { claimsReport, claimsReportCsv, claimsReportFor, claimsReportQuery } from '../reports/claims';
import { reportPeriod, scopedCustomer, type PeriodFields } from '../reports/period';
import { slaReport, slaReportCsv, slaReportFor, slaReportQuery } from '../reports/sla';
import type { Principal } from '../auth';

const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;
const STAFF = ['agent', 'qa', 'manager', 'admin'] as const;

/** What every report is asked for: its period, now, and the customer and product it may cover. */
const scope = (query: PeriodFields & { customerId?: string; productId?: string }, principal: Principal) => ({
  period: reportPeriod(query),
  asOfMs: Date.now(),
  customerId: scopedCustomer(principal, query.customerId),
  productId: query.productId,
});

export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/reports/sla',
    tag: 'reports',
    summary:
      'SLA compliance of the tickets opened in a Jalali month or date range (Tehran time): per target met, breached and open, times to first response and resolution, paused time, reopen rate',
    roles: EVERYONE,
    query: slaReportQuery,
    response: slaReport,
    csv: slaReportCsv,
    handler: async ({ query, principal, deps }) =>
      slaReportFor(deps.db, {
        ...scope(query, principal),
        groupBy: query.groupBy,
        priority: query.priority,
        plan: query.plan,
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/breaches',
    tag: 'reports',
    summary:
      'Every breach and escalation that fired in the period: who was told, by which channel, whether it was delivered, and how late the ticket was answered after all',
    roles: STAFF,
    query: breachesReportQuery,
    response: breachesReport,
    csv: breachesReportCsv,
    handler: async ({ query, principal, deps }) =>
      breachesReportFor(deps.db, {
        ...scope(query, principal),
        kind: query.kind,
        limit: query.limit,
        cursor: query.cursor,
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/claims',
    tag: 'reports',
    summary:
      'Claims received in the period (acknowledged and decided on time, approved, adjusted, rejected), credit notes per month and customer, availability per product and month against its target',
    roles: EVERYONE,
    query: claimsReportQuery,
    response: claimsReport,
    csv: claimsReportCsv,
    handler: async ({ query, principal, deps }) => claimsReportFor(deps.db, scope(query, principal)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/reports/change-requests',
    tag: 'reports',
    summary:
      'Change requests opened in the period: reviews and deliveries on time, customer delay days, acceptance by silence, defects per delivery, invoiced hours',
    roles: STAFF,
    query: changeRequestsReportQuery,
    response: changeRequestsReport,
    csv: changeRequestsReportCsv,
    handler: async ({ query, principal, deps }) => changeRequestsReportFor(deps.db, scope(query, principal)),
  }),
];
