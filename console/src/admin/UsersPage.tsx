import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type paths } from '../api/client';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { AdminTabs } from './AdminTabs';

type NewUser = NonNullable<paths['/v1/users']['post']['requestBody']>['content']['application/json'];
type User = paths['/v1/users']['post']['responses'][201]['content']['application/json'];

const STAFF_ROLES = ['agent', 'qa', 'manager', 'admin'] as const;
type StaffRole = (typeof STAFF_ROLES)[number];

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
      <TextField label={t.filters.search} type="search" value={q} onChange={setQ} />
      <Loaded query={users}>
        {(page) => (
          <DataTable
            testId="users-table"
            rows={[...created, ...page.items.filter((user) => !created.some((c) => c.id === user.id))]}
            rowKey={(user) => user.id}
            columns={[
              { header: t.admin.name, cell: (user) => user.name },
              { header: t.email, cell: (user) => user.email ?? '—' },
              { header: t.admin.role, cell: (user) => t.roles[user.role] ?? user.role },
              {
                header: t.admin.canSignIn,
                cell: (user) => (user.disabledAt ? t.admin.disabled : user.canSignIn ? t.admin.yes : t.admin.no),
              },
            ]}
          />
        )}
      </Loaded>
      <NewUserForm onCreated={(user) => setCreated((list) => [user, ...list])} />
    </>
  );
}

const BLANK = { name: '', email: '', role: 'agent' as StaffRole, password: '' };

function NewUserForm({ onCreated }: { onCreated: (user: User) => void }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [user, setUser] = useState(BLANK);
  const create = useMutation({
    mutationFn: (body: NewUser) => unwrap(api.POST('/v1/users', { body })),
    onSuccess: (made) => {
      onCreated(made);
      setUser(BLANK);
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
      <TextField label={t.admin.name} value={user.name} onChange={(name) => setUser({ ...user, name })} required />
      <TextField
        label={t.email}
        type="email"
        value={user.email}
        onChange={(email) => setUser({ ...user, email })}
        required
      />
      <SelectField
        label={t.admin.role}
        value={user.role}
        onChange={(role) => setUser({ ...user, role })}
        choices={STAFF_ROLES.map((role) => ({ value: role, label: t.roles[role] }))}
      />
      <TextField
        label={t.password}
        type="password"
        autoComplete="new-password"
        value={user.password}
        onChange={(password) => setUser({ ...user, password })}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t.ticket.create}
        </button>
      </div>
      <MutationError error={create.error} />
    </form>
  );
}
