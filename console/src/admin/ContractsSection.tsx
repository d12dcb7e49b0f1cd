import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type ApiResponse } from '../api/client';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { TEHRAN, useLocale } from '../i18n/locale';

type Customer = ApiResponse<'/v1/customers/{id}'>;
type Contract = ApiResponse<'/v1/contracts/{id}'>;

/** The Tehran calendar day of an instant, as a date input holds it (YYYY-MM-DD). */
const tehranDay = (instant: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TEHRAN, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(instant),
  );
/** Midnight in Tehran at the start of a day the date input holds: the instant the API takes. */
const tehranMidnight = (day: string) => `${day}T00:00:00+03:30`;

/** A customer's contracts: product, plan, term (Jalali dates), payment and price; each can be edited, a new one added. */
export function ContractsSection({ customer }: { customer: Customer }) {
  const { t, date, number } = useLocale();
  const [editing, setEditing] = useState<Contract | null>(null);
  const contracts = useQuery({
    queryKey: ['contracts', customer.id],
    queryFn: () => unwrap(api.GET('/v1/contracts', { params: { query: { customerId: customer.id, limit: 100 } } })),
  });
  const products = useQuery({ queryKey: ['products'], queryFn: () => unwrap(api.GET('/v1/products')) });
  const productName = (id: string) => {
    const product = products.data?.items.find((p) => p.id === id);
    return product ? (product.nameFa ?? product.name) : id.slice(0, 8);
  };
  return (
    <section aria-labelledby="contracts">
      <h2 id="contracts">{t.admin.contracts}</h2>
      <Loaded query={contracts}>
        {(page) => (
          <DataTable
            testId="contracts-table"
            rowTestId="contract-row"
            empty
            rows={page.items}
            rowKey={(contract) => contract.id}
            columns={[
              { header: t.admin.product, rowHeader: true, cell: (contract) => productName(contract.productId) },
              { header: t.admin.plan, ltr: true, cell: (contract) => contract.plan },
              { header: t.admin.startsAt, cell: (contract) => date(contract.startsAt) },
              { header: t.admin.endsAt, cell: (contract) => date(contract.endsAt) },
              { header: t.admin.paid, cell: (contract) => (contract.paid ? t.admin.yes : t.admin.no) },
              { header: t.admin.priceRials, cell: (contract) => number(contract.priceRials) },
              {
                header: t.ticket.actions,
                cell: (contract) => (
                  <button
                    type="button"
                    onClick={() => setEditing(contract)}
                    aria-label={`${t.admin.edit}: ${productName(contract.productId)} ${contract.plan}`}
                  >
                    {t.admin.edit}
                  </button>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      <ContractForm
        // A fresh form for each contract edited (and for a new one).
        key={editing?.id ?? 'new'}
        customerId={customer.id}
        contract={editing}
        products={products.data?.items ?? []}
        onDone={() => setEditing(null)}
      />
    </section>
  );
}

function ContractForm({
  customerId,
  contract,
  products,
  onDone,
}: {
  customerId: string;
  contract: Contract | null;
  products: { id: string; name: string; nameFa?: string | null }[];
  onDone: () => void;
}) {
  const { t, date } = useLocale();
  const queryClient = useQueryClient();
  const plans = useQuery({
    queryKey: ['policies', 'ticket'],
    queryFn: () => unwrap(api.GET('/v1/policies', { params: { query: { kind: 'ticket' } } })),
  });
  const [productId, setProductId] = useState(contract?.productId ?? '');
  const [policyId, setPolicyId] = useState(contract?.policyId ?? '');
  const [startsAt, setStartsAt] = useState(contract ? tehranDay(contract.startsAt) : '');
  const [endsAt, setEndsAt] = useState(contract ? tehranDay(contract.endsAt) : '');
  const [paid, setPaid] = useState(contract?.paid ?? true);
  const [price, setPrice] = useState(contract?.priceRials ?? '0');
  const save = useMutation({
    mutationFn: () => {
      const terms = {
        policyId,
        startsAt: tehranMidnight(startsAt),
        endsAt: tehranMidnight(endsAt),
        paid,
        priceRials: price,
      };
      return contract
        ? unwrap(api.PATCH('/v1/contracts/{id}', { params: { path: { id: contract.id } }, body: terms }))
        : unwrap(api.POST('/v1/contracts', { body: { customerId, productId, ...terms } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['contracts', customerId] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const title = contract ? t.admin.editContract : t.admin.newContract;
  // Each date input shows the Jalali date it holds beside it (the browser's picker is Gregorian).
  const jalali = (day: string) => (day ? <span className="hint">{date(tehranMidnight(day))}</span> : null);
  return (
    <form className="stack" aria-label={title} onSubmit={submit}>
      <h3>{title}</h3>
      <SelectField
        label={t.admin.product}
        value={productId}
        onChange={setProductId}
        required
        disabled={contract !== null}
        choices={[
          { value: '', label: t.newTicket.choose },
          ...products.map((p) => ({ value: p.id, label: p.nameFa ?? p.name })),
        ]}
      />
      <SelectField
        label={t.admin.plan}
        value={policyId}
        onChange={setPolicyId}
        required
        choices={[
          { value: '', label: t.newTicket.choose },
          ...(plans.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.key})` })),
        ]}
      />
      <div className="actions">
        <TextField label={t.admin.startsAt} type="date" value={startsAt} onChange={setStartsAt} required />
        {jalali(startsAt)}
        <TextField label={t.admin.endsAt} type="date" value={endsAt} onChange={setEndsAt} required />
        {jalali(endsAt)}
      </div>
      <label className="inline">
        <input type="checkbox" checked={paid} onChange={(e) => setPaid(e.target.checked)} /> {t.admin.paid}
      </label>
      <TextField
        label={t.admin.priceRials}
        inputMode="numeric"
        pattern="[0-9]+"
        dir="ltr"
        value={price}
        onChange={setPrice}
        required
      />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {contract ? t.admin.save : t.ticket.create}
        </button>
        {contract && (
          <button type="button" onClick={onDone}>
            {t.admin.cancel}
          </button>
        )}
      </div>
      <MutationError error={save.error} />
    </form>
  );
}
