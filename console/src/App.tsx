import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { ApiKeysPage } from './admin/ApiKeysPage';
import { CalendarsPage } from './admin/CalendarsPage';
import { CustomerPage, CustomersPage } from './admin/CustomersPage';
import { PoliciesPage, PolicyPage } from './admin/PoliciesPage';
import { UsersPage } from './admin/UsersPage';
import { useSession, type Role } from './auth/session';
import { ClaimPage } from './claims/ClaimPage';
import { ClaimsQueuePage } from './claims/ClaimsQueuePage';
import { useLocale } from './i18n/locale';
import { Layout } from './layout/Layout';
import { NowPage } from './manager/NowPage';
import { SignInPage } from './signin/SignInPage';
import { NewTicketPage } from './tickets/NewTicketPage';
import { TicketPage } from './tickets/TicketPage';
import { TicketsPage } from './tickets/TicketsPage';

// The charts (ECharts) load with the reports page only: the other pages' first render does not wait for them.
const ReportsPage = lazy(() => import('./reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));

/** Where each role lands after signing in. */
export const HOME: Record<Role, string> = {
  admin: '/now',
  manager: '/now',
  qa: '/claims',
  agent: '/tickets',
  customer: '/tickets',
};

export function App() {
  const { state } = useSession();
  const { t } = useLocale();
  if (state.status === 'loading') return <p className="page-loading">{t.loading}</p>;
  if (state.status === 'signedOut') {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="*" element={<Navigate to="/sign-in" replace />} />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/now" element={<NowPage />} />
        <Route
          path="/reports"
          element={
            <Suspense fallback={<p aria-busy="true">{t.loading}</p>}>
              <ReportsPage />
            </Suspense>
          }
        />
        <Route path="/claims" element={<ClaimsQueuePage />} />
        <Route path="/claims/:id" element={<ClaimPage />} />
        <Route path="/tickets" element={<TicketsPage />} />
        <Route path="/admin/users" element={<UsersPage />} />
        <Route path="/admin/calendars" element={<CalendarsPage />} />
        <Route path="/admin/keys" element={<ApiKeysPage />} />
        <Route path="/admin/customers" element={<CustomersPage />} />
        <Route path="/admin/customers/:id" element={<CustomerPage />} />
        <Route path="/admin/policies" element={<PoliciesPage />} />
        <Route path="/admin/policies/:id" element={<PolicyPage />} />
        <Route path="/tickets/new" element={<NewTicketPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
        <Route path="/" element={<Navigate to={HOME[state.user.role]} replace />} />
        <Route path="/sign-in" element={<Navigate to={HOME[state.user.role]} replace />} />
        <Route path="*" element={<h1>{t.notFound}</h1>} />
      </Route>
    </Routes>
  );
}
