import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { AdminTabs } from './AdminTabs';
import { ContractsSection } from './ContractsSection';

type Customer = ApiResponse<'/v1/customers/{id}'>;
type NewCustomer = NonNullable<paths['/v1/customers']['post']['requestBody']>['content']['application/json'];
type Preference = Customer['messagingPreference'];

const PREFERENCES: readonly Preference[] = ['all', 'no_advertising', 'no_messages'];

/** Admin — customers: the list (a part of the name finds one), a new customer; each opens with its contracts. */
export function CustomersPage() {
  const { t } = useLocale();
  const [name, setName] = useState('');
  const customers = useQuery({
    queryKey: ['customers', 'list', name],
    queryFn: () =>
      unwrap(
        api.GET('/v1/customers', { params: { query: { limit: 100, ...(name.trim() && { name: name.trim() }) } } }),
      ),
  });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.customers}</h1>
      <TextField label={t.filters.search} type="search" value={name} onChange={setName} />
      <Loaded query={customers}>
        {(page) => (
          <DataTable
            testId="customers-table"
            rowTestId="customer-row"
            empty
            rows={page.items}
            rowKey={(customer) => customer.id}
            columns={[
              {
                header: t.admin.name,
                rowHeader: true,
                cell: (customer) => <Link to={`/admin/customers/${customer.id}`}>{customer.name}</Link>,
              },
              { header: t.admin.city, cell: (customer) => customer.city ?? '—' },
              {
                header: t.admin.messaging,
                cell: (customer) => t.admin.messagingPreferences[customer.messagingPreference],
              },
            ]}
          />
        )}
      </Loaded>
      <CustomerForm />
    </>
  );
}

/** Admin — one customer: its details to edit and its contracts. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useQuery({
    queryKey: ['customers', id],
    queryFn: () => unwrap(api.GET('/v1/customers/{id}', { params: { path: { id } } })),
  });
  return (
    <>
      <AdminTabs />
      <Loaded query={customer}>
        {(data) => (
          <>
            <h1>{data.name}</h1>
            <CustomerForm customer={data} />
            <ContractsSection customer={data} />
          </>
        )}
      </Loaded>
    </>
  );
}

/** A new customer, or (given one) the changes to it: name, city and which messages it takes. */
function CustomerForm({ customer }: { customer?: Customer }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(customer?.name ?? '');
  const [city, setCity] = useState(customer?.city ?? '');
  const [preference, setPreference] = useState<Preference>(customer?.messagingPreference ?? 'all');
  const save = useMutation({
    mutationFn: (body: NewCustomer) =>
      customer
        ? unwrap(api.PATCH('/v1/customers/{id}', { params: { path: { id: customer.id } }, body }))
        : unwrap(api.POST('/v1/customers', { body })),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: ['customers'] });
      if (!customer) await navigate(`/admin/customers/${saved.id}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ name, city: city.trim() || null, messagingPreference: preference });
  };
  const title = customer ? t.admin.editCustomer : t.admin.newCustomer;
  return (
    <form className="stack" aria-label={title} onSubmit={submit}>
      <h2>{title}</h2>
      <TextField label={t.admin.name} value={name} onChange={setName} required maxLength={200} />
      <TextField label={t.admin.city} value={city} onChange={setCity} maxLength={100} />
      <SelectField
        label={t.admin.messaging}
        value={preference}
        onChange={setPreference}
        choices={PREFERENCES.map((p) => ({ value: p, label: t.admin.messagingPreferences[p] }))}
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {customer ? t.admin.save : t.ticket.create}
        </button>
        {customer && save.isSuccess && <span role="status">{t.admin.saved}</span>}
      </div>
      <MutationError error={save.error} />
    </form>
  );
}
