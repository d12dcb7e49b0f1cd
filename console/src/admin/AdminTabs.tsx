import { NavLink } from 'react-router';
import { useLocale } from '../i18n/locale';

/** The admin pages' own navigation. */
export function AdminTabs() {
  const { t } = useLocale();
  return (
    <nav aria-label={t.nav.admin} className="tabs">
      <NavLink to="/admin/users">{t.admin.users}</NavLink> <NavLink to="/admin/calendars">{t.admin.calendars}</NavLink>
    </nav>
  );
}
