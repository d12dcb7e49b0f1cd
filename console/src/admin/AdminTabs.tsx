import { NavLink } from 'react-router';
import { useLocale } from '../i18n/locale';

/** The admin pages' own navigation. */
export function AdminTabs() {
  const { t } = useLocale();
  const tabs = [
    ['/admin/users', t.admin.users],
    ['/admin/keys', t.admin.apiKeys],
    ['/admin/customers', t.admin.customers],
    ['/admin/policies', t.admin.policies],
    ['/admin/calendars', t.admin.calendars],
  ] as const;
  return (
    <nav aria-label={t.nav.admin} className="tabs">
      {tabs.map(([to, label]) => (
        <NavLink key={to} to={to}>
          {label}
        </NavLink>
      ))}
    </nav>
  );
}
