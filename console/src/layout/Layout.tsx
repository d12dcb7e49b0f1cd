import { NavLink, Outlet } from 'react-router';
import { useSession, useUser, type Role } from '../auth/session';
import { useLocale } from '../i18n/locale';
import { useServerNow } from '../clock/server-clock';

const NAV: { to: string; label: 'now' | 'reports' | 'claims' | 'tickets' | 'portal' | 'admin'; roles: Role[] }[] = [
  { to: '/now', label: 'now', roles: ['manager', 'admin'] },
  { to: '/reports', label: 'reports', roles: ['manager', 'admin'] },
  { to: '/claims', label: 'claims', roles: ['qa', 'manager', 'admin'] },
  { to: '/tickets', label: 'tickets', roles: ['agent', 'manager', 'admin'] },
  { to: '/tickets', label: 'portal', roles: ['customer'] },
  { to: '/admin/users', label: 'admin', roles: ['admin'] },
];

export function Layout() {
  const user = useUser();
  const { signOut } = useSession();
  const { t, language, setLanguage, dateTime } = useLocale();
  const now = useServerNow();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t.appName}</span>
        <nav aria-label={t.appName}>
          {NAV.filter((item) => item.roles.includes(user.role)).map((item) => (
            <NavLink key={item.label} to={item.to}>
              {t.nav[item.label]}
            </NavLink>
          ))}
        </nav>
        <span className="spacer" />
        <time className="server-time" title={t.now.serverTime} dateTime={new Date(now).toISOString()}>
          {dateTime(now)}
        </time>
        <span className="who">
          {t.signedInAs}: {user.name === user.role ? t.roles[user.role] : user.name} ({t.roles[user.role]})
        </span>
        <button
          type="button"
          lang={language === 'fa' ? 'en' : 'fa'}
          onClick={() => setLanguage(language === 'fa' ? 'en' : 'fa')}
        >
          {t.switchTo}
        </button>
        <button type="button" onClick={() => void signOut()}>
          {t.signOut}
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
