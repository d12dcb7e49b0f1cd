import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { NavLink } from 'react-router';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';

type NewUser = NonNullable<paths['/v1/users']['post']['requestBody']>['content']['application/json'];
type User = paths['/v1/users']['post']['responses'][201]['content']['application/json'];
type EstimatedHoliday = ApiResponse<'/v1/holidays/estimated'>['items'][number];

/** The admin pages' own navigation. */
function AdminTabs() {
  const { t } = useLocale();
  return (
    <nav aria-label={t.nav.admin} className="tabs">
      <NavLink to="/admin/users">{t.admin.users}</NavLink> <NavLink to="/admin/calendars">{t.admin.calendars}</NavLink>
    </nav>
  );
}

const STAFF_ROLES = ['agent', 'qa', 'manager', 'admin'] as const;

/** Admin — users: who can sign in, with which role; a new staff user with a password. Everything through /v1/users. */
export function UsersPage() {
  const { t } = useLocale();
  const [q, setQ] = useState('');
  // Users created on this page show first: the list is oldest first, 100 at a time.
  const [created, setCreated] = useState<User[]>([]);
  const users = useQuery({
    queryKey: ['users', q],
    queryFn: () =>
      unwrap(api.GET('/v1/users', { params: { query: { limit: 100, ...(q.trim() && { q: q.trim() }) } } })),
  });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.users}</h1>
      <label>
        {t.filters.search}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <Loaded query={users}>
        {(page) => (
          <table data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">{t.admin.name}</th>
                <th scope="col">{t.email}</th>
                <th scope="col">{t.admin.role}</th>
                <th scope="col">{t.admin.canSignIn}</th>
              </tr>
            </thead>
            <tbody>
              {[...created, ...page.items.filter((user) => !created.some((c) => c.id === user.id))].map((user) => (
                <tr key={user.id}>
                  <td>{user.name}</td>
                  <td>{user.email ?? '—'}</td>
                  <td>{t.roles[user.role] ?? user.role}</td>
                  <td>{user.disabledAt ? t.admin.disabled : user.canSignIn ? t.admin.yes : t.admin.no}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <NewUserForm onCreated={(user) => setCreated((list) => [user, ...list])} />
    </>
  );
}

function NewUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [user, setUser] = useState({
    name: '',
    email: '',
    role: 'agent' as (typeof STAFF_ROLES)[number],
    password: '',
  });
  const create = useMutation({
    mutationFn: (body: NewUser) => unwrap(api.POST('/v1/users', { body })),
    onSuccess: (made) => {
      onCreated(made);
      setUser({ name: '', email: '', role: 'agent', password: '' });
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name: user.name,
      email: user.email,
      role: user.role,
      ...(user.password && { password: user.password }),
    });
  };
  return (
    <form className="stack" aria-label={t.admin.newUser} onSubmit={submit}>
      <h2>{t.admin.newUser}</h2>
      <label>
        {t.admin.name}
        <input value={user.name} onChange={(e) => setUser({ ...user, name: e.target.value })} required />
      </label>
      <label>
        {t.email}
        <input type="email" value={user.email} onChange={(e) => setUser({ ...user, email: e.target.value })} required />
      </label>
      <label>
        {t.admin.role}
        <select
          value={user.role}
          onChange={(e) => setUser({ ...user, role: e.target.value as (typeof STAFF_ROLES)[number] })}
        >
          {STAFF_ROLES.map((role) => (
            <option key={role} value={role}>
              {t.roles[role]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.password}
        <input
          type="password"
          autoComplete="new-password"
          value={user.password}
          onChange={(e) => setUser({ ...user, password: e.target.value })}
        />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t.ticket.create}
        </button>
      </div>
      <MutationError error={create.error} />
    </form>
  );
}

/** Admin — calendars and their holidays: estimated dates are flagged, to confirm as official (or correct through the API). */
export function CalendarsPage() {
  const { t } = useLocale();
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => unwrap(api.GET('/v1/calendars')) });
  const estimated = useQuery({
    queryKey: ['holidays', 'estimated'],
    queryFn: () => unwrap(api.GET('/v1/holidays/estimated')),
  });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.calendars}</h1>
      <Loaded query={calendars}>
        {(answer) => (
          <table data-testid="calendars-table">
            <thead>
              <tr>
                <th scope="col">{t.admin.key}</th>
                <th scope="col">{t.admin.name}</th>
                <th scope="col">{t.admin.holidaySet}</th>
              </tr>
            </thead>
            <tbody>
              {answer.items.map((calendar) => (
                <tr key={calendar.id}>
                  <td dir="ltr">{calendar.key}</td>
                  <td>{calendar.name}</td>
                  <td dir="ltr">{calendar.holidaySet ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h2>{t.admin.estimatedHolidays}</h2>
      <p>{t.admin.estimatedNote}</p>
      <Loaded query={estimated}>
        {(answer) =>
          answer.items.length === 0 ? (
            <p>{t.empty}</p>
          ) : (
            <table data-testid="estimated-holidays">
              <thead>
                <tr>
                  <th scope="col">{t.admin.date}</th>
                  <th scope="col">{t.admin.name}</th>
                  <th scope="col">{t.admin.holidaySet}</th>
                  <th scope="col">{t.admin.daysUntil}</th>
                  <th scope="col">{t.ticket.actions}</th>
                </tr>
              </thead>
              <tbody>
                {answer.items.map((item) => (
                  <EstimatedRow key={item.holiday.id} item={item} />
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}

function EstimatedRow({ item }: { item: EstimatedHoliday }) {
  const { t, date, number, language } = useLocale();
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/holidays/{id}/confirm', { params: { path: { id: item.holiday.id } }, body: {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['holidays'] }),
  });
  const { holiday } = item;
  return (
    <tr data-testid="estimated-holiday">
      <td>{date(holiday.date)}</td>
      <td>
        {language === 'en' ? (holiday.nameEn ?? holiday.name) : holiday.name}{' '}
        <span className="badge estimated">{t.admin.estimated}</span>
      </td>
      <td dir="ltr">{holiday.set}</td>
      <td>{number(item.daysUntil)}</td>
      <td>
        <button
          type="button"
          onClick={() => confirm.mutate()}
          disabled={confirm.isPending}
          aria-label={`${t.admin.confirm}: ${holiday.name} ${holiday.date}`}
        >
          {t.admin.confirm}
        </button>
        <MutationError error={confirm.error} />
      </td>
    </tr>
  );
}
