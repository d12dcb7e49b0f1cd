import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { AdminTabs } from './AdminTabs';

type NewKey = NonNullable<paths['/v1/api-keys']['post']['requestBody']>['content']['application/json'];
type ApiKey = ApiResponse<'/v1/api-keys'>['items'][number];
type Role = NonNullable<NewKey['role']>;

const ROLES: readonly Role[] = ['agent', 'qa', 'manager', 'admin', 'customer'];

/** Admin — API keys: who holds one, when it was last used; a new key shows its secret once; revoking is at once. */
export function ApiKeysPage() {
  const { t, dateTime } = useLocale();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/v1/api-keys')) });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.apiKeys}</h1>
      <Loaded query={keys}>
        {(answer) => (
          <DataTable
            testId="keys-table"
            rowTestId="key-row"
            // The newest first: a key just made is on top.
            rows={[...answer.items].reverse()}
            rowKey={(key) => key.id}
            columns={[
              { header: t.admin.name, rowHeader: true, cell: (key) => key.name },
              { header: t.admin.displayName, cell: (key) => key.displayName ?? '—' },
              { header: t.admin.prefix, ltr: true, cell: (key) => key.prefix },
              { header: t.admin.role, cell: (key) => t.roles[key.role] ?? key.role },
              { header: t.admin.createdAt, cell: (key) => dateTime(key.createdAt) },
              { header: t.admin.lastUsed, cell: (key) => (key.lastUsedAt ? dateTime(key.lastUsedAt) : t.admin.never) },
              { header: t.ticket.status, cell: (key) => <KeyState apiKey={key} /> },
            ]}
          />
        )}
      </Loaded>
      <NewKeyForm />
    </>
  );
}

function KeyState({ apiKey }: { apiKey: ApiKey }) {
  const { t, dateTime } = useLocale();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/api-keys/{id}', { params: { path: { id: apiKey.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  if (apiKey.revokedAt) return <>{`${t.admin.revoked} · ${dateTime(apiKey.revokedAt)}`}</>;
  return (
    <>
      {t.admin.active}{' '}
      <button
        type="button"
        className="danger"
        disabled={revoke.isPending}
        onClick={() => revoke.mutate()}
        aria-label={`${t.admin.revoke}: ${apiKey.name}`}
      >
        {t.admin.revoke}
      </button>
      <MutationError error={revoke.error} />
    </>
  );
}

function NewKeyForm() {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [customerId, setCustomerId] = useState('');
  const customers = useQuery({
    queryKey: ['customers', 'all'],
    enabled: role === 'customer',
    queryFn: () => unwrap(api.GET('/v1/customers', { params: { query: { limit: 100 } } })),
  });
  const create = useMutation({
    mutationFn: (body: NewKey) => unwrap(api.POST('/v1/api-keys', { body })),
    onSuccess: () => {
      setName('');
      setDisplayName('');
      return queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name,
      role,
      ...(displayName && { displayName }),
      ...(role === 'customer' && { customerId }),
    });
  };
  return (
    <form className="stack" aria-label={t.admin.newKey} onSubmit={submit}>
      <h2>{t.admin.newKey}</h2>
      <TextField label={t.admin.name} value={name} onChange={setName} required maxLength={200} />
      <TextField label={t.admin.displayName} value={displayName} onChange={setDisplayName} maxLength={100} />
      <SelectField
        label={t.admin.role}
        value={role}
        onChange={setRole}
        choices={ROLES.map((r) => ({ value: r, label: t.roles[r] }))}
      />
      {role === 'customer' && (
        <SelectField
          label={t.admin.customer}
          value={customerId}
          onChange={setCustomerId}
          required
          choices={[
            { value: '', label: t.newTicket.choose },
            ...(customers.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })),
          ]}
        />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {t.ticket.create}
        </button>
      </div>
      <MutationError error={create.error} />
      {create.data && (
        <div className="card secret" role="status" data-testid="new-key-secret">
          <p>{t.admin.secretOnce}</p>
          <output dir="ltr">{create.data.key}</output>
        </div>
      )}
    </form>
  );
}
